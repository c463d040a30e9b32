//! Where profile bytes come from: files, stdin and HTTP ([`http`]); gzip
//! sniffing; format detection (protobuf via [`decode`], then the legacy
//! formats of the private `legacy` module); and [`fetch`], which loads
//! every source and base of a command line and combines them ([`save`]
//! keeps a copy of what came over HTTP; [`capture`] fetches a series of
//! snapshots from one URL into files; [`perf`] has `perf.data` files
//! converted). First stage of the pipeline:
//! `source` → `decode`/`legacy` → model. Nothing here filters or reports.
//! Failures are [`Error`]s; the legacy parsers' own `Failure` (a format
//! not recognised, so the next one is tried) never leaves this module.

pub mod capture;
pub mod decode;
pub mod encode;
pub mod fetch;
pub(crate) mod http;
mod legacy;
pub mod perf;
pub mod save;

use crate::error::Error;
use crate::model::Profile;
use flate2::read::MultiGzDecoder;
use std::io::Read;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// The largest input accepted by default, read or decompressed: it
/// guards against gzip bombs and endless inputs such as `/dev/zero`.
/// Real profiles are far smaller (the 2M-sample benchmark is 348 MB).
pub const DEFAULT_INPUT_BYTES: u64 = 512 << 20;

/// The largest input accepted: `RPPROF_MAX_INPUT_BYTES` (bytes, or with a
/// `K`, `M` or `G` suffix), else [`DEFAULT_INPUT_BYTES`].
pub fn input_limit() -> u64 {
    size_from_env("RPPROF_MAX_INPUT_BYTES").unwrap_or(DEFAULT_INPUT_BYTES)
}

/// The most memory one profile may take while it is decoded, by default:
/// its input, its tables and its sample columns together (the 2M-sample
/// benchmark profile needs 0.85 GiB).
pub const DEFAULT_MEMORY_BYTES: u64 = 1 << 30;

/// The memory limit of decoding one profile: `RPPROF_MAX_MEMORY` (bytes,
/// or with a `K`, `M` or `G` suffix), else [`DEFAULT_MEMORY_BYTES`]. A few
/// bytes of gzip can name billions of samples; decoders check what they
/// are about to allocate against this before allocating it.
pub fn memory_limit() -> u64 {
    size_from_env("RPPROF_MAX_MEMORY").unwrap_or(DEFAULT_MEMORY_BYTES)
}

/// The error for a profile whose decoding would need `need` bytes, more
/// than [`memory_limit`]; `what` says what needs them.
pub fn over_memory_limit(what: &str, need: u64) -> Error {
    Error::TooLarge(memory_limit_message(what, need))
}

/// The words of [`over_memory_limit`].
fn memory_limit_message(what: &str, need: u64) -> String {
    format!(
        "{what} need {} MiB, over the limit of {} MiB (set RPPROF_MAX_MEMORY, e.g. \
         RPPROF_MAX_MEMORY=8G, to raise it)",
        need.div_ceil(1 << 20),
        memory_limit() >> 20
    )
}

/// A size in environment variable `var`: bytes, or with a `K`, `M` or `G`
/// suffix (powers of 1024); `None` when unset or not a size.
pub fn size_from_env(var: &str) -> Option<u64> {
    let v = std::env::var(var).ok()?;
    let v = v.trim();
    let (n, mult) = match v.as_bytes().last() {
        Some(b'K' | b'k') => (&v[..v.len() - 1], 1u64 << 10),
        Some(b'M' | b'm') => (&v[..v.len() - 1], 1 << 20),
        Some(b'G' | b'g') => (&v[..v.len() - 1], 1 << 30),
        _ => (v, 1),
    };
    n.parse::<u64>().ok()?.checked_mul(mult)
}

