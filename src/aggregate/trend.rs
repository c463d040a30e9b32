//! How one entry's value moves across a snapshot series: the verdict
//! (`growing`, `plateau`, `churn`, `shrinking`, `new`, `gone`, `flat`), the
//! growth from the first snapshot to the last and a least-squares slope.
//!
//! Aggregate stage: numbers in, a [`Trend`] out; `report::series` applies it
//! to every entry and `help growth` prints [`rules`]. The thresholds are
//! relative to the entry's own size, so a runtime function whose value
//! wobbles by a few percent is `flat`, not `growing`.

/// Changes smaller than this share of the entry's largest value (in
/// percent) do not count: such an entry is `flat`.
const BAND_PERCENT: i128 = 5;
/// A step between two snapshots counts as a rise or a fall when it moves
/// the value by more than this share of the entry's largest value (percent).
const STEP_PERCENT: i128 = 1;
/// `growing` allows one flat step in this many (at least one from three
/// steps on; no step may fall). Go's heap profile shows the heap as of the
/// last completed GC, so two snapshots in a row of a leaking process can be
/// equal.
const FLAT_STEPS_PER: usize = 5;

/// The verdict on one entry of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Rises in (nearly) every step: a leak suspect.
    Growing,
    /// Grew, then stopped: the last step is flat.
    Plateau,
    /// Moves up and down (or jumps) without a steady trend.
    Churn,
    /// Falls and never rises.
    Shrinking,
    /// Absent (or zero) in the first snapshot, present in the last.
    New,
    /// Present in the first snapshot, absent (or zero) in the last.
    Gone,
    /// Changes by less than the band.
    Flat,
}

impl Verdict {
    /// The verdict as `growth` prints it.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Growing => "growing",
            Verdict::Plateau => "plateau",
            Verdict::Churn => "churn",
            Verdict::Shrinking => "shrinking",
            Verdict::New => "new",
            Verdict::Gone => "gone",
            Verdict::Flat => "flat",
        }
    }
}

/// How an entry moves across the series.
#[derive(Clone, Debug, PartialEq)]
pub struct Trend {
    /// The verdict.
    pub verdict: Verdict,
    /// Least-squares slope, in value units per hour, or per snapshot when
    /// `per_snapshot`.
    pub slope: f64,
    /// True when the snapshots' times are missing or equal, so the slope is
    /// per snapshot.
    pub per_snapshot: bool,
    /// Last value minus first value (absent counts as 0).
    pub growth: i64,
    /// `growth` relative to the first value (`None` when that is 0).
    pub relative: Option<f64>,
}

/// Classifies one entry from its value in each snapshot (`None`: absent)
/// and the snapshots' `time_nanos` (0: unknown), oldest first.
pub fn classify(values: &[Option<i64>], times: &[i64]) -> Trend {
    let v: Vec<i128> = values.iter().map(|x| i128::from(x.unwrap_or(0))).collect();
    let (first, last) = match (v.first(), v.last()) {
        (Some(&f), Some(&l)) => (f, l),
        _ => (0, 0),
    };
    let growth = clamp(last - first);
    let relative = (first != 0).then(|| (last - first) as f64 / first.abs() as f64);
    let (slope, per_snapshot) = slope(&v, times);
    Trend {
        verdict: verdict(values, &v),
        slope,
        per_snapshot,
        growth,
        relative,
    }
}

