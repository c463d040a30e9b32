//! Calendar formatting of profile timestamps in the local time zone, as
//! pprof's `Jan 2, 2006 at 3:04pm (MST)` layout and Go's
//! `time.Time.String()`, and Go's `time.Duration.String()` (with its
//! inverse, `time.ParseDuration`, for duration flags such as `-every`).
//!
//! Rendering stage: it turns numbers from a profile into text and knows
//! nothing else about profiles.
//!
//! [`jiff`] does the work that needs care: it parses the zone file (TZif,
//! including the POSIX rule that covers times after the last transition),
//! finds the offset and abbreviation in effect at an instant, and turns the
//! instant into a civil date and clock time. This module only writes those
//! fields in Go's layouts with `format!`: jiff's `strftime` could write the
//! date and clock part, but linking its formatter made the stripped release
//! binary 195 KB larger (jiff without it: 75 KB) for two fixed layouts.
//! Where Go's output differs from what jiff would print, Go's rule is kept
//! here, each checked against Go 1.19:
//!
//! - **Which zone is local** follows Go's `initLocal`, not
//!   `jiff::tz::TimeZone::system()`: `$TZ` unset means `/etc/localtime`;
//!   `TZ=""`, `TZ=":"` and `TZ=UTC` mean UTC; `TZ=/path` (or `:/path`)
//!   reads that file; any other value names a file under Go's zoneinfo
//!   directories; anything that does not load is UTC. jiff instead honours
//!   POSIX TZ rules, so `TZ=JST-9` prints `(JST)` and
//!   `TZ=EST5EDT,M3.2.0,M11.1.0` prints `(EST)` where Go prints `(UTC)`.
//! - **The abbreviation** is taken from `TimeZone::to_offset_info` as is;
//!   jiff's `strftime("%Z")` upper-cases it, so Pacific/Guam's `ChST` would
//!   print as `CHST`.
//! - **The numeric offset** (`-0700`): jiff's `%z` adds seconds when the
//!   offset has them (`-045602` for New York's LMT), Go truncates to
//!   minutes (`-0456`).
//! - **Durations** keep their own formatter: jiff's friendly printer
//!   (compact designators, no spacing, fractional seconds) writes
//!   `0.000000012s` for Go's `12ns`, `0.5s` for `500ms` and `1h` for
//!   `1h0m0s`, and has no setting that keeps the zero minutes and seconds
//!   after the largest unit.

use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::tz::{TimeZone, TimeZoneOffsetInfo};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The directories Go's `time` package searches for a zone named by `$TZ`
/// (`platformZoneSources` on Unix).
const ZONE_SOURCES: [&str; 3] = [
    "/usr/share/zoneinfo/",
    "/usr/share/lib/zoneinfo/",
    "/usr/lib/locale/TZ/",
];

/// A zone file at `path` parsed by jiff, if it exists and is valid TZif.
fn load(path: &str) -> Option<TimeZone> {
    let data = std::fs::read(path).ok()?;
    TimeZone::tzif("Local", &data).ok()
}

/// The local zone by Go's rules (module docs), decided on the first call
/// as Go decides it once per process.
fn local_zone() -> &'static TimeZone {
    static LOCAL: OnceLock<TimeZone> = OnceLock::new();
    LOCAL.get_or_init(|| {
        let zone = match std::env::var_os("TZ") {
            None => load("/etc/localtime"),
            Some(tz) => tz.to_str().and_then(|tz| {
                let tz = tz.strip_prefix(':').unwrap_or(tz);
                if tz.starts_with('/') {
                    load(tz)
                } else if tz.is_empty() || tz == "UTC" {
                    None
                } else {
                    ZONE_SOURCES
                        .iter()
                        .find_map(|dir| load(&format!("{dir}{tz}")))
                }
            }),
        };
        zone.unwrap_or(TimeZone::UTC)
    })
}

/// The instant of a profile timestamp. Every `i64` count of nanoseconds
/// (years 1677 to 2262) lies within jiff's range.
fn instant(nanos: i64) -> Timestamp {
    Timestamp::from_nanosecond(i128::from(nanos))
        .expect("an i64 of nanoseconds is within jiff's timestamp range")
}

/// `YYYYMMDDThhmmssZ` (ISO 8601 basic format, UTC) of `t`, clamped to
/// jiff's range (years -9999 to 9999): a time stamp for file names.
pub fn compact_utc(t: std::time::SystemTime) -> String {
    let ts = Timestamp::try_from(t).unwrap_or(if t < std::time::SystemTime::UNIX_EPOCH {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    });
    let c = TimeZone::UTC.to_datetime(ts);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        c.year(),
        c.month(),
        c.day(),
        c.hour(),
        c.minute(),
        c.second()
    )
}

