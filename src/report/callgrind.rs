//! `callgrind` / `kcachegrind`: the address-level graph in callgrind format
//! (pprof's `printCallgrind`).
//!
//! One cost line per node (`<address> <line> <flat>`) under `ob=`/`fl=`/`fn=`
//! lines that are repeated only when the object file, file or function
//! changes; each out-edge becomes `cfl=`/`cfn=`/`calls=` lines. Names are
//! compressed (`(N) name` once, `(N)` after) and addresses written relative
//! to the previous node when shorter. Values are in the output unit chosen
//! without pprof's ×100 rule, truncated to integers.

use super::Context;
use crate::aggregate::calltree::CallTree;
use crate::aggregate::graph::{Edge, Graph, Identity, sort_edges, sort_nodes_by};
use crate::aggregate::nodes::NodeInfo;
use crate::model::NONE;
use crate::render::units;
use crate::request::Order;
use std::collections::HashMap;
use std::fmt::Write;

/// Callgrind's name compression: `(N) name` the first time, `(N)` after,
/// nothing for an empty name.
fn compressed(seen: &mut HashMap<String, usize>, name: &str) -> String {
    if name.is_empty() {
        return String::new();
    }
    if let Some(id) = seen.get(name) {
        return format!("({id})");
    }
    let id = seen.len() + 1;
    seen.insert(name.to_string(), id);
    format!("({id}) {name}")
}

/// `curr` relative to the previous node's address (`*`, `+N`, `-N`) when
/// that is shorter than the absolute `0x..` form.
fn address(prev: Option<u64>, curr: u64) -> String {
    let abs = format!("{curr:#x}");
    let Some(prev) = prev else {
        return abs;
    };
    if prev == curr {
        return "*".to_string();
    }
    let rel = format!("{:+}", curr.wrapping_sub(prev) as i64);
    if rel.len() < abs.len() { rel } else { abs }
}

/// The callee names: the function name, with ` [k/n]` when nodes of one
/// (file, name) belong to `n` different functions (object file, start line
/// or system name differ, or, in a call tree, the calling context).
fn disambiguated(g: &Graph, infos: &[&NodeInfo], context: &[u32]) -> HashMap<u32, String> {
    type Function<'a> = (u32, &'a str, &'a str, i64);
    let mut index: HashMap<(&str, &str), Vec<Function>> = HashMap::new();
    let function = |id: u32| {
        let i = infos[id as usize];
        (
            context[id as usize],
            i.orig_name.as_str(),
            i.objfile.as_str(),
            i.start_line,
        )
    };
    for n in &g.nodes {
        let i = infos[n.id as usize];
        let fns = index.entry((&i.file, &i.name)).or_default();
        if !fns.contains(&function(n.id)) {
            fns.push(function(n.id));
        }
    }
    g.nodes
        .iter()
        .map(|n| {
            let i = infos[n.id as usize];
            let fns = &index[&(i.file.as_str(), i.name.as_str())];
            let name = if fns.len() > 1 {
                let k = fns.iter().position(|f| *f == function(n.id)).unwrap_or(0);
                format!("{} [{}/{}]", i.name, k + 1, fns.len())
            } else {
                i.name.clone()
            };
            (n.id, name)
        })
        .collect()
}

