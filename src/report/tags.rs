//! `tags`: the label keys of the kept samples, each with the share of the
//! sample value carried by each of its values, in Go 1.19's form
//! (` key: Total 3.1s` then `1.5s (47.76%): hash` per value, percentages of
//! the key's total, right-aligned by [`TabWriter`]).
//!
//! Report stage: reads the filtered view, never the graph. Numeric values
//! are printed with their key's unit at the output unit; the sample values
//! are scaled with `%.1f` and ignore `divide_by`, as pprof does.

use super::Report;
use crate::model::merge::FastMap;
use crate::render::tabwriter::TabWriter;
use crate::render::units;
use std::collections::BTreeMap;

/// Renders `tags`.
pub fn render(r: &Report) -> String {
    let p = r.view.profile();
    // Sum per distinct label first (key, string id, number, is string),
    // then format each distinct label once.
    let mut sums: FastMap<(u32, u32, i64, bool), i64> = FastMap::default();
    for k in 0..r.view.samples.len() {
        let (v, _) = r.values.read(r.view.sample_values(k));
        for l in r.view.sample_labels(k) {
            let id = if l.is_str() {
                (l.key, l.str, 0, true)
            } else {
                (l.key, 0, l.num, false)
            };
            *sums.entry(id).or_insert(0) += v;
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
        *by_key.entry(name).or_default().entry(value).or_insert(0) += v;
    }
    let scaled = |v: i64| {
        let (x, u) = units::scale(v, &r.sample_unit, &r.output_unit);
        format!("{}{u}", units::fmt_fixed(x, 1))
    };
    let mut t = TabWriter::new();
    for (key, values) in by_key {
        let total: i64 = values.values().sum();
        t.line(&format!("{key}:\t Total {}", scaled(total)));
        let mut values: Vec<(String, i64)> = values.into_iter().collect();
        values.sort_by(|a, b| {
            b.1.abs()
                .cmp(&a.1.abs())
                .then_with(|| a.0.cmp(&b.0))
                .then(b.1.cmp(&a.1))
        });
        for (name, v) in values {
            if total > 0 {
                let pct = units::percentage(v, total);
                t.line(&format!(" \t{} ({pct}):\t {name}", scaled(v)));
            } else {
                t.line(&format!(" \t{}:\t {name}", scaled(v)));
            }
        }
        t.line("");
    }
    t.finish()
}
