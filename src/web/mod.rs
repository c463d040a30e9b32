//! The web UI (`-http=[host]:port`): pprof's views in a browser, served
//! from the same engine as the shell. A front end, beside `shell`: it
//! turns a URL into a report request ([`query`]), asks the engine, and
//! renders the report value as a page ([`views`], built with the escaping
//! builder of [`html`]) or JSON.
//!
//! The HTTP server is axum on tokio: every connection is a task, so a
//! client that stalls mid-request or stops reading holds nothing another
//! client needs (a small blocking server, tiny_http, was tried first: a
//! burst of stalled connections could queue others behind them in its
//! thread pool). The engine is synchronous and `&Engine` is shared between
//! threads, so each request's report runs on tokio's blocking pool.

pub mod html;
pub mod query;
pub mod views;

use crate::commands;
use crate::config::Config;
use crate::engine::{Engine, Request};
use crate::model::base::BaseMode;
use crate::render::explain;
use crate::render::lang::Lang;
use crate::report::{Body, Report};
use crate::request::{Caller, ReportOptions};
use crate::store::ProfileId;
use crate::{Error, Result};
use html::Html;
use query::Query;
use std::io::Write;
use views::Frame;

/// What the UI serves: the loaded profile (or the snapshots of a series,
/// oldest first) and the options of the command line.
pub struct Ui {
    /// Written only to store a snapshot minus a base (`base=K`).
    engine: std::sync::RwLock<Engine>,
    /// The base-subtracted snapshots made so far: (base, of) → id.
    diffs: std::sync::Mutex<Vec<((usize, usize), ProfileId)>>,
    ids: Vec<ProfileId>,
    cfg: Config,
    sample_types: Vec<String>,
    title: String,
    diff: Option<BaseMode>,
    replies: std::sync::Mutex<Replies>,
}

/// The latest successful replies by request target: the profile never
/// changes, so asking again (a reload, the back button, a shared link)
/// costs a copy. Bounded in bytes, oldest dropped first.
#[derive(Default)]
struct Replies {
    kept: std::collections::VecDeque<(String, Reply)>,
    bytes: usize,
}

impl Replies {
    /// Bytes of replies kept at most.
    const LIMIT: usize = 64 << 20;

    fn get(&self, target: &str) -> Option<Reply> {
        self.kept
            .iter()
            .find(|(t, _)| t == target)
            .map(|(_, r)| r.clone())
    }

    fn put(&mut self, target: String, reply: &Reply) {
        if reply.status != 200 || reply.body.len() > Self::LIMIT / 4 || self.get(&target).is_some()
        {
            return;
        }
        self.bytes += reply.body.len();
        self.kept.push_back((target, reply.clone()));
        while self.bytes > Self::LIMIT {
            match self.kept.pop_front() {
                Some((_, r)) => self.bytes -= r.body.len(),
                None => break,
            }
        }
    }
}

/// One HTTP answer.
#[derive(Clone, Debug)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The content type.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
    /// Where a redirect goes.
    pub location: Option<String>,
}

impl Reply {
    fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            content_type,
            body: body.into(),
            location: None,
        }
    }

    fn html(status: u16, page: String) -> Reply {
        Reply::new(status, HTML, page)
    }

    fn json(status: u16, body: String) -> Reply {
        Reply::new(status, "application/json", body)
    }

    fn svg(body: impl Into<Vec<u8>>) -> Reply {
        Reply::new(200, "image/svg+xml", body)
    }
}

const HTML: &str = "text/html; charset=utf-8";

impl Ui {
    /// A UI over `ids` (one profile, or a series oldest first) of `engine`
    /// with the command line's options `cfg`; `title` names the sources,
    /// `diff` how a base was applied (for the explanations).
    pub fn new(
        engine: Engine,
        ids: Vec<ProfileId>,
        cfg: Config,
        title: String,
        diff: Option<BaseMode>,
    ) -> Result<Ui> {
        let first = *ids
            .first()
            .ok_or_else(|| Error::Usage("the web UI needs a profile".into()))?;
        let sample_types = engine
            .store()
            .get(first)
            .map_or_else(Vec::new, |s| s.profile.sample_type_names());
        Ok(Ui {
            engine: std::sync::RwLock::new(engine),
            diffs: std::sync::Mutex::default(),
            ids,
            cfg,
            sample_types,
            title,
            diff,
            replies: std::sync::Mutex::default(),
        })
    }

