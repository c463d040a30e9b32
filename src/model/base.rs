//! Combining a profile with a base profile, as pprof's `fetchProfiles`
//! does for `-base` and `-diff_base`: the base is negated and merged into
//! the source, so that a stack present in both keeps only the difference
//! (and disappears when that is zero). [`BaseMode::Diff`] also labels
//! every base sample `pprof::base=true` ([`BASE_LABEL`]) first, so base
//! samples stay apart from source samples with the same stack: reports
//! then show both sides and take percentages against the base. With
//! `normalize` the source is first scaled, column by column, to the
//! base's totals (pprof's `Normalize`).
//!
//! These are operations on two finished profiles (loaded and symbolized,
//! not yet pruned by `drop_frames`), so they serve the command line's
//! `-base` through `source::fetch` as well as a comparison of two stored
//! profiles. They take both profiles by value because the source is
//! rescaled and the base relabelled and negated in place before the one
//! merge that makes the result: a caller that keeps its profiles passes
//! clones, a one-shot load passes its own and nothing is copied. Nothing
//! here fetches, prunes or formats.

use super::{Profile, merge, scale};
use crate::error::Result;

/// The reserved label key marking the samples that came from the base of
/// a [`BaseMode::Diff`] combination.
pub const BASE_LABEL: &str = "pprof::base";

/// How a base profile is applied to a source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BaseMode {
    /// `-base`: subtract; equal stacks cancel.
    #[default]
    Subtract,
    /// `-diff_base`: subtract, keeping base samples apart under the
    /// `pprof::base=true` label.
    Diff,
}

/// `source` minus `base` (pprof's `-base`). See [`combine`].
pub fn subtract(source: Profile, base: Profile, normalize: bool) -> Result<Profile> {
    combine(source, base, BaseMode::Subtract, normalize)
}

/// `source` against `base` with the base samples labelled (pprof's
/// `-diff_base`). See [`combine`].
pub fn diff(source: Profile, base: Profile, normalize: bool) -> Result<Profile> {
    combine(source, base, BaseMode::Diff, normalize)
}

