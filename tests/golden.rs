//! Golden tests: every case of `tests/data/cases.txt` is run against the
//! built `rpprof` and its stdout, stderr and exit status are compared with
//! what `go tool pprof` printed (`tests/data/golden/`), after the same
//! whitespace normalisation as the shared corpus runner. The case format is
//! the corpus's: `NAME | ARGS | STDIN_SCRIPT` (`;` separates input lines).
//!
//! `tests/data/rpprof_cases.txt` holds cases where rpprof deliberately
//! differs from pprof or pprof has no answer (folded stacks, symbolized Go
//! text profiles), plus gperftools profiles checked against pprof; their
//! goldens live in `tests/data/rpprof/`.
//!
//! Each case is one test (a libtest-mimic trial, kind `pprof` or `rpprof`
//! after where its golden comes from), so `cargo test --test golden NAME`
//! runs the cases whose name contains NAME and `-- --exact NAME` runs one.
//! A failure names the first differing line and the command that rewrites
//! the golden. `RPPROF_BLESS` rewrites goldens instead of comparing:
//!
//! - `RPPROF_BLESS=1` writes rpprof's output as the goldens of
//!   `rpprof_cases.txt` (never those of `cases.txt`: they are pprof's);
//! - `RPPROF_BLESS=pprof` records the goldens of `cases.txt` from
//!   `go tool pprof` (Go 1.19, from `PATH`), in the corpus runner's
//!   environment.
//!
//! Cases not being rewritten are compared as usual.

mod common;

use libtest_mimic::{Arguments, Failed, Trial};
use std::fmt::Write as _;
use std::path::PathBuf;

/// Who printed a case's goldens.
#[derive(Clone, Copy, PartialEq)]
enum Origin {
    /// `go tool pprof` (Go 1.19.8): `cases.txt`, `golden/`.
    Pprof,
    /// rpprof itself, checked by hand: `rpprof_cases.txt`, `rpprof/`.
    Rpprof,
}

/// What `RPPROF_BLESS` asks for.
#[derive(Clone, Copy, PartialEq)]
enum Bless {
    /// Compare every case.
    No,
    /// Rewrite the goldens of `rpprof_cases.txt` from rpprof.
    Rpprof,
    /// Rewrite the goldens of `cases.txt` from `go tool pprof`.
    Pprof,
}

impl Bless {
    fn from_env() -> Bless {
        match std::env::var("RPPROF_BLESS").as_deref() {
            Err(_) | Ok("" | "0") => Bless::No,
            Ok("1") => Bless::Rpprof,
            Ok("pprof") => Bless::Pprof,
            Ok(other) => panic!(
                "RPPROF_BLESS={other:?}: use 1 (rpprof's own goldens) or pprof (record \
                 cases.txt's goldens with go tool pprof)"
            ),
        }
    }

    /// Whether this run rewrites the goldens of `origin`.
    fn rewrites(self, origin: Origin) -> bool {
        matches!(
            (self, origin),
            (Bless::Rpprof, Origin::Rpprof) | (Bless::Pprof, Origin::Pprof)
        )
    }
}

/// One line of a cases file.
struct Case {
    name: String,
    args: Vec<String>,
    /// The script's lines, each ending in `\n`; empty: nothing is sent.
    stdin: String,
    /// `tests/data/DIR/NAME` without the extension.
    golden: PathBuf,
    origin: Origin,
}

/// What one run printed.
struct Printed {
    out: String,
    err: String,
    rc: i32,
}

/// The cases of `tests/data/cases_file`, with goldens in `golden_dir`.
fn load(cases_file: &str, golden_dir: &str, origin: Origin) -> Vec<Case> {
    let dir = common::data_dir();
    let cases = std::fs::read_to_string(dir.join(cases_file)).expect("cases file");
    cases
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let mut parts = line.splitn(3, " | ");
            let name = parts.next().expect("name").trim().to_string();
            let args = parts
                .next()
                .unwrap_or("")
                .trim_end_matches(" |")
                .split_whitespace()
                .map(str::to_string)
                .collect();
            let stdin = parts
                .next()
                .filter(|s| !s.is_empty())
                .map(|s| s.split(';').map(|piece| format!("{piece}\n")).collect())
                .unwrap_or_default();
            let golden = dir.join(golden_dir).join(&name);
            Case {
                name,
                args,
                stdin,
                golden,
                origin,
            }
        })
        .collect()
}

/// The corpus runner's whitespace normalisation, line by line: runs of
/// whitespace become one space, trailing whitespace goes, leading
/// whitespace stays as one space.
fn normalise(s: &str) -> Vec<String> {
    s.split('\n')
        .map(|line| {
            let mut l = line.split_whitespace().collect::<Vec<_>>().join(" ");
            if line.starts_with(char::is_whitespace) && !l.is_empty() {
                l.insert(0, ' ');
            }
            l
        })
        .collect()
}

