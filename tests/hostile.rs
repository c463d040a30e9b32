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
    bounded_with(dir, &[], None, args)
}

/// [`bounded`] with environment variables `env` and stdin read from the
/// file `stdin` (else empty).
fn bounded_with(dir: &Path, env: &[(&str, &str)], stdin: Option<&str>, args: &[&str]) -> Bounded {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let script = format!(
        "ulimit -v 1048576; exec '{}' {}",
        common::bin().display(),
        quoted.join(" ")
    );
    let input = match stdin {
        Some(f) => std::fs::File::open(f).expect("stdin file").into(),
        None => std::process::Stdio::null(),
    };
    let mut child = common::command("/bin/sh", ["-c", script.as_str()])
        .dir(dir)
        .command()
        .envs(env.iter().copied())
        .stdin(input)
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
    let mut doubling = String::from("a0z=xxxxxxxxxxxxxxxx\n");
    for k in 1..48 {
        doubling.push_str(&format!("a{k}z=$a{}z$a{}z\n", k - 1, k - 1));
    }
    doubling.push_str("00001000-00002000 r-xp 00000000 00:00 0 /bin/$a47z\n");
    let text = format!(
        "heap profile: 1: 8 [1: 8] @ heapprofile\n1: 8 [1: 8] @ 0x1000\n\nMAPPED_LIBRARIES:\n\
         {doubling}"
    );
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

    // The same map after a gperftools CPU profile (as fuzzing found it):
    // header, one sample at 0x1000, trailer, then the text.
    let words: Vec<u8> = [0u64, 3, 0, 10_000, 0, 1, 1, 0x1000, 0, 1, 0]
        .iter()
        .flat_map(|w| w.to_le_bytes())
        .collect();
    std::fs::write(dir.join("cpu"), [words, doubling.into_bytes()].concat()).unwrap();
    let b = bounded(&dir, &["-top", "cpu"]);
    holds(&b, "CPU profile map");
    assert_eq!(b.code, 1);
    assert!(
        b.stderr.contains(
            "cpu: parsing profile: malformed mapping: a line is longer than 1 MiB after $attr \
             substitution"
        ),
        "{}",
        b.stderr
    );
}

/// The wire bytes of a profile header: string table `["", samples,
/// count]`, one sample type and one location.
fn profile_head() -> Vec<u8> {
    let mut raw = Vec::new();
    for s in ["", "samples", "count"] {
        raw.push(0x32);
        raw.push(s.len() as u8);
        raw.extend_from_slice(s.as_bytes());
    }
    raw.extend_from_slice(b"\x0a\x04\x08\x01\x10\x02\x22\x02\x08\x01");
    raw
}

/// A gzip bomb: `head`, then `mib` MiB of `unit` repeated, as one gzip
/// member per MiB (a few KB of file stand for gigabytes).
fn gzip_bomb(head: &[u8], unit: &[u8], mib: usize) -> Vec<u8> {
    use std::io::Write as _;
    let member = |data: &[u8]| {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(data).unwrap();
        gz.finish().unwrap()
    };
    let one = member(&unit.repeat((1 << 20) / unit.len()));
    let mut out = member(head);
    for _ in 0..mib {
        out.extend_from_slice(&one);
    }
    out
}

/// One 8-byte sample of the profile of [`profile_head`].
const SAMPLE: &[u8] = b"\x12\x06\x0a\x01\x01\x10\x81\x01";

/// The line for source `name` stopped at the default input limit, its
/// bytes counted `counted` (`of input`, `after decompression`).
fn over_input_limit(name: &str, counted: &str) -> String {
    format!(
        "{name}: profile too large: more than 536870912 bytes {counted} (set \
         RPPROF_MAX_INPUT_BYTES, e.g. RPPROF_MAX_INPUT_BYTES=8G, to raise the limit)\n"
    )
}

/// Sample bombs of 4 GB and 1 GB (8-byte samples, as found: 14 GB and
/// 4 GB before) end at the input limit, with the default limits.
#[test]
fn gzip_bombs_end_at_the_input_limit() {
    let dir = common::temp_dir("hostile-gzbomb");
    for (mib, name) in [(4096, "bomb4g.pb.gz"), (1024, "bomb1g.pb.gz")] {
        std::fs::write(dir.join(name), gzip_bomb(&profile_head(), SAMPLE, mib)).unwrap();
        let b = bounded(&dir, &["-top", name]);
        holds(&b, name);
        assert_eq!(b.code, 1, "{}", b.stderr);
        assert!(
            b.stderr
                .contains(&over_input_limit(name, "after decompression")),
            "{}",
            b.stderr
        );
    }
}

