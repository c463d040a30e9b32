//! The ELF symbol table as llvm-symbolizer reads it: the symbol covering an
//! address names the outermost frame, and names frames DWARF knows nothing
//! about. Local symbols carry the name of the `STT_FILE` entry before them
//! (`_GLOBAL__sub_I_eh_alloc.cc eh_alloc.o`).
//!
//! Rules (LLVM's `SymbolizableObjectFile`): `.symtab`, else `.dynsym`;
//! function, data, `STT_NOTYPE` and ifunc symbols defined in a section;
//! per address the largest symbol wins (the last of equals); a symbol of
//! size zero covers everything up to the next one. Borrows the file's
//! bytes; knows nothing of DWARF or profiles.

use object::{Object, ObjectSymbol, SymbolKind, SymbolSection};

/// One symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Symbol<'a> {
    /// Its address.
    pub addr: u64,
    /// Its size in bytes (0: unknown).
    pub size: u64,
    /// Its (mangled) name.
    pub name: &'a str,
    /// The `STT_FILE` name for local symbols, else empty.
    pub file: &'a str,
}

/// Symbols sorted by address, one per address.
#[derive(Default)]
pub struct SymbolTable<'a> {
    syms: Vec<Symbol<'a>>,
}

impl<'a> SymbolTable<'a> {
    /// Reads the symbol table of `file`.
    pub fn new(file: &object::File<'a>) -> SymbolTable<'a> {
        let mut syms = collect(file.symbols());
        if syms.is_empty() {
            syms = collect(file.dynamic_symbols());
        }
        // Stable: among symbols at one address, the largest and then the
        // last in table order is kept.
        syms.sort_by_key(|s| (s.addr, s.size));
        let mut out: Vec<Symbol> = Vec::with_capacity(syms.len());
        for s in syms {
            match out.last_mut() {
                Some(last) if last.addr == s.addr => *last = s,
                _ => out.push(s),
            }
        }
        SymbolTable { syms: out }
    }

    /// The symbol covering `addr`.
    pub fn lookup(&self, addr: u64) -> Option<&Symbol<'a>> {
        let i = self.syms.partition_point(|s| s.addr <= addr);
        let s = self.syms.get(i.checked_sub(1)?)?;
        if s.size != 0 && s.addr.wrapping_add(s.size) <= addr {
            return None;
        }
        Some(s)
    }

    /// All symbols, by address.
    pub fn all(&self) -> &[Symbol<'a>] {
        &self.syms
    }

    /// The end of symbol `s`: its size, or the next symbol's start.
    pub fn end_of(&self, s: &Symbol) -> u64 {
        if s.size != 0 {
            return s.addr.wrapping_add(s.size);
        }
        let i = self.syms.partition_point(|x| x.addr <= s.addr);
        self.syms.get(i).map_or(s.addr.wrapping_add(1), |n| n.addr)
    }
}

fn collect<'a: 'f, 'f>(iter: impl Iterator<Item = object::Symbol<'a, 'f>>) -> Vec<Symbol<'a>> {
    let mut out = Vec::new();
    let mut file = "";
    for s in iter {
        if s.kind() == SymbolKind::File {
            file = s.name().unwrap_or("");
            continue;
        }
        if !matches!(s.section(), SymbolSection::Section(_)) {
            continue;
        }
        if !matches!(
            s.kind(),
            SymbolKind::Text | SymbolKind::Data | SymbolKind::Unknown
        ) {
            continue;
        }
        let Ok(name) = s.name() else { continue };
        if s.kind() == SymbolKind::Unknown && is_mapping_symbol(name) {
            continue;
        }
        out.push(Symbol {
            addr: s.address(),
            size: s.size(),
            name,
            file: if s.is_local() { file } else { "" },
        });
    }
    out
}

/// ARM/AArch64/RISC-V mapping symbols (`$x`, `$d.1`, ...), never names.
fn is_mapping_symbol(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 2 && b[0] == b'$' && (b.len() == 2 || b[2] == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(syms: &[(u64, u64, &'static str)]) -> SymbolTable<'static> {
        SymbolTable {
            syms: syms
                .iter()
                .map(|&(addr, size, name)| Symbol {
                    addr,
                    size,
                    name,
                    file: "",
                })
                .collect(),
        }
    }

    #[test]
    fn lookup_respects_sizes() {
        let t = table(&[(0x10, 0x10, "a"), (0x30, 0, "b"), (0x40, 4, "c")]);
        assert_eq!(t.lookup(0x1f).unwrap().name, "a");
        assert!(t.lookup(0x20).is_none());
        assert!(t.lookup(0x5).is_none());
        assert_eq!(t.lookup(0x3f).unwrap().name, "b");
        assert_eq!(t.end_of(t.lookup(0x30).unwrap()), 0x40);
        assert!(t.lookup(0x44).is_none());
        assert!(is_mapping_symbol("$x") && is_mapping_symbol("$d.12"));
        assert!(!is_mapping_symbol("$foo"));
    }
}
