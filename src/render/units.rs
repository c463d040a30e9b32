//! Units, value scaling and number formatting, exactly as pprof prints them.
//!
//! Sits at the end of the pipeline: reports hand raw `i64` values here and get
//! strings back. One table declares every unit family (memory, time, GCU); all
//! look-ups, auto-scaling and explicit `unit=` conversions go through it.
//! Nothing here knows about profiles or graphs.

/// One unit of a family: canonical name, factor relative to the family base,
/// and the (normalised) spellings that select it.
struct Unit {
    name: &'static str,
    factor: f64,
    aliases: &'static [&'static str],
}

/// A family of convertible units with its default.
struct Family {
    default: &'static str,
    units: &'static [Unit],
}

/// The unit table: the single declaration of every unit pprof understands.
static FAMILIES: &[Family] = &[
    Family {
        default: "B",
        units: &[
            Unit {
                name: "B",
                factor: 1.0,
                aliases: &["b", "byte"],
            },
            Unit {
                name: "kB",
                factor: 1024.0,
                aliases: &["kb", "kbyte", "kilobyte"],
            },
            Unit {
                name: "MB",
                factor: 1048576.0,
                aliases: &["mb", "mbyte", "megabyte"],
            },
            Unit {
                name: "GB",
                factor: 1073741824.0,
                aliases: &["gb", "gbyte", "gigabyte"],
            },
            Unit {
                name: "TB",
                factor: 1099511627776.0,
                aliases: &["tb", "tbyte", "terabyte"],
            },
            Unit {
                name: "PB",
                factor: 1125899906842624.0,
                aliases: &["pb", "pbyte", "petabyte"],
            },
        ],
    },
    Family {
        default: "s",
        units: &[
            Unit {
                name: "ns",
                factor: 1.0,
                aliases: &["ns", "nanosecond"],
            },
            Unit {
                name: "us",
                factor: 1e3,
                aliases: &["μs", "us", "microsecond"],
            },
            Unit {
                name: "ms",
                factor: 1e6,
                aliases: &["ms", "millisecond"],
            },
            Unit {
                name: "s",
                factor: 1e9,
                aliases: &["s", "sec", "second"],
            },
            Unit {
                name: "hrs",
                factor: 3600e9,
                aliases: &["hour", "hr"],
            },
        ],
    },
    Family {
        default: "GCU",
        units: &[
            Unit {
                name: "n*GCU",
                factor: 1e-9,
                aliases: &["nanogcu"],
            },
            Unit {
                name: "u*GCU",
                factor: 1e-6,
                aliases: &["microgcu"],
            },
            Unit {
                name: "m*GCU",
                factor: 1e-3,
                aliases: &["milligcu"],
            },
            Unit {
                name: "GCU",
                factor: 1.0,
                aliases: &["gcu"],
            },
            Unit {
                name: "k*GCU",
                factor: 1e3,
                aliases: &["kilogcu"],
            },
            Unit {
                name: "M*GCU",
                factor: 1e6,
                aliases: &["megagcu"],
            },
            Unit {
                name: "G*GCU",
                factor: 1e9,
                aliases: &["gigagcu"],
            },
            Unit {
                name: "T*GCU",
                factor: 1e12,
                aliases: &["teragcu"],
            },
            Unit {
                name: "P*GCU",
                factor: 1e15,
                aliases: &["petagcu"],
            },
        ],
    },
];

/// Normalises a unit spelling for look-up: lower case, and one trailing `s`
/// removed from names longer than two characters.
fn normalise(unit: &str) -> String {
    let lower = unit.to_lowercase();
    if lower.chars().count() > 2 && lower.ends_with('s') {
        lower[..lower.len() - 1].to_string()
    } else {
        lower
    }
}

fn find(family: &'static Family, unit: &str) -> Option<&'static Unit> {
    let n = normalise(unit);
    family
        .units
        .iter()
        .find(|u| u.aliases.iter().any(|a| *a == n))
}

/// True when `unit` is a name `unit=` accepts: a known unit of any family or
/// one of pprof's special words.
pub fn is_known_output_unit(unit: &str) -> bool {
    matches!(unit, "minimum" | "auto") || FAMILIES.iter().any(|f| find(f, unit).is_some())
}

/// Every canonical unit name plus `minimum` and `auto` (for completion).
pub fn unit_names() -> Vec<&'static str> {
    let mut v = vec!["minimum", "auto"];
    v.extend(FAMILIES.iter().flat_map(|f| f.units.iter().map(|u| u.name)));
    v
}

/// The family a unit belongs to, if any (used to check merge compatibility).
pub fn family_of(unit: &str) -> Option<usize> {
    FAMILIES.iter().position(|f| find(f, unit).is_some())
}

