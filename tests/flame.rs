//! Flame graphs, end to end: the terminal icicle (`flame`, `-flame`, and
//! `view` without a terminal) and the SVG document (`flamegraph`,
//! `-flamegraph`). The text is checked against goldens and against the SVG
//! drawn from the same profile (every box of a row is a frame of that
//! depth, at the column its value puts it, with its name and cum); the SVG
//! is parsed as XML and its frames checked against the stacks `-traces`
//! prints; then diffs, rooting, depth, filters, hostile function names and
//! where each form of the command writes its output.
//!
//! `RPPROF_BLESS=1 cargo test --test flame` re-records the goldens in
//! `tests/data/flame/` (then read the diff).

mod common;

use regex::Regex;
use std::collections::HashMap;
use std::path::Path;

const CPU: &str = "tests/data/cpu/cpu.pb.gz";
const HEAP_1: &str = "tests/data/leak/heap_1.pb.gz";
const HEAP_5: &str = "tests/data/leak/heap_5.pb.gz";
/// The script every flame graph embeds, as the source has it.
const SCRIPT: &str = include_str!("../src/render/flamegraph.js");
/// The SVG's width and its left and right margins (render/flamegraph.rs).
const SVG_WIDTH: f64 = 1200.0;
const PAD: f64 = 10.0;
/// Room for the frames: the width less the margins.
const FULL: f64 = SVG_WIDTH - 2.0 * PAD;
/// Rect coordinates are printed with two decimals.
const EPS: f64 = 0.015;

// ---------------------------------------------------------------------------
// Running rpprof.

/// `rpprof ARGS` in flag mode, stdout piped and no `COLUMNS`; its stdout,
/// after checking that it exits 0.
fn flag(args: &[&str]) -> String {
    let o = common::rpprof(args).run();
    assert_eq!(o.code, 0, "rpprof {args:?} exits 0; stderr:\n{}", o.stderr);
    o.out()
}

/// [`flag`] with `COLUMNS=columns`.
fn flag_cols(args: &[&str], columns: usize) -> String {
    let o = common::rpprof(args)
        .env("COLUMNS", columns.to_string())
        .run();
    assert_eq!(o.code, 0, "rpprof {args:?} exits 0; stderr:\n{}", o.stderr);
    o.out()
}

/// A shell session `rpprof ARGS` fed `script` on stdin, in `dir`: what each
/// command printed on stdout (the prompts cut out, one entry per line of
/// the script) and everything on stderr.
fn shell_in(dir: &Path, args: &[&str], script: &str) -> (Vec<String>, String) {
    let o = common::rpprof(args).dir(dir).stdin(script).run();
    assert_eq!(o.code, 0, "the session exits 0; stderr:\n{}", o.stderr);
    let out = o.out();
    let mut parts: Vec<String> = out.split("(pprof) ").map(String::from).collect();
    // Before the first prompt, nothing; after the last one (read at the end
    // of the script), at most the line ending the session.
    assert_eq!(parts.remove(0), "", "nothing before the first prompt");
    let after = parts.pop().expect("a last prompt");
    assert!(after.trim().is_empty(), "after the last prompt: {after:?}");
    assert_eq!(
        parts.len(),
        script.lines().count(),
        "one prompt per command; stdout:\n{out}"
    );
    (parts, o.stderr)
}

/// The absolute path of `rel`, a path in the crate directory.
fn abs(rel: &str) -> String {
    common::crate_dir().join(rel).to_string_lossy().into_owned()
}

/// The file `name` of `dir`.
fn read(dir: &std::path::Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"))
}

/// [`shell_in`] in the crate directory (for scripts that write no file).
fn shell(args: &[&str], script: &str) -> (Vec<String>, String) {
    shell_in(common::crate_dir(), args, script)
}

// ---------------------------------------------------------------------------
// The terminal picture.

/// The heading line of a `flame` output (`Flame graph of …`).
fn heading(out: &str) -> &str {
    out.lines()
        .find(|l| l.starts_with("Flame graph of"))
        .unwrap_or_else(|| panic!("no flame heading in:\n{out}"))
}

/// The picture of a `flame` output: the rows after its heading.
fn picture(out: &str) -> Vec<&str> {
    let mut lines = out.lines();
    lines
        .by_ref()
        .find(|l| l.starts_with("Flame graph of"))
        .unwrap_or_else(|| panic!("no flame heading in:\n{out}"));
    lines.collect()
}

/// The boxes of a picture row as (first column, width in columns, text):
/// each starts at a `|` and runs to the next one or the end of the row (so
/// a box's width includes runs of narrow frames drawn after it).
fn boxes(row: &str) -> Vec<(usize, usize, String)> {
    let chars: Vec<char> = row.chars().collect();
    let bars: Vec<usize> = (0..chars.len()).filter(|&i| chars[i] == '|').collect();
    bars.iter()
        .enumerate()
        .map(|(k, &c)| {
            let end = bars.get(k + 1).copied().unwrap_or(chars.len());
            let text: String = chars[c + 1..end].iter().collect();
            (c, end - c, text)
        })
        .collect()
}

/// True when `label`, the text of a box with `room` cells after its `|`,
/// is what a box of frame `name` with cum percentage `pct` may show: the
/// name and percentage, the name alone, or the name cut to the room and
/// marked with `..` (two cells: only the name's first two characters).
fn label_fits(label: &str, name: &str, pct: &str, room: usize) -> bool {
    if label == format!("{name} {pct}") || label == name {
        return true;
    }
    let n = label.chars().count();
    if room == 2 {
        return n <= 2 && name.starts_with(label);
    }
    n == room
        && label
            .strip_suffix("..")
            .is_some_and(|kept| name.starts_with(kept) && !kept.is_empty())
}

