//! The interactive session: one loaded profile, the option values, and the
//! processing of one input line (pprof's `interactive.go`): shortcuts,
//! assignments, `o`, `help`, `quit`, and report commands with their
//! arguments applied to a copy of the options.
//!
//! I/O is through `Write` handles; the line source (pipe or terminal) lives
//! in `shell::mod` and `shell::terminal`.

use super::grammar::{self, Arg};
use crate::commands::{self, BUILTINS, BuiltinAction, COMMANDS, Format, builtin};
use crate::config::{Config, GROUPS, OPTIONS, choice, option};
use crate::engine::{Engine, Request};
use crate::help;
use crate::model::Profile;
use crate::model::base::BaseMode;
use crate::output::{self, Target};
use crate::render::color::for_stream;
use crate::render::explain::{self, Situation};
use crate::render::lang::Lang;
use crate::render::text::Layout;
use crate::report::Report;
use crate::request::{Caller, ReportOptions};
use crate::source::fetch::Fetched;
use crate::store::ProfileId;
use crate::viewer;
use crate::{Error, Result};
use std::io::Write;

/// Whether the loop goes on.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    /// Read the next line.
    Continue,
    /// End the session.
    Quit,
    /// Run the guided tour, then come back.
    Tour,
    /// Open the full-screen viewer on the last report (`view`).
    View,
}

/// The engine with the session's profile, and the session's options.
pub struct Session {
    /// The store and the aggregate cache.
    pub engine: Engine,
    /// The profile commands run on.
    pub current: ProfileId,
    /// The option values.
    pub cfg: Config,
    /// The profile's sample type names (for `sample_index` and shortcuts).
    pub sample_types: Vec<String>,
    /// Colour report output (terminal only).
    pub color: bool,
    /// True when stdout is a terminal.
    pub stdout_tty: bool,
    /// True when stdin is a terminal (`view` needs both).
    pub stdin_tty: bool,
    /// True when stderr is a terminal: messages that quote profile strings
    /// (sample types, names) are sanitized.
    pub stderr_tty: bool,
    /// Sources and base kept apart, to rebuild the profile when `normalize`
    /// changes (rpprof's improvement: pprof reads it only at load time).
    pub sources: Option<Sources>,
    /// The last report shown (for `explain` and the front ends).
    pub last: Option<Report>,
    /// The snapshots of a series, oldest first (empty for one profile).
    pub snapshots: Vec<ProfileId>,
    /// ASCII sparklines even on a UTF-8 terminal (`--ascii`).
    pub ascii: bool,
    /// How the session's profile was combined with a base (`-base`,
    /// `-diff_base`), if it was.
    pub base_mode: Option<BaseMode>,
    /// A line to offer, already typed, at the next prompt (the escaped
    /// form of a regexp that failed).
    pub offer: Option<String>,
    /// Hints after stumbles even when piped (the tour).
    pub teaching: bool,
    /// A hint to print after the error being reported.
    hint: Option<String>,
    /// True when the last line was refused (an error other than Ctrl-C):
    /// the terminal keeps it out of the history.
    pub rejected: bool,
    /// True once the meaning of negative values has been hinted.
    told_negative: bool,
    /// Set by `view` on a terminal: the shell opens the viewer on
    /// [`Session::last`].
    open_view: bool,
    /// The base mode of the last report (`diff A B` sets its own).
    last_diff: Option<BaseMode>,
    /// Profiles made by `diff A B`, reused when asked again.
    diffs: Vec<((ProfileId, ProfileId, BaseMode, bool), ProfileId)>,
}

/// What a `normalize` change rebuilds the profile from.
pub struct Sources {
    /// The merged sources and base, kept apart.
    pub fetched: Fetched,
    /// The `-add_comment` text.
    pub comment: String,
}

