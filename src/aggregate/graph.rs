//! The call graph of a view: flat/cum per node, weighted edges, trimming and
//! the sort orders (pprof's `graph.New`, `newTrimmedGraph`, `Nodes.Sort`).
//!
//! One pass over the kept samples per build ([`walk`]), with a per-sample
//! stamp so that recursion counts a node once per sample; other passes over
//! the same walk (e.g. `tags`) plug in as a [`Visitor`]. Input: a [`View`]
//! and a [`NodeTable`]; output: a [`Graph`] of plain numbers. No formatting
//! here. The visual (dot) trimming lives in `visual`.

use super::nodes::{NodeInfo, NodeTable};
use crate::filter::View;
use crate::model::NONE;
use crate::model::merge::FastMap;

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
    stamp: u32,
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

/// A kept frame met by [`walk`], root first.
pub struct Frame {
    /// The frame's node.
    pub node: u32,
    /// First time this node is met in the sample.
    pub first: bool,
    /// The previous kept node ([`NONE`] at the root).
    pub parent: u32,
    /// Removed nodes were skipped since `parent`.
    pub residual: bool,
    /// The frame is its location's outermost one (not inlined).
    pub outermost: bool,
}

/// What [`walk`] reports: every kept frame, then the leaf that takes the
/// sample's flat value.
pub trait Visitor {
    /// A kept frame of sample `k` (value `w`, divisor `d`).
    fn frame(&mut self, k: usize, w: i64, d: i64, f: &Frame);
    /// The leaf-most node of sample `k`, when that frame was kept.
    fn leaf(&mut self, k: usize, w: i64, d: i64, node: u32);
}

/// Walks the kept samples of `view` from root to leaf (pprof's `newGraph`
/// loop), keeping only nodes with `kept[id]` when given; frames mapped to
/// [`NONE`] (see [`NodeTable::build_selected`]) are never kept. Samples
/// whose value and divisor are both 0 are skipped.
pub fn walk(
    view: &View,
    table: &NodeTable,
    vo: ValueOptions,
    kept: Option<&[bool]>,
    v: &mut impl Visitor,
) {
    walk_range(view, table, vo, kept, 0..view.samples.len(), v);
}

/// [`walk`] over the kept samples in `range` only.
fn walk_range(
    view: &View,
    table: &NodeTable,
    vo: ValueOptions,
    kept: Option<&[bool]>,
    range: std::ops::Range<usize>,
    v: &mut impl Visitor,
) {
    let mut stamp = vec![u32::MAX; table.infos.len()];
    let all = vec![true; if kept.is_none() { table.infos.len() } else { 0 }];
    let kept = kept.unwrap_or(&all);
    let is_kept = |id: u32| kept.get(id as usize).copied().unwrap_or(false);
    for k in range {
        let (w, d) = vo.read(view.sample_values(k));
        if w == 0 && d == 0 {
            continue;
        }
        let mut parent = NONE;
        let mut residual = false;
        for loc in view.sample_locs(k).rev() {
            let frames = table.frames(loc);
            let last = frames.len().wrapping_sub(1);
            for (ni, &node) in frames.iter().enumerate().rev() {
                if !is_kept(node) {
                    residual = true;
                    continue;
                }
                let first = stamp[node as usize] != k as u32;
                stamp[node as usize] = k as u32;
                let f = Frame {
                    node,
                    first,
                    parent,
                    residual,
                    outermost: ni == last,
                };
                v.frame(k, w, d, &f);
                parent = node;
                residual = false;
            }
        }
        if parent != NONE && !residual {
            v.leaf(k, w, d, parent);
        }
    }
}

/// Which edges a build records. Fewer edges make a pass over a big profile
/// much cheaper: every recorded edge costs a hash probe per frame.
#[derive(Clone, Copy, Debug)]
pub enum EdgeScope<'a> {
    /// Every edge between kept nodes.
    All,
    /// No edges: node values only.
    None,
    /// Only the edges with an end among the marked node ids (`peek`).
    Touching(&'a [bool]),
}

