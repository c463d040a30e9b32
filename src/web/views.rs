//! The pages of the web UI, one per view, and their JSON: each asks the
//! engine for the report the shell would make with the same options and
//! renders it as HTML (tables from the report's values, text reports from
//! the styled lines the terminal renderer also uses, the flame graph and
//! call graph as the SVG documents the shell writes).

use super::html::Html;
use super::query::Query;
use crate::render::text::{self, Layout, Rendered, Style};
use crate::render::units::percentage;
use crate::report::top::TopRow;
use crate::report::{Body, Report, Scale};
use serde_json::json;

/// A view of the navigation bar: its path under `/ui/`, its title, and
/// whether it needs a snapshot series.
pub const VIEWS: &[(&str, &str, bool)] = &[
    ("top", "Top", false),
    ("flamegraph", "Flame graph", false),
    ("graph", "Graph", false),
    ("peek", "Peek", false),
    ("source", "Source", false),
    ("disasm", "Disassemble", false),
    ("growth", "Growth", true),
];

const STYLE: &str = r#"<style>
body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 0; font-size: 14px; }
nav { background: #1f4e99; padding: 6px 10px; }
nav a { color: #fff; margin-right: 14px; text-decoration: none; }
nav a.current { font-weight: bold; text-decoration: underline; }
form.refine { padding: 6px 10px; background: #eef2f8; border-bottom: 1px solid #c8d2e4; }
form.refine input[type=text] { width: 11em; }
form.refine .field { white-space: nowrap; display: inline-block; margin: 2px 4px 2px 0; }
main { padding: 8px 10px; }
.legend { color: #444; white-space: pre-wrap; font-family: monospace; }
.error { color: #b00020; font-weight: bold; }
table.top { border-collapse: collapse; font-family: monospace; }
table.top th { cursor: pointer; text-align: right; padding: 2px 8px; background: #eef2f8; }
table.top th.name, table.top td.name { text-align: left; }
table.top td { text-align: right; padding: 1px 8px; }
table.top tr:hover { background: #fff3c4; }
pre { font-size: 13px; }
pre .hot { color: #b00020; font-weight: bold; }
pre .warm { color: #9a5b00; }
pre .sampled { background: #fff3c4; }
pre .header { color: #1f4e99; }
.charts { display: flex; flex-wrap: wrap; gap: 6px 18px; }
aside.explain { max-width: 60em; margin-top: 12px; padding: 6px 12px; background: #f3f7ec; border-left: 4px solid #5a8a1f; }
.chart { font-family: monospace; font-size: 12px; }
.chart svg { display: block; background: #f6f8fc; }
.chart polyline { fill: none; stroke: #b00020; stroke-width: 1.5; }
.chart circle { fill: #b00020; }
.chart.total polyline { stroke: #1f4e99; }
.chart.total circle { fill: #1f4e99; }
object.fill { width: 100%; height: 85vh; border: 0; }
</style>
"#;

/// The script of the Top table: clicking a heading sorts by it.
const SORT_SCRIPT: &str = r#"<script>
(function () {
  "use strict";
  var table = document.querySelector("table.top");
  if (!table) return;
  var heads = table.querySelectorAll("th");
  heads.forEach(function (th, col) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var down = th.getAttribute("data-order") !== "desc";
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute("data-v"), y = b.cells[col].getAttribute("data-v");
        var c = col === heads.length - 1 ? x.localeCompare(y) : parseFloat(x) - parseFloat(y);
        return down ? -c : c;
      });
      heads.forEach(function (h) { h.removeAttribute("data-order"); });
      th.setAttribute("data-order", down ? "desc" : "asc");
      rows.forEach(function (r) { body.appendChild(r); });
      table.setAttribute("data-sorted", col + (down ? " desc" : " asc"));
    });
  });
})();
</script>
"#;

/// The script of the Refine form: empty fields are left out of the URL.
const REFINE_SCRIPT: &str = r#"<script>
document.querySelector("form.refine").addEventListener("submit", function () {
  this.querySelectorAll("input[name], select[name]").forEach(function (e) {
    if (e.value === "") e.disabled = true;
  });
});
</script>
"#;

/// What every page shows around its body.
pub struct Frame<'a> {
    /// The page's view (a path of [`VIEWS`]).
    pub view: &'static str,
    /// The request's query, kept in every link and the form.
    pub query: &'a Query,
    /// The profile's title (its sources).
    pub title: &'a str,
    /// The sample types, for the sample menu.
    pub sample_types: &'a [String],
    /// The snapshots of a series (empty for one profile).
    pub snapshots: usize,
    /// Function names the filter boxes complete (heaviest first).
    pub names: Vec<String>,
    /// True when the query asks for explanations (the checkbox's state).
    pub explain: bool,
}

/// A complete page: the navigation bar, the Refine form, `body`.
pub fn page(f: &Frame, body: Html) -> String {
    let mut h = Html::new();
    h.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    let title = VIEWS
        .iter()
        .find(|v| v.0 == f.view)
        .map_or("rpprof", |v| v.1);
    h.element("title", &[], &format!("{} · {} · rpprof", title, f.title));
    h.raw(STYLE).raw("</head>\n<body>\n<nav>");
    let q = f.query.encoded();
    for &(path, name, series) in VIEWS {
        if series && f.snapshots < 2 {
            continue;
        }
        let href = link(path, &q);
        if path == f.view {
            h.element("a", &[("href", &href), ("class", "current")], name);
        } else {
            h.element("a", &[("href", &href)], name);
        }
    }
    h.raw("</nav>\n");
    h.raw("<datalist id=\"names\">");
    for n in f.names.iter().take(1000) {
        h.open("option", &[("value", &regex::escape(n))]);
    }
    h.raw("</datalist>\n");
    h.append(refine(f));
    h.raw(REFINE_SCRIPT);
    h.raw("<main>\n").append(body).raw("</main>\n");
    if f.view == "top" {
        h.raw(SORT_SCRIPT);
    }
    h.raw("</body></html>\n");
    h.finish()
}

/// `/ui/PATH?QUERY`.
pub fn link(path: &str, query: &str) -> String {
    if query.is_empty() {
        format!("/ui/{path}")
    } else {
        format!("/ui/{path}?{query}")
    }
}

/// The Refine form: the filters as text boxes, the sample type and
/// granularity as menus; submitting reloads the view with them in the URL.
fn refine(f: &Frame) -> Html {
    let mut h = Html::new();
    let action = format!("/ui/{}", f.view);
    h.open(
        "form",
        &[("class", "refine"), ("method", "get"), ("action", &action)],
    );
    for (param, label) in [
        ("f", "focus"),
        ("i", "ignore"),
        ("h", "hide"),
        ("s", "show"),
        ("sf", "show_from"),
        ("tf", "tagfocus"),
        ("ti", "tagignore"),
    ] {
        let value = f.query.get(param).unwrap_or("");
        h.raw("<span class=\"field\">");
        h.element("label", &[("for", param)], label).raw(" ");
        h.open(
            "input",
            &[
                ("type", "text"),
                ("id", param),
                ("name", param),
                ("value", value),
                ("list", "names"),
            ],
        )
        .raw("</span> ");
    }
    let types: Vec<(&str, &str)> = f
        .sample_types
        .iter()
        .map(|t| (t.as_str(), t.as_str()))
        .collect();
    menu(&mut h, f.query, "si", "sample", &types);
    let granularities = crate::config::GROUPS
        .iter()
        .find(|g| g.name == "granularity")
        .map_or(&[][..], |g| g.choices);
    let choices: Vec<(&str, &str)> = granularities.iter().map(|c| (c.name, c.name)).collect();
    menu(&mut h, f.query, "g", "granularity", &choices);
    let units: Vec<(&str, &str)> = crate::render::units::unit_names()
        .into_iter()
        .map(|u| (u, u))
        .collect();
    menu(&mut h, f.query, "unit", "unit", &units);
    if f.snapshots > 1 {
        let numbers: Vec<String> = (1..=f.snapshots).map(|k| k.to_string()).collect();
        let newest = format!("{} (newest)", f.snapshots);
        let snapshots: Vec<(&str, &str)> = numbers
            .iter()
            .map(|k| {
                let shown = if *k == f.snapshots.to_string() {
                    newest.as_str()
                } else {
                    k.as_str()
                };
                (k.as_str(), shown)
            })
            .collect();
        menu(&mut h, f.query, "snapshot", "snapshot", &snapshots);
        let bases: Vec<(&str, &str)> = numbers.iter().map(|k| (k.as_str(), k.as_str())).collect();
        menu(&mut h, f.query, "base", "base", &bases);
    }
    if f.explain {
        h.raw("<label><input type=\"checkbox\" name=\"explain\" value=\"true\" checked> explain</label> ");
    } else {
        h.raw("<label><input type=\"checkbox\" name=\"explain\" value=\"true\"> explain</label> ");
    }
    h.raw("<input type=\"submit\" value=\"Refine\"> ");
    h.element("a", &[("href", &format!("/ui/{}", f.view))], "Reset");
    h.close("form").raw("\n");
    h
}

/// The explanation of a report, paragraph by paragraph.
pub fn explanation(paragraphs: &[String]) -> Html {
    let mut h = Html::new();
    h.raw("<aside class=\"explain\">");
    for p in paragraphs {
        h.element("p", &[], p);
    }
    h.raw("</aside>\n");
    h
}

/// A labelled menu for query parameter `param`: a first entry for no
/// value (`default`, or for `snapshot` the newest, which is the default)
/// and `(value, shown)` choices; the query's value is selected.
fn menu(h: &mut Html, q: &Query, param: &'static str, label: &str, choices: &[(&str, &str)]) {
    h.raw("<span class=\"field\">");
    h.element("label", &[("for", param)], label).raw(" ");
    h.open("select", &[("id", param), ("name", param)]);
    let current = q.get(param).unwrap_or("");
    let none = match param {
        "base" => "none",
        _ => "default",
    };
    if param != "snapshot" {
        h.element("option", &[("value", "")], none);
    }
    let last = choices.len().saturating_sub(1);
    for (i, (value, shown)) in choices.iter().enumerate() {
        // Without a value in the query, a series shows its newest snapshot.
        let selected =
            *value == current || (current.is_empty() && param == "snapshot" && i == last);
        if selected {
            h.element("option", &[("value", value), ("selected", "")], shown);
        } else {
            h.element("option", &[("value", value)], shown);
        }
    }
    h.close("select").raw("</span> ");
}

/// The body of a failed view: the error's one line.
pub fn error_body(message: &str) -> Html {
    let mut h = Html::new();
    h.element("p", &[("class", "error")], message);
    h
}

/// The report's header lines (the legend), as text.
fn legend(lines: &[String]) -> Html {
    let mut h = Html::new();
    h.element("div", &[("class", "legend")], &lines.join("\n"));
    h
}

/// The Top view: a sortable table of the rows, each name linking to a
/// focus on it and to its source.
pub fn top(report: &Report, query: &Query) -> Html {
    let mut h = Html::new();
    let Body::Top(t) = &report.body else {
        return error_body("not a top report");
    };
    h.append(legend(&t.header.lines()));
    h.raw("<table class=\"top\"><thead><tr><th>flat</th><th>flat%</th><th>sum%</th><th>cum</th><th>cum%</th><th class=\"name\">name</th></tr></thead>\n<tbody>\n");
    let s = &report.scale;
    let total = report.total;
    for r in &t.rows {
        let focus = query.with("f", &format!("^{}$", regex::escape(&r.name)));
        let focused = link("top", &focus);
        let source = link("source", &focus);
        h.raw("<tr>");
        let [flat, flat_pct, sum_pct, cum, cum_pct] = top_cells(r, s, total);
        for (v, shown) in [
            (r.flat, flat),
            (r.flat, flat_pct),
            (r.sum, sum_pct),
            (r.cum, cum),
            (r.cum, cum_pct),
        ] {
            h.element("td", &[("data-v", &v.to_string())], &shown);
        }
        h.open("td", &[("class", "name"), ("data-v", &r.name)]);
        h.element(
            "a",
            &[("href", &focused), ("title", "focus on it")],
            &r.name,
        );
        h.raw(" ");
        h.element("a", &[("href", &source), ("class", "src")], "[source]");
        h.raw("</td></tr>\n");
    }
    h.raw("</tbody></table>\n");
    h
}

/// A Top row's flat, flat%, sum%, cum and cum% as `top` prints them.
fn top_cells(r: &TopRow, s: &Scale, total: i64) -> [String; 5] {
    let pct = |v: i64| percentage(v, total).trim().to_string();
    [
        s.format(r.flat),
        pct(r.flat),
        pct(r.sum),
        s.format(r.cum),
        pct(r.cum),
    ]
}

/// `/api/top`: the Top rows as JSON, values raw and as the text shows them.
pub fn top_json(report: &Report) -> String {
    let Body::Top(t) = &report.body else {
        return "{}".into();
    };
    let s = &report.scale;
    let total = report.total;
    let rows: Vec<_> = t
        .rows
        .iter()
        .map(|r| {
            let [flat, flat_pct, sum_pct, cum, cum_pct] = top_cells(r, s, total);
            json!({
                "name": r.name,
                "flat": r.flat,
                "flat_text": flat,
                "flat_percent": flat_pct,
                "sum_percent": sum_pct,
                "cum": r.cum,
                "cum_text": cum,
                "cum_percent": cum_pct,
            })
        })
        .collect();
    safe_json(&json!({
        "sample_type": report.sample_type,
        "unit": s.sample_unit,
        "total": total,
        "total_text": s.format(total),
        "legend": t.header.lines(),
        "rows": rows,
    }))
}

/// `/api/flamegraph`: the frames of the flame graph as JSON.
pub fn flame_json(report: &Report) -> String {
    let Body::Flame(f) = &report.body else {
        return "{}".into();
    };
    let frames: Vec<_> = f
        .frames
        .iter()
        .map(|fr| {
            json!({
                "name": fr.name,
                "depth": fr.depth,
                "parent": fr.parent,
                "start": fr.start,
                "width": fr.width,
                "cum": fr.cum,
                "flat": fr.flat,
            })
        })
        .collect();
    safe_json(&json!({
        "sample_type": report.sample_type,
        "unit": report.scale.sample_unit,
        "total": report.total,
        "width": f.width,
        "diff": f.diff,
        "frames": frames,
    }))
}

/// JSON text with `<`, `>` and `&` written as `\u003c`, `\u003e`,
/// `\u0026` (they occur only inside strings): the text stays inert even
/// where it ends up inside HTML or a script. Profile bytes that are not
/// UTF-8 become U+FFFD, as a browser shows them.
pub fn safe_json(v: &serde_json::Value) -> String {
    crate::model::utf8::lossy(&v.to_string())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// A text report (peek, list, disasm, growth) as preformatted text, lines
/// classed by the styles the terminal colours.
pub fn text_report(report: &Report) -> Html {
    let layout = Layout::default();
    let mut h = Html::new();
    h.raw("<pre>");
    match text::lines(report, &layout) {
        Some(lines) => {
            for l in lines {
                let class = match l.style {
                    Style::Plain => None,
                    Style::Header => Some("header"),
                    Style::Hot => Some("hot"),
                    Style::Warm => Some("warm"),
                    Style::Sampled => Some("sampled"),
                };
                match class {
                    Some(c) => h.element("span", &[("class", c)], &l.text),
                    None => h.text(&l.text),
                };
                h.raw("\n");
            }
        }
        None => {
            if let Rendered::Text(t) = text::plain(report, &layout) {
                h.text(&t);
            }
        }
    }
    h.raw("</pre>\n");
    h
}

/// The Growth view: a chart of the snapshots' totals, the `growth` table
/// as the text report prints it, and a small chart of each row's values
/// over the snapshots.
pub fn growth(report: &Report) -> Html {
    let mut h = Html::new();
    let Body::Growth(g) = &report.body else {
        return error_body("not a growth report");
    };
    let s = &report.scale;
    let totals: Vec<Option<i64>> = g.snapshots.iter().map(|x| Some(x.total)).collect();
    h.raw("<div class=\"charts\">");
    h.append(chart("Total", &totals, s, true));
    h.raw("</div>\n");
    h.append(text_report(report));
    h.raw("<h3>Each row over the snapshots</h3>\n<div class=\"charts\">");
    for r in &g.rows {
        h.append(chart(&r.name, &r.values, s, false));
    }
    h.raw("</div>\n");
    h
}

/// A line chart of `values` (one per snapshot; `None` where absent, which
/// breaks the line) titled `name`, each point's value in its tooltip.
fn chart(name: &str, values: &[Option<i64>], s: &crate::report::Scale, total: bool) -> Html {
    const W: f64 = 220.0;
    const H: f64 = 48.0;
    const PAD: f64 = 5.0;
    let max = values.iter().flatten().copied().max().unwrap_or(0).max(1) as f64;
    let min = values.iter().flatten().copied().min().unwrap_or(0).min(0) as f64;
    let n = values.len().max(2) - 1;
    let at = |i: usize, v: i64| {
        let x = PAD + (W - 2.0 * PAD) * i as f64 / n as f64;
        let y = H - PAD - (H - 2.0 * PAD) * (v as f64 - min) / (max - min).max(1.0);
        (x, y)
    };
    let mut h = Html::new();
    let class = if total { "chart total" } else { "chart" };
    h.open("div", &[("class", class)]);
    h.element("div", &[], name);
    let size = (W.to_string(), H.to_string());
    h.open(
        "svg",
        &[
            ("width", &size.0),
            ("height", &size.1),
            ("viewBox", &format!("0 0 {W} {H}")),
            ("role", "img"),
        ],
    );
    // One polyline per run of snapshots holding the entry.
    let mut run: Vec<String> = Vec::new();
    let flush = |h: &mut Html, run: &mut Vec<String>| {
        if run.len() > 1 {
            h.open("polyline", &[("points", &run.join(" "))])
                .close("polyline");
        }
        run.clear();
    };
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                let (x, y) = at(i, *v);
                run.push(format!("{x:.1},{y:.1}"));
            }
            None => flush(&mut h, &mut run),
        }
    }
    flush(&mut h, &mut run);
    for (i, v) in values.iter().enumerate() {
        if let Some(v) = v {
            let (x, y) = at(i, *v);
            h.open(
                "circle",
                &[
                    ("cx", &format!("{x:.1}")),
                    ("cy", &format!("{y:.1}")),
                    ("r", "2.5"),
                ],
            );
            h.element("title", &[], &format!("#{}: {}", i + 1, s.format(*v)));
            h.close("circle");
        }
    }
    h.close("svg").close("div");
    h
}

/// A page showing the SVG document at `src`: at its own size (the flame
/// graph), or filling the window (`fill`: the call graph, which pans and
/// zooms inside it).
pub fn embedded_svg(src: &str, fill: bool) -> Html {
    let mut h = Html::new();
    let mut attrs = vec![("type", "image/svg+xml"), ("data", src)];
    if fill {
        attrs.push(("class", "fill"));
    }
    h.open("object", &attrs);
    h.close("object");
    h
}

/// What a view needing a function says without one.
pub fn needs_function(view: &str) -> Html {
    let mut h = Html::new();
    h.element(
        "p",
        &[],
        &format!("{view} shows the functions matching the focus regexp: type one in the focus box above and press Refine (or pick a row of Top)."),
    );
    h
}
