//! `explain` (the command, the `explain=true` option and `-explain`), the
//! teaching languages (`lang=en|zh`, or the locale) and the stumble hints,
//! run through piped sessions of the built binary.
//!
//! The transcripts of `tests/data/explain/` are rpprof's own output, read by
//! hand when recorded; `RPPROF_BLESS=1 cargo test --test explain` rewrites
//! them. The other tests check what an explanation says against the report
//! it explains, so they do not depend on the goldens.

mod common;

use common::{HEAP_1, HEAP_5, squeeze};

const PROMPT: &str = "(pprof) ";
const BLESS: &str = "RPPROF_BLESS=1 cargo test --test explain";

/// A piped session: `rpprof ARGS` with `script` on stdin, status 0.
fn session(args: &[&str], script: &str) -> common::Output {
    let o = common::rpprof(args).stdin(script).run();
    assert_eq!(o.code, 0, "rpprof {args:?} exits 0; stderr:\n{}", o.stderr);
    o
}

/// What the session's commands printed on stdout, one element per command
/// (and a last, empty one: the prompt that met the end of input).
fn replies(o: &common::Output) -> Vec<String> {
    let out = o.out();
    let r: Vec<String> = common::replies(&out, PROMPT)
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(r.last().map(String::as_str), Some(""), "{out}");
    r
}

/// What the session prints on stderr before its first command.
fn greeting(args: &[&str]) -> String {
    session(args, "").stderr
}

/// The backquoted commands of an explanation's last paragraph (`Next: …`).
fn next_commands(explanation: &str) -> Vec<String> {
    let last = explanation
        .trim_end()
        .rsplit("\n\n")
        .next()
        .expect("a last paragraph");
    let last = squeeze(last);
    assert!(
        last.starts_with("Next: ") || last.starts_with("下一步："),
        "the explanation ends with the next commands: {explanation}"
    );
    last.split('`')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect()
}

// --- Transcripts (goldens) ------------------------------------------------

/// Runs `script` on `rpprof ARGS` in English and in Chinese (`-lang=zh`)
/// and compares stdout and stderr with `explain/CASE.{en,zh}.{out,err}`.
/// The last command of the script is `explain`; its explanation must be in
/// the language asked for and end with the next commands.
fn transcripts(case: &str, args: &[&str], script: &str) {
    for lang in ["en", "zh"] {
        let flag = format!("-lang={lang}");
        let all: Vec<&str> = std::iter::once(flag.as_str())
            .chain(args.iter().copied())
            .collect();
        let o = session(&all, script);
        let r = replies(&o);
        let explanation = &r[r.len() - 2];
        assert_eq!(
            common::has_cjk(explanation),
            lang == "zh",
            "{case} {lang}: {explanation}"
        );
        assert!(!next_commands(explanation).is_empty(), "{explanation}");
        assert_eq!(o.stderr, greeting(args), "{case} {lang}: no error, no hint");
        common::check_golden(&format!("explain/{case}.{lang}.out"), &o.out(), BLESS);
        common::check_golden(&format!("explain/{case}.{lang}.err"), &o.stderr, BLESS);
    }
}

#[test]
fn top_transcripts() {
    transcripts("top", &[HEAP_5], "top\nexplain\n");
}

#[test]
fn peek_transcripts() {
    transcripts("peek", &[HEAP_5], "peek Track\nexplain\n");
}

#[test]
fn list_transcripts() {
    let [source, trim] = common::leak_source_args();
    transcripts("list", &[&source, &trim, HEAP_5], "list Track\nexplain\n");
}

#[test]
fn base_transcripts() {
    transcripts("base", &["-base", HEAP_1, HEAP_5], "top\nexplain\n");
}

#[test]
fn growth_transcripts() {
    let series = common::leak_series();
    let mut args = vec!["-series"];
    args.extend(series.iter().map(String::as_str));
    transcripts("growth", &args, "growth\nexplain\n");
}

// --- The explanation's numbers are the report's ---------------------------

/// One row of a `top` report, as printed.
#[derive(Debug)]
struct Row {
    flat: String,
    flat_pct: String,
    cum: String,
    cum_pct: String,
    /// The name without the ` (inline)` mark.
    name: String,
}

