//! The binary end to end, through `common::rpprof`: load errors (one
//! line naming the file and the problem, then pprof's `failed to fetch any
//! source profiles`, exit status 1, never a panic), the shell's deliberate
//! improvements over pprof 1.19 through piped stdin, and the top-level
//! flags `--version`, `-h` and `--color`.

mod common;

use std::path::{Path, PathBuf};

const HEAP: &str = "tests/data/leak/heap_5.pb.gz";

/// What one run printed.
struct Run {
    out: String,
    err: String,
    code: i32,
}

/// Runs `rpprof ARGS` in the crate directory with `stdin` piped in.
fn rpprof(args: &[&str], stdin: &str) -> Run {
    let o = common::rpprof(args).stdin(stdin).run();
    assert_ne!(o.code, -1, "killed by a signal: {}", o.stderr);
    Run {
        out: o.out(),
        err: o.stderr,
        code: o.code,
    }
}

/// A shell session on heap_5 fed `script`; checks it ended well.
fn shell(script: &str) -> Run {
    let r = rpprof(&[HEAP], script);
    assert_eq!(r.code, 0, "{script:?}: {}", r.err);
    assert!(!r.err.contains("panicked"), "{}", r.err);
    r
}

/// The reports a shell session printed (stdout without the prompts).
fn reports(r: &Run) -> String {
    r.out.replace("(pprof) ", "")
}

/// The stderr lines of a shell session after the greeting.
fn shell_errors(r: &Run) -> Vec<&str> {
    r.err
        .lines()
        .skip_while(|l| !l.starts_with("Entering interactive mode"))
        .skip(1)
        .filter(|l| !l.starts_with("  "))
        .collect()
}

/// The value column of option `name` in an `o` listing.
fn option_value<'a>(r: &'a Run, name: &str) -> &'a str {
    r.err
        .lines()
        .find_map(|l| {
            let (n, rest) = l.trim_start().split_once(" = ")?;
            (n.trim_end() == name).then(|| rest.split("//:").next().unwrap_or("").trim())
        })
        .unwrap_or_else(|| panic!("no {name} in o listing: {}", r.err))
}

/// A fresh directory for the bad inputs of one test.
fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("rpprof-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create temp dir");
    d
}

fn heap_bytes() -> Vec<u8> {
    std::fs::read(common::crate_dir().join(HEAP)).expect("read heap_5")
}

/// A profile whose only sample names location 17; only location 1 exists.
/// A one-sample profile, changed by `f` before it is encoded.
fn altered(f: impl FnOnce(&mut common::Builder)) -> Vec<u8> {
    let mut b = common::Builder::new(&[("space", "bytes")]);
    let m = b.mapping("/bin/server");
    let fun = b.function("main.f", "f.go");
    let l = b.location(m, &[(fun, 1)]);
    b.sample(&[l], &[100], vec![]);
    f(&mut b);
    b.encode()
}

fn dangling_location() -> Vec<u8> {
    let mut b = common::Builder::new(&[("space", "bytes")]);
    let f = b.function("main.f", "f.go");
    let l = b.location(0, &[(f, 1)]);
    assert_eq!(l, 1);
    b.sample(&[17], &[100], vec![]);
    b.encode()
}

