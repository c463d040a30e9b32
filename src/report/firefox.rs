//! `firefox`: the view's stacks in the Firefox Profiler's processed
//! profile format (JSON), for <https://profiler.firefox.com> ("Load a
//! profile from file"), written with the `fxprof-processed-profile` crate.
//!
//! Report stage: one process named by the main binary, with one thread
//! named by the sample type (shown and selected when the profile opens);
//! the stacks of [`super::stacks`] become the thread's stack table (one
//! label frame per node, named as `traces` names frames) and each distinct
//! stack one sample weighted by its value in the current `sample_index`.
//! The weight type follows the sample unit: `bytes` stay bytes; time
//! units become nanoseconds counted as samples of a 1 ns interval (so the
//! profiler's running times are the profile's), the samples laid out one
//! after another on the timeline; anything else (counts) is a sample
//! count, one sample a millisecond. The profiler's weights are 32-bit, so
//! a larger value is written as several samples of the same stack (up to
//! [`MAX_EXTRA_SAMPLES`] more in all, beyond which the report fails).

use super::Context;
use super::header::ProfileInfo;
use super::stacks::Stacks;
use crate::{Error, Result};
use fxprof_processed_profile::{
    CategoryHandle, CpuDelta, Frame, FrameFlags, FrameInfo, Profile, ReferenceTimestamp,
    SamplingInterval, StackHandle, Timestamp, WeightType,
};

/// How many samples may be added in all to carry values over 32 bits.
pub const MAX_EXTRA_SAMPLES: usize = 1 << 20;

/// Nanoseconds per unit of a pprof time unit.
fn nanos_per(unit: &str) -> Option<i64> {
    match unit {
        "nanoseconds" => Some(1),
        "microseconds" => Some(1_000),
        "milliseconds" => Some(1_000_000),
        "seconds" => Some(1_000_000_000),
        _ => None,
    }
}

/// `value` as 32-bit weights of the same sign summing to it.
fn pieces(value: i64) -> impl Iterator<Item = i32> {
    let max = i64::from(i32::MAX);
    let whole = value.unsigned_abs() / max as u64;
    let rest = (value.unsigned_abs() % max as u64) as i32;
    let sign = value.signum() as i32;
    (0..whole)
        .map(move |_| sign * i32::MAX)
        .chain((rest != 0).then_some(sign * rest))
}

/// Renders `firefox`.
pub fn render(r: &Context) -> Result<String> {
    let stacks = Stacks::of(r);
    let info = ProfileInfo::of(r);
    let p = r.view.profile();
    let time = nanos_per(&r.sample_unit);
    let (weight_type, interval) = match (r.sample_unit.as_str(), time) {
        ("bytes", _) => (WeightType::Bytes, SamplingInterval::from_millis(1)),
        (_, Some(_)) => (WeightType::Samples, SamplingInterval::from_nanos(1)),
        _ => (WeightType::Samples, SamplingInterval::from_millis(1)),
    };
    let start = ReferenceTimestamp::from_millis_since_unix_epoch(p.time_nanos as f64 / 1e6);
    let product = info.file.as_deref().unwrap_or("rpprof");
    let mut profile = Profile::new(product, start, interval);
    let zero = Timestamp::from_nanos_since_reference(0);
    let process = profile.add_process(product, 0, zero);
    // Not the main thread: a main thread is shown with the process's name.
    let thread = profile.add_thread(process, 0, zero, false);
    profile.set_thread_name(thread, &r.sample_type);
    profile.add_initial_visible_thread(thread);
    profile.add_initial_selected_thread(thread);
    profile.set_thread_samples_weight_type(thread, weight_type);
    // One label frame per node-table entry, and one stack per tree node
    // (its caller's stack plus its frame).
    let mut frame_of = vec![None; stacks.table.infos.len()];
    let mut stack_of: Vec<StackHandle> = Vec::with_capacity(stacks.nodes.len());
    for n in &stacks.nodes {
        let frame = *frame_of[n.entry as usize].get_or_insert_with(|| {
            let name = profile.intern_string(&stacks.name(n.entry));
            profile.intern_frame(
                thread,
                FrameInfo {
                    frame: Frame::Label(name),
                    category_pair: CategoryHandle::OTHER.into(),
                    flags: FrameFlags::empty(),
                },
            )
        });
        let parent = n.parent.map(|i| stack_of[i]);
        stack_of.push(profile.intern_stack(thread, parent, frame));
    }
    let mut samples = 0usize;
    let mut at = 0u64;
    for (leaf, value) in stacks.ends() {
        let value = match time {
            Some(f) => value.saturating_mul(f),
            None => value,
        };
        for w in pieces(value) {
            samples += 1;
            if samples > stacks.nodes.len().saturating_add(MAX_EXTRA_SAMPLES) {
                return Err(Error::Incompatible(
                    "firefox: sample values too large for the Firefox Profiler's 32-bit weights"
                        .into(),
                ));
            }
            let timestamp = Timestamp::from_nanos_since_reference(at);
            profile.add_sample(thread, timestamp, Some(stack_of[leaf]), CpuDelta::ZERO, w);
            at = at.saturating_add(match time {
                Some(_) => u64::from(w.unsigned_abs()),
                None => 1_000_000,
            });
        }
    }
    serde_json::to_string(&profile)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| Error::Incompatible(format!("firefox: {e}")))
}

#[cfg(test)]
mod tests {
    use super::pieces;

    #[test]
    fn large_values_are_split_into_32_bit_weights() {
        assert_eq!(pieces(5).collect::<Vec<_>>(), [5]);
        assert_eq!(pieces(-5).collect::<Vec<_>>(), [-5]);
        assert_eq!(pieces(0).count(), 0);
        let big = i64::from(i32::MAX) * 2 + 7;
        assert_eq!(pieces(big).collect::<Vec<_>>(), [i32::MAX, i32::MAX, 7]);
        assert_eq!(pieces(-big).collect::<Vec<_>>(), [-i32::MAX, -i32::MAX, -7]);
        let sum: i64 = pieces(i64::MIN + 1).map(i64::from).sum();
        assert_eq!(sum, i64::MIN + 1);
    }
}
