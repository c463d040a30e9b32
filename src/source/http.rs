//! Live sources: recognising a URL the way `go tool pprof` does
//! (`host:port` works, an empty path means `/debug/pprof/profile`,
//! `-seconds` sets the `seconds=` query parameter), choosing the timeout
//! by pprof's rules, and fetching the bytes over HTTP(S) with ureq
//! (rustls; `https+insecure://` turns certificate checks off).
//!
//! Errors are [`Error::Fetch`], one line, worded like Go's HTTP client
//! where pprof shows them
//! (`Get "URL": dial tcp HOST: connect: connection refused`). Returns
//! raw bytes; parsing is `source::parse`'s job.

use crate::error::{Error, Result};
use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::Duration;

/// Go's default profile handler, used when a URL has no path.
const CPU_PROFILE_PATH: &str = "/debug/pprof/profile";

/// A URL to fetch, with the collection time and the timeout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub url: String,
    /// Seconds the server collects for (0 when not a timed profile).
    pub seconds: i64,
    /// pprof's timeout: `-timeout`, else 1.5 × seconds, else 60 s.
    pub timeout: Duration,
}

/// The parts of a URL that matter here (Go's `url.Parse`, reduced).
struct Url<'a> {
    scheme: String,
    userinfo: &'a str,
    host: &'a str,
    path: &'a str,
    query: &'a str,
    fragment: Option<&'a str>,
}

/// Go's `url.Parse` for the shapes that matter: `Err` where Go fails
/// (missing scheme before `:`, colon in the first path segment, bad port).
fn parse_url(s: &str) -> std::result::Result<Url<'_>, ()> {
    let (rest, fragment) = match s.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (s, None),
    };
    let mut scheme = String::new();
    let mut rest = rest;
    for (i, c) in rest.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => return Err(()),
            ':' => {
                scheme = rest[..i].to_ascii_lowercase();
                rest = &rest[i + 1..];
                break;
            }
            _ => break,
        }
    }
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut url = Url {
        scheme,
        userinfo: "",
        host: "",
        path: rest,
        query,
        fragment,
    };
    if !url.scheme.is_empty() && !rest.starts_with('/') {
        url.path = "";
        return Ok(url);
    }
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find('/').unwrap_or(after.len());
        let authority = &after[..end];
        url.path = &after[end..];
        let (userinfo, host) = match authority.rsplit_once('@') {
            Some((u, h)) => (u, h),
            None => ("", authority),
        };
        let port = if host.starts_with('[') {
            host.rsplit_once("]:").map(|(_, p)| p)
        } else {
            host.rsplit_once(':').map(|(_, p)| p)
        };
        if port.is_some_and(|p| !p.bytes().all(|c| c.is_ascii_digit())) {
            return Err(());
        }
        url.userinfo = userinfo;
        url.host = host;
    } else if url.scheme.is_empty() && rest.split('/').next().is_some_and(|seg| seg.contains(':')) {
        return Err(());
    }
    Ok(url)
}

