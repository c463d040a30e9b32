//! Reports: the per-command pipeline (pprof's `generateRawReport`) and the
//! text reports built on it.
//!
//! [`Report::new`] applies the command's overrides, computes the total,
//! applies the filters and fixes the node identity; each report module then
//! turns the resulting graph or view into text. Messages for stderr
//! (warnings, notes) are collected in [`Report::messages`], never printed
//! here.

pub mod cache;
pub mod callgrind;
pub mod disasm;
pub mod dot;
pub mod header;
pub mod list;
pub mod proto;
pub mod raw;
pub mod sourcefile;
pub mod tags;
pub mod top;
pub mod traces;
pub mod tree;
pub mod weblist;

use crate::aggregate::graph::{self, Graph, Order, TrimOptions, ValueOptions};
use crate::aggregate::nodes::{NodeOptions, NodeTable};
use crate::config::{Config, Granularity, resolve_sample_index};
use crate::filter::{Filters, View, tagroot};
use crate::model::Profile;
use crate::render::units;
use crate::shell::commands::CommandSpec;
use std::borrow::Cow;

/// What a report command needs from the pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    TopProto,
    List,
    Disasm,
    WebList,
    Peek,
    Tree,
    Traces,
    Tags,
    Raw,
    Comments,
    Dot,
    Callgrind,
    Proto,
}

/// The filters listed under "Active filters:", in pprof's order.
const LEGEND_FILTERS: [&str; 9] = [
    "focus",
    "ignore",
    "hide",
    "show",
    "show_from",
    "tagfocus",
    "tagignore",
    "tagshow",
    "taghide",
];

/// Applies pprof's per-command overrides to a copy of the config.
pub fn apply_overrides(name: &str, format: Format, cfg: &Config) -> Config {
    let mut c = cfg.clone();
    let mut trim = c.bool("trim");
    match name {
        "disasm" => {
            trim = false;
            c.put_choice("addresses");
            c.put("noinlines", "true");
        }
        "weblist" => {
            trim = false;
            c.put_choice("addresses");
            c.put("noinlines", "false");
        }
        "peek" => trim = false,
        "list" => {
            trim = false;
            c.put_choice("lines");
        }
        "text" | "top" | "topproto" => {
            if c.int("nodecount") == -1 {
                c.put("nodecount", "0");
            }
        }
        _ => {
            if c.int("nodecount") == -1 {
                c.put("nodecount", "80");
            }
        }
    }
    if matches!(format, Format::Proto | Format::Raw | Format::Callgrind) {
        trim = false;
        c.put_choice("addresses");
        c.put("noinlines", "false");
    }
    if !trim {
        c.put("nodecount", "0");
        c.put("nodefraction", "0");
        c.put("edgefraction", "0");
    }
    c
}

/// A report in preparation: the filtered view plus everything needed to
/// format values.
pub struct Report<'a> {
    pub view: View<'a>,
    pub cfg: Config,
    pub format: Format,
    pub values: ValueOptions,
    /// The sample type as shown (`mean_` prefixed with `mean`).
    pub sample_type: String,
    pub sample_unit: String,
    pub total: i64,
    /// The output unit (`minimum` until a report selects one).
    pub output_unit: String,
    /// `1/divide_by`.
    pub ratio: f64,
    pub active_filters: Vec<String>,
    pub num_units: crate::filter::tags::NumUnits,
}

/// Σ|value| (or over `pprof::base` samples only, when there are any),
/// divided by Σ column 0 with `mean` (pprof's `computeTotal`).
pub fn compute_total(view: &View, vo: ValueOptions) -> i64 {
    let p = view.profile();
    let base_key = p
        .strings
        .iter()
        .position(|s| s == "pprof::base")
        .map(|i| i as u32);
    let (mut total, mut div, mut diff_total, mut diff_div) = (0i64, 0i64, 0i64, 0i64);
    for k in 0..view.samples.len() {
        let (v, d) = vo.read(view.sample_values(k));
        // int64 arithmetic wraps, as in pprof.
        let v = v.wrapping_abs();
        total = total.wrapping_add(v);
        div = div.wrapping_add(d);
        if let Some(bk) = base_key
            && p.samples
                .labels(view.samples[k] as usize)
                .iter()
                .any(|l| l.key == bk && l.is_str())
        {
            diff_total = diff_total.wrapping_add(v);
            diff_div = diff_div.wrapping_add(d);
        }
    }
    if diff_total > 0 {
        total = diff_total;
        div = diff_div;
    }
    if div != 0 {
        total.wrapping_div(div)
    } else {
        total
    }
}

