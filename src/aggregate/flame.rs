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
use crate::model::NONE;
use crate::model::merge::FastMap;

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
        for k in 0..view.samples.len() {
            let (w, _) = vo.read(view.sample_values(k));
            if w == 0 || (vo.drop_negative && w < 0) {
                continue;
            }
            let mut parent = NONE;
            let mut rooted = selected.is_none();
            for loc in view.sample_locs(k).rev() {
                for &entry in table.frames(loc).iter().rev() {
                    if !rooted {
                        rooted = selected.is_some_and(|s| s[entry as usize]);
                        if !rooted {
                            continue;
                        }
                    }
                    let next = t.parent.len() as u32;
                    let n = *index.entry((parent, entry)).or_insert(next);
                    if n == next {
                        t.parent.push(parent);
                        t.entry.push(entry);
                        t.grew.push(0);
                        t.shrank.push(0);
                        t.flat.push(0);
                    }
                    let n = n as usize;
                    if w > 0 {
                        t.grew[n] = t.grew[n].wrapping_add(w);
                    } else {
                        t.shrank[n] = t.shrank[n].wrapping_sub(w);
                    }
                    parent = n as u32;
                }
            }
            if parent != NONE {
                let p = parent as usize;
                t.flat[p] = t.flat[p].wrapping_add(w);
            }
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
        self.grew[n].wrapping_add(self.shrank[n])
    }

    /// Node `n`'s net value with everything below it (pprof's cum).
    pub fn cum(&self, n: usize) -> i64 {
        self.grew[n].wrapping_sub(self.shrank[n])
    }

    /// The children of every node and the roots (the last list), each
    /// ordered widest first, ties by node-table entry.
    pub fn children(&self) -> (Vec<Vec<u32>>, Vec<u32>) {
        let mut kids: Vec<Vec<u32>> = vec![Vec::new(); self.len()];
        let mut roots = Vec::new();
        for (n, &p) in self.parent.iter().enumerate() {
            if p == NONE {
                roots.push(n as u32);
            } else {
                kids[p as usize].push(n as u32);
            }
        }
        let order = |v: &mut Vec<u32>| {
            v.sort_by(|&a, &b| {
                let (a, b) = (a as usize, b as usize);
                self.width(b)
                    .cmp(&self.width(a))
                    .then(self.entry[a].cmp(&self.entry[b]))
            })
        };
        kids.iter_mut().for_each(order);
        order(&mut roots);
        (kids, roots)
    }
}
