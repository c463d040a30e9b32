//! Test-only builder and reader of small profiles, for the unit tests of
//! `filter` and `model::merge`. Every direct construction of model structs
//! (and every read of their id fields) made by those tests lives here, so
//! that a change of the model's id types needs adapting this file only.
//!
//! **Notation.** A stack is a slice of locations, **leaf first** (the
//! model's and `-traces`' order: the sample's leaf is element 0). A
//! location is written as its frames joined by `;`, **innermost first**
//! (the model's [`Location`] line order): `"main.c;main.b"` is one
//! program counter in `main.b` into which `main.c` was inlined. A frame is
//! `name`, or `name@file` / `name@file:line` to give the function a file
//! name and the line a number; the empty text is a location without lines
//! (an unsymbolized address). (Lines without a function are not written:
//! pprof rejects them at load, `location id: 1 has a line with nil
//! function`.) So
//!
//! ```text
//! profile(&[("alloc_space", "bytes")])
//!     .sample(&["main.c;main.b", "main.a"], &[10])
//! ```
//!
//! is the sample `main.a → main.b (physical) → main.c (inlined)` of 10
//! bytes. Within one builder the same location text is the same location,
//! and the same frame text is the same function. A location is created on
//! first use under the mapping of the latest [`Builder::mapping`] call (none
//! before the first), at address `mapping start + 0x10 * n` for the n-th
//! location, unless declared first with [`Builder::location`].
//!
//! Reading back, [`samples`] and [`view_samples`] give [`Stack`] values in
//! the same notation (files and line numbers left out), so tests compare
//! whole filtered samples as values.
//!
//! Setting `RPPROF_TESTKIT_DUMP=<dir>` makes [`Builder::build`] also write
//! each profile as `<dir>/<test name>.<n>.pb.gz`, to run the real
//! `go tool pprof` on exactly the profile a test uses.

use super::{
    Function, FunctionId, Label, Line, Location, LocationId, Mapping, MappingId, Profile, StrId,
    ValueType,
};
use crate::filter::View;
use std::collections::HashMap;
use std::sync::Arc;

/// A label of a sample being built: `Tag::Str(key, value)` or
/// `Tag::Num(key, value, unit)`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Tag<'a> {
    /// A string label.
    Str(&'a str, &'a str),
    /// A numeric label with its unit (`""` for none).
    Num(&'a str, i64, &'a str),
}

/// A profile under construction; see the module docs for the notation.
pub(crate) struct Builder {
    p: Profile,
    strings: HashMap<String, StrId>,
    functions: HashMap<String, FunctionId>,
    /// Location text → location index.
    locations: HashMap<String, LocationId>,
    /// The mapping of locations created from now on.
    mapping: MappingId,
}

/// A profile with these (type, unit) sample columns and nothing else.
pub(crate) fn profile(types: &[(&str, &str)]) -> Builder {
    let mut b = Builder {
        p: Profile {
            strings: vec![String::new()].into(),
            ..Default::default()
        },
        strings: HashMap::from([(String::new(), StrId::EMPTY)]),
        functions: HashMap::new(),
        locations: HashMap::new(),
        mapping: MappingId::NONE,
    };
    b.p.sample_types = types
        .iter()
        .map(|&(t, u)| ValueType {
            ty: b.s(t),
            unit: b.s(u),
        })
        .collect();
    b
}

impl Builder {
    fn s(&mut self, text: &str) -> StrId {
        if let Some(&id) = self.strings.get(text) {
            return id;
        }
        Arc::make_mut(&mut self.p.strings).push(text.to_string());
        let id = StrId::at(self.p.strings.len() - 1);
        self.strings.insert(text.to_string(), id);
        id
    }

    /// The function and line of a frame text `name[@file[:line]]`.
    fn frame(&mut self, text: &str) -> Line {
        let (name, file, line) = match text.split_once('@') {
            None => (text, "", 0),
            Some((name, rest)) => match rest.rsplit_once(':') {
                Some((file, n)) if n.parse::<i64>().is_ok() => {
                    (name, file, n.parse().expect("checked"))
                }
                _ => (name, rest, 0),
            },
        };
        let key = format!("{name}@{file}");
        let function = match self.functions.get(&key) {
            Some(&f) => f,
            None => {
                let f = Function {
                    name: self.s(name),
                    system_name: self.s(name),
                    filename: self.s(file),
                    start_line: 0,
                };
                Arc::make_mut(&mut self.p.functions).push(f);
                let id = FunctionId::at(self.p.functions.len() - 1);
                self.functions.insert(key, id);
                id
            }
        };
        Line { function, line }
    }

