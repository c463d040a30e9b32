//! `tree` and `peek`: each node of the trimmed graph with its callers above
//! and its callees below (pprof's `printTree`), as data. `peek RE` keeps
//! only the nodes whose printable name matches RE, on the untrimmed graph
//! (the command overrides turn trimming off).
//!
//! Report stage: the graph is built by `aggregate::graph::trimmed_from`
//! from the cached node-only graph (for `peek`, in one pass that records
//! only the edges of the selected nodes); this module selects and sorts
//! edges. Edge weights are raw (undivided), as pprof prints them with
//! `mean`.

use super::Context;
use super::header::{Header, Legend};
use crate::aggregate::graph::{Edge, sort_edges};
use crate::{Error, Result};
use regex::Regex;

/// A caller or callee line.
#[derive(Clone, Debug, PartialEq)]
pub struct Neighbour {
    /// The other node's printable name.
    pub name: String,
    /// The edge weight.
    pub weight: i64,
    /// True for an inlined call.
    pub inline: bool,
}

/// One node with its callers and callees.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeEntry {
    /// The node's printable name.
    pub name: String,
    /// Its flat value.
    pub flat: i64,
    /// Σ flat of the shown entries up to this one.
    pub sum: i64,
    /// Its cum value (100% of its edges' percentages).
    pub cum: i64,
    /// Callers, sorted.
    pub callers: Vec<Neighbour>,
    /// Callees, sorted.
    pub callees: Vec<Neighbour>,
}

/// The `tree`/`peek` report.
#[derive(Clone, Debug, PartialEq)]
pub struct Tree {
    /// Header and legend.
    pub header: Header,
    /// The entries, in order.
    pub entries: Vec<TreeEntry>,
    /// True when the graph had nodes at all (pprof closes the table only
    /// then).
    pub any_nodes: bool,
}

/// Builds `tree`, or `peek` when `select` is given. A `peek` that matches
/// no node is an error (`no matches found for regexp: RE`).
pub fn build(r: &mut Context, select: Option<&Regex>) -> Result<Tree> {
    let table = r.cached_table();
    let selected: Option<Vec<bool>> = select.map(|re| {
        table
            .infos
            .iter()
            .map(|i| re.is_match(&i.printable_name()))
            .collect()
    });
    // peek needs only the edges of the nodes it shows.
    let t = match (select, &selected) {
        (Some(re), Some(s)) => r.cached_peeked(&table, re, s),
        _ => r.cached_trimmed(&table),
    };
    let (g, names) = (&t.graph, &t.names);
    r.select_output_unit(
        g.nodes.iter().map(|n| (n.flat_value(), n.cum_value())),
        false,
    );
    let neighbours = |mut edges: Vec<&Edge>, end: fn(&Edge) -> u32| {
        sort_edges(&mut edges, names);
        edges
            .into_iter()
            .map(|e| Neighbour {
                name: names[end(e) as usize].clone(),
                weight: e.weight,
                inline: e.inline,
            })
            .collect()
    };
    let mut sum = 0i64;
    let mut entries = Vec::new();
    for n in &g.nodes {
        if selected.as_ref().is_some_and(|s| !s[n.id as usize]) {
            continue;
        }
        let flat = n.flat_value();
        sum = sum.saturating_add(flat);
        entries.push(TreeEntry {
            name: names[n.id as usize].clone(),
            flat,
            sum,
            cum: n.cum_value(),
            callers: neighbours(g.in_edges(n).collect(), |e| e.src),
            callees: neighbours(g.out_edges(n).collect(), |e| e.dst),
        });
    }
    if let Some(re) = select
        && entries.is_empty()
    {
        return Err(Error::NoMatch(format!(
            "no matches found for regexp: {}",
            re.as_str()
        )));
    }
    Ok(Tree {
        header: Header::new(r, Legend::of(r, &t), false),
        entries,
        any_nodes: !g.nodes.is_empty(),
    })
}
