//! Java profiles in pprof's legacy formats: the `--- heapz 1 ---` and
//! `--- contentionz 1 ---` texts (attributes, then `<value> <count> @
//! addrs` samples) and the binary CPU profile whose header's third word is
//! 1 (read by `cpu`), each followed by a symbol section of `0xADDR
//! function (File.java:line)` lines. As in pprof, samples count in
//! inverted order, heap samples are unsampled at Java's 512 KiB rate,
//! functions are one per name, and every address is dropped once the
//! symbols are read (so equal frames merge).
//!
//! One parser of the legacy family; fills a `legacy::Builder`.

use super::{Builder, Failure, Frame, go_parse_int, heap::unsample, hex_addresses};
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The sampling rate of Java heap profiles (512 KiB).
const HEAP_SAMPLING_RATE: i64 = 524_288;

/// `key = value`, anywhere in the line (Go's `\w` is ASCII).
static ATTRIBUTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([0-9A-Za-z_ ]+)=([0-9A-Za-z_ ]+)").expect("static regexp"));
/// `<value> <count> @ addrs`, anywhere in the line.
static SAMPLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r" *([0-9]+) +([0-9]+) +@ +([ x0-9a-f]*)").expect("static regexp"));
/// `0xADDR rest` of the symbol section.
static LOCATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\t\n\x0c\r ]*0x([0-9A-Fa-f]+)[\t\n\x0c\r ]+(.*)[\t\n\x0c\r ]*$")
        .expect("static regexp")
});
/// `function (file:line)`.
static FILE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.*)[\t\n\x0c\r ]+\((.+):(-?[0-9]+)\)$").expect("static regexp")
});
/// `function (path)`: a shared library.
static FILE_PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.*)[\t\n\x0c\r ]+\((.*)\)$").expect("static regexp"));

/// Which text profile the header names.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Heap,
    Contention,
}

/// The newline-terminated lines of `text` one by one, trimmed, as pprof's
/// Java parsers walk them (a last line without a newline is left in
/// `rest`).
struct Lines<'a> {
    rest: &'a str,
}

impl<'a> Lines<'a> {
    /// The next terminated line, trimmed (`rest` still starts with it).
    fn peek(&self) -> Option<&'a str> {
        self.rest.find('\n').map(|nl| self.rest[..nl].trim())
    }

    /// Moves past the line [`Lines::peek`] returned.
    fn advance(&mut self) {
        if let Some(nl) = self.rest.find('\n') {
            self.rest = &self.rest[nl + 1..];
        }
    }
}

