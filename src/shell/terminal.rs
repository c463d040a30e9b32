//! The terminal line source: rustyline with persistent history, tab
//! completion (commands, option names, option values, function names for
//! regexp arguments), history hints (of lines that ran), Ctrl-C to clear
//! the line or cancel the running command, and Ctrl-D to leave. rustyline appears only in this file.
//!
//! Profile strings are untrusted: a candidate is displayed sanitized, a
//! function name is inserted as a regexp with its control characters
//! written as `\x{..}`, and names that must be typed literally (sample
//! types) are offered only when printable.

use super::LineSource;
use super::session::{Session, command_words, option_values};
use crate::config::{Kind, option};
use crate::filter::regexp::literal;
use crate::render::color::sanitize;
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{ColorMode, CompletionType, Config as RlConfig, Context, Editor, Helper};
use std::borrow::Cow;
use std::io::Write;
use std::path::PathBuf;

/// Completion data drawn from the loaded profile.
pub struct ShellHelper {
    words: Vec<String>,
    sample_types: Vec<String>,
    /// Function names with the regexps that match them literally.
    functions: Vec<(String, String)>,
    hinter: HistoryHinter,
    color: bool,
}

impl ShellHelper {
    /// Builds the completion data for a session.
    pub fn new(s: &Session) -> ShellHelper {
        let p = s.profile();
        let mut functions: Vec<String> = p
            .functions
            .iter()
            .map(|f| p.str(f.name).to_string())
            .filter(|n| !n.is_empty())
            .collect();
        functions.sort();
        functions.dedup();
        let functions = functions
            .into_iter()
            .map(|f| {
                let re = literal(&f);
                (f, re)
            })
            .collect();
        let printable = |w: &String| !w.chars().any(char::is_control);
        ShellHelper {
            words: command_words(&s.sample_types)
                .into_iter()
                .filter(printable)
                .collect(),
            sample_types: s
                .sample_types
                .iter()
                .filter(|t| printable(t))
                .cloned()
                .collect(),
            functions,
            hinter: HistoryHinter::new(),
            color: s.color,
        }
    }

    /// Candidates for the word ending at `pos` in `line`: (start, pairs).
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<Pair>) {
        let head = &line[..pos];
        let start = head.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let word = &head[start..];
        let pair = |s: &str| Pair {
            display: s.to_string(),
            replacement: s.to_string(),
        };
        if let Some((name, partial)) = word.split_once('=') {
            let vstart = start + name.len() + 1;
            if option(name.trim()).is_some_and(|o| o.kind == Kind::Regex) {
                return (vstart, self.functions_matching(partial, ""));
            }
            let v: Vec<Pair> = option_values(name.trim(), &self.sample_types)
                .iter()
                .filter(|c| c.starts_with(partial))
                .map(|c| pair(c))
                .collect();
            return (vstart, v);
        }
        if start == 0 {
            return (
                0,
                self.words
                    .iter()
                    .filter(|w| w.starts_with(word))
                    .map(|w| pair(w))
                    .collect(),
            );
        }
        // A regexp argument: offer function names, escaped.
        match word.strip_prefix('-') {
            Some(rest) => (start, self.functions_matching(rest, "-")),
            None => (start, self.functions_matching(word, "")),
        }
    }

    /// Functions whose name, short name or escaped name starts with `typed`
    /// (so that completing again after a first, partial completion works),
    /// as regexps prefixed with `sign`.
    fn functions_matching(&self, typed: &str, sign: &str) -> Vec<Pair> {
        self.functions
            .iter()
            .filter(|(f, re)| {
                f.starts_with(typed) || short_name(f).starts_with(typed) || re.starts_with(typed)
            })
            .map(|(f, re)| Pair {
                display: sanitize(f).into_owned(),
                replacement: format!("{sign}{re}"),
            })
            .collect()
    }
}

/// The part of a function name after its package path and type.
fn short_name(f: &str) -> &str {
    let after_slash = f.rsplit('/').next().unwrap_or(f);
    after_slash.rsplit('.').next().unwrap_or(after_slash)
}

impl Completer for ShellHelper {
    type Candidate = Pair;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok(self.candidates(line, pos))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;
    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        self.hinter.hint(line, pos, ctx)
    }
}

impl Highlighter for ShellHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }
}

impl Validator for ShellHelper {}
impl Helper for ShellHelper {}

/// Where history is kept: `$RPPROF_HISTORY`, else the user's state
/// directory (`$XDG_STATE_HOME` or `~/.local/state`) under `rpprof/history`.
pub fn history_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("RPPROF_HISTORY") {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(base.join("rpprof").join("history"))
}

/// The terminal's line editor as a [`LineSource`]: a line that ran is
/// added to the history and saved (a file that cannot be written is worth
/// one warning), Ctrl-C at the prompt clears the line and during a command
/// cancels it, Ctrl-D ends the input.
pub struct TerminalLines {
    ed: Editor<ShellHelper, DefaultHistory>,
    history: Option<PathBuf>,
    warned: bool,
}

