//! Compiling user regular expressions, with Go-style error messages.
//!
//! pprof reports a bad pattern as `error parsing regexp: missing closing ):
//! `(``; this module produces the same wording from regex-syntax's error
//! kinds so that messages match the reference tool. It does no matching.

use regex::Regex;
use regex_syntax::ast::ErrorKind;

/// Compiles `pattern` (unanchored, RE2-like syntax); an error says whose
/// regexp it is with `context` (`parsing focus regexp`).
pub fn compile_for(context: &str, pattern: &str) -> crate::Result<Regex> {
    compile(pattern).map_err(|message| crate::Error::Regexp {
        context: context.to_string(),
        message,
    })
}

/// Compiles `pattern` or gives Go's message (`error parsing regexp: …`).
fn compile(pattern: &str) -> Result<Regex, String> {
    if let Err(e) = regex_syntax::ast::parse::Parser::new().parse(pattern) {
        let from = e.span().start.offset.min(pattern.len());
        let why = match e.kind() {
            ErrorKind::GroupUnclosed => format!("missing closing ): `{pattern}`"),
            ErrorKind::GroupUnopened => format!("unexpected ): `{pattern}`"),
            ErrorKind::ClassUnclosed => format!("missing closing ]: `{}`", &pattern[from..]),
            ErrorKind::RepetitionMissing => {
                format!(
                    "missing argument to repetition operator: `{}`",
                    &pattern[from..e.span().end.offset]
                )
            }
            ErrorKind::EscapeUnrecognized | ErrorKind::EscapeUnexpectedEof => {
                format!(
                    "invalid escape sequence: `{}`",
                    &pattern[from..e.span().end.offset.max(from)]
                )
            }
            other => format!("{other}: `{pattern}`"),
        };
        return Err(format!("error parsing regexp: {why}"));
    }
    Regex::new(pattern).map_err(|e| format!("error parsing regexp: {e}"))
}

#[cfg(test)]
mod tests {
    use super::compile;

    #[test]
    fn go_style_messages() {
        assert_eq!(
            compile("(").unwrap_err(),
            "error parsing regexp: missing closing ): `(`"
        );
        assert_eq!(
            compile("a[b").unwrap_err(),
            "error parsing regexp: missing closing ]: `[b`"
        );
        assert!(compile("main\\.fib|build").is_ok());
    }
}

/// A regexp matching `name` literally, in printable characters only
/// (control characters written as `\x{..}`).
pub fn literal(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in regex::escape(name).chars() {
        if c.is_control() {
            out.push_str(&format!("\\x{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A short regexp a person would type for function `name`, matching it
/// literally: without the package path, and for a Go method without the
/// package and the receiver's `(*` (`main.(*RequestTracker).Track` →
/// `RequestTracker\)\.Track`; `net/http.HandlerFunc.ServeHTTP` →
/// `http\.HandlerFunc\.ServeHTTP`).
pub fn short_pattern(name: &str) -> String {
    let last = name.rfind('/').map_or(name, |i| &name[i + 1..]);
    let short = match last.find(".(") {
        Some(i) => last[i + 2..].trim_start_matches('*'),
        None => last,
    };
    literal(if short.is_empty() { name } else { short })
}

#[cfg(test)]
mod pattern_tests {
    use super::{literal, short_pattern};

    #[test]
    fn short_patterns_match_their_function() {
        for (name, want) in [
            ("main.(*RequestTracker).Track", r"RequestTracker\)\.Track"),
            ("net/http.(*conn).serve", r"conn\)\.serve"),
            (
                "net/http.HandlerFunc.ServeHTTP",
                r"http\.HandlerFunc\.ServeHTTP",
            ),
            ("bytes.Repeat", r"bytes\.Repeat"),
            (
                "std::vector<int>::push_back",
                r"std::vector<int>::push_back",
            ),
            ("a/b/", r"a/b/"),
        ] {
            let p = short_pattern(name);
            assert_eq!(p, want, "{name}");
            assert!(regex::Regex::new(&p).unwrap().is_match(name), "{name}");
        }
        assert_eq!(literal("a\x1bb"), r"a\x{1b}b");
    }
}
