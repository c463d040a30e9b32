//! Golden tests: every case of `tests/data/cases.txt` is run against the
//! built `rpprof` and its stdout, stderr and exit status are compared with
//! what `go tool pprof` printed (`tests/data/golden/`), after the same
//! whitespace normalisation as the shared corpus runner. The case format is
//! the corpus's: `NAME | ARGS | STDIN_SCRIPT` (`;` separates input lines).
//!
//! `tests/data/rpprof_cases.txt` holds cases where rpprof deliberately
//! differs from pprof or pprof has no answer (folded stacks, symbolized Go
//! text profiles), plus gperftools profiles checked against pprof; their
//! goldens live in `tests/data/rpprof/`. `UPDATE_RPPROF_GOLDEN=1 cargo
//! test` rewrites those (never the ones of `cases.txt`).

mod common;

use std::path::Path;

fn normalise(s: &str) -> String {
    let mut out = String::new();
    for line in s.split('\n') {
        let words: Vec<&str> = line.split_whitespace().collect();
        let mut l = words.join(" ");
        if line.starts_with(char::is_whitespace) && !l.is_empty() {
            l.insert(0, ' ');
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

fn run_case(dir: &Path, args: &[&str], script: Option<&str>) -> (String, String, i32) {
    let stdin: String = script
        .map(|s| s.split(';').map(|piece| format!("{piece}\n")).collect())
        .unwrap_or_default();
    let o = common::rpprof(args).dir(dir).stdin(stdin).run();
    (o.out(), o.stderr, o.code)
}

/// Runs every case of `dir/cases_file` and compares with `dir/golden_dir`;
/// returns the number of cases and the failures. With `update`, writes
/// the outputs as the new goldens instead.
fn check_cases(cases_file: &str, golden_dir: &str, update: bool) -> (usize, Vec<String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let cases = std::fs::read_to_string(dir.join(cases_file)).expect("cases file");
    let mut failures = Vec::new();
    let mut count = 0;
    for line in cases
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let mut parts = line.splitn(3, " | ");
        let name = parts.next().expect("name").trim();
        let args: Vec<&str> = parts
            .next()
            .unwrap_or("")
            .trim_end_matches(" |")
            .split_whitespace()
            .collect();
        let script = parts.next().filter(|s| !s.is_empty());
        let (out, err, rc) = run_case(&dir, &args, script);
        count += 1;
        let path = |ext: &str| dir.join(format!("{golden_dir}/{name}.{ext}"));
        if update {
            std::fs::write(path("out"), &out).expect("write golden");
            std::fs::write(path("err"), &err).expect("write golden");
            std::fs::write(path("rc"), format!("{rc}\n")).expect("write golden");
            continue;
        }
        let golden = |ext: &str| std::fs::read_to_string(path(ext)).expect("golden");
        if normalise(&out) != normalise(&golden("out")) {
            failures.push(format!(
                "{name}: stdout differs\n--- want\n{}\n--- got\n{out}",
                golden("out")
            ));
        }
        if normalise(&err) != normalise(&golden("err")) {
            failures.push(format!(
                "{name}: stderr differs\n--- want\n{}\n--- got\n{err}",
                golden("err")
            ));
        }
        if rc.to_string() != golden("rc").trim() {
            failures.push(format!(
                "{name}: exit status {rc}, want {}",
                golden("rc").trim()
            ));
        }
    }
    (count, failures)
}

#[test]
fn corpus_cases_match_go_tool_pprof() {
    let (count, failures) = check_cases("cases.txt", "golden", false);
    assert!(count > 70, "only {count} cases found");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn rpprof_cases_match_their_goldens() {
    let update = std::env::var_os("UPDATE_RPPROF_GOLDEN").is_some();
    let (count, failures) = check_cases("rpprof_cases.txt", "rpprof", update);
    assert!(count >= 5, "only {count} rpprof cases found");
    assert!(
        failures.is_empty(),
        "{} of {count} rpprof cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
