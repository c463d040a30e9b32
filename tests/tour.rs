//! The guided tour (`rpprof -tour`, `tour` in the shell) driven through a
//! pipe: the steps in order, a different command run and followed by a
//! hint, `back`, `skip`, `help`, the end of the tour and the shell after it;
//! `quit`; coming back to one's own profile; the command-line errors.
//!
//! The transcripts of `tests/data/tour/` are rpprof's own output, read by
//! hand when recorded; `RPPROF_BLESS=1 cargo test --test tour` rewrites
//! them. The other checks read the tour's numbers against the reports.

mod common;

use common::{HEAP_1, HEAP_5};

const BLESS: &str = "RPPROF_BLESS=1 cargo test --test tour";

/// A walk through the whole tour with every kind of stumble, then one
/// command in the shell the finished tour leaves open. Each line is
/// followed by the step it is typed at.
const WALK: &[(&str, usize)] = &[
    ("top", 1),
    ("peek Track", 2), // not the step's command: it runs, then a hint
    ("back", 2),
    ("top", 1),
    ("skip", 2),
    ("list (*RequestTracker).Track", 3), // an invalid regexp
    ("list Track", 3),
    ("help", 4),
    ("peek Repeat", 4),
    ("alloc_space", 5),
    ("diff 1 5", 6),
    ("growth", 7),
];

/// The line typed in the shell after the tour.
const AFTER: &str = "top 1";

fn script() -> String {
    let mut s: String = WALK.iter().map(|(l, _)| format!("{l}\n")).collect();
    s.push_str(AFTER);
    s.push('\n');
    s
}

/// `rpprof -tour` with `script` on stdin and `env` set, its temporary
/// directory (where it writes the server's source) a fresh one that must
/// be empty again when it ends.
fn tour(name: &str, env: &[(&str, &str)], script: &str) -> common::Output {
    let tmp = common::temp_dir(name);
    let mut run = common::rpprof(["-tour"]).stdin(script).env("TMPDIR", &tmp);
    for (k, v) in env {
        run = run.env(k, v);
    }
    let o = run.run();
    assert_eq!(o.code, 0, "{name}: stderr:\n{}", o.stderr);
    let left: Vec<_> = std::fs::read_dir(&tmp).expect("temp dir").collect();
    assert!(left.is_empty(), "{name}: the tour leaves {left:?} behind");
    let _ = std::fs::remove_dir_all(&tmp);
    o
}

/// The step numbers of the `(tour N/7) ` prompts, in order.
fn prompts(out: &str) -> Vec<usize> {
    out.split("(tour ")
        .skip(1)
        .map(|s| {
            let (n, rest) = s.split_once('/').expect("(tour N/M)");
            assert!(rest.starts_with("7) "), "seven steps: {s:?}");
            n.parse().expect("a step number")
        })
        .collect()
}

/// What the line read at each `(tour N/7) ` prompt printed, up to the
/// next prompt (of the tour or of the shell).
fn tour_replies(out: &str) -> Vec<String> {
    let tour_part = out.split("(pprof) ").next().expect("the tour");
    tour_part
        .split("(tour ")
        .skip(1)
        .map(|s| s.split_once(") ").expect("a prompt").1.to_string())
        .collect()
}

