//! The in-memory profile: validated once at load, immutable afterwards.
//!
//! Sits between `source` (which decodes bytes into it) and every command.
//! Samples are stored column-wise (location indices in one `Vec<u32>` with
//! offsets, values in one `Vec<i64>`), ids are dense `u32` indices, and every
//! string lives once in the string table. This module never parses wire data
//! and never formats reports. The operations on whole profiles live in the
//! submodules: [`merge`] and [`compact`] (pprof's `Merge`), [`scale`]
//! (units, `Normalize`), [`base`] (`-base` and `-diff_base`) and [`prune`]
//! (`drop_frames`/`keep_frames`), [`series`] (ordering snapshots and sharing
//! their tables), [`utf8`] (strings that are not valid UTF-8); their errors are [`crate::Error`]s.

pub mod base;
pub mod compact;
pub mod merge;
pub mod prune;
pub mod scale;
pub mod series;
#[cfg(test)]
pub(crate) mod testkit;
pub mod utf8;

use std::sync::Arc;

/// The sum of sample values, saturating at `i64::MIN`/`i64::MAX`: an absurd
/// profile gets the largest total there is, never a wrapped one (Go wraps
/// and prints totals like `-2B, 100% of 2B total`) and never a panic in a
/// debug build. Use it, and `saturating_*` arithmetic, wherever values are
/// summed.
pub fn sum_values(values: impl IntoIterator<Item = i64>) -> i64 {
    values.into_iter().fold(0, i64::saturating_add)
}

/// Marker for "no such entry" in a table of `u32` indices.
pub const NONE: u32 = u32::MAX;

/// Defines a typed index into one of the profile's tables.
macro_rules! table_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            /// "No entry" (for an optional reference).
            pub const NONE: $name = $name(NONE);

            /// The position in its table.
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// The id of position `i`.
            pub fn at(i: usize) -> $name {
                $name(i as u32)
            }

            /// True unless this is [`Self::NONE`].
            pub fn is_some(self) -> bool {
                self.0 != NONE
            }
        }
    };
}

table_id!(
    /// Index into [`Profile::strings`]; 0 is the empty string.
    StrId
);
table_id!(
    /// Index into [`Profile::functions`].
    FunctionId
);
table_id!(
    /// Index into [`Profile::mappings`].
    MappingId
);
table_id!(
    /// Index into [`Profile::locations`].
    LocationId
);

impl StrId {
    /// The empty string's id.
    pub const EMPTY: StrId = StrId(0);
}

/// A (type, unit) pair naming one value column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ValueType {
    /// The type name (`alloc_space`, `cpu`, …).
    pub ty: StrId,
    /// Its unit (`bytes`, `nanoseconds`, `count`, …).
    pub unit: StrId,
}

/// An address range of the profiled process and the object file behind it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Mapping {
    /// First address of the range.
    pub start: u64,
    /// Address just after the range.
    pub limit: u64,
    /// Offset in the object file of `start`.
    pub offset: u64,
    /// The object file's path.
    pub file: StrId,
    /// The object file's build id (empty when unknown).
    pub build_id: StrId,
    /// Its locations have function names.
    pub has_functions: bool,
    /// Its locations have source file names.
    pub has_filenames: bool,
    /// Its locations have line numbers.
    pub has_line_numbers: bool,
    /// Its locations have inline frames.
    pub has_inline_frames: bool,
}

/// A function: display name, mangled name, file and first line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Function {
    /// Display name (demangled).
    pub name: StrId,
    /// Name as in the binary (mangled).
    pub system_name: StrId,
    /// Source file.
    pub filename: StrId,
    /// First line of the function (0: unknown).
    pub start_line: i64,
}

/// One (possibly inlined) frame of a location.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Line {
    /// The function ([`FunctionId::NONE`]: none).
    pub function: FunctionId,
    /// Line number (0: unknown).
    pub line: i64,
}

