//! The decoder on arbitrary bytes (gzip or not): an error is fine, a panic
//! or an abort is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = rpprof::source::parse(data.to_vec());
});
