//! Visual-mode trimming for `dot` and the image formats (pprof's
//! `newTrimmedGraph` with `visualMode`): entropy order, nodelets counting
//! against `nodecount`, removal of redundant residual edges, and the
//! `call_tree` variant.
//!
//! Part of the aggregate stage; the text reports use `graph::trimmed_from`.
//! Tags are collected only for the nodes that can be drawn: one tag pass
//! over the first `nodecount` nodes (to count their nodelets), folded into
//! the rebuild when selection drops nodes. No formatting here.

use super::calltree::{self, CallTree, TreeGraph};
use super::graph::{
    Graph, Identity, ValueOptions, build, build_with, edge_order, sort_nodes_by, walk,
};
use super::nodes::NodeTable;
use super::tags::{NodeTags, SampleTags, TagSink};
use crate::filter::View;
use crate::model::merge::FastMap;
use crate::request::{Order, TrimOptions};

/// A trimmed graph for drawing.
pub struct Visual {
    pub graph: Graph,
    /// Node id → node-table index for call trees (`None`: ids are indices).
    pub map: Option<Vec<u32>>,
    /// Tags by node id (trimmed).
    pub tags: FastMap<u32, NodeTags>,
    pub orig_count: usize,
    pub dropped_nodes: usize,
    pub dropped_edges: usize,
}

/// Shannon entropy (log2) of edge weights as fractions of their sum, `own`
/// (a node's flat) counting as one more weight when positive.
fn edge_entropy(weights: &[i64], own: i64) -> f64 {
    let total = own.saturating_add(crate::model::sum_values(
        weights.iter().copied().filter(|&w| w > 0),
    ));
    if total == 0 {
        return 0.0;
    }
    let term = |w: i64| {
        let frac = w.saturating_abs() as f64 / total as f64;
        -frac * frac.log2()
    };
    let mut score: f64 = weights.iter().map(|&w| term(w)).sum();
    if own > 0 {
        score += term(own);
    }
    score
}

/// pprof's `entropyScore` of every node, indexed by node id.
fn entropy_scores(g: &Graph, id_space: usize) -> Vec<i64> {
    let mut scores = vec![0i64; id_space];
    let mut w = Vec::new();
    for n in &g.nodes {
        w.clear();
        w.extend(g.in_edges(n).map(|e| e.weight));
        let mut s = if w.is_empty() {
            1.0
        } else {
            edge_entropy(&w, 0)
        };
        w.clear();
        w.extend(g.out_edges(n).map(|e| e.weight));
        s += if w.is_empty() {
            1.0
        } else {
            edge_entropy(&w, n.flat)
        };
        scores[n.id as usize] = ((s * n.cum as f64) as i64).saturating_add(n.flat);
    }
    scores
}

fn sort_entropy(g: &mut Graph, ident: &Identity, id_space: usize) {
    let scores = entropy_scores(g, id_space);
    sort_nodes_by(&mut g.nodes, ident, Order::Flat, Some(&scores));
}

/// How many of the sorted nodes fit in `max` when each also costs its
/// nodelets (pprof's `selectTopNodes` in visual mode).
fn select_top(g: &Graph, tags: &FastMap<u32, NodeTags>, max: usize) -> usize {
    let mut count = 0;
    for (i, n) in g.nodes.iter().enumerate() {
        count += tags.get(&n.id).map_or(0, NodeTags::count) + 1;
        if count >= max {
            return i + 1;
        }
    }
    max.min(g.nodes.len())
}

/// Deletes residual edges whose destination stays reachable from their
/// source, lightest first, stopping at each node's first non-residual
/// in-edge (pprof's `RemoveRedundantEdges`).
fn remove_redundant_edges(g: &mut Graph, ident: &Identity, id_space: usize) {
    let pos = g.positions(id_space);
    for i in (0..g.nodes.len()).rev() {
        let mut ins = g.nodes[i].ins.clone();
        ins.sort_by(|&a, &b| {
            edge_order(&g.edges[a as usize], &g.edges[b as usize], |id| {
                ident.name(id)
            })
        });
        for &e in ins.iter().rev() {
            if !g.edges[e as usize].residual {
                break;
            }
            if is_redundant(g, e, &pos) {
                g.remove_edge(e, &pos);
            }
        }
    }
}

/// True when `e`'s source reaches its destination without `e`.
fn is_redundant(g: &Graph, e: u32, pos: &[u32]) -> bool {
    let (src, dst) = (g.edges[e as usize].src, g.edges[e as usize].dst);
    let mut seen = vec![false; g.nodes.len()];
    seen[pos[dst as usize] as usize] = true;
    let mut stack = vec![dst];
    while let Some(n) = stack.pop() {
        for &ie in &g.nodes[pos[n as usize] as usize].ins {
            let from = g.edges[ie as usize].src;
            if ie == e || seen[pos[from as usize] as usize] {
                continue;
            }
            if from == src {
                return true;
            }
            seen[pos[from as usize] as usize] = true;
            stack.push(from);
        }
    }
    false
}

/// Tags of the nodes with `want[id]` in the graph built with `kept`.
fn tag_pass(
    view: &View,
    table: &NodeTable,
    vo: ValueOptions,
    kept: Option<&[bool]>,
    want: Option<&[bool]>,
    st: Option<&SampleTags>,
) -> FastMap<u32, NodeTags> {
    let Some(st) = st else {
        return FastMap::default();
    };
    let mut sink = TagSink::new(st, want);
    walk(view, table, vo, kept, &mut sink);
    sink.finish()
}

