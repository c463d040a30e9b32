//! Rendering helpers shared by every report: units and numbers
//! ([`units`]), timestamps ([`time`]), aligned columns ([`tabwriter`]) and
//! terminal colour ([`color`]).

pub mod color;
pub mod tabwriter;
pub mod time;
pub mod units;
