//! Snapshot series (`-series`): loading, `growth`, `snapshots`, `use`,
//! `diff`, and their errors, on the leaking server's five heap snapshots.

mod common;

use std::path::{Path, PathBuf};

fn data() -> PathBuf {
    common::data_dir()
}

const LEAK: [&str; 5] = [
    "leak/heap_1.pb.gz",
    "leak/heap_2.pb.gz",
    "leak/heap_3.pb.gz",
    "leak/heap_4.pb.gz",
    "leak/heap_5.pb.gz",
];

fn run(args: &[&str], stdin: &str) -> common::Output {
    common::rpprof(args).dir(data()).stdin(stdin).run()
}

/// The rows of the last `growth` table in `out`: (verdict, name), from its
/// column header to the next prompt.
fn rows(out: &str) -> Vec<(String, String)> {
    let verdicts = [
        "growing",
        "plateau",
        "churn",
        "shrinking",
        "new",
        "gone",
        "flat",
    ];
    let table = out
        .rsplit_once("  verdict    name\n")
        .map_or("", |(_, t)| t);
    table
        .lines()
        .take_while(|l| !l.starts_with("(pprof)"))
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let i = words.iter().position(|w| verdicts.contains(w))?;
            Some((words[i].to_string(), words[i + 1..].join(" ")))
        })
        .collect()
}

#[test]
fn growth_names_the_leak_and_nothing_else_as_growing() {
    let mut args = vec!["-growth", "-series"];
    args.extend(LEAK);
    let o = run(&args, "");
    assert_eq!(o.code, 0, "{}", o.stderr);
    let out = o.out();
    let rows = rows(&out);
    assert!(!rows.is_empty(), "{out}");
    assert_eq!(rows[0], ("growing".into(), "bytes.Repeat".into()), "{out}");
    for (verdict, name) in &rows {
        if verdict == "growing" {
            assert!(
                !name.starts_with("runtime"),
                "a runtime entry called growing: {name}\n{out}"
            );
        }
    }
    assert!(
        out.contains("Growth of inuse_space (flat) over 5 snapshots"),
        "{out}"
    );
    // Piped: ASCII sparklines only.
    assert!(out.is_ascii() || !out.contains('▁'), "{out}");
}

#[test]
fn growth_cum_ranks_track_and_its_callers() {
    let mut args = vec!["-growth", "-cum", "-nodecount=7", "-series"];
    args.extend(LEAK);
    let out = run(&args, "").out();
    let rows = rows(&out);
    assert_eq!(rows.len(), 7, "{out}");
    // The leak's whole call path grows: the server's frames, the handler,
    // Track and bytes.Repeat, each with its cumulative value.
    for name in [
        "main.(*RequestTracker).Track",
        "main.handler",
        "bytes.Repeat",
    ] {
        assert!(
            rows.iter().any(|(v, n)| n == name && v == "growing"),
            "{name} not growing: {out}"
        );
    }
    assert!(out.contains("Growth of inuse_space (cum)"), "{out}");
}

#[test]
fn a_session_over_the_series() {
    let mut args = vec!["-series"];
    args.extend(LEAK);
    let script = "snapshots\nuse 1\ntop 1\nuse last\ntop 1\ndiff 1 5 top 1\ndiff 1 5 -diff peek Repeat\ngrowth 2\nuse 9\ndiff 1 x\nuse\n";
    let o = run(&args, script);
    assert_eq!(o.code, 0);
    let out = o.out();
    let err = &o.stderr;
    assert!(err.starts_with("Series of 5 snapshots"), "{err}");
    // snapshots: five rows, the newest current.
    for n in LEAK {
        assert!(out.contains(n), "{out}");
    }
    assert!(out.contains("  *   5  "), "{out}");
    assert!(out.contains("totals: "), "{out}");
    // use 1 then top 1 reports the first snapshot; use last the newest.
    let tops: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("Showing nodes accounting for"))
        .collect();
    assert!(tops.len() >= 3, "{out}");
    assert_ne!(tops[0], tops[1], "use 1 changed the snapshot: {out}");
    // diff 1 5: what grew, the leak alone.
    assert!(
        out.contains("167.13MB 98.94% 98.94%   167.13MB 98.94%  bytes.Repeat"),
        "{out}"
    );
    // growth 2: two rows.
    assert_eq!(rows(&out).len(), 2, "{out}");
    assert!(
        err.contains("use: no snapshot 9: the series has 5 (1-5)"),
        "{err}"
    );
    assert!(
        err.contains("diff: bad snapshot \"x\": use a number from 1 to 5, first or last"),
        "{err}"
    );
    assert!(err.contains("usage: use K"), "{err}");
}

