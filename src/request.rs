//! Typed report requests: the one conversion from the session's option
//! values ([`Config`], text validated when set) and a command's overrides
//! to the typed values the pipeline reads (pprof's `reportOptions` in
//! `internal/driver/driver.go`). Below this module nothing looks an option
//! up by name; the aggregate cache keys are these values.
//!
//! Sits between the vocabulary (`config`, `commands`) and the pipeline
//! (`filter`, `aggregate`, `report`); it imports nothing above them.

use crate::commands::{CommandSpec, Format};
use crate::config::{Config, Granularity, parse_float, parse_int};
use crate::{Error, Result};

/// A float that can be part of a cache key (compared and hashed by bits).
#[derive(Clone, Copy, Debug, Default)]
pub struct Real(pub f64);

impl PartialEq for Real {
    fn eq(&self, o: &Real) -> bool {
        self.0.to_bits() == o.0.to_bits()
    }
}
impl Eq for Real {}
impl std::hash::Hash for Real {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.to_bits().hash(h);
    }
}

/// The filter options, as their (validated) source text; `filter`
/// compiles them per report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FilterSpec {
    /// `focus`.
    pub focus: String,
    /// `ignore`.
    pub ignore: String,
    /// `hide`.
    pub hide: String,
    /// `show`.
    pub show: String,
    /// `show_from`.
    pub show_from: String,
    /// `tagfocus`.
    pub tagfocus: String,
    /// `tagignore`.
    pub tagignore: String,
    /// `tagshow`.
    pub tagshow: String,
    /// `taghide`.
    pub taghide: String,
    /// `prune_from`.
    pub prune_from: String,
}

impl FilterSpec {
    /// The filters listed under "Active filters:", in pprof's order, as
    /// `name=value`.
    pub fn active(&self) -> Vec<String> {
        [
            ("focus", &self.focus),
            ("ignore", &self.ignore),
            ("hide", &self.hide),
            ("show", &self.show),
            ("show_from", &self.show_from),
            ("tagfocus", &self.tagfocus),
            ("tagignore", &self.tagignore),
            ("tagshow", &self.tagshow),
            ("taghide", &self.taghide),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={v}"))
        .collect()
    }
}

/// Pseudo-frames made from labels (`tagroot`, `tagleaf`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct LabelFrames {
    /// `tagroot`: comma-separated label keys.
    pub root: String,
    /// `tagleaf`: comma-separated label keys.
    pub leaf: String,
}

impl LabelFrames {
    /// True when no label frames are added.
    pub fn is_empty(&self) -> bool {
        self.root.is_empty() && self.leaf.is_empty()
    }
}

/// Sort order of graph nodes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Order {
    /// By flat value.
    #[default]
    Flat,
    /// By cumulative value.
    Cum,
}

/// Trimming of the graph (`nodecount`, `nodefraction`, `edgefraction`,
/// `sort`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TrimOptions {
    /// Hide nodes below this fraction of the total.
    pub node_fraction: Real,
    /// Hide edges below this fraction of the total.
    pub edge_fraction: Real,
    /// Keep at most this many nodes (0: all).
    pub node_count: i64,
    /// Sort order.
    pub order: Order,
}

/// Which sample value a report reads.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ValueSpec {
    /// `sample_index` (a name or an index; empty: the profile's default).
    pub sample_index: String,
    /// `mean`: divide by the first value (the count).
    pub mean: bool,
    /// `drop_negative`.
    pub drop_negative: bool,
}

/// Everything a report reads from the options, typed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ReportOptions {
    /// The report format.
    pub format: Format,
    /// Sample filters.
    pub filters: FilterSpec,
    /// Label pseudo-frames.
    pub label_frames: LabelFrames,
    /// The sample value.
    pub value: ValueSpec,
    /// `relative_percentages`.
    pub relative_percentages: bool,
    /// `divide_by` (non-zero).
    pub divide_by: Real,
    /// `unit`: `minimum`, `auto` or a unit name.
    pub unit: String,
    /// Node identity.
    pub granularity: Granularity,
    /// `noinlines`.
    pub noinlines: bool,
    /// Graph trimming.
    pub trim: TrimOptions,
    /// `call_tree` (dot, callgrind).
    pub call_tree: bool,
    /// `compact_labels`: headers without the profile part.
    pub compact_labels: bool,
    /// `intel_syntax` (disasm).
    pub intel_syntax: bool,
    /// `source_path`.
    pub source_path: String,
    /// `trim_path`.
    pub trim_path: String,
    /// `depth`: rows of a flame graph (0: all).
    pub depth: usize,
    /// `icicle`: roots at the top of the SVG flame graph.
    pub icicle: bool,
}

/// Who runs the command: the shell applies its own `nodecount` default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caller {
    /// The interactive shell.
    Shell,
    /// A command-line format flag.
    Flags,
}