    /// The location of `text`, created under the current mapping at
    /// `address` (or the next free one) when new.
    fn loc(&mut self, text: &str, address: Option<u64>) -> LocationId {
        if let Some(&l) = self.locations.get(text) {
            return l;
        }
        let lines: Vec<Line> = if text.is_empty() {
            Vec::new()
        } else {
            text.split(';').map(|f| self.frame(f)).collect()
        };
        let base = if self.mapping.is_some() {
            self.p.mappings[self.mapping.index()].start
        } else {
            0x1000
        };
        let n = self.p.locations.len() as u64 + 1;
        let lines_start = self.p.lines.len() as u32;
        Arc::make_mut(&mut self.p.lines).extend_from_slice(&lines);
        Arc::make_mut(&mut self.p.locations).push(Location {
            mapping: self.mapping,
            address: address.unwrap_or(base + 0x10 * n),
            lines_start,
            lines_len: lines.len() as u32,
            is_folded: false,
        });
        let id = LocationId::at(self.p.locations.len() - 1);
        self.locations.insert(text.to_string(), id);
        id
    }

    /// Adds a mapping of `file` over `start..limit` at file `offset`
    /// (`build_id` may be empty); locations created after this call (and
    /// before the next `mapping`) belong to it.
    pub(crate) fn mapping(
        mut self,
        file: &str,
        start: u64,
        limit: u64,
        offset: u64,
        build_id: &str,
    ) -> Self {
        let m = Mapping {
            start,
            limit,
            offset,
            file: self.s(file),
            build_id: self.s(build_id),
            has_functions: true,
            ..Default::default()
        };
        Arc::make_mut(&mut self.p.mappings).push(m);
        self.mapping = MappingId::at(self.p.mappings.len() - 1);
        self
    }

    /// Declares the location `text` under the current mapping at
    /// `address`, for samples that use it later.
    pub(crate) fn location(mut self, address: u64, text: &str) -> Self {
        assert!(
            !self.locations.contains_key(text),
            "location {text:?} declared twice or after use"
        );
        self.loc(text, Some(address));
        self
    }

    /// Adds a sample: `stack` leaf first, one value per sample type.
    pub(crate) fn sample(self, stack: &[&str], values: &[i64]) -> Self {
        self.labelled(stack, values, &[])
    }

    /// Adds a sample with labels.
    pub(crate) fn labelled(mut self, stack: &[&str], values: &[i64], tags: &[Tag]) -> Self {
        assert_eq!(values.len(), self.p.sample_types.len(), "values per sample");
        let locs: Vec<LocationId> = stack.iter().map(|t| self.loc(t, None)).collect();
        let labels: Vec<Label> = tags
            .iter()
            .map(|t| match *t {
                Tag::Str(k, v) => Label {
                    key: self.s(k),
                    str: self.s(v),
                    num: 0,
                    unit: StrId::EMPTY,
                },
                Tag::Num(k, n, u) => Label {
                    key: self.s(k),
                    str: StrId::EMPTY,
                    num: n,
                    unit: self.s(u),
                },
            })
            .collect();
        self.p.samples.push(&locs, values, &labels);
        self
    }

    /// Sets the period type and period.
    pub(crate) fn period(mut self, ty: &str, unit: &str, period: i64) -> Self {
        self.p.period_type = ValueType {
            ty: self.s(ty),
            unit: self.s(unit),
        };
        self.p.period = period;
        self
    }

    /// Sets the collection time and duration (nanoseconds).
    pub(crate) fn time(mut self, time_nanos: i64, duration_nanos: i64) -> Self {
        self.p.time_nanos = time_nanos;
        self.p.duration_nanos = duration_nanos;
        self
    }

    /// Adds a comment.
    pub(crate) fn comment(mut self, text: &str) -> Self {
        let c = self.s(text);
        self.p.comments.push(c);
        self
    }

    /// Sets the default sample type.
    pub(crate) fn default_type(mut self, ty: &str) -> Self {
        self.p.default_sample_type = self.s(ty);
        self
    }

    /// The finished profile (also written out when `RPPROF_TESTKIT_DUMP`
    /// is set, see the module docs).
    pub(crate) fn build(self) -> Profile {
        dump(&self.p);
        self.p
    }
}

thread_local! {
    static DUMPED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

fn dump(p: &Profile) {
    let Some(dir) = std::env::var_os("RPPROF_TESTKIT_DUMP") else {
        return;
    };
    let n = DUMPED.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    let test = std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .replace("::", ".");
    let path = std::path::Path::new(&dir).join(format!("{test}.{n}.pb.gz"));
    std::fs::write(&path, crate::source::encode::encode(p)).expect("writing a dump");
}

/// One sample read back: its stack in the builder's notation (leaf first,
/// frames innermost first, without files or lines), its values and its
/// labels as `key=value` / `key=<num><unit>`, sorted (a label set is a map:
/// its stored order means nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stack {
    pub(crate) frames: Vec<String>,
    pub(crate) values: Vec<i64>,
    pub(crate) labels: Vec<String>,
}

