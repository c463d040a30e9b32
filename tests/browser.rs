//! The pictures in a real browser: headless Chromium (over the DevTools
//! protocol, `common::browser`) loads the flame graph SVG and the Graphviz
//! call graph rpprof writes for the leak, and real mouse events drive them:
//! hover, click to zoom, reset, search through `prompt()`; wheel zoom
//! around the pointer, drag, double click to reset. A screenshot of each
//! is written to `target/screenshots/`; `RPPROF_BLESS=1` also keeps them in
//! `tests/screenshots/` for review.

mod common;

use common::browser::{Browser, png_size};
use common::{HEAP_5, crate_dir, rpprof};
use serde_json::Value;
use std::path::Path;

const WINDOW: (u32, u32) = (1280, 800);

fn file_url(p: &Path) -> String {
    format!("file://{}", p.display())
}

/// Writes screenshot `name` to target/screenshots (and, blessing, to
/// tests/screenshots); checks it has the window's size and that a reviewed
/// one is kept.
fn keep(name: &str, png: &[u8]) {
    assert_eq!(png_size(png), WINDOW, "{name}: the whole window");
    let out = crate_dir().join("target/screenshots");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(name), png).unwrap();
    let kept = crate_dir().join("tests/screenshots").join(name);
    if common::blessing() {
        std::fs::create_dir_all(kept.parent().unwrap()).unwrap();
        std::fs::write(&kept, png).unwrap();
    }
    let reviewed = std::fs::read(&kept).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; record it with RPPROF_BLESS=1 cargo test --test browser and look at it",
            kept.display()
        )
    });
    assert_eq!(png_size(&reviewed), WINDOW, "{}", kept.display());
}

/// The cum% `-top` prints for `name` on the newest leak snapshot.
fn top_cum_percent(name: &str) -> String {
    let o = rpprof(["-top", HEAP_5]).run();
    let line = o
        .out()
        .lines()
        .find(|l| l.split_whitespace().nth(5) == Some(name))
        .unwrap_or_else(|| panic!("{name} in top"))
        .to_string();
    line.split_whitespace().nth(4).unwrap().to_string()
}

/// Marks the flame graph frame named `name` with `data-test="{mark}"` (the
/// first line of each frame's tooltip is its name).
fn mark_frame(b: &mut Browser, name: &str, mark: &str) {
    let found = b.eval(&format!(
        "(function(){{var n=0;document.querySelectorAll('g.f').forEach(function(g){{\
         if(g.querySelector('title').textContent.split('\\n')[0]==={}){{g.setAttribute('data-test',{});n++;}}}});\
         return n;}})()",
        serde_json::to_string(name).unwrap(),
        serde_json::to_string(mark).unwrap()
    ));
    assert_eq!(found, 1, "one frame named {name}");
}

fn attr(b: &mut Browser, selector: &str, attr: &str) -> Value {
    b.eval(&format!(
        "document.querySelector({}).getAttribute({})",
        serde_json::to_string(selector).unwrap(),
        serde_json::to_string(attr).unwrap()
    ))
}

fn text(b: &mut Browser, selector: &str) -> String {
    b.eval(&format!(
        "document.querySelector({}).textContent",
        serde_json::to_string(selector).unwrap()
    ))
    .as_str()
    .unwrap_or_default()
    .to_string()
}

fn width(b: &mut Browser, selector: &str) -> f64 {
    attr(b, selector, "width")
        .as_str()
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("a width on {selector}"))
}

