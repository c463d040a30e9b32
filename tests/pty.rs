//! The terminal shell (rustyline, `src/shell/terminal.rs`) driven through a
//! pseudo-terminal with rexpect: tab completion of commands, option values
//! and function names, history kept across sessions, Ctrl-C and Ctrl-D,
//! colour on a terminal, and a snapshot series (`-series`) with its block
//! sparklines.
//!
//! Every test runs the binary with a cleared environment (its own `HOME`
//! and `RPPROF_HISTORY` in a fresh temporary directory, `TERM=xterm`), so
//! neither the user's history nor `NO_COLOR` leaks in. rustyline leaves raw
//! mode between two `readline` calls; a key sent then is handled by the
//! cooked line discipline (Ctrl-D is eaten), so every step first consumes
//! the fresh prompt printed after the previous command's output.

#![cfg(unix)]

mod common;

use common::temp_dir;
use rexpect::process::WaitStatus;
use rexpect::reader::Options;
use rexpect::session::{PtySession, spawn_with_options};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

const PROMPT: &str = "(pprof) ";
const UP: &str = "\x1b[A";

/// Removes terminal control sequences (CSI `ESC [ … letter`, `ESC`-prefixed
/// pairs) and carriage returns, leaving the text a user reads. rexpect hands
/// over each byte as one `char`; the bytes are decoded as UTF-8 first.
fn plain(s: &str) -> String {
    let s = utf8(s);
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\x1b' => {
                if it.next() == Some('[') {
                    for d in it.by_ref() {
                        if d.is_ascii_alphabetic() || d == '~' {
                            break;
                        }
                    }
                }
            }
            '\r' | '\x07' => {}
            _ => out.push(c),
        }
    }
    out
}

