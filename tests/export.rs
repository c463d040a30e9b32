//! The stack-exchange writers through real consumers: `folded` read back
//! by rpprof's folded reader (same `top` rows and `traces` stacks, with
//! filters, sample_index and granularity honoured) and rendered by
//! inferno; `speedscope` checked against `traces` and loaded by the
//! speedscope app itself in headless Chromium; `firefox` checked
//! structurally, its stacks rebuilt from the Firefox Profiler's tables.

mod common;

use common::browser::Browser;
use common::{HEAP_5, crate_dir, rpprof, temp_dir};
use rpprof::commands::command;
use rpprof::config::Config;
use rpprof::engine::{Engine, Request};
use rpprof::report::{Body, Report};
use rpprof::request::{Caller, ReportOptions};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const ALLOCS: &str = "tests/data/leak/allocs.pb.gz";
const CPU: &str = "tests/data/leak/cpu.pb.gz";

/// Stacks (root first) and their summed values.
type StackMap = BTreeMap<Vec<String>, i64>;

/// `report` on profile `id` with the options `opts` (`granularity` given as
/// the choice), untrimmed, as the command-line flags run it.
fn report(
    engine: &Engine,
    id: rpprof::store::ProfileId,
    name: &str,
    opts: &[(&str, &str)],
) -> Report {
    let mut cfg = Config::default();
    cfg.put("nodefraction", "0");
    cfg.put("edgefraction", "0");
    for &(k, v) in opts {
        if k == "granularity" {
            cfg.put_choice(v);
        } else {
            cfg.put(k, v);
        }
    }
    let spec = command(name).unwrap();
    let req = Request {
        command: spec,
        argument: None,
        options: ReportOptions::new(&cfg, spec, Caller::Flags).unwrap(),
    };
    engine.report(id, &req).result.expect("report")
}

fn document(r: &Report) -> &str {
    match &r.body {
        Body::Document(d) => d,
        other => panic!("{} gives a document, not {other:?}", r.command),
    }
}

fn load(rel: &str) -> rpprof::Profile {
    rpprof::source::load_path(crate_dir().join(rel).to_str().unwrap()).expect("profile loads")
}

/// `top`'s rows as (name, flat, cum), sorted by name.
fn top_rows(r: &Report) -> Vec<(String, i64, i64)> {
    let Body::Top(top) = &r.body else {
        panic!("top gives a Top body")
    };
    let mut rows: Vec<_> = top
        .rows
        .iter()
        .map(|row| (row.name.clone(), row.flat, row.cum))
        .collect();
    rows.sort();
    rows
}

/// `traces`' samples as distinct stacks, root first, zero sums left out.
fn trace_stacks(r: &Report) -> StackMap {
    let Body::Traces(t) = &r.body else {
        panic!("traces gives a Traces body")
    };
    let mut m = StackMap::new();
    for s in &t.traces {
        let stack = s
            .frames
            .iter()
            .rev()
            .map(|&(n, _)| t.names[n as usize].clone())
            .collect();
        *m.entry(stack).or_default() += s.value;
    }
    m.retain(|_, v| *v != 0);
    m
}

/// Writes `folded` for `rel` with `opts`, reads it back with rpprof's
/// folded reader, and checks that `top` (and, at the default granularity,
/// `traces`) agree on both. Returns the folded text.
fn folded_round_trip(rel: &str, opts: &[(&str, &str)]) -> String {
    let mut engine = Engine::new();
    let id = engine.add(rel, load(rel));
    let folded = document(&report(&engine, id, "folded", opts)).to_string();
    let back = rpprof::source::parse(folded.clone().into_bytes()).expect("folded reads back");
    let back_id = engine.add("back.folded", back);
    let granularity: Vec<(&str, &str)> = opts
        .iter()
        .copied()
        .filter(|(k, _)| *k == "granularity")
        .collect();
    let (top, top_back) = (
        report(&engine, id, "top", opts),
        report(&engine, back_id, "top", &granularity),
    );
    assert_eq!(
        top_rows(&top),
        top_rows(&top_back),
        "{rel} {opts:?}: top rows"
    );
    // Σ of the stacks is Σ flat of top (and, unfiltered, its total).
    let folded_sum: i64 = folded
        .lines()
        .map(|l| l.rsplit_once(' ').unwrap().1.parse::<i64>().unwrap())
        .sum();
    let flat_sum: i64 = top_rows(&top).iter().map(|r| r.1).sum();
    assert_eq!(folded_sum, flat_sum, "{rel} {opts:?}: sum");
    assert_eq!(top_back.total, flat_sum, "{rel} {opts:?}: total read back");
    if opts
        .iter()
        .all(|(k, _)| matches!(*k, "granularity" | "sample_index"))
    {
        assert_eq!(top.total, flat_sum, "{rel} {opts:?}: total");
    }
    assert_eq!(top_back.sample_type, "samples");
    if granularity.is_empty() {
        let stacks = trace_stacks(&report(&engine, id, "traces", opts));
        assert_eq!(
            stacks,
            trace_stacks(&report(&engine, back_id, "traces", &[])),
            "{rel} {opts:?}: stacks"
        );
        // One line per distinct stack.
        assert_eq!(folded.lines().count(), stacks.len());
    }
    folded
}

