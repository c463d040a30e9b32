//! Resolving a binary's sorted, deduplicated addresses on every core:
//! contiguous chunks (so each thread touches few compilation units), one
//! [`Resolver`] — one `addr2line` context — per thread, all threads
//! borrowing the same memory-mapped sections.
//!
//! Produces plain data ([`Resolved`]); writing into the profile is
//! `write`'s job. When asked (stderr is a terminal), a progress line shows
//! on stderr once the work has taken half a second, and is erased after.

use super::address::ElfAddr;
use super::frames::{Dwarf, Frame, Resolver};
use super::symbols::SymbolTable;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Below this many addresses per thread a second thread does not pay for
/// its own DWARF context.
const MIN_ADDRESSES_PER_THREAD: usize = 2000;

/// The frames of every address, by chunk.
pub struct Resolved<'d> {
    pub chunks: Vec<Chunk<'d>>,
    /// The first address index of each chunk.
    starts: Vec<usize>,
}

/// One thread's results: per address a range of `frames`, and the file
/// names its frames' file indices refer to.
pub struct Chunk<'d> {
    pub frames: Vec<Frame<'d>>,
    ranges: Vec<(u32, u32)>,
    pub files: Vec<String>,
}

impl<'d> Resolved<'d> {
    /// The chunk index and the frames of address `i`, innermost first.
    pub fn frames(&self, i: usize) -> (usize, &[Frame<'d>]) {
        let c = self.starts.partition_point(|&s| s <= i) - 1;
        let chunk = &self.chunks[c];
        let (a, b) = chunk.ranges[i - self.starts[c]];
        (c, &chunk.frames[a as usize..b as usize])
    }
}

/// Addresses resolved between two updates of the shared progress count.
const PROGRESS_STEP: usize = 512;

fn resolve_chunk<'d>(
    dwarf: &'d Dwarf<'d>,
    symbols: &'d SymbolTable<'d>,
    addrs: &[ElfAddr],
    done: &AtomicUsize,
) -> Chunk<'d> {
    let mut r = Resolver::new(dwarf, symbols);
    let mut frames = Vec::with_capacity(addrs.len() * 4);
    let mut ranges = Vec::with_capacity(addrs.len());
    for (i, &a) in addrs.iter().enumerate() {
        let s = frames.len() as u32;
        r.frames(a, &mut frames);
        ranges.push((s, frames.len() as u32));
        if i % PROGRESS_STEP == PROGRESS_STEP - 1 {
            done.fetch_add(PROGRESS_STEP, Ordering::Relaxed);
        }
    }
    Chunk {
        frames,
        ranges,
        files: std::mem::take(&mut r.files.names),
    }
}

/// Resolves `addrs` (sorted) with as many threads as there are cores and
/// work for; with `progress`, shows `progress: N%` on stderr while slow.
pub fn resolve_all<'d>(
    dwarf: &'d Dwarf<'d>,
    symbols: &'d SymbolTable<'d>,
    addrs: &[ElfAddr],
    progress: Option<&str>,
) -> Resolved<'d> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(addrs.len() / MIN_ADDRESSES_PER_THREAD).max(1);
    let per = addrs.len().div_ceil(threads).max(1);
    let starts: Vec<usize> = (0..threads)
        .map(|t| t * per)
        .filter(|&s| s == 0 || s < addrs.len())
        .collect();
    let done = AtomicUsize::new(0);
    let finished = AtomicUsize::new(0);
    let chunks = std::thread::scope(|s| {
        let reporter = progress.map(|label| {
            let (done, finished) = (&done, &finished);
            s.spawn(move || show_progress(label, addrs.len(), done, finished))
        });
        let chunks: Vec<Chunk> = if starts.len() == 1 {
            vec![resolve_chunk(dwarf, symbols, addrs, &done)]
        } else {
            let handles: Vec<_> = starts
                .iter()
                .map(|&st| {
                    let part = &addrs[st..(st + per).min(addrs.len())];
                    let done = &done;
                    s.spawn(move || resolve_chunk(dwarf, symbols, part, done))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        };
        finished.store(1, Ordering::Relaxed);
        if let Some(r) = reporter {
            r.thread().unpark();
        }
        chunks
    });
    Resolved { chunks, starts }
}

/// The progress line: silent for the first half second, then the share of
/// addresses resolved, erased when the work is done.
///
/// Hand-drawn rather than an indicatif bar (which `-capture` uses): it is
/// drawn from this worker thread while the front end holds the stderr lock
/// for the whole run (`app::run`), and indicatif's draw target takes that
/// lock itself — its ticker thread deadlocked there when capture tried it.
/// One `\r` line needs no more than this.
fn show_progress(label: &str, total: usize, done: &AtomicUsize, finished: &AtomicUsize) {
    let start = Instant::now();
    let mut shown = 0;
    while finished.load(Ordering::Relaxed) == 0 {
        std::thread::park_timeout(Duration::from_millis(50));
        if start.elapsed() < Duration::from_millis(500) {
            continue;
        }
        let pct = done.load(Ordering::Relaxed) * 100 / total.max(1);
        let line = format!("{label}: {pct}% of {total} addresses");
        shown = shown.max(line.len());
        let _ = write!(std::io::stderr(), "\r{line}");
    }
    if shown > 0 {
        let _ = write!(std::io::stderr(), "\r{:shown$}\r", "");
    }
}
