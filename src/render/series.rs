//! Text layout of the series reports (`snapshots`, `growth`): rpprof's own
//! tables, no pprof equivalent. Called by `render::text`; decides styles
//! from the data (a `growing` row is hot, `plateau`/`new` warm).

use super::sparkline::sparkline;
use super::text::{Layout, Line, Style};
use super::{time, units};
use crate::aggregate::trend::Verdict;
use crate::report::Scale;
use crate::report::series::{Growth, GrowthRow, Snapshot, Snapshots};

/// Width of one per-snapshot value column.
const VALUE_WIDTH: usize = 10;
/// Columns kept for the name at least.
const NAME_WIDTH: usize = 30;

fn line(style: Style, text: String) -> Line {
    Line { style, text }
}

/// `+1.5MB`, `-3kB`, `0`.
fn signed(s: &Scale, v: i64) -> String {
    if v > 0 {
        format!("+{}", s.format(v))
    } else {
        s.format(v)
    }
}

fn span(snapshots: &[Snapshot]) -> Option<i64> {
    let (f, l) = (snapshots.first()?.time_nanos, snapshots.last()?.time_nanos);
    (f != 0 && l != 0).then(|| l - f)
}

/// The `snapshots` table.
pub fn snapshots(out: &mut Vec<Line>, r: &Snapshots, s: &Scale, sample_type: &str, l: &Layout) {
    let first = r.snapshots.first().map_or(0, |x| x.time_nanos);
    let time_width = r
        .snapshots
        .iter()
        .map(|x| time_label(x.time_nanos).chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    out.push(line(
        Style::Header,
        format!(
            "     #  {:<time_width$}  {:>10}  {:>12}  source",
            "time", "since", sample_type
        ),
    ));
    for (i, x) in r.snapshots.iter().enumerate() {
        let since = if x.time_nanos != 0 && first != 0 {
            units::label(x.time_nanos - first, "nanoseconds")
        } else {
            "-".to_string()
        };
        out.push(line(
            if x.current {
                Style::Header
            } else {
                Style::Plain
            },
            format!(
                "  {} {:>3}  {:<time_width$}  {:>10}  {:>12}  {}",
                if x.current { '*' } else { ' ' },
                i + 1,
                time_label(x.time_nanos),
                since,
                s.format(x.total),
                x.name
            ),
        ));
    }
    let totals: Vec<i64> = r.snapshots.iter().map(|x| x.total).collect();
    out.push(line(
        Style::Plain,
        format!("totals: {}", sparkline(&totals, l.ascii)),
    ));
}

fn time_label(t: i64) -> String {
    if t == 0 {
        "-".to_string()
    } else {
        time::header_time(t)
    }
}

fn verdict_style(v: Verdict) -> Style {
    match v {
        Verdict::Growing => Style::Hot,
        Verdict::Plateau | Verdict::New => Style::Warm,
        _ => Style::Plain,
    }
}

/// The `growth` table.
pub fn growth(out: &mut Vec<Line>, g: &Growth, s: &Scale, sample_type: &str, l: &Layout) {
    let n = g.snapshots.len();
    let what = if g.cum { "cum" } else { "flat" };
    let mut title = format!("Growth of {sample_type} ({what}) over {n} snapshots");
    if let Some(d) = span(&g.snapshots) {
        title.push_str(&format!(", {}", units::label(d, "nanoseconds")));
    }
    out.push(line(Style::Header, title));
    let (first, last) = (
        g.snapshots.first().map_or(0, |x| x.total),
        g.snapshots.last().map_or(0, |x| x.total),
    );
    let mut total = format!(
        "Total: {} → {} ({})",
        s.format(first),
        s.format(last),
        signed(s, g.total_growth)
    );
    if !g.cum && g.total_growth > 0 {
        total.push_str(&format!(
            "; the {} rows shown explain {} of the growth",
            g.rows.len(),
            units::percentage(g.explained, g.total_growth).trim()
        ));
    }
    out.push(line(Style::Header, total));
    if !g.active_filters.is_empty() {
        out.push(line(Style::Header, "Active filters:".into()));
        for f in &g.active_filters {
            out.push(line(Style::Header, format!("   {f}")));
        }
    }
    if g.rows.len() < g.candidates {
        out.push(line(
            Style::Header,
            format!(
                "Showing top {} entries out of {}",
                g.rows.len(),
                g.candidates
            ),
        ));
    }
    let trend_width = n.max(5);
    // verdict + growth + growth% + slope + trend, with their gaps.
    let fixed = 2 + trend_width + 2 + 11 + 1 + 8 + 1 + 12 + 2 + 9 + 2;
    let fit = l.width.saturating_sub(fixed + NAME_WIDTH) / VALUE_WIDTH;
    let shown = columns(n, fit.max(2));
    let mut head = String::new();
    for c in &shown {
        match c {
            Some(i) => head.push_str(&format!("{:>VALUE_WIDTH$}", format!("#{}", i + 1))),
            None => head.push_str(" …"),
        }
    }
    head.push_str(&format!(
        "  {:<trend_width$}  {:>11} {:>8} {:>12}  {:<9}  name",
        "trend", "growth", "growth%", "slope", "verdict"
    ));
    out.push(line(Style::Header, head));
    for r in &g.rows {
        out.push(line(
            verdict_style(r.trend.verdict),
            row(r, s, &shown, trend_width, l.ascii),
        ));
    }
}

/// Which snapshot columns fit in `fit` value columns: all, or the first
/// and the newest ones with `None` for the gap.
fn columns(n: usize, fit: usize) -> Vec<Option<usize>> {
    if n <= fit {
        return (0..n).map(Some).collect();
    }
    let mut v = vec![Some(0), None];
    v.extend((n - (fit - 1)..n).map(Some));
    v
}

fn row(
    r: &GrowthRow,
    s: &Scale,
    shown: &[Option<usize>],
    trend_width: usize,
    ascii: bool,
) -> String {
    let mut text = String::new();
    for c in shown {
        match c {
            Some(i) => {
                let v = match r.values[*i] {
                    Some(v) => s.format(v),
                    None => "-".to_string(),
                };
                text.push_str(&format!("{v:>VALUE_WIDTH$}"));
            }
            None => text.push_str(" …"),
        }
    }
    let values: Vec<i64> = r.values.iter().map(|v| v.unwrap_or(0)).collect();
    let pct = match r.trend.relative {
        Some(x) => format!("{:+.0}%", 100.0 * x),
        None if r.trend.growth != 0 => "new".to_string(),
        None => "0%".to_string(),
    };
    let per = if r.trend.per_snapshot { "/snap" } else { "/h" };
    let slope = format!("{}{per}", signed(s, r.trend.slope.round() as i64));
    text.push_str(&format!(
        "  {:<trend_width$}  {:>11} {:>8} {:>12}  {:<9}  {}",
        sparkline(&values, ascii),
        signed(s, r.trend.growth),
        pct,
        slope,
        r.trend.verdict.name(),
        r.name
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::columns;

    #[test]
    fn columns_keep_the_first_and_the_newest() {
        assert_eq!(columns(3, 5), vec![Some(0), Some(1), Some(2)]);
        assert_eq!(
            columns(10, 4),
            vec![Some(0), None, Some(7), Some(8), Some(9)]
        );
    }
}
