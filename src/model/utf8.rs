//! Profile strings that are not valid UTF-8.
//!
//! pprof's strings are bytes: a name with invalid UTF-8 is written back
//! byte for byte. rpprof keeps strings as `String`, so [`from_bytes`] stores
//! each byte that is not part of valid UTF-8 as one character of the last
//! 256 code points of Unicode (U+10FF00 + byte, private use), and
//! [`to_bytes`] turns those characters back into their bytes where output
//! is byte-exact (piped reports, written profiles). A genuine character of
//! that range is stored as its four bytes, so the mapping is a bijection.
//! On a terminal the bytes are shown as `\xNN` ([`escape`]), in markup as
//! U+FFFD, as a browser shows them ([`lossy`]).

use std::borrow::Cow;

/// The character standing for byte 0.
const BASE: u32 = 0x10_FF00;

/// The byte character `c` stands for, if it stands for one.
pub fn raw_byte(c: char) -> Option<u8> {
    (c as u32).checked_sub(BASE).map(|b| b as u8)
}

/// True when `s` holds a byte character. Cheap on long reports: every
/// byte character's UTF-8 starts with 0xF4, which text rarely holds.
pub fn has_raw_bytes(s: &str) -> bool {
    s.as_bytes().contains(&0xF4) && s.chars().any(|c| raw_byte(c).is_some())
}

fn byte_char(b: u8) -> char {
    char::from_u32(BASE + u32::from(b)).expect("U+10FF00..=U+10FFFF are characters")
}

/// `b` as a string, invalid UTF-8 kept as byte characters.
pub fn from_bytes(b: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(b)
        && !has_raw_bytes(s)
    {
        return s.to_string();
    }
    let mut out = String::with_capacity(b.len() + 8);
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            if raw_byte(c).is_some() {
                let mut buf = [0; 4];
                for &b in c.encode_utf8(&mut buf).as_bytes() {
                    out.push(byte_char(b));
                }
            } else {
                out.push(c);
            }
        }
        out.extend(chunk.invalid().iter().map(|&b| byte_char(b)));
    }
    out
}

/// The bytes `s` was made from by [`from_bytes`].
pub fn to_bytes(s: &str) -> Cow<'_, [u8]> {
    if !has_raw_bytes(s) {
        return Cow::Borrowed(s.as_bytes());
    }
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        match raw_byte(c) {
            Some(b) => out.push(b),
            None => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    Cow::Owned(out)
}

/// `s` with byte characters as U+FFFD.
pub fn lossy(s: &str) -> Cow<'_, str> {
    if !has_raw_bytes(s) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| raw_byte(c).map_or(c, |_| char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

/// `s` with byte characters as `\xNN` text, for a terminal.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !has_raw_bytes(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match raw_byte(c) {
            Some(b) => out.push_str(&format!("\\x{b:02x}")),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_string_comes_back_unchanged() {
        let cases: [&[u8]; 6] = [
            b"main.f",
            b"main.bad\xff\xfename",
            b"caf\xc3",
            "\u{10ff41} is stored as bytes".as_bytes(),
            b"\xf4\x8f\xbf",
            "日本\u{fffd}".as_bytes(),
        ];
        for b in cases {
            let s = from_bytes(b);
            assert_eq!(to_bytes(&s).as_ref(), b, "{s:?}");
        }
        assert_eq!(from_bytes(b"main.f"), "main.f");
    }

    #[test]
    fn invalid_bytes_show_escaped_or_replaced() {
        let s = from_bytes(b"bad\xff\xfe.f");
        assert_eq!(escape(&s), "bad\\xff\\xfe.f");
        assert_eq!(lossy(&s), "bad\u{fffd}\u{fffd}.f");
        assert_eq!(escape("ok"), "ok");
    }
}
