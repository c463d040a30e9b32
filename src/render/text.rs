//! The text renderer: a [`Report`] value laid out as pprof's exact text,
//! line by line, each line tagged with a [`Style`] decided from the data
//! (a header, a row whose flat share is hot, a sampled source line). The
//! plain form joins the lines (what pprof prints, byte for byte); the
//! terminal form (`render::color`) paints each line by its style. Nothing
//! here parses text or looks at options.

use crate::render::units;
use crate::report::list::Listed;
use crate::report::top::Inlined;
use crate::report::tree::Neighbour;
use crate::report::{Body, Report, Scale};
use std::borrow::Cow;

/// How a line is shown on a terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Ordinary text.
    Plain,
    /// A header, legend or column heading.
    Header,
    /// A row holding 10% or more of the total (or of its node, for edges).
    Hot,
    /// A row holding 1% or more.
    Warm,
    /// A source line with samples.
    Sampled,
}

/// A laid-out line (without its newline).
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// Its style.
    pub style: Style,
    /// Its text.
    pub text: String,
}

/// What a layout may depend on besides the report: the sparkline alphabet
/// and the width of rpprof's own tables (pprof's reports ignore both).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// ASCII sparklines (`_.-=#`) instead of block characters.
    pub ascii: bool,
    /// Columns available.
    pub width: usize,
}

impl Default for Layout {
    /// Piped output: ASCII, 100 columns.
    fn default() -> Layout {
        Layout {
            ascii: true,
            width: 100,
        }
    }
}

impl Layout {
    /// The layout for a stream that is (or is not) a terminal: block
    /// characters only on a UTF-8 terminal (`LC_ALL`, `LC_CTYPE`, `LANG`)
    /// unless `ascii`; the width from `COLUMNS`, else 100.
    pub fn detect(terminal: bool, ascii: bool) -> Layout {
        let utf8 = ["LC_ALL", "LC_CTYPE", "LANG"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
            .is_some_and(|v| {
                let v = v.to_ascii_lowercase();
                v.contains("utf-8") || v.contains("utf8")
            });
        Layout {
            ascii: ascii || !(terminal && utf8),
            width: std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse().ok())
                .filter(|&w: &usize| w >= 40)
                .unwrap_or(100),
        }
    }
}