/// Go's `-0700`: sign, hours and minutes of an offset in seconds, the
/// seconds truncated away.
fn numeric_offset(seconds: i32) -> String {
    let minutes = seconds / 60;
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.unsigned_abs();
    format!("{sign}{:02}{:02}", m / 60, m % 60)
}

/// Go's `MST`: the zone's abbreviation, or the numeric offset when the
/// zone has none.
fn zone_name(info: &TimeZoneOffsetInfo<'_>) -> String {
    match info.abbreviation() {
        "" => numeric_offset(info.offset().seconds()),
        name => name.to_string(),
    }
}

/// `Nov 26, 2026 at 2:15am (UTC)`, in the local zone.
pub fn header_time(nanos: i64) -> String {
    header_time_in(nanos, local_zone())
}

fn header_time_in(nanos: i64, zone: &TimeZone) -> String {
    let ts = instant(nanos);
    let info = zone.to_offset_info(ts);
    let c = info.offset().to_datetime(ts);
    let (h12, ampm) = match c.hour() {
        0 => (12, "am"),
        h @ 1..=11 => (h, "am"),
        12 => (12, "pm"),
        h => (h - 12, "pm"),
    };
    format!(
        "{} {}, {} at {h12}:{:02}{ampm} ({})",
        MONTHS[c.month() as usize - 1],
        c.day(),
        c.year(),
        c.minute(),
        zone_name(&info)
    )
}

/// Go's `time.Time.String()` in the local zone:
/// `2023-11-14 22:13:20 +0000 UTC` (with fractional seconds when present,
/// trailing zeros dropped).
pub fn go_time_string(nanos: i64) -> String {
    go_time_string_in(nanos, local_zone())
}

fn go_time_string_in(nanos: i64, zone: &TimeZone) -> String {
    let ts = instant(nanos);
    let info = zone.to_offset_info(ts);
    let c = info.offset().to_datetime(ts);
    let frac = format!(".{:09}", c.subsec_nanosecond());
    let frac = frac.trim_end_matches('0').trim_end_matches('.');
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}{frac} {} {}",
        c.year(),
        c.month(),
        c.day(),
        c.hour(),
        c.minute(),
        c.second(),
        numeric_offset(info.offset().seconds()),
        zone_name(&info)
    )
}

/// Go's `time.Duration.String()`: `1h2m3.5s`, `4.213s`, `500ms`, `1.5µs`,
/// `12ns`, `0s`. Hand-written: see the module docs for why not jiff's.
pub fn go_duration_string(nanos: i64) -> String {
    if nanos == 0 {
        return "0s".to_string();
    }
    let sign = if nanos < 0 { "-" } else { "" };
    let u = nanos.unsigned_abs();
    // The integer part, then `.fraction` with trailing zeros removed.
    let fixed = |v: u64, digits: u32| {
        let scale = 10u64.pow(digits);
        let frac = format!("{:0width$}", v % scale, width = digits as usize);
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            (v / scale).to_string()
        } else {
            format!("{}.{frac}", v / scale)
        }
    };
    let body = if u < 1_000 {
        format!("{u}ns")
    } else if u < 1_000_000 {
        format!("{}µs", fixed(u, 3))
    } else if u < 1_000_000_000 {
        format!("{}ms", fixed(u, 6))
    } else {
        let secs = u / 1_000_000_000;
        let s = fixed(u % 60_000_000_000, 9);
        let (m, h) = ((secs / 60) % 60, secs / 3600);
        if h > 0 {
            format!("{h}h{m}m{s}s")
        } else if m > 0 {
            format!("{m}m{s}s")
        } else {
            format!("{s}s")
        }
    };
    format!("{sign}{body}")
}

