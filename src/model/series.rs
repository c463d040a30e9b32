//! A snapshot series: several profiles of one process over time, kept
//! apart (not merged) and ordered by their `time_nanos`, the given order
//! breaking ties. All snapshots must be of one kind (the same sample
//! types): a heap series cannot hold a CPU profile. The snapshots share
//! one symbol space ([`share`]): N snapshots of one process hold one copy
//! of the strings, mappings, functions and locations, not N.
//!
//! Model stage: works on loaded profiles; nothing here reads files or
//! reports.

use super::merge::FastMap;
use super::{
    Function, FunctionId, Interner, Line, Location, LocationId, Mapping, MappingId, Profile, StrId,
};
use crate::{Error, Result};
use std::sync::Arc;

/// A profile's kind, as shown in messages: its sample types with units
/// (`inuse_space/bytes, …`).
pub fn kind(p: &Profile) -> String {
    p.sample_types
        .iter()
        .map(|t| format!("{}/{}", p.str(t.ty), p.str(t.unit)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Orders `snapshots` (name, profile) by time, stably, after checking
/// that there are at least two and that all are of the first one's kind.
pub fn order(mut snapshots: Vec<(String, Profile)>) -> Result<Vec<(String, Profile)>> {
    match snapshots.len() {
        0 => {
            return Err(Error::Usage(
                "a series needs at least two profiles; none loaded".into(),
            ));
        }
        1 => {
            return Err(Error::Usage(format!(
                "a series needs at least two profiles; only {} loaded",
                snapshots[0].0
            )));
        }
        _ => {}
    }
    let first = kind(&snapshots[0].1);
    if let Some((name, p)) = snapshots.iter().find(|(_, p)| kind(p) != first) {
        return Err(Error::Incompatible(format!(
            "{name} is a different kind of profile ({}) than {} ({first})",
            kind(p),
            snapshots[0].0
        )));
    }
    snapshots.sort_by_key(|(_, p)| p.time_nanos);
    share(&mut snapshots);
    Ok(snapshots)
}

/// The union of several profiles' symbol tables, each entry once (exact
/// equality: a mapping, function or location is shared only when every
/// field is the same, so no snapshot's meaning changes).
#[derive(Default)]
struct Union {
    strings: Interner,
    mappings: Vec<Mapping>,
    mapping_ids: FastMap<Mapping, MappingId>,
    functions: Vec<Function>,
    function_ids: FastMap<Function, FunctionId>,
    locations: Vec<Location>,
    lines: Vec<Line>,
    location_ids: FastMap<(Location, Vec<Line>), u32>,
}

impl Union {
    /// Adds `p`'s tables and renumbers every id `p` holds to the union's.
    fn absorb(&mut self, p: &mut Profile) {
        let strs: Vec<StrId> = p.strings.iter().map(|s| self.strings.intern(s)).collect();
        let maps: Vec<MappingId> = p
            .mappings
            .iter()
            .map(|m| {
                let m = Mapping {
                    file: strs[m.file.index()],
                    build_id: strs[m.build_id.index()],
                    ..m.clone()
                };
                *self.mapping_ids.entry(m.clone()).or_insert_with(|| {
                    self.mappings.push(m);
                    MappingId::at(self.mappings.len() - 1)
                })
            })
            .collect();
        let funcs: Vec<FunctionId> = p
            .functions
            .iter()
            .map(|f| {
                let f = Function {
                    name: strs[f.name.index()],
                    system_name: strs[f.system_name.index()],
                    filename: strs[f.filename.index()],
                    start_line: f.start_line,
                };
                *self.function_ids.entry(f).or_insert_with(|| {
                    self.functions.push(f);
                    FunctionId::at(self.functions.len() - 1)
                })
            })
            .collect();
        let locs: Vec<u32> = p
            .locations
            .iter()
            .map(|l| {
                let lines: Vec<Line> = p.lines[l.line_range()]
                    .iter()
                    .map(|ln| Line {
                        function: if ln.function.is_some() {
                            funcs[ln.function.index()]
                        } else {
                            FunctionId::NONE
                        },
                        line: ln.line,
                    })
                    .collect();
                let key = Location {
                    mapping: if l.mapping.is_some() {
                        maps[l.mapping.index()]
                    } else {
                        MappingId::NONE
                    },
                    lines_start: 0,
                    ..l.clone()
                };
                let (locations, all_lines) = (&mut self.locations, &mut self.lines);
                *self
                    .location_ids
                    .entry((key.clone(), lines.clone()))
                    .or_insert_with(|| {
                        locations.push(Location {
                            lines_start: all_lines.len() as u32,
                            ..key
                        });
                        all_lines.extend_from_slice(&lines);
                        (locations.len() - 1) as u32
                    })
            })
            .collect();
        let s = |id: StrId| strs[id.index()];
        for t in p.sample_types.iter_mut() {
            (t.ty, t.unit) = (s(t.ty), s(t.unit));
        }
        p.period_type.ty = s(p.period_type.ty);
        p.period_type.unit = s(p.period_type.unit);
        p.default_sample_type = s(p.default_sample_type);
        p.drop_frames = s(p.drop_frames);
        p.keep_frames = s(p.keep_frames);
        for c in p.comments.iter_mut() {
            *c = s(*c);
        }
        for l in p.samples.locs.iter_mut() {
            *l = LocationId(locs[(*l).index()]);
        }
        for l in p.samples.labels.iter_mut() {
            (l.key, l.str, l.unit) = (s(l.key), s(l.str), s(l.unit));
        }
    }
}

/// Makes the snapshots share one copy of their symbol tables: the union of
/// all their strings, mappings, functions and locations, the first
/// snapshot's ids unchanged, every snapshot's ids renumbered into it. A
/// snapshot's reports are the same as before (only ids change, and a table
/// holds entries that some other snapshot uses).
pub fn share(snapshots: &mut [(String, Profile)]) {
    let mut u = Union::default();
    for (_, p) in snapshots.iter_mut() {
        u.absorb(p);
    }
    let strings = Arc::new(u.strings.strings);
    let mappings = Arc::new(u.mappings);
    let functions = Arc::new(u.functions);
    let locations = Arc::new(u.locations);
    let lines = Arc::new(u.lines);
    for (_, p) in snapshots.iter_mut() {
        p.strings = strings.clone();
        p.mappings = mappings.clone();
        p.functions = functions.clone();
        p.locations = locations.clone();
        p.lines = lines.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Function, ValueType};

    fn profile(types: &[(&str, &str)], time: i64) -> Profile {
        let mut p = Profile {
            strings: vec![String::new()].into(),
            time_nanos: time,
            ..Default::default()
        };
        for (t, u) in types {
            let (ty, unit) = (p.intern_slow(t), p.intern_slow(u));
            p.sample_types.push(ValueType { ty, unit });
        }
        p
    }

    #[test]
    fn ordered_by_time_then_given_order() {
        let heap = [("inuse_space", "bytes")];
        let s = order(vec![
            ("c".into(), profile(&heap, 30)),
            ("a".into(), profile(&heap, 10)),
            ("b1".into(), profile(&heap, 20)),
            ("b2".into(), profile(&heap, 20)),
        ])
        .unwrap();
        let names: Vec<&str> = s.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b1", "b2", "c"]);
    }

    #[test]
    fn snapshots_share_one_copy_of_their_tables() {
        let heap = [("inuse_space", "bytes")];
        let mut a = profile(&heap, 1);
        let mut b = profile(&heap, 2);
        // b names the same function under another id, plus one of its own.
        let (fa, fb, fc) = (
            a.intern_slow("main.f"),
            b.intern_slow("main.g"),
            b.intern_slow("main.f"),
        );
        Arc::make_mut(&mut a.functions).push(Function {
            name: fa,
            system_name: fa,
            ..Default::default()
        });
        Arc::make_mut(&mut b.functions).push(Function {
            name: fb,
            system_name: fb,
            ..Default::default()
        });
        Arc::make_mut(&mut b.functions).push(Function {
            name: fc,
            system_name: fc,
            ..Default::default()
        });
        let s = order(vec![("a".into(), a), ("b".into(), b)]).unwrap();
        let (a, b) = (&s[0].1, &s[1].1);
        assert!(Arc::ptr_eq(&a.strings, &b.strings));
        assert!(Arc::ptr_eq(&a.functions, &b.functions));
        let names: Vec<&str> = a.functions.iter().map(|f| a.str(f.name)).collect();
        assert_eq!(names, ["main.f", "main.g"]);
        // The ids b holds now point into the union.
        assert_eq!(b.str(b.sample_types[0].ty), "inuse_space");
    }

    #[test]
    fn one_kind_and_at_least_two() {
        let heap = profile(&[("inuse_space", "bytes")], 1);
        let cpu = profile(&[("samples", "count"), ("cpu", "nanoseconds")], 2);
        let e = order(vec![("heap_1".into(), heap.clone()), ("cpu".into(), cpu)]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cpu is a different kind of profile (samples/count, cpu/nanoseconds) than heap_1 (inuse_space/bytes)"
        );
        let e = order(vec![("heap_1".into(), heap)]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a series needs at least two profiles; only heap_1 loaded"
        );
    }
}
