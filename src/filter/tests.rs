//! Worked examples for the filters on locations with inlined frames: each
//! test's doc comment gives the input stacks, the filter, the expected
//! stacks and why. Profiles come from [`crate::model::testkit`]; stacks are
//! written **leaf first**, a location's frames joined by `;` **innermost
//! first** (`"main.c;main.b"`: `main.c` inlined into `main.b`, one
//! location). "Spec" is `notes/pprof-spec.md`, section 5.
//!
//! Besides the cases the comments mark, every expectation here (but the
//! deliberate improvement of `prune_from`) was checked against go tool
//! pprof 1.19: `go tool pprof -traces` and `-raw` with the test's options,
//! on the profile the test builds, written out by running the tests with
//! `RPPROF_TESTKIT_DUMP=<dir>`.

use super::{Filters, View, tags};
use crate::model::Profile;
use crate::model::testkit::{Stack, Tag, profile, stack, view_samples};
use crate::request::FilterSpec;

/// Runs the filters `set` (option name, value) on `p` as a report does;
/// returns the kept samples and the messages (notes and warnings).
fn run(p: &Profile, set: &[(&str, &str)]) -> (Vec<Stack>, Vec<String>) {
    let mut spec = FilterSpec::default();
    for &(name, value) in set {
        let field = match name {
            "focus" => &mut spec.focus,
            "ignore" => &mut spec.ignore,
            "hide" => &mut spec.hide,
            "show" => &mut spec.show,
            "show_from" => &mut spec.show_from,
            "tagfocus" => &mut spec.tagfocus,
            "tagignore" => &mut spec.tagignore,
            "tagshow" => &mut spec.tagshow,
            "taghide" => &mut spec.taghide,
            "prune_from" => &mut spec.prune_from,
            _ => panic!("unknown filter {name}"),
        };
        *field = value.to_string();
    }
    let mut messages = Vec::new();
    let units = tags::num_label_units(p, &mut messages);
    let filters = Filters::compile(&spec, &units, &mut messages).expect("filters compile");
    let mut view = View::all(super::Source::Borrowed(p));
    filters.apply(&mut view, &mut messages);
    (view_samples(&view), messages)
}

/// Only the kept samples of [`run`], checking that no warning was given.
fn kept(p: &Profile, set: &[(&str, &str)]) -> Vec<Stack> {
    let (samples, messages) = run(p, set);
    assert_eq!(messages, Vec::<String>::new(), "no warnings expected");
    samples
}

/// The profile most tests use: `main.c` inlined into `main.b` in one
/// location, and `main.b` alone at another address.
///
/// ```text
/// [c;b, a, main] 10
/// [b, a, main]   20
/// ```
fn inlined() -> Profile {
    profile(&[("samples", "count")])
        .sample(&["main.c;main.b", "main.a", "main.main"], &[10])
        .sample(&["main.b", "main.a", "main.main"], &[20])
        .build()
}

// ---- show_from -------------------------------------------------------------

/// `show_from=main\.c` on
///
/// ```text
/// [c;b, a, main] 10
/// [b, a, main]   20
/// ```
///
/// gives `[c] 10`. The location `c;b` matches through its inlined frame
/// `main.c`, and the Lines after the last matching one (its inline caller
/// `main.b`) are removed from the location; the frames above it go too.
/// The second sample has no matching location and is dropped. (Spec 5.5.)
#[test]
fn show_from_an_inlined_callee_cuts_its_inline_callers() {
    assert_eq!(
        kept(&inlined(), &[("show_from", r"main\.c")]),
        vec![stack(&["main.c"], &[10])]
    );
}

/// `show_from=main\.b` on
///
/// ```text
/// [c;b, a, main] 10
/// [b, a, main]   20
/// ```
///
/// gives `[c;b] 10` and `[b] 20`: the last matching Line of `c;b` is its
/// outermost one, `main.b`, so no Line is after it and the inlined callee
/// `main.c` stays. Only the frames above the matching location go.
/// (Spec 5.5.)
#[test]
fn show_from_the_owner_keeps_its_inlined_callees() {
    assert_eq!(
        kept(&inlined(), &[("show_from", r"main\.b")]),
        vec![stack(&["main.c;main.b"], &[10]), stack(&["main.b"], &[20])]
    );
}

