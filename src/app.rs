//! The program: command-line flags → load sources (or capture a series
//! of snapshots from a URL) → one report or the shell. Errors are printed
//! as one line; the exit status follows `go tool pprof` (1 for a failed
//! run, 0 otherwise).
//!
//! Capture's front end lives here: the Ctrl-C handler, the progress bar
//! (indicatif) on a terminal or one plain line per snapshot otherwise;
//! the loop itself is `source::capture`.

use crate::cli::{self, Args};
use crate::commands::{self, CommandSpec};
use crate::engine::{Engine, Request};
use crate::help;
use crate::model::Profile;
use crate::model::base::BaseMode;
use crate::output::{self, Target};
use crate::render::color::ColorChoice;
use crate::render::explain;
use crate::render::lang::Lang;
use crate::render::text::Layout;
use crate::request::{Caller, Delivery, ReportOptions};
use crate::shell::session::{self, Session};
use crate::shell::terminal;
use crate::shell::tour::{self, Ending, Tour};
use crate::source::capture::{self, Snapshot};
use crate::source::{fetch, save};
use crate::store::ProfileId;
use crate::symbolize::{self, binary::ObjectFile, locate::Locator};
use crate::{Error, Result};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

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
    symbolize_each(&mut loaded, &symbolize_options(args, exec), err);
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

/// Symbolizes each snapshot of a series, printing each message once.
fn symbolize_each(loaded: &mut [(String, Profile)], sym: &symbolize::Options, err: &mut dyn Write) {
    let mut said: Vec<String> = Vec::new();
    for (_, p) in loaded {
        for l in symbolize::symbolize(p, sym) {
            if !said.contains(&l) {
                let _ = writeln!(err, "{l}");
                said.push(l);
            }
        }
    }
}

/// Set while a capture runs: Ctrl-C then stops the capture.
static CAPTURING: AtomicBool = AtomicBool::new(false);
/// Set by Ctrl-C during a capture.
static STOP: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler: during a capture it sets [`STOP`];
/// during a command of the terminal shell it cancels that command
/// ([`crate::cancel`]); otherwise it ends rpprof with status 130, as the
/// default SIGINT action would have (at the shell's prompt rustyline reads
/// Ctrl-C as a key, so this covers piped sessions and flag mode).
/// Installed once, by the first caller.
fn catch_interrupt(err: &mut dyn Write) {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    let mut installed = Ok(());
    INSTALLED.call_once(|| installed = install_interrupt_handler());
    if let Err(e) = installed {
        let _ = writeln!(err, "cannot catch Ctrl-C ({e}): it ends rpprof");
    }
}

fn install_interrupt_handler() -> std::result::Result<(), ctrlc::Error> {
    ctrlc::set_handler(|| {
        if CAPTURING.load(Ordering::SeqCst) {
            STOP.store(true, Ordering::SeqCst);
        } else if !crate::cancel::interrupt() {
            crate::viewer::restore();
            std::process::exit(130);
        }
    })
}

/// The file name as shown: the path, sanitized for a terminal.
fn shown(path: &Path, tty: bool) -> String {
    crate::render::color::for_stream(&path.display().to_string(), tty).into_owned()
}

/// `captured 2/5: DIR/heap-002-….pb.gz (1.20MB, total inuse_space 17.31MB)`.
fn captured_line(s: &Snapshot, count: u32, sample_index: &str, tty: bool) -> String {
    let p = &s.profile;
    let column = crate::report::sample_column(p, sample_index)
        .or_else(|_| crate::report::sample_column(p, ""));
    let total = column.ok().map(|k| {
        let sum = crate::model::sum_values((0..p.samples.len()).map(|i| p.values(i)[k]));
        let t = p.sample_types[k];
        let name = crate::render::color::for_stream(p.str(t.ty), tty).into_owned();
        format!(
            ", total {name} {}",
            crate::render::units::label(sum, p.str(t.unit))
        )
    });
    format!(
        "captured {}/{count}: {} ({}{})",
        s.index,
        shown(&s.path, tty),
        crate::render::units::label(s.bytes as i64, "bytes"),
        total.unwrap_or_default()
    )
}

/// `capture 3/5: <the error>`.
fn failed_line(n: u32, count: u32, e: &Error, tty: bool) -> String {
    let e = e.to_string();
    format!(
        "capture {n}/{count}: {}",
        crate::render::color::for_stream(&e, tty)
    )
}

/// Capture progress when stderr is not a terminal: one line per fetch.
struct PlainProgress<'a> {
    err: &'a mut dyn Write,
    count: u32,
    sample_index: String,
}

