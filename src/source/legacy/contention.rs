//! Contention text profiles: gperftools `--- contentionz` and Go's
//! `?debug=1` mutex/block output (`--- mutex:` / `--- contention:`), with
//! `key = value` attributes, `<cycles> <count> @ addrs` samples and Go's
//! `#` frame comments. Values are unsampled and cycles converted to
//! nanoseconds as pprof does.
//!
//! One parser of the legacy family; fills a `legacy::Builder`.

use super::{
    Builder, Failure, go_parse_int, gosym::Collector, hex_addresses, is_space_or_comment, memmap,
};

/// `<cycles> <count> @ addrs` → (cycles, count, addresses).
fn sample(line: &str) -> Result<(i64, i64, Vec<u64>), Failure> {
    let (nums, stack) = line.split_once('@').ok_or(Failure::Unrecognized)?;
    let mut it = nums.split_whitespace();
    let (Some(a), Some(b), None) = (it.next(), it.next(), it.next()) else {
        return Err(Failure::Unrecognized);
    };
    let num = |s: &str| {
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return Err(Failure::Unrecognized);
        }
        s.parse::<i64>()
            .map_err(|e| Failure::Malformed(format!("malformed sample: {line}: {e}")))
    };
    let addrs = hex_addresses(stack)
        .map_err(|e| Failure::Malformed(format!("malformed sample: {line}: {e}")))?;
    Ok((num(a)?, num(b)?, addrs))
}

/// Parses a contention/mutex/block text profile.
pub fn parse(lines: &[&str]) -> Result<crate::model::Profile, Failure> {
    let Some(first) = lines.first() else {
        return Err(Failure::Unrecognized);
    };
    if !["--- contentionz ", "--- mutex:", "--- contention:"]
        .iter()
        .any(|p| first.starts_with(p))
    {
        return Err(Failure::Unrecognized);
    }
    let mut b = Builder::new(
        vec![("contentions", "count"), ("delay", "nanoseconds")],
        ("contentions".into(), "count"),
        1,
    );
    let mut cpu_hz = 0i64;
    let mut rest = &lines[1..];
    while let Some((raw, tail)) = rest.split_first() {
        let line = raw.trim();
        if is_space_or_comment(line) {
            rest = tail;
            continue;
        }
        if line.starts_with("---") {
            break;
        }
        let Some((key, val)) = line.split_once('=') else {
            break;
        };
        rest = tail;
        let val = val.trim();
        let int = || go_parse_int(val).map_err(|_| Failure::Unrecognized);
        match key.trim() {
            "cycles/second" => cpu_hz = int()?,
            "sampling period" => b.set_period(int()?),
            "ms since reset" => b.set_duration(int()?.saturating_mul(1_000_000)),
            "discarded samples" => {}
            _ => return Err(Failure::Unrecognized),
        }
    }
    let period = b.period();
    let mut comments = Collector::default();
    while let Some((raw, tail)) = rest.split_first() {
        let line = raw.trim();
        if line.starts_with("---") {
            break;
        }
        rest = tail;
        if is_space_or_comment(line) {
            comments.comment(line, b.len());
            continue;
        }
        let (mut cycles, mut count, addrs) = sample(line)?;
        if period > 0 {
            if cpu_hz > 0 {
                let ghz = cpu_hz as f64 / 1e9;
                cycles = (cycles as f64 * period as f64 / ghz) as i64;
            }
            count = count.saturating_mul(period);
        }
        let addrs: Vec<u64> = addrs.iter().map(|a| a.wrapping_sub(1)).collect();
        b.sample(&addrs, vec![count, cycles]);
    }
    comments.apply(&mut b);
    if let Some(i) = rest.iter().position(|l| memmap::is_sentinel(l)) {
        b.add_mappings(memmap::parse(&rest[i + 1..])?);
    }
    Ok(b.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples() {
        assert_eq!(
            sample("2273663559 799 @ 0x6a2c52").unwrap(),
            (2273663559, 799, vec![0x6a2c52])
        );
    }
}
