//! The shell's grammar and line processing on arbitrary text, against the
//! leak example's last heap snapshot.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rpprof::model::Profile;
use std::sync::OnceLock;

fn profile() -> &'static Profile {
    static P: OnceLock<Profile> = OnceLock::new();
    P.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/data/leak/heap_5.pb.gz"
        );
        rpprof::app::load(&[path.to_string()], &mut std::io::sink()).expect("heap_5 loads")
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        rpprof::shell_fuzz::shell(profile(), text);
    }
});
