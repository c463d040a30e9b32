//! Value scaling between profiles, as pprof does before merging: unit
//! compatibility and conversion to the finest unit (`ScaleProfiles`),
//! per-column scaling (`ScaleN`), `-normalize` against a base, and
//! setting a label on every sample (`SetLabel`). [`super::base`] combines
//! these into `-base` and `-diff_base`.
//!
//! Works on whole [`Profile`]s after decoding and before merging; never
//! reads wire data and knows nothing about report options.

use super::{Label, Profile, StrId, ValueType};
use crate::error::{Error, Result};
use crate::render::units;

/// A value type as Go's `%v` prints pprof's `ValueType` struct.
fn go_value_type(p: &Profile, t: ValueType) -> String {
    format!("{{{} {} 0 0}}", p.str(t.ty), p.str(t.unit))
}

/// pprof's `compatibleValueTypes`: equal type names after trimming one
/// trailing `s`, and equal units or units of the same family.
fn compatible_types(a: (&str, &str), b: (&str, &str)) -> bool {
    if a.0.strip_suffix('s').unwrap_or(a.0) != b.0.strip_suffix('s').unwrap_or(b.0) {
        return false;
    }
    if a.1 == b.1 {
        return true;
    }
    matches!((units::family_of(a.1), units::family_of(b.1)), (Some(x), Some(y)) if x == y)
}

/// How many `to` units one `from` unit is (1 for unrelated units).
fn unit_ratio(from: &str, to: &str) -> f64 {
    units::scale(1, from, to).0
}

/// pprof's `CommonValueType` over one column: the finest of a set of
/// compatible types, as (profile index, type); `None` for fewer than two.
/// The error is pprof's message, without the column it is about.
fn common_type(
    types: &[(usize, ValueType)],
    ps: &[Profile],
) -> std::result::Result<Option<usize>, String> {
    if types.len() <= 1 {
        return Ok(None);
    }
    let text = |(i, t): (usize, ValueType)| (ps[i].str(t.ty), ps[i].str(t.unit));
    let mut min = 0;
    for (k, &t) in types.iter().enumerate().skip(1) {
        let m = types[min];
        if !compatible_types(text(m), text(t)) {
            return Err(format!(
                "incompatible types: {} {}",
                go_value_type(&ps[m.0], m.1),
                go_value_type(&ps[t.0], t.1)
            ));
        }
        if unit_ratio(text(t).1, text(m).1) < 1.0 {
            min = k;
        }
    }
    Ok(Some(min))
}

/// pprof's `ScaleProfiles`: checks that the period types and the sample
/// types (column by column) are compatible, then converts every column to
/// the finest unit present. Mismatches are [`Error::Incompatible`], with
/// pprof's messages.
pub fn scale_profiles(ps: &mut [Profile]) -> Result<()> {
    if ps.is_empty() {
        return Ok(());
    }
    let periods: Vec<(usize, ValueType)> = ps.iter().map(|p| p.period_type).enumerate().collect();
    let period = common_type(&periods, ps)
        .map_err(|e| Error::Incompatible(format!("period type: {e}")))?
        .map(|k| ps[k].str(ps[k].period_type.unit).to_string());
    let n = ps[0].sample_types.len();
    if let Some(p) = ps[1..].iter().find(|p| p.sample_types.len() != n) {
        return Err(Error::Incompatible(format!(
            "inconsistent samples type count: {n} != {}",
            p.sample_types.len()
        )));
    }
    let mut targets: Vec<Option<String>> = Vec::with_capacity(n);
    for col in 0..n {
        let column: Vec<(usize, ValueType)> =
            ps.iter().map(|p| p.sample_types[col]).enumerate().collect();
        let k = common_type(&column, ps)
            .map_err(|e| Error::Incompatible(format!("sample types: {e}")))?;
        targets.push(k.map(|k| ps[k].str(ps[k].sample_types[col].unit).to_string()));
    }
    for p in ps.iter_mut() {
        if let Some(unit) = &period {
            let from = p.str(p.period_type.unit).to_string();
            p.period = units::scale(p.period, &from, unit).0 as i64;
            p.period_type.unit = p.intern_slow(unit);
        }
        let mut ratios = vec![1.0; n];
        for (col, target) in targets.iter().enumerate() {
            if let Some(unit) = target {
                let from = p.str(p.sample_types[col].unit).to_string();
                ratios[col] = unit_ratio(&from, unit);
                p.sample_types[col].unit = p.intern_slow(unit);
            }
        }
        scale_n(p, &ratios);
    }
    Ok(())
}

