//! The program: command-line flags → load sources → one report or the
//! shell. Errors are printed as one line; the exit status follows
//! `go tool pprof` (1 for a failed run, 0 otherwise).

use crate::cli::{self, Args};
use crate::engine::{Engine, Request};
use crate::help;
use crate::model::Profile;
use crate::output::{self, Target};
use crate::render::color::ColorChoice;
use crate::render::text::Layout;
use crate::request::{Caller, Delivery, ReportOptions};
use crate::shell::session::{self, Session};
use crate::shell::terminal;
use crate::source::{fetch, save};
use crate::symbolize::{self, binary::ObjectFile, locate::Locator};
use crate::{Error, Result};
use std::io::{IsTerminal, Write};

/// Loads and merges `sources` (files or URLs, no base) and symbolizes them
/// with pprof's defaults, as pprof's `fetchProfiles`. Per-source failures
/// and symbolization messages are reported on `err`.
pub fn load(sources: &[String], err: &mut dyn Write) -> Result<Profile> {
    let req = fetch::Request {
        sources: sources.to_vec(),
        ..fetch::Request::default()
    };
    let mut fetched = fetch::fetch(&req, err)?;
    symbolize_fetched(&mut fetched, &symbolize::Options::default(), err);
    fetched.into_profile(false, "")
}

/// Symbolizes the merged sources and the merged base (before they are
/// combined and pruned), printing each symbolization message once.
fn symbolize_fetched(f: &mut fetch::Fetched, o: &symbolize::Options, err: &mut dyn Write) {
    let mut lines = symbolize::symbolize(&mut f.source, o);
    if let Some(b) = &mut f.base {
        for l in symbolize::symbolize(&mut b.profile, o) {
            if !lines.contains(&l) {
                lines.push(l);
            }
        }
    }
    for l in lines {
        let _ = writeln!(err, "{l}");
    }
}

/// pprof's `[binary]` argument: with two or more positional arguments, a
/// first one that opens as an object file is the binary, not a source.
pub fn split_binary(sources: &[String]) -> (String, &[String]) {
    if sources.len() >= 2
        && let Ok(f) = ObjectFile::open(&sources[0])
        && f.elf().is_ok()
    {
        return (sources[0].clone(), &sources[1..]);
    }
    (String::new(), sources)
}

/// Loads the command line's sources and base (pprof's `fetchProfiles`)
/// and builds the profile to explore. Per-source failures are reported on
/// `err` and skipped. With a base, the sources stay apart for the shell
/// (returned as [`session::Sources`]) so that `normalize` can rebuild.
pub fn load_args(args: &Args, err: &mut dyn Write) -> Result<(Profile, Option<session::Sources>)> {
    let (exec, sources) = split_binary(&args.sources);
    let mut req = args.fetch_request();
    req.sources = sources.to_vec();
    req.progress = std::io::stderr().is_terminal();
    let mut fetched = fetch::fetch(&req, err)?;
    symbolize_fetched(&mut fetched, &symbolize_options(args, exec), err);
    let remote = fetched.remote;
    let normalize = Delivery::new(&args.cfg).normalize;
    // Only the shell rebuilds from the sources (when `normalize` changes);
    // a one-shot report consumes them.
    let (profile, sources) = if fetched.base.is_some() && args.format.is_none() {
        let p = fetched.build(normalize, &args.add_comment)?;
        let s = session::Sources {
            fetched,
            comment: args.add_comment.clone(),
        };
        (p, Some(s))
    } else {
        let p = fetched.into_profile(normalize, &args.add_comment)?;
        (p, None)
    };
    if remote {
        save::save_fetched(&profile, err);
    }
    Ok((profile, sources))
}

fn symbolize_options(args: &Args, exec: String) -> symbolize::Options {
    symbolize::Options {
        mode: args.symbolize.clone(),
        exec,
        build_id: args.buildid.clone(),
        locator: Locator::from_env(),
        progress: std::io::stderr().is_terminal(),
    }
}