/// A rendered report, borrowing documents and binary data from the report.
#[derive(Clone, Debug, PartialEq)]
pub enum Rendered<'a> {
    /// Text for stdout or a file.
    Text(Cow<'a, str>),
    /// Binary data (protobuf, images).
    Bytes(Cow<'a, [u8]>),
}

/// The style of a row holding `value` of `whole`.
fn share_style(value: i64, whole: i64) -> Style {
    if whole == 0 {
        return Style::Plain;
    }
    let p = 100.0 * (value as f64 / whole as f64).abs();
    if p >= 10.0 {
        Style::Hot
    } else if p >= 1.0 {
        Style::Warm
    } else {
        Style::Plain
    }
}

#[derive(Default)]
struct Lines(Vec<Line>);

impl Lines {
    fn push(&mut self, style: Style, text: impl Into<String>) {
        self.0.push(Line {
            style,
            text: text.into(),
        });
    }

    fn headers(&mut self, lines: Vec<String>) {
        for l in lines {
            self.push(Style::Header, l);
        }
    }
}

const TREE_SEPARATOR: &str =
    "----------------------------------------------------------+-------------";
const TREE_LEGEND: &str =
    "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t ";
const TRACE_SEPARATOR: &str = "-----------+-------------------------------------------------------";

/// The laid-out lines of a report with a text layout; `None` for documents
/// and binary data, which are delivered as they are.
pub fn lines(report: &Report, layout: &Layout) -> Option<Vec<Line>> {
    let mut out = Lines::default();
    let (s, total) = (&report.scale, report.total);
    match &report.body {
        Body::Top(t) => {
            out.headers(t.header.lines());
            out.push(
                Style::Header,
                format!(
                    "{:>10} {:>5}% {:>5}% {:>10} {:>5}%",
                    "flat", "flat", "sum", "cum", "cum"
                ),
            );
            for row in &t.rows {
                let mark = match row.inlined {
                    Inlined::Partial => " (partial-inline)",
                    Inlined::Inline => " (inline)",
                    Inlined::No => "",
                };
                out.push(
                    share_style(row.flat, total),
                    format!(
                        "{}  {}{mark}",
                        s.value_columns(row.flat, row.sum, row.cum, total),
                        row.name
                    ),
                );
            }
        }
        Body::Tree(t) => {
            out.headers(t.header.lines());
            out.push(Style::Plain, TREE_SEPARATOR);
            out.push(Style::Header, TREE_LEGEND);
            let edge = |out: &mut Lines, e: &Neighbour, cum: i64| {
                let mark = if e.inline { " (inline)" } else { "" };
                out.push(
                    share_style(e.weight, cum),
                    format!(
                        "{:>50} {} |   {}{mark}",
                        s.format(e.weight),
                        units::percentage(e.weight, cum),
                        e.name
                    ),
                );
            };
            for n in &t.entries {
                out.push(Style::Plain, TREE_SEPARATOR);
                for e in &n.callers {
                    edge(&mut out, e, n.cum);
                }
                out.push(
                    share_style(n.flat, total),
                    format!(
                        "{}                | {}",
                        s.value_columns(n.flat, n.sum, n.cum, total),
                        n.name
                    ),
                );
                for e in &n.callees {
                    edge(&mut out, e, n.cum);
                }
            }
            if t.any_nodes {
                out.push(Style::Plain, TREE_SEPARATOR);
            }
        }
        Body::List(l) => list(&mut out, l, s),
        Body::Traces(t) => {
            out.headers(t.profile.lines(s, total));
            for tr in &t.traces {
                // Ctrl-C: the output drops what was rendered.
                if crate::cancel::requested() {
                    break;
                }
                out.push(Style::Plain, TRACE_SEPARATOR);
                for l in &tr.labels {
                    out.push(Style::Plain, l.trim_end_matches('\n'));
                }
                for (i, &(node, inline)) in tr.frames.iter().enumerate() {
                    let value = if i == 0 {
                        s.format(tr.value)
                    } else {
                        String::new()
                    };
                    let mark = if inline { " (inline)" } else { "" };
                    out.push(
                        Style::Plain,
                        format!("{value:>10}   {}{mark}", t.names[node as usize]),
                    );
                }
            }
            out.push(Style::Plain, TRACE_SEPARATOR);
        }
        Body::Tags(t) => tags(&mut out, t, s),
        Body::Comments(c) => {
            for l in c {
                out.push(Style::Plain, l.as_str());
            }
        }
        Body::Growth(g) => super::series::growth(&mut out.0, g, s, &report.sample_type, layout),
        Body::Snapshots(x) => {
            super::series::snapshots(&mut out.0, x, s, &report.sample_type, layout)
        }
        Body::Flame(_) if is_svg(report) => return None,
        Body::Flame(f) => {
            let (rows, drawn) = super::flame::rows(report, f, layout.width, true);
            out.headers(super::flame::heading(report, f, drawn));
            for row in rows {
                let text: String = row.iter().map(|s| s.text.as_str()).collect();
                out.push(Style::Plain, text);
            }
        }
        Body::Document(_) | Body::Bytes(_) => return None,
    }
    Some(out.0)
}

fn list(out: &mut Lines, l: &crate::report::list::Listing, s: &Scale) {
    out.push(Style::Header, format!("Total: {}", s.format(l.total)));
    for f in &l.functions {
        match f {
            Listed::NoSource(name) => {
                out.push(Style::Plain, format!("No source information for {name}"))
            }
            Listed::Routine(r) => {
                out.push(
                    Style::Header,
                    format!("ROUTINE ======================== {} in {}", r.name, r.file),
                );
                out.push(Style::Header, s.flat_cum_line(r.flat, r.cum, l.total));
                match &r.source {
                    Err(e) => out.push(Style::Plain, format!(" Error: {e}")),
                    Ok(lines) => {
                        for line in lines {
                            let style = if line.flat != 0 || line.cum != 0 {
                                Style::Sampled
                            } else {
                                Style::Plain
                            };
                            out.push(
                                style,
                                format!(
                                    "{:>10} {:>10} {:>6}:{}",
                                    s.value_or_dot(line.flat),
                                    s.value_or_dot(line.cum),
                                    line.number,
                                    line.text
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
}

fn tags(out: &mut Lines, t: &crate::report::tags::Tags, s: &Scale) {
    let scaled = |v: i64| {
        let (x, u) = units::scale(v, &s.sample_unit, &s.output_unit);
        format!("{}{u}", units::fmt_fixed(x, 1))
    };
    let mut w = crate::render::tabwriter::TabWriter::new();
    for k in &t.keys {
        w.line(&format!("{}:\t Total {}", k.key, scaled(k.total)));
        for (name, v) in &k.values {
            if k.total > 0 {
                let pct = units::percentage(*v, k.total);
                w.line(&format!(" \t{} ({pct}):\t {name}", scaled(*v)));
            } else {
                w.line(&format!(" \t{}:\t {name}", scaled(*v)));
            }
        }
        w.line("");
    }
    for l in w.finish().split_inclusive('\n') {
        out.push(Style::Plain, l.strip_suffix('\n').unwrap_or(l));
    }
}

/// True for a flame graph drawn as an SVG document.
pub fn is_svg(report: &Report) -> bool {
    matches!(report.body, Body::Flame(_)) && report.command == "flamegraph"
}

/// The report as pprof prints it.
pub fn plain<'a>(report: &'a Report, layout: &Layout) -> Rendered<'a> {
    match &report.body {
        Body::Flame(f) if is_svg(report) => {
            Rendered::Text(Cow::Owned(super::flamegraph::render(report, f)))
        }
        Body::Document(d) => Rendered::Text(Cow::Borrowed(d)),
        Body::Bytes(b) => Rendered::Bytes(Cow::Borrowed(b)),
        _ => {
            let mut s = String::new();
            for l in lines(report, layout).unwrap_or_default() {
                s.push_str(&l.text);
                s.push('\n');
            }
            Rendered::Text(Cow::Owned(s))
        }
    }
}
