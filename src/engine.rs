//! The engine: the one entry point every front end calls. It holds the
//! profile store and the aggregate cache, and answers a typed [`Request`]
//! on a stored profile with a [`Report`] value (plus the stderr messages
//! pprof prints on the way). `&Engine` is shared between threads: reports
//! on different profiles, or on the same one, may run at once.
//!
//! Sits above `report` and `store`; the shell, flag mode and (later) the
//! web UI sit above it. It prints nothing.

use crate::commands::{CommandSpec, Format};
use crate::model::Profile;
use crate::model::base::{BaseMode, combine};
use crate::model::compact::merge_one;
use crate::report::cache::Cache;
use crate::report::header;
use crate::report::{self, Context, Report};
use crate::request::ReportOptions;
use crate::store::{ProfileId, Store, Stored};
use crate::{Error, Result};

/// One report to make.
#[derive(Clone, Debug)]
pub struct Request {
    /// The report command.
    pub command: &'static CommandSpec,
    /// Its regexp argument (`list RE`), if any.
    pub argument: Option<String>,
    /// The typed options.
    pub options: ReportOptions,
}

/// What a request produced: the messages for stderr (warnings, notes; in
/// order, printed even when the report failed) and the report or error.
#[derive(Debug)]
pub struct Answer {
    /// Lines for stderr.
    pub messages: Vec<String>,
    /// Text pprof prints straight to stdout ahead of the report, kept even
    /// when the report fails (`disasm`: a binary it cannot open).
    pub printed: String,
    /// The report.
    pub result: Result<Report>,
}

impl Answer {
    /// The report with the text printed ahead of it folded in (at the top
    /// of a document, or before the error's words): for front ends with
    /// one place to show both.
    pub fn folded(self) -> Result<Report> {
        if self.printed.is_empty() {
            return self.result;
        }
        match self.result {
            Ok(mut r) => {
                if let crate::report::Body::Document(d) = &mut r.body {
                    d.insert_str(0, &self.printed);
                }
                Ok(r)
            }
            Err(e) => Err(Error::Binary(format!("{}{e}", self.printed))),
        }
    }
}

/// The store and the cache.
#[derive(Default)]
pub struct Engine {
    store: Store,
    cache: Cache,
}

impl Engine {
    /// An engine with an empty store.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Adds a profile to the store; returns its id.
    pub fn add(&mut self, name: impl Into<String>, profile: Profile) -> ProfileId {
        self.store.add(name, profile)
    }

    /// Stores the snapshots of a series (ordered, tables shared by
    /// `model::series::order`); returns their ids, oldest first.
    pub fn add_series(&mut self, snapshots: Vec<(String, Profile)>) -> Vec<ProfileId> {
        snapshots
            .into_iter()
            .map(|(name, p)| self.store.add_snapshot(name, p))
            .collect()
    }

    /// The profile of `of` with profile `base` as its base (`-base`:
    /// subtracted; `-diff_base`: kept apart by labels), stored as a new
    /// profile named `OF - BASE`: what `diff A B` and the web UI's base
    /// snapshot show. Returns its id.
    pub fn derive_diff(
        &mut self,
        base: ProfileId,
        of: ProfileId,
        mode: BaseMode,
        normalize: bool,
    ) -> Result<ProfileId> {
        let (bn, bp) = {
            let s = self.stored(base)?;
            (s.name.clone(), (*s.profile).clone())
        };
        let (on, op) = {
            let s = self.stored(of)?;
            (s.name.clone(), (*s.profile).clone())
        };
        let p = combine(op, bp, mode, normalize)?;
        Ok(self.add(format!("{on} - {bn}"), p))
    }

