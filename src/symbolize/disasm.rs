//! The binary side of `disasm`: the symbols of a mapping's file that match
//! a regexp (pprof's `nm -n` grouping: aliases at one address form one
//! routine that ends where the next symbol starts), and their machine code
//! decoded with iced-x86 in AT&T or Intel syntax, each instruction with the
//! innermost function, file and line the DWARF gives it.
//!
//! Addresses here are ELF addresses; [`Disassembler::obj_addr`] converts
//! profile addresses through the mapping. Formatting of the report is
//! `report::disasm`'s job.

use super::address::{MappingRange, ProfileAddr, Translation};
use super::binary::ObjectFile;
use super::demangle::{Style, demangle};
use super::frames::{Dwarf, Frame, Resolver};
use super::locate::Locator;
use super::symbols::SymbolTable;
use crate::error::{Error, Result};
use iced_x86::{
    Decoder, DecoderOptions, Formatter, GasFormatter, Instruction, IntelFormatter, OpKind,
    SymbolResolver, SymbolResult,
};
use object::{Object, ObjectSymbol, SymbolKind, SymbolSection};
use regex::Regex;

/// A routine: the names at one address and its extent `[start, end)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Routine {
    /// The name that matched first, then its aliases.
    pub names: Vec<String>,
    pub start: u64,
    pub end: u64,
}

/// One decoded instruction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inst {
    pub addr: u64,
    pub text: String,
    /// Innermost function at this address (display name), or empty.
    pub function: String,
    /// Base name of its source file, or empty.
    pub file: String,
    pub line: i64,
}

/// A mapping's binary, opened for disassembly.
pub struct Disassembler {
    file: ObjectFile,
    translation: Translation,
}

impl Disassembler {
    /// Opens `path` for mapping `m`, with pprof's error texts
    /// ([`ObjectFile::open`]'s errors, or an [`Error::Binary`]).
    pub fn open(path: &str, m: MappingRange) -> Result<Disassembler> {
        let file = ObjectFile::open(path)?;
        let elf = file.elf()?;
        let translation = Translation::new(elf.kind, &elf.segments, &m)
            .map_err(|e| Error::Binary(format!("error reading ELF file {path}: {e}")))?;
        drop(elf);
        Ok(Disassembler { file, translation })
    }

    /// The ELF address of a profile address of this mapping.
    pub fn obj_addr(&self, a: u64) -> u64 {
        self.translation.to_elf(ProfileAddr(a)).0
    }

    /// The routines whose name (raw, or demangled in any of pprof's
    /// styles) matches `re`, or that contain `address`.
    pub fn routines(&self, re: &Regex, address: Option<u64>) -> Vec<Routine> {
        let Ok(elf) = self.file.elf() else {
            return Vec::new();
        };
        let mut syms: Vec<(u64, &str)> = elf
            .file
            .symbols()
            .filter(|s| {
                matches!(s.section(), SymbolSection::Section(_))
                    && !matches!(s.kind(), SymbolKind::File | SymbolKind::Section)
            })
            .filter_map(|s| Some((s.address(), s.name().ok()?)))
            .filter(|(_, n)| !n.is_empty())
            .collect();
        syms.sort();
        let mut out = Vec::new();
        let mut i = 0;
        while i < syms.len() {
            let start = syms[i].0;
            let j = i + syms[i..].iter().take_while(|s| s.0 == start).count();
            let end = syms.get(j).map_or_else(
                || {
                    elf.code_at(start)
                        .map_or(start, |(a, d)| a + d.len() as u64)
                },
                |s| s.0 - 1,
            );
            let names: Vec<&str> = syms[i..j].iter().map(|s| s.1).collect();
            if let Some(names) = match_names(&names, start, end, re, address) {
                out.push(Routine { names, start, end });
            }
            i = j;
        }
        out
    }

