//! Merging profiles the way pprof's `Merge` does (Go 1.19 runs it even on a
//! single profile): ids renumbered in order of first use, unreferenced
//! mappings/locations/functions dropped (mapping 0 kept), identical
//! locations, functions and samples combined, all-zero samples dropped.
//!
//! Works on finished [`Profile`]s and returns a new one; never touches wire
//! data and never filters by user options.

use super::{
    Function, FunctionId, Interner, Label, Line, Location, LocationId, Mapping, MappingId, NONE,
    Profile, Samples, StrId, ValueType,
};
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::Arc;

/// A fast, non-cryptographic hasher for in-memory keys (FxHash-style).
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_u64(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            for (d, s) in b.iter_mut().zip(rest) {
                *d = *s;
            }
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    #[inline]
    fn write_i64(&mut self, i: i64) {
        self.write_u64(i as u64);
    }
}

/// `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

#[derive(Hash, PartialEq, Eq)]
struct MappingKey {
    size: u64,
    offset: u64,
    build_id_or_file: StrId,
}

#[derive(Hash, PartialEq, Eq)]
struct LocationKey {
    addr: u64,
    mapping: MappingId,
    lines: Vec<Line>,
    folded: bool,
}

/// Checks that profiles can be merged (same period type and sample
/// types); otherwise an [`Error::Incompatible`] with pprof's message.
pub fn compatible(a: &Profile, b: &Profile) -> Result<()> {
    let vt = |p: &Profile, t: ValueType| format!("{} {}", p.str(t.ty), p.str(t.unit));
    if vt(a, a.period_type) != vt(b, b.period_type) {
        return Err(Error::Incompatible(format!(
            "incompatible period types {{{}}} and {{{}}}",
            vt(a, a.period_type),
            vt(b, b.period_type)
        )));
    }
    let list = |p: &Profile| {
        p.sample_types
            .iter()
            .map(|t| format!("{{{}}}", vt(p, *t)))
            .collect::<Vec<_>>()
    };
    if list(a) != list(b) {
        return Err(Error::Incompatible(format!(
            "incompatible sample types [{}] and [{}]",
            list(a).join(" "),
            list(b).join(" ")
        )));
    }
    Ok(())
}

pub(super) struct Merger {
    strings: Interner,
    out: Profile,
    mappings: FastMap<MappingKey, MappingId>,
    locations: FastMap<LocationKey, LocationId>,
    functions: FastMap<Function, FunctionId>,
    /// Sample de-duplication: hash → first sample index with that hash;
    /// `chain[i]` links samples sharing a hash.
    sample_heads: FastMap<u64, u32>,
    chain: Vec<u32>,
}

/// Per-source id translation tables.
pub(super) struct SrcMaps {
    strings: Vec<StrId>,
    mappings: Vec<(MappingId, i64)>,
    pub(super) locations: Vec<LocationId>,
    functions: Vec<FunctionId>,
}

impl Merger {
    pub(super) fn string(&mut self, src: &Profile, maps: &mut SrcMaps, id: StrId) -> StrId {
        let slot = &mut maps.strings[id.index()];
        if *slot == StrId::NONE {
            *slot = self.strings.intern(src.str(id));
        }
        *slot
    }

    pub(super) fn mapping(
        &mut self,
        src: &Profile,
        maps: &mut SrcMaps,
        idx: MappingId,
    ) -> (MappingId, i64) {
        if !idx.is_some() {
            return (MappingId::NONE, 0);
        }
        if maps.mappings[idx.index()].0.is_some() {
            return maps.mappings[idx.index()];
        }
        let m = &src.mappings[idx.index()];
        let size = m.limit.wrapping_sub(m.start).wrapping_add(0xfff) & !0xfff;
        let bid = if m.build_id != StrId::EMPTY {
            m.build_id
        } else {
            m.file
        };
        let key = MappingKey {
            size,
            offset: m.offset,
            build_id_or_file: self.string(src, maps, bid),
        };
        let r = if let Some(&existing) = self.mappings.get(&key) {
            (
                existing,
                // Go's uint64 arithmetic: the delta wraps, as the
                // address it is added to does.
                (self.out.mappings[existing.index()].start as i64).wrapping_sub(m.start as i64),
            )
        } else {
            let nm = Mapping {
                file: self.string(src, maps, m.file),
                build_id: self.string(src, maps, m.build_id),
                ..m.clone()
            };
            let id = MappingId::at(self.out.mappings.len());
            Arc::make_mut(&mut self.out.mappings).push(nm);
            self.mappings.insert(key, id);
            (id, 0)
        };
        maps.mappings[idx.index()] = r;
        r
    }

