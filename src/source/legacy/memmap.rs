//! The memory map section of legacy profiles (`MAPPED_LIBRARIES:` or
//! `--- Memory map: ---`, or just the text after the samples):
//! `/proc/self/maps` lines or the brief `start-end perms file @offset
//! buildid` form, `attr=value` substitutions, glog prefixes; then pprof's
//! heuristics (adjacent entries merged, main binary moved first, fake
//! mapping for unmapped addresses).
//!
//! Produces plain entries and a location → mapping assignment for
//! `legacy::Builder`; knows nothing about samples.

use super::Failure;

/// One executable mapping.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    pub start: u64,
    pub limit: u64,
    pub offset: u64,
    pub file: String,
    pub build_id: String,
}

/// True for the lines that introduce a memory map.
pub fn is_sentinel(line: &str) -> bool {
    line.contains("--- Memory map: ---") || line.contains("MAPPED_LIBRARIES:")
}

/// Strips a glog prefix (`... file.cc:123] `).
fn remove_logging_info(line: &str) -> &str {
    let Some(i) = line.find("] ") else {
        return line;
    };
    let head = &line[..i];
    let is_prefix = !head.contains(['[', ']'])
        && head.rsplit_once(':').is_some_and(|(a, digits)| {
            !a.is_empty() && !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit())
        });
    if is_prefix {
        line[i + 1..].trim_start()
    } else {
        line
    }
}

fn hex(s: &str) -> Option<u64> {
    let s = s.strip_prefix("0x").unwrap_or(s);
    if s.is_empty() {
        return None;
    }
    u64::from_str_radix(s, 16).ok()
}

fn is_perm(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| matches!(c, b'-' | b'r' | b'w' | b'x' | b'p'))
}

/// The `start-end` range at the front of a line and the rest.
fn range(line: &str) -> Option<(u64, u64, &str)> {
    let t = line.trim_start();
    let end_of_first = t.find(|c: char| !(c.is_ascii_hexdigit() || c == 'x'))?;
    let start = hex(&t[..end_of_first])?;
    let rest = t[end_of_first..].trim_start_matches(['-', ' ', '\t']);
    let end_of_second = rest
        .find(|c: char| !(c.is_ascii_hexdigit() || c == 'x'))
        .unwrap_or(rest.len());
    let limit = hex(&rest[..end_of_second])?;
    let rest = &rest[end_of_second..];
    Some((start, limit, rest.strip_prefix(':').unwrap_or(rest)))
}

/// Parses one map line: `Ok(None)` for a non-executable entry,
/// `Err(())` when the line is not a map entry.
fn entry(line: &str) -> Result<Option<Entry>, ()> {
    let (start, limit, rest) = range(line).ok_or(())?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let mut i = 0;
    let mut perm = "";
    if fields.first().is_some_and(|f| is_perm(f)) {
        perm = fields[0];
        i = 1;
    }
    let mut e = Entry {
        start,
        limit,
        ..Entry::default()
    };
    // /proc/self/maps: offset dev inode [path]
    let is_dev = |s: &str| {
        s.split_once(':').is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && a.chars().chain(b.chars()).all(|c| c.is_ascii_hexdigit())
        })
    };
    if fields.len() >= i + 3
        && hex(fields[i]).is_some()
        && is_dev(fields[i + 1])
        && fields[i + 2].bytes().all(|c| c.is_ascii_digit())
    {
        e.offset = hex(fields[i]).ok_or(())?;
        e.file = fields.get(i + 3).map(|s| s.to_string()).unwrap_or_default();
    } else {
        // Brief form: [file] [(@offset)] [buildid]
        let mut rest = &fields[i..];
        if let Some(f) = rest.first() {
            e.file = f.to_string();
            rest = &rest[1..];
        }
        if let Some(o) = rest
            .first()
            .and_then(|f| f.strip_prefix("(@")?.strip_suffix(')'))
        {
            e.offset = hex(o).ok_or(())?;
            rest = &rest[1..];
        }
        if let Some(b) = rest
            .first()
            .filter(|b| b.bytes().all(|c| c.is_ascii_hexdigit()))
        {
            e.build_id = b.to_string();
        }
    }
    if !perm.is_empty() && !perm.contains('x') {
        return Ok(None);
    }
    Ok(Some(e))
}

/// The longest memory-map line after `$attr` substitution: a chain of
/// definitions doubling each other would otherwise grow without bound.
pub const MAX_LINE: usize = 1 << 20;

/// The most text all `$attr` definitions may hold together.
pub const MAX_ATTRS: usize = 16 << 20;