    /// Answers `GET path?query` (from the kept replies when asked before).
    pub fn handle(&self, path: &str, raw_query: &str) -> Reply {
        let target = format!("{path}?{raw_query}");
        if let Some(r) = self.replies.lock().ok().and_then(|c| c.get(&target)) {
            return r;
        }
        let reply = self.make(path, raw_query);
        if let Ok(mut c) = self.replies.lock() {
            c.put(target, &reply);
        }
        reply
    }

    /// Makes the reply to `GET path?query`.
    fn make(&self, path: &str, raw_query: &str) -> Reply {
        let q = match Query::parse(raw_query) {
            Ok(q) => q,
            Err(e) => return self.failed(path, &Query::default(), &e),
        };
        let view = match path {
            "/" => {
                let mut r = Reply::new(302, HTML, "");
                r.location = Some(views::link("", &q.encoded()));
                return r;
            }
            "/ui" | "/ui/" | "/ui/flamegraph" => "flamegraph",
            "/ui/top" => "top",
            "/ui/graph" => "graph",
            "/ui/peek" => "peek",
            "/ui/source" => "source",
            "/ui/disasm" => "disasm",
            "/ui/growth" => "growth",
            "/ui/flamegraph.svg" => return self.flame_svg(&q),
            "/ui/graph.svg" => return self.graph_svg(&q),
            "/api/top" => return self.api(&q, "top"),
            "/api/flamegraph" => return self.api(&q, "flamegraph"),
            _ => {
                let mut h = Html::new();
                h.element("p", &[("class", "error")], &format!("no such page: {path}"));
                let q = Query::default();
                return Reply::html(404, self.page("top", &q, h, self.names(&q)));
            }
        };
        match self.view(view, &q) {
            Ok((body, report)) => {
                // The Top view has the names the filter boxes complete.
                let names = match report.map(|r| r.body) {
                    Some(Body::Top(t)) => t.rows.into_iter().map(|r| r.name).collect(),
                    _ => self.names(&q),
                };
                Reply::html(200, self.page(view, &q, body, names))
            }
            Err(e) => self.failed(path, &q, &e),
        }
    }

    fn page(&self, view: &'static str, q: &Query, body: Html, names: Vec<String>) -> String {
        let explain = q
            .apply(&self.cfg, &self.sample_types)
            .is_ok_and(|c| c.bool("explain"));
        views::page(
            &Frame {
                view,
                query: q,
                title: &self.title,
                sample_types: &self.sample_types,
                snapshots: self.snapshots(),
                names,
                explain,
            },
            body,
        )
    }

    /// The snapshots of a series (0 for one profile).
    fn snapshots(&self) -> usize {
        if self.ids.len() > 1 {
            self.ids.len()
        } else {
            0
        }
    }

    /// The function names of the query's Top (of the whole profile when
    /// the query is bad), heaviest first: what the filter boxes complete.
    fn names(&self, q: &Query) -> Vec<String> {
        let top = self
            .report(q, "top", None)
            .or_else(|_| self.report(&Query::default(), "top", None));
        match top.map(|r| r.body) {
            Ok(Body::Top(t)) => t.rows.into_iter().map(|r| r.name).collect(),
            _ => Vec::new(),
        }
    }

    /// The error page (or JSON) of a request that failed: 400 with the
    /// error's one line.
    fn failed(&self, path: &str, q: &Query, e: &Error) -> Reply {
        let line = e.to_string();
        if path.starts_with("/api/") {
            return Reply::json(400, views::safe_json(&serde_json::json!({ "error": line })));
        }
        let view = views::VIEWS
            .iter()
            .find(|v| path.strip_prefix("/ui/") == Some(v.0))
            .map_or("flamegraph", |v| v.0);
        Reply::html(
            400,
            self.page(view, q, views::error_body(&line), self.names(q)),
        )
    }