/// A program counter with its frames; `lines` indexes [`Profile::lines`],
/// innermost inlined frame first, the owning function last.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Location {
    /// Its mapping ([`MappingId::NONE`]: none).
    pub mapping: MappingId,
    /// Program counter (0: symbolic location).
    pub address: u64,
    /// First of its frames in [`Profile::lines`].
    pub lines_start: u32,
    /// Number of frames.
    pub lines_len: u32,
    /// Frames were folded into one (pprof's `is_folded`).
    pub is_folded: bool,
}

impl Location {
    /// The range of this location's frames in [`Profile::lines`].
    pub fn line_range(&self) -> std::ops::Range<usize> {
        self.lines_start as usize..(self.lines_start + self.lines_len) as usize
    }
}

/// A sample label: a string label when `str != 0`, otherwise numeric.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Label {
    /// The label's key.
    pub key: StrId,
    /// String value ([`StrId::EMPTY`] for a numeric label).
    pub str: StrId,
    /// Numeric value.
    pub num: i64,
    /// Unit of the numeric value (empty: none).
    pub unit: StrId,
}

impl Label {
    /// True for a string label.
    pub fn is_str(&self) -> bool {
        self.str != StrId::EMPTY
    }

    /// A label with neither string, number nor unit: it carries nothing and
    /// is dropped when the profile is loaded.
    pub fn is_empty(&self) -> bool {
        self.str == StrId::EMPTY && self.num == 0 && self.unit == StrId::EMPTY
    }
}

/// All samples, column-wise. Sample `i` has locations
/// `locs[loc_start[i]..loc_start[i+1]]` (leaf first), values
/// `values[i*k..(i+1)*k]` for `k` sample types, and labels
/// `labels[label_start[i]..label_start[i+1]]`.
#[derive(Clone, Debug, Default)]
pub struct Samples {
    /// Offsets into `locs`, one per sample plus one.
    pub loc_start: Vec<u32>,
    /// Every sample's locations, leaf first, back to back.
    pub locs: Vec<LocationId>,
    /// Every sample's values, `k` per sample.
    pub values: Vec<i64>,
    /// Offsets into `labels`, one per sample plus one.
    pub label_start: Vec<u32>,
    /// Every sample's labels, back to back.
    pub labels: Vec<Label>,
}

impl Samples {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.loc_start.len().saturating_sub(1)
    }
    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Location indices of sample `i`, leaf first.
    pub fn locs(&self, i: usize) -> &[LocationId] {
        &self.locs[self.loc_start[i] as usize..self.loc_start[i + 1] as usize]
    }
    /// Labels of sample `i`.
    pub fn labels(&self, i: usize) -> &[Label] {
        &self.labels[self.label_start[i] as usize..self.label_start[i + 1] as usize]
    }
    /// Values of sample `i` given `k` value columns.
    pub fn values(&self, i: usize, k: usize) -> &[i64] {
        &self.values[i * k..(i + 1) * k]
    }
    /// Appends one sample.
    pub fn push(&mut self, locs: &[LocationId], values: &[i64], labels: &[Label]) {
        if self.loc_start.is_empty() {
            self.loc_start.push(0);
            self.label_start.push(0);
        }
        self.locs.extend_from_slice(locs);
        self.loc_start.push(self.locs.len() as u32);
        self.values.extend_from_slice(values);
        self.labels.extend_from_slice(labels);
        self.label_start.push(self.labels.len() as u32);
    }
}

/// A whole profile. Its symbol tables (strings, mappings, locations, lines,
/// functions) are shared immutably (`Arc`): clones and the snapshots of a
/// series point at one copy (see [`series::share`]); whoever edits a table
/// gets its own copy first (`Arc::make_mut`).
#[derive(Clone, Debug, Default)]
pub struct Profile {
    /// The string table; id 0 is the empty string.
    pub strings: Arc<Vec<String>>,
    /// The value columns.
    pub sample_types: Vec<ValueType>,
    /// The column reports show by default (empty: the last).
    pub default_sample_type: StrId,
    /// What `period` measures.
    pub period_type: ValueType,
    /// Whether the profile has a period type at all, empty names included
    /// (pprof then prints a `PeriodType:` line).
    pub has_period_type: bool,
    /// Sampling period.
    pub period: i64,
    /// When the profile was taken (Unix nanoseconds, 0: unknown).
    pub time_nanos: i64,
    /// How long it covers (0: unknown).
    pub duration_nanos: i64,
    /// Free-form comments.
    pub comments: Vec<StrId>,
    /// Regexp of frames to drop at load (empty: none).
    pub drop_frames: StrId,
    /// Regexp of frames to keep despite `drop_frames`.
    pub keep_frames: StrId,
    /// Address ranges and their object files.
    pub mappings: Arc<Vec<Mapping>>,
    /// Program counters with their frames.
    pub locations: Arc<Vec<Location>>,
    /// The frames of every location, back to back.
    pub lines: Arc<Vec<Line>>,
    /// Functions.
    pub functions: Arc<Vec<Function>>,
    /// The samples, column-wise.
    pub samples: Samples,
}

