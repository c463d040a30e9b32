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

/// Replaces control characters (other than newline and tab) and bytes
/// that are not UTF-8 ([`crate::model::utf8`]) with visible escapes, so a
/// hostile profile cannot drive the terminal.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    let s = crate::model::utf8::escape(s);
    let odd = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !s.chars().any(odd) {
        return s;
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if odd(c) {
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

/// Longest line [`TerminalSafe`] lets through; the rest of the line is
/// cut with one `…` (a server's error page can be one huge line).
pub const MAX_MESSAGE_LINE: usize = 2000;

/// A writer for a terminal's stderr through which every message passes:
/// control characters (tab included) are written as `\u{…}` text, C1
/// controls too, escape sequences other than colours (`ESC [ digits ; m`)
/// and the erasing of a line (`ESC [ K`), which rpprof itself writes, are
/// defused, and lines are cut at
/// [`MAX_MESSAGE_LINE`] bytes. Newlines and carriage returns (progress
/// lines) pass. A profile, a binary or a server thus cannot retitle,
/// clear or redraw the terminal through a message that quotes it.
pub struct TerminalSafe<W: std::io::Write> {
    inner: W,
    state: Escape,
    line: usize,
}

/// Where [`TerminalSafe`] is in an escape sequence.
enum Escape {
    None,
    /// After ESC.
    Esc,
    /// After `ESC [`, with the parameter bytes so far.
    Csi(Vec<u8>),
    /// After the first byte (0xC2) of a possible C1 control.
    C2,
}

impl<W: std::io::Write> TerminalSafe<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> TerminalSafe<W> {
        TerminalSafe {
            inner,
            state: Escape::None,
            line: 0,
        }
    }

    fn text(&mut self, out: &mut Vec<u8>, bytes: &[u8]) {
        for &b in bytes {
            if b == b'\n' {
                self.line = 0;
                out.push(b);
                continue;
            }
            if self.line == MAX_MESSAGE_LINE {
                out.extend_from_slice("…".as_bytes());
            }
            self.line += 1;
            if self.line <= MAX_MESSAGE_LINE {
                out.push(b);
            }
        }
    }

    fn byte(&mut self, out: &mut Vec<u8>, b: u8) {
        match std::mem::replace(&mut self.state, Escape::None) {
            Escape::Esc if b == b'[' => self.state = Escape::Csi(Vec::new()),
            Escape::Esc => {
                self.text(out, b"\\u{1b}");
                self.byte(out, b);
            }
            Escape::Csi(mut p) if (b.is_ascii_digit() || b == b';') && p.len() < 32 => {
                p.push(b);
                self.state = Escape::Csi(p);
            }
            // Colours and "erase to the end of the line" (progress lines).
            Escape::Csi(p) if b == b'm' || (b == b'K' && p.is_empty()) => {
                out.extend_from_slice(b"\x1b[");
                out.extend_from_slice(&p);
                out.push(b);
            }
            Escape::Csi(p) => {
                self.text(out, b"\\u{1b}[");
                self.text(out, &p);
                self.byte(out, b);
            }
            Escape::C2 if (0x80..=0x9f).contains(&b) => {
                self.text(out, format!("\\u{{{b:x}}}").as_bytes());
            }
            Escape::C2 => {
                self.text(out, &[0xc2]);
                self.byte(out, b);
            }
            Escape::None => match b {
                0x1b => self.state = Escape::Esc,
                0xc2 => self.state = Escape::C2,
                b'\n' | b'\r' => self.text(out, &[b]),
                b if b < 0x20 || b == 0x7f => {
                    self.text(out, format!("\\u{{{b:x}}}").as_bytes());
                }
                b => self.text(out, &[b]),
            },
        }
    }
}

impl<W: std::io::Write> std::io::Write for TerminalSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut out = Vec::with_capacity(buf.len());
        for &b in buf {
            self.byte(&mut out, b);
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
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
        // Ctrl-C: the output drops what was rendered.
        if crate::cancel::requested() {
            break;
        }
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
    fn terminal_stderr_defuses_everything_but_colours() {
        use std::io::Write;
        let mut got = Vec::new();
        {
            let mut w = TerminalSafe::new(&mut got);
            // Split across writes as write_fmt may split them.
            w.write_all(b"retitle \x1b]0;pwned\x07 clear \x1b[2J tab\tcol")
                .unwrap();
            w.write_all(b"or \x1b[1;31mred\x1b[0m c1 \xc2").unwrap();
            w.write_all(b"\x9b done\r\x1b[K\x1b[2K\n").unwrap();
        }
        assert_eq!(
            String::from_utf8(got).unwrap(),
            "retitle \\u{1b}]0;pwned\\u{7} clear \\u{1b}[2J tab\\u{9}color \x1b[1;31mred\x1b[0m c1 \\u{9b} done\r\x1b[K\\u{1b}[2K\n"
        );
        let mut got = Vec::new();
        {
            let mut w = TerminalSafe::new(&mut got);
            w.write_all(&vec![b'x'; MAX_MESSAGE_LINE + 50]).unwrap();
            w.write_all(b"\nnext\n").unwrap();
        }
        let text = String::from_utf8(got).unwrap();
        assert_eq!(text, format!("{}…\nnext\n", "x".repeat(MAX_MESSAGE_LINE)));
    }

    #[test]
    fn sanitizes_control_characters() {
        assert_eq!(sanitize("main.f"), "main.f");
        assert_eq!(sanitize("evil\x1b[2J"), "evil\\u{1b}[2J");
        let odd = crate::model::utf8::from_bytes(b"bad\xff");
        assert_eq!(sanitize(&odd), "bad\\xff");
    }
}
