//! The accumulation pass behind every graph build: one walk over the kept
//! samples summing flat/cum per node and weight per edge (pprof's
//! `graph.New` loop), with a per-sample stamp so that recursion counts a
//! node, and an edge, once per sample.
//!
//! Part of the aggregate stage, used only by [`super::graph`]. Tuned for big
//! profiles: the per-frame node data is kept small for the cache, edge sums
//! live in the edge map itself (one probe per frame), a build can skip the
//! edges it does not need ([`EdgeScope`]), and the pass is split over
//! threads, merged so that the result equals a single pass.

use super::graph::ValueOptions;
use super::nodes::NodeTable;
use crate::filter::View;
use crate::model::NONE;
use crate::model::merge::FastMap;

/// Per-node sums of one accumulation.
#[derive(Clone, Copy, Default)]
pub(super) struct NodeSums {
    pub flat: i64,
    pub flat_div: i64,
    pub cum: i64,
    pub cum_div: i64,
}

/// Per-edge sums while accumulating, kept in the edge map itself so that
/// one probe reaches them.
#[derive(Clone, Copy)]
pub(super) struct EdgeSums {
    pub weight: i64,
    pub weight_div: i64,
    /// First-seen rank, for a deterministic edge order.
    order: u64,
    stamp: u32,
    pub residual: bool,
    pub inline: bool,
}

type EdgeMap = FastMap<(u32, u32), EdgeSums>;

/// An edge `(src, dst)` with its sums.
pub(super) type OrderedEdge = ((u32, u32), EdgeSums);

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

/// Samples per thread below which accumulation stays on one thread.
const MIN_SAMPLES_PER_THREAD: usize = 100_000;

/// One pass over the kept samples `range`: node and edge sums.
fn accumulate(
    view: &View,
    table: &NodeTable,
    vo: ValueOptions,
    kept: Option<&[bool]>,
    scope: EdgeScope,
    single: &[u32],
    range: std::ops::Range<usize>,
) -> (Vec<NodeSums>, EdgeMap) {
    let mut acc = vec![NodeSums::default(); table.infos.len()];
    // The per-frame hot data, kept small for the cache: the last sample
    // that counted the node's cum, and that cum.
    let mut cum: Vec<(u32, i64)> = vec![(u32::MAX, 0); table.infos.len()];
    let mut edges = EdgeMap::default();
    let is_kept = |id: u32| kept.is_none_or(|k| k[id as usize]);
    for k in range {
        let (w, d) = vo.read(view.sample_values(k));
        if w == 0 && d == 0 {
            continue;
        }
        let stamp = k as u32;
        let mut parent = NONE;
        let mut residual = false;
        for loc in view.sample_locs(k).rev() {
            let frames = match &single[loc as usize] {
                &NONE => table.frames(loc),
                one => std::slice::from_ref(one),
            };
            let last = frames.len().wrapping_sub(1);
            for (ni, &node) in frames.iter().enumerate().rev() {
                if !is_kept(node) {
                    residual = true;
                    continue;
                }
                let c = &mut cum[node as usize];
                if c.0 != stamp {
                    c.0 = stamp;
                    c.1 += w;
                    if d != 0 {
                        acc[node as usize].cum_div += d;
                    }
                }
                if parent != NONE && parent != node && scope.wants(parent, node) {
                    let next = edges.len() as u64;
                    let e = edges.entry((parent, node)).or_insert(EdgeSums {
                        weight: 0,
                        weight_div: 0,
                        order: next,
                        stamp: u32::MAX,
                        residual: false,
                        inline: true,
                    });
                    if e.stamp != stamp {
                        e.stamp = stamp;
                        e.weight += w;
                        e.weight_div += d;
                        e.residual |= residual;
                        if ni == last {
                            e.inline = false;
                        }
                    }
                }
                parent = node;
                residual = false;
            }
        }
        if parent != NONE && !residual {
            let a = &mut acc[parent as usize];
            a.flat += w;
            a.flat_div += d;
        }
    }
    for (a, c) in acc.iter_mut().zip(&cum) {
        a.cum = c.1;
    }
    (acc, edges)
}

/// How many threads accumulate `samples` samples: one per available core,
/// at most 4, and only for big profiles.
fn threads_for(samples: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .min(samples / MIN_SAMPLES_PER_THREAD)
        .clamp(1, 4)
}

