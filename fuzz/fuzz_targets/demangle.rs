//! The demangler on arbitrary symbol names, in every style.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(name) = std::str::from_utf8(data) {
        rpprof::fuzz::demangle_all(name);
    }
});
