//! Aggregation: frames → graph nodes at a granularity ([`nodes`]), samples →
//! weighted graph with trimming and sort orders ([`graph`]), plus what only
//! `dot` needs: per-node label tags ([`tags`]), the `call_tree` variant
//! ([`calltree`]) and visual-mode trimming ([`visual`]); and the flame
//! graphs' prefix tree ([`flame`]).

pub mod accumulate;
pub mod calltree;
pub mod flame;
pub mod graph;
pub mod nodes;
pub mod tags;
pub mod trend;
pub mod visual;
