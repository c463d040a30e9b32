//! Aggregation: frames → graph nodes at a granularity ([`nodes`]), samples →
//! node and edge sums in one pass ([`accumulate`]) → weighted graph with
//! trimming and sort orders ([`graph`]).

pub mod accumulate;
pub mod graph;
pub mod nodes;