/// Go's `url.QueryEscape` (also the web UI's).
pub(crate) fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Go's `url.QueryUnescape`; `None` for a bad escape (also the web UI's).
pub(crate) fn query_unescape(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// pprof's `adjustURL` (with Go's default path): `None` when `source` is
/// not a URL. `seconds`/`timeout` are the flags (−1 when unset).
pub fn adjust_url(source: &str, seconds: i64, timeout: i64) -> Option<Target> {
    let with_scheme;
    let mut u = match parse_url(source) {
        Ok(u) if !(u.host.is_empty() && !u.scheme.is_empty() && u.scheme != "file") => u,
        _ => {
            with_scheme = format!("http://{source}");
            parse_url(&with_scheme).ok()?
        }
    };
    if u.host.is_empty() {
        return None;
    }
    if u.path.is_empty() || u.path == "/" {
        u.path = CPU_PROFILE_PATH;
    }
    let mut values: Vec<(String, String)> = u
        .query
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.contains(';'))
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            Some((query_unescape(k)?, query_unescape(v)?))
        })
        .collect();
    let mut duration = 0i64;
    if seconds > 0 {
        values.retain(|(k, _)| k != "seconds");
        values.push(("seconds".into(), seconds.to_string()));
        duration = seconds;
    } else if let Some((_, v)) = values.iter().find(|(k, _)| k == "seconds") {
        duration = v.parse::<i32>().map_or(0, i64::from);
    }
    // Go's time.Duration ends at i64::MAX nanoseconds (292 years); an
    // absurd -timeout or -seconds stops there instead of overflowing.
    let longest = Duration::from_nanos(i64::MAX as u64);
    let timeout = if timeout > 0 {
        Duration::from_secs(timeout as u64).min(longest)
    } else if duration > 0 {
        (Duration::from_secs(duration as u64).min(longest) / 2 * 3).min(longest)
    } else {
        Duration::from_secs(60)
    };
    values.sort_by(|a, b| a.0.cmp(&b.0));
    let query: Vec<String> = values
        .iter()
        .map(|(k, v)| format!("{}={}", query_escape(k), query_escape(v)))
        .collect();
    let mut url = format!("{}://", u.scheme);
    if !u.userinfo.is_empty() {
        url.push_str(u.userinfo);
        url.push('@');
    }
    url.push_str(u.host);
    url.push_str(u.path);
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query.join("&"));
    }
    if let Some(f) = u.fragment {
        url.push('#');
        url.push_str(f);
    }
    Some(Target {
        url,
        seconds: duration.max(0),
        timeout,
    })
}

/// A whole number of seconds as Go's `time.Duration` prints it (`30s`,
/// `1m30s`, `1h0m0s`).
pub fn go_seconds(s: i64) -> String {
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    if h > 0 {
        format!("{h}h{m}m{sec}s")
    } else if m > 0 {
        format!("{m}m{sec}s")
    } else {
        format!("{sec}s")
    }
}

/// A fetched response body and its content type.
pub struct Response {
    pub body: Vec<u8>,
    pub content_type: String,
}

fn host_port(url: &str) -> String {
    let after = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = after.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let has_port = if host.starts_with('[') {
        host.contains("]:")
    } else {
        host.contains(':')
    };
    if has_port {
        host.to_string()
    } else if url.starts_with("http://") {
        format!("{host}:80")
    } else {
        format!("{host}:443")
    }
}

fn is_loopback(url: &str) -> bool {
    let hp = host_port(url);
    let host = hp.rsplit_once(':').map_or(hp.as_str(), |(h, _)| h);
    host == "localhost" || host.starts_with("127.") || host == "[::1]"
}

fn no_such_host(url: &str) -> String {
    let hp = host_port(url);
    let host = hp.rsplit_once(':').map_or(hp.as_str(), |(h, _)| h);
    format!("dial tcp: lookup {host}: no such host")
}

/// Go's wording for a failed request.
fn request_error(url: &str, e: ureq::Error) -> Error {
    let why = match e {
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            format!("dial tcp {}: connect: connection refused", host_port(url))
        }
        ureq::Error::Timeout(ureq::Timeout::Connect) => {
            format!("dial tcp {}: i/o timeout", host_port(url))
        }
        ureq::Error::Timeout(_) => "net/http: timeout awaiting response headers".into(),
        ureq::Error::HostNotFound => no_such_host(url),
        ureq::Error::TooManyRedirects => format!("stopped after {MAX_REDIRECTS} redirects"),
        ureq::Error::Io(io) if io.to_string().contains("lookup address") => no_such_host(url),
        ureq::Error::Io(io) => io.to_string().to_lowercase(),
        other => other.to_string(),
    };
    Error::Fetch(format!("Get {url:?}: {why}"))
}