/// Scales `value` measured in `from` to `to` (`minimum`/`auto` pick the
/// largest unit whose factor is at most the value). Returns the scaled value
/// and the unit to print (empty for count-like units).
pub fn scale(value: i64, from: &str, to: &str) -> (f64, String) {
    if value < 0 && value.checked_neg().is_some() {
        let (v, u) = scale(-value, from, to);
        return (-v, u);
    }
    for fam in FAMILIES {
        let Some(fu) = find(fam, from) else { continue };
        let v = value as f64 * fu.factor;
        if to == "minimum" || to == "auto" {
            let mut best: Option<&Unit> = None;
            for u in fam.units {
                if best.is_none_or(|b| u.factor >= b.factor) && v / u.factor >= 1.0 {
                    best = Some(u);
                }
            }
            if let Some(b) = best {
                return (v / b.factor, b.name.to_string());
            }
            let d = find(fam, fam.default).expect("default unit in its family");
            return (v / d.factor, d.name.to_string());
        }
        return match find(fam, to) {
            Some(tu) => (v / tu.factor, tu.name.to_string()),
            None => {
                let d = find(fam, fam.default).expect("default unit in its family");
                (v / d.factor, d.name.to_string())
            }
        };
    }
    match to {
        "count" | "sample" | "unit" | "minimum" | "auto" => (value as f64, String::new()),
        _ => (value as f64, to.to_string()),
    }
}

/// `value` in `from`, printed in `to` with two decimals (`.00` removed), as
/// pprof's `ScaledLabel`.
pub fn scaled_label(value: i64, from: &str, to: &str) -> String {
    let (v, u) = scale(value, from, to);
    let s = fmt_fixed(v, 2);
    let s = s.strip_suffix(".00").unwrap_or(&s).to_string();
    if s == "0" || s == "-0" {
        return "0".to_string();
    }
    s + &u
}

/// A value with its own unit, auto-scaled (pprof's `measurement.Label`).
pub fn label(value: i64, unit: &str) -> String {
    scaled_label(value, unit, "auto")
}

/// `%.Nf` with Go's rounding (round half to even on the exact binary value).
pub fn fmt_fixed(v: f64, prec: usize) -> String {
    // Rust's formatter rounds the exact decimal expansion half-to-even, as Go does.
    format!("{v:.prec$}")
}

/// Go's `%.2g` for a non-negative ratio (used by percentages below 1%).
fn fmt_g2(x: f64) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    let e = format!("{x:.1e}");
    let (mant, exp) = e.split_once('e').expect("exponent form");
    let exp: i32 = exp.parse().expect("exponent digits");
    if !(-4..2).contains(&exp) {
        let mant = mant.trim_end_matches('0').trim_end_matches('.');
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", exp.abs());
    }
    let decimals = (1 - exp).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// pprof's `Percentage(value, total)`: `  100%`, `%5.2f%%` or `%5.2g%%`.
pub fn percentage(value: i64, total: i64) -> String {
    let ratio = if total != 0 {
        (value as f64 / total as f64).abs() * 100.0
    } else {
        0.0
    };
    if (99.95..=100.05).contains(&ratio) {
        "  100%".to_string()
    } else if ratio >= 1.0 {
        format!("{:>5}%", fmt_fixed(ratio, 2))
    } else {
        format!("{:>5}%", fmt_g2(ratio))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_match_go() {
        assert_eq!(percentage(3140, 4030), "77.92%");
        assert_eq!(percentage(4030, 4030), "  100%");
        assert_eq!(percentage(0, 4030), "    0%");
        assert_eq!(percentage(999, 100_000), "    1%");
        assert_eq!(percentage(9, 1000), "  0.9%");
        assert_eq!(percentage(76, 1_000_000), "0.0076%");
        assert_eq!(percentage(1, 10_000_000), "1e-05%");
        assert_eq!(percentage(-5, 10), "50.00%");
    }

    #[test]
    fn scaling_matches_go() {
        assert_eq!(scaled_label(4_030_000_000, "nanoseconds", "auto"), "4.03s");
        assert_eq!(scaled_label(880_000_000, "nanoseconds", "ms"), "880ms");
        assert_eq!(scaled_label(1536, "bytes", "auto"), "1.50kB");
        assert_eq!(scaled_label(1023, "bytes", "minimum"), "1023B");
        assert_eq!(scaled_label(0, "bytes", "auto"), "0");
        assert_eq!(scaled_label(11, "count", "ms"), "11ms");
        assert_eq!(scaled_label(11, "count", "auto"), "11");
        assert_eq!(scaled_label(7200 * 1_000_000_000, "ns", "auto"), "2hrs");
        assert_eq!(scaled_label(1000, "widgets", "widgets"), "1000widgets");
        assert_eq!(fmt_fixed(0.125, 2), "0.12");
        assert_eq!(fmt_fixed(31.25, 1), "31.2");
    }

    #[test]
    fn unit_names_are_validated() {
        assert!(is_known_output_unit("kb"));
        assert!(is_known_output_unit("MB"));
        assert!(is_known_output_unit("milliseconds"));
        assert!(!is_known_output_unit("furlongs"));
        assert!(!is_known_output_unit("kib"));
    }
}
