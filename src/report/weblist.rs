//! `weblist RE`: annotated source as a standalone HTML page (pprof's
//! `printWebSource`, for profiles whose frames already carry source
//! positions).
//!
//! Functions are selected by name, system name or file name (or by an
//! address given as RE). Every address of a selected function gets its
//! flat and cum (per-sample `mean` division, recursion counted per
//! occurrence); lines are grouped per file and function, expanded by five
//! lines, and an inlined call shows its call chain in a hidden block that a
//! click on the line reveals. Every string from the profile or a source
//! file is HTML-escaped. The page is returned as text; `output` writes it to
//! a file and starts a browser.

use super::header::ProfileInfo;
use super::sourcefile::SourceReader;
use super::{Context, parse_go_uint};
use crate::aggregate::graph::divided;
use crate::aggregate::nodes::{basename, clean_path};
use crate::model::{FunctionId, LocationId, MappingId};
use crate::render::markup::escape;
use crate::render::units::percentage;
use regex::Regex;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

/// Lines shown around the sampled ones.
const EXPAND: i64 = 5;
/// Sampled lines of one function closer than this share one listing.
const MERGE_LIMIT: i64 = 20;

const STYLE: &str = r#"<style type="text/css">
body { font-family: sans-serif; }
.legend { font-size: 1.2em; margin-bottom: 1em; }
h2 { font-size: 1.1em; margin: 1.5em 0 0.2em; }
p.filename { color: #555555; margin: 0 0 0.3em; font-family: monospace; }
pre { margin: 0; }
.line, .nop, .unimportant { color: #999999; }
.deadsrc, .livesrc { background-color: #fff1d6; }
.livesrc { cursor: pointer; }
.livesrc:hover { background-color: #ffe0a3; }
.inlinesrc { color: #000066; }
.asm { display: none; color: #006600; }
</style>"#;

const SCRIPT: &str = r#"<script type="text/javascript">
// A click on a line with inlined calls shows or hides the block after it.
function pprof_toggle_asm(event) {
  var block = event.target ? event.target.nextSibling : null;
  if (block && block.className === "asm") {
    block.style.display = block.style.display === "block" ? "" : "block";
    event.preventDefault();
  }
}
</script>"#;

/// Columns of leading blanks, tabs advancing to the next multiple of 8.
fn indentation(line: &str) -> usize {
    let mut col = 0;
    for c in line.chars() {
        match c {
            ' ' => col += 1,
            '\t' => col = (col / 8 + 1) * 8,
            _ => break,
        }
    }
    col
}

/// `s` with tabs expanded to 8-column stops, padded with spaces to `n`
/// columns.
fn right_pad(s: &str, n: usize) -> String {
    let mut out = String::with_capacity(n.max(s.len()));
    let mut col = 0;
    for c in s.chars() {
        if c == '\t' {
            let next = (col / 8 + 1) * 8;
            out.extend(std::iter::repeat_n(' ', next - col));
            col = next;
        } else {
            out.push(c);
            col += 1;
        }
    }
    out.extend(std::iter::repeat_n(' ', n.saturating_sub(col)));
    out
}

/// pprof's `canonicalizeFileName`.
fn canonical_file(name: &str) -> String {
    let name = name.strip_prefix("/proc/self/cwd/").unwrap_or(name);
    clean_path(name.strip_prefix("./").unwrap_or(name))
}

/// One frame of an address: function, file (as in the profile) and line.
#[derive(Clone, PartialEq)]
struct Frame<'a> {
    func: &'a str,
    file: &'a str,
    line: i64,
}

/// An address shown under a source line, with the calls inlined into the
/// line's function that lead to it (outermost first).
struct Inst<'a> {
    addr: u64,
    stack: Vec<(&'a str, i64)>,
}

/// A file to print: instructions and owning function per line.
#[derive(Default)]
struct SourceFile<'a> {
    lines: BTreeMap<i64, Vec<Inst<'a>>>,
    func: HashMap<i64, &'a str>,
}

/// A range of lines of one function.
struct Listing<'a> {
    name: &'a str,
    begin: i64,
    end: i64,
    flat: i64,
    cum: i64,
}

/// Per-address values and per-file lines of the selected functions.
struct Collected<'a> {
    flat: HashMap<u64, i64>,
    cum: HashMap<u64, i64>,
    files: BTreeMap<String, SourceFile<'a>>,
    pretty: HashMap<&'a str, &'a str>,
    /// Some function matched.
    matched: bool,
}

fn collect<'a>(r: &'a Context, symbol: &Regex) -> Collected<'a> {
    let view = &r.view;
    let p = view.profile();
    // Values per location first (an address is a function of its location).
    let n = view.num_locations();
    let (mut loc_flat, mut loc_cum, mut seen) = (vec![0i64; n], vec![0i64; n], vec![false; n]);
    for k in 0..view.samples().len() {
        let (v, d) = r.values.read(view.sample_values(k));
        let value = divided(v, d);
        for (i, loc) in view.sample_locs(k).enumerate() {
            loc_cum[loc.index()] = loc_cum[loc.index()].saturating_add(value);
            if i == 0 {
                loc_flat[loc.index()] = loc_flat[loc.index()].saturating_add(value);
            }
            seen[loc.index()] = true;
        }
    }
    let mut next_synthetic = p.mappings.iter().map(|m| m.limit).max().unwrap_or(0).max(1);
    let address = parse_go_uint(symbol.as_str());
    let mut c = Collected {
        flat: HashMap::new(),
        cum: HashMap::new(),
        files: BTreeMap::new(),
        pretty: HashMap::new(),
        matched: false,
    };
    let mut interest: HashSet<&str> = HashSet::new();
    let mut addrs: BTreeMap<u64, u32> = BTreeMap::new();
    for loc in (0..n as u32).filter(|&l| seen[l as usize]) {
        let l = view.location(LocationId(loc));
        let lines = view.lines(LocationId(loc));
        let func = |i: usize| {
            let f = lines[i].function;
            (f != FunctionId::NONE).then(|| &p.functions[f.index()])
        };
        for i in 0..lines.len() {
            if let Some(f) = func(i) {
                c.pretty.insert(p.str(f.system_name), p.str(f.name));
            }
        }
        let addr = if l.address != 0 {
            l.address
        } else {
            next_synthetic += 1;
            next_synthetic - 1
        };
        *c.cum.entry(addr).or_default() += loc_cum[loc as usize];
        *c.flat.entry(addr).or_default() += loc_flat[loc as usize];
        let mut mark = |i: usize| {
            if let Some(f) = func(i) {
                interest.insert(p.str(f.name));
                interest.insert(p.str(f.system_name));
                addrs.entry(addr).or_insert(loc);
            }
        };
        if address == Some(addr) {
            if !lines.is_empty() {
                mark(lines.len() - 1);
            }
            continue;
        }
        let file_hit = l.mapping != MappingId::NONE
            && symbol.is_match(p.str(p.mappings[l.mapping.index()].file));
        for i in 0..lines.len() {
            let hit = func(i).is_some_and(|f| {
                symbol.is_match(p.str(f.name))
                    || symbol.is_match(p.str(f.system_name))
                    || symbol.is_match(p.str(f.filename))
            });
            if hit || (i == 0 && file_hit) {
                mark(i);
            }
        }
    }
    c.matched = !interest.is_empty();
    for (&addr, &loc) in &addrs {
        let frames: Vec<Frame> = view
            .lines(LocationId(loc))
            .iter()
            .filter(|ln| ln.function != FunctionId::NONE)
            .map(|ln| {
                let f = &p.functions[ln.function.index()];
                Frame {
                    func: p.str(f.name),
                    file: p.str(f.filename),
                    line: ln.line,
                }
            })
            .collect();
        for (i, f) in frames.iter().enumerate() {
            if !interest.contains(f.func) {
                continue;
            }
            let file = c.files.entry(canonical_file(f.file)).or_default();
            let stack = frames[..i].iter().rev().map(|c| (c.file, c.line)).collect();
            file.lines
                .entry(f.line)
                .or_default()
                .push(Inst { addr, stack });
            file.func.entry(f.line).or_insert(f.func);
        }
    }
    c
}