/// Renders `callgrind`.
pub fn render(r: &mut Context) -> String {
    let table = r.cached_table();
    let all_names: Vec<String> = table.infos.iter().map(NodeInfo::printable_name).collect();
    // Graph node id -> node-table entry, and the calling context of each
    // node (its parent in a call tree; none otherwise).
    let trimmed_graph;
    let tree_graph;
    let (g, info_of, context): (&Graph, Vec<u32>, Vec<u32>) = if r.opts.call_tree {
        let tree = CallTree::build(&r.view, &table, r.values);
        let tg = tree.graph(0);
        let context: Vec<u32> = tg.tree.iter().map(|&t| tree.parent_of(t)).collect();
        let mut g = tg.graph;
        let ident = Identity {
            infos: &table.infos,
            names: &all_names,
            map: Some(&tg.info),
        };
        sort_nodes_by(&mut g.nodes, &ident, Order::Flat, None);
        tree_graph = g;
        (&tree_graph, tg.info, context)
    } else {
        trimmed_graph = r.cached_trimmed(&table);
        let n = table.infos.len();
        (&trimmed_graph.graph, (0..n as u32).collect(), vec![NONE; n])
    };
    r.select_output_unit(
        g.nodes.iter().map(|n| (n.flat_value(), n.cum_value())),
        true,
    );
    let infos: Vec<&NodeInfo> = info_of.iter().map(|&i| &table.infos[i as usize]).collect();
    let names: Vec<String> = info_of
        .iter()
        .map(|&i| all_names[i as usize].clone())
        .collect();
    let callees = disambiguated(g, &infos, &context);
    let scaled = |v: i64| units::scale(v, &r.sample_unit, &r.output_unit).0 as i64;
    let mut out = String::new();
    let _ = writeln!(out, "positions: instr line");
    let _ = writeln!(out, "events: {}({})", r.sample_type, r.output_unit);
    let (mut objfiles, mut files, mut fns) = (HashMap::new(), HashMap::new(), HashMap::new());
    // pprof keeps the edges into nodes that the graph dropped for having
    // zero flat and cum (possible with `mean`) and prints them with an
    // empty callee name; without trimming, those are the removed edges.
    let mut outs: HashMap<u32, Vec<&Edge>> = HashMap::new();
    for e in &g.edges {
        outs.entry(e.src).or_default().push(e);
    }
    let mut prev: Option<&NodeInfo> = None;
    for n in &g.nodes {
        let info = infos[n.id as usize];
        if prev
            .is_none_or(|p| p.objfile != info.objfile || p.file != info.file || p.name != info.name)
        {
            let _ = writeln!(out);
            let _ = writeln!(out, "ob={}", compressed(&mut objfiles, &info.objfile));
            let _ = writeln!(out, "fl={}", compressed(&mut files, &info.file));
            let _ = writeln!(out, "fn={}", compressed(&mut fns, &info.name));
        }
        let prev_addr = prev.map(|p| p.address);
        let _ = writeln!(
            out,
            "{} {} {}",
            address(prev_addr, info.address),
            info.line,
            scaled(n.flat_value())
        );
        let mut edges = outs.remove(&n.id).unwrap_or_default();
        sort_edges(&mut edges, &names);
        for e in edges {
            let callee = infos[e.dst as usize];
            let _ = writeln!(out, "cfl={}", compressed(&mut files, &callee.file));
            let callee_name = callees.get(&e.dst).map_or("", String::as_str);
            let _ = writeln!(out, "cfn={}", compressed(&mut fns, callee_name));
            let _ = writeln!(
                out,
                "calls=0 {} {}",
                address(prev_addr, callee.address),
                callee.line
            );
            let _ = writeln!(out, "* * {}", scaled(e.weight));
        }
        prev = Some(info);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compresses_names_and_addresses() {
        let mut seen = HashMap::new();
        assert_eq!(compressed(&mut seen, "main.f"), "(1) main.f");
        assert_eq!(compressed(&mut seen, "main.g"), "(2) main.g");
        assert_eq!(compressed(&mut seen, "main.f"), "(1)");
        assert_eq!(compressed(&mut seen, ""), "");
        assert_eq!(address(None, 0x1000), "0x1000");
        assert_eq!(address(Some(0x1000), 0x1000), "*");
        assert_eq!(address(Some(0x1000), 0x2000), "+4096");
        assert_eq!(address(Some(0x66fb34), 0x66fbe4), "+176");
        assert_eq!(address(Some(0x6700a4), 0x10), "0x10");
    }
}