/// The column where the value at SVG x coordinate `x` falls in a picture
/// `width` columns wide, and whether it lies so near a half column that
/// the two renderers' rounding may disagree.
fn column(x: f64, width: usize) -> (usize, bool) {
    let c = (x - PAD) / FULL * width as f64;
    let near_half = (c - c.floor() - 0.5).abs() < 0.002;
    ((c.round().max(0.0) as usize).min(width), near_half)
}

/// Checks that a `flame` picture `width` columns wide draws the frames of
/// `svg` (the same profile's flame graph): each row fits the width; row
/// `d` has a `|` exactly where a frame of depth `d` at least three columns
/// wide starts, followed by a label that [`label_fits`] the frame; and the
/// picture stops at the deepest such frame.
fn assert_picture_draws(rows: &[&str], svg: &Svg, width: usize) {
    for r in rows {
        assert!(
            r.chars().count() <= width,
            "row wider than {width} columns: {r:?}"
        );
    }
    let mut deepest = 0;
    for (d, row) in rows.iter().enumerate() {
        let cells: Vec<char> = row.chars().collect();
        let bars: Vec<usize> = (0..cells.len()).filter(|&i| cells[i] == '|').collect();
        let mut expected = Vec::new();
        let mut unsure = Vec::new();
        for f in svg.frames.iter().filter(|f| f.depth == d) {
            let ((c0, u0), (c1, u1)) = (column(f.x, width), column(f.x + f.w, width));
            if u0 || u1 {
                unsure.push(c0);
                continue;
            }
            if c1 < c0 + 3 {
                continue;
            }
            expected.push(c0);
            let label: String = cells[c0 + 1..c1.min(cells.len())].iter().collect();
            let label = label.trim_end();
            assert!(
                label_fits(label, &f.name, &f.cum_pct, c1 - c0 - 1),
                "row {d}, columns {c0}..{c1}: {label:?} does not label {:?} ({}); row:\n{row}",
                f.name,
                f.cum_pct
            );
        }
        // A frame whose edge lies on a half column may start at either
        // column: its bar is neither expected nor ruled out.
        let sure: Vec<usize> = bars
            .iter()
            .copied()
            .filter(|c| expected.contains(c) || !unsure.iter().any(|u| c.abs_diff(*u) <= 1))
            .collect();
        assert_eq!(
            sure, expected,
            "row {d}: the boxes start where the frames of depth {d} do; row:\n{row}"
        );
        if !expected.is_empty() {
            deepest = d + 1;
        }
    }
    assert!(deepest > 0, "the picture has boxes");
    let last = svg
        .frames
        .iter()
        .filter(|f| {
            let (c0, _) = column(f.x, width);
            let (c1, _) = column(f.x + f.w, width);
            c1 >= c0 + 3
        })
        .map(|f| f.depth + 1)
        .max()
        .unwrap_or(0);
    assert_eq!(rows.len(), last, "the picture ends at its deepest box");
}

// ---------------------------------------------------------------------------
// The SVG document.

/// One frame of a flame graph SVG.
#[derive(Clone, Debug, PartialEq)]
struct Frame {
    depth: usize,
    /// The first line of the title.
    name: String,
    /// The cum value as printed (`1.49s`) and its percentage (`25.87%`).
    cum: String,
    cum_pct: String,
    x: f64,
    y: f64,
    w: f64,
    fill: String,
    /// The text drawn in the frame.
    label: String,
    /// Index of the parent frame (the last frame one row up before it).
    parent: Option<usize>,
}

impl Frame {
    /// The cum percentage as a number.
    fn pct(&self) -> f64 {
        self.cum_pct
            .trim_end_matches('%')
            .parse()
            .expect("a percentage")
    }

    fn end(&self) -> f64 {
        self.x + self.w
    }
}

/// What the tests read of a flame graph.
struct Svg {
    frames: Vec<Frame>,
    subtitle: String,
    legend: bool,
}

impl Svg {
    /// The names from the root down to frame `i`.
    fn path(&self, i: usize) -> Vec<&str> {
        let mut v = vec![self.frames[i].name.as_str()];
        let mut p = self.frames[i].parent;
        while let Some(j) = p {
            v.push(&self.frames[j].name);
            p = self.frames[j].parent;
        }
        v.reverse();
        v
    }

    /// The row's y coordinate of every depth.
    fn row_y(&self) -> HashMap<usize, f64> {
        self.frames.iter().map(|f| (f.depth, f.y)).collect()
    }
}

