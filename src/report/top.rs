//! `top` / `text`: the flat/cum rows of the trimmed graph, as data.
//!
//! Report stage: the graph comes from the cache (`aggregate::graph`); this
//! module selects the output unit and records each row's values, name and
//! inline mark. `render::text` prints them.

use super::Context;
use super::header::{Header, Legend};

/// How a row's function was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inlined {
    /// Only through calls.
    No,
    /// Only inlined into its callers.
    Inline,
    /// Both.
    Partial,
}

/// One `top` row.
#[derive(Clone, Debug, PartialEq)]
pub struct TopRow {
    /// The node's printable name.
    pub name: String,
    /// Its own value.
    pub flat: i64,
    /// Σ flat of this row and those above it.
    pub sum: i64,
    /// Its value with its callees.
    pub cum: i64,
    /// Its inline mark.
    pub inlined: Inlined,
}

/// The `top` report.
#[derive(Clone, Debug, PartialEq)]
pub struct Top {
    /// Header and legend.
    pub header: Header,
    /// The rows, in order.
    pub rows: Vec<TopRow>,
    /// How the rows are sorted.
    pub order: crate::request::Order,
}

/// Builds `top`.
pub fn build(r: &mut Context) -> Top {
    let table = r.cached_table();
    let t = r.cached_trimmed(&table);
    let g = &t.graph;
    r.select_output_unit(
        g.nodes.iter().map(|n| (n.flat_value(), n.cum_value())),
        false,
    );
    let mut sum = 0i64;
    let rows = g
        .nodes
        .iter()
        .map(|n| {
            let (flat, cum) = (n.flat_value(), n.cum_value());
            let (mut inline, mut call) = (false, false);
            for e in g.in_edges(n) {
                if e.inline {
                    inline = true;
                } else {
                    call = true;
                }
            }
            sum = sum.saturating_add(flat);
            TopRow {
                name: table.infos[n.id as usize].printable_name(),
                flat,
                sum,
                cum,
                inlined: match (inline, call) {
                    (true, true) => Inlined::Partial,
                    (true, false) => Inlined::Inline,
                    _ => Inlined::No,
                },
            }
        })
        .collect();
    Top {
        header: Header::new(r, Legend::of(r, &t), false),
        rows,
        order: r.opts.trim.order,
    }
}
