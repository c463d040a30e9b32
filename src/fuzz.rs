//! Entry points for the fuzz targets in `fuzz/` and for
//! `tests/fuzz_findings.rs`, which replays every past finding through
//! them: the crate-private stages a target reaches, each on arbitrary
//! input (the shell's own are in `shell::fuzz`). An error is a fine
//! answer; a panic, an abort or a hang is a finding.

use crate::symbolize::address::ElfAddr;
use crate::symbolize::binary::Elf;
use crate::symbolize::demangle::{Style, demangle};
use crate::symbolize::frames::{Dwarf, Resolver};
use crate::symbolize::symbols::SymbolTable;

/// ELF and DWARF loading: headers, segments, build ID, debug link,
/// (compressed) debug sections, the symbol table and line lookups at the
/// start and middle of each segment.
pub fn elf(data: &[u8]) {
    let Ok(elf) = Elf::parse(data) else {
        return;
    };
    let dwarf = Dwarf::new(&elf);
    let symbols = SymbolTable::new(&elf.file);
    let mut r = Resolver::new(&dwarf, &symbols);
    let mut out = Vec::new();
    for s in &elf.segments {
        let _ = elf.code_at(s.vaddr);
        for a in [s.vaddr, s.vaddr.wrapping_add(s.memsz / 2)] {
            out.clear();
            r.frames(ElfAddr(a), &mut out);
        }
    }
}

/// The demangler in every style.
pub fn demangle_all(name: &str) {
    for style in [
        Style::Simplified,
        Style::Templates,
        Style::Full,
        Style::Everything,
    ] {
        let _ = demangle(name, style);
    }
}

/// The command line, and the fetch request built from what it accepts.
pub fn command_line(words: &[String]) {
    let mut argv = vec!["rpprof".to_string()];
    argv.extend_from_slice(words);
    if let Ok(args) = crate::cli::parse(&argv) {
        let _ = args.fetch_request();
    }
}
