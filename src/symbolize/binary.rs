//! Object files on disk: opening (memory-mapped), and the ELF facts the
//! symbolizer needs — file type, loadable segments, GNU build ID,
//! `.gnu_debuglink`, section data (decompressed when `SHF_COMPRESSED`).
//!
//! Open errors read like pprof's (`stat PATH: no such file or directory`,
//! `unrecognized binary format: PATH`) because they reach stderr verbatim:
//! [`Error::Io`] when the file cannot be read (with the OS error's kind),
//! [`Error::Binary`] when it is not a usable ELF file. Nothing here knows
//! about profiles or DWARF semantics.

use super::address::{ElfKind, LoadSegment};
use crate::error::{Error, Result};
use memmap2::Mmap;
use object::read::elf::{FileHeader, ProgramHeader};
use object::{Object, ObjectSection};
use std::borrow::Cow;
use std::fs::File;

/// An object file, memory-mapped for the lifetime of the value.
pub struct ObjectFile {
    /// The path it was opened by.
    pub path: String,
    map: Mmap,
}

impl ObjectFile {
    /// Opens `path` if it is an ELF file, with pprof's error texts.
    pub fn open(path: &str) -> Result<ObjectFile> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(format!("stat {path}"), &e))?;
        if meta.is_dir() {
            return Err(Error::Io {
                context: format!("error reading magic number from {path}: read {path}"),
                reason: "is a directory".into(),
                kind: std::io::ErrorKind::IsADirectory,
            });
        }
        // Profiles name arbitrary paths: never block on a FIFO or a device.
        if !meta.is_file() {
            return Err(Error::Binary(format!(
                "error opening {path}: not a regular file"
            )));
        }
        let file = File::open(path)
            .map_err(|e| Error::io(format!("error opening {path}: open {path}"), &e))?;
        if meta.len() < 4 {
            let why = if meta.len() == 0 {
                "EOF"
            } else {
                "unexpected EOF"
            };
            return Err(Error::Binary(format!(
                "error reading magic number from {path}: {why}"
            )));
        }
        // SAFETY: the map is read-only; a binary rewritten while we read it
        // can give wrong symbols but the parsers below never trust offsets.
        let map = unsafe { Mmap::map(&file) }
            .map_err(|e| Error::io(format!("error opening {path}"), &e))?;
        if &map[..4] != b"\x7fELF" {
            return Err(Error::Binary(format!("unrecognized binary format: {path}")));
        }
        Ok(ObjectFile {
            path: path.to_string(),
            map,
        })
    }

    /// The parsed ELF view of the file; an [`Error::Binary`] naming the
    /// file when it does not parse.
    pub fn elf(&self) -> Result<Elf<'_>> {
        Elf::parse(&self.map)
            .map_err(|e| Error::Binary(format!("error reading ELF file {}: {e}", self.path)))
    }

    /// The raw bytes.
    pub fn data(&self) -> &[u8] {
        &self.map
    }
}

/// The facts of one ELF file, borrowing its bytes.
pub struct Elf<'a> {
    /// The parsed file.
    pub file: object::File<'a>,
    /// Executable, shared object or relocatable.
    pub kind: ElfKind,
    /// Its `PT_LOAD` segments.
    pub segments: Vec<LoadSegment>,
    /// Lowercase hex, empty when the file has none.
    pub build_id: String,
    /// `.gnu_debuglink`: the debug file's name and CRC-32.
    pub debuglink: Option<(String, u32)>,
}