/// Parses a flame graph and checks what every one must satisfy: an `svg`
/// root 1200 wide; exactly one `script`, the embedded script, its CDATA
/// section the only `]]>` of the document; frames `<g class="f"
/// data-d=D><title/><rect/><text/></g>` in depth-first order with a title
/// `NAME\ncum V (P%), flat V (P%)[, grew V, shrank V]`; the roots side by
/// side across the full width; every frame within its parent, siblings
/// widest first from their parent's left edge; one y per depth.
fn svg(doc: &str) -> Svg {
    let xml = roxmltree::Document::parse(doc).unwrap_or_else(|e| {
        let line = doc.lines().nth(e.pos().row as usize - 1).unwrap_or("");
        panic!("the SVG parses as XML: {e}; the line:\n{line}")
    });
    let root = xml.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("1200"));
    let scripts: Vec<_> = xml
        .descendants()
        .filter(|n| n.has_tag_name("script"))
        .collect();
    assert_eq!(scripts.len(), 1, "exactly one script element");
    assert_eq!(
        scripts[0].text().map(str::trim),
        Some(SCRIPT.trim()),
        "the script is the embedded one"
    );
    assert_eq!(doc.matches("<script").count(), 1, "one script tag");
    assert_eq!(
        doc.matches("]]>").count(),
        1,
        "no `]]>` but the end of the script's CDATA section"
    );
    assert!(doc.contains("]]></script>"));
    let tip = Regex::new(
        r"^cum (-?[0-9.]+[a-zA-Z]*) \((-?[0-9.]+%)\), flat -?[0-9.]+[a-zA-Z]* \(-?[0-9.]+%\)(, grew [0-9.]+[a-zA-Z]*, shrank [0-9.]+[a-zA-Z]*)?$",
    )
    .unwrap();
    let mut frames: Vec<Frame> = Vec::new();
    // The last frame seen at each depth: a frame's parent is the last one a
    // row up, since frames come depth first.
    let mut last: Vec<usize> = Vec::new();
    for g in xml
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("f"))
    {
        let kids: Vec<_> = g.children().filter(|n| n.is_element()).collect();
        let tags: Vec<&str> = kids.iter().map(|n| n.tag_name().name()).collect();
        assert_eq!(tags, ["title", "rect", "text"], "a frame's parts");
        let depth: usize = g
            .attribute("data-d")
            .and_then(|d| d.parse().ok())
            .expect("data-d is a depth");
        let title = kids[0].text().unwrap_or("");
        let (name, info) = title
            .split_once('\n')
            .unwrap_or_else(|| panic!("a title of two lines: {title:?}"));
        let caps = tip
            .captures(info)
            .unwrap_or_else(|| panic!("the title's second line gives cum and flat: {info:?}"));
        assert!(!name.is_empty(), "a frame has a name");
        let num = |a: &str| -> f64 {
            kids[1]
                .attribute(a)
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("rect {a}"))
        };
        assert!(
            depth <= last.len(),
            "depth {depth} comes after depth {}",
            last.len()
        );
        last.truncate(depth);
        let parent = depth.checked_sub(1).map(|d| last[d]);
        let f = Frame {
            depth,
            name: name.to_string(),
            cum: caps[1].to_string(),
            cum_pct: caps[2].to_string(),
            x: num("x"),
            y: num("y"),
            w: num("width"),
            fill: kids[1].attribute("fill").unwrap_or("").to_string(),
            label: kids[2].text().unwrap_or("").to_string(),
            parent,
        };
        last.push(frames.len());
        frames.push(f);
    }
    assert!(!frames.is_empty(), "frames are drawn");
    // Siblings (roots included) are side by side, widest first, from their
    // parent's left edge (the picture's for the roots) and within it.
    let mut next_x: HashMap<Option<usize>, (f64, f64)> = HashMap::new();
    for f in &frames {
        let (left, right) = match f.parent {
            Some(p) => (frames[p].x, frames[p].end()),
            None => (PAD, PAD + FULL),
        };
        let (x, w) = next_x.get(&f.parent).copied().unwrap_or((left, f64::MAX));
        assert!(
            (f.x - x).abs() < EPS,
            "{} starts at {}, where its elder sibling ends (or its parent starts): {x}",
            f.name,
            f.x
        );
        assert!(
            f.w <= w + EPS,
            "{} is no wider than its elder sibling",
            f.name
        );
        assert!(
            f.x >= left - EPS && f.end() <= right + EPS,
            "{} ({}..{}) lies within its parent ({left}..{right})",
            f.name,
            f.x,
            f.end()
        );
        next_x.insert(f.parent, (f.end(), f.w));
    }
    let roots_end = next_x[&None].0;
    assert!(
        (roots_end - (PAD + FULL)).abs() < EPS * 10.0,
        "the roots span the full width, to {roots_end}"
    );
    let mut ys: HashMap<usize, f64> = HashMap::new();
    for f in &frames {
        let y = *ys.entry(f.depth).or_insert(f.y);
        assert_eq!(y, f.y, "every frame of depth {} has one y", f.depth);
    }
    let text = |id: &str| {
        xml.descendants()
            .find(|n| n.attribute("id") == Some(id))
            .map(|n| n.text().unwrap_or("").to_string())
    };
    Svg {
        frames,
        subtitle: text("subtitle").expect("a subtitle"),
        legend: xml
            .descendants()
            .any(|n| n.attribute("id") == Some("legend")),
    }
}

/// The total the subtitle states (`… · Total: 5.76s`).
fn subtitle_total(s: &Svg) -> &str {
    s.subtitle
        .rsplit_once("Total: ")
        .map(|(_, t)| t.split(" · ").next().unwrap_or(t))
        .unwrap_or_else(|| panic!("no total in the subtitle {:?}", s.subtitle))
}

/// Parses a fill `rgb(r,g,b)`.
fn rgb(fill: &str) -> Option<(u8, u8, u8)> {
    let v: Vec<u8> = fill
        .strip_prefix("rgb(")?
        .strip_suffix(')')?
        .split(',')
        .map(|c| c.trim().parse().ok())
        .collect::<Option<_>>()?;
    (v.len() == 3).then(|| (v[0], v[1], v[2]))
}

// ---------------------------------------------------------------------------
// Other reports, as oracles.

/// The rows of a `-top` output: (name without ` (inline)`, flat%, cum%).
fn top_rows(out: &str) -> Vec<(String, String, String)> {
    let row = Regex::new(r"^\s*\S+\s+(\S+%)\s+\S+%\s+\S+\s+(\S+%)\s+(.+)$").unwrap();
    out.lines()
        .skip_while(|l| !l.trim_start().starts_with("flat"))
        .skip(1)
        .filter_map(|l| row.captures(l))
        .map(|c| {
            let name = c[3].trim_end_matches(" (inline)").to_string();
            (name, c[1].to_string(), c[2].to_string())
        })
        .collect()
}

/// The line `Showing nodes accounting for V, P% of T total` of a `-top`
/// output: (V, P as a number, T). V is the flat of the nodes shown: with
/// `-nodefraction=0` none are dropped and it is the total of the samples
/// kept.
fn top_showing(out: &str) -> (String, f64, String) {
    let re = Regex::new(r"Showing nodes accounting for (\S+), (\S+)% of (\S+) total").unwrap();
    let c = re
        .captures(out)
        .unwrap_or_else(|| panic!("no Showing line in:\n{out}"));
    (c[1].to_string(), c[2].parse().unwrap(), c[3].to_string())
}

