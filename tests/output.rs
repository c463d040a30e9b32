//! Where reports go and the reports that are files: `> f` and `-output`,
//! `profileNNN` files for binary formats, `proto`/`topproto` read back,
//! `weblist` through a browser, `list` with its source search. Every run
//! happens in a fresh temporary directory.

mod common;

use rpprof::commands::command;
use rpprof::config::Config;
use rpprof::engine::{Engine, Request};
use rpprof::model::{Profile, StrId};
use rpprof::render::text::{Rendered, plain};
use rpprof::request::{Caller, ReportOptions};
use std::path::{Path, PathBuf};

fn data(rel: &str) -> PathBuf {
    common::data_dir().join(rel)
}

/// A fresh empty directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let d = std::env::temp_dir().join(format!("rpprof-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("temp dir");
        TempDir(d)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs rpprof in `dir` with `args`, feeding `script` lines on stdin.
fn run(dir: &Path, args: &[&str], script: &str, env: &[(&str, &str)]) -> (String, String) {
    let mut run = common::rpprof(args).dir(dir).stdin(script);
    for (k, v) in env {
        run = run.env(k, v);
    }
    let o = run.run();
    (o.out(), o.stderr)
}

fn heap() -> String {
    data("leak/heap_5.pb.gz").display().to_string()
}

#[test]
fn redirect_writes_the_report_to_the_file() {
    let dir = TempDir::new("redirect");
    let (out, err) = run(&dir.0, &[&heap()], "top 3 > top.txt\ntop 3\n", &[]);
    assert!(err.contains("\nGenerating report in top.txt\n"), "{err}");
    let written = std::fs::read_to_string(dir.0.join("top.txt")).expect("top.txt written");
    assert!(written.contains("bytes.Repeat"), "{written}");
    // The second, unredirected `top 3` printed the same report to stdout.
    assert_eq!(out, format!("(pprof) (pprof) {written}(pprof) "));
}

#[test]
fn proto_in_the_shell_never_overwrites_a_profile_file() {
    let dir = TempDir::new("proto-files");
    std::fs::write(dir.0.join("profile001.pb.gz"), b"keep me").unwrap();
    let (out, err) = run(&dir.0, &[&heap()], "proto\n", &[]);
    assert_eq!(out, "(pprof) (pprof) ");
    assert!(
        err.contains("\nGenerating report in profile002.pb.gz\n"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(dir.0.join("profile001.pb.gz")).unwrap(),
        b"keep me"
    );
    let written = std::fs::read(dir.0.join("profile002.pb.gz")).unwrap();
    assert_eq!(&written[..2], &[0x1f, 0x8b], "gzip data");
    rpprof::source::parse(written).expect("a valid profile");
    // A dangling symlink on the next name is not written through.
    #[cfg(unix)]
    {
        let target = dir.0.join("redirected");
        std::os::unix::fs::symlink(&target, dir.0.join("profile003.pb.gz")).unwrap();
        let (_, err) = run(&dir.0, &[&heap()], "proto\n", &[]);
        assert!(
            err.contains("\nGenerating report in profile004.pb.gz\n"),
            "{err}"
        );
        assert!(!target.exists(), "the symlink's target was not created");
    }
}

/// Runs report command `name` on `p` with `cfg` through the engine, as
/// flag mode does.
fn generate(p: &Profile, name: &str, regexp: Option<&str>, cfg: &Config) -> Rendered<'static> {
    let spec = command(name).unwrap();
    let mut engine = Engine::new();
    let id = engine.add("test", p.clone());
    let req = Request {
        command: spec,
        argument: regexp.map(str::to_string),
        options: ReportOptions::new(cfg, spec, Caller::Flags).unwrap(),
    };
    let report = engine.report(id, &req).result.expect("report");
    match plain(&report, &Default::default()) {
        Rendered::Text(t) => Rendered::Text(t.into_owned().into()),
        Rendered::Bytes(b) => Rendered::Bytes(b.into_owned().into()),
    }
}

fn text(r: Rendered) -> String {
    match r {
        Rendered::Text(t) => t.into_owned(),
        Rendered::Bytes(_) => panic!("binary report"),
    }
}

fn bytes(r: Rendered) -> Vec<u8> {
    match r {
        Rendered::Bytes(b) => b.into_owned(),
        Rendered::Text(_) => panic!("text report"),
    }
}

/// Loads a written profile as rpprof loads a file.
fn reload(dir: &Path, name: &str, data: &[u8]) -> Profile {
    let path = dir.join(name);
    std::fs::write(&path, data).unwrap();
    rpprof::app::load(&[path.display().to_string()], &mut std::io::sink()).expect("reloads")
}

