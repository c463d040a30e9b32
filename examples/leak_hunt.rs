//! The classic Go memory-leak hunt, through rpprof's library API.
//!
//! A server's heap grows without bound. Five heap snapshots were taken from
//! `/debug/pprof/heap`; this walks the last one the way a person would at the
//! `(pprof)` prompt — what holds the memory (`top`), who calls it (`peek`),
//! which line (`list`) — reading the reports as values, not text, and ends
//! with what grew between the first and the last snapshot.
//!
//! Run with `cargo run --release --example leak_hunt`.

use rpprof::commands::command;
use rpprof::config::Config;
use rpprof::engine::{Engine, Request};
use rpprof::render::text::{Rendered, plain};
use rpprof::report::{Body, Report};
use rpprof::request::{Caller, ReportOptions};
use std::path::Path;

fn request(name: &str, argument: Option<&str>, cfg: &Config) -> Request {
    let spec = command(name).expect("a report command");
    Request {
        command: spec,
        argument: argument.map(str::to_string),
        options: ReportOptions::new(cfg, spec, Caller::Shell).expect("valid options"),
    }
}

fn print(r: &Report) {
    if let Rendered::Text(t) = plain(r, &Default::default()) {
        print!("{t}");
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let snapshot = |n: u32| {
        let path = root.join(format!("examples/memory-leak/heap_{n}.pb.gz"));
        rpprof::source::load_path(&path.display().to_string()).expect("the bundled profile loads")
    };
    let mut engine = Engine::new();
    let last = engine.add("heap_5.pb.gz", snapshot(5));

    let mut cfg = Config::default();
    cfg.put("compact_labels", "true");
    // The profile names /go/src/example.com/leak/main.go; the source is in
    // examples/memory-leak/main.go.
    cfg.put(
        "source_path",
        root.join("examples/memory-leak").display().to_string(),
    );
    cfg.put("trim_path", "/go/src/example.com/leak");

    // 1. What holds the memory?
    println!("(pprof) top 5");
    cfg.put("nodecount", "5");
    let top = engine
        .report(last, &request("top", None, &cfg))
        .result
        .expect("top");
    print(&top);
    if let Body::Top(t) = &top.body {
        let first = &t.rows[0];
        println!(
            "# {} holds {} of {} in use ({:.0}%).\n",
            first.name,
            top.scale.format(first.flat),
            top.scale.format(top.total),
            100.0 * first.flat as f64 / top.total as f64
        );
    }
    cfg.put("nodecount", "-1");

    // 2. Who allocates it, and 3. on which line?
    for (name, arg) in [("peek", "Track"), ("list", "Track")] {
        println!("(pprof) {name} {arg}");
        let answer = engine.report(last, &request(name, Some(arg), &cfg));
        for m in answer.messages {
            eprintln!("{m}");
        }
        print(&answer.result.expect("report"));
    }

    // 4. What grew between the first and the last snapshot: the leak, alone.
    let grown = rpprof::model::base::subtract(snapshot(5), snapshot(1), false)
        .expect("same kind of profile");
    let diff = engine.add("heap_5.pb.gz - heap_1.pb.gz", grown);
    cfg.put("nodecount", "3");
    println!("(pprof) top 3   # heap_5 with heap_1 as -base");
    print(
        &engine
            .report(diff, &request("top", None, &cfg))
            .result
            .expect("top"),
    );
}