/// A sample bomb under the input limit: it is decoded as it is
/// inflated, and refused as soon as its columns and their merge would
/// pass the memory limit (lowered here to 64 MiB so that a small bomb
/// crosses it): 77 bytes a sample of one frame.
#[test]
fn sample_bomb_is_refused_at_the_memory_limit() {
    let dir = common::temp_dir("hostile-bomb");
    std::fs::write(
        dir.join("bomb.pb.gz"),
        gzip_bomb(&profile_head(), SAMPLE, 32),
    )
    .unwrap();
    let o = bounded_with(
        &dir,
        &[("RPPROF_MAX_MEMORY", "64M")],
        None,
        &["-top", "bomb.pb.gz"],
    );
    holds(&o, "sample bomb");
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        "bomb.pb.gz: profile too large: its first 871542 samples with 871542 frames, its \
         tables and their merge need 65 MiB, over the limit of 64 MiB (set RPPROF_MAX_MEMORY, \
         e.g. RPPROF_MAX_MEMORY=8G, to raise it)\nfailed to fetch any source profiles\n"
    );
}

/// `n` samples of the profile of [`profile_head`], each unlike the others
/// (a numeric label counts them), so that the load-time merge keeps them
/// all.
fn distinct_samples(n: u64) -> Vec<u8> {
    let mut raw = profile_head();
    for i in 1..=n {
        let mut label = vec![0x08, 0x01, 0x18];
        let mut v = i;
        while v >= 0x80 {
            label.push(v as u8 | 0x80);
            v >>= 7;
        }
        label.push(v as u8);
        let mut body = b"\x0a\x01\x01\x10\x81\x01\x1a".to_vec();
        body.push(label.len() as u8);
        body.extend_from_slice(&label);
        raw.push(0x12);
        raw.push(body.len() as u8);
        raw.extend_from_slice(&body);
    }
    raw
}

/// The load-time merge of distinct samples needs room of its own beside
/// the columns (12M such samples passed the budget and aborted at 1 GB
/// before): it is counted as the samples are decoded, 44 bytes of columns
/// and 57 of merge a sample here.
#[test]
fn the_merge_of_distinct_samples_is_counted() {
    let dir = common::temp_dir("hostile-merge");
    std::fs::write(dir.join("distinct.pb"), distinct_samples(1_200_000)).unwrap();
    let env = [("RPPROF_MAX_MEMORY", "100M")];
    let o = bounded_with(&dir, &env, None, &["-top", "distinct.pb"]);
    holds(&o, "distinct samples");
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        "distinct.pb: profile too large: its first 1038193 samples with 1038193 frames, its \
         tables and their merge need 101 MiB, over the limit of 100 MiB (set \
         RPPROF_MAX_MEMORY, e.g. RPPROF_MAX_MEMORY=8G, to raise it)\nfailed to fetch any \
         source profiles\n"
    );
}

/// A gperftools CPU profile takes many times its size to parse (48 MB of
/// 4-byte words took 1.35 GB): a large one is refused before parsing.
#[test]
fn legacy_cpu_bomb_is_refused_before_parsing() {
    let dir = common::temp_dir("hostile-cpu");
    let n = 4_000_000u32;
    let mut words = vec![0u32, 3, 0, 100, 0];
    for i in 0..n {
        words.extend([1, 1, 0x1000 + 4 * i]);
    }
    words.extend([0, 1, 0]);
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    std::fs::write(dir.join("cpu.prof"), bytes).unwrap();
    let b = bounded(&dir, &["-top", "cpu.prof"]);
    holds(&b, "CPU bomb");
    assert_eq!(b.code, 1, "{}", b.stderr);
    assert_eq!(
        b.stderr,
        "cpu.prof: profile too large: its 12000003 words of CPU samples need 1465 MiB, over \
         the limit of 1024 MiB (set RPPROF_MAX_MEMORY, e.g. RPPROF_MAX_MEMORY=8G, to raise it)\nfailed to fetch any source profiles\n"
    );
}

/// A table bomb: millions of strings, refused while they are read.
#[test]
fn table_bomb_is_refused_while_decoding() {
    let dir = common::temp_dir("hostile-tables");
    // String table entries of 16 bytes: "\x32\x0e" and 14 letters.
    let entry = b"\x32\x0eabcdefghijklmn";
    std::fs::write(dir.join("strings.pb.gz"), gzip_bomb(b"\x32\x00", entry, 64)).unwrap();
    let env = [("RPPROF_MAX_MEMORY", "100M")];
    let o = bounded_with(&dir, &env, None, &["-top", "strings.pb.gz"]);
    holds(&o, "table bomb");
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "strings.pb.gz: profile too large: its tables need 101 MiB, over the \
             limit of 100 MiB (set RPPROF_MAX_MEMORY"
        ),
        "{}",
        o.stderr
    );
}

