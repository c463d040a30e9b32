//! Header lines shared by reports: the profile part (File, Build ID,
//! comments, Type, Time, Duration) and the graph legend (active filters,
//! "Showing nodes accounting for", dropped nodes/edges).

use super::Report;
use crate::aggregate::graph::Trimmed;
use crate::render::{time, units};

/// pprof's `ProfileLabels`.
pub fn profile_labels(r: &Report) -> Vec<String> {
    let p = r.view.profile();
    let mut v = Vec::new();
    if let Some(m) = p.mappings.first() {
        if let Some(b) = p.main_binary() {
            v.push(format!("File: {b}"));
        }
        if m.build_id != 0 && !p.str(m.build_id).is_empty() {
            v.push(format!("Build ID: {}", p.str(m.build_id)));
        }
    }
    for &c in &p.comments {
        if !p.str(c).starts_with('#') {
            v.push(p.str(c).to_string());
        }
    }
    if !r.sample_type.is_empty() {
        v.push(format!("Type: {}", r.sample_type));
    }
    if p.time_nanos != 0 {
        v.push(format!("Time: {}", time::header_time(p.time_nanos)));
    }
    if p.duration_nanos != 0 {
        let duration = units::label(p.duration_nanos, "nanoseconds");
        let (total_ns, unit) = units::scale(r.total, &r.sample_unit, "nanoseconds");
        let ratio = if unit == "ns" && total_ns != 0.0 {
            format!("({})", units::percentage(total_ns as i64, p.duration_nanos))
        } else {
            String::new()
        };
        v.push(format!(
            "Duration: {duration}, Total samples = {} {ratio}",
            r.format_value(r.total)
        ));
    }
    v
}

/// Legend numbers of a trimmed graph.
pub struct Legend {
    pub flat_sum: i64,
    pub shown: usize,
    pub orig_count: usize,
    pub dropped_nodes: usize,
    pub dropped_edges: usize,
}

impl Legend {
    /// The legend of a trimmed graph for the text reports (which never
    /// mention dropped edges).
    pub fn of(t: &Trimmed) -> Legend {
        Legend {
            flat_sum: t.graph.nodes.iter().map(|n| n.flat_value()).sum(),
            shown: t.graph.nodes.len(),
            orig_count: t.orig_count,
            dropped_nodes: t.dropped_nodes,
            dropped_edges: 0,
        }
    }
}

fn dropped(n: usize, what: &str, by: &str, value: String) -> String {
    let s = if n > 1 { "s" } else { "" };
    format!("Dropped {n} {what}{s} ({by} <= {value})")
}

/// pprof's `reportLabels`.
pub fn report_labels(r: &Report, l: &Legend, full_headers: bool) -> Vec<String> {
    let mut v = if full_headers || !r.cfg.bool("compact_labels") {
        profile_labels(r)
    } else {
        Vec::new()
    };
    if !r.active_filters.is_empty() {
        v.push("Active filters:".to_string());
        for f in &r.active_filters {
            let shown = if f.len() > 80 {
                let mut cut = 80;
                while !f.is_char_boundary(cut) {
                    cut -= 1;
                }
                format!("{}…", &f[..cut])
            } else {
                f.clone()
            };
            v.push(format!("   {shown}"));
        }
    }
    v.push(format!(
        "Showing nodes accounting for {}, {} of {} total",
        r.format_value(l.flat_sum),
        units::percentage(l.flat_sum, r.total).trim(),
        r.format_value(r.total)
    ));
    if r.total != 0 {
        if l.dropped_nodes > 0 {
            let cut = ((r.total as f64 * r.cfg.float("nodefraction")) as i64).abs();
            v.push(dropped(l.dropped_nodes, "node", "cum", r.format_value(cut)));
        }
        if l.dropped_edges > 0 {
            let cut = ((r.total as f64 * r.cfg.float("edgefraction")) as i64).abs();
            v.push(dropped(
                l.dropped_edges,
                "edge",
                "freq",
                r.format_value(cut),
            ));
        }
        if l.shown > 0 && l.shown < l.orig_count {
            v.push(format!(
                "Showing top {} nodes out of {}",
                l.shown, l.orig_count
            ));
        }
    }
    v
}

/// The interactive greeting (stderr): profile labels, a hint when the
/// default value type has no samples, and the "Entering interactive mode"
/// line.
pub fn greeting(r: &Report) -> Vec<String> {
    let mut v = profile_labels(r);
    if r.total == 0 && r.view.profile().sample_types.len() > 1 {
        v.push("No samples were found with the default sample value type.".into());
        v.push("Try \"sample_index\" command to analyze different sample values.\n".into());
    }
    v.push("Entering interactive mode (type \"help\" for commands, \"o\" for options)".into());
    v
}