/// The stacks of a `-traces` output of a CPU profile, root first, each
/// with its value in milliseconds (names without ` (inline)`, as the flame
/// graphs show them).
fn traces_ms(out: &str) -> Vec<(Vec<String>, f64)> {
    let first = Regex::new(r"^\s+([0-9.]+)(ms|s)\s+(\S.*)$").unwrap();
    let mut v: Vec<(Vec<String>, f64)> = Vec::new();
    let mut open = false;
    for line in out.lines() {
        if line.starts_with("-----------+") {
            open = false;
            continue;
        }
        if let Some(c) = first.captures(line) {
            let ms: f64 = c[1].parse::<f64>().unwrap() * if &c[2] == "s" { 1000.0 } else { 1.0 };
            v.push((vec![c[3].trim_end_matches(" (inline)").to_string()], ms));
            open = true;
        } else if open && line.starts_with("             ") {
            let name = line.trim().trim_end_matches(" (inline)");
            v.last_mut().unwrap().0.push(name.to_string());
        }
    }
    for (stack, _) in &mut v {
        stack.reverse();
    }
    v
}

// ---------------------------------------------------------------------------
// Synthetic profiles.

/// Writes `bytes` as `name` in `dir`; its path as a string.
fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write the profile");
    p.to_str().expect("a UTF-8 path").to_string()
}

// ---------------------------------------------------------------------------
// The terminal flame.

#[test]
fn flame_goldens_at_100_and_60_columns() {
    for (columns, golden) in [(100, "flame/cpu_100.txt"), (60, "flame/cpu_60.txt")] {
        let out = flag_cols(&["-flame", CPU], columns);
        common::check_golden(
            golden,
            &out,
            "RPPROF_BLESS=1 cargo test --test flame flame_goldens_at_100_and_60_columns",
        );
        let rows = picture(&out);
        assert!(rows.len() > 10, "the CPU profile is deep:\n{out}");
        for r in &rows {
            assert!(
                r.chars().count() <= columns,
                "a row of {} characters at COLUMNS={columns}: {r:?}",
                r.chars().count()
            );
        }
    }
    // Piped without COLUMNS (or with one too small to use), 100 columns.
    let at_100 = flag_cols(&["-flame", CPU], 100);
    assert_eq!(flag(&["-flame", CPU]), at_100);
    assert_eq!(flag_cols(&["-flame", CPU], 20), at_100);
}

#[test]
fn flame_boxes_are_the_frames_of_the_flame_graph() {
    let cpu = svg(&flag(&["-flamegraph", CPU]));
    for columns in [60, 100, 160, 250] {
        let out = flag_cols(&["-flame", CPU], columns);
        assert_picture_draws(&picture(&out), &cpu, columns);
    }
    let heap = svg(&flag(&["-flamegraph", HEAP_5]));
    assert_picture_draws(&picture(&flag(&["-flame", HEAP_5])), &heap, 100);
}

#[test]
fn the_top_leaf_is_the_widest_box_of_the_deepest_row() {
    // In heap_5 one stack holds 99%: its leaf, the function of the highest
    // flat, is the widest box on the last row, with its flat percentage.
    let top = top_rows(&flag(&["-top", HEAP_5]));
    let (name, flat, _) = &top[0];
    assert_eq!(name, "bytes.Repeat");
    let out = flag(&["-flame", HEAP_5]);
    let rows = picture(&out);
    let last = boxes(rows.last().expect("rows"));
    let widest = last.iter().max_by_key(|b| b.1).expect("a box");
    assert_eq!(widest.2.trim_end(), format!("{name} {flat}"), "in:\n{out}");

    // In the CPU profile the frames of main.mix (its only stack) make the
    // box of its cum percentage.
    let top = top_rows(&flag(&["-top", "-nodefraction=0", CPU]));
    let mix = top.iter().find(|r| r.0 == "main.mix").expect("main.mix");
    let out = flag(&["-flame", CPU]);
    assert!(
        out.contains(&format!("|main.mix {}", mix.2)),
        "main.mix {} is drawn:\n{out}",
        mix.2
    );
}

#[test]
fn the_first_row_holds_the_roots_widest_first() {
    // The roots are the outermost frames of the stacks -traces prints.
    let mut roots: HashMap<String, f64> = HashMap::new();
    for (stack, ms) in traces_ms(&flag(&["-traces", CPU])) {
        *roots.entry(stack[0].clone()).or_default() += ms;
    }
    let mut roots: Vec<(String, f64)> = roots.into_iter().collect();
    roots.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let total: f64 = roots.iter().map(|r| r.1).sum();
    let out = flag(&["-flame", CPU]);
    let first = boxes(picture(&out)[0]);
    // Roots of 3 columns or more get a box, in that order (no root is so
    // near 3 columns that rounding decides).
    assert!(
        roots
            .iter()
            .all(|r| !(0.025..0.035).contains(&(r.1 / total))),
        "{roots:?}"
    );
    let wide: Vec<&(String, f64)> = roots.iter().filter(|r| r.1 / total >= 0.035).collect();
    assert!(wide.len() >= 3, "{roots:?}");
    assert_eq!(first.len(), wide.len(), "one box per wide root:\n{out}");
    for ((_, _, text), (name, _)) in first.iter().zip(&wide) {
        let text = text.trim_end();
        // A cut name ends in `..`, and narrow frames after the box are
        // more dots.
        let shown = text.split(' ').next().unwrap().trim_end_matches('.');
        assert!(
            name.starts_with(shown) && !shown.is_empty(),
            "{text:?} is root {name}"
        );
    }
    // Each box is as wide as its root; the last one runs on over the
    // narrow roots after it.
    for (k, ((_, width, _), (name, ms))) in first.iter().zip(&wide).enumerate() {
        let cols = ms / total * 100.0;
        let w = *width as f64;
        let fits = if k + 1 < first.len() {
            (w - cols).abs() <= 1.0
        } else {
            w + 1.0 >= cols
        };
        assert!(fits, "{name} is {width} columns wide for {cols:.1}:\n{out}");
    }
    assert!(first[0].2.starts_with(&format!("{} ", roots[0].0)));
    for w in first.windows(2) {
        assert!(w[0].1 + 1 >= w[1].1, "widest first: {first:?}");
    }
}

