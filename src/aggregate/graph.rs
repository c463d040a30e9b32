//! The call graph of a view: flat/cum per node, weighted edges, trimming and
//! the sort orders (pprof's `graph.New`, `newTrimmedGraph`, `Nodes.Sort`).
//!
//! The graph types live here with the selection, trimming and sorting
//! rules; the pass over the samples that builds a graph is in
//! [`super::accumulate`] (re-exported here). Input: a [`View`] and a
//! [`NodeTable`]; output: a [`Graph`] of plain numbers. No formatting here.
//! The visual (dot) trimming lives in `visual`.

use super::nodes::{NodeInfo, NodeTable};
use crate::filter::View;
use crate::model::NONE;
use crate::request::{Order, TrimOptions};

pub use super::accumulate::{
    EdgeScope, Frame, Visitor, build, build_nodes, build_scoped, build_with, walk,
};

/// How sample values are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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

/// A value as shown with `mean`: divided by its divisor when that is set.
pub fn divided(v: i64, div: i64) -> i64 {
    if div == 0 { v } else { v.saturating_div(div) }
}

impl Node {
    /// flat, divided when `mean`.
    pub fn flat_value(&self) -> i64 {
        divided(self.flat, self.flat_div)
    }
    /// cum, divided when `mean`.
    pub fn cum_value(&self) -> i64 {
        divided(self.cum, self.cum_div)
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
    pub(super) stamp: u32,
}

impl Edge {
    /// A new empty edge; inline until a non-inlined contribution arrives.
    pub fn new(src: u32, dst: u32) -> Edge {
        Edge {
            src,
            dst,
            inline: true,
            stamp: u32::MAX,
            ..Default::default()
        }
    }

    /// weight, divided when `mean`.
    pub fn value(&self) -> i64 {
        divided(self.weight, self.weight_div)
    }
}

/// A built graph. `nodes` holds only nodes with non-zero flat or cum.
#[derive(Clone)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

impl Graph {
    /// Keeps the accumulated nodes with a value (pprof's
    /// `selectNodesForGraph`; `acc[i]` is node id `i`) and wires the edges
    /// between kept nodes; edges touching a dropped node are marked removed.
    pub fn select(acc: Vec<Node>, edges: Vec<Edge>, drop_negative: bool) -> Graph {
        let space = acc.len();
        let mut nodes = Vec::new();
        for (id, mut a) in acc.into_iter().enumerate() {
            if a.cum == 0 && a.flat == 0 {
                continue;
            }
            if drop_negative && (a.flat < 0 || (a.flat == 0 && a.cum < 0)) {
                continue;
            }
            a.id = id as u32;
            nodes.push(a);
        }
        Graph::wire(nodes, edges, space)
    }