#[test]
fn load_errors_name_the_file_and_the_problem() {
    let dir = temp_dir("load");
    let gz = heap_bytes();
    let mut bad_crc = gz.clone();
    let n = bad_crc.len();
    bad_crc[n - 6] ^= 0xff;
    let inputs: Vec<(&str, Option<Vec<u8>>, String)> = vec![
        (
            "missing.pb.gz",
            None,
            "open {path}: no such file or directory".into(),
        ),
        (
            "not_a_profile.txt",
            Some(b"hello, this is not a profile\n".to_vec()),
            "parsing profile: unrecognized profile format".into(),
        ),
        (
            "corrupt.pb.gz",
            Some(b"\x1f\x8b\x01\x02garbage that is not deflate".to_vec()),
            "decompressing profile: gzip: invalid data (invalid gzip header)".into(),
        ),
        (
            "truncated.pb.gz",
            Some(gz[..gz.len() / 2].to_vec()),
            "decompressing profile: unexpected EOF".into(),
        ),
        (
            "bad_crc.pb.gz",
            Some(bad_crc),
            "decompressing profile: gzip: invalid data (corrupt gzip stream does not have a matching checksum)".into(),
        ),
        (
            "malformed.pb",
            Some(vec![0x0a, 0x05, 0x01]),
            "parsing profile: unrecognized profile format".into(),
        ),
        (
            // Field number 0 (key 0x02: field 0, length-delimited).
            "field0.pb",
            Some(vec![0x02, 0x00]),
            "parsing profile: unrecognized profile format".into(),
        ),
        (
            "location17.pb",
            Some(dangling_location()),
            "malformed profile: sample has nil location".into(),
        ),
        (
            "mapping0.pb",
            Some(altered(|b| b.p.mapping[0].id = 0)),
            "malformed profile: found mapping with reserved ID=0".into(),
        ),
        (
            // The sample's location 1 is gone: pprof checks samples first.
            "location0.pb",
            Some(altered(|b| b.p.location[0].id = 0)),
            "malformed profile: sample has nil location".into(),
        ),
        (
            "unused_location0.pb",
            Some(altered(|b| {
                let mut l = b.p.location[0].clone();
                l.id = 0;
                b.p.location.push(l);
            })),
            "malformed profile: found location with reserved id=0".into(),
        ),
        (
            // Values are checked before tables.
            "two_values_nil_function.pb",
            Some(altered(|b| {
                b.p.location[0].line[0].function_id = 9;
                b.p.mapping[0].id = 0;
                b.p.sample[0].value.push(7);
            })),
            "malformed profile: mismatch: sample has 2 values vs. 1 types".into(),
        ),
        (
            // Mappings are checked before locations.
            "nil_function_mapping0.pb",
            Some(altered(|b| {
                b.p.location[0].line[0].function_id = 9;
                b.p.mapping[0].id = 0;
            })),
            "malformed profile: found mapping with reserved ID=0".into(),
        ),
        (
            // A wire error anywhere wins over a refusal.
            "nil_location_bad_label.pb",
            Some(altered(|b| {
                b.p.sample[0].location_id = vec![5];
                b.p.sample.push(rpprof::pb::Sample {
                    location_id: vec![1],
                    value: vec![1],
                    label: vec![rpprof::pb::Label { key: 99, ..Default::default() }],
                });
            })),
            "parsing profile: unrecognized profile format".into(),
        ),
        (
            "two_functions.pb",
            Some(altered(|b| {
                let f = b.p.function[0];
                b.p.function.push(f);
            })),
            "malformed profile: multiple functions with same id: 1".into(),
        ),
        (
            "nil_function.pb",
            Some(altered(|b| b.p.location[0].line[0].function_id = 9)),
            "malformed profile: location id: 1 has a line with nil function".into(),
        ),
        (
            "two_values.pb",
            Some(altered(|b| b.p.sample[0].value.push(7))),
            "malformed profile: mismatch: sample has 2 values vs. 1 types".into(),
        ),
        (
            "no_types.pb",
            Some(altered(|b| b.p.sample_type.clear())),
            "malformed profile: missing sample type information".into(),
        ),
        (
            // Not a profile: an ELF header, then zeros.
            "server.elf",
            Some([b"\x7fELF\x02\x01\x01".as_slice(), &[0; 57]].concat()),
            "parsing profile: unrecognized profile format".into(),
        ),
        (
            "empty.pb",
            Some(Vec::new()),
            "parsing profile: empty input file".into(),
        ),
    ];
    for (name, data, problem) in inputs {
        let path = dir.join(name);
        if let Some(d) = data {
            std::fs::write(&path, d).expect("write input");
        }
        let p = path.to_str().expect("utf-8 path");
        let expected = format!(
            "{p}: {}\nfailed to fetch any source profiles\n",
            problem.replace("{path}", p)
        );
        // Flag mode and the shell fail alike, before any prompt.
        for args in [vec!["-top", p], vec![p]] {
            let r = rpprof(&args, "top\n");
            assert_eq!(r.err, expected, "{args:?}");
            assert_eq!(r.out, "", "{args:?}");
            assert_eq!(r.code, 1, "{args:?}");
        }
    }
}

