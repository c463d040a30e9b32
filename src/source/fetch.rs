//! Loading a command line's profiles (pprof's `fetchProfiles`): every
//! source and every base is fetched (file, stdin or URL), failures are
//! reported per source and skipped, each group is made unit-compatible and
//! merged ([`merge::combine`]); then [`Fetched::build`] applies the base
//! to the sources ([`base::combine`]: `-base` subtracts, `-diff_base`
//! labels the base with `pprof::base`, `normalize` rescales the source
//! first) and applies the profile's own drop/keep frames.
//!
//! Sources and base are kept apart in [`Fetched`] so that the shell can
//! rebuild the combined profile when `normalize` changes (pprof 1.19 reads
//! `normalize` only at load time). Symbolization belongs between fetching
//! and [`Fetched::build`]. Nothing here formats reports.

use super::http;
use crate::error::{Error, Result};
use crate::model::base::{self, BaseMode};
use crate::model::{Profile, merge, prune};
use std::io::Write;

/// What to load.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// Files or URLs to merge.
    pub sources: Vec<String>,
    /// Files or URLs of the base (`-base` or `-diff_base`).
    pub bases: Vec<String>,
    /// The bases come from `-diff_base` (labelled) rather than `-base`.
    pub diff_base: bool,
    /// `-seconds` (−1 when unset).
    pub seconds: i64,
    /// `-timeout` (−1 when unset).
    pub timeout: i64,
    /// Keep a progress line on `err` while a timed profile is collected
    /// (set when stderr is a terminal).
    pub progress: bool,
}

/// The merged base profile and how it is applied.
#[derive(Clone)]
pub struct Base {
    /// The merged base profiles, values as loaded (positive).
    pub profile: Profile,
    /// `-base` or `-diff_base`.
    pub mode: BaseMode,
}

/// The merged sources and the merged base, not yet combined.
pub struct Fetched {
    /// The merged sources.
    pub source: Profile,
    /// The merged base, if one was given.
    pub base: Option<Base>,
    /// True when some profile came over HTTP.
    pub remote: bool,
}

/// The URL to fetch for `path`: `None` for an existing file, `-` (stdin)
/// and anything that does not read as a URL.
pub(crate) fn target(path: &str, req: &Request) -> Option<http::Target> {
    if path == "-" || std::path::Path::new(path).exists() {
        return None;
    }
    http::adjust_url(path, req.seconds, req.timeout)
}

/// pprof's lines before a fetch over HTTP (`t`) or the conversion of a
/// `perf.data` file.
fn announce(path: &str, t: Option<&http::Target>, err: &mut dyn Write) {
    let Some(t) = t else {
        if path != "-" && super::perf::is_perf_file(path) {
            let _ = writeln!(err, "{}", super::perf::notice(path));
        }
        return;
    };
    let _ = writeln!(err, "Fetching profile over HTTP from {}", t.url);
    if t.seconds > 0 {
        let _ = writeln!(err, "Please wait... ({})", http::go_seconds(t.seconds));
    }
}

/// Loads one source, from `t` if it is a URL, otherwise from the file
/// `path`. Returns the profile and whether it was remote.
fn load(
    path: &str,
    t: Option<&http::Target>,
    progress: Option<&mut (dyn Write + '_)>,
) -> Result<(Profile, bool)> {
    let Some(t) = t else {
        return super::load_path(path).map(|p| (p, false));
    };
    let resp = http::get(t, super::input_limit(), progress)?;
    super::parse_response(resp).map(|(p, _)| (p, true))
}

/// Loads every path of a group. Several URLs are fetched concurrently, as
/// pprof does (a timed profile from each of two servers takes the time of
/// one); otherwise one at a time, with the progress line.
fn load_all(paths: &[String], req: &Request, err: &mut dyn Write) -> Vec<Result<(Profile, bool)>> {
    let targets: Vec<Option<http::Target>> = paths.iter().map(|p| target(p, req)).collect();
    if targets.iter().flatten().count() < 2 {
        let mut out = Vec::with_capacity(paths.len());
        for (path, t) in paths.iter().zip(&targets) {
            announce(path, t.as_ref(), err);
            let progress = if req.progress { Some(&mut *err) } else { None };
            out.push(load(path, t.as_ref(), progress));
        }
        return out;
    }
    for (path, t) in paths.iter().zip(&targets) {
        announce(path, t.as_ref(), err);
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = paths
            .iter()
            .zip(&targets)
            .map(|(path, t)| s.spawn(move || load(path, t.as_ref(), None)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::Fetch("loading failed unexpectedly".into())))
            })
            .collect()
    })
}

/// Fetches a group; returns the merged profile (if any loaded), the count
/// loaded and whether any was remote. Per-source errors go to `err`; the
/// error returned is the group's merge failing ([`Error::Incompatible`]).
fn grab(
    paths: &[String],
    req: &Request,
    err: &mut dyn Write,
) -> Result<(Option<Profile>, usize, bool)> {
    let mut loaded = Vec::new();
    let mut failures = Vec::new();
    let mut remote = false;
    for (path, result) in paths.iter().zip(load_all(paths, req, err)) {
        match result {
            Ok((mut p, r)) => {
                merge::ensure_mapping(&mut p);
                remote |= r;
                loaded.push(p);
            }
            Err(e) => failures.push(format!("{path}: {e}")),
        }
    }
    for f in failures {
        let _ = writeln!(err, "{f}");
    }
    let n = loaded.len();
    if n == 0 {
        return Ok((None, 0, remote));
    }
    Ok((Some(merge::combine(loaded)?), n, remote))
}