    pub(super) fn function(
        &mut self,
        src: &Profile,
        maps: &mut SrcMaps,
        idx: FunctionId,
    ) -> FunctionId {
        if maps.functions[idx.index()].is_some() {
            return maps.functions[idx.index()];
        }
        let f = src.functions[idx.index()];
        let nf = Function {
            name: self.string(src, maps, f.name),
            system_name: self.string(src, maps, f.system_name),
            filename: self.string(src, maps, f.filename),
            start_line: f.start_line,
        };
        let next = FunctionId::at(self.out.functions.len());
        let id = *self.functions.entry(nf).or_insert(next);
        if id == next {
            Arc::make_mut(&mut self.out.functions).push(nf);
        }
        maps.functions[idx.index()] = id;
        id
    }

    pub(super) fn location(
        &mut self,
        src: &Profile,
        maps: &mut SrcMaps,
        idx: LocationId,
    ) -> LocationId {
        if maps.locations[idx.index()] != LocationId::NONE {
            return maps.locations[idx.index()];
        }
        let l = &src.locations[idx.index()];
        let (mapping, delta) = self.mapping(src, maps, l.mapping);
        let address = (l.address as i64).wrapping_add(delta) as u64;
        let lines: Vec<Line> = src.lines[l.line_range()]
            .iter()
            .map(|ln| Line {
                function: self.function(src, maps, ln.function),
                line: ln.line,
            })
            .collect();
        let key_addr = if mapping.is_some() {
            address.wrapping_sub(self.out.mappings[mapping.index()].start)
        } else {
            address
        };
        let key = LocationKey {
            addr: key_addr,
            mapping,
            lines,
            folded: l.is_folded,
        };
        let id = if let Some(&existing) = self.locations.get(&key) {
            existing
        } else {
            let id = LocationId::at(self.out.locations.len());
            let lines_start = self.out.lines.len() as u32;
            Arc::make_mut(&mut self.out.lines).extend_from_slice(&key.lines);
            Arc::make_mut(&mut self.out.locations).push(Location {
                mapping,
                address,
                lines_start,
                lines_len: key.lines.len() as u32,
                is_folded: l.is_folded,
            });
            self.locations.insert(key, id);
            id
        };
        maps.locations[idx.index()] = id;
        id
    }
}

impl SrcMaps {
    /// Empty translation tables for `src`.
    pub(super) fn new(src: &Profile) -> SrcMaps {
        SrcMaps {
            strings: vec![StrId::NONE; src.strings.len()],
            mappings: vec![(MappingId::NONE, 0); src.mappings.len()],
            locations: vec![LocationId::NONE; src.locations.len()],
            functions: vec![FunctionId::NONE; src.functions.len()],
        }
    }
}

impl Merger {
    /// A merger with the combined headers of `srcs` (pprof's
    /// `combineHeaders`), after checking they are compatible, sized for
    /// `expected` samples.
    pub(super) fn start(srcs: &[&Profile], expected: usize) -> Result<Merger> {
        let first = srcs
            .first()
            .ok_or_else(|| Error::Incompatible("no profiles to merge".into()))?;
        for s in &srcs[1..] {
            compatible(first, s)?;
        }
        let mut m = Merger {
            strings: Interner::new(),
            out: Profile::default(),
            mappings: FastMap::default(),
            locations: FastMap::default(),
            functions: FastMap::default(),
            sample_heads: FastMap::with_capacity_and_hasher(expected, Default::default()),
            chain: Vec::with_capacity(expected),
        };
        m.out.samples.loc_start.push(0);
        m.out.samples.label_start.push(0);
        let mut seen_comments = std::collections::HashSet::new();
        for s in srcs {
            if m.out.time_nanos == 0 || s.time_nanos < m.out.time_nanos {
                m.out.time_nanos = s.time_nanos;
            }
            m.out.duration_nanos = m.out.duration_nanos.saturating_add(s.duration_nanos);
            if m.out.period == 0 || m.out.period < s.period {
                m.out.period = s.period;
            }
            for &c in &s.comments {
                if seen_comments.insert(s.str(c).to_string()) {
                    let id = m.strings.intern(s.str(c));
                    m.out.comments.push(id);
                }
            }
            if m.out.default_sample_type == StrId::EMPTY && s.default_sample_type != StrId::EMPTY {
                m.out.default_sample_type = m.strings.intern(s.str(s.default_sample_type));
            }
        }
        let intern = |m: &mut Merger, t: ValueType| ValueType {
            ty: m.strings.intern(first.str(t.ty)),
            unit: m.strings.intern(first.str(t.unit)),
        };
        m.out.sample_types = first
            .sample_types
            .iter()
            .map(|&t| intern(&mut m, t))
            .collect();
        m.out.period_type = intern(&mut m, first.period_type);
        m.out.has_period_type = first.has_period_type;
        m.out.drop_frames = m.strings.intern(first.str(first.drop_frames));
        m.out.keep_frames = m.strings.intern(first.str(first.keep_frames));
        Ok(m)
    }

