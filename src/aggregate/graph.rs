//! The call graph of a view: flat/cum per node, weighted edges, trimming and
//! the sort orders (pprof's `graph.New`, `newTrimmedGraph`, `Nodes.Sort`).
//!
//! Each build is one accumulation pass over the kept samples
//! ([`super::accumulate`]). Edges cost a hash probe per frame, so a build
//! can record fewer of them ([`EdgeScope`]): trimming picks its nodes from
//! edge-less passes and `peek` records only the edges of the nodes it
//! shows. Input: a [`View`] and a [`NodeTable`]; output: a [`Graph`] of plain
//! numbers. No formatting here.

use super::accumulate;
pub use super::accumulate::EdgeScope;
use super::nodes::{NodeInfo, NodeTable};
use crate::filter::View;
use crate::model::NONE;

/// How sample values are read.
#[derive(Clone, Copy, Debug)]
pub struct ValueOptions {
    /// The value column.
    pub index: usize,
    /// Divide by column 0 (`mean`).
    pub mean: bool,
    /// Drop nodes with negative flat (or zero flat and negative cum).
    pub drop_negative: bool,
}

impl ValueOptions {
    /// (value, divisor) of a sample.
    #[inline]
    pub fn read(&self, values: &[i64]) -> (i64, i64) {
        (values[self.index], if self.mean { values[0] } else { 0 })
    }
}

/// A graph node.
#[derive(Clone, Debug, Default)]
pub struct Node {
    /// Index into the node table.
    pub id: u32,
    pub flat: i64,
    pub flat_div: i64,
    pub cum: i64,
    pub cum_div: i64,
    /// Incoming and outgoing edges (indices into [`Graph::edges`]).
    pub ins: Vec<u32>,
    pub outs: Vec<u32>,
}

impl Node {
    /// flat, divided when `mean`.
    pub fn flat_value(&self) -> i64 {
        if self.flat_div == 0 {
            self.flat
        } else {
            self.flat / self.flat_div
        }
    }
    /// cum, divided when `mean`.
    pub fn cum_value(&self) -> i64 {
        if self.cum_div == 0 {
            self.cum
        } else {
            self.cum / self.cum_div
        }
    }
}

/// A weighted caller → callee edge.
#[derive(Clone, Debug, Default)]
pub struct Edge {
    pub src: u32,
    pub dst: u32,
    pub weight: i64,
    pub weight_div: i64,
    /// Skips over removed nodes.
    pub residual: bool,
    /// Every contribution came from an inlined frame.
    pub inline: bool,
    /// Removed by edge trimming.
    pub removed: bool,
}

impl Edge {
    /// weight, divided when `mean`.
    pub fn value(&self) -> i64 {
        if self.weight_div == 0 {
            self.weight
        } else {
            self.weight / self.weight_div
        }
    }
}

/// A built graph. `nodes` holds only nodes with non-zero flat or cum.
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// Builds the graph of `view`, keeping only nodes with `kept[id]` when given.
pub fn build(view: &View, table: &NodeTable, vo: ValueOptions, kept: Option<&[bool]>) -> Graph {
    build_scoped(view, table, vo, kept, EdgeScope::All)
}

/// [`build`] recording only the edges of `scope`.
pub fn build_scoped(
    view: &View,
    table: &NodeTable,
    vo: ValueOptions,
    kept: Option<&[bool]>,
    scope: EdgeScope,
) -> Graph {
    let n = table.infos.len();
    let (sums, edge_sums) = accumulate::sums(view, table, vo, kept, scope);
    let acc = sums.into_iter().map(|a| Node {
        flat: a.flat,
        flat_div: a.flat_div,
        cum: a.cum,
        cum_div: a.cum_div,
        ..Node::default()
    });
    let mut edges: Vec<Edge> = edge_sums
        .into_iter()
        .map(|((src, dst), e)| Edge {
            src,
            dst,
            weight: e.weight,
            weight_div: e.weight_div,
            residual: e.residual,
            inline: e.inline,
            removed: false,
        })
        .collect();
    // Select nodes, then wire edges between selected nodes.
    let mut pos = vec![NONE; n];
    let mut nodes = Vec::new();
    for (id, mut a) in acc.into_iter().enumerate() {
        if a.cum == 0 && a.flat == 0 {
            continue;
        }
        if vo.drop_negative && (a.flat < 0 || (a.flat == 0 && a.cum < 0)) {
            continue;
        }
        a.id = id as u32;
        pos[id] = nodes.len() as u32;
        nodes.push(a);
    }
    for (i, e) in edges.iter_mut().enumerate() {
        let (s, d) = (pos[e.src as usize], pos[e.dst as usize]);
        if s == NONE || d == NONE {
            e.removed = true;
            continue;
        }
        nodes[s as usize].outs.push(i as u32);
        nodes[d as usize].ins.push(i as u32);
    }
    Graph { nodes, edges }
}

