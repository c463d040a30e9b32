//! The interactive shell: the session (what a line does), the grammar, and
//! the two line sources — a plain pipe reader that
//! reproduces pprof's transcript exactly, and a rustyline terminal
//! ([`terminal`]) with history, completion and colour.

pub mod grammar;
pub mod session;
pub mod terminal;

use session::{Flow, Session};
use std::io::{BufRead, Write};

/// Runs the shell over a non-terminal input: the prompt goes to `out`
/// without a newline, lines are read up to `\n`, and EOF ends the session.
pub fn run_piped(
    s: &mut Session,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) {
    let mut line = Vec::new();
    loop {
        let _ = write!(out, "(pprof) ");
        let _ = out.flush();
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => {
                let _ = writeln!(err, "{e}");
                return;
            }
        }
        let text = String::from_utf8_lossy(&line);
        if s.execute(&text, out, err) == Flow::Quit {
            return;
        }
        let _ = out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::model::Profile;
    use crate::model::StrId;

    #[test]
    fn messages_quoting_profile_strings_are_sanitized_on_a_terminal() {
        use crate::model::ValueType;
        let p = Profile {
            strings: vec!["".into(), "evil\x1b[2J".into(), "count".into()].into(),
            sample_types: vec![ValueType {
                ty: StrId(1),
                unit: StrId(2),
            }],
            ..Default::default()
        };
        let script: &[u8] = b"o\nsample_index=nope\nhelp sample_index\n";
        for tty in [false, true] {
            let mut s = Session::new(p.clone(), Config::default());
            s.stderr_tty = tty;
            let (mut out, mut err) = (Vec::new(), Vec::new());
            run_piped(&mut s, &mut &script[..], &mut out, &mut err);
            let err = String::from_utf8(err).unwrap();
            assert!(
                err.contains("sample_index \"nope\" must be one of"),
                "{err}"
            );
            // Piped output stays byte-identical to pprof's; a terminal never
            // receives the escape.
            assert_eq!(err.contains('\x1b'), !tty, "{err:?}");
        }
    }

    #[test]
    fn transcript_of_errors_and_quit() {
        let mut s = Session::new(Profile::default(), Config::default());
        let mut input: &[u8] = b"foo\nnodecount=abc\nquit\ntop\n";
        let (mut out, mut err) = (Vec::new(), Vec::new());
        run_piped(&mut s, &mut input, &mut out, &mut err);
        assert_eq!(String::from_utf8(out).unwrap(), "(pprof) (pprof) (pprof) ");
        assert_eq!(
            String::from_utf8(err).unwrap(),
            "unrecognized command: \"foo\"\nstrconv.Atoi: parsing \"abc\": invalid syntax\n"
        );
    }
}
