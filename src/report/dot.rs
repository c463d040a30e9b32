//! `dot` (and the image formats and `web`, which pipe it through Graphviz):
//! the visually trimmed call graph as Graphviz DOT text, as pprof's
//! `ComposeDot` writes it — legend, node labels with shortened names, font
//! sizes and colours by weight, nodelets for label tags (numeric ones
//! bucketed), and edges sorted by weight.
//!
//! A report module: it takes the graph from `aggregate::visual` and only
//! formats. It never runs Graphviz (that is `output`'s job).

use super::Context;
use super::header::{Header, Legend};
use crate::aggregate::graph::{Edge, Identity, Node, sort_edges_by};
use crate::aggregate::nodes::{NodeInfo, basename};
use crate::aggregate::tags::{MAX_NODELETS, NodeTags, SampleTags, Tag, sort_tags};
use crate::aggregate::visual::{self, Visual};
use crate::model::NONE;
use crate::model::merge::FastMap;
use crate::render::units::{self, percentage};
use ::regex::Regex;
use std::fmt::Write;
use std::sync::LazyLock;

/// The last legend line pprof adds to every graph.
const LEGEND_HINT: &str = "\nSee https://git.io/JfYMW for how to read the graph";

/// Renders `dot`.
pub fn render(r: &mut Context) -> String {
    let table = r.cached_table();
    let names: Vec<String> = table.infos.iter().map(|i| i.printable_name()).collect();
    let st = SampleTags::new(&r.view, &r.num_units, &r.output_unit);
    let v = visual::trimmed(
        &r.view,
        &table,
        &names,
        r.values,
        r.trim_options(),
        r.opts.call_tree,
        st.as_ref(),
    );
    let g = &v.graph;
    r.select_output_unit(
        g.nodes.iter().map(|n| (n.flat_value(), n.cum_value())),
        false,
    );
    let legend = Legend {
        flat_sum: crate::model::sum_values(g.nodes.iter().map(|n| n.flat_value())),
        shown: g.nodes.len(),
        orig_count: v.orig_count,
        dropped_nodes: v.dropped_nodes,
        dropped_edges: v.dropped_edges,
        ..Legend::empty(r)
    };
    let mut labels = Header::new(r, legend, true).lines();
    labels.push(LEGEND_HINT.to_string());
    let ident = Identity {
        infos: &table.infos,
        names: &names,
        map: v.map.as_deref(),
    };
    compose(r, &v, &ident, &labels)
}

/// pprof's `ComposeDot`.
fn compose(r: &Context, v: &Visual, ident: &Identity, labels: &[String]) -> String {
    let title = r.view.profile().main_binary();
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", title.unwrap_or("unnamed"));
    out.push_str("node [style=filled fillcolor=\"#f8f8f8\"]\n");
    if let Some(first) = labels.first() {
        let joined: Vec<String> = labels.iter().map(|l| escape(l)).collect();
        let _ = write!(
            out,
            "subgraph cluster_L {{ \"{}\" [shape=box fontsize=16 label=\"{}\\l\"",
            escape(first),
            joined.join("\\l")
        );
        if let Some(t) = title {
            let _ = write!(out, " tooltip=\"{t}\"");
        }
        out.push_str("] }\n");
    }
    let g = &v.graph;
    if g.nodes.is_empty() {
        out.push_str("}\n");
        return out;
    }
    let mut number = FastMap::default();
    let mut max_flat = 0f64;
    for (i, n) in g.nodes.iter().enumerate() {
        number.insert(n.id, i + 1);
        max_flat = max_flat.max(n.flat_value().saturating_abs() as f64);
    }
    let mut has_nodelets = FastMap::default();
    for (i, n) in g.nodes.iter().enumerate() {
        node(
            &mut out,
            r,
            n,
            i + 1,
            max_flat,
            ident.info(n.id),
            ident.name(n.id),
        );
        let tags = v.tags.get(&n.id);
        let drawn = tags.is_some_and(|t| nodelets(&mut out, r, t, i + 1, !n.outs.is_empty()));
        has_nodelets.insert(n.id, drawn);
    }
    let mut edges: Vec<&Edge> = g.nodes.iter().flat_map(|n| g.out_edges(n)).collect();
    sort_edges_by(&mut edges, |id| ident.name(id));
    for e in edges {
        edge(
            &mut out,
            r,
            e,
            (number[&e.src], number[&e.dst]),
            (ident.name(e.src), ident.name(e.dst)),
            has_nodelets[&e.src],
        );
    }
    out.push_str("}\n");
    out
}

