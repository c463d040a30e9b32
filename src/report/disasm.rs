//! `disasm RE`: the machine code of the sampled routines whose name
//! matches RE, each instruction with the samples at its address (pprof's
//! `PrintAssembly`, Go 1.19 messages).
//!
//! Runs at address granularity without inlines or trimming. The binaries
//! are read through `symbolize::disasm` (no objdump); this module only
//! selects routines, attributes nodes to instructions and formats.

use super::Context;
use super::parse_go_uint;
use crate::aggregate::graph::{Node, divided};
use crate::aggregate::nodes::NodeInfo;
use crate::symbolize::address::MappingRange;
use crate::symbolize::disasm::{Disassembler, Inst, Routine};
use crate::symbolize::locate::Locator;
use regex::Regex;
use std::collections::HashSet;
use std::fmt::Write;

/// A matching routine with its binary and its nodes.
struct Selected<'a> {
    routine: Routine,
    binary: usize,
    nodes: Vec<&'a Node>,
}

/// Renders `disasm`. A binary that cannot be opened is named in `printed`
/// (pprof prints it to stdout, ahead of the report).
pub fn render(r: &Context, symbol: &Regex, printed: &mut String) -> crate::Result<String> {
    let p = r.view.profile();
    let table = r.cached_table();
    let graph = r.cached_nodes(&table);
    let infos = &table.infos;
    let address = parse_go_uint(symbol.as_str());
    let mut out = String::new();
    let _ = writeln!(out, "Total: {}", r.format_value(r.total));

    let has_samples: HashSet<&str> = graph
        .nodes
        .iter()
        .map(|n| &infos[n.id as usize])
        .filter(|i| !i.objfile.is_empty() && symbol.is_match(&i.printable_name()))
        .map(|i| i.objfile.as_str())
        .collect();
    let mut binaries: Vec<Disassembler> = Vec::new();
    let mut selected: Vec<Selected> = Vec::new();
    for m in p.mappings.iter() {
        let file = p.str(m.file);
        let in_range = address.is_some_and(|a| m.start <= a && a <= m.limit);
        if !has_samples.contains(file) && !in_range {
            continue;
        }
        let range = MappingRange {
            start: m.start,
            limit: m.limit,
            offset: m.offset,
        };
        let d = match Disassembler::open(file, range) {
            Ok(d) => d,
            Err(e) => {
                let _ = writeln!(printed, "{e}");
                continue;
            }
        };
        for routine in d.routines(symbol, address) {
            let nodes: Vec<&Node> = graph
                .nodes
                .iter()
                .filter(|n| {
                    let a = d.obj_addr(infos[n.id as usize].address);
                    a >= routine.start && a < routine.end
                })
                .collect();
            if !nodes.is_empty() {
                selected.push(Selected {
                    routine,
                    binary: binaries.len(),
                    nodes,
                });
            }
        }
        binaries.push(d);
    }
    if selected.is_empty() {
        return Err(crate::Error::NoMatch(format!(
            "no matches found for regexp: {}",
            symbol.as_str()
        )));
    }
    selected.sort_by(|a, b| {
        (&a.routine.names[0], a.routine.start).cmp(&(&b.routine.names[0], b.routine.start))
    });
    let locator = Locator::from_env();
    let intel = r.opts.intel_syntax;
    // Each binary's debug information is set up once: all its selected
    // routines are disassembled together, when the first one is printed.
    let mut done: Vec<Option<Vec<Vec<Inst>>>> = (0..binaries.len()).map(|_| None).collect();
    let mut nth = vec![0usize; binaries.len()];
    for s in &selected {
        let d = &binaries[s.binary];
        if done[s.binary].is_none() {
            let routines: Vec<Routine> = selected
                .iter()
                .filter(|o| o.binary == s.binary)
                .map(|o| o.routine.clone())
                .collect();
            done[s.binary] = Some(d.disassemble(&routines, intel, &locator)?);
        }
        let all = done[s.binary].as_mut().expect("disassembled above");
        let insts = all
            .get_mut(nth[s.binary])
            .map(std::mem::take)
            .unwrap_or_default();
        nth[s.binary] += 1;
        let flat = crate::model::sum_values(s.nodes.iter().map(|n| n.flat_value()));
        let cum = crate::model::sum_values(s.nodes.iter().map(|n| n.cum_value()));
        let _ = writeln!(
            out,
            "ROUTINE ======================== {}",
            s.routine.names[0]
        );
        for alias in &s.routine.names[1..] {
            let _ = writeln!(out, "    AKA ======================== {alias}");
        }
        let _ = writeln!(out, "{}", r.scale().flat_cum_line(flat, cum, r.total));
        let rows = annotate(&insts, &s.nodes, infos, |a| d.obj_addr(a));
        print_rows(r, &rows, &mut out);
    }
    Ok(out)
}