#[test]
fn an_unknown_mapping_id_leaves_the_location_unmapped() {
    // As pprof: the location keeps its function, with no mapping.
    let dir = temp_dir("mapping9");
    let path = dir.join("mapping9.pb");
    std::fs::write(&path, altered(|b| b.p.location[0].mapping_id = 9)).expect("write");
    let r = rpprof(&["-traces", path.to_str().expect("utf-8 path")], "");
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.contains("-----------+-------------------------------------------------------\n      100B   main.f\n"), "{}", r.out);
}

/// A profile whose values, line numbers, labels and header fields sit at
/// the ends of `i64` (and its addresses at the end of `u64`).
fn extreme_profile() -> Vec<u8> {
    let (max, min) = (i64::MAX, i64::MIN);
    let mut b = common::Builder::new(&[("alloc_space", "bytes"), ("inuse_space", "bytes")]);
    let m = b.mapping("/bin/app");
    let (f, g, h) = (
        b.function("main.f", "f.go"),
        b.function("main.g", "g.go"),
        b.function("main.h", "h.go"),
    );
    let l1 = b.location(m, &[(f, max)]);
    let l2 = b.location(m, &[(g, min), (h, -1)]);
    let l3 = b.location(0, &[(h, 0)]);
    let stacks = [vec![l1, l2, l3], vec![l2, l3], vec![l3, l1]];
    let values = [
        [max, max],
        [max, 1],
        [min, min],
        [1, min],
        [max, max],
        [min, -1],
    ];
    for (i, v) in values.iter().enumerate() {
        let labels = vec![
            b.num_label("bytes", if i % 2 == 0 { max } else { min }, "bytes"),
            b.num_label("ms", min + i as i64, "ms"),
            b.label("k", "v"),
        ];
        b.sample(&stacks[i % 3], v, labels);
    }
    b.p.period = max;
    b.p.time_nanos = min;
    b.p.duration_nanos = max;
    b.p.function[0].start_line = min;
    b.p.mapping[0].memory_start = u64::MAX - 0x1000;
    b.p.mapping[0].memory_limit = u64::MAX;
    b.p.mapping[0].file_offset = u64::MAX;
    b.p.location[0].address = u64::MAX;
    b.encode()
}

#[test]
fn extreme_values_saturate_instead_of_panicking() {
    // Sums saturate (Go's int64 arithmetic wraps); a debug build (overflow
    // checks on) must not panic on any report, `mean` division included.
    let dir = temp_dir("extreme");
    std::fs::write(dir.join("x.pb"), extreme_profile()).expect("write profile");
    let script = "top\ntop -cum\nlist .\npeek .\ntraces\ntree\ntags\nraw\ndot\ncallgrind\n\
                  comments\ngranularity=addresses\ntop\ngranularity=lines\nlist .\nunit=ms\n\
                  top\nsample_index=1\nmean=true\ntop\ntagfocus=bytes=1kb:\ntop\ntagfocus=\n\
                  tagroot=bytes\ntraces\nnodefraction=0\nedgefraction=0\ncall_tree=true\ndot\n\
                  normalize=true\ntop\n";
    let mut runs: Vec<(Vec<&str>, &str)> = [
        vec!["x.pb"],
        vec!["-base", "x.pb", "x.pb"],
        vec!["-diff_base", "x.pb", "x.pb"],
        vec!["x.pb", "x.pb"],
    ]
    .into_iter()
    .map(|args| (args, script))
    .collect();
    runs.push((vec!["-series", "x.pb", "x.pb"], "growth\ndiff 1 2\n"));
    for flag in [
        "-top",
        "-tree",
        "-traces",
        "-raw",
        "-dot",
        "-callgrind",
        "-tags",
        "-peek=.",
        "-list=.",
        "-weblist=.",
        "-proto",
    ] {
        runs.push((vec![flag, "-output=out", "x.pb"], ""));
    }
    for (args, stdin) in runs {
        let o = common::rpprof(&args).dir(&dir).stdin(stdin).run();
        assert!(!o.stderr.contains("panicked"), "{args:?}: {}", o.stderr);
        assert_eq!(o.code, 0, "{args:?}: {}", o.stderr);
    }
}