#[test]
fn series_errors_are_one_line_each() {
    let dir = std::env::temp_dir().join(format!("rpprof-series-{}", std::process::id()));
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let bad = dir.join("bad.pb.gz");
    std::fs::write(&bad, b"not a profile at all").unwrap();
    let (bad, empty) = (bad.display().to_string(), empty.display().to_string());

    let o = run(&["-top", "-series", LEAK[0]], "");
    assert_eq!(o.code, 1);
    assert_eq!(
        o.stderr,
        "a series needs at least two profiles; only leak/heap_1.pb.gz loaded\n"
    );
    let o = run(&["-top", "-series", LEAK[0], "cpu/cpu.pb.gz"], "");
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .starts_with("cpu/cpu.pb.gz is a different kind of profile (samples/count, cpu/nanoseconds) than leak/heap_1.pb.gz"),
        "{}",
        o.stderr
    );
    assert_eq!(o.stderr.lines().count(), 1);
    let o = run(&["-top", "-series", &empty], "");
    assert_eq!(o.code, 1);
    assert_eq!(o.stderr, format!("no profiles in directory {empty}\n"));
    // An unreadable snapshot in the middle: named, the others load.
    let o = run(&["-growth", "-series", LEAK[0], &bad, LEAK[4]], "");
    assert_eq!(o.code, 0, "{}", o.stderr);
    let lines: Vec<&str> = o.stderr.lines().collect();
    assert!(lines[0].starts_with(&format!("{bad}: ")), "{}", o.stderr);
    assert_eq!(lines[1], "Loaded 2 of 3 snapshots");
    assert!(o.out().contains("over 2 snapshots"), "{}", o.out());
    // use/diff without a series.
    let o = run(&[LEAK[0]], "use 1\ndiff 1 2\ngrowth\n");
    let need = "needs a snapshot series: start rpprof with -series and two or more profiles";
    assert_eq!(o.stderr.matches(need).count(), 3, "{}", o.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_directory_is_a_series() {
    let dir = std::env::temp_dir().join(format!("rpprof-series-dir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for n in LEAK {
        let name = Path::new(n).file_name().unwrap();
        std::fs::copy(data().join(n), dir.join(name)).unwrap();
    }
    let d = dir.display().to_string();
    let o = run(&["-snapshots", "-series", &d], "");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.out().matches("heap_").count(), 5, "{}", o.out());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The snapshots of a series share one symbol space, renumbered; every
/// report on snapshot K must still be what the profile says alone, ids in
/// `raw` and the bytes of `proto` included.
#[test]
fn each_snapshot_reports_as_if_loaded_alone() {
    let script = "top\npeek Track\ntraces\nraw\ntree\ntags\n-addresses\ntop 5\nlist Track\n";
    let dir = std::env::temp_dir().join(format!("rpprof-alone-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (k, one) in LEAK.iter().enumerate() {
        let alone = run(&[one], script);
        let mut args = vec!["-series"];
        args.extend(LEAK);
        let in_series = run(&args, &format!("use {}\n{script}", k + 1));
        assert_eq!(alone.code, 0, "{}", alone.stderr);
        // The series prints one more prompt, for `use K`.
        let series_out = in_series.out().replacen("(pprof) ", "", 1);
        assert_eq!(series_out, alone.out(), "snapshot {}", k + 1);
        let (a, b) = (dir.join("alone.pb"), dir.join("series.pb"));
        run(&["-proto", &format!("-output={}", a.display()), one], "");
        run(&args, &format!("use {}\nproto > {}\n", k + 1, b.display()));
        assert_eq!(
            std::fs::read(&a).unwrap(),
            std::fs::read(&b).unwrap(),
            "proto of snapshot {}",
            k + 1
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
