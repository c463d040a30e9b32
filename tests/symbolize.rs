//! Native symbolization against binaries built by the test itself: a C
//! PIE mapped at a non-zero base (functions, an inlined function, lines),
//! a stripped copy with a `.gnu_debuglink` file (CRC checked), a debug
//! file found by build ID, a wrong binary refused by build ID, DWARF 5
//! with compressed sections, and v0-mangled Rust; plus the command line's
//! `[binary]` argument end to end.

mod common;

use rpprof::model::{Location, LocationId, Mapping, MappingId, Profile, StrId, ValueType};
use rpprof::symbolize::binary::ObjectFile;
use rpprof::symbolize::locate::Locator;
use rpprof::symbolize::symbols::SymbolTable;
use rpprof::symbolize::{Options, symbolize};
use std::path::{Path, PathBuf};
use std::process::Command;

const FIXTURE: &str = r#"
static inline __attribute__((always_inline)) long square(long x) {
  return x * x + 3; /* LINE_SQUARE */
}
__attribute__((noinline)) long work(long n) {
  long s = 0;
  for (long i = 0; i < n; i++)
    s += square(i ^ s); /* LINE_CALL */
  return s;
}
__attribute__((noinline)) long leaf(long n) {
  return n * 7 + VARIANT; /* LINE_LEAF */
}
int main(int argc, char **argv) {
  (void)argv;
  return (int)(work(argc * 100) + leaf(argc));
}
"#;

/// The process base the PIE is "loaded" at.
const BASE: u64 = 0x7f12_3400_0000;

fn line_of(marker: &str) -> i64 {
    FIXTURE
        .lines()
        .position(|l| l.contains(marker))
        .expect("marker in fixture") as i64
        + 1
}