/// One instruction with the samples attributed to it.
struct Row<'a> {
    inst: &'a Inst,
    function: String,
    file: String,
    line: i64,
    flat: [i64; 2],
    cum: [i64; 2],
}

/// pprof's `annotateAssembly`: nodes in address order are summed into the
/// instruction before the next instruction's address; a node also names
/// the function, file and line where the disassembly has none.
fn annotate<'a>(
    insts: &'a [Inst],
    nodes: &[&Node],
    infos: &[NodeInfo],
    obj_addr: impl Fn(u64) -> u64,
) -> Vec<Row<'a>> {
    let mut nodes = nodes.to_vec();
    nodes.sort_by(|a, b| {
        let (ia, ib) = (&infos[a.id as usize], &infos[b.id as usize]);
        ia.address
            .cmp(&ib.address)
            .then_with(|| ia.go_repr().cmp(&ib.go_repr()))
    });
    let mut s = 0;
    let mut rows = Vec::with_capacity(insts.len());
    for (ix, inst) in insts.iter().enumerate() {
        let next = insts.get(ix + 1).map_or(u64::MAX, |i| i.addr);
        let mut row = Row {
            inst,
            function: inst.function.clone(),
            file: inst.file.clone(),
            line: inst.line,
            flat: [0, 0],
            cum: [0, 0],
        };
        while s < nodes.len() {
            let n = nodes[s];
            let info = &infos[n.id as usize];
            if obj_addr(info.address) >= next {
                break;
            }
            row.flat[0] = row.flat[0].saturating_add(n.flat);
            row.flat[1] = row.flat[1].saturating_add(n.flat_div);
            row.cum[0] = row.cum[0].saturating_add(n.cum);
            row.cum[1] = row.cum[1].saturating_add(n.cum_div);
            if row.file.is_empty() && !info.file.is_empty() {
                row.file = crate::aggregate::nodes::basename(&info.file).to_string();
            }
            if row.line == 0 {
                row.line = info.line;
            }
            if row.function.is_empty() {
                row.function = info.name.clone();
            }
            s += 1;
        }
        rows.push(row);
    }
    rows
}

/// The instruction lines, with the location text where it changes.
fn print_rows(r: &Context, rows: &[Row], out: &mut String) {
    let mut last: Option<(&str, &str, i64)> = None;
    for row in rows {
        let key = (row.function.as_str(), row.file.as_str(), row.line);
        let mut loc = String::new();
        if last != Some(key) {
            last = Some(key);
            if !row.function.is_empty() {
                loc = format!("{} ", row.function);
            }
            if !row.file.is_empty() {
                loc.push_str(&row.file);
                if row.line != 0 {
                    let _ = write!(loc, ":{}", row.line);
                }
            }
        }
        let (flat, cum) = (
            r.scale().value_or_dot(divided(row.flat[0], row.flat[1])),
            r.scale().value_or_dot(divided(row.cum[0], row.cum[1])),
        );
        let text = &row.inst.text;
        if loc.is_empty() {
            let _ = writeln!(out, "{flat:>10} {cum:>10} {:>10x}: {text}", row.inst.addr);
        } else if text.len() < 40 {
            let _ = writeln!(
                out,
                "{flat:>10} {cum:>10} {:>10x}: {text:<40};{loc}",
                row.inst.addr
            );
        } else {
            let _ = writeln!(out, "{:74};{loc}", "");
            let _ = writeln!(out, "{flat:>10} {cum:>10} {:>10x}: {text}", row.inst.addr);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::report::parse_go_uint;

    #[test]
    fn go_uint_syntax() {
        assert_eq!(parse_go_uint("0x4bb6c0"), Some(0x4bb6c0));
        assert_eq!(parse_go_uint("42"), Some(42));
        assert_eq!(parse_go_uint("017"), Some(15));
        assert_eq!(parse_go_uint("0b101"), Some(5));
        assert_eq!(parse_go_uint("0x_ff"), Some(255));
        assert_eq!(parse_go_uint("main"), None);
        assert_eq!(parse_go_uint("-1"), None);
        assert_eq!(parse_go_uint(""), None);
    }
}
