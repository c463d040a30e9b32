//! `traces`: every kept sample with its labels and its stack, leaf first,
//! after the profile header (which is printed even in the shell), as data.
//!
//! Report stage: reads the filtered view and the node table (for the
//! granularity and the inline marks), never the graph. Values are
//! auto-scaled one by one by the renderer; zero-valued samples are kept,
//! samples without frames are not. Frame names are stored once, frames by
//! index, so a big profile's traces cost one small record per frame.
//! Ctrl-C stops the loop over samples ([`crate::cancel`]).

use super::Context;
use super::header::ProfileInfo;
use crate::aggregate::graph::divided;
use crate::model::Label;
use crate::render::units;

/// One sample.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// `%10s:  v1 v2\n` lines of its string labels, then of its numeric
    /// labels, each group sorted as pprof sorts them (newline included).
    pub labels: Vec<String>,
    /// Its value (divided with `mean`).
    pub value: i64,
    /// Its frames, leaf first: an index into [`Traces::names`] and whether
    /// the frame is inlined into the next.
    pub frames: Vec<(u32, bool)>,
}

/// The `traces` report.
#[derive(Clone, Debug, PartialEq)]
pub struct Traces {
    /// The profile header.
    pub profile: ProfileInfo,
    /// Printable frame names.
    pub names: Vec<String>,
    /// The samples.
    pub traces: Vec<Trace>,
}

/// Groups a sample's labels of one kind by key, values in sample order,
/// and formats one `%10s:  v1 v2` line per key; the lines come back
/// sorted as strings (as pprof sorts them, padding included).
fn label_lines<'l>(
    labels: impl Iterator<Item = &'l Label>,
    key: impl Fn(&Label) -> &'l str,
    value: impl Fn(&Label) -> String,
) -> Vec<String> {
    let mut keys: Vec<(&str, Vec<String>)> = Vec::new();
    for l in labels {
        let k = key(l);
        match keys.iter_mut().find(|(name, _)| *name == k) {
            Some((_, vs)) => vs.push(value(l)),
            None => keys.push((k, vec![value(l)])),
        }
    }
    let mut lines: Vec<String> = keys
        .into_iter()
        .map(|(k, vs)| format!("{k:>10}:  {}\n", vs.join(" ")))
        .collect();
    lines.sort();
    lines
}

/// Builds `traces`.
pub fn build(r: &Context) -> Traces {
    let table = r.node_table();
    let names: Vec<String> = table.infos.iter().map(|i| i.printable_name()).collect();
    let p = r.view.profile();
    let mut traces = Vec::new();
    for k in 0..r.view.samples().len() {
        // Ctrl-C: the engine drops what was built.
        if crate::cancel::requested() {
            break;
        }
        let mut frames: Vec<(u32, bool)> = Vec::new();
        for loc in r.view.sample_locs(k) {
            let f = table.frames(loc);
            let last = f.len().saturating_sub(1);
            frames.extend(f.iter().enumerate().map(|(i, &n)| (n, i != last)));
        }
        if frames.is_empty() {
            continue;
        }
        let sample_labels: Vec<&Label> = r.view.sample_labels(k).collect();
        let mut labels = label_lines(
            sample_labels.iter().copied().filter(|l| l.is_str()),
            |l| p.str(l.key),
            |l| p.str(l.str).to_string(),
        );
        labels.extend(label_lines(
            sample_labels.iter().copied().filter(|l| !l.is_str()),
            |l| p.str(l.key),
            |l| {
                let unit = r.num_units.get(p.str(l.key)).map_or("", String::as_str);
                units::label(l.num, unit)
            },
        ));
        let (v, d) = r.values.read(r.view.sample_values(k));
        traces.push(Trace {
            labels,
            value: divided(v, d),
            frames,
        });
    }
    Traces {
        profile: ProfileInfo::of(r),
        names,
        traces,
    }
}