#[test]
fn one_bad_source_among_several_is_skipped() {
    let dir = temp_dir("several");
    let missing = dir.join("missing.pb.gz");
    let m = missing.to_str().unwrap();
    let r = rpprof(&["-top", HEAP, m], "");
    assert_eq!(r.code, 0, "{}", r.err);
    assert_eq!(
        r.err,
        format!("{m}: open {m}: no such file or directory\nFetched 1 source profiles out of 2\n")
    );
    assert!(r.out.contains("bytes.Repeat"), "{}", r.out);
}

#[test]
fn bare_cum_and_flat_set_sort() {
    let by_flat = reports(&shell("top 5\n"));
    let by_cum = reports(&shell("sort=cum\ntop 5\n"));
    assert_ne!(by_flat, by_cum, "the test needs orders that differ");
    let bare = shell("cum\ntop 5\n");
    assert_eq!(shell_errors(&bare), Vec::<&str>::new());
    assert_eq!(reports(&bare), by_cum);
    assert_eq!(reports(&shell("sort=cum\nflat\ntop 5\n")), by_flat);
    assert_eq!(option_value(&shell("cum\no\n"), "sort"), "cum");
    assert_eq!(option_value(&shell("sort=cum\nflat\no\n"), "sort"), "flat");
}

#[test]
fn bare_granularity_names_set_granularity() {
    let functions = reports(&shell("top 5\n"));
    let mut outputs = Vec::new();
    for g in ["functions", "filefunctions", "files", "lines", "addresses"] {
        let explicit = shell(&format!("granularity={g}\ntop 5\n"));
        assert_eq!(shell_errors(&explicit), Vec::<&str>::new(), "{g}");
        // From another granularity, so that the bare word must change it.
        let other = if g == "lines" { "files" } else { "lines" };
        let bare = shell(&format!("granularity={other}\n{g}\ntop 5\no\n"));
        assert_eq!(shell_errors(&bare), Vec::<&str>::new(), "{g}");
        assert_eq!(reports(&bare), reports(&explicit), "{g}");
        assert_eq!(option_value(&bare, "granularity"), g);
        outputs.push(reports(&explicit));
    }
    assert_eq!(outputs[0], functions);
    for (i, o) in outputs.iter().enumerate().skip(1) {
        assert_ne!(*o, functions, "granularity #{i} changes the report");
    }
}

#[test]
fn bad_values_are_rejected_and_the_old_value_stays() {
    let r = shell("unit=MB\nunit=furlongs\no\n");
    assert_eq!(
        shell_errors(&r),
        vec![
            "unrecognized unit \"furlongs\": use minimum, auto, or a unit such as B, kB, MB, GB, ns, us, ms, s, hrs"
        ]
    );
    assert_eq!(option_value(&r, "unit"), "MB");

    let r = shell("nodefraction=0.1\nnodefraction=2\nnodefraction=-0.5\no\n");
    assert_eq!(
        shell_errors(&r),
        vec![
            "nodefraction must be between 0 and 1, not 2",
            "nodefraction must be between 0 and 1, not -0.5",
        ]
    );
    assert_eq!(option_value(&r, "nodefraction"), "0.1");

    let r = shell("focus=Track\nfocus=(\no\ntop 3\n");
    assert_eq!(
        shell_errors(&r),
        vec!["parsing focus regexp: error parsing regexp: missing closing ): `(`"]
    );
    assert_eq!(option_value(&r, "focus"), "Track");
    // The next report runs with the old focus, not with an error.
    assert!(r.out.contains("focus=Track"), "{}", r.out);
    assert!(r.out.contains("main.(*RequestTracker).Track"), "{}", r.out);
}

