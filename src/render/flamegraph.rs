//! `flamegraph`: a [`Flame`] as one self-contained SVG document — frames
//! drawn as rectangles sized by value, each with a tooltip (name, cum, flat,
//! share of the total), coloured by package or, in a diff, red for growth
//! and blue for shrinkage with the depth of colour by the size of the
//! change. An embedded script (`flamegraph.js`, no network, no external
//! file) adds click-to-zoom, a reset control, a details line on hover and a
//! search that highlights the matches and shows their share. Without
//! scripts (an image viewer) the picture and tooltips still show.
//!
//! Render stage: reads the report value only. Every profile string is made
//! printable and escaped before it enters the document; the script reads
//! names as text and never evaluates them.

use super::flame::{package, printable};
use super::markup::escape;
use super::units;
use crate::report::Report;
use crate::report::flame::{Flame, Frame};
use std::fmt::Write;

/// The picture's width in pixels.
const WIDTH: f64 = 1200.0;
/// Left and right margins.
const PAD: f64 = 10.0;
/// Height of a row.
const ROW: f64 = 16.0;
/// Room above the frames: title, subtitle, legend, controls.
const TOP: f64 = 72.0;
/// Room below the frames: the details line.
const BOTTOM: f64 = 28.0;
/// Approximate width of a character of the 12px font, for cutting labels.
const CHAR: f64 = 7.0;

const SCRIPT: &str = include_str!("flamegraph.js");

/// The fill of frame `f`: by package (a hue from its name), or by change.
fn fill(flame: &Flame, f: &Frame, largest_change: i64) -> String {
    if flame.diff {
        if f.cum == 0 || largest_change == 0 {
            return "rgb(220,220,220)".to_string();
        }
        let s = 0.15 + 0.85 * (f.cum.unsigned_abs() as f64 / largest_change as f64);
        let v = (255.0 - 200.0 * s.min(1.0)).round() as u8;
        return if f.cum > 0 {
            format!("rgb(255,{v},{v})")
        } else {
            format!("rgb({v},{v},255)")
        };
    }
    let h = package(&f.name).bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    // Warm hues (red to yellow) with some lightness spread, as flame
    // graphs are usually drawn.
    let hue = h % 56;
    let light = 55 + (h >> 8) % 20;
    format!("hsl({hue},85%,{light}%)")
}

/// The label of a frame `px` pixels wide.
fn label(name: &str, px: f64) -> String {
    let room = ((px - 6.0) / CHAR).floor();
    if room < 3.0 {
        return String::new();
    }
    let room = room as usize;
    if name.chars().count() <= room {
        return name.to_string();
    }
    let mut s: String = name.chars().take(room - 2).collect();
    s.push_str("..");
    s
}

