//! Source files for `list` and `weblist`: pprof's look-up of a profile's
//! file name on the search path (`source_path`, or the current directory),
//! after the same trimming as the displayed names, and a per-report cache of
//! their lines.
//!
//! A file name that is still absolute after trimming must exist as is; a
//! relative one is tried under every search directory and then under each of
//! its parents up to the root. Errors are kept per file and reported by the
//! caller; nothing here formats values or decides which lines to show.

use crate::aggregate::nodes::{clean_path, trim_path};
use std::collections::HashMap;
use std::io::Read;

/// The longest line pprof's line scanner accepts; a longer one ends the file.
const MAX_LINE: usize = 64 * 1024;

/// The largest source file read.
const MAX_FILE: u64 = 256 << 20;

/// Reads and caches source files.
pub struct SourceReader {
    search: String,
    trim: String,
    files: HashMap<String, (Vec<String>, Option<String>)>,
}

impl SourceReader {
    /// A reader for `source_path` (the current directory when empty) and
    /// `trim_path`.
    pub fn new(source_path: &str, trim_path: &str) -> crate::Result<SourceReader> {
        let search = if source_path.is_empty() {
            std::env::current_dir()
                .map_err(|e| crate::Error::io("could not stat current dir", &e))?
                .to_string_lossy()
                .into_owned()
        } else {
            source_path.to_string()
        };
        Ok(SourceReader {
            search,
            trim: trim_path.to_string(),
            files: HashMap::new(),
        })
    }

    fn load(&mut self, path: &str) -> &(Vec<String>, Option<String>) {
        if !self.files.contains_key(path) {
            let loaded = match open(path, &self.search, &self.trim) {
                Ok((f, shown)) => {
                    let mut data = Vec::new();
                    // A read failure (a directory) leaves the file empty,
                    // without an error, as in pprof.
                    match f.take(MAX_FILE + 1).read_to_end(&mut data) {
                        Ok(n) if n as u64 > MAX_FILE => (
                            Vec::new(),
                            Some(format!(
                                "open {shown}: larger than {} MiB, not read",
                                MAX_FILE >> 20
                            )),
                        ),
                        _ => (split_lines(&data), None),
                    }
                }
                Err(e) => (Vec::new(), Some(e)),
            };
            self.files.insert(path.to_string(), loaded);
        }
        &self.files[path]
    }

    /// Line `n` (1-based) of `path`, without its line ending; `None` past
    /// the end of the file or when it cannot be read.
    pub fn line(&mut self, path: &str, n: i64) -> Option<&str> {
        let (lines, _) = self.load(path);
        if n < 1 {
            return None;
        }
        lines.get(n as usize - 1).map(String::as_str)
    }

    /// Why `path` could not be opened, once [`SourceReader::line`] tried.
    pub fn error(&self, path: &str) -> Option<&str> {
        self.files.get(path).and_then(|(_, e)| e.as_deref())
    }
}

/// Splits file contents into lines like Go's `bufio.Scanner`: `\n`
/// separated, a trailing `\r` dropped, no empty line after a final newline.
fn split_lines(data: &[u8]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let (line, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        if line.len() >= MAX_LINE {
            break;
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        lines.push(crate::model::utf8::from_bytes(line));
        rest = next;
    }
    lines
}

/// Go's `filepath.Dir` for slash-separated paths.
fn parent(dir: &str) -> String {
    match dir.rfind('/') {
        Some(i) => clean_path(&dir[..=i]),
        None => ".".to_string(),
    }
}

/// Go's `filepath.Join(dir, path)`.
fn join(dir: &str, path: &str) -> String {
    if dir.is_empty() {
        clean_path(path)
    } else {
        clean_path(&format!("{dir}/{path}"))
    }
}

/// Why the file at `path` is not read as source, if it is not: a profile
/// names the files, so only regular files (and directories, which read as
/// empty, as in pprof) are opened, never a device, a FIFO (opening one
/// waits for a writer) or a file of `/proc`, `/sys` or `/dev`.
fn refused(path: &str) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() && !meta.is_dir() {
        return Some(format!("open {path}: not a regular file"));
    }
    let real = std::fs::canonicalize(path).ok()?;
    ["/proc", "/sys", "/dev"]
        .iter()
        .any(|d| real.starts_with(d))
        .then(|| format!("open {path}: a system file ({}), not read", real.display()))
}

