//! Addresses to frames: the DWARF of one binary (through `addr2line`),
//! inline chains innermost first as pprof stores them, and the symbol
//! table naming the outermost frame the way llvm-symbolizer does.
//!
//! [`Dwarf`] holds the sections of one debug file (borrowed from its
//! memory map, or decompressed once) and of its split-DWARF files; it is
//! shared by all threads. Each thread builds its own [`Resolver`]
//! (`addr2line::Context` is not `Sync`). Frame names are the raw linkage
//! names: demangling happens later, over the whole profile.

use super::address::ElfAddr;
use super::binary::Elf;
use super::symbols::SymbolTable;
use addr2line::{Context, LookupContinuation, LookupResult};
use gimli::{DwarfPackageSections, DwarfSections, EndianSlice, RunTimeEndian, SectionId};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

type Reader<'a> = EndianSlice<'a, RunTimeEndian>;

/// One frame of an address: raw function name (borrowed from the binary),
/// source file (an index into the resolver's [`Resolver::files`]) and line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Frame<'d> {
    pub name: &'d str,
    pub file: u32,
    pub line: i64,
}

/// File index 0: no file.
pub const NO_FILE: u32 = 0;

/// The sections `addr2line` reads; the others (location lists, macros)
/// are never decompressed.
fn wanted(id: SectionId) -> bool {
    matches!(
        id,
        SectionId::DebugAbbrev
            | SectionId::DebugAddr
            | SectionId::DebugAranges
            | SectionId::DebugInfo
            | SectionId::DebugLine
            | SectionId::DebugLineStr
            | SectionId::DebugStr
            | SectionId::DebugStrOffsets
            | SectionId::DebugRanges
            | SectionId::DebugRngLists
            | SectionId::DebugCuIndex
            | SectionId::DebugTuIndex
    )
}

/// Section `id` of `elf` (its `.dwo` name in split files), or empty. A
/// compressed section is inflated only while the sizes inflated so far
/// (counted in `inflated`) stay within the memory limit; one refused is
/// said in `problems`.
fn section<'a>(
    elf: &Elf<'a>,
    id: SectionId,
    dwo: bool,
    inflated: &mut u64,
    problems: &mut Vec<String>,
) -> Cow<'a, [u8]> {
    let name = if dwo { id.dwo_name() } else { Some(id.name()) };
    let Some(name) = name.filter(|_| wanted(id)) else {
        return Cow::Borrowed(&[][..]);
    };
    if let Some(size) = elf.inflated_size(name) {
        let before = *inflated;
        *inflated = inflated.saturating_add(size);
        let limit = crate::source::memory_limit();
        if *inflated > limit {
            // Said once, where the sizes first cross the limit.
            if before <= limit {
                problems.push(format!(
                    "compressed debug sections inflate to more than the limit of {} MiB (set \
                     RPPROF_MAX_MEMORY, e.g. RPPROF_MAX_MEMORY=8G, to raise it): {name} ({} \
                     MiB) and those after it not read",
                    limit >> 20,
                    size.div_ceil(1 << 20)
                ));
            }
            return Cow::Borrowed(&[][..]);
        }
    }
    elf.section(name).unwrap_or(Cow::Borrowed(&[][..]))
}

fn load_sections<'a>(
    elf: &Elf<'a>,
    dwo: bool,
    problems: &mut Vec<String>,
) -> DwarfSections<Cow<'a, [u8]>> {
    let mut inflated = 0;
    let r: Result<_, gimli::Error> =
        DwarfSections::load(|id| Ok(section(elf, id, dwo, &mut inflated, problems)));
    r.unwrap_or_else(|_| unreachable!("the section loader never fails"))
}

/// The DWARF of a binary, ready to be shared by resolver threads.
pub struct Dwarf<'a> {
    main: DwarfSections<Cow<'a, [u8]>>,
    endian: RunTimeEndian,
    /// Split units (`.dwo` files), by the path the skeleton names.
    dwos: HashMap<String, DwarfSections<Cow<'a, [u8]>>>,
    /// A DWARF package (`.dwp`) next to the binary.
    dwp: Option<DwarfPackageSections<Cow<'a, [u8]>>>,
    /// Source paths as `addr2line` renders them → as llvm-symbolizer does.
    renames: HashMap<String, String>,
    /// The `.dwo` files skeleton units name.
    split_paths: Vec<String>,
    /// See [`Dwarf::problems`].
    problems: Vec<String>,
}