/// [`accumulate`] over all kept samples, split into `threads` consecutive
/// ranges run in parallel; the merged result equals a single pass (edge
/// ranks keep the first-seen order).
fn accumulate_all(
    view: &View,
    table: &NodeTable,
    vo: ValueOptions,
    kept: Option<&[bool]>,
    scope: EdgeScope,
    threads: usize,
) -> (Vec<NodeSums>, EdgeMap) {
    let n = view.samples.len();
    // The node of each location with exactly one frame (most of them):
    // one dependent load less per frame in the hot loop.
    let single: Vec<u32> = (0..view.num_locations() as u32)
        .map(|loc| match table.frames(loc) {
            &[one] => one,
            _ => NONE,
        })
        .collect();
    let single = single.as_slice();
    if threads <= 1 || n < threads {
        return accumulate(view, table, vo, kept, scope, single, 0..n);
    }
    let chunk = n.div_ceil(threads);
    let parts: Vec<(Vec<NodeSums>, EdgeMap)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let range = i * chunk..((i + 1) * chunk).min(n);
                s.spawn(move || accumulate(view, table, vo, kept, scope, single, range))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("graph accumulation thread"))
            .collect()
    });
    let mut parts = parts.into_iter();
    let (mut acc, mut edges) = parts.next().expect("at least one part");
    let mut rank_base = edges.len() as u64;
    for (part_acc, part_edges) in parts {
        for (a, b) in acc.iter_mut().zip(&part_acc) {
            a.flat += b.flat;
            a.flat_div += b.flat_div;
            a.cum += b.cum;
            a.cum_div += b.cum_div;
        }
        let size = part_edges.len() as u64;
        for (key, b) in part_edges {
            edges
                .entry(key)
                .and_modify(|a| {
                    a.weight += b.weight;
                    a.weight_div += b.weight_div;
                    a.residual |= b.residual;
                    a.inline &= b.inline;
                })
                .or_insert(EdgeSums {
                    order: rank_base + b.order,
                    ..b
                });
        }
        rank_base += size;
    }
    (acc, edges)
}

/// Node sums (indexed by node id) and the edges `(src, dst)` with their
/// sums, in first-seen order, of the kept samples of `view`.
pub(super) fn sums(
    view: &View,
    table: &NodeTable,
    vo: ValueOptions,
    kept: Option<&[bool]>,
    scope: EdgeScope,
) -> (Vec<NodeSums>, Vec<OrderedEdge>) {
    let threads = threads_for(view.samples.len());
    let (nodes, edge_map) = accumulate_all(view, table, vo, kept, scope, threads);
    let mut edges: Vec<OrderedEdge> = edge_map.into_iter().collect();
    edges.sort_unstable_by_key(|(_, e)| e.order);
    (nodes, edges)
}

/// A real profile and its node table, for the aggregate tests.
#[cfg(test)]
pub(super) mod fixtures {
    use super::*;
    use crate::aggregate::nodes::NodeOptions;
    use crate::config::Granularity;

    pub fn cpu_profile() -> crate::model::Profile {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cpu/cpu.pb.gz");
        crate::app::load(&[path.to_string()], &mut std::io::sink()).expect("test profile")
    }

    pub fn table(view: &View) -> NodeTable {
        NodeTable::build(
            view,
            &NodeOptions {
                granularity: Granularity::Functions,
                noinlines: false,
                obj_names: false,
                trim_path: String::new(),
                source_path: String::new(),
                trim_files: true,
            },
        )
    }

    pub const VO: ValueOptions = ValueOptions {
        index: 1,
        mean: false,
        drop_negative: false,
    };
}

#[cfg(test)]
mod tests {
    use super::fixtures::{VO, cpu_profile, table};
    use super::*;
    use std::borrow::Cow;

    fn edge_list(m: &EdgeMap) -> Vec<(u64, u32, u32, i64, bool, bool)> {
        let mut v: Vec<_> = m
            .iter()
            .map(|(&(s, d), e)| (e.order, s, d, e.weight, e.inline, e.residual))
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn parallel_accumulation_equals_one_pass() {
        let p = cpu_profile();
        let view = View::all(Cow::Borrowed(&p));
        let t = table(&view);
        let (a1, e1) = accumulate_all(&view, &t, VO, None, EdgeScope::All, 1);
        let (a3, e3) = accumulate_all(&view, &t, VO, None, EdgeScope::All, 3);
        let sums =
            |a: &[NodeSums]| -> Vec<(i64, i64)> { a.iter().map(|n| (n.flat, n.cum)).collect() };
        assert_eq!(sums(&a1), sums(&a3));
        assert!(!e1.is_empty());
        // Same edges with the same first-seen order (ranks may differ).
        let order = |m: &EdgeMap| -> Vec<(u32, u32, i64, bool)> {
            edge_list(m)
                .into_iter()
                .map(|(_, s, d, w, i, _)| (s, d, w, i))
                .collect()
        };
        assert_eq!(order(&e1), order(&e3));
    }
}
