//! `tree` and `peek`: each node of the trimmed graph with its callers above
//! and its callees below (pprof's `printTree`). `peek RE` shows only the
//! nodes whose printable name matches RE, on the untrimmed graph (the
//! command overrides turn trimming off).
//!
//! Report stage: the graph is built by `aggregate::graph::trimmed_from`
//! from the session's cached node-only graph (for `peek`, in one pass that
//! records only the edges of the selected nodes); this module only
//! selects, sorts edges and formats. Edge lines
//! print the raw (undivided) edge weight, as pprof does with `mean`.

use super::Report;
use super::cache::Cache;
use super::header::{Legend, report_labels};
use crate::aggregate::graph::{Edge, EdgeScope, sort_edges, trimmed_from};
use crate::render::units::percentage;
use regex::Regex;
use std::fmt::Write;

const SEPARATOR: &str = "----------------------------------------------------------+-------------";
const LEGEND: &str = "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t ";

/// Renders `tree`, or `peek` when `select` is given. A `peek` that matches
/// no node is an error (`no matches found for regexp: RE`).
pub fn render(
    r: &mut Report,
    select: Option<(&Regex, &str)>,
    cache: &mut Cache,
) -> Result<String, String> {
    let table = r.cached_table(cache);
    let full = r.cached_nodes(cache, &table);
    // peek needs only the edges of the nodes it shows.
    let selected: Option<Vec<bool>> = select.map(|(re, _)| {
        table
            .infos
            .iter()
            .map(|i| re.is_match(&i.printable_name()))
            .collect()
    });
    let scope = match &selected {
        Some(s) => EdgeScope::Touching(s),
        None => EdgeScope::All,
    };
    let t = match select {
        Some(_) => std::sync::Arc::new(trimmed_from(
            &r.view,
            &table,
            r.values,
            r.trim_options(),
            &full,
            scope,
        )),
        None => r.cached_trimmed(cache, &table),
    };
    let (g, names) = (&t.graph, &t.names);
    r.select_output_unit(
        g.nodes.iter().map(|n| (n.flat_value(), n.cum_value())),
        false,
    );
    let mut out = report_labels(r, &Legend::of(&t), false).join("\n");
    out.push('\n');
    out.push_str(SEPARATOR);
    out.push('\n');
    out.push_str(LEGEND);
    out.push('\n');
    let edge_line = |out: &mut String, e: &Edge, cum: i64, other: u32| {
        let mark = if e.inline { " (inline)" } else { "" };
        let _ = writeln!(
            out,
            "{:>50} {} |   {}{mark}",
            r.format_value(e.weight),
            percentage(e.weight, cum),
            names[other as usize]
        );
    };
    let mut flat_sum = 0i64;
    let mut matched = 0usize;
    for n in &g.nodes {
        let name = &names[n.id as usize];
        if selected.as_ref().is_some_and(|s| !s[n.id as usize]) {
            continue;
        }
        matched += 1;
        let (flat, cum) = (n.flat_value(), n.cum_value());
        out.push_str(SEPARATOR);
        out.push('\n');
        let mut ins: Vec<&Edge> = g.in_edges(n).collect();
        sort_edges(&mut ins, names);
        for e in ins {
            edge_line(&mut out, e, cum, e.src);
        }
        flat_sum += flat;
        let _ = writeln!(
            out,
            "{}                | {name}",
            r.value_columns(flat, flat_sum, cum)
        );
        let mut outs: Vec<&Edge> = g.out_edges(n).collect();
        sort_edges(&mut outs, names);
        for e in outs {
            edge_line(&mut out, e, cum, e.dst);
        }
    }
    if !g.nodes.is_empty() {
        out.push_str(SEPARATOR);
        out.push('\n');
    }
    match select {
        Some((_, source)) if matched == 0 => Err(format!("no matches found for regexp: {source}")),
        _ => Ok(out),
    }
}