#[test]
fn proto_round_trip_keeps_the_top_report() {
    let dir = TempDir::new("proto-round-trip");
    for file in ["leak/heap_5.pb.gz", "cpu/cpu.pb.gz"] {
        let p =
            rpprof::app::load(&[data(file).display().to_string()], &mut std::io::sink()).unwrap();
        let mut cfg = Config::default();
        cfg.put("compact_labels", "true");
        let back = reload(&dir.0, "p.pb.gz", &bytes(generate(&p, "proto", None, &cfg)));
        for g in ["functions", "lines", "addresses"] {
            let mut c = cfg.clone();
            c.put_choice(g);
            assert_eq!(
                text(generate(&back, "top", None, &c)),
                text(generate(&p, "top", None, &c)),
                "{file} at {g}"
            );
        }
        // `list` sees the same inline frames and lines.
        assert_eq!(
            text(generate(&back, "list", Some("main"), &cfg)),
            text(generate(&p, "list", Some("main"), &cfg))
        );
    }
}

#[test]
fn proto_writes_the_filtered_view_with_divide_by() {
    let dir = TempDir::new("proto-filtered");
    let p = rpprof::app::load(&[heap()], &mut std::io::sink()).unwrap();
    let mut cfg = Config::default();
    cfg.put("focus", "handler");
    cfg.put("hide", "Repeat");
    cfg.put("divide_by", "1024");
    let back = reload(&dir.0, "f.pb.gz", &bytes(generate(&p, "proto", None, &cfg)));
    assert!(back.samples.len() < p.samples.len());
    let names: Vec<&str> = back
        .samples
        .locs(0)
        .iter()
        .flat_map(|&l| back.loc_lines(l))
        .map(|ln| back.str(back.functions[ln.function.index()].name))
        .collect();
    assert!(names.contains(&"main.handler"), "{names:?}");
    assert!(!names.contains(&"bytes.Repeat"), "{names:?}");
    let k = back.num_types();
    let total =
        |pr: &Profile, n: usize| -> i64 { (0..n).map(|i| pr.samples.values(i, k)[3]).sum() };
    // Every value was divided by 1024 (and truncated).
    assert!(total(&back, back.samples.len()) < 200 * 1024);
}

#[test]
fn topproto_reads_back_as_the_top_table() {
    let dir = TempDir::new("topproto");
    let p = rpprof::app::load(&[heap()], &mut std::io::sink()).unwrap();
    let mut cfg = Config::default();
    cfg.put("nodecount", "3");
    let data = bytes(generate(&p, "topproto", None, &cfg));
    let raw = rpprof::source::parse(data.clone()).expect("decodes");
    assert_eq!(raw.sample_type_names(), ["cum", "flat"]);
    assert_eq!(raw.str(raw.sample_types[0].unit), "MB");
    assert!(raw.mappings.is_empty());
    assert_eq!(raw.samples.len(), 3);
    assert_eq!(raw.time_nanos, p.time_nanos);
    let first = raw.loc_lines(raw.samples.locs(0)[0])[0];
    assert_eq!(
        raw.str(raw.functions[first.function.index()].name),
        "bytes.Repeat"
    );
    // 176.23MB flat and cum, truncated to whole MB.
    assert_eq!(raw.samples.values(0, 2), [176, 176]);
    let back = reload(&dir.0, "t.pb.gz", &data);
    let top = text(generate(&back, "top", None, &Config::default()));
    assert!(top.contains("Type: flat"), "{top}");
}

#[test]
fn list_finds_sources_from_the_current_directory_up() {
    // pprof trims `/go/src/example.com/leak/main.go` to `main.go` because
    // the current directory is called `leak`, then finds it there.
    let (out, err) = run(
        &data("src/leak"),
        &["../../leak/heap_5.pb.gz"],
        "list Track\n",
        &[],
    );
    assert!(err.starts_with("File: leak"), "{err}");
    assert!(out.contains("ROUTINE ======================== main.(*RequestTracker).Track in /go/src/example.com/leak/main.go"), "{out}");
    assert!(
        out.contains("     28:\tt.data = append(t.data, bytes.Repeat([]byte(\"a\"), 10000))"),
        "{out}"
    );
    // A relative name is also tried under the parents of a search entry.
    let deep = data("src/cpu/deeper/still").display().to_string();
    let args = [
        "-source_path",
        &deep,
        "-trim_path=/go/src/example.com/cpu",
        "-list=main.fib$",
        "../../cpu/cpu.pb.gz",
    ];
    let (out, _) = run(&data("src/cpu"), &args, "", &[]);
    assert!(
        out.contains("ROUTINE ======================== main.fib in fib.go"),
        "{out}"
    );
    assert!(out.contains("      4:func fib(n int) int {"), "{out}");
}

