//! Encoder: [`model::Profile`](crate::model::Profile) → gzipped protobuf,
//! the inverse of `source::decode`, for the `proto` and `topproto` reports.
//!
//! Ids are written 1-based in table order. The string table is rebuilt in
//! pprof's order (`""`, sample types, labels, mappings, functions,
//! drop/keep frames, period type, comments, default sample type) so that
//! the output is deterministic; string labels come before numeric ones,
//! each sorted by key. This module builds wire types only; it decides
//! nothing about which samples to write.

use crate::model::{Interner, Label, NONE, Profile, StrId};
use crate::pb;
use flate2::Compression;
use flate2::write::GzEncoder;
use prost::Message;
use std::io::Write;

/// Re-interns the profile's strings in encoding order.
struct Strings<'a> {
    p: &'a Profile,
    table: Interner,
    remap: Vec<StrId>,
}

impl Strings<'_> {
    fn id(&mut self, s: StrId) -> i64 {
        let slot = &mut self.remap[s.index()];
        if *slot == StrId::NONE {
            *slot = self.table.intern(self.p.str(s));
        }
        i64::from(slot.0)
    }

    fn value_type(&mut self, t: crate::model::ValueType) -> pb::ValueType {
        pb::ValueType {
            r#type: self.id(t.ty),
            unit: self.id(t.unit),
        }
    }
}

fn one_based(index: u32) -> u64 {
    if index == NONE {
        0
    } else {
        u64::from(index) + 1
    }
}

/// The wire form of `p`.
pub fn to_wire(p: &Profile) -> pb::Profile {
    let mut s = Strings {
        p,
        table: Interner::new(),
        remap: vec![StrId::NONE; p.strings.len()],
    };
    let mut out = pb::Profile {
        sample_type: p.sample_types.iter().map(|&t| s.value_type(t)).collect(),
        ..Default::default()
    };
    let k = p.num_types();
    out.sample.reserve(p.samples.len());
    let mut labels: Vec<Label> = Vec::new();
    for i in 0..p.samples.len() {
        labels.clear();
        labels.extend_from_slice(p.samples.labels(i));
        labels.sort_by(|a, b| {
            (!a.is_str())
                .cmp(&!b.is_str())
                .then_with(|| p.str(a.key).cmp(p.str(b.key)))
        });
        let label = labels
            .iter()
            .map(|l| {
                let key = s.id(l.key);
                if l.is_str() {
                    pb::Label {
                        key,
                        str: s.id(l.str),
                        ..Default::default()
                    }
                } else {
                    pb::Label {
                        key,
                        num: l.num,
                        num_unit: s.id(l.unit),
                        ..Default::default()
                    }
                }
            })
            .collect();
        out.sample.push(pb::Sample {
            location_id: p.samples.locs(i).iter().map(|&l| one_based(l.0)).collect(),
            value: p.samples.values(i, k).to_vec(),
            label,
        });
    }
    for (i, m) in p.mappings.iter().enumerate() {
        out.mapping.push(pb::Mapping {
            id: i as u64 + 1,
            memory_start: m.start,
            memory_limit: m.limit,
            file_offset: m.offset,
            filename: s.id(m.file),
            build_id: s.id(m.build_id),
            has_functions: m.has_functions,
            has_filenames: m.has_filenames,
            has_line_numbers: m.has_line_numbers,
            has_inline_frames: m.has_inline_frames,
        });
    }
    for (i, l) in p.locations.iter().enumerate() {
        out.location.push(pb::Location {
            id: i as u64 + 1,
            mapping_id: one_based(l.mapping.0),
            address: l.address,
            line: p.lines[l.line_range()]
                .iter()
                .map(|ln| pb::Line {
                    function_id: one_based(ln.function.0),
                    line: ln.line,
                    column: 0,
                })
                .collect(),
            is_folded: l.is_folded,
        });
    }
    for (i, f) in p.functions.iter().enumerate() {
        out.function.push(pb::Function {
            id: i as u64 + 1,
            name: s.id(f.name),
            system_name: s.id(f.system_name),
            filename: s.id(f.filename),
            start_line: f.start_line,
        });
    }
    out.drop_frames = s.id(p.drop_frames);
    out.keep_frames = s.id(p.keep_frames);
    let period_type = s.value_type(p.period_type);
    if p.has_period_type || period_type.r#type != 0 || period_type.unit != 0 {
        out.period_type = Some(period_type);
    }
    out.comment = p.comments.iter().map(|&c| s.id(c)).collect();
    out.default_sample_type = s.id(p.default_sample_type);
    out.time_nanos = p.time_nanos;
    out.duration_nanos = p.duration_nanos;
    out.period = p.period;
    out.string_table = s
        .table
        .strings
        .into_iter()
        .map(|t| bytes::Bytes::from(crate::model::utf8::to_bytes(&t).into_owned()))
        .collect();
    out
}

