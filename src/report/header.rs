//! Header data shared by reports: the profile part (file, build ID,
//! comments, type, time, duration) and the graph legend (active filters,
//! "Showing nodes accounting for", dropped nodes/edges), with the lines
//! pprof prints for them. The lines are part of the data's pprof form and
//! are used by every text renderer and by the document writers (`dot`,
//! `weblist`), so they live beside the data rather than in one renderer.

use super::{Context, Scale};
use crate::aggregate::graph::Trimmed;
use crate::model::StrId;
use crate::render::{time, units};

/// The profile part of a header (pprof's `ProfileLabels`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProfileInfo {
    /// The main binary's base name.
    pub file: Option<String>,
    /// The main binary's build ID.
    pub build_id: Option<String>,
    /// Comments (those not starting with `#`).
    pub comments: Vec<String>,
    /// The sample type as shown.
    pub sample_type: String,
    /// `time_nanos` (0: unknown).
    pub time_nanos: i64,
    /// `duration_nanos` (0: unknown).
    pub duration_nanos: i64,
}

impl ProfileInfo {
    /// The profile part of report `r`'s header.
    pub fn of(r: &Context) -> ProfileInfo {
        let p = r.view.profile();
        let (mut file, mut build_id) = (None, None);
        if let Some(m) = p.mappings.first() {
            file = p.main_binary().map(str::to_string);
            if m.build_id != StrId::EMPTY && !p.str(m.build_id).is_empty() {
                build_id = Some(p.str(m.build_id).to_string());
            }
        }
        ProfileInfo {
            file,
            build_id,
            comments: p
                .comments
                .iter()
                .map(|&c| p.str(c))
                .filter(|c| !c.starts_with('#'))
                .map(str::to_string)
                .collect(),
            sample_type: r.sample_type.clone(),
            time_nanos: p.time_nanos,
            duration_nanos: p.duration_nanos,
        }
    }

    /// pprof's lines for it; `total` is the report's total in `scale`.
    pub fn lines(&self, scale: &Scale, total: i64) -> Vec<String> {
        let mut v = Vec::new();
        if let Some(f) = &self.file {
            v.push(format!("File: {f}"));
        }
        if let Some(b) = &self.build_id {
            v.push(format!("Build ID: {b}"));
        }
        v.extend(self.comments.iter().cloned());
        if !self.sample_type.is_empty() {
            v.push(format!("Type: {}", self.sample_type));
        }
        if self.time_nanos != 0 {
            v.push(format!("Time: {}", time::header_time(self.time_nanos)));
        }
        if self.duration_nanos != 0 {
            let duration = units::label(self.duration_nanos, "nanoseconds");
            let (total_ns, unit) = units::scale(total, &scale.sample_unit, "nanoseconds");
            let ratio = if unit == "ns" && total_ns != 0.0 {
                format!(
                    "({})",
                    units::percentage(total_ns as i64, self.duration_nanos)
                )
            } else {
                String::new()
            };
            v.push(format!(
                "Duration: {duration}, Total samples = {} {ratio}",
                scale.format(total)
            ));
        }
        v
    }
}

/// The legend of a graph report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Legend {
    /// `name=value` of each active filter, in pprof's order.
    pub active_filters: Vec<String>,
    /// Σ flat of the shown nodes.
    pub flat_sum: i64,
    /// Nodes shown.
    pub shown: usize,
    /// Nodes before trimming.
    pub orig_count: usize,
    /// Nodes dropped by `nodefraction`.
    pub dropped_nodes: usize,
    /// Edges dropped by `edgefraction` (graphs only).
    pub dropped_edges: usize,
    /// The value under which nodes were dropped.
    pub node_cut: i64,
    /// The value under which edges were dropped.
    pub edge_cut: i64,
}

impl Legend {
    /// The legend of a trimmed graph for the text reports (which never
    /// mention dropped edges).
    pub fn of(r: &Context, t: &Trimmed) -> Legend {
        Legend {
            flat_sum: crate::model::sum_values(t.graph.nodes.iter().map(|n| n.flat_value())),
            shown: t.graph.nodes.len(),
            orig_count: t.orig_count,
            dropped_nodes: t.dropped_nodes,
            ..Legend::empty(r)
        }
    }

    /// A legend with the report's filters and cuts and no nodes yet.
    pub fn empty(r: &Context) -> Legend {
        let cut = |f: f64| ((r.total as f64 * f) as i64).saturating_abs();
        Legend {
            active_filters: r.opts.filters.active(),
            node_cut: cut(r.opts.trim.node_fraction.0),
            edge_cut: cut(r.opts.trim.edge_fraction.0),
            ..Legend::default()
        }
    }
}

/// A report header: the profile part (absent with `compact_labels`) and
/// the legend.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// The profile part, when shown.
    pub profile: Option<ProfileInfo>,
    /// The legend.
    pub legend: Legend,
    /// How values are shown.
    pub scale: Scale,
    /// The report's total.
    pub total: i64,
}

fn dropped(n: usize, what: &str, by: &str, value: String) -> String {
    let s = if n > 1 { "s" } else { "" };
    format!("Dropped {n} {what}{s} ({by} <= {value})")
}

impl Header {
    /// The header of report `r` with `legend`; `full` shows the profile
    /// part even with `compact_labels` (graphs do).
    pub fn new(r: &Context, legend: Legend, full: bool) -> Header {
        Header {
            profile: (full || !r.opts.compact_labels).then(|| ProfileInfo::of(r)),
            legend,
            scale: r.scale(),
            total: r.total,
        }
    }

    /// pprof's `reportLabels` lines.
    pub fn lines(&self) -> Vec<String> {
        let (l, s, total) = (&self.legend, &self.scale, self.total);
        let mut v = match &self.profile {
            Some(p) => p.lines(s, total),
            None => Vec::new(),
        };
        if !l.active_filters.is_empty() {
            v.push("Active filters:".to_string());
            for f in &l.active_filters {
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
            s.format(l.flat_sum),
            units::percentage(l.flat_sum, total).trim(),
            s.format(total)
        ));
        if total != 0 {
            if l.dropped_nodes > 0 {
                v.push(dropped(
                    l.dropped_nodes,
                    "node",
                    "cum",
                    s.format(l.node_cut),
                ));
            }
            if l.dropped_edges > 0 {
                v.push(dropped(
                    l.dropped_edges,
                    "edge",
                    "freq",
                    s.format(l.edge_cut),
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
}

/// The interactive greeting (stderr): profile labels, a hint when the
/// default value type has no samples, and the "Entering interactive mode"
/// line.
pub fn greeting(r: &Context) -> Vec<String> {
    let mut v = ProfileInfo::of(r).lines(&r.scale(), r.total);
    if r.total == 0 && r.view.profile().sample_types.len() > 1 {
        v.push("No samples were found with the default sample value type.".into());
        v.push("Try \"sample_index\" command to analyze different sample values.".into());
    }
    v.push("Entering interactive mode (type \"help\" for commands, \"o\" for options)".into());
    v
}