/// `s` as rexpect reads it (one `char` per byte read) decoded as UTF-8.
fn utf8(s: &str) -> String {
    let bytes: Vec<u8> = s.chars().map(|c| u8::try_from(c).unwrap_or(b'?')).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// One shell on a pseudo-terminal.
struct Shell {
    p: PtySession,
    /// Everything printed before the first prompt.
    greeting: String,
}

impl Shell {
    /// Starts `rpprof ARGS tests/data/leak/heap_5.pb.gz` with `env` on top
    /// of a minimal environment and waits for the first prompt.
    fn start(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Shell {
        let data = common::data_dir().join("leak/heap_5.pb.gz");
        Shell::start_on(&data, home, args, env)
    }

    /// Starts `rpprof ARGS PROFILE`, as [`Shell::start`].
    fn start_on(profile: &Path, home: &Path, args: &[&str], env: &[(&str, &str)]) -> Shell {
        let mut all: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        all.push(profile.as_os_str());
        Shell::spawn(home, &all, env)
    }

    /// Starts `rpprof ARGS` (sources included in `args`), as [`Shell::start`].
    fn spawn(home: &Path, args: &[&OsStr], env: &[(&str, &str)]) -> Shell {
        let sh = Shell::spawn_until(home, args, env, PROMPT);
        assert!(
            sh.greeting.contains("Entering interactive mode"),
            "greeting: {:?}",
            sh.greeting
        );
        sh
    }

    /// Starts `rpprof ARGS` and waits for its first prompt, `prompt`
    /// (everything before it is the greeting).
    fn spawn_until(home: &Path, args: &[&OsStr], env: &[(&str, &str)], prompt: &str) -> Shell {
        Shell::spawn_run(common::rpprof(args), home, env, prompt)
    }

    /// Starts `rpprof ARGS` on a terminal of `rows`×`cols` (the pty has no
    /// size until `stty` gives it one), as [`Shell::start`].
    fn spawn_sized(home: &Path, args: &[&OsStr], rows: u16, cols: u16) -> Shell {
        let script = format!("/bin/stty rows {rows} cols {cols} && exec \"$0\" \"$@\"");
        let mut all: Vec<&OsStr> = vec![OsStr::new("-c"), OsStr::new(&script)];
        all.push(common::bin().as_os_str());
        all.extend(args);
        Shell::spawn_run(common::command("/bin/sh", all), home, &[], PROMPT)
    }

    fn spawn_run(run: common::Run, home: &Path, env: &[(&str, &str)], prompt: &str) -> Shell {
        let mut run = run
            .dir(home)
            .env("TERM", "xterm")
            .env("HOME", home)
            .env("RPPROF_HISTORY", home.join("history"));
        for (k, v) in env {
            run = run.env(k, v);
        }
        let p = spawn_with_options(run.command(), Options::new().timeout_ms(Some(30_000)))
            .expect("spawn rpprof on a pty");
        let mut sh = Shell {
            p,
            greeting: String::new(),
        };
        sh.greeting = sh.expect(prompt);
        sh
    }

    /// Sends keys.
    fn keys(&mut self, k: &str) {
        self.p.send(k).expect("send keys");
        self.p.flush().expect("flush keys");
    }

    /// Waits for `s`; returns what came before it.
    fn expect(&mut self, s: &str) -> String {
        self.p
            .exp_string(s)
            .unwrap_or_else(|e| panic!("waiting for {s:?}: {e}"))
    }

    /// Presses Enter on the line typed so far; returns the raw output up to
    /// the next (fresh) prompt, which is consumed.
    fn enter(&mut self) -> String {
        self.enter_until(PROMPT)
    }

    /// Presses Enter, as [`Shell::enter`], up to the next `prompt`.
    fn enter_until(&mut self, prompt: &str) -> String {
        self.keys("\r");
        self.expect("\n");
        self.expect(prompt)
    }

    /// Types `line`, presses Enter, and returns the output (raw).
    fn run(&mut self, line: &str) -> String {
        self.run_until(line, PROMPT)
    }

    /// Types `line`, presses Enter, and returns the raw output up to the
    /// next `prompt` (a tour step's, say).
    fn run_until(&mut self, line: &str, prompt: &str) -> String {
        self.keys(line);
        self.enter_until(prompt)
    }

    /// Waits for the program to end and returns its exit status.
    fn status(mut self) -> i32 {
        self.p.exp_eof().expect("rpprof exits");
        match self.p.process().wait().expect("wait") {
            WaitStatus::Exited(_, code) => code,
            other => panic!("rpprof did not exit normally: {other:?}"),
        }
    }

    /// Feeds everything printed until the output has been quiet for a
    /// moment into the terminal emulator `vt`, and returns its screen.
    fn screen(&mut self, vt: &mut vt100::Parser) -> String {
        let mut bytes = Vec::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let mut quiet_since = std::time::Instant::now();
        while std::time::Instant::now() < deadline {
            match self.p.try_read() {
                Some(c) => {
                    bytes.push(u8::try_from(c).unwrap_or(b'?'));
                    quiet_since = std::time::Instant::now();
                }
                None if !bytes.is_empty()
                    && quiet_since.elapsed() > std::time::Duration::from_millis(400) =>
                {
                    break;
                }
                None => std::thread::sleep(std::time::Duration::from_millis(10)),
            }
        }
        vt.process(&bytes);
        vt.screen().contents()
    }

    /// Sends Ctrl-D on an empty line and returns the exit status.
    fn eof(mut self) -> i32 {
        self.p.send_control('d').expect("send ctrl-d");
        self.status()
    }
}

#[test]
fn completes_a_command_name() {
    let home = temp_dir("command");
    let mut sh = Shell::start(&home, &[], &[]);
    sh.keys("sam\t");
    sh.expect("(pprof) sample_index=");
    // The completed word is a real assignment: finish it and check `o`.
    let out = sh.run("alloc_space");
    assert_eq!(plain(&out).trim(), "", "setting prints nothing: {out:?}");
    let o = plain(&sh.run("o"));
    let line = o
        .lines()
        .find(|l| l.trim_start().starts_with("sample_index "))
        .unwrap_or_else(|| panic!("no sample_index in o: {o}"));
    assert!(line.contains("= alloc_space"), "{line}");
    assert_eq!(sh.eof(), 0);
}

#[test]
fn completes_option_values() {
    let home = temp_dir("values");
    let mut sh = Shell::start(&home, &[], &[]);
    // Two candidates: the common prefix is inserted, a second Tab lists them.
    sh.keys("sample_index=in\t");
    sh.expect("(pprof) sample_index=inuse_");
    sh.keys("\t");
    let listing = sh.expect("(pprof) sample_index=inuse_");
    assert!(
        plain(&listing).contains("inuse_objects  inuse_space"),
        "candidate list: {listing:?}"
    );
    // One candidate left: completed in full.
    sh.keys("o\t");
    sh.expect("(pprof) sample_index=inuse_objects");
    sh.enter();
    let o = plain(&sh.run("o"));
    assert!(
        o.lines()
            .any(|l| l.trim_start().starts_with("sample_index") && l.contains("= inuse_objects")),
        "{o}"
    );
    // Choice values of a group.
    sh.keys("granularity=fi\t");
    sh.expect("(pprof) granularity=file");
    sh.keys("\t");
    let listing = plain(&sh.expect("(pprof) granularity=file"));
    assert!(
        listing.contains("filefunctions") && listing.contains("files"),
        "{listing}"
    );
    sh.keys("s");
    sh.enter();
    let o = plain(&sh.run("o"));
    assert!(
        o.lines()
            .any(|l| l.trim_start().starts_with("granularity") && l.contains("= files")),
        "{o}"
    );
    assert_eq!(sh.eof(), 0);
}

#[test]
fn completes_function_names_escaped_for_regexp_arguments() {
    let home = temp_dir("functions");
    let mut sh = Shell::start(&home, &[], &[]);
    sh.keys("list Tra\t");
    sh.expect(r"(pprof) list main\.\(\*RequestTracker\)\.Track");
    let out = plain(&sh.enter());
    assert!(
        !out.contains("regexp") && !out.contains("no matches found"),
        "the escaped name is a valid regexp matching the function: {out}"
    );
    // The same completion as a focus argument of `top` selects that function.
    sh.keys("top Tra\t");
    sh.expect(r"(pprof) top main\.\(\*RequestTracker\)\.Track");
    let out = plain(&sh.enter());
    assert!(
        out.contains(r"focus=main\.\(\*RequestTracker\)\.Track"),
        "{out}"
    );
    assert!(out.contains("main.(*RequestTracker).Track\n"), "{out}");
    assert!(!out.contains("runtime/pprof.StartCPUProfile"), "{out}");
    // And as an ignore argument, keeping the `-`.
    sh.keys("top -Tra\t");
    sh.expect(r"(pprof) top -main\.\(\*RequestTracker\)\.Track");
    let out = plain(&sh.enter());
    assert!(
        out.contains(r"ignore=main\.\(\*RequestTracker\)\.Track"),
        "{out}"
    );
    assert_eq!(sh.eof(), 0);
}

#[test]
fn history_survives_a_restart() {
    let home = temp_dir("history");
    // A history file in a directory that does not exist yet.
    let hist = home.join("state/rpprof/history");
    let hist_env = hist.to_str().expect("utf-8 path");
    let mut sh = Shell::start(&home, &[], &[("RPPROF_HISTORY", hist_env)]);
    let first = plain(&sh.run("top 3"));
    assert!(first.contains("Showing top 3 nodes"), "{first}");
    assert_eq!(sh.eof(), 0);
    let saved = std::fs::read_to_string(&hist).expect("history file written");
    assert!(saved.lines().any(|l| l == "top 3"), "{saved:?}");

    let mut sh = Shell::start(&home, &[], &[("RPPROF_HISTORY", hist_env)]);
    sh.keys(UP);
    sh.expect("(pprof) top 3");
    let again = plain(&sh.enter());
    assert!(again.contains("Showing top 3 nodes"), "{again}");
    sh.keys("quit\r");
    sh.p.exp_eof().expect("quit ends the shell");
    match sh.p.process().wait().expect("wait") {
        WaitStatus::Exited(_, 0) => {}
        other => panic!("quit: {other:?}"),
    }
    // The HOME of the test was not touched: history went where asked.
    assert!(!home.join(".local").exists());
}

#[test]
fn ctrl_c_clears_the_line_and_the_shell_goes_on() {
    let home = temp_dir("ctrlc");
    let mut sh = Shell::start(&home, &[], &[]);
    sh.keys("top 3");
    sh.expect("top 3");
    sh.p.send_control('c').expect("send ctrl-c");
    sh.expect("\n");
    sh.expect(PROMPT);
    // The interrupted text is gone: this line is only `top 1`.
    let out = plain(&sh.run("top 1"));
    assert!(out.contains("Showing top 1 nodes"), "{out}");
    assert!(!out.contains("unrecognized command"), "{out}");
    // Ctrl-C on an empty line does not end the shell either.
    sh.p.send_control('c').expect("send ctrl-c");
    sh.expect(PROMPT);
    let out = plain(&sh.run("top 1"));
    assert!(out.contains("Showing top 1 nodes"), "{out}");
    assert_eq!(sh.eof(), 0);
}

/// A profile whose `traces` takes a while to build: 200k samples, 40
/// frames each.
fn long_traces_profile(dir: &Path) -> PathBuf {
    let mut b = common::Builder::new(&[("samples", "count")]);
    let m = b.mapping("/bin/server");
    let locs: Vec<u64> = (0..400)
        .map(|i| {
            let f = b.function(&format!("main.step{i}"), "server.go");
            b.location(m, &[(f, i + 1)])
        })
        .collect();
    for k in 0..200_000usize {
        // The first three frames spell k in base 400: no two stacks alike.
        let digits = [k % 400, k / 400 % 400, k / 160_000];
        let stack: Vec<u64> = (0..40)
            .map(|d| locs[digits.get(d).copied().unwrap_or(k * 7 + d * 13) % 400])
            .collect();
        b.sample(&stack, &[k as i64 + 1], vec![]);
    }
    let path = dir.join("long.pb");
    std::fs::write(&path, b.encode()).expect("write the profile");
    path
}

#[test]
fn ctrl_c_cancels_a_long_report_and_the_shell_goes_on() {
    let home = temp_dir("ctrlc-report");
    let profile = long_traces_profile(&home);
    let mut sh = Shell::start_on(&profile, &home, &[], &[]);
    for _ in 0..2 {
        sh.keys("traces\r");
        // The line was taken (the terminal is cooked again a moment later):
        // interrupt while the report is built, before anything is printed.
        sh.expect("\n");
        std::thread::sleep(std::time::Duration::from_millis(300));
        sh.p.send_control('c').expect("send ctrl-c");
        let cut = plain(&sh.expect(PROMPT));
        let tail = &cut[cut.len().saturating_sub(500)..];
        assert_eq!(cut.trim_start_matches("^C"), "interrupted\n", "…{tail}");
        let out = plain(&sh.run("top 1"));
        assert!(out.contains("Showing top 1 nodes out of 400"), "{out}");
    }
    assert_eq!(sh.eof(), 0);
}

#[test]
fn the_history_keeps_only_lines_that_ran() {
    let home = temp_dir("history-rejected");
    let mut sh = Shell::start(&home, &[], &[]);
    let ok = plain(&sh.run("top 2"));
    assert!(ok.contains("Showing top 2 nodes"), "{ok}");
    let bad = plain(&sh.run("topp 5"));
    assert!(bad.contains("unrecognized command: \"topp\""), "{bad}");
    let bad = plain(&sh.run("top focus=("));
    assert!(bad.contains("parsing focus regexp"), "{bad}");
    // The hint for `to` completes the line that ran, not a rejected one.
    sh.keys("to");
    let mut vt = vt100::Parser::new(24, 80, 0);
    let screen = sh.screen(&mut vt);
    assert!(screen.contains("top 2"), "{screen:?}");
    assert!(
        !screen.contains("topp") && !screen.contains("focus"),
        "{screen:?}"
    );
    sh.keys("\x15");
    assert_eq!(sh.eof(), 0);
    let saved = std::fs::read_to_string(home.join("history")).expect("history file");
    assert_eq!(
        saved
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>(),
        ["top 2"]
    );
}

#[test]
fn ctrl_d_exits_with_status_zero() {
    let home = temp_dir("ctrld");
    let mut sh = Shell::start(&home, &[], &[]);
    sh.run("top 1");
    assert_eq!(sh.eof(), 0);
}

#[test]
fn history_that_cannot_be_saved_is_only_a_warning() {
    let home = temp_dir("badhistory");
    // The history's directory would have to be created inside a file.
    std::fs::write(home.join("file"), "").expect("write file");
    let hist = home.join("file/history");
    let mut sh = Shell::start(&home, &[], &[("RPPROF_HISTORY", hist.to_str().unwrap())]);
    // History is saved before each command runs; the failure is said once.
    let first = plain(&sh.run("top 1"));
    let warning = format!("saving history to {}: ", hist.display());
    assert!(first.contains(&warning), "{first:?}");
    assert!(first.contains("Showing top 1 nodes"), "{first:?}");
    let second = plain(&sh.run("top 1"));
    assert!(!second.contains(&warning), "{second:?}");
    sh.p.send_control('d').expect("send ctrl-d");
    sh.p.exp_eof().expect("exit");
    match sh.p.process().wait().expect("wait") {
        WaitStatus::Exited(_, 0) => {}
        other => panic!("{other:?}"),
    }
}

/// The `top 3` rows of a session started with `args` and `env`.
fn top_rows(name: &str, args: &[&str], env: &[(&str, &str)]) -> Vec<String> {
    let home = temp_dir(name);
    let mut sh = Shell::start(&home, args, env);
    let out = sh.run("top 3");
    assert_eq!(sh.eof(), 0);
    let rows: Vec<String> = out
        .split('\n')
        .filter(|l| l.contains("MB") || l.contains("flat%"))
        .map(String::from)
        .collect();
    assert!(rows.len() >= 4, "{out:?}");
    rows
}

fn hot_row(rows: &[String]) -> &str {
    rows.iter()
        .find(|r| r.contains("bytes.Repeat"))
        .expect("bytes.Repeat row")
}

#[test]
fn colour_on_a_terminal() {
    for (name, args, env) in [
        ("color-always", &["--color=always"][..], &[][..]),
        ("color-auto", &[][..], &[][..]),
    ] {
        let rows = top_rows(name, args, env);
        assert!(hot_row(&rows).contains("\x1b[31m"), "{name}: {rows:?}");
        assert!(
            rows.iter()
                .any(|r| r.contains("flat%") && r.contains("\x1b[1m")),
            "{name}: bold header: {rows:?}"
        );
    }
}

#[test]
fn no_colour_with_no_color_or_never() {
    for (name, args, env) in [
        ("no-color", &[][..], &[("NO_COLOR", "1")][..]),
        ("color-never", &["--color=never"][..], &[][..]),
    ] {
        let rows = top_rows(name, args, env);
        assert!(rows.iter().all(|r| !r.contains('\x1b')), "{name}: {rows:?}");
        assert!(hot_row(&rows).contains("176.23MB"), "{name}: {rows:?}");
    }
}

#[test]
fn profile_strings_cannot_drive_the_terminal() {
    let home = temp_dir("hostile");
    let mut b = common::Builder::new(&[("space", "bytes")]);
    let m = b.mapping("/bin/evil\x1b]0;pwned\x07");
    let f1 = b.function("main.evil\x1b[2J", "evil.go");
    let f2 = b.function("main.evilTwo\x1b]0;pwned\x07", "evil.go");
    let l1 = b.location(m, &[(f1, 3)]);
    let l2 = b.location(m, &[(f2, 4)]);
    b.sample(&[l1, l2], &[1000], vec![]);
    b.sample(&[l2], &[500], vec![]);
    let c = b.str("comment \x1b[2J");
    b.p.comment.push(c);
    let path = home.join("evil.pb");
    std::fs::write(&path, b.encode()).expect("write profile");

    let mut sh = Shell::start_on(&path, &home, &["--color=always"], &[]);
    let mut transcript = sh.greeting.clone();
    transcript += &sh.run("top");
    transcript += &sh.run("o");
    // Two candidates: the common prefix, then a sanitized listing.
    sh.keys("top main.ev\t");
    transcript += &sh.expect(r"(pprof) top main\.evil");
    sh.keys("\t");
    let listing = sh.expect(r"(pprof) top main\.evil");
    assert!(listing.contains(r"main.evil\u{1b}[2J"), "{listing:?}");
    transcript += &listing;
    // One candidate: inserted as a printable regexp that matches the name.
    sh.keys("T\t");
    transcript += &sh.expect(r"(pprof) top main\.evilTwo\x{1b}\]0;pwned\x{7}");
    let out = sh.enter();
    assert!(
        plain(&out).contains("Showing nodes accounting for 1500B, 100% of 1500B total"),
        "{out:?}"
    );
    transcript += &out;
    for bad in ["\x1b[2J", "\x1b]0;pwned"] {
        assert!(
            !transcript.contains(bad),
            "{bad:?} reached the terminal: {transcript:?}"
        );
    }
    assert_eq!(sh.eof(), 0);
}

/// Messages on a terminal's stderr that quote profile strings (here the
/// sample types listed by a `sample_index` error in flag mode, and the
/// same in the shell) are defused; piped, they stay byte for byte.
#[test]
fn stderr_messages_cannot_drive_the_terminal() {
    let home = temp_dir("hostile-stderr");
    let mut b = common::Builder::new(&[("evil\x1b]0;pwned\x07", "bytes"), ("tab\there", "count")]);
    let m = b.mapping("/bin/app");
    let f = b.function("main.f", "f.go");
    let l = b.location(m, &[(f, 3)]);
    b.sample(&[l], &[1000, 1], vec![]);
    let path = home.join("evil.pb");
    std::fs::write(&path, b.encode()).expect("write profile");
    let p = path.display().to_string();
    let run = common::rpprof(["-top", "-sample_index=nope", &p])
        .dir(&home)
        .env("TERM", "xterm");
    let mut session = spawn_with_options(run.command(), Options::new().timeout_ms(Some(30_000)))
        .expect("spawn rpprof on a pty");
    let all = session.exp_eof().expect("rpprof ends");
    assert!(all.contains("evil\\u{1b}]0;pwned\\u{7}"), "{all:?}");
    // Tab, newline and carriage return read as in the rows of a report.
    assert!(all.contains("tab\\there"), "{all:?}");
    assert!(!all.contains("\x1b]0;pwned"), "{all:?}");
    // Piped, the bytes are pprof's.
    let o = common::rpprof(["-top", "-sample_index=nope", &p]).run();
    assert!(o.stderr.contains("evil\x1b]0;pwned\x07"), "{:?}", o.stderr);

    let mut sh = Shell::start_on(&path, &home, &[], &[]);
    let out = sh.run("sample_index=nope");
    assert!(out.contains("evil\\u{1b}]0;pwned\\u{7}"), "{out:?}");
    assert!(!out.contains("\x1b]0;pwned"), "{out:?}");
    assert_eq!(sh.eof(), 0);
}

/// Serves the leak's heap snapshots in turn on 127.0.0.1 (at most
/// `requests` of them); returns the URL.
fn serve_heaps(requests: u32) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!(
        "http://{}/debug/pprof/heap",
        listener.local_addr().expect("address")
    );
    std::thread::spawn(move || {
        for n in 1..=requests {
            let Ok((mut s, _)) = listener.accept() else {
                return;
            };
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(k) => head.extend_from_slice(&buf[..k]),
                }
            }
            let body = std::fs::read(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join(format!("tests/data/leak/heap_{}.pb.gz", (n - 1) % 5 + 1)),
            )
            .expect("test profile");
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(&body);
        }
    });
    url
}