fn trim_tags(tags: &mut FastMap<u32, NodeTags>, cutoff: i64) {
    for t in tags.values_mut() {
        t.trim(cutoff);
    }
}

/// Builds and trims the graph (or, with `call_tree`, the call tree) of
/// `view` for drawing; `names` are the printable names of `table`.
pub fn trimmed(
    view: &View,
    table: &NodeTable,
    names: &[String],
    vo: ValueOptions,
    t: TrimOptions,
    call_tree: bool,
    st: Option<&SampleTags>,
) -> Visual {
    if call_tree {
        return trimmed_tree(view, table, names, vo, t, st);
    }
    let space = table.infos.len();
    let ident = Identity {
        infos: &table.infos,
        names,
        map: None,
    };
    let mut g = build(view, table, vo, None);
    let total = g.flat_sum();
    let node_cutoff = ((total as f64 * t.node_fraction.0) as i64).saturating_abs();
    let edge_cutoff = ((total as f64 * t.edge_fraction.0) as i64).saturating_abs();
    let mut dropped_nodes = 0;
    let mut kept: Option<Vec<bool>> = None;
    if node_cutoff > 0 {
        let mut k = vec![false; space];
        let mut count = 0;
        for n in g
            .nodes
            .iter()
            .filter(|n| n.cum.saturating_abs() >= node_cutoff)
        {
            k[n.id as usize] = true;
            count += 1;
        }
        if count != g.nodes.len() {
            dropped_nodes = g.nodes.len() - count;
            g = build(view, table, vo, Some(&k));
            kept = Some(k);
        }
    }
    let orig_count = g.nodes.len();
    sort_entropy(&mut g, &ident, space);
    let mut tags;
    if t.node_count > 0 {
        let limit = (t.node_count as usize).min(g.nodes.len());
        let want = g.kept_set(space, limit);
        tags = tag_pass(view, table, vo, kept.as_deref(), Some(&want), st);
        trim_tags(&mut tags, node_cutoff);
        g.trim_edges(edge_cutoff);
        let max = select_top(&g, &tags, t.node_count as usize);
        if max < g.nodes.len() {
            let k = g.kept_set(space, max);
            tags = FastMap::default();
            g = match st {
                Some(st) => {
                    let mut sink = TagSink::new(st, Some(&k));
                    let g = build_with(view, table, vo, Some(&k), &mut sink);
                    tags = sink.finish();
                    g
                }
                None => build(view, table, vo, Some(&k)),
            };
            sort_entropy(&mut g, &ident, space);
        }
    } else {
        tags = tag_pass(view, table, vo, kept.as_deref(), None, st);
    }
    trim_tags(&mut tags, node_cutoff);
    let dropped_edges = g.trim_edges(edge_cutoff);
    remove_redundant_edges(&mut g, &ident, space);
    Visual {
        graph: g,
        map: None,
        tags,
        orig_count,
        dropped_nodes,
        dropped_edges,
    }
}

/// [`trimmed`] for `call_tree`: the tree is built once; the `nodefraction`
/// cut selects its graph, which later selection trims in place.
fn trimmed_tree(
    view: &View,
    table: &NodeTable,
    names: &[String],
    vo: ValueOptions,
    t: TrimOptions,
    st: Option<&SampleTags>,
) -> Visual {
    let tree = CallTree::build(view, table, vo);
    let total = tree.flat_sum();
    let node_cutoff = ((total as f64 * t.node_fraction.0) as i64).saturating_abs();
    let edge_cutoff = ((total as f64 * t.edge_fraction.0) as i64).saturating_abs();
    let TreeGraph {
        graph: mut g,
        info,
        tree: tree_ids,
        dropped: dropped_nodes,
    } = tree.graph(node_cutoff);
    let space = info.len();
    let ident = Identity {
        infos: &table.infos,
        names,
        map: Some(&info),
    };
    let orig_count = g.nodes.len();
    sort_entropy(&mut g, &ident, space);
    let limit = if t.node_count > 0 {
        (t.node_count as usize).min(g.nodes.len())
    } else {
        g.nodes.len()
    };
    let mut tags = match st {
        Some(st) => tree.tags(&tree_ids, view, vo, st, &g.kept_set(space, limit)),
        None => FastMap::default(),
    };
    drop(tree);
    if t.node_count > 0 {
        trim_tags(&mut tags, node_cutoff);
        g.trim_edges(edge_cutoff);
        let max = select_top(&g, &tags, t.node_count as usize);
        if max < g.nodes.len() {
            let k = g.kept_set(space, max);
            calltree::trim_tree(&mut g, &k);
            sort_entropy(&mut g, &ident, space);
        }
    }
    trim_tags(&mut tags, node_cutoff);
    let dropped_edges = g.trim_edges(edge_cutoff);
    remove_redundant_edges(&mut g, &ident, space);
    Visual {
        graph: g,
        map: Some(info),
        tags,
        orig_count,
        dropped_nodes,
        dropped_edges,
    }
}

#[cfg(test)]
mod tests {
    use super::edge_entropy;

    #[test]
    fn entropy_of_even_split_is_one_bit() {
        assert!((edge_entropy(&[5, 5], 0) - 1.0).abs() < 1e-12);
        // The node's own flat counts as one more weight.
        assert!((edge_entropy(&[5], 5) - 1.0).abs() < 1e-12);
        assert_eq!(edge_entropy(&[], 0), 0.0);
    }
}
