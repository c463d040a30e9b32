//! rpprof: an interactive, pprof-compatible profile explorer.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! source (files, stdin, source::http; gzip) ─▶ source::decode | source::legacy
//!   ─▶ model::Profile (validated, immutable)
//!   ─▶ source::fetch: model::scale + model::merge per group (sources, base)
//!   ─▶ symbolize (binaries, addr2line, demangling) per group
//!   ─▶ base subtraction / diff labels / normalize, model::prune
//! per command: (&Profile, &Config) ─▶ filter::View ─▶ aggregate (nodes, graph)
//!   ─▶ report (text) ─▶ output (stdout, files, viewers)
//! shell: line source ─▶ shell::grammar (nom) ─▶ shell::session ─▶ report
//! ```
//!
//! Every option lives in one table ([`config::OPTIONS`]) and every report
//! command in another ([`shell::commands::COMMANDS`]); the shell, `help`,
//! `o`, completion and command-line flags are all driven by them.

pub mod aggregate;
pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod engine;
pub mod error;
pub mod filter;
pub mod help;
pub mod model;
pub mod output;
pub mod render;
pub mod report;
pub mod request;
pub mod shell;
pub mod source;
pub mod store;
pub mod symbolize;

/// The protobuf types generated from `proto/profile.proto`.
#[allow(missing_docs, clippy::all)]
pub mod pb {
    include!(concat!(env!("OUT_DIR"), "/perftools.profiles.rs"));
}

pub use error::{Error, Result};
pub use model::Profile;