#[test]
fn flame_re_roots_the_stacks_at_matching_frames() {
    let dir = common::temp_dir("flame-root");
    let (outs, _) = shell_in(&dir, &[&abs(CPU)], "flame Job\nflamegraph Job > r.svg\n");
    let out = &outs[0];
    assert!(heading(out).contains("stacks from Job"), "{}", heading(out));
    let rooted = svg(&read(&dir, "r.svg"));
    let roots: Vec<&Frame> = rooted.frames.iter().filter(|f| f.depth == 0).collect();
    assert!(roots.len() >= 3, "several jobs");
    for f in &roots {
        assert!(f.name.contains("Job"), "root {} matches Job", f.name);
    }
    // No frame outside the jobs: the roots hold exactly the samples that go
    // through a frame matching Job.
    let focused = top_showing(&flag(&["-top", "-nodefraction=0", "-focus=Job", CPU]));
    let sum: f64 = roots.iter().map(|f| f.pct()).sum();
    assert!((sum - focused.1).abs() < 0.02, "{sum} vs {focused:?}");
    let rows = picture(out);
    for (_, _, text) in boxes(rows[0]) {
        let shown = text.split(' ').next().unwrap().trim_end_matches('.');
        assert!(
            roots.iter().any(|f| f.name.starts_with(shown)),
            "{shown:?} is a Job frame"
        );
    }
    assert_picture_draws(&rows, &rooted, 100);
}

#[test]
fn depth_limits_the_rows() {
    let dir = common::temp_dir("flame-depth");
    let (outs, err) = shell_in(
        &dir,
        &[&abs(CPU)],
        "flame -depth=2\ndepth=3\nflame\nflamegraph > d.svg\nflame -depth=1\ndepth=0\nflame\n",
    );
    assert!(err.lines().all(|l| !l.contains("depth")), "{err}");
    assert_eq!(picture(&outs[0]).len(), 2, "{}", outs[0]);
    assert_eq!(outs[1], "", "setting an option prints nothing");
    assert_eq!(picture(&outs[2]).len(), 3, "{}", outs[2]);
    let max_depth = svg(&read(&dir, "d.svg"))
        .frames
        .iter()
        .map(|f| f.depth)
        .max();
    assert_eq!(max_depth, Some(2), "flamegraph draws 3 rows");
    assert_eq!(picture(&outs[4]).len(), 1, "{}", outs[4]);
    assert!(picture(&outs[6]).len() > 10, "depth=0 draws every row");
    // The rows kept are the first rows of the whole picture.
    let all = picture(&outs[6]);
    assert_eq!(picture(&outs[2]), all[..3]);
    // Flag mode.
    assert_eq!(picture(&flag(&["-flame", "-depth=2", CPU])), all[..2]);
    let svg2 = svg(&flag(&["-flamegraph", "-depth=2", CPU]));
    assert_eq!(svg2.frames.iter().map(|f| f.depth).max(), Some(1));
}

#[test]
fn bad_depths_are_one_line_errors_and_the_shell_goes_on() {
    let (outs, err) = shell(
        &[HEAP_5],
        "flame -depth=x\ndepth=-1\ntop 1\nflame -depth=-2\nflame -depth=1\n",
    );
    let errors: Vec<&str> = err
        .lines()
        .skip_while(|l| !l.starts_with("Entering interactive mode"))
        .skip(1)
        .collect();
    assert_eq!(
        errors,
        [
            "strconv.Atoi: parsing \"x\": invalid syntax",
            "depth must be 0 (every row) or more, not -1",
            "depth must be 0 (every row) or more, not -2",
        ],
        "one line for each bad depth"
    );
    assert_eq!(outs[0], "");
    assert_eq!(outs[1], "");
    // The bad value was not kept: other reports and flame still run.
    assert!(outs[2].contains("bytes.Repeat"), "top runs: {}", outs[2]);
    assert_eq!(outs[3], "");
    assert_eq!(picture(&outs[4]).len(), 1, "{}", outs[4]);
    // Flag mode: exit status 1; a word that is no number is a bad flag
    // (followed by the usage, as for every flag), a negative depth one line.
    let o = common::rpprof(["-flame", "-depth=x", HEAP_5]).run();
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr.lines().next(),
        Some("invalid value \"x\" for flag -depth: parse error")
    );
    assert_eq!(o.out(), "");
    let o = common::rpprof(["-flame", "-depth=-1", HEAP_5]).run();
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(o.stderr, "depth must be 0 (every row) or more, not -1\n");
    assert_eq!(o.out(), "");
}

// ---------------------------------------------------------------------------
// The SVG.

