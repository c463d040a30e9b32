//! Terminal colour and terminal safety.
//!
//! On a terminal, [`terminal`] shows a report's laid-out lines
//! (`render::text`) with ANSI styles chosen from the data: headers bold,
//! rows with a hot share red or yellow, sampled source lines red. Profile
//! strings are untrusted, so [`sanitize`] replaces control characters
//! before anything reaches a terminal. Piped output never passes through
//! here.

use super::flame::Paint;
use super::text::{self, Layout, Rendered, Style};
use crate::report::flame::Flame;
use crate::report::{Body, Report};
use owo_colors::{OwoColorize, XtermColors};
use std::borrow::Cow;

/// When to colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour when writing to a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Parses `auto|always|never`.
    pub fn parse(s: &str) -> Option<ColorChoice> {
        match s {
            "auto" => Some(ColorChoice::Auto),
            "always" => Some(ColorChoice::Always),
            "never" => Some(ColorChoice::Never),
            _ => None,
        }
    }

    /// Whether to colour a stream that is (or is not) a terminal, honouring
    /// `NO_COLOR` and `TERM=dumb` in auto mode.
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_terminal
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        }
    }
}

/// Replaces control characters (other than newline and tab) with visible
/// escapes, so a hostile profile cannot drive the terminal.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if c.is_control() && c != '\n' && c != '\t' {
                    format!("\\u{{{:x}}}", c as u32)
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// `s` as it may be written to a stream: sanitized when the stream is a
/// terminal, untouched otherwise (piped output stays byte-identical).
pub fn for_stream(s: &str, terminal: bool) -> Cow<'_, str> {
    if terminal {
        sanitize(s)
    } else {
        Cow::Borrowed(s)
    }
}

/// Paints a laid-out line by its style.
fn paint_line(text: &str, style: Style) -> String {
    match style {
        Style::Plain => text.to_string(),
        Style::Header => text.bold().to_string(),
        Style::Hot => text.red().bold().to_string(),
        Style::Warm => text.yellow().to_string(),
        Style::Sampled => text.red().to_string(),
    }
}

/// The report for a terminal: profile strings sanitized and, with
/// `color`, each line painted by the style its data gave it. Documents
/// (dot, raw, …) are sanitized only.
pub fn terminal<'a>(report: &'a Report, color: bool, layout: &Layout) -> Rendered<'a> {
    if let Body::Flame(f) = &report.body
        && !text::is_svg(report)
    {
        return Rendered::Text(Cow::Owned(flame(report, f, color, layout)));
    }
    let Some(lines) = text::lines(report, layout) else {
        return match text::plain(report, layout) {
            Rendered::Text(t) => Rendered::Text(Cow::Owned(sanitize(&t).into_owned())),
            bytes => bytes,
        };
    };
    let mut out = String::new();
    for l in lines {
        let safe = sanitize(&l.text);
        if color {
            out.push_str(&paint_line(&safe, l.style));
        } else {
            out.push_str(&safe);
        }
        out.push('\n');
    }
    Rendered::Text(Cow::Owned(out))
}

/// The terminal flame graph: frames painted by package (or by change in
/// a diff), narrow runs dimmed.
fn flame(report: &Report, f: &Flame, color: bool, layout: &Layout) -> String {
    let (rows, drawn) = super::flame::rows(report, f, layout.width, layout.ascii);
    let mut out = String::new();
    for l in super::flame::heading(report, f, drawn) {
        let safe = sanitize(&l);
        if color {
            out.push_str(&safe.bold().to_string());
        } else {
            out.push_str(&safe);
        }
        out.push('\n');
    }
    for row in rows {
        for span in row {
            if !color {
                out.push_str(&span.text);
                continue;
            }
            let t = span.text.as_str();
            let painted = match super::flame::colours(span.paint) {
                Some((fg, bg)) => t
                    .color(XtermColors::from(fg))
                    .on_color(XtermColors::from(bg))
                    .to_string(),
                None if span.paint == Paint::Narrow => t.dimmed().to_string(),
                None => t.to_string(),
            };
            out.push_str(&painted);
        }
        out.push('\n');
    }
    out
}

/// An error line, red when colour is on.
pub fn error_line(msg: &str, color: bool) -> String {
    if color {
        msg.red().to_string()
    } else {
        msg.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizes_control_characters() {
        assert_eq!(sanitize("main.f"), "main.f");
        assert_eq!(sanitize("evil\x1b[2J"), "evil\\u{1b}[2J");
    }
}
