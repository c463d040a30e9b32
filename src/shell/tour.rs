//! The guided tour (`rpprof -tour`, `tour` in the shell): the leak hunt of
//! the article rpprof grew from, on the bundled snapshots of its leaking
//! server (embedded in the binary, with the server's source for `list`).
//!
//! Each step asks a question, states a hypothesis and names the command
//! that tests it; the learner types it (equivalent forms are accepted), the
//! shell runs it, and the step explains the result with its own numbers
//! (`render::explain`) before the next one. A different command still
//! runs, followed by a hint. `skip`, `back` and `quit` move around. A front
//! end over `Session`; the words are in `render::lang`.

use super::LineSource;
use super::session::{Flow, Session};
use crate::config::Config;
use crate::render::lang::{self, Lang};
use crate::render::text::Layout;
use crate::{Error, Result};
use std::io::Write;
use std::path::PathBuf;

/// The bundled heap snapshots, oldest first, with the names they are
/// shown under.
const SNAPSHOTS: [(&str, &[u8]); 5] = [
    (
        "heap_1.pb.gz",
        include_bytes!("../../examples/memory-leak/heap_1.pb.gz"),
    ),
    (
        "heap_2.pb.gz",
        include_bytes!("../../examples/memory-leak/heap_2.pb.gz"),
    ),
    (
        "heap_3.pb.gz",
        include_bytes!("../../examples/memory-leak/heap_3.pb.gz"),
    ),
    (
        "heap_4.pb.gz",
        include_bytes!("../../examples/memory-leak/heap_4.pb.gz"),
    ),
    (
        "heap_5.pb.gz",
        include_bytes!("../../examples/memory-leak/heap_5.pb.gz"),
    ),
];
/// The server's source, for `list`.
const MAIN_GO: &[u8] = include_bytes!("../../examples/memory-leak/main.go");
/// Where the snapshots say the source was built.
const BUILD_DIR: &str = "/go/src/example.com/leak";

/// One step: its text key (`tour.KEY.question`, `.hypothesis`, `.why`,
/// `.lesson`), the command to show, and which lines count as it.
struct Step {
    key: &'static str,
    command: &'static str,
    accepts: fn(&[&str]) -> bool,
}

/// `top`, `top 10`, `top10`, `text`…, with `-cum` exactly when `cum`.
fn is_top(words: &[&str], cum: bool) -> bool {
    let Some((&first, rest)) = words.split_first() else {
        return false;
    };
    let name = first.trim_end_matches(|c: char| c.is_ascii_digit());
    if name != "top" && name != "text" {
        return false;
    }
    let has_cum = rest.contains(&"-cum");
    has_cum == cum
        && rest
            .iter()
            .all(|w| *w == "-cum" || w.chars().all(|c| c.is_ascii_digit()))
}

/// `command RE` where RE matches `function`.
fn names(words: &[&str], command: &str, function: &str) -> bool {
    match words {
        [c, re, ..] if *c == command => regex::Regex::new(re).is_ok_and(|r| r.is_match(function)),
        _ => false,
    }
}

const STEPS: &[Step] = &[
    Step {
        key: "top",
        command: "top",
        accepts: |w| is_top(w, false),
    },
    Step {
        key: "cum",
        command: "top -cum",
        accepts: |w| is_top(w, true),
    },
    Step {
        key: "list",
        command: r"list RequestTracker\)\.Track",
        accepts: |w| names(w, "list", "main.(*RequestTracker).Track"),
    },
    Step {
        key: "peek",
        command: r"peek bytes\.Repeat",
        accepts: |w| names(w, "peek", "bytes.Repeat"),
    },
    Step {
        key: "alloc",
        command: "sample_index=alloc_space",
        accepts: |w| matches!(w, ["alloc_space"] | ["sample_index=alloc_space"]),
    },
    Step {
        key: "diff",
        command: "diff 1 5",
        accepts: |w| matches!(w, ["diff", "1" | "first", "5" | "last", ..]),
    },
    Step {
        key: "growth",
        command: "growth",
        accepts: |w| matches!(w.first(), Some(&"growth")),
    },
];

/// The tour's session with the directory holding the server's source
/// (removed when the tour is dropped).
pub struct Tour {
    /// The session on the bundled snapshots.
    pub session: Session,
    dir: Option<PathBuf>,
}