#[test]
fn folded_round_trip_keeps_totals_and_stacks() {
    let heap = folded_round_trip("tests/data/leak/heap_5.pb.gz", &[]);
    let hot = "net/http.(*conn).serve;net/http.serverHandler.ServeHTTP;\
net/http.(*ServeMux).ServeHTTP;net/http.HandlerFunc.ServeHTTP;main.handler;\
main.(*RequestTracker).Track;bytes.Repeat 184794452";
    assert!(heap.lines().any(|l| l == hot), "{heap}");
    // Filters and sample_index: only the stacks through Track, alloc_space.
    let focused = folded_round_trip(
        ALLOCS,
        &[("sample_index", "alloc_space"), ("focus", "Track")],
    );
    assert_eq!(focused.lines().count(), 2, "{focused}");
    assert!(
        focused
            .lines()
            .all(|l| l.contains(";main.(*RequestTracker).Track"))
    );
    assert!(focused.ends_with(";bytes.Repeat 184794452\n"), "{focused}");
    let counts = folded_round_trip(
        ALLOCS,
        &[("sample_index", "alloc_objects"), ("hide", "net/http")],
    );
    assert!(counts.lines().all(|l| !l.contains("net/http")), "{counts}");
    // Granularity: frames named with their file and line.
    let lines = folded_round_trip(CPU, &[("granularity", "lines")]);
    assert!(
        lines
            .lines()
            .any(|l| l.contains("main.(*RequestTracker).Track /go/src/example.com/leak/main.go:28")),
        "{lines}"
    );
}

#[test]
fn folded_and_speedscope_go_to_stdout_or_the_output_file() {
    let o = rpprof([
        "-folded",
        "-sample_index=alloc_space",
        "-focus=Track",
        ALLOCS,
    ])
    .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mut engine = Engine::new();
    let id = engine.add(ALLOCS, load(ALLOCS));
    let opts = [("sample_index", "alloc_space"), ("focus", "Track")];
    assert_eq!(o.out(), document(&report(&engine, id, "folded", &opts)));
    let dir = temp_dir("export-output");
    let file = dir.join("x.json");
    let o = rpprof([
        "-speedscope".to_string(),
        format!("-output={}", file.display()),
        HEAP_5.to_string(),
    ])
    .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.out(), "");
    let written: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(written["profiles"][0]["name"], "inuse_space");
    // In the shell, a JSON file is written as profileNNN.<ext>.
    let o = rpprof([crate_dir().join(HEAP_5)])
        .dir(&dir)
        .stdin("speedscope\nfirefox\nfolded\n")
        .run();
    let err = o.stderr.clone();
    assert!(
        err.contains("Generating report in profile001.speedscope.json\n"),
        "{err}"
    );
    assert!(
        err.contains("Generating report in profile001.firefox.json\n"),
        "{err}"
    );
    assert!(o.out().contains(";bytes.Repeat 184794452\n"), "{}", o.out());
    let shell: Value =
        serde_json::from_slice(&std::fs::read(dir.join("profile001.speedscope.json")).unwrap())
            .unwrap();
    assert_eq!(shell, written);
}

#[test]
fn inferno_renders_the_folded_stacks() {
    let mut engine = Engine::new();
    let id = engine.add(HEAP_5, load(HEAP_5));
    let folded = document(&report(&engine, id, "folded", &[])).to_string();
    let mut svg = Vec::new();
    let mut options = inferno::flamegraph::Options::default();
    inferno::flamegraph::from_lines(&mut options, folded.lines(), &mut svg)
        .expect("inferno reads our folded stacks");
    let svg = String::from_utf8(svg).unwrap();
    assert!(svg.starts_with("<?xml"), "{}", &svg[..100]);
    for name in ["bytes.Repeat", "main.(*RequestTracker).Track"] {
        assert!(
            svg.contains(&format!("<title>{name} (")),
            "{name} in the SVG"
        );
    }
    // inferno's own total is ours.
    let total: i64 = folded
        .lines()
        .map(|l| l.rsplit_once(' ').unwrap().1.parse::<i64>().unwrap())
        .sum();
    assert!(
        svg.contains(&format!("all ({} samples, 100%)", group(total))),
        "total"
    );
}

