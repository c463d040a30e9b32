//! Reports: the per-command pipeline (pprof's `generateRawReport`) and the
//! reports built on it, as data.
//!
//! [`Context::new`] takes the typed options (command overrides already
//! applied by `request`), computes the total, applies the filters and fixes
//! the node identity; [`build`] then turns the view into a [`Report`]
//! value: rows, entries, source lines, traces, tags, with the legend and
//! the chosen unit. Renderers (`render::text`) turn values into pprof's
//! text or coloured terminal text. The interchange formats (`dot`,
//! `callgrind`, `raw`, `disasm`, `weblist`, `proto`, `folded`,
//! `speedscope`, `firefox`) are written here as
//! finished documents. Messages for stderr (warnings, notes) are pushed to
//! the caller's list, never printed here.

pub mod cache;
pub mod callgrind;
pub mod disasm;
pub mod dot;
pub mod firefox;
pub mod flame;
pub mod folded;
pub mod header;
pub mod list;
pub mod proto;
pub mod raw;
pub mod series;
pub mod sourcefile;
pub mod speedscope;
pub mod stacks;
pub mod tags;
pub mod top;
pub mod traces;
pub mod tree;
pub mod weblist;

use crate::aggregate::graph::{self, Graph, ValueOptions};
use crate::aggregate::nodes::{NodeOptions, NodeTable};
use crate::commands::Format;
use crate::config::resolve_sample_index;
use crate::filter::{Filters, Source, View, tagroot};
use crate::model::{Profile, StrId};
use crate::render::units;
use crate::request::{FilterSpec, LabelFrames, ReportOptions, TrimOptions};
use crate::store::ProfileId;
use crate::{Error, Result};
use cache::Cache;
use regex::Regex;
use std::sync::Arc;

/// What decides a view and its node identity: the cache key of node
/// tables and graphs (with the profile id).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ViewKey {
    filter: FilterKey,
    nodes: NodeOptions,
}

/// What decides a filtered view: the cache key of [`Filtered`] (with the
/// profile id).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FilterKey {
    filters: FilterSpec,
    label_frames: LabelFrames,
    /// tagroot/tagleaf frames are named with values in the output unit.
    label_unit: Option<String>,
}

impl FilterKey {
    fn of(opts: &ReportOptions) -> FilterKey {
        let lf = &opts.label_frames;
        FilterKey {
            filters: opts.filters.clone(),
            label_frames: lf.clone(),
            label_unit: (!lf.is_empty()).then(|| opts.unit.clone()),
        }
    }
}

/// A profile with its filters applied, shared by every report on the same
/// filters (the cache keeps it): filtering walks every sample, so a
/// repeated report must not filter again.
pub struct Filtered {
    /// The profile with label frames added (`None`: the stored one).
    derived: Option<Arc<Profile>>,
    /// What the filters kept.
    kept: Arc<crate::filter::Kept>,
    /// Units of numeric labels.
    num_units: crate::filter::tags::NumUnits,
    /// The notes and warnings filtering gave, in order (repeated with
    /// every report, as pprof does).
    messages: Vec<String>,
    /// Where in `messages` the warnings of applying the filters start.
    applied: usize,
    /// Totals computed so far: (values, over the filtered view?) → total.
    totals: std::sync::Mutex<Vec<(ValueOptions, bool, i64)>>,
}

impl Filtered {
    /// Applies `opts`' label frames and filters to `profile`; the notes
    /// and warnings go to `messages` too (they are all there when this
    /// fails).
    fn build(
        profile: &Profile,
        opts: &ReportOptions,
        messages: &mut Vec<String>,
    ) -> Result<Filtered> {
        let num_units = crate::filter::tags::num_label_units(profile, messages);
        let derived = tagroot::add_label_frames(
            profile,
            &opts.label_frames.root,
            &opts.label_frames.leaf,
            &opts.unit,
            messages,
        )
        .map(Arc::new);
        let filters = Filters::compile(&opts.filters, &num_units, messages)?;
        let mut view = View::all(match &derived {
            Some(d) => Source::Shared(d.clone()),
            None => Source::Borrowed(profile),
        });
        let applied = messages.len();
        filters.apply(&mut view, messages);
        Ok(Filtered {
            kept: view.kept(),
            derived,
            num_units,
            messages: messages.clone(),
            applied,
            totals: Default::default(),
        })
    }