impl capture::Progress for PlainProgress<'_> {
    fn waiting(&mut self, _: u32, _: Duration) {}
    fn fetching(&mut self, _: u32) {}
    fn in_flight(&mut self, _: u32, _: Duration) {}
    fn captured(&mut self, s: &Snapshot) {
        let l = captured_line(s, self.count, &self.sample_index, false);
        let _ = writeln!(self.err, "{l}");
    }
    fn failed(&mut self, n: u32, e: &Error) {
        let _ = writeln!(self.err, "{}", failed_line(n, self.count, e, false));
    }
}

/// Capture progress on a terminal: a bar of fetches done with the
/// countdown to the next one; each snapshot's line printed above it.
struct BarProgress {
    bar: indicatif::ProgressBar,
    count: u32,
    seconds: i64,
    sample_index: String,
}

impl BarProgress {
    fn new(count: u32, seconds: i64, sample_index: String) -> BarProgress {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(u64::from(count)),
            indicatif::ProgressDrawTarget::stderr(),
        );
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        // No steady-tick thread: `run` holds the stderr lock for the whole
        // program, so the bar is drawn from this thread only (on every
        // countdown step and every tick of a fetch in flight).
        BarProgress {
            bar,
            count,
            seconds,
            sample_index,
        }
    }
}

impl capture::Progress for BarProgress {
    fn waiting(&mut self, n: u32, left: Duration) {
        let secs = left.as_millis().div_ceil(1000);
        self.bar
            .set_message(format!("next fetch ({n}/{}) in {secs}s", self.count));
        self.bar.tick();
    }
    fn fetching(&mut self, n: u32) {
        self.in_flight(n, Duration::ZERO);
    }
    fn in_flight(&mut self, n: u32, elapsed: Duration) {
        let what = if self.seconds > 0 {
            format!(
                "collecting {n}/{}: {}s / {}s",
                self.count,
                elapsed.as_secs(),
                self.seconds
            )
        } else {
            format!("fetching {n}/{}", self.count)
        };
        self.bar.set_message(what);
        self.bar.tick();
    }
    fn captured(&mut self, s: &Snapshot) {
        self.bar
            .println(captured_line(s, self.count, &self.sample_index, true));
        self.bar.inc(1);
    }
    fn failed(&mut self, n: u32, e: &Error) {
        self.bar.println(failed_line(n, self.count, e, true));
        self.bar.inc(1);
    }
}

/// `-capture`: fetches the snapshots (Ctrl-C stops early and keeps what
/// arrived), then loads them as a series (one snapshot: a single profile,
/// except for `-growth`, which needs a series and says so).
fn capture_series(args: &Args, c: &cli::Capture, err: &mut dyn Write) -> Result<Loaded> {
    let (exec, sources) = split_binary(&args.sources);
    let [src] = sources else {
        return Err(Error::Usage(format!(
            "-capture fetches from one URL; got {} sources",
            sources.len()
        )));
    };
    let Some(target) = fetch::target(src, &args.fetch_request()) else {
        return Err(Error::Usage(format!(
            "-capture fetches from a URL, not the file {src:?}"
        )));
    };
    let dir = match &c.dir {
        Some(d) => PathBuf::from(d),
        None => save::directory(err).ok_or_else(|| {
            Error::Usage("-capture: no directory to write to; use -output=DIR".into())
        })?,
    };
    let stderr_tty = std::io::stderr().is_terminal();
    let _ = writeln!(
        err,
        "Capturing {} snapshots from {} every {} into {}",
        c.count,
        crate::render::color::for_stream(&target.url, stderr_tty),
        crate::render::time::go_duration_string(c.every.as_nanos() as i64),
        shown(&dir, stderr_tty)
    );
    let plan = capture::Plan {
        every: c.every,
        count: c.count,
        dir,
    };
    let seconds = target.seconds;
    let mut fetcher = capture::HttpFetcher { target };
    let mut clock = capture::SystemClock::new();
    let sample_index = args.cfg.get("sample_index").to_string();
    catch_interrupt(err);
    CAPTURING.store(true, Ordering::SeqCst);
    let outcome = if stderr_tty {
        let mut bar = BarProgress::new(c.count, seconds, sample_index);
        let o = capture::run(&plan, &mut clock, &mut fetcher, &mut bar, &STOP);
        bar.bar.finish_and_clear();
        o
    } else {
        let mut plain = PlainProgress {
            err: &mut *err,
            count: c.count,
            sample_index,
        };
        capture::run(&plan, &mut clock, &mut fetcher, &mut plain, &STOP)
    };
    CAPTURING.store(false, Ordering::SeqCst);
    let outcome = outcome?;
    let n = outcome.snapshots.len();
    if outcome.stopped {
        let _ = writeln!(
            err,
            "Capture stopped: {n} of {} snapshots captured",
            c.count
        );
    } else if n < c.count as usize {
        let _ = writeln!(err, "Captured {n} of {} snapshots", c.count);
    }
    if n == 0 {
        return Err(Error::Fetch("failed to capture any profiles".into()));
    }
    let mut loaded: Vec<(String, Profile)> = outcome
        .snapshots
        .into_iter()
        .map(|s| (s.path.display().to_string(), s.profile))
        .collect();
    symbolize_each(&mut loaded, &symbolize_options(args, exec), err);
    let growth = args
        .format
        .as_ref()
        .is_some_and(|(spec, _)| spec.format == crate::commands::Format::Growth);
    if loaded.len() == 1 && !growth {
        let (_, p) = loaded.pop().expect("one snapshot");
        return Ok(Loaded::One(Box::new((p, None))));
    }
    Ok(Loaded::Series(crate::model::series::order(loaded)?))
}