#[test]
fn list_without_file_names_says_so() {
    // No corpus profile lacks file names, so drop them in the model.
    let mut p = rpprof::app::load(&[heap()], &mut std::io::sink()).unwrap();
    for f in std::sync::Arc::make_mut(&mut p.functions) {
        f.filename = StrId::EMPTY;
    }
    let out = text(generate(&p, "list", Some("Track"), &Config::default()));
    assert_eq!(
        out,
        "Total: 178.01MB\nNo source information for main.(*RequestTracker).Track\n"
    );
}

#[test]
fn weblist_opens_an_escaped_html_page_in_the_browser() {
    let dir = TempDir::new("weblist");
    let saved = dir.0.join("seen.html");
    let browser = dir.0.join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\ncp \"$1\" {}\n", saved.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let src = data("src/cpu").display().to_string();
    let profile = data("cpu/cpu.pb.gz").display().to_string();
    let args = [
        "-weblist=hashJob",
        "-source_path",
        &src,
        "-trim_path=/go/src/example.com/cpu",
        &profile,
    ];
    let browser_cmd = browser.display().to_string();
    let tmp = dir.0.display().to_string();
    let env = [("BROWSER", browser_cmd.as_str()), ("TMPDIR", tmp.as_str())];
    let (out, err) = run(&dir.0, &args, "", &env);
    assert_eq!(out, "");
    assert_eq!(err, "");
    let html = std::fs::read_to_string(&saved).expect("the browser saw the page");
    // The page was a temporary file (in TMPDIR) named like pprof's.
    assert!(dir.0.join("pprof001.html").exists());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<div class=\"legend\">File: cpu<br>\nType: cpu<br>"));
    assert!(html.contains(
        "<h2>main.hashJob</h2><p class=\"filename\">/go/src/example.com/cpu/hash.go</p>"
    ));
    assert!(html.contains("  Total:       940ms      1.49s (flat, cum) 25.87%"));
    // A sampled line, its escaped source, and the inlined calls behind it.
    assert!(html.contains("<span class=line>     24</span> <span class=deadsrc>           .      250ms           \twords := make([]uint64, n) </span>"));
    assert!(html.contains("round &lt; 8; round++"));
    assert!(html.contains("<span class=livesrc>       890ms      1.17s"));
    assert!(html.contains("<span class=unimportant>hash.go:17</span>"));
    assert!(!html.contains("round < 8"));

    // With -output the page is written there and no browser starts.
    std::fs::remove_file(&saved).unwrap();
    let mut with_output = args.to_vec();
    with_output.insert(0, "-output=page.html");
    let (_, err) = run(&dir.0, &with_output, "", &env);
    assert_eq!(err, "Generating report in page.html\n");
    assert_eq!(
        std::fs::read_to_string(dir.0.join("page.html")).unwrap(),
        html
    );
    assert!(!saved.exists());
}

#[test]
fn callgrind_goes_to_stdout_when_piped() {
    let dir = TempDir::new("callgrind");
    let (out, err) = run(&dir.0, &["-callgrind", "-focus=Track", &heap()], "", &[]);
    assert_eq!(err, "");
    assert!(
        out.starts_with("positions: instr line\nevents: inuse_space(kB)\n\nob=(1) /go/bin/leak\n"),
        "{out}"
    );
    assert!(
        out.contains("fn=(2) main.(*RequestTracker).Track\n"),
        "{out}"
    );
    assert!(std::fs::read_dir(&dir.0).unwrap().next().is_none());
}

/// `call_tree=true` with `callgrind`: the same call tree as `go tool pprof`
/// (recorded in tests/data/rpprof/callgrind_call_tree_heap1.pprof). pprof
/// orders tied tree nodes differently from run to run, which moves cost
/// lines and renumbers the `[k/n]` suffixes, so lines are compared as a
/// multiset with the suffix numbers blanked.
#[test]
fn callgrind_call_tree_matches_pprof_up_to_tie_order() {
    let mut sink = std::io::sink();
    let p = rpprof::app::load(
        &[data("leak/heap_1.pb.gz").display().to_string()],
        &mut sink,
    )
    .unwrap();
    let mut cfg = Config::default();
    cfg.put("call_tree", "true");
    let Rendered::Text(ours) = generate(&p, "callgrind", None, &cfg) else {
        panic!("text")
    };
    let theirs = std::fs::read_to_string(data("rpprof/callgrind_call_tree_heap1.pprof")).unwrap();
    let shape = |s: &str| {
        let re = regex::Regex::new(r"\[\d+/(\d+)\]").unwrap();
        let mut v: Vec<String> = s
            .lines()
            .map(|l| re.replace_all(l, "[_/$1]").into_owned())
            .collect();
        v.sort();
        v
    };
    assert!(ours.contains("[1/3]"), "contexts are told apart");
    assert_eq!(shape(&ours), shape(&theirs));
}

