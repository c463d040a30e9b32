//! Heap text profiles: tcmalloc/gperftools `heapz`/`heapprofile` and Go's
//! `?debug=1` heap output (`heap profile: N: B [N2: B2] @ heap/RATE`), with
//! pprof's unsampling, the `bytes` block-size label, and (Go only) frames
//! from the `#` comment lines.
//!
//! One parser of the legacy family; fills a `legacy::Builder`.

use super::{Builder, Failure, gosym::Collector, hex_addresses, is_space_or_comment, memmap};

/// The parsed header: sampling kind, period, and whether alloc columns
/// are present.
struct Header {
    v2: bool,
    period: i64,
    has_alloc: bool,
}

/// `N: B [N2: B2]` numbers after `prefix` in `line`, with the text after
/// the closing bracket.
fn counts(s: &str) -> Option<([&str; 4], &str)> {
    let (a, rest) = s.split_once(':')?;
    let (b, rest) = rest.split_once('[')?;
    let (c, rest) = rest.split_once(':')?;
    let (d, rest) = rest.split_once(']')?;
    let nums = [a.trim(), b.trim(), c.trim(), d.trim()];
    let ok = nums.iter().enumerate().all(|(i, n)| {
        let digits = if i < 2 {
            n.strip_prefix('-').unwrap_or(n)
        } else {
            n
        };
        !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit())
    });
    ok.then_some((nums, rest))
}

/// pprof's `heapHeaderRE` plus the growth/fragmentation variants.
fn header(line: &str) -> Option<Header> {
    let at = line.find("heap profile:")?;
    let (nums, rest) = counts(&line[at + "heap profile:".len()..])?;
    if nums[..2].iter().any(|n| n.starts_with('-')) {
        return None;
    }
    let kind = rest.trim_start().strip_prefix('@')?.trim_start();
    for growth in ["growthz", "growth", "fragmentationz", "fragmentation"] {
        if kind.starts_with(growth) && !kind.starts_with("heap") {
            return Some(Header {
                v2: false,
                period: 1,
                has_alloc: false,
            });
        }
    }
    let name_end = kind
        .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
        .unwrap_or(kind.len());
    let name = &kind[..name_end];
    let rate = kind[name_end..].strip_prefix('/').unwrap_or("");
    let rate_end = rate
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rate.len());
    let rate: i64 = if rate_end > 0 {
        rate[..rate_end].parse().ok()?
    } else {
        0
    };
    let has_alloc =
        (nums[2] != nums[0] && nums[2] != "0") || (nums[3] != nums[1] && nums[3] != "0");
    let (v2, period) = match name {
        "heapz_v2" | "heap_v2" => (true, rate),
        "heapprofile" => (false, 1),
        "heap" => (true, rate / 2),
        _ => return None,
    };
    Some(Header {
        v2,
        period,
        has_alloc,
    })
}

/// pprof's `scaleHeapSample`: undoes Poisson sampling at `rate`.
pub fn unsample(count: i64, size: i64, rate: i64) -> (i64, i64) {
    if count == 0 || size == 0 {
        return (0, 0);
    }
    if rate <= 1 {
        return (count, size);
    }
    let avg = size as f64 / count as f64;
    let scale = 1.0 / (1.0 - (-avg / rate as f64).exp());
    ((count as f64 * scale) as i64, (size as f64 * scale) as i64)
}

/// Parses a heap text profile.
pub fn parse(lines: &[&str]) -> Result<crate::model::Profile, Failure> {
    let Some(h) = lines.first().and_then(|l| header(l)) else {
        return Err(Failure::Unrecognized);
    };
    let types = if h.has_alloc {
        vec![
            ("alloc_objects", "count"),
            ("alloc_space", "bytes"),
            ("inuse_objects", "count"),
            ("inuse_space", "bytes"),
        ]
    } else {
        vec![("objects", "count"), ("space", "bytes")]
    };
    let mut b = Builder::new(types, ("space".into(), "bytes"), h.period);
    let mut comments = Collector::default();
    let mut rest = &lines[1..];
    while let Some((raw, tail)) = rest.split_first() {
        rest = tail;
        let line = raw.trim();
        if is_space_or_comment(line) {
            comments.comment(line, b.len());
            continue;
        }
        if memmap::is_sentinel(line) {
            break;
        }
        let (values, block, addrs) = sample(line, &h)?;
        let addrs: Vec<u64> = addrs.iter().map(|a| a.wrapping_sub(1)).collect();
        b.sample(&addrs, values);
        b.num_label("bytes", block);
    }
    comments.apply(&mut b);
    b.add_mappings(memmap::parse(rest)?);
    Ok(b.finish())
}

/// One sample line: values, block size, addresses.
fn sample(line: &str, h: &Header) -> Result<(Vec<i64>, i64, Vec<u64>), Failure> {
    let bad = || Failure::Malformed("unexpected number of sample values: got 0, want 6".into());
    let (nums, rest) = counts(line).ok_or_else(bad)?;
    let addrs_text = rest.trim_start().strip_prefix('@').ok_or_else(bad)?;
    let mut values = Vec::with_capacity(4);
    let mut block = 0i64;
    let mut add = |count: &str, size: &str, what: &str| -> Result<(), Failure> {
        let parse = |s: &str| {
            s.parse::<i64>()
                .map_err(|e| Failure::Malformed(format!("malformed sample: {line}: {e}")))
        };
        let (mut count, mut size) = (parse(count)?, parse(size)?);
        if count == 0 && size != 0 {
            return Err(Failure::Malformed(format!(
                "{what} count was 0 but {what} bytes was {size}"
            )));
        }
        if count != 0 {
            block = size.wrapping_div(count);
            if h.v2 {
                (count, size) = unsample(count, size, h.period);
            }
        }
        values.extend([count, size]);
        Ok(())
    };
    if h.has_alloc {
        add(nums[2], nums[3], "allocation")?;
    }
    add(nums[0], nums[1], "inuse")?;
    let addrs = hex_addresses(addrs_text)
        .map_err(|e| Failure::Malformed(format!("malformed sample: {line}: {e}")))?;
    Ok((values, block, addrs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_header_halves_the_rate() {
        let h = header("heap profile: 16606: 171369440 [25071: 178299808] @ heap/8192").unwrap();
        assert!(h.v2 && h.has_alloc);
        assert_eq!(h.period, 4096);
        let h = header("heap profile:  19504:  2824592 [ 42029:  5868144] @ heapprofile").unwrap();
        assert!(!h.v2);
        assert_eq!(h.period, 1);
        assert!(header("heap profile: 1: 2 [1: 2] @ other").is_none());
    }

    #[test]
    fn unsampling() {
        assert_eq!(unsample(1, 10000, 4096), (1, 10953));
        assert_eq!(unsample(3, 0, 4096), (0, 0));
    }
}
