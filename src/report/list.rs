//! `list RE`: annotated source of the functions whose name matches RE
//! (pprof's `printSource`).
//!
//! Runs at line granularity without trimming: the flat and cum of every
//! line node of a matching function, grouped by function name and file,
//! shown against a window of the source file (five lines of margin). Values
//! are raw sums (no `mean` division), each formatted in its own unit. The
//! source look-up lives in `report::sourcefile`; colour is added later by
//! `render::color::paint`.

use super::Report;
use super::sourcefile::SourceReader;
use crate::aggregate::graph::{Node, build_nodes};
use crate::aggregate::nodes::{NodeInfo, NodeTable};
use regex::Regex;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// Lines shown before the first and after the last sampled line.
const MARGIN: i64 = 5;

/// `value` in its own unit, or `.` for zero (pprof's `valueOrDot`).
pub fn value_or_dot(r: &Report, value: i64) -> String {
    if value == 0 {
        ".".to_string()
    } else {
        r.format_value(value)
    }
}

/// The first and last line to show for a function's nodes in one file
/// (pprof's window rule, including its order dependence: a node that lowers
/// the start does not also raise the end).
fn window(nodes: &[&Node], infos: &[NodeInfo]) -> (i64, i64) {
    let first = &infos[nodes[0].id as usize];
    let node_start = |i: &NodeInfo| {
        if i.start_line != 0 {
            i.start_line
        } else {
            i.line - MARGIN
        }
    };
    let mut start = node_start(first);
    let mut end = first.line + MARGIN;
    for n in nodes {
        let i = &infos[n.id as usize];
        let (s, e) = (node_start(i), i.line + MARGIN);
        if s < start {
            start = s;
        } else if e > end {
            end = e;
        }
    }
    (start.max(1), end)
}

/// Renders `list`.
pub fn render(r: &Report, symbol: &Regex) -> Result<String, String> {
    let mut matches = |name: &str| symbol.is_match(name);
    let table = NodeTable::build_selected(&r.view, &r.node_options(), Some(&mut matches));
    let nodes = build_nodes(&r.view, &table, r.values).nodes;
    if nodes.is_empty() {
        return Err(format!("no matches found for regexp: {}", symbol.as_str()));
    }
    let infos = &table.infos;
    let mut reader = SourceReader::new(r.cfg.get("source_path"), r.cfg.get("trim_path"))?;
    let mut by_name: BTreeMap<&str, Vec<&Node>> = BTreeMap::new();
    for n in &nodes {
        by_name
            .entry(infos[n.id as usize].name.as_str())
            .or_default()
            .push(n);
    }
    let mut out = String::new();
    let _ = writeln!(out, "Total: {}", r.format_value(r.total));
    for (name, fn_nodes) in by_name {
        let mut by_file: BTreeMap<&str, Vec<&Node>> = BTreeMap::new();
        for n in fn_nodes {
            let file = infos[n.id as usize].file.as_str();
            if !file.is_empty() {
                by_file.entry(file).or_default().push(n);
            }
        }
        if by_file.is_empty() {
            let _ = writeln!(out, "No source information for {name}");
            continue;
        }
        for (file, file_nodes) in by_file {
            let flat: i64 = file_nodes.iter().map(|n| n.flat).sum();
            let cum: i64 = file_nodes.iter().map(|n| n.cum).sum();
            let _ = writeln!(out, "ROUTINE ======================== {name} in {file}");
            let _ = writeln!(out, "{}", r.flat_cum_line(flat, cum));
            let mut per_line: HashMap<i64, (i64, i64)> = HashMap::new();
            for n in &file_nodes {
                let e = per_line.entry(infos[n.id as usize].line).or_default();
                e.0 += n.flat;
                e.1 += n.cum;
            }
            let (start, end) = window(&file_nodes, infos);
            let mut body = String::new();
            for line in start..=end {
                let Some(text) = reader.line(file, line) else {
                    break;
                };
                let (f, c) = per_line.get(&line).copied().unwrap_or_default();
                let _ = writeln!(
                    body,
                    "{:>10} {:>10} {:>6}:{}",
                    value_or_dot(r, f),
                    value_or_dot(r, c),
                    line,
                    text
                );
            }
            match reader.error(file) {
                Some(e) => {
                    let _ = writeln!(out, " Error: {e}");
                }
                None => out.push_str(&body),
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lines: &[(i64, i64)]) -> (Vec<Node>, Vec<NodeInfo>) {
        let infos: Vec<NodeInfo> = lines
            .iter()
            .map(|&(line, start_line)| NodeInfo {
                line,
                start_line,
                ..Default::default()
            })
            .collect();
        let nodes = (0..infos.len() as u32)
            .map(|id| Node {
                id,
                ..Default::default()
            })
            .collect();
        (nodes, infos)
    }

    #[test]
    fn window_has_a_margin_or_starts_at_the_function() {
        let (nodes, infos) = at(&[(20, 0), (9, 0), (30, 0)]);
        let refs: Vec<&Node> = nodes.iter().collect();
        assert_eq!(window(&refs, &infos), (4, 35));
        let (nodes, infos) = at(&[(3, 0)]);
        assert_eq!(window(&[&nodes[0]], &infos), (1, 8));
        let (nodes, infos) = at(&[(24, 12), (40, 12)]);
        let refs: Vec<&Node> = nodes.iter().collect();
        assert_eq!(window(&refs, &infos), (12, 45));
    }
}