/// Checks the walk's transcript in `lang` (language-independent checks)
/// and compares it with `tour/LANG.{out,err}`.
fn check_walk(lang: &str, o: &common::Output) {
    let out = o.out();
    let typed: Vec<usize> = WALK.iter().map(|&(_, n)| n).collect();
    assert_eq!(prompts(&out), typed, "{lang}: the steps in order:\n{out}");
    let r = tour_replies(&out);
    // The different command ran, and the hint names the step's own.
    assert!(r[1].contains("calls% + context"), "peek ran: {}", r[1]);
    assert!(r[1].contains("top -cum"), "{lang}: the hint: {}", r[1]);
    // The invalid regexp: its error and the escaped form on stderr (the
    // tour hints even when piped), the step's hint on stdout.
    let err: Vec<&str> = o.stderr.lines().collect();
    assert_eq!(err.len(), 2, "{lang}: the error and its hint: {}", o.stderr);
    assert!(
        err[0].starts_with("parsing argument regexp (*RequestTracker).Track"),
        "{}",
        o.stderr
    );
    assert!(
        err[1].contains(r"list \(\*RequestTracker\)\.Track"),
        "{}",
        o.stderr
    );
    assert!(r[5].contains(r"list RequestTracker\)\.Track"), "{}", r[5]);
    // The accepted list: the leaking line, then the explanation and lesson.
    assert!(
        r[6].contains(r#"28:	t.data = append(t.data, bytes.Repeat([]byte("a"), 10000))"#),
        "list finds the embedded source: {}",
        r[6]
    );
    // The explanations are in the language asked for.
    assert_eq!(common::has_cjk(&r[0]), lang == "zh", "{}", r[0]);
    // The tour's source directory is its own business.
    assert!(!out.contains("rpprof-tour-"), "{out}");
    // After the last step, the shell on the snapshots.
    let shell = common::replies(&out, "(pprof) ");
    assert_eq!(shell.len(), 2, "one shell command, then the end: {out}");
    assert_eq!(
        shell[0],
        series_top_1(),
        "{AFTER} in the shell after the tour"
    );
    common::check_golden(&format!("tour/{lang}.out"), &out, BLESS);
    common::check_golden(&format!("tour/{lang}.err"), &o.stderr, BLESS);
}

/// What `top 1` prints in a shell on the leak's series.
fn series_top_1() -> String {
    let mut args = vec!["-series".to_string()];
    args.extend(common::leak_series());
    let o = common::rpprof(&args).stdin(format!("{AFTER}\n")).run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    common::replies(&o.out(), "(pprof) ")[0].to_string()
}

#[test]
fn the_tour_in_english() {
    let o = tour("tour-en", &[], &script());
    check_walk("en", &o);
    let out = o.out();
    let r = tour_replies(&out);
    assert!(
        r[1].contains("That ran, but this step asks for top -cum."),
        "{}",
        r[1]
    );
    assert!(
        r[7].starts_with("Type the command the step shows."),
        "help: {}",
        r[7]
    );
    assert!(out.contains("\nThat is the whole hunt:"), "{out}");
}

#[test]
fn the_tour_in_chinese_from_the_locale() {
    let o = tour("tour-zh", &[("LANG", "zh_CN.UTF-8")], &script());
    check_walk("zh", &o);
    assert!(o.out().contains("第 7 步，共 7 步"), "{}", o.out());
}

#[test]
fn the_alloc_step_compares_the_two_totals_of_the_reports() {
    let o = tour("tour-alloc", &[], &script());
    let r = tour_replies(&o.out());
    let alloc = common::squeeze(&r[9]);
    // What the snapshot's own reports say the totals are.
    for index in ["alloc_space", "inuse_space"] {
        let flag = format!("-sample_index={index}");
        let top = common::rpprof(["-top", flag.as_str(), HEAP_5]).run().out();
        let head = top
            .lines()
            .find(|l| l.starts_with("Showing nodes accounting for"))
            .expect("a header");
        let total = head
            .split_once("% of ")
            .and_then(|(_, t)| t.strip_suffix(" total"))
            .expect("… of TOTAL total");
        assert!(
            alloc.contains(&format!("{index}, ")) && alloc.contains(&format!(" is {total}")),
            "{index} {total} in {alloc}"
        );
    }
    // …and the following step is back on inuse_space.
    assert!(
        r[10].contains("168.92MB total"),
        "diff 1 5 of inuse_space: {}",
        r[10]
    );
}

#[test]
fn quit_ends_the_tour_with_status_zero() {
    let o = tour("tour-quit", &[], "top\nquit\ntop\n");
    let out = o.out();
    assert_eq!(prompts(&out), [1, 2], "{out}");
    assert!(out.ends_with("(tour 2/7) "), "nothing after quit: {out}");
    assert!(!out.contains("(pprof) "), "no shell after quit: {out}");
    assert_eq!(o.stderr, "");
    // The end of input quits too.
    let o = tour("tour-eof", &[], "top\n");
    assert!(o.out().ends_with("(tour 2/7) \n"), "{}", o.out());
}

/// What `script` prints in a shell on `profile`: the replies to each line.
fn shell(profile: &str, script: &str) -> (Vec<String>, String) {
    let o = common::rpprof([profile]).stdin(script).run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let out = o.out();
    let r = common::replies(&out, "(pprof) ")
        .into_iter()
        .map(String::from)
        .collect();
    (r, o.stderr)
}

#[test]
fn tour_in_a_shell_comes_back_to_the_profile() {
    let (own, _) = shell(HEAP_1, "top 1\n");
    // Every step skipped: the end of the tour, then back.
    let skips = "skip\n".repeat(7);
    let (r, err) = shell(HEAP_1, &format!("tour\n{skips}top 1\n"));
    assert_eq!(r.len(), 3, "{r:?}");
    assert_eq!(prompts(&r[0]), [1, 2, 3, 4, 5, 6, 7], "{}", r[0]);
    assert!(r[0].ends_with("\nBack to your profile.\n"), "{}", r[0]);
    assert_eq!(r[1], own[0], "top runs on heap_1 again");
    assert!(!err.contains("tour"), "{err}");
    // quit leaves the tour, not the shell.
    let (r, _) = shell(HEAP_1, "tour\ntop\nquit\ntop 1\n");
    assert_eq!(r.len(), 3, "{r:?}");
    assert!(r[0].ends_with("Back to your profile.\n"), "{}", r[0]);
    let (heap_5, _) = shell(HEAP_5, "top\n");
    assert!(r[0].contains(&heap_5[0]), "the tour is on heap_5: {}", r[0]);
    assert_eq!(r[1], own[0], "top runs on heap_1 again");
    // The tour speaks the shell's language.
    let (r, _) = shell(HEAP_1, "lang=zh\ntour\nquit\n");
    assert!(r[1].ends_with("回到你的 profile。\n"), "{}", r[1]);
    assert!(common::has_cjk(&r[1]), "{}", r[1]);
}

#[test]
fn the_tour_takes_no_profile_and_no_report_flag() {
    for (args, names) in [
        (&["-tour", HEAP_1][..], HEAP_1),
        (&["-tour", "-top"][..], "-tour"),
        (&["-tour", "-series"][..], "-series"),
    ] {
        let o = common::rpprof(args).stdin("top\n").run();
        assert_ne!(o.code, 0, "{args:?}");
        assert_eq!(o.out(), "", "{args:?}: no tour");
        assert_eq!(o.stderr.lines().count(), 1, "{args:?}: {}", o.stderr);
        assert!(o.stderr.contains(names), "{args:?}: {}", o.stderr);
    }
}