/// Runs rpprof with `argv` (without the program name); returns the exit
/// status.
pub fn run(argv: Vec<String>) -> i32 {
    let stderr = std::io::stderr();
    // Every message on a terminal's stderr passes one sanitizer; piped,
    // stderr stays byte for byte what pprof writes.
    let mut err: Box<dyn Write> = if stderr.is_terminal() {
        Box::new(crate::render::color::TerminalSafe::new(stderr.lock()))
    } else {
        Box::new(stderr.lock())
    };
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
    match run_with(args, &mut *err) {
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
    if args.tour {
        return run_tour(args, err);
    }
    let mut loaded = if let Some(c) = &args.capture {
        capture_series(&args, c, err)?
    } else if args.series {
        Loaded::Series(load_series(&args, err)?)
    } else {
        let (p, sources) = load_args(&args, err)?;
        Loaded::One(Box::new((p, sources)))
    };
    if let Some(addr) = &args.http {
        return serve_web(&args, addr, loaded, err);
    }
    let stdout_tty = std::io::stdout().is_terminal();
    if stdout_tty {
        match &mut loaded {
            Loaded::One(one) => one.0.escape_for_terminal(),
            Loaded::Series(all) => all.iter_mut().for_each(|(_, p)| p.escape_for_terminal()),
        }
    }
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
        let (spec, open_view) = view_or_flame(spec, &output, stdout_tty, err);
        let req = Request {
            command: spec,
            argument: regexp.clone(),
            options: ReportOptions::new(&args.cfg, spec, Caller::Flags)?,
        };
        let mut engine = Engine::new();
        let (answer, id, snapshots) = match loaded {
            Loaded::One(one) => {
                let id = engine.add(args.sources.join(", "), one.0);
                (engine.report(id, &req), id, 0)
            }
            Loaded::Series(snapshots) => {
                let ids = engine.add_series(snapshots);
                let last = ids.len() - 1;
                (engine.series(&ids, last, &req), ids[last], ids.len())
            }
        };
        if open_view {
            output::messages(&answer, &target, err);
            let report = answer.result?;
            let mut list = |re: &str| {
                let spec = commands::command("list").expect("list is a command");
                let listed =
                    ReportOptions::new(&args.cfg, spec, Caller::Flags).and_then(|options| {
                        let req = Request {
                            command: spec,
                            argument: Some(re.to_string()),
                            options,
                        };
                        engine.report(id, &req).result
                    });
                match listed {
                    Ok(r) => match crate::render::text::plain(&r, &target.layout) {
                        crate::render::text::Rendered::Text(t) => t.into_owned(),
                        crate::render::text::Rendered::Bytes(_) => String::new(),
                    },
                    Err(e) => e.to_string(),
                }
            };
            return crate::viewer::run(&report, &mut list).map_err(|e| Error::io("view", &e));
        }
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        let shown = output::show(answer, spec, &target, color, &mut out, err).and_then(|report| {
            if !args.cfg.bool("explain") {
                return Ok(());
            }
            let situation = explain_situation(&args, &engine, id, snapshots);
            let text = explain::explain(&report, &situation);
            let text = explain::layout(&text, target.layout.width, color);
            let text = crate::render::color::for_stream(&text, stdout_tty).into_owned();
            writeln!(out)
                .and_then(|()| out.write_all(text.as_bytes()))
                .map_err(|e| Error::io("write", &e))
        });
        return match shown {
            // A reader that went away (`| head`) is not a failure.
            Ok(()) | Err(Error::BrokenPipe) => Ok(()),
            Err(e) => Err(e),
        };
    }
    let mut s = match loaded {
        Loaded::One(one) => {
            let (profile, sources) = *one;
            let mut s = Session::new(profile, args.cfg.clone());
            s.sources = sources;
            s
        }
        Loaded::Series(snapshots) => Session::series(snapshots, args.cfg.clone()),
    };
    s.ascii = args.ascii;
    s.base_mode = base_mode(&args);
    terminal_settings(&mut s, &args);
    for l in s.greeting() {
        let _ = writeln!(
            err,
            "{}",
            crate::render::color::for_stream(&l, s.stderr_tty)
        );
    }
    if std::io::stdin().is_terminal() {
        catch_interrupt(err);
        return terminal::run(&mut s, err);
    }
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut input = stdin.lock();
    let mut out = stdout.lock();
    crate::shell::run_piped(&mut s, &mut input, &mut out, err);
    let _ = out.flush();
    Ok(())
}