impl EdgeScope<'_> {
    #[inline]
    fn wants(&self, src: u32, dst: u32) -> bool {
        match self {
            EdgeScope::All => true,
            EdgeScope::None => false,
            EdgeScope::Touching(marked) => marked[src as usize] || marked[dst as usize],
        }
    }
}

/// Accumulates nodes (and the edges in `scope`) for [`build`].
struct Builder<'s> {
    /// flat, flat_div, cum, cum_div per node id (compact: this is the
    /// hottest memory of a build).
    acc: Vec<[i64; 4]>,
    scope: EdgeScope<'s>,
    edges: Vec<Edge>,
    edge_index: FastMap<(u32, u32), u32>,
}

impl<'s> Builder<'s> {
    fn new(n: usize, scope: EdgeScope<'s>) -> Builder<'s> {
        Builder {
            acc: vec![[0; 4]; n],
            scope,
            edges: Vec::new(),
            edge_index: FastMap::default(),
        }
    }

    /// The accumulated graph (pprof's `selectNodesForGraph`).
    fn finish(self, drop_negative: bool) -> Graph {
        let acc = self
            .acc
            .iter()
            .map(|a| Node {
                flat: a[0],
                flat_div: a[1],
                cum: a[2],
                cum_div: a[3],
                ..Default::default()
            })
            .collect();
        Graph::select(acc, self.edges, drop_negative)
    }

    /// Adds another builder's sums (a different range of samples).
    fn absorb(&mut self, other: Builder<'s>) {
        for (a, b) in self.acc.iter_mut().zip(&other.acc) {
            for c in 0..4 {
                a[c] += b[c];
            }
        }
        for e in other.edges {
            let next = self.edges.len() as u32;
            let i = *self.edge_index.entry((e.src, e.dst)).or_insert(next);
            if i == next {
                self.edges.push(e);
            } else {
                let f = &mut self.edges[i as usize];
                f.weight += e.weight;
                f.weight_div += e.weight_div;
                f.residual |= e.residual;
                f.inline &= e.inline;
            }
        }
    }
}

impl Visitor for Builder<'_> {
    fn frame(&mut self, k: usize, w: i64, d: i64, f: &Frame) {
        if f.first {
            let a = &mut self.acc[f.node as usize];
            a[2] += w;
            a[3] += d;
        }
        if f.parent == NONE || f.parent == f.node || !self.scope.wants(f.parent, f.node) {
            return;
        }
        let next = self.edges.len() as u32;
        let e = *self.edge_index.entry((f.parent, f.node)).or_insert(next);
        if e == next {
            self.edges.push(Edge::new(f.parent, f.node));
        }
        let edge = &mut self.edges[e as usize];
        if edge.stamp != k as u32 {
            edge.stamp = k as u32;
            edge.weight += w;
            edge.weight_div += d;
            edge.residual |= f.residual;
            if f.outermost {
                edge.inline = false;
            }
        }
    }

    fn leaf(&mut self, _k: usize, w: i64, d: i64, node: u32) {
        let a = &mut self.acc[node as usize];
        a[0] += w;
        a[1] += d;
    }
}

/// Samples per thread below which building stays on one thread.
const PARALLEL_MIN_SAMPLES: usize = 50_000;

/// Accumulates over all kept samples, splitting them across threads.
fn accumulate<'s>(
    view: &View,
    table: &NodeTable,
    vo: ValueOptions,
    kept: Option<&[bool]>,
    scope: EdgeScope<'s>,
) -> Builder<'s> {
    let total = view.samples.len();
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .min(total / PARALLEL_MIN_SAMPLES)
        .clamp(1, 8);
    accumulate_split(view, table, vo, kept, scope, threads)
}