impl Session {
    /// A session on `profile` (loaded from `name`) starting with `cfg`
    /// (compact headers on).
    pub fn new(profile: Profile, mut cfg: Config) -> Session {
        cfg.put("compact_labels", "true");
        let sample_types = profile.sample_type_names();
        let mut engine = Engine::new();
        let current = engine.add("", profile);
        Session {
            engine,
            current,
            cfg,
            sample_types,
            color: false,
            stdout_tty: false,
            stdin_tty: false,
            stderr_tty: false,
            sources: None,
            last: None,
            snapshots: Vec::new(),
            ascii: false,
            base_mode: None,
            offer: None,
            teaching: false,
            hint: None,
            rejected: false,
            told_negative: false,
            open_view: false,
            last_diff: None,
            diffs: Vec::new(),
        }
    }

    /// A session on a snapshot series (ordered, at least two; see
    /// `model::series::order`); commands run on the newest snapshot.
    pub fn series(snapshots: Vec<(String, Profile)>, cfg: Config) -> Session {
        let mut s = Session::new(Profile::default(), cfg);
        s.engine = Engine::new();
        if let Some((_, p)) = snapshots.first() {
            s.sample_types = p.sample_type_names();
        }
        s.snapshots = s.engine.add_series(snapshots);
        s.current = *s.snapshots.last().expect("a series has snapshots");
        s
    }

    /// The current snapshot's position in the series.
    fn position(&self) -> usize {
        self.snapshots
            .iter()
            .position(|&id| id == self.current)
            .unwrap_or(0)
    }

    /// Snapshot `word` of the series (`1`…`n`, `first`, `last`).
    fn snapshot(&self, command: &str, word: &str) -> Result<ProfileId> {
        let n = self.snapshots.len();
        if n == 0 {
            return Err(Error::Usage(format!(
                "{command} needs a snapshot series: start rpprof with -series and two or more profiles"
            )));
        }
        let k = match word {
            "first" => 1,
            "last" => n,
            w => w.parse::<usize>().map_err(|_| {
                Error::Usage(format!(
                    "{command}: bad snapshot {w:?}: use a number from 1 to {n}, first or last"
                ))
            })?,
        };
        if k == 0 || k > n {
            return Err(Error::Usage(format!(
                "{command}: no snapshot {k}: the series has {n} (1-{n})"
            )));
        }
        Ok(self.snapshots[k - 1])
    }

    /// `use K`.
    fn use_snapshot(&mut self, words: &[&str]) -> Result<()> {
        let [_, k] = words else {
            return Err(Error::Usage(
                "usage: use K (a snapshot number, first or last)".into(),
            ));
        };
        self.current = self.snapshot("use", k)?;
        Ok(())
    }

    /// `diff A B [-diff] [command …]`: the command (default `top`) on
    /// snapshot B with snapshot A as its `-base` (`-diff`: `-diff_base`).
    fn diff(&mut self, words: &[&str], out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
        let (Some(a), Some(b)) = (words.get(1), words.get(2)) else {
            return Err(Error::Usage(
                "usage: diff A B [-diff] [command] (snapshot numbers)".into(),
            ));
        };
        let (a, b) = (self.snapshot("diff", a)?, self.snapshot("diff", b)?);
        let mut rest = &words[3..];
        let mode = if rest.first() == Some(&"-diff") {
            rest = &rest[1..];
            BaseMode::Diff
        } else {
            BaseMode::Subtract
        };
        let normalize = self.cfg.bool("normalize");
        let key = (a, b, mode, normalize);
        let id = match self.diffs.iter().find(|(k, _)| *k == key) {
            Some(&(_, id)) => id,
            None => {
                let id = self.engine.derive_diff(a, b, mode, normalize)?;
                self.diffs.push((key, id));
                id
            }
        };
        let line: Vec<&str> = if rest.is_empty() {
            vec!["top"]
        } else {
            rest.to_vec()
        };
        self.command(&line, Some((id, mode)), out, err)
    }

    /// The current profile.
    pub fn profile(&self) -> &Profile {
        &self
            .engine
            .store()
            .get(self.current)
            .expect("the current profile is stored")
            .profile
    }

    /// Rebuilds the profile for the current `normalize` value (the old
    /// one's aggregates are dropped).
    fn renormalize(&mut self) -> Result<()> {
        let normalize = self.cfg.bool("normalize");
        match &self.sources {
            Some(s) => {
                let p = s.fetched.build(normalize, &s.comment)?;
                self.current = self.engine.replace(self.current, p)?;
                Ok(())
            }
            None if normalize => Err(Error::Usage(
                "must have base profile to normalize by".into(),
            )),
            None => Ok(()),
        }
    }

