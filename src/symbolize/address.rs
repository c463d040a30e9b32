//! Typed addresses and every conversion between them, in one place.
//!
//! A sample address lives in the profiled process ([`ProfileAddr`]); the
//! mapping that contains it says which byte of the object file it came
//! from ([`FileOffset`]); the loadable segment holding that byte says which
//! ELF virtual address it has ([`ElfAddr`]), the address DWARF and the
//! symbol table use. [`Translation`] is that chain for one (mapping,
//! binary) pair, following pprof's `elfexec.GetBase` and
//! `ProgramHeadersForMapping`. Nothing here reads files: callers pass the
//! ELF facts in. All arithmetic wraps, so bad profiles cannot panic.

use crate::error::{Error, Result};

/// An address in the profiled process, as the profile records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProfileAddr(pub u64);

/// A byte offset in the object file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileOffset(pub u64);

/// An ELF virtual address (`p_vaddr`-relative, what DWARF and symbols use).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ElfAddr(pub u64);

/// A process mapping: `[start, limit)` maps the file from `offset`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MappingRange {
    pub start: u64,
    pub limit: u64,
    pub offset: u64,
}

/// The ELF file type, as far as address translation cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElfKind {
    /// `ET_EXEC`: linked at fixed addresses.
    Exec,
    /// `ET_DYN`: PIE executables and shared libraries.
    Dyn,
    /// `ET_REL`: relocatable objects (kernel modules).
    Rel,
    /// Anything else.
    Other,
}

/// A `PT_LOAD` program header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadSegment {
    pub offset: u64,
    pub vaddr: u64,
    pub filesz: u64,
    pub memsz: u64,
    pub executable: bool,
}

/// The page size loaders use on every architecture pprof cares about.
const PAGE: u64 = 4096;

impl MappingRange {
    /// True for the fake mappings some tools write over the whole address
    /// space (jemalloc_pprof): their addresses are already ELF addresses.
    pub fn is_whole_space(&self) -> bool {
        self.start == 0 && self.offset == 0 && (self.limit == u64::MAX || self.limit == 0)
    }

    /// The file offset of a process address in this mapping.
    pub fn file_offset(&self, a: ProfileAddr) -> FileOffset {
        FileOffset(a.0.wrapping_sub(self.start).wrapping_add(self.offset))
    }

    /// The process address of a file offset in this mapping. Only the tests need
    /// this direction.
    #[cfg(test)]
    pub fn profile_addr(&self, o: FileOffset) -> ProfileAddr {
        ProfileAddr(o.0.wrapping_sub(self.offset).wrapping_add(self.start))
    }
}

impl LoadSegment {
    /// The ELF address of a file offset inside this segment.
    pub fn elf_addr(&self, o: FileOffset) -> ElfAddr {
        ElfAddr(o.0.wrapping_sub(self.offset).wrapping_add(self.vaddr))
    }

    /// The file offset of an ELF address inside this segment. Only the tests need
    /// this direction.
    #[cfg(test)]
    pub fn file_offset(&self, e: ElfAddr) -> FileOffset {
        FileOffset(e.0.wrapping_sub(self.vaddr).wrapping_add(self.offset))
    }
}

/// The loadable segments that a mapping of `size` bytes from file offset
/// `offset` can come from (pprof's `ProgramHeadersForMapping`): segments
/// without file bytes are skipped, and so are segments that merely share a
/// page with the mapping.
pub fn segments_for_mapping(segs: &[LoadSegment], offset: u64, size: u64) -> Vec<&LoadSegment> {
    let map_limit = offset.wrapping_add(size);
    segs.iter()
        .filter(|s| {
            if s.filesz == 0 {
                return false;
            }
            let seg_limit = s.offset.wrapping_add(s.memsz);
            if !(offset < seg_limit && s.offset < map_limit) {
                return false;
            }
            let misalign = s.vaddr & (PAGE - 1);
            let aligned = s.offset.saturating_sub(misalign);
            if offset < aligned {
                return false;
            }
            !(offset > s.offset
                && seg_limit < offset.wrapping_add(PAGE)
                && map_limit >= seg_limit.wrapping_add(PAGE))
        })
        .collect()
}