/// `line` with every `$attr` replaced in one pass, as Go's
/// `strings.Replacer`: at each position the first definition (in the
/// order given) that matches is used, and replaced text is not read
/// again.
fn substitute(line: &str, attrs: &[(String, String)]) -> Result<String, Failure> {
    if attrs.is_empty() || !line.contains('$') {
        return Ok(line.to_string());
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match attrs.iter().find(|(k, _)| rest.starts_with(k.as_str())) {
            Some((k, v)) => {
                out.push_str(v);
                rest = &rest[k.len()..];
            }
            None => {
                out.push('$');
                rest = &rest[1..];
            }
        }
        if out.len() > MAX_LINE {
            return Err(Failure::Malformed(format!(
                "malformed mapping: a line is longer than {} MiB after $attr substitution",
                MAX_LINE >> 20
            )));
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Parses the map lines (after the sentinel); unknown lines are skipped,
/// `attr=value` lines define `$attr` substitutions.
pub fn parse(lines: &[&str]) -> Result<Vec<Entry>, Failure> {
    let mut out = Vec::new();
    let mut attrs: Vec<(String, String)> = Vec::new();
    let mut stored = 0;
    for raw in lines {
        let line = substitute(remove_logging_info(raw), &attrs)?;
        match entry(&line) {
            Ok(Some(e)) => out.push(e),
            Ok(None) => {}
            Err(()) => {
                if let Some((k, v)) = line.split_once('=') {
                    stored += k.len() + v.len();
                    if stored > MAX_ATTRS {
                        return Err(Failure::Malformed(format!(
                            "malformed mapping: $attr definitions longer than {} MiB in all",
                            MAX_ATTRS >> 20
                        )));
                    }
                    attrs.push((format!("${}", k.trim()), v.trim().to_string()));
                }
            }
        }
    }
    Ok(out)
}

fn adjacent(a: &Entry, b: &Entry) -> bool {
    if !a.file.is_empty() && !b.file.is_empty() && a.file != b.file {
        return false;
    }
    if !a.build_id.is_empty() && !b.build_id.is_empty() && a.build_id != b.build_id {
        return false;
    }
    if a.limit != b.start {
        return false;
    }
    !(a.offset != 0
        && b.offset != 0
        && a.offset.wrapping_add(a.limit.wrapping_sub(a.start)) != b.offset)
}

fn is_library(file: &str) -> bool {
    // pprof's `([.]so$|[.]so[._][0-9]+)`.
    file.ends_with(".so")
        || file.match_indices(".so").any(|(i, _)| {
            let rest = &file.as_bytes()[i + 3..];
            rest.len() >= 2 && matches!(rest[0], b'.' | b'_') && rest[1].is_ascii_digit()
        })
}

/// pprof's `massageMappings`: merges adjacent pieces of one file and moves
/// the first plausible main binary to the front.
pub fn massage(entries: Vec<Entry>) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
    for m in entries {
        if let Some(last) = out.last_mut()
            && adjacent(last, &m)
        {
            last.limit = m.limit;
            if !m.file.is_empty() {
                last.file = m.file;
            }
            if !m.build_id.is_empty() {
                last.build_id = m.build_id;
            }
            continue;
        }
        out.push(m);
    }
    let main = out.iter().position(|m| {
        let f = m.file.replace("(deleted)", "");
        let f = f.trim();
        !f.is_empty() && !is_library(f) && !f.starts_with('[')
    });
    if let Some(i) = main {
        out.swap(0, i);
    }
    out
}

/// pprof's `remapMappingIDs`: fixes up the main mapping and gives every
/// non-zero address a mapping, adding a fake whole-address-space one when
/// none covers it. Returns the mapping index of each address
/// ([`crate::model::NONE`] for address 0). `symbolic` profiles (no
/// addresses) get one mapping for every location.
pub fn assign(maps: &mut Vec<Entry>, addrs: &[u64], symbolic: bool) -> Vec<u32> {
    use crate::model::NONE;
    if symbolic {
        if maps.is_empty() {
            maps.push(Entry::default());
        }
        return vec![0; addrs.len()];
    }
    if maps.len() > 1
        && maps[0].file.starts_with("/anon_hugepage")
        && maps[0].limit == maps[1].start
    {
        maps.remove(0);
    }
    if let Some(m) = maps.first_mut()
        && m.start.wrapping_sub(m.offset) == 0x400000
    {
        m.start = 0x400000;
        m.offset = 0;
    }
    let mut fake: Option<u32> = None;
    let mut out = Vec::with_capacity(addrs.len());
    'next: for &a in addrs {
        if a == 0 {
            out.push(NONE);
            continue;
        }
        if let Some(i) = maps.iter().position(|m| m.start <= a && a < m.limit) {
            out.push(i as u32);
            continue;
        }
        for (i, m) in maps.iter_mut().enumerate() {
            if m.offset != 0 && m.start.wrapping_sub(m.offset) <= a && a < m.start {
                m.start -= m.offset;
                m.offset = 0;
                out.push(i as u32);
                continue 'next;
            }
        }
        let f = *fake.get_or_insert_with(|| {
            maps.push(Entry {
                limit: u64::MAX,
                ..Entry::default()
            });
            (maps.len() - 1) as u32
        });
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_substituted_in_one_pass() {
        let attrs = vec![
            ("$a".to_string(), "x".to_string()),
            ("$ab".to_string(), "y".to_string()),
            ("$b".to_string(), "$a".to_string()),
        ];
        // The first definition that matches wins; replaced text is final.
        assert_eq!(
            substitute("$ab $b $c $", &attrs).ok(),
            Some("xb $a $c $".into())
        );
        let e = parse(&["bin=/bin/app", "0x1000-0x2000 r-xp 00000000 00:00 0 $bin"]).unwrap();
        assert_eq!(e[0].file, "/bin/app");
    }

    #[test]
    fn doubling_definitions_stop_at_the_line_cap() {
        // Each definition doubles the last: 2^40 bytes unless capped.
        let mut lines = vec!["a0z=xxxxxxxxxxxxxxxx".to_string()];
        for k in 1..40 {
            lines.push(format!("a{k}z=$a{}z$a{}z", k - 1, k - 1));
        }
        lines.push("0x1000-0x2000 r-xp 00000000 00:00 0 $a39z".into());
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        match parse(&refs) {
            Err(Failure::Malformed(m)) => assert_eq!(
                m,
                "malformed mapping: a line is longer than 1 MiB after $attr substitution"
            ),
            other => panic!("{:?}", other.map(|v| v.len())),
        }
        // Many definitions just under the line cap stop at the total cap.
        let mut lines = vec![format!("big={}", "x".repeat(MAX_LINE - 8))];
        lines.extend((0..100).map(|k| format!("c{k}z=$big")));
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        match parse(&refs) {
            Err(Failure::Malformed(m)) => assert_eq!(
                m,
                "malformed mapping: $attr definitions longer than 16 MiB in all"
            ),
            other => panic!("{:?}", other.map(|v| v.len())),
        }
        // Redefining one name in terms of itself does not grow: the first
        // definition keeps its priority.
        let mut lines = vec!["a=x".to_string()];
        lines.extend((0..50).map(|_| "a=$a$a".to_string()));
        lines.push("0x1000-0x2000 r-xp 00000000 00:00 0 /bin/$a".into());
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        assert_eq!(parse(&refs).unwrap()[0].file, "/bin/x");
    }

    #[test]
    fn proc_maps_and_brief_lines() {
        let e = parse(&[
            "555d01235000-555d0123c000 r--p 00000000 00:00 917531      /bin/app",
            "555d0123c000-555d0127a000 r-xp 00007000 00:00 917531      /bin/app",
            "7f0000000000-7f0000001000 r-xp 00000000 00:00 0",
            "0x1000-0x2000 r-xp /lib/libc.so.6 (@200) abcdef",
            "I0101 00:00:00.000 1 file.cc:12] 0x3000-0x4000 /opt/x",
        ])
        .unwrap();
        assert_eq!(e.len(), 4);
        assert_eq!(
            (e[0].start, e[0].offset, e[0].file.as_str()),
            (0x555d0123c000, 0x7000, "/bin/app")
        );
        assert_eq!(e[1].file, "");
        assert_eq!((e[2].offset, e[2].build_id.as_str()), (0x200, "abcdef"));
        assert_eq!(e[3].file, "/opt/x");
    }

    #[test]
    fn main_binary_moves_first_and_libraries_stay() {
        let m = massage(vec![
            Entry {
                start: 0,
                limit: 10,
                file: "/lib/libc.so.6".into(),
                ..Entry::default()
            },
            Entry {
                start: 10,
                limit: 20,
                file: "/bin/app".into(),
                ..Entry::default()
            },
        ]);
        assert_eq!(m[0].file, "/bin/app");
        assert!(is_library("/x/liblzma.so.5.4.1") && is_library("a.so") && !is_library("/bin/app"));
    }
}
