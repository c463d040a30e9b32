//! Entry points for the `report` and `shell` fuzz targets in `fuzz/`
//! (and their past findings in `tests/fuzz_findings.rs`): sessions on arbitrary profiles and
//! arbitrary lines. An error is a fine answer; a panic, an abort or a
//! hang is a finding.

use super::grammar;
use super::session::Session;
use crate::commands::{self, Output};
use crate::config::Config;
use crate::model::Profile;

/// Whatever the decoder accepts must also survive the load-time steps
/// (merge, prune) and the text reports.
pub fn report(data: &[u8]) {
    let Ok(p) = crate::source::parse(data.to_vec()) else {
        return;
    };
    let Ok(p) = crate::source::fetch::single(p) else {
        return;
    };
    let mut s = Session::new(p, Config::default());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    for line in [
        "top",
        "top -cum",
        "peek .",
        "traces",
        "tags",
        "raw",
        "tree",
        "flame",
        "granularity=lines",
        "top",
        "mean=true",
        "top",
    ] {
        s.execute(line, &mut out, &mut err);
        out.clear();
        err.clear();
    }
}

/// The shell's grammar and line processing on arbitrary text (up to 16
/// lines), against `profile`. Lines that could write files or start
/// programs (`>f`, `output=`, non-text commands) only go through the
/// grammar.
pub fn shell(profile: &Profile, text: &str) {
    let mut s = Session::new(profile.clone(), Config::default());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    for line in text.lines().take(16) {
        let words = grammar::words(line);
        let _ = grammar::args(&words);
        for w in &words {
            let _ = grammar::split_digits(w);
        }
        let _ = grammar::assignment(line);
        if harmless(line, &words) {
            s.execute(line, &mut out, &mut err);
        }
        out.clear();
        err.clear();
    }
}

/// True when running `line` cannot touch the file system or spawn anything.
fn harmless(line: &str, words: &[&str]) -> bool {
    if line.contains('>') || line.contains("output") {
        return false;
    }
    let Some(&first) = words.first() else {
        return true;
    };
    let name = match commands::command(first) {
        Some(_) => first,
        None => grammar::split_digits(first).map_or(first, |(n, _)| n),
    };
    match commands::command(name) {
        Some(c) => c.output == Output::Text && !matches!(name, "disasm" | "weblist"),
        None => true,
    }
}
