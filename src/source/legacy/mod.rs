//! The legacy formats pprof still reads, plus folded stacks: bytes →
//! [`Profile`], tried in pprof's order after the protobuf decoder gives up
//! (gperftools CPU, heap text, Go count, contention), then Brendan Gregg's
//! folded stacks, which pprof cannot read.
//!
//! Every parser fills a [`Builder`]: addresses per sample (already adjusted
//! by −1 where pprof adjusts them), values, a memory map, and optionally
//! the Go `#` comment frames. [`Builder::finish`] applies pprof's mapping
//! heuristics and produces an interned profile. Nothing here merges,
//! filters or symbolizes from binaries.

pub mod contention;
pub mod count;
pub mod cpu;
pub mod folded;
pub mod gosym;
pub mod heap;
pub mod java;
pub mod memmap;

use crate::model::{
    Function, FunctionId, Interner, Label, Line, Location, LocationId, Mapping, MappingId, Profile,
    StrId, ValueType,
};
use std::collections::HashMap;
use std::sync::Arc;

/// Why a parser did not produce a profile.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure {
    /// Not this parser's format: the next one is tried.
    Unrecognized,
    /// This parser's format, but broken (pprof's message).
    Malformed(String),
    /// Over the memory limit before anything was parsed.
    TooLarge(String),
}

/// One symbolic frame (from Go's `#` comment lines or folded stacks).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Frame {
    pub name: String,
    pub file: String,
    pub line: i64,
}

/// One sample under construction: location indices (leaf first), values
/// and numeric labels.
struct RawSample {
    locs: Vec<LocationId>,
    values: Vec<i64>,
    num_labels: Vec<(&'static str, i64)>,
}

/// A profile under construction.
#[derive(Default)]
pub struct Builder {
    sample_types: Vec<(String, String)>,
    period_type: (String, String),
    period: i64,
    duration_nanos: i64,
    drop_frames: &'static str,
    keep_frames: &'static str,
    /// Address of each location.
    addrs: Vec<u64>,
    /// Inline chain (innermost first) of each location, empty if unknown.
    frames: Vec<Vec<Frame>>,
    by_addr: HashMap<u64, LocationId>,
    samples: Vec<RawSample>,
    mappings: Vec<memmap::Entry>,
    /// Locations that carry symbols but no address (folded stacks).
    symbolic: bool,
    /// Addresses are dropped after mapping assignment.
    strip_addresses: bool,
}

impl Builder {
    /// A builder with the given value columns and period.
    pub fn new(
        sample_types: Vec<(&str, &str)>,
        period_type: (String, &str),
        period: i64,
    ) -> Builder {
        Builder {
            sample_types: sample_types
                .into_iter()
                .map(|(t, u)| (t.to_string(), u.to_string()))
                .collect(),
            period_type: (period_type.0, period_type.1.to_string()),
            period,
            ..Builder::default()
        }
    }

    /// The location of `addr`, created on first use.
    pub fn location(&mut self, addr: u64) -> LocationId {
        if let Some(&i) = self.by_addr.get(&addr) {
            return i;
        }
        let i = LocationId::at(self.addrs.len());
        self.addrs.push(addr);
        self.frames.push(Vec::new());
        self.by_addr.insert(addr, i);
        i
    }

    /// The location of `addr`, if a sample has used it.
    pub fn known(&self, addr: u64) -> Option<LocationId> {
        self.by_addr.get(&addr).copied()
    }

    /// Gives location `loc` its symbol, which stands for its address: the
    /// address is dropped (Java profiles).
    pub fn resolve(&mut self, loc: LocationId, frame: Frame) {
        self.frames[loc.index()] = vec![frame];
        self.addrs[loc.index()] = 0;
    }

    /// Drops every address once mappings are assigned (pprof's
    /// `Aggregate` without addresses, after its mapping heuristics).
    pub fn strip_addresses(&mut self) {
        self.strip_addresses = true;
    }

    /// A location standing for a symbolic inline chain (no address).
    fn symbolic_location(&mut self, frames: Vec<Frame>) -> LocationId {
        self.symbolic = true;
        let i = LocationId::at(self.addrs.len());
        self.addrs.push(0);
        self.frames.push(frames);
        i
    }