impl<'a> Report<'a> {
    /// Runs the pipeline for command `name` (with output `format`) on
    /// `profile` with the session config `cfg`.
    /// Lines for stderr (warnings, notes) are pushed to `messages` in order.
    pub fn new(
        profile: &'a Profile,
        name: &str,
        format: Format,
        cfg: &Config,
        messages: &mut Vec<String>,
    ) -> Result<Report<'a>, String> {
        let num_units = crate::filter::tags::num_label_units(profile, messages);
        let cfg = apply_overrides(name, format, cfg);
        let mut view = View::all(
            match tagroot::add_label_frames(
                profile,
                cfg.get("tagroot"),
                cfg.get("tagleaf"),
                cfg.get("unit"),
                messages,
            ) {
                Some(derived) => Cow::Owned(derived),
                None => Cow::Borrowed(profile),
            },
        );
        let relative = cfg.bool("relative_percentages");
        let filters = Filters::compile(&cfg, &num_units, messages)?;
        if relative {
            filters.apply(&mut view, messages);
        }
        let types = profile.sample_type_names();
        let index = if cfg.get("sample_index").is_empty() {
            let dflt = profile.str(profile.default_sample_type);
            if types.is_empty() {
                return Err("profile has no samples".into());
            }
            types
                .iter()
                .position(|t| !dflt.is_empty() && t == dflt)
                .unwrap_or(types.len() - 1)
        } else {
            resolve_sample_index(cfg.get("sample_index"), &types)?
        };
        let mean = cfg.bool("mean");
        let vt = profile.sample_types[index];
        let mut sample_type = profile.str(vt.ty).to_string();
        if mean {
            sample_type = format!("mean_{sample_type}");
        }
        let divide_by = cfg.float("divide_by");
        if divide_by == 0.0 {
            return Err("zero divisor specified".into());
        }
        let mut active_filters = Vec::new();
        for k in LEGEND_FILTERS {
            let v = cfg.get(k);
            if !v.is_empty() {
                active_filters.push(format!("{k}={v}"));
            }
        }
        let values = ValueOptions {
            index,
            mean,
            drop_negative: cfg.bool("drop_negative"),
        };
        let total = compute_total(&view, values);
        if !relative {
            filters.apply(&mut view, messages);
        }
        Ok(Report {
            view,
            format,
            values,
            sample_type,
            sample_unit: profile.str(vt.unit).to_string(),
            total,
            output_unit: cfg.get("unit").to_string(),
            ratio: 1.0 / divide_by,
            active_filters,
            num_units,
            cfg,
        })
    }

    /// Node identity for this report.
    pub fn node_options(&self) -> NodeOptions {
        NodeOptions {
            granularity: self.cfg.granularity(),
            noinlines: self.cfg.bool("noinlines"),
            obj_names: matches!(
                self.format,
                Format::Raw | Format::List | Format::WebList | Format::Disasm | Format::Callgrind
            ),
            trim_path: self.cfg.get("trim_path").to_string(),
            source_path: self.cfg.get("source_path").to_string(),
            trim_files: self.format != Format::Traces,
        }
    }

    /// The node table for this report.
    pub fn node_table(&self) -> NodeTable {
        NodeTable::build(&self.view, &self.node_options())
    }

    /// A cache key naming this report's view and node identity.
    pub fn view_key(&self) -> String {
        let mut k = format!("{:?}", self.node_options());
        for o in LEGEND_FILTERS
            .iter()
            .chain(&["prune_from", "tagroot", "tagleaf"])
        {
            k.push('\u{1f}');
            k.push_str(self.cfg.get(o));
        }
        // tagroot/tagleaf frames are named with values in the output unit.
        if !self.cfg.get("tagroot").is_empty() || !self.cfg.get("tagleaf").is_empty() {
            k.push('\u{1f}');
            k.push_str(self.cfg.get("unit"));
        }
        k
    }

    /// The node table, from the session cache.
    pub fn cached_table(&self, cache: &mut cache::Cache) -> std::sync::Arc<NodeTable> {
        cache.table(self.view_key(), || self.node_table())
    }

    /// The node-only graph (every node's flat and cum), from the cache.
    pub fn cached_nodes(
        &self,
        cache: &mut cache::Cache,
        table: &NodeTable,
    ) -> std::sync::Arc<Graph> {
        let key = format!("{}\u{1f}{:?}", self.view_key(), self.values);
        cache.nodes(key, || graph::build_nodes(&self.view, table, self.values))
    }

    /// The trimmed graph of text reports, from the cache.
    pub fn cached_trimmed(
        &self,
        cache: &mut cache::Cache,
        table: &NodeTable,
    ) -> std::sync::Arc<graph::Trimmed> {
        let key = format!(
            "{}\u{1f}{:?}\u{1f}{:?}",
            self.view_key(),
            self.values,
            self.trim_options()
        );
        if let Some(t) = cache.peek_trimmed(&key) {
            return t;
        }
        let full = self.cached_nodes(cache, table);
        cache.trimmed(key, || {
            graph::trimmed_from(
                &self.view,
                table,
                self.values,
                self.trim_options(),
                &full,
                graph::EdgeScope::All,
            )
        })
    }

    /// Trimming parameters from the (overridden) config.
    pub fn trim_options(&self) -> TrimOptions {
        TrimOptions {
            node_fraction: self.cfg.float("nodefraction"),
            edge_fraction: self.cfg.float("edgefraction"),
            node_count: self.cfg.int("nodecount"),
            order: if self.cfg.sort_cum() {
                Order::Cum
            } else {
                Order::Flat
            },
        }
    }

    /// A value in the output unit (pprof's `formatValue`).
    pub fn format_value(&self, v: i64) -> String {
        units::scaled_label(self.scale_ratio(v), &self.sample_unit, &self.output_unit)
    }

    /// The five value columns of a `top`/`tree` row: flat, flat%, sum%,
    /// cum, cum% (`%10s %s %s %10s %s`).
    pub fn value_columns(&self, flat: i64, sum: i64, cum: i64) -> String {
        format!(
            "{:>10} {} {} {:>10} {}",
            self.format_value(flat),
            units::percentage(flat, self.total),
            units::percentage(sum, self.total),
            self.format_value(cum),
            units::percentage(cum, self.total)
        )
    }

    /// The `ROUTINE` summary line of `list` and `disasm`:
    /// `%10s %10s (flat, cum) %s of Total`.
    pub fn flat_cum_line(&self, flat: i64, cum: i64) -> String {
        format!(
            "{:>10} {:>10} (flat, cum) {} of Total",
            self.format_value(flat),
            self.format_value(cum),
            units::percentage(cum, self.total)
        )
    }

    /// Applies `divide_by`.
    pub fn scale_ratio(&self, v: i64) -> i64 {
        if self.ratio > 0.0 && self.ratio != 1.0 {
            (v as f64 * self.ratio) as i64
        } else {
            v
        }
    }

    /// pprof's `selectOutputUnit` for `unit=minimum`: the unit of the
    /// smallest shown value (flat, or cum where flat is 0), moved up one
    /// unit when that is still under 1% of the total.
    pub fn select_output_unit(&mut self, nodes: impl Iterator<Item = (i64, i64)>, callgrind: bool) {
        if self.output_unit != "minimum" {
            return;
        }
        let mut nodes = nodes.peekable();
        if nodes.peek().is_none() {
            return;
        }
        let mut min = 0i64;
        for (flat, cum) in nodes {
            let m = if flat != 0 { flat.abs() } else { cum.abs() };
            if m > 0 && (min == 0 || m < min) {
                min = m;
            }
        }
        if min == 0 {
            min = self.total;
        }
        let mut max = self.total;
        if self.ratio > 0.0 && self.ratio != 1.0 {
            min = (min as f64 * self.ratio) as i64;
            max = (max as f64 * self.ratio) as i64;
        }
        let (_, min_unit) = units::scale(min, &self.sample_unit, "minimum");
        let (_, max_unit) = units::scale(max, &self.sample_unit, "minimum");
        let mut unit = min_unit.clone();
        if min_unit != max_unit && min.saturating_mul(100) < max && !callgrind {
            unit = units::scale(min.saturating_mul(100), &self.sample_unit, "minimum").1;
        }
        self.output_unit = if unit.is_empty() {
            self.sample_unit.clone()
        } else {
            unit
        };
    }

    /// True when granularity keeps addresses.
    pub fn at_addresses(&self) -> bool {
        self.cfg.granularity() == Granularity::Addresses
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)`: decimal, `0x`, `0o`, `0b` or a
/// leading-zero octal number (underscores allowed after a prefix).
pub(crate) fn parse_go_uint(s: &str) -> Option<u64> {
    let (digits, radix) = if let Some(h) = s.strip_prefix("0x").or(s.strip_prefix("0X")) {
        (h, 16)
    } else if let Some(o) = s.strip_prefix("0o").or(s.strip_prefix("0O")) {
        (o, 8)
    } else if let Some(b) = s.strip_prefix("0b").or(s.strip_prefix("0B")) {
        (b, 2)
    } else if s.len() > 1 && s.starts_with('0') {
        (&s[1..], 8)
    } else {
        (s, 10)
    };
    let clean: String = if radix == 10 {
        digits.to_string()
    } else {
        digits.chars().filter(|&c| c != '_').collect()
    };
    if clean.is_empty() || clean.starts_with(['+', '-']) {
        return None;
    }
    u64::from_str_radix(&clean, radix).ok()
}

/// A finished report.
pub enum Rendered {
    /// Text for stdout or a file.
    Text(String),
    /// Binary data (protobuf, images).
    Bytes(Vec<u8>),
}

/// Runs report command `spec` (with its regexp argument, if any) on
/// `profile`. Lines for stderr are pushed to `messages`.
pub fn generate(
    profile: &Profile,
    spec: &CommandSpec,
    regexp: Option<&str>,
    cfg: &Config,
    messages: &mut Vec<String>,
    cache: &mut cache::Cache,
) -> Result<Rendered, String> {
    let mut r = Report::new(profile, spec.name, spec.format, cfg, messages)?;
    let symbol = match regexp {
        Some(re) => Some(
            crate::filter::regexp::compile(re)
                .map_err(|e| format!("parsing argument regexp {re}: {e}"))?,
        ),
        None => None,
    };
    let needed = || {
        symbol
            .as_ref()
            .ok_or_else(|| format!("command {} requires an argument", spec.name))
    };
    match spec.format {
        Format::Text => Ok(Rendered::Text(top::render(&mut r, cache))),
        Format::List => Ok(Rendered::Text(list::render(&r, needed()?)?)),
        Format::Disasm => Ok(Rendered::Text(disasm::render(&r, needed()?, cache)?)),
        Format::WebList => Ok(Rendered::Text(weblist::render(&r, needed()?)?)),
        Format::Callgrind => Ok(Rendered::Text(callgrind::render(&mut r, cache))),
        Format::Proto => Ok(Rendered::Bytes(proto::render(&r))),
        Format::TopProto => Ok(Rendered::Bytes(proto::render_top(&mut r, cache))),
        Format::Dot => Ok(Rendered::Text(dot::render(&mut r, cache))),
        Format::Tree => tree::render(&mut r, None, cache).map(Rendered::Text),
        Format::Peek => {
            tree::render(&mut r, symbol.as_ref().zip(regexp), cache).map(Rendered::Text)
        }
        Format::Traces => Ok(Rendered::Text(traces::render(&r))),
        Format::Tags => Ok(Rendered::Text(tags::render(&r))),
        Format::Raw => Ok(Rendered::Text(raw::render(&r))),
        Format::Comments => Ok(Rendered::Text(comments(&r))),
    }
}

/// `comments`: every profile comment, one per line.
fn comments(r: &Report) -> String {
    let p = r.view.profile();
    p.comments
        .iter()
        .map(|&c| format!("{}\n", p.str(c)))
        .collect()
}
