//! A snapshot series: several profiles of one process over time, kept
//! apart (not merged) and ordered by their `time_nanos`, the given order
//! breaking ties. All snapshots must be of one kind (the same sample
//! types): a heap series cannot hold a CPU profile.
//!
//! Model stage: works on loaded profiles; nothing here reads files or
//! reports.

use super::Profile;
use crate::{Error, Result};

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
    Ok(snapshots)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ValueType;

    fn profile(types: &[(&str, &str)], time: i64) -> Profile {
        let mut p = Profile {
            strings: vec![String::new()],
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