/// Fetches `t` (the body is capped at `max_bytes`). While a timed
/// profile is collected, a `Collecting profile: Ns / Ms` line is kept up
/// to date on `progress` (the caller passes its stderr only when that is
/// a terminal); the request then runs on its own thread. The line is
/// hand-drawn on the caller's (locked) writer rather than an indicatif bar,
/// which draws to stderr itself and would wait on the lock the caller
/// holds. Every failure is an [`Error::Fetch`] in Go's words.
pub fn get(
    t: &Target,
    max_bytes: u64,
    progress: Option<&mut (dyn Write + '_)>,
) -> Result<Response> {
    let insecure = t.url.starts_with("https+insecure://");
    let url = if insecure {
        t.url.replacen("https+insecure://", "https://", 1)
    } else {
        t.url.clone()
    };
    let wait = t.timeout.saturating_add(Duration::from_secs(5));
    let mut cfg = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(wait))
        .timeout_recv_response(Some(wait))
        // One deadline for the whole fetch, body included, as Go's
        // `Client.Timeout`: a server that stalls or trickles after its
        // headers ends the fetch too.
        .timeout_global(Some(wait))
        .max_redirects(MAX_REDIRECTS);
    if insecure {
        cfg = cfg.tls_config(
            ureq::tls::TlsConfig::builder()
                .disable_verification(true)
                .build(),
        );
    }
    if is_loopback(&url) {
        cfg = cfg.proxy(None);
    }
    let agent: ureq::Agent = cfg.build().into();
    let shown = t.url.clone();
    let fetch = move || request(&agent, &url, &shown, max_bytes);
    let Some(out) = progress.filter(|_| t.seconds > 0) else {
        return fetch();
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(fetch());
    });
    let mut elapsed = 0;
    loop {
        let _ = write!(out, "\rCollecting profile: {elapsed}s / {}s", t.seconds);
        let _ = out.flush();
        let r = rx.recv_timeout(Duration::from_secs(1));
        if !matches!(r, Err(mpsc::RecvTimeoutError::Timeout)) {
            let _ = write!(out, "\r\x1b[K");
            let _ = out.flush();
            return r
                .unwrap_or_else(|_| Err(Error::Fetch(format!("Get {:?}: request failed", t.url))));
        }
        elapsed += 1;
    }
}

/// Redirects followed before giving up, as Go's `http.Client`.
const MAX_REDIRECTS: u32 = 10;

/// The most of a server's error text quoted in a message.
const MAX_QUOTED: usize = 200;

