#![warn(missing_docs)]
//! rpprof: an interactive, pprof-compatible profile explorer.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! source (files, stdin, source::http, source::capture; gzip)
//!   ─▶ source::decode | source::legacy
//!   ─▶ model::Profile (validated, immutable)
//!   ─▶ source::fetch: model::scale + model::merge per group (sources, base)
//!   ─▶ symbolize (binaries, addr2line, demangling) per group
//!   ─▶ base subtraction / diff labels / normalize, model::prune
//!   ─▶ store::Store (profiles by id, shared immutably)
//! engine::Engine::report(id, &Request):
//!   request::ReportOptions (typed, from config + commands)
//!   ─▶ filter::View ─▶ aggregate (nodes, graph; report::cache)
//!   ─▶ report::Report (plain data)
//! renderers: render::text (pprof's text) · render::color (terminal)
//!   ─▶ output (stdout, files, Graphviz, viewers)
//! front ends: shell (grammar ─▶ session) · flag mode (cli, app) ·
//!   viewer (full-screen flame graph, for both) · web (-http: pages and
//!   JSON from the same reports)
//! ```
//!
//! Every option lives in one table ([`config::OPTIONS`]) and every command
//! in another ([`commands::COMMANDS`], with the shell's built-ins); the
//! shell, `help`, `o`, completion, command-line flags and the typed report
//! options are all driven by them.
//!
//! As a library: load a profile ([`source::load_path`]), add it to an
//! [`engine::Engine`], ask for a report with an [`engine::Request`], and
//! read the [`report::Report`] value or render it ([`render::text`]).

pub(crate) mod aggregate;
pub mod app;
pub(crate) mod cancel;
pub(crate) mod cli;
pub mod commands;
pub mod config;
pub mod engine;
pub mod error;
pub(crate) mod filter;
#[doc(hidden)]
pub mod fuzz;
#[doc(hidden)]
pub use shell::fuzz as shell_fuzz;
pub(crate) mod help;
pub mod model;
pub(crate) mod output;
pub mod render;
pub mod report;
pub mod request;
pub(crate) mod shell;
pub mod source;
pub mod store;
pub mod symbolize;
pub(crate) mod viewer;
pub(crate) mod web;

/// The protobuf types generated from `proto/profile.proto`.
#[allow(missing_docs, clippy::all)]
pub mod pb {
    include!(concat!(env!("OUT_DIR"), "/perftools.profiles.rs"));
}

pub use error::{Error, Result};
pub use model::Profile;