/// Text formats take many times their size to parse: a large one is
/// refused before parsing (4 GB of folded stacks, as a gzip bomb, at the
/// input limit; 40 MiB against a lowered memory limit).
#[test]
fn legacy_text_bomb_is_refused_before_parsing() {
    let dir = common::temp_dir("hostile-text");
    std::fs::write(dir.join("big.folded.gz"), gzip_bomb(b"", b"a;b 1\n", 4096)).unwrap();
    let b = bounded(&dir, &["-top", "big.folded.gz"]);
    holds(&b, "folded bomb");
    assert!(
        b.stderr
            .contains("more than 536870912 bytes after decompression"),
        "{}",
        b.stderr
    );
    std::fs::write(dir.join("mid.folded.gz"), gzip_bomb(b"", b"a;b 1\n", 40)).unwrap();
    let env = [("RPPROF_MAX_MEMORY", "512M")];
    let o = bounded_with(&dir, &env, None, &["-top", "mid.folded.gz"]);
    holds(&o, "folded text");
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "mid.folded.gz: profile too large: its 40 MiB of text need 960 MiB, over \
             the limit of 512 MiB (set RPPROF_MAX_MEMORY, e.g. RPPROF_MAX_MEMORY=8G, to raise it)"
        ),
        "{}",
        o.stderr
    );
}

/// An endless input (`/dev/zero` as a file, as stdin and as a base) stops
/// at the input limit with one line, with the default limits.
#[test]
fn endless_input_stops_at_the_input_limit() {
    let dir = common::temp_dir("hostile-zero");
    let cpu = common::data_dir()
        .join("cpu/cpu.pb.gz")
        .display()
        .to_string();
    for (args, what, name) in [
        (vec!["-top", "/dev/zero"], "file", "/dev/zero"),
        (
            vec!["-top", "-diff_base=/dev/zero", cpu.as_str()],
            "base",
            "/dev/zero",
        ),
    ] {
        let b = bounded(&dir, &args);
        holds(&b, what);
        assert_eq!(b.code, 1, "{what}: {}", b.stderr);
        assert!(
            b.stderr.contains(&over_input_limit(name, "of input")),
            "{what}: {}",
            b.stderr
        );
    }
    let o = bounded_with(&dir, &[], Some("/dev/zero"), &["-top", "-"]);
    holds(&o, "stdin");
    assert_eq!(o.code, 1, "stdin: {}", o.stderr);
    assert!(
        o.stderr
            .contains("-: profile too large: more than 536870912 bytes of input"),
        "stdin: {}",
        o.stderr
    );
}

/// A loopback server answering every connection with `reply` (called
/// after the request head is read); returns its URL.
/// How a fault server answers a connection.
type Reply = fn(&mut std::net::TcpStream);

fn fault_server(reply: Reply) -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in l.incoming().take(64) {
            let Ok(mut s) = s else { continue };
            std::thread::spawn(move || {
                common::request_target(&mut s);
                reply(&mut s);
            });
        }
    });
    format!("http://{addr}/debug/pprof/heap")
}

fn sleep_s(n: u64) {
    std::thread::sleep(Duration::from_secs(n));
}

