//! The engine as a library: reports are values (asserted without parsing
//! any text), colour is decided from those values, and one engine answers
//! reports on two stored profiles from two threads at once.

use rpprof::commands::command;
use rpprof::config::Config;
use rpprof::engine::{Engine, Request};
use rpprof::render::{color, text};
use rpprof::report::{Body, Report};
use rpprof::request::{Caller, ReportOptions};
use rpprof::store::ProfileId;
use std::path::Path;

fn load(rel: &str) -> rpprof::Profile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel);
    rpprof::source::load_path(path.to_str().unwrap()).expect("profile loads")
}

fn request(name: &str, argument: Option<&str>, cfg: &Config) -> Request {
    let spec = command(name).unwrap();
    Request {
        command: spec,
        argument: argument.map(str::to_string),
        options: ReportOptions::new(cfg, spec, Caller::Shell).unwrap(),
    }
}

fn report(engine: &Engine, id: ProfileId, name: &str, arg: Option<&str>) -> Report {
    let mut cfg = Config::default();
    cfg.put("compact_labels", "true");
    engine
        .report(id, &request(name, arg, &cfg))
        .result
        .expect("report")
}

#[test]
fn leak_top_rows_are_values() {
    let mut engine = Engine::new();
    let id = engine.add("heap_5.pb.gz", load("leak/heap_5.pb.gz"));
    let r = report(&engine, id, "top", None);
    let Body::Top(top) = &r.body else {
        panic!("top gives a Top body")
    };
    assert_eq!(r.sample_type, "inuse_space");
    assert_eq!(r.scale.output_unit, "MB");
    assert_eq!(top.rows.len(), 9);
    let names: Vec<&str> = top
        .rows
        .iter()
        .take(3)
        .map(|row| row.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "bytes.Repeat",
            "runtime/pprof.StartCPUProfile",
            "main.(*RequestTracker).Track"
        ]
    );
    let (repeat, track) = (&top.rows[0], &top.rows[2]);
    // bytes.Repeat holds its memory itself; Track holds it through Repeat.
    assert_eq!(repeat.flat, repeat.cum);
    assert!(track.cum > repeat.cum && track.flat < track.cum / 100);
    assert_eq!(repeat.inlined, rpprof::report::top::Inlined::Inline);
    // The values are those pprof prints for this profile (heap_top golden).
    let shown = |v: i64| r.scale.format(v);
    assert_eq!(
        [
            shown(repeat.flat),
            shown(track.flat),
            shown(track.cum),
            shown(r.total)
        ],
        ["176.23MB", "0.45MB", "176.68MB", "178.01MB"]
    );
    // Σ flat runs down the rows.
    let mut sum = 0;
    for row in &top.rows {
        sum += row.flat;
        assert_eq!(row.sum, sum);
    }
    assert_eq!(top.header.legend.dropped_nodes, 35);
}

#[test]
fn colour_comes_from_the_data() {
    let mut engine = Engine::new();
    let id = engine.add("heap_5.pb.gz", load("leak/heap_5.pb.gz"));
    let r = report(&engine, id, "top", None);
    let Body::Top(top) = &r.body else { panic!() };
    let painted = match color::terminal(&r, true, &Default::default()) {
        text::Rendered::Text(t) => t.into_owned(),
        text::Rendered::Bytes(_) => panic!("top is text"),
    };
    let line_of = |name: &str| {
        painted
            .lines()
            .find(|l| l.contains(name) && !l.contains("Showing"))
            .unwrap_or_else(|| panic!("{name} in {painted}"))
            .to_string()
    };
    // 99% of the total: red and bold.
    assert!(top.rows[0].flat * 10 >= r.total);
    let hot = line_of("bytes.Repeat");
    assert!(
        hot.contains("\x1b[31m") && hot.contains("\x1b[1m"),
        "{hot:?}"
    );
    // Under 1%: plain.
    let cold = &top.rows[3];
    assert!(cold.flat * 100 < r.total);
    assert!(!line_of(&cold.name).contains('\x1b'));
    // Without colour the terminal text is the plain text.
    let plain = match text::plain(&r, &Default::default()) {
        text::Rendered::Text(t) => t.into_owned(),
        text::Rendered::Bytes(_) => panic!(),
    };
    match color::terminal(&r, false, &Default::default()) {
        text::Rendered::Text(t) => assert_eq!(t, plain),
        text::Rendered::Bytes(_) => panic!(),
    }
}

fn plain_text(engine: &Engine, id: ProfileId, name: &str, arg: Option<&str>) -> String {
    match text::plain(&report(engine, id, name, arg), &Default::default()) {
        text::Rendered::Text(t) => t.into_owned(),
        text::Rendered::Bytes(_) => panic!("{name} is text"),
    }
}

#[test]
fn two_threads_two_profiles_one_engine() {
    // Expected outputs from an engine used by one thread only.
    let mut single = Engine::new();
    let (h, c) = (
        single.add("heap_5.pb.gz", load("leak/heap_5.pb.gz")),
        single.add("cpu.pb.gz", load("cpu/cpu.pb.gz")),
    );
    let expected_peek = plain_text(&single, h, "peek", Some("Track"));
    let expected_top = plain_text(&single, c, "top", None);
    assert!(expected_peek.contains("main.(*RequestTracker).Track"));

    // A fresh engine (empty cache) shared by two threads, each reporting
    // on its own profile; then both on both.
    let mut shared = Engine::new();
    let heap = shared.add("heap_5.pb.gz", load("leak/heap_5.pb.gz"));
    let cpu = shared.add("cpu.pb.gz", load("cpu/cpu.pb.gz"));
    let engine = &shared;
    std::thread::scope(|s| {
        let a = s.spawn(|| {
            (0..10).all(|i| match i % 2 {
                0 => plain_text(engine, heap, "peek", Some("Track")) == expected_peek,
                _ => plain_text(engine, cpu, "top", None) == expected_top,
            })
        });
        let b = s.spawn(|| {
            (0..10).all(|i| match i % 2 {
                0 => plain_text(engine, cpu, "top", None) == expected_top,
                _ => plain_text(engine, heap, "peek", Some("Track")) == expected_peek,
            })
        });
        assert!(a.join().unwrap(), "thread a saw a different report");
        assert!(b.join().unwrap(), "thread b saw a different report");
    });
}
