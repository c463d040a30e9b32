//! `raw`: the text dump of the filtered profile (Go's `Profile.String()`):
//! header fields, the samples with their location ids and labels, every
//! location with its frames, and the mappings.
//!
//! Report stage: reads the filtered view directly (Go 1.19 keeps inline
//! frames and aggregates nothing for `raw`). Ids are the 1-based positions
//! in the model's tables, which are the ids of the merged profile pprof
//! prints. Never formats values with units.

use super::Context;
use crate::model::{FunctionId, Label, LocationId, MappingId, Profile, StrId};
use crate::render::time;
use std::fmt::Write;

/// `key:[v1 v2]` per key, sorted as strings, space-separated.
fn labels_line<'l>(
    p: &Profile,
    labels: impl Iterator<Item = &'l Label>,
    value: impl Fn(&Label, bool) -> String,
) -> String {
    let mut keys: Vec<(StrId, Vec<&Label>)> = Vec::new();
    for l in labels {
        match keys.iter_mut().find(|(k, _)| *k == l.key) {
            Some((_, ls)) => ls.push(l),
            None => keys.push((l.key, vec![l])),
        }
    }
    let mut entries: Vec<String> = keys
        .into_iter()
        .map(|(k, ls)| {
            let with_units = ls.iter().any(|l| l.unit != StrId::EMPTY);
            let vs: Vec<String> = ls.iter().map(|l| value(l, with_units)).collect();
            format!("{}:[{}]", p.str(k), vs.join(" "))
        })
        .collect();
    entries.sort();
    entries.join(" ")
}

/// Renders `raw`.
pub fn render(r: &Context) -> String {
    let v = &r.view;
    let p = v.profile();
    let mut out = String::new();
    for &c in &p.comments {
        let _ = writeln!(out, "Comment: {}", p.str(c));
    }
    let pt = p.period_type;
    if p.has_period_type || pt.ty != StrId::EMPTY || pt.unit != StrId::EMPTY {
        let _ = writeln!(out, "PeriodType: {} {}", p.str(pt.ty), p.str(pt.unit));
    }
    let _ = writeln!(out, "Period: {}", p.period);
    if p.time_nanos != 0 {
        let _ = writeln!(out, "Time: {}", time::go_time_string(p.time_nanos));
    }
    if p.duration_nanos != 0 {
        let d: String = time::go_duration_string(p.duration_nanos)
            .chars()
            .take(4)
            .collect();
        let _ = writeln!(out, "Duration: {d}");
    }
    out.push_str("Samples:\n");
    let dflt = p.str(p.default_sample_type);
    let types: Vec<String> = p
        .sample_types
        .iter()
        .map(|t| {
            let mark = if p.str(t.ty) == dflt { "[dflt]" } else { "" };
            format!("{}/{}{mark}", p.str(t.ty), p.str(t.unit))
        })
        .collect();
    let _ = writeln!(out, "{}", types.join(" ").trim());
    const LABEL_INDENT: &str = "                ";
    for k in 0..v.samples().len() {
        for x in v.sample_values(k) {
            let _ = write!(out, " {x:>10}");
        }
        out.push_str(": ");
        for loc in v.sample_locs(k) {
            let _ = write!(out, "{} ", loc.0 + 1);
        }
        out.push('\n');
        let labels: Vec<&Label> = v.sample_labels(k).collect();
        if labels.iter().any(|l| l.is_str()) {
            let line = labels_line(p, labels.iter().copied().filter(|l| l.is_str()), |l, _| {
                p.str(l.str).to_string()
            });
            let _ = writeln!(out, "{LABEL_INDENT}{line}");
        }
        if labels.iter().any(|l| !l.is_str()) {
            let line = labels_line(
                p,
                labels.iter().copied().filter(|l| !l.is_str()),
                |l, with_units| {
                    if with_units {
                        format!("{} {}", l.num, p.str(l.unit))
                    } else {
                        l.num.to_string()
                    }
                },
            );
            let _ = writeln!(out, "{LABEL_INDENT}{line}");
        }
    }
    out.push_str("Locations\n");
    for loc in 0..v.num_locations() as u32 {
        let l = v.location(LocationId(loc));
        let mut prefix = format!("{:6}: {:#x} ", loc + 1, l.address);
        if l.mapping != MappingId::NONE {
            let _ = write!(prefix, "M={} ", l.mapping.0 + 1);
        }
        if l.is_folded {
            prefix.push_str("[F] ");
        }
        let lines = v.lines(LocationId(loc));
        if lines.is_empty() {
            let _ = writeln!(out, "{prefix}");
        }
        for ln in lines {
            out.push_str(&prefix);
            if ln.function == FunctionId::NONE {
                out.push_str("??");
            } else {
                let f = &p.functions[ln.function.index()];
                let _ = write!(
                    out,
                    "{} {}:{} s={}",
                    p.str(f.name),
                    p.str(f.filename),
                    ln.line,
                    f.start_line
                );
                if p.str(f.name) != p.str(f.system_name) {
                    let _ = write!(out, "({})", p.str(f.system_name));
                }
            }
            out.push('\n');
            prefix = " ".repeat(13);
        }
    }
    out.push_str("Mappings\n");
    for (i, m) in p.mappings.iter().enumerate() {
        let mut bits = String::new();
        for (set, b) in [
            (m.has_functions, "[FN]"),
            (m.has_filenames, "[FL]"),
            (m.has_line_numbers, "[LN]"),
            (m.has_inline_frames, "[IN]"),
        ] {
            if set {
                bits.push_str(b);
            }
        }
        let _ = writeln!(
            out,
            "{}: {:#x}/{:#x}/{:#x} {} {} {bits}",
            i + 1,
            m.start,
            m.limit,
            m.offset,
            p.str(m.file),
            p.str(m.build_id)
        );
    }
    out
}