/// [`accumulate`] over `threads` equal ranges of samples.
fn accumulate_split<'s>(
    view: &View,
    table: &NodeTable,
    vo: ValueOptions,
    kept: Option<&[bool]>,
    scope: EdgeScope<'s>,
    threads: usize,
) -> Builder<'s> {
    let total = view.samples.len();
    let chunk = total.div_ceil(threads);
    let mut parts: Vec<Builder> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let r = (t * chunk).min(total)..((t + 1) * chunk).min(total);
                s.spawn(move || {
                    let mut b = Builder::new(table.infos.len(), scope);
                    walk_range(view, table, vo, kept, r, &mut b);
                    b
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("graph worker"))
            .collect()
    });
    let mut first = parts.remove(0);
    for p in parts {
        first.absorb(p);
    }
    first
}

/// Builds the graph of `view`, keeping only nodes with `kept[id]` when given.
pub fn build(view: &View, table: &NodeTable, vo: ValueOptions, kept: Option<&[bool]>) -> Graph {
    build_scoped(view, table, vo, kept, EdgeScope::All)
}

/// [`build`] recording only the edges in `scope`.
pub fn build_scoped(
    view: &View,
    table: &NodeTable,
    vo: ValueOptions,
    kept: Option<&[bool]>,
    scope: EdgeScope,
) -> Graph {
    accumulate(view, table, vo, kept, scope).finish(vo.drop_negative)
}

/// Builds only the nodes (flat/cum) of `view`, without edges: the values a
/// node gets do not depend on which other nodes are kept, so trimming can
/// select nodes from this and compute edges once for the final set. Frames
/// mapped to [`NONE`] (see [`NodeTable::build_selected`]) are skipped, which
/// makes this one cheap pass for reports about a few functions (`list`).
pub fn build_nodes(view: &View, table: &NodeTable, vo: ValueOptions) -> Graph {
    build_scoped(view, table, vo, None, EdgeScope::None)
}

/// [`build`], also feeding the same walk to `extra` (e.g. a tag sink); one
/// thread, since `extra` sees the samples in order.
pub fn build_with(
    view: &View,
    table: &NodeTable,
    vo: ValueOptions,
    kept: Option<&[bool]>,
    extra: &mut impl Visitor,
) -> Graph {
    let mut b = Builder::new(table.infos.len(), EdgeScope::All);
    walk(view, table, vo, kept, &mut (&mut b, extra));
    b.finish(vo.drop_negative)
}

impl Visitor for () {
    fn frame(&mut self, _: usize, _: i64, _: i64, _: &Frame) {}
    fn leaf(&mut self, _: usize, _: i64, _: i64, _: u32) {}
}

impl<A: Visitor, B: Visitor> Visitor for (&mut A, &mut B) {
    #[inline]
    fn frame(&mut self, k: usize, w: i64, d: i64, f: &Frame) {
        self.0.frame(k, w, d, f);
        self.1.frame(k, w, d, f);
    }
    #[inline]
    fn leaf(&mut self, k: usize, w: i64, d: i64, node: u32) {
        self.0.leaf(k, w, d, node);
        self.1.leaf(k, w, d, node);
    }
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
    sort_edges_by(edges, |id| names[id as usize].as_str());
}

/// [`sort_edges`] with a name look-up by node id.
pub fn sort_edges_by<'n>(edges: &mut [&Edge], name: impl Fn(u32) -> &'n str) {
    edges.sort_by(|a, b| edge_order(a, b, &name));
}

/// The edge order of [`sort_edges`].
pub fn edge_order<'n>(a: &Edge, b: &Edge, name: impl Fn(u32) -> &'n str) -> std::cmp::Ordering {
    b.weight
        .abs()
        .cmp(&a.weight.abs())
        .then_with(|| name(a.src).cmp(name(b.src)))
        .then_with(|| name(a.dst).cmp(name(b.dst)))
}

