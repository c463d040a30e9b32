//! Hostile inputs, each written in the test: rpprof must finish within
//! 10 s and 1 GB of address space (set on the child with `ulimit -v`),
//! exit 0 or 1, and say what is wrong in at most three lines on stderr.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

/// What a bounded run did.
struct Bounded {
    code: i32,
    stderr: String,
    took: Duration,
}

/// Runs `rpprof ARGS` in `dir` under a 1 GB address-space limit, killed
/// after 10 s.
fn bounded(dir: &Path, args: &[&str]) -> Bounded {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let script = format!(
        "ulimit -v 1048576; exec '{}' {}",
        common::bin().display(),
        quoted.join(" ")
    );
    let mut child = common::command("/bin/sh", ["-c", script.as_str()])
        .dir(dir)
        .command()
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("sh starts");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("rpprof {args:?} ran for more than 10 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    Bounded {
        code: status.code().unwrap_or(-1),
        stderr,
        took: start.elapsed(),
    }
}

/// Checks the rules every hostile input must keep.
fn holds(b: &Bounded, what: &str) {
    assert!(
        b.code == 0 || b.code == 1,
        "{what}: exit {} (killed by the memory limit?); stderr:\n{}",
        b.code,
        b.stderr
    );
    assert!(
        b.stderr.lines().count() <= 3,
        "{what}: stderr:\n{}",
        b.stderr
    );
    assert!(!b.stderr.contains("panicked"), "{what}: {}", b.stderr);
}

/// A legacy heap profile whose memory map defines `$attr`s that double
/// each other: exponential without a cap (found at 166 bytes).
#[test]
fn doubling_memory_map_attributes() {
    let dir = common::temp_dir("hostile-memmap");
    let mut text = String::from(
        "heap profile: 1: 8 [1: 8] @ heapprofile\n1: 8 [1: 8] @ 0x1000\n\nMAPPED_LIBRARIES:\n",
    );
    text.push_str("a0z=xxxxxxxxxxxxxxxx\n");
    for k in 1..48 {
        text.push_str(&format!("a{k}z=$a{}z$a{}z\n", k - 1, k - 1));
    }
    text.push_str("00001000-00002000 r-xp 00000000 00:00 0 /bin/$a47z\n");
    std::fs::write(dir.join("heap"), &text).unwrap();
    let b = bounded(&dir, &["-top", "heap"]);
    holds(&b, "doubling attributes");
    assert_eq!(b.code, 1);
    assert!(
        b.stderr
            .contains("malformed mapping: a line is longer than 1 MiB after $attr substitution"),
        "{}",
        b.stderr
    );
    assert!(b.took < Duration::from_secs(5), "{:?}", b.took);

    // Redefining one name from itself five times, then using it (the
    // 166-byte case: each definition substituted in its own pass grew it
    // past 12 GB) stays small.
    let mut text = String::from(
        "heap profile: 1: 8 [1: 8] @ heapprofile\n1: 8 [1: 8] @ 0x1000\n\nMAPPED_LIBRARIES:\n",
    );
    for _ in 0..5 {
        text.push_str("a=$a$a\n");
    }
    text.push_str("00001000-00002000 r-xp 00000000 00:00 0 /bin/$a\n");
    std::fs::write(dir.join("heap2"), &text).unwrap();
    let b = bounded(&dir, &["-top", "heap2"]);
    holds(&b, "self-redefinition");
    assert_eq!(b.code, 0, "{}", b.stderr);
}

/// A sample bomb: a small gzip naming millions of samples. Their columns
/// are sized before anything is allocated, against RPPROF_MAX_MODEL_BYTES
/// (lowered here to 64 MiB so that a small bomb crosses it).
#[test]
fn sample_bomb_is_refused_before_allocating() {
    use std::io::Write as _;
    let dir = common::temp_dir("hostile-bomb");
    let mut raw = Vec::new();
    for s in ["", "samples", "count"] {
        raw.push(0x32);
        raw.push(s.len() as u8);
        raw.extend_from_slice(s.as_bytes());
    }
    raw.extend_from_slice(b"\x0a\x04\x08\x01\x10\x02");
    let n = 10_000_000;
    raw.reserve(4 * n);
    for _ in 0..n {
        raw.extend_from_slice(b"\x12\x02\x10\x01");
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&raw).unwrap();
    let gz = gz.finish().unwrap();
    assert!(gz.len() < 1 << 20, "{} bytes of gzip", gz.len());
    std::fs::write(dir.join("bomb.pb.gz"), gz).unwrap();
    let quoted = format!(
        "RPPROF_MAX_MODEL_BYTES=64M exec '{}' -top bomb.pb.gz",
        common::bin().display()
    );
    let o = common::command("/bin/sh", ["-c", quoted.as_str()])
        .dir(&dir)
        .run();
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "profile too large: its 10000000 samples with 0 frames need 152 MiB, over the limit \
             of 64 MiB (set RPPROF_MAX_MODEL_BYTES, e.g. RPPROF_MAX_MODEL_BYTES=8G, to raise it)"
        ),
        "{}",
        o.stderr
    );
    assert!(o.stderr.lines().count() <= 3, "{}", o.stderr);
}

/// An endless input (`/dev/zero`, as a file and as stdin) stops at the
/// input limit (lowered here to 16 MiB) with one line.
#[test]
fn endless_input_stops_at_the_input_limit() {
    let dir = common::temp_dir("hostile-zero");
    for (script, what) in [
        ("exec '{bin}' -top /dev/zero", "/dev/zero"),
        ("exec '{bin}' -top - < /dev/zero", "stdin"),
    ] {
        let script = format!(
            "RPPROF_MAX_INPUT_BYTES=16M {}",
            script.replace("{bin}", &common::bin().display().to_string())
        );
        let o = common::command("/bin/sh", ["-c", script.as_str()])
            .dir(&dir)
            .run();
        assert_eq!(o.code, 1, "{what}: {}", o.stderr);
        assert!(
            o.stderr.contains(
                "profile too large: more than 16777216 bytes of input (set \
                 RPPROF_MAX_INPUT_BYTES, e.g. RPPROF_MAX_INPUT_BYTES=8G, to raise the limit)"
            ),
            "{what}: {}",
            o.stderr
        );
        assert!(o.stderr.lines().count() <= 3, "{what}: {}", o.stderr);
    }
}
