//! Renderers: report values as pprof's text ([`text`]) and as coloured,
//! sanitized terminal text ([`color`]), with the helpers they share: units
//! and numbers ([`units`]), timestamps ([`time`]), aligned columns
//! ([`tabwriter`]), markup escaping ([`markup`]); flame graphs for the
//! terminal ([`flame`]) and as SVG ([`flamegraph`]); pan and zoom for
//! Graphviz's SVG call graphs ([`svgpan`]); and the teaching prose
//! ([`explain`]) in the learner's language ([`lang`]).

pub mod color;
pub mod explain;
pub mod flame;
pub mod flamegraph;
pub mod lang;
pub mod markup;
pub mod series;
pub mod sparkline;
pub mod svgpan;
pub mod tabwriter;
pub mod text;
pub mod time;
pub mod units;
