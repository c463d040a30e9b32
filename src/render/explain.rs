//! `explain`: a plain-language reading of a report, computed from the
//! report value itself (its rows, legend, unit and total), in the
//! learner's language, ending with the next commands worth typing.
//!
//! Render stage, like the text renderer: it reads a [`Report`] and the
//! little the report cannot know ([`Situation`]: the profile's other sample
//! types, whether values are differences, the series); it never parses
//! text and never reads a profile. The words are in `render::lang`'s
//! tables; the numbers are formatted exactly as the report prints them.

use super::lang::{self, Lang};
use super::units;
use crate::aggregate::trend::Verdict;
use crate::filter::regexp::short_pattern;
use crate::model::base::BaseMode;
use crate::report::list::{Listed, Listing};
use crate::report::series::{Growth, Snapshots};
use crate::report::tags::Tags;
use crate::report::top::{Inlined, Top};
use crate::report::traces::Traces;
use crate::report::tree::{Tree, TreeEntry};
use crate::report::{Body, Report, Scale};
use crate::request::Order;

/// What an explanation needs that the report does not hold.
#[derive(Clone, Debug, Default)]
pub struct Situation {
    /// The language.
    pub lang: Lang,
    /// The profile's sample types with their totals as the report's unit
    /// would print them (`alloc_space`, `12.50MB`, nonzero).
    pub sample_types: Vec<Alternative>,
    /// Set when the values are differences against a base (`-base`,
    /// `-diff_base`, `diff A B`).
    pub diff: Option<BaseMode>,
    /// Snapshots in the session's series (0: one profile).
    pub snapshots: usize,
}

/// Another sample type of the profile, and what it holds.
#[derive(Clone, Debug)]
pub struct Alternative {
    /// Its name.
    pub name: String,
    /// Its total, formatted in its own unit.
    pub total: String,
    /// True when the total is not zero.
    pub nonzero: bool,
}

/// The alternatives of a profile from its sample types' totals
/// (`engine::Engine::sample_totals`: name, total, unit).
pub fn alternatives(totals: Vec<(String, i64, String)>) -> Vec<Alternative> {
    totals
        .into_iter()
        .map(|(name, total, unit)| Alternative {
            name,
            total: crate::render::units::label(total, &unit),
            nonzero: total != 0,
        })
        .collect()
}

/// The explanation of `report`: paragraphs of prose, the last one naming
/// the next commands.
pub fn explain(report: &Report, s: &Situation) -> Vec<String> {
    let mut e = Explainer {
        lang: s.lang,
        report,
        s,
        out: Vec::new(),
        next: Vec::new(),
        new_paragraph: true,
    };
    match &report.body {
        Body::Top(t) => e.top(t),
        Body::Tree(t) if report.command == "peek" => e.tree(t, "peek.intro"),
        Body::Tree(t) => e.tree(t, "tree.intro"),
        Body::List(l) => e.list(l),
        Body::Traces(t) => e.traces(t),
        Body::Tags(t) => e.tags(t),
        Body::Growth(g) => e.growth(g),
        Body::Snapshots(x) => e.snapshots(x),
        Body::Comments(_) | Body::Document(_) | Body::Bytes(_) | Body::Flame(_) => {
            e.say("generic", &[("command", report.command)]);
            e.next.push("top".into());
        }
    }
    e.finish()
}

/// What to say when no report has been shown yet.
pub fn nothing(lang: Lang) -> Vec<String> {
    vec![lang.text("nothing").to_string()]
}

/// Paragraphs laid out for a terminal or a pipe: wrapped to `width`, a
/// blank line between paragraphs, dimmed when `dim`.
pub fn layout(paragraphs: &[String], width: usize, dim: bool) -> String {
    let mut out = String::new();
    for (i, p) in paragraphs.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for l in lang::wrap(p, width) {
            if dim && !l.is_empty() {
                out.push_str(&format!("\x1b[2m{l}\x1b[0m\n"));
            } else {
                out.push_str(&l);
                out.push('\n');
            }
        }
    }
    out
}

struct Explainer<'a> {
    lang: Lang,
    report: &'a Report,
    s: &'a Situation,
    out: Vec<String>,
    next: Vec<String>,
    new_paragraph: bool,
}