/// The profile's attributes: sample types, period and duration.
struct Header {
    sample_types: Vec<(&'static str, String)>,
    period_type: (&'static str, &'static str),
    period: i64,
    duration_nanos: i64,
}

/// Parses a Java heap or contention text profile.
pub fn parse(text: &str) -> Result<crate::model::Profile, Failure> {
    let Some((first, rest)) = text.split_once('\n') else {
        return Err(Failure::Unrecognized);
    };
    let kind = match first.trim() {
        "--- heapz 1 ---" => Kind::Heap,
        "--- contentionz 1 ---" => Kind::Contention,
        _ => return Err(Failure::Unrecognized),
    };
    let mut lines = Lines { rest };
    let h = header(kind, &mut lines)?;
    let types = h
        .sample_types
        .iter()
        .map(|(t, u)| (*t, u.as_str()))
        .collect();
    let mut b = Builder::new(types, (h.period_type.0.into(), h.period_type.1), h.period);
    b.set_duration(h.duration_nanos);
    while let Some(line) = lines.peek() {
        if !line.is_empty() {
            let Some(c) = SAMPLE.captures(line) else {
                break;
            };
            let addrs = hex_addresses(&c[3])
                .map_err(|e| Failure::Malformed(format!("malformed sample: {line}: {e}")))?;
            let value = |s: &str| {
                go_parse_int(s)
                    .map_err(|e| Failure::Malformed(format!("parsing sample {line}: {e}")))
            };
            let (count, amount) = (value(&c[2])?, value(&c[1])?);
            let values = match kind {
                Kind::Heap if count == 0 => {
                    return Err(Failure::Malformed(format!(
                        "parsing sample {line}: second value must be non-zero"
                    )));
                }
                Kind::Heap => {
                    let (n, size) = unsample(count, amount, HEAP_SAMPLING_RATE);
                    vec![n, size]
                }
                Kind::Contention if h.period != 0 => vec![
                    count.saturating_mul(h.period),
                    amount.saturating_mul(h.period),
                ],
                Kind::Contention => vec![count, amount],
            };
            b.sample(&addrs, values);
            if kind == Kind::Heap {
                b.num_label("bytes", amount / count);
            }
        }
        lines.advance();
    }
    if b.len() > 0 && h.sample_types.is_empty() {
        return Err(Failure::Malformed("missing sample type information".into()));
    }
    with_symbols(b, lines.rest)
}

/// The attribute lines after the header line, up to the first line that is
/// not one.
fn header(kind: Kind, lines: &mut Lines) -> Result<Header, Failure> {
    let mut h = Header {
        sample_types: Vec::new(),
        period_type: ("", ""),
        period: 0,
        duration_nanos: 0,
    };
    while let Some(line) = lines.peek() {
        if !line.is_empty() {
            let Some(c) = ATTRIBUTE.captures(line) else {
                break;
            };
            let (attribute, value) = (c[1].trim(), c[2].trim());
            let int = || {
                go_parse_int(value).map_err(|e| {
                    Failure::Malformed(format!("failed to parse attribute {line}: {e}"))
                })
            };
            match (kind, attribute) {
                (_, "format") if value != "java" => return Err(Failure::Unrecognized),
                (_, "format") => {}
                (Kind::Heap, "resolution") => {
                    h.sample_types = vec![
                        ("inuse_objects", "count".into()),
                        ("inuse_space", value.into()),
                    ];
                }
                (Kind::Contention, "resolution") => {
                    h.sample_types = vec![("contentions", "count".into()), ("delay", value.into())];
                }
                (Kind::Contention, "sampling period") => {
                    h.period_type = ("contentions", "count");
                    h.period = int()?;
                }
                (Kind::Contention, "ms since reset") => {
                    h.duration_nanos = int()?.saturating_mul(1_000_000);
                }
                _ => return Err(Failure::Unrecognized),
            }
        }
        lines.advance();
    }
    Ok(h)
}

/// The profile of builder `b` (a Java CPU profile's samples) once the
/// symbol section `text` is read.
pub fn with_symbols(mut b: Builder, text: &str) -> Result<crate::model::Profile, Failure> {
    symbols(text, &mut b)?;
    Ok(b.finish())
}

/// The symbol section: each `0xADDR` line names the function (and file and
/// line) of a location seen in the samples; the others are skipped. The
/// first file given for a function name is kept for all its frames.
fn symbols(text: &str, b: &mut Builder) -> Result<(), Failure> {
    let mut files: HashMap<String, String> = HashMap::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some(c) = LOCATION.captures(line) else {
            continue;
        };
        let addr = u64::from_str_radix(&c[1], 16).map_err(|_| {
            Failure::Malformed(format!(
                "parsing sample {line}: strconv.ParseUint: parsing {:?}: value out of range",
                &c[1]
            ))
        })?;
        let Some(loc) = b.known(addr) else {
            continue;
        };
        let what = &c[2];
        let (name, file, line_no) = if let Some(f) = FILE_LINE.captures(what) {
            let n = f[3].parse::<i64>().ok().filter(|&n| n > 0).unwrap_or(0);
            (f[1].to_string(), f[2].to_string(), n)
        } else if let Some(f) = FILE_PATH.captures(what) {
            (
                f[1].to_string(),
                crate::model::basename(&f[2]).to_string(),
                0,
            )
        } else if what.contains("generated stub/JIT") {
            ("STUB".to_string(), String::new(), 0)
        } else {
            (what.to_string(), String::new(), 0)
        };
        let file = files.entry(name.clone()).or_insert(file).clone();
        b.resolve(
            loc,
            Frame {
                name,
                file,
                line: line_no,
            },
        );
    }
    b.strip_addresses();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbol_lines_as_pprof_reads_them() {
        let f = FILE_LINE.captures("a.B.c (B.java:-1)").unwrap();
        assert_eq!((&f[1], &f[2], &f[3]), ("a.B.c", "B.java", "-1"));
        let p = FILE_PATH
            .captures("os::malloc (/usr/lib/libjvm.so)")
            .unwrap();
        assert_eq!((&p[1], &p[2]), ("os::malloc", "/usr/lib/libjvm.so"));
        assert!(LOCATION.captures("0x1f GC").is_some());
        assert!(LOCATION.captures("1f GC").is_none());
        let s = SAMPLE.captures("x 10 2 @ 0x1 0x2").unwrap();
        assert_eq!((&s[1], &s[2], &s[3]), ("10", "2", "0x1 0x2"));
    }

    #[test]
    fn an_unterminated_header_is_not_java() {
        assert_eq!(parse("--- heapz 1 ---").err(), Some(Failure::Unrecognized));
        assert_eq!(
            parse("--- heapz 1 ---\nformat = jav\n").err(),
            Some(Failure::Unrecognized)
        );
    }
}
