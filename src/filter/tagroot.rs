//! `tagroot=K1,K2` / `tagleaf=K1,K2`: pseudo frames made from label values,
//! added at the root or at the leaf of every sample (pprof's
//! `addLabelNodes`), before any other filter so that focus can match them.
//!
//! A pseudo frame's function name is the sample's values of the key joined
//! by `,` (string values first, then numeric values formatted with their
//! unit at the output unit), its file name is the key; a sample without the
//! key gets a frame with an empty name. Frames are shared by (name, key).
//! The first root key ends up at the root, the last leaf key at the leaf.
//!
//! Unlike the other filters this cannot be a view: it returns a new
//! profile (the input is never modified). Warnings are returned, not
//! printed.

use crate::model::merge::FastMap;
use crate::model::{
    Function, FunctionId, Label, Line, Location, LocationId, MappingId, Profile, Samples, StrId,
};
use crate::render::units;
use std::sync::Arc;

/// The keys of a `tagroot`/`tagleaf` value (empty items dropped).
fn keys(option: &str) -> Vec<&str> {
    option.split(',').filter(|k| !k.is_empty()).collect()
}

/// The pseudo-frame name of key `key` for a sample with `labels`.
fn frame_name(p: &Profile, labels: &[Label], key: &str, output_unit: &str) -> (String, bool) {
    let of_key = |l: &&Label| p.str(l.key) == key;
    let mut values: Vec<String> = labels
        .iter()
        .filter(of_key)
        .filter(|l| l.is_str())
        .map(|l| p.str(l.str).to_string())
        .collect();
    let nums: Vec<&Label> = labels
        .iter()
        .filter(of_key)
        .filter(|l| !l.is_str())
        .collect();
    let with_units = nums.iter().any(|l| l.unit != StrId::EMPTY);
    for l in nums {
        values.push(if with_units {
            units::scaled_label(l.num, p.str(l.unit), output_unit)
        } else {
            units::scaled_label(l.num, "", "")
        });
    }
    let matched = !values.is_empty();
    (values.join(","), matched)
}

