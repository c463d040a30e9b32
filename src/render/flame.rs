//! The terminal flame graph (`flame`, and `view` without a terminal): an
//! icicle view of a [`Flame`] laid out in character cells, one row per
//! stack depth from the roots, each frame a box as wide as its value with
//! its name and cum percentage where they fit. Frames narrower than a box
//! are drawn as a run of `…` (`.` in ASCII). Also what every flame
//! renderer shares: the package of a frame name and the colour class of a
//! frame.
//!
//! Render stage: reads the report value only. Profile strings are made
//! printable first (control characters, tabs and newlines would break the
//! rows), so the same cells serve a pipe and a terminal; `render::color`
//! paints the spans.

use super::units;
use crate::report::Report;
use crate::report::flame::{Flame, Frame};

/// The narrowest box that gets a separator and a name (`|ab`).
const MIN_BOX: usize = 3;

/// How a span of a row is painted on a terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paint {
    /// Not a frame (gaps, headers).
    None,
    /// A frame of package class `k` (`0..PACKAGE_CLASSES`).
    Package(u8),
    /// A frame whose value grew (in a diff).
    Grew,
    /// A frame whose value shrank (in a diff).
    Shrank,
    /// Frames too narrow to show.
    Narrow,
}

/// The number of package colour classes.
pub const PACKAGE_CLASSES: u8 = 6;

/// A run of cells painted alike.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// Its text.
    pub text: String,
    /// How it is painted.
    pub paint: Paint,
}

/// The package of a frame name: Go's import path and package
/// (`net/http.(*conn).serve` → `net/http`), the first path component of
/// Rust and C++ names (`core::ptr::drop` → `core`), else the name up to
/// its first `.` or `(`.
pub fn package(name: &str) -> &str {
    let name = name.trim_start_matches(['&', '*', '<', '(']);
    if let Some(i) = name.find("::") {
        return &name[..i];
    }
    let slash = name.rfind('/').map_or(0, |i| i + 1);
    match name[slash..].find(['.', '(', ' ']) {
        Some(i) => &name[..slash + i],
        None => name,
    }
}

/// A stable colour class for package `p` (FNV-1a of its bytes).
pub fn package_class(p: &str) -> u8 {
    let h = p.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (h % u64::from(PACKAGE_CLASSES)) as u8
}

/// How frame `f` is painted: by change in a diff, else by package.
pub fn paint_of(flame: &Flame, f: &Frame) -> Paint {
    if flame.diff {
        match f.cum.signum() {
            1 => Paint::Grew,
            -1 => Paint::Shrank,
            _ => Paint::Package(0),
        }
    } else {
        Paint::Package(package_class(package(&f.name)))
    }
}

/// The colours of paint `p` on a terminal, as ANSI colour numbers
/// (foreground, background): one table for every terminal renderer.
/// `None` for unpainted cells and narrow runs (dimmed instead).
pub fn colours(p: Paint) -> Option<(u8, u8)> {
    const BLACK: u8 = 0;
    const WHITE: u8 = 15;
    // Yellow, red, green, cyan, magenta, bright yellow.
    const PACKAGES: [u8; PACKAGE_CLASSES as usize] = [3, 1, 2, 6, 5, 11];
    match p {
        Paint::None | Paint::Narrow => None,
        Paint::Grew => Some((WHITE, 1)),
        Paint::Shrank => Some((WHITE, 4)),
        Paint::Package(k) => Some((BLACK, PACKAGES[usize::from(k) % PACKAGES.len()])),
    }
}

