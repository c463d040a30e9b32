//! Keeping a copy of a profile fetched over HTTP, as pprof does: the
//! combined profile is written, gzipped, to
//! `$PPROF_TMPDIR` (else `$HOME/pprof`, else the system temporary
//! directory) as `pprof.<binary>.<type>….NNN.pb.gz`, with the first free
//! number from 001, and stderr says where.
//!
//! Runs once after loading; uses `source::encode`, never changes the
//! profile.

use crate::model::Profile;
use crate::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// pprof's `setTmpDir`: the first candidate directory that can be created
/// (`$PPROF_TMPDIR`, else `$HOME/pprof`, else the system temporary
/// directory), each failure named on `err`. Saved profiles go there, and
/// so do captured snapshots ([`super::capture`]) unless `-output` says
/// otherwise.
pub fn directory(err: &mut dyn Write) -> Option<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("PPROF_TMPDIR").filter(|d| !d.is_empty()) {
        dirs.push(PathBuf::from(d));
    }
    if let Some(h) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        dirs.push(PathBuf::from(h).join("pprof"));
    }
    dirs.push(std::env::temp_dir());
    for d in dirs {
        match std::fs::create_dir_all(&d) {
            Ok(()) => return Some(d),
            Err(e) => {
                let _ = writeln!(
                    err,
                    "Could not use temp dir {}: {}",
                    d.display(),
                    crate::error::io_reason(&e)
                );
            }
        }
    }
    None
}

/// The file name prefix: `pprof.`, the main binary's base name, then each
/// sample type, each followed by a dot.
fn prefix(p: &Profile) -> String {
    let mut s = String::from("pprof.");
    if let Some(b) = p.main_binary() {
        s.push_str(b);
        s.push('.');
    }
    for t in &p.sample_types {
        s.push_str(p.str(t.ty));
        s.push('.');
    }
    s
}

/// Saves `p` and reports `Saved profile in PATH` (or why not) on `err`.
pub fn save_fetched(p: &Profile, err: &mut dyn Write) {
    let Some(dir) = directory(err) else {
        let _ = writeln!(err, "Could not save profile: failed to identify temp dir");
        return;
    };
    let data = super::encode::encode(p);
    let saved = create_free(&dir, &prefix(p), "pb.gz").and_then(|(path, mut f)| {
        f.write_all(&data)
            .map_err(|e| crate::Error::io(format!("write {}", path.display()), &e))?;
        Ok(path)
    });
    match saved {
        Ok(path) => {
            let _ = writeln!(err, "Saved profile in {}", path.display());
        }
        Err(e) => {
            let _ = writeln!(err, "Could not save profile: {e}");
        }
    }
}

/// pprof's `newTempFile`: creates the first free `{stem}NNN.<ext>` file
/// in `dir` (NNN from 001 to 9999) and returns its name and the open file.
/// The file is created exclusively (`create_new`: no existing file or
/// symlink, dangling or not, is ever written through), so concurrent runs
/// never share a name: a name taken meanwhile moves on to the next number.
pub fn create_free(dir: &Path, stem: &str, ext: &str) -> Result<(PathBuf, std::fs::File)> {
    for n in 1..10000 {
        let path = dir.join(format!("{stem}{n:03}.{ext}"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(format!("open {}", path.display()), &e)),
        }
    }
    Err(Error::Usage(format!(
        "could not create file of the form {stem}001.{ext}"
    )))
}
