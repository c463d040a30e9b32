//! The memory-leak walk-through (`examples/memory-leak/`): its scripted
//! session, run exactly as its README says, prints `session.out` on stdout
//! and `session.err` on stderr, byte for byte; and every transcript shown in
//! that README and in the repository's README is what the session prints.
//!
//! `RPPROF_BLESS=1 cargo test --test memory_leak_example` re-records
//! `session.out` and `session.err` from the current binary (then read the
//! diff, and update the READMEs where their transcripts changed).

mod common;

use std::path::{Path, PathBuf};

/// The session's command line, relative to the repository root: what
/// `rpprof -source_path=examples/memory-leak -trim_path=/go/src/example.com/leak
/// -series examples/memory-leak/heap_*.pb.gz` expands to.
const ARGS: [&str; 8] = [
    "-source_path=examples/memory-leak",
    "-trim_path=/go/src/example.com/leak",
    "-series",
    "examples/memory-leak/heap_1.pb.gz",
    "examples/memory-leak/heap_2.pb.gz",
    "examples/memory-leak/heap_3.pb.gz",
    "examples/memory-leak/heap_4.pb.gz",
    "examples/memory-leak/heap_5.pb.gz",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn example(name: &str) -> PathBuf {
    root().join("examples/memory-leak").join(name)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// What the session prints: (stdout, stderr), run in the test helper's
/// clean environment (`TZ=UTC`, `TERM=dumb`, no `COLUMNS`), stdin piped.
fn session() -> (String, String) {
    let script = read(&example("session.txt"));
    let o = common::rpprof(ARGS).dir(root()).stdin(script).run();
    assert_eq!(o.code, 0, "the session exits 0; stderr:\n{}", o.stderr);
    (o.out(), o.stderr)
}

/// Compares `actual` with the recorded file `name`, or rewrites it when
/// `RPPROF_BLESS` is set; on a difference, names the first differing line.
fn check(name: &str, actual: &str) {
    common::check_file(
        &example(name),
        actual,
        "RPPROF_BLESS=1 cargo test --test memory_leak_example\n\
         and update the transcripts in examples/memory-leak/README.md and README.md",
    );
}

/// The session as a user sees it on a terminal: the greeting, then each
/// command after its prompt, followed by its output.
fn transcript(stdout: &str, stderr: &str) -> String {
    let script = read(&example("session.txt"));
    let commands: Vec<&str> = script.lines().collect();
    // stdout is a prompt, then the output of each command up to the next
    // prompt; the last prompt meets the end of input.
    let outputs: Vec<&str> = stdout.split("(pprof) ").skip(1).collect();
    assert_eq!(
        outputs.len(),
        commands.len() + 1,
        "one prompt per command and one at the end:\n{stdout}"
    );
    let mut t = stderr.to_string();
    for (c, o) in commands.iter().zip(&outputs) {
        t += &format!("(pprof) {c}\n{o}");
    }
    t
}

#[test]
fn the_session_prints_the_recorded_output() {
    let (out, err) = session();
    check("session.out", &out);
    check("session.err", &err);
    // What the walk-through tells the reader, whatever was recorded.
    let t = transcript(&out, &err);
    assert!(
        t.contains("99.00%   176.23MB 99.00%  bytes.Repeat (inline)"),
        "{t}"
    );
    assert!(
        t.contains(
            "456kB   176.68MB     28:\tt.data = append(t.data, bytes.Repeat([]byte(\"a\"), 10000))"
        ),
        "list finds examples/memory-leak/main.go: {t}"
    );
    assert!(t.contains("  growing    bytes.Repeat\n"), "{t}");
    assert!(t.contains("  *   5  "), "snapshot 5 is current: {t}");
}

/// The ```text blocks of `readme` that show the shell (first line starts
/// with the prompt or the greeting).
fn shown_transcripts(readme: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match &mut current {
            None if line == "```text" => current = Some(String::new()),
            None => {}
            Some(b) if line == "```" => {
                if b.starts_with("(pprof) ") || b.starts_with("Series of ") {
                    blocks.push(std::mem::take(b));
                }
                current = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
        }
    }
    blocks
}

#[test]
fn the_readmes_show_what_the_session_prints() {
    let (out, err) = session();
    let t = transcript(&out, &err);
    for readme in ["examples/memory-leak/README.md", "README.md"] {
        let blocks = shown_transcripts(&read(&root().join(readme)));
        assert!(!blocks.is_empty(), "{readme} shows the session");
        for b in blocks {
            assert!(
                t.contains(&b),
                "{readme} shows a transcript the session does not print:\n{b}\n\
                 the session prints:\n{t}"
            );
        }
    }
}