/// `show_from=main\.c` on one sample where `main.c` is inlined twice, into
/// different callers:
///
/// ```text
/// [c;b, c;a, main] 10
/// ```
///
/// gives `[c, c] 10`. The sample is cut above its **root-most** matching
/// location (`c;a`), but every matching location is also cut after its
/// own last matching Line — so `main.b`, though it lies between the two
/// kept `main.c` frames, disappears, and so does `main.a`.
/// (Spec 5.5; checked against go tool pprof 1.19, `-traces`.)
#[test]
fn show_from_cuts_every_matching_location_not_only_the_root_most() {
    let p = profile(&[("samples", "count")])
        .sample(&["main.c;main.b", "main.c;main.a", "main.main"], &[10])
        .build();
    assert_eq!(
        kept(&p, &[("show_from", r"main\.c")]),
        vec![stack(&["main.c", "main.c"], &[10])]
    );
}

/// `show_from=libfoo` with the location `f;g` in the mapping
/// `/lib/libfoo.so` and `main.a` in `/bin/app`:
///
/// ```text
/// [f;g, a] 10      (f;g in libfoo.so)
/// ```
///
/// gives `[f;g] 10`: when the mapping's file matches, the location
/// matches with all its Lines, although no function name does.
/// (Spec 5.5.)
#[test]
fn show_from_matching_the_mapping_keeps_all_inline_frames() {
    let p = profile(&[("samples", "count")])
        .mapping("/bin/app", 0x400000, 0x500000, 0, "")
        .location(0x400100, "main.a")
        .mapping("/lib/libfoo.so", 0x7f0000, 0x800000, 0, "")
        .location(0x7f0100, "foo.f;foo.g")
        .sample(&["foo.f;foo.g", "main.a"], &[10])
        .build();
    assert_eq!(
        kept(&p, &[("show_from", "libfoo")]),
        vec![stack(&["foo.f;foo.g"], &[10])]
    );
}

/// `show_from=main\.zzz` (no such function) on the [`inlined`] profile
/// drops every sample and warns `ShowFrom expression matched no samples`:
/// samples without a matching location are dropped, not kept whole as
/// `prune_from` would. (Spec 5.1 and 5.5.)
#[test]
fn show_from_without_a_match_drops_everything_and_warns() {
    let (samples, messages) = run(&inlined(), &[("show_from", r"main\.zzz")]);
    assert_eq!(samples, vec![]);
    assert_eq!(messages, vec!["ShowFrom expression matched no samples"]);
}

/// `hide=libfoo` then `show_from=libfoo`, with `foo.f` in the mapping
/// `/lib/libfoo.so`:
///
/// ```text
/// [f, a] 10      (f in libfoo.so)
/// [a]    20
/// ```
///
/// `hide` (which runs first) removes `foo.f`'s location from the sample:
/// its mapping matches, so it loses all its Lines. `show_from` then finds
/// no matching location in either sample and drops both — yet warns
/// nothing, because pprof's `ShowFrom` reports a match when any location
/// of the profile's table matches, and the hidden location still is in the
/// table (spec 5.4, 5.5). Checked against go tool pprof 1.19: `-raw` lists
/// no sample and stderr has no ShowFrom warning. (rpprof used to keep the
/// first sample with an empty stack: it cut at the hidden location.)
#[test]
fn show_from_ignores_a_location_that_hide_removed() {
    let p = profile(&[("samples", "count")])
        .mapping("/bin/app", 0x400000, 0x500000, 0, "")
        .location(0x400100, "main.a")
        .mapping("/lib/libfoo.so", 0x7f0000, 0x800000, 0, "")
        .location(0x7f0100, "foo.f")
        .sample(&["foo.f", "main.a"], &[10])
        .sample(&["main.a"], &[20])
        .build();
    assert_eq!(
        kept(&p, &[("hide", "libfoo"), ("show_from", "libfoo")]),
        vec![]
    );
}

// ---- prune_from ------------------------------------------------------------

