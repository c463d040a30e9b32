//! Symbolization: turns a profile's bare addresses into functions, files
//! and lines (inline chains included), in process, the way upstream pprof
//! does it through llvm-symbolizer.
//!
//! Runs once at load, after merging and before `drop_frames` pruning
//! (pprof's `fetchProfiles` order): locate binaries ([`locate`]), apply the
//! binary named on the command line, then per binary — loaded once,
//! memory-mapped, whatever number of mappings share it — translate every
//! address ([`address`]), deduplicate and sort them, resolve them on all
//! cores ([`resolve`], [`frames`] over [`binary`] and [`symbols`]), and
//! write the frames into the profile ([`mod@write`]). Finally every function
//! name is demangled ([`demangle`]). [`disasm`] serves the `disasm` report
//! from the same files. Messages for stderr are returned as lines, one per
//! mapping at most (plus one per binary for addresses nothing names),
//! never one per address.

pub(crate) mod address;
pub mod binary;
pub(crate) mod demangle;
pub(crate) mod disasm;
pub(crate) mod frames;
pub mod locate;
pub(crate) mod resolve;
pub mod symbols;
pub(crate) mod write;

use crate::aggregate::nodes::basename;
use crate::model::{Profile, merge};
use address::{ElfAddr, MappingRange, ProfileAddr, Translation};
use binary::{Elf, ObjectFile};
use demangle::Style;
use frames::Dwarf;
use locate::Locator;
use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use symbols::SymbolTable;

/// A parsed `-symbolize=` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mode {
    /// `none`: no symbolization, no demangling.
    pub none: bool,
    /// Use local binaries.
    pub local: bool,
    /// Re-symbolize mappings that already have symbols.
    pub force: bool,
    /// How to demangle names (`symbolize=demangle=…`).
    pub demangle: Style,
}

impl Mode {
    /// Parses pprof's `-symbolize` syntax (`:`-separated, any case, the
    /// last word wins); unknown words produce pprof's two warning lines.
    pub fn parse(s: &str, notes: &mut Vec<String>) -> Mode {
        let mut m = Mode {
            none: false,
            local: true,
            force: false,
            demangle: Style::Simplified,
        };
        for o in s.to_lowercase().split(':') {
            match o {
                "" => {}
                "none" | "no" => {
                    m.none = true;
                    return m;
                }
                "local" | "fastlocal" => m.local = true,
                "remote" => m.local = false,
                "force" => m.force = true,
                "demangle=default" => {}
                "demangle=full" | "demangle=none" | "demangle=templates" => {
                    m.demangle = match o {
                        "demangle=full" => Style::Full,
                        "demangle=none" => Style::Everything,
                        _ => Style::Templates,
                    };
                    m.force = true;
                }
                _ => {
                    notes.push(format!("ignoring unrecognized symbolization option: {s}"));
                    notes.push(
                        "expecting -symbolize=[local|fastlocal|remote|none][:force]\
                         [:demangle=[none|full|templates|default]"
                            .into(),
                    );
                }
            }
        }
        m
    }
}

/// Everything symbolization needs besides the profile. The default is
/// pprof's: no binary named, binaries searched where this environment's
/// `$PPROF_BINARY_PATH`/`$HOME` point.
pub struct Options {
    /// The `-symbolize` flag value.
    pub mode: String,
    /// The binary named on the command line, or empty.
    pub exec: String,
    /// The `-buildid` flag value.
    pub build_id: String,
    /// Where to look for binaries (`$PPROF_BINARY_PATH`, `-exec`, …).
    pub locator: Locator,
    /// Show a progress line on stderr when symbolizing takes a while (set
    /// when stderr is a terminal).
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mode: String::new(),
            exec: String::new(),
            build_id: String::new(),
            locator: Locator::from_env(),
            progress: false,
        }
    }
}

/// Locates binaries, symbolizes and demangles `p` in place. Returns the
/// lines to print on stderr.
pub fn symbolize(p: &mut Profile, o: &Options) -> Vec<String> {
    let mut notes = o.locator.locate_binaries(p);
    merge::ensure_mapping(p);
    locate::apply_exec_override(p, &o.exec, &o.build_id);
    let mode = Mode::parse(&o.mode, &mut notes);
    if mode.none {
        return notes;
    }
    if mode.local {
        local(p, mode.force, o, &mut notes);
    }
    write::demangle_all(p, mode.force, mode.demangle);
    if notes.len() > MAX_NOTES {
        let more = notes.len() - MAX_NOTES;
        notes.truncate(MAX_NOTES);
        notes.push(format!("({more} more symbolization messages not shown)"));
    }
    notes
}

/// Symbolization messages printed at most (one per mapping, and a profile
/// may name a hundred thousand).
const MAX_NOTES: usize = 100;

/// One binary and the mappings that use it.
struct Job {
    file: ObjectFile,
    mappings: Vec<(usize, Translation)>,
}

