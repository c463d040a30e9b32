//! Capture (`-capture -every=10s -count=5 URL`): fetches a series of
//! snapshots from one URL at a fixed rate, like a `curl` loop against
//! `/debug/pprof/heap`, and writes each one to a file as soon as it has
//! arrived and parsed.
//!
//! Files are `DIR/<kind>-<NNN>-<UTC time>.pb.gz`
//! (`heap-002-20261202T150405Z.pb.gz`): the kind comes from the profile's
//! sample and period types ([`kind_name`]), `NNN` is the fetch's number
//! (001…, so a failed fetch leaves a gap) and the time is the wall-clock
//! time the response arrived, in UTC with no colons so that the name is
//! valid on every filesystem. A file holds the bytes the server sent when
//! they are gzipped `profile.proto` (what `net/http/pprof` serves);
//! anything else (plain protobuf, a legacy text format) is re-encoded as
//! gzipped `profile.proto`, so that every file is what its name says.
//! Writes are atomic: a hidden `.NAME.tmp` in the same directory, synced,
//! then renamed; an existing file is never replaced.
//!
//! The schedule is fixed-rate: fetch `n` starts `(n-1) × every` after the
//! first, or at once when the previous one ran late. A failed fetch (or a
//! failed write) is reported and the capture goes on. Setting the stop
//! flag (Ctrl-C in the binary) ends the capture at once, abandoning a
//! fetch in flight; the files already written stay.
//!
//! Source stage: the clock, the fetcher and the progress sink are
//! parameters ([`Clock`], [`Fetcher`], [`Progress`]) so that the loop is
//! tested without a network or real time. Nothing here prints; the front
//! end (`app`) decides how progress looks.

use super::http;
use crate::error::{Error, Result};
use crate::model::Profile;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

/// How often a wait or a fetch in flight looks at the stop flag (and the
/// countdown is updated).
pub const TICK: Duration = Duration::from_millis(100);

/// What to capture.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The interval between the starts of two fetches.
    pub every: Duration,
    /// How many fetches to make.
    pub count: u32,
    /// The directory the files go to (created if missing).
    pub dir: PathBuf,
}

/// One snapshot that arrived and was written.
pub struct Snapshot {
    /// The fetch's number, 1…`count`.
    pub index: u32,
    /// The file written.
    pub path: PathBuf,
    /// The file's size in bytes.
    pub bytes: u64,
    /// The profile, ready to explore (as [`super::fetch::single`] leaves it).
    pub profile: Profile,
}

/// How a capture ended.
pub struct Outcome {
    /// The snapshots written, in order.
    pub snapshots: Vec<Snapshot>,
    /// Fetches started (the last one may have been abandoned).
    pub attempted: u32,
    /// True when the stop flag ended the capture early.
    pub stopped: bool,
}

/// Time, for scheduling and for naming files.
pub trait Clock {
    /// Monotonic time since an arbitrary start: schedules the fetches.
    fn monotonic(&self) -> Duration;
    /// Wall-clock time: names the files.
    fn wall(&self) -> SystemTime;
    /// Waits for `d`.
    fn sleep(&mut self, d: Duration);
}

/// The real clock.
pub struct SystemClock {
    start: Instant,
}

