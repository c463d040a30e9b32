//! Reports over a snapshot series (rpprof's own, no pprof equivalent):
//! `snapshots` lists the series, `growth` ranks entries by how they grow
//! from the first snapshot to the last, with a verdict per entry from
//! `aggregate::trend`.
//!
//! Report stage: one [`Context`] per snapshot (same options), each giving
//! its cached node-only graph; entries are matched across snapshots by
//! their printable name at the current granularity. Data only.

use super::Context;
use crate::aggregate::trend::{self, Trend};
use std::collections::HashMap;

/// One snapshot of a series.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// Where it came from.
    pub name: String,
    /// Its `time_nanos` (0: unknown).
    pub time_nanos: i64,
    /// Its total of the current sample type.
    pub total: i64,
    /// True for the current snapshot.
    pub current: bool,
}

/// The `snapshots` report.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshots {
    /// The snapshots, oldest first.
    pub snapshots: Vec<Snapshot>,
}

/// One `growth` row.
#[derive(Clone, Debug, PartialEq)]
pub struct GrowthRow {
    /// The entry's printable name.
    pub name: String,
    /// Its value in each snapshot (`None`: absent from it).
    pub values: Vec<Option<i64>>,
    /// How it grows.
    pub trend: Trend,
}

/// The `growth` report.
#[derive(Clone, Debug, PartialEq)]
pub struct Growth {
    /// The snapshots, oldest first.
    pub snapshots: Vec<Snapshot>,
    /// The shown rows, most growth first.
    pub rows: Vec<GrowthRow>,
    /// Entries before the row limit.
    pub candidates: usize,
    /// True when rows rank cumulative values.
    pub cum: bool,
    /// Growth of the total, first snapshot to last.
    pub total_growth: i64,
    /// Σ growth of the shown rows (flat values only; 0 with `cum`).
    pub explained: i64,
    /// `name=value` of each active filter.
    pub active_filters: Vec<String>,
}

/// The snapshots of `ctxs` (one per snapshot, named by `names`), with
/// snapshot `current` marked.
pub fn snapshots(ctxs: &[Context], names: &[String], current: usize) -> Snapshots {
    Snapshots {
        snapshots: ctxs
            .iter()
            .zip(names)
            .enumerate()
            .map(|(i, (c, name))| Snapshot {
                name: name.clone(),
                time_nanos: c.view.profile().time_nanos,
                total: c.total,
                current: i == current,
            })
            .collect(),
    }
}

/// Builds `growth` from one context per snapshot (oldest first). Rows are
/// limited by the contexts' `nodecount` (0: all).
pub fn growth(ctxs: &mut [Context], names: &[String], current: usize) -> Growth {
    let n = ctxs.len();
    let cum = ctxs
        .first()
        .is_some_and(|c| c.opts.trim.order == crate::request::Order::Cum);
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut rows: Vec<(String, Vec<Option<i64>>)> = Vec::new();
    for (i, c) in ctxs.iter().enumerate() {
        let table = c.cached_table();
        let g = c.cached_nodes(&table);
        for node in &g.nodes {
            let v = if cum {
                node.cum_value()
            } else {
                node.flat_value()
            };
            let name = table.infos[node.id as usize].printable_name();
            let k = *index.entry(name.clone()).or_insert_with(|| {
                rows.push((name, vec![None; n]));
                rows.len() - 1
            });
            let slot = &mut rows[k].1[i];
            *slot = Some(slot.unwrap_or(0).saturating_add(v));
        }
    }
    let list = snapshots(ctxs, names, current);
    let times: Vec<i64> = list.snapshots.iter().map(|s| s.time_nanos).collect();
    let mut rows: Vec<GrowthRow> = rows
        .into_iter()
        .map(|(name, values)| GrowthRow {
            trend: trend::classify(&values, &times),
            name,
            values,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.trend
            .growth
            .cmp(&a.trend.growth)
            .then_with(|| last(b).saturating_abs().cmp(&last(a).saturating_abs()))
            .then_with(|| a.name.cmp(&b.name))
    });
    let candidates = rows.len();
    let limit = ctxs.first().map_or(0, |c| c.opts.trim.node_count);
    if limit > 0 {
        rows.truncate(limit as usize);
    }
    let totals: Vec<i64> = list.snapshots.iter().map(|s| s.total).collect();
    let total_growth = match (totals.first(), totals.last()) {
        (Some(f), Some(l)) => l.saturating_sub(*f),
        _ => 0,
    };
    let explained = if cum {
        0
    } else {
        crate::model::sum_values(rows.iter().map(|r| r.trend.growth))
    };
    if let Some(c) = ctxs.last_mut() {
        c.select_output_unit(
            rows.iter()
                .map(|r| (r.trend.growth, last(r)))
                .filter(|&(g, _)| g != 0),
            false,
        );
    }
    Growth {
        active_filters: ctxs
            .first()
            .map(|c| c.opts.filters.active())
            .unwrap_or_default(),
        snapshots: list.snapshots,
        rows,
        candidates,
        cum,
        total_growth,
        explained,
    }
}

/// A row's value in the last snapshot (0 when absent).
fn last(r: &GrowthRow) -> i64 {
    r.values.last().copied().flatten().unwrap_or(0)
}