/// `prune_from=main\.b` on
///
/// ```text
/// [d, c;b, a] 10
/// ```
///
/// gives `[b, a] 10`: in location `c;b` the first (innermost) Line whose
/// name matches is `main.b`, so the Lines before it (its inlined callee
/// `main.c`) are removed; the sample is cut below that location, so `main.d`
/// goes and `main.b` becomes the leaf (and gets the flat). (Spec 5.8.)
#[test]
fn prune_from_the_owner_drops_its_inlined_callees() {
    let p = profile(&[("samples", "count")])
        .sample(&["main.d", "main.c;main.b", "main.a"], &[10])
        .build();
    assert_eq!(
        kept(&p, &[("prune_from", r"main\.b")]),
        vec![stack(&["main.b", "main.a"], &[10])]
    );
}

/// `prune_from=main\.c` on
///
/// ```text
/// [d, c;b, a] 10
/// ```
///
/// gives `[c;b, a] 10`: the matching Line `main.c` is the location's first,
/// so no Line is removed and the location stays whole; only `main.d`,
/// below it, goes. (Spec 5.8.)
#[test]
fn prune_from_an_inlined_callee_keeps_its_location_whole() {
    let p = profile(&[("samples", "count")])
        .sample(&["main.d", "main.c;main.b", "main.a"], &[10])
        .build();
    assert_eq!(
        kept(&p, &[("prune_from", r"main\.c")]),
        vec![stack(&["main.c;main.b", "main.a"], &[10])]
    );
}

/// `prune_from=main\.b` on
///
/// ```text
/// [b, x, c;b, a] 10
/// [e, a]         20
/// ```
///
/// gives `[b, x, b, a] 10` and `[e, a] 20`. The sample is cut at its
/// **leaf-most** marked location — here the leaf `main.b` itself — so no
/// location is dropped; but the location `c;b` is marked too and loses its
/// inlined `main.c` in every sample. A sample without a match is kept
/// unchanged (unlike `show_from`). (Spec 5.8; checked against go tool
/// pprof 1.19, `-traces`.)
#[test]
fn prune_from_edits_every_matching_location_and_keeps_unmatched_samples() {
    let p = profile(&[("samples", "count")])
        .sample(&["main.b", "main.x", "main.c;main.b", "main.a"], &[10])
        .sample(&["main.e", "main.a"], &[20])
        .build();
    assert_eq!(
        kept(&p, &[("prune_from", r"main\.b")]),
        vec![
            stack(&["main.b", "main.x", "main.b", "main.a"], &[10]),
            stack(&["main.e", "main.a"], &[20]),
        ]
    );
}

/// `prune_from=^ns::f$` on C++ frames with argument lists, `ns::g(int)`
/// inlined into `ns::f(long)`:
///
/// ```text
/// [leaf(), ns::g(int);ns::f(long), main] 10
/// ```
///
/// gives `[ns::f(long), main] 10`: the regexp is matched against the
/// *simplified* name, cut at the first `(` (so `^…$` anchors work), while
/// the frame keeps its full name. (Spec 5.8; checked against go tool pprof
/// 1.19, `-traces`.)
#[test]
fn prune_from_matches_simplified_names_of_inline_frames() {
    let p = profile(&[("samples", "count")])
        .sample(&["leaf()", "ns::g(int);ns::f(long)", "main"], &[10])
        .build();
    assert_eq!(
        kept(&p, &[("prune_from", "^ns::f$")]),
        vec![stack(&["ns::f(long)", "main"], &[10])]
    );
}

/// `prune_from=Track` on a Go method inlined into its caller:
///
/// ```text
/// [runtime.mallocgc, main.(*RequestTracker).Track;main.handle, main.main] 10
/// ```
///
/// gives `[main.(*RequestTracker).Track;main.handle, main.main] 10`.
/// This is a **deliberate improvement** over pprof 1.19 (design contract 2):
/// pprof simplifies the name to `main.` (cut at the receiver's `(`) and
/// matches nothing; rpprof keeps Go receivers when simplifying.
#[test]
fn prune_from_matches_an_inlined_pointer_receiver_method() {
    let p = profile(&[("samples", "count")])
        .sample(
            &[
                "runtime.mallocgc",
                "main.(*RequestTracker).Track;main.handle",
                "main.main",
            ],
            &[10],
        )
        .build();
    assert_eq!(
        kept(&p, &[("prune_from", "Track")]),
        vec![stack(
            &["main.(*RequestTracker).Track;main.handle", "main.main"],
            &[10]
        )]
    );
}

