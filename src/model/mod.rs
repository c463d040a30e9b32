//! The in-memory profile: validated once at load, immutable afterwards.
//!
//! Sits between `source` (which decodes bytes into it) and every command.
//! Samples are stored column-wise (location indices in one `Vec<u32>` with
//! offsets, values in one `Vec<i64>`), ids are dense `u32` indices, and every
//! string lives once in the string table. This module never parses wire data
//! and never formats reports. The operations on whole profiles live in the
//! submodules: [`merge`] and [`compact`] (pprof's `Merge`), [`scale`]
//! (units, `Normalize`), [`base`] (`-base` and `-diff_base`) and [`prune`]
//! (`drop_frames`/`keep_frames`); their errors are [`crate::Error`]s.

pub mod base;
pub mod compact;
pub mod merge;
pub mod prune;
pub mod scale;
pub mod series;

/// The sum of sample values as Go's `int64` adds them: wrapping on overflow
/// (what pprof prints for absurd profiles, and never a panic in a debug
/// build). Use it, and `wrapping_*` arithmetic, wherever values are summed.
pub fn sum_values(values: impl IntoIterator<Item = i64>) -> i64 {
    values.into_iter().fold(0, i64::wrapping_add)
}

/// Index into [`Profile::strings`]; 0 is the empty string.
pub type StrId = u32;
/// Marker for "no mapping" / "no function".
pub const NONE: u32 = u32::MAX;

/// A (type, unit) pair naming one value column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ValueType {
    pub ty: StrId,
    pub unit: StrId,
}

/// An address range of the profiled process and the object file behind it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Mapping {
    pub start: u64,
    pub limit: u64,
    pub offset: u64,
    pub file: StrId,
    pub build_id: StrId,
    pub has_functions: bool,
    pub has_filenames: bool,
    pub has_line_numbers: bool,
    pub has_inline_frames: bool,
}

/// A function: display name, mangled name, file and first line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Function {
    pub name: StrId,
    pub system_name: StrId,
    pub filename: StrId,
    pub start_line: i64,
}

/// One (possibly inlined) frame of a location.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Line {
    pub function: u32,
    pub line: i64,
}

/// A program counter with its frames; `lines` indexes [`Profile::lines`],
/// innermost inlined frame first, the owning function last.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Location {
    pub mapping: u32,
    pub address: u64,
    pub lines_start: u32,
    pub lines_len: u32,
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
    pub key: StrId,
    pub str: StrId,
    pub num: i64,
    pub unit: StrId,
}

impl Label {
    /// True for a string label.
    pub fn is_str(&self) -> bool {
        self.str != 0
    }

    /// A label with neither string, number nor unit: it carries nothing and
    /// is dropped when the profile is loaded.
    pub fn is_empty(&self) -> bool {
        self.str == 0 && self.num == 0 && self.unit == 0
    }
}

/// All samples, column-wise. Sample `i` has locations
/// `locs[loc_start[i]..loc_start[i+1]]` (leaf first), values
/// `values[i*k..(i+1)*k]` for `k` sample types, and labels
/// `labels[label_start[i]..label_start[i+1]]`.
#[derive(Clone, Debug, Default)]
pub struct Samples {
    pub loc_start: Vec<u32>,
    pub locs: Vec<u32>,
    pub values: Vec<i64>,
    pub label_start: Vec<u32>,
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
    pub fn locs(&self, i: usize) -> &[u32] {
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
    pub fn push(&mut self, locs: &[u32], values: &[i64], labels: &[Label]) {
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

/// A whole profile.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    pub strings: Vec<String>,
    pub sample_types: Vec<ValueType>,
    pub default_sample_type: StrId,
    pub period_type: ValueType,
    pub period: i64,
    pub time_nanos: i64,
    pub duration_nanos: i64,
    pub comments: Vec<StrId>,
    pub drop_frames: StrId,
    pub keep_frames: StrId,
    pub mappings: Vec<Mapping>,
    pub locations: Vec<Location>,
    pub lines: Vec<Line>,
    pub functions: Vec<Function>,
    pub samples: Samples,
}

impl Profile {
    /// The text of a string id.
    pub fn str(&self, id: StrId) -> &str {
        &self.strings[id as usize]
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
    pub fn loc_lines(&self, loc: u32) -> &[Line] {
        &self.lines[self.locations[loc as usize].line_range()]
    }

    /// Adds `s` to the string table (linear de-duplication is avoided by the
    /// callers that build many strings; see [`Interner`]).
    pub fn intern_slow(&mut self, s: &str) -> StrId {
        if let Some(i) = self.strings.iter().position(|x| x == s) {
            return i as StrId;
        }
        self.strings.push(s.to_string());
        (self.strings.len() - 1) as StrId
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
        let id = self.strings.len() as StrId;
        self.strings.push(s.to_string());
        self.index.insert(s.to_string(), id);
        id
    }
}