/// One GET of `url` (`shown` is the URL as the user sees it).
fn request(agent: &ureq::Agent, url: &str, shown: &str, max_bytes: u64) -> Result<Response> {
    let mut resp = agent.get(url).call().map_err(|e| request_error(shown, e))?;
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let status = resp.status();
    let mut body = Vec::new();
    // One byte past the limit tells a body that is too large from one
    // that fits: it is an error, never silently cut.
    resp.body_mut()
        .with_config()
        .limit(max_bytes.saturating_add(1))
        .reader()
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut body)
        .map_err(|e| {
            let text = e.to_string().to_lowercase();
            match e
                .into_inner()
                .and_then(|i| i.downcast::<ureq::Error>().ok())
            {
                // The deadline passed while the body was read: Go's words.
                Some(u) if matches!(*u, ureq::Error::Timeout(_)) => Error::Fetch(format!(
                    "Get {shown:?}: context deadline exceeded (Client.Timeout or context \
                     cancellation while reading body)"
                )),
                Some(u) => request_error(shown, *u),
                None => Error::Fetch(format!("reading {shown}: {text}")),
            }
        })?;
    if body.len() as u64 > max_bytes {
        return Err(Error::Fetch(format!(
            "Get {shown:?}: the body is larger than {} MiB: not read",
            max_bytes >> 20
        )));
    }
    if status != 200 {
        let mut msg = format!(
            "server response: {} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        );
        let text = String::from_utf8_lossy(&body);
        let first = text.lines().next().unwrap_or("").trim();
        if content_type.starts_with("text/plain") && !first.is_empty() {
            msg.push_str(" - ");
            match first.char_indices().nth(MAX_QUOTED) {
                Some((cut, _)) => {
                    msg.push_str(&first[..cut]);
                    msg.push('…');
                }
                None => msg.push_str(first),
            }
        }
        return Err(Error::Fetch(msg.trim_end().to_string()));
    }
    Ok(Response { body, content_type })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Serves one connection on loopback with `reply` (called with the
    /// stream after the request head is read); returns the URL.
    fn serve_once(reply: impl FnOnce(&mut std::net::TcpStream) + Send + 'static) -> String {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = l.accept() {
                let mut head = Vec::new();
                let mut b = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n")
                    && std::io::Read::read(&mut s, &mut b).unwrap_or(0) == 1
                {
                    head.push(b[0]);
                }
                reply(&mut s);
            }
        });
        format!("http://{addr}/debug/pprof/heap")
    }

    fn target(url: &str, timeout_s: u64) -> Target {
        Target {
            url: url.to_string(),
            seconds: 0,
            timeout: Duration::from_secs(timeout_s),
        }
    }

    #[test]
    fn a_body_past_the_limit_is_an_error_not_cut() {
        let url = serve_once(|s| {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
            let _ = s.write_all(&[7u8; 100]);
        });
        let e = get(&target(&url, 5), 2 << 20, None).map(|r| r.body.len());
        assert!(e.is_ok(), "{e:?}");
        let url = serve_once(|s| {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 3145728\r\n\r\n");
            let _ = s.write_all(&vec![7u8; 3 << 20]);
        });
        let e = get(&target(&url, 5), 2 << 20, None)
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some(format!("Get {url:?}: the body is larger than 2 MiB: not read").as_str())
        );
    }

    #[test]
    fn a_body_that_stalls_or_trickles_ends_at_the_deadline() {
        for trickle in [false, true] {
            let url = serve_once(move |s| {
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
                for _ in 0..30 {
                    if trickle {
                        let _ = s.write_all(b"x");
                    }
                    std::thread::sleep(Duration::from_secs(1));
                }
            });
            // -timeout=0 waits 5 s (pprof's rule: the timeout plus 5 s).
            let start = std::time::Instant::now();
            let e = get(&target(&url, 0), 2 << 20, None)
                .err()
                .map(|e| e.to_string());
            assert!(
                start.elapsed() < Duration::from_secs(9),
                "{:?}",
                start.elapsed()
            );
            assert_eq!(
                e.as_deref(),
                Some(
                    format!(
                        "Get {url:?}: context deadline exceeded (Client.Timeout or context \
                         cancellation while reading body)"
                    )
                    .as_str()
                ),
                "trickle: {trickle}"
            );
        }
    }

    fn url(s: &str, seconds: i64) -> Option<String> {
        adjust_url(s, seconds, -1).map(|t| t.url)
    }

    #[test]
    fn go_url_rules() {
        assert_eq!(
            url("localhost:6060", -1).as_deref(),
            Some("http://localhost:6060/debug/pprof/profile")
        );
        assert_eq!(
            url("127.0.0.1:6060/debug/pprof/heap", -1).as_deref(),
            Some("http://127.0.0.1:6060/debug/pprof/heap")
        );
        assert_eq!(
            url("http://h:1/debug/pprof/profile?seconds=5&a=b c", 10).as_deref(),
            Some("http://h:1/debug/pprof/profile?a=b+c&seconds=10")
        );
        assert_eq!(url("leak/heap_5.pb.gz", -1), None);
        assert_eq!(url("/tmp/x.pb.gz", -1), None);
        assert_eq!(url("file:///tmp/x", -1), None);
        assert_eq!(url("-top", -1), None);
    }

    #[test]
    fn timeouts() {
        let t = adjust_url("h:1/p?seconds=4", -1, -1).unwrap();
        assert_eq!((t.seconds, t.timeout), (4, Duration::from_secs(6)));
        let t = adjust_url("h:1/p", -1, 3).unwrap();
        assert_eq!((t.seconds, t.timeout), (0, Duration::from_secs(3)));
        let t = adjust_url("h:1/p", -1, -1).unwrap();
        assert_eq!(t.timeout, Duration::from_secs(60));
        // Absurd values end at Go's longest time.Duration, not in a panic.
        let longest = Duration::from_nanos(i64::MAX as u64);
        let t = adjust_url("h:1/p", i64::MAX, -1).unwrap();
        assert_eq!((t.seconds, t.timeout), (i64::MAX, longest));
        let t = adjust_url("h:1/p", -1, i64::MAX).unwrap();
        assert_eq!(t.timeout, longest);
    }

    #[test]
    fn durations() {
        assert_eq!(go_seconds(1), "1s");
        assert_eq!(go_seconds(90), "1m30s");
        assert_eq!(go_seconds(3600), "1h0m0s");
    }
}