fn verdict(values: &[Option<i64>], v: &[i128]) -> Verdict {
    let present = |x: Option<&Option<i64>>| matches!(x, Some(Some(n)) if *n != 0);
    match (present(values.first()), present(values.last())) {
        (false, true) => return Verdict::New,
        (true, false) => return Verdict::Gone,
        _ => {}
    }
    let largest = v.iter().map(|x| x.saturating_abs()).max().unwrap_or(0);
    let (min, max) = (
        v.iter().copied().min().unwrap_or(0),
        v.iter().copied().max().unwrap_or(0),
    );
    let band = largest * BAND_PERCENT / 100;
    if max - min <= band {
        return Verdict::Flat;
    }
    let step = largest * STEP_PERCENT / 100;
    let deltas: Vec<i128> = v.windows(2).map(|w| w[1] - w[0]).collect();
    let ups = deltas.iter().filter(|&&d| d > step).count();
    let downs = deltas.iter().filter(|&&d| d < -step).count();
    let steps = deltas.len();
    let growth = v[v.len() - 1] - v[0];
    let last_flat = deltas.last().is_some_and(|d| d.abs() <= step);
    let allowed_flat = if steps >= 3 {
        (steps / FLAT_STEPS_PER).max(1)
    } else {
        0
    };
    if growth > band && downs == 0 {
        if ups + allowed_flat >= steps {
            return Verdict::Growing;
        }
        if last_flat {
            return Verdict::Plateau;
        }
    }
    if growth < -band && ups == 0 {
        return Verdict::Shrinking;
    }
    Verdict::Churn
}

/// Least-squares slope of `v` over time in hours; over the snapshot index
/// when a time is unknown or all times are equal.
fn slope(v: &[i128], times: &[i64]) -> (f64, bool) {
    let by_time = times.len() == v.len()
        && times.iter().all(|&t| t != 0)
        && times.windows(2).any(|w| w[0] != w[1]);
    let t0 = times.first().copied().unwrap_or(0);
    let xs: Vec<f64> = (0..v.len())
        .map(|i| {
            if by_time {
                (times[i] as f64 - t0 as f64) / 3.6e12
            } else {
                i as f64
            }
        })
        .collect();
    let ys: Vec<f64> = v.iter().map(|&y| y as f64).collect();
    let n = xs.len() as f64;
    if xs.len() < 2 {
        return (0.0, !by_time);
    }
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    let sxy: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let s = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    (s, !by_time)
}

fn clamp(x: i128) -> i64 {
    x.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// The rules behind the verdicts, for `help growth`.
pub fn rules() -> String {
    format!(
        "  Verdicts (values absent from a snapshot count as 0; \"size\" is the entry's
  largest value in the series; a step is the change between two snapshots
  in a row, and it rises or falls when it moves by more than {STEP_PERCENT}% of size):
    new        absent or zero in the first snapshot, present in the last
    gone       present in the first snapshot, absent or zero in the last
    flat       all values lie within a band of {BAND_PERCENT}% of size (a runtime
               function wobbling by a few percent is flat)
    growing    grew by more than the band, no step falls, and every step
               rises but one flat step in {FLAT_STEPS_PER} (at least one from three steps
               on: Go's heap profile lags a GC cycle, so two snapshots in a
               row of a leaking process can be equal): a leak suspect
    plateau    grew by more than the band, no step falls, the last step is
               flat, and too many steps are flat for growing
    shrinking  fell by more than the band and no step rises
    churn      anything else: up and down, or jumps without a steady trend
  The slope is a least-squares fit per hour over the snapshots' times, or per
  snapshot (/snap) when a time is missing or all times are equal. With two
  snapshots, any rise beyond the band is growing: take more snapshots.
"
    )
}

#[cfg(test)]
mod tests {
    use super::{Verdict, classify};

    const HOUR: i64 = 3_600_000_000_000;

    fn of(values: &[i64]) -> Verdict {
        let v: Vec<Option<i64>> = values.iter().map(|&x| Some(x)).collect();
        let times: Vec<i64> = (1..=v.len() as i64).map(|i| i * HOUR).collect();
        classify(&v, &times).verdict
    }

    #[test]
    fn monotonic_rise_is_growing() {
        assert_eq!(of(&[100, 200, 300, 400, 500]), Verdict::Growing);
        assert_eq!(of(&[1000, 1020, 1040, 1060, 1080]), Verdict::Growing);
        // The corpus leak: the last two heap snapshots are equal (GC lag).
        assert_eq!(of(&[9, 17, 30, 176, 176]), Verdict::Growing);
        assert_eq!(of(&[9, 17, 17, 30, 176]), Verdict::Growing);
    }