/// pprof's `ScaleN`: multiplies column `i` by `ratios[i]` (rounding to
/// nearest) and keeps only samples with a non-zero value in a scaled column.
pub fn scale_n(p: &mut Profile, ratios: &[f64]) {
    if ratios.iter().all(|&r| r == 1.0) {
        return;
    }
    let k = p.num_types();
    let old = std::mem::take(&mut p.samples);
    let mut values = vec![0i64; k];
    for i in 0..old.len() {
        let mut keep = false;
        for (j, v) in old.values(i, k).iter().enumerate() {
            values[j] = *v;
            if ratios[j] != 1.0 {
                values[j] = (*v as f64 * ratios[j]).round() as i64;
                keep |= values[j] != 0;
            }
        }
        if keep {
            p.samples.push(old.locs(i), &values, old.labels(i));
        }
    }
    if p.samples.loc_start.is_empty() {
        p.samples.loc_start.push(0);
        p.samples.label_start.push(0);
    }
}

/// Multiplies every value by `ratio` (pprof's `Scale`).
pub fn scale(p: &mut Profile, ratio: f64) {
    if ratio != 1.0 {
        scale_n(p, &vec![ratio; p.num_types()]);
    }
}

/// pprof's `Normalize`: scales `p` column by column so that its sums equal
/// those of `base` (a column summing to 0 becomes 0). Profiles of
/// different types are [`Error::Incompatible`].
pub fn normalize(p: &mut Profile, base: &Profile) -> Result<()> {
    super::merge::compatible(p, base)?;
    let k = p.num_types();
    let sums = |q: &Profile| {
        let mut s = vec![0i64; k];
        for (i, v) in q.samples.values.iter().enumerate() {
            s[i % k] = s[i % k].saturating_add(*v);
        }
        s
    };
    let (b, s) = (sums(base), sums(p));
    let ratios: Vec<f64> = (0..k)
        .map(|i| {
            if s[i] == 0 {
                0.0
            } else {
                b[i] as f64 / s[i] as f64
            }
        })
        .collect();
    scale_n(p, &ratios);
    Ok(())
}

/// Sets string label `key` to the single value `value` on every sample
/// (pprof's `SetLabel`), replacing any values the key had.
pub fn set_label(p: &mut Profile, key: &str, value: &str) {
    let key = p.intern_slow(key);
    let str = p.intern_slow(value);
    let old = std::mem::take(&mut p.samples);
    let k = p.num_types();
    let mut labels = Vec::new();
    for i in 0..old.len() {
        labels.clear();
        labels.extend(old.labels(i).iter().filter(|l| l.key != key).copied());
        labels.push(Label {
            key,
            str,
            num: 0,
            unit: StrId::EMPTY,
        });
        p.samples.push(old.locs(i), old.values(i, k), &labels);
    }
    if p.samples.loc_start.is_empty() {
        p.samples.loc_start.push(0);
        p.samples.label_start.push(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(ty: &str, unit: &str, period: (&str, &str), values: &[i64]) -> Profile {
        let mut p = Profile {
            strings: vec![String::new()].into(),
            ..Profile::default()
        };
        let t = ValueType {
            ty: p.intern_slow(ty),
            unit: p.intern_slow(unit),
        };
        p.sample_types = vec![t];
        p.period_type = ValueType {
            ty: p.intern_slow(period.0),
            unit: p.intern_slow(period.1),
        };
        for v in values {
            p.samples.push(&[], &[*v], &[]);
        }
        p
    }

    #[test]
    fn incompatible_period_types_use_pprof_message() {
        let mut ps = vec![
            profile("space", "bytes", ("space", "bytes"), &[1]),
            profile("cpu", "nanoseconds", ("cpu", "nanoseconds"), &[1]),
        ];
        let e = scale_profiles(&mut ps).unwrap_err();
        assert!(matches!(e, Error::Incompatible(_)));
        assert_eq!(
            e.to_string(),
            "period type: incompatible types: {space bytes 0 0} {cpu nanoseconds 0 0}"
        );
    }

    #[test]
    fn units_are_converted_to_the_finest() {
        let mut ps = vec![
            profile("cpu", "milliseconds", ("cpu", "milliseconds"), &[2, 0]),
            profile("cpus", "nanoseconds", ("cpu", "nanoseconds"), &[5]),
        ];
        scale_profiles(&mut ps).unwrap();
        assert_eq!(ps[0].samples.values, vec![2_000_000]);
        assert_eq!(ps[0].str(ps[0].sample_types[0].unit), "nanoseconds");
        assert_eq!(ps[1].samples.values, vec![5]);
    }

    #[test]
    fn normalize_scales_to_the_base_sum() {
        let mut p = profile("space", "bytes", ("space", "bytes"), &[10, 30]);
        let base = profile("space", "bytes", ("space", "bytes"), &[2, 3, 3]);
        normalize(&mut p, &base).unwrap();
        assert_eq!(p.samples.values, vec![2, 6]);
    }

    #[test]
    fn set_label_replaces_values() {
        let mut p = profile("space", "bytes", ("space", "bytes"), &[1]);
        set_label(&mut p, "k", "old");
        set_label(&mut p, "k", "true");
        let l = p.samples.labels(0);
        assert_eq!(l.len(), 1);
        assert_eq!(p.str(l[0].key), "k");
        assert_eq!(p.str(l[0].str), "true");
    }
}