    /// Replaces profile `id` (its aggregates are forgotten); returns the
    /// new id.
    pub fn replace(&mut self, id: ProfileId, profile: Profile) -> Result<ProfileId> {
        let new = self
            .store
            .replace(id, profile)
            .ok_or_else(|| Error::Usage(format!("no profile with id {}", id.0)))?;
        self.cache.forget(id);
        Ok(new)
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    fn stored(&self, id: ProfileId) -> Result<&Stored> {
        self.store
            .get(id)
            .ok_or_else(|| Error::Usage(format!("no profile with id {}", id.0)))
    }

    /// Makes the report `req` asks for on profile `id`.
    pub fn report(&self, id: ProfileId, req: &Request) -> Answer {
        let mut messages = Vec::new();
        let mut printed = String::new();
        let result = self.stored(id).and_then(|s| {
            if s.shares_tables && matches!(req.command.format, Format::Raw | Format::Proto) {
                // These print table ids or write whole tables: give them
                // the snapshot's own tables, as if it were loaded alone
                // (pprof's merge keeps what the samples use, in first-use
                // order), with a cache of their own.
                let own = merge_one((*s.profile).clone());
                let cache = Cache::default();
                let mut ctx = Context::new(&own, id, &cache, &req.options, &mut messages)?;
                let arg = req.argument.as_deref();
                return report::build(&mut ctx, req.command.name, arg, &mut printed);
            }
            let mut ctx = Context::new(&s.profile, id, &self.cache, &req.options, &mut messages)?;
            report::build(
                &mut ctx,
                req.command.name,
                req.argument.as_deref(),
                &mut printed,
            )
        });
        // A report cut short by Ctrl-C is never handed out.
        let result = result.and_then(|r| crate::cancel::check().map(|()| r));
        Answer {
            messages,
            printed,
            result,
        }
    }

    /// Makes report `req` over the snapshot series `ids` (oldest first)
    /// whose current snapshot is `ids[current]`: `growth` and `snapshots`
    /// read every snapshot, any other report the current one.
    pub fn series(&self, ids: &[ProfileId], current: usize, req: &Request) -> Answer {
        if !matches!(req.command.format, Format::Growth | Format::Snapshots) {
            return match ids.get(current) {
                Some(&id) => self.report(id, req),
                None => Answer {
                    messages: Vec::new(),
                    printed: String::new(),
                    result: Err(Error::Usage(format!("no snapshot {}", current + 1))),
                },
            };
        }
        let mut messages = Vec::new();
        let result = (|| {
            let stored: Vec<&Stored> = ids
                .iter()
                .map(|&id| self.stored(id))
                .collect::<Result<_>>()?;
            let names: Vec<String> = stored.iter().map(|s| s.name.clone()).collect();
            let mut ctxs = Vec::with_capacity(stored.len());
            for s in &stored {
                let mut m = Vec::new();
                ctxs.push(Context::new(
                    &s.profile,
                    s.id,
                    &self.cache,
                    &req.options,
                    &mut m,
                )?);
                for line in m {
                    if !messages.contains(&line) {
                        messages.push(line);
                    }
                }
            }
            report::build_series(&mut ctxs, &names, current, req.command.name)
        })();
        Answer {
            messages,
            printed: String::new(),
            result,
        }
    }

    /// Every sample type of profile `id` with its total over the whole
    /// profile (no filters), in the sample type's unit: what `explain` and
    /// the hints offer as other views.
    pub fn sample_totals(&self, id: ProfileId) -> Vec<(String, i64, String)> {
        let Ok(s) = self.stored(id) else {
            return Vec::new();
        };
        let p = &s.profile;
        let view = crate::filter::View::all(crate::filter::Source::Borrowed(p));
        p.sample_types
            .iter()
            .enumerate()
            .map(|(index, vt)| {
                let vo = crate::aggregate::graph::ValueOptions {
                    index,
                    mean: false,
                    drop_negative: false,
                };
                (
                    p.str(vt.ty).to_string(),
                    report::compute_total(&view, vo),
                    p.str(vt.unit).to_string(),
                )
            })
            .collect()
    }

    /// The interactive greeting for profile `id` read with `options`
    /// (the profile header, a hint when the default sample type is empty,
    /// and the "Entering interactive mode" line).
    pub fn greeting(&self, id: ProfileId, options: &ReportOptions) -> Vec<String> {
        let mut messages = Vec::new();
        match self
            .stored(id)
            .and_then(|s| Context::new(&s.profile, id, &self.cache, options, &mut messages))
        {
            Ok(ctx) => header::greeting(&ctx),
            Err(_) => vec![
                "Entering interactive mode (type \"help\" for commands, \"o\" for options)".into(),
            ],
        }
    }
}
