//! `flamegraph` and `flame`: the view's stacks as a flame graph, as data —
//! frames laid out from the roots down, each with its offset and width in
//! sample values, its name and its flat and cum.
//!
//! Report stage: the prefix tree comes from `aggregate::flame`; this module
//! orders each node's children widest first, places them side by side under
//! their parent, cuts frames too narrow to draw at the requested detail and
//! below the requested depth, and selects the output unit. The SVG and the
//! terminal views (`render::flamegraph`, `render::flame`) draw the frames;
//! the interactive viewer zooms in them.

use super::Context;
use super::header::{Header, Legend};
use crate::aggregate::flame::FlameTree;
use regex::Regex;
use std::sync::Arc;

/// One frame of the picture.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// The node's printable name.
    pub name: String,
    /// The function's name alone (without file, line or address), for
    /// `list`.
    pub function: String,
    /// Rows from the roots (0 for a root).
    pub depth: usize,
    /// Index of the parent frame in [`Flame::frames`] (`None` for a root).
    pub parent: Option<usize>,
    /// Offset of the left edge from the picture's left edge, in values.
    pub start: i64,
    /// Width in values: everything that passed through the frame,
    /// whichever its sign (in a diff, how much changed).
    pub width: i64,
    /// Net value with everything called from it (pprof's cum).
    pub cum: i64,
    /// Net value of the stacks ending here (pprof's flat).
    pub flat: i64,
    /// Positive part of `width` (in a diff: what grew).
    pub grew: i64,
    /// Magnitude of the negative part of `width` (in a diff: what shrank).
    pub shrank: i64,
}

impl Frame {
    /// The right edge, in values.
    pub fn end(&self) -> i64 {
        self.start.saturating_add(self.width)
    }
}

/// A flame graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Flame {
    /// Header (the profile part and the active filters).
    pub header: Header,
    /// The frames in depth-first order, parents before children, siblings
    /// widest first and left to right ([`Layout::frames`], shared with the
    /// cache).
    pub frames: Arc<Layout>,
    /// The width of the whole picture in values (Σ of the roots' widths).
    pub width: i64,
    /// True when values of both signs are present (a profile with a base
    /// subtracted): frames are coloured by change.
    pub diff: bool,
    /// The regexp the stacks were rooted at (`flame RE`).
    pub root: Option<String>,
    /// Frames left out: narrower than the detail allows or deeper than the
    /// depth limit.
    pub omitted: usize,
    /// Roots at the top (an icicle graph) instead of the bottom.
    pub icicle: bool,
}

/// How finely a picture is cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Detail {
    /// Frames narrower than `1/resolution` of the picture are left out.
    pub resolution: u32,
    /// Rows kept (0: all).
    pub depth: usize,
}

/// What a flame graph draws, laid out: its frames and what the legend
/// counts. Cached per view, values, root and detail ([`Context::cached_flame`]).
#[derive(Debug, PartialEq)]
pub struct Layout {
    /// The frames in depth-first order (see [`Flame::frames`]).
    pub frames: Vec<Frame>,
    /// Σ of the roots' widths.
    pub width: i64,
    /// Nodes of the whole tree, drawn or not.
    pub nodes: usize,
    /// True when the tree has values of both signs.
    pub diff: bool,
}

impl std::ops::Deref for Layout {
    type Target = [Frame];
    fn deref(&self) -> &[Frame] {
        &self.frames
    }
}

/// Lays out the flame tree of `r`'s view rooted at the frames matching
/// `root`, keeping what `detail` allows.
pub fn layout(r: &Context, root: Option<&Regex>, detail: Detail) -> Layout {
    let table = r.cached_table();
    let selected: Option<Vec<bool>> = root.map(|re| {
        table
            .infos
            .iter()
            .map(|i| re.is_match(&i.printable_name()))
            .collect()
    });
    let tree = FlameTree::build(&r.view, &table, r.values, selected.as_deref());
    let kids = tree.children();
    let roots = kids.of(None);
    let width = crate::model::sum_values(roots.iter().map(|&n| tree.width(n as usize)));
    let min = width / i64::from(detail.resolution.max(1));
    let mut frames = Vec::new();
    // Depth-first, keeping each node's start: (node, depth, start, parent).
    let mut stack: Vec<(u32, usize, i64, Option<usize>)> = Vec::new();
    let push_children = |stack: &mut Vec<_>, list: &[u32], depth: usize, start: i64, parent| {
        let mut offsets = Vec::with_capacity(list.len());
        let mut x = start;
        for &n in list {
            offsets.push((n, depth, x, parent));
            x = x.saturating_add(tree.width(n as usize));
        }
        stack.extend(offsets.into_iter().rev());
    };
    push_children(&mut stack, roots, 0, 0, None);
    while let Some((n, depth, start, parent)) = stack.pop() {
        let i = n as usize;
        let w = tree.width(i);
        if w < min.max(1) || (detail.depth > 0 && depth >= detail.depth) {
            continue;
        }
        let at = frames.len();
        let info = &table.infos[tree.entry[i] as usize];
        frames.push(Frame {
            name: info.printable_name(),
            function: info.name.clone(),
            depth,
            parent,
            start,
            width: w,
            cum: tree.cum(i),
            flat: tree.flat[i],
            grew: tree.grew[i],
            shrank: tree.shrank[i],
        });
        push_children(&mut stack, kids.of(Some(i)), depth + 1, start, Some(at));
    }
    Layout {
        frames,
        width,
        nodes: tree.len(),
        diff: tree.shrank.iter().any(|&s| s != 0),
    }
}