impl Graph {
    /// Σ raw flat over the nodes.
    pub fn flat_sum(&self) -> i64 {
        self.nodes.iter().map(|n| n.flat).sum()
    }

    /// Removes edges with |weight| below `cutoff`; returns how many.
    pub fn trim_edges(&mut self, cutoff: i64) -> usize {
        let mut dropped = 0;
        for e in &mut self.edges {
            if !e.removed && e.weight.abs() < cutoff {
                e.removed = true;
                dropped += 1;
            }
        }
        let edges = &self.edges;
        for n in &mut self.nodes {
            n.ins.retain(|&i| !edges[i as usize].removed);
            n.outs.retain(|&i| !edges[i as usize].removed);
        }
        dropped
    }

    /// The live incoming edges of a node.
    pub fn in_edges<'g>(&'g self, n: &'g Node) -> impl Iterator<Item = &'g Edge> + 'g {
        n.ins.iter().map(move |&i| &self.edges[i as usize])
    }

    /// The live outgoing edges of a node.
    pub fn out_edges<'g>(&'g self, n: &'g Node) -> impl Iterator<Item = &'g Edge> + 'g {
        n.outs.iter().map(move |&i| &self.edges[i as usize])
    }

    /// The set of node ids in the graph.
    pub fn kept_set(&self, table_len: usize, count: usize) -> Vec<bool> {
        let mut k = vec![false; table_len];
        for n in self.nodes.iter().take(count) {
            k[n.id as usize] = true;
        }
        k
    }
}

/// Node orders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Flat,
    Cum,
}

/// Sorts nodes with pprof's full comparators (`FlatNameOrder`,
/// `CumNameOrder`), with a precomputed score for entropy order when given.
pub fn sort_nodes(nodes: &mut [Node], infos: &[NodeInfo], order: Order, score: Option<&[i64]>) {
    let names: Vec<String> = infos.iter().map(|i| i.printable_name()).collect();
    sort_nodes_named(nodes, infos, &names, order, score);
}

/// [`sort_nodes`] with precomputed printable names (indexed by node id).
pub fn sort_nodes_named(
    nodes: &mut [Node],
    infos: &[NodeInfo],
    names: &[String],
    order: Order,
    score: Option<&[i64]>,
) {
    let last_resort = |a: &Node, b: &Node| {
        infos[a.id as usize]
            .go_repr()
            .cmp(&infos[b.id as usize].go_repr())
    };
    let name = |a: &Node, b: &Node| names[a.id as usize].cmp(&names[b.id as usize]);
    nodes.sort_by(|a, b| {
        let (first, third) = match (score, order) {
            (Some(s), _) => (
                s[a.id as usize]
                    .abs()
                    .cmp(&s[b.id as usize].abs())
                    .reverse(),
                a.flat.abs().cmp(&b.flat.abs()).reverse(),
            ),
            (None, Order::Flat) => (
                a.flat.abs().cmp(&b.flat.abs()).reverse(),
                a.cum.abs().cmp(&b.cum.abs()).reverse(),
            ),
            (None, Order::Cum) => (
                a.cum.abs().cmp(&b.cum.abs()).reverse(),
                a.flat.abs().cmp(&b.flat.abs()).reverse(),
            ),
        };
        first
            .then_with(|| name(a, b))
            .then(third)
            .then_with(|| last_resort(a, b))
    });
}

/// Sorts edges: |weight| descending, then source name, then destination name.
pub fn sort_edges(edges: &mut [&Edge], names: &[String]) {
    edges.sort_by(|a, b| {
        b.weight
            .abs()
            .cmp(&a.weight.abs())
            .then_with(|| names[a.src as usize].cmp(&names[b.src as usize]))
            .then_with(|| names[a.dst as usize].cmp(&names[b.dst as usize]))
    });
}

/// Result of trimming: the final graph plus the legend numbers.
pub struct Trimmed {
    pub graph: Graph,
    /// Printable name of every node of the table (indexed by node id).
    pub names: Vec<String>,
    pub orig_count: usize,
    pub dropped_nodes: usize,
    pub dropped_edges: usize,
}