/// A fresh directory under the target dir for one test.
fn workdir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("symbolize-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("tool runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Compiles the fixture with `cc -O2 -fPIE -pie` and `flags`.
fn build_c(dir: &Path, name: &str, flags: &[&str]) -> PathBuf {
    let src = dir.join("fixture.c");
    std::fs::write(&src, FIXTURE).expect("write source");
    let bin = dir.join(name);
    run(Command::new("cc")
        .args(["-O2", "-fPIE", "-pie", "-Wl,--build-id"])
        .args(flags)
        .arg("-o")
        .arg(&bin)
        .arg(&src));
    bin
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// Where `symbol` starts and ends in `bin` (ELF addresses), and the build ID.
fn symbol(bin: &Path, symbol: &str) -> (u64, u64, String) {
    let f = ObjectFile::open(&s(bin)).expect("opens");
    let elf = f.elf().expect("parses");
    let t = SymbolTable::new(&elf.file);
    let sym = t
        .all()
        .iter()
        .find(|x| x.name == symbol)
        .unwrap_or_else(|| panic!("{symbol} in symtab"));
    (sym.addr, t.end_of(sym), elf.build_id.clone())
}

/// A profile with one mapping of `file` as the kernel maps the executable
/// segment of a PIE at [`BASE`], and one location per ELF address.
fn profile(bin: &Path, file: &str, build_id: &str, elf_addrs: &[u64]) -> Profile {
    let f = ObjectFile::open(&s(bin)).expect("opens");
    let elf = f.elf().expect("parses");
    let seg = elf
        .segments
        .iter()
        .find(|s| s.executable)
        .expect("executable segment");
    let page = |x: u64| x & !0xfff;
    let start = BASE + page(seg.vaddr);
    let mut p = Profile {
        strings: vec![
            String::new(),
            "samples".into(),
            "count".into(),
            file.into(),
            build_id.into(),
        ]
        .into(),
        sample_types: vec![ValueType {
            ty: StrId(1),
            unit: StrId(2),
        }],
        ..Default::default()
    };
    std::sync::Arc::make_mut(&mut p.mappings).push(Mapping {
        start,
        limit: start + page(seg.memsz + 0xfff + (seg.vaddr & 0xfff)),
        offset: page(seg.offset),
        file: StrId(3),
        build_id: if build_id.is_empty() {
            StrId::EMPTY
        } else {
            StrId(4)
        },
        ..Default::default()
    });
    for (i, a) in elf_addrs.iter().enumerate() {
        std::sync::Arc::make_mut(&mut p.locations).push(Location {
            mapping: MappingId(0),
            address: BASE + a,
            ..Default::default()
        });
        p.samples.push(&[LocationId(i as u32)], &[1], &[]);
    }
    p
}

fn options(exec: &Path, locator: Locator) -> Options {
    Options {
        mode: String::new(),
        exec: s(exec),
        build_id: String::new(),
        locator,
        progress: false,
    }
}

fn no_search() -> Locator {
    Locator {
        search_path: vec![],
        debug_dirs: vec![],
    }
}

/// The frames of location `i`: (name, file base name, line), innermost first.
fn frames(p: &Profile, i: usize) -> Vec<(String, String, i64)> {
    p.loc_lines(LocationId(i as u32))
        .iter()
        .map(|l| {
            let f = &p.functions[l.function.index()];
            let file = p.str(f.filename);
            let base = file.rsplit('/').next().unwrap_or(file);
            (p.str(f.name).to_string(), base.to_string(), l.line)
        })
        .collect()
}

fn frame(name: &str, file: &str, line: i64) -> (String, String, i64) {
    (name.to_string(), file.to_string(), line)
}

/// Symbolizes every address of `work` and `leaf + 1` in a profile of
/// `bin` (whose symbols are read from `symbols_from`) and checks the
/// frames, the inline chain included.
fn check_fixture(bin: &Path, symbols_from: &Path, locator: Locator) -> Vec<String> {
    let (work, work_end, id) = symbol(symbols_from, "work");
    let (leaf, _, _) = symbol(symbols_from, "leaf");
    let mut addrs = vec![leaf + 1];
    addrs.extend(work..work_end);
    let mut p = profile(bin, "/opt/app/fixture", &id, &addrs);
    let notes = symbolize(&mut p, &options(bin, locator));
    assert_eq!(
        frames(&p, 0),
        vec![frame("leaf", "fixture.c", line_of("LINE_LEAF"))]
    );
    let inlined = vec![
        frame("square", "fixture.c", line_of("LINE_SQUARE")),
        frame("work", "fixture.c", line_of("LINE_CALL")),
    ];
    assert!(
        (1..addrs.len()).any(|i| frames(&p, i) == inlined),
        "no address of work shows square inlined: {:?}",
        (1..addrs.len()).map(|i| frames(&p, i)).collect::<Vec<_>>()
    );
    for i in 1..addrs.len() {
        let f = frames(&p, i);
        assert_eq!(f.last().map(|x| x.0.as_str()), Some("work"), "{f:?}");
    }
    let m = &p.mappings[0];
    assert!(m.has_functions && m.has_filenames && m.has_line_numbers && m.has_inline_frames);
    assert_eq!(p.str(m.file), s(bin));
    notes
}

#[test]
fn pie_at_a_nonzero_base() {
    let dir = workdir("pie");
    let bin = build_c(&dir, "fixture", &["-g", "-DVARIANT=0"]);
    let notes = check_fixture(&bin, &bin, no_search());
    assert!(notes.is_empty(), "{notes:?}");
}

#[test]
fn dwarf5_with_compressed_sections() {
    let dir = workdir("dwarf5");
    let bin = build_c(&dir, "fixture", &["-gdwarf-5", "-gz", "-DVARIANT=0"]);
    let f = ObjectFile::open(&s(&bin)).expect("opens");
    let elf = f.elf().expect("parses");
    use object::{Object, ObjectSection};
    let info = elf.file.section_by_name(".debug_info").expect("DWARF");
    let compressed = info.compressed_data().expect("readable").format;
    assert_ne!(compressed, object::CompressionFormat::None);
    check_fixture(&bin, &bin, no_search());
}

#[test]
fn stripped_binary_with_a_debuglink_file() {
    let dir = workdir("debuglink");
    let full = build_c(&dir, "full", &["-g", "-DVARIANT=0"]);
    let debug = dir.join("app.debug");
    run(Command::new("objcopy")
        .arg("--only-keep-debug")
        .arg(&full)
        .arg(&debug));
    let bin = dir.join("app");
    run(Command::new("objcopy")
        .arg("--strip-debug")
        .arg(format!("--add-gnu-debuglink={}", s(&debug)))
        .arg(&full)
        .arg(&bin));
    let f = ObjectFile::open(&s(&bin)).expect("opens");
    assert!(!f.elf().expect("parses").has_dwarf());
    check_fixture(&bin, &full, no_search());

    // A debug file whose CRC does not match is not used: names come from
    // the symbol table alone.
    let other = build_c(&dir, "other", &["-g", "-DVARIANT=1"]);
    run(Command::new("objcopy")
        .arg("--only-keep-debug")
        .arg(&other)
        .arg(&debug));
    let (leaf, _, id) = symbol(&full, "leaf");
    let mut p = profile(&bin, "/opt/app/app", &id, &[leaf + 1]);
    symbolize(&mut p, &options(&bin, no_search()));
    assert_eq!(frames(&p, 0), vec![frame("leaf", "", 0)]);
}

#[test]
fn debug_file_found_by_build_id() {
    let dir = workdir("buildid-debug");
    let full = build_c(&dir, "full", &["-g", "-DVARIANT=0"]);
    let (_, _, id) = symbol(&full, "work");
    let root = dir.join("debug");
    let tree = root.join(".build-id").join(&id[..2]);
    std::fs::create_dir_all(&tree).expect("mkdir");
    run(Command::new("objcopy")
        .arg("--only-keep-debug")
        .arg(&full)
        .arg(tree.join(format!("{}.debug", &id[2..]))));
    let bin = dir.join("app");
    run(Command::new("strip").arg("-o").arg(&bin).arg(&full));
    let locator = Locator {
        search_path: vec![],
        debug_dirs: vec![s(&root)],
    };
    check_fixture(&bin, &full, locator);
}

#[test]
fn wrong_binary_is_refused_by_build_id() {
    let dir = workdir("mismatch");
    let right = build_c(&dir, "right", &["-g", "-DVARIANT=0"]);
    let wrong = build_c(&dir, "wrong", &["-g", "-DVARIANT=1"]);
    let (leaf, _, right_id) = symbol(&right, "leaf");
    let (_, _, wrong_id) = symbol(&wrong, "leaf");
    assert_ne!(right_id, wrong_id);

    // Named on the command line: refused, the location stays bare.
    let mut p = profile(&right, "/opt/app/right", &right_id, &[leaf + 1]);
    let notes = symbolize(&mut p, &options(&wrong, no_search()));
    assert_eq!(
        notes,
        vec![format!(
            "Local symbolization failed for wrong (build ID {right_id}): build ID mismatch \
             ({right_id} != {wrong_id}, {})",
            s(&wrong)
        )]
    );
    assert!(frames(&p, 0).is_empty());

    // Found on the search path: skipped with pprof's warning.
    let search = dir.join("search");
    std::fs::create_dir_all(search.join(&right_id)).expect("mkdir");
    std::fs::copy(&wrong, search.join(&right_id).join("right")).expect("copy");
    let mut p = profile(&right, "/opt/app/right", &right_id, &[leaf + 1]);
    let locator = Locator {
        search_path: vec![s(&search)],
        debug_dirs: vec![],
    };
    let notes = symbolize(
        &mut p,
        &Options {
            exec: String::new(),
            ..options(&wrong, locator)
        },
    );
    assert_eq!(
        notes[0],
        format!(
            "Ignoring local file {}/{right_id}/right: build-id mismatch ({right_id} != {wrong_id})",
            s(&search)
        )
    );
    assert!(frames(&p, 0).is_empty());
}

#[test]
fn rust_v0_names_are_demangled() {
    let dir = workdir("rust-v0");
    let src = dir.join("main.rs");
    std::fs::write(
        &src,
        r#"
#[inline(never)]
fn work<T: Copy + Into<u64>>(xs: &[T]) -> u64 {
    xs.iter().map(|&x| x.into() * 3).sum()
}
fn main() {
    let v: Vec<u32> = (0..std::env::args().count() as u32 * 1000).collect();
    std::process::exit(work(&v) as i32 & 1);
}
"#,
    )
    .expect("write source");
    let bin = dir.join("v0");
    run(
        Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
            .args(["-C", "symbol-mangling-version=v0", "-C", "debuginfo=2"])
            .args(["-C", "opt-level=2", "-C", "relocation-model=pie"])
            .arg("-o")
            .arg(&bin)
            .arg(&src),
    );
    let f = ObjectFile::open(&s(&bin)).expect("opens");
    let elf = f.elf().expect("parses");
    let t = SymbolTable::new(&elf.file);
    let sym = t
        .all()
        .iter()
        .find(|x| x.name.starts_with("_R") && x.name.contains("4work"))
        .expect("a v0 symbol for work");
    let id = elf.build_id.clone();
    let mut p = profile(&bin, "/opt/app/v0", &id, &[sym.addr]);
    symbolize(&mut p, &options(&bin, no_search()));
    let f = frames(&p, 0);
    let outer = &f.last().expect("frames").0;
    assert_eq!(outer, "main::work::<u32>");
    let sys = p.functions[p
        .loc_lines(LocationId(0))
        .last()
        .expect("a line")
        .function
        .index()]
    .system_name;
    assert!(p.str(sys).starts_with("_RINv"), "{}", p.str(sys));
}

#[test]
fn binary_argument_on_the_command_line() {
    let dir = workdir("cli");
    let bin = build_c(&dir, "fixture", &["-g", "-DVARIANT=0"]);
    let (work, work_end, id) = symbol(&bin, "work");
    let (leaf, _, _) = symbol(&bin, "leaf");
    let mut addrs = vec![leaf + 1];
    addrs.extend(work..work_end);
    let p = profile(&bin, "/opt/app/fixture", &id, &addrs);
    let prof = dir.join("fixture.pb.gz");
    std::fs::write(&prof, rpprof::source::encode::encode(&p)).expect("write profile");
    let out = common::rpprof(["-top", "-nodecount=3"])
        .arg(&bin)
        .arg(&prof)
        .env("HOME", &dir)
        .run();
    let stdout = out.out();
    let stderr = &out.stderr;
    assert!(stderr.is_empty(), "{stderr}");
    assert!(stdout.starts_with("File: fixture\nBuild ID: "), "{stdout}");
    let rows: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.contains("flat%"))
        .collect();
    assert!(rows.iter().any(|l| l.ends_with(" work")), "{stdout}");
    assert!(
        rows.iter().any(|l| l.ends_with(" square (inline)")),
        "{stdout}"
    );

    // Without the binary the mapping keeps its `[fixture]` form.
    let out = common::rpprof(["-top", "-nodecount=1"])
        .arg(&prof)
        .env("HOME", &dir)
        .run();
    let stdout = out.out();
    assert!(stdout.trim_end().ends_with(" [fixture]"), "{stdout}");
    assert_eq!(
        out.stderr,
        format!(
            "Local symbolization failed for fixture (build ID {id}): stat /opt/app/fixture: \
             no such file or directory\nSome binary filenames not available. Symbolization may \
             be incomplete.\nTry setting PPROF_BINARY_PATH to the search path for local \
             binaries.\n"
        )
    );
}

#[test]
fn disasm_of_a_sampled_routine() {
    let dir = workdir("disasm");
    let bin = build_c(&dir, "fixture", &["-g", "-DVARIANT=0"]);
    let (leaf, leaf_end, id) = symbol(&bin, "leaf");
    let p = profile(&bin, "/opt/app/fixture", &id, &[leaf, leaf]);
    let prof = dir.join("fixture.pb.gz");
    std::fs::write(&prof, rpprof::source::encode::encode(&p)).expect("write profile");
    let rpprof = |re: &str| {
        common::rpprof([format!("-disasm={re}")])
            .arg(&bin)
            .arg(&prof)
            .env("HOME", &dir)
            .run()
    };
    let out = rpprof("leaf");
    let stdout = out.out();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "Total: 2", "{stdout}");
    assert_eq!(lines[1], "ROUTINE ======================== leaf");
    assert_eq!(
        lines[2],
        "         2          2 (flat, cum)   100% of Total"
    );
    // Every byte of leaf is covered by the instructions listed.
    let addrs: Vec<u64> = lines[3..]
        .iter()
        .map(|l| u64::from_str_radix(l[22..32].trim(), 16).expect("address column"))
        .collect();
    assert_eq!(addrs[0], leaf);
    assert!(*addrs.last().expect("instructions") < leaf_end);
    // The first instruction carries both samples and the source position.
    let first = lines[3];
    assert!(first.starts_with("         2          2 "), "{first}");
    assert!(
        first.ends_with(&format!(";leaf fixture.c:{}", line_of("LINE_LEAF"))),
        "{first}"
    );
    assert!(
        lines[4..]
            .iter()
            .all(|l| l.starts_with("         .          . "))
    );

    let out = rpprof("nothing_like_this");
    assert_eq!(
        out.stderr,
        "no matches found for regexp: nothing_like_this\n"
    );
    assert_eq!(out.code, 1);

    // The web UI's Disassemble view shows the same listing.
    let home = dir.display().to_string();
    let ui = common::WebUi::start(
        &[bin.to_str().unwrap(), prof.to_str().unwrap()],
        &[("HOME", home.as_str())],
    );
    let page = ui.get("/ui/disasm?f=leaf");
    assert_eq!(page.status, 200, "{}", page.text());
    let page = page.text();
    for l in &lines {
        let shown = l
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&#34;")
            .replace('\'', "&#39;");
        assert!(page.contains(&shown), "{l:?} in the disasm page");
    }
}