#[test]
fn ctrl_c_stops_a_capture_and_opens_the_series_shell() {
    let home = temp_dir("capture");
    let url = serve_heaps(5);
    let out_dir = home.join("captured");
    let cmd = common::rpprof(["-capture", "-every=1s", "-count=5"])
        .arg(format!("-output={}", out_dir.display()))
        .arg(&url)
        .dir(&home)
        .env("TERM", "xterm")
        .env("HOME", &home)
        .env("RPPROF_HISTORY", home.join("history"))
        .command();
    let p = spawn_with_options(cmd, Options::new().timeout_ms(Some(30_000)))
        .expect("spawn rpprof on a pty");
    let mut sh = Shell {
        p,
        greeting: String::new(),
    };
    sh.expect("captured 1/5: ");
    sh.expect("captured 2/5: ");
    // The bar counts down to the next fetch.
    sh.expect("] 2/5 next fetch (3/5) in ");
    sh.p.send_control('c').expect("send ctrl-c");
    sh.expect("Capture stopped: 2 of 5 snapshots captured");
    let greeting = sh.expect(PROMPT);
    assert!(greeting.contains("Series of 2 snapshots"), "{greeting:?}");
    // Ctrl-C at the prompt only clears the line, as before.
    sh.p.send_control('c').expect("send ctrl-c");
    sh.expect(PROMPT);
    let out = plain(&sh.run("snapshots"));
    let mut files: Vec<String> = std::fs::read_dir(&out_dir)
        .expect("capture directory")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files[0].starts_with("heap-001-") && files[1].starts_with("heap-002-"));
    for f in &files {
        assert!(out.contains(f.as_str()), "{out:?}");
    }
    assert_eq!(sh.eof(), 0);
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn a_series_on_a_utf8_terminal() {
    let home = temp_dir("series");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/leak");
    let heaps: Vec<PathBuf> = (1..=5)
        .map(|k| data.join(format!("heap_{k}.pb.gz")))
        .collect();
    let mut args = vec![OsStr::new("-series")];
    args.extend(heaps.iter().map(|h| h.as_os_str()));
    // A UTF-8 locale: `Layout::detect` draws block sparklines only on a
    // terminal whose LC_ALL/LC_CTYPE/LANG says UTF-8.
    let mut sh = Shell::spawn(&home, &args, &[("LANG", "C.UTF-8")]);
    assert!(
        plain(&sh.greeting).contains("Series of 5 snapshots"),
        "{:?}",
        sh.greeting
    );

    // The table, the newest marked current, the totals as blocks
    // (9.21MB, 17.31MB, 30.99MB, 178.01MB, 178.01MB).
    let table = plain(&sh.run("snapshots"));
    let marked: Vec<&str> = table.lines().filter(|l| l.starts_with("  *")).collect();
    assert_eq!(marked.len(), 1, "{table}");
    assert!(
        marked[0].starts_with("  *   5  ") && marked[0].contains("178.01MB"),
        "{table}"
    );
    assert!(
        marked[0].ends_with("heap_5.pb.gz"),
        "the source is named: {table}"
    );
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("      1  ") && l.contains("9.21MB")),
        "{table}"
    );
    assert!(table.contains("totals: ▁▁▁██\n"), "{table}");

    // `use 1` moves the mark and the reports to the first snapshot.
    let used = plain(&sh.run("use 1"));
    assert!(!used.contains("unrecognized"), "{used}");
    let table = plain(&sh.run("snapshots"));
    let marked: Vec<&str> = table.lines().filter(|l| l.starts_with("  *")).collect();
    assert_eq!(marked.len(), 1, "{table}");
    assert!(
        marked[0].starts_with("  *   1  ") && marked[0].contains("9.21MB"),
        "{table}"
    );
    let top = plain(&sh.run("top 1"));
    assert!(top.contains("of 9.21MB total"), "top runs on #1: {top}");

    // `diff 1 5 top 2`: snapshot 5 with 1 as base, whatever the current one.
    let diff = plain(&sh.run("diff 1 5 top 2"));
    assert!(
        diff.contains("Showing nodes accounting for 168.25MB, 99.61% of 168.92MB total"),
        "{diff}"
    );
    assert!(
        diff.contains("  167.13MB 98.94% 98.94%   167.13MB 98.94%  bytes.Repeat\n"),
        "{diff}"
    );
    assert!(
        diff.contains(
            "    1.12MB  0.67% 99.61%     1.12MB  0.67%  runtime/pprof.StartCPUProfile\n"
        ),
        "{diff}"
    );

    // `growth 3`: the leak first, growing, with a block sparkline.
    let growth = plain(&sh.run("growth 3"));
    assert!(
        growth.contains("Growth of inuse_space (flat) over 5 snapshots"),
        "{growth}"
    );
    let row = growth
        .lines()
        .find(|l| l.ends_with(" bytes.Repeat"))
        .unwrap_or_else(|| panic!("no bytes.Repeat row: {growth}"));
    assert!(row.contains("  growing  "), "{row}");
    assert!(row.contains("+167.13MB"), "{row}");
    assert!(row.contains("▁▁▁██"), "{row}");
    assert!(
        !growth.contains("_.-=#") && !growth.contains("___##"),
        "{growth}"
    );

    // The new commands complete.
    sh.keys("gro\t");
    sh.expect("(pprof) growth");
    let again = plain(&sh.enter());
    assert!(again.contains("Growth of inuse_space"), "{again}");
    sh.keys("snap\t");
    sh.expect("(pprof) snapshots");
    let again = plain(&sh.enter());
    assert!(again.contains("totals: "), "{again}");
    assert_eq!(sh.eof(), 0);
}

