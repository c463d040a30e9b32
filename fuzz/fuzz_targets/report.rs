//! Whatever the decoder accepts must also survive the load-time steps
//! (merge, prune) and text reports.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| rpprof::shell_fuzz::report(data));