/// One node line (pprof's `addNode`).
fn node(
    out: &mut String,
    r: &Context,
    n: &Node,
    id: usize,
    max_flat: f64,
    info: &NodeInfo,
    name: &str,
) {
    let (flat, cum) = (n.flat_value(), n.cum_value());
    let mut label = multiline_name(info);
    let flat_text = r.format_value(flat);
    if flat != 0 {
        let _ = write!(label, "{flat_text} ({})", percentage(flat, r.total).trim());
    } else {
        label.push('0');
    }
    let mut cum_text = flat_text;
    if cum != flat {
        label.push_str(if flat != 0 { "\\n" } else { " " });
        cum_text = r.format_value(cum);
        let _ = write!(label, "of {cum_text} ({})", percentage(cum, r.total).trim());
    }
    let mut font = 8;
    let aflat = flat.saturating_abs() as f64;
    if max_flat != 0.0 && flat != 0 && aflat <= max_flat {
        font += (16.0 * (aflat / max_flat).sqrt()).ceil() as i64;
    }
    let score = n.cum_value() as f64 / r.total.saturating_abs() as f64;
    let _ = writeln!(
        out,
        "N{id} [label=\"{label}\" id=\"node{id}\" fontsize={font} shape=box tooltip=\"{} ({cum_text})\" color=\"{}\" fillcolor=\"{}\"]",
        escape(name),
        dot_color(score, false),
        dot_color(score, true)
    );
}

/// The nodelets of a node (pprof's `addNodelets`); true when any was drawn.
/// Internal nodes (with out-edges) show flat tag weights, leaves cum.
fn nodelets(out: &mut String, r: &Context, tags: &NodeTags, id: usize, flat: bool) -> bool {
    let start = out.len();
    let mut labels: Vec<&(u32, Tag)> = tags.labels.iter().collect();
    sort_tags(&mut labels, flat, |(_, t)| t);
    for (i, (set, t)) in labels.into_iter().take(MAX_NODELETS).enumerate() {
        let w = if flat { t.flat_value() } else { t.cum_value() };
        if w == 0 {
            continue;
        }
        nodelet(
            out,
            &format!("N{id}"),
            &format!("N{id}_{i}"),
            &t.name,
            &r.format_value(w),
            "",
        );
        if let Some(nums) = tags.numeric_of(*set) {
            numeric_nodelets(out, r, nums, flat, &format!("N{id}_{i}"));
        }
    }
    if let Some(nums) = tags.numeric_of(NONE) {
        numeric_nodelets(out, r, nums, flat, &format!("N{id}"));
    }
    out.len() != start
}

/// Numeric nodelets hanging off `source` (pprof's `numericNodelets`).
fn numeric_nodelets(out: &mut String, r: &Context, tags: &[Tag], flat: bool, source: &str) {
    for (j, t) in collapse(tags, MAX_NODELETS, flat).iter().enumerate() {
        let (w, style) = if flat || t.flat_value() == t.cum_value() {
            (t.flat_value(), "")
        } else {
            (t.cum_value(), " style=\"dotted\"")
        };
        if w == 0 {
            continue;
        }
        nodelet(
            out,
            source,
            &format!("N{source}_{j}"),
            &t.name,
            &r.format_value(w),
            style,
        );
    }
}

/// One nodelet box `child` and its edge from `parent`.
fn nodelet(out: &mut String, parent: &str, child: &str, label: &str, weight: &str, style: &str) {
    let _ = writeln!(
        out,
        "{child} [label = \"{label}\" id=\"{child}\" fontsize=8 shape=box3d tooltip=\"{weight}\"]"
    );
    let _ = writeln!(
        out,
        "{parent} -> {child} [label=\" {weight}\" weight=100 tooltip=\"{weight}\" labeltooltip=\"{weight}\"{style}]"
    );
}