/// Loads the command line's sources as a snapshot series (`-series`):
/// directories stand for the profiles in them; each source is loaded and
/// symbolized on its own (a failing one is named on `err` and skipped),
/// then the series is checked and ordered by time.
pub fn load_series(args: &Args, err: &mut dyn Write) -> Result<Vec<(String, Profile)>> {
    let (exec, sources) = split_binary(&args.sources);
    let mut req = args.fetch_request();
    req.sources = crate::source::expand_dirs(sources)?;
    req.progress = std::io::stderr().is_terminal();
    let mut loaded = fetch::fetch_each(&req, err);
    let sym = symbolize_options(args, exec);
    let mut said: Vec<String> = Vec::new();
    for (_, p) in &mut loaded {
        for l in symbolize::symbolize(p, &sym) {
            if !said.contains(&l) {
                let _ = writeln!(err, "{l}");
                said.push(l);
            }
        }
    }
    if loaded.len() < req.sources.len() && loaded.len() >= 2 {
        let _ = writeln!(
            err,
            "Loaded {} of {} snapshots",
            loaded.len(),
            req.sources.len()
        );
    }
    crate::model::series::order(loaded)
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

/// What the command line loaded.
enum Loaded {
    /// One profile (sources merged, base applied), with the sources kept
    /// apart when the shell may rebuild it.
    One(Box<(Profile, Option<session::Sources>)>),
    /// A snapshot series, ordered.
    Series(Vec<(String, Profile)>),
}

fn run_with(args: Args, err: &mut dyn Write) -> Result<()> {
    let loaded = if args.series {
        Loaded::Series(load_series(&args, err)?)
    } else {
        let (p, sources) = load_args(&args, err)?;
        Loaded::One(Box::new((p, sources)))
    };
    let stdout_tty = std::io::stdout().is_terminal();
    match args.color {
        ColorChoice::Always => owo_colors::set_override(true),
        ColorChoice::Never => owo_colors::set_override(false),
        ColorChoice::Auto => {}
    }
    if let Some((spec, regexp)) = &args.format {
        let output = Delivery::new(&args.cfg).output;
        let target = Target {
            output: &output,
            interactive: false,
            stdout_tty,
            stderr_tty: std::io::stderr().is_terminal(),
            layout: Layout::detect(stdout_tty, args.ascii),
        };
        let color = args.color.enabled(stdout_tty);
        let req = Request {
            command: spec,
            argument: regexp.clone(),
            options: ReportOptions::new(&args.cfg, spec, Caller::Flags)?,
        };
        let mut engine = Engine::new();
        let answer = match loaded {
            Loaded::One(one) => {
                let id = engine.add(args.sources.join(", "), one.0);
                engine.report(id, &req)
            }
            Loaded::Series(snapshots) => {
                let ids = engine.add_series(snapshots);
                engine.series(&ids, ids.len() - 1, &req)
            }
        };
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        return match output::show(answer, spec, &target, color, &mut out, err) {
            // A reader that went away (`| head`) is not a failure.
            Ok(_) | Err(Error::BrokenPipe) => Ok(()),
            Err(e) => Err(e),
        };
    }
    let mut s = match loaded {
        Loaded::One(one) => {
            let (profile, sources) = *one;
            let mut s = Session::new(profile, args.cfg);
            s.sources = sources;
            s
        }
        Loaded::Series(snapshots) => Session::series(snapshots, args.cfg),
    };
    s.ascii = args.ascii;
    s.stdout_tty = stdout_tty;
    let stdin_tty = std::io::stdin().is_terminal();
    s.color = args.color.enabled(stdout_tty && stdin_tty);
    // The greeting quotes profile strings (file, comments): keep their
    // control characters off a terminal, as every later message does.
    s.stderr_tty = std::io::stderr().is_terminal();
    for l in s.greeting() {
        let _ = writeln!(
            err,
            "{}",
            crate::render::color::for_stream(&l, s.stderr_tty)
        );
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