/// Reads all of `r`, refusing more than [`input_limit`]; `what` says
/// which bytes were counted, `failed` words a read error.
fn read_capped(
    r: impl Read,
    hint: usize,
    what: &str,
    failed: impl Fn(std::io::Error) -> Error,
) -> Result<Vec<u8>, Error> {
    let limit = input_limit();
    let cap = limit.saturating_add(1);
    let mut r = r.take(cap);
    let mut buf: Vec<u8> = Vec::new();
    // One byte past the hint, so that finding the end of an input of the
    // hinted size needs no more room.
    buf.reserve_exact(hint.min(limit as usize).saturating_add(1));
    // Grow by doubling, but never past the limit: an endless input costs
    // the limit, not the next power of two above it.
    loop {
        if buf.len() == buf.capacity() {
            let more = buf
                .len()
                .max(64 << 10)
                .min((cap - buf.len() as u64) as usize);
            if more == 0 {
                break;
            }
            buf.reserve_exact(more);
        }
        let spare = (buf.capacity() - buf.len()) as u64;
        if (&mut r)
            .take(spare)
            .read_to_end(&mut buf)
            .map_err(&failed)?
            == 0
        {
            break;
        }
    }
    if buf.len() as u64 > limit {
        return Err(over_input_limit(what));
    }
    // Give back what doubling reserved beyond the input: decoding counts
    // the input's bytes against the memory limit.
    buf.shrink_to_fit();
    Ok(buf)
}

/// The error for an input longer than [`input_limit`]; `what` says which
/// bytes were counted.
fn over_input_limit(what: &str) -> Error {
    Error::TooLarge(format!(
        "more than {} bytes {what} (set RPPROF_MAX_INPUT_BYTES, e.g. \
         RPPROF_MAX_INPUT_BYTES=8G, to raise the limit)",
        input_limit()
    ))
}

/// Bytes of decompressed data handed from the inflating thread to the
/// decoder at a time.
const CHUNK_BYTES: usize = 256 << 10;

/// Inflates gzip `data` in chunks of [`CHUNK_BYTES`] sent on `chunks`,
/// reusing the chunks that come back on `spent`; stops early when the
/// receiver is gone. At most [`input_limit`] bytes come out.
fn inflate_chunks(
    data: &[u8],
    chunks: SyncSender<Vec<u8>>,
    spent: Receiver<Vec<u8>>,
) -> Result<(), Error> {
    let limit = input_limit();
    let mut r = MultiGzDecoder::new(data).take(limit.saturating_add(1));
    let mut total = 0u64;
    loop {
        let mut chunk = spent
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(CHUNK_BYTES));
        let n = (&mut r)
            .take(CHUNK_BYTES as u64)
            .read_to_end(&mut chunk)
            .map_err(|e| Error::Gzip(gzip_message(&e)))?;
        if n == 0 {
            return Ok(());
        }
        total += n as u64;
        if total > limit {
            return Err(over_input_limit("after decompression"));
        }
        if chunks.send(chunk).is_err() {
            return Ok(());
        }
    }
}

/// Decodes gzip `data` as a protobuf profile while it is inflated on
/// another thread. A gzip error wins over what the decoder says, as when
/// the whole input is inflated first.
fn decode_gzip(data: &[u8]) -> Result<Profile, decode::Failure> {
    let (chunks_tx, chunks_rx) = sync_channel(4);
    let (spent_tx, spent_rx) = sync_channel(8);
    std::thread::scope(|sc| {
        let inflater = sc.spawn(move || inflate_chunks(data, chunks_tx, spent_rx));
        let mut stream = decode::Stream::chunked(chunks_rx, spent_tx);
        let decoded = decode::decode_stream(&mut stream);
        // A refusal stands only if the rest of the input inflates; a
        // profile that is no protobuf is inflated again for the other
        // formats, which meet any gzip error themselves.
        if matches!(decoded, Err(decode::Failure::Refused(_))) {
            stream.drain();
        }
        drop(stream);
        match inflater.join() {
            Ok(Err(e)) => Err(decode::Failure::Refused(e)),
            Ok(Ok(())) => decoded,
            Err(_) => Err(Error::Gzip("inflating failed unexpectedly".into()).into()),
        }
    })
}

/// Reads all of gzip stream `r` ([`read_capped`]).
fn read_limited(r: impl Read, hint: usize) -> Result<Vec<u8>, Error> {
    read_capped(r, hint, "after decompression", |e| {
        Error::Gzip(gzip_message(&e))
    })
}

/// Reads all of `r`, a file or stdin named `name` in errors
/// ([`read_capped`]).
fn read_input(r: impl Read, name: &str, hint: u64) -> Result<Vec<u8>, Error> {
    read_capped(r, hint as usize, "of input", |e| {
        Error::io(name.to_string(), &e)
    })
}

fn gzip_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => "unexpected EOF".to_string(),
        _ => {
            let m = e.to_string();
            if m.contains("header") || m.contains("invalid") || m.contains("corrupt") {
                format!("gzip: invalid data ({m})")
            } else {
                m
            }
        }
    }
}

