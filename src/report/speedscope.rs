//! `speedscope`: the view's stacks in speedscope's JSON file format
//! (<https://www.speedscope.app/file-format-schema.json>), for
//! <https://www.speedscope.app> or the `speedscope` command.
//!
//! Report stage: one "sampled" profile whose samples are the distinct
//! stacks of [`super::stacks`] (root first, as indices into the shared
//! frame table) weighted by their value in the current `sample_index`.
//! Frames are shared and listed in first-use order; each has the function
//! name (the printable node name where there is none), and the file and
//! line where the granularity keeps them. The unit is the sample type's
//! when speedscope knows it (`bytes`, `nanoseconds`, …), `none` otherwise;
//! the profile is named by its sample type, the file by the main binary
//! too. Values are raw sample values (no `divide_by`).

use super::Context;
use super::header::ProfileInfo;
use super::stacks::Stacks;
use crate::model::NONE;
use serde_json::{Value, json};

/// Speedscope's name for a pprof sample unit.
fn unit(sample_unit: &str) -> &'static str {
    match sample_unit {
        "bytes" => "bytes",
        "nanoseconds" => "nanoseconds",
        "microseconds" => "microseconds",
        "milliseconds" => "milliseconds",
        "seconds" => "seconds",
        _ => "none",
    }
}

/// Renders `speedscope`.
pub fn render(r: &Context) -> String {
    let stacks = Stacks::of(r);
    // Node-table entry -> index into the shared frames, on first use.
    let mut frame_of = vec![NONE; stacks.table.infos.len()];
    let mut frames: Vec<Value> = Vec::new();
    let mut samples: Vec<Vec<u32>> = Vec::new();
    let mut weights: Vec<i64> = Vec::new();
    for (leaf, value) in stacks.ends() {
        let stack = stacks
            .path(leaf)
            .into_iter()
            .map(|i| {
                let entry = stacks.nodes[i].entry;
                let slot = &mut frame_of[entry as usize];
                if *slot == NONE {
                    *slot = frames.len() as u32;
                    let info = &stacks.table.infos[entry as usize];
                    let name = if info.name.is_empty() {
                        stacks.name(entry)
                    } else {
                        info.name.clone()
                    };
                    let mut frame = json!({ "name": name });
                    if !info.file.is_empty() {
                        frame["file"] = json!(info.file);
                    }
                    if info.line != 0 {
                        frame["line"] = json!(info.line);
                    }
                    frames.push(frame);
                }
                *slot
            })
            .collect();
        samples.push(stack);
        weights.push(value);
    }
    let end = crate::model::sum_values(weights.iter().copied());
    let info = ProfileInfo::of(r);
    let name = match &info.file {
        Some(binary) => format!("{binary} {}", r.sample_type),
        None => r.sample_type.clone(),
    };
    let doc = json!({
        "$schema": "https://www.speedscope.app/file-format-schema.json",
        "exporter": concat!("rpprof ", env!("CARGO_PKG_VERSION")),
        "name": name,
        "activeProfileIndex": 0,
        "shared": { "frames": frames },
        "profiles": [{
            "type": "sampled",
            "name": r.sample_type,
            "unit": unit(&r.sample_unit),
            "startValue": 0,
            "endValue": end,
            "samples": samples,
            "weights": weights,
        }],
    });
    let mut text = doc.to_string();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn units_speedscope_knows() {
        assert_eq!(super::unit("bytes"), "bytes");
        assert_eq!(super::unit("nanoseconds"), "nanoseconds");
        assert_eq!(super::unit("count"), "none");
    }
}