impl SystemClock {
    /// A clock whose monotonic time starts now.
    pub fn new() -> SystemClock {
        SystemClock {
            start: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

impl Clock for SystemClock {
    fn monotonic(&self) -> Duration {
        self.start.elapsed()
    }
    fn wall(&self) -> SystemTime {
        SystemTime::now()
    }
    fn sleep(&mut self, d: Duration) {
        std::thread::sleep(d);
    }
}

/// What one fetch gave.
pub enum Fetched {
    /// The server's answer (not yet parsed).
    Response(http::Response),
    /// The fetch failed.
    Failed(Error),
    /// The stop flag was set while the fetch was in flight.
    Stopped,
}

/// Where snapshots come from.
pub trait Fetcher {
    /// Fetches the next snapshot, giving up when `stop` is set; calls
    /// `tick` every [`TICK`] or so while the fetch is in flight.
    fn fetch(&mut self, stop: &AtomicBool, tick: &mut dyn FnMut()) -> Fetched;
}

/// Fetches one URL over HTTP (`-seconds` and `-timeout` are in the
/// target). The request runs on its own thread so that a stop is seen
/// within a [`TICK`]; an abandoned request is left to finish or time out
/// on its own, and its answer is dropped.
pub struct HttpFetcher {
    /// The URL, collection time and timeout.
    pub target: http::Target,
}

impl Fetcher for HttpFetcher {
    fn fetch(&mut self, stop: &AtomicBool, tick: &mut dyn FnMut()) -> Fetched {
        let (tx, rx) = mpsc::channel();
        let target = self.target.clone();
        std::thread::spawn(move || {
            let _ = tx.send(http::get(&target, super::input_limit(), None));
        });
        loop {
            if stop.load(Ordering::SeqCst) {
                return Fetched::Stopped;
            }
            match rx.recv_timeout(TICK) {
                Ok(Ok(r)) => return Fetched::Response(r),
                Ok(Err(e)) => return Fetched::Failed(e),
                Err(mpsc::RecvTimeoutError::Timeout) => tick(),
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Fetched::Failed(Error::Fetch(format!(
                        "Get {:?}: request failed unexpectedly",
                        self.target.url
                    )));
                }
            }
        }
    }
}

/// What the capture tells its front end. `n` is the fetch's number.
pub trait Progress {
    /// Fetch `n` starts in `left` (called every [`TICK`] while waiting).
    fn waiting(&mut self, n: u32, left: Duration);
    /// Fetch `n` starts.
    fn fetching(&mut self, n: u32);
    /// Fetch `n` has been in flight for `elapsed` (called every [`TICK`]
    /// or so).
    fn in_flight(&mut self, n: u32, elapsed: Duration);
    /// A snapshot arrived and was written.
    fn captured(&mut self, s: &Snapshot);
    /// Fetch `n` failed (fetching, parsing or writing).
    fn failed(&mut self, n: u32, e: &Error);
}

/// Runs the capture: `plan.count` fetches from `fetcher` on `clock`'s
/// schedule, each snapshot written to `plan.dir` as it arrives. Only a
/// directory that cannot be created is an error; everything after that
/// is reported to `progress` and the capture goes on.
pub fn run(
    plan: &Plan,
    clock: &mut dyn Clock,
    fetcher: &mut dyn Fetcher,
    progress: &mut dyn Progress,
    stop: &AtomicBool,
) -> Result<Outcome> {
    std::fs::create_dir_all(&plan.dir)
        .map_err(|e| Error::io(format!("create {}", plan.dir.display()), &e))?;
    let mut out = Outcome {
        snapshots: Vec::new(),
        attempted: 0,
        stopped: false,
    };
    let start = clock.monotonic();
    for n in 1..=plan.count {
        let due = start + plan.every * (n - 1);
        loop {
            if stop.load(Ordering::SeqCst) {
                out.stopped = true;
                return Ok(out);
            }
            let now = clock.monotonic();
            if now >= due {
                break;
            }
            progress.waiting(n, due - now);
            clock.sleep((due - now).min(TICK));
        }
        out.attempted = n;
        progress.fetching(n);
        let started = clock.monotonic();
        let mut tick = || progress.in_flight(n, clock.monotonic().saturating_sub(started));
        let resp = match fetcher.fetch(stop, &mut tick) {
            Fetched::Response(r) => r,
            Fetched::Failed(e) => {
                progress.failed(n, &e);
                continue;
            }
            Fetched::Stopped => {
                out.stopped = true;
                return Ok(out);
            }
        };
        match keep(&plan.dir, n, resp, clock.wall()) {
            Ok(s) => {
                progress.captured(&s);
                out.snapshots.push(s);
            }
            Err(e) => progress.failed(n, &e),
        }
    }
    Ok(out)
}

/// Parses a response and writes it as snapshot `n`.
fn keep(dir: &Path, n: u32, resp: http::Response, arrived: SystemTime) -> Result<Snapshot> {
    let original = super::is_gzip(&resp.body).then(|| resp.body.clone());
    let (p, format) = super::parse_response(resp)?;
    let profile = super::fetch::single(p)?;
    let data = match original {
        Some(bytes) if format == super::Format::Protobuf => bytes,
        _ => super::encode::encode(&profile),
    };
    let name = file_name(&kind_name(&profile), n, arrived);
    let path = write_atomically(dir, &name, &data)?;
    Ok(Snapshot {
        index: n,
        path,
        bytes: data.len() as u64,
        profile,
    })
}

/// The kind of profile, for file names: `cpu` (a `cpu` sample or period
/// type), `allocs` (heap sample types with `alloc_space` or
/// `alloc_objects` as the default, as Go's `/debug/pprof/allocs` serves),
/// `heap` (other heap profiles: `inuse_space`, `alloc_space`, or a
/// `space` period type), `goroutine`, `threadcreate`, `contentions`
/// (mutex and block profiles, which look alike: `contentions` and
/// `delay`); anything else is named by its first sample type, reduced to
/// ASCII letters, digits, `_` and `-` (`profile` when that leaves nothing).
pub fn kind_name(p: &Profile) -> String {
    let types: Vec<&str> = p.sample_types.iter().map(|t| p.str(t.ty)).collect();
    let has = |name: &str| types.contains(&name) || p.str(p.period_type.ty) == name;
    let default = p.str(p.default_sample_type);
    let kind = if has("cpu") {
        "cpu"
    } else if has("inuse_space") || has("alloc_space") || has("space") {
        if matches!(default, "alloc_space" | "alloc_objects") {
            "allocs"
        } else {
            "heap"
        }
    } else if has("goroutine") {
        "goroutine"
    } else if has("threadcreate") {
        "threadcreate"
    } else if has("contentions") || has("delay") {
        "contentions"
    } else {
        let first: String = types
            .first()
            .unwrap_or(&"")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .take(32)
            .collect();
        return if first.is_empty() {
            "profile".into()
        } else {
            first.to_ascii_lowercase()
        };
    };
    kind.to_string()
}

/// `<kind>-<NNN>-<YYYYMMDD>T<hhmmss>Z.pb.gz` for fetch `n` at `t` (UTC).
pub fn file_name(kind: &str, n: u32, t: SystemTime) -> String {
    format!(
        "{kind}-{n:03}-{}.pb.gz",
        crate::render::time::compact_utc(t)
    )
}

/// Writes `data` to `dir/name` through a synced temporary file and a
/// rename, so that `dir/name` is either absent or complete. An existing
/// `dir/name` is left alone (an error).
pub fn write_atomically(dir: &Path, name: &str, data: &[u8]) -> Result<PathBuf> {
    let path = dir.join(name);
    if path.exists() {
        return Err(Error::Io {
            context: format!("write {}", path.display()),
            reason: "file exists".into(),
            kind: std::io::ErrorKind::AlreadyExists,
        });
    }
    let tmp = dir.join(format!(".{name}.tmp"));
    let written = std::fs::File::create(&tmp)
        .and_then(|mut f| {
            f.write_all(data)?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, &path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(format!("write {}", path.display()), &e));
    }
    // Make the rename itself durable where the platform allows it.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    fn data(path: &str) -> Vec<u8> {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data")
                .join(path),
        )
        .expect("test profile")
    }