    /// The greeting lines (stderr).
    pub fn greeting(&self) -> Vec<String> {
        let top = commands::command("top").expect("top is a command");
        match ReportOptions::new(&self.cfg, top, Caller::Shell) {
            Ok(o) => {
                let mut lines = self.series_line().into_iter().collect::<Vec<_>>();
                lines.extend(self.engine.greeting(self.current, &o));
                lines
            }
            Err(_) => vec![
                "Entering interactive mode (type \"help\" for commands, \"o\" for options)".into(),
            ],
        }
    }

    /// The greeting's line about a series: how many snapshots, their time
    /// span, and which one commands run on.
    fn series_line(&self) -> Option<String> {
        let store = self.engine.store();
        let first = store.get(*self.snapshots.first()?)?;
        let last = store.get(*self.snapshots.last()?)?;
        let n = self.snapshots.len();
        let (t0, t1) = (first.time_nanos(), last.time_nanos());
        let span = if t0 != 0 && t1 != 0 {
            format!(
                ", {} to {} ({})",
                crate::render::time::header_time(t0),
                crate::render::time::header_time(t1),
                crate::render::units::label(t1 - t0, "nanoseconds")
            )
        } else {
            String::new()
        };
        Some(format!(
            "Series of {n} snapshots{span}; commands run on #{n}, the newest (see \"snapshots\", \"use\", \"diff\", \"growth\")"
        ))
    }

    /// Expands a shortcut line into the lines it stands for.
    fn shortcut(&self, input: &str) -> Option<Vec<String>> {
        if input == ":" {
            return Some(
                ["focus=", "ignore=", "hide=", "tagfocus=", "tagignore="]
                    .map(String::from)
                    .to_vec(),
            );
        }
        for t in &self.sample_types {
            if input == t {
                return Some(vec![format!("sample_index={t}")]);
            }
            if input == format!("total_{t}") {
                return Some(vec!["mean=0".into(), format!("sample_index={t}")]);
            }
            if input == format!("mean_{t}") {
                return Some(vec!["mean=1".into(), format!("sample_index={t}")]);
            }
        }
        None
    }

    /// Processes one input line.
    pub fn execute(&mut self, line: &str, out: &mut dyn Write, err: &mut dyn Write) -> Flow {
        let started = std::time::Instant::now();
        let flow = self.execute_line(line, out, err);
        // RPPROF_TIME=1 reports how long each line took (for benchmarks).
        if std::env::var_os("RPPROF_TIME").is_some_and(|v| v == "1") {
            let _ = writeln!(
                err,
                "rpprof: {:?} took {:.3}s",
                line.trim(),
                started.elapsed().as_secs_f64()
            );
        }
        flow
    }

    fn execute_line(&mut self, line: &str, out: &mut dyn Write, err: &mut dyn Write) -> Flow {
        let input = line.trim();
        self.hint = None;
        self.rejected = false;
        let lines = self
            .shortcut(input)
            .unwrap_or_else(|| vec![input.to_string()]);
        for l in lines {
            match self.execute_one(&l, out, err) {
                Ok(Flow::Quit) | Err(Error::BrokenPipe) => return Flow::Quit,
                Ok(Flow::Tour) => return Flow::Tour,
                Ok(Flow::View) => return Flow::View,
                Ok(Flow::Continue) if std::mem::take(&mut self.open_view) => return Flow::View,
                Ok(Flow::Continue) => {}
                Err(e) => {
                    self.rejected |= !matches!(e, Error::Cancelled);
                    self.error(err, &e);
                    if let Some(h) = self.hint.take() {
                        self.say_hint(err, &h);
                    }
                }
            }
        }
        Flow::Continue
    }

    /// True when stumbles get a hint: on a terminal, in the tour, or when
    /// explanations were asked for (piped transcripts stay pprof's
    /// otherwise).
    fn hints(&self) -> bool {
        self.stderr_tty || self.teaching || self.cfg.bool("explain")
    }