#[test]
fn flamegraph_is_well_formed_and_its_frames_are_the_stacks() {
    let doc = flag(&["-flamegraph", CPU]);
    let g = svg(&doc);
    assert!(g.frames.len() > 50, "{} frames", g.frames.len());
    assert!(!g.legend, "no legend without a base");
    assert_eq!(subtitle_total(&g), "5.76s");
    // Every frame is the merge of the -traces stacks with its path as a
    // prefix; every such prefix of 1/12000 of the total or more is a frame.
    let traces = traces_ms(&flag(&["-traces", CPU]));
    let total: f64 = traces.iter().map(|t| t.1).sum();
    assert!((total - 5760.0).abs() < 0.5, "{total}");
    let mut prefixes: HashMap<Vec<String>, f64> = HashMap::new();
    for (stack, ms) in &traces {
        for n in 1..=stack.len() {
            *prefixes.entry(stack[..n].to_vec()).or_default() += ms;
        }
    }
    let mut seen = 0;
    for i in 0..g.frames.len() {
        let path: Vec<String> = g.path(i).iter().map(|s| s.to_string()).collect();
        let ms = prefixes
            .get(&path)
            .unwrap_or_else(|| panic!("frame {path:?} is a prefix of a trace"));
        let f = &g.frames[i];
        assert!(
            (f.pct() - ms / total * 100.0).abs() < 0.006,
            "{path:?}: {} vs {ms}ms of {total}ms",
            f.cum_pct
        );
        assert!(
            (f.w - ms / total * FULL).abs() < EPS,
            "{path:?} is {} wide for {ms}ms",
            f.w
        );
        seen += 1;
    }
    let drawable = prefixes
        .values()
        .filter(|&&ms| ms * 12_000.0 >= total)
        .count();
    assert_eq!(seen, drawable, "every stack prefix is drawn once");
    // Roots at the bottom by default: deeper rows higher up.
    let y = g.row_y();
    assert!(y[&0] > y[&1]);
}

#[test]
fn a_single_root_spans_the_full_width() {
    let dir = common::temp_dir("flame-single-root");
    let p = write(
        &dir,
        "p.pb",
        &common::stacks_profile(&[
            (&["main", "a", "a1"], 60),
            (&["main", "b"], 30),
            (&["main"], 10),
        ]),
    );
    let g = svg(&flag(&["-flamegraph", &p]));
    let names: Vec<(usize, &str)> = g.frames.iter().map(|f| (f.depth, &*f.name)).collect();
    assert_eq!(names, [(0, "main"), (1, "a"), (2, "a1"), (1, "b")]);
    let f = &g.frames;
    assert_eq!((f[0].x, f[0].w), (PAD, FULL), "the root is the full width");
    assert_eq!(f[0].cum_pct, "100%");
    assert!((f[1].w - 0.6 * FULL).abs() < EPS && (f[3].w - 0.3 * FULL).abs() < EPS);
    assert!((f[3].x - (PAD + 0.6 * FULL)).abs() < EPS);
    assert_eq!(f[2].x, f[1].x);
    assert_eq!(f[0].label, "main");
    let out = flag(&["-flame", &p]);
    assert_eq!(
        picture(&out),
        [
            format!("|main 100%{}", " ".repeat(90)),
            format!("|a 60.00%{}|b 30.00%{}", " ".repeat(51), " ".repeat(21)),
            format!("|a1 60.00%{}", " ".repeat(50)),
        ],
        "{out}"
    );
}

#[test]
fn the_leak_is_the_widest_frame_of_heap_5() {
    let g = svg(&flag(&["-flamegraph", HEAP_5]));
    let track: Vec<&Frame> = g
        .frames
        .iter()
        .filter(|f| f.name == "main.(*RequestTracker).Track")
        .collect();
    assert_eq!(track.len(), 1, "one Track frame");
    let p = track[0].pct();
    assert!((98.5..=99.5).contains(&p), "Track holds ~99%: {p}");
    assert!(track[0].w > 0.98 * FULL);
    assert_eq!(track[0].label, "main.(*RequestTracker).Track");
    assert_eq!(subtitle_total(&g), "178.01MB");
}

#[test]
fn a_diff_is_coloured_by_change_and_has_a_legend() {
    let d = svg(&flag(&["-flamegraph", "-base", HEAP_1, HEAP_5]));
    assert!(d.legend, "a diff has a legend");
    let mut grew = 0;
    for f in &d.frames {
        let (r, g, b) =
            rgb(&f.fill).unwrap_or_else(|| panic!("{}: diff fills are rgb: {}", f.name, f.fill));
        if f.cum.starts_with('-') {
            assert!(
                b == 255 && r < 255 && r == g,
                "{} shrank: blue {}",
                f.name,
                f.fill
            );
        } else if f.cum != "0" {
            assert!(
                r == 255 && g < 255 && g == b,
                "{} grew: red {}",
                f.name,
                f.fill
            );
            grew += 1;
        }
    }
    assert!(grew > 5);
    let leak = d
        .frames
        .iter()
        .find(|f| f.name == "bytes.Repeat")
        .expect("bytes.Repeat");
    let (_, g, _) = rgb(&leak.fill).unwrap();
    assert!(g < 80, "the leak is deep red: {}", leak.fill);
    // The text view says widths are the change.
    let out = flag(&["-flame", "-base", HEAP_1, HEAP_5]);
    assert!(heading(&out).contains("widths are the change"), "{out}");
    let plain = svg(&flag(&["-flamegraph", HEAP_5]));
    assert!(!plain.legend, "no legend without a base");
    assert!(plain.frames.iter().all(|f| f.fill.starts_with("hsl(")));
}