/// pprof's `doLocalSymbolize` over every mapping that needs it.
fn local(p: &mut Profile, force: bool, o: &Options, notes: &mut Vec<String>) {
    let mut used = vec![false; p.mappings.len()];
    for l in p.locations.iter() {
        if let Some(u) = used.get_mut(l.mapping.index()) {
            *u = true;
        }
    }
    let mut jobs: Vec<Job> = Vec::new();
    // Per binary path: its job, or why it cannot be used (the message is
    // repeated for every mapping of the file).
    let mut by_path: HashMap<String, Result<usize, String>> = HashMap::new();
    let mut by_file: HashMap<(u64, u64), usize> = HashMap::new();
    let mut missing = false;
    for (mi, m) in p.mappings.iter().enumerate() {
        if !used[mi] || (!force && (m.has_functions || m.has_filenames || m.has_line_numbers)) {
            continue;
        }
        let file = p.str(m.file);
        if file.is_empty() {
            if mi == 0 {
                notes.push("Main binary filename not available.".into());
            } else {
                missing = true;
            }
            continue;
        }
        if locate::unsymbolizable(file) || locate::is_url(m, p) {
            continue;
        }
        let bid = p.str(m.build_id);
        let name = if bid.is_empty() {
            basename(file).to_string()
        } else {
            format!("{} (build ID {bid})", basename(file))
        };
        let opened = by_path
            .entry(file.to_string())
            .or_insert_with(|| {
                // Another spelling of a file already open (`./a`, `a`,
                // `//a`, a link): the same job, mapped once.
                let id = std::fs::metadata(file).ok().map(|m| (m.dev(), m.ino()));
                if let Some(&ji) = id.as_ref().and_then(|id| by_file.get(id)) {
                    return Ok(ji);
                }
                let f = ObjectFile::open(file).map_err(|e| e.to_string())?;
                f.elf().map_err(|e| e.to_string())?;
                jobs.push(Job {
                    file: f,
                    mappings: Vec::new(),
                });
                if let Some(id) = id {
                    by_file.insert(id, jobs.len() - 1);
                }
                Ok(jobs.len() - 1)
            })
            .clone();
        let ji = match opened {
            Ok(ji) => ji,
            Err(e) => {
                notes.push(format!("Local symbolization failed for {name}: {e}"));
                missing = true;
                continue;
            }
        };
        let elf = jobs[ji].file.elf().expect("parsed once already");
        if !bid.is_empty() && !elf.build_id.is_empty() && elf.build_id != bid {
            notes.push(format!(
                "Local symbolization failed for {name}: build ID mismatch ({bid} != {}, {})",
                elf.build_id, jobs[ji].file.path
            ));
            continue;
        }
        let range = MappingRange {
            start: m.start,
            limit: m.limit,
            offset: m.offset,
        };
        match Translation::new(elf.kind, &elf.segments, &range) {
            Ok(t) => jobs[ji].mappings.push((mi, t)),
            Err(e) => notes.push(format!(
                "Local symbolization failed for {name}: error reading ELF file {}: {e}",
                jobs[ji].file.path
            )),
        }
    }
    if missing {
        notes.push("Some binary filenames not available. Symbolization may be incomplete.".into());
        notes.push("Try setting PPROF_BINARY_PATH to the search path for local binaries.".into());
    }
    for job in jobs.iter().filter(|j| !j.mappings.is_empty()) {
        symbolize_binary(p, job, o, notes);
    }
}

/// The file the DWARF of `binary` was read from: its debug file if any.
fn dwarf_file<'a>(binary: &'a str, debug: Option<&'a ObjectFile>) -> &'a str {
    debug.map_or(binary, |d| d.path.as_str())
}

/// Resolves every address of `job`'s mappings and writes the frames.
fn symbolize_binary(p: &mut Profile, job: &Job, o: &Options, notes: &mut Vec<String>) {
    let Ok(elf) = job.file.elf() else { return };
    let debug = o.locator.debug_file(&job.file.path, &elf);
    let debug_elf = debug.as_ref().and_then(|d| d.elf().ok());
    let dwarf_elf = debug_elf.as_ref().unwrap_or(&elf);
    let mut dwarf = Dwarf::new(dwarf_elf);
    let dwo_files: Vec<(String, ObjectFile)> = dwarf
        .split_paths()
        .iter()
        .filter_map(|path| ObjectFile::open(path).ok().map(|f| (path.clone(), f)))
        .collect();
    let dwo_elfs: Vec<(String, Elf)> = dwo_files
        .iter()
        .filter_map(|(path, f)| f.elf().ok().map(|e| (path.clone(), e)))
        .collect();
    let dwp_file = ObjectFile::open(&format!("{}.dwp", job.file.path)).ok();
    let dwp_elf = dwp_file.as_ref().and_then(|f| f.elf().ok());
    dwarf.add_split(&dwo_elfs, dwp_elf.as_ref());
    for problem in dwarf.problems() {
        notes.push(format!(
            "Local symbolization of {}: {problem}",
            dwarf_file(&job.file.path, debug.as_ref())
        ));
    }
    let symbols = SymbolTable::new(&elf.file);

    let mut translation: Vec<Option<Translation>> = vec![None; p.mappings.len()];
    for &(mi, t) in &job.mappings {
        translation[mi] = Some(t);
    }
    let located: Vec<(usize, ElfAddr)> = p
        .locations
        .iter()
        .enumerate()
        .filter_map(|(li, l)| {
            let t = translation.get(l.mapping.index())?.as_ref()?;
            Some((li, t.to_elf(ProfileAddr(l.address))))
        })
        .collect();
    let mut addrs: Vec<ElfAddr> = located.iter().map(|&(_, a)| a).collect();
    addrs.sort_unstable();
    addrs.dedup();
    // Drawn raw on the terminal: the name, which a profile chose, loses
    // its control characters.
    let name: String = basename(&job.file.path)
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let label = format!("Symbolizing {name}");
    let progress = o.progress.then_some(label.as_str());
    let resolved = resolve::resolve_all(&dwarf, &symbols, &addrs, progress);
    let unknown = write::write_frames(p, &located, &addrs, &resolved);
    if unknown > 0 {
        let what = if dwarf_elf.has_dwarf() {
            "no symbol or line information"
        } else {
            "no debug info and no symbol"
        };
        notes.push(format!(
            "{unknown} locations in {} have {what}",
            basename(&job.file.path)
        ));
    }
}
