//! `list RE`: annotated source of the functions whose name matches RE
//! (pprof's `printSource`).
//!
//! Runs at line granularity without trimming: the flat and cum of every
//! line node of a matching function, grouped by function name and file,
//! shown against a window of the source file (five lines of margin), as
//! data. Values are raw sums (no `mean` division). The source look-up
//! lives in `report::sourcefile`; `render::text` prints the listing.

use super::Context;
use super::sourcefile::SourceReader;
use crate::aggregate::graph::Node;
use crate::aggregate::nodes::NodeInfo;
use crate::{Error, Result};
use regex::Regex;
use std::collections::{BTreeMap, HashMap};

/// Lines shown before the first and after the last sampled line.
const MARGIN: i64 = 5;

/// The first and last line to show for a function's nodes in one file
/// (pprof's window rule, including its order dependence: a node that lowers
/// the start does not also raise the end).
fn window(nodes: &[&Node], infos: &[NodeInfo]) -> (i64, i64) {
    let first = &infos[nodes[0].id as usize];
    let node_start = |i: &NodeInfo| {
        if i.start_line != 0 {
            i.start_line
        } else {
            i.line.wrapping_sub(MARGIN)
        }
    };
    let mut start = node_start(first);
    let mut end = first.line.wrapping_add(MARGIN);
    for n in nodes {
        let i = &infos[n.id as usize];
        let (s, e) = (node_start(i), i.line.wrapping_add(MARGIN));
        if s < start {
            start = s;
        } else if e > end {
            end = e;
        }
    }
    (start.max(1), end)
}

/// One line of a source window.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceLine {
    /// Its line number.
    pub number: i64,
    /// Its text.
    pub text: String,
    /// Flat value of the line (raw sum).
    pub flat: i64,
    /// Cum value of the line (raw sum).
    pub cum: i64,
}

/// A function's listing in one file.
#[derive(Clone, Debug, PartialEq)]
pub struct Routine {
    /// The function.
    pub name: String,
    /// The file.
    pub file: String,
    /// Σ flat of its lines.
    pub flat: i64,
    /// Σ cum of its lines.
    pub cum: i64,
    /// The source window, or why the file could not be read.
    pub source: std::result::Result<Vec<SourceLine>, String>,
}

/// One listed function.
#[derive(Clone, Debug, PartialEq)]
pub enum Listed {
    /// A function without file information.
    NoSource(String),
    /// A function's lines in one file.
    Routine(Routine),
}

/// The `list` report.
#[derive(Clone, Debug, PartialEq)]
pub struct Listing {
    /// The report's total.
    pub total: i64,
    /// The functions, by name then file.
    pub functions: Vec<Listed>,
}

/// Builds `list`.
pub fn build(r: &Context, symbol: &Regex) -> Result<Listing> {
    let listed = r.cached_listed(symbol);
    let (table, nodes) = (&listed.0, &listed.1.nodes);
    if nodes.is_empty() {
        return Err(Error::NoMatch(format!(
            "no matches found for regexp: {}",
            symbol.as_str()
        )));
    }
    let infos = &table.infos;
    let mut reader = SourceReader::new(&r.opts.source_path, &r.opts.trim_path)?;
    let mut by_name: BTreeMap<&str, Vec<&Node>> = BTreeMap::new();
    for n in nodes {
        by_name
            .entry(infos[n.id as usize].name.as_str())
            .or_default()
            .push(n);
    }
    let mut functions = Vec::new();
    for (name, fn_nodes) in by_name {
        let mut by_file: BTreeMap<&str, Vec<&Node>> = BTreeMap::new();
        for n in fn_nodes {
            let file = infos[n.id as usize].file.as_str();
            if !file.is_empty() {
                by_file.entry(file).or_default().push(n);
            }
        }
        if by_file.is_empty() {
            functions.push(Listed::NoSource(name.to_string()));
            continue;
        }
        for (file, file_nodes) in by_file {
            let mut per_line: HashMap<i64, (i64, i64)> = HashMap::new();
            for n in &file_nodes {
                let e = per_line.entry(infos[n.id as usize].line).or_default();
                e.0 = e.0.saturating_add(n.flat);
                e.1 = e.1.saturating_add(n.cum);
            }
            let (start, end) = window(&file_nodes, infos);
            let mut lines = Vec::new();
            for number in start..=end {
                let Some(text) = reader.line(file, number) else {
                    break;
                };
                let (flat, cum) = per_line.get(&number).copied().unwrap_or_default();
                lines.push(SourceLine {
                    number,
                    text: text.to_string(),
                    flat,
                    cum,
                });
            }
            functions.push(Listed::Routine(Routine {
                name: name.to_string(),
                file: file.to_string(),
                flat: crate::model::sum_values(file_nodes.iter().map(|n| n.flat)),
                cum: crate::model::sum_values(file_nodes.iter().map(|n| n.cum)),
                source: match reader.error(file) {
                    Some(e) => Err(e.to_string()),
                    None => Ok(lines),
                },
            }));
        }
    }
    Ok(Listing {
        total: r.total,
        functions,
    })
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