// ---- hide / show -----------------------------------------------------------

/// `hide=main\.c` on
///
/// ```text
/// [c;b, a, main] 10
/// [b, a, main]   20
/// ```
///
/// gives `[b, a, main] 10` and `[b, a, main] 20`: hide removes matching
/// *Lines*, so the location `c;b` keeps `main.b`, which becomes the leaf
/// and takes the 10. The two samples stay apart (different locations).
/// (Spec 5.4.)
#[test]
fn hide_an_inlined_callee_leaves_its_owner_in_the_location() {
    assert_eq!(
        kept(&inlined(), &[("hide", r"main\.c")]),
        vec![
            stack(&["main.b", "main.a", "main.main"], &[10]),
            stack(&["main.b", "main.a", "main.main"], &[20]),
        ]
    );
}

/// `hide=main\.b` on
///
/// ```text
/// [c;b, a, main] 10
/// [b, a, main]   20
/// ```
///
/// gives `[c, a, main] 10` and `[a, main] 20`: in `c;b` only the owner's
/// Line goes and the inlined `main.c` stays; the location `main.b` has no
/// Line left and is removed from its sample, whose cost moves to `main.a`.
/// (Spec 5.4.)
#[test]
fn hide_the_owner_leaves_the_inlined_callee() {
    assert_eq!(
        kept(&inlined(), &[("hide", r"main\.b")]),
        vec![
            stack(&["main.c", "main.a", "main.main"], &[10]),
            stack(&["main.a", "main.main"], &[20]),
        ]
    );
}

/// `hide=main\.[bc]` on
///
/// ```text
/// [c;b, a] 10
/// [c;b]    20
/// ```
///
/// gives `[a] 10` only: the location `c;b` loses both Lines and is removed
/// from every sample; the second sample is left with no location and is
/// dropped. (Spec 5.4.)
#[test]
fn hide_every_inline_frame_removes_the_location_and_empty_samples() {
    let p = profile(&[("samples", "count")])
        .sample(&["main.c;main.b", "main.a"], &[10])
        .sample(&["main.c;main.b"], &[20])
        .build();
    assert_eq!(
        kept(&p, &[("hide", r"main\.[bc]")]),
        vec![stack(&["main.a"], &[10])]
    );
}

/// `hide=libfoo` with the location `f;g` in `/lib/libfoo.so`:
///
/// ```text
/// [f;g, a] 10      (f;g in libfoo.so)
/// ```
///
/// gives `[a] 10`: when the mapping's file matches, the location loses all
/// its Lines, whatever their names. (Spec 5.4.)
#[test]
fn hide_matching_the_mapping_removes_all_inline_frames() {
    let p = profile(&[("samples", "count")])
        .mapping("/bin/app", 0x400000, 0x500000, 0, "")
        .location(0x400100, "main.a")
        .mapping("/lib/libfoo.so", 0x7f0000, 0x800000, 0, "")
        .location(0x7f0100, "foo.f;foo.g")
        .sample(&["foo.f;foo.g", "main.a"], &[10])
        .build();
    assert_eq!(
        kept(&p, &[("hide", "libfoo")]),
        vec![stack(&["main.a"], &[10])]
    );
}

/// `show=main\.c` on
///
/// ```text
/// [d, c;b, a] 10
/// [b, a]      20
/// ```
///
/// gives `[c] 10`: show keeps only the matching Lines, so `c;b` keeps its
/// inlined `main.c` and drops its owner; the locations of `main.d` and
/// `main.a` keep nothing and are removed; the second sample is left empty
/// and is dropped. (Spec 5.4.)
#[test]
fn show_keeps_only_the_matching_inline_frame() {
    let p = profile(&[("samples", "count")])
        .sample(&["main.d", "main.c;main.b", "main.a"], &[10])
        .sample(&["main.b", "main.a"], &[20])
        .build();
    assert_eq!(
        kept(&p, &[("show", r"main\.c")]),
        vec![stack(&["main.c"], &[10])]
    );
}