/// An expected [`Stack`] without labels.
pub(crate) fn stack(frames: &[&str], values: &[i64]) -> Stack {
    Stack {
        frames: frames.iter().map(|s| s.to_string()).collect(),
        values: values.to_vec(),
        labels: Vec::new(),
    }
}

impl Stack {
    /// The same stack with these labels (`key=value`, `key=<num><unit>`).
    pub(crate) fn with_labels(mut self, labels: &[&str]) -> Stack {
        self.labels = sorted(labels.iter().map(|s| s.to_string()));
        self
    }
}

fn frames_text(p: &Profile, lines: &[Line]) -> String {
    lines
        .iter()
        .map(|ln| match ln.function {
            FunctionId::NONE => "?".to_string(),
            f => p.str(p.functions[f.index()].name).to_string(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

fn label_text(p: &Profile, l: &Label) -> String {
    if l.is_str() {
        format!("{}={}", p.str(l.key), p.str(l.str))
    } else {
        format!("{}={}{}", p.str(l.key), l.num, p.str(l.unit))
    }
}

fn sorted(labels: impl Iterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = labels.collect();
    v.sort();
    v
}

/// The samples of a profile, in order.
pub(crate) fn samples(p: &Profile) -> Vec<Stack> {
    let k = p.num_types();
    (0..p.samples.len())
        .map(|i| Stack {
            frames: p
                .samples
                .locs(i)
                .iter()
                .map(|&l| frames_text(p, p.loc_lines(l)))
                .collect(),
            values: p.samples.values(i, k).to_vec(),
            labels: sorted(p.samples.labels(i).iter().map(|l| label_text(p, l))),
        })
        .collect()
}

/// The kept samples of a filtered view, in order, with their kept frames
/// and shown labels.
pub(crate) fn view_samples(v: &View) -> Vec<Stack> {
    let p = v.profile();
    (0..v.samples().len())
        .map(|k| Stack {
            frames: v
                .sample_locs(k)
                .map(|l| frames_text(p, v.lines(l)))
                .collect(),
            values: v.sample_values(k).to_vec(),
            labels: sorted(v.sample_labels(k).map(|l| label_text(p, l))),
        })
        .collect()
}

/// The location table: (address, mapping index, frames) per location.
pub(crate) fn locations(p: &Profile) -> Vec<(u64, Option<usize>, String)> {
    p.locations
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let m = (l.mapping != MappingId::NONE).then_some(l.mapping.index());
            (l.address, m, frames_text(p, p.loc_lines(LocationId::at(i))))
        })
        .collect()
}

/// The mapping table: (file, start, limit, offset, build id) per mapping.
pub(crate) fn mappings(p: &Profile) -> Vec<(String, u64, u64, u64, String)> {
    p.mappings
        .iter()
        .map(|m| {
            (
                p.str(m.file).to_string(),
                m.start,
                m.limit,
                m.offset,
                p.str(m.build_id).to_string(),
            )
        })
        .collect()
}

/// The function table: (name, file) per function.
pub(crate) fn functions(p: &Profile) -> Vec<(String, String)> {
    p.functions
        .iter()
        .map(|f| (p.str(f.name).to_string(), p.str(f.filename).to_string()))
        .collect()
}

/// The sample types as (type, unit).
pub(crate) fn sample_types(p: &Profile) -> Vec<(String, String)> {
    p.sample_types
        .iter()
        .map(|t| (p.str(t.ty).to_string(), p.str(t.unit).to_string()))
        .collect()
}

/// A profile's header fields, read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) period_type: (String, String),
    pub(crate) period: i64,
    pub(crate) time_nanos: i64,
    pub(crate) duration_nanos: i64,
    pub(crate) comments: Vec<String>,
    pub(crate) default_type: String,
}

/// The header of a profile.
pub(crate) fn header(p: &Profile) -> Header {
    Header {
        period_type: (
            p.str(p.period_type.ty).to_string(),
            p.str(p.period_type.unit).to_string(),
        ),
        period: p.period,
        time_nanos: p.time_nanos,
        duration_nanos: p.duration_nanos,
        comments: p.comments.iter().map(|&c| p.str(c).to_string()).collect(),
        default_type: p.str(p.default_sample_type).to_string(),
    }
}
