//! Symbolization: turns a profile's bare addresses into functions, files
//! and lines (inline chains included), in process, the way upstream pprof
//! does it through llvm-symbolizer.
//!
//! Runs once at load, after merging and before `drop_frames` pruning
//! (pprof's `fetchProfiles` order): locate binaries ([`locate`]), apply the
//! binary named on the command line, then per binary — loaded once,
//! memory-mapped, whatever number of mappings share it — translate every
//! address ([`address`]), deduplicate and sort them, resolve them on all
//! cores ([`frames`]), and write the frames into the profile. Finally
//! every function name is demangled ([`demangle`]). Messages for stderr are
//! returned as lines, one per mapping at most, never one per address.

pub mod address;
pub mod binary;
pub mod demangle;
pub mod frames;
pub mod locate;
pub mod symbols;

use crate::aggregate::nodes::basename;
use crate::model::{Function, Line, Profile, StrId, merge};
use address::{ElfAddr, MappingRange, ProfileAddr, Translation};
use binary::{Elf, ObjectFile};
use demangle::Style;
use frames::{Dwarf, Frame, Resolver};
use locate::Locator;
use std::borrow::Cow;
use std::collections::HashMap;
use symbols::SymbolTable;

/// Below this many addresses per thread a second thread does not pay for
/// its own DWARF context.
const MIN_ADDRESSES_PER_THREAD: usize = 2000;

/// A parsed `-symbolize=` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mode {
    /// `none`: no symbolization, no demangling.
    pub none: bool,
    /// Use local binaries.
    pub local: bool,
    /// Re-symbolize mappings that already have symbols.
    pub force: bool,
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
                        "demangle=none" => Style::None,
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

/// Everything symbolization needs besides the profile.
pub struct Options {
    /// The `-symbolize` flag value.
    pub mode: String,
    /// The binary named on the command line, or empty.
    pub exec: String,
    /// The `-buildid` flag value.
    pub build_id: String,
    pub locator: Locator,
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
        local(p, mode.force, &o.locator, &mut notes);
    }
    demangle_all(p, mode.force, mode.demangle);
    notes
}

/// One binary and the mappings that use it.
struct Job {
    file: ObjectFile,
    mappings: Vec<(usize, Translation)>,
}

/// pprof's `doLocalSymbolize` over every mapping that needs it.
fn local(p: &mut Profile, force: bool, locator: &Locator, notes: &mut Vec<String>) {
    let mut used = vec![false; p.mappings.len()];
    for l in &p.locations {
        if let Some(u) = used.get_mut(l.mapping as usize) {
            *u = true;
        }
    }
    let mut jobs: Vec<Job> = Vec::new();
    let mut by_path: HashMap<String, Result<usize, String>> = HashMap::new();
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
                let f = ObjectFile::open(file)?;
                f.elf()?;
                jobs.push(Job {
                    file: f,
                    mappings: Vec::new(),
                });
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
    let mut out = Writer::default();
    for job in jobs.iter().filter(|j| !j.mappings.is_empty()) {
        symbolize_binary(p, job, locator, &mut out, notes);
    }
}

/// Resolves every address of `job`'s mappings and writes the frames.
fn symbolize_binary(
    p: &mut Profile,
    job: &Job,
    locator: &Locator,
    out: &mut Writer,
    notes: &mut Vec<String>,
) {
    let Ok(elf) = job.file.elf() else { return };
    let debug = locator.debug_file(&job.file.path, &elf);
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
    let symbols = SymbolTable::new(&elf.file);

    let translation: HashMap<u32, Translation> =
        job.mappings.iter().map(|&(mi, t)| (mi as u32, t)).collect();
    let mut addrs: Vec<ElfAddr> = p
        .locations
        .iter()
        .filter_map(|l| {
            let t = translation.get(&l.mapping)?;
            Some(t.to_elf(ProfileAddr(l.address)))
        })
        .collect();
    addrs.sort_unstable();
    addrs.dedup();
    let resolved = resolve_all(&dwarf, &symbols, &addrs);

    let mut unknown = 0usize;
    for li in 0..p.locations.len() {
        let l = &p.locations[li];
        let Some(t) = translation.get(&l.mapping) else {
            continue;
        };
        let e = t.to_elf(ProfileAddr(l.address));
        let Ok(i) = addrs.binary_search(&e) else {
            continue;
        };
        let (chunk, frames) = resolved.frames(i);
        if frames.is_empty() {
            unknown += 1;
            continue;
        }
        let files = &resolved.chunks[chunk].files;
        let start = p.lines.len() as u32;
        let mapping = l.mapping as usize;
        for f in frames {
            let line = out.line(p, f, &files[f.file as usize]);
            p.lines.push(line);
        }
        let l = &mut p.locations[li];
        l.lines_start = start;
        l.lines_len = frames.len() as u32;
        l.is_folded = false;
        let m = &mut p.mappings[mapping];
        m.has_inline_frames = true;
        for f in frames {
            m.has_functions |= !f.name.is_empty();
            m.has_filenames |= f.file != frames::NO_FILE;
            m.has_line_numbers |= f.line != 0;
        }
    }
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

/// The frames of every address, resolved by contiguous chunks in parallel.
struct Resolved<'d> {
    chunks: Vec<Chunk<'d>>,
    /// The first address index of each chunk.
    starts: Vec<usize>,
}

