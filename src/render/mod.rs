//! Rendering helpers shared by every report: units and numbers
//! ([`units`]), timestamps ([`time`]) and terminal colour ([`color`]).

pub mod color;
pub mod time;
pub mod units;
