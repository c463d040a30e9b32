//! Finding files: the binary behind each mapping (pprof's
//! `locateBinaries`, with HEAD's search list) and the separate debug file
//! behind a binary (GNU build-ID directory, then `.gnu_debuglink` with its
//! CRC checked), as llvm-symbolizer looks them up.
//!
//! The search roots come from the environment only through
//! [`Locator::from_env`], so tests can point them anywhere. Messages about
//! refused files are returned to the caller, never printed here.

use super::binary::{Elf, ObjectFile, debuglink_crc};
use crate::aggregate::nodes::{basename, clean_path};
use crate::model::{Mapping, Profile, StrId};
use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::sync::Arc;

/// Where binaries and debug files are searched.
#[derive(Clone, Debug, Default)]
pub struct Locator {
    /// `$PPROF_BINARY_PATH` (`:`-separated), else `$HOME/pprof/binaries`.
    pub search_path: Vec<String>,
    /// Roots holding `.build-id/` trees and mirrored debug files.
    pub debug_dirs: Vec<String>,
}

impl Locator {
    /// The locator pprof and llvm-symbolizer would use in this environment.
    pub fn from_env() -> Locator {
        let search = match std::env::var("PPROF_BINARY_PATH") {
            Ok(p) if !p.is_empty() => p,
            _ => {
                let home = std::env::var("HOME").unwrap_or_default();
                join(&home, "pprof/binaries")
            }
        };
        Locator {
            search_path: search.split(':').map(str::to_string).collect(),
            debug_dirs: vec!["/usr/lib/debug".to_string()],
        }
    }

    /// The candidate files for a mapping, in pprof's order.
    pub fn candidates(&self, file: &str, build_id: &str) -> Vec<String> {
        let base = if file.is_empty() { "" } else { basename(file) };
        let dir = parent(file);
        let mut out = Vec::new();
        for root in &self.search_path {
            if !build_id.is_empty() {
                out.push(join(&join(root, build_id), base));
                out.extend(glob_dir(&join(root, build_id)));
                out.push(join(&join(root, file), build_id));
                if build_id.len() >= 2 && build_id.is_char_boundary(2) {
                    let (head, tail) = build_id.split_at(2);
                    out.push(join(&join(root, head), &format!("{tail}.debug")));
                }
            }
            if !file.is_empty() {
                out.push(join(root, base));
                out.push(join(root, file));
                out.push(join(root, &format!("{file}.debug")));
                out.push(join(
                    &join(&join(root, &dir), ".debug"),
                    &format!("{base}.debug"),
                ));
                out.push(join(
                    &join(&join(root, "usr/lib/debug"), &dir),
                    &format!("{base}.debug"),
                ));
            }
        }
        out
    }

    /// Points every mapping at the first candidate that opens as an ELF
    /// file with the mapping's build ID. Returns pprof's warnings about
    /// files refused for their build ID.
    pub fn locate_binaries(&self, p: &mut Profile) -> Vec<String> {
        let mut notes = Vec::new();
        // Build IDs by file identity: many spellings of one path (or many
        // mappings of one file) open it once.
        let mut ids: HashMap<(u64, u64), Option<String>> = HashMap::new();
        for mi in 0..p.mappings.len() {
            let m = &p.mappings[mi];
            let (file, bid) = (p.str(m.file).to_string(), p.str(m.build_id).to_string());
            for name in self.candidates(&file, &bid) {
                let Ok(meta) = std::fs::metadata(&name) else {
                    continue;
                };
                let found = ids
                    .entry((meta.dev(), meta.ino()))
                    .or_insert_with(|| build_id_of(&name));
                let Some(found_id) = found.clone() else {
                    continue;
                };
                if !bid.is_empty() && bid != found_id {
                    notes.push(format!(
                        "Ignoring local file {name}: build-id mismatch ({bid} != {found_id})"
                    ));
                    continue;
                }
                let id = p.intern_slow(&name);
                Arc::make_mut(&mut p.mappings)[mi].file = id;
                break;
            }
        }
        notes
    }