/// The document.
pub fn render(report: &Report, f: &Flame) -> String {
    let s = &report.scale;
    let total = report.total;
    let depth = f.frames.iter().map(|x| x.depth + 1).max().unwrap_or(0);
    let height = TOP + depth as f64 * ROW + BOTTOM;
    let scale = if f.width > 0 {
        (WIDTH - 2.0 * PAD) / f.width as f64
    } else {
        0.0
    };
    let largest_change = f
        .frames
        .iter()
        .map(|x| x.cum.unsigned_abs())
        .max()
        .unwrap_or(0);
    let largest_change = i64::try_from(largest_change).unwrap_or(i64::MAX);
    let pct = |v: i64| {
        let p = units::percentage(v, total).trim().to_string();
        if v < 0 { format!("-{p}") } else { p }
    };
    let mut doc = String::with_capacity(256 * f.frames.len() + 8192);
    let share = if total != 0 {
        f.width as f64 / total as f64
    } else {
        0.0
    };
    let _ = write!(
        doc,
        r##"<?xml version="1.0" standalone="no"?>
<svg version="1.1" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" data-pad="{PAD}" data-char="{CHAR}" data-share="{share}" data-icicle="{}">
<style>
text {{ font-family: Verdana, "DejaVu Sans", sans-serif; font-size: 12px; fill: #000; }}
#title {{ font-size: 17px; }}
.control {{ cursor: pointer; fill: #1f4e99; }}
.f {{ cursor: pointer; }}
.f rect {{ stroke: #fff; stroke-width: 0.5; }}
.f:hover rect {{ stroke: #000; stroke-width: 1; }}
.f.context rect {{ opacity: 0.5; }}
.f.match rect {{ fill: rgb(230,0,230); }}
.f text {{ pointer-events: none; }}
</style>
<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#fdfdf6"/>
"##,
        f.icicle
    );
    let mut sub: Vec<String> = f
        .header
        .lines()
        .into_iter()
        .filter(|l| !l.starts_with("Showing") && !l.starts_with("Dropped"))
        .map(|l| printable(&l))
        .collect();
    sub.push(format!("Total: {}", s.format(total)));
    if let Some(re) = &f.root {
        sub.push(format!("stacks from {}", printable(re)));
    }
    let _ = writeln!(
        doc,
        r#"<text id="title" x="{}" y="22" text-anchor="middle">Flame graph</text>
<text id="subtitle" x="{}" y="40" text-anchor="middle">{}</text>"#,
        WIDTH / 2.0,
        WIDTH / 2.0,
        escape(&sub.join(" · "))
    );
    if f.diff {
        let _ = writeln!(
            doc,
            r#"<g id="legend"><rect x="{PAD}" y="46" width="12" height="12" fill="rgb(255,55,55)"/><text x="{}" y="57">grew</text><rect x="{}" y="46" width="12" height="12" fill="rgb(55,55,255)"/><text x="{}" y="57">shrank</text><text x="{}" y="57">Diff: frames are as wide as the change, red grew, blue shrank; deeper colour, larger change.</text></g>"#,
            PAD + 16.0,
            PAD + 60.0,
            PAD + 76.0,
            PAD + 130.0
        );
    }
    let _ = writeln!(
        doc,
        r#"<text id="reset" class="control" x="{PAD}" y="{}" visibility="hidden">Reset zoom</text>
<text id="search" class="control" x="{}" y="{}" text-anchor="end">Search</text>
<text id="matched" x="{}" y="{}" text-anchor="end"></text>
<text id="details" x="{PAD}" y="{}"></text>
<g id="frames">"#,
        TOP - 6.0,
        WIDTH - PAD,
        TOP - 6.0,
        WIDTH - PAD,
        height - 8.0,
        height - 8.0,
    );
    for fr in f.frames.iter() {
        let x = PAD + fr.start as f64 * scale;
        let w = fr.width as f64 * scale;
        let row = if f.icicle {
            fr.depth
        } else {
            depth - 1 - fr.depth
        };
        let y = TOP + row as f64 * ROW;
        let name = printable(&fr.name);
        let mut tip = format!(
            "{name}\ncum {} ({}), flat {} ({})",
            s.format(fr.cum),
            pct(fr.cum),
            s.format(fr.flat),
            pct(fr.flat)
        );
        if f.diff {
            let _ = write!(
                tip,
                ", grew {}, shrank {}",
                s.format(fr.grew),
                s.format(fr.shrank)
            );
        }
        let _ = writeln!(
            doc,
            r#"<g class="f" data-d="{}"><title>{}</title><rect x="{x:.2}" y="{y}" width="{w:.2}" height="{}" rx="2" fill="{}"/><text x="{:.2}" y="{}">{}</text></g>"#,
            fr.depth,
            escape(&tip),
            ROW - 1.0,
            fill(f, fr, largest_change),
            x + 3.0,
            y + 11.5,
            escape(&label(&name, w)),
        );
    }
    doc.push_str("</g>\n<script type=\"text/ecmascript\"><![CDATA[\n");
    doc.push_str(SCRIPT);
    doc.push_str("]]></script>\n</svg>\n");
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_cut_to_their_frame() {
        assert_eq!(label("bytes.Repeat", 200.0), "bytes.Repeat");
        assert_eq!(label("bytes.Repeat", 60.0), "bytes..");
        assert_eq!(label("bytes.Repeat", 20.0), "");
    }

    #[test]
    fn the_script_cannot_end_its_section() {
        assert!(!SCRIPT.contains("]]>"));
    }
}
