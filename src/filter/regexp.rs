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