/// Fetches every source and base of `req` (pprof's messages and errors).
/// Profiles of a group that cannot be merged are [`Error::Incompatible`];
/// a group none of whose profiles loaded is an [`Error::Fetch`] (each
/// failure has been reported on `err`).
pub fn fetch(req: &Request, err: &mut dyn Write) -> Result<Fetched> {
    let (source, n_src, remote_src) = grab(&req.sources, req, err)
        .map_err(|e| Error::Incompatible(format!("problem fetching source profiles: {e}")))?;
    let (base, n_base, remote_base) = grab(&req.bases, req, err)
        .map_err(|e| Error::Incompatible(format!("problem fetching base profiles: {e},")))?;
    let Some(source) = source else {
        return Err(Error::Fetch("failed to fetch any source profiles".into()));
    };
    if n_base == 0 && !req.bases.is_empty() {
        return Err(Error::Fetch("failed to fetch any base profiles".into()));
    }
    if n_src != req.sources.len() {
        let _ = writeln!(
            err,
            "Fetched {n_src} source profiles out of {}",
            req.sources.len()
        );
    }
    if n_base != req.bases.len() {
        let _ = writeln!(
            err,
            "Fetched {n_base} base profiles out of {}",
            req.bases.len()
        );
    }
    Ok(Fetched {
        source,
        base: base.map(|profile| Base {
            profile,
            mode: if req.diff_base {
                BaseMode::Diff
            } else {
                BaseMode::Subtract
            },
        }),
        remote: remote_src || remote_base,
    })
}

/// Loads every source of `req` on its own, for a snapshot series: each
/// one normalised as pprof's `Merge` leaves a single profile and pruned.
/// A source that fails is named on `err` (one line) and skipped.
pub fn fetch_each(req: &Request, err: &mut dyn Write) -> Vec<(String, Profile)> {
    let targets: Vec<Option<http::Target>> = req.sources.iter().map(|p| target(p, req)).collect();
    for (path, t) in req.sources.iter().zip(&targets) {
        announce(path, t.as_ref(), err);
    }
    // Each snapshot is decoded and merged on its own thread, as many at a
    // time as there are cores (a decode is mostly sequential); fetches wait
    // on the network, so up to eight of them run at once.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let remote = targets.iter().any(Option::is_some);
    let workers = if remote { cores.max(8) } else { cores }.min(req.sources.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<Result<Profile>>> = Vec::new();
    results.resize_with(req.sources.len(), || None);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(path) = req.sources.get(i) else {
                            return done;
                        };
                        let one =
                            load(path, targets[i].as_ref(), None).and_then(|(p, _)| single(p));
                        done.push((i, one));
                    }
                })
            })
            .collect();
        for h in handles {
            if let Ok(done) = h.join() {
                for (i, one) in done {
                    results[i] = Some(one);
                }
            }
        }
    });
    let mut out = Vec::new();
    for (path, result) in req.sources.iter().zip(results) {
        match result.unwrap_or_else(|| Err(Error::Fetch("loading failed unexpectedly".into()))) {
            Ok(p) => out.push((path.clone(), p)),
            Err(e) => {
                let _ = writeln!(err, "{path}: {e}");
            }
        }
    }
    out
}

/// One profile made ready on its own, as for a snapshot of a series:
/// normalised as pprof's `Merge` leaves a single profile, then pruned.
pub fn single(mut p: Profile) -> Result<Profile> {
    merge::ensure_mapping(&mut p);
    finish(merge::combine(vec![p])?, "")
}

/// The last load steps on a combined profile: drop/keep frames, then the
/// `-add_comment` text.
fn finish(mut p: Profile, comment: &str) -> Result<Profile> {
    prune::remove_uninteresting(&mut p)?;
    if !comment.is_empty() {
        let c = p.intern_slow(comment);
        p.comments.push(c);
    }
    Ok(p)
}

/// The profile to explore: `source` with `base` applied if there is one
/// ([`base::combine`]), pruned, with the `-add_comment` text. `normalize`
/// without a base is an [`Error::Usage`].
fn combine(source: Profile, base: Option<Base>, normalize: bool, comment: &str) -> Result<Profile> {
    let p = match base {
        Some(b) => base::combine(source, b.profile, b.mode, normalize)?,
        None if normalize => {
            return Err(Error::Usage(
                "must have base profile to normalize by".into(),
            ));
        }
        None => source,
    };
    finish(p, comment)
}

impl Fetched {
    /// The profile to explore (the base applied with [`base::combine`],
    /// then pruned), built from copies: the `Fetched` stays intact for
    /// rebuilding when `normalize` changes.
    pub fn build(&self, normalize: bool, comment: &str) -> Result<Profile> {
        combine(self.source.clone(), self.base.clone(), normalize, comment)
    }

    /// The profile to explore, consuming the fetched profiles (no copy).
    pub fn into_profile(self, normalize: bool, comment: &str) -> Result<Profile> {
        combine(self.source, self.base, normalize, comment)
    }
}