/// `s` with every control character (tabs and newlines included) and the
/// noncharacters U+FFFE and U+FFFF shown as `\u{…}`, so that it takes the
/// cells it seems to take and every character is one XML allows.
pub fn printable(s: &str) -> String {
    let hidden = |c: char| c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}');
    if !s.chars().any(hidden) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if hidden(c) {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The lines above the picture: the profile part of the header, the
/// active filters, and what the picture shows.
pub fn heading(report: &Report, f: &Flame, drawn: usize) -> Vec<String> {
    let s = &report.scale;
    let mut v: Vec<String> = f
        .header
        .lines()
        .into_iter()
        .filter(|l| !l.starts_with("Showing") && !l.starts_with("Dropped"))
        .collect();
    let root = match &f.root {
        Some(re) => format!(", stacks from {}", printable(re)),
        None => String::new(),
    };
    let change = if f.diff {
        "; widths are the change, + grew, - shrank"
    } else {
        ""
    };
    v.push(format!(
        "Flame graph of {} total{root}{change}: {drawn} of {} frames wide enough to show",
        s.format(report.total),
        f.header.legend.orig_count,
    ));
    v
}

/// The picture `width` columns wide, one row of spans per depth, and the
/// number of frames drawn as boxes. ASCII only with `ascii`.
pub fn rows(report: &Report, f: &Flame, width: usize, ascii: bool) -> (Vec<Vec<Span>>, usize) {
    let narrow = if ascii { '.' } else { '…' };
    let depth = f.frames.iter().map(|x| x.depth + 1).max().unwrap_or(0);
    let mut cells: Vec<Vec<(char, Paint)>> = vec![vec![(' ', Paint::None); width]; depth];
    let col = |x: i64| -> usize {
        if f.width <= 0 {
            0
        } else {
            ((x as f64 / f.width as f64) * width as f64).round() as usize
        }
        .min(width)
    };
    let mut drawn = 0;
    // Rows below the last box hold only runs too narrow to read.
    let mut deepest = 0;
    for fr in f.frames.iter() {
        let (c0, c1) = (col(fr.start), col(fr.end()));
        let row = &mut cells[fr.depth];
        if c1 <= c0 {
            continue;
        }
        if c1 - c0 < MIN_BOX {
            for c in &mut row[c0..c1] {
                *c = (narrow, Paint::Narrow);
            }
            continue;
        }
        drawn += 1;
        deepest = deepest.max(fr.depth + 1);
        let paint = paint_of(f, fr);
        let room = c1 - c0 - 1;
        let label = label(&printable(&fr.name), fr.cum, report.total, room, ascii);
        row[c0] = ('|', paint);
        let mut chars = label.chars();
        for c in &mut row[c0 + 1..c1] {
            *c = (chars.next().unwrap_or(' '), paint);
        }
    }
    cells.truncate(deepest);
    let spans = cells
        .into_iter()
        .map(|row| {
            let mut spans: Vec<Span> = Vec::new();
            for (c, p) in row {
                match spans.last_mut() {
                    Some(s) if s.paint == p => s.text.push(c),
                    _ => spans.push(Span {
                        text: c.to_string(),
                        paint: p,
                    }),
                }
            }
            if let Some(last) = spans.last_mut()
                && last.paint == Paint::None
            {
                let kept = last.text.trim_end().len();
                last.text.truncate(kept);
            }
            spans.retain(|s| !s.text.is_empty());
            spans
        })
        .collect();
    (spans, drawn)
}

/// A box's text in `room` cells: the name and cum percentage, or the
/// name cut with an ellipsis (`..` in ASCII).
pub fn label(name: &str, cum: i64, total: i64, room: usize, ascii: bool) -> String {
    let pct = units::percentage(cum, total).trim().to_string();
    let pct = if cum < 0 { format!("-{pct}") } else { pct };
    let full = format!("{name} {pct}");
    if full.chars().count() <= room {
        return full;
    }
    if name.chars().count() <= room {
        return name.to_string();
    }
    let mark = if ascii { ".." } else { "…" };
    let keep = room.saturating_sub(mark.chars().count());
    if keep == 0 {
        return name.chars().take(room).collect();
    }
    let mut out: String = name.chars().take(keep).collect();
    out.push_str(mark);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages() {
        assert_eq!(package("main.(*RequestTracker).Track"), "main");
        assert_eq!(package("net/http.(*conn).serve"), "net/http");
        assert_eq!(package("runtime/pprof.StartCPUProfile"), "runtime/pprof");
        assert_eq!(package("core::ptr::drop_in_place"), "core");
        assert_eq!(package("std::vector<int>::push_back"), "std");
        assert_eq!(package("<alloc::vec::Vec<T> as Drop>::drop"), "alloc");
        assert_eq!(package("malloc"), "malloc");
        assert_eq!(package_class("main"), package_class("main"));
    }

    #[test]
    fn labels_fit_their_room() {
        assert_eq!(
            label("bytes.Repeat", 50, 100, 40, true),
            "bytes.Repeat 50.00%"
        );
        assert_eq!(label("bytes.Repeat", 50, 100, 12, true), "bytes.Repeat");
        assert_eq!(label("bytes.Repeat", 50, 100, 8, true), "bytes...");
        assert_eq!(label("bytes.Repeat", 50, 100, 8, false), "bytes.R…");
        assert_eq!(
            label("bytes.Repeat", -5, 100, 40, true),
            "bytes.Repeat -5.00%"
        );
    }

    #[test]
    fn printable_names_keep_their_width() {
        assert_eq!(printable("a\tb\nc\x1b"), "a\\u{9}b\\u{a}c\\u{1b}");
        assert_eq!(printable("a\u{fffe}\u{ffff}"), "a\\u{fffe}\\u{ffff}");
    }
}