/// Builds the flame graph of `r`, rooted at the frames matching `root`
/// (laid out once per view: a repeated picture reuses its frames).
pub fn build(r: &mut Context, root: Option<&Regex>, detail: Detail) -> Flame {
    let laid = r.cached_flame(root, detail);
    let width = laid.width;
    // The unit suits the frames one can read: those of 1% or more.
    r.select_output_unit(
        laid.frames
            .iter()
            .filter(|f| f.width.saturating_mul(100) >= width)
            .map(|f| (f.flat, f.cum)),
        false,
    );
    let legend = Legend {
        flat_sum: crate::model::sum_values(laid.frames.iter().map(|f| f.flat)),
        shown: laid.frames.len(),
        orig_count: laid.nodes,
        ..Legend::empty(r)
    };
    Flame {
        header: Header::new(r, legend, true),
        width,
        diff: laid.diff,
        root: root.map(|re| re.as_str().to_string()),
        omitted: laid.nodes - laid.frames.len(),
        icicle: r.opts.icicle,
        frames: laid,
    }
}

/// One row of the top table of a subtree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubtreeRow {
    /// The frame name.
    pub name: String,
    /// Σ flat of its frames in the subtree.
    pub flat: i64,
    /// Σ cum of its outermost frames in the subtree (a recursive call is
    /// not counted twice).
    pub cum: i64,
}

/// The top table of the subtree under frame `root` of `frames` (a
/// [`Flame`]'s, itself included), by flat then cum, largest first, then by
/// name.
pub fn subtree_top(frames: &[Frame], root: usize) -> Vec<SubtreeRow> {
    use std::collections::HashMap;
    let mut rows: HashMap<&str, SubtreeRow> = HashMap::new();
    let inside = |mut i: usize| loop {
        if i == root {
            return true;
        }
        match frames[i].parent {
            Some(p) if p >= root => i = p,
            _ => return false,
        }
    };
    // Frames are in pre-order: the subtree is a contiguous run after `root`.
    let end = (root + 1..frames.len())
        .find(|&i| !inside(i))
        .unwrap_or(frames.len());
    for i in root..end {
        let fr = &frames[i];
        let mut outermost = true;
        let mut a = fr.parent;
        while let Some(p) = a.filter(|&p| p >= root && i != root) {
            if frames[p].name == fr.name {
                outermost = false;
                break;
            }
            if p == root {
                break;
            }
            a = frames[p].parent;
        }
        let row = rows.entry(&fr.name).or_insert_with(|| SubtreeRow {
            name: fr.name.clone(),
            flat: 0,
            cum: 0,
        });
        row.flat = row.flat.saturating_add(fr.flat);
        if outermost {
            row.cum = row.cum.saturating_add(fr.cum);
        }
    }
    let mut v: Vec<SubtreeRow> = rows.into_values().collect();
    v.sort_by(|a, b| {
        (b.flat.saturating_abs(), b.cum.saturating_abs())
            .cmp(&(a.flat.saturating_abs(), a.cum.saturating_abs()))
            .then_with(|| a.name.cmp(&b.name))
    });
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(name: &str, depth: usize, parent: Option<usize>, flat: i64, cum: i64) -> Frame {
        Frame {
            name: name.into(),
            function: name.into(),
            depth,
            parent,
            start: 0,
            width: cum,
            cum,
            flat,
            grew: cum,
            shrank: 0,
        }
    }

    #[test]
    fn the_top_of_a_subtree_counts_recursion_once() {
        // main → f → f → g, and main → h: the subtree of the outer f.
        let frames = vec![
            frame("main", 0, None, 0, 10),
            frame("f", 1, Some(0), 1, 7),
            frame("f", 2, Some(1), 2, 6),
            frame("g", 3, Some(2), 4, 4),
            frame("h", 1, Some(0), 3, 3),
        ];
        let top = subtree_top(&frames, 1);
        let got: Vec<(&str, i64, i64)> = top
            .iter()
            .map(|r| (r.name.as_str(), r.flat, r.cum))
            .collect();
        assert_eq!(got, vec![("g", 4, 4), ("f", 3, 7)]);
        assert_eq!(subtree_top(&frames, 0).len(), 4);
        assert_eq!(
            subtree_top(&frames, 4),
            vec![SubtreeRow {
                name: "h".into(),
                flat: 3,
                cum: 3
            }]
        );
    }
}
