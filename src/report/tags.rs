//! `tags`: the label keys of the kept samples, each with the share of the
//! sample value carried by each of its values, in Go 1.19's form
//! (` key: Total 3.1s` then `1.5s (47.76%): hash` per value, percentages of
//! the key's total, right-aligned by [`TabWriter`]).
//!
//! Report stage: reads the filtered view, never the graph, and records the
//! sums as data. Numeric label values are named with their key's unit at
//! the output unit; `render::text` scales the sample values with `%.1f`,
//! ignoring `divide_by`, as pprof does.

use super::Context;
use crate::model::StrId;
use crate::model::merge::FastMap;
use crate::render::units;
use std::collections::BTreeMap;

/// One label key with the share of each of its values.
#[derive(Clone, Debug, PartialEq)]
pub struct TagKey {
    /// The key.
    pub key: String,
    /// Σ of its values' sample values.
    pub total: i64,
    /// Each value (formatted in its unit) with its sample value, largest
    /// first.
    pub values: Vec<(String, i64)>,
}

/// The `tags` report.
#[derive(Clone, Debug, PartialEq)]
pub struct Tags {
    /// The keys, sorted.
    pub keys: Vec<TagKey>,
}

/// Builds `tags`.
pub fn build(r: &Context) -> Tags {
    let p = r.view.profile();
    // Sum per distinct label first (key, string id, number, is string),
    // then format each distinct label once.
    let mut sums: FastMap<(StrId, StrId, i64, bool), i64> = FastMap::default();
    for k in 0..r.view.samples().len() {
        let (v, _) = r.values.read(r.view.sample_values(k));
        for l in r.view.sample_labels(k) {
            let id = if l.is_str() {
                (l.key, l.str, 0, true)
            } else {
                (l.key, StrId::EMPTY, l.num, false)
            };
            let e = sums.entry(id).or_insert(0);
            *e = e.saturating_add(v);
        }
    }
    let mut by_key: BTreeMap<&str, FastMap<String, i64>> = BTreeMap::new();
    for ((key, s, num, is_str), v) in sums {
        let name = p.str(key);
        let value = if is_str {
            p.str(s).to_string()
        } else {
            let unit = r.num_units.get(name).map_or("", String::as_str);
            units::scaled_label(num, unit, &r.output_unit)
        };
        let t = by_key.entry(name).or_default().entry(value).or_insert(0);
        *t = t.saturating_add(v);
    }
    let keys = by_key
        .into_iter()
        .map(|(key, values)| {
            let total = crate::model::sum_values(values.values().copied());
            let mut values: Vec<(String, i64)> = values.into_iter().collect();
            values.sort_by(|a, b| {
                b.1.saturating_abs()
                    .cmp(&a.1.saturating_abs())
                    .then_with(|| a.0.cmp(&b.0))
                    .then(b.1.cmp(&a.1))
            });
            TagKey {
                key: key.to_string(),
                total,
                values,
            }
        })
        .collect();
    Tags { keys }
}
