//! `-capture`: each test runs its own loopback HTTP server (a std
//! `TcpListener` in a thread) that answers request N from a script (a heap
//! snapshot of the leak, an HTTP 500, or a connection closed without an
//! answer), then runs the built `rpprof -capture` against it and checks
//! stderr, the files on disk and the report over what arrived.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::mpsc;

/// Runs rpprof in the test data directory with `env` added.
fn run(args: &[&str], env: &[(&str, &str)]) -> common::Output {
    let mut r = common::rpprof(args).dir(data_dir());
    for (k, v) in env {
        r = r.env(k, v);
    }
    r.run()
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn heap(n: u32) -> Vec<u8> {
    std::fs::read(data_dir().join(format!("leak/heap_{n}.pb.gz"))).expect("test profile")
}

/// What the server does for one request.
#[derive(Clone, Copy)]
enum Reply {
    /// `200 OK` with `leak/heap_N.pb.gz`.
    Heap(u32),
    /// `500 Internal Server Error`, text body `boom`.
    Fail,
    /// Reads the request and closes the connection without answering.
    Close,
}

/// Serves `script` (request N gets reply N, then the server stops);
/// returns the heap URL and a channel receiving every request target.
fn serve(script: Vec<Reply>) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for reply in script {
            let Ok((mut s, _)) = listener.accept() else {
                return;
            };
            let _ = tx.send(common::request_target(&mut s));
            match reply {
                Reply::Heap(n) => {
                    common::respond(&mut s, "200 OK", "application/octet-stream", &heap(n))
                }
                Reply::Fail => common::respond(
                    &mut s,
                    "500 Internal Server Error",
                    "text/plain; charset=utf-8",
                    b"boom\n",
                ),
                Reply::Close => drop(s),
            }
        }
    });
    (format!("http://{addr}/debug/pprof/heap"), rx)
}

