//! Aggregation: frames → graph nodes at a granularity ([`nodes`]), samples →
//! weighted graph with trimming and sort orders ([`graph`]).

pub mod graph;
pub mod nodes;