    /// The request for report `command` (with regexp argument `arg`)
    /// under the query's options, the snapshot it runs on (its index in a
    /// series) and the snapshot used as its base (`base=K`); every query
    /// value is checked here.
    fn request(
        &self,
        q: &Query,
        command: &str,
        arg: Option<&str>,
    ) -> Result<(Request, usize, Option<usize>)> {
        let cfg = q.apply(&self.cfg, &self.sample_types)?;
        let spec = commands::command(command).expect("a command of the table");
        let req = Request {
            command: spec,
            argument: arg.map(str::to_string),
            options: ReportOptions::new(&cfg, spec, Caller::Flags)?,
        };
        let n = self.ids.len();
        let snapshot = |param: &str| -> Result<Option<usize>> {
            let Some(k) = q.get(param) else {
                return Ok(None);
            };
            match k.parse::<usize>() {
                Ok(k) if n > 1 && (1..=n).contains(&k) => Ok(Some(k - 1)),
                _ if n == 1 => Err(Error::Usage(format!(
                    "bad query parameter {param}={k:?}: not a snapshot series"
                ))),
                _ => Err(Error::Usage(format!(
                    "bad query parameter {param}={k:?}: the series has snapshots 1 to {n}"
                ))),
            }
        };
        let current = snapshot("snapshot")?.unwrap_or(n - 1);
        let base = snapshot("base")?;
        if base.is_some() && spec.format == commands::Format::Growth {
            return Err(Error::Usage(
                "bad query parameter base: growth compares every snapshot already; pick a base in the other views".into(),
            ));
        }
        Ok((req, current, base))
    }

    /// The report `command` (with regexp argument `arg`) under the query's
    /// options, on the query's snapshot of a series (minus its base
    /// snapshot, if any).
    fn report(&self, q: &Query, command: &str, arg: Option<&str>) -> Result<Report> {
        let (req, current, base) = self.request(q, command, arg)?;
        if let Some(base) = base {
            let id = self.diff_of(base, current)?;
            let engine = self.engine.read().map_err(|_| poisoned())?;
            return engine.report(id, &req).folded();
        }
        let engine = self.engine.read().map_err(|_| poisoned())?;
        let answer = if self.ids.len() > 1 {
            engine.series(&self.ids, current, &req)
        } else {
            engine.report(self.ids[current], &req)
        };
        answer.folded()
    }

    /// The stored profile of snapshot `of` minus snapshot `base`, made on
    /// first use.
    fn diff_of(&self, base: usize, of: usize) -> Result<ProfileId> {
        let mut diffs = self.diffs.lock().map_err(|_| poisoned())?;
        if let Some(&(_, id)) = diffs.iter().find(|(k, _)| *k == (base, of)) {
            return Ok(id);
        }
        let mut engine = self.engine.write().map_err(|_| poisoned())?;
        let id = engine.derive_diff(self.ids[base], self.ids[of], BaseMode::Subtract, false)?;
        diffs.push(((base, of), id));
        Ok(id)
    }

    /// The body of `view`, with the explanation of its report when the
    /// query asks for it (`explain=true`), and the report.
    fn view(&self, view: &str, q: &Query) -> Result<(Html, Option<Report>)> {
        let cfg = q.apply(&self.cfg, &self.sample_types)?;
        let explained = cfg.bool("explain");
        let (mut body, report) = self.view_report(view, q, explained)?;
        if let Some(report) = report.as_ref().filter(|_| explained) {
            let situation = explain::Situation {
                lang: Lang::resolve(cfg.get("lang")),
                sample_types: explain::alternatives(
                    self.engine
                        .read()
                        .map_err(|_| poisoned())?
                        .sample_totals(self.ids[0]),
                ),
                diff: if q.get("base").is_some() {
                    Some(BaseMode::Subtract)
                } else {
                    self.diff
                },
                snapshots: self.snapshots(),
            };
            body.append(views::explanation(&explain::explain(report, &situation)));
        }
        Ok((body, report))
    }

