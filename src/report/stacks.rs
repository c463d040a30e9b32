//! The distinct stacks of a view, root first, each with its net value: the
//! walk shared by the stack-exchange writers (`folded`, `speedscope`,
//! `firefox`).
//!
//! Report stage: the stacks come from the flame tree
//! (`aggregate::flame`) of the filtered view, so the filters, the
//! granularity, `noinlines` and `sample_index` are those of every other
//! report; samples with the same stack are merged and zero-valued stacks
//! are left out. The order is deterministic: depth first from the roots,
//! siblings widest first (ties by node-table entry), a stack before the
//! longer stacks through it. With `mean` the values are not divided (as in
//! the flame graphs). Formats nothing.

use super::Context;
use crate::aggregate::flame::FlameTree;
use crate::aggregate::nodes::NodeTable;
use std::sync::Arc;

/// One node of the merged stack tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StackNode {
    /// Its node-table entry (the frame).
    pub entry: u32,
    /// Its caller, an index into [`Stacks::nodes`] (`None` for a root).
    pub parent: Option<usize>,
    /// The net value of the samples whose stack ends here (0: no stack
    /// ends here).
    pub value: i64,
}

/// The merged stacks of a view.
pub struct Stacks {
    /// The node table the entries index (frame names, files, lines).
    pub table: Arc<NodeTable>,
    /// The stack tree, parents before children, in output order.
    pub nodes: Vec<StackNode>,
}

impl Stacks {
    /// The distinct stacks of `r`'s view.
    pub fn of(r: &Context) -> Stacks {
        let table = r.cached_table();
        let tree = FlameTree::build(&r.view, &table, r.values, None);
        let kids = tree.children();
        let mut nodes = Vec::with_capacity(tree.len());
        // Depth first: (tree node, its parent's index in `nodes`).
        let mut todo: Vec<(u32, Option<usize>)> =
            kids.of(None).iter().rev().map(|&n| (n, None)).collect();
        while let Some((n, parent)) = todo.pop() {
            let i = n as usize;
            let at = nodes.len();
            nodes.push(StackNode {
                entry: tree.entry[i],
                parent,
                value: tree.flat[i],
            });
            todo.extend(kids.of(Some(i)).iter().rev().map(|&c| (c, Some(at))));
        }
        Stacks { table, nodes }
    }

    /// The stacks: (index of the leaf node, value), in output order.
    pub fn ends(&self) -> impl Iterator<Item = (usize, i64)> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.value != 0)
            .map(|(i, n)| (i, n.value))
    }

    /// The node indices of the stack ending at node `leaf`, root first.
    pub fn path(&self, leaf: usize) -> Vec<usize> {
        let mut path = Vec::new();
        let mut at = Some(leaf);
        while let Some(i) = at {
            path.push(i);
            at = self.nodes[i].parent;
        }
        path.reverse();
        path
    }

    /// The printable name of node-table entry `entry` (as the flame
    /// graphs and `traces` name frames).
    pub fn name(&self, entry: u32) -> String {
        self.table.infos[entry as usize].printable_name()
    }
}