/// `-http`: the web UI on what the command line loaded.
fn serve_web(args: &Args, addr: &str, loaded: Loaded, err: &mut dyn Write) -> Result<()> {
    let mut engine = Engine::new();
    let ids = match loaded {
        Loaded::One(one) => vec![engine.add(args.sources.join(", "), one.0)],
        Loaded::Series(snapshots) => engine.add_series(snapshots),
    };
    let ui = crate::web::Ui::new(
        engine,
        ids,
        args.cfg.clone(),
        args.sources.join(" "),
        base_mode(args),
    )?;
    crate::web::serve(ui, addr, args.no_browser, err)
}

/// How the command line combines the sources with a base.
fn base_mode(args: &Args) -> Option<BaseMode> {
    if args.diff_base.is_some() {
        Some(BaseMode::Diff)
    } else if args.base.is_some() {
        Some(BaseMode::Subtract)
    } else {
        None
    }
}

/// What `-explain` needs in flag mode besides the report.
fn explain_situation(
    args: &Args,
    engine: &Engine,
    id: ProfileId,
    snapshots: usize,
) -> explain::Situation {
    let sample_types = explain::alternatives(engine.sample_totals(id));
    explain::Situation {
        lang: Lang::resolve(args.cfg.get("lang")),
        sample_types,
        diff: base_mode(args),
        snapshots,
    }
}

/// The command to run for format `spec` in flag mode and whether it opens
/// the viewer: `-view` opens it where stdin and stdout are a terminal and
/// no output file is named, and prints the terminal flame graph otherwise
/// (saying why, unless the output goes to a file).
fn view_or_flame(
    spec: &'static CommandSpec,
    output: &str,
    stdout_tty: bool,
    err: &mut dyn Write,
) -> (&'static CommandSpec, bool) {
    if spec.output != commands::Output::Screen {
        return (spec, false);
    }
    if !output.is_empty() {
        return (crate::viewer::fallback(), false);
    }
    match crate::viewer::unavailable(std::io::stdin().is_terminal(), stdout_tty) {
        None => (spec, true),
        Some(why) => {
            let _ = writeln!(
                err,
                "-{}: {why}: printing the flame graph instead",
                spec.name
            );
            (crate::viewer::fallback(), false)
        }
    }
}

/// Colour and terminal flags of a session: colour only when both stdout
/// and stdin are terminals; messages quoting profile strings (the
/// greeting's file and comments, every later message) are sanitized on a
/// terminal stderr.
fn terminal_settings(s: &mut Session, args: &Args) {
    s.stdout_tty = std::io::stdout().is_terminal();
    s.stdin_tty = std::io::stdin().is_terminal();
    s.color = args.color.enabled(s.stdout_tty && s.stdin_tty);
    s.stderr_tty = std::io::stderr().is_terminal();
    s.ascii = args.ascii;
}

/// `rpprof -tour`: the guided tour, then (when it was finished rather than
/// quit) the shell on its snapshots.
fn run_tour(args: Args, err: &mut dyn Write) -> Result<()> {
    match args.color {
        ColorChoice::Always => owo_colors::set_override(true),
        ColorChoice::Never => owo_colors::set_override(false),
        ColorChoice::Auto => {}
    }
    let mut tour = Tour::new(args.cfg.clone())?;
    terminal_settings(&mut tour.session, &args);
    let stdout = std::io::stdout();
    if std::io::stdin().is_terminal() {
        catch_interrupt(err);
        let mut lines = terminal::TerminalLines::new(&tour.session)?;
        let (mut out, mut e) = (std::io::stdout(), std::io::stderr());
        if tour::run(&mut tour.session, &mut lines, &mut out, &mut e) == Ending::Finished {
            crate::shell::run(&mut tour.session, &mut lines, &mut out, &mut e);
        }
        return Ok(());
    }
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = stdout.lock();
    let mut lines = crate::shell::Piped(&mut input);
    if tour::run(&mut tour.session, &mut lines, &mut out, err) == Ending::Finished {
        crate::shell::run(&mut tour.session, &mut lines, &mut out, err);
    }
    let _ = out.flush();
    Ok(())
}