    fn kind_of(path: &str) -> String {
        kind_name(&super::super::parse(data(path)).expect("parses"))
    }

    #[test]
    fn kinds_of_go_profiles() {
        assert_eq!(kind_of("leak/heap_1.pb.gz"), "heap");
        assert_eq!(kind_of("leak/allocs.pb.gz"), "allocs");
        assert_eq!(kind_of("leak/cpu.pb.gz"), "cpu");
        assert_eq!(kind_of("leak/goroutine.pb.gz"), "goroutine");
        assert_eq!(kind_of("leak/heap_5.txt"), "heap");
    }

    #[test]
    fn kind_of_an_unknown_profile_is_its_sanitized_first_type() {
        let mut p = Profile {
            strings: vec![String::new()].into(),
            ..Default::default()
        };
        let (ty, unit) = (p.intern_slow("Wall Time!\x07"), p.intern_slow("count"));
        p.sample_types.push(crate::model::ValueType { ty, unit });
        assert_eq!(kind_name(&p), "walltime");
        p.sample_types.clear();
        assert_eq!(kind_name(&p), "profile");
    }

    #[test]
    fn file_names_sort_and_have_no_colons() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_223_845);
        assert_eq!(file_name("heap", 2, t), "heap-002-20261202T150405Z.pb.gz");
        assert_eq!(
            file_name("cpu", 1234, SystemTime::UNIX_EPOCH),
            "cpu-1234-19700101T000000Z.pb.gz"
        );
    }

    #[test]
    fn atomic_write_leaves_no_temporary_and_never_replaces() {
        let dir = std::env::temp_dir().join(format!("rpprof-capture-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let p = write_atomically(&dir, "a.pb.gz", b"one").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        let e = write_atomically(&dir, "a.pb.gz", b"two").unwrap_err();
        assert_eq!(e.to_string(), format!("write {}: file exists", p.display()));
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.pb.gz"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A clock that moves only when slept on.
    struct FakeClock {
        now: Rc<RefCell<Duration>>,
    }

    impl Clock for FakeClock {
        fn monotonic(&self) -> Duration {
            *self.now.borrow()
        }
        fn wall(&self) -> SystemTime {
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_223_845) + *self.now.borrow()
        }
        fn sleep(&mut self, d: Duration) {
            *self.now.borrow_mut() += d;
        }
    }

    /// Serves the leak's heap snapshots in turn; fetch 2 fails, and the
    /// fetch numbered `stop_at` sets the stop flag instead of answering.
    /// Each fetch takes 300 ms of fake time.
    struct FakeServer {
        now: Rc<RefCell<Duration>>,
        served: u32,
        started_at: Vec<Duration>,
        stop_at: u32,
    }

    impl Fetcher for FakeServer {
        fn fetch(&mut self, stop: &AtomicBool, tick: &mut dyn FnMut()) -> Fetched {
            tick();
            self.served += 1;
            self.started_at.push(*self.now.borrow());
            *self.now.borrow_mut() += Duration::from_millis(300);
            if self.served == self.stop_at {
                stop.store(true, Ordering::SeqCst);
                return Fetched::Stopped;
            }
            if self.served == 2 {
                return Fetched::Failed(Error::Fetch(
                    "server response: 500 Internal Server Error".into(),
                ));
            }
            Fetched::Response(http::Response {
                body: data(&format!("leak/heap_{}.pb.gz", self.served)),
                content_type: "application/octet-stream".into(),
            })
        }
    }

    #[derive(Default)]
    struct Log(Vec<String>);

    impl Progress for Log {
        fn waiting(&mut self, _: u32, _: Duration) {}
        fn fetching(&mut self, n: u32) {
            self.0.push(format!("fetching {n}"));
        }
        fn in_flight(&mut self, _: u32, _: Duration) {}
        fn captured(&mut self, s: &Snapshot) {
            let name = s.path.file_name().unwrap().to_string_lossy().into_owned();
            self.0.push(format!("captured {} {name}", s.index));
        }
        fn failed(&mut self, n: u32, e: &Error) {
            self.0.push(format!("failed {n}: {e}"));
        }
    }

    fn capture(test: &str, count: u32, stop_at: u32) -> (Outcome, Log, Vec<Duration>, PathBuf) {
        let dir =
            std::env::temp_dir().join(format!("rpprof-capture-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let now = Rc::new(RefCell::new(Duration::ZERO));
        let mut clock = FakeClock { now: now.clone() };
        let mut server = FakeServer {
            now,
            served: 0,
            started_at: Vec::new(),
            stop_at,
        };
        let plan = Plan {
            every: Duration::from_secs(10),
            count,
            dir: dir.clone(),
        };
        let mut log = Log::default();
        let stop = AtomicBool::new(false);
        let out = run(&plan, &mut clock, &mut server, &mut log, &stop).unwrap();
        (out, log, server.started_at, dir)
    }

    #[test]
    fn fixed_rate_schedule_failure_reported_and_files_written() {
        let (out, log, started, dir) = capture("loop", 4, 0);
        assert_eq!(
            log.0,
            [
                "fetching 1",
                "captured 1 heap-001-20261202T150405Z.pb.gz",
                "fetching 2",
                "failed 2: server response: 500 Internal Server Error",
                "fetching 3",
                "captured 3 heap-003-20261202T150425Z.pb.gz",
                "fetching 4",
                "captured 4 heap-004-20261202T150435Z.pb.gz",
            ]
        );
        let secs: Vec<u64> = started.iter().map(|d| d.as_secs()).collect();
        assert_eq!(secs, [0, 10, 20, 30]);
        assert_eq!(
            (out.attempted, out.stopped, out.snapshots.len()),
            (4, false, 3)
        );
        // The server's gzipped protobuf is kept byte for byte.
        let first = &out.snapshots[0];
        assert_eq!(
            std::fs::read(&first.path).unwrap(),
            data("leak/heap_1.pb.gz")
        );
        assert_eq!(first.bytes, data("leak/heap_1.pb.gz").len() as u64);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "heap-001-20261202T150405Z.pb.gz",
                "heap-003-20261202T150425Z.pb.gz",
                "heap-004-20261202T150435Z.pb.gz",
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn stop_keeps_what_arrived() {
        let (out, log, _, dir) = capture("stop", 5, 3);
        assert_eq!(log.0.last().unwrap(), "fetching 3");
        assert!(out.stopped);
        assert_eq!(out.attempted, 3);
        assert_eq!(out.snapshots.len(), 1);
        assert!(out.snapshots[0].path.exists());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn text_profiles_are_written_as_gzipped_protobuf() {
        let dir = std::env::temp_dir().join(format!("rpprof-capture-text-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let resp = http::Response {
            body: data("leak/heap_5.txt"),
            content_type: "text/plain; charset=utf-8".into(),
        };
        let s = keep(&dir, 7, resp, SystemTime::UNIX_EPOCH).unwrap();
        let written = std::fs::read(&s.path).unwrap();
        assert!(super::super::is_gzip(&written));
        let (_, format) = super::super::parse_as(written).unwrap();
        assert_eq!(format, super::super::Format::Protobuf);
        let html = http::Response {
            body: b"<html>login</html>".to_vec(),
            content_type: "text/html".into(),
        };
        let e = keep(&dir, 8, html, SystemTime::UNIX_EPOCH).err().unwrap();
        assert!(
            e.to_string()
                .ends_with("(the server sent an HTML page, not a profile)")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
