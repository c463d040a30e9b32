//! Calendar formatting of profile timestamps (UTC), as pprof's
//! `Jan 2, 2006 at 3:04pm (MST)` layout and Go's `time.Time.String()`, and
//! Go's `time.Duration.String()`.

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

/// `Nov 26, 2026 at 2:15am (UTC)`.
pub fn header_time(nanos: i64) -> String {
    let (y, mo, d, h, mi, _) = civil(nanos.div_euclid(1_000_000_000));
    let (h12, ampm) = match h {
        0 => (12, "am"),
        1..=11 => (h, "am"),
        12 => (12, "pm"),
        _ => (h - 12, "pm"),
    };
    format!(
        "{} {d}, {y} at {h12}:{mi:02}{ampm} (UTC)",
        MONTHS[mo as usize - 1]
    )
}

/// Go's `time.Time.String()` in UTC: `2023-11-14 22:13:20 +0000 UTC`
/// (with fractional seconds when present).
pub fn go_time_string(nanos: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(nanos.div_euclid(1_000_000_000));
    let frac = nanos.rem_euclid(1_000_000_000);
    let frac = if frac == 0 {
        String::new()
    } else {
        format!(".{:09}", frac).trim_end_matches('0').to_string()
    };
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}{frac} +0000 UTC")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(
            go_time_string(1_700_000_000_000_000_000),
            "2023-11-14 22:13:20 +0000 UTC"
        );
        assert_eq!(
            header_time(1_700_000_000_000_000_000),
            "Nov 14, 2023 at 10:13pm (UTC)"
        );
        assert_eq!(go_duration_string(0), "0s");
        assert_eq!(go_duration_string(12), "12ns");
        assert_eq!(go_duration_string(1_500), "1.5µs");
        assert_eq!(go_duration_string(500_000_000), "500ms");
        assert_eq!(go_duration_string(4_213_000_000), "4.213s");
        assert_eq!(go_duration_string(270_000_000_000), "4m30s");
        assert_eq!(go_duration_string(3_723_500_000_000), "1h2m3.5s");
        assert_eq!(go_duration_string(-5_000_000_000), "-5s");
    }
}