    /// The view of `profile` (the stored profile these were built from),
    /// filtered or not.
    fn view<'a>(&self, profile: &'a Profile, filtered: bool) -> View<'a> {
        let source = match &self.derived {
            Some(d) => Source::Shared(d.clone()),
            None => Source::Borrowed(profile),
        };
        if filtered {
            View::with_kept(source, self.kept.clone())
        } else {
            View::all(source)
        }
    }

    /// pprof's total over the filtered view, or over the whole profile
    /// when `filtered` is false, computed once.
    fn total(&self, profile: &Profile, vo: ValueOptions, filtered: bool) -> i64 {
        let mut totals = self.totals.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(&(_, _, t)) = totals.iter().find(|t| t.0 == vo && t.1 == filtered) {
            return t;
        }
        let t = compute_total(&self.view(profile, filtered), vo);
        totals.push((vo, filtered, t));
        t
    }
}

/// A report in preparation: the filtered view of one stored profile plus
/// everything needed to aggregate it and format values.
pub struct Context<'a> {
    /// The filtered view.
    pub view: View<'a>,
    /// The typed options.
    pub opts: ReportOptions,
    /// How sample values are read.
    pub values: ValueOptions,
    /// The sample type as shown (`mean_` prefixed with `mean`).
    pub sample_type: String,
    /// The unit of the sample values.
    pub sample_unit: String,
    /// The total (pprof's `computeTotal`).
    pub total: i64,
    /// The output unit (`minimum` until a report selects one).
    pub output_unit: String,
    /// `1/divide_by`.
    pub ratio: f64,
    /// Units of numeric labels.
    pub num_units: crate::filter::tags::NumUnits,
    id: ProfileId,
    cache: &'a Cache,
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
    for k in 0..view.samples().len() {
        let (v, d) = vo.read(view.sample_values(k));
        // Saturating: an absurd profile's total is the largest there is.
        let v = v.saturating_abs();
        total = total.saturating_add(v);
        div = div.saturating_add(d);
        if let Some(bk) = base_key
            && p.samples
                .labels(view.samples()[k] as usize)
                .iter()
                .any(|l| l.key == StrId(bk) && l.is_str())
        {
            diff_total = diff_total.saturating_add(v);
            diff_div = diff_div.saturating_add(d);
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

/// The value column a report reads: `sample_index` resolved against the
/// profile, or its default sample type (the last one when it names none).
pub fn sample_column(profile: &Profile, sample_index: &str) -> Result<usize> {
    let types = profile.sample_type_names();
    if sample_index.is_empty() {
        let dflt = profile.str(profile.default_sample_type);
        if types.is_empty() {
            return Err(Error::Incompatible("profile has no samples".into()));
        }
        return Ok(types
            .iter()
            .position(|t| !dflt.is_empty() && t == dflt)
            .unwrap_or(types.len() - 1));
    }
    resolve_sample_index(sample_index, &types)
}

impl<'a> Context<'a> {
    /// Runs the pipeline up to the filtered view for profile `id` of the
    /// store (`profile`) with options `opts`; aggregates come from `cache`.
    /// Lines for stderr (warnings, notes) are pushed to `messages` in order.
    pub fn new(
        profile: &'a Profile,
        id: ProfileId,
        cache: &'a Cache,
        opts: &ReportOptions,
        messages: &mut Vec<String>,
    ) -> Result<Context<'a>> {
        let mut fresh = Vec::new();
        let built = cache.filtered(id, &FilterKey::of(opts), || {
            Filtered::build(profile, opts, &mut fresh)
        });
        let filtered = match built {
            Ok(f) => f,
            Err(e) => {
                messages.append(&mut fresh);
                return Err(e);
            }
        };
        // pprof filters before it resolves sample_index only with
        // relative_percentages: otherwise a bad index comes before the
        // warnings of applying the filters.
        let relative = opts.relative_percentages;
        let (compiled, applied) = filtered.messages.split_at(filtered.applied);
        messages.extend_from_slice(compiled);
        if relative {
            messages.extend_from_slice(applied);
        }
        let index = sample_column(profile, &opts.value.sample_index)?;
        if !relative {
            messages.extend_from_slice(applied);
        }
        let view = filtered.view(profile, true);
        let mean = opts.value.mean;
        let vt = profile.sample_types[index];
        let mut sample_type = profile.str(vt.ty).to_string();
        if mean {
            sample_type = format!("mean_{sample_type}");
        }
        let values = ValueOptions {
            index,
            mean,
            drop_negative: opts.value.drop_negative,
        };
        // As pprof: with relative_percentages the total is the filtered
        // view's, otherwise the whole profile's.
        let total = filtered.total(profile, values, relative);
        Ok(Context {
            view,
            values,
            sample_type,
            sample_unit: profile.str(vt.unit).to_string(),
            total,
            output_unit: opts.unit.clone(),
            ratio: 1.0 / opts.divide_by.0,
            num_units: filtered.num_units.clone(),
            opts: opts.clone(),
            id,
            cache,
        })
    }

    /// Node identity for this report.
    pub fn node_options(&self) -> NodeOptions {
        NodeOptions {
            granularity: self.opts.granularity,
            noinlines: self.opts.noinlines,
            obj_names: matches!(
                self.opts.format,
                Format::Raw | Format::List | Format::WebList | Format::Disasm | Format::Callgrind
            ),
            trim_path: self.opts.trim_path.clone(),
            source_path: self.opts.source_path.clone(),
            trim_files: self.opts.format != Format::Traces,
        }
    }

    /// The node table for this report.
    pub fn node_table(&self) -> NodeTable {
        NodeTable::build(&self.view, &self.node_options())
    }

    /// The key naming this report's view and node identity.
    pub fn view_key(&self) -> ViewKey {
        ViewKey {
            filter: FilterKey::of(&self.opts),
            nodes: self.node_options(),
        }
    }

    /// The node table, from the cache.
    pub fn cached_table(&self) -> Arc<NodeTable> {
        self.cache
            .table(self.id, &self.view_key(), || self.node_table())
    }

    /// The node-only graph (every node's flat and cum), from the cache.
    pub fn cached_nodes(&self, table: &NodeTable) -> Arc<Graph> {
        self.cache
            .nodes(self.id, &self.view_key(), self.values, || {
                graph::build_nodes(&self.view, table, self.values)
            })
    }

    /// `list`'s node table (the functions matching `symbol`) and their
    /// node-only graph, from the cache.
    pub fn cached_listed(&self, symbol: &Regex) -> Arc<(NodeTable, Graph)> {
        let key = self.view_key();
        self.cache
            .listed(self.id, &key, self.values, symbol.as_str(), || {
                let mut matches = |name: &str| symbol.is_match(name);
                let table =
                    NodeTable::build_selected(&self.view, &self.node_options(), Some(&mut matches));
                let g = graph::build_nodes(&self.view, &table, self.values);
                (table, g)
            })
    }

    /// `peek`'s graph from `table`: every node with the edges touching
    /// those `selected` (the nodes matching `symbol`), from the cache.
    pub fn cached_peeked(
        &self,
        table: &NodeTable,
        symbol: &Regex,
        selected: &[bool],
    ) -> Arc<graph::Trimmed> {
        let key = self.view_key();
        let t = self.trim_options();
        self.cache
            .peeked(self.id, &key, self.values, t, symbol.as_str(), || {
                let full = self.cached_nodes(table);
                graph::trimmed_from(
                    &self.view,
                    table,
                    self.values,
                    t,
                    &full,
                    graph::EdgeScope::Touching(selected),
                )
            })
    }

    /// The flame graph's frames rooted at the frames matching `root`, cut
    /// to `detail`, from the cache.
    pub fn cached_flame(&self, root: Option<&Regex>, detail: flame::Detail) -> Arc<flame::Layout> {
        let key = self.view_key();
        let root_text = root.map(Regex::as_str);
        self.cache
            .flame(self.id, &key, self.values, root_text, detail, || {
                flame::layout(self, root, detail)
            })
    }

    /// The trimmed graph of text reports, from the cache: when only the
    /// order or the count changed and the same nodes are kept, the cached
    /// graph is re-sorted instead of rebuilt.
    pub fn cached_trimmed(&self, table: &NodeTable) -> Arc<graph::Trimmed> {
        let key = self.view_key();
        let t = self.trim_options();
        if let Some(hit) = self.cache.peek_trimmed(self.id, &key, self.values, t) {
            return hit;
        }
        let full = self.cached_nodes(table);
        let sel = graph::select(table, t, &full);
        self.cache.trimmed(self.id, &key, self.values, t, || {
            match self
                .cache
                .same_cuts(self.id, &key, self.values, t, &sel.kept)
            {
                Some(other) => other.reordered(&table.infos, t.order),
                None => graph::trimmed_of(
                    &self.view,
                    table,
                    self.values,
                    t,
                    sel,
                    graph::EdgeScope::All,
                ),
            }
        })
    }

    /// Trimming parameters.
    pub fn trim_options(&self) -> TrimOptions {
        self.opts.trim
    }

    /// A value in the output unit (pprof's `formatValue`).
    pub fn format_value(&self, v: i64) -> String {
        self.scale().format(v)
    }

    /// Applies `divide_by`.
    pub fn scale_ratio(&self, v: i64) -> i64 {
        self.scale().apply(v)
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
            let m = if flat != 0 {
                flat.saturating_abs()
            } else {
                cum.saturating_abs()
            };
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

/// How a report shows values: the sample unit, the output unit chosen
/// for it and `1/divide_by`.
#[derive(Clone, Debug, PartialEq)]
pub struct Scale {
    /// The unit of the sample values.
    pub sample_unit: String,
    /// The unit values are shown in (`auto` scales each value alone).
    pub output_unit: String,
    /// `1/divide_by`.
    pub ratio: f64,
}

impl Scale {
    /// Applies `divide_by`.
    pub fn apply(&self, v: i64) -> i64 {
        if self.ratio > 0.0 && self.ratio != 1.0 {
            (v as f64 * self.ratio) as i64
        } else {
            v
        }
    }

    /// A value in the output unit (pprof's `formatValue`).
    pub fn format(&self, v: i64) -> String {
        units::scaled_label(self.apply(v), &self.sample_unit, &self.output_unit)
    }

    /// A value in the output unit, or `.` for zero (pprof's `valueOrDot`).
    pub fn value_or_dot(&self, v: i64) -> String {
        if v == 0 {
            ".".to_string()
        } else {
            self.format(v)
        }
    }

    /// The five value columns of a `top`/`tree` row: flat, flat%, sum%,
    /// cum, cum% (`%10s %s %s %10s %s`), percentages of `total`.
    pub fn value_columns(&self, flat: i64, sum: i64, cum: i64, total: i64) -> String {
        format!(
            "{:>10} {} {} {:>10} {}",
            self.format(flat),
            units::percentage(flat, total),
            units::percentage(sum, total),
            self.format(cum),
            units::percentage(cum, total)
        )
    }

    /// The `ROUTINE` summary line of `list` and `disasm`:
    /// `%10s %10s (flat, cum) %s of Total`.
    pub fn flat_cum_line(&self, flat: i64, cum: i64, total: i64) -> String {
        format!(
            "{:>10} {:>10} (flat, cum) {} of Total",
            self.format(flat),
            self.format(cum),
            units::percentage(cum, total)
        )
    }
}

/// A finished report: plain data for the renderers (pprof text, coloured
/// terminal text, and the front ends to come).
#[derive(Clone, Debug)]
pub struct Report {
    /// The command that made it.
    pub command: &'static str,
    /// The report's total (the 100% of its percentages).
    pub total: i64,
    /// How values are shown.
    pub scale: Scale,
    /// The sample type as shown (`inuse_space`, `mean_alloc_space`).
    pub sample_type: String,
    /// What the report holds.
    pub body: Body,
}

/// The contents of a report.
#[derive(Clone, Debug)]
pub enum Body {
    /// `top` / `text`.
    Top(top::Top),
    /// `tree` and `peek`.
    Tree(tree::Tree),
    /// `list`.
    List(list::Listing),
    /// `traces`.
    Traces(traces::Traces),
    /// `tags`.
    Tags(tags::Tags),
    /// `comments`.
    Comments(Vec<String>),
    /// `growth` over a series.
    Growth(series::Growth),
    /// `snapshots` of a series.
    Snapshots(series::Snapshots),
    /// `flamegraph`, `flame`, `view`.
    Flame(flame::Flame),
    /// A document in an interchange format, complete as written: `dot`,
    /// `callgrind`, `raw`, `disasm`, `weblist` (HTML), `folded`,
    /// `speedscope`, `firefox` (JSON).
    Document(String),
    /// Binary data: `proto`, `topproto`.
    Bytes(Vec<u8>),
}

impl Context<'_> {
    /// How values are shown (the output unit as selected so far).
    pub fn scale(&self) -> Scale {
        Scale {
            sample_unit: self.sample_unit.clone(),
            output_unit: self.output_unit.clone(),
            ratio: self.ratio,
        }
    }

    fn finish(&self, command: &'static str, body: Body) -> Report {
        Report {
            command,
            total: self.total,
            scale: self.scale(),
            sample_type: self.sample_type.clone(),
            body,
        }
    }
}

/// Builds report `command` (with its regexp argument, if any) from the
/// prepared context `r`. Text pprof prints straight to stdout while it
/// makes the report is appended to `printed`.
pub fn build(
    r: &mut Context,
    command: &'static str,
    argument: Option<&str>,
    printed: &mut String,
) -> Result<Report> {
    let symbol = match argument {
        Some(re) => Some(crate::filter::regexp::compile_for(
            &format!("parsing argument regexp {re}"),
            re,
        )?),
        None => None,
    };
    let needed = || {
        symbol
            .as_ref()
            .ok_or_else(|| Error::Usage(format!("command {command} requires an argument")))
    };
    let body = match r.opts.format {
        Format::Text => Body::Top(top::build(r)),
        Format::List => Body::List(list::build(r, needed()?)?),
        Format::Disasm => Body::Document(disasm::render(r, needed()?, printed)?),
        Format::WebList => Body::Document(weblist::render(r, needed()?)?),
        Format::Callgrind => Body::Document(callgrind::render(r)),
        Format::Proto => Body::Bytes(proto::render(r)),
        Format::TopProto => Body::Bytes(proto::render_top(r)),
        Format::Dot => Body::Document(dot::render(r)),
        Format::Tree => Body::Tree(tree::build(r, None)?),
        Format::FlameGraph | Format::Flame => {
            let detail = flame::Detail {
                // An SVG keeps frames of a tenth of a pixel at 1200 pixels
                // (they appear on zooming); the terminal views zoom further.
                resolution: if r.opts.format == Format::FlameGraph {
                    12_000
                } else {
                    100_000
                },
                depth: r.opts.depth,
            };
            Body::Flame(flame::build(r, symbol.as_ref(), detail))
        }
        Format::Peek => Body::Tree(tree::build(r, symbol.as_ref())?),
        Format::Traces => Body::Traces(traces::build(r)),
        Format::Tags => Body::Tags(tags::build(r)),
        Format::Raw => Body::Document(raw::render(r)),
        Format::Folded => Body::Document(folded::render(r)),
        Format::Speedscope => Body::Document(speedscope::render(r)),
        Format::Firefox => Body::Document(firefox::render(r)?),
        Format::Comments => {
            let p = r.view.profile();
            Body::Comments(p.comments.iter().map(|&c| p.str(c).to_string()).collect())
        }
        Format::Growth | Format::Snapshots => {
            return Err(Error::Usage(format!(
                "{command} needs a snapshot series: start rpprof with -series and two or more profiles"
            )));
        }
    };
    Ok(r.finish(command, body))
}

/// Builds series report `command` from one prepared context per snapshot
/// (oldest first, named by `names`; snapshot `current` is the current
/// one): `growth` or `snapshots`.
pub fn build_series(
    ctxs: &mut [Context],
    names: &[String],
    current: usize,
    command: &'static str,
) -> Result<Report> {
    let format = ctxs
        .first()
        .map(|c| c.opts.format)
        .ok_or_else(|| Error::Usage("the series is empty".into()))?;
    let body = match format {
        Format::Growth => Body::Growth(series::growth(ctxs, names, current)),
        Format::Snapshots => Body::Snapshots(series::snapshots(ctxs, names, current)),
        _ => return Err(Error::Usage(format!("{command} is not a series report"))),
    };
    let last = ctxs.last().expect("not empty");
    Ok(last.finish(command, body))
}
