//! Label-based filters: `tagfocus`/`tagignore` (numeric ranges with units or
//! string regexps, optionally for one key) and `tagshow`/`taghide`, plus the
//! numeric-label unit inference they rely on.
//!
//! Part of the filter stage; operates on a [`View`].

use super::View;
use super::regexp;
use crate::model::{Label, Profile};
use crate::render::units;
use ::regex::Regex;
use std::collections::BTreeMap;

/// The unit of each numeric label key (pprof's `NumLabelUnits`).
pub type NumUnits = BTreeMap<String, String>;

/// Infers the unit of every numeric label key: the first non-empty unit seen
/// in sample order, else `bytes` for `alignment`/`request`, else the key
/// itself. Conflicting units produce a warning line each.
pub fn num_label_units(p: &Profile, warnings: &mut Vec<String>) -> NumUnits {
    let mut units: NumUnits = BTreeMap::new();
    let mut ignored: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    let mut keys = std::collections::BTreeSet::new();
    for l in &p.samples.labels {
        if l.is_str() {
            continue;
        }
        let key = p.str(l.key);
        keys.insert(key.to_string());
        let unit = p.str(l.unit);
        if unit.is_empty() {
            continue;
        }
        match units.get(key) {
            None => {
                units.insert(key.to_string(), unit.to_string());
            }
            Some(u) if u != unit => {
                ignored
                    .entry(key.to_string())
                    .or_default()
                    .insert(unit.to_string());
            }
            _ => {}
        }
    }
    for k in keys {
        units.entry(k.clone()).or_insert_with(|| match k.as_str() {
            "alignment" | "request" => "bytes".to_string(),
            _ => k.clone(),
        });
    }
    for (k, us) in ignored {
        let list: Vec<String> = us.into_iter().collect();
        warnings.push(format!(
            "For tag {k} used unit {}, also encountered unit(s) {}",
            units[&k],
            list.join(", ")
        ));
    }
    units
}

/// A numeric range in the filter's canonical unit.
struct Range {
    lo: Option<f64>,
    hi: Option<f64>,
    unit: String,
}

impl Range {
    fn matches(&self, v: i64, unit: &str) -> bool {
        let (sv, su) = units::scale(v, unit, &self.unit);
        su == self.unit && self.lo.is_none_or(|lo| sv >= lo) && self.hi.is_none_or(|hi| sv <= hi)
    }
}

/// Finds up to two `([+-]?\d+)([A-Za-z]+)?` tokens; returns (whole, number, unit).
fn range_tokens(s: &str) -> Vec<(String, i64, String)> {
    let re = Regex::new(r"([+-]?[[:digit:]]+)([[:alpha:]]+)?").expect("static regexp");
    re.captures_iter(s)
        .take(2)
        .filter_map(|c| {
            let n = c[1].parse().ok()?;
            Some((
                c[0].to_string(),
                n,
                c.get(2).map_or("", |m| m.as_str()).to_string(),
            ))
        })
        .collect()
}

/// pprof's `parseTagFilterRange`.
fn parse_range(value: &str) -> Option<Range> {
    let t = range_tokens(value);
    let first = t.first()?;
    let (v, unit) = units::scale(first.1, &first.2, &first.2);
    if t.len() == 1 {
        let m = &first.0;
        return if value == m {
            Some(Range {
                lo: Some(v),
                hi: Some(v),
                unit,
            })
        } else if value == format!("{m}:") {
            Some(Range {
                lo: Some(v),
                hi: None,
                unit,
            })
        } else if value == format!(":{m}") {
            Some(Range {
                lo: None,
                hi: Some(v),
                unit,
            })
        } else {
            None
        };
    }
    if value != format!("{}:{}", first.0, t[1].0) {
        return None;
    }
    let (v2, unit2) = units::scale(t[1].1, &t[1].2, &unit);
    (unit == unit2).then_some(Range {
        lo: Some(v),
        hi: Some(v2),
        unit,
    })
}

enum Matcher {
    Range(Range),
    Regexps(Vec<Regex>),
}

/// A compiled `tagfocus`/`tagignore` value.
pub struct TagFilter {
    key: Option<String>,
    matcher: Matcher,
    units: NumUnits,
}