#[test]
fn version() {
    let r = rpprof(&["--version"], "");
    assert_eq!(r.code, 0);
    assert_eq!(r.out, format!("rpprof {}\n", env!("CARGO_PKG_VERSION")));
    assert_eq!(r.err, "");
}

#[test]
fn help_prints_usage_on_stderr_and_succeeds() {
    for flag in ["-h", "-help", "--help"] {
        let r = rpprof(&[flag], "");
        assert_eq!(r.code, 0, "{flag}");
        assert_eq!(r.out, "", "{flag}");
        assert!(r.err.starts_with("usage:\n"), "{flag}: {}", r.err);
        assert!(
            r.err
                .contains("pprof <format> [options] [binary] <source> ...")
        );
    }
}

#[test]
fn http_takes_no_output_format_and_an_empty_one_is_none() {
    // pprof's own error keeps its place, and an empty -http is no -http.
    let r = rpprof(&["-http=:8080", "-top", HEAP], "");
    assert_eq!(
        (r.code, r.err.as_str()),
        (
            1,
            "-http is not compatible with an output format on the command line\n"
        )
    );
    let r = rpprof(&["-http=", "-top", "-nodecount=1", HEAP], "");
    assert_eq!(r.code, 0, "{}", r.err);
}

#[test]
fn bad_color_choice_is_an_error() {
    for flag in ["--color=bogus", "-color=bogus"] {
        let r = rpprof(&[flag, HEAP], "top\n");
        assert_eq!(r.code, 1, "{flag}");
        assert_eq!(r.out, "", "{flag}");
        assert_eq!(
            r.err.lines().next(),
            Some("invalid value \"bogus\" for flag -color: use auto, always or never"),
            "{flag}"
        );
    }
    // Piped output is never coloured unless asked for.
    let r = rpprof(&["-top", HEAP], "");
    assert!(!r.out.contains('\x1b'));
    let r = rpprof(&["-top", "--color=always", HEAP], "");
    assert!(r.out.contains("\x1b["), "{}", r.out);
}

#[test]
fn prune_from_matches_methods_with_pointer_receivers() {
    // pprof 1.19 cuts `main.(*RequestTracker).Track` at the first `(`, so
    // `prune_from=Track` matches nothing there; rpprof keeps the receiver.
    let r = reports(&shell("prune_from=Track\ntop 3\n"));
    let row = r
        .lines()
        .find(|l| l.ends_with("main.(*RequestTracker).Track"))
        .unwrap_or_else(|| panic!("no Track row in {r}"));
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        (cols[0], cols[3]),
        ("176.68MB", "176.68MB"),
        "Track becomes the leaf: {row}"
    );
    assert!(
        !r.contains("bytes.Repeat"),
        "frames below Track are pruned: {r}"
    );
    let unpruned = reports(&shell("top 3\n"));
    assert!(unpruned.contains("bytes.Repeat"));
}