/// Un-gzips `data` if it starts with the gzip magic; otherwise returns it.
pub fn gunzip(data: Vec<u8>) -> Result<Vec<u8>, Error> {
    if is_gzip(&data) {
        // ISIZE (the last 4 bytes) is the uncompressed size modulo 2^32.
        let hint = if data.len() >= 4 {
            let n = data.len();
            u32::from_le_bytes([data[n - 4], data[n - 3], data[n - 2], data[n - 1]]) as usize
        } else {
            0
        };
        // Deflate expands at most ~1032:1, so a lying trailer cannot make us
        // reserve more than the data could ever produce.
        let hint = hint.min(data.len().saturating_mul(1032)).min(1 << 30);
        read_limited(MultiGzDecoder::new(&data[..]), hint)
    } else {
        Ok(data)
    }
}

/// Which decoder read a profile ([`parse_as`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `profile.proto` (gzipped or not).
    Protobuf,
    /// One of the legacy text or binary formats.
    Legacy,
}

/// Parses profile bytes (gzip or not) in any supported format: protobuf
/// first; when that fails (other than for empty or concatenated input) the
/// legacy parsers, as pprof. Binary data no legacy parser recognises keeps
/// the protobuf decoder's message, which names the broken element.
pub fn parse(data: Vec<u8>) -> Result<Profile, Error> {
    parse_as(data).map(|(p, _)| p)
}

/// [`parse`], also saying which decoder read the profile.
pub fn parse_as(data: Vec<u8>) -> Result<(Profile, Format), Error> {
    let decoded = if is_gzip(&data) {
        decode_gzip(&data)
    } else {
        decode::decode(&data)
    };
    // As pprof: a protobuf that does not decode is tried as the other
    // formats, and when none reads it, it is no profile rpprof knows.
    match decoded {
        Ok(p) => Ok((p, Format::Protobuf)),
        Err(decode::Failure::Refused(e)) => Err(e),
        Err(decode::Failure::NotProtobuf(_)) => match legacy::parse(&gunzip(data)?) {
            Ok(p) => Ok((p, Format::Legacy)),
            Err(legacy::Failure::Malformed(m)) => Err(Error::Parse(m)),
            Err(legacy::Failure::TooLarge(m)) => Err(Error::TooLarge(m)),
            Err(legacy::Failure::Unrecognized) => {
                Err(Error::Parse("unrecognized profile format".into()))
            }
        },
    }
}

/// Parses the body of an HTTP response ([`parse_as`]); when it is not a
/// profile and the server sent HTML, the error says so.
pub fn parse_response(resp: http::Response) -> Result<(Profile, Format), Error> {
    match parse_as(resp.body) {
        Err(e) if resp.content_type.starts_with("text/html") => Err(Error::Fetch(format!(
            "{e} (the server sent an HTML page, not a profile)"
        ))),
        r => r,
    }
}

/// True when `data` starts with the gzip magic.
pub fn is_gzip(data: &[u8]) -> bool {
    data.len() >= 2 && data[0] == 0x1f && data[1] == 0x8b
}

/// The sources of a series: each directory among `paths` stands for the
/// regular files in it (sorted by name, hidden files left out); anything
/// else is kept as given. An empty or unreadable directory is an error
/// naming it.
pub fn expand_dirs(paths: &[String]) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for p in paths {
        let dir = std::path::Path::new(p);
        if !dir.is_dir() {
            out.push(p.clone());
            continue;
        }
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(format!("open {p}"), &e))?
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| e.path().display().to_string())
            .collect();
        if files.is_empty() {
            return Err(Error::Usage(format!("no profiles in directory {p}")));
        }
        files.sort();
        out.extend(files);
    }
    Ok(out)
}

/// Reads a local file (or `-` for stdin) and parses it; a `perf.data`
/// file is converted first ([`perf`]).
pub fn load_path(path: &str) -> Result<Profile, Error> {
    if path == "-" {
        return parse(read_input(std::io::stdin(), "read stdin", 0)?);
    }
    if perf::is_perf_file(path) {
        return perf::convert(path);
    }
    load_file(path)
}

/// Reads the file `path` and parses it.
fn load_file(path: &str) -> Result<Profile, Error> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(format!("open {path}"), &e))?;
    let hint = f
        .metadata()
        .map_or(0, |m| if m.is_file() { m.len() } else { 0 });
    parse(read_input(f, &format!("open {path}"), hint)?)
}