impl<'a> Dwarf<'a> {
    /// The DWARF sections of `elf` (loaded and decompressed once).
    pub fn new(elf: &Elf<'a>) -> Dwarf<'a> {
        let mut problems = Vec::new();
        let mut d = Dwarf {
            main: load_sections(elf, false, &mut problems),
            endian: endian(elf),
            dwos: HashMap::new(),
            dwp: None,
            renames: HashMap::new(),
            split_paths: Vec::new(),
            problems,
        };
        d.scan_units();
        d
    }

    /// What was wrong with the DWARF (sections not read, corrupt units),
    /// one line each, for a warning.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// The `.dwo` paths the skeleton units name (comp dir joined).
    pub fn split_paths(&self) -> &[String] {
        &self.split_paths
    }

    /// Adds split units: `.dwo` files by path, and a `.dwp` package.
    pub fn add_split(&mut self, dwos: &[(String, Elf<'a>)], dwp: Option<&Elf<'a>>) {
        for (p, e) in dwos {
            self.dwos
                .insert(p.clone(), load_sections(e, true, &mut self.problems));
        }
        let (mut inflated, problems) = (0, &mut self.problems);
        self.dwp = dwp.and_then(|e| {
            DwarfPackageSections::load(|id| {
                Ok::<_, gimli::Error>(section(e, id, true, &mut inflated, problems))
            })
            .ok()
        });
    }

    /// One pass over the unit headers: split units, and the DWARF 5 file
    /// entries whose path llvm-symbolizer renders differently.
    fn scan_units(&mut self) {
        let e = self.endian;
        let dwarf = self.main.borrow(|s| EndianSlice::new(s, e));
        let mut units = dwarf.units();
        let mut corrupt = None;
        loop {
            let header = match units.next() {
                Ok(Some(h)) => h,
                Ok(None) => break,
                Err(e) => {
                    corrupt.get_or_insert(e);
                    break;
                }
            };
            let unit = match dwarf.unit(header) {
                Ok(u) => u,
                Err(e) => {
                    corrupt.get_or_insert(e);
                    continue;
                }
            };
            if unit.dwo_id.is_some()
                && let Some(p) = dwo_path(&dwarf, &unit)
            {
                self.split_paths.push(p);
            }
            if header.version() >= 5 {
                llvm_renames(&dwarf, &unit, &mut self.renames);
            }
        }
        self.split_paths.sort();
        self.split_paths.dedup();
        if let Some(e) = corrupt {
            self.problems.push(format!(
                "corrupt DWARF ({e}): some functions and lines may be missing"
            ));
        }
    }
}

/// llvm-symbolizer (before LLVM 17) prefixes the compilation directory
/// even to DWARF 5 files of directory 0, which already is that directory:
/// `./nptl` + `./nptl` + `pthread_create.c`. Records those paths, keyed by
/// the way `addr2line` renders them (compilation directory + file).
fn llvm_renames(
    dwarf: &gimli::Dwarf<Reader>,
    unit: &gimli::Unit<Reader>,
    out: &mut HashMap<String, String>,
) {
    let (Some(comp_dir), Some(program)) = (unit.comp_dir, unit.line_program.as_ref()) else {
        return;
    };
    let comp_dir = comp_dir.to_string_lossy();
    let header = program.header();
    let Some(dir0) = header
        .include_directories()
        .first()
        .and_then(|d| dwarf.attr_string(unit, *d).ok())
    else {
        return;
    };
    let dir0 = dir0.to_string_lossy();
    if comp_dir.is_empty() || dir0.starts_with('/') {
        return;
    }
    for f in header.file_names() {
        if f.directory_index() != 0 {
            continue;
        }
        let Ok(name) = dwarf.attr_string(unit, f.path_name()) else {
            continue;
        };
        let name = name.to_string_lossy();
        if name.starts_with('/') {
            continue;
        }
        let dir = comp_dir.trim_end_matches('/');
        out.insert(format!("{dir}/{name}"), format!("{dir}/{dir0}/{name}"));
    }
}

fn endian(elf: &Elf) -> RunTimeEndian {
    if elf.is_little_endian() {
        RunTimeEndian::Little
    } else {
        RunTimeEndian::Big
    }
}

fn dwo_path(dwarf: &gimli::Dwarf<Reader>, unit: &gimli::Unit<Reader>) -> Option<String> {
    let name = unit.dwo_name().ok()??;
    let name = dwarf.attr_string(unit, name).ok()?;
    let comp_dir = unit.comp_dir.map(|d| d.to_string_lossy().into_owned());
    Some(join_dwo(comp_dir.as_deref(), &name.to_string_lossy()))
}

fn join_dwo(comp_dir: Option<&str>, name: &str) -> String {
    match comp_dir {
        Some(d) if !name.starts_with('/') && !d.is_empty() => {
            format!("{}/{name}", d.trim_end_matches('/'))
        }
        _ => name.to_string(),
    }
}

/// Address lookups for one thread.
pub struct Resolver<'d> {
    ctx: Option<Context<Reader<'d>>>,
    dwarf: &'d Dwarf<'d>,
    symbols: &'d SymbolTable<'d>,
    dwp: Option<gimli::DwarfPackage<Reader<'d>>>,
    loaded: HashMap<String, Option<Arc<gimli::Dwarf<Reader<'d>>>>>,
    /// Source file names seen so far.
    pub files: FileNames<'d>,
}

/// Interned source file names, as llvm-symbolizer spells them; index 0
/// ([`NO_FILE`]) is "no file".
pub struct FileNames<'d> {
    renames: &'d HashMap<String, String>,
    pub names: Vec<String>,
    ids: HashMap<String, u32>,
}

impl FileNames<'_> {
    fn id(&mut self, name: &str) -> u32 {
        if name.is_empty() {
            return NO_FILE;
        }
        let name = self.renames.get(name).map_or(name, String::as_str);
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), id);
        id
    }
}