/// The last path element of `p` (Go's `filepath.Base`).
pub fn basename(p: &str) -> &str {
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return if p.is_empty() { "." } else { "/" };
    }
    t.rsplit('/').next().unwrap_or(t)
}

impl Profile {
    /// The text of a string id.
    pub fn str(&self, id: StrId) -> &str {
        &self.strings[id.index()]
    }

    /// Number of value columns.
    pub fn num_types(&self) -> usize {
        self.sample_types.len()
    }

    /// Values of sample `i`.
    pub fn values(&self, i: usize) -> &[i64] {
        self.samples.values(i, self.sample_types.len())
    }

    /// The frames of a location, innermost first.
    pub fn loc_lines(&self, loc: LocationId) -> &[Line] {
        &self.lines[self.locations[loc.index()].line_range()]
    }

    /// Adds `s` to the string table (linear de-duplication is avoided by the
    /// callers that build many strings; see [`Interner`]).
    pub fn intern_slow(&mut self, s: &str) -> StrId {
        if let Some(i) = self.strings.iter().position(|x| x == s) {
            return StrId::at(i);
        }
        Arc::make_mut(&mut self.strings).push(s.to_string());
        StrId::at(self.strings.len() - 1)
    }

    /// Shows tab, newline and carriage return inside the profile's strings
    /// as `\t`, `\n` and `\r`, and bytes that are not UTF-8 as `\xNN`, for
    /// a terminal: there they would split a report's rows and columns or
    /// garble them (piped output keeps the bytes as pprof writes them, so
    /// this is not called for it).
    pub fn escape_for_terminal(&mut self) {
        let breaks = ['\t', '\n', '\r'];
        let odd = |s: &str| s.contains(breaks) || utf8::has_raw_bytes(s);
        if !self.strings.iter().any(|s| odd(s)) {
            return;
        }
        for s in Arc::make_mut(&mut self.strings).iter_mut() {
            if odd(s) {
                *s = utf8::escape(s)
                    .replace('\t', "\\t")
                    .replace('\n', "\\n")
                    .replace('\r', "\\r");
            }
        }
    }

    /// The names of the sample types, in column order.
    pub fn sample_type_names(&self) -> Vec<String> {
        self.sample_types
            .iter()
            .map(|t| self.str(t.ty).to_string())
            .collect()
    }

    /// The basename of mapping 0's file, if any (the "main binary").
    pub fn main_binary(&self) -> Option<&str> {
        let m = self.mappings.first()?;
        let f = self.str(m.file);
        if f.is_empty() {
            None
        } else {
            Some(f.rsplit('/').next().unwrap_or(f))
        }
    }
}

/// A string interner that builds a profile string table without
/// duplicates, in first-use order.
#[derive(Default)]
pub struct Interner {
    /// The table built so far.
    pub strings: Vec<String>,
    index: std::collections::HashMap<String, StrId>,
}

impl Interner {
    /// An interner whose id 0 is the empty string.
    pub fn new() -> Self {
        let mut i = Interner::default();
        i.intern("");
        i
    }
    /// The id of `s`, adding it if new.
    pub fn intern(&mut self, s: &str) -> StrId {
        if let Some(&id) = self.index.get(s) {
            return id;
        }
        let id = StrId::at(self.strings.len());
        self.strings.push(s.to_string());
        self.index.insert(s.to_string(), id);
        id
    }
}