/// One thread's results: per address a range of `frames`, and the file
/// names its frame file indices refer to.
struct Chunk<'d> {
    frames: Vec<Frame<'d>>,
    ranges: Vec<(u32, u32)>,
    files: Vec<String>,
}

impl<'d> Resolved<'d> {
    /// The chunk index and frames of address `i`.
    fn frames(&self, i: usize) -> (usize, &[Frame<'d>]) {
        let c = self.starts.partition_point(|&s| s <= i) - 1;
        let chunk = &self.chunks[c];
        let (a, b) = chunk.ranges[i - self.starts[c]];
        (c, &chunk.frames[a as usize..b as usize])
    }
}

fn resolve_chunk<'d>(
    dwarf: &'d Dwarf<'d>,
    symbols: &'d SymbolTable<'d>,
    addrs: &[ElfAddr],
) -> Chunk<'d> {
    let mut r = Resolver::new(dwarf, symbols);
    let mut frames = Vec::with_capacity(addrs.len() * 4);
    let mut ranges = Vec::with_capacity(addrs.len());
    for &a in addrs {
        let s = frames.len() as u32;
        r.frames(a, &mut frames);
        ranges.push((s, frames.len() as u32));
    }
    Chunk {
        frames,
        ranges,
        files: std::mem::take(&mut r.files.names),
    }
}

fn resolve_all<'d>(
    dwarf: &'d Dwarf<'d>,
    symbols: &'d SymbolTable<'d>,
    addrs: &[ElfAddr],
) -> Resolved<'d> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(addrs.len() / MIN_ADDRESSES_PER_THREAD).max(1);
    let per = addrs.len().div_ceil(threads).max(1);
    let starts: Vec<usize> = (0..threads)
        .map(|t| t * per)
        .filter(|&s| s < addrs.len().max(1))
        .collect();
    let chunks = if starts.len() <= 1 {
        vec![resolve_chunk(dwarf, symbols, addrs)]
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = starts
                .iter()
                .map(|&st| {
                    let part = &addrs[st..(st + per).min(addrs.len())];
                    s.spawn(move || resolve_chunk(dwarf, symbols, part))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    Resolved { chunks, starts }
}

/// Adds strings and functions to the profile without duplicates.
#[derive(Default)]
struct Writer {
    strings: HashMap<String, StrId>,
    functions: HashMap<(StrId, StrId), u32>,
}

impl Writer {
    fn intern(&mut self, p: &mut Profile, s: &str) -> StrId {
        if s.is_empty() {
            return 0;
        }
        if let Some(&id) = self.strings.get(s) {
            return id;
        }
        let id = p.strings.len() as StrId;
        p.strings.push(s.to_string());
        self.strings.insert(s.to_string(), id);
        id
    }

    /// The profile line for a frame; functions are keyed by (name, file)
    /// as pprof keys them (start lines are not known).
    fn line(&mut self, p: &mut Profile, f: &Frame, file: &str) -> Line {
        let name = self.intern(p, f.name);
        let file = self.intern(p, file);
        let function = *self.functions.entry((name, file)).or_insert_with(|| {
            p.functions.push(Function {
                name,
                system_name: name,
                filename: file,
                start_line: 0,
            });
            (p.functions.len() - 1) as u32
        });
        Line {
            function,
            line: f.line,
        }
    }
}

/// pprof's `Demangle` pass over every function of the profile.
fn demangle_all(p: &mut Profile, force: bool, style: Style) {
    let mut done: HashMap<StrId, StrId> = HashMap::new();
    let mut added: HashMap<String, StrId> = HashMap::new();
    for fi in 0..p.functions.len() {
        let f = p.functions[fi];
        if force && f.name != 0 && f.system_name != 0 {
            p.functions[fi].name = f.system_name;
        }
        let f = p.functions[fi];
        if f.name != 0 && p.str(f.system_name) != p.str(f.name) {
            continue;
        }
        let id = match done.get(&f.system_name) {
            Some(&id) => id,
            None => {
                let id = match demangle::demangle(p.str(f.system_name), style) {
                    Cow::Borrowed(_) => f.system_name,
                    Cow::Owned(d) => match added.get(&d) {
                        Some(&id) => id,
                        None => {
                            p.strings.push(d.clone());
                            let id = (p.strings.len() - 1) as StrId;
                            added.insert(d, id);
                            id
                        }
                    },
                };
                done.insert(f.system_name, id);
                id
            }
        };
        p.functions[fi].name = id;
    }
}