/// How the addresses of one mapping become ELF addresses of one binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Translation {
    /// The profile already holds ELF addresses.
    Identity,
    /// Through the file offset: mapping, then segment.
    ViaFile {
        mapping: MappingRange,
        segment: LoadSegment,
    },
    /// No segment matched: the file offset is the ELF address (shared
    /// objects linked at 0 without a usable program header).
    FileOffsetIsAddress { mapping: MappingRange },
    /// Relocatable objects: the mapping start is the load address.
    Relocated { start: u64 },
    /// Kernel images mapped at their link address minus a known delta.
    Kernel { start: u64, vaddr: u64 },
}

impl Translation {
    /// The translation for mapping `m` of a binary of `kind` with loadable
    /// segments `segs` (pprof's `GetBase`). A combination pprof cannot
    /// translate is an [`Error::Binary`] with its message, which does not
    /// name the file.
    pub fn new(kind: ElfKind, segs: &[LoadSegment], m: &MappingRange) -> Result<Self> {
        if m.is_whole_space() {
            return Ok(Translation::Identity);
        }
        let segment = if m.start < m.limit && m.limit < 1 << 63 {
            pick_segment(&segments_for_mapping(segs, m.offset, m.limit - m.start))
        } else {
            None
        };
        match kind {
            ElfKind::Exec => match segment {
                None => Ok(Translation::Identity),
                Some(s) if m.start > 0 && m.start < 1 << 63 => Ok(Translation::ViaFile {
                    mapping: *m,
                    segment: s,
                }),
                Some(s) => Ok(Translation::Kernel {
                    start: m.start,
                    vaddr: s.vaddr,
                }),
            },
            ElfKind::Rel => {
                if m.offset != 0 {
                    return Err(Error::Binary(
                        "don't know how to handle mapping.Offset".into(),
                    ));
                }
                Ok(Translation::Relocated { start: m.start })
            }
            ElfKind::Dyn => Ok(match segment {
                Some(s) => Translation::ViaFile {
                    mapping: *m,
                    segment: s,
                },
                None => Translation::FileOffsetIsAddress { mapping: *m },
            }),
            ElfKind::Other => Err(Error::Binary(
                "don't know how to handle this ELF file type".into(),
            )),
        }
    }

    /// The ELF address of a profile address.
    pub fn to_elf(self, a: ProfileAddr) -> ElfAddr {
        match self {
            Translation::Identity => ElfAddr(a.0),
            Translation::ViaFile { mapping, segment } => segment.elf_addr(mapping.file_offset(a)),
            Translation::FileOffsetIsAddress { mapping } => ElfAddr(mapping.file_offset(a).0),
            Translation::Relocated { start } => ElfAddr(a.0.wrapping_sub(start)),
            Translation::Kernel { start, vaddr } => {
                ElfAddr(a.0.wrapping_sub(start.wrapping_sub(vaddr)))
            }
        }
    }

    /// The profile address of an ELF address (the inverse of [`Self::to_elf`]). Only the tests need
    /// this direction.
    #[cfg(test)]
    pub fn to_profile(self, e: ElfAddr) -> ProfileAddr {
        match self {
            Translation::Identity => ProfileAddr(e.0),
            Translation::ViaFile { mapping, segment } => {
                mapping.profile_addr(segment.file_offset(e))
            }
            Translation::FileOffsetIsAddress { mapping } => mapping.profile_addr(FileOffset(e.0)),
            Translation::Relocated { start } => ProfileAddr(e.0.wrapping_add(start)),
            Translation::Kernel { start, vaddr } => {
                ProfileAddr(e.0.wrapping_add(start.wrapping_sub(vaddr)))
            }
        }
    }
}

