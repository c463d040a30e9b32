//! pprof's `Merge` of a single profile, done in place: Go 1.19 runs every
//! loaded profile through `Merge`, which renumbers ids in first-use order,
//! drops unreferenced mappings/locations/functions, combines identical
//! locations and samples and drops all-zero samples. The small tables are
//! rebuilt by [`Merger`]; the big sample arrays are rewritten where they
//! are, so a 2M-sample profile is never held twice.

use super::merge::{Merger, SrcMaps};
use super::{Label, NONE, Profile};

/// Normalises one profile as pprof's `Merge([p])`.
pub fn merge_one(mut p: Profile) -> Profile {
    let mut s = std::mem::take(&mut p.samples);
    let mut m = Merger::start(&[&p]).expect("a profile is compatible with itself");
    let mut maps = SrcMaps::new(&p);
    if !p.mappings.is_empty() {
        m.mapping(&p, &mut maps, 0);
    }
    let k = p.num_types();
    let n = s.len();
    let (mut out, mut w_loc, mut w_lab) = (0usize, 0usize, 0usize);
    let (mut a_loc, mut a_lab) = (0usize, 0usize);
    let (mut locs, mut labels): (Vec<u32>, Vec<Label>) = (Vec::new(), Vec::new());
    for i in 0..n {
        let (b_loc, b_lab) = (s.loc_start[i + 1] as usize, s.label_start[i + 1] as usize);
        let zero = s.values[i * k..(i + 1) * k].iter().all(|&v| v == 0);
        if !zero {
            // Write the remapped sample at the cursor (never ahead of its source).
            for t in 0..b_loc - a_loc {
                let old = s.locs[a_loc + t];
                let mapped = maps.locations[old as usize];
                s.locs[w_loc + t] = if mapped != NONE {
                    mapped
                } else {
                    m.location(&p, &mut maps, old)
                };
            }
            let (nl, nb) = (b_loc - a_loc, b_lab - a_lab);
            for t in 0..nb {
                let l = s.labels[a_lab + t];
                s.labels[w_lab + t] = Label {
                    key: m.string(&p, &mut maps, l.key),
                    str: m.string(&p, &mut maps, l.str),
                    num: l.num,
                    unit: m.string(&p, &mut maps, l.unit),
                };
            }
            labels.clear();
            labels.extend_from_slice(&s.labels[w_lab..w_lab + nb]);
            locs.clear();
            locs.extend_from_slice(&s.locs[w_loc..w_loc + nl]);
            // Only the `out` samples already compacted are consulted.
            match m.find_sample(&s, &locs, &mut labels) {
                Ok(j) => {
                    for c in 0..k {
                        s.values[j * k + c] = s.values[j * k + c].wrapping_add(s.values[i * k + c]);
                    }
                }
                Err(hash) => {
                    s.labels[w_lab..w_lab + nb].copy_from_slice(&labels);
                    for c in 0..k {
                        s.values[out * k + c] = s.values[i * k + c];
                    }
                    w_loc += nl;
                    w_lab += nb;
                    s.loc_start[out + 1] = w_loc as u32;
                    s.label_start[out + 1] = w_lab as u32;
                    m.register_sample(hash, out as u32);
                    out += 1;
                }
            }
        }
        a_loc = b_loc;
        a_lab = b_lab;
    }
    s.loc_start.truncate(out + 1);
    s.label_start.truncate(out + 1);
    s.locs.truncate(w_loc);
    s.labels.truncate(w_lab);
    s.values.truncate(out * k);
    m.finish(s)
}
