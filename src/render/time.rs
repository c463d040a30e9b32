//! Calendar formatting of profile timestamps in the local time zone, as
//! pprof's `Jan 2, 2006 at 3:04pm (MST)` layout and Go's
//! `time.Time.String()`, and Go's `time.Duration.String()` (with its
//! inverse, `time.ParseDuration`, for duration flags such as `-every`).
//!
//! The local zone follows Go's rules: `$TZ` unset means `/etc/localtime`,
//! `TZ=""` or `TZ=UTC` means UTC, any other value names a zoneinfo file.
//! Zone files are read with a small TZif reader; anything unreadable falls
//! back to UTC.

/// (year, month 1-12, day, hour, minute, second) of a Unix time in UTC.
pub fn civil(unix_secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = unix_secs.div_euclid(86_400);
    let secs = unix_secs.rem_euclid(86_400);
    // Howard Hinnant's days-from-civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = if m <= 2 { y + 1 } else { y };
    (
        y,
        m,
        d,
        (secs / 3600) as u32,
        ((secs % 3600) / 60) as u32,
        (secs % 60) as u32,
    )
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A zone's offset from UTC (seconds) and abbreviation at one instant.
struct Zone {
    offset: i64,
    name: String,
}

fn utc() -> Zone {
    Zone {
        offset: 0,
        name: "UTC".into(),
    }
}

fn be32(b: &[u8], at: usize) -> Option<i64> {
    Some(i32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?) as i64)
}

