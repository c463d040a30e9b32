//! Several sources in one session: a merged or diffed view saved with
//! `-proto` reloads to the same report (the `pprof::base` labels survive),
//! `normalize=true` typed in the shell gives what `-normalize` gives, and
//! Go's `?debug=1` heap text reads exactly like its protobuf twin.

mod common;

/// Runs rpprof in `tests/data` with `args` and `stdin`; returns stdout
/// (raw bytes) and stderr.
fn rpprof(args: &[&str], stdin: &str) -> (Vec<u8>, String) {
    let o = common::rpprof(args)
        .dir(common::data_dir())
        .stdin(stdin)
        .run();
    (o.stdout, o.stderr)
}

fn text(args: &[&str]) -> String {
    String::from_utf8(rpprof(args, "").0).expect("utf-8")
}

#[test]
fn saved_diff_and_base_views_reload_identically() {
    for mode in ["-diff_base", "-base"] {
        let args = [mode, "leak/heap_1.pb.gz", "leak/heap_5.pb.gz"];
        let (proto, err) = rpprof(&[&["-proto"][..], &args[..]].concat(), "");
        assert!(!proto.is_empty(), "{err}");
        let saved = std::env::temp_dir().join(format!(
            "rpprof-sources-{}{}.pb.gz",
            std::process::id(),
            mode
        ));
        std::fs::write(&saved, &proto).expect("write");
        let reloaded = text(&["-top", "-nodecount=8", &saved.display().to_string()]);
        let direct = text(&[&["-top", "-nodecount=8"][..], &args[..]].concat());
        assert_eq!(reloaded, direct, "{mode}");
        let _ = std::fs::remove_file(&saved);
    }
}

#[test]
fn normalize_in_the_shell_matches_the_flag() {
    let base = ["-base", "leak/heap_1.pb.gz", "leak/heap_5.pb.gz"];
    let (typed, _) = rpprof(&base, "normalize=true\ntop 5\n");
    let (flag, _) = rpprof(&[&["-normalize"][..], &base[..]].concat(), "top 5\n");
    let typed = String::from_utf8(typed).expect("utf-8");
    let flag = String::from_utf8(flag).expect("utf-8");
    // One more prompt for the assignment line.
    assert_eq!(typed.strip_prefix("(pprof) "), Some(flag.as_str()));
    assert!(flag.contains("of 193.63kB total"), "{flag}");
}

#[test]
fn incompatible_profiles_are_refused_with_pprofs_message() {
    let (out, err) = rpprof(&["-top", "leak/heap_5.pb.gz", "cpu/cpu.pb.gz"], "");
    assert!(out.is_empty());
    assert_eq!(
        err,
        "problem fetching source profiles: period type: incompatible types: {space bytes 0 0} {cpu nanoseconds 0 0}\n"
    );
}

/// The report body (from the "Showing nodes" line on).
fn body(report: &str) -> &str {
    &report[report.find("Showing nodes").expect("legend")..]
}

#[test]
fn go_heap_text_reads_like_its_protobuf_twin() {
    for extra in [
        &["-sample_index=inuse_space"][..],
        &["-sample_index=alloc_objects"],
        &["-lines"],
        &["-addresses"],
    ] {
        let args = |file| [&["-top", "-nodefraction=0"][..], extra, &[file]].concat();
        let legacy = text(&args("leak/heap_5.txt"));
        let proto = text(&args("leak/heap_5.pb.gz"));
        assert_eq!(body(&legacy), body(&proto), "{extra:?}");
        assert!(!legacy.contains("<unknown>"));
    }
}
