//! Terminal colour and terminal safety.
//!
//! Reports are rendered as plain text; when the output is a terminal (and
//! colour is wanted) [`paint`] adds ANSI styles line by line: headers bold,
//! hot rows red/yellow, hot source lines highlighted. Profile strings are
//! untrusted, so [`sanitize`] replaces control characters before anything
//! reaches a terminal. Piped output never passes through here.

use owo_colors::OwoColorize;
use std::borrow::Cow;

/// When to colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
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

fn is_header(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("flat  flat%")
        || t.starts_with("Showing ")
        || t.starts_with("Dropped ")
        || t.starts_with("Active filters:")
        || t.starts_with("ROUTINE ")
        || t.contains(" (flat, cum) ")
        || t.starts_with("Total:")
        || t.starts_with("File: ")
        || t.starts_with("Type: ")
}

/// The flat percentage of a `top`/`peek` row (`  176.23MB 99.00% ...`).
fn row_percent(line: &str) -> Option<f64> {
    let mut it = line.split_whitespace();
    it.next()?;
    it.next()?.strip_suffix('%')?.parse().ok()
}

/// Colours a rendered report for a terminal.
pub fn paint(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let styled = if is_header(body) {
            body.bold().to_string()
        } else if let Some(p) = row_percent(body) {
            if p >= 10.0 {
                body.red().bold().to_string()
            } else if p >= 1.0 {
                body.yellow().to_string()
            } else {
                body.to_string()
            }
        } else if is_hot_source_line(body) {
            body.red().to_string()
        } else {
            body.to_string()
        };
        out.push_str(&styled);
        out.push_str(nl);
    }
    out
}

/// A `list` source line (`flat cum NNN:text`, the text possibly starting
/// right after the colon) with a sampled flat or cum value.
fn is_hot_source_line(line: &str) -> bool {
    let mut it = line.split_whitespace();
    let (Some(a), Some(b), Some(c)) = (it.next(), it.next(), it.next()) else {
        return false;
    };
    let number = c.split_once(':').map_or("", |(n, _)| n);
    !number.is_empty() && number.chars().all(|d| d.is_ascii_digit()) && (a != "." || b != ".")
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

    #[test]
    fn paints_hot_rows() {
        let p = paint("  176.23MB 99.00% 99.00%   176.23MB 99.00%  bytes.Repeat\n");
        assert!(p.contains("\x1b["));
        assert!(!paint("plain words\n").contains("\x1b["));
    }

    #[test]
    fn paints_hot_list_lines() {
        let hot = "      70ms      120ms      4:func fib(n int) int {";
        assert!(is_hot_source_line(hot));
        assert!(is_hot_source_line(
            "         .      250ms     24:\twords := make([]uint64, n)"
        ));
        assert!(!is_hot_source_line(
            "         .          .      1:package main"
        ));
        assert!(!is_hot_source_line("         .          .     36:"));
        assert!(paint(&format!("{hot}\n")).contains("\x1b["));
        assert!(is_header(
            "     456kB   176.68MB (flat, cum) 99.25% of Total"
        ));
    }
}