    /// True when `help` and `o` list rpprof's own commands and options: in
    /// a series session or on a terminal (piped, they print pprof's text).
    fn extras(&self) -> bool {
        self.stderr_tty || !self.snapshots.is_empty()
    }

    /// The teaching language.
    pub fn lang(&self) -> Lang {
        Lang::resolve(self.cfg.get("lang"))
    }

    /// Prints a one-line hint on stderr (dimmed with colour).
    fn say_hint(&self, err: &mut dyn Write, hint: &str) {
        let hint = for_stream(hint, self.stderr_tty);
        if self.color {
            let _ = writeln!(err, "\x1b[2m{hint}\x1b[0m");
        } else {
            let _ = writeln!(err, "{hint}");
        }
    }

    /// When `pattern` (the regexp typed for `what`) does not compile and
    /// its escaped form matches some function, prepares the hint naming
    /// that form (and offers the corrected line, `line_with`, at the next
    /// prompt).
    fn literal_hint(&mut self, pattern: &str, line_with: impl Fn(&str) -> String) {
        let compiles = crate::filter::regexp::compile_for("", pattern).is_ok();
        if pattern.is_empty() || compiles || !self.hints() {
            return;
        }
        let line = line_with(&crate::filter::regexp::literal(pattern));
        let p = self.profile();
        let matches = p.functions.iter().any(|f| p.str(f.name).contains(pattern));
        // On a terminal the corrected line waits at the next prompt.
        let key = if matches && self.stderr_tty {
            self.offer = Some(line.clone());
            "hint.literal_offer"
        } else {
            "hint.literal"
        };
        self.hint = Some(self.lang().say(key, &[("line", &line)]));
    }

    /// On a terminal only, prepares `did you mean "LINE"?` for after the
    /// error (piped transcripts stay pprof's).
    fn did_you_mean(&mut self, line: &str) {
        if self.stderr_tty {
            let quoted = format!("{line:?}");
            self.hint = Some(self.lang().say("hint.did_you_mean", &[("line", &quoted)]));
        }
    }

    /// The `did you mean` for an unknown command word `name` (`topp`, or
    /// `nodecont=` of `nodecont=5`) followed by `rest`: the line with the
    /// nearest command or option name.
    fn suggest_command(&mut self, name: &str, rest: &[&str]) {
        let (word, setting) = match name.strip_suffix('=') {
            Some(n) => (n, true),
            None => (name, false),
        };
        let names: Vec<String> = if setting {
            OPTIONS
                .iter()
                .map(|o| o.name)
                .chain(GROUPS.iter().map(|g| g.name))
                .map(String::from)
                .collect()
        } else {
            command_words(&self.sample_types)
                .into_iter()
                .filter(|w| !w.ends_with('='))
                .collect()
        };
        let Some(near) = nearest(word, &names) else {
            return;
        };
        let eq = if setting { "=" } else { "" };
        let tail = rest.join(" ");
        let sep = if setting || tail.is_empty() { "" } else { " " };
        self.did_you_mean(&format!("{near}{eq}{sep}{tail}"));
    }

    /// After a report: the hints pprof does not give (an empty sample
    /// type while another holds data; negative values under a base).
    fn report_hints(&mut self, report: &crate::report::Report, err: &mut dyn Write) {
        if !self.hints() {
            return;
        }
        if report.total == 0 && self.last_diff.is_none() {
            let other = self
                .engine
                .sample_totals(self.current)
                .into_iter()
                .find(|(name, total, _)| *total != 0 && *name != report.sample_type);
            if let Some((name, total, unit)) = other {
                let total = crate::render::units::label(total, &unit);
                let h = self.lang().say(
                    "hint.empty",
                    &[
                        ("type", &report.sample_type),
                        ("other", &name),
                        ("total", &total),
                    ],
                );
                self.say_hint(err, &h);
            }
        }
        if let Some(file) = unread_source(report)
            && self.stderr_tty
        {
            let h = self.lang().say("hint.source", &[("file", file)]);
            self.say_hint(err, &h);
        }
        if self.last_diff.is_some() && !self.told_negative && has_negative(report) {
            self.told_negative = true;
            let h = self.lang().text("hint.negative");
            self.say_hint(err, h);
        }
    }