impl Drop for Tour {
    fn drop(&mut self) {
        if let Some(d) = &self.dir {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

/// A fresh directory for the source under the temporary directory, made
/// with `create_dir` (never an existing one).
fn source_dir() -> Option<PathBuf> {
    let base = std::env::temp_dir();
    for n in 0..100 {
        let d = base.join(format!("rpprof-tour-{}-{n}", std::process::id()));
        if std::fs::create_dir(&d).is_ok() {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(d.join("main.go"));
            return match f.and_then(|mut f| f.write_all(MAIN_GO)) {
                Ok(()) => Some(d),
                Err(_) => {
                    let _ = std::fs::remove_dir_all(&d);
                    None
                }
            };
        }
    }
    None
}

impl Tour {
    /// Loads the bundled snapshots into a series session with options
    /// `cfg` (the language, colour and terminal settings come from the
    /// caller); `list` finds the source when a temporary directory can be
    /// written.
    pub fn new(mut cfg: Config) -> Result<Tour> {
        let mut loaded = Vec::with_capacity(SNAPSHOTS.len());
        for (name, data) in SNAPSHOTS {
            let p = crate::source::parse(data.to_vec())?;
            loaded.push((name.to_string(), crate::source::fetch::single(p)?));
        }
        let series = crate::model::series::order(loaded)?;
        let dir = source_dir();
        if let Some(d) = &dir {
            cfg.put("source_path", d.to_string_lossy().into_owned());
            cfg.put("trim_path", BUILD_DIR);
        }
        let mut session = Session::series(series, cfg);
        session.teaching = true;
        Ok(Tour { session, dir })
    }
}

/// How a tour ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    /// Every step was done (or skipped).
    Finished,
    /// `quit`, or the end of input.
    Quit,
}

/// The options a tour started from the shell keeps: the language
/// (everything else is the tour's own).
fn carried(s: &Session) -> Config {
    let mut cfg = Config::default();
    cfg.put("lang", s.cfg.get("lang"));
    cfg
}

/// Runs the tour from the shell's `tour` command on its own session, then
/// comes back to `s`.
pub fn from_shell(
    s: &mut Session,
    lines: &mut dyn LineSource,
    out: &mut dyn Write,
    err: &mut dyn Write,
) {
    let mut tour = match Tour::new(carried(s)) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "tour: {e}");
            return;
        }
    };
    like(&mut tour.session, s);
    lines.complete_for(&tour.session);
    run(&mut tour.session, lines, out, err);
    lines.complete_for(s);
    let back = s.lang().text("tour.back");
    print(out, &tour.session, back);
}

/// Gives the tour's session the terminal settings of `s`.
pub fn like(t: &mut Session, s: &Session) {
    t.color = s.color;
    t.stdout_tty = s.stdout_tty;
    t.stdin_tty = s.stdin_tty;
    t.stderr_tty = s.stderr_tty;
    t.ascii = s.ascii;
}

/// Prose on stdout, wrapped to the terminal.
fn print(out: &mut dyn Write, s: &Session, text: &str) {
    let width = Layout::detect(s.stdout_tty, s.ascii).width;
    let text = crate::render::color::for_stream(text, s.stdout_tty);
    for l in lang::wrap(&text, width) {
        let _ = writeln!(out, "{l}");
    }
    let _ = out.flush();
}

fn step_text(lang: Lang, n: usize, step: &Step) -> String {
    let (num, count) = ((n + 1).to_string(), STEPS.len().to_string());
    let q = lang.text(&format!("tour.{}.question", step.key));
    let h = lang.text(&format!("tour.{}.hypothesis", step.key));
    let why = lang.text(&format!("tour.{}.why", step.key));
    let head = lang.say(
        "tour.step",
        &[("n", &num), ("count", &count), ("question", q)],
    );
    let ty = lang.say("tour.type", &[("command", step.command), ("why", why)]);
    format!("\n{head}\n{h}\n{ty}")
}