/// A fresh directory unique to this test process.
fn temp(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("rpprof-capture-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("capture directory")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn failed_fetches_are_one_line_and_the_capture_goes_on() {
    let script = vec![
        Reply::Heap(1),
        Reply::Fail,
        Reply::Heap(3),
        Reply::Close,
        Reply::Heap(5),
    ];
    let (url, requests) = serve(script);
    let dir = temp("growth");
    let output = format!("-output={}", dir.display());
    let o = run(
        &[
            "-capture",
            "-every=100ms",
            "-count=5",
            &output,
            "-growth",
            &url,
        ],
        &[],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let err: Vec<&str> = o.stderr.lines().collect();
    let d = dir.display().to_string();
    assert_eq!(
        err[0],
        format!("Capturing 5 snapshots from {url} every 100ms into {d}")
    );
    // Five fetches were made, whatever failed.
    let seen: Vec<String> = requests.try_iter().collect();
    assert_eq!(seen, vec!["/debug/pprof/heap"; 5]);
    // Each failure is exactly one line, and the capture went on after it.
    let failures: Vec<&&str> = err.iter().filter(|l| l.starts_with("capture ")).collect();
    assert_eq!(failures.len(), 2, "{}", o.stderr);
    assert_eq!(
        err[2],
        "capture 2/5: server response: 500 Internal Server Error - boom"
    );
    assert!(
        err[4].starts_with(&format!("capture 4/5: Get \"{url}\": ")),
        "{}",
        o.stderr
    );
    // The files that arrived, named by kind, fetch number and UTC time,
    // holding the server's bytes; no temporary file is left.
    let files = names(&dir);
    assert_eq!(files.len(), 3, "{files:?}");
    let pattern = regex::Regex::new(r"^heap-00([135])-20\d{6}T\d{6}Z\.pb\.gz$").unwrap();
    for (f, n) in files.iter().zip([1u32, 3, 5]) {
        let caps = pattern.captures(f).unwrap_or_else(|| panic!("{f}"));
        assert_eq!(caps[1].parse::<u32>().unwrap(), n);
        assert_eq!(std::fs::read(dir.join(f)).unwrap(), heap(n), "{f}");
    }
    for (line, (f, n)) in [err[1], err[3], err[5]]
        .iter()
        .zip(files.iter().zip([1, 3, 5]))
    {
        let path = dir.join(f).display().to_string();
        assert!(
            line.starts_with(&format!("captured {n}/5: {path} (")),
            "{line}"
        );
        assert!(line.contains(", total inuse_space "), "{line}");
    }
    assert_eq!(err[6], "Captured 3 of 5 snapshots");
    // The report covers the snapshots that arrived.
    let out = o.out();
    assert!(
        out.contains("Growth of inuse_space (flat) over 3 snapshots"),
        "{out}"
    );
    assert!(out.contains("growing    bytes.Repeat"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn top_over_the_capture_in_the_default_directory() {
    let (url, _) = serve(vec![Reply::Heap(2), Reply::Heap(4)]);
    let saved = temp("default");
    let tmpdir = saved.display().to_string();
    let o = run(
        &[
            "-capture",
            "-every=50ms",
            "-count=2",
            "-top",
            "-nodecount=3",
            &url,
        ],
        &[("PPROF_TMPDIR", &tmpdir)],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let files = names(&saved);
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files[0].starts_with("heap-001-") && files[1].starts_with("heap-002-"));
    assert_eq!(o.stderr.lines().count(), 3, "{}", o.stderr);
    // -top reports the newest snapshot, exactly as on the file itself.
    let direct = run(&["-top", "-nodecount=3", "leak/heap_4.pb.gz"], &[]);
    let top = |s: String| {
        s.lines()
            .skip_while(|l| !l.starts_with("Showing"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let captured = top(o.out());
    assert!(!captured.is_empty(), "{}", o.out());
    assert_eq!(captured, top(direct.out()));
    let _ = std::fs::remove_dir_all(&saved);
}

#[test]
fn bad_capture_flags_are_one_line_errors() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["-capture", "-every=abc", "localhost:1"],
            "invalid value \"abc\" for flag -every: use a duration such as 10s, 1m30s or 500ms",
        ),
        (
            &["-capture", "-count=0", "localhost:1"],
            "invalid value \"0\" for flag -count: capture at least 1 snapshot",
        ),
        (&["-capture"], "-capture needs a URL to fetch from"),
        (
            &["-capture", "leak/heap_1.pb.gz"],
            "-capture fetches from a URL, not the file \"leak/heap_1.pb.gz\"",
        ),
        (
            &["-capture", "localhost:1", "localhost:2"],
            "-capture fetches from one URL; got 2 sources",
        ),
        (
            &["-every=1s", "localhost:1"],
            "-every is only used with -capture",
        ),
    ];
    for (args, want) in cases {
        let o = run(args, &[]);
        assert_eq!(o.code, 1, "{args:?}");
        assert_eq!(o.stderr, format!("{want}\n"), "{args:?}");
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn ctrl_c_stops_the_capture_and_opens_the_series() {
    let (url, _) = serve((1..=5).map(Reply::Heap).collect());
    let dir = temp("interrupt");
    let output = format!("-output={}", dir.display());
    let mut child = common::rpprof(["-capture", "-every=1s", "-count=5", &output, &url])
        .dir(data_dir())
        .command()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rpprof starts");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut before = String::new();
    while !before.contains("captured 2/5: ") {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "{before}");
        before.push_str(&line);
    }
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"snapshots\n").unwrap();
    drop(stdin);
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{before}{rest}");
    assert!(
        rest.starts_with("Capture stopped: 2 of 5 snapshots captured\n"),
        "{rest}"
    );
    assert!(rest.contains("Series of 2 snapshots"), "{rest}");
    let files = names(&dir);
    assert_eq!(files.len(), 2, "{files:?}");
    let out = String::from_utf8_lossy(&o.stdout);
    for f in &files {
        assert!(out.contains(f.as_str()), "{out}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
