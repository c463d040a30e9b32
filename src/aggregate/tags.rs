//! Per-node label tags for the `dot` nodelets (pprof's `Node.LabelTags` and
//! `Node.NumericTags`).
//!
//! Part of the aggregate stage. [`SampleTags`] reads each kept sample's
//! labels once: the sorted `key:value` string labels joined by the two
//! characters `\n` (one "label set"), and the values of the numeric `bytes`
//! label (the only numeric label pprof keeps for graphs), each named by its
//! formatted value. A [`TagSink`] then adds sample values to the tags of the
//! nodes it is asked about — flat for the leaf, cum once per sample — so
//! that only `dot` pays for tags and only for the nodes it may draw. Sorting
//! and trimming tags live here; drawing and bucketing them live in
//! `report::dot`.

use super::graph::{Frame, Visitor, divided};
use crate::filter::View;
use crate::filter::tags::NumUnits;
use crate::model::merge::FastMap;
use crate::model::{NONE, StrId};
use crate::render::units;

/// The most nodelets pprof draws per node (`maxNodelets`).
pub const MAX_NODELETS: usize = 4;

/// The labels of every kept sample of a view, interned.
pub struct SampleTags {
    /// Per kept sample: its label set, or [`NONE`] without string labels.
    set: Vec<u32>,
    /// Label set names (`key:value` pairs joined by `\n`).
    pub set_names: Vec<String>,
    /// Per kept sample: `num[num_start[k]..num_start[k + 1]]` holds its
    /// `bytes` values as (name id, value). Empty without numeric tags.
    num_start: Vec<u32>,
    num: Vec<(u32, i64)>,
    /// Formatted numeric tag names.
    pub num_names: Vec<String>,
    /// The unit of the `bytes` label.
    pub num_unit: String,
}

impl SampleTags {
    /// Reads the labels of `view`'s kept samples; numeric values are named
    /// in `output_unit` (the configured `unit`, as pprof formats them before
    /// choosing the report's unit). `None` when no sample has a tag.
    pub fn new(view: &View, num_units: &NumUnits, output_unit: &str) -> Option<SampleTags> {
        let p = view.profile();
        let base = p.strings.iter().position(|s| s == "pprof::base");
        let bytes = p.strings.iter().position(|s| s == "bytes");
        let num_unit = num_units.get("bytes").cloned().unwrap_or_default();
        let mut st = SampleTags {
            set: Vec::with_capacity(view.samples().len()),
            set_names: Vec::new(),
            num_start: vec![0],
            num: Vec::new(),
            num_names: Vec::new(),
            num_unit,
        };
        let mut sets: FastMap<Vec<(StrId, StrId)>, u32> = FastMap::default();
        let mut by_value: FastMap<i64, u32> = FastMap::default();
        let mut by_name: FastMap<String, u32> = FastMap::default();
        let mut buf: Vec<(StrId, StrId)> = Vec::new();
        let mut any = false;
        for k in 0..view.samples().len() {
            buf.clear();
            for l in view.sample_labels(k) {
                if l.is_str() {
                    if Some(l.key.index()) != base {
                        buf.push((l.key, l.str));
                    }
                } else if Some(l.key.index()) == bytes {
                    let name = *by_value.entry(l.num).or_insert_with(|| {
                        let s = units::scaled_label(l.num, &st.num_unit, output_unit);
                        let next = st.num_names.len() as u32;
                        *by_name.entry(s).or_insert_with_key(|s| {
                            st.num_names.push(s.clone());
                            next
                        })
                    });
                    st.num.push((name, l.num));
                    any = true;
                }
            }
            st.num_start.push(st.num.len() as u32);
            let set = if buf.is_empty() {
                NONE
            } else if let Some(&id) = sets.get(buf.as_slice()) {
                id
            } else {
                let mut pairs: Vec<String> = buf
                    .iter()
                    .map(|&(key, val)| format!("{}:{}", p.str(key), p.str(val)))
                    .collect();
                pairs.sort();
                let id = st.set_names.len() as u32;
                st.set_names.push(pairs.join("\\n"));
                sets.insert(buf.clone(), id);
                id
            };
            any |= set != NONE;
            st.set.push(set);
        }
        any.then_some(st)
    }