    /// The instructions of each routine, `[start, end)`, with source
    /// positions (debug files are looked up through `locator`). Code of
    /// other architectures than x86 is an [`Error::Binary`].
    pub fn disassemble(
        &self,
        routines: &[Routine],
        intel: bool,
        locator: &Locator,
    ) -> Result<Vec<Vec<Inst>>> {
        let elf = self.file.elf()?;
        let bitness = match elf.file.architecture() {
            object::Architecture::X86_64 => 64,
            object::Architecture::I386 => 32,
            a => {
                return Err(Error::Binary(format!(
                    "disassembly of {a:?} code is not supported"
                )));
            }
        };
        let debug = locator.debug_file(&self.file.path, &elf);
        let debug_elf = debug.as_ref().and_then(|d| d.elf().ok());
        let dwarf = Dwarf::new(debug_elf.as_ref().unwrap_or(&elf));
        let symbols = SymbolTable::new(&elf.file);
        let mut resolver = Resolver::new(&dwarf, &symbols);
        let names: Vec<(u64, u64, String)> = symbols
            .all()
            .iter()
            .map(|s| {
                let name = demangle(s.name, Style::Simplified).into_owned();
                (s.addr, symbols.end_of(s), name)
            })
            .collect();
        let mut formatter: Box<dyn Formatter> = if intel {
            Box::new(IntelFormatter::with_options(
                Some(Box::new(Targets(names))),
                None,
            ))
        } else {
            Box::new(GasFormatter::with_options(
                Some(Box::new(Targets(names))),
                None,
            ))
        };
        // objdump's layout: mnemonic padded to seven columns, lowercase hex
        // everywhere.
        let o = formatter.options_mut();
        o.set_first_operand_char_index(7);
        o.set_uppercase_hex(false);
        o.set_small_hex_numbers_in_decimal(false);
        o.set_add_leading_zero_to_hex_numbers(false);
        let mut frames: Vec<Frame> = Vec::new();
        let mut out = Vec::new();
        for r in routines {
            let mut insts = Vec::new();
            if let Some((sec, data)) = elf.code_at(r.start) {
                let from = (r.start - sec) as usize;
                let to = ((r.end.saturating_sub(sec)) as usize).clamp(from, data.len());
                let mut decoder =
                    Decoder::with_ip(bitness, &data[from..to], r.start, DecoderOptions::NONE);
                let mut inst = Instruction::default();
                while decoder.can_decode() {
                    decoder.decode_out(&mut inst);
                    let mut text = String::new();
                    formatter.format(&inst, &mut text);
                    frames.clear();
                    resolver.frames(super::address::ElfAddr(inst.ip()), &mut frames);
                    let (function, file, line) = match frames.first() {
                        Some(f) => {
                            let file = &resolver.files.names[f.file as usize];
                            (
                                demangle(f.name, Style::Simplified).into_owned(),
                                file.rsplit('/').next().unwrap_or(file).to_string(),
                                f.line,
                            )
                        }
                        None => Default::default(),
                    };
                    insts.push(Inst {
                        addr: inst.ip(),
                        text: text.trim_end().to_string(),
                        function,
                        file,
                        line,
                    });
                }
            }
            out.push(insts);
        }
        Ok(out)
    }
}

/// pprof's `matchSymbol`: all names when the routine contains `address`,
/// else the first name matching raw, else its first matching demangling.
fn match_names(
    names: &[&str],
    start: u64,
    end: u64,
    re: &Regex,
    address: Option<u64>,
) -> Option<Vec<String>> {
    if address.is_some_and(|a| a != 0 && a >= start && a <= end) {
        return Some(names.iter().map(|n| n.to_string()).collect());
    }
    for n in names {
        if re.is_match(n) {
            return Some(vec![n.to_string()]);
        }
        for style in [Style::Full, Style::Templates, Style::Simplified] {
            let d = demangle(n, style);
            if d != *n && re.is_match(&d) {
                return Some(vec![d.into_owned()]);
            }
        }
    }
    None
}

/// Names branch targets as objdump does: `1130 <leaf+0x10>`.
struct Targets(Vec<(u64, u64, String)>);

impl SymbolResolver for Targets {
    fn symbol(
        &mut self,
        instruction: &Instruction,
        _operand: u32,
        instruction_operand: Option<u32>,
        address: u64,
        _address_size: u32,
    ) -> Option<SymbolResult<'_>> {
        if !matches!(
            instruction.op_kind(instruction_operand?),
            OpKind::NearBranch16 | OpKind::NearBranch32 | OpKind::NearBranch64
        ) {
            return None;
        }
        let i = self.0.partition_point(|s| s.0 <= address).checked_sub(1)?;
        let (start, end, name) = &self.0[i];
        if address >= *end {
            return None;
        }
        let text = if address == *start {
            format!("{address:x} <{name}>")
        } else {
            format!("{address:x} <{name}+{:#x}>", address - start)
        };
        Some(SymbolResult::with_string(address, text))
    }
}