#[test]
fn svg_call_graph_gets_pan_and_zoom() {
    let dir = TempDir::new("svg-pan");
    let path = common::graphviz_dir();
    let (out, err) = run(
        &dir.0,
        &["-svg", "-output=graph.svg", &heap()],
        "",
        &[("PATH", &path)],
    );
    assert_eq!(
        (out.as_str(), err.as_str()),
        ("", "Generating report in graph.svg\n")
    );
    let svg = std::fs::read_to_string(dir.0.join("graph.svg")).unwrap();
    let doc = roxmltree::Document::parse_with_options(
        &svg,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .expect("valid XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("100%"));
    assert_eq!(root.attribute("height"), Some("100%"));
    // The whole graph is inside the viewport the script moves.
    let kids: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    let names: Vec<_> = kids.iter().map(|n| n.tag_name().name()).collect();
    assert_eq!(names, ["g", "script"]);
    assert_eq!(kids[0].attribute("id"), Some("viewport"));
    let graph = kids[0].first_element_child().unwrap();
    assert_eq!(graph.attribute("id"), Some("graph0"));
    let script = kids[1].text().unwrap();
    assert!(script.contains("addEventListener(\"wheel\""), "{script}");
    assert!(
        !svg.contains("src=") && !svg.contains("href=\"http"),
        "nothing is loaded"
    );
    let labels: Vec<&str> = graph
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    assert!(labels.contains(&"(*RequestTracker)"), "{labels:?}");
    assert!(labels.contains(&"Repeat"), "{labels:?}");
}

#[test]
fn without_graphviz_one_line_names_what_draws_without_it() {
    let dir = TempDir::new("no-dot");
    let line = "failed to execute dot. Is Graphviz installed? Error: exec: \"dot\": \
                executable file not found in $PATH (flamegraph and flame draw without Graphviz)\n";
    // An unset PATH would search the default directories: name an empty one.
    let empty = dir.0.display().to_string();
    let o = common::rpprof(["-svg", &heap()])
        .dir(&dir.0)
        .env("PATH", &empty)
        .run();
    assert_eq!(
        (o.out(), o.stderr.as_str(), o.code),
        (String::new(), line, 1)
    );
    // In the shell the session goes on, and the flame graph needs nothing.
    let (out, err) = run(
        &dir.0,
        &[&heap()],
        "png\nflamegraph > f.svg\ntop 1\n",
        &[("PATH", &empty)],
    );
    assert!(
        err.ends_with(&format!("{line}Generating report in f.svg\n")),
        "{err}"
    );
    assert!(out.contains("bytes.Repeat"), "{out}");
    assert!(dir.0.join("f.svg").is_file());
}

#[test]
fn web_without_a_browser_says_where_the_file_is() {
    let dir = TempDir::new("no-browser");
    let tmp = dir.0.display().to_string();
    let path = common::graphviz_dir();
    let env = [
        ("PATH", path.as_str()),
        ("TMPDIR", tmp.as_str()),
        ("BROWSER", ""),
        ("DISPLAY", ""),
        ("WAYLAND_DISPLAY", ""),
    ];
    let o = common::rpprof(["-web", &heap()])
        .dir(&dir.0)
        .env("PATH", &path)
        .env("TMPDIR", &tmp)
        .env("BROWSER", "")
        .env("DISPLAY", "")
        .run();
    let file = dir.0.join("pprof001.svg");
    assert_eq!(
        (o.stderr, o.code),
        (
            format!("no browser found (set $BROWSER): open {}\n", file.display()),
            0
        )
    );
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("<g id=\"viewport\">")
    );
    // weblist in the shell: the same line, and the prompt comes back.
    let (out, err) = run(&dir.0, &[&heap()], "weblist Track\ntop 1\n", &env);
    assert_eq!(
        err.lines().last(),
        Some(
            format!(
                "no browser found (set $BROWSER): open {}",
                dir.0.join("pprof001.html").display()
            )
            .as_str()
        ),
        "{err}"
    );
    assert!(out.contains("bytes.Repeat"), "{out}");
}