/// The rows of a `top` report (the lines after the column header).
fn rows(top: &str) -> Vec<Row> {
    let mut lines = top.lines();
    assert!(
        lines.any(|l| l.trim_start().starts_with("flat  flat%")),
        "a column header: {top}"
    );
    lines
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            assert!(w.len() >= 6, "a top row: {l:?}");
            Row {
                flat: w[0].into(),
                flat_pct: w[1].into(),
                cum: w[3].into(),
                cum_pct: w[4].into(),
                name: w[5..].join(" ").trim_end_matches(" (inline)").into(),
            }
        })
        .collect()
}

/// The `X` of a header line `… of X total`.
fn total(top: &str) -> String {
    let head = top.lines().next().expect("a header line");
    let (_, rest) = head.split_once("% of ").expect("… % of TOTAL total");
    rest.strip_suffix(" total").expect("… total").to_string()
}

/// `top ARGS` then `explain` on `profile`: the report and its explanation
/// (whitespace made single spaces).
fn top_and_explanation(args: &[&str], top: &str) -> (String, String) {
    let o = session(args, &format!("{top}\nexplain\n"));
    let r = replies(&o);
    (r[0].clone(), squeeze(&r[1]))
}

/// A CPU profile whose heaviest function by flat calls another, so that
/// its flat and cum differ: `main.outer` 600ms flat, 850ms cum.
fn nested_cpu(dir: &std::path::Path) -> std::path::PathBuf {
    let mut b = common::Builder::new(&[("samples", "count"), ("cpu", "nanoseconds")]);
    let m = b.mapping("/bin/app");
    let outer = b.function("main.outer", "app.go");
    let inner = b.function("main.inner", "app.go");
    let other = b.function("main.other", "app.go");
    let lo = b.location(m, &[(outer, 5)]);
    let li = b.location(m, &[(inner, 9)]);
    let lt = b.location(m, &[(other, 14)]);
    b.sample(&[li, lo], &[25, 250_000_000], vec![]);
    b.sample(&[lo], &[60, 600_000_000], vec![]);
    b.sample(&[lt], &[15, 150_000_000], vec![]);
    let path = dir.join("nested.pb");
    std::fs::write(&path, b.encode()).expect("write the profile");
    path
}