/// `p` as gzip-compressed protobuf (pprof's `Profile.Write`).
pub fn encode(p: &Profile) -> Vec<u8> {
    let raw = to_wire(p).encode_to_vec();
    let mut gz = GzEncoder::new(Vec::with_capacity(raw.len() / 4), Compression::default());
    gz.write_all(&raw).expect("writing to memory");
    gz.finish().expect("writing to memory")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Function, Line, Location, LocationId, Mapping, ValueType};
    use crate::model::{FunctionId, MappingId, StrId};

    fn tiny() -> Profile {
        let mut p = Profile {
            strings: [
                "",
                "cpu",
                "nanoseconds",
                "main.f",
                "f.go",
                "/bin/app",
                "kind",
                "x",
            ]
            .map(String::from)
            .to_vec()
            .into(),
            sample_types: vec![ValueType {
                ty: StrId(1),
                unit: StrId(2),
            }],
            period_type: ValueType {
                ty: StrId(1),
                unit: StrId(2),
            },
            period: 10,
            time_nanos: 7,
            mappings: vec![Mapping {
                start: 0x1000,
                limit: 0x2000,
                file: StrId(5),
                has_functions: true,
                ..Default::default()
            }]
            .into(),
            functions: vec![Function {
                name: StrId(3),
                system_name: StrId(3),
                filename: StrId(4),
                start_line: 2,
            }]
            .into(),
            lines: vec![Line {
                function: FunctionId(0),
                line: 3,
            }]
            .into(),
            locations: vec![Location {
                mapping: MappingId(0),
                address: 0x1234,
                lines_start: 0,
                lines_len: 1,
                is_folded: false,
            }]
            .into(),
            ..Default::default()
        };
        let label = Label {
            key: StrId(6),
            str: StrId(7),
            ..Default::default()
        };
        p.samples.push(&[LocationId(0)], &[42], &[label]);
        p
    }

    #[test]
    fn strings_follow_pprof_order() {
        let w = to_wire(&tiny());
        let table: Vec<&[u8]> = w.string_table.iter().map(|b| b.as_ref()).collect();
        let want: [&[u8]; 8] = [
            b"",
            b"cpu",
            b"nanoseconds",
            b"kind",
            b"x",
            b"/bin/app",
            b"main.f",
            b"f.go",
        ];
        assert_eq!(table, want);
        assert_eq!(w.sample[0].location_id, [1]);
        assert_eq!(w.location[0].mapping_id, 1);
        assert_eq!(w.function[0].filename, 7);
    }

    #[test]
    fn round_trips_through_the_decoder() {
        let p = tiny();
        let back = crate::source::parse(encode(&p)).expect("decodes");
        assert_eq!(back.samples.values(0, 1), [42]);
        assert_eq!(back.locations[0].address, 0x1234);
        let f = &back.functions[back.loc_lines(LocationId(0))[0].function.index()];
        assert_eq!(back.str(f.name), "main.f");
        assert_eq!(back.str(back.samples.labels(0)[0].str), "x");
        assert_eq!(back.period, 10);
        assert_eq!(back.time_nanos, 7);
    }
}
