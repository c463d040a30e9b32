//! The library's error type. Messages are one line, lowercase, and quote the
//! offending input; the binary adds context (the source name).

use thiserror::Error;

/// Everything that can go wrong while loading or reporting.
#[derive(Debug, Error)]
pub enum Error {
    /// Reading a file or stream failed.
    #[error("{0}")]
    Io(String),
    /// The gzip container is corrupt or truncated.
    #[error("decompressing profile: {0}")]
    Gzip(String),
    /// The data is not a profile in any known format.
    #[error("parsing profile: {0}")]
    Parse(String),
    /// The protobuf decoded but is inconsistent.
    #[error("malformed profile: {0}")]
    Malformed(String),
    /// The input is larger than the configured limit.
    #[error("profile too large: {0}")]
    TooLarge(String),
    /// A report could not be produced.
    #[error("{0}")]
    Report(String),
}

/// Result alias for the library.
pub type Result<T> = std::result::Result<T, Error>;
