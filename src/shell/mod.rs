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

    /// True when Ctrl-C should cancel the running command and come back to
    /// the prompt (a terminal); otherwise it ends rpprof, as pprof.
    fn cancellable(&self) -> bool {
        false
    }

    /// `line` ran without being refused (the terminal keeps it in its
    /// history).
    fn accepted(&mut self, _line: &str, _err: &mut dyn Write) {}
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
        let armed = lines.cancellable().then(crate::cancel::arm);
        let flow = s.execute(&line, out, err);
        drop(armed);
        if !s.rejected {
            lines.accepted(&line, err);
        }
        match flow {
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
    fn typos_get_a_did_you_mean_on_a_terminal_only() {
        use crate::model::ValueType;
        let p = Profile {
            strings: vec!["".into(), "inuse_space".into(), "bytes".into()].into(),
            sample_types: vec![ValueType {
                ty: StrId(1),
                unit: StrId(2),
            }],
            ..Default::default()
        };
        let script: &[u8] = b"topp 5\nnodecont=5\ngranularity=fuctions\n\
            sample_index=inuse_spce\nlsit Track\nzzzzzz\ntrue\n";
        let pprof = "unrecognized command: \"topp\"\n\
            unrecognized command: \"nodecont=\"\n\
            invalid \"granularity\" value \"fuctions\"\n\
            sample_index \"inuse_spce\" must be one of: [inuse_space]\n\
            unrecognized command: \"lsit\"\n\
            unrecognized command: \"zzzzzz\"\n\
            unrecognized command: \"true\"\n";
        let hinted = "unrecognized command: \"topp\"\ndid you mean \"top 5\"?\n\
            unrecognized command: \"nodecont=\"\ndid you mean \"nodecount=5\"?\n\
            invalid \"granularity\" value \"fuctions\"\ndid you mean \"granularity=functions\"?\n\
            sample_index \"inuse_spce\" must be one of: [inuse_space]\n\
            did you mean \"sample_index=inuse_space\"?\n\
            unrecognized command: \"lsit\"\ndid you mean \"list Track\"?\n\
            unrecognized command: \"zzzzzz\"\n\
            unrecognized command: \"true\"\ndid you mean \"tree\"?\n";
        for (tty, want) in [(false, pprof), (true, hinted)] {
            let mut s = Session::new(p.clone(), Config::default());
            s.stderr_tty = tty;
            let (mut out, mut err) = (Vec::new(), Vec::new());
            run_piped(&mut s, &mut &script[..], &mut out, &mut err);
            assert_eq!(String::from_utf8(err).unwrap(), want, "tty {tty}");
        }
    }

    #[test]
    fn list_without_its_source_hints_at_source_path_on_a_terminal() {
        let p = crate::source::load_path("tests/data/leak/heap_5.pb.gz").unwrap();
        let script: &[u8] =
            b"list Track\nsource_path=tests/data/src\ntrim_path=/go/src/example.com\nlist Track\n";
        let missing = " Error: open /go/src/example.com/leak/main.go: no such file or directory\n";
        for tty in [false, true] {
            let mut s = Session::new(p.clone(), Config::default());
            s.stderr_tty = tty;
            let (mut out, mut err) = (Vec::new(), Vec::new());
            run_piped(&mut s, &mut &script[..], &mut out, &mut err);
            let (out, err) = (
                String::from_utf8(out).unwrap(),
                String::from_utf8(err).unwrap(),
            );
            assert_eq!(out.matches(missing).count(), 1, "{out}");
            let hint = "hint: /go/src/example.com/leak/main.go is not on this machine: \
                set source_path=DIR to where your source tree is (several: DIR1:DIR2), \
                and trim_path=PREFIX to drop the build machine's prefix\n";
            // Once: the second list found the file.
            assert_eq!(err, if tty { hint } else { "" }, "tty {tty}");
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