/// Writes `screen` under `target/screens/NAME.txt`, for a person to look at.
fn keep_screen(name: &str, screen: &str) {
    let dir = common::crate_dir().join("target/screens");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(format!("{name}.txt")), screen);
}

#[test]
fn view_opens_the_flame_graph_moves_zooms_and_gives_the_terminal_back() {
    let home = temp_dir("view");
    let cpu = common::data_dir().join("cpu/cpu.pb.gz");
    let mut sh = Shell::spawn_sized(&home, &[cpu.as_os_str()], 30, 100);
    let mut vt = vt100::Parser::new(30, 100, 0);
    sh.keys("view\r");
    let first = sh.screen(&mut vt);
    keep_screen("view-1-opened", &first);
    let lines: Vec<&str> = first.lines().collect();
    assert!(
        lines[0].starts_with("cpu flame graph, 5.76s total"),
        "{first}"
    );
    assert!(lines[1].starts_with("main.worker 54.86%"), "{first}");
    assert!(lines[1].contains("runtime.main 25.17%"), "{first}");
    assert!(
        vt.screen().alternate_screen(),
        "the viewer uses the alternate screen"
    );
    assert!(
        lines[28].starts_with("main.worker: cum 3.16s (54.86%), flat 0 (0%)"),
        "{first}"
    );
    // Down selects the widest child; Enter zooms into it.
    sh.keys("\x1b[B");
    let down = sh.screen(&mut vt);
    assert!(
        down.contains("runtime/pprof.Do: cum 3.16s (54.86%)"),
        "{down}"
    );
    sh.keys("\x1b[B\x1b[B\x1b[B\r");
    let zoomed = sh.screen(&mut vt);
    keep_screen("view-2-zoomed", &zoomed);
    assert!(
        zoomed.lines().next().unwrap().contains("· zoomed into"),
        "{zoomed}"
    );
    assert!(!zoomed.contains("runtime.main"), "{zoomed}");
    // t: the top table of the zoomed subtree.
    sh.keys("t");
    let top = sh.screen(&mut vt);
    keep_screen("view-3-top", &top);
    assert!(top.contains("Top of the frames under "), "{top}");
    assert!(
        top.contains("flat  flat%   sum%        cum   cum%  name"),
        "{top}"
    );
    sh.keys("t");
    sh.screen(&mut vt);
    // / searches: the status line gives the share of the matches.
    sh.keys("/main\\.mix\r");
    let found = sh.screen(&mut vt);
    assert!(found.contains("1 frames match main\\.mix: "), "{found}");
    // q gives the terminal back to the shell, which goes on.
    sh.keys("q");
    let back = sh.screen(&mut vt);
    assert!(!vt.screen().alternate_screen(), "{back}");
    assert!(back.contains(PROMPT), "{back}");
    let out = plain(&sh.run("top 1"));
    assert!(out.contains("Showing top 1 nodes out of"), "{out}");
    assert_eq!(sh.eof(), 0);
}