fn be64(b: &[u8], at: usize) -> Option<i64> {
    Some(i64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The zone in effect at `unix` according to TZif data `b` (RFC 8536),
/// using the 64-bit block when there is one.
fn tzif_zone(b: &[u8], unix: i64) -> Option<Zone> {
    let header = |at: usize| -> Option<[usize; 6]> {
        if b.get(at..at + 4)? != b"TZif" {
            return None;
        }
        let mut c = [0usize; 6];
        for (i, v) in c.iter_mut().enumerate() {
            *v = usize::try_from(be32(b, at + 20 + 4 * i)?).ok()?;
        }
        Some(c)
    };
    let [isut, isstd, leap, timecnt, typecnt, charcnt] = header(0)?;
    let (base, size, c) = if b.get(4).is_some_and(|&v| v >= b'2') {
        let v1 = 44 + timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut;
        (v1 + 44, 8, header(v1)?)
    } else {
        (44, 4, [isut, isstd, leap, timecnt, typecnt, charcnt])
    };
    let [_, _, _, timecnt, typecnt, _] = c;
    let times = base;
    let idx = times + timecnt * size;
    let types = idx + timecnt;
    let chars = types + typecnt * 6;
    let read = |at: usize| if size == 8 { be64(b, at) } else { be32(b, at) };
    let mut t = 0usize;
    for i in 0..timecnt {
        if read(times + i * size)? > unix {
            break;
        }
        t = *b.get(idx + i)? as usize;
    }
    let info = types + t * 6;
    let abbr = *b.get(info + 5)? as usize;
    let name = b.get(chars + abbr..)?.split(|&c| c == 0).next()?;
    Some(Zone {
        offset: be32(b, info)?,
        name: String::from_utf8_lossy(name).into_owned(),
    })
}

/// The local zone at `unix`.
fn local_zone(unix: i64) -> Zone {
    let path = match std::env::var("TZ") {
        Err(_) => "/etc/localtime".to_string(),
        Ok(tz) => {
            let tz = tz.strip_prefix(':').unwrap_or(&tz).to_string();
            if tz.is_empty() || tz == "UTC" {
                return utc();
            }
            if tz.starts_with('/') {
                tz
            } else {
                format!("/usr/share/zoneinfo/{tz}")
            }
        }
    };
    std::fs::read(path)
        .ok()
        .and_then(|b| tzif_zone(&b, unix))
        .unwrap_or_else(utc)
}

/// `Nov 26, 2026 at 2:15am (UTC)`, in the local zone.
pub fn header_time(nanos: i64) -> String {
    header_time_in(nanos, &local_zone(nanos.div_euclid(1_000_000_000)))
}

fn header_time_in(nanos: i64, zone: &Zone) -> String {
    let unix = nanos.div_euclid(1_000_000_000);
    let (y, mo, d, h, mi, _) = civil(unix + zone.offset);
    let (h12, ampm) = match h {
        0 => (12, "am"),
        1..=11 => (h, "am"),
        12 => (12, "pm"),
        _ => (h - 12, "pm"),
    };
    format!(
        "{} {d}, {y} at {h12}:{mi:02}{ampm} ({})",
        MONTHS[mo as usize - 1],
        zone.name
    )
}

/// Go's `time.Time.String()` in the local zone:
/// `2023-11-14 22:13:20 +0000 UTC` (with fractional seconds when present).
pub fn go_time_string(nanos: i64) -> String {
    go_time_string_in(nanos, &local_zone(nanos.div_euclid(1_000_000_000)))
}

fn go_time_string_in(nanos: i64, zone: &Zone) -> String {
    let unix = nanos.div_euclid(1_000_000_000);
    let (y, mo, d, h, mi, s) = civil(unix + zone.offset);
    let frac = nanos.rem_euclid(1_000_000_000);
    let frac = if frac == 0 {
        String::new()
    } else {
        format!(".{:09}", frac).trim_end_matches('0').to_string()
    };
    let sign = if zone.offset < 0 { '-' } else { '+' };
    let off = zone.offset.abs();
    format!(
        "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}{frac} {sign}{:02}{:02} {}",
        off / 3600,
        off % 3600 / 60,
        zone.name
    )
}

/// Go's `time.Duration.String()`: `1h2m3.5s`, `4.213s`, `500ms`, `1.5µs`,
/// `12ns`, `0s`.
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
        assert_eq!(
            go_time_string_in(t, &utc()),
            "2023-11-14 22:13:20 +0000 UTC"
        );
        assert_eq!(header_time_in(t, &utc()), "Nov 14, 2023 at 10:13pm (UTC)");
        assert_eq!(go_duration_string(0), "0s");
        assert_eq!(go_duration_string(12), "12ns");
        assert_eq!(go_duration_string(1_500), "1.5µs");
        assert_eq!(go_duration_string(500_000_000), "500ms");
        assert_eq!(go_duration_string(4_213_000_000), "4.213s");
        assert_eq!(go_duration_string(270_000_000_000), "4m30s");
        assert_eq!(go_duration_string(3_723_500_000_000), "1h2m3.5s");
        assert_eq!(go_duration_string(-5_000_000_000), "-5s");
    }

    #[test]
    fn zones_from_tzif_files() {
        // Real zone files when the machine has tzdata; values as Go prints them.
        let zone = |name: &str, unix: i64| {
            std::fs::read(format!("/usr/share/zoneinfo/{name}"))
                .ok()
                .map(|b| tzif_zone(&b, unix).expect("valid TZif"))
        };
        let t = 1_795_659_336_078_807_487i64; // 2026-11-26 02:15:36 UTC
        if let Some(z) = zone("Europe/Berlin", t / 1_000_000_000) {
            assert_eq!(
                go_time_string_in(t, &z),
                "2026-11-26 03:15:36.078807487 +0100 CET"
            );
            assert_eq!(header_time_in(t, &z), "Nov 26, 2026 at 3:15am (CET)");
        }
        if let Some(z) = zone("America/New_York", t / 1_000_000_000) {
            assert_eq!(header_time_in(t, &z), "Nov 25, 2026 at 9:15pm (EST)");
        }
        if let Some(z) = zone("Asia/Kolkata", t / 1_000_000_000) {
            assert_eq!(
                go_time_string_in(t, &z),
                "2026-11-26 07:45:36.078807487 +0530 IST"
            );
        }
        if let Some(z) = zone("Europe/Berlin", 1_751_328_000) {
            assert_eq!((z.offset, z.name.as_str()), (7200, "CEST"), "summer time");
        }
        assert!(tzif_zone(b"TZif2 not really", 0).is_none());
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