/// pprof's `openSourceFile`, with [`refused`]'s checks: the file and the
/// name it was found under.
fn open(path: &str, search: &str, trim: &str) -> Result<(std::fs::File, String), String> {
    let path = trim_path(path, trim, search);
    if path.starts_with('/') {
        if let Some(why) = refused(&path) {
            return Err(why);
        }
        return std::fs::File::open(&path)
            .map(|f| (f, path.clone()))
            .map_err(|e| format!("open {path}: {}", crate::error::io_reason(&e)));
    }
    if !search.is_empty() {
        for start in search.split(':') {
            let mut dir = start.to_string();
            loop {
                let candidate = join(&dir, &path);
                if let Some(why) = refused(&candidate) {
                    return Err(why);
                }
                if let Ok(f) = std::fs::File::open(&candidate) {
                    return Ok((f, candidate));
                }
                let up = parent(&dir);
                if up == dir {
                    break;
                }
                dir = up;
            }
        }
    }
    Err(format!("could not find file {path} on path {search}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_path_helpers() {
        assert_eq!(parent("nowhere"), ".");
        assert_eq!(parent("."), ".");
        assert_eq!(parent("/a/b"), "/a");
        assert_eq!(parent("/a"), "/");
        assert_eq!(parent("/"), "/");
        assert_eq!(parent("src/leak/"), "src/leak");
        assert_eq!(join("", "x/y.go"), "x/y.go");
        assert_eq!(join("src/leak", "./main.go"), "src/leak/main.go");
    }

    #[cfg(unix)]
    #[test]
    fn devices_fifos_and_system_files_are_not_read() {
        let mut r = SourceReader::new("/", "").unwrap();
        assert_eq!(r.line("/dev/urandom", 1), None);
        assert_eq!(
            r.error("/dev/urandom"),
            Some("open /dev/urandom: not a regular file")
        );
        assert_eq!(r.line("/proc/self/environ", 1), None);
        let e = r.error("/proc/self/environ").unwrap();
        assert!(
            e.starts_with("open /proc/self/environ: a system file (/proc/"),
            "{e}"
        );
        let dir = std::env::temp_dir().join(format!("rpprof-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("src.go");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(
            made.is_ok_and(|s| s.success()),
            "mkfifo (coreutils) makes a FIFO"
        );
        let f = fifo.display().to_string();
        assert_eq!(r.line(&f, 1), None, "no wait for a writer");
        assert_eq!(
            r.error(&f),
            Some(format!("open {f}: not a regular file").as_str())
        );
        // A relative name found through a symlink into /proc is refused too.
        std::os::unix::fs::symlink("/proc/self/environ", dir.join("env.go")).unwrap();
        let mut r = SourceReader::new(&dir.display().to_string(), "").unwrap();
        assert_eq!(r.line("env.go", 1), None);
        assert!(r.error("env.go").unwrap().contains("a system file"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn splits_like_a_line_scanner() {
        assert_eq!(split_lines(b"a\r\nb\n\nc"), ["a", "b", "", "c"]);
        assert_eq!(split_lines(b"a\n"), ["a"]);
        assert!(split_lines(b"").is_empty());
    }

    #[test]
    fn searches_parents_of_the_search_path() {
        let root = env!("CARGO_MANIFEST_DIR");
        let search = format!("{root}/tests/data/src/leak/deeper/still");
        let mut r = SourceReader::new(&search, "").unwrap();
        // "tests/data/src/leak/main.go" is found from an ancestor directory.
        assert_eq!(
            r.line("tests/data/src/leak/main.go", 3),
            Some("package main")
        );
        assert_eq!(r.line("nope/x.go", 1), None);
        assert_eq!(
            r.error("nope/x.go"),
            Some(format!("could not find file nope/x.go on path {search}").as_str())
        );
        let mut abs = SourceReader::new("nowhere", "").unwrap();
        assert_eq!(abs.line("/nonexistent/x.go", 1), None);
        assert_eq!(
            abs.error("/nonexistent/x.go"),
            Some("open /nonexistent/x.go: no such file or directory")
        );
    }
}
