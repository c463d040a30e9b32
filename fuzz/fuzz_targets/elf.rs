//! ELF and DWARF loading on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| rpprof::fuzz::elf(data));