    fn nums(&self, k: usize) -> &[(u32, i64)] {
        &self.num[self.num_start[k] as usize..self.num_start[k + 1] as usize]
    }
}

/// One tag of a node: a label set, or a numeric value within a label set.
#[derive(Clone, Debug, Default)]
pub struct Tag {
    pub name: String,
    /// The numeric value (first one seen with this name) and its unit.
    pub value: i64,
    pub unit: String,
    pub flat: i64,
    pub flat_div: i64,
    pub cum: i64,
    pub cum_div: i64,
}

impl Tag {
    /// flat, divided when `mean`.
    pub fn flat_value(&self) -> i64 {
        divided(self.flat, self.flat_div)
    }
    /// cum, divided when `mean`.
    pub fn cum_value(&self) -> i64 {
        divided(self.cum, self.cum_div)
    }
}

/// The tags of one node.
#[derive(Clone, Debug, Default)]
pub struct NodeTags {
    /// Label-set tags, with the set id of each.
    pub labels: Vec<(u32, Tag)>,
    /// Numeric tags per label set ([`NONE`]: samples without string labels).
    pub numeric: Vec<(u32, Vec<Tag>)>,
}

impl NodeTags {
    /// The numeric tags of label set `set`, if any.
    pub fn numeric_of(&self, set: u32) -> Option<&[Tag]> {
        self.numeric
            .iter()
            .find(|(s, v)| *s == set && !v.is_empty())
            .map(|(_, v)| v.as_slice())
    }

    /// Drops tags with both |flat| and |cum| below `cutoff`
    /// (pprof's `TrimLowFrequencyTags`).
    pub fn trim(&mut self, cutoff: i64) {
        let keep = |t: &Tag| t.flat.saturating_abs() >= cutoff || t.cum.saturating_abs() >= cutoff;
        self.labels.retain(|(_, t)| keep(t));
        for (_, v) in &mut self.numeric {
            v.retain(keep);
        }
    }

    /// Number of tags with a flat value (pprof's `countTags`), at most
    /// [`MAX_NODELETS`].
    pub fn count(&self) -> usize {
        let labels = self.labels.iter().filter(|(_, t)| t.flat != 0).count();
        let nums: usize = self
            .numeric
            .iter()
            .map(|(_, v)| v.iter().filter(|t| t.flat != 0).count())
            .sum();
        (labels + nums).min(MAX_NODELETS)
    }
}

/// Sorts tags by |cum| (unless `flat`), then |flat|, descending, then by
/// name (pprof's `SortTags`).
pub fn sort_tags<T>(tags: &mut [T], flat: bool, tag: impl Fn(&T) -> &Tag) {
    tags.sort_by(|a, b| {
        let (a, b) = (tag(a), tag(b));
        let cum = if flat {
            std::cmp::Ordering::Equal
        } else {
            b.cum.saturating_abs().cmp(&a.cum.saturating_abs())
        };
        cum.then_with(|| b.flat.saturating_abs().cmp(&a.flat.saturating_abs()))
            .then_with(|| a.name.cmp(&b.name))
    });
}

/// Adds sample values to the tags of chosen nodes.
pub struct TagSink<'a> {
    st: &'a SampleTags,
    /// Which node ids collect tags (`None`: all).
    want: Option<&'a [bool]>,
    /// (node, set) → index into `labels`.
    label_index: FastMap<(u32, u32), u32>,
    labels: Vec<(u32, u32, Tag)>,
    /// (node, set, name) → index into `nums`.
    num_index: FastMap<(u32, u32, u32), u32>,
    nums: Vec<(u32, u32, u32, Tag)>,
}