/// On a series, `diff 1 5 flamegraph` draws what `-base heap_1 heap_5`
/// draws, and `flame` draws the current snapshot (`use N`).
#[test]
fn series_diff_and_current_snapshot_pictures() {
    let dir = common::temp_dir("flame-series");
    let args: Vec<String> = std::iter::once("-series".to_string())
        .chain(common::leak_series().iter().map(|a| abs(a)))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (out, err) = shell_in(&dir, &args, "diff 1 5 flamegraph > d.svg\nuse 3\nflame\n");
    assert!(err.contains("Generating report in d.svg\n"), "{err}");
    let diff = read(&dir, "d.svg");
    let based = flag(&["-flamegraph", "-base", HEAP_1, HEAP_5]);
    assert_eq!(svg(&diff).frames, svg(&based).frames);
    assert!(svg(&diff).legend);
    let heap_3 = flag(&["-flame", "tests/data/leak/heap_3.pb.gz"]);
    assert_eq!(picture(&out[2]), picture(&heap_3), "flame on #3");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn icicle_puts_the_roots_on_top() {
    let flame = svg(&flag(&["-flamegraph", HEAP_5]));
    let icicle = svg(&flag(&["-flamegraph", "-icicle=true", HEAP_5]));
    let (fy, iy) = (flame.row_y(), icicle.row_y());
    let deepest = *fy.keys().max().unwrap();
    assert!(deepest >= 5);
    for d in 0..deepest {
        assert!(fy[&d] > fy[&(d + 1)], "flame: roots at the bottom");
        assert!(iy[&d] < iy[&(d + 1)], "icicle: roots at the top");
    }
    assert_eq!(iy[&0], fy[&deepest]);
    assert_eq!(iy[&deepest], fy[&0]);
    // In the shell, the icicle option.
    let dir = common::temp_dir("flame-icicle");
    let (outs, err) = shell_in(&dir, &[&abs(HEAP_5)], "icicle=true\nflamegraph > i.svg\n");
    assert_eq!(outs, ["", ""], "{err}");
    let shell_icicle = svg(&read(&dir, "i.svg"));
    assert_eq!(shell_icicle.row_y(), iy);
}

/// Function names that try to break out of the SVG or the terminal (the
/// last: characters XML does not allow).
const HOSTILE: [&str; 9] = [
    "<script>alert(1)</script>",
    "a&b",
    "</svg>",
    "]]>",
    "x\"y'z",
    "\x1b]0;pwn\x07",
    "a\tb",
    "c\nd",
    "e\u{fffe}f\u{ffff}",
];

/// `name` as the flame views print it: control characters and the
/// noncharacters U+FFFE and U+FFFF as `\u{…}`.
fn printable(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[test]
fn hostile_names_stay_text() {
    let dir = common::temp_dir("flame-hostile");
    // One stack through every hostile name, one root of its own, one short
    // stack beside the long one.
    let mut deep = vec!["main.main"];
    deep.extend(HOSTILE);
    let p = write(
        &dir,
        "hostile.pb",
        &common::stacks_profile(&[
            (&deep, 70),
            (&["main.main", "]]>", "<script>alert(1)</script>"], 20),
            (&["x\"y'z"], 10),
        ]),
    );
    let doc = flag(&["-flamegraph", &p]);
    let g = svg(&doc); // parses, one script, no stray ]]>
    let names: Vec<&str> = g.frames.iter().map(|f| f.name.as_str()).collect();
    let mut want: Vec<String> = vec!["main.main".into()];
    want.extend(HOSTILE.iter().map(|n| printable(n)));
    want.extend([
        "]]>".into(),
        "<script>alert(1)</script>".into(),
        "x\"y'z".into(),
    ]);
    assert_eq!(names, want, "the titles decode to the names");
    for f in &g.frames {
        let label = &f.label;
        assert!(
            *label == f.name
                || label.is_empty()
                || label
                    .strip_suffix("..")
                    .is_some_and(|kept| f.name.starts_with(kept)),
            "{label:?} is {:?}, maybe cut",
            f.name
        );
    }
    assert!(
        g.frames
            .iter()
            .any(|f| f.label == "<script>alert(1)</script>")
    );
    assert!(!doc.contains('\x1b') && !doc.contains('\x07') && !doc.contains('\t'));

    for columns in [100, 60] {
        let out = flag_cols(&["-flame", &p], columns);
        for bad in ['\x1b', '\x07', '\t', '\r'] {
            assert!(!out.contains(bad), "{bad:?} in the flame output:\n{out}");
        }
        let rows = picture(&out);
        assert_eq!(rows.len(), 1 + HOSTILE.len(), "one line per row:\n{out}");
        assert_picture_draws(&rows, &g, columns);
    }
}

#[test]
fn filters_and_options_are_honoured() {
    // focus: every frame is on a stack through main.hashJob, and the roots
    // add up to what -top shows of the focused samples.
    let g = svg(&flag(&["-flamegraph", "-focus=hashJob", CPU]));
    for i in 0..g.frames.len() {
        let on_path = g.path(i).contains(&"main.hashJob")
            || g.frames.iter().enumerate().any(|(j, _)| {
                g.frames[j].name == "main.hashJob" && g.path(j).starts_with(&g.path(i))
            });
        assert!(
            on_path,
            "{:?} is on a stack through main.hashJob",
            g.path(i)
        );
    }
    let (_, pct, total) = top_showing(&flag(&["-top", "-nodefraction=0", "-focus=hashJob", CPU]));
    let sum: f64 = g
        .frames
        .iter()
        .filter(|f| f.depth == 0)
        .map(|f| f.pct())
        .sum();
    assert!((sum - pct).abs() < 0.02, "roots {sum}% vs top {pct}%");
    assert_eq!(subtitle_total(&g), total);
    assert!(g.subtitle.contains("focus=hashJob"), "{}", g.subtitle);
    let out = flag(&["-flame", "-focus=hashJob", CPU]);
    assert!(
        out.lines().all(|l| !l.contains("main.treeJob")),
        "no other job:\n{out}"
    );

    // sample_index: another total, the one -top gives.
    let inuse = svg(&flag(&["-flamegraph", HEAP_5]));
    let alloc = svg(&flag(&["-flamegraph", "-sample_index=alloc_space", HEAP_5]));
    let (_, _, alloc_total) = top_showing(&flag(&["-top", "-sample_index=alloc_space", HEAP_5]));
    assert_ne!(subtitle_total(&inuse), subtitle_total(&alloc));
    assert_eq!(subtitle_total(&alloc), alloc_total);
    assert!(alloc.subtitle.contains("Type: alloc_space"));

    // unit: the values of the titles.
    assert!(inuse.frames.iter().any(|f| f.cum.ends_with("MB")));
    let kb = svg(&flag(&["-flamegraph", "-unit=kB", HEAP_5]));
    for f in &kb.frames {
        assert!(
            f.cum.ends_with("kB") || f.cum == "0",
            "{}: {}",
            f.name,
            f.cum
        );
    }

    // The same in the shell, for the text view.
    let (outs, err) = shell(
        &[HEAP_5],
        "flame\nsample_index=alloc_space\nflame\nunit=kB\nflame\n",
    );
    assert!(!err.contains("rror"), "{err}");
    assert!(heading(&outs[0]).contains("178.01MB total"), "{}", outs[0]);
    assert!(
        heading(&outs[2]).contains(&format!("{alloc_total} total")),
        "{}",
        outs[2]
    );
    assert!(heading(&outs[4]).contains("kB total"), "{}", outs[4]);
}

// ---------------------------------------------------------------------------
// Where the output goes.

#[test]
fn flag_mode_and_shell_print_and_write_the_same() {
    // -flame prints what the shell's flame prints.
    let (outs, _) = shell(&[CPU], "flame\n");
    assert_eq!(flag(&["-flame", CPU]), outs[0]);

    // -flamegraph -output=F writes F and says so on stderr, as pprof does.
    let dir = common::temp_dir("flame-output");
    let f = dir.join("x.svg");
    let o = common::rpprof(["-flamegraph", &format!("-output={}", f.display()), HEAP_5]).run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.out(), "", "nothing on stdout");
    assert_eq!(o.stderr, format!("Generating report in {}\n", f.display()));
    let written = std::fs::read_to_string(&f).expect("x.svg is written");
    assert_eq!(written, flag(&["-flamegraph", HEAP_5]));
    svg(&written);

    // In the shell, `flamegraph > F.svg` writes F.svg; plain `flamegraph`
    // writes profile001.svg rather than an SVG on the terminal.
    let (outs, err) = shell_in(&dir, &[&abs(HEAP_5)], "flamegraph > F.svg\nflamegraph\n");
    assert_eq!(outs, ["", ""]);
    assert!(
        err.contains("Generating report in F.svg\n")
            && err.contains("Generating report in profile001.svg\n"),
        "{err}"
    );
    assert_eq!(read(&dir, "F.svg"), written);
    assert_eq!(read(&dir, "profile001.svg"), written);
}

#[test]
fn view_without_a_terminal_prints_the_flame() {
    // `view` opens nothing when stdin and stdout are pipes: it prints the
    // static flame. (No line on stderr says why yet, so none is checked.)
    let (outs, _) = shell(&[CPU], "view\nflame\nview main.worker\nflame main.worker\n");
    assert_eq!(outs[0], outs[1]);
    assert!(picture(&outs[0]).len() > 10);
    assert_eq!(outs[2], outs[3]);
    assert!(heading(&outs[2]).contains("stacks from main.worker"));
    assert_eq!(flag(&["-view", CPU]), flag(&["-flame", CPU]));
}

/// The flame graph of a view in `engine`, through the engine as every
/// front end asks for it.
fn engine_flame(
    engine: &rpprof::engine::Engine,
    id: rpprof::store::ProfileId,
    name: &'static str,
    root: Option<&str>,
    options: &[(&str, &str)],
) -> rpprof::report::flame::Flame {
    let mut cfg = rpprof::config::Config::default();
    for &(k, v) in options {
        cfg.put(k, v);
    }
    let spec = rpprof::commands::command(name).expect("a command");
    let req = rpprof::engine::Request {
        command: spec,
        argument: root.map(str::to_string),
        options: rpprof::request::ReportOptions::new(&cfg, spec, rpprof::request::Caller::Shell)
            .expect("options"),
    };
    match engine.report(id, &req).result.expect("a flame graph").body {
        rpprof::report::Body::Flame(f) => f,
        _ => panic!("not a flame graph"),
    }
}

/// A repeated picture of the same view reuses the laid-out frames (no
/// second walk over the samples); another detail, root, filter or sample
/// index lays them out anew, and equals what a fresh engine draws. Two
/// pictures are kept per profile.
#[test]
fn a_repeated_flame_graph_reuses_its_frames() {
    let data = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(HEAP_1)).unwrap();
    let profile = rpprof::source::parse(data).expect("the leak's heap profile");
    let mut engine = rpprof::engine::Engine::new();
    let id = engine.add("heap_1", profile.clone());
    let first = engine_flame(&engine, id, "flame", None, &[]);
    let again = engine_flame(&engine, id, "flame", None, &[]);
    assert!(std::sync::Arc::ptr_eq(&first.frames, &again.frames));
    assert_eq!(first, again);
    let variants = [
        ("flamegraph", None, vec![]),
        ("flame", Some("Track"), vec![]),
        ("flame", None, vec![("focus", "Track")]),
        ("flame", None, vec![("sample_index", "alloc_space")]),
    ];
    for (name, root, options) in variants {
        let other = engine_flame(&engine, id, name, root, &options);
        assert!(!std::sync::Arc::ptr_eq(&first.frames, &other.frames));
        let mut fresh = rpprof::engine::Engine::new();
        let fid = fresh.add("heap_1", profile.clone());
        assert_eq!(other, engine_flame(&fresh, fid, name, root, &options));
    }
    // Two pictures are kept per profile: the first has been dropped for
    // the newer ones, and is laid out again, the same.
    let last = engine_flame(&engine, id, "flame", None, &[]);
    assert!(!std::sync::Arc::ptr_eq(&first.frames, &last.frames));
    assert_eq!(first, last);
}