/// Applies `base` to `source` as `mode` says, after scaling `source` to
/// the base's totals when `normalize`. Units are made compatible and the
/// two merged as pprof's `combineProfiles` ([`merge::combine`]); profiles
/// of different types are an [`Error::Incompatible`](crate::Error).
pub fn combine(
    mut source: Profile,
    mut base: Profile,
    mode: BaseMode,
    normalize: bool,
) -> Result<Profile> {
    if mode == BaseMode::Diff {
        scale::set_label(&mut base, BASE_LABEL, "true");
    }
    if normalize {
        scale::normalize(&mut source, &base)?;
    }
    scale::scale(&mut base, -1.0);
    merge::combine(vec![source, base])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use crate::model::{Function, Line, Location, LocationId, Mapping, ValueType};
    use crate::model::{FunctionId, MappingId};
    use std::sync::Arc;

    /// A one-column profile (`ty` in `unit`) with one sample per
    /// `(stack, value)`; a stack lists function names, leaf first, and
    /// each name is one function at one location of one mapping.
    fn profile(ty: &str, unit: &str, samples: &[(&[&str], i64)]) -> Profile {
        let mut p = Profile {
            strings: vec![String::new()].into(),
            ..Profile::default()
        };
        p.sample_types = vec![ValueType {
            ty: p.intern_slow(ty),
            unit: p.intern_slow(unit),
        }];
        p.period_type = p.sample_types[0];
        p.period = 1;
        Arc::make_mut(&mut p.mappings).push(Mapping {
            start: 0x1000,
            limit: 0x9000,
            ..Mapping::default()
        });
        for (stack, v) in samples {
            let locs: Vec<LocationId> = stack.iter().map(|f| location(&mut p, f)).collect();
            p.samples.push(&locs, &[*v], &[]);
        }
        p
    }

    /// The functions of the test binary, in address order.
    const FUNCTIONS: [&str; 4] = ["main", "leak", "steady", "work"];

    /// The location of function `name` (at the same address in every
    /// profile, as in one binary), added on first use.
    fn location(p: &mut Profile, name: &str) -> LocationId {
        let id = p.intern_slow(name);
        if let Some(i) = p.functions.iter().position(|f| f.name == id) {
            return LocationId::at(i);
        }
        let f = p.functions.len() as u32;
        Arc::make_mut(&mut p.functions).push(Function {
            name: id,
            system_name: id,
            ..Function::default()
        });
        Arc::make_mut(&mut p.lines).push(Line {
            function: FunctionId(f),
            line: 1,
        });
        Arc::make_mut(&mut p.locations).push(Location {
            mapping: MappingId(0),
            address: 0x1000 + 0x10 * FUNCTIONS.iter().position(|&n| n == name).unwrap() as u64,
            lines_start: f,
            lines_len: 1,
            is_folded: false,
        });
        LocationId(f)
    }

    /// Every sample as (stack, values, `key=value` labels).
    fn samples(p: &Profile) -> Vec<(String, Vec<i64>, Vec<String>)> {
        (0..p.samples.len())
            .map(|i| {
                let stack: Vec<&str> = p
                    .samples
                    .locs(i)
                    .iter()
                    .map(|&l| p.str(p.functions[p.loc_lines(l)[0].function.index()].name))
                    .collect();
                let labels = p
                    .samples
                    .labels(i)
                    .iter()
                    .map(|l| format!("{}={}", p.str(l.key), p.str(l.str)))
                    .collect();
                (stack.join(";"), p.values(i).to_vec(), labels)
            })
            .collect()
    }

    fn row(stack: &str, v: i64, labels: &[&str]) -> (String, Vec<i64>, Vec<String>) {
        let labels = labels.iter().map(|s| s.to_string()).collect();
        (stack.to_string(), vec![v], labels)
    }

    fn source() -> Profile {
        profile(
            "inuse_space",
            "bytes",
            &[(&["leak", "main"], 10), (&["steady", "main"], 5)],
        )
    }

    fn base() -> Profile {
        profile(
            "inuse_space",
            "bytes",
            &[(&["steady", "main"], 5), (&["leak", "main"], 4)],
        )
    }

    #[test]
    fn subtract_cancels_equal_stacks() {
        let p = subtract(source(), base(), false).unwrap();
        assert_eq!(samples(&p), vec![row("leak;main", 6, &[])]);
    }

    #[test]
    fn subtract_keeps_negative_differences() {
        let p = subtract(base(), source(), false).unwrap();
        assert_eq!(samples(&p), vec![row("leak;main", -6, &[])]);
    }

    #[test]
    fn diff_labels_the_negated_base_samples() {
        let p = diff(source(), base(), false).unwrap();
        assert_eq!(
            samples(&p),
            vec![
                row("leak;main", 10, &[]),
                row("steady;main", 5, &[]),
                row("steady;main", -5, &["pprof::base=true"]),
                row("leak;main", -4, &["pprof::base=true"]),
            ]
        );
    }

    #[test]
    fn normalize_scales_the_source_to_the_base_total_first() {
        // Source total 15, base total 9: the source is scaled by 0.6.
        let p = subtract(source(), base(), true).unwrap();
        assert_eq!(
            samples(&p),
            vec![row("leak;main", 2, &[]), row("steady;main", -2, &[])]
        );
        let p = diff(source(), base(), true).unwrap();
        assert_eq!(
            samples(&p),
            vec![
                row("leak;main", 6, &[]),
                row("steady;main", 3, &[]),
                row("steady;main", -5, &["pprof::base=true"]),
                row("leak;main", -4, &["pprof::base=true"]),
            ]
        );
    }

    #[test]
    fn units_are_made_compatible_before_subtracting() {
        let s = profile("cpu", "milliseconds", &[(&["work", "main"], 3)]);
        let b = profile("cpu", "nanoseconds", &[(&["work", "main"], 1_000_000)]);
        let p = subtract(s, b, false).unwrap();
        assert_eq!(p.str(p.sample_types[0].unit), "nanoseconds");
        assert_eq!(samples(&p), vec![row("work;main", 2_000_000, &[])]);
    }

    #[test]
    fn incompatible_profiles_are_refused() {
        let b = profile("cpu", "nanoseconds", &[(&["work"], 1)]);
        let e = subtract(source(), b.clone(), false).unwrap_err();
        assert!(matches!(e, Error::Incompatible(_)));
        assert_eq!(
            e.to_string(),
            "period type: incompatible types: {inuse_space bytes 0 0} {cpu nanoseconds 0 0}"
        );
        let e = diff(source(), b, true).unwrap_err();
        assert_eq!(
            e.to_string(),
            "incompatible period types {inuse_space bytes} and {cpu nanoseconds}"
        );
    }
}