/// One segment, or the only executable one among several candidates.
fn pick_segment(cands: &[&LoadSegment]) -> Option<LoadSegment> {
    match cands {
        [one] => Some(**one),
        _ => {
            let mut exec = cands.iter().filter(|s| s.executable);
            match (exec.next(), exec.next()) {
                (Some(s), None) => Some(**s),
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(offset: u64, vaddr: u64, filesz: u64, executable: bool) -> LoadSegment {
        LoadSegment {
            offset,
            vaddr,
            filesz,
            memsz: filesz,
            executable,
        }
    }

    /// The program headers of the corpus's `cppwork` PIE.
    fn cppwork() -> Vec<LoadSegment> {
        vec![
            seg(0, 0, 0x6078, false),
            seg(0x7000, 0x7000, 0x3d9cd, true),
            seg(0x45000, 0x45000, 0x19fc7, false),
            LoadSegment {
                memsz: 0x1b9480,
                ..seg(0x5f540, 0x5f540, 0x21a8, false)
            },
        ]
    }

    #[test]
    fn pie_at_aslr_base() {
        // 555d0123c000-555d0127a000 r-xp 00007000 .../cppwork
        let m = MappingRange {
            start: 0x555d0123c000,
            limit: 0x555d0127a000,
            offset: 0x7000,
        };
        let t = Translation::new(ElfKind::Dyn, &cppwork(), &m).unwrap();
        let a = ProfileAddr(0x555d0123fa01);
        assert_eq!(m.file_offset(a), FileOffset(0xaa01));
        assert_eq!(t.to_elf(a), ElfAddr(0xaa01));
        assert_eq!(t.to_profile(ElfAddr(0xaa01)), a);
    }

    #[test]
    fn pie_whose_text_vaddr_differs_from_its_offset() {
        // lld / modern ld: the executable segment's vaddr is one page past
        // its file offset.
        let segs = [
            seg(0, 0, 0x46dec, false),
            seg(0x46df0, 0x47df0, 0xd8dc0, true),
        ];
        let m = MappingRange {
            start: 0x7f0000047000,
            limit: 0x7f0000120000,
            offset: 0x46000,
        };
        let t = Translation::new(ElfKind::Dyn, &segs, &m).unwrap();
        let a = ProfileAddr(0x7f0000050000);
        assert_eq!(m.file_offset(a), FileOffset(0x4f000));
        assert_eq!(t.to_elf(a), ElfAddr(0x50000));
        assert_eq!(t.to_profile(ElfAddr(0x50000)), a);
    }

    #[test]
    fn non_pie_and_whole_space_mappings() {
        let segs = [seg(0, 0x400000, 0x1000, true)];
        let m = MappingRange {
            start: 0x400000,
            limit: 0x401000,
            offset: 0,
        };
        let t = Translation::new(ElfKind::Exec, &segs, &m).unwrap();
        assert_eq!(t.to_elf(ProfileAddr(0x400123)), ElfAddr(0x400123));
        let whole = MappingRange {
            start: 0,
            limit: u64::MAX,
            offset: 0,
        };
        let t = Translation::new(ElfKind::Dyn, &cppwork(), &whole).unwrap();
        assert_eq!(t, Translation::Identity);
        assert_eq!(t.to_elf(ProfileAddr(0xce392)), ElfAddr(0xce392));
    }

    #[test]
    fn segment_selection_skips_neighbours_on_shared_pages() {
        let segs = cppwork();
        let picked = segments_for_mapping(&segs, 0x7000, 0x3e000);
        assert_eq!(picked, vec![&segs[1]]);
        assert!(segments_for_mapping(&segs, 0x300000, 0x1000).is_empty());
    }

    #[test]
    fn relocatable_objects_need_a_zero_offset() {
        let m = MappingRange {
            start: 0x1000,
            limit: 0x2000,
            offset: 0x10,
        };
        assert!(Translation::new(ElfKind::Rel, &[], &m).is_err());
    }
}
