//! gperftools / "profilez" binary CPU profiles: machine words (4 or 8
//! bytes, either endianness; all four are tried), header `0 3 0 period 0`,
//! records `count nstack addr...`, end marker `0 1 0`, then a memory map
//! as text. pprof's heuristics follow: a second-from-leaf frame shared by
//! (almost) every sample is the signal handler's and is removed (at most
//! twice), and a duplicated leaf is removed. Java CPU profiles (third
//! header word 1) have their samples read here and the rest by `java`.
//!
//! One parser of the legacy family; fills a `legacy::Builder`.

use super::{Builder, Failure, java, memmap};

/// One sample: its count and its addresses, leaf first.
type Sample = (i64, Vec<u64>);

/// Reads one machine word; `None` at the end of the data.
type Word = fn(&[u8]) -> Option<(u64, &[u8])>;

fn word<const N: usize>(b: &[u8], big: bool) -> Option<(u64, &[u8])> {
    let (w, rest) = b.split_first_chunk::<N>()?;
    let mut v = 0u64;
    for i in 0..N {
        let byte = if big { w[i] } else { w[N - 1 - i] };
        v = (v << 8) | u64::from(byte);
    }
    Some((v, rest))
}

/// The four word readers, with their word sizes in bytes.
const WORDS: [(u64, Word); 4] = [
    (4, |b| word::<4>(b, false)),
    (4, |b| word::<4>(b, true)),
    (8, |b| word::<8>(b, false)),
    (8, |b| word::<8>(b, true)),
];

/// What parsing takes per word of samples, at most (measured: 115 bytes
/// for one-address samples of 4-byte words, each address new; 100 for
/// three-address ones): the samples are built one by one, with a location
/// per new address, before they become columns.
const BYTES_PER_WORD: u64 = 128;

/// Parses a binary CPU profile.
pub fn parse(data: &[u8]) -> Result<crate::model::Profile, Failure> {
    for (size, w) in WORDS {
        let mut b = data;
        let mut h = [0u64; 5];
        let mut ok = true;
        for x in &mut h {
            match w(b) {
                Some((v, rest)) => {
                    *x = v;
                    b = rest;
                }
                None => ok = false,
            }
        }
        if ok && h[0] == 0 && h[1] == 3 && h[2] <= 1 && h[3] > 0 && h[4] == 0 {
            let words = b.len() as u64 / size;
            let need = words.saturating_mul(BYTES_PER_WORD);
            if need > crate::source::memory_limit() {
                return Err(Failure::TooLarge(crate::source::memory_limit_message(
                    &format!("its {words} words of CPU samples"),
                    need,
                )));
            }
            let period = (h[3] as i64).saturating_mul(1000);
            if h[2] == 1 {
                let (samples, rest) = samples(b, w, false)?;
                let text = String::from_utf8_lossy(rest);
                return java::with_symbols(builder(&samples, period), &text);
            }
            return profile(b, period, w);
        }
    }
    Err(Failure::Unrecognized)
}

/// The samples `count nstack addr...` up to the end marker (every address
/// but the leaf less one when `adjust`, as return addresses), and the
/// bytes after them.
fn samples(mut b: &[u8], w: Word, adjust: bool) -> Result<(Vec<Sample>, &[u8]), Failure> {
    let mut samples: Vec<Sample> = Vec::new();
    while !b.is_empty() {
        let (count, rest) = w(b).ok_or(Failure::Unrecognized)?;
        let (nstk, rest) = w(rest).ok_or(Failure::Unrecognized)?;
        if nstk > (rest.len() / 4) as u64 {
            return Err(Failure::Unrecognized);
        }
        b = rest;
        let mut addrs = Vec::with_capacity(nstk as usize);
        for _ in 0..nstk {
            let Some((a, rest)) = w(b) else {
                return Err(Failure::Unrecognized);
            };
            addrs.push(a);
            b = rest;
        }
        if count == 0 && nstk == 1 && addrs[0] == 0 {
            break;
        }
        if adjust {
            for a in addrs.iter_mut().skip(1) {
                *a = a.wrapping_sub(1);
            }
        }
        samples.push((count as i64, addrs));
    }
    Ok((samples, b))
}

/// A CPU profile's builder with `samples` (counts and addresses), each
/// also worth `count × period` nanoseconds.
fn builder(samples: &[Sample], period: i64) -> Builder {
    let mut b = Builder::new(
        vec![("samples", "count"), ("cpu", "nanoseconds")],
        ("cpu".into(), "nanoseconds"),
        period,
    );
    for (count, addrs) in samples {
        b.sample(addrs, vec![*count, count.saturating_mul(period)]);
    }
    b
}

/// A gperftools CPU profile from the bytes after its header.
fn profile(b: &[u8], period: i64, w: Word) -> Result<crate::model::Profile, Failure> {
    let (mut samples, b) = samples(b, w, true)?;
    remove_signal_frames(&mut samples);
    for (_, addrs) in &mut samples {
        if addrs.len() > 1 && addrs[0] == addrs[1].wrapping_add(1) {
            addrs.remove(1);
        }
    }
    let mut builder = builder(&samples, period);
    let text = String::from_utf8_lossy(b);
    let lines: Vec<&str> = text.lines().collect();
    builder.add_mappings(memmap::parse(&lines)?);
    Ok(builder.finish())
}

/// Removes, up to twice, a second-from-leaf address found in all samples
/// but one per 32 (the profiler's signal handler frame).
fn remove_signal_frames(samples: &mut [Sample]) {
    let margin = samples.len() / 32;
    for _ in 0..2 {
        let mut counts: std::collections::BTreeMap<u64, usize> = Default::default();
        for (_, a) in samples.iter() {
            if a.len() > 1 {
                *counts.entry(a[1]).or_default() += 1;
            }
        }
        let Some((&frame, _)) = counts.iter().find(|&(_, &n)| n >= samples.len() - margin) else {
            continue;
        };
        for (_, a) in samples.iter_mut() {
            if a.len() > 1 && a[1] == frame {
                a.remove(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(ws: &[u64]) -> Vec<u8> {
        ws.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    #[test]
    fn binary_profile_with_map() {
        let mut data = words(&[
            0, 3, 0, 10000, 0, // header: 10ms period
            5, 3, 0x401010, 0x402020, 0x403030, // 5 samples
            2, 2, 0x401050, 0x403030, // 2 samples
            0, 1, 0, // end
        ]);
        data.extend_from_slice(b"00400000-00500000 r-xp 00000000 08:01 42 /usr/bin/app\n");
        let p = parse(&data).unwrap();
        assert_eq!(p.sample_type_names(), ["samples", "cpu"]);
        assert_eq!(p.period, 10_000_000);
        assert_eq!(p.samples.values(0, 2), [5, 50_000_000]);
        assert_eq!(p.main_binary(), Some("app"));
        let leaf = p.samples.locs(0)[0].index();
        assert_eq!(p.locations[leaf].address, 0x401010);
        let caller = p.samples.locs(0)[1].index();
        assert_eq!(p.locations[caller].address, 0x40201f);
    }

    #[test]
    fn text_is_not_a_cpu_profile() {
        assert_eq!(
            parse(b"heap profile: 1: 2 [3: 4] @ heap/2").unwrap_err(),
            Failure::Unrecognized
        );
    }
}
