//! Streaming protobuf decoder: wire bytes → [`crate::model::Profile`].
//!
//! Sits right after `source::read` (gunzip). The top level of `Profile` and
//! every `Sample` are decoded by hand straight into the model's flat arrays,
//! in two passes over the buffer (the first decodes the small tables and
//! counts samples, the second fills pre-sized arrays), so the wire
//! `Vec<Sample>` never exists. The small tables use the prost types generated
//! from `proto/profile.proto`. All cross-references are checked here; a
//! failure names the element. This module does no merging or filtering.

use crate::error::Error;
use crate::model::compact::MERGE_BYTES_PER_SAMPLE;
use crate::model::{
    Function, FunctionId, Label, Line, Location, LocationId, Mapping, MappingId, NONE, Profile,
    Samples, StrId, ValueType,
};
use crate::pb;
use prost::Message;
use std::collections::HashMap;

/// A cursor over protobuf wire data.
struct Wire<'a> {
    buf: &'a [u8],
    pos: usize,
}

/// One field's payload.
enum Value<'a> {
    Varint(u64),
    Fixed(u64),
    Bytes(&'a [u8]),
}

/// Why decoding failed.
#[derive(Debug)]
pub enum Failure {
    /// Not a protobuf profile (what broke, for a debugger): pprof then
    /// tries the other formats and, failing, says `unrecognized profile
    /// format`.
    NotProtobuf(String),
    /// A protobuf profile, refused: pprof's validation (`CheckValid`),
    /// concatenated profiles, an empty input or the memory limit.
    Refused(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Refused(e)
    }
}

/// A failure to decode the wire format or resolve its string indices.
fn malformed(msg: impl Into<String>) -> Failure {
    Failure::NotProtobuf(msg.into())
}

/// A profile that fails pprof's validation, in its words.
fn invalid(msg: impl Into<String>) -> Failure {
    Failure::Refused(Error::Malformed(msg.into()))
}

impl<'a> Wire<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Wire { buf, pos: 0 }
    }

    fn done(&self) -> bool {
        self.pos >= self.buf.len()
    }

    #[inline]
    fn varint(&mut self) -> Result<u64, Failure> {
        let mut v: u64 = 0;
        for i in 0..10 {
            let Some(&b) = self.buf.get(self.pos) else {
                return Err(malformed("truncated varint"));
            };
            self.pos += 1;
            v |= u64::from(b & 0x7f) << (7 * i);
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(malformed("bad varint"))
    }

    fn field(&mut self) -> Result<(u32, Value<'a>), Failure> {
        let key = self.varint()?;
        // Field numbers run from 1 to 2^29 - 1.
        let num = match key >> 3 {
            n @ 1..=0x1fff_ffff => n as u32,
            n => return Err(malformed(format!("invalid field number: {n}"))),
        };
        let v = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => Value::Fixed(self.fixed(8)?),
            2 => {
                let len = self.varint()? as usize;
                let end = self
                    .pos
                    .checked_add(len)
                    .filter(|&e| e <= self.buf.len())
                    .ok_or_else(|| malformed("truncated length-delimited field"))?;
                let b = &self.buf[self.pos..end];
                self.pos = end;
                Value::Bytes(b)
            }
            5 => Value::Fixed(self.fixed(4)?),
            t => return Err(malformed(format!("unknown wire type: {t}"))),
        };
        Ok((num, v))
    }

    fn fixed(&mut self, n: usize) -> Result<u64, Failure> {
        let end = self.pos + n;
        let b = self
            .buf
            .get(self.pos..end)
            .ok_or_else(|| malformed("truncated fixed field"))?;
        self.pos = end;
        let mut v = 0u64;
        for (i, x) in b.iter().enumerate() {
            v |= u64::from(*x) << (8 * i);
        }
        Ok(v)
    }
}