/// Splits a file's lines into per-function listings (pprof's `functions`).
fn listings<'a>(c: &Collected<'a>, f: &SourceFile<'a>) -> Vec<Listing<'a>> {
    let mut out: Vec<Listing> = Vec::new();
    for (&l, insts) in &f.lines {
        let mut name = f.func[&l];
        if let Some(pretty) = c.pretty.get(name) {
            name = pretty;
        }
        let flat = crate::model::sum_values(insts.iter().map(|i| c.flat[&i.addr]));
        let cum = crate::model::sum_values(insts.iter().map(|i| c.cum[&i.addr]));
        if let Some(last) = out.last_mut()
            && l.wrapping_sub(last.end) < MERGE_LIMIT
            && last.name == name
        {
            last.end = l.wrapping_add(1);
            last.flat = last.flat.saturating_add(flat);
            last.cum = last.cum.saturating_add(cum);
            continue;
        }
        out.push(Listing {
            name,
            begin: l,
            end: l.wrapping_add(1),
            flat,
            cum,
        });
    }
    for i in 0..out.len() {
        if i == 0 {
            let b = out[0].begin;
            out[0].begin = if b > EXPAND {
                b - EXPAND
            } else if b > 1 {
                1
            } else {
                b
            };
        } else {
            let half = (out[i].begin.wrapping_sub(out[i - 1].end) / 2).min(EXPAND);
            out[i - 1].end = out[i - 1].end.wrapping_add(half);
            out[i].begin = out[i].begin.wrapping_sub(half);
        }
    }
    if let Some(last) = out.last_mut() {
        last.end = last.end.wrapping_add(EXPAND);
    }
    out
}

