//! The `call_tree` variant of the graph (pprof's `newTree` and `TrimTree`):
//! a node per (parent node, node-table entry), so one function reached
//! through different callers gives separate nodes.
//!
//! Part of the aggregate stage, used by `dot` and `callgrind`. A call tree of a big
//! profile has tens of millions of nodes, so it is held compactly: the edge
//! into a tree node always carries exactly that node's cum, leaving parent,
//! table entry, flat, cum and an inline bit per node. Only the nodes that
//! survive the `nodefraction` cut become [`Graph`] nodes (renumbered
//! densely), and tags are gathered afterwards for the nodes that can be
//! drawn. Every occurrence of a frame counts (a tree path never repeats a
//! node). No formatting here.

use super::graph::{Edge, Graph, Node, ValueOptions};
use super::nodes::NodeTable;
use super::tags::{NodeTags, SampleTags, TagSink};
use crate::filter::View;
use crate::model::NONE;
use crate::model::merge::FastMap;

/// A call tree, one entry per tree node, parents before children.
pub struct CallTree {
    parent: Vec<u32>,
    /// Node-table index of each tree node.
    info: Vec<u32>,
    flat: Vec<i64>,
    cum: Vec<i64>,
    /// Divisors, only with `mean` (empty otherwise).
    flat_div: Vec<i64>,
    cum_div: Vec<i64>,
    /// Every contribution to the edge from the parent was inlined.
    inline: Vec<bool>,
    /// Per kept sample: its leaf tree node ([`NONE`] when skipped).
    leaf: Vec<u32>,
    drop_negative: bool,
}

/// The graph of a trimmed call tree: node ids are dense, `info[id]` is the
/// node-table index and `tree[id]` the tree node.
pub struct TreeGraph {
    pub graph: Graph,
    pub info: Vec<u32>,
    pub tree: Vec<u32>,
    /// Nodes removed by the cut.
    pub dropped: usize,
}

impl CallTree {
    /// Builds the call tree of `view`.
    pub fn build(view: &View, table: &NodeTable, vo: ValueOptions) -> CallTree {
        let mut t = CallTree {
            parent: Vec::new(),
            info: Vec::new(),
            flat: Vec::new(),
            cum: Vec::new(),
            flat_div: Vec::new(),
            cum_div: Vec::new(),
            inline: Vec::new(),
            leaf: Vec::with_capacity(view.samples().len()),
            drop_negative: vo.drop_negative,
        };
        let mut index: FastMap<(u32, u32), u32> = FastMap::default();
        for k in 0..view.samples().len() {
            let (w, d) = vo.read(view.sample_values(k));
            let mut parent = NONE;
            if w == 0 && d == 0 {
                t.leaf.push(NONE);
                continue;
            }
            for loc in view.sample_locs(k).rev() {
                let frames = table.frames(loc);
                let last = frames.len().wrapping_sub(1);
                for (ni, &entry) in frames.iter().enumerate().rev() {
                    let next = t.parent.len() as u32;
                    let n = *index.entry((parent, entry)).or_insert(next) as usize;
                    if n == next as usize {
                        t.parent.push(parent);
                        t.info.push(entry);
                        t.flat.push(0);
                        t.cum.push(0);
                        t.inline.push(true);
                        if vo.mean {
                            t.flat_div.push(0);
                            t.cum_div.push(0);
                        }
                    }
                    t.cum[n] = t.cum[n].saturating_add(w);
                    if vo.mean {
                        t.cum_div[n] = t.cum_div[n].saturating_add(d);
                    }
                    if ni == last {
                        t.inline[n] = false;
                    }
                    parent = n as u32;
                }
            }
            if parent != NONE {
                t.flat[parent as usize] = t.flat[parent as usize].saturating_add(w);
                if vo.mean {
                    t.flat_div[parent as usize] = t.flat_div[parent as usize].saturating_add(d);
                }
            }
            t.leaf.push(parent);
        }
        t
    }

    /// True when tree node `n` becomes a graph node (pprof's
    /// `selectNodesForGraph`).
    fn selectable(&self, n: usize) -> bool {
        let (flat, cum) = (self.flat[n], self.cum[n]);
        !(flat == 0 && cum == 0) && !(self.drop_negative && (flat < 0 || (flat == 0 && cum < 0)))
    }

    /// Σ flat over the tree's graph nodes.
    pub fn flat_sum(&self) -> i64 {
        crate::model::sum_values(
            (0..self.flat.len())
                .filter(|&n| self.selectable(n))
                .map(|n| self.flat[n]),
        )
    }

    fn div(v: &[i64], n: usize) -> i64 {
        v.get(n).copied().unwrap_or(0)
    }

    /// The parent tree node of tree node `n` ([`NONE`] at a root).
    pub fn parent_of(&self, n: u32) -> u32 {
        self.parent[n as usize]
    }