#[test]
fn local_time_zone_follows_go_rules_for_tz() {
    // Expected values printed by Go 1.19 for the same instant and $TZ; the
    // zone files come from the machine's tzdata, so a zone it lacks is
    // skipped.
    let header = |tz: Option<&str>| {
        let mut cmd = common::rpprof(["-top", "-nodecount=1", "tests/data/leak/heap_1.pb.gz"])
            .dir(common::crate_dir())
            .command();
        match tz {
            Some(tz) => cmd.env("TZ", tz),
            None => cmd.env_remove("TZ"),
        };
        let o = cmd.output().expect("rpprof runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        out.lines()
            .find_map(|l| l.strip_prefix("Time: ").map(str::to_string))
            .unwrap_or_else(|| panic!("no Time line in {out}"))
    };
    let utc = "Nov 26, 2026 at 2:15am (UTC)";
    // Empty, ":", "UTC", and values Go cannot load as a zone file (POSIX
    // rules included, which jiff's system-zone detection would honour).
    for tz in [
        "",
        ":",
        "UTC",
        "JST-9",
        "EST5EDT,M3.2.0,M11.1.0",
        "No/Such_Zone",
    ] {
        assert_eq!(header(Some(tz)), utc, "TZ={tz:?}");
    }
    let zones = Path::new("/usr/share/zoneinfo");
    for (tz, file, want) in [
        (
            "America/New_York",
            "America/New_York",
            "Nov 25, 2026 at 9:15pm (EST)",
        ),
        (
            ":Asia/Shanghai",
            "Asia/Shanghai",
            "Nov 26, 2026 at 10:15am (CST)",
        ),
        (
            "/usr/share/zoneinfo/Asia/Kolkata",
            "Asia/Kolkata",
            "Nov 26, 2026 at 7:45am (IST)",
        ),
        (
            "Pacific/Guam",
            "Pacific/Guam",
            "Nov 26, 2026 at 12:15pm (ChST)",
        ),
    ] {
        if zones.join(file).exists() {
            assert_eq!(header(Some(tz)), want, "TZ={tz:?}");
        }
    }
    // Unset: /etc/localtime, or UTC without one.
    let unset = header(None);
    if !Path::new("/etc/localtime").exists() {
        assert_eq!(unset, utc);
    }
}

/// A `perf.data` file goes through `perf_to_profile` as in pprof: with a
/// stand-in converter on `PATH` (it copies a heap profile, or fails), and
/// with none; the messages are those go tool pprof printed for the same
/// files. The temporary profile is removed afterwards.
#[test]
fn perf_data_is_converted_by_perf_to_profile() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("perf");
    std::fs::write(
        dir.join("perf.data"),
        b"PERFILE2\x68\0\0\0\0\0\0\0 not parsed",
    )
    .expect("write");
    let heap = common::crate_dir().join(HEAP);
    let converters = [
        (
            "copies",
            format!(
                "while [ $# -gt 0 ]; do [ \"$1\" = -o ] && out=$2; shift; done\n\
                 echo converting; cp '{}' \"$out\"\n",
                heap.display()
            ),
        ),
        (
            "fails",
            "echo \"to stdout $1\"; echo 'to stderr' >&2; exit 3\n".into(),
        ),
    ];
    for (name, script) in &converters {
        let bin = dir.join(name);
        std::fs::create_dir_all(&bin).expect("mkdir");
        let exe = bin.join("perf_to_profile");
        std::fs::write(&exe, format!("#!/bin/sh\n{script}")).expect("write");
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).expect("mkdir");
    let run = |path_dir: &str| {
        let path = format!("{}:/usr/bin:/bin", dir.join(path_dir).display());
        common::rpprof(["-top", "-nodecount=1", "perf.data"])
            .dir(&dir)
            .env("PATH", path)
            .env("TMPDIR", &tmp)
            .run()
    };
    let notice = "Converting perf.data to a profile.proto... (May take a few minutes)\n";
    let failed =
        "perf.data: failed to convert perf.data file. Try github.com/google/perf_data_converter:";

    let ok = run("copies");
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_eq!(ok.stderr, notice);
    let out = ok.out();
    assert!(
        out.starts_with("converting\nFile: leak\nType: inuse_space\n"),
        "{out}"
    );
    assert!(
        out.contains("  176.23MB 99.00% 99.00%   176.23MB 99.00%  bytes.Repeat\n"),
        "{out}"
    );

    let bad = run("fails");
    assert_eq!(bad.code, 1);
    assert_eq!(bad.out(), "to stdout -i\n");
    assert_eq!(
        bad.stderr,
        format!("{notice}to stderr\n{failed} exit status 3\nfailed to fetch any source profiles\n")
    );

    let none = run("nowhere");
    assert_eq!(none.code, 1);
    assert_eq!(
        none.stderr,
        format!(
            "{notice}{failed} exec: \"perf_to_profile\": executable file not found in $PATH\n\
             failed to fetch any source profiles\n"
        )
    );
    let left: Vec<_> = std::fs::read_dir(&tmp).expect("tmp").collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

/// Names whose bytes are not UTF-8 are written back byte for byte when
/// piped, in reports and in a written profile, as pprof writes them
/// (expected bytes from go tool pprof 1.19 on the same profile).
#[test]
fn invalid_utf8_in_names_is_written_byte_for_byte_when_piped() {
    let mut b = common::Builder::new(&[("samples", "count")]);
    let m = b.mapping("/bin/prog");
    let bad = b.function("main.bad@@name", "prog.go");
    let ok = b.function("main.ok", "prog.go");
    let (lb, lo) = (b.location(m, &[(bad, 10)]), b.location(m, &[(ok, 10)]));
    b.sample(&[lb, lo], &[5], vec![]);
    let i = b.str("main.bad@@name") as usize;
    b.p.string_table[i] = b"main.bad\xff\xfename".to_vec().into();
    let dir = temp_dir("utf8");
    let path = dir.join("utf8.pb");
    std::fs::write(&path, b.encode()).expect("write");
    let p = path.to_str().expect("utf-8 path");
    let want: &[u8] = b"Showing nodes accounting for 5, 100% of 5 total\n      \
flat  flat%   sum%        cum   cum%\n         5   100%   100%          5   100%  \
main.bad\xff\xfename\n         0     0%   100%          5   100%  main.ok\n";
    let top = common::rpprof(["-top", p]).run();
    assert_eq!(top.code, 0, "{}", top.stderr);
    assert!(top.stdout.ends_with(want), "{:?}", top.out());
    // Through -proto and back, the bytes are the same.
    let again = dir.join("again.pb.gz");
    let w = common::rpprof(["-proto", &format!("-output={}", again.display()), p]).run();
    assert_eq!(w.code, 0, "{}", w.stderr);
    let top2 = common::rpprof(["-top", again.to_str().expect("utf-8 path")]).run();
    assert!(top2.stdout.ends_with(want), "{:?}", top2.out());
}

/// pprof's greeting when the default sample type sums to zero: its two
/// hint lines and no blank line after them; and `raw` prints the
/// `PeriodType:` line even when the profile has no period type (pprof
/// gives every decoded profile an empty one). Expected text from go tool
/// pprof 1.19.
#[test]
fn zero_default_total_greeting_and_empty_period_type_are_pprofs() {
    let mut b = common::Builder::new(&[("samples", "count"), ("", "")]);
    let m = b.mapping("/bin/prog");
    let f = b.function("main.f", "prog.go");
    let l = b.location(m, &[(f, 10)]);
    b.sample(&[l], &[5, 0], vec![]);
    let dir = temp_dir("zerosum");
    let path = dir.join("zerosum.pb");
    std::fs::write(&path, b.encode()).expect("write");
    let r = rpprof(&[path.to_str().expect("utf-8 path")], "raw\n");
    assert_eq!(r.code, 0, "{}", r.err);
    assert_eq!(
        r.err,
        "File: prog\nNo samples were found with the default sample value type.\n\
Try \"sample_index\" command to analyze different sample values.\n\
Entering interactive mode (type \"help\" for commands, \"o\" for options)\n"
    );
    assert!(r.out.starts_with("(pprof) PeriodType:  \nPeriod: 0\nSamples:\nsamples/count /[dflt]\n          5          0: 1 \n"), "{}", r.out);
}