/// A binary `disasm` cannot open is named on stdout ahead of the report,
/// also when nothing else matches, as pprof prints it; the web UI's view
/// keeps the line too.
#[test]
fn disasm_names_a_missing_binary_on_stdout() {
    let dir = workdir("disasm-missing");
    let bin = build_c(&dir, "fixture", &["-g", "-DVARIANT=0"]);
    let (leaf, _, id) = symbol(&bin, "leaf");
    let p = profile(&bin, "/opt/app/fixture", &id, &[leaf]);
    let prof = dir.join("fixture.pb.gz");
    std::fs::write(&prof, rpprof::source::encode::encode(&p)).expect("write profile");
    let out = common::rpprof(["-disasm=."])
        .arg(&prof)
        .env("HOME", &dir)
        .run();
    assert_eq!(
        out.out(),
        "stat /opt/app/fixture: no such file or directory\n"
    );
    assert!(
        out.stderr
            .ends_with("binaries.\nno matches found for regexp: .\n"),
        "{}",
        out.stderr
    );
    assert_eq!(out.code, 1);

    let home = dir.display().to_string();
    let ui = common::WebUi::start(&[prof.to_str().unwrap()], &[("HOME", home.as_str())]);
    let page = ui.get("/ui/disasm?f=.").text();
    assert!(
        page.contains("stat /opt/app/fixture: no such file or directory"),
        "{page}"
    );
    assert!(page.contains("no matches found for regexp: ."), "{page}");
}