/// `n` with `,` between thousands, as inferno prints sample counts.
fn group(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The stacks of a speedscope file's first profile, root first.
fn speedscope_stacks(doc: &Value) -> StackMap {
    let frames = doc["shared"]["frames"].as_array().unwrap();
    let p = &doc["profiles"][0];
    let mut m = StackMap::new();
    for (s, w) in p["samples"]
        .as_array()
        .unwrap()
        .iter()
        .zip(p["weights"].as_array().unwrap())
    {
        let stack = s
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                frames[i.as_u64().unwrap() as usize]["name"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        *m.entry(stack).or_default() += w.as_i64().unwrap();
    }
    m
}

#[test]
fn speedscope_stacks_are_those_of_traces() {
    let mut engine = Engine::new();
    let id = engine.add(ALLOCS, load(ALLOCS));
    for opts in [
        &[][..],
        &[("sample_index", "alloc_space"), ("focus", "Track")][..],
        &[("sample_index", "alloc_objects"), ("ignore", "bufio")][..],
    ] {
        let r = report(&engine, id, "speedscope", opts);
        let doc: Value = serde_json::from_str(document(&r)).unwrap();
        let stacks = trace_stacks(&report(&engine, id, "traces", opts));
        assert_eq!(speedscope_stacks(&doc), stacks, "{opts:?}");
        let p = &doc["profiles"][0];
        assert_eq!(p["type"], "sampled");
        assert_eq!(p["startValue"], 0);
        assert_eq!(p["endValue"], stacks.values().sum::<i64>());
        assert_eq!(p["samples"].as_array().unwrap().len(), stacks.len());
        assert_eq!(p["name"], r.sample_type.as_str());
        let unit = if r.sample_type.ends_with("_space") {
            "bytes"
        } else {
            "none"
        };
        assert_eq!(p["unit"], unit, "{opts:?}");
        assert_eq!(doc["name"], format!("leak {}", r.sample_type));
        assert_eq!(
            doc["$schema"],
            "https://www.speedscope.app/file-format-schema.json"
        );
    }
    // Frames carry their file and line at granularity=lines; CPU time is
    // in nanoseconds.
    let cpu = engine.add(CPU, load(CPU));
    let r = report(&engine, cpu, "speedscope", &[("granularity", "lines")]);
    let doc: Value = serde_json::from_str(document(&r)).unwrap();
    assert_eq!(doc["profiles"][0]["unit"], "nanoseconds");
    let track = doc["shared"]["frames"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "main.(*RequestTracker).Track")
        .expect("Track is a frame");
    assert!(
        track["file"].as_str().unwrap().ends_with("main.go"),
        "{track}"
    );
    assert!(track["line"].as_i64().unwrap() > 0, "{track}");
}

#[test]
fn firefox_profile_has_the_processed_format_tables() {
    let mut engine = Engine::new();
    let id = engine.add(ALLOCS, load(ALLOCS));
    let opts = [("sample_index", "alloc_space"), ("focus", "Track")];
    let doc: Value =
        serde_json::from_str(document(&report(&engine, id, "firefox", &opts))).unwrap();
    let meta = &doc["meta"];
    assert_eq!(meta["version"], 24);
    assert_eq!(meta["preprocessedProfileVersion"], 55);
    assert_eq!(meta["product"], "leak");
    let threads = doc["threads"].as_array().unwrap();
    assert_eq!(threads.len(), 1);
    let t = &threads[0];
    assert_eq!(t["name"], "alloc_space");
    let samples = &t["samples"];
    assert_eq!(samples["weightType"], "bytes");
    // Each table's columns are as long as its `length`.
    for (table, columns) in [
        ("samples", &["stack", "weight", "timeDeltas"][..]),
        ("stackTable", &["prefix", "frame"][..]),
        ("frameTable", &["func", "address", "line"][..]),
        ("funcTable", &["name", "fileName", "resource"][..]),
    ] {
        let n = t[table]["length"].as_u64().unwrap() as usize;
        for c in columns {
            assert_eq!(t[table][c].as_array().unwrap().len(), n, "{table}.{c}");
        }
    }
    // The stacks, rebuilt from the tables, are those of traces.
    let strings = t["stringArray"].as_array().unwrap();
    assert!(strings.iter().any(|s| s == "bytes.Repeat"));
    let col = |table: &str, c: &str, i: usize| t[table][c][i].clone();
    let mut stacks = StackMap::new();
    let weights = samples["weight"].as_array().unwrap();
    for (s, w) in samples["stack"].as_array().unwrap().iter().zip(weights) {
        let mut stack = Vec::new();
        let mut at = s.as_u64();
        while let Some(i) = at {
            let frame = col("stackTable", "frame", i as usize).as_u64().unwrap() as usize;
            let func = col("frameTable", "func", frame).as_u64().unwrap() as usize;
            let name = col("funcTable", "name", func).as_u64().unwrap() as usize;
            stack.push(strings[name].as_str().unwrap().to_string());
            at = col("stackTable", "prefix", i as usize).as_u64();
        }
        stack.reverse();
        *stacks.entry(stack).or_default() += w.as_i64().unwrap();
    }
    assert_eq!(stacks, trace_stacks(&report(&engine, id, "traces", &opts)));
    assert_eq!(stacks.len(), 2);
    // CPU time: nanoseconds as samples of a 1 ns interval.
    let cpu = engine.add(CPU, load(CPU));
    let doc: Value = serde_json::from_str(document(&report(&engine, cpu, "firefox", &[]))).unwrap();
    let interval = doc["meta"]["interval"].as_f64().unwrap();
    assert!((interval - 1e-6).abs() < 1e-15, "{interval} ms");
    assert_eq!(doc["threads"][0]["samples"]["weightType"], "samples");
}

/// The speedscope app the npm package ships (`.ci/run` installs it).
fn speedscope_app() -> Option<PathBuf> {
    let dir = crate_dir().join("target/speedscope/node_modules/speedscope/dist/release");
    if dir.join("index.html").is_file() {
        return Some(dir);
    }
    let install = "npm install --prefix target/speedscope speedscope@1.25.0";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("the speedscope app is required under CI=true: {install}");
    }
    eprintln!("speedscope app not found: not checking the file in it; install it with: {install}");
    None
}

/// Serves `dir`'s files and `/profile.json` (`profile`) on 127.0.0.1 from
/// a thread; returns the port.
fn serve(dir: PathBuf, profile: Vec<u8>) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in listener.incoming() {
            let Ok(mut s) = s else { continue };
            let target = common::request_target(&mut s);
            let path = target
                .split(['?', '#'])
                .next()
                .unwrap_or("")
                .trim_start_matches('/');
            if path == "profile.json" {
                common::respond(&mut s, "200 OK", "application/json", &profile);
                continue;
            }
            let file = Path::new(path);
            let ok = !path.is_empty()
                && file
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)));
            match std::fs::read(dir.join(file)).ok().filter(|_| ok) {
                Some(body) => {
                    let ty = match file.extension().and_then(|e| e.to_str()) {
                        Some("html") => "text/html",
                        Some("js") => "text/javascript",
                        Some("css") => "text/css",
                        Some("wasm") => "application/wasm",
                        Some("json") => "application/json",
                        _ => "application/octet-stream",
                    };
                    common::respond(&mut s, "200 OK", ty, &body);
                }
                None => common::respond(&mut s, "404 Not Found", "text/plain", b"not found"),
            }
        }
    });
    port
}

#[test]
fn speedscope_loads_our_file() {
    let Some(app) = speedscope_app() else {
        return;
    };
    let o = rpprof(["-speedscope", HEAP_5]).run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let port = serve(app, o.out().into_bytes());
    let base = format!("http://127.0.0.1:{port}");
    let url = format!("{base}/index.html#profileURL={base}/profile.json&view=sandwich");
    // speedscope draws with WebGL: in software here, without a GPU.
    let mut b = Browser::open_with(&url, 1280, 800, &["--enable-unsafe-swiftshader"]);
    // The title names our profile; the sandwich view's table (DOM text)
    // lists its frames.
    b.wait_for("document.title === 'leak inuse_space - speedscope'");
    b.wait_for("document.body.innerText.includes('main.(*RequestTracker).Track')");
    b.wait_for("document.body.innerText.includes('bytes.Repeat')");
}
