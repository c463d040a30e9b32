//! Writes a synthetic snapshot series from one real profile, for
//! `benches/series.sh`: N copies of the profile whose sample values are
//! scaled by factors that change from snapshot to snapshot, with times one
//! minute apart.
//!
//! Usage: `cargo run --release --example scale_profile -- PROFILE OUT_DIR [N]`
//! (N defaults to 10). Writes `OUT_DIR/snap_01.pb.gz` … `snap_NN.pb.gz`, each
//! with every sample, location and function of `PROFILE` (so each is about
//! its size), and prints one line per file.
//!
//! Snapshot k (0-based) scales each sample's values by a factor chosen by
//! the sample's leaf function id modulo 4, so that every function follows
//! one trend and `growth` has a real ranking:
//!
//! | leaf function id % 4 | factor for snapshot k | trend |
//! |---|---|---|
//! | 0 | 1 + 0.5·k | fast growth (the "leak") |
//! | 1 | 1 + 0.1·k | slow growth |
//! | 2 | 1 | flat |
//! | 3 | 1 − 0.05·k | shrinking |
//!
//! `time_nanos` is the original time plus k minutes; files are gzipped at
//! the fastest level, as Go writes profiles. This works on the wire
//! types (`rpprof::pb`, decoded with prost) and decides nothing about how
//! rpprof reads them.

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use prost::Message;
use rpprof::pb;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;

/// The factor of trend `group` (0..4) in snapshot `k`.
fn factor(group: u64, k: u32) -> f64 {
    let k = f64::from(k);
    match group {
        0 => 1.0 + 0.5 * k,
        1 => 1.0 + 0.1 * k,
        2 => 1.0,
        _ => 1.0 - 0.05 * k,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir, rest @ ..] = args.as_slice() else {
        return Err("usage: scale_profile PROFILE OUT_DIR [N]".into());
    };
    let n: u32 = match rest {
        [] => 10,
        [n] => n.parse()?,
        _ => return Err("usage: scale_profile PROFILE OUT_DIR [N]".into()),
    };
    let raw = std::fs::read(input)?;
    let mut bytes = Vec::new();
    if raw.starts_with(&[0x1f, 0x8b]) {
        GzDecoder::new(raw.as_slice()).read_to_end(&mut bytes)?;
    } else {
        bytes = raw;
    }
    let base = pb::Profile::decode(bytes.as_slice())?;

    // Each sample's trend group, from the function of its leaf frame (the
    // innermost line of its first location).
    let leaf_function: HashMap<u64, u64> = base
        .location
        .iter()
        .map(|l| (l.id, l.line.first().map_or(0, |line| line.function_id)))
        .collect();
    let groups: Vec<u64> = base
        .sample
        .iter()
        .map(|s| {
            s.location_id
                .first()
                .and_then(|id| leaf_function.get(id))
                .map_or(0, |f| f % 4)
        })
        .collect();
    let time = if base.time_nanos != 0 {
        base.time_nanos
    } else {
        1_764_000_000_000_000_000
    };

    std::fs::create_dir_all(out_dir)?;
    let mut snapshot = base.clone();
    for k in 0..n {
        for ((s, b), &g) in snapshot.sample.iter_mut().zip(&base.sample).zip(&groups) {
            let f = factor(g, k);
            for (v, &b) in s.value.iter_mut().zip(&b.value) {
                *v = (b as f64 * f).round() as i64;
            }
        }
        snapshot.time_nanos = time + i64::from(k) * 60_000_000_000;
        let path = Path::new(out_dir).join(format!("snap_{:02}.pb.gz", k + 1));
        let mut gz = GzEncoder::new(std::fs::File::create(&path)?, Compression::fast());
        gz.write_all(&snapshot.encode_to_vec())?;
        gz.finish()?;
        println!(
            "{}: {} samples, {} bytes",
            path.display(),
            snapshot.sample.len(),
            std::fs::metadata(&path)?.len()
        );
    }
    Ok(())
}