/// The hidden block of a line with inlined calls: each call chain once,
/// `⋮` between addresses that are not adjacent.
fn nested(out: &mut String, indent: usize, insts: &[Inst], reader: &mut SourceReader) {
    out.push_str("<span class=asm>");
    let mut current: &[(&str, i64)] = &[];
    let mut last: Option<u64> = None;
    for inst in insts {
        if last.is_some_and(|a| a.wrapping_add(1) != inst.addr) {
            let _ = writeln!(out, " {:8} {:>28}", "", "⋮");
        }
        last = Some(inst.addr);
        let mut skipping = true;
        for (j, call) in inst.stack.iter().enumerate() {
            if skipping && current.get(j) == Some(call) {
                continue;
            }
            skipping = false;
            let src = reader.line(call.0, call.1).unwrap_or("").trim();
            let text = format!("{}{}", " ".repeat(indent + 4 + 4 * j), src);
            let _ = writeln!(
                out,
                " {:8} {:10} {:10} {:8}  <span class=inlinesrc>{}</span> <span class=unimportant>{}:{}</span>",
                "",
                "",
                "",
                "",
                escape(&right_pad(&text, 80)),
                escape(basename(call.0)),
                call.1
            );
        }
        current = &inst.stack;
    }
    out.push_str("</span>");
}

/// Renders `weblist`.
pub fn render(r: &Context, symbol: &Regex) -> crate::Result<String> {
    let c = collect(r, symbol);
    if !c.matched {
        return Err(crate::Error::NoMatch(format!(
            "no matches found for regexp: {}",
            symbol.as_str()
        )));
    }
    let mut reader = SourceReader::new(&r.opts.source_path, &r.opts.trim_path)?;
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"UTF-8\">\n");
    out.push_str("<title>Pprof listing</title>\n");
    let _ = writeln!(out, "{STYLE}\n{SCRIPT}\n</head>\n<body>\n");
    let labels: Vec<String> = ProfileInfo::of(r)
        .lines(&r.scale(), r.total)
        .iter()
        .map(|l| escape(l))
        .collect();
    let _ = writeln!(
        out,
        "<div class=\"legend\">{}<br>Total: {}</div>",
        labels.join("<br>\n"),
        r.format_value(r.total)
    );
    for (fname, file) in &c.files {
        for fun in listings(&c, file) {
            if fun.cum == 0 {
                continue;
            }
            let _ = writeln!(
                out,
                "<h2>{}</h2><p class=\"filename\">{}</p>\n<pre onClick=\"pprof_toggle_asm(event)\">",
                escape(fun.name),
                escape(fname)
            );
            let _ = writeln!(
                out,
                "  Total:  {:>10} {:>10} (flat, cum) {}",
                r.format_value(fun.flat),
                r.format_value(fun.cum),
                percentage(fun.cum, r.total)
            );
            for l in fun.begin..fun.end {
                let insts = file.lines.get(&l).map(Vec::as_slice).unwrap_or(&[]);
                let text = match reader.line(fname, l) {
                    Some(t) => t.to_string(),
                    None if insts.is_empty() => continue,
                    None if l == 0 => "<instructions with unknown line numbers>".to_string(),
                    None => "???".to_string(),
                };
                let flat = crate::model::sum_values(insts.iter().map(|i| c.flat[&i.addr]));
                let cum = crate::model::sum_values(insts.iter().map(|i| c.cum[&i.addr]));
                let class = if insts.is_empty() {
                    "nop"
                } else if insts.iter().any(|i| !i.stack.is_empty()) {
                    "livesrc"
                } else {
                    "deadsrc"
                };
                let _ = write!(
                    out,
                    "<span class=line> {:>6}</span> <span class={class}>  {:>10} {:>10} {:8}  {} </span>",
                    l,
                    r.scale().value_or_dot(flat),
                    r.scale().value_or_dot(cum),
                    "",
                    escape(&text)
                );
                if class == "livesrc" {
                    nested(&mut out, indentation(&text), insts, &mut reader);
                }
                out.push('\n');
            }
            out.push_str("</pre>\n");
        }
    }
    out.push_str("\n</body>\n</html>\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_helpers_match_pprof() {
        assert_eq!(indentation("\t\tx"), 16);
        assert_eq!(indentation("  \tx"), 8);
        assert_eq!(right_pad("\tab", 12), "        ab  ");
        assert_eq!(canonical_file("/proc/self/cwd/./a/../b.go"), "b.go");
        assert_eq!(parse_go_uint("0x4bb6c0"), Some(0x4bb6c0));
        assert_eq!(parse_go_uint("main"), None);
        assert_eq!(parse_go_uint("12"), Some(12));
    }
}