    /// The body of `view` and the report it shows (the flame graph's only
    /// when it is to be `explained`: its page embeds the SVG).
    fn view_report(
        &self,
        view: &str,
        q: &Query,
        explained: bool,
    ) -> Result<(Html, Option<Report>)> {
        let focus = q.get("f");
        Ok(match view {
            "top" => {
                let r = self.report(q, "top", None)?;
                (views::top(&r, q), Some(r))
            }
            "flamegraph" => {
                // A bad query fails here, on the page, rather than in the
                // embedded SVG; the graph itself is built for the SVG.
                self.request(q, "flamegraph", None)?;
                let svg = views::embedded_svg(&views::link("flamegraph.svg", &q.encoded()), false);
                // Built here only to be explained.
                let report = explained
                    .then(|| self.report(q, "flamegraph", None))
                    .transpose()?;
                (svg, report)
            }
            "graph" => {
                let report = self.report(q, "svg", None)?;
                let body = match crate::output::draw(&document_text(&report), "svg") {
                    Ok(svg) => {
                        // Kept as the reply to the SVG's own request, which
                        // the page makes next: Graphviz runs once.
                        let target = format!("/ui/graph.svg?{}", q.encoded());
                        if let Ok(mut c) = self.replies.lock() {
                            c.put(target, &Reply::svg(svg));
                        }
                        views::embedded_svg(&views::link("graph.svg", &q.encoded()), true)
                    }
                    Err(e) => {
                        let mut h = views::error_body(&e.to_string());
                        h.raw("<p>The ");
                        h.element(
                            "a",
                            &[("href", &views::link("flamegraph", &q.encoded()))],
                            "flame graph",
                        );
                        h.raw(" shows the same stacks without Graphviz.</p>\n");
                        h
                    }
                };
                (body, Some(report))
            }
            "peek" | "source" | "disasm" => {
                let Some(f) = focus else {
                    return Ok((views::needs_function(view), None));
                };
                let command = match view {
                    "source" => "list",
                    other => other,
                };
                // The focus box names the functions, as `peek RE` does in
                // the shell; it does not also filter the samples.
                let r = self.report(&q.without("f"), command, Some(f))?;
                (views::text_report(&r), Some(r))
            }
            "growth" => {
                if self.ids.len() < 2 {
                    return Err(Error::Usage(
                        "growth needs a snapshot series: start rpprof with -series and two or more profiles".into(),
                    ));
                }
                let r = self.report(q, "growth", None)?;
                (views::growth(&r), Some(r))
            }
            _ => unreachable!("a view of the table"),
        })
    }

    fn flame_svg(&self, q: &Query) -> Reply {
        match self.report(q, "flamegraph", None) {
            Ok(r) => Reply::svg(document_text(&r)),
            Err(e) => self.failed("/ui/flamegraph.svg", q, &e),
        }
    }

    fn graph_svg(&self, q: &Query) -> Reply {
        match self
            .report(q, "svg", None)
            .and_then(|r| crate::output::draw(&document_text(&r), "svg"))
        {
            Ok(svg) => Reply::svg(svg),
            Err(e) => self.failed("/ui/graph.svg", q, &e),
        }
    }

    fn api(&self, q: &Query, command: &str) -> Reply {
        match self.report(q, command, None) {
            Ok(r) if command == "top" => Reply::json(200, views::top_json(&r)),
            Ok(r) => Reply::json(200, views::flame_json(&r)),
            Err(e) => self.failed("/api/", q, &e),
        }
    }
}

/// The error of a lock whose holder panicked.
fn poisoned() -> Error {
    Error::Usage("internal error: a request failed while holding the profile store".into())
}

/// The text of a report rendered as the shell writes it to a file (DOT for
/// a graph, the SVG document for a flame graph).
fn document_text(report: &Report) -> String {
    match crate::render::text::plain(report, &crate::render::text::Layout::default()) {
        crate::render::text::Rendered::Text(t) => t.into_owned(),
        crate::render::text::Rendered::Bytes(b) => String::from_utf8_lossy(&b).into_owned(),
    }
}

/// `host:port` of `-http`, the host defaulting to `localhost`.
pub fn split_address(addr: &str) -> Result<(String, u16)> {
    let bad = || {
        Error::Usage(format!(
            "-http={addr:?}: want [host]:port, e.g. :8080, localhost:0 or 0.0.0.0:8080"
        ))
    };
    let (host, port) = addr.rsplit_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let host = if host.is_empty() { "localhost" } else { host };
    Ok((host.to_string(), port))
}

/// True when a request's `Host` header may be answered: localhost, an IP
/// address, or the host the server was bound to. Any other name may be a
/// DNS rebinding of a hostile page's domain onto this machine.
pub fn allowed_host(header: Option<&str>, bound: &str) -> bool {
    let Some(h) = header else {
        return false;
    };
    let name = if let Some(rest) = h.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        h.rsplit_once(':').map_or(h, |(n, _)| n)
    };
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<std::net::IpAddr>().is_ok()
        || name.eq_ignore_ascii_case(bound)
}

