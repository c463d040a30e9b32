//! `traces`: every kept sample with its labels and its stack, leaf first,
//! after the profile header (which is printed even in the shell).
//!
//! Report stage: reads the filtered view and the node table (for the
//! granularity and the inline marks), never the graph. Values are
//! auto-scaled one by one; zero-valued samples are printed, samples without
//! frames are not.

use super::Report;
use super::header::profile_labels;
use crate::aggregate::graph::divided;
use crate::model::Label;
use crate::render::units;
use std::fmt::Write;

const SEPARATOR: &str = "-----------+-------------------------------------------------------";

/// Groups a sample's labels of one kind by key, values in sample order,
/// and formats one `%10s:  v1 v2` line per key; the lines come back
/// sorted as strings (as pprof sorts them, padding included).
fn label_lines<'l>(
    labels: impl Iterator<Item = &'l Label>,
    key: impl Fn(&Label) -> &'l str,
    value: impl Fn(&Label) -> String,
) -> Vec<String> {
    let mut keys: Vec<(&str, Vec<String>)> = Vec::new();
    for l in labels {
        let k = key(l);
        match keys.iter_mut().find(|(name, _)| *name == k) {
            Some((_, vs)) => vs.push(value(l)),
            None => keys.push((k, vec![value(l)])),
        }
    }
    let mut lines: Vec<String> = keys
        .into_iter()
        .map(|(k, vs)| format!("{k:>10}:  {}\n", vs.join(" ")))
        .collect();
    lines.sort();
    lines
}

/// Renders `traces`.
pub fn render(r: &Report) -> String {
    let table = r.node_table();
    let names: Vec<String> = table.infos.iter().map(|i| i.printable_name()).collect();
    let p = r.view.profile();
    let mut out = profile_labels(r).join("\n");
    out.push('\n');
    let mut stack: Vec<(u32, bool)> = Vec::new();
    for k in 0..r.view.samples.len() {
        stack.clear();
        for loc in r.view.sample_locs(k) {
            let frames = table.frames(loc);
            let last = frames.len().saturating_sub(1);
            stack.extend(frames.iter().enumerate().map(|(i, &n)| (n, i != last)));
        }
        if stack.is_empty() {
            continue;
        }
        out.push_str(SEPARATOR);
        out.push('\n');
        let labels: Vec<&Label> = r.view.sample_labels(k).collect();
        for line in label_lines(
            labels.iter().copied().filter(|l| l.is_str()),
            |l| p.str(l.key),
            |l| p.str(l.str).to_string(),
        ) {
            out.push_str(&line);
        }
        for line in label_lines(
            labels.iter().copied().filter(|l| !l.is_str()),
            |l| p.str(l.key),
            |l| {
                let unit = r.num_units.get(p.str(l.key)).map_or("", String::as_str);
                units::label(l.num, unit)
            },
        ) {
            out.push_str(&line);
        }
        let (v, d) = r.values.read(r.view.sample_values(k));
        let v = divided(v, d);
        for (i, &(node, inline)) in stack.iter().enumerate() {
            let value = if i == 0 {
                r.format_value(v)
            } else {
                String::new()
            };
            let mark = if inline { " (inline)" } else { "" };
            let _ = writeln!(out, "{value:>10}   {}{mark}", names[node as usize]);
        }
    }
    out.push_str(SEPARATOR);
    out.push('\n');
    out
}