/// `show=main\.c` with an unsymbolized location (no Lines, written `""`):
///
/// ```text
/// [c;b, "", a] 10
/// [""]         20
/// ```
///
/// gives `[c] 10`: a location without Lines has no Line to keep, so show
/// removes it like any location without a matching Line, and the second
/// sample, left empty, is dropped. (Spec 5.4; checked against go tool
/// pprof 1.19, `-raw`.)
#[test]
fn show_removes_unsymbolized_locations() {
    let p = profile(&[("samples", "count")])
        .sample(&["main.c;main.b", "", "main.a"], &[10])
        .sample(&[""], &[20])
        .build();
    assert_eq!(
        kept(&p, &[("show", r"main\.c")]),
        vec![stack(&["main.c"], &[10])]
    );
}

/// `hide=main\.c` with an unsymbolized location (no Lines, written `""`):
///
/// ```text
/// [c;b, "", a] 10
/// [""]         20
/// ```
///
/// gives `[b, "", a] 10` and `[""] 20`: hide only touches locations that
/// match, and a location without Lines matches nothing (its mapping has no
/// file here), so it stays — unlike with show. (Spec 5.4; checked against
/// go tool pprof 1.19, `-raw`.)
#[test]
fn hide_keeps_unsymbolized_locations() {
    let p = profile(&[("samples", "count")])
        .sample(&["main.c;main.b", "", "main.a"], &[10])
        .sample(&[""], &[20])
        .build();
    assert_eq!(
        kept(&p, &[("hide", r"main\.c")]),
        vec![stack(&["main.b", "", "main.a"], &[10]), stack(&[""], &[20])]
    );
}

/// `hide=main\.c` and `show=main\.[bc]` together on
///
/// ```text
/// [c;b, a] 10
/// ```
///
/// gives `[b] 10`: per location hide runs before show, so `c;b` first loses
/// `main.c`, then show keeps `main.b`; `main.a` matches neither show
/// pattern and goes. (Spec 5.4, pprof's `FilterSamplesByName`.)
#[test]
fn hide_then_show_on_one_inlined_location() {
    let p = profile(&[("samples", "count")])
        .sample(&["main.c;main.b", "main.a"], &[10])
        .build();
    assert_eq!(
        kept(&p, &[("hide", r"main\.c"), ("show", r"main\.[bc]")]),
        vec![stack(&["main.b"], &[10])]
    );
}

// ---- focus / ignore --------------------------------------------------------

/// `focus=main\.c` on
///
/// ```text
/// [c;b, a, main] 10
/// [b, a, main]   20
/// ```
///
/// gives `[c;b, a, main] 10`: focus judges whole locations, so matching
/// the inlined `main.c` keeps the sample with every frame, the owner
/// `main.b` included; the other sample has no matching location.
/// (Spec 5.1, 5.2.)
#[test]
fn focus_on_an_inlined_frame_keeps_the_whole_sample() {
    assert_eq!(
        kept(&inlined(), &[("focus", r"main\.c")]),
        vec![stack(&["main.c;main.b", "main.a", "main.main"], &[10])]
    );
}

/// `ignore=main\.c` on
///
/// ```text
/// [c;b, a, main] 10
/// [b, a, main]   20
/// ```
///
/// gives `[b, a, main] 20`: the location `c;b` matches through its inlined
/// frame, so the sample holding it is dropped; `main.b` alone, at another
/// address, does not match. (Spec 5.1, 5.3.)
#[test]
fn ignore_on_an_inlined_frame_drops_the_sample() {
    assert_eq!(
        kept(&inlined(), &[("ignore", r"main\.c")]),
        vec![stack(&["main.b", "main.a", "main.main"], &[20])]
    );
}

/// `focus=main\.b` and `ignore=main\.c` on
///
/// ```text
/// [c;b, a, main] 10
/// [b, a, main]   20
/// ```
///
/// gives `[b, a, main] 20`: the location `c;b` matches both, and a location
/// that matches ignore counts as ignored even if it also matches focus.
/// (Spec 5.3.)
#[test]
fn ignore_wins_over_focus_on_the_same_inlined_location() {
    assert_eq!(
        kept(&inlined(), &[("focus", r"main\.b"), ("ignore", r"main\.c")]),
        vec![stack(&["main.b", "main.a", "main.main"], &[20])]
    );
}