    /// Appends a sample over addresses `addrs` (leaf first).
    pub fn sample(&mut self, addrs: &[u64], values: Vec<i64>) {
        let locs = addrs.iter().map(|&a| self.location(a)).collect();
        self.samples.push(RawSample {
            locs,
            values,
            num_labels: Vec::new(),
        });
    }

    /// Adds a numeric label to the last sample.
    pub fn num_label(&mut self, key: &'static str, value: i64) {
        if let Some(s) = self.samples.last_mut() {
            s.num_labels.push((key, value));
        }
    }

    /// Number of samples so far.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Sets the profile's duration.
    pub fn set_duration(&mut self, nanos: i64) {
        self.duration_nanos = nanos;
    }

    /// Sets the period.
    pub fn set_period(&mut self, period: i64) {
        self.period = period;
    }

    /// The period.
    pub fn period(&self) -> i64 {
        self.period
    }

    /// Appends the entries of a memory map section.
    pub fn add_mappings(&mut self, entries: Vec<memmap::Entry>) {
        self.mappings.extend(entries);
    }

    /// pprof's `addLegacyFrameInfo`: drop/keep regexps by profile kind.
    fn frame_info(&mut self) {
        let types: Vec<&str> = self.sample_types.iter().map(|t| t.0.as_str()).collect();
        let heap = [
            &["allocations", "size"][..],
            &["objects", "space"],
            &["inuse_objects", "inuse_space"],
            &["alloc_objects", "alloc_space"],
            &[
                "alloc_objects",
                "alloc_space",
                "inuse_objects",
                "inuse_space",
            ],
        ];
        if heap.contains(&&types[..]) {
            self.drop_frames = ALLOC_DROP;
            self.keep_frames = ALLOC_KEEP;
        } else if types == ["contentions", "delay"] {
            self.drop_frames = LOCK_DROP;
        } else {
            self.drop_frames = CPU_PROFILER_DROP;
        }
    }