    /// The graph of the tree nodes with |cum| ≥ `cutoff`: the children of a
    /// removed node hang from its nearest kept ancestor through a residual
    /// edge (inline only when every edge on the way was), or become roots
    /// (pprof's `TrimTree`).
    pub fn graph(&self, cutoff: i64) -> TreeGraph {
        let len = self.parent.len();
        let selectable = (0..len).filter(|&n| self.selectable(n)).count();
        let kept: Vec<bool> = (0..len)
            .map(|n| self.selectable(n) && self.cum[n].saturating_abs() >= cutoff)
            .collect();
        let tree: Vec<u32> = (0..len as u32).filter(|&n| kept[n as usize]).collect();
        let info: Vec<u32> = tree.iter().map(|&n| self.info[n as usize]).collect();
        let nodes: Vec<Node> = tree
            .iter()
            .enumerate()
            .map(|(id, &n)| {
                let n = n as usize;
                Node {
                    id: id as u32,
                    flat: self.flat[n],
                    flat_div: Self::div(&self.flat_div, n),
                    cum: self.cum[n],
                    cum_div: Self::div(&self.cum_div, n),
                    ..Default::default()
                }
            })
            .collect();
        let dense: FastMap<u32, u32> = tree
            .iter()
            .enumerate()
            .map(|(i, &n)| (n, i as u32))
            .collect();
        let mut edges = Vec::new();
        for (id, &n) in tree.iter().enumerate() {
            let n = n as usize;
            let (mut p, mut residual, mut inline) = (self.parent[n], false, self.inline[n]);
            while p != NONE && !kept[p as usize] {
                residual = true;
                inline &= self.inline[p as usize];
                p = self.parent[p as usize];
            }
            if p != NONE {
                let mut e = Edge::new(dense[&p], id as u32);
                e.weight = self.cum[n];
                e.weight_div = Self::div(&self.cum_div, n);
                e.residual = residual;
                e.inline = inline;
                edges.push(e);
            }
        }
        TreeGraph {
            graph: Graph::wire(nodes, edges, tree.len()),
            dropped: selectable - tree.len(),
            info,
            tree,
        }
    }

    /// Tags of the graph nodes with `want[id]` (keyed by graph node id;
    /// `tree` is [`TreeGraph::tree`]).
    pub fn tags(
        &self,
        tree: &[u32],
        view: &View,
        vo: ValueOptions,
        st: &SampleTags,
        want: &[bool],
    ) -> FastMap<u32, NodeTags> {
        // Nearest wanted ancestor-or-self of every tree node, as graph id.
        let mut wanted = vec![NONE; self.parent.len()];
        for (id, &n) in tree.iter().enumerate() {
            if want[id] {
                wanted[n as usize] = id as u32;
            }
        }
        let mut jump = vec![NONE; self.parent.len()];
        for n in 0..self.parent.len() {
            jump[n] = if wanted[n] != NONE {
                n as u32
            } else if self.parent[n] == NONE {
                NONE
            } else {
                jump[self.parent[n] as usize]
            };
        }
        let mut sink = TagSink::new(st, None);
        for (k, &leaf) in self.leaf.iter().enumerate() {
            if leaf == NONE {
                continue;
            }
            let (w, d) = vo.read(view.sample_values(k));
            let mut n = jump[leaf as usize];
            if n == leaf {
                sink.add(wanted[n as usize], k, w, d, true);
            }
            while n != NONE {
                sink.add(wanted[n as usize], k, w, d, false);
                let p = self.parent[n as usize];
                n = if p == NONE { NONE } else { jump[p as usize] };
            }
        }
        sink.finish()
    }
}

/// Keeps only the graph nodes with `kept[id]` of a tree-shaped graph,
/// reattaching the children of a removed node to its parent through
/// residual edges (inline only when both edges were), or making them roots
/// (pprof's `TrimTree`).
pub fn trim_tree(g: &mut Graph, kept: &[bool]) {
    let pos = g.positions(kept.len());
    for i in 0..g.nodes.len() {
        let cur = &g.nodes[i];
        if kept[cur.id as usize] {
            continue;
        }
        let outs = cur.outs.clone();
        match cur.ins.first().copied() {
            None => {
                for oe in outs {
                    let child = pos[g.edges[oe as usize].dst as usize];
                    g.edges[oe as usize].removed = true;
                    g.nodes[child as usize].ins.retain(|&x| x != oe);
                }
            }
            Some(pe) => {
                let parent_id = g.edges[pe as usize].src;
                let parent = pos[parent_id as usize] as usize;
                let parent_inline = g.edges[pe as usize].inline;
                g.edges[pe as usize].removed = true;
                g.nodes[parent].outs.retain(|&x| x != pe);
                for oe in outs {
                    let e = &mut g.edges[oe as usize];
                    e.src = parent_id;
                    e.residual = true;
                    e.inline &= parent_inline;
                    g.nodes[parent].outs.push(oe);
                }
            }
        }
    }
    g.nodes.retain(|n| kept[n.id as usize]);
}
