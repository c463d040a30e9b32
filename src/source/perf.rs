//! `perf.data` files, as pprof reads them: a local file that starts with
//! `PERFILE2` (what `perf record` writes) is handed to Google's
//! `perf_to_profile` converter, when it is on `PATH`, and the profile it
//! writes is read instead. rpprof does not parse perf's format itself.
//!
//! Part of the source stage: called from [`super::load_path`]; the
//! notice on stderr is the fetcher's ([`notice`]).

use crate::error::{Error, exec_reason, exit_reason};
use crate::model::Profile;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

/// The converter pprof runs.
const CONVERTER: &str = "perf_to_profile";

/// True when `path` is a file whose first bytes are `PERFILE2` (false for
/// anything that cannot be opened or read, as in pprof).
pub fn is_perf_file(path: &str) -> bool {
    let mut head = [0u8; 8];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"PERFILE2")
}

/// pprof's line before converting `path`.
pub fn notice(path: &str) -> String {
    format!("Converting {path} to a profile.proto... (May take a few minutes)")
}

/// Runs `perf_to_profile -i PATH -o TMP -f` (its output passed through
/// to ours, as pprof does) and returns the profile it wrote;
/// the temporary file is removed either way.
pub fn convert(path: &str) -> Result<Profile, Error> {
    let (tmp, file) = super::save::create_free(&std::env::temp_dir(), "pprof_", "pb.gz")?;
    drop(file);
    let converted = run(path, &tmp).and_then(|()| super::load_file(&tmp.to_string_lossy()));
    let _ = std::fs::remove_file(&tmp);
    converted
}

fn run(path: &str, out: &Path) -> Result<(), Error> {
    let fail = |reason: String| {
        Error::Tool(format!(
            "failed to convert perf.data file. Try github.com/google/perf_data_converter: {reason}"
        ))
    };
    let status = Command::new(CONVERTER)
        .arg("-i")
        .arg(path)
        .arg("-o")
        .arg(out)
        .arg("-f")
        .stdin(Stdio::null())
        .status()
        .map_err(|e| fail(exec_reason(CONVERTER, &e)))?;
    if !status.success() {
        return Err(fail(exit_reason(status)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_starting_with_perfile2_are_perf_data() {
        let dir = std::env::temp_dir().join(format!("rpprof-perf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let cases: [(&str, &[u8], bool); 4] = [
            ("perf.data", b"PERFILE2\x68\0\0\0\0\0\0\0", true),
            ("short", b"PERFILE", false),
            ("other", b"PERFILE1xxxxxxxx", false),
            ("empty", b"", false),
        ];
        for (name, bytes, want) in cases {
            let p = dir.join(name);
            std::fs::write(&p, bytes).unwrap();
            assert_eq!(is_perf_file(p.to_str().unwrap()), want, "{name}");
        }
        assert!(!is_perf_file(dir.join("missing").to_str().unwrap()));
        assert!(!is_perf_file(dir.to_str().unwrap()));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
