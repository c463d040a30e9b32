//! Go count profiles in the `?debug=1` text form (goroutine,
//! threadcreate): `<type> profile: total N`, then `N @ 0xaddr ...` lines
//! with `#` frame comments.
//!
//! One parser of the legacy family; fills a `legacy::Builder`. Unlike
//! pprof, a sample with an empty stack (`5 @`, which Go writes for threads
//! created before profiling started) is accepted rather than rejected.

use super::{Builder, Failure, gosym::Collector, is_space_or_comment, memmap};

/// `<type> profile: total N` → type.
fn header(line: &str) -> Option<&str> {
    let (ty, total) = line.split_once(" profile: total ")?;
    let ok = !ty.is_empty()
        && !ty.contains(char::is_whitespace)
        && !total.is_empty()
        && total.bytes().all(|c| c.is_ascii_digit());
    ok.then_some(ty)
}

/// `N @ 0x1 0x2` → (N, addresses).
fn sample(line: &str) -> Option<(i64, Vec<u64>)> {
    let (n, stack) = line.split_once(" @")?;
    if n.is_empty() || !n.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut addrs = Vec::new();
    for word in stack.split(' ').skip(1) {
        let hex = word.strip_prefix("0x")?;
        if hex.is_empty() || !hex.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        addrs.push(u64::from_str_radix(hex, 16).ok()?);
    }
    if !stack.is_empty() && addrs.is_empty() {
        return None;
    }
    Some((n.parse().ok()?, addrs))
}

/// Parses a goroutine/threadcreate text profile.
pub fn parse(lines: &[&str]) -> Result<crate::model::Profile, Failure> {
    let mut rest = lines;
    while rest.first().is_some_and(|l| is_space_or_comment(l)) {
        rest = &rest[1..];
    }
    let Some(ty) = rest.first().and_then(|l| header(l)) else {
        return Err(Failure::Unrecognized);
    };
    let mut b = Builder::new(vec![(ty, "count")], (ty.to_string(), "count"), 1);
    let mut comments = Collector::default();
    rest = &rest[1..];
    while let Some((line, tail)) = rest.split_first() {
        if is_space_or_comment(line) {
            comments.comment(line, b.len());
            rest = tail;
            continue;
        }
        if line.starts_with("---") {
            break;
        }
        rest = tail;
        let (n, addrs) =
            sample(line).ok_or_else(|| Failure::Malformed("malformed profile format".into()))?;
        let addrs: Vec<u64> = addrs.iter().map(|a| a.wrapping_sub(1)).collect();
        b.sample(&addrs, vec![n]);
    }
    comments.apply(&mut b);
    let map_start = rest.iter().position(|l| memmap::is_sentinel(l));
    if let Some(i) = map_start {
        b.add_mappings(memmap::parse(&rest[i + 1..])?);
    }
    Ok(b.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        assert_eq!(header("goroutine profile: total 9"), Some("goroutine"));
        assert_eq!(header("goroutine profile: total x"), None);
        assert_eq!(sample("3 @ 0x10 0x2f"), Some((3, vec![0x10, 0x2f])));
        assert_eq!(sample("5 @"), Some((5, vec![])));
        assert_eq!(sample("5 @ 0xZZ"), None);
    }
}