#[test]
fn view_on_a_dumb_terminal_prints_the_flame_graph() {
    let home = temp_dir("view-dumb");
    let mut sh = Shell::start(&home, &[], &[("TERM", "dumb")]);
    sh.keys("view\r");
    let out = plain(&sh.expect(PROMPT));
    assert!(
        out.contains("view: TERM is dumb: printing the flame graph instead"),
        "{out}"
    );
    assert!(out.contains("|main.(*RequestTracker).Track"), "{out}");
    assert_eq!(sh.eof(), 0);
}

/// What a terminal shows of `raw`, its wrapped lines joined by spaces.
fn prose(raw: &str) -> String {
    common::squeeze(&plain(raw))
}

#[test]
fn the_tour_on_a_terminal_takes_steps_and_hints_a_wrong_command() {
    let home = temp_dir("tour");
    let tmp = home.join("tmp");
    std::fs::create_dir(&tmp).expect("create tmp");
    let tmp_env = tmp.to_str().expect("utf-8 path");
    let args = [OsStr::new("-tour")];
    let mut sh = Shell::spawn_until(&home, &args, &[("TMPDIR", tmp_env)], "(tour 1/7) ");
    let intro = prose(&sh.greeting);
    assert!(intro.starts_with("Welcome to the rpprof tour."), "{intro}");
    assert!(
        intro.contains("Step 1 of 7: Where is the memory now?"),
        "{intro}"
    );
    assert!(intro.contains("Type top:"), "{intro}");

    // Step 1: the report, its explanation with its numbers, the lesson.
    let out = prose(&sh.run_until("top", "(tour 2/7) "));
    assert!(
        out.contains("176.23MB 99.00% 99.00% 176.23MB 99.00% bytes.Repeat"),
        "{out}"
    );
    assert!(
        out.contains("bytes.Repeat comes first. Its flat, 176.23MB (99.00% of the total)"),
        "{out}"
    );
    assert!(
        out.contains("One function holds almost everything."),
        "{out}"
    );
    assert!(
        out.contains("Step 2 of 7: Which of our functions asks for that memory?"),
        "{out}"
    );

    // A different command runs, then the hint; the step stays.
    let out = prose(&sh.run_until("peek Track", "(tour 2/7) "));
    assert!(out.contains("calls% + context"), "peek ran: {out}");
    assert!(
        out.contains("That ran, but this step asks for top -cum."),
        "{out}"
    );
    assert!(!out.contains("Step 3 of 7"), "{out}");

    // Step 2, then step 3 is shown.
    let out = prose(&sh.run_until("top -cum", "(tour 3/7) "));
    assert!(out.contains("The rows are sorted by cum."), "{out}");
    assert!(
        out.contains("Step 3 of 7: Which line of Track allocates?"),
        "{out}"
    );

    sh.keys("quit\r");
    assert_eq!(sh.status(), 0, "quit ends the tour");
    let left: Vec<_> = std::fs::read_dir(&tmp).expect("tmp").collect();
    assert!(
        left.is_empty(),
        "the tour's source directory is removed: {left:?}"
    );
}