#[test]
fn the_numbers_of_a_top_explanation_are_the_reports() {
    let dir = common::temp_dir("explain-numbers");
    let nested = nested_cpu(&dir);
    let nested = nested.to_str().expect("utf-8 path");
    for (args, top) in [
        (&[nested][..], "top"),
        (&[HEAP_5][..], "top"),
        (&[HEAP_1][..], "top 5"),
        (&["-base", HEAP_1, HEAP_5][..], "top"),
        (&["-sample_index=alloc_space", HEAP_5][..], "top"),
        (&["tests/data/cpu/cpu.pb.gz"][..], "top 6"),
    ] {
        let (report, e) = top_and_explanation(args, top);
        let first = &rows(&report)[0];
        let said = format!(
            "{} comes first. Its flat, {} ({} of the total), is counted in the function itself; \
             its cum, {} ({}),",
            first.name, first.flat, first.flat_pct, first.cum, first.cum_pct
        );
        assert!(e.contains(&said), "{args:?}: {said:?} in\n{report}\n{e}");
        let in_all = format!(", {} in all.", total(&report));
        assert!(e.contains(&in_all), "{args:?}: {in_all:?} in {e}");
        if args == [nested] {
            assert_ne!(first.flat, first.cum, "{report}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_cum_sorted_top_explains_its_first_row_by_cum() {
    let (report, e) = top_and_explanation(&["tests/data/cpu/cpu.pb.gz"], "top 4 -cum");
    let first = &rows(&report)[0];
    let said = format!(
        "The rows are sorted by cum. {} comes first: its cum, {} ({}), counts the function with \
         everything it calls; its flat, {} ({}),",
        first.name, first.cum, first.cum_pct, first.flat, first.flat_pct
    );
    assert!(e.contains(&said), "{said:?} in\n{report}\n{e}");
}

#[test]
fn a_top_explanation_names_the_caller_and_reads_the_legend() {
    let (report, e) = top_and_explanation(&[HEAP_5], "top 3");
    let track = rows(&report)
        .into_iter()
        .find(|r| r.name == "main.(*RequestTracker).Track")
        .expect("a Track row");
    let said = format!(
        "main.(*RequestTracker).Track has a flat of only {} but a cum of {} ({}):",
        track.flat, track.cum, track.cum_pct
    );
    assert!(e.contains(&said), "{said:?} in {e}");
    // `Dropped N nodes (cum <= X)` and `Showing top K nodes out of M`.
    let dropped = report
        .lines()
        .find_map(|l| l.strip_prefix("Dropped "))
        .expect("a Dropped line");
    let (count, cut) = dropped
        .split_once(" nodes (cum <= ")
        .expect("Dropped N nodes");
    let cut = cut.trim_end_matches(')');
    let said = format!("Dropped {count} nodes: functions with a cum of at most {cut} are left out");
    assert!(e.contains(&said), "{said:?} in {e}");
    let showing = report
        .lines()
        .find_map(|l| l.strip_prefix("Showing top "))
        .expect("a Showing top line");
    let (shown, of) = showing
        .split_once(" nodes out of ")
        .expect("Showing top K nodes out of M");
    let more = (2 * shown.parse::<usize>().unwrap()).min(of.parse().unwrap());
    let said = format!(
        "Showing top {shown} nodes out of {of}: the report stops after {shown} rows; top {more} \
         shows more"
    );
    assert!(e.contains(&said), "{said:?} in {e}");
}

#[test]
fn a_list_explanation_names_the_hottest_line_with_its_values() {
    let [source, trim] = common::leak_source_args();
    let o = session(&[&source, &trim, HEAP_5], "list Track\nexplain\n");
    let r = replies(&o);
    // The source line with the largest cum, from the listing itself.
    let hot = r[0]
        .lines()
        .filter_map(|l| {
            let (values, text) = l.split_once(':')?;
            let w: Vec<&str> = values.split_whitespace().collect();
            let [flat, cum, line] = w[..] else {
                return None;
            };
            line.parse::<u32>().ok()?;
            (cum != ".").then(|| (flat.to_string(), cum.to_string(), line.to_string(), text))
        })
        .collect::<Vec<_>>();
    assert_eq!(hot.len(), 1, "one line of Track has values: {}", r[0]);
    let (flat_v, cum_v, line, text) = &hot[0];
    let said = format!(
        "Line {line} holds the most: flat {flat_v}, cum {cum_v}: {}",
        text.trim()
    );
    assert!(squeeze(&r[1]).contains(&said), "{said:?} in {}", r[1]);
}

// --- The README's excerpt and the command it suggests ---------------------

/// The ```text block of README.md whose first line is `first`.
fn readme_block(first: &str) -> Vec<String> {
    let readme = std::fs::read_to_string(common::crate_dir().join("README.md")).expect("README");
    let mut lines = readme.lines();
    while let Some(l) = lines.next() {
        if l == "```text" && lines.clone().next() == Some(first) {
            return lines
                .take_while(|l| *l != "```")
                .map(String::from)
                .collect();
        }
    }
    panic!("README.md has no ```text block starting with {first:?}");
}

#[test]
fn the_readme_excerpt_is_what_explain_prints() {
    let command = r"$ printf 'top 3\nexplain\n' | rpprof examples/memory-leak/heap_5.pb.gz";
    let block = readme_block(command);
    assert!(block.len() > 3, "{block:?}");
    let o = session(&["examples/memory-leak/heap_5.pb.gz"], "top 3\nexplain\n");
    let out = o.out();
    for line in &block[1..] {
        if line == "…" {
            continue;
        }
        let line = line.strip_suffix(" […]").unwrap_or(line);
        assert!(
            out.contains(line),
            "README line {line:?} is not in what the command prints:\n{out}"
        );
    }
}

#[test]
fn the_suggested_list_shows_the_leaking_line() {
    let o = session(&[HEAP_5], "top 3\nexplain\n");
    let next = next_commands(&replies(&o)[1]);
    assert_eq!(next[0], r"list RequestTracker\)\.Track", "{next:?}");
    let [source, trim] = common::leak_source_args();
    let o = session(&[&source, &trim, HEAP_5], &format!("{}\n", next[0]));
    let listing = &replies(&o)[0];
    assert!(
        listing.contains("ROUTINE ======================== main.(*RequestTracker).Track in "),
        "{listing}"
    );
    assert!(
        listing
            .lines()
            .any(|l| l.contains(r#"bytes.Repeat([]byte("a"), 10000)"#)),
        "{listing}"
    );
    assert_eq!(o.stderr, greeting(&[HEAP_5]), "the suggestion runs cleanly");
}

#[test]
fn every_suggested_command_runs_without_an_error() {
    let [source, trim] = common::leak_source_args();
    let series = common::leak_series();
    let mut args: Vec<&str> = vec![&source, &trim, "-series"];
    args.extend(series.iter().map(String::as_str));
    for report in [
        "top",
        "top -cum",
        "peek Track",
        "list Track",
        "tree",
        "traces",
        "tags",
        "growth",
    ] {
        let o = session(&args, &format!("{report}\nexplain\n"));
        let next = next_commands(&replies(&o)[1]);
        for command in next {
            // An option (tagfocus=…) is followed by a report that uses it.
            let script = format!("{command}\ntop 1\n");
            let o = session(&args, &script);
            let extra = o
                .stderr
                .strip_prefix(&greeting(&args))
                .expect("the greeting first");
            // pprof's own notice for a numeric tag value is no error.
            let notice = |l: &str| {
                l.starts_with("tagfocus:Interpreted ") && l.ends_with(" as range, not regexp")
            };
            assert!(
                extra.lines().all(notice),
                "{command:?}, suggested after {report}, runs cleanly: {extra}"
            );
            let r = replies(&o);
            assert!(
                r.iter().any(|x| !x.trim().is_empty()),
                "{command:?} prints something"
            );
        }
    }
}

// --- explain in and around other commands ---------------------------------

#[test]
fn explain_before_any_report_says_so_in_one_line() {
    let o = session(&[HEAP_5], "explain\n");
    let r = replies(&o);
    assert_eq!(r[0].lines().count(), 1, "{:?}", r[0]);
    assert!(r[0].starts_with("Nothing to explain yet"), "{:?}", r[0]);
    assert_eq!(o.stderr, greeting(&[HEAP_5]), "no error");
}

#[test]
fn explain_after_traces_tags_tree_and_raw_is_no_error() {
    for report in ["traces", "tags", "tree", "raw"] {
        let o = session(&[HEAP_5], &format!("{report}\nexplain\n"));
        assert_eq!(o.stderr, greeting(&[HEAP_5]), "{report}: no error");
        let r = replies(&o);
        assert!(!next_commands(&r[1]).is_empty(), "{report}: {}", r[1]);
        if report == "raw" {
            // A format for tools: said so, with the command that reads well.
            assert!(
                squeeze(&r[1]).starts_with("raw writes a format"),
                "{}",
                r[1]
            );
        } else {
            assert!(squeeze(&r[1]).starts_with(report), "{report}: {}", r[1]);
        }
    }
}

#[test]
fn explain_true_explains_every_report_until_explain_false() {
    let o = session(
        &[HEAP_5],
        "explain=true\ntop 2\npeek Track\nexplain=false\ntop 2\npeek Track\n",
    );
    let r = replies(&o);
    assert_eq!(r.len(), 7, "{r:?}");
    assert_eq!(r[0], "", "setting the option prints nothing");
    assert_eq!(r[3], "");
    let (top, peek) = (&r[4], &r[5]);
    for (explained, plain, intro) in [
        (&r[1], top, "bytes.Repeat comes first."),
        (&r[2], peek, "peek shows"),
    ] {
        assert!(!plain.contains("Next: "), "explain=false: {plain}");
        let rest = explained
            .strip_prefix(plain.as_str())
            .unwrap_or_else(|| panic!("the report, then its explanation: {explained}"));
        let rest = rest.strip_prefix('\n').expect("a blank line before it");
        assert!(squeeze(rest).contains(intro), "{rest}");
        assert!(!next_commands(rest).is_empty());
    }
    assert_eq!(o.stderr, greeting(&[HEAP_5]));
}

#[test]
fn the_explain_flag_explains_a_flag_mode_report() {
    let plain = session(&["-top", HEAP_5], "");
    let explained = session(&["-top", "-explain", HEAP_5], "");
    let (p, e) = (plain.out(), explained.out());
    let rest = e
        .strip_prefix(p.as_str())
        .and_then(|r| r.strip_prefix('\n'))
        .unwrap_or_else(|| panic!("the report, a blank line, the explanation:\n{e}"));
    let first = &rows(&p)[0];
    assert!(
        squeeze(rest).contains(&format!("{} comes first", first.name)),
        "{rest}"
    );
    assert!(!next_commands(rest).is_empty());
}

// --- Stumble hints ---------------------------------------------------------

#[test]
fn an_invalid_regexp_gets_the_escaped_form_only_when_explaining() {
    let line = "list (*RequestTracker).Track\n";
    let error = "parsing argument regexp (*RequestTracker).Track: error parsing regexp";
    let piped = session(&[HEAP_5], line);
    let extra = piped
        .stderr
        .strip_prefix(&greeting(&[HEAP_5]))
        .expect("the greeting first");
    assert_eq!(extra.lines().count(), 1, "the error alone: {extra}");
    assert!(extra.starts_with(error), "{extra}");

    let teaching = session(&[HEAP_5], &format!("explain=true\n{line}"));
    let extra = teaching
        .stderr
        .strip_prefix(&greeting(&[HEAP_5]))
        .expect("the greeting first");
    let lines: Vec<&str> = extra.lines().collect();
    assert_eq!(lines.len(), 2, "the error, then the hint: {extra}");
    assert!(lines[0].starts_with(error), "{extra}");
    let escaped = r"list \(\*RequestTracker\)\.Track";
    assert!(lines[1].starts_with("hint: "), "{extra}");
    let (_, suggested) = lines[1].split_once("type: ").expect("the line to type");
    assert_eq!(suggested, escaped, "{extra}");
    // The escaped form is a valid regexp that lists the function.
    let [source, trim] = common::leak_source_args();
    let o = session(&[&source, &trim, HEAP_5], &format!("{suggested}\n"));
    assert!(
        replies(&o)[0].contains("ROUTINE ======================== main.(*RequestTracker).Track"),
        "{}",
        o.out()
    );
}

/// What the samples of [`freed_heap`] allocated: 3.5 MiB.
const FREED_ALLOC: i64 = (3 << 20) + (1 << 19);

/// A heap profile whose `inuse_space` (the default, last sample type) is
/// zero everywhere while `alloc_space` is not, as a profile written at exit.
fn freed_heap(dir: &std::path::Path) -> std::path::PathBuf {
    let mut b = common::Builder::new(&[("alloc_space", "bytes"), ("inuse_space", "bytes")]);
    let m = b.mapping("/bin/app");
    let (work, main) = (
        b.function("main.work", "app.go"),
        b.function("main.main", "app.go"),
    );
    let (l1, l2) = (b.location(m, &[(work, 10)]), b.location(m, &[(main, 20)]));
    b.sample(&[l1, l2], &[3 << 20, 0], vec![]);
    b.sample(&[l2], &[1 << 19, 0], vec![]);
    let path = dir.join("freed.pb");
    std::fs::write(&path, b.encode()).expect("write the profile");
    path
}

/// The bytes a label such as `3584kB` or `3.50MB` stands for (pprof's
/// units are powers of 1024).
fn bytes(label: &str) -> f64 {
    let i = label
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(label.len());
    let (n, unit) = label.split_at(i);
    let scale = match unit {
        "" | "B" => 1.0,
        "kB" => 1024.0,
        "MB" => 1024.0 * 1024.0,
        "GB" => 1024.0 * 1024.0 * 1024.0,
        u => panic!("unit {u:?} of {label:?}"),
    };
    n.parse::<f64>()
        .unwrap_or_else(|e| panic!("{label:?}: {e}"))
        * scale
}

#[test]
fn an_empty_sample_type_names_the_one_with_data() {
    let dir = common::temp_dir("explain-freed");
    let path = freed_heap(&dir);
    let p = path.to_str().expect("utf-8 path");
    // What alloc_space holds, as its own report prints it.
    let alloc = session(&[p], "alloc_space\ntop\n");
    let alloc_total = total(&replies(&alloc)[1]);
    assert_eq!(bytes(&alloc_total), FREED_ALLOC as f64, "{alloc_total}");
    let inuse = session(&[p], "top\n");
    assert_eq!(total(&replies(&inuse)[0]), "0", "{}", inuse.out());
    // Piped, pprof's transcript: no hint.
    assert_eq!(inuse.stderr, greeting(&[p]));

    let o = session(&[p], "explain=true\ntop\n");
    let extra = o
        .stderr
        .strip_prefix(&greeting(&[p]))
        .expect("the greeting first");
    let hint = extra
        .strip_prefix("hint: inuse_space is empty here, but alloc_space holds ")
        .and_then(|h| h.strip_suffix(": type alloc_space to see it\n"))
        .unwrap_or_else(|| panic!("one hint naming alloc_space: {extra:?}"));
    // The total in its own unit (the report scales to its smallest row).
    assert_eq!(bytes(hint), FREED_ALLOC as f64, "{hint}");
    // The explanation says the same, with the command to type next.
    let e = &replies(&o)[1];
    assert!(
        squeeze(e).contains(&format!(
            "alloc_space holds {hint}: type alloc_space (or sample_index=alloc_space)"
        )),
        "{e}"
    );
    assert_eq!(next_commands(e), ["sample_index=alloc_space"]);
    // The hinted command shows the data.
    let switched = session(&[p], "explain=true\nalloc_space\ntop\n");
    assert_eq!(switched.stderr, greeting(&[p]), "no hint once it has data");
    assert!(replies(&switched)[2].contains("main.work"));
    let _ = std::fs::remove_dir_all(&dir);
}

// --- help ------------------------------------------------------------------

/// The first words of the lines of a piped `help` (the command and option
/// names it lists).
fn help_names(args: &[&str]) -> Vec<String> {
    let o = session(args, "help\n");
    let help = o.stderr.strip_prefix(&greeting(args)).expect("greeting");
    help.lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(String::from)
        .collect()
}

#[test]
fn piped_help_on_a_profile_is_pprofs_and_a_series_lists_the_extras() {
    let names = help_names(&[HEAP_5]);
    assert!(names.iter().any(|n| n == "top"), "{names:?}");
    for extra in ["explain", "tour", "lang"] {
        assert!(!names.iter().any(|n| n == extra), "{extra} in {names:?}");
    }
    // README: listed "on a terminal or in a series session".
    let series = common::leak_series();
    let mut args = vec!["-series"];
    args.extend(series.iter().map(String::as_str));
    let names = help_names(&args);
    for extra in ["explain", "tour", "lang"] {
        assert!(names.iter().any(|n| n == extra), "{extra} in {names:?}");
    }
}

// --- Languages -------------------------------------------------------------

/// The explanation of `top 1` with `env` set and `script` before it.
fn explanation_with(env: &[(&str, &str)], script: &str) -> String {
    let mut run = common::rpprof([HEAP_5]).stdin(format!("{script}top 1\nexplain\n"));
    for (k, v) in env {
        run = run.env(k, v);
    }
    let o = run.run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let r = replies(&o);
    r[r.len() - 2].clone()
}

#[test]
fn the_language_comes_from_lang_or_the_locale() {
    let zh = "zh_CN.UTF-8";
    for (env, script, chinese) in [
        (&[][..], "", false),
        (&[][..], "lang=zh\n", true),
        (&[("LANG", zh)][..], "", true),
        (&[("LC_MESSAGES", zh)][..], "", true),
        (&[("LC_ALL", zh)][..], "", true),
        // The first non-empty of LC_ALL, LC_MESSAGES, LANG decides.
        (&[("LC_ALL", "en_US.UTF-8"), ("LANG", zh)][..], "", false),
        (&[("LC_ALL", ""), ("LANG", zh)][..], "", true),
        (&[("LANG", zh)][..], "lang=en\n", false),
        (&[("LANG", "C")][..], "", false),
    ] {
        let e = explanation_with(env, script);
        assert_eq!(common::has_cjk(&e), chinese, "{env:?} {script:?}: {e}");
        // Either way the numbers are the report's.
        assert!(e.contains("176.23MB"), "{env:?} {script:?}: {e}");
    }
}

#[test]
fn an_unknown_language_is_a_one_line_error_and_the_shell_goes_on() {
    let o = session(&[HEAP_5], "lang=xx\ntop 1\nexplain\n");
    let extra = o
        .stderr
        .strip_prefix(&greeting(&[HEAP_5]))
        .expect("the greeting first");
    assert_eq!(extra.lines().count(), 1, "{extra}");
    assert!(extra.contains("\"xx\""), "{extra}");
    let r = replies(&o);
    assert_eq!(r[0], "", "the error is on stderr");
    assert!(r[1].contains("bytes.Repeat"), "top runs: {}", r[1]);
    // The language did not change.
    assert!(
        squeeze(&r[2]).starts_with("These numbers are inuse_space"),
        "{}",
        r[2]
    );
}