    fn error(&self, err: &mut dyn Write, e: &Error) {
        let msg = e.to_string();
        let msg = for_stream(&msg, self.stderr_tty);
        let _ = writeln!(
            err,
            "{}",
            crate::render::color::error_line(&msg, self.color)
        );
    }

    fn execute_one(
        &mut self,
        line: &str,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<Flow> {
        let a = grammar::assignment(line);
        // `explain` alone is the command; `explain=true` the option.
        let command_word = a.value.is_none() && builtin(a.name).is_some();
        let is_setting = !command_word
            && (option(a.name).is_some()
                || GROUPS.iter().any(|g| g.name == a.name)
                || choice(a.name).is_some());
        if is_setting {
            if let (Some(spec), Some(v)) = (option(a.name), a.value)
                && spec.kind == crate::config::Kind::Regex
            {
                let name = a.name.to_string();
                self.literal_hint(v, |lit| format!("{name}={lit}"));
            }
            let before = self.cfg.get("normalize").to_string();
            let set = self.cfg.set(
                a.name,
                a.value.unwrap_or(""),
                a.value.is_none(),
                &self.sample_types,
            );
            if set.is_err()
                && let Some(v) = a.value
            {
                let values = option_values(a.name, &self.sample_types);
                if let Some(near) = nearest(v, &values) {
                    self.did_you_mean(&format!("{}={near}", a.name));
                }
            }
            set?;
            if a.name == "normalize"
                && self.cfg.get("normalize") != before
                && let Err(e) = self.renormalize()
            {
                self.cfg.put("normalize", before);
                return Err(e);
            }
            return Ok(Flow::Continue);
        }
        let words = grammar::words(line);
        let Some(&first) = words.first() else {
            return Ok(Flow::Continue);
        };
        if let Some(b) = builtin(first) {
            match b.action {
                BuiltinAction::Options => {
                    for l in self.cfg.listing(&self.sample_types, self.extras()) {
                        let _ = writeln!(err, "{}", for_stream(&l, self.stderr_tty));
                    }
                }
                BuiltinAction::Quit => return Ok(Flow::Quit),
                BuiltinAction::Use => self.use_snapshot(&words)?,
                BuiltinAction::Diff => self.diff(&words, out, err)?,
                BuiltinAction::Explain => self.explain(out)?,
                BuiltinAction::Tour => return Ok(Flow::Tour),
                BuiltinAction::Help => {
                    let text = if words.len() == 1 {
                        help::overview(self.extras())
                    } else {
                        help::topic(&words[1..].join(" "), &self.sample_types)?
                    };
                    let text = for_stream(&text, self.stderr_tty);
                    let _ = writeln!(err, "{}", text.trim_end_matches('\n'));
                    if text.ends_with('\n') {
                        let _ = writeln!(err);
                    }
                }
            }
            return Ok(Flow::Continue);
        }
        self.command(&words, None, out, err)?;
        Ok(Flow::Continue)
    }

    /// What `explain` needs besides the last report.
    fn situation(&self) -> Situation {
        Situation {
            lang: self.lang(),
            sample_types: explain::alternatives(self.engine.sample_totals(self.current)),
            diff: self.last_diff,
            snapshots: self.snapshots.len(),
        }
    }

    /// Prints the explanation of the last report on `out` (wrapped to the
    /// terminal, dimmed with colour).
    pub fn explain(&self, out: &mut dyn Write) -> Result<()> {
        let s = self.situation();
        let paragraphs = match &self.last {
            Some(r) => explain::explain(r, &s),
            None => explain::nothing(s.lang),
        };
        let width = Layout::detect(self.stdout_tty, self.ascii).width;
        let text = explain::layout(&paragraphs, width, self.color);
        let text = for_stream(&text, self.stdout_tty);
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| Error::io("write", &e))
    }

