//! The flame tree: every stack of the view merged into one prefix tree
//! from the roots down, a node per (parent node, node-table entry), as the
//! flame graphs draw it.
//!
//! Part of the aggregate stage, used by `report::flame`. Unlike
//! [`super::calltree`] it keeps the positive and the negative part of each
//! node's value apart, so that a profile with a base subtracted (`-base`,
//! `-diff_base`) can be drawn with frames sized by how much changed and
//! coloured by which way. Rooting (`flame RE`) starts each stack at its
//! outermost frame whose entry is selected and skips stacks without one.
//! No formatting here.

use super::graph::ValueOptions;
use super::nodes::NodeTable;
use crate::filter::View;
use crate::model::merge::FastMap;
use crate::model::{LocationId, NONE};

/// A flame tree, one entry per node, parents before children.
#[derive(Debug, Default)]
pub struct FlameTree {
    /// Parent node ([`NONE`] for a root).
    pub parent: Vec<u32>,
    /// Node-table index of each node.
    pub entry: Vec<u32>,
    /// Σ of the positive sample values through the node.
    pub grew: Vec<i64>,
    /// Σ of the magnitudes of the negative sample values through the node.
    pub shrank: Vec<i64>,
    /// Σ of the sample values whose leaf is the node (net).
    pub flat: Vec<i64>,
}

impl FlameTree {
    /// Builds the flame tree of `view`; with `selected` (one flag per
    /// node-table entry) each stack starts at its outermost selected frame
    /// and stacks without one are left out.
    pub fn build(
        view: &View,
        table: &NodeTable,
        vo: ValueOptions,
        selected: Option<&[bool]>,
    ) -> FlameTree {
        let mut t = FlameTree::default();
        let mut index: FastMap<(u32, u32), u32> = FastMap::default();
        // Consecutive stacks often share their outer frames: the previous
        // stack's locations (root first), the nodes it went through and,
        // after each location, how many of them and whether it was rooted,
        // let a stack reuse the common prefix without looking nodes up.
        let mut locs: Vec<LocationId> = Vec::new();
        let mut path: Vec<u32> = Vec::new();
        let mut after: Vec<(u32, bool)> = Vec::new();
        let mut stack: Vec<LocationId> = Vec::new();
        for k in 0..view.samples().len() {
            let (w, _) = vo.read(view.sample_values(k));
            if w == 0 || (vo.drop_negative && w < 0) {
                continue;
            }
            stack.clear();
            stack.extend(view.sample_locs(k).rev());
            let common = locs.iter().zip(&stack).take_while(|(a, b)| a == b).count();
            after.truncate(common);
            let (kept, mut rooted) = after.last().copied().unwrap_or((0, selected.is_none()));
            path.truncate(kept as usize);
            for &loc in &stack[common..] {
                for &entry in table.frames(loc).iter().rev() {
                    if !rooted {
                        rooted = selected.is_some_and(|s| s[entry as usize]);
                        if !rooted {
                            continue;
                        }
                    }
                    let parent = path.last().copied().unwrap_or(NONE);
                    let next = t.parent.len() as u32;
                    let n = *index.entry((parent, entry)).or_insert(next);
                    if n == next {
                        t.parent.push(parent);
                        t.entry.push(entry);
                        t.grew.push(0);
                        t.shrank.push(0);
                        t.flat.push(0);
                    }
                    path.push(n);
                }
                after.push((path.len() as u32, rooted));
            }
            for &n in &path {
                let n = n as usize;
                if w > 0 {
                    t.grew[n] = t.grew[n].saturating_add(w);
                } else {
                    t.shrank[n] = t.shrank[n].saturating_sub(w);
                }
            }
            if let Some(&leaf) = path.last() {
                let p = leaf as usize;
                t.flat[p] = t.flat[p].saturating_add(w);
            }
            // This stack is the next one's previous.
            std::mem::swap(&mut locs, &mut stack);
        }
        t
    }

    /// The number of nodes.
    pub fn len(&self) -> usize {
        self.parent.len()
    }

    /// How wide node `n` is drawn: everything that passed through it,
    /// whichever its sign.
    pub fn width(&self, n: usize) -> i64 {
        self.grew[n].saturating_add(self.shrank[n])
    }

    /// Node `n`'s net value with everything below it (pprof's cum).
    pub fn cum(&self, n: usize) -> i64 {
        self.grew[n].saturating_sub(self.shrank[n])
    }

    /// The children of every node and the roots, each ordered widest
    /// first, ties by node-table entry.
    pub fn children(&self) -> Children {
        // Counting sort by parent: the roots go in the last slot.
        let n = self.len();
        let slot = |p: u32| if p == NONE { n } else { p as usize };
        let mut start = vec![0u32; n + 2];
        for &p in &self.parent {
            start[slot(p) + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut fill = start.clone();
        let mut list = vec![0u32; n];
        for (node, &p) in self.parent.iter().enumerate() {
            let s = &mut fill[slot(p)];
            list[*s as usize] = node as u32;
            *s += 1;
        }
        for w in start.windows(2) {
            list[w[0] as usize..w[1] as usize].sort_unstable_by(|&a, &b| {
                let (a, b) = (a as usize, b as usize);
                self.width(b)
                    .cmp(&self.width(a))
                    .then(self.entry[a].cmp(&self.entry[b]))
            });
        }
        Children { start, list }
    }
}

/// The children lists of a [`FlameTree`], one slice per node and one for
/// the roots.
pub struct Children {
    start: Vec<u32>,
    list: Vec<u32>,
}

impl Children {
    /// The children of node `n`, or the roots for `None`.
    pub fn of(&self, n: Option<usize>) -> &[u32] {
        let i = n.unwrap_or(self.start.len() - 2);
        &self.list[self.start[i] as usize..self.start[i + 1] as usize]
    }
}