#[test]
fn an_invalid_regexp_offers_the_escaped_command_at_the_prompt() {
    let home = temp_dir("literal");
    let [source, trim] = common::leak_source_args();
    let mut sh = Shell::start(&home, &[&source, &trim], &[]);
    let out = prose(&sh.run("list (*RequestTracker).Track"));
    assert!(
        out.contains("parsing argument regexp (*RequestTracker).Track: error parsing regexp"),
        "{out}"
    );
    let escaped = r"list \(\*RequestTracker\)\.Track";
    assert!(
        out.contains(&format!(
            "hint: ( ) * . [ and + are special in a regexp; the name as written is {escaped} \
             (ready at the prompt: press Enter)"
        )),
        "{out}"
    );
    // The corrected line is already typed after the prompt: Enter runs it.
    sh.expect(escaped);
    let listing = plain(&sh.enter());
    assert!(
        listing.contains("ROUTINE ======================== main.(*RequestTracker).Track in "),
        "{listing}"
    );
    assert!(
        listing.contains(r#"28:	t.data = append(t.data, bytes.Repeat([]byte("a"), 10000))"#),
        "{listing}"
    );
    // The offer is made once: the next prompt is empty again.
    let out = plain(&sh.run("top 1"));
    assert!(out.contains("Showing top 1 nodes"), "{out}");
    assert_eq!(sh.eof(), 0);
}

/// Tab and newline bytes inside names would split a report's columns and
/// rows on a terminal: there they are shown as `\t` and `\n`; piped, the
/// bytes stay as pprof writes them.
#[test]
fn tabs_and_newlines_in_names_do_not_split_rows() {
    let home = temp_dir("hostile-breaks");
    let mut b = common::Builder::new(&[("space", "bytes")]);
    let m = b.mapping("/bin/prog");
    let f1 = b.function("main.split\nrow", "a.go");
    let f2 = b.function("main.tab\tcolumn", "a.go");
    let l1 = b.location(m, &[(f1, 3)]);
    let l2 = b.location(m, &[(f2, 4)]);
    b.sample(&[l1, l2], &[1000], vec![]);
    let path = home.join("breaks.pb");
    std::fs::write(&path, b.encode()).expect("write profile");

    let mut sh = Shell::start_on(&path, &home, &["--color=never"], &[]);
    let out = plain(&sh.run("top"));
    assert!(out.contains(r" main.split\nrow"), "{out:?}");
    assert!(out.contains(r" main.tab\tcolumn"), "{out:?}");
    assert!(!out.contains('\t'), "{out:?}");
    assert_eq!(sh.eof(), 0);

    let piped = common::rpprof(["-top", path.to_str().unwrap()]).run().out();
    assert!(piped.contains(" main.split\nrow\n"), "{piped:?}");
    assert!(piped.contains(" main.tab\tcolumn\n"), "{piped:?}");
}