/// `focus=main\.c` and `hide=main\.c` together on
///
/// ```text
/// [c;b, a, main] 10
/// [b, a, main]   20
/// ```
///
/// gives `[b, a, main] 10`: focus is judged on each location before hide
/// removes its Lines (one pass over the locations), so the sample is kept
/// for its `main.c` and then shown without it. (Spec 5.1, pprof's
/// `FilterSamplesByName`; checked against go tool pprof 1.19, `-traces`.)
#[test]
fn focus_is_judged_before_hide_removes_the_inlined_frame() {
    assert_eq!(
        kept(&inlined(), &[("focus", r"main\.c"), ("hide", r"main\.c")]),
        vec![stack(&["main.b", "main.a", "main.main"], &[10])]
    );
}

/// `focus=inline\.go` (a file name) on `main.c` (in `inline.go`) inlined
/// into `main.b` (in `main.go`):
///
/// ```text
/// [c;b, a] 10     (c in inline.go, b and a in main.go)
/// [b, a]   20
/// ```
///
/// gives `[c;b, a] 10`: a location also matches by the file name of any of
/// its Lines. (Spec 5.1.)
#[test]
fn focus_matches_the_file_of_an_inlined_frame() {
    let p = profile(&[("samples", "count")])
        .sample(
            &["main.c@inline.go:7;main.b@main.go:20", "main.a@main.go:10"],
            &[10],
        )
        .sample(&["main.b@main.go:21", "main.a@main.go:10"], &[20])
        .build();
    assert_eq!(
        kept(&p, &[("focus", r"inline\.go")]),
        vec![stack(&["main.c;main.b", "main.a"], &[10])]
    );
}

// ---- tagfocus --------------------------------------------------------------

/// `tagfocus=phase=two` on two samples sharing the location `c;b`:
///
/// ```text
/// [c;b, a] 10  phase=one
/// [c;b, x] 20  phase=two
/// ```
///
/// gives `[c;b, x] 20 phase=two`: tag filters keep or drop whole samples
/// and never touch frames. With a key, the value regexps are tested against
/// that key's string values. (Spec 5.6.)
#[test]
fn tagfocus_keeps_whole_samples_with_their_inline_frames() {
    let p = profile(&[("samples", "count")])
        .labelled(
            &["main.c;main.b", "main.a"],
            &[10],
            &[Tag::Str("phase", "one")],
        )
        .labelled(
            &["main.c;main.b", "main.x"],
            &[20],
            &[Tag::Str("phase", "two")],
        )
        .build();
    assert_eq!(
        kept(&p, &[("tagfocus", "phase=two")]),
        vec![stack(&["main.c;main.b", "main.x"], &[20]).with_labels(&["phase=two"])]
    );
}

/// `tagfocus=1kb:` with `show_from=main\.c` on
///
/// ```text
/// [d, c;b, a] 10  bytes=512
/// [c;b, x]    20  bytes=4096
/// [b, a]      30  bytes=8192
/// ```
///
/// gives `[c] 20 bytes=4096`. show_from (step 4)
/// cuts both samples holding `c;b` to `[d, c]` and `[c]` and drops the
/// third; tagfocus (step 5) then keeps only the sample whose `bytes` label
/// is at least 1 kB. The range is announced on stderr. (Spec 5.1, 5.6.)
#[test]
fn tagfocus_range_after_show_from_on_an_inlined_callee() {
    let p = profile(&[("space", "bytes")])
        .labelled(
            &["main.d", "main.c;main.b", "main.a"],
            &[10],
            &[Tag::Num("bytes", 512, "bytes")],
        )
        .labelled(
            &["main.c;main.b", "main.x"],
            &[20],
            &[Tag::Num("bytes", 4096, "bytes")],
        )
        .labelled(
            &["main.b", "main.a"],
            &[30],
            &[Tag::Num("bytes", 8192, "bytes")],
        )
        .build();
    let (samples, messages) = run(&p, &[("show_from", r"main\.c"), ("tagfocus", "1kb:")]);
    assert_eq!(
        samples,
        vec![stack(&["main.c"], &[20]).with_labels(&["bytes=4096bytes"])]
    );
    assert_eq!(
        messages,
        vec!["tagfocus:Interpreted '1kb:' as range, not regexp"]
    );
}