    /// The plain text of `list RE` (or its error), for the viewer: run
    /// as in a pipe, leaving the last report and the offered line as they
    /// were.
    pub fn list_text(&mut self, re: &str) -> String {
        let saved = (
            self.last.take(),
            self.color,
            self.stdout_tty,
            self.stderr_tty,
        );
        (self.color, self.stdout_tty, self.stderr_tty) = (false, false, false);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        self.execute(&format!("list {re}"), &mut out, &mut err);
        (self.last, self.color, self.stdout_tty, self.stderr_tty) = saved;
        self.offer = None;
        out.extend(err);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Parses and runs a report command line, on profile `on` (made by
    /// `diff` with a base mode) or (for `None`) on the session's profile or
    /// series.
    fn command(
        &mut self,
        words: &[&str],
        on: Option<(ProfileId, BaseMode)>,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<()> {
        let mut name = words[0];
        let mut rest: Vec<&str> = words[1..].to_vec();
        if commands::command(name).is_none()
            && let Some((n, digits)) = grammar::split_digits(name)
        {
            name = n;
            rest.insert(0, digits);
        }
        let Some(spec) = commands::command(name) else {
            let known = OPTIONS.iter().any(|o| o.name == name) || choice(name).is_some();
            if known {
                let v = rest.first().copied().unwrap_or("<val>");
                return Err(Error::Usage(format!("did you mean: {name}={v}")));
            }
            self.suggest_command(name, &rest);
            return Err(Error::Usage(format!("unrecognized command: {name:?}")));
        };
        let mut argument = None;
        let optional = spec.argument == commands::Argument::Optional
            && rest.first().is_some_and(|w| !w.starts_with(['-', '>']));
        if spec.argument == commands::Argument::Required || optional {
            if rest.is_empty() {
                return Err(Error::Usage(format!("command {name} requires an argument")));
            }
            let re = rest.remove(0).to_string();
            let tail = rest.join(" ");
            self.literal_hint(&re, |lit| {
                format!("{name} {lit} {tail}").trim_end().to_string()
            });
            argument = Some(re);
        }
        let mut cfg = self.cfg.clone();
        let (mut focus, mut ignore) = (Vec::new(), Vec::new());
        let mut output = String::new();
        for arg in grammar::args(&rest)? {
            match arg {
                Arg::Count(n) => cfg.put("nodecount", n.to_string()),
                Arg::Output(f) => output = f.to_string(),
                Arg::Cum => cfg.put_choice("cum"),
                Arg::Depth(word) if matches!(spec.format, Format::Flame | Format::FlameGraph) => {
                    cfg.put("depth", word.split_once('=').map_or("", |(_, n)| n))
                }
                Arg::Depth(word) => ignore.push(word),
                Arg::Ignore(re) => ignore.push(re),
                Arg::Focus(re) => focus.push(re),
            }
        }
        let (fk, ik) = if name == "tags" {
            ("tagfocus", "tagignore")
        } else {
            ("focus", "ignore")
        };
        if !focus.is_empty() {
            cfg.put(fk, focus.join("|"));
        }
        if !ignore.is_empty() {
            cfg.put(ik, ignore.join("|"));
        }
        if output.is_empty() {
            output = cfg.get("output").to_string();
        }
        let mut spec = spec;
        if spec.output == commands::Output::Screen {
            let why = if output.is_empty() {
                viewer::unavailable(self.stdin_tty, self.stdout_tty)
            } else {
                Some("output goes to a file")
            };
            match why {
                None => self.open_view = true,
                Some(why) => {
                    if output.is_empty() {
                        let _ = writeln!(err, "{name}: {why}: printing the flame graph instead");
                    }
                    spec = viewer::fallback();
                }
            }
        }
        let req = Request {
            command: spec,
            argument,
            options: ReportOptions::new(&cfg, spec, Caller::Shell)?,
        };
        let answer = match on {
            Some((id, _)) => self.engine.report(id, &req),
            None if !self.snapshots.is_empty() => {
                self.engine.series(&self.snapshots, self.position(), &req)
            }
            None => self.engine.report(self.current, &req),
        };
        let target = Target {
            output: &output,
            interactive: true,
            stdout_tty: self.stdout_tty,
            stderr_tty: self.stderr_tty,
            layout: Layout::detect(self.stdout_tty, self.ascii),
        };
        self.last = None;
        self.last_diff = on.map(|(_, mode)| mode).or(self.base_mode);
        if self.open_view {
            output::messages(&answer, &target, err);
            self.open_view = answer.result.is_ok();
            self.last = Some(answer.result?);
            return Ok(());
        }
        let report = output::show(answer, spec, &target, self.color, out, err)?;
        self.report_hints(&report, err);
        self.last = Some(report);
        if cfg.bool("explain") {
            if target.output.is_empty() && spec.output == commands::Output::Text {
                writeln!(out).map_err(|e| Error::io("write", &e))?;
            }
            self.explain(out)?;
        }
        Ok(())
    }
}

/// The first source file a `list` could not read.
fn unread_source(report: &crate::report::Report) -> Option<&str> {
    let crate::report::Body::List(l) = &report.body else {
        return None;
    };
    l.functions.iter().find_map(|f| match f {
        crate::report::list::Listed::Routine(r) if r.source.is_err() => Some(r.file.as_str()),
        _ => None,
    })
}

/// True when a row of `report` holds a negative value.
fn has_negative(report: &crate::report::Report) -> bool {
    use crate::report::Body;
    match &report.body {
        Body::Top(t) => t.rows.iter().any(|r| r.flat < 0 || r.cum < 0),
        Body::Tree(t) => t.entries.iter().any(|e| e.flat < 0 || e.cum < 0),
        Body::List(l) => l.functions.iter().any(|f| match f {
            crate::report::list::Listed::Routine(r) => r.flat < 0 || r.cum < 0,
            crate::report::list::Listed::NoSource(_) => false,
        }),
        Body::Traces(t) => t.traces.iter().any(|x| x.value < 0),
        _ => false,
    }
}

/// The values option `name` takes, where they are few (completion and
/// `did you mean`): a group's choices, `true`/`false`, the sample types,
/// the units.
pub fn option_values(name: &str, sample_types: &[String]) -> Vec<String> {
    if let Some(g) = GROUPS.iter().find(|g| g.name == name) {
        return g.choices.iter().map(|c| c.name.to_string()).collect();
    }
    match option(name).map(|o| o.kind) {
        Some(crate::config::Kind::Bool) => vec!["true".into(), "false".into()],
        Some(crate::config::Kind::SampleIndex) => sample_types.to_vec(),
        Some(crate::config::Kind::Unit) => crate::render::units::unit_names()
            .into_iter()
            .map(String::from)
            .collect(),
        _ => Vec::new(),
    }
}

/// The candidate closest to `typed` by edit distance (a swap of two
/// neighbours counts as one edit), when it is close enough to be a typo:
/// at most one edit per three characters typed, at least one. Ties go to
/// the earlier candidate.
pub fn nearest<'a>(typed: &str, candidates: &'a [String]) -> Option<&'a str> {
    let t: Vec<char> = typed.chars().collect();
    let limit = (t.len() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(&t, &c.chars().collect::<Vec<_>>());
        if d > 0 && d <= limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Edit distance with adjacent transpositions (optimal string alignment).
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let w = b.len() + 1;
    let mut d: Vec<usize> = vec![0; (a.len() + 1) * w];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * w + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[(i - 1) * w + j] + 1)
                    .min(d[i * w + j - 1] + 1)
                    .min(d[(i - 1) * w + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[(i - 2) * w + j - 2] + 1);
                }
                v
            };
        }
    }
    d[a.len() * w + b.len()]
}

/// Every word the shell understands at the start of a line (completion).
pub fn command_words(sample_types: &[String]) -> Vec<String> {
    let mut v: Vec<String> = COMMANDS.iter().map(|c| c.name.to_string()).collect();
    v.extend(
        BUILTINS
            .iter()
            .flat_map(|b| b.names.iter().map(|n| n.to_string())),
    );
    v.extend(OPTIONS.iter().map(|o| format!("{}=", o.name)));
    v.extend(GROUPS.iter().map(|g| format!("{}=", g.name)));
    v.extend(
        GROUPS
            .iter()
            .flat_map(|g| g.choices.iter().map(|c| c.name.to_string())),
    );
    for t in sample_types {
        v.push(t.clone());
        v.push(format!("mean_{t}"));
        v.push(format!("total_{t}"));
    }
    v.sort();
    v.dedup();
    v
}