#[test]
fn flame_graph_hovers_zooms_and_searches_in_chromium() {
    let dir = common::temp_dir("browser-flame");
    let svg = dir.join("flame.svg");
    let o = rpprof(["-flamegraph", &format!("-output={}", svg.display()), HEAP_5]).run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mut b = Browser::open(&file_url(&svg), WINDOW.0, WINDOW.1);
    b.wait_for("document.documentElement.getAttribute('data-ready') === 'true'");

    assert_eq!(text(&mut b, "#title"), "Flame graph");
    let names = b.eval(
        "Array.from(document.querySelectorAll('g.f title')).map(function(t){return t.textContent.split('\\n')[0];})",
    );
    for n in [
        "net/http.(*conn).serve",
        "main.(*RequestTracker).Track",
        "bytes.Repeat",
        "runtime/pprof.StartCPUProfile",
    ] {
        assert!(
            names.as_array().unwrap().contains(&Value::from(n)),
            "{n} in {names}"
        );
    }
    mark_frame(&mut b, "main.(*RequestTracker).Track", "track");
    mark_frame(&mut b, "main.handler", "handler");
    mark_frame(&mut b, "runtime/pprof.StartCPUProfile", "cpu");
    keep("flamegraph.png", &b.screenshot());

    // Hovering a frame names it with its share.
    let track = b.centre("g[data-test=track] rect");
    b.call(
        "Input.dispatchMouseEvent",
        serde_json::json!({"type": "mouseMoved", "x": track.0, "y": track.1}),
    );
    let cum = top_cum_percent("main.(*RequestTracker).Track");
    assert_eq!(
        text(&mut b, "#details"),
        format!("main.(*RequestTracker).Track: cum 176.68MB ({cum}), flat 0.45MB (0.25%)")
    );

    // A click zooms: the frame fills the width, its callers stay as
    // context, frames beside it are hidden.
    let full = WINDOW.0.min(1200) as f64 - 20.0;
    let before = width(&mut b, "g[data-test=track] rect");
    assert!(before < full - 1.0, "{before}");
    b.click(track, 1);
    assert_eq!(
        attr(&mut b, "svg", "data-zoomed"),
        "main.(*RequestTracker).Track"
    );
    assert!((width(&mut b, "g[data-test=track] rect") - full).abs() < 0.01);
    assert_eq!(
        b.eval("document.querySelector('g[data-test=handler]').classList.contains('context')"),
        true
    );
    assert_eq!(
        b.eval("document.querySelector('g[data-test=cpu]').style.display"),
        "none"
    );
    assert_eq!(attr(&mut b, "#reset", "visibility"), "visible");
    keep("flamegraph-zoomed.png", &b.screenshot());

    // Reset zoom puts every frame back.
    let reset = b.centre("#reset");
    b.click(reset, 1);
    assert_eq!(attr(&mut b, "svg", "data-zoomed"), Value::Null);
    assert_eq!(width(&mut b, "g[data-test=track] rect"), before);
    assert_eq!(
        b.eval("document.querySelector('g[data-test=cpu]').style.display"),
        ""
    );

    // Search: the regexp typed into the prompt highlights the frames and
    // shows their share, the one top prints.
    b.prompt_answer = Some("^bytes\\.Repeat$".into());
    let search = b.centre("#search");
    b.click(search, 1);
    let repeat = top_cum_percent("bytes.Repeat");
    assert_eq!(text(&mut b, "#matched"), format!("Matched: {repeat}"));
    assert_eq!(
        b.eval("document.querySelectorAll('g.f.match').length"),
        1,
        "only bytes.Repeat"
    );
    assert_eq!(text(&mut b, "#search"), "Clear search");
    b.click(search, 1);
    assert_eq!(text(&mut b, "#matched"), "");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The bounding box (x, y, width, height) of `selector` in the window.
fn bbox(b: &mut Browser, selector: &str) -> [f64; 4] {
    let v = b.eval(&format!(
        "(function(){{var r=document.querySelector({}).getBoundingClientRect();\
         return [r.x,r.y,r.width,r.height];}})()",
        serde_json::to_string(selector).unwrap()
    ));
    let n = |i: usize| v[i].as_f64().unwrap();
    [n(0), n(1), n(2), n(3)]
}

fn near(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() < 1.5, "{what}: {a} vs {b}");
}