    #[test]
    fn rise_then_flat_is_plateau() {
        assert_eq!(of(&[100, 200, 300, 300, 300]), Verdict::Plateau);
        assert_eq!(of(&[100, 300, 300, 301, 300]), Verdict::Plateau);
        assert_eq!(of(&[100, 200, 200]), Verdict::Plateau);
    }

    #[test]
    fn sawtooth_is_churn() {
        assert_eq!(of(&[100, 300, 100, 300, 100]), Verdict::Churn);
        // Rising overall, but falling on the way: not a steady leak.
        assert_eq!(of(&[100, 300, 200, 400, 500]), Verdict::Churn);
    }

    #[test]
    fn a_few_percent_of_wobble_is_flat() {
        assert_eq!(of(&[1000, 1030, 1000, 1030, 1000]), Verdict::Flat);
        assert_eq!(of(&[1000, 1030, 1010, 1040, 1020]), Verdict::Flat);
        assert_eq!(of(&[7, 7, 7, 7]), Verdict::Flat);
    }

    #[test]
    fn falling_is_shrinking() {
        assert_eq!(of(&[500, 400, 300, 300, 200]), Verdict::Shrinking);
    }

    #[test]
    fn absent_first_is_new_absent_last_is_gone() {
        let t = [HOUR, 2 * HOUR, 3 * HOUR];
        assert_eq!(
            classify(&[None, Some(5), Some(9)], &t).verdict,
            Verdict::New
        );
        assert_eq!(
            classify(&[Some(0), Some(5), Some(9)], &t).verdict,
            Verdict::New
        );
        assert_eq!(
            classify(&[Some(9), Some(5), None], &t).verdict,
            Verdict::Gone
        );
        let new = classify(&[None, Some(5), Some(9)], &t);
        assert_eq!((new.growth, new.relative), (9, None));
    }

    #[test]
    fn growth_relative_and_slope_per_hour() {
        let t = classify(
            &[Some(100), Some(200), Some(300)],
            &[HOUR, 2 * HOUR, 3 * HOUR],
        );
        assert_eq!((t.growth, t.relative), (200, Some(2.0)));
        assert!(!t.per_snapshot);
        assert!((t.slope - 100.0).abs() < 1e-9, "{}", t.slope);
        // Half-hour spacing doubles the hourly slope.
        let half = classify(
            &[Some(0), Some(50), Some(100)],
            &[1, HOUR / 2 + 1, HOUR + 1],
        );
        assert!((half.slope - 100.0).abs() < 1e-6, "{}", half.slope);
    }

    #[test]
    fn equal_or_missing_times_give_a_slope_per_snapshot() {
        let equal = classify(&[Some(10), Some(20), Some(30)], &[5, 5, 5]);
        assert!(equal.per_snapshot);
        assert!((equal.slope - 10.0).abs() < 1e-9);
        assert_eq!(equal.verdict, Verdict::Growing);
        let missing = classify(&[Some(10), Some(20), Some(30)], &[0, HOUR, 2 * HOUR]);
        assert!(missing.per_snapshot);
    }

    #[test]
    fn two_snapshots_and_one() {
        assert_eq!(of(&[100, 200]), Verdict::Growing);
        assert_eq!(of(&[200, 100]), Verdict::Shrinking);
        assert_eq!(of(&[100]), Verdict::Flat);
        let one = classify(&[Some(100)], &[HOUR]);
        assert_eq!((one.growth, one.slope), (0, 0.0));
    }

    #[test]
    fn extreme_values_do_not_overflow() {
        let t = classify(&[Some(i64::MIN), Some(i64::MAX)], &[1, 2]);
        assert_eq!(t.growth, i64::MAX);
        assert_eq!(t.verdict, Verdict::Growing);
    }
}
