//! The program: command-line flags → load sources → one report or the
//! shell. Errors are printed as one line; the exit status follows
//! `go tool pprof` (1 for a failed run, 0 otherwise).

use crate::cli::{self, Args};
use crate::model::{Profile, compact, merge, prune};
use crate::output::Target;
use crate::render::color::ColorChoice;
use crate::shell::session::{self, Session};
use crate::shell::{help, terminal};
use crate::source;
use std::io::{IsTerminal, Write};

/// Loads and merges the sources, as pprof's `fetchProfiles`. Per-source
/// failures are reported on `err` and skipped.
pub fn load(sources: &[String], err: &mut dyn Write) -> Result<Profile, String> {
    let mut loaded = Vec::new();
    for s in sources {
        match source::load_path(s) {
            Ok(p) => loaded.push(p),
            Err(e) => {
                let _ = writeln!(err, "{s}: {e}");
            }
        }
    }
    if loaded.is_empty() {
        return Err("failed to fetch any source profiles".into());
    }
    if loaded.len() < sources.len() {
        let _ = writeln!(
            err,
            "Fetched {} source profiles out of {}",
            loaded.len(),
            sources.len()
        );
    }
    let mut p = if loaded.len() == 1 {
        compact::merge_one(loaded.pop().expect("one profile"))
    } else {
        let refs: Vec<&Profile> = loaded.iter().collect();
        merge::merge(&refs).map_err(|e| format!("problem fetching source profiles: {e}"))?
    };
    drop(loaded);
    prune::remove_uninteresting(&mut p)?;
    merge::ensure_mapping(&mut p);
    Ok(p)
}

/// Runs rpprof with `argv` (without the program name); returns the exit
/// status.
pub fn run(argv: Vec<String>) -> i32 {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    let args = match cli::parse(&argv) {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(err, "{}", e.message);
            if e.usage {
                let _ = write!(err, "{}", help::usage());
            }
            return 1;
        }
    };
    if args.help {
        let _ = write!(err, "{}", help::usage());
        return 0;
    }
    if args.version {
        println!("rpprof {}", env!("CARGO_PKG_VERSION"));
        return 0;
    }
    for n in &args.notes {
        let _ = writeln!(err, "{n}");
    }
    match run_with(args, &mut err) {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            1
        }
    }
}

fn run_with(args: Args, err: &mut dyn Write) -> Result<(), String> {
    let mut profile = load(&args.sources, err)?;
    if !args.add_comment.is_empty() {
        let c = profile.intern_slow(&args.add_comment);
        profile.comments.push(c);
    }
    let stdout_tty = std::io::stdout().is_terminal();
    match args.color {
        ColorChoice::Always => owo_colors::set_override(true),
        ColorChoice::Never => owo_colors::set_override(false),
        ColorChoice::Auto => {}
    }
    if let Some((spec, regexp)) = &args.format {
        let output = args.cfg.get("output").to_string();
        let target = Target {
            output: &output,
            interactive: false,
            stdout_tty,
        };
        let color = args.color.enabled(stdout_tty);
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        let mut cache = crate::report::cache::Cache::default();
        let r = session::run(
            &profile,
            spec,
            regexp.as_deref(),
            &args.cfg,
            &target,
            color,
            &mut cache,
            &mut out,
            err,
        );
        let _ = out.flush();
        return r;
    }
    let mut s = Session::new(profile, args.cfg);
    s.stdout_tty = stdout_tty;
    let stdin_tty = std::io::stdin().is_terminal();
    s.color = args.color.enabled(stdout_tty && stdin_tty);
    // The greeting quotes profile strings (file, comments): keep their
    // control characters off a terminal.
    let stderr_tty = std::io::stderr().is_terminal();
    for l in s.greeting() {
        if stderr_tty {
            let _ = writeln!(err, "{}", crate::render::color::sanitize(&l));
        } else {
            let _ = writeln!(err, "{l}");
        }
    }
    if stdin_tty {
        return terminal::run(&mut s);
    }
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut input = stdin.lock();
    let mut out = stdout.lock();
    crate::shell::run_piped(&mut s, &mut input, &mut out, err);
    let _ = out.flush();
    Ok(())
}
