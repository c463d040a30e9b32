//! The call graph of a view: flat/cum per node, weighted edges, trimming and
//! the sort orders (pprof's `graph.New`, `newTrimmedGraph`, `Nodes.Sort`).
//!
//! One pass over the kept samples per build, with a per-sample stamp so that
//! recursion counts a node once per sample. Input: a [`View`] and a
//! [`NodeTable`]; output: a [`Graph`] of plain numbers. No formatting here.

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
    build_with::<true>(view, table, vo, kept)
}

/// Builds only the nodes (flat/cum) of `view`, without edges: the values a
/// node gets do not depend on which other nodes are kept, so trimming can
/// select nodes from this and compute edges once for the final set. Frames
/// mapped to [`NONE`] (see [`NodeTable::build_selected`]) are skipped, which
/// makes this one cheap pass for reports about a few functions (`list`).
pub fn build_nodes(view: &View, table: &NodeTable, vo: ValueOptions) -> Graph {
    build_with::<false>(view, table, vo, None)
}

/// What one thread accumulates over a range of samples.
struct Partial {
    /// flat, flat_div, cum, cum_div per node.
    acc: Vec<[i64; 4]>,
    edges: Vec<Edge>,
    index: FastMap<(u32, u32), u32>,
}

fn accumulate<const EDGES: bool>(
    view: &View,
    table: &NodeTable,
    vo: ValueOptions,
    kept: Option<&[bool]>,
    range: std::ops::Range<usize>,
) -> Partial {
    let n = table.infos.len();
    let mut p = Partial {
        acc: vec![[0; 4]; n],
        edges: Vec::new(),
        index: FastMap::default(),
    };
    let mut stamp = vec![u32::MAX; n];
    let is_kept = |id: u32| kept.is_none_or(|k| k[id as usize]);
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
                if node == NONE || !is_kept(node) {
                    residual = true;
                    continue;
                }
                if stamp[node as usize] != k as u32 {
                    stamp[node as usize] = k as u32;
                    let a = &mut p.acc[node as usize];
                    a[2] += w;
                    a[3] += d;
                }
                if EDGES && parent != NONE && parent != node {
                    let next = p.edges.len() as u32;
                    let e = *p.index.entry((parent, node)).or_insert(next);
                    if e == next {
                        p.edges.push(Edge {
                            src: parent,
                            dst: node,
                            inline: true,
                            stamp: u32::MAX,
                            ..Default::default()
                        });
                    }
                    let edge = &mut p.edges[e as usize];
                    if edge.stamp != k as u32 {
                        edge.stamp = k as u32;
                        edge.weight += w;
                        edge.weight_div += d;
                        edge.residual |= residual;
                        if ni == last {
                            edge.inline = false;
                        }
                    }
                }
                parent = node;
                residual = false;
            }
        }
        if parent != NONE && !residual {
            let a = &mut p.acc[parent as usize];
            a[0] += w;
            a[1] += d;
        }
    }
    p
}

/// Samples per thread below which building stays on one thread.
const PARALLEL_MIN_SAMPLES: usize = 50_000;

fn build_with<const EDGES: bool>(
    view: &View,
    table: &NodeTable,
    vo: ValueOptions,
    kept: Option<&[bool]>,
) -> Graph {
    let n = table.infos.len();
    let total = view.samples.len();
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .min(total / PARALLEL_MIN_SAMPLES)
        .clamp(1, 8);
    let chunk = total.div_ceil(threads);
    let mut parts: Vec<Partial> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let r = (t * chunk).min(total)..((t + 1) * chunk).min(total);
                s.spawn(move || accumulate::<EDGES>(view, table, vo, kept, r))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("graph worker"))
            .collect()
    });
    let mut first = parts.remove(0);
    for p in parts {
        for (a, b) in first.acc.iter_mut().zip(&p.acc) {
            for c in 0..4 {
                a[c] += b[c];
            }
        }
        for e in p.edges {
            let next = first.edges.len() as u32;
            let i = *first.index.entry((e.src, e.dst)).or_insert(next);
            if i == next {
                first.edges.push(e);
            } else {
                let f = &mut first.edges[i as usize];
                f.weight += e.weight;
                f.weight_div += e.weight_div;
                f.residual |= e.residual;
                f.inline &= e.inline;
            }
        }
    }
    let acc: Vec<Node> = first
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
    let mut edges = first.edges;
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
    trimmed_from(view, table, vo, t, &build_nodes(view, table, vo))
}

/// [`trimmed`] starting from an already built node-only graph.
pub fn trimmed_from(
    view: &View,
    table: &NodeTable,
    vo: ValueOptions,
    t: TrimOptions,
    full: &Graph,
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
    let mut g = build(view, table, vo, Some(&kept));
    sort_nodes_named(&mut g.nodes, &table.infos, &names, t.order, None);
    let dropped_edges = g.trim_edges(edge_cutoff);
    Trimmed {
        graph: g,
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

    #[test]
    fn node_only_graph_agrees_with_the_full_graph() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cpu/cpu.pb.gz");
        let p = crate::source::parse(std::fs::read(path).unwrap()).unwrap();
        let view = View::all(Cow::Borrowed(&p));
        let o = NodeOptions {
            granularity: Granularity::Lines,
            noinlines: false,
            obj_names: true,
            trim_path: String::new(),
            source_path: String::new(),
        };
        let vo = ValueOptions {
            index: 1,
            mean: false,
            drop_negative: false,
        };
        let table = NodeTable::build(&view, &o);
        let g = build(&view, &table, vo, None);
        let fast = build_nodes(&view, &table, vo).nodes;
        let key = |n: &Node| (n.id, n.flat, n.cum);
        assert_eq!(
            fast.iter().map(key).collect::<Vec<_>>(),
            g.nodes.iter().map(key).collect::<Vec<_>>()
        );
        // Restricted to one function, the same numbers for its nodes.
        let mut fib = |name: &str| name == "main.fib";
        let only = NodeTable::build_selected(&view, &o, Some(&mut fib));
        let some = build_nodes(&view, &only, vo).nodes;
        assert!(!some.is_empty());
        for n in &some {
            let info = &only.infos[n.id as usize];
            assert_eq!(info.name, "main.fib");
            let full = g
                .nodes
                .iter()
                .find(|m| table.infos[m.id as usize] == *info)
                .unwrap();
            assert_eq!((n.flat, n.cum), (full.flat, full.cum));
        }
    }
}