#[test]
fn call_graph_zooms_pans_and_resets_in_chromium() {
    let dir = common::temp_dir("browser-graph");
    let svg = dir.join("graph.svg");
    let o = rpprof(["-svg", &format!("-output={}", svg.display()), HEAP_5])
        .env("PATH", common::graphviz_dir())
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mut b = Browser::open(&file_url(&svg), WINDOW.0, WINDOW.1);

    let nodes = b.eval("document.querySelectorAll('#viewport g.node').length");
    assert!(nodes.as_u64().unwrap() >= 10, "{nodes} nodes");
    let marked = b.eval(
        "(function(){var n=0;document.querySelectorAll('g.node a').forEach(function(a){\
         if((a.getAttribute('xlink:title')||'').indexOf('main.(*RequestTracker).Track (')===0){\
         a.querySelector('polygon').setAttribute('data-test','track');n++;}});return n;})()",
    );
    assert_eq!(marked, 1, "one node for Track");
    keep("callgraph.png", &b.screenshot());
    let start = bbox(&mut b, "[data-test=track]");
    let centre = (start[0] + start[2] / 2.0, start[1] + start[3] / 2.0);

    // The wheel zooms around the pointer: the node under it stays put and
    // grows by the script's factor, e^(300 * 0.002).
    b.wheel(centre, -300.0);
    let zoomed = bbox(&mut b, "[data-test=track]");
    let factor = 0.6f64.exp();
    assert!(
        (zoomed[2] / start[2] - factor).abs() < 0.01,
        "{start:?} -> {zoomed:?}"
    );
    near(zoomed[0] + zoomed[2] / 2.0, centre.0, "x under the pointer");
    near(zoomed[1] + zoomed[3] / 2.0, centre.1, "y under the pointer");

    // Dragging moves the graph with the pointer.
    b.drag(centre, (centre.0 + 120.0, centre.1 - 80.0));
    let moved = bbox(&mut b, "[data-test=track]");
    near(moved[0] - zoomed[0], 120.0, "dragged right");
    near(moved[1] - zoomed[1], -80.0, "dragged up");
    near(moved[2], zoomed[2], "same size");

    // A double click shows the whole graph again.
    b.click((20.0, 20.0), 2);
    let back = bbox(&mut b, "[data-test=track]");
    for i in 0..4 {
        near(back[i], start[i], "reset");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The web UI in Chromium: the flame graph renders and zooms on a click,
/// a focus typed into Refine changes the Top table and goes into the URL,
/// a row's source link opens Source for Track; a screenshot of each view.
#[test]
fn web_ui_flame_refine_and_source_in_chromium() {
    let src = common::leak_source_args();
    let path = common::graphviz_dir();
    let ui = common::WebUi::start(&[&src[0], &src[1], HEAP_5], &[("PATH", &path)]);
    let mut b = Browser::open(&ui.url("/ui/"), WINDOW.0, WINDOW.1);

    // The flame graph is the default view, in its own document.
    let doc = "document.querySelector('object').contentDocument";
    b.wait_for(&format!(
        "!!{doc} && {doc}.documentElement.getAttribute('data-ready') === 'true'"
    ));
    let frames = b.eval(&format!("{doc}.querySelectorAll('g.f').length"));
    assert!(frames.as_u64().unwrap() >= 7, "{frames} frames");
    keep("web-flamegraph.png", &b.screenshot());
    let at = b.eval(&format!(
        "(function(){{var o=document.querySelector('object').getBoundingClientRect();\
         var g=Array.from({doc}.querySelectorAll('g.f')).find(function(g){{\
         return g.querySelector('title').textContent.split('\\n')[0]==='main.(*RequestTracker).Track';}});\
         var r=g.querySelector('rect').getBoundingClientRect();\
         return [o.x+r.x+r.width/2,o.y+r.y+r.height/2];}})()"
    ));
    b.click((at[0].as_f64().unwrap(), at[1].as_f64().unwrap()), 1);
    assert_eq!(
        b.eval(&format!(
            "{doc}.documentElement.getAttribute('data-zoomed')"
        )),
        "main.(*RequestTracker).Track"
    );

    // Top, then a focus typed into Refine.
    b.navigate(&ui.url("/ui/top"));
    let rows = |b: &mut Browser| b.eval("document.querySelectorAll('table.top tbody tr').length");
    let all = rows(&mut b).as_u64().unwrap();
    keep("web-top.png", &b.screenshot());
    // A click on a heading sorts by it: cum, largest first, then again
    // smallest first.
    let cums = |b: &mut Browser| {
        b.eval("Array.from(document.querySelectorAll('table.top tbody tr')).map(function(r){return parseFloat(r.cells[3].getAttribute('data-v'));})")
    };
    let heading = b.centre("table.top th:nth-child(4)");
    b.click(heading, 1);
    assert_eq!(
        b.eval("document.querySelector('table.top').getAttribute('data-sorted')"),
        "3 desc"
    );
    let v: Vec<f64> = serde_json::from_value(cums(&mut b)).unwrap();
    assert!(v.windows(2).all(|w| w[0] >= w[1]), "{v:?}");
    b.click(heading, 1);
    let v: Vec<f64> = serde_json::from_value(cums(&mut b)).unwrap();
    assert!(v.windows(2).all(|w| w[0] <= w[1]), "{v:?}");
    let focus = b.centre("#f");
    b.click(focus, 1);
    b.type_text("Track");
    b.press_enter();
    b.wait_loaded(&ui.url("/ui/top?f=Track"));
    let focused = rows(&mut b).as_u64().unwrap();
    let expected = rpprof(["-top", "-focus=Track", HEAP_5]).run().out();
    let expected_rows = expected
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("flat "))
        .count()
        - 1;
    assert_eq!(focused as usize, expected_rows, "{expected}");
    assert!(focused < all, "{focused} of {all} rows");
    assert_eq!(b.eval("document.getElementById('f').value"), "Track");

    // The row's source link: Source for Track, the leaking line marked.
    let link = "a.src[href*='Track']";
    assert_eq!(
        b.eval(&format!("document.querySelectorAll({:?}).length", link)),
        1
    );
    let at = b.centre(link);
    b.click(at, 1);
    b.wait_for("location.pathname === '/ui/source' && document.readyState === 'complete'");
    let text = b.eval("document.querySelector('pre').textContent");
    let text = text.as_str().unwrap();
    assert!(
        text.contains("ROUTINE ======================== main.(*RequestTracker).Track"),
        "{text}"
    );
    let hot = b.eval(
        "Array.from(document.querySelectorAll('pre span.sampled')).map(function(s){return s.textContent;}).join('\\n')",
    );
    assert!(hot.as_str().unwrap().contains("bytes.Repeat"), "{hot}");
    keep("web-source.png", &b.screenshot());

    b.navigate(&ui.url("/ui/peek?f=Track"));
    keep("web-peek.png", &b.screenshot());
    b.navigate(&ui.url("/ui/graph"));
    b.wait_for(
        "!!document.querySelector('object').contentDocument && \
         !!document.querySelector('object').contentDocument.getElementById('viewport')",
    );
    keep("web-graph.png", &b.screenshot());
}

/// The Growth view of a series in Chromium (its screenshot).
#[test]
fn web_ui_growth_in_chromium() {
    let series = common::leak_series();
    let mut args = vec!["-series"];
    args.extend(series.iter().map(String::as_str));
    let ui = common::WebUi::start(&args, &[]);
    let mut b = Browser::open(&ui.url("/ui/growth"), WINDOW.0, WINDOW.1);
    let text = b.eval("document.querySelector('pre').textContent");
    assert!(
        text.as_str()
            .unwrap()
            .contains("main.(*RequestTracker).Track"),
        "{text}"
    );
    assert_eq!(
        b.eval("document.querySelectorAll('#snapshot option').length"),
        5
    );
    keep("web-growth.png", &b.screenshot());
}