/// Adds the pseudo frames of options `tagroot` and `tagleaf` (raw option
/// values) to a copy of `p`. Returns `None` when both are empty; warnings
/// for options whose keys matched no sample go to `warnings`.
pub fn add_label_frames(
    p: &Profile,
    tagroot: &str,
    tagleaf: &str,
    output_unit: &str,
    warnings: &mut Vec<String>,
) -> Option<Profile> {
    if tagroot.is_empty() && tagleaf.is_empty() {
        return None;
    }
    let (root_keys, leaf_keys) = (keys(tagroot), keys(tagleaf));
    let mut q = p.clone();
    let mut strings: FastMap<String, StrId> = FastMap::default();
    let mut frames: FastMap<(String, String), LocationId> = FastMap::default();
    let mut intern = |q: &mut Profile, s: &str| -> StrId {
        if s.is_empty() {
            return StrId::EMPTY;
        }
        *strings.entry(s.to_string()).or_insert_with(|| {
            Arc::make_mut(&mut q.strings).push(s.to_string());
            StrId::at(q.strings.len() - 1)
        })
    };
    // The location of the frame (name, key), created on first use.
    let mut frame = |q: &mut Profile, name: String, key: &str| -> LocationId {
        if let Some(&loc) = frames.get(&(name.clone(), key.to_string())) {
            return loc;
        }
        let function = Function {
            name: intern(q, &name),
            system_name: StrId::EMPTY,
            filename: intern(q, key),
            start_line: 0,
        };
        Arc::make_mut(&mut q.functions).push(function);
        Arc::make_mut(&mut q.lines).push(Line {
            function: FunctionId::at(q.functions.len() - 1),
            line: 0,
        });
        Arc::make_mut(&mut q.locations).push(Location {
            mapping: MappingId::NONE,
            address: 0,
            lines_start: (q.lines.len() - 1) as u32,
            lines_len: 1,
            is_folded: false,
        });
        let loc = LocationId::at(q.locations.len() - 1);
        frames.insert((name, key.to_string()), loc);
        loc
    };
    let (mut root_matched, mut leaf_matched) = (false, false);
    let mut samples = Samples::default();
    let mut locs = Vec::new();
    for i in 0..p.samples.len() {
        let labels = p.samples.labels(i);
        // Keys are taken last to first: the first key is nearest the root,
        // the last nearest the leaf.
        let mut pseudo = |keys: &[&str], matched: &mut bool, q: &mut Profile| -> Vec<LocationId> {
            keys.iter()
                .rev()
                .map(|k| {
                    let (name, m) = frame_name(p, labels, k, output_unit);
                    *matched |= m;
                    frame(q, name, k)
                })
                .collect()
        };
        let roots = pseudo(&root_keys, &mut root_matched, &mut q);
        let leaves = pseudo(&leaf_keys, &mut leaf_matched, &mut q);
        locs.clear();
        locs.extend(leaves);
        locs.extend_from_slice(p.samples.locs(i));
        locs.extend(roots);
        samples.push(&locs, p.values(i), labels);
    }
    q.samples = samples;
    if !tagroot.is_empty() && !root_matched {
        warnings.push("TagRoot expression matched no samples".into());
    }
    if !tagleaf.is_empty() && !leaf_matched {
        warnings.push("TagLeaf expression matched no samples".into());
    }
    Some(q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Interner;

    /// One function `f` at one location; sample 0 has `region=eu` and
    /// `size=2048 bytes`, sample 1 has no labels.
    fn profile() -> Profile {
        let mut s = Interner::new();
        let (f, region, eu, size, bytes) = (
            s.intern("f"),
            s.intern("region"),
            s.intern("eu"),
            s.intern("size"),
            s.intern("bytes"),
        );
        let mut p = Profile {
            sample_types: vec![crate::model::ValueType::default()],
            functions: vec![Function {
                name: f,
                system_name: f,
                ..Default::default()
            }]
            .into(),
            lines: vec![Line {
                function: FunctionId(0),
                line: 1,
            }]
            .into(),
            locations: vec![Location {
                mapping: MappingId::NONE,
                lines_len: 1,
                ..Default::default()
            }]
            .into(),
            ..Default::default()
        };
        let labels = [
            Label {
                key: region,
                str: eu,
                ..Default::default()
            },
            Label {
                key: size,
                num: 2048,
                unit: bytes,
                ..Default::default()
            },
        ];
        p.samples.push(&[LocationId(0)], &[5], &labels);
        p.samples.push(&[LocationId(0)], &[3], &[]);
        p.strings = s.strings.into();
        p
    }

    fn frame_names(q: &Profile, sample: usize) -> Vec<String> {
        q.samples
            .locs(sample)
            .iter()
            .map(|&l| {
                let f = &q.functions[q.loc_lines(l)[0].function.index()];
                format!("{}@{}", q.str(f.name), q.str(f.filename))
            })
            .collect()
    }

    #[test]
    fn adds_frames_at_root_and_leaf() {
        let p = profile();
        let mut warnings = Vec::new();
        let q = add_label_frames(&p, "region,size", "size", "minimum", &mut warnings)
            .expect("a derived profile");
        assert!(warnings.is_empty());
        // Leaf first: the leaf key, the sample's own frame, then the root
        // keys with the first key at the root.
        assert_eq!(
            frame_names(&q, 0),
            ["2kB@size", "f@", "2kB@size", "eu@region"]
        );
        assert_eq!(frame_names(&q, 1), ["@size", "f@", "@size", "@region"]);
        // Frames are shared by (name, key): 4 new locations.
        assert_eq!(q.locations.len(), 1 + 4);
        assert_eq!(q.values(1), &[3]);
    }

    #[test]
    fn warns_when_no_sample_has_the_keys() {
        let p = profile();
        let mut warnings = Vec::new();
        assert!(add_label_frames(&p, "", "", "minimum", &mut warnings).is_none());
        add_label_frames(&p, "nokey", "region", "minimum", &mut warnings);
        assert_eq!(warnings, ["TagRoot expression matched no samples"]);
    }
}