impl Explainer<'_> {
    /// Adds a sentence to the current paragraph.
    fn say(&mut self, key: &str, args: &[(&str, &str)]) {
        let text = self.lang.say(key, args);
        match self.out.last_mut() {
            Some(p) if !self.new_paragraph => {
                p.push_str(self.lang.gap());
                p.push_str(&text);
            }
            _ => self.out.push(text),
        }
        self.new_paragraph = false;
    }

    /// Starts a new paragraph with the next sentence.
    fn paragraph(&mut self) {
        self.new_paragraph = true;
    }

    fn scale(&self) -> &Scale {
        &self.report.scale
    }

    fn value(&self, v: i64) -> String {
        self.scale().format(v)
    }

    fn pct(&self, v: i64) -> String {
        units::percentage(v, self.report.total).trim().to_string()
    }

    fn total(&self) -> String {
        self.value(self.report.total)
    }

    fn finish(mut self) -> Vec<String> {
        self.next.dedup();
        self.next.truncate(2);
        if !self.next.is_empty() {
            let commands = self
                .next
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(self.lang.text("or"));
            self.paragraph();
            self.say("next", &[("commands", &commands)]);
        }
        self.out
    }

    /// What the sample type measures, with the total.
    fn measure(&mut self) {
        let ty = self
            .report
            .sample_type
            .trim_start_matches("mean_")
            .to_string();
        let key = match ty.as_str() {
            "inuse_space" | "inuse_objects" | "alloc_space" | "alloc_objects" | "cpu"
            | "samples" | "contentions" | "delay" | "goroutine" => format!("measure.{ty}"),
            _ => "measure.other".to_string(),
        };
        let unit = self.scale().sample_unit.clone();
        let total = self.total();
        self.say(&key, &[("type", &ty), ("unit", &unit), ("total", &total)]);
    }

    /// Which other sample type answers which question, for those the
    /// profile has.
    fn advice(&mut self) {
        let ty = self.report.sample_type.trim_start_matches("mean_");
        let has = |n: &str| self.s.sample_types.iter().any(|a| a.name == n);
        let key = match ty {
            "inuse_space" | "inuse_objects" if has("alloc_space") => "advice.inuse",
            "alloc_space" | "alloc_objects" if has("inuse_space") => "advice.alloc",
            "cpu" | "samples" => "advice.cpu",
            "contentions" | "delay" => "advice.contention",
            "goroutine" => "advice.goroutine",
            _ => return,
        };
        self.paragraph();
        self.say(key, &[]);
    }

    /// A report with nothing in it: say which sample type holds something.
    fn empty(&mut self) {
        let ty = self.report.sample_type.clone();
        self.say("empty", &[("type", &ty)]);
        let other = self
            .s
            .sample_types
            .iter()
            .find(|a| a.nonzero && a.name != ty)
            .cloned();
        if ty.starts_with("inuse_") {
            self.say("empty.heap", &[]);
        }
        if let Some(a) = other {
            self.say("empty.try", &[("other", &a.name), ("total", &a.total)]);
            self.next.push(format!("sample_index={}", a.name));
        }
    }

    fn diff(&mut self, negative: Option<(&str, i64)>) {
        let Some(mode) = self.s.diff else { return };
        self.paragraph();
        let total = self.total();
        let key = match mode {
            BaseMode::Subtract => "diff.base",
            BaseMode::Diff => "diff.diff_base",
        };
        self.say(key, &[("total", &total)]);
        if let Some((name, v)) = negative {
            let v = self.value(v);
            self.say("diff.negative", &[("name", name), ("value", &v)]);
        }
    }

    fn top(&mut self, t: &Top) {
        if self.report.total == 0 || t.rows.is_empty() {
            self.empty();
            return;
        }
        self.measure();
        let negative = t.rows.iter().find(|r| r.flat < 0 || r.cum < 0);
        self.diff(negative.map(|r| (r.name.as_str(), r.flat.min(r.cum))));
        self.paragraph();
        let first = &t.rows[0];
        let by_cum = t.order == Order::Cum;
        let (flat, flat_pct) = (self.value(first.flat), self.pct(first.flat));
        let (cum, cum_pct) = (self.value(first.cum), self.pct(first.cum));
        let order = if by_cum { "top.first_cum" } else { "top.first" };
        self.say(
            order,
            &[
                ("name", &first.name),
                ("flat", &flat),
                ("flat_pct", &flat_pct),
                ("cum", &cum),
                ("cum_pct", &cum_pct),
            ],
        );
        if first.flat == first.cum {
            self.say("top.leaf", &[("name", &first.name)]);
        }
        // The program's own function nearest the cost: a big cum (to the
        // percent), little flat, the most flat among equals (a caller's cum
        // includes its callee's, so the callee is the one to read).
        let total = self.report.total.max(1);
        let caller = t
            .rows
            .iter()
            .filter(|r| r.name != first.name && own_code(&r.name))
            .filter(|r| r.flat.saturating_mul(2) < r.cum && r.cum.saturating_mul(10) >= total)
            .max_by_key(|r| (r.cum.saturating_mul(100) / total, r.flat));
        if let Some(c) = caller {
            let (flat, cum, cum_pct) = (self.value(c.flat), self.value(c.cum), self.pct(c.cum));
            self.say(
                "top.caller",
                &[
                    ("name", &c.name),
                    ("flat", &flat),
                    ("cum", &cum),
                    ("cum_pct", &cum_pct),
                ],
            );
        }
        // sum%: how few rows hold most of the total.
        self.paragraph();
        let shown_flat = t.rows.last().map_or(0, |r| r.sum);
        let k = t
            .rows
            .iter()
            .position(|r| r.sum.saturating_mul(5) >= self.report.total.saturating_mul(4))
            .map_or(t.rows.len(), |i| i + 1);
        let sum = t.rows[k - 1].sum;
        let (rows, sum_pct, total) = (k.to_string(), self.pct(sum), self.total());
        if shown_flat != 0 {
            self.say(
                if k == 1 { "top.sum_one" } else { "top.sum" },
                &[("rows", &rows), ("sum_pct", &sum_pct), ("total", &total)],
            );
        }
        if let Some(r) = t.rows.iter().find(|r| r.inlined != Inlined::No) {
            self.say("top.inline", &[("name", &r.name)]);
        }
        let l = &t.header.legend;
        if l.dropped_nodes > 0 {
            let (n, cut) = (l.dropped_nodes.to_string(), self.value(l.node_cut));
            self.say("top.dropped", &[("count", &n), ("cut", &cut)]);
        }
        if l.shown > 0 && l.shown < l.orig_count {
            let (shown, of) = (l.shown.to_string(), l.orig_count.to_string());
            let more = (l.shown * 2).min(l.orig_count).to_string();
            self.say(
                "top.showing",
                &[("shown", &shown), ("count", &of), ("more", &more)],
            );
        }
        if !l.active_filters.is_empty() {
            let f = l.active_filters.join(" ");
            self.say("top.filters", &[("filters", &f)]);
        }
        self.advice();
        let target = caller.unwrap_or(first);
        self.next
            .push(format!("list {}", short_pattern(&target.name)));
        if self.s.snapshots > 1 && self.s.diff.is_none() {
            self.next.push("growth".into());
        } else {
            self.next
                .push(format!("peek {}", short_pattern(&first.name)));
        }
    }

    fn entry(&mut self, e: &TreeEntry) {
        self.paragraph();
        let (flat, cum, cum_pct) = (self.value(e.flat), self.value(e.cum), self.pct(e.cum));
        self.say(
            "peek.entry",
            &[
                ("name", &e.name),
                ("flat", &flat),
                ("cum", &cum),
                ("cum_pct", &cum_pct),
            ],
        );
        let share = |w: i64| units::percentage(w, e.cum).trim().to_string();
        match e.callers.iter().max_by_key(|n| n.weight) {
            Some(c) => {
                let (w, p) = (self.value(c.weight), share(c.weight));
                self.say(
                    "peek.caller",
                    &[("caller", &c.name), ("weight", &w), ("share", &p)],
                );
            }
            None => self.say("peek.root", &[("name", &e.name)]),
        }
        match e.callees.iter().max_by_key(|n| n.weight) {
            Some(c) => {
                let (w, p) = (self.value(c.weight), share(c.weight));
                self.say(
                    "peek.callee",
                    &[("callee", &c.name), ("weight", &w), ("share", &p)],
                );
            }
            None => self.say("peek.leaf", &[("name", &e.name)]),
        }
    }

    fn tree(&mut self, t: &Tree, intro: &str) {
        if self.report.total == 0 || t.entries.is_empty() {
            self.empty();
            return;
        }
        let n = t.entries.len().to_string();
        self.say(intro, &[("count", &n)]);
        let mut by_cum: Vec<&TreeEntry> = t.entries.iter().collect();
        by_cum.sort_by_key(|e| std::cmp::Reverse(e.cum));
        for e in by_cum.iter().take(2) {
            self.entry(e);
        }
        let negative = t.entries.iter().find(|e| e.flat < 0 || e.cum < 0);
        self.diff(negative.map(|e| (e.name.as_str(), e.flat.min(e.cum))));
        let top = by_cum[0];
        self.next.push(format!("list {}", short_pattern(&top.name)));
        if let Some(c) = top.callers.iter().max_by_key(|n| n.weight) {
            self.next.push(format!("peek {}", short_pattern(&c.name)));
        }
    }

    fn list(&mut self, l: &Listing) {
        let routines: Vec<_> = l
            .functions
            .iter()
            .filter_map(|f| match f {
                Listed::Routine(r) => Some(r),
                Listed::NoSource(_) => None,
            })
            .collect();
        let n = l.functions.len().to_string();
        let Some(r) = routines.iter().max_by_key(|r| r.cum) else {
            self.say("list.none", &[("count", &n)]);
            self.next.push("top".into());
            return;
        };
        if l.functions.len() > 1 {
            self.say("list.count", &[("count", &n), ("name", &r.name)]);
        }
        let (flat, cum, pct) = (self.value(r.flat), self.value(r.cum), self.pct(r.cum));
        self.say(
            "list.routine",
            &[
                ("name", &r.name),
                ("file", &r.file),
                ("flat", &flat),
                ("cum", &cum),
                ("cum_pct", &pct),
            ],
        );
        self.paragraph();
        match &r.source {
            Ok(lines) => {
                if let Some(hot) = lines.iter().filter(|s| s.cum != 0).max_by_key(|s| s.cum) {
                    let (line, flat, cum) = (
                        hot.number.to_string(),
                        self.value(hot.flat),
                        self.value(hot.cum),
                    );
                    let text = hot.text.trim().to_string();
                    self.say(
                        "list.hot",
                        &[
                            ("line", &line),
                            ("text", &text),
                            ("flat", &flat),
                            ("cum", &cum),
                        ],
                    );
                    if hot.cum != hot.flat {
                        let calls = self.value(hot.cum.saturating_sub(hot.flat));
                        self.say("list.calls", &[("calls", &calls)]);
                    }
                }
            }
            Err(e) => self.say("list.nosource", &[("name", &r.name), ("error", e)]),
        }
        self.next.push(format!("peek {}", short_pattern(&r.name)));
        if self.s.snapshots > 1 {
            self.next.push("growth".into());
        }
    }

    fn traces(&mut self, t: &Traces) {
        let n = t.traces.len().to_string();
        let Some(heaviest) = t.traces.iter().max_by_key(|x| x.value.saturating_abs()) else {
            self.empty();
            return;
        };
        self.say("traces.intro", &[("count", &n)]);
        let name = |k: usize| {
            heaviest
                .frames
                .get(k)
                .and_then(|&(i, _)| t.names.get(i as usize))
                .cloned()
        };
        let leaf = name(0).unwrap_or_default();
        let value = units::label(heaviest.value, &self.scale().sample_unit);
        let pct = self.pct(heaviest.value);
        let args = [
            ("value", value.as_str()),
            ("pct", pct.as_str()),
            ("leaf", leaf.as_str()),
        ];
        match name(1) {
            Some(caller) => {
                let mut a = args.to_vec();
                a.push(("caller", &caller));
                self.say("traces.heaviest", &a);
            }
            None => self.say("traces.heaviest_alone", &args),
        }
        self.next.push(format!("peek {}", short_pattern(&leaf)));
        self.next.push("top".into());
    }

    fn tags(&mut self, t: &Tags) {
        let n = t.keys.len().to_string();
        let ty = self.report.sample_type.clone();
        let Some(key) = t.keys.iter().find(|k| !k.values.is_empty()) else {
            self.say("tags.none", &[("type", &ty)]);
            self.next.push("top".into());
            return;
        };
        self.say("tags.intro", &[("type", &ty), ("count", &n)]);
        let (value, amount) = &key.values[0];
        let pct = units::percentage(*amount, key.total).trim().to_string();
        let amount = self.value(*amount);
        self.say(
            "tags.key",
            &[
                ("key", &key.key),
                ("value", value),
                ("amount", &amount),
                ("pct", &pct),
            ],
        );
        self.next
            .push(format!("tagfocus={}={}", key.key, regex::escape(value)));
        self.next.push("top".into());
    }

    fn growth(&mut self, g: &Growth) {
        let n = g.snapshots.len().to_string();
        let ty = self.report.sample_type.clone();
        let first = g.snapshots.first().map_or(0, |x| x.total);
        let last = g.snapshots.last().map_or(0, |x| x.total);
        let (first, last) = (self.value(first), self.value(last));
        self.say(
            "growth.intro",
            &[
                ("type", &ty),
                ("count", &n),
                ("first", &first),
                ("last", &last),
            ],
        );
        let verdicts = [
            Verdict::Growing,
            Verdict::Plateau,
            Verdict::New,
            Verdict::Churn,
            Verdict::Shrinking,
            Verdict::Gone,
            Verdict::Flat,
        ];
        for v in verdicts {
            let rows: Vec<_> = g.rows.iter().filter(|r| r.trend.verdict == v).collect();
            if rows.is_empty() {
                continue;
            }
            let names = rows
                .iter()
                .take(3)
                .map(|r| format!("{} ({})", r.name, signed(self.scale(), r.trend.growth)))
                .collect::<Vec<_>>()
                .join(", ");
            let count = rows.len().to_string();
            self.paragraph();
            self.say(
                &format!("verdict.{}", v.name()),
                &[("names", &names), ("count", &count)],
            );
        }
        if g.rows.is_empty() {
            self.paragraph();
            self.say("growth.none", &[]);
        }
        let growing = |r: &&crate::report::series::GrowthRow| r.trend.verdict == Verdict::Growing;
        let suspect = g
            .rows
            .iter()
            .filter(growing)
            .find(|r| own_code(&r.name))
            .or_else(|| g.rows.iter().find(growing))
            .or(g.rows.first());
        if let Some(r) = suspect {
            self.next.push(format!("list {}", short_pattern(&r.name)));
        }
        self.next.push(format!("diff 1 {n}"));
    }

    fn snapshots(&mut self, x: &Snapshots) {
        let n = x.snapshots.len().to_string();
        let first = self.value(x.snapshots.first().map_or(0, |s| s.total));
        let last = self.value(x.snapshots.last().map_or(0, |s| s.total));
        let ty = self.report.sample_type.clone();
        self.say(
            "snapshots.intro",
            &[
                ("count", &n),
                ("type", &ty),
                ("first", &first),
                ("last", &last),
            ],
        );
        self.next.push("growth".into());
    }
}

