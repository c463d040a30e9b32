//! The accumulation pass behind every graph build: one walk over the kept
//! samples from root to leaf (pprof's `graph.New` loop), summing flat/cum
//! per node and weight per edge, with a per-sample stamp so that recursion
//! counts a node, and an edge, once per sample. Big profiles are split over
//! threads and merged so that the result equals one ordered walk; other
//! passes (dot's tags) plug into the same walk as [`Visitor`]s.
//!
//! Part of the aggregate stage; produces a [`Graph`] of plain numbers and
//! knows nothing about trimming, sorting or formatting.

use super::graph::{Edge, Graph, Node, ValueOptions};
use super::nodes::NodeTable;
use crate::filter::View;
use crate::model::NONE;
use crate::model::merge::FastMap;

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
    walk_range(view, table, vo, kept, 0..view.samples().len(), v);
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
                a[c] = a[c].saturating_add(b[c]);
            }
        }
        for e in other.edges {
            let next = self.edges.len() as u32;
            let i = *self.edge_index.entry((e.src, e.dst)).or_insert(next);
            if i == next {
                self.edges.push(e);
            } else {
                let f = &mut self.edges[i as usize];
                f.weight = f.weight.saturating_add(e.weight);
                f.weight_div = f.weight_div.saturating_add(e.weight_div);
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
            a[2] = a[2].saturating_add(w);
            a[3] = a[3].saturating_add(d);
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
            edge.weight = edge.weight.saturating_add(w);
            edge.weight_div = edge.weight_div.saturating_add(d);
            edge.residual |= f.residual;
            if f.outermost {
                edge.inline = false;
            }
        }
    }

    fn leaf(&mut self, _k: usize, w: i64, d: i64, node: u32) {
        let a = &mut self.acc[node as usize];
        a[0] = a[0].saturating_add(w);
        a[1] = a[1].saturating_add(d);
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
    let total = view.samples().len();
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
    let total = view.samples().len();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::nodes::NodeOptions;
    use crate::config::Granularity;

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
        let view = View::all(crate::filter::Source::Borrowed(&p));
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