/// Servers that stall after the headers, trickle the body, send too big
/// a body, send their headers a byte a second, or redirect forever: each
/// fetch ends within `-timeout` plus pprof's 5 s with one clear line.
#[test]
fn faulty_servers_end_with_one_line() {
    use std::io::Write as _;
    let cases: [(&str, Reply, &str); 5] = [
        (
            "stall after headers",
            |s| {
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
                sleep_s(30);
            },
            "context deadline exceeded (Client.Timeout or context cancellation while reading body)",
        ),
        (
            "trickle",
            |s| {
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
                for _ in 0..30 {
                    let _ = s.write_all(b"x");
                    sleep_s(1);
                }
            },
            "context deadline exceeded (Client.Timeout or context cancellation while reading body)",
        ),
        (
            "oversized body",
            |s| {
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 8388608\r\n\r\n");
                let _ = s.write_all(&vec![b'x'; 8 << 20]);
            },
            "the body is larger than 1 MiB: not read",
        ),
        (
            "slow headers",
            |s| {
                for b in b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n" {
                    let _ = s.write_all(&[*b]);
                    sleep_s(1);
                }
            },
            "net/http: timeout awaiting response headers",
        ),
        (
            "redirect loop",
            |s| {
                let _ = s.write_all(
                    b"HTTP/1.1 302 Found\r\nLocation: /debug/pprof/heap\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            },
            "stopped after 10 redirects",
        ),
    ];
    let dir = common::temp_dir("hostile-http");
    // All at once: each waits for its deadline.
    let runs: Vec<_> = cases
        .into_iter()
        .map(|(what, reply, want)| {
            let url = fault_server(reply);
            let line = format!("Get \"{url}\": {want}\n");
            let dir = dir.clone();
            let run = std::thread::spawn(move || {
                let env = [("RPPROF_MAX_INPUT_BYTES", "1M"), ("PPROF_TMPDIR", ".")];
                bounded_with(&dir, &env, None, &["-top", "-timeout=1", &url])
            });
            (what, line, run)
        })
        .collect();
    for (what, want, run) in runs {
        let b = run.join().unwrap();
        holds(&b, what);
        assert_eq!(b.code, 1, "{what}: {}", b.stderr);
        assert!(b.took < Duration::from_secs(9), "{what}: {:?}", b.took);
        assert!(b.stderr.contains(&want), "{what}: {}", b.stderr);
    }
}

/// Values whose sums overflow `i64` saturate in every report, in debug
/// builds (overflow checks on) and release alike: no negative total, no
/// panic (fuzzing found both).
#[test]
fn overflowing_values_saturate() {
    let mut b = common::Builder::new(&[("samples", "count")]);
    let m = b.mapping("/bin/prog");
    let main = b.function("main", "main.go");
    let work = b.function("work", "work.go");
    let lm = b.location(m, &[(main, 1)]);
    let lw = b.location(m, &[(work, 2)]);
    b.sample(&[lw, lm], &[i64::MAX], vec![]);
    b.sample(&[lw, lm], &[i64::MAX], vec![]);
    b.sample(&[lm], &[i64::MAX], vec![]);
    let dir = common::temp_dir("hostile-overflow");
    std::fs::write(dir.join("big.pb"), b.encode()).unwrap();
    let o = common::rpprof(["-top", "big.pb"]).dir(&dir).run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    // i64::MAX, printed through a float as the units renderer prints
    // every value.
    let most = "9223372036854775808";
    assert!(
        o.out().contains(&format!(
            "Showing nodes accounting for {most}, 100% of {most} total"
        )),
        "{}",
        o.out()
    );
    assert!(!o.out().contains('-'), "{}", o.out());
    for report in [
        "-traces", "-tree", "-peek=.", "-flame", "-tags", "-text", "-dot",
    ] {
        let o = common::rpprof([report, "big.pb"]).dir(&dir).run();
        assert_eq!(o.code, 0, "{report}: {}", o.stderr);
        assert!(!o.stderr.contains("panicked"), "{report}: {}", o.stderr);
    }
}

/// Thousands of spellings of one binary's path (`prog`, `./prog`,
/// `././prog`, …) open and map it once; thousands of mappings whose file
/// has the wrong build ID print a bounded number of lines.
#[test]
fn many_spellings_of_one_binary_map_it_once() {
    let dir = common::temp_dir("hostile-spellings");
    let mut prog = std::fs::read("/bin/true").unwrap();
    prog.resize(prog.len() + (2 << 20), 0);
    std::fs::write(dir.join("prog"), prog).unwrap();
    let spellings = |build_id: &str| -> Vec<u8> {
        let mut b = common::Builder::new(&[("samples", "count")]);
        let mut locs = Vec::new();
        for k in 0..2000 {
            let m = b.mapping(&format!("{}prog", "./".repeat(k)));
            b.p.mapping[m as usize - 1].build_id = b.str(build_id);
            b.p.mapping[m as usize - 1].has_functions = false;
            // Sizes differ, so that the load-time merge keeps every mapping.
            let start = (k as u64 + 1) << 24;
            b.p.mapping[m as usize - 1].memory_start = start;
            b.p.mapping[m as usize - 1].memory_limit = start + 0x1000 * (k as u64 + 1);
            let l = b.location(m, &[]);
            b.p.location[l as usize - 1].address = start + 0x10;
            locs.push(l);
        }
        for l in locs {
            b.sample(&[l], &[1], vec![]);
        }
        b.encode()
    };
    std::fs::write(dir.join("same.pb"), spellings("")).unwrap();
    // Mapped once per spelling, 2000 maps of this 2 MiB file would pass
    // the 1 GB address-space limit (as 100k spellings of a real binary
    // took 1.4 GB).
    let b = bounded(&dir, &["-top", "same.pb"]);
    holds(&b, "spellings");
    std::fs::write(dir.join("mismatch.pb"), spellings("ffff")).unwrap();
    let b = bounded(&dir, &["-top", "mismatch.pb"]);
    assert_eq!(b.code, 0, "{}", b.stderr);
    assert_eq!(
        b.stderr.lines().count(),
        101,
        "{}",
        &b.stderr[..b.stderr.len().min(2000)]
    );
    assert!(
        b.stderr
            .ends_with("(1900 more symbolization messages not shown)\n"),
        "{}",
        &b.stderr[b.stderr.len().saturating_sub(500)..]
    );
}