impl TerminalLines {
    /// A line editor completing from session `s`, with the saved history.
    pub fn new(s: &Session) -> crate::Result<TerminalLines> {
        let config = RlConfig::builder()
            .completion_type(CompletionType::List)
            .auto_add_history(false)
            .color_mode(if s.color {
                ColorMode::Forced
            } else {
                ColorMode::Disabled
            })
            .build();
        let mut ed: Editor<ShellHelper, DefaultHistory> = Editor::with_config(config)
            .map_err(|e| crate::Error::Usage(format!("terminal: {e}")))?;
        ed.set_helper(Some(ShellHelper::new(s)));
        let history = history_path();
        if let Some(h) = &history {
            let _ = ed.load_history(h);
        }
        Ok(TerminalLines {
            ed,
            history,
            warned: false,
        })
    }

    fn persist(&mut self, err: &mut dyn Write) {
        let Some(h) = &self.history else { return };
        if let Some(dir) = h.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Err(e) = self.ed.save_history(h)
            && !std::mem::replace(&mut self.warned, true)
        {
            let _ = writeln!(err, "saving history to {}: {e}", h.display());
        }
    }
}

impl LineSource for TerminalLines {
    fn read(
        &mut self,
        prompt: &str,
        initial: &str,
        _: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Option<String> {
        loop {
            let read = if initial.is_empty() {
                self.ed.readline(prompt)
            } else {
                self.ed.readline_with_initial(prompt, (initial, ""))
            };
            match read {
                Ok(line) => return Some(line),
                Err(ReadlineError::Interrupted) => continue,
                Err(ReadlineError::Eof) => return None,
                Err(e) => {
                    let _ = writeln!(err, "terminal: {e}");
                    return None;
                }
            }
        }
    }

    fn complete_for(&mut self, s: &Session) {
        self.ed.set_helper(Some(ShellHelper::new(s)));
    }

    fn cancellable(&self) -> bool {
        true
    }

    /// Only lines that ran go into the history, so its hints never offer
    /// a command that was refused.
    fn accepted(&mut self, line: &str, err: &mut dyn Write) {
        if line.trim().is_empty() {
            return;
        }
        let _ = self.ed.add_history_entry(line);
        self.persist(err);
    }
}

/// Runs the shell on a terminal, its messages on `err` (the program's
/// stderr, sanitized there when it is a terminal).
pub fn run(s: &mut Session, err: &mut dyn std::io::Write) -> crate::Result<()> {
    let mut lines = TerminalLines::new(s)?;
    super::run(s, &mut lines, &mut std::io::stdout(), err);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::model::StrId;
    use crate::model::{Function, Profile};
    use std::sync::Arc;

    fn helper() -> ShellHelper {
        let mut p = Profile {
            strings: vec!["".into(), "main.(*RequestTracker).Track".into()].into(),
            ..Default::default()
        };
        Arc::make_mut(&mut p.functions).push(Function {
            name: StrId(1),
            ..Default::default()
        });
        let mut s = Session::new(p, Config::default());
        s.sample_types = vec!["alloc_space".into(), "inuse_space".into()];
        ShellHelper::new(&s)
    }

    #[test]
    fn completes_commands_values_and_functions() {
        let h = helper();
        let (st, c) = h.candidates("sam", 3);
        assert_eq!(st, 0);
        assert!(c.iter().any(|p| p.replacement == "sample_index="));
        let (st, c) = h.candidates("sample_index=in", 15);
        assert_eq!(st, 13);
        assert_eq!(
            c.iter().map(|p| p.replacement.as_str()).collect::<Vec<_>>(),
            vec!["inuse_space"]
        );
        let (_, c) = h.candidates("list Tra", 8);
        assert_eq!(c[0].replacement, "main\\.\\(\\*RequestTracker\\)\\.Track");
        let (_, c) = h.candidates("granularity=li", 14);
        assert_eq!(c[0].replacement, "lines");
    }

    #[test]
    fn completes_again_after_an_escaped_prefix() {
        let h = helper();
        // What a first Tab inserts when several functions share a prefix.
        let line = "top -main\\.\\(\\*Req";
        let (st, c) = h.candidates(line, line.len());
        assert_eq!(st, 4);
        assert_eq!(c[0].replacement, "-main\\.\\(\\*RequestTracker\\)\\.Track");
        // Regexp options complete like regexp arguments, raw or escaped.
        for line in ["focus=Tra", "focus=main.(*Req", "focus=main\\.\\("] {
            let (st, c) = h.candidates(line, line.len());
            assert_eq!(st, 6, "{line}");
            assert_eq!(c.len(), 1, "{line}");
            assert_eq!(c[0].replacement, "main\\.\\(\\*RequestTracker\\)\\.Track");
        }
    }

    #[test]
    fn control_characters_never_reach_the_line() {
        let name = "main.evil\x1b[2J\x07";
        let mut p = Profile {
            strings: vec!["".into(), name.into(), "space\x1b[2J".into()].into(),
            ..Default::default()
        };
        Arc::make_mut(&mut p.functions).push(Function {
            name: StrId(1),
            ..Default::default()
        });
        let mut s = Session::new(p, Config::default());
        s.sample_types = vec!["space\x1b[2J".into()];
        let h = ShellHelper::new(&s);
        let (_, c) = h.candidates("list main.e", 11);
        assert_eq!(c[0].display, "main.evil\\u{1b}[2J\\u{7}");
        assert_eq!(c[0].replacement, "main\\.evil\\x{1b}\\[2J\\x{7}");
        let re = regex::Regex::new(&c[0].replacement).unwrap();
        assert!(re.is_match(name));
        assert!(h.candidates("spa", 3).1.is_empty());
        assert!(h.candidates("sample_index=", 13).1.is_empty());
    }
}