/// `+1.5MB`, `-3kB`, `0`, as `growth` prints a change.
fn signed(s: &Scale, v: i64) -> String {
    if v > 0 {
        format!("+{}", s.format(v))
    } else {
        s.format(v)
    }
}

/// True for a name that looks like the program's own code rather than a
/// Go standard-library or runtime function: package `main`, or a package
/// path whose first element has a dot (`github.com/…`); names that are not
/// Go's (C++, Rust) count as own code.
fn own_code(name: &str) -> bool {
    if !name.contains('.') || name.contains("::") {
        return true;
    }
    let (path, last) = match name.rfind('/') {
        Some(i) => (&name[..i], &name[i + 1..]),
        None => ("", name),
    };
    let package = last.split('.').next().unwrap_or("");
    if path.is_empty() {
        return package == "main";
    }
    path.split('/')
        .next()
        .is_some_and(|first| first.contains('.'))
}

#[cfg(test)]
mod tests {
    use super::own_code;

    #[test]
    fn own_code_is_main_or_a_module_path() {
        assert!(own_code("main.(*RequestTracker).Track"));
        assert!(own_code("github.com/acme/x.Do"));
        assert!(own_code("std::vector<int>::push_back"));
        assert!(!own_code("bytes.Repeat"));
        assert!(!own_code("net/http.(*conn).serve"));
        assert!(!own_code("runtime.mallocgc"));
    }
}