    /// The separate debug file of a binary, if there is one: by build ID
    /// under the debug roots, then by `.gnu_debuglink` next to the binary,
    /// in its `.debug/` directory and mirrored under the debug roots.
    pub fn debug_file(&self, binary: &str, elf: &Elf) -> Option<ObjectFile> {
        if elf.build_id.len() > 2 {
            let (head, tail) = elf.build_id.split_at(2);
            for root in &self.debug_dirs {
                let path = format!("{root}/.build-id/{head}/{tail}.debug");
                if let Ok(f) = ObjectFile::open(&path) {
                    return Some(f);
                }
            }
        }
        let (name, crc) = elf.debuglink.as_ref()?;
        let dir = parent(binary);
        let mut paths = vec![join(&dir, name), join(&join(&dir, ".debug"), name)];
        let abs_dir = std::fs::canonicalize(&dir)
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or(dir.clone());
        for root in &self.debug_dirs {
            paths.push(join(&join(root, &abs_dir), name));
        }
        let own = std::fs::canonicalize(binary).ok();
        paths.into_iter().find_map(|path| {
            if own.is_some() && std::fs::canonicalize(&path).ok() == own {
                return None;
            }
            let f = ObjectFile::open(&path).ok()?;
            (debuglink_crc(f.data()) == *crc).then_some(f)
        })
    }
}

/// Applies the binary named on the command line (and `-buildid`): mapping
/// 0 takes it, and so does every mapping with mapping 0's build ID.
pub fn apply_exec_override(p: &mut Profile, exec: &str, build_id: &str) {
    let Some(first) = p.mappings.first() else {
        return;
    };
    let main_id = first.build_id;
    let main_bid = p.str(main_id).to_string();
    if !exec.is_empty() {
        let f = p.intern_slow(exec);
        for (i, m) in Arc::make_mut(&mut p.mappings).iter_mut().enumerate() {
            if i == 0 || (!main_bid.is_empty() && m.build_id == main_id) {
                m.file = f;
            }
        }
    }
    if !build_id.is_empty() && main_bid.is_empty() {
        let b = p.intern_slow(build_id);
        Arc::make_mut(&mut p.mappings)[0].build_id = b;
    }
}

/// True for mappings no binary stands behind (pprof's `Unsymbolizable`).
pub fn unsymbolizable(file: &str) -> bool {
    let base = basename(file);
    file.is_empty()
        || base.starts_with('[')
        || base.starts_with("linux-vdso")
        || file.starts_with("/dev/dri/")
        || file.starts_with("//anon")
        || file.starts_with("/memfd:")
}

/// True when the mapping's file names a URL (remote symbolization's).
pub fn is_url(m: &Mapping, p: &Profile) -> bool {
    let f = p.str(m.file).to_ascii_lowercase();
    m.build_id == StrId::EMPTY && (f.starts_with("http://") || f.starts_with("https://"))
}

/// The build ID of an ELF file, or `None` when it does not open as one.
fn build_id_of(path: &str) -> Option<String> {
    let f = ObjectFile::open(path).ok()?;
    let elf = f.elf().ok()?;
    Some(elf.build_id)
}

/// Go's `filepath.Join` of two slash paths.
fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => String::new(),
        (true, false) => clean_path(b),
        (false, true) => clean_path(a),
        (false, false) => clean_path(&format!("{a}/{b}")),
    }
}

/// Go's `filepath.Dir`.
fn parent(p: &str) -> String {
    match p.rfind('/') {
        Some(i) => clean_path(&p[..=i]),
        None => ".".to_string(),
    }
}

/// Go's `filepath.Glob(dir + "/*")`: the entries of `dir`, sorted.
fn glob_dir(dir: &str) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names.into_iter().map(|n| join(dir, &n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidate_order() {
        let l = Locator {
            search_path: vec!["/p".into()],
            debug_dirs: vec![],
        };
        assert_eq!(
            l.candidates("/usr/bin/app", "abcd"),
            vec![
                "/p/abcd/app",
                "/p/usr/bin/app/abcd",
                "/p/ab/cd.debug",
                "/p/app",
                "/p/usr/bin/app",
                "/p/usr/bin/app.debug",
                "/p/usr/bin/.debug/app.debug",
                "/p/usr/lib/debug/usr/bin/app.debug",
            ]
        );
        assert_eq!(l.candidates("", "").len(), 0);
        assert_eq!(join("bin", "/src/x"), "bin/src/x");
        assert_eq!(parent("/a/b/c"), "/a/b");
        assert_eq!(parent("c"), ".");
    }

    #[test]
    fn unsymbolizable_mappings() {
        for f in [
            "[vdso]",
            "",
            "//anon",
            "/memfd:x (deleted)",
            "/dev/dri/card0",
        ] {
            assert!(unsymbolizable(f), "{f}");
        }
        assert!(!unsymbolizable("/usr/lib/libc.so.6"));
    }
}