/// Go's `time.ParseDuration`: a possibly signed sequence of decimal
/// numbers, each with an optional fraction and a unit (`ns`, `us`, `µs`,
/// `ms`, `s`, `m`, `h`), such as `10s`, `1m30s`, `1.5h` or `500ms`; a bare
/// `0` is zero. Returns nanoseconds, `None` when malformed or out of range.
pub fn parse_go_duration(s: &str) -> Option<i64> {
    let (negative, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let int = &rest[..int_len];
        rest = &rest[int_len..];
        let mut frac = "";
        if let Some(after) = rest.strip_prefix('.') {
            let n = after.bytes().take_while(u8::is_ascii_digit).count();
            frac = &after[..n];
            rest = &after[n..];
        }
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        let unit_len = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '.')
            .map_or(rest.len(), |(i, _)| i);
        let scale: u128 = match &rest[..unit_len] {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        rest = &rest[unit_len..];
        let whole: u128 = if int.is_empty() { 0 } else { int.parse().ok()? };
        let mut part = whole.checked_mul(scale)?;
        if !frac.is_empty() {
            // Digits beyond nanosecond precision cannot matter; cap them
            // so the arithmetic cannot overflow.
            let digits = &frac[..frac.len().min(30)];
            let f: u128 = digits.parse().ok()?;
            part += f * scale / 10u128.pow(digits.len() as u32);
        }
        total = total.checked_add(part)?;
        if total > i64::MAX as u128 + u128::from(negative) {
            return None;
        }
    }
    let total = i128::try_from(total).ok()?;
    i64::try_from(if negative { -total } else { total }).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let t = 1_700_000_000_000_000_000;
        let utc = TimeZone::UTC;
        assert_eq!(go_time_string_in(t, &utc), "2023-11-14 22:13:20 +0000 UTC");
        assert_eq!(
            go_time_string_in(t + 500_000_000, &utc),
            "2023-11-14 22:13:20.5 +0000 UTC"
        );
        assert_eq!(header_time_in(t, &utc), "Nov 14, 2023 at 10:13pm (UTC)");
        assert_eq!(
            header_time_in(1_700_000_000_000_000_000 - 79_200_000_000_000, &utc),
            "Nov 14, 2023 at 12:13am (UTC)"
        );
        assert_eq!(go_duration_string(0), "0s");
        assert_eq!(go_duration_string(12), "12ns");
        assert_eq!(go_duration_string(1_500), "1.5µs");
        assert_eq!(go_duration_string(500_000_000), "500ms");
        assert_eq!(go_duration_string(4_213_000_000), "4.213s");
        assert_eq!(go_duration_string(270_000_000_000), "4m30s");
        assert_eq!(go_duration_string(3_600_000_000_000), "1h0m0s");
        assert_eq!(go_duration_string(3_723_500_000_000), "1h2m3.5s");
        assert_eq!(go_duration_string(-5_000_000_000), "-5s");
    }

    #[test]
    fn go_offsets_truncate_to_minutes() {
        assert_eq!(numeric_offset(0), "+0000");
        assert_eq!(numeric_offset(19_800), "+0530");
        assert_eq!(numeric_offset(-17_762), "-0456");
        assert_eq!(numeric_offset(-30), "+0000");
    }

    #[test]
    fn zones_from_tzif_files() {
        // Real zone files when the machine has tzdata; values as Go 1.19
        // prints them.
        let zone = |name: &str| {
            std::fs::read(format!("/usr/share/zoneinfo/{name}"))
                .ok()
                .map(|b| TimeZone::tzif(name, &b).expect("valid TZif"))
        };
        let t = 1_795_659_336_078_807_487i64; // 2026-11-26 02:15:36 UTC
        if let Some(z) = zone("Europe/Berlin") {
            assert_eq!(
                go_time_string_in(t, &z),
                "2026-11-26 03:15:36.078807487 +0100 CET"
            );
            assert_eq!(header_time_in(t, &z), "Nov 26, 2026 at 3:15am (CET)");
            assert_eq!(
                header_time_in(1_751_328_000_000_000_000, &z),
                "Jul 1, 2025 at 2:00am (CEST)",
                "summer time"
            );
        }
        if let Some(z) = zone("America/New_York") {
            assert_eq!(header_time_in(t, &z), "Nov 25, 2026 at 9:15pm (EST)");
            assert_eq!(
                go_time_string_in(-2_800_000_000_000_000_000, &z),
                "1881-04-09 09:17:18 -0456 LMT",
                "local mean time: the offset's seconds are dropped"
            );
        }
        if let Some(z) = zone("Asia/Kolkata") {
            assert_eq!(
                go_time_string_in(t, &z),
                "2026-11-26 07:45:36.078807487 +0530 IST"
            );
        }
        if let Some(z) = zone("Pacific/Guam") {
            assert_eq!(
                go_time_string_in(t, &z),
                "2026-11-26 12:15:36.078807487 +1000 ChST",
                "the abbreviation keeps its case"
            );
        }
        assert!(TimeZone::tzif("x", b"TZif2 not really").is_err());
    }

    #[test]
    fn go_durations() {
        let ms = 1_000_000;
        let cases: &[(&str, Option<i64>)] = &[
            ("10s", Some(10_000 * ms)),
            ("1m30s", Some(90_000 * ms)),
            ("500ms", Some(500 * ms)),
            ("1.5h", Some(5_400_000 * ms)),
            (".5s", Some(500 * ms)),
            ("1.s", Some(1_000 * ms)),
            ("2h45m", Some(9_900_000 * ms)),
            ("100us", Some(100_000)),
            ("100\u{b5}s", Some(100_000)),
            ("3ns", Some(3)),
            ("0", Some(0)),
            ("-1s", Some(-1_000 * ms)),
            ("+5m", Some(300_000 * ms)),
            ("", None),
            ("abc", None),
            ("10", None),
            ("s", None),
            (".s", None),
            ("1x", None),
            ("1s 2s", None),
            ("3000000h", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_go_duration(s), *want, "{s:?}");
        }
    }
}
