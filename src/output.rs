//! Where a finished report goes: stdout, the `-output`/`>f` file, a new
//! `profileNNN.<ext>` file for binary formats, Graphviz for images, or a
//! viewer. The last stage of the pipeline; it never overwrites a file the
//! user did not name.

use crate::commands::{CommandSpec, Output};
use crate::engine::Answer;
use crate::render::text::{self, Layout, Rendered};
use crate::render::{color, svgpan};
use crate::report::Report;
use crate::{Error, Result};
use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Context of a delivery.
pub struct Target<'a> {
    /// The `output` option or the `>f` argument ("" when none).
    pub output: &'a str,
    /// True in the interactive shell.
    pub interactive: bool,
    /// True when stdout is a terminal.
    pub stdout_tty: bool,
    /// True when stderr is a terminal (messages quoting profile strings
    /// are sanitized there).
    pub stderr_tty: bool,
    /// How rpprof's own tables are laid out.
    pub layout: Layout,
}

/// Writes `data` into a new `{stem}NNN.<ext>` file of `dir` (see
/// [`crate::source::save::create_free`]); returns its name.
fn write_free(dir: &Path, stem: &str, ext: &str, data: &[u8]) -> Result<PathBuf> {
    let (path, mut f) = crate::source::save::create_free(dir, stem, ext)?;
    f.write_all(data)
        .map_err(|e| Error::io(path.display().to_string(), &e))?;
    Ok(path)
}

/// Graphviz's drawing of DOT text in format `fmt`; an SVG gets pan and
/// zoom ([`svgpan`]).
pub fn draw(dot: &str, fmt: &str) -> Result<Vec<u8>> {
    let drawn = run_dot(dot, fmt)?;
    if fmt != "svg" {
        return Ok(drawn);
    }
    Ok(match String::from_utf8(drawn) {
        Ok(svg) => svgpan::add_pan_zoom(&svg).into_bytes(),
        Err(e) => e.into_bytes(),
    })
}

/// Runs Graphviz `dot -T<fmt>` on DOT text.
fn run_dot(dot: &str, fmt: &str) -> Result<Vec<u8>> {
    let fail = |e: String| {
        Error::Tool(format!(
            "failed to execute dot. Is Graphviz installed? Error: {e}"
        ))
    };
    let mut child = Command::new("dot")
        .arg(format!("-T{fmt}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            // pprof's words, and what draws without Graphviz.
            let reason = crate::error::exec_reason("dot", &e);
            match e.kind() {
                std::io::ErrorKind::NotFound => fail(format!(
                    "{reason} (flamegraph and flame draw without Graphviz)"
                )),
                _ => fail(reason),
            }
        })?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let text = dot.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().map_err(|e| fail(e.to_string()))?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(fail(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    Ok(out.stdout)
}

/// pprof's line naming the file a report goes to.
fn announce(path: &Path, err: &mut dyn Write) {
    let _ = writeln!(err, "Generating report in {}", path.display());
}

fn write_file(path: &Path, data: &[u8], err: &mut dyn Write) -> Result<()> {
    announce(path, err);
    std::fs::write(path, data).map_err(|e| Error::io(path.display().to_string(), &e))
}

/// True when programs can open windows: always on macOS and Windows, with
/// an X or Wayland display elsewhere.
fn has_display() -> bool {
    cfg!(any(target_os = "macos", windows))
        || ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()))
}

/// The commands tried, in order, to show a file with viewer `kind`:
/// `$BROWSER` first, then (with a display) the platform opener and the
/// browsers pprof tries.
fn viewer_commands(kind: &str) -> Vec<Vec<String>> {
    let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    match kind {
        "browser" => {
            let mut v: Vec<Vec<String>> = Vec::new();
            if let Ok(b) = std::env::var("BROWSER")
                && !b.trim().is_empty()
            {
                v.push(words(&b));
            }
            if has_display() {
                let opener = if cfg!(target_os = "macos") {
                    "open"
                } else if cfg!(windows) {
                    "explorer"
                } else {
                    "xdg-open"
                };
                v.push(words(opener));
                for b in [
                    "chrome",
                    "google-chrome",
                    "chromium",
                    "firefox",
                    "sensible-browser",
                ] {
                    v.push(words(b));
                }
            }
            v
        }
        "gv" => vec![words("gv --noantialias")],
        other => vec![words(other)],
    }
}

/// Opens `url` in a browser (the web UI), without waiting; with none to
/// run, one line on `err` says where to go.
pub fn open_browser(url: &str, err: &mut dyn Write) {
    open_viewer("browser", std::ffi::OsStr::new(url), false, err);
}

/// Opens `path` (a file or URL) with the first viewer that starts; waits
/// for it to exit when `wait` (command-line mode), as pprof does. With no
/// viewer to run the file stays where it is and one line on `err` says so.
fn open_viewer(kind: &str, path: &std::ffi::OsStr, wait: bool, err: &mut dyn Write) {
    for c in viewer_commands(kind) {
        let Some((prog, args)) = c.split_first() else {
            continue;
        };
        if let Ok(mut child) = Command::new(prog)
            .args(args)
            .arg(path)
            .stdout(Stdio::null())
            .spawn()
        {
            if wait {
                let _ = child.wait();
            }
            return;
        }
    }
    let what = match kind {
        "browser" => "no browser found (set $BROWSER)".to_string(),
        other => format!("{other} not found"),
    };
    let _ = writeln!(err, "{what}: open {}", path.to_string_lossy());
}

