//! Calendar formatting of profile timestamps (UTC), as pprof's
//! `Jan 2, 2006 at 3:04pm (MST)` layout and Go's `time.Time.String()`.

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
    }
}