impl TagFilter {
    /// Compiles `value` for option `name`; `None` when empty. A range
    /// interpretation is reported in `notes`.
    pub fn compile(
        name: &str,
        value: &str,
        units: &NumUnits,
        notes: &mut Vec<String>,
    ) -> crate::Result<Option<TagFilter>> {
        if value.is_empty() {
            return Ok(None);
        }
        let (key, value) = match value.split_once('=') {
            Some((k, v)) => (Some(k.to_string()), v),
            None => (None, value),
        };
        if let Some(r) = parse_range(value) {
            notes.push(format!("{name}:Interpreted '{value}' as range, not regexp"));
            return Ok(Some(TagFilter {
                key,
                matcher: Matcher::Range(r),
                units: units.clone(),
            }));
        }
        let mut res = Vec::new();
        for part in value.split(',') {
            res.push(regexp::compile_for(
                &format!("parsing {name} regexp"),
                part,
            )?);
        }
        Ok(Some(TagFilter {
            key,
            matcher: Matcher::Regexps(res),
            units: units.clone(),
        }))
    }

    /// Whether a sample with these labels matches.
    pub fn matches(&self, p: &Profile, labels: &[&Label]) -> bool {
        match &self.matcher {
            Matcher::Range(r) => labels.iter().any(|l| {
                !l.is_str()
                    && self.key.as_deref().is_none_or(|k| p.str(l.key) == k)
                    && r.matches(
                        l.num,
                        self.units.get(p.str(l.key)).map_or("", String::as_str),
                    )
            }),
            Matcher::Regexps(res) => match &self.key {
                None => res.iter().all(|re| {
                    labels.iter().any(|l| {
                        l.is_str() && re.is_match(&format!("{}:{}", p.str(l.key), p.str(l.str)))
                    })
                }),
                Some(k) => labels.iter().any(|l| {
                    l.is_str()
                        && p.str(l.key) == k
                        && res.iter().any(|re| re.is_match(p.str(l.str)))
                }),
            },
        }
    }
}

/// Keeps samples that match `focus` (if set) and not `ignore`. Returns
/// whether each filter matched any sample.
pub fn filter_samples(
    view: &mut View,
    focus: Option<&TagFilter>,
    ignore: Option<&TagFilter>,
) -> (bool, bool) {
    let (mut fm, mut im) = (false, false);
    let mut keep = Vec::with_capacity(view.samples().len());
    for k in 0..view.samples().len() {
        let labels: Vec<&Label> = view.sample_labels(k).collect();
        let p = view.profile();
        let focused = focus.is_none_or(|f| f.matches(p, &labels));
        let ignored = ignore.is_some_and(|f| f.matches(p, &labels));
        fm |= focused;
        im |= ignored;
        keep.push(focused && !ignored);
    }
    let mut it = keep.into_iter();
    view.retain_samples(|v, k| {
        let r = v.range(k);
        it.next().unwrap_or(false).then_some(r)
    });
    (fm, im)
}

/// tagshow/taghide: hides label keys. Returns whether each matched a key.
pub fn filter_keys(view: &mut View, show: Option<&Regex>, hide: Option<&Regex>) -> (bool, bool) {
    let p = view.profile();
    let mut keys = vec![true; p.strings.len()];
    let (mut sm, mut hm) = (false, false);
    let mut seen = vec![false; p.strings.len()];
    for k in 0..view.samples().len() {
        for l in p.samples.labels(view.samples()[k] as usize) {
            if std::mem::replace(&mut seen[l.key.index()], true) {
                continue;
            }
            let name = p.str(l.key);
            let ms = show.is_none_or(|re| re.is_match(name));
            let mh = hide.is_some_and(|re| re.is_match(name));
            sm |= ms;
            hm |= mh;
            keys[l.key.index()] = ms && !mh;
        }
    }
    view.kept_mut().label_keys = Some(keys);
    (sm, hm)
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        assert!(parse_range("1mb:").is_some());
        assert!(parse_range("1kb:2kb").is_some());
        assert!(parse_range(":32b").is_some());
        assert!(parse_range("1kb,1mb").is_none());
        assert!(parse_range("1mb:2ms").is_none());
        let r = parse_range("1kb:2kb").unwrap();
        assert!(r.matches(1500, "bytes"));
        assert!(!r.matches(3000, "bytes"));
        assert!(!parse_range("10:").unwrap().matches(100, "bytes"));
    }
}