/// Sorts numeric tags and, when there are more than `count`, groups them
/// into `count` buckets seeded by the heaviest, each later tag joining the
/// seed nearest in value (pprof's `collapsedTags`).
fn collapse(tags: &[Tag], count: usize, flat: bool) -> Vec<Tag> {
    let mut ts = tags.to_vec();
    sort_tags(&mut ts, flat, |t| t);
    if ts.len() <= count {
        return ts;
    }
    let rest = ts.split_off(count);
    let mut groups: Vec<Vec<Tag>> = ts.into_iter().map(|t| vec![t]).collect();
    for t in rest {
        let distance = |seed: &Tag| {
            let v = units::scale(seed.value, &seed.unit, &t.unit).0;
            (v - t.value as f64).abs()
        };
        let mut best = (0, distance(&groups[0][0]));
        for (i, g) in groups.iter().enumerate().skip(1) {
            let d = distance(&g[0]);
            if d < best.1 {
                best = (i, d);
            }
        }
        groups[best.0].push(t);
    }
    let mut out: Vec<Tag> = groups.iter().map(|g| bucket(g)).collect();
    sort_tags(&mut out, flat, |t| t);
    out
}

/// A bucket's tag: `min..max` (each value in its own unit, auto-scaled)
/// with the summed weights (pprof's `tagGroupLabel`).
fn bucket(g: &[Tag]) -> Tag {
    if let [t] = g {
        return Tag {
            name: units::label(t.value, &t.unit),
            flat: t.flat_value(),
            cum: t.cum_value(),
            ..Default::default()
        };
    }
    let (mut min, mut max) = (&g[0], &g[0]);
    let (mut f, mut df, mut c, mut dc) = (min.flat, min.flat_div, min.cum, min.cum_div);
    for t in &g[1..] {
        if (units::scale(t.value, &t.unit, &min.unit).0 as i64) < min.value {
            min = t;
        }
        if (units::scale(t.value, &t.unit, &max.unit).0 as i64) > max.value {
            max = t;
        }
        f = f.saturating_add(t.flat);
        df = df.saturating_add(t.flat_div);
        c = c.saturating_add(t.cum);
        dc = dc.saturating_add(t.cum_div);
    }
    if df != 0 {
        f /= df;
    }
    if dc != 0 {
        c /= dc;
    }
    Tag {
        name: format!(
            "{}..{}",
            units::label(min.value, &min.unit),
            units::label(max.value, &max.unit)
        ),
        flat: f,
        cum: c,
        ..Default::default()
    }
}

/// One edge line (pprof's `addEdge`).
fn edge(
    out: &mut String,
    r: &Context,
    e: &Edge,
    (from, to): (usize, usize),
    (src, dst): (&str, &str),
    has_nodelets: bool,
) {
    let w = e.value();
    let text = r.format_value(w);
    let inline = if e.inline { "\\n (inline)" } else { "" };
    let _ = write!(out, "N{from} -> N{to} [label=\" {text}{inline}\"");
    let total = r.total;
    if total != 0 {
        let weight = 1 + w
            .saturating_mul(100)
            .saturating_div(total)
            .saturating_abs()
            .min(100);
        if weight > 1 {
            let _ = write!(out, " weight={weight}");
        }
        let width = 1 + w
            .saturating_mul(5)
            .saturating_div(total)
            .saturating_abs()
            .min(5);
        if width > 1 {
            let _ = write!(out, " penwidth={width}");
        }
        let score = w as f64 / total.saturating_abs() as f64;
        let _ = write!(out, " color=\"{}\"", dot_color(score, false));
    }
    let arrow = if e.residual { "..." } else { "->" };
    let tip = format!("\"{} {arrow} {} ({text})\"", escape(src), escape(dst));
    let _ = write!(out, " tooltip={tip} labeltooltip={tip}");
    if e.residual {
        out.push_str(" style=\"dotted\"");
    }
    if has_nodelets {
        out.push_str(" minlen=2");
    }
    out.push_str("]\n");
}

/// Graphviz string escaping: `\` and `"` escaped, newlines become
/// left-justified line breaks (pprof's `escapeForDot`).
pub fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\l")
}

