//! Writing symbolization results into the profile: each location gets its
//! frames as lines (innermost first), functions are shared by (name, file)
//! as pprof shares them, the mapping's has_* flags are set; then the
//! demangling pass over every function of the profile.
//!
//! Only appends to the profile's tables and rewrites location line ranges;
//! never reads files.

use super::address::ElfAddr;
use super::demangle::{self, Style};
use super::frames::NO_FILE;
use super::resolve::Resolved;
use crate::model::merge::FastMap;
use crate::model::{Function, FunctionId, Line, Profile, StrId};
use std::borrow::Cow;
use std::sync::Arc;

/// Appends strings to the profile's table without duplicating its own.
struct Strings<'d> {
    /// By the address of the name in the binary: DWARF names repeat as the
    /// same slice, so most lookups never hash the text.
    by_ptr: FastMap<(usize, usize), StrId>,
    by_text: FastMap<&'d str, StrId>,
}

impl<'d> Strings<'d> {
    fn intern(&mut self, p: &mut Profile, s: &'d str) -> StrId {
        if s.is_empty() {
            return StrId::EMPTY;
        }
        let key = (s.as_ptr() as usize, s.len());
        if let Some(&id) = self.by_ptr.get(&key) {
            return id;
        }
        let id = *self.by_text.entry(s).or_insert_with(|| {
            Arc::make_mut(&mut p.strings).push(s.to_string());
            StrId::at(p.strings.len() - 1)
        });
        self.by_ptr.insert(key, id);
        id
    }
}

/// Gives every location of `located` (location index, ELF address) the
/// frames resolved for its address (`addrs` is sorted, `resolved` aligned
/// with it). Returns how many locations got no frames.
pub fn write_frames<'d>(
    p: &mut Profile,
    located: &[(usize, ElfAddr)],
    addrs: &[ElfAddr],
    resolved: &'d Resolved<'d>,
) -> usize {
    let mut strings = Strings {
        by_ptr: FastMap::default(),
        by_text: FastMap::default(),
    };
    let files: Vec<Vec<StrId>> = resolved
        .chunks
        .iter()
        .map(|c| c.files.iter().map(|f| strings.intern(p, f)).collect())
        .collect();
    let mut functions: FastMap<(StrId, StrId), FunctionId> = FastMap::default();
    let mut unknown = 0;
    for &(li, addr) in located {
        let Ok(i) = addrs.binary_search(&addr) else {
            continue;
        };
        let (chunk, frames) = resolved.frames(i);
        if frames.is_empty() {
            unknown += 1;
            continue;
        }
        let start = p.lines.len() as u32;
        for f in frames {
            let name = strings.intern(p, f.name);
            let file = files[chunk][f.file as usize];
            let next = FunctionId::at(p.functions.len());
            let function = *functions.entry((name, file)).or_insert(next);
            if function == next {
                // Start lines are not known: llvm-symbolizer's text output,
                // which pprof reads, has none.
                Arc::make_mut(&mut p.functions).push(Function {
                    name,
                    system_name: name,
                    filename: file,
                    start_line: 0,
                });
            }
            Arc::make_mut(&mut p.lines).push(Line {
                function,
                line: f.line,
            });
        }
        let l = &mut Arc::make_mut(&mut p.locations)[li];
        l.lines_start = start;
        l.lines_len = frames.len() as u32;
        l.is_folded = false;
        let m = &mut Arc::make_mut(&mut p.mappings)[l.mapping.index()];
        m.has_inline_frames = true;
        for f in frames {
            m.has_functions |= !f.name.is_empty();
            m.has_filenames |= f.file != NO_FILE;
            m.has_line_numbers |= f.line != 0;
        }
    }
    unknown
}

/// pprof's `Demangle` pass over every function of the profile.
pub fn demangle_all(p: &mut Profile, force: bool, style: Style) {
    let mut done: FastMap<StrId, StrId> = FastMap::default();
    let mut added: FastMap<String, StrId> = FastMap::default();
    for fi in 0..p.functions.len() {
        let f = p.functions[fi];
        if force && f.name != StrId::EMPTY && f.system_name != StrId::EMPTY {
            Arc::make_mut(&mut p.functions)[fi].name = f.system_name;
        }
        let f = p.functions[fi];
        if f.name != StrId::EMPTY && p.str(f.system_name) != p.str(f.name) {
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
                            Arc::make_mut(&mut p.strings).push(d.clone());
                            let id = StrId::at(p.strings.len() - 1);
                            added.insert(d, id);
                            id
                        }
                    },
                };
                done.insert(f.system_name, id);
                id
            }
        };
        Arc::make_mut(&mut p.functions)[fi].name = id;
    }
}
