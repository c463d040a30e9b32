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
    let n = table.infos.len();
    let mut acc = vec![Node::default(); n];
    let mut stamp = vec![u32::MAX; n];
    let mut edges: Vec<Edge> = Vec::new();
    let mut edge_index: FastMap<(u32, u32), u32> = FastMap::default();
    let is_kept = |id: u32| kept.is_none_or(|k| k[id as usize]);
    for k in 0..view.samples.len() {
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
                let a = &mut acc[node as usize];
                if stamp[node as usize] != k as u32 {
                    stamp[node as usize] = k as u32;
                    a.cum += w;
                    a.cum_div += d;
                }
                if parent != NONE && parent != node {
                    let next = edges.len() as u32;
                    let e = *edge_index.entry((parent, node)).or_insert(next);
                    if e == next {
                        edges.push(Edge {
                            src: parent,
                            dst: node,
                            inline: true,
                            stamp: u32::MAX,
                            ..Default::default()
                        });
                    }
                    let edge = &mut edges[e as usize];
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
            let a = &mut acc[parent as usize];
            a.flat += w;
            a.flat_div += d;
        }
    }
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

/// Flat and cum of every node of `table`, without edges: the nodes
/// [`build`] would give (non-zero, `drop_negative` applied), in id order.
/// Frames mapped to [`NONE`] are skipped, so with a table from
/// [`NodeTable::build_selected`] this is one cheap pass for reports that
/// look at a few functions (`list`) on big profiles.
pub fn node_values(view: &View, table: &NodeTable, vo: ValueOptions) -> Vec<Node> {
    let mut acc: Vec<Node> = (0..table.infos.len() as u32)
        .map(|id| Node {
            id,
            ..Default::default()
        })
        .collect();
    let loc_wanted: Vec<bool> = (0..view.num_locations() as u32)
        .map(|loc| table.frames(loc).iter().any(|&n| n != NONE))
        .collect();
    let mut stamp = vec![u32::MAX; acc.len()];
    for k in 0..view.samples.len() {
        let (w, d) = vo.read(view.sample_values(k));
        if w == 0 && d == 0 {
            continue;
        }
        let mut leaf = true;
        for loc in view.sample_locs(k) {
            if loc_wanted[loc as usize] {
                for (i, &node) in table.frames(loc).iter().enumerate() {
                    if node == NONE {
                        continue;
                    }
                    let a = &mut acc[node as usize];
                    if leaf && i == 0 {
                        a.flat += w;
                        a.flat_div += d;
                    }
                    if stamp[node as usize] != k as u32 {
                        stamp[node as usize] = k as u32;
                        a.cum += w;
                        a.cum_div += d;
                    }
                }
            }
            leaf = false;
        }
    }
    acc.retain(|a| {
        !(a.cum == 0 && a.flat == 0
            || vo.drop_negative && (a.flat < 0 || (a.flat == 0 && a.cum < 0)))
    });
    acc
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
pub fn trimmed(view: &View, table: &NodeTable, vo: ValueOptions, t: TrimOptions) -> Trimmed {
    let names: Vec<String> = table.infos.iter().map(|i| i.printable_name()).collect();
    let mut g = build(view, table, vo, None);
    let total = g.flat_sum();
    let node_cutoff = ((total as f64 * t.node_fraction) as i64).abs();
    let edge_cutoff = ((total as f64 * t.edge_fraction) as i64).abs();
    let mut dropped_nodes = 0;
    if node_cutoff > 0 {
        let mut kept = vec![false; table.infos.len()];
        let mut count = 0;
        for n in &g.nodes {
            if n.cum.abs() >= node_cutoff {
                kept[n.id as usize] = true;
                count += 1;
            }
        }
        if count != g.nodes.len() {
            dropped_nodes = g.nodes.len() - count;
            g = build(view, table, vo, Some(&kept));
        }
    }
    let orig_count = g.nodes.len();
    g.trim_edges(edge_cutoff);
    sort_nodes_named(&mut g.nodes, &table.infos, &names, t.order, None);
    if t.node_count > 0 {
        g.trim_edges(edge_cutoff);
        let max = (t.node_count as usize).min(g.nodes.len());
        if max != g.nodes.len() {
            let kept = g.kept_set(table.infos.len(), max);
            g = build(view, table, vo, Some(&kept));
            sort_nodes_named(&mut g.nodes, &table.infos, &names, t.order, None);
        }
    }
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
    fn node_values_agree_with_the_graph() {
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
        let fast = node_values(&view, &table, vo);
        let key = |n: &Node| (n.id, n.flat, n.cum);
        assert_eq!(
            fast.iter().map(key).collect::<Vec<_>>(),
            g.nodes.iter().map(key).collect::<Vec<_>>()
        );
        // Restricted to one function, the same numbers for its nodes.
        let mut fib = |name: &str| name == "main.fib";
        let only = NodeTable::build_selected(&view, &o, Some(&mut fib));
        let some = node_values(&view, &only, vo);
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
