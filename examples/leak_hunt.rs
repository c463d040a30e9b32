//! The classic Go memory-leak hunt, scripted through rpprof's shell.
//!
//! A server's heap grows without bound. Five heap snapshots were taken from
//! `/debug/pprof/heap`; this walks the last one the way a person would at the
//! `(pprof)` prompt: what holds the memory (`top`), who calls it (`peek`),
//! which line (`list`), and what grew since the first snapshot (`-base`).
//!
//! Run with `cargo run --release --example leak_hunt`.

use rpprof::config::Config;
use rpprof::shell::session::Session;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let heap = root.join("examples/data/heap_5.pb.gz");
    let mut sink = std::io::sink();
    let profile = rpprof::app::load(&[heap.display().to_string()], &mut sink)
        .expect("the bundled profile loads");
    let mut cfg = Config::default();
    // The profile names /go/src/example.com/leak/main.go; the source is here.
    cfg.put(
        "source_path",
        root.join("tests/data/src/leak").display().to_string(),
    );
    let mut session = Session::new(profile, cfg);
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    for line in ["top 5", "peek Track", "list Track"] {
        println!("(pprof) {line}");
        session.execute(line, &mut stdout.lock(), &mut stderr.lock());
    }
    // What grew between the first and the last snapshot: the leak, alone.
    let first = root
        .join("examples/data/heap_1.pb.gz")
        .display()
        .to_string();
    let args = [
        "-top",
        "-nodecount=3",
        "-base",
        &first,
        &heap.display().to_string(),
    ];
    println!("$ rpprof {}", args.join(" "));
    rpprof::app::run(args.iter().map(|a| a.to_string()).collect());
}