impl<'d> Resolver<'d> {
    /// A resolver over `dwarf` (which may have no units) and `symbols`.
    pub fn new(dwarf: &'d Dwarf<'d>, symbols: &'d SymbolTable<'d>) -> Resolver<'d> {
        let e = dwarf.endian;
        let mut sections = dwarf.main.borrow(|s| EndianSlice::new(s, e));
        sections.populate_abbreviations_cache(gimli::AbbreviationsCacheStrategy::Duplicates);
        let ctx = Context::from_dwarf(sections).ok();
        let dwp = dwarf.dwp.as_ref().and_then(|d| {
            d.borrow(|s| EndianSlice::new(s, e), EndianSlice::new(&[], e))
                .ok()
        });
        Resolver {
            ctx,
            dwarf,
            symbols,
            dwp,
            loaded: HashMap::new(),
            files: FileNames {
                renames: &dwarf.renames,
                names: vec![String::new()],
                ids: HashMap::new(),
            },
        }
    }

    /// Appends the frames of `addr` to `out`, innermost first; nothing when
    /// neither DWARF nor the symbol table knows the address.
    pub fn frames(&mut self, addr: ElfAddr, out: &mut Vec<Frame<'d>>) {
        let first = out.len();
        self.dwarf_frames(addr.0, out);
        if let Some(sym) = self.symbols.lookup(addr.0) {
            if out.len() == first {
                out.push(Frame::default());
            }
            let last = out.last_mut().expect("one frame at least");
            last.name = sym.name;
            if last.file == NO_FILE {
                last.file = self.files.id(sym.file);
            }
        }
        if out[first..].iter().all(|f| *f == Frame::default()) {
            out.truncate(first);
        }
    }

    fn dwarf_frames(&mut self, probe: u64, out: &mut Vec<Frame<'d>>) {
        // addr2line looks up `probe..probe + 1`, which overflows at the
        // last address (no code lives there); found by the `elf` fuzz target.
        let Some(ctx) = self.ctx.as_ref().filter(|_| probe != u64::MAX) else {
            return;
        };
        let mut lookup = ctx.find_frames(probe);
        let mut iter = loop {
            match lookup {
                LookupResult::Output(Ok(it)) => break it,
                LookupResult::Output(Err(_)) => return,
                LookupResult::Load { load, continuation } => {
                    let dwo = load_split(self.dwarf, self.dwp.as_ref(), &mut self.loaded, &load);
                    lookup = continuation.resume(dwo);
                }
            }
        };
        while let Ok(Some(f)) = iter.next() {
            let name = f
                .function
                .as_ref()
                .and_then(|n| std::str::from_utf8(n.name.slice()).ok())
                .unwrap_or("");
            let (file, line) = match &f.location {
                Some(l) => (l.file.unwrap_or(""), l.line.map_or(0, i64::from)),
                None => ("", 0),
            };
            out.push(Frame {
                name,
                file: self.files.id(file),
                line,
            });
        }
    }
}

/// Finds the split unit a skeleton asks for: in the package, else in the
/// `.dwo` file it names. Results are cached per resolver.
fn load_split<'d>(
    dwarf: &'d Dwarf<'d>,
    dwp: Option<&gimli::DwarfPackage<Reader<'d>>>,
    loaded: &mut HashMap<String, Option<Arc<gimli::Dwarf<Reader<'d>>>>>,
    load: &addr2line::SplitDwarfLoad<Reader<'d>>,
) -> Option<Arc<gimli::Dwarf<Reader<'d>>>> {
    if let Some(p) = dwp
        && let Ok(Some(cu)) = p.find_cu(load.dwo_id, &load.parent)
    {
        return Some(Arc::new(cu));
    }
    let comp_dir = load.comp_dir.map(|d| d.to_string_lossy().into_owned());
    let name = load.path?.to_string_lossy().into_owned();
    let path = join_dwo(comp_dir.as_deref(), &name);
    loaded
        .entry(path)
        .or_insert_with_key(|path| {
            let sections = dwarf.dwos.get(path)?;
            let e = dwarf.endian;
            let mut d = sections.borrow(|s| EndianSlice::new(s, e));
            let header = d.units().next().ok()??;
            let unit = d.unit(header).ok()?;
            if unit.dwo_id != Some(load.dwo_id) {
                return None;
            }
            d.make_dwo(&load.parent);
            Some(Arc::new(d))
        })
        .clone()
}
