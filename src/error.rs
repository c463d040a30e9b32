//! The library's error type. Each variant says what kind of thing went
//! wrong; `Display` gives the one line pprof prints for it (lowercase,
//! quoting the offending input). Front ends add context (the source name)
//! and decide how to show it; nothing below them prints an error.

use thiserror::Error;

/// Everything that can go wrong while loading, configuring or reporting.
#[derive(Debug, Error)]
pub enum Error {
    /// Reading or writing a file or stream failed. `context` names the
    /// operation and the path (`open heap.pb.gz`); `reason` is Go's wording.
    #[error("{context}: {reason}")]
    Io {
        /// The operation and the file (`open x.pb.gz`).
        context: String,
        /// What the operating system said, in Go's words.
        reason: String,
        /// The operating system's error kind.
        kind: std::io::ErrorKind,
    },
    /// The gzip container is corrupt or truncated.
    #[error("decompressing profile: {0}")]
    Gzip(String),
    /// The data is not a profile in any known format.
    #[error("parsing profile: {0}")]
    Parse(String),
    /// The protobuf decoded but is inconsistent; the message names the
    /// element (`location 17: unknown mapping id 9`).
    #[error("malformed profile: {0}")]
    Malformed(String),
    /// The input is larger than the configured limit.
    #[error("profile too large: {0}")]
    TooLarge(String),
    /// A regular expression did not compile. `context` says whose it is
    /// (`parsing focus regexp`, `parsing argument regexp Track(`).
    #[error("{context}: {message}")]
    Regexp {
        /// Whose regexp (`parsing focus regexp`).
        context: String,
        /// The regexp engine's message.
        message: String,
    },
    /// An option value was rejected (Go's message, e.g.
    /// `strconv.Atoi: parsing "abc": invalid syntax`).
    #[error("{0}")]
    OptionValue(String),
    /// A command or command line is malformed (unknown command, missing
    /// argument, flags that do not go together).
    #[error("{0}")]
    Usage(String),
    /// A selection matched nothing (`no matches found for regexp: X`).
    #[error("{0}")]
    NoMatch(String),
    /// The profiles cannot be combined or reported as asked (different
    /// sample types, no samples).
    #[error("{0}")]
    Incompatible(String),
    /// Fetching a profile over the network failed.
    #[error("{0}")]
    Fetch(String),
    /// Locating, reading or disassembling a binary failed.
    #[error("{0}")]
    Binary(String),
    /// An external program (Graphviz, a viewer) failed.
    #[error("{0}")]
    Tool(String),
    /// The command was cancelled by Ctrl-C (`crate::cancel`); the shell
    /// prompts again.
    #[error("interrupted")]
    Cancelled,
    /// The reader of our output went away (a closed pipe): not a failure,
    /// front ends stop quietly.
    #[error("broken pipe")]
    BrokenPipe,
}

impl Error {
    /// An I/O error as Go words it: `context: reason`. A closed pipe
    /// becomes [`Error::BrokenPipe`].
    pub fn io(context: impl Into<String>, e: &std::io::Error) -> Error {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Error::BrokenPipe;
        }
        Error::Io {
            context: context.into(),
            reason: io_reason(e),
            kind: e.kind(),
        }
    }
}

/// The reason part of an I/O error, as Go's `os` package words it.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "is a directory".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_lowercase(),
                None => s,
            }
        }
    }
}

/// Why program `program` could not be run, as Go's `os/exec` words it
/// (`exec: "dot": executable file not found in $PATH`).
pub fn exec_reason(program: &str, e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => {
            format!("exec: \"{program}\": executable file not found in $PATH")
        }
        _ => format!("fork/exec {program}: {}", io_reason(e)),
    }
}

/// How a program that ran failed, as Go's `exec.ExitError` words it
/// (`exit status 3`, `signal: killed`).
pub fn exit_reason(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    if let Some(code) = status.code() {
        return format!("exit status {code}");
    }
    // Go's names for the signals a program usually dies of.
    const NAMES: [(i32, &str); 10] = [
        (1, "hangup"),
        (2, "interrupt"),
        (3, "quit"),
        (4, "illegal instruction"),
        (6, "aborted"),
        (7, "bus error"),
        (8, "floating point exception"),
        (9, "killed"),
        (11, "segmentation fault"),
        (15, "terminated"),
    ];
    match status.signal() {
        Some(sig) => match NAMES.iter().find(|(n, _)| *n == sig) {
            Some((_, name)) => format!("signal: {name}"),
            None => format!("signal: signal {sig}"),
        },
        None => status.to_string(),
    }
}

/// Result alias for the library.
pub type Result<T> = std::result::Result<T, Error>;