/// Delivers `rendered` for command `spec`. A closed stdout is
/// [`Error::BrokenPipe`].
pub fn deliver(
    rendered: &Rendered,
    spec: &CommandSpec,
    t: &Target,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let image = match spec.output {
        Output::Image(fmt) | Output::Viewer(_, fmt @ ("svg" | "pdf" | "ps")) => Some(fmt),
        _ => None,
    };
    let data: Cow<[u8]> = match (rendered, image) {
        (Rendered::Text(s), Some(fmt)) => Cow::Owned(draw(&crate::model::utf8::lossy(s), fmt)?),
        // Profile bytes that are not UTF-8 go out as they came in.
        (Rendered::Text(s), None) => crate::model::utf8::to_bytes(s),
        (Rendered::Bytes(b), _) => Cow::Borrowed(b),
    };
    let data = data.as_ref();
    if !t.output.is_empty() {
        return write_file(Path::new(t.output), data, err);
    }
    if let Output::Viewer(kind, ext) = spec.output {
        let path = write_free(&std::env::temp_dir(), "pprof", ext, data)?;
        open_viewer(kind, path.as_os_str(), !t.interactive, err);
        return Ok(());
    }
    let ext = match spec.output {
        Output::File(ext) | Output::Image(ext) => Some(ext),
        _ => None,
    };
    if let Some(ext) = ext
        && (t.interactive || t.stdout_tty)
    {
        let path = write_free(Path::new("."), "profile", ext, data)?;
        announce(path.strip_prefix(".").unwrap_or(&path), err);
        return Ok(());
    }
    // In pieces, so that Ctrl-C stops a long report on a slow terminal.
    for piece in data.chunks(64 << 10) {
        crate::cancel::check()?;
        out.write_all(piece).map_err(|e| Error::io("write", &e))?;
    }
    out.flush().map_err(|e| Error::io("write", &e))
}

/// Prints an answer's messages on `err` (sanitized on a terminal).
pub fn messages(answer: &Answer, t: &Target, err: &mut dyn Write) {
    for m in &answer.messages {
        let text = color::for_stream(m, t.stderr_tty);
        let _ = err.write_all(&crate::model::utf8::to_bytes(&text));
        let _ = err.write_all(b"\n");
    }
}

/// Prints an answer's messages on `err` (sanitized on a terminal),
/// renders its report for the target (pprof's text, or the terminal form
/// with colour from the data) and delivers it. Returns the report.
pub fn show(
    answer: Answer,
    spec: &CommandSpec,
    t: &Target,
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Report> {
    messages(&answer, t, err);
    if !answer.printed.is_empty() {
        let text = color::for_stream(&answer.printed, t.stdout_tty);
        out.write_all(&crate::model::utf8::to_bytes(&text))
            .map_err(|e| Error::io("write", &e))?;
    }
    let report = answer.result?;
    let on_screen = t.output.is_empty() && spec.output == Output::Text;
    let rendered = if on_screen && (color || t.stdout_tty) {
        color::terminal(&report, color, &t.layout)
    } else {
        text::plain(&report, &t.layout)
    };
    // A rendering cut short by Ctrl-C is never shown.
    crate::cancel::check()?;
    deliver(&rendered, spec, t, out, err)?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use crate::source::save::create_free;

    #[cfg(unix)]
    #[test]
    fn never_reuses_a_name_nor_follows_a_symlink() {
        let dir = std::env::temp_dir().join(format!("rpprof-out-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (a, _) = create_free(&dir, "profile", "pb.gz").unwrap();
        assert!(a.ends_with("profile001.pb.gz"));
        let (b, _) = create_free(&dir, "profile", "pb.gz").unwrap();
        assert!(b.ends_with("profile002.pb.gz"));
        // A dangling symlink where the next name would be is skipped, and
        // what it points at is not created.
        let target = dir.join("elsewhere");
        std::os::unix::fs::symlink(&target, dir.join("profile003.pb.gz")).unwrap();
        let (c, _) = create_free(&dir, "profile", "pb.gz").unwrap();
        assert!(c.ends_with("profile004.pb.gz"));
        assert!(!target.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Ctrl-C while a report is printed stops it at the next piece.
    #[test]
    fn ctrl_c_stops_printing_at_the_next_piece() {
        use super::*;
        struct Interrupting(Vec<u8>);
        impl Write for Interrupting {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                assert!(crate::cancel::interrupt());
                self.0.extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let _turn = crate::cancel::one_at_a_time();
        let spec = crate::commands::command("traces").unwrap();
        let t = Target {
            output: "",
            interactive: true,
            stdout_tty: true,
            stderr_tty: true,
            layout: Layout::detect(false, false),
        };
        let text = "x".repeat(1 << 20);
        let rendered = Rendered::Text(std::borrow::Cow::Borrowed(&text));
        let mut out = Interrupting(Vec::new());
        let armed = crate::cancel::arm();
        let r = deliver(&rendered, spec, &t, &mut out, &mut Vec::new());
        drop(armed);
        assert!(matches!(r, Err(Error::Cancelled)), "{r:?}");
        assert_eq!(out.0.len(), 64 << 10);
        // Not armed: everything is written.
        let mut out = Vec::new();
        deliver(&rendered, spec, &t, &mut out, &mut Vec::new()).unwrap();
        assert_eq!(out.len(), 1 << 20);
    }

    #[test]
    fn concurrent_writers_get_distinct_names() {
        let dir = std::env::temp_dir().join(format!("rpprof-race-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let names: Vec<_> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..20)
                .map(|_| s.spawn(|| create_free(&dir, "pprof", "svg").unwrap().0))
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 20);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