impl<'a> TagSink<'a> {
    /// A sink collecting tags for the nodes with `want[id]` (all when
    /// `None`).
    pub fn new(st: &'a SampleTags, want: Option<&'a [bool]>) -> TagSink<'a> {
        TagSink {
            st,
            want,
            label_index: FastMap::default(),
            labels: Vec::new(),
            num_index: FastMap::default(),
            nums: Vec::new(),
        }
    }

    /// True when `node` collects tags.
    #[inline]
    pub fn wants(&self, node: u32) -> bool {
        self.want.is_none_or(|m| m[node as usize])
    }

    /// Adds sample `k`'s value to `node`'s tags, as flat or as cum
    /// (pprof's `Node.addSample`, tag part). The caller checks
    /// [`TagSink::wants`].
    pub fn add(&mut self, node: u32, k: usize, w: i64, d: i64, flat: bool) {
        let bump = |t: &mut Tag| {
            if flat {
                t.flat = t.flat.saturating_add(w);
                t.flat_div = t.flat_div.saturating_add(d);
            } else {
                t.cum = t.cum.saturating_add(w);
                t.cum_div = t.cum_div.saturating_add(d);
            }
        };
        let set = self.st.set[k];
        if set != NONE {
            let next = self.labels.len() as u32;
            let i = *self.label_index.entry((node, set)).or_insert(next);
            if i == next {
                let name = self.st.set_names[set as usize].clone();
                let tag = Tag {
                    name,
                    ..Default::default()
                };
                self.labels.push((node, set, tag));
            }
            bump(&mut self.labels[i as usize].2);
        }
        for &(name, value) in self.st.nums(k) {
            let next = self.nums.len() as u32;
            let i = *self.num_index.entry((node, set, name)).or_insert(next);
            if i == next {
                let tag = Tag {
                    name: self.st.num_names[name as usize].clone(),
                    value,
                    unit: self.st.num_unit.clone(),
                    ..Default::default()
                };
                self.nums.push((node, set, name, tag));
            }
            bump(&mut self.nums[i as usize].3);
        }
    }

    /// The collected tags by node id.
    pub fn finish(self) -> FastMap<u32, NodeTags> {
        let mut out: FastMap<u32, NodeTags> = FastMap::default();
        for (node, set, tag) in self.labels {
            out.entry(node).or_default().labels.push((set, tag));
        }
        for (node, set, _, tag) in self.nums {
            let nt = out.entry(node).or_default();
            match nt.numeric.iter_mut().find(|(s, _)| *s == set) {
                Some((_, v)) => v.push(tag),
                None => nt.numeric.push((set, vec![tag])),
            }
        }
        out
    }
}

impl Visitor for TagSink<'_> {
    #[inline]
    fn frame(&mut self, k: usize, w: i64, d: i64, f: &Frame) {
        if f.first && self.wants(f.node) {
            self.add(f.node, k, w, d, false);
        }
    }

    #[inline]
    fn leaf(&mut self, k: usize, w: i64, d: i64, node: u32) {
        if self.wants(node) {
            self.add(node, k, w, d, true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(name: &str, flat: i64, cum: i64) -> Tag {
        Tag {
            name: name.into(),
            flat,
            cum,
            ..Default::default()
        }
    }

    #[test]
    fn sorting_and_counting() {
        let mut v = vec![tag("b", 1, 9), tag("a", 5, 5), tag("c", 5, 5)];
        sort_tags(&mut v, false, |t| t);
        let names: Vec<&str> = v.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["b", "a", "c"]);
        sort_tags(&mut v, true, |t| t);
        let names: Vec<&str> = v.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["a", "c", "b"]);
        let mut nt = NodeTags {
            labels: v.into_iter().map(|t| (0, t)).collect(),
            numeric: vec![(NONE, vec![tag("1kB", 0, 3), tag("2kB", 2, 2)])],
        };
        assert_eq!(nt.count(), 4);
        nt.trim(4);
        assert_eq!(nt.labels.len(), 3);
        assert!(nt.numeric_of(NONE).is_none());
        assert_eq!(nt.count(), 3);
    }
}
