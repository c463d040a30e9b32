//! Cancelling the running command: on a terminal, Ctrl-C during a report
//! stops that report and the shell prompts again. The shell arms
//! cancellation around each command ([`arm`]); the Ctrl-C handler asks
//! for it ([`interrupt`]); long loops look at [`requested`] and stop
//! early, and the engine and the output turn a request into
//! [`Error::Cancelled`] ([`check`]) so that nothing half built is shown
//! or kept.
//!
//! Below every stage: it depends on nothing but the error type. Cached
//! tables never stop early (a cut-short table would be reused), only the
//! work done for one report.

use crate::error::{Error, Result};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The thread whose command may be cancelled (0: none). Only that
/// thread sees a request, so other threads (tests running side by side,
/// the web server) are never cut short.
static ARMED: AtomicU64 = AtomicU64::new(0);
/// Set by Ctrl-C while armed.
static REQUESTED: AtomicBool = AtomicBool::new(false);

/// A number for the calling thread (from 1).
fn thread_number() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    thread_local! {
        static NUMBER: u64 = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    NUMBER.with(|n| *n)
}

/// Cancellation is armed while this lives.
pub struct Armed(());

impl Drop for Armed {
    fn drop(&mut self) {
        ARMED.store(0, Ordering::SeqCst);
        REQUESTED.store(false, Ordering::SeqCst);
    }
}

/// Arms cancellation for the command about to run on this thread.
pub fn arm() -> Armed {
    REQUESTED.store(false, Ordering::SeqCst);
    ARMED.store(thread_number(), Ordering::SeqCst);
    Armed(())
}

/// Called from the Ctrl-C handler: asks the armed command to stop and
/// returns true, or returns false when nothing is armed (the caller then
/// does what Ctrl-C does by default).
pub fn interrupt() -> bool {
    let armed = ARMED.load(Ordering::SeqCst) != 0;
    if armed {
        REQUESTED.store(true, Ordering::SeqCst);
    }
    armed
}

/// True once the command running on this thread was asked to stop.
#[inline]
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed) && ARMED.load(Ordering::Relaxed) == thread_number()
}

/// [`Error::Cancelled`] once the command running on this thread was asked
/// to stop.
pub fn check() -> Result<()> {
    if requested() {
        Err(Error::Cancelled)
    } else {
        Ok(())
    }
}

/// Tests that arm cancellation take turns (one thread is armed at a time).
#[cfg(test)]
pub(crate) fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctrl_c_cancels_only_an_armed_command() {
        let _turn = one_at_a_time();
        assert!(!interrupt());
        assert!(check().is_ok());
        {
            let _armed = arm();
            assert!(check().is_ok());
            assert!(interrupt());
            assert!(requested());
            assert!(matches!(check(), Err(Error::Cancelled)));
        }
        // Disarmed: the request is forgotten, and the next is not taken.
        assert!(check().is_ok());
        assert!(!interrupt());
    }

    #[test]
    fn only_the_armed_thread_is_cancelled() {
        let _turn = one_at_a_time();
        let _armed = arm();
        assert!(interrupt());
        assert!(requested());
        assert!(!std::thread::spawn(requested).join().unwrap());
    }
}