    /// A graph of `nodes` (ids below `id_space`, no edges listed yet) and
    /// `edges`: edges between present nodes are listed on both ends, the
    /// others are marked removed.
    pub fn wire(mut nodes: Vec<Node>, mut edges: Vec<Edge>, id_space: usize) -> Graph {
        let mut pos = vec![NONE; id_space];
        for (i, n) in nodes.iter().enumerate() {
            pos[n.id as usize] = i as u32;
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
}

impl Graph {
    /// Σ raw flat over the nodes.
    pub fn flat_sum(&self) -> i64 {
        crate::model::sum_values(self.nodes.iter().map(|n| n.flat))
    }

    /// Removes edges with |weight| below `cutoff`; returns how many.
    pub fn trim_edges(&mut self, cutoff: i64) -> usize {
        let mut dropped = 0;
        for e in &mut self.edges {
            if !e.removed && e.weight.saturating_abs() < cutoff {
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

    /// Position in `nodes` of every node id below `id_space` ([`NONE`] when
    /// absent).
    pub fn positions(&self, id_space: usize) -> Vec<u32> {
        let mut pos = vec![NONE; id_space];
        for (i, n) in self.nodes.iter().enumerate() {
            pos[n.id as usize] = i as u32;
        }
        pos
    }

    /// Deletes edge `e` from its endpoints (`pos` from [`Graph::positions`]).
    pub fn remove_edge(&mut self, e: u32, pos: &[u32]) {
        let edge = &mut self.edges[e as usize];
        edge.removed = true;
        let (s, d) = (pos[edge.src as usize], pos[edge.dst as usize]);
        self.nodes[s as usize].outs.retain(|&x| x != e);
        self.nodes[d as usize].ins.retain(|&x| x != e);
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

/// Sorts nodes with pprof's full comparators (`FlatNameOrder`,
/// `CumNameOrder`) given the printable names (indexed by node id).
pub fn sort_nodes_named(
    nodes: &mut [Node],
    infos: &[NodeInfo],
    names: &[String],
    order: Order,
    score: Option<&[i64]>,
) {
    let ident = Identity {
        infos,
        names,
        map: None,
    };
    sort_nodes_by(nodes, &ident, order, score);
}

/// How graph node ids map to node-table entries and printable names: the
/// identity for ordinary graphs, `map[id]` for call trees (where one table
/// entry appears as many nodes).
pub struct Identity<'a> {
    pub infos: &'a [NodeInfo],
    /// Printable names, indexed like `infos`.
    pub names: &'a [String],
    pub map: Option<&'a [u32]>,
}

impl Identity<'_> {
    /// The node-table index of graph node `id`.
    pub fn info_id(&self, id: u32) -> u32 {
        self.map.map_or(id, |m| m[id as usize])
    }
    /// The NodeInfo of graph node `id`.
    pub fn info(&self, id: u32) -> &NodeInfo {
        &self.infos[self.info_id(id) as usize]
    }
    /// The printable name of graph node `id`.
    pub fn name(&self, id: u32) -> &str {
        &self.names[self.info_id(id) as usize]
    }
}

/// Sorts nodes with pprof's full comparators; `score` (indexed by node id)
/// selects the entropy order.
pub fn sort_nodes_by(nodes: &mut [Node], ident: &Identity, order: Order, score: Option<&[i64]>) {
    let last_resort =
        |a: &Node, b: &Node| ident.info(a.id).go_repr().cmp(&ident.info(b.id).go_repr());
    let name = |a: &Node, b: &Node| ident.name(a.id).cmp(ident.name(b.id));
    nodes.sort_by(|a, b| {
        let (first, third) = match (score, order) {
            (Some(s), _) => (
                s[a.id as usize]
                    .saturating_abs()
                    .cmp(&s[b.id as usize].saturating_abs())
                    .reverse(),
                a.flat
                    .saturating_abs()
                    .cmp(&b.flat.saturating_abs())
                    .reverse(),
            ),
            (None, Order::Flat) => (
                a.flat
                    .saturating_abs()
                    .cmp(&b.flat.saturating_abs())
                    .reverse(),
                a.cum
                    .saturating_abs()
                    .cmp(&b.cum.saturating_abs())
                    .reverse(),
            ),
            (None, Order::Cum) => (
                a.cum
                    .saturating_abs()
                    .cmp(&b.cum.saturating_abs())
                    .reverse(),
                a.flat
                    .saturating_abs()
                    .cmp(&b.flat.saturating_abs())
                    .reverse(),
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
    sort_edges_by(edges, |id| names[id as usize].as_str());
}

/// [`sort_edges`] with a name look-up by node id.
pub fn sort_edges_by<'n>(edges: &mut [&Edge], name: impl Fn(u32) -> &'n str) {
    edges.sort_by(|a, b| edge_order(a, b, &name));
}

/// The edge order of [`sort_edges`].
pub fn edge_order<'n>(a: &Edge, b: &Edge, name: impl Fn(u32) -> &'n str) -> std::cmp::Ordering {
    b.weight
        .saturating_abs()
        .cmp(&a.weight.saturating_abs())
        .then_with(|| name(a.src).cmp(name(b.src)))
        .then_with(|| name(a.dst).cmp(name(b.dst)))
}

/// Result of trimming: the final graph plus the legend numbers.
#[derive(Clone)]
pub struct Trimmed {
    pub graph: Graph,
    /// Printable names of every node id of the table.
    pub names: Vec<String>,
    /// By node id: whether the cuts kept the node.
    pub kept: Vec<bool>,
    pub orig_count: usize,
    pub dropped_nodes: usize,
    pub dropped_edges: usize,
}

impl Trimmed {
    /// The same graph with its nodes in `order`: what trimming gives when
    /// only the order changes and the same nodes are kept (no sample is
    /// read again).
    pub fn reordered(&self, infos: &[NodeInfo], order: Order) -> Trimmed {
        let mut t = self.clone();
        sort_nodes_named(&mut t.graph.nodes, infos, &t.names, order, None);
        t
    }
}

/// Which nodes pprof's `newTrimmedGraph` keeps for text reports: those
/// over the node fraction, then the first `node_count` in `t.order`
/// (`full`: the node-only graph).
pub struct Selection {
    /// Printable names of every node id of the table.
    pub names: Vec<String>,
    /// By node id: whether the node is kept.
    pub kept: Vec<bool>,
    /// Nodes left after the node-fraction cut.
    pub orig_count: usize,
    /// Nodes the node-fraction cut dropped.
    pub dropped_nodes: usize,
    /// Edges lighter than this are dropped.
    pub edge_cutoff: i64,
}

/// The cuts of [`trimmed_from`], without reading a sample.
pub fn select(table: &NodeTable, t: TrimOptions, full: &Graph) -> Selection {
    let names: Vec<String> = table.infos.iter().map(|i| i.printable_name()).collect();
    let mut g = Graph {
        nodes: full.nodes.clone(),
        edges: Vec::new(),
    };
    let nodes = &mut g.nodes;
    let total = full.flat_sum();
    let node_cutoff = ((total as f64 * t.node_fraction.0) as i64).saturating_abs();
    let edge_cutoff = ((total as f64 * t.edge_fraction.0) as i64).saturating_abs();
    let before = nodes.len();
    if node_cutoff > 0 {
        nodes.retain(|n| n.cum.saturating_abs() >= node_cutoff);
    }
    let dropped_nodes = before - nodes.len();
    let orig_count = nodes.len();
    sort_nodes_named(nodes, &table.infos, &names, t.order, None);
    if t.node_count > 0 {
        nodes.truncate(t.node_count as usize);
    }
    let kept = g.kept_set(table.infos.len(), g.nodes.len());
    Selection {
        names,
        kept,
        orig_count,
        dropped_nodes,
        edge_cutoff,
    }
}

/// pprof's `newTrimmedGraph` for text reports (not the visual variant),
/// starting from an already built node-only graph, recording only the
/// edges in `scope`.
///
/// A node's flat and cum do not depend on which other nodes are kept, so
/// pprof's rebuilds after each cut are replaced by one node-only pass and a
/// final pass that computes the edges among the selected nodes.
pub fn trimmed_from(
    view: &View,
    table: &NodeTable,
    vo: ValueOptions,
    t: TrimOptions,
    full: &Graph,
    scope: EdgeScope,
) -> Trimmed {
    trimmed_of(view, table, vo, t, select(table, t, full), scope)
}

/// [`trimmed_from`] with the cuts already made: reads the samples for the
/// edges among the kept nodes.
pub fn trimmed_of(
    view: &View,
    table: &NodeTable,
    vo: ValueOptions,
    t: TrimOptions,
    sel: Selection,
    scope: EdgeScope,
) -> Trimmed {
    let mut g = build_scoped(view, table, vo, Some(&sel.kept), scope);
    sort_nodes_named(&mut g.nodes, &table.infos, &sel.names, t.order, None);
    let dropped_edges = g.trim_edges(sel.edge_cutoff);
    Trimmed {
        graph: g,
        names: sel.names,
        kept: sel.kept,
        orig_count: sel.orig_count,
        dropped_nodes: sel.dropped_nodes,
        dropped_edges,
    }
}