/// Serves `ui` on `addr` until the process ends; prints the address on
/// `err` and opens a browser on it unless `no_browser`.
pub fn serve(ui: Ui, addr: &str, no_browser: bool, err: &mut dyn Write) -> Result<()> {
    let (host, port) = split_address(addr)?;
    let cannot = |e: std::io::Error| Error::Usage(format!("-http={addr}: cannot listen: {e}"));
    let listener = std::net::TcpListener::bind((host.as_str(), port)).map_err(cannot)?;
    listener.set_nonblocking(true).map_err(cannot)?;
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .build()
        .map_err(cannot)?;
    let url = format!("http://{host}:{port}");
    let _ = writeln!(err, "Serving web UI on {url}");
    let _ = err.flush();
    if !no_browser {
        crate::output::open_browser(&url, err);
    }
    let ui = std::sync::Arc::new(ui);
    let bound: std::sync::Arc<str> = host.into();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).map_err(cannot)?;
        let app = axum::Router::new().fallback(move |rq: axum::extract::Request| {
            let (ui, bound) = (ui.clone(), bound.clone());
            async move { answer(ui, &bound, rq).await }
        });
        axum::serve(listener, app).await.map_err(cannot)
    })
}

/// Answers one request: the Host and method checks, then the view on
/// the blocking pool.
async fn answer(
    ui: std::sync::Arc<Ui>,
    bound: &str,
    rq: axum::extract::Request,
) -> axum::response::Response {
    use axum::http::{Method, header};
    let host = rq
        .headers()
        .get(header::HOST)
        .map(|h| String::from_utf8_lossy(h.as_bytes()).into_owned());
    let reply = if !allowed_host(host.as_deref(), bound) {
        Reply::new(
            403,
            "text/plain; charset=utf-8",
            format!(
                "refused: Host {:?} is not this server (localhost or {bound}); rpprof answers only its own address\n",
                host.unwrap_or_default()
            ),
        )
    } else if rq.method() != Method::GET && rq.method() != Method::HEAD {
        Reply::new(
            405,
            "text/plain; charset=utf-8",
            "the web UI is read-only: GET only\n",
        )
    } else {
        let path = rq.uri().path().to_string();
        let query = rq.uri().query().unwrap_or("").to_string();
        tokio::task::spawn_blocking(move || ui.handle(&path, &query))
            .await
            .unwrap_or_else(|e| {
                Reply::new(
                    500,
                    "text/plain; charset=utf-8",
                    format!("internal error: {e}\n"),
                )
            })
    };
    let mut b = axum::response::Response::builder()
        .status(reply.status)
        .header(header::CONTENT_TYPE, reply.content_type)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::CACHE_CONTROL, "no-store")
        // Nothing is loaded from elsewhere: the UI works offline.
        .header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self' 'unsafe-inline'; frame-ancestors 'self'",
        );
    if let Some(l) = &reply.location {
        b = b.header(header::LOCATION, l);
    }
    b.body(axum::body::Body::from(reply.body))
        .unwrap_or_else(|_| axum::response::Response::new(axum::body::Body::empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_replies_are_bounded() {
        let mut c = Replies::default();
        let big = Reply::new(200, HTML, vec![0u8; Replies::LIMIT / 4]);
        for k in 0..6 {
            c.put(format!("/ui/{k}"), &big);
        }
        assert_eq!(c.kept.len(), 4);
        assert!(c.bytes <= Replies::LIMIT);
        assert!(c.get("/ui/0").is_none() && c.get("/ui/5").is_some());
        c.put("/ui/err".into(), &Reply::new(400, HTML, "bad"));
        assert!(c.get("/ui/err").is_none(), "failures are asked again");
    }

    #[test]
    fn addresses_default_to_localhost() {
        assert_eq!(split_address(":8080").unwrap(), ("localhost".into(), 8080));
        assert_eq!(split_address("0.0.0.0:0").unwrap(), ("0.0.0.0".into(), 0));
        assert_eq!(split_address("[::1]:9").unwrap(), ("::1".into(), 9));
        for bad in ["8080", "host:", "host:x", ":99999"] {
            let e = split_address(bad).unwrap_err().to_string();
            assert!(
                e.starts_with(&format!("-http={bad:?}: want [host]:port")),
                "{e}"
            );
        }
    }

    #[test]
    fn only_this_host_is_answered() {
        for ok in [
            "localhost:8080",
            "127.0.0.1:1",
            "[::1]:80",
            "LOCALHOST",
            "box:8080",
        ] {
            assert!(allowed_host(Some(ok), "box"), "{ok}");
        }
        for refused in [
            "evil.example:8080",
            "localhost.evil.example",
            "",
            "box.evil:1",
        ] {
            assert!(!allowed_host(Some(refused), "box"), "{refused}");
        }
        assert!(!allowed_host(None, "localhost"));
    }
}