    /// Looks up an already kept sample with these locations and labels
    /// (labels in [`canonical_labels`] order). Returns its index or the hash to
    /// register a new one under.
    pub(super) fn find_sample(
        &self,
        samples: &Samples,
        locs: &[LocationId],
        labels: &[Label],
    ) -> std::result::Result<usize, u64> {
        let hash = sample_hash(locs, labels);
        let mut cur = self.sample_heads.get(&hash).copied().unwrap_or(NONE);
        while cur != NONE {
            let i = cur as usize;
            if samples.locs(i) == locs && samples.labels(i) == labels {
                return Ok(i);
            }
            cur = self.chain[i];
        }
        Err(hash)
    }

    /// Registers sample `idx` under `hash`.
    pub(super) fn register_sample(&mut self, hash: u64, idx: u32) {
        self.chain
            .push(self.sample_heads.insert(hash, idx).unwrap_or(NONE));
    }

    /// The merged profile; merged again when summing left all-zero samples.
    pub(super) fn finish(self, samples: Samples) -> Profile {
        let mut out = self.out;
        out.strings = self.strings.strings.into();
        out.samples = samples;
        let k = out.num_types();
        let any_zero =
            (0..out.samples.len()).any(|i| out.samples.values(i, k).iter().all(|&v| v == 0));
        if any_zero {
            return super::compact::merge_one(out);
        }
        out
    }
}

/// The hash under which samples are de-duplicated.
pub(super) fn sample_hash(locs: &[LocationId], labels: &[Label]) -> u64 {
    let mut h = FastHasher::default();
    locs.hash(&mut h);
    labels.hash(&mut h);
    h.finish()
}

/// Puts a sample's labels in the order that makes equal label sets compare
/// equal: by kind and key, values of a key in their original order.
pub(super) fn canonical_labels(labels: &mut [Label]) {
    if labels.len() > 1 {
        labels.sort_by_key(|l| (l.str == StrId::EMPTY, l.key));
    }
}

/// Merges `srcs` (at least one) into a new profile, as pprof's `Merge`;
/// profiles of different types are [`Error::Incompatible`].
pub fn merge(srcs: &[&Profile]) -> Result<Profile> {
    if let [one] = srcs {
        return Ok(super::compact::merge_one((*one).clone()));
    }
    let mut m = Merger::start(srcs, srcs.iter().map(|p| p.samples.len()).sum())?;
    let mut samples = std::mem::take(&mut m.out.samples);
    let mut locs = Vec::new();
    let mut labels = Vec::new();
    for src in srcs {
        let mut maps = SrcMaps::new(src);
        if m.out.mappings.is_empty() && !src.mappings.is_empty() {
            m.mapping(src, &mut maps, MappingId(0));
        }
        let k = src.num_types();
        for i in 0..src.samples.len() {
            let values = src.samples.values(i, k);
            if values.iter().all(|&v| v == 0) {
                continue;
            }
            locs.clear();
            for &l in src.samples.locs(i) {
                let mapped = maps.locations[l.index()];
                locs.push(if mapped.is_some() {
                    mapped
                } else {
                    m.location(src, &mut maps, l)
                });
            }
            labels.clear();
            for l in src.samples.labels(i) {
                labels.push(Label {
                    key: m.string(src, &mut maps, l.key),
                    str: m.string(src, &mut maps, l.str),
                    num: l.num,
                    unit: m.string(src, &mut maps, l.unit),
                });
            }
            canonical_labels(&mut labels);
            match m.find_sample(&samples, &locs, &labels) {
                Ok(j) => {
                    for (c, v) in values.iter().enumerate() {
                        samples.values[j * k + c] = samples.values[j * k + c].saturating_add(*v);
                    }
                }
                Err(hash) => {
                    let idx = samples.len() as u32;
                    samples.push(&locs, values, &labels);
                    m.register_sample(hash, idx);
                }
            }
        }
    }
    Ok(m.finish(samples))
}

/// pprof's `combineProfiles`: makes the units of `ps` compatible
/// ([`scale_profiles`](super::scale::scale_profiles)) and merges them into
/// one profile. A single profile is merged in place, without a copy.
pub fn combine(mut ps: Vec<Profile>) -> Result<Profile> {
    if ps.len() == 1 {
        return Ok(super::compact::merge_one(ps.pop().expect("one profile")));
    }
    super::scale::scale_profiles(&mut ps)?;
    let refs: Vec<&Profile> = ps.iter().collect();
    merge(&refs)
}

/// Adds a fake mapping (id 1, no file) used by every location when a profile
/// has no mappings, as pprof does after loading.
pub fn ensure_mapping(p: &mut Profile) {
    if p.mappings.is_empty() {
        Arc::make_mut(&mut p.mappings).push(Mapping::default());
        for l in Arc::make_mut(&mut p.locations) {
            l.mapping = MappingId(0);
        }
    }
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