/// Corrupt DWARF is one warning naming the file (the symbol table still
/// names the functions); a compressed debug section that would inflate
/// past the memory limit is not inflated, with one warning saying how to
/// raise the limit.
#[test]
fn corrupt_or_oversized_dwarf_is_one_warning() {
    let dir = workdir("baddwarf");
    let bin = build_c(&dir, "fixture", &["-g", "-DVARIANT=0"]);
    std::fs::write(dir.join("garbage"), [0xffu8; 64]).unwrap();
    run(Command::new("objcopy")
        .arg("--update-section")
        .arg(format!(".debug_info={}", s(&dir.join("garbage"))))
        .arg(&bin));
    let (leaf, _, id) = symbol(&bin, "leaf");
    let mut p = profile(&bin, "/opt/app/fixture", &id, &[leaf + 1]);
    let notes = symbolize(&mut p, &options(&bin, no_search()));
    assert_eq!(frames(&p, 0)[0].0, "leaf");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].starts_with(&format!(
            "Local symbolization of {}: corrupt DWARF (",
            s(&bin)
        )) && notes[0].ends_with("): some functions and lines may be missing"),
        "{notes:?}"
    );

    let bin = build_c(&dir, "zfixture", &["-g", "-gz", "-DVARIANT=0"]);
    let (work, work_end, id) = symbol(&bin, "work");
    let p = profile(&bin, "/opt/app/zfixture", &id, &[work, work_end - 1]);
    let prof = dir.join("z.pb.gz");
    std::fs::write(&prof, rpprof::source::encode::encode(&p)).expect("write profile");
    let out = common::rpprof(["-top", "-nodecount=3"])
        .arg(&bin)
        .arg(&prof)
        .env("HOME", &dir)
        .env("RPPROF_MAX_MEMORY", "1K")
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let want = format!(
        "Local symbolization of {}: compressed debug sections inflate to more than the limit \
         of 0 MiB (set RPPROF_MAX_MEMORY, e.g. RPPROF_MAX_MEMORY=8G, to raise it): .debug_",
        s(&bin)
    );
    assert!(out.stderr.starts_with(&want), "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    // The symbol table still names the function.
    assert!(out.out().contains(" work\n"), "{}", out.out());
}
