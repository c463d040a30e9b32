//! The profile's own `drop_frames`/`keep_frames` pruning, applied once after
//! loading (pprof's `RemoveUninteresting`), and the function-name
//! simplification it shares with the `prune_from` filter.
//!
//! Mutates a freshly loaded profile in place; runs before any command.

use super::{FunctionId, Profile, StrId};
use crate::error::{Error, Result};
use regex::Regex;
use std::sync::Arc;

/// Names containing `(` that are not argument lists.
const RESERVED: [&str; 2] = ["(anonymous namespace)", "operator()"];

/// pprof's `simplifyFunc`: strip a leading `.`, cut at the first `(` that
/// does not start a reserved name. With `keep_receivers`, a `(` right after
/// a `.` (a Go method receiver such as `main.(*T).M`) is not a cut point
/// either — rpprof's improvement for `prune_from`.
pub fn simplify_func(name: &str, keep_receivers: bool) -> &str {
    let f = name.strip_prefix('.').unwrap_or(name);
    let bytes = f.as_bytes();
    let mut i = 0;
    while let Some(off) = f[i..].find('(') {
        let at = i + off;
        if let Some(r) = RESERVED.iter().find(|r| f[at..].starts_with(**r)) {
            i = at + r.len();
            continue;
        }
        if keep_receivers && at > 0 && bytes[at - 1] == b'.' {
            i = at + 1;
            continue;
        }
        return &f[..at];
    }
    f
}

/// `re` anchored at both ends, as pprof compiles `drop_frames`.
fn anchored(re: &str) -> Result<Regex> {
    Regex::new(&format!("^({re})$")).map_err(|e| Error::Regexp {
        context: format!("failed to compile regexp {re}"),
        message: e.to_string(),
    })
}

/// Applies `drop_frames`/`keep_frames` (anchored) to every sample. A
/// pattern that does not compile is an [`Error::Regexp`].
pub fn remove_uninteresting(p: &mut Profile) -> Result<()> {
    if p.drop_frames == StrId::EMPTY || p.str(p.drop_frames).is_empty() {
        return Ok(());
    }
    let drop = anchored(p.str(p.drop_frames))?;
    let keep = if p.keep_frames != StrId::EMPTY && !p.str(p.keep_frames).is_empty() {
        Some(anchored(p.str(p.keep_frames))?)
    } else {
        None
    };
    // Per location: 0 = user frame, 1 = prune beneath, 2 = prune whole location.
    let mut mark = vec![0u8; p.locations.len()];
    for (li, loc) in Arc::make_mut(&mut p.locations).iter_mut().enumerate() {
        let lines = &p.lines[loc.line_range()];
        let hit = lines.iter().rposition(|ln| {
            if ln.function == FunctionId::NONE {
                return false;
            }
            let name = &p.strings[(p.functions[ln.function.index()].name).index()];
            if name.is_empty() {
                return false;
            }
            let f = simplify_func(name, false);
            drop.is_match(f) && !keep.as_ref().is_some_and(|k| k.is_match(f))
        });
        if let Some(i) = hit {
            if i == lines.len() - 1 {
                mark[li] = 2;
            } else {
                mark[li] = 1;
                loc.lines_start += i as u32 + 1;
                loc.lines_len -= i as u32 + 1;
            }
        }
    }
    let s = &mut p.samples;
    let mut out_locs = Vec::with_capacity(s.locs.len());
    let mut starts = Vec::with_capacity(s.loc_start.len());
    starts.push(0u32);
    for i in 0..s.len() {
        let locs = s.locs(i);
        let mut keep_from = 0;
        let mut found_user = false;
        for j in (0..locs.len()).rev() {
            let m = mark[locs[j].index()];
            if m == 0 {
                found_user = true;
                continue;
            }
            if !found_user {
                continue;
            }
            keep_from = if m == 2 { j + 1 } else { j };
            break;
        }
        out_locs.extend_from_slice(&locs[keep_from..]);
        starts.push(out_locs.len() as u32);
    }
    s.locs = out_locs;
    s.loc_start = starts;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::simplify_func;

    #[test]
    fn simplification() {
        assert_eq!(
            simplify_func("main.(*RequestTracker).Track", false),
            "main."
        );
        assert_eq!(
            simplify_func("main.(*RequestTracker).Track", true),
            "main.(*RequestTracker).Track"
        );
        assert_eq!(simplify_func("foo::bar(int)", true), "foo::bar");
        assert_eq!(
            simplify_func("(anonymous namespace)::f(int)", false),
            "(anonymous namespace)::f"
        );
        assert_eq!(simplify_func(".text", false), "text");
    }
}