/// Integer payload of a scalar field.
fn int(v: &Value, what: &str) -> Result<u64, Failure> {
    match v {
        Value::Varint(x) | Value::Fixed(x) => Ok(*x),
        Value::Bytes(_) => Err(malformed(format!("{what}: type mismatch"))),
    }
}

/// Calls `f` for every element of a repeated integer field, packed or not.
fn each_int(
    v: &Value,
    what: &str,
    mut f: impl FnMut(u64) -> Result<(), Failure>,
) -> Result<(), Failure> {
    match v {
        Value::Bytes(b) => {
            let mut w = Wire::new(b);
            while !w.done() {
                f(w.varint()?)?;
            }
            Ok(())
        }
        other => f(int(other, what)?),
    }
}

/// Number of varints in a packed buffer (count of terminating bytes).
fn count_varints(b: &[u8]) -> usize {
    b.iter().filter(|&&x| x < 0x80).count()
}

/// Resolves wire ids to dense indices.
enum IdMap {
    Dense(Vec<u32>),
    Sparse(HashMap<u64, u32>),
}

impl IdMap {
    /// The map of `ids`, and the first entry pprof's validation refuses
    /// (its index and pprof's words), which is reported only once the
    /// samples are checked, as pprof checks them first. A repeated id
    /// resolves to its last entry, as in pprof's decoder.
    fn build(ids: &[u64], what: &str) -> (IdMap, Option<(usize, String)>) {
        let max = ids.iter().copied().max().unwrap_or(0);
        let dense = max < (ids.len() as u64) * 4 + 1024;
        let mut map = if dense {
            IdMap::Dense(vec![NONE; max as usize + 1])
        } else {
            IdMap::Sparse(HashMap::with_capacity(ids.len()))
        };
        let mut problem = None;
        for (i, &id) in ids.iter().enumerate() {
            let fresh = match &mut map {
                IdMap::Dense(v) => std::mem::replace(&mut v[id as usize], i as u32) == NONE,
                IdMap::Sparse(m) => m.insert(id, i as u32).is_none(),
            };
            if problem.is_some() {
                continue;
            }
            if id == 0 {
                // pprof's words: `ID` for mappings and functions.
                let id = if what == "location" { "id" } else { "ID" };
                problem = Some((i, format!("found {what} with reserved {id}=0")));
            } else if !fresh {
                problem = Some((i, format!("multiple {what}s with same id: {id}")));
            }
        }
        (map, problem)
    }

    #[inline]
    fn get(&self, id: u64) -> Option<u32> {
        match self {
            IdMap::Dense(v) => v.get(id as usize).copied().filter(|&x| x != NONE),
            IdMap::Sparse(m) => m.get(&id).copied(),
        }
    }
}