/// Result of trimming: the final graph plus the legend numbers.
pub struct Trimmed {
    pub graph: Graph,
    /// Printable names of every node id of the table.
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
///
/// A node's flat and cum do not depend on which other nodes are kept, so
/// pprof's rebuilds after each cut are replaced by one node-only pass and a
/// final pass that computes the edges among the selected nodes.
pub fn trimmed(view: &View, table: &NodeTable, vo: ValueOptions, t: TrimOptions) -> Trimmed {
    trimmed_from(
        view,
        table,
        vo,
        t,
        &build_nodes(view, table, vo),
        EdgeScope::All,
    )
}

/// [`trimmed`] starting from an already built node-only graph, recording
/// only the edges in `scope`.
pub fn trimmed_from(
    view: &View,
    table: &NodeTable,
    vo: ValueOptions,
    t: TrimOptions,
    full: &Graph,
    scope: EdgeScope,
) -> Trimmed {
    let names: Vec<String> = table.infos.iter().map(|i| i.printable_name()).collect();
    let mut g = Graph {
        nodes: full.nodes.clone(),
        edges: Vec::new(),
    };
    let total = g.flat_sum();
    let node_cutoff = ((total as f64 * t.node_fraction) as i64).abs();
    let edge_cutoff = ((total as f64 * t.edge_fraction) as i64).abs();
    let before = g.nodes.len();
    if node_cutoff > 0 {
        g.nodes.retain(|n| n.cum.abs() >= node_cutoff);
    }
    let dropped_nodes = before - g.nodes.len();
    let orig_count = g.nodes.len();
    sort_nodes_named(&mut g.nodes, &table.infos, &names, t.order, None);
    if t.node_count > 0 {
        g.nodes.truncate(t.node_count as usize);
    }
    let kept = g.kept_set(table.infos.len(), g.nodes.len());
    let mut g = build_scoped(view, table, vo, Some(&kept), scope);
    sort_nodes_named(&mut g.nodes, &table.infos, &names, t.order, None);
    let dropped_edges = g.trim_edges(edge_cutoff);
    Trimmed {
        graph: g,
        names,
        orig_count,
        dropped_nodes,
        dropped_edges,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::nodes::NodeOptions;
    use crate::config::Granularity;
    use std::borrow::Cow;

    fn edges(g: &Graph) -> Vec<(u32, u32, i64, bool, bool)> {
        let mut v: Vec<_> = g
            .edges
            .iter()
            .filter(|e| !e.removed)
            .map(|e| (e.src, e.dst, e.weight, e.inline, e.residual))
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn split_accumulation_equals_one_ordered_walk() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cpu/cpu.pb.gz");
        let p = crate::model::compact::merge_one(
            crate::source::parse(std::fs::read(path).unwrap()).unwrap(),
        );
        let view = View::all(Cow::Borrowed(&p));
        let o = NodeOptions {
            granularity: Granularity::Lines,
            noinlines: false,
            obj_names: false,
            trim_files: true,
            trim_path: String::new(),
            source_path: String::new(),
        };
        let table = NodeTable::build(&view, &o);
        let vo = ValueOptions {
            index: 1,
            mean: true,
            drop_negative: false,
        };
        let one = build_with(&view, &table, vo, None, &mut ());
        let kept: Vec<bool> = (0..table.infos.len()).map(|i| i % 3 != 0).collect();
        for threads in [2, 3, 7] {
            let many =
                accumulate_split(&view, &table, vo, None, EdgeScope::All, threads).finish(false);
            let key = |g: &Graph| {
                g.nodes
                    .iter()
                    .map(|n| (n.id, n.flat, n.flat_div, n.cum, n.cum_div))
                    .collect::<Vec<_>>()
            };
            assert_eq!(key(&one), key(&many));
            assert_eq!(edges(&one), edges(&many));
            let a = build_with(&view, &table, vo, Some(&kept), &mut ());
            let b = accumulate_split(&view, &table, vo, Some(&kept), EdgeScope::All, threads)
                .finish(false);
            assert_eq!(edges(&a), edges(&b));
            assert!(
                edges(&a).iter().any(|e| e.4),
                "residual edges are exercised"
            );
        }
        // A node-only pass has the same values as the full graph.
        let nodes = build_nodes(&view, &table, vo);
        assert_eq!(nodes.nodes.len(), one.nodes.len());
        assert!(nodes.edges.is_empty());
    }
}