/// Runs the steps on the tour's session `s`, reading answers from `lines`.
pub fn run(
    s: &mut Session,
    lines: &mut dyn LineSource,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Ending {
    print(out, s, s.lang().text("tour.intro"));
    let mut n = 0;
    let mut shown = None;
    while n < STEPS.len() {
        let step = &STEPS[n];
        if shown != Some(n) {
            print(out, s, &step_text(s.lang(), n, step));
            shown = Some(n);
        }
        let prompt = format!("(tour {}/{}) ", n + 1, STEPS.len());
        let Some(line) = lines.read(&prompt, "", out, err) else {
            let _ = writeln!(out);
            return Ending::Quit;
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] => continue,
            ["quit" | "exit" | "q"] => return Ending::Quit,
            ["skip"] => {
                n += 1;
                continue;
            }
            ["back"] => {
                n = n.saturating_sub(1);
                shown = None;
                continue;
            }
            ["help"] => {
                print(out, s, s.lang().text("tour.controls"));
                continue;
            }
            _ => {}
        }
        let accepted = (step.accepts)(&words);
        if s.execute(&line, out, err) == Flow::Quit {
            return Ending::Quit;
        }
        if !accepted {
            let why = s.lang().text(&format!("tour.{}.why", step.key));
            let hint = s
                .lang()
                .say("tour.hint", &[("command", step.command), ("why", why)]);
            let _ = writeln!(out);
            print(out, s, &hint);
            continue;
        }
        let _ = writeln!(out);
        if let Err(e) = lesson(s, step, out) {
            let _ = writeln!(err, "{e}");
        }
        n += 1;
    }
    print(out, s, &format!("\n{}", s.lang().text("tour.done")));
    Ending::Finished
}

/// After an accepted step: the explanation of the report it made (with
/// its numbers) and the step's lesson.
fn lesson(s: &mut Session, step: &Step, out: &mut dyn Write) -> Result<()> {
    let lang = s.lang();
    if step.key == "alloc" {
        // A setting makes no report: compare the two totals, then switch
        // back for the steps that follow.
        let totals = s.engine.sample_totals(s.current);
        let total = |name: &str| {
            totals
                .iter()
                .find(|t| t.0 == name)
                .map(|t| (t.1, crate::render::units::label(t.1, &t.2)))
                .unwrap_or((0, "0".into()))
        };
        let ((alloc, alloc_s), (inuse, inuse_s)) = (total("alloc_space"), total("inuse_space"));
        let share = crate::render::units::percentage(inuse, alloc)
            .trim()
            .to_string();
        let text = lang.say(
            "tour.alloc.lesson",
            &[("alloc", &alloc_s), ("inuse", &inuse_s), ("share", &share)],
        );
        print(out, s, &text);
        let types = s.sample_types.clone();
        s.cfg
            .set("sample_index", "inuse_space", false, &types)
            .map_err(|e| Error::Usage(format!("tour: {e}")))?;
        return Ok(());
    }
    s.explain(out)?;
    let _ = writeln!(out);
    print(out, s, lang.text(&format!("tour.{}.lesson", step.key)));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_accept_the_equivalent_forms() {
        let ok = |k: usize, line: &str| {
            let w: Vec<&str> = line.split_whitespace().collect();
            (STEPS[k].accepts)(&w)
        };
        for line in ["top", "top10", "top 10", "text", "text 5"] {
            assert!(ok(0, line), "{line}");
        }
        for line in ["top -cum", "top 5 -cum", "top10 -cum"] {
            assert!(ok(1, line), "{line}");
        }
        assert!(!ok(0, "top -cum"));
        assert!(!ok(0, "tops"));
        assert!(!ok(0, "peek top"));
        for line in [
            r"list RequestTracker\)\.Track",
            "list Track",
            r"list main\.\(\*Req",
        ] {
            assert!(ok(2, line), "{line}");
        }
        assert!(!ok(2, "list (*RequestTracker).Track"), "an invalid regexp");
        assert!(!ok(2, "list handler"));
        assert!(ok(3, "peek Repeat") && ok(3, r"peek bytes\.Repeat"));
        assert!(ok(4, "alloc_space") && ok(4, "sample_index=alloc_space"));
        assert!(ok(5, "diff 1 5") && ok(5, "diff first last") && !ok(5, "diff 2 5"));
        assert!(ok(6, "growth") && ok(6, "growth 5"));
        // Every step's own command is accepted.
        for (k, step) in STEPS.iter().enumerate() {
            assert!(ok(k, step.command), "{}", step.command);
        }
    }

    #[test]
    fn every_step_has_its_texts() {
        for lang in [Lang::En, Lang::Zh] {
            for step in STEPS {
                for part in ["question", "hypothesis", "why", "lesson"] {
                    let t = lang.text(&format!("tour.{}.{part}", step.key));
                    assert!(!t.is_empty(), "{lang:?} {} {part}", step.key);
                }
            }
        }
    }
}
