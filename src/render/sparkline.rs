//! Sparklines: a row of values as one character each, scaled between the
//! row's smallest and largest value. Block characters on a UTF-8 terminal,
//! an ASCII ramp otherwise (`--ascii`, or output that is not a terminal).

/// Eight block heights, lowest first.
const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// Five ASCII heights, lowest first.
const RAMP: [char; 5] = ['_', '.', '-', '=', '#'];

/// `values` as a sparkline; all-equal values draw the lowest level.
pub fn sparkline(values: &[i64], ascii: bool) -> String {
    let levels: &[char] = if ascii { &RAMP } else { &BLOCKS };
    let min = values.iter().copied().min().unwrap_or(0);
    let max = values.iter().copied().max().unwrap_or(0);
    let range = i128::from(max) - i128::from(min);
    values
        .iter()
        .map(|&v| {
            if range == 0 {
                return levels[0];
            }
            let top = (levels.len() - 1) as i128;
            let k = (i128::from(v) - i128::from(min)) * top / range;
            levels[k as usize]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::sparkline;

    #[test]
    fn scales_between_min_and_max() {
        assert_eq!(sparkline(&[0, 1, 2, 3, 4, 5, 6, 7], false), "▁▂▃▄▅▆▇█");
        assert_eq!(sparkline(&[10, 20, 30, 40, 50], true), "_.-=#");
        assert_eq!(sparkline(&[5, 5, 5], false), "▁▁▁");
        assert_eq!(sparkline(&[i64::MIN, 0, i64::MAX], true), "_-#");
        assert_eq!(sparkline(&[], false), "");
    }
}
