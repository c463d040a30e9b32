//! `top` / `text`: the flat/cum table of the trimmed graph.

use super::Report;
use super::cache::Cache;
use super::header::{Legend, report_labels};
use std::fmt::Write;

/// Renders `top`.
pub fn render(r: &mut Report, cache: &mut Cache) -> String {
    let table = r.cached_table(cache);
    let t = r.cached_trimmed(cache, &table);
    let g = &t.graph;
    r.select_output_unit(
        g.nodes.iter().map(|n| (n.flat_value(), n.cum_value())),
        false,
    );
    let legend = Legend::of(&t);
    let mut out = String::new();
    for l in report_labels(r, &legend, false) {
        out.push_str(&l);
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{:>10} {:>5}% {:>5}% {:>10} {:>5}%",
        "flat", "flat", "sum", "cum", "cum"
    );
    let mut sum = 0i64;
    for n in &g.nodes {
        let (flat, cum) = (n.flat_value(), n.cum_value());
        let (mut inline, mut noinline) = (false, false);
        for e in g.in_edges(n) {
            if e.inline {
                inline = true;
            } else {
                noinline = true;
            }
        }
        let mark = match (inline, noinline) {
            (true, true) => " (partial-inline)",
            (true, false) => " (inline)",
            _ => "",
        };
        sum += flat;
        let _ = writeln!(
            out,
            "{}  {}{}",
            r.value_columns(flat, sum, cum),
            table.infos[n.id as usize].printable_name(),
            mark
        );
    }
    out
}