    /// Applies the memory map heuristics and builds the profile.
    pub fn finish(mut self) -> Profile {
        if !self.symbolic {
            self.frame_info();
        }
        let mut maps = memmap::massage(std::mem::take(&mut self.mappings));
        let loc_mapping = memmap::assign(&mut maps, &self.addrs, self.symbolic);

        let mut st = Interner::new();
        let sample_types = self
            .sample_types
            .iter()
            .map(|(t, u)| ValueType {
                ty: st.intern(t),
                unit: st.intern(u),
            })
            .collect();
        let mut p = Profile {
            sample_types,
            period_type: ValueType {
                ty: st.intern(&self.period_type.0),
                unit: st.intern(&self.period_type.1),
            },
            has_period_type: true,
            period: self.period,
            duration_nanos: self.duration_nanos,
            drop_frames: st.intern(self.drop_frames),
            keep_frames: st.intern(self.keep_frames),
            ..Profile::default()
        };
        p.mappings = maps
            .iter()
            .map(|m| Mapping {
                start: m.start,
                limit: m.limit,
                offset: m.offset,
                file: st.intern(&m.file),
                build_id: st.intern(&m.build_id),
                has_functions: self.symbolic,
                ..Mapping::default()
            })
            .collect::<Vec<_>>()
            .into();
        let mut functions: HashMap<(String, String), u32> = HashMap::new();
        let (functions_out, lines_out, locations_out) = (
            Arc::make_mut(&mut p.functions),
            Arc::make_mut(&mut p.lines),
            Arc::make_mut(&mut p.locations),
        );
        for (i, &addr) in self.addrs.iter().enumerate() {
            let lines_start = lines_out.len() as u32;
            for f in &self.frames[i] {
                let key = (f.name.clone(), f.file.clone());
                let next = functions_out.len() as u32;
                let id = *functions.entry(key).or_insert(next);
                if id == next {
                    functions_out.push(Function {
                        name: st.intern(&f.name),
                        system_name: st.intern(&f.name),
                        filename: st.intern(&f.file),
                        start_line: 0,
                    });
                }
                lines_out.push(Line {
                    function: FunctionId(id),
                    line: f.line,
                });
            }
            locations_out.push(Location {
                mapping: MappingId(loc_mapping[i]),
                address: if self.strip_addresses { 0 } else { addr },
                lines_start,
                lines_len: lines_out.len() as u32 - lines_start,
                is_folded: false,
            });
        }
        let bytes_key = st.intern("bytes");
        let mut labels = Vec::new();
        for s in &self.samples {
            labels.clear();
            for (k, v) in &s.num_labels {
                labels.push(Label {
                    key: if *k == "bytes" {
                        bytes_key
                    } else {
                        st.intern(k)
                    },
                    str: StrId::EMPTY,
                    num: *v,
                    unit: StrId::EMPTY,
                });
            }
            p.samples.push(&s.locs, &s.values, &labels);
        }
        if p.samples.loc_start.is_empty() {
            p.samples.loc_start.push(0);
            p.samples.label_start.push(0);
        }
        p.strings = st.strings.into();
        debug_assert!(
            p.locations
                .iter()
                .all(|l| l.mapping == MappingId::NONE || l.mapping.index() < p.mappings.len())
        );
        p
    }
}

/// What the legacy parsers may take per byte of input, at most (measured:
/// 20 for one-frame folded stacks, 17 for one-address heap samples; the
/// samples are built one by one before they become columns).
const BYTES_PER_INPUT_BYTE: u64 = 24;

/// Tries every legacy parser in pprof's order, then folded stacks. The
/// text is split into lines once, for all the text parsers.
pub fn parse(data: &[u8]) -> Result<Profile, Failure> {
    match cpu::parse(data) {
        Err(Failure::Unrecognized) => {}
        other => return other,
    }
    let lines = text_lines(data)?;
    type Parser = fn(&[&str]) -> Result<Profile, Failure>;
    let parsers: [Parser; 3] = [heap::parse, count::parse, contention::parse];
    for parse in parsers {
        match parse(&lines) {
            Err(Failure::Unrecognized) => continue,
            other => return other,
        }
    }
    let text = std::str::from_utf8(data).map_err(|_| Failure::Unrecognized)?;
    match java::parse(text) {
        Err(Failure::Unrecognized) => folded::parse(&lines),
        other => other,
    }
}

/// Lines of a text profile (`\n` or `\r\n`), or `Unrecognized` if the data
/// is not UTF-8; `TooLarge` when the text could take more than the memory
/// limit to parse (binary data is none of the text formats, so no limit
/// applies to it).
pub fn text_lines(data: &[u8]) -> Result<Vec<&str>, Failure> {
    let text = std::str::from_utf8(data).map_err(|_| Failure::Unrecognized)?;
    let need = (data.len() as u64).saturating_mul(BYTES_PER_INPUT_BYTE);
    if need > super::memory_limit() {
        return Err(Failure::TooLarge(super::memory_limit_message(
            &format!("its {} MiB of text", data.len().div_ceil(1 << 20)),
            need,
        )));
    }
    Ok(text.lines().collect())
}

/// Go's `strconv.ParseInt(s, 0, 64)`: decimal, `0x` hex or `0` octal,
/// with Go's error (`strconv.ParseInt: parsing "s": invalid syntax`).
pub fn go_parse_int(s: &str) -> Result<i64, String> {
    let fail = |why| format!("strconv.ParseInt: parsing {s:?}: {why}");
    let (neg, digits) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (radix, digits) = if let Some(h) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, h)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(fail("invalid syntax"));
    }
    let magnitude = u64::from_str_radix(digits, radix).map_err(|_| fail("value out of range"))?;
    let v = if neg {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    };
    v.ok_or_else(|| fail("value out of range"))
}

/// pprof's `isSpaceOrComment`.
pub fn is_space_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// Every `0x…` hex number of `s` (pprof's `parseHexAddresses`).
pub fn hex_addresses(s: &str) -> Result<Vec<u64>, String> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'0' && b[i + 1] == b'x' {
            let start = i + 2;
            let mut end = start;
            while end < b.len() && matches!(b[end], b'0'..=b'9' | b'a'..=b'f') {
                end += 1;
            }
            if end > start {
                let n = u64::from_str_radix(&s[start..end], 16)
                    .map_err(|_| format!("failed to parse as hex 64-bit number: {}", &s[i..end]))?;
                out.push(n);
                i = end;
                continue;
            }
        }
        i += 1;
    }
    Ok(out)
}

