//! The interactive shell: the session (what a line does), the grammar, and
//! the two line sources — a plain pipe reader that
//! reproduces pprof's transcript exactly, and a rustyline terminal
//! ([`terminal`]) with history, completion and colour.

#[doc(hidden)]
pub mod fuzz;
pub mod grammar;
pub mod session;
pub mod terminal;
pub mod tour;

use session::{Flow, Session};
use std::io::{BufRead, Write};

/// Where input lines come from: a pipe (the prompt is written to `out`, as
/// pprof does) or the terminal's line editor.
pub trait LineSource {
    /// Shows `prompt`, offers `initial` as already typed (where the source
    /// can edit a line) and reads one line; `None` at the end of input.
    /// A read failure is reported on `err` and ends the input.
    fn read(
        &mut self,
        prompt: &str,
        initial: &str,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Option<String>;

    /// Completes names from session `s` from now on (where the source
    /// completes at all).
    fn complete_for(&mut self, _s: &Session) {}
}

/// Lines from a non-terminal input, up to each `\n`; invalid UTF-8 is
/// replaced.
pub struct Piped<'a>(pub &'a mut dyn BufRead);

impl LineSource for Piped<'_> {
    fn read(
        &mut self,
        prompt: &str,
        _: &str,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Option<String> {
        let _ = write!(out, "{prompt}");
        let _ = out.flush();
        let mut line = Vec::new();
        match self.0.read_until(b'\n', &mut line) {
            Ok(0) => None,
            Ok(_) => Some(String::from_utf8_lossy(&line).into_owned()),
            Err(e) => {
                let _ = writeln!(err, "{e}");
                None
            }
        }
    }
}

/// Runs the shell: reads lines from `lines` until the end of input or
/// `quit`; `tour` runs the guided tour on its own session and comes back.
pub fn run(s: &mut Session, lines: &mut dyn LineSource, out: &mut dyn Write, err: &mut dyn Write) {
    loop {
        let initial = s.offer.take().unwrap_or_default();
        let Some(line) = lines.read("(pprof) ", &initial, out, err) else {
            return;
        };
        match s.execute(&line, out, err) {
            Flow::Quit => return,
            Flow::Tour => tour::from_shell(s, lines, out, err),
            Flow::View => view(s, err),
            Flow::Continue => {}
        }
        let _ = out.flush();
    }
}

/// Opens the viewer on the session's last report (a flame graph); `l`
/// lists through the session.
fn view(s: &mut Session, err: &mut dyn Write) {
    let Some(report) = s.last.take() else {
        return;
    };
    let shown = crate::viewer::run(&report, &mut |re| s.list_text(re));
    s.last = Some(report);
    if let Err(e) = shown {
        let _ = writeln!(err, "view: {e}");
    }
}

/// Runs the shell over a non-terminal input: the prompt goes to `out`
/// without a newline, lines are read up to `\n`, and EOF ends the session.
pub fn run_piped(
    s: &mut Session,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) {
    run(s, &mut Piped(input), out, err);
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