/// Decodes an uncompressed `perftools.profiles.Profile`.
pub fn decode(buf: &[u8]) -> Result<Profile, Failure> {
    if buf.is_empty() {
        return Err(Error::Parse("empty input file".into()).into());
    }
    // pprof gives every decoded profile a period type, empty when the
    // field is absent, and `raw` then prints its `PeriodType:` line.
    let mut p = Profile {
        has_period_type: true,
        ..Profile::default()
    };
    let mut raw_strings: Vec<&[u8]> = Vec::new();
    let mut sample_types = Vec::new();
    let mut period_type = pb::ValueType::default();
    let mut mappings = Vec::new();
    let mut locations = Vec::new();
    let mut functions = Vec::new();
    let mut comments = Vec::new();
    let (mut n_samples, mut n_locs, mut n_labels, mut n_values) = (0usize, 0usize, 0usize, 0usize);
    let mut seen_time = false;
    let (mut drop, mut keep, mut dflt) = (0u64, 0u64, 0u64);

    // Pass 1: everything but the samples, which are only counted.
    let mut held = Held {
        bytes: buf.len() as u64,
        limit: super::memory_limit(),
    };
    let mut checkpoints = Vec::new();
    let mut w = Wire::new(buf);
    while !w.done() {
        let field_start = w.pos;
        let (num, v) = w.field()?;
        match num {
            1 => {
                held.add(size_of::<pb::ValueType>())?;
                sample_types.push(sub::<pb::ValueType>(&v, "sample_type")?);
            }
            2 => {
                let Value::Bytes(b) = v else {
                    return Err(malformed("sample: type mismatch"));
                };
                if n_samples % CHECKPOINT == 0 {
                    checkpoints.push(Checkpoint {
                        offset: field_start,
                        sample: n_samples,
                        locs: n_locs,
                        labels: n_labels,
                    });
                }
                n_samples += 1;
                let mut s = Wire::new(b);
                while !s.done() {
                    match s.field()? {
                        (1, Value::Bytes(x)) => n_locs += count_varints(x),
                        (1, _) => n_locs += 1,
                        (2, Value::Bytes(x)) => n_values += count_varints(x),
                        (2, _) => n_values += 1,
                        (3, _) => n_labels += 1,
                        _ => {}
                    }
                }
            }
            3 => {
                held.add(size_of::<pb::Mapping>() + size_of::<Mapping>())?;
                mappings.push(sub::<pb::Mapping>(&v, "mapping")?);
            }
            4 => {
                let l = sub::<pb::Location>(&v, "location")?;
                let lines = l.line.len() * (size_of::<pb::Line>() + size_of::<Line>());
                held.add(size_of::<pb::Location>() + size_of::<Location>() + lines)?;
                locations.push(l);
            }
            5 => {
                held.add(size_of::<pb::Function>() + size_of::<Function>())?;
                functions.push(sub::<pb::Function>(&v, "function")?);
            }
            6 => match v {
                Value::Bytes(b) => {
                    held.add(size_of::<&[u8]>() + size_of::<String>() + b.len())?;
                    raw_strings.push(b);
                }
                _ => return Err(malformed("string_table: type mismatch")),
            },
            7 => drop = int(&v, "drop_frames")?,
            8 => keep = int(&v, "keep_frames")?,
            9 => {
                if seen_time {
                    return Err(Error::Parse("concatenated profiles detected".into()).into());
                }
                seen_time = true;
                p.time_nanos = int(&v, "time_nanos")? as i64;
            }
            10 => p.duration_nanos = int(&v, "duration_nanos")? as i64,
            11 => {
                period_type = sub::<pb::ValueType>(&v, "period_type")?;
            }
            12 => p.period = int(&v, "period")? as i64,
            13 => each_int(&v, "comment", |c| {
                comments.push(c);
                Ok(())
            })?,
            14 => dflt = int(&v, "default_sample_type")?,
            _ => {}
        }
    }

    if raw_strings.first().is_some_and(|s| !s.is_empty()) {
        return Err(malformed("string_table[0] must be ''"));
    }
    if raw_strings.is_empty() {
        raw_strings.push(b"");
    }
    p.strings = raw_strings
        .iter()
        .map(|b| crate::model::utf8::from_bytes(b))
        .collect::<Vec<_>>()
        .into();
    let nstr = p.strings.len() as u64;
    let s = |i: i64, what: &str| str_index(i, nstr, what);

    p.sample_types = sample_types
        .iter()
        .map(|t| {
            Ok(ValueType {
                ty: s(t.r#type, "sample_type")?,
                unit: s(t.unit, "sample_type")?,
            })
        })
        .collect::<Result<_, Failure>>()?;
    p.period_type = ValueType {
        ty: s(period_type.r#type, "period_type")?,
        unit: s(period_type.unit, "period_type")?,
    };
    p.drop_frames = s(drop as i64, "drop_frames")?;
    p.keep_frames = s(keep as i64, "keep_frames")?;
    p.default_sample_type = s(dflt as i64, "default_sample_type")?;
    p.comments = comments
        .iter()
        .map(|&c| s(c as i64, "comment"))
        .collect::<Result<_, _>>()?;

    // Tables pprof's validation refuses are reported after the samples.
    let (mapping_ids, bad_mapping) = IdMap::build(
        &mappings.iter().map(|m| m.id).collect::<Vec<_>>(),
        "mapping",
    );
    p.mappings = mappings
        .iter()
        .map(|m| {
            let what = format!("mapping {}", m.id);
            Ok(Mapping {
                start: m.memory_start,
                limit: m.memory_limit,
                offset: m.file_offset,
                file: s(m.filename, &what)?,
                build_id: s(m.build_id, &what)?,
                has_functions: m.has_functions,
                has_filenames: m.has_filenames,
                has_line_numbers: m.has_line_numbers,
                has_inline_frames: m.has_inline_frames,
            })
        })
        .collect::<Result<Vec<_>, Failure>>()?
        .into();

    let (function_ids, bad_function) = IdMap::build(
        &functions.iter().map(|f| f.id).collect::<Vec<_>>(),
        "function",
    );
    p.functions = functions
        .iter()
        .map(|f| {
            let what = format!("function {}", f.id);
            Ok(Function {
                name: s(f.name, &what)?,
                system_name: s(f.system_name, &what)?,
                filename: s(f.filename, &what)?,
                start_line: f.start_line,
            })
        })
        .collect::<Result<Vec<_>, Failure>>()?
        .into();

    let (location_ids, mut bad_location) = IdMap::build(
        &locations.iter().map(|l| l.id).collect::<Vec<_>>(),
        "location",
    );
    let mut lines_out: Vec<Line> = Vec::new();
    let mut locations_out: Vec<Location> = Vec::with_capacity(locations.len());
    for (i, l) in locations.iter().enumerate() {
        // An unknown mapping id leaves the location without a mapping, as
        // in pprof.
        let mapping = mapping_ids
            .get(l.mapping_id)
            .map_or(MappingId::NONE, MappingId);
        let lines_start = lines_out.len() as u32;
        for ln in &l.line {
            let function = function_ids.get(ln.function_id).unwrap_or_else(|| {
                // pprof checks a location's id before its lines.
                if bad_location.as_ref().is_none_or(|(j, _)| *j > i) {
                    let m = format!("location id: {} has a line with nil function", l.id);
                    bad_location = Some((i, m));
                }
                0
            });
            lines_out.push(Line {
                function: FunctionId(function),
                line: ln.line,
            });
        }
        locations_out.push(Location {
            mapping,
            address: l.address,
            lines_start,
            lines_len: l.line.len() as u32,
            is_folded: l.is_folded,
        });
    }
    let bad_tables = bad_mapping.or(bad_function).or(bad_location);
    p.lines = lines_out.into();
    p.locations = locations_out.into();

    // Pass 2: the samples, straight into pre-sized columns, in parallel
    // ranges starting at checkpoints recorded by pass 1.
    let k = p.sample_types.len();
    if n_samples > 0 && k == 0 {
        return Err(invalid("missing sample type information"));
    }
    // Column sizes come from what pass 1 counted, never from products of
    // counts alone (many sample types times many empty samples would ask
    // for terabytes).
    if n_samples.checked_mul(k) != Some(n_values) {
        return Err(value_count_mismatch(buf, k));
    }
    check_budget(
        buf.len() as u64,
        held.bytes,
        n_samples,
        n_locs,
        n_values,
        n_labels,
    )?;
    let ctx = SampleCtx {
        ids: &location_ids,
        nstr,
        k,
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .min(n_samples / PARALLEL_MIN_SAMPLES)
        .clamp(1, 4);
    let mut cuts: Vec<Checkpoint> = (0..threads)
        .map(|t| {
            let want = t * n_samples / threads;
            let i = checkpoints
                .partition_point(|c| c.sample <= want)
                .saturating_sub(1);
            checkpoints.get(i).copied().unwrap_or_default()
        })
        .collect();
    cuts.dedup_by_key(|c| c.sample);
    cuts.push(Checkpoint {
        offset: buf.len(),
        sample: n_samples,
        locs: n_locs,
        labels: n_labels,
    });
    let mut smp = Samples {
        loc_start: vec![0; n_samples + 1],
        locs: vec![LocationId(0); n_locs],
        values: vec![0; n_samples * k],
        label_start: vec![0; n_samples + 1],
        labels: vec![Label::default(); n_labels],
    };
    // Hand each thread disjoint slices of the columns.
    let mut slices = Vec::new();
    {
        let (mut le, mut te) = (&mut smp.loc_start[1..], &mut smp.label_start[1..]);
        let (mut l, mut t, mut v) = (&mut smp.locs[..], &mut smp.labels[..], &mut smp.values[..]);
        for w in cuts.windows(2) {
            let n = w[1].sample - w[0].sample;
            let (a, rest) = std::mem::take(&mut le).split_at_mut(n);
            le = rest;
            let (b, rest) = std::mem::take(&mut te).split_at_mut(n);
            te = rest;
            let (c, rest) = std::mem::take(&mut l).split_at_mut(w[1].locs - w[0].locs);
            l = rest;
            let (d, rest) = std::mem::take(&mut t).split_at_mut(w[1].labels - w[0].labels);
            t = rest;
            let (e, rest) = std::mem::take(&mut v).split_at_mut(n * k);
            v = rest;
            slices.push((
                w[0],
                w[1],
                SampleSlices {
                    loc_end: a,
                    label_end: b,
                    locs: c,
                    labels: d,
                    values: e,
                },
            ));
        }
    }
    let results: Vec<Result<(usize, Option<String>), Failure>> = std::thread::scope(|sc| {
        let handles: Vec<_> = slices
            .into_iter()
            .map(|(a, b, out)| {
                let ctx = &ctx;
                sc.spawn(move || decode_samples(buf, a, b, ctx, out))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("decode worker"))
            .collect()
    });
    // Each range wrote its non-empty labels at the start of its share;
    // close the gaps left by dropped ones.
    let mut dst = 0usize;
    let mut refused = None;
    for (cut, r) in cuts.windows(2).zip(results) {
        let (kept, refusal) = r?;
        refused = refused.or(refusal);
        let src = cut[0].labels;
        if src != dst {
            smp.labels.copy_within(src..src + kept, dst);
            let shift = (src - dst) as u32;
            for e in &mut smp.label_start[cut[0].sample + 1..=cut[1].sample] {
                *e -= shift;
            }
        }
        dst += kept;
    }
    smp.labels.truncate(dst);
    p.samples = smp;
    // pprof decodes everything before it validates: a wire error in any
    // sample wins over a refusal, and refused samples over refused tables.
    if let Some(m) = refused.or(bad_tables.map(|(_, m)| m)) {
        return Err(invalid(m));
    }
    Ok(p)
}

/// Samples between checkpoints of pass 1.
const CHECKPOINT: usize = 16_384;
/// Samples per thread below which decoding stays on one thread.
const PARALLEL_MIN_SAMPLES: usize = 100_000;

/// A place in the buffer where a sample field starts, with the counts of
/// everything decoded before it.
#[derive(Clone, Copy, Default)]
struct Checkpoint {
    offset: usize,
    sample: usize,
    locs: usize,
    labels: usize,
}

/// What decoding a sample needs from the rest of the profile.
struct SampleCtx<'a> {
    ids: &'a IdMap,
    nstr: u64,
    k: usize,
}

fn str_index(i: i64, nstr: u64, what: &str) -> Result<StrId, Failure> {
    if i < 0 || i as u64 >= nstr {
        Err(malformed(format!("{what}: string index {i} out of range")))
    } else {
        Ok(StrId(i as u32))
    }
}

/// One thread's share of the sample columns.
struct SampleSlices<'a> {
    /// End offsets (absolute) of each sample's locations and labels.
    loc_end: &'a mut [u32],
    label_end: &'a mut [u32],
    locs: &'a mut [LocationId],
    labels: &'a mut [Label],
    values: &'a mut [i64],
}

/// Refuses a profile whose sample columns and `held` bytes (its `input`
/// and the tables), or the columns, tables and the load-time merge, would
/// exceed the memory limit.
fn check_budget(
    input: u64,
    held: u64,
    samples: usize,
    locs: usize,
    values: usize,
    labels: usize,
) -> Result<(), Failure> {
    let columns = (samples as u64 + 1)
        .saturating_mul(8)
        .saturating_add((locs as u64).saturating_mul(4))
        .saturating_add((values as u64).saturating_mul(8))
        .saturating_add((labels as u64).saturating_mul(std::mem::size_of::<Label>() as u64));
    // The input is freed before the load-time merge, which needs its own
    // room beside the columns and the tables.
    let tables = held.saturating_sub(input);
    let merge = (samples as u64).saturating_mul(MERGE_BYTES_PER_SAMPLE);
    let need = columns
        .saturating_add(tables)
        .saturating_add(input.max(merge));
    if need > super::memory_limit() {
        return Err(super::over_memory_limit(
            &format!(
                "its {samples} samples with {locs} frames, its tables and its input or their merge,"
            ),
            need,
        )
        .into());
    }
    Ok(())
}

/// Counts what pass 1 keeps of the tables (on top of the input), and
/// refuses a profile whose tables alone would exceed the memory limit.
struct Held {
    bytes: u64,
    limit: u64,
}

impl Held {
    fn add(&mut self, bytes: usize) -> Result<(), Failure> {
        self.bytes += bytes as u64;
        if self.bytes > self.limit {
            return Err(super::over_memory_limit("its input and tables", self.bytes).into());
        }
        Ok(())
    }
}

/// Decodes the samples `a.sample..b.sample`, whose fields start at byte
/// `a.offset`, into `out` (sized from pass 1's counts). Labels are kept as
/// decoded, empty ones included; the load-time merge drops those. Returns
/// the labels kept and the first refusal by pprof's validation.
fn decode_samples(
    buf: &[u8],
    a: Checkpoint,
    b: Checkpoint,
    ctx: &SampleCtx,
    out: SampleSlices,
) -> Result<(usize, Option<String>), Failure> {
    let k = ctx.k;
    let overflow = || malformed("sample counts changed between passes");
    let (mut nl, mut nt, mut nv) = (0usize, 0usize, 0usize);
    let mut w = Wire { buf, pos: a.offset };
    let mut idx = a.sample;
    let mut refused = None;
    while idx < b.sample && !w.done() {
        let (num, v) = w.field()?;
        if num != 2 {
            continue;
        }
        let Value::Bytes(bytes) = v else {
            return Err(malformed("sample: type mismatch"));
        };
        let nv_before = nv;
        let mut nil_location = false;
        let mut sw = Wire::new(bytes);
        while !sw.done() {
            let (f, v) = sw.field()?;
            match f {
                1 => {
                    if let Value::Bytes(b) = v {
                        let slots = out.locs.get_mut(nl..).ok_or_else(overflow)?;
                        let (n, resolved) = packed_ids(b, ctx.ids, slots)?;
                        nl += n;
                        nil_location |= !resolved;
                    } else {
                        let id = int(&v, "location_id")?;
                        let resolved = ctx.ids.get(id);
                        nil_location |= resolved.is_none();
                        *out.locs.get_mut(nl).ok_or_else(overflow)? =
                            LocationId(resolved.unwrap_or(0));
                        nl += 1;
                    }
                }
                2 => each_int(&v, "value", |x| {
                    if let Some(slot) = out.values.get_mut(nv) {
                        *slot = x as i64;
                    }
                    nv += 1;
                    Ok(())
                })?,
                3 => {
                    let Value::Bytes(lb) = v else {
                        return Err(malformed("label: type mismatch"));
                    };
                    let l = decode_label(lb)?;
                    let index = |i: i64| {
                        let ok = i >= 0 && (i as u64) < ctx.nstr;
                        ok.then_some(i as u32).ok_or_else(|| {
                            malformed(format!("sample {idx} label: string index {i} out of range"))
                        })
                    };
                    let label = Label {
                        key: StrId(index(l.0)?),
                        str: StrId(index(l.1)?),
                        num: l.2,
                        unit: StrId(index(l.3)?),
                    };
                    // A label with neither string, number nor unit carries nothing.
                    if !label.is_empty() {
                        *out.labels.get_mut(nt).ok_or_else(overflow)? = label;
                        nt += 1;
                    }
                }
                _ => {}
            }
        }
        // pprof checks the count of values before the locations.
        let got = nv - nv_before;
        if refused.is_none() && got != k {
            refused = Some(format!("mismatch: sample has {got} values vs. {k} types"));
        }
        if refused.is_none() && nil_location {
            refused = Some("sample has nil location".into());
        }
        let i = idx - a.sample;
        out.loc_end[i] = (a.locs + nl) as u32;
        out.label_end[i] = (a.labels + nt) as u32;
        idx += 1;
    }
    Ok((nt, refused))
}

/// The error for the first sample whose value count differs from the
/// number of sample types (pass 1 only saw the totals disagree).
fn value_count_mismatch(buf: &[u8], k: usize) -> Failure {
    let mut w = Wire::new(buf);
    while let Ok((num, v)) = w.field() {
        let (2, Value::Bytes(b)) = (num, v) else {
            continue;
        };
        let mut sw = Wire::new(b);
        let mut n = 0;
        while let Ok((f, v)) = sw.field() {
            match (f, v) {
                (2, Value::Bytes(x)) => n += count_varints(x),
                (2, _) => n += 1,
                _ => {}
            }
        }
        if n != k {
            return invalid(format!("mismatch: sample has {n} values vs. {k} types"));
        }
    }
    invalid("sample values do not match the sample types")
}

/// Decodes a packed list of location ids straight into indices (the hot
/// loop of decoding): their count, and whether every id resolved (an
/// unknown one is left as index 0).
#[inline]
fn packed_ids(b: &[u8], ids: &IdMap, out: &mut [LocationId]) -> Result<(usize, bool), Failure> {
    let mut i = 0;
    let mut n = 0;
    let mut resolved = true;
    while i < b.len() {
        let mut v: u64 = 0;
        let mut shift = 0;
        loop {
            let Some(&x) = b.get(i) else {
                return Err(malformed("bad varint"));
            };
            i += 1;
            v |= u64::from(x & 0x7f) << shift;
            if x < 0x80 {
                break;
            }
            shift += 7;
            if shift > 63 {
                return Err(malformed("bad varint"));
            }
        }
        let id = ids.get(v);
        resolved &= id.is_some();
        *out.get_mut(n)
            .ok_or_else(|| malformed("sample counts changed between passes"))? =
            LocationId(id.unwrap_or(0));
        n += 1;
    }
    Ok((n, resolved))
}

fn decode_label(b: &[u8]) -> Result<(i64, i64, i64, i64), Failure> {
    let mut w = Wire::new(b);
    let mut l = (0i64, 0i64, 0i64, 0i64);
    while !w.done() {
        let (f, v) = w.field()?;
        let x = int(&v, "label")? as i64;
        match f {
            1 => l.0 = x,
            2 => l.1 = x,
            3 => l.2 = x,
            4 => l.3 = x,
            _ => {}
        }
    }
    Ok(l)
}

fn sub<M: Message + Default>(v: &Value, what: &str) -> Result<M, Failure> {
    match v {
        Value::Bytes(b) => M::decode(*b).map_err(|e| malformed(format!("{what}: {e}"))),
        _ => Err(malformed(format!("{what}: type mismatch"))),
    }
}