/// The frames pprof's heap parsers drop (allocator entry points).
const ALLOC_DROP: &str = concat!(
    "calloc|cfree|malloc|free|memalign|do_memalign|(__)?posix_memalign|pvalloc|valloc|realloc|",
    "tcmalloc::.*|tc_calloc|tc_cfree|tc_malloc|tc_free|tc_memalign|tc_posix_memalign|",
    "tc_pvalloc|tc_valloc|tc_realloc|tc_new|tc_delete|tc_newarray|tc_deletearray|",
    "tc_new_nothrow|tc_newarray_nothrow|",
    "malloc_zone_malloc|malloc_zone_calloc|malloc_zone_valloc|malloc_zone_realloc|",
    "malloc_zone_memalign|malloc_zone_free|",
    "runtime\\..*|",
    "BaseArena::.*|(::)?do_malloc_no_errno|(::)?do_malloc_pages|(::)?do_malloc|",
    "DoSampledAllocation|MallocedMemBlock::MallocedMemBlock|_M_allocate|",
    "__builtin_(vec_)?delete|__builtin_(vec_)?new|__gnu_cxx::new_allocator::allocate|",
    "__libc_malloc|__malloc_alloc_template::allocate|allocate|cpp_alloc|",
    "operator new(\\[\\])?|simple_alloc::allocate"
);

/// Go runtime frames kept despite [`ALLOC_DROP`].
const ALLOC_KEEP: &str = "runtime\\.panic|runtime\\.reflectcall|runtime\\.call[0-9]*";

/// The CPU profiler's own frames.
const CPU_PROFILER_DROP: &str = "ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|__pthread_sighandler|__restore";

/// Lock implementation frames of contention profiles.
const LOCK_DROP: &str = concat!(
    "RecordLockProfileData|(base::)?RecordLockProfileData.*|",
    "(base::)?SubmitMutexProfileData.*|(base::)?SubmitSpinLockProfileData.*|",
    "(base::Mutex::)?AwaitCommon.*|(base::Mutex::)?Unlock.*|(base::Mutex::)?UnlockSlow.*|",
    "(base::Mutex::)?ReaderUnlock.*|(base::MutexLock::)?~MutexLock.*|",
    "(Mutex::)?AwaitCommon.*|(Mutex::)?Unlock.*|(Mutex::)?UnlockSlow.*|",
    "(Mutex::)?ReaderUnlock.*|(MutexLock::)?~MutexLock.*|",
    "(SpinLock::)?Unlock.*|(SpinLock::)?SlowUnlock.*|(SpinLockHolder::)?~SpinLockHolder.*"
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse(&data);
        }

        #[test]
        fn text_profiles_never_panic(
            header in prop::sample::select(vec![
                "heap profile: 1: 2 [3: 4] @ heap/8192",
                "heap profile: 1: 2 [1: 2] @ heapprofile",
                "goroutine profile: total 3",
                "--- mutex:",
                "--- contentionz 1 ---",
            ]),
            lines in proptest::collection::vec("[-0-9a-fx@:\\[\\] #;=\t/.]{0,40}", 0..12),
        ) {
            let text = format!("{header}\n{}\n", lines.join("\n"));
            let _ = parse(text.as_bytes());
        }

        #[test]
        fn cpu_words_never_panic(words in proptest::collection::vec(0u64..8, 0..64)) {
            let mut data: Vec<u8> = [0u64, 3, 0, 100, 0].iter().flat_map(|w| w.to_le_bytes()).collect();
            data.extend(words.iter().flat_map(|w| w.to_le_bytes()));
            let _ = parse(&data);
        }
    }

    #[test]
    fn go_integers() {
        assert_eq!(go_parse_int("0x10"), Ok(16));
        assert_eq!(go_parse_int("010"), Ok(8));
        assert_eq!(go_parse_int("12"), Ok(12));
        assert_eq!(go_parse_int("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(
            go_parse_int("09").unwrap_err(),
            "strconv.ParseInt: parsing \"09\": invalid syntax"
        );
        assert_eq!(
            go_parse_int("1x").unwrap_err(),
            "strconv.ParseInt: parsing \"1x\": invalid syntax"
        );
        assert_eq!(
            go_parse_int("9223372036854775808").unwrap_err(),
            "strconv.ParseInt: parsing \"9223372036854775808\": value out of range"
        );
    }

    #[test]
    fn hex_numbers_are_found_anywhere() {
        assert_eq!(
            hex_addresses(" @ 0x10 0xff x0x1").unwrap(),
            vec![16, 255, 1]
        );
        assert!(hex_addresses("0x1ffffffffffffffff").is_err());
    }
}