/// `None` when `got` matches `want` after normalisation, else the first
/// differing line: `line N: want … / got …`.
fn first_difference(want: &str, got: &str) -> Option<String> {
    let (w, g) = (normalise(want), normalise(got));
    let i = (0..w.len().max(g.len())).find(|&i| w.get(i) != g.get(i))?;
    // Show the lines as printed, not normalised; normalising keeps lines.
    let raw = |s: &str| match s.split('\n').nth(i) {
        Some(l) => format!("{l:?}"),
        None => "(end of output)".to_string(),
    };
    Some(format!(
        "line {}:\n    want: {}\n    got:  {}",
        i + 1,
        raw(want),
        raw(got)
    ))
}

fn run_rpprof(case: &Case) -> Printed {
    let o = common::rpprof(&case.args)
        .dir(common::data_dir())
        .stdin(case.stdin.as_str())
        .run();
    Printed {
        out: o.out(),
        err: o.stderr,
        rc: o.code,
    }
}

/// Runs the case under `go tool pprof` as the corpus runner does (`TZ=UTC`,
/// `TERM=dumb`, `LC_ALL=C`, a fresh `HOME`, from `tests/data`).
fn run_pprof(case: &Case) -> Result<Printed, Failed> {
    let version = common::command("go", ["version"]).run();
    if !version.out().contains(" go1.19") {
        return Err(format!(
            "RPPROF_BLESS=pprof needs go tool pprof from Go 1.19 on PATH; `go version` printed \
             {:?} {:?}",
            version.out(),
            version.stderr
        )
        .into());
    }
    let home = std::env::temp_dir().join(format!(
        "rpprof-golden-{}-{}",
        std::process::id(),
        case.name
    ));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).expect("temporary HOME");
    let o = common::command("go", ["tool", "pprof"])
        .args(&case.args)
        .dir(common::data_dir())
        .env("LC_ALL", "C")
        .env("HOME", &home)
        .env("PPROF_TMPDIR", home.join("pprof"))
        .env("PPROF_BINARY_PATH", home.join("binaries"))
        .stdin(case.stdin.as_str())
        .run();
    let _ = std::fs::remove_dir_all(&home);
    Ok(Printed {
        out: o.out(),
        err: o.stderr,
        rc: o.code,
    })
}

/// Runs one case: compares with its goldens, or rewrites them.
fn check(case: &Case, bless: Bless) -> Result<(), Failed> {
    let path = |ext: &str| case.golden.with_extension(ext);
    if bless.rewrites(case.origin) {
        let p = match case.origin {
            Origin::Pprof => run_pprof(case)?,
            Origin::Rpprof => run_rpprof(case),
        };
        std::fs::write(path("out"), &p.out).expect("write golden");
        std::fs::write(path("err"), &p.err).expect("write golden");
        std::fs::write(path("rc"), format!("{}\n", p.rc)).expect("write golden");
        return Ok(());
    }
    let p = run_rpprof(case);
    let golden = |ext: &str| {
        std::fs::read_to_string(path(ext))
            .unwrap_or_else(|e| panic!("{}: {e}", path(ext).display()))
    };
    let rel = |ext: &str| {
        path(ext)
            .strip_prefix(common::crate_dir())
            .map_or_else(|_| path(ext), |p| p.to_path_buf())
            .display()
            .to_string()
    };
    let mut report = String::new();
    for (ext, stream, got) in [("out", "stdout", &p.out), ("err", "stderr", &p.err)] {
        if let Some(d) = first_difference(&golden(ext), got) {
            let _ = writeln!(report, "{stream} differs from {}, first at {d}", rel(ext));
        }
    }
    let want_rc = golden("rc");
    if p.rc.to_string() != want_rc.trim() {
        let _ = writeln!(
            report,
            "exit status {}, want {} ({})",
            p.rc,
            want_rc.trim(),
            rel("rc")
        );
    }
    if report.is_empty() {
        return Ok(());
    }
    let name = &case.name;
    let _ = writeln!(
        report,
        "run it alone:   cargo test --test golden -- --exact {name}"
    );
    match case.origin {
        Origin::Rpprof => {
            let _ = writeln!(
                report,
                "rewrite golden: RPPROF_BLESS=1 cargo test --test golden -- --exact {name}"
            );
        }
        Origin::Pprof => {
            let _ = writeln!(
                report,
                "rewrite golden: RPPROF_BLESS=pprof cargo test --test golden -- --exact {name}\n\
                 \x20               (records what go tool pprof of Go 1.19 prints: the golden is \
                 pprof's, so when rpprof is wrong fix rpprof instead)"
            );
        }
    }
    Err(report.into())
}

fn main() {
    let args = Arguments::from_args();
    let bless = Bless::from_env();
    let pprof = load("cases.txt", "golden", Origin::Pprof);
    assert!(pprof.len() > 70, "only {} cases found", pprof.len());
    let own = load("rpprof_cases.txt", "rpprof", Origin::Rpprof);
    assert!(own.len() >= 5, "only {} rpprof cases found", own.len());
    let mut names: Vec<&str> = pprof.iter().chain(&own).map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        panic!("case {} is listed twice", w[0]);
    }
    let trials = pprof
        .into_iter()
        .chain(own)
        .map(|case| {
            let kind = match case.origin {
                Origin::Pprof => "pprof",
                Origin::Rpprof => "rpprof",
            };
            Trial::test(case.name.clone(), move || check(&case, bless)).with_kind(kind)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