impl<'a> Elf<'a> {
    /// Parses `data` as a 32- or 64-bit ELF file; the [`Error::Binary`]
    /// says what is wrong, without naming a file.
    pub fn parse(data: &'a [u8]) -> Result<Elf<'a>> {
        let file = object::File::parse(data).map_err(|e| Error::Binary(e.to_string()))?;
        let (kind, segments) = match &file {
            object::File::Elf32(f) => header_facts(f.elf_header(), f.endian(), data)?,
            object::File::Elf64(f) => header_facts(f.elf_header(), f.endian(), data)?,
            _ => return Err(Error::Binary("not an ELF file".into())),
        };
        let build_id = match file.build_id() {
            Ok(Some(id)) => hex(id),
            _ => String::new(),
        };
        let debuglink = match file.gnu_debuglink() {
            Ok(Some((name, crc))) => Some((String::from_utf8_lossy(name).into_owned(), crc)),
            _ => None,
        };
        Ok(Elf {
            file,
            kind,
            segments,
            build_id,
            debuglink,
        })
    }

    /// The contents of section `name`, decompressed if needed; `None` when
    /// absent, empty or unreadable.
    pub fn section(&self, name: &str) -> Option<Cow<'a, [u8]>> {
        let s = self.file.section_by_name(name)?;
        match s.uncompressed_data() {
            Ok(d) if !d.is_empty() => Some(d),
            _ => None,
        }
    }

    /// The size section `name` inflates to when it is compressed
    /// (`SHF_COMPRESSED`); `None` when it is absent or stored as is.
    pub fn inflated_size(&self, name: &str) -> Option<u64> {
        let r = self
            .file
            .section_by_name(name)?
            .compressed_file_range()
            .ok()?;
        (r.format != object::CompressionFormat::None).then_some(r.uncompressed_size)
    }

    /// True when the file carries DWARF line or function information.
    pub fn has_dwarf(&self) -> bool {
        self.file.section_by_name(".debug_info").is_some()
            || self.file.section_by_name(".debug_line").is_some()
    }

    /// True for little-endian files.
    pub fn is_little_endian(&self) -> bool {
        self.file.is_little_endian()
    }

    /// The address and bytes of the executable section containing `addr`
    /// (for disassembly).
    pub fn code_at(&self, addr: u64) -> Option<(u64, &'a [u8])> {
        self.file.sections().find_map(|s| {
            let (start, size) = (s.address(), s.size());
            if s.kind() != object::SectionKind::Text || addr < start || addr - start >= size {
                return None;
            }
            s.data().ok().map(|d| (start, d))
        })
    }
}

fn header_facts<H: FileHeader>(
    h: &H,
    endian: H::Endian,
    data: &[u8],
) -> Result<(ElfKind, Vec<LoadSegment>)> {
    let kind = match h.e_type(endian) {
        object::elf::ET_EXEC => ElfKind::Exec,
        object::elf::ET_DYN => ElfKind::Dyn,
        object::elf::ET_REL => ElfKind::Rel,
        _ => ElfKind::Other,
    };
    let phdrs = h
        .program_headers(endian, data)
        .map_err(|e| Error::Binary(e.to_string()))?;
    let segments = phdrs
        .iter()
        .filter(|p| p.p_type(endian) == object::elf::PT_LOAD)
        .map(|p| LoadSegment {
            offset: p.p_offset(endian).into(),
            vaddr: p.p_vaddr(endian).into(),
            filesz: p.p_filesz(endian).into(),
            memsz: p.p_memsz(endian).into(),
            executable: p.p_flags(endian).0 & object::elf::PF_X.0 != 0,
        })
        .collect();
    Ok((kind, segments))
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The CRC-32 `.gnu_debuglink` records for a debug file.
pub fn debuglink_crc(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open_err(path: &str) -> Error {
        match ObjectFile::open(path) {
            Ok(_) => panic!("{path} opened"),
            Err(e) => e,
        }
    }

    #[test]
    fn open_errors_say_what_kind_of_problem() {
        let e = open_err("/nonexistent/bin");
        assert!(matches!(
            e,
            Error::Io {
                kind: std::io::ErrorKind::NotFound,
                ..
            }
        ));
        assert_eq!(
            e.to_string(),
            "stat /nonexistent/bin: no such file or directory"
        );
        let e = open_err("/");
        assert!(matches!(
            e,
            Error::Io {
                kind: std::io::ErrorKind::IsADirectory,
                ..
            }
        ));
        assert_eq!(
            e.to_string(),
            "error reading magic number from /: read /: is a directory"
        );
        let text = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
        let e = open_err(text);
        assert!(matches!(e, Error::Binary(_)));
        assert_eq!(e.to_string(), format!("unrecognized binary format: {text}"));
    }
}
