//! The shell's grammar and line processing on arbitrary text, against a
//! real profile. Lines that could write files or start programs (`>f`,
//! `output=`, non-text commands) only go through the grammar.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rpprof::config::Config;
use rpprof::model::Profile;
use rpprof::shell::commands::{self, Output};
use rpprof::shell::grammar;
use rpprof::shell::session::Session;
use std::sync::OnceLock;

fn profile() -> &'static Profile {
    static P: OnceLock<Profile> = OnceLock::new();
    P.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/data/leak/heap_5.pb.gz"
        );
        rpprof::app::load(&[path.to_string()], &mut std::io::sink()).expect("heap_5 loads")
    })
}

/// True when running `line` cannot touch the file system or spawn anything.
fn harmless(line: &str) -> bool {
    if line.contains('>') || line.contains("output") {
        return false;
    }
    let words = grammar::words(line);
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

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut s = Session::new(profile().clone(), Config::default());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    for line in text.lines().take(16) {
        let a = grammar::assignment(line);
        let _ = (a.name, a.value);
        let words = grammar::words(line);
        let _ = grammar::args(&words);
        for w in &words {
            let _ = grammar::split_digits(w);
        }
        if harmless(line) {
            s.execute(line, &mut out, &mut err);
        }
        out.clear();
        err.clear();
    }
});
