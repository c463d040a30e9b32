//! Whatever the decoder accepts must also survive the load-time steps
//! (merge, prune) and text reports.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rpprof::config::Config;
use rpprof::model::{merge, prune};
use rpprof::shell::session::Session;

fuzz_target!(|data: &[u8]| {
    let Ok(p) = rpprof::source::parse(data.to_vec()) else {
        return;
    };
    let Ok(mut p) = merge::merge(&[&p]) else {
        return;
    };
    if prune::remove_uninteresting(&mut p).is_err() {
        return;
    }
    merge::ensure_mapping(&mut p);
    let mut s = Session::new(p, Config::default());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    for line in [
        "top",
        "top -cum",
        "peek .",
        "traces",
        "tags",
        "raw",
        "granularity=lines",
        "top",
    ] {
        s.execute(line, &mut out, &mut err);
    }
});
