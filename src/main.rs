//! The `rpprof` binary: a thin wrapper around [`rpprof::app::run`].

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(rpprof::app::run(argv));
}
