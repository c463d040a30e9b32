//! Every input a fuzz target found a failure with, replayed through the
//! target's own entry point: they live in `fuzz/seeds/TARGET/` (also seeds
//! of the fuzz runs) and must now run clean. The debug test run has
//! overflow checks on, as the fuzz builds do, so an arithmetic overflow
//! fails here too.

mod common;

/// The files of `fuzz/seeds/TARGET`, by name.
fn findings(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = common::crate_dir().join("fuzz/seeds").join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let path = e.expect("directory entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).expect("read finding"))
        })
        .collect();
    out.sort();
    out
}

/// ELF files that overflowed address arithmetic: addr2line's `probe + 1`
/// at the last address, and the end of a text section at the top of the
/// address space.
#[test]
fn elf_findings_run_clean() {
    let found = findings("elf");
    let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["last-address-overflow", "text-section-end-overflow"]
    );
    for (name, data) in &found {
        let run = std::panic::catch_unwind(|| rpprof::fuzz::elf(data));
        assert!(run.is_ok(), "{name} panics");
    }
}