/// A node's name part: the shortened, escaped function name with `::` and
/// `.` turned into line breaks, the file's basename, one component a line
/// (pprof's `multilinePrintableName`).
fn multiline_name(info: &NodeInfo) -> String {
    let mut i = info.clone();
    i.name = escape(&shorten(&i.name))
        .replace("::", "\\n")
        .replace("[...]", "[…]")
        .replace('.', "\\n");
    if !i.file.is_empty() {
        i.file = basename(&i.file).to_string();
    }
    let mut s = i.name_components().join("\\n");
    s.push_str("\\n");
    s
}

static CPP_ANONYMOUS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\(anonymous namespace\)::").expect("static regexp"));
static GO_VERSION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)$").expect("static regexp"));
/// Go, Java and C++ name patterns, tried in this order.
static SHORTEN: LazyLock<[Regex; 3]> = LazyLock::new(|| {
    [
        r"^(?:[0-9A-Za-z_\-.]+/)+(.+)",
        r"^(?:[a-z][0-9A-Za-z_]*\.)*([A-Z][0-9A-Za-z_$]*\.(?:<init>|[a-z][0-9A-Za-z_$]*(?:\$[0-9]+)?))(?:\(|$)",
        r"^(?:[_a-zA-Z][0-9A-Za-z_]*::)+(_*[A-Z][0-9A-Za-z_]*::~?[_a-zA-Z][0-9A-Za-z_]*(?:<.*>)?)",
    ]
    .map(|re| Regex::new(re).expect("static regexp"))
});

/// pprof's `ShortenFunctionName`: drops package paths, Java packages and
/// arguments, C++ namespaces.
pub fn shorten(name: &str) -> String {
    let f = CPP_ANONYMOUS.replace(name, "");
    let f = GO_VERSION.replace(&f, "${1}${2}");
    for re in SHORTEN.iter() {
        if let Some(c) = re.captures(&f) {
            return c.get(1).map_or("", |m| m.as_str()).to_string();
        }
    }
    f.into_owned()
}

/// pprof's `dotColor`: red for positive, green for negative, grey near 0;
/// `score` is a fraction of the total.
pub fn dot_color(score: f64, background: bool) -> String {
    const SHIFT_EXPONENT: f64 = 0.3; // 1 - shift, with shift = 0.7
    let (mut saturation, value) = if background { (0.1, 0.93) } else { (1.0, 0.7) };
    let mut score = score.clamp(-1.0, 1.0);
    if score.abs() < 0.2 {
        saturation *= score.abs() / 0.2;
    }
    if score > 0.0 {
        score = score.powf(SHIFT_EXPONENT);
    }
    if score < 0.0 {
        score = -(-score).powf(SHIFT_EXPONENT);
    }
    let (r, g) = if score < 0.0 {
        (value * (1.0 + saturation * score), value)
    } else {
        (value, value * (1.0 - saturation * score))
    };
    let b = value * (1.0 - saturation);
    let byte = |x: f64| (x * 255.0) as u8;
    format!("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_shortened_like_pprof() {
        assert_eq!(shorten("runtime/pprof.Do"), "pprof.Do");
        assert_eq!(shorten("net/http.(*conn).serve"), "http.(*conn).serve");
        assert_eq!(shorten("main.worker"), "main.worker");
        assert_eq!(shorten("example.com/m/v2/pkg.F"), "pkg.F");
        assert_eq!(
            shorten("java.bar.foo.FooBar.run(java.lang.Runnable)"),
            "FooBar.run"
        );
        assert_eq!(
            shorten("(anonymous namespace)::Foo::Bar::Baz::method"),
            "Baz::method"
        );
        assert_eq!(
            shorten("std::vector<int>::push_back"),
            "std::vector<int>::push_back"
        );
    }

    #[test]
    fn labels_break_names_into_lines() {
        let info = NodeInfo {
            name: "runtime/pprof.Do".into(),
            file: "/go/src/runtime/pprof/runtime.go".into(),
            line: 40,
            ..Default::default()
        };
        assert_eq!(multiline_name(&info), "pprof\\nDo\\nruntime.go:40\\n");
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\ld");
    }

    #[test]
    fn colours_match_pprof() {
        assert_eq!(dot_color(1.0, false), "#b20000");
        assert_eq!(dot_color(1.0, true), "#edd5d5");
        assert_eq!(dot_color(0.5486, false), "#b21d00");
        assert_eq!(dot_color(0.0, false), "#b2b2b2");
        assert_eq!(dot_color(-1.0, false), "#00b200");
    }
}
