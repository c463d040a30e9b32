//! The inner loops of rpprof, timed one by one on one profile: inflate,
//! decode, the streaming load, then each report's first run on a cold
//! engine (filters, node table, graph, trimming or layout) and its second
//! run on a warm one (the cache). Prints the median, minimum and maximum of
//! `RUNS` runs (default 5) of each stage.
//!
//! usage: cargo bench --bench inner [-- PROFILE [REGEXP]]
//!   PROFILE  default ../shared/corpus/go/big/heap.pb.gz
//!   REGEXP   the `peek`/`list` argument (default `retain`, the hot
//!            function of big/heap)
//!
//! `benches/compare.sh` times whole processes against `go tool pprof`;
//! this binary says which stage a change moved. No test runs it.

use rpprof::commands::command;
use rpprof::config::Config;
use rpprof::engine::{Engine, Request};
use rpprof::request::{Caller, ReportOptions};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Times `f` `runs` times (after `setup` each time, untimed).
fn time<S, T>(
    runs: usize,
    mut setup: impl FnMut() -> S,
    mut f: impl FnMut(S) -> T,
) -> Vec<Duration> {
    (0..runs)
        .map(|_| {
            let s = setup();
            let start = Instant::now();
            black_box(f(s));
            start.elapsed()
        })
        .collect()
}

fn print(stage: &str, mut d: Vec<Duration>) {
    d.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{stage:<24} {:>10.1} {:>10.1} {:>10.1}",
        ms(d[d.len() / 2]),
        ms(d[0]),
        ms(d[d.len() - 1])
    );
}

fn request(name: &str, argument: Option<&str>) -> Request {
    let spec = command(name).expect("a report command");
    Request {
        command: spec,
        argument: argument.map(str::to_string),
        options: ReportOptions::new(&Config::default(), spec, Caller::Shell)
            .expect("default options"),
    }
}

fn main() {
    // cargo bench passes `--bench`; everything else is ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let path = args.first().cloned().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpus/go/big/heap.pb.gz"
        )
        .to_string()
    });
    let regexp = args.get(1).map_or("retain", String::as_str);
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5)
        .max(1);
    let gz = std::fs::read(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let raw = rpprof::source::gunzip(gz.clone()).expect("inflates");
    let profile = rpprof::source::parse(raw.clone()).expect("decodes");
    println!(
        "{path}: {} samples, {} locations; {runs} runs, milliseconds",
        profile.samples.len(),
        profile.locations.len()
    );
    println!(
        "{:<24} {:>10} {:>10} {:>10}",
        "stage", "median", "min", "max"
    );
    print("inflate", time(runs, || gz.clone(), rpprof::source::gunzip));
    print("decode", time(runs, || raw.clone(), rpprof::source::parse));
    print(
        "load (streaming)",
        time(runs, || (), |()| rpprof::source::load_path(&path)),
    );
    let reports = [
        ("top", None),
        ("peek", Some(regexp)),
        ("list", Some(regexp)),
        ("tree", None),
        ("flame", None),
    ];
    for (name, arg) in reports {
        let req = request(name, arg);
        let label = match arg {
            Some(a) => format!("{name} {a}"),
            None => name.to_string(),
        };
        let cold = || {
            let mut e = Engine::new();
            let id = e.add("bench", profile.clone());
            (e, id)
        };
        let run = |(e, id): (Engine, _)| {
            let answer = e.report(id, &req);
            assert!(answer.result.is_ok(), "{label}: {:?}", answer.result.err());
            e
        };
        print(&format!("{label} (first)"), time(runs, cold, run));
        let (warm, id) = cold();
        let _ = warm.report(id, &req);
        print(
            &format!("{label} (again)"),
            time(runs, || (), |()| warm.report(id, &req).result.is_ok()),
        );
    }
}