impl ReportOptions {
    /// The typed options of command `spec` run by `caller` with the session
    /// values `cfg` (pprof's per-command overrides included).
    pub fn new(cfg: &Config, spec: &CommandSpec, caller: Caller) -> Result<ReportOptions> {
        let o = spec.overrides;
        let bool_of = |name: &str| cfg.bool(name);
        let float_of = |name: &str| parse_float(cfg.get(name));
        let mut node_count = parse_int(cfg.get("nodecount"))?;
        if node_count == -1 {
            node_count = match (caller, o.shell_nodecount) {
                (Caller::Shell, Some(n)) => n,
                _ => o.nodecount,
            };
        }
        let mut trim = TrimOptions {
            node_fraction: Real(float_of("nodefraction")?),
            edge_fraction: Real(float_of("edgefraction")?),
            node_count,
            order: if cfg.sort_cum() {
                Order::Cum
            } else {
                Order::Flat
            },
        };
        if !o.trim || !bool_of("trim") {
            trim.node_count = 0;
            trim.node_fraction = Real(0.0);
            trim.edge_fraction = Real(0.0);
        }
        let divide_by = float_of("divide_by")?;
        if divide_by == 0.0 {
            return Err(Error::OptionValue("zero divisor specified".into()));
        }
        let text = |name: &str| cfg.get(name).to_string();
        let depth = usize::try_from(parse_int(cfg.get("depth"))?).map_err(|_| {
            Error::OptionValue(format!(
                "depth must be 0 (every row) or more, not {}",
                cfg.get("depth")
            ))
        })?;
        Ok(ReportOptions {
            format: spec.format,
            filters: FilterSpec {
                focus: text("focus"),
                ignore: text("ignore"),
                hide: text("hide"),
                show: text("show"),
                show_from: text("show_from"),
                tagfocus: text("tagfocus"),
                tagignore: text("tagignore"),
                tagshow: text("tagshow"),
                taghide: text("taghide"),
                prune_from: text("prune_from"),
            },
            label_frames: LabelFrames {
                root: text("tagroot"),
                leaf: text("tagleaf"),
            },
            value: ValueSpec {
                sample_index: text("sample_index"),
                mean: bool_of("mean"),
                drop_negative: bool_of("drop_negative"),
            },
            relative_percentages: bool_of("relative_percentages"),
            divide_by: Real(divide_by),
            unit: text("unit"),
            granularity: o.granularity.unwrap_or_else(|| cfg.granularity()),
            noinlines: o.noinlines.unwrap_or_else(|| bool_of("noinlines")),
            trim,
            call_tree: bool_of("call_tree"),
            compact_labels: bool_of("compact_labels"),
            intel_syntax: bool_of("intel_syntax"),
            source_path: text("source_path"),
            trim_path: text("trim_path"),
            depth,
            icicle: bool_of("icicle"),
        })
    }
}

/// What a front end reads from the options besides reports: where output
/// goes and how the sources and base are combined.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    /// `output`: the file for file-based outputs ("" for none).
    pub output: String,
    /// `normalize`: scale the sources to the base before subtracting.
    pub normalize: bool,
}

impl Delivery {
    /// The delivery options of the session values `cfg`.
    pub fn new(cfg: &Config) -> Delivery {
        Delivery {
            output: cfg.get("output").to_string(),
            normalize: cfg.bool("normalize"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::command;

    fn opts(cfg: &Config, name: &str, caller: Caller) -> ReportOptions {
        ReportOptions::new(cfg, command(name).unwrap(), caller).unwrap()
    }

    #[test]
    fn command_overrides_are_typed() {
        let cfg = Config::default();
        assert_eq!(opts(&cfg, "top", Caller::Shell).trim.node_count, 10);
        assert_eq!(opts(&cfg, "top", Caller::Flags).trim.node_count, 0);
        assert_eq!(opts(&cfg, "dot", Caller::Flags).trim.node_count, 80);
        let list = opts(&cfg, "list", Caller::Shell);
        assert_eq!(list.granularity, Granularity::Lines);
        assert_eq!(list.trim, TrimOptions::default());
        let disasm = opts(&cfg, "disasm", Caller::Shell);
        assert_eq!(disasm.granularity, Granularity::Addresses);
        assert!(disasm.noinlines);
        assert!(!opts(&cfg, "weblist", Caller::Shell).noinlines);
        assert_eq!(
            opts(&cfg, "raw", Caller::Flags).granularity,
            Granularity::Addresses
        );
    }

    #[test]
    fn bad_values_are_errors_not_zero() {
        let mut cfg = Config::default();
        cfg.put("divide_by", "0");
        let e = ReportOptions::new(&cfg, command("top").unwrap(), Caller::Shell).unwrap_err();
        assert_eq!(e.to_string(), "zero divisor specified");
        let mut cfg = Config::default();
        cfg.put("nodecount", "ten");
        let e = ReportOptions::new(&cfg, command("top").unwrap(), Caller::Shell).unwrap_err();
        assert_eq!(
            e.to_string(),
            "strconv.Atoi: parsing \"ten\": invalid syntax"
        );
    }
}