/// Trimming parameters.
#[derive(Clone, Copy, Debug)]
pub struct TrimOptions {
    pub node_fraction: f64,
    pub edge_fraction: f64,
    /// ≤ 0 means unlimited.
    pub node_count: i64,
    pub order: Order,
}

/// pprof's `newTrimmedGraph` for text reports (not the visual variant).
pub fn trimmed(view: &View, table: &NodeTable, vo: ValueOptions, t: TrimOptions) -> Trimmed {
    trimmed_scoped(view, table, vo, t, EdgeScope::All)
}

/// [`trimmed`] recording only the edges of `scope`.
///
/// The node selection only needs node values, so when trimming can apply
/// the kept set is chosen from edge-less passes and the edges are
/// accumulated once, over the kept nodes. The result equals pprof's
/// build-trim-rebuild sequence, including its count of dropped edges
/// (none when `nodecount` applied without removing a node, because pprof
/// trims the edges twice on the same graph then).
pub fn trimmed_scoped(
    view: &View,
    table: &NodeTable,
    vo: ValueOptions,
    t: TrimOptions,
    scope: EdgeScope,
) -> Trimmed {
    let names: Vec<String> = table.infos.iter().map(|i| i.printable_name()).collect();
    let may_trim = t.node_fraction != 0.0 || t.node_count > 0;
    let first_scope = if may_trim { EdgeScope::None } else { scope };
    let mut g = build_scoped(view, table, vo, None, first_scope);
    let total = g.flat_sum();
    let node_cutoff = ((total as f64 * t.node_fraction) as i64).abs();
    let edge_cutoff = ((total as f64 * t.edge_fraction) as i64).abs();
    let mut dropped_nodes = 0;
    let mut kept: Option<Vec<bool>> = None;
    if node_cutoff > 0 {
        let mut k = vec![false; table.infos.len()];
        let mut count = 0;
        for n in &g.nodes {
            if n.cum.abs() >= node_cutoff {
                k[n.id as usize] = true;
                count += 1;
            }
        }
        if count != g.nodes.len() {
            dropped_nodes = g.nodes.len() - count;
            g = build_scoped(view, table, vo, Some(&k), EdgeScope::None);
            kept = Some(k);
        }
    }
    let orig_count = g.nodes.len();
    sort_nodes_named(&mut g.nodes, &table.infos, &names, t.order, None);
    let mut edges_trimmed_twice = false;
    if t.node_count > 0 {
        let max = (t.node_count as usize).min(g.nodes.len());
        if max != g.nodes.len() {
            kept = Some(g.kept_set(table.infos.len(), max));
        } else {
            edges_trimmed_twice = true;
        }
    }
    if may_trim {
        g = build_scoped(view, table, vo, kept.as_deref(), scope);
        sort_nodes_named(&mut g.nodes, &table.infos, &names, t.order, None);
    }
    let dropped = g.trim_edges(edge_cutoff);
    Trimmed {
        graph: g,
        names,
        orig_count,
        dropped_nodes,
        dropped_edges: if edges_trimmed_twice { 0 } else { dropped },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::accumulate::fixtures::{VO, cpu_profile, table};
    use std::borrow::Cow;

    #[test]
    fn scoped_builds_keep_node_values_and_the_wanted_edges() {
        let p = cpu_profile();
        let view = View::all(Cow::Borrowed(&p));
        let t = table(&view);
        let all = build(&view, &t, VO, None);
        let none = build_scoped(&view, &t, VO, None, EdgeScope::None);
        assert!(none.edges.is_empty());
        let values = |g: &Graph| -> Vec<(u32, i64, i64)> {
            g.nodes.iter().map(|n| (n.id, n.flat, n.cum)).collect()
        };
        assert_eq!(values(&all), values(&none));
        let fib = t
            .infos
            .iter()
            .position(|i| i.name == "main.fib")
            .expect("fib") as u32;
        let mut marked = vec![false; t.infos.len()];
        marked[fib as usize] = true;
        let touching = build_scoped(&view, &t, VO, None, EdgeScope::Touching(&marked));
        let ends = |g: &Graph| -> Vec<(u32, u32, i64)> {
            g.edges
                .iter()
                .filter(|e| e.src == fib || e.dst == fib)
                .map(|e| (e.src, e.dst, e.weight))
                .collect()
        };
        assert!(!ends(&all).is_empty());
        assert_eq!(ends(&all), ends(&touching));
        assert_eq!(ends(&touching).len(), touching.edges.len());
    }
}
