//! The command line on arbitrary words (one per input line).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let words: Vec<String> = text.split('\n').take(32).map(str::to_string).collect();
    rpprof::fuzz::command_line(&words);
});
