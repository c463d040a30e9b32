//! Entry points for the fuzz targets in `fuzz/` (built only under
//! `cfg(fuzzing)`, which `cargo fuzz` sets): the crate-private stages a
//! target reaches, each on arbitrary input. An error is a fine answer; a
//! panic, an abort or a hang is a finding.

use crate::commands::{self, Output};
use crate::config::Config;
use crate::model::Profile;
use crate::shell::grammar;
use crate::shell::session::Session;
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

/// Whatever the decoder accepts must also survive the load-time steps
/// (merge, prune) and the text reports.
pub fn report(data: &[u8]) {
    use crate::model::{merge, prune};
    let Ok(p) = crate::source::parse(data.to_vec()) else {
        return;
    };
    let Ok(mut p) = merge::merge(&[&p]) else {
        return;
    };
    if prune::remove_uninteresting(&mut p).is_err() {
        return;
    }
    merge::ensure_mapping(&mut p);
    let mut s = Session::new(p, Config::default());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    for line in [
        "top",
        "top -cum",
        "peek .",
        "traces",
        "tags",
        "raw",
        "tree",
        "flame",
        "granularity=lines",
        "top",
        "mean=true",
        "top",
    ] {
        s.execute(line, &mut out, &mut err);
    }
}

/// The shell's grammar and line processing on arbitrary text (up to 16
/// lines), against `profile`. Lines that could write files or start
/// programs (`>f`, `output=`, non-text commands) only go through the
/// grammar.
pub fn shell(profile: &Profile, text: &str) {
    let mut s = Session::new(profile.clone(), Config::default());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    for line in text.lines().take(16) {
        let words = grammar::words(line);
        let _ = grammar::args(&words);
        for w in &words {
            let _ = grammar::split_digits(w);
        }
        let _ = grammar::assignment(line);
        if harmless(line, &words) {
            s.execute(line, &mut out, &mut err);
        }
        out.clear();
        err.clear();
    }
}

/// True when running `line` cannot touch the file system or spawn anything.
fn harmless(line: &str, words: &[&str]) -> bool {
    if line.contains('>') || line.contains("output") {
        return false;
    }
    let Some(&first) = words.first() else {
        return true;
    };
    let name = match commands::command(first) {
        Some(_) => first,
        None => grammar::split_digits(first).map_or(first, |(n, _)| n),
    };
    match commands::command(name) {
        Some(c) => c.output == Output::Text && !matches!(name, "disasm" | "weblist"),
        None => true,
    }
}
