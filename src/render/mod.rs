//! Renderers: report values as pprof's text ([`text`]) and as coloured,
//! sanitized terminal text ([`color`]), with the helpers they share: units
//! and numbers ([`units`]), timestamps ([`time`]), aligned columns
//! ([`tabwriter`]).

pub mod color;
pub mod series;
pub mod sparkline;
pub mod tabwriter;
pub mod text;
pub mod time;
pub mod units;
