//! The web UI (`-http`): rpprof serves the leak snapshots on a free port
//! (`localhost:0`) and each view's HTML and JSON is checked against the
//! text report of the same options: status, content type and numbers.
//! Then the safety rules: foreign Host headers, writes, bad queries,
//! hostile function names, a stalled client.

mod common;

use common::{HEAP_1, HEAP_5, WebUi, leak_series, rpprof};
use serde_json::Value;
use std::io::Write;
use std::sync::mpsc;
use std::time::Duration;

/// What the tests ask of the UI.
trait Views {
    /// `target`'s page, checked to be HTML with status `status`.
    fn page(&self, target: &str, status: u16) -> String;
    /// `target`'s JSON, checked to be status 200.
    fn json(&self, target: &str) -> Value;
}

impl Views for WebUi {
    fn page(&self, target: &str, status: u16) -> String {
        let r = self.get(target);
        assert_eq!(r.status, status, "{target}: {}", r.text());
        assert_eq!(
            r.header("content-type"),
            Some("text/html; charset=utf-8"),
            "{target}"
        );
        r.text()
    }

    fn json(&self, target: &str) -> Value {
        let r = self.get(target);
        assert_eq!(r.status, 200, "{target}: {}", r.text());
        assert_eq!(
            r.header("content-type"),
            Some("application/json"),
            "{target}"
        );
        serde_json::from_slice(&r.body).expect("JSON")
    }
}

/// The rows of a `-top` text report: (flat, flat%, sum%, cum, cum%, name).
fn top_rows(args: &[&str]) -> Vec<[String; 6]> {
    let o = rpprof(args).run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    o.out()
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("flat "))
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            [
                f[0].into(),
                f[1].into(),
                f[2].into(),
                f[3].into(),
                f[4].into(),
                f[5..].join(" "),
            ]
        })
        .collect()
}

/// The same rows read from `/api/top` (the name with pprof's inline mark,
/// as the text shows it).
fn api_rows(v: &Value) -> Vec<[String; 6]> {
    v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let s = |k: &str| {
                r[k].as_str()
                    .unwrap_or_else(|| panic!("{k} in {r}"))
                    .to_string()
            };
            [
                s("flat_text"),
                s("flat_percent"),
                s("sum_percent"),
                s("cum_text"),
                s("cum_percent"),
                s("name"),
            ]
        })
        .collect()
}

/// The names without pprof's ` (inline)` mark, which the UI does not show.
fn unmarked(rows: Vec<[String; 6]>) -> Vec<[String; 6]> {
    rows.into_iter()
        .map(|mut r| {
            r[5] = r[5].trim_end_matches(" (inline)").to_string();
            r
        })
        .collect()
}

#[test]
fn top_page_and_api_hold_the_numbers_of_top() {
    let s = WebUi::start(&[HEAP_5], &[]);
    let expected = unmarked(top_rows(&["-top", HEAP_5]));
    assert!(expected.len() >= 5);
    assert_eq!(api_rows(&s.json("/api/top")), expected);
    let page = s.page("/ui/top", 200);
    assert!(page.starts_with("<!DOCTYPE html>"));
    for row in &expected {
        for value in &row[..5] {
            assert!(
                page.contains(&format!(">{value}</td>")),
                "{value} in the page"
            );
        }
        assert!(
            page.contains(&format!(">{}</a>", row[5].replace('&', "&amp;"))),
            "{}",
            row[5]
        );
    }
    // The row links focus on the function and open its source.
    assert!(
        page.contains("href=\"/ui/top?f=%5Ebytes%5C.Repeat%24\""),
        "{page}"
    );
    assert!(page.contains("href=\"/ui/source?f=%5Ebytes%5C.Repeat%24\""));
    // The filter boxes complete the functions' names, as regexps.
    for page in [&page, &s.page("/ui/", 200), &s.page("/ui/top?f=(", 400)] {
        assert!(
            page.contains("<datalist id=\"names\"><option value=\"bytes\\.Repeat\">"),
            "{page}"
        );
        assert!(page.contains("<option value=\"main\\.\\(\\*RequestTracker\\)\\.Track\">"));
    }
    // Every view is in the navigation bar, Growth only for a series.
    for v in [
        "Top",
        "Flame graph",
        "Graph",
        "Peek",
        "Source",
        "Disassemble",
    ] {
        assert!(page.contains(&format!(">{v}</a>")), "{v}");
    }
    assert!(!page.contains(">Growth</a>"));
    let api = s.json("/api/top");
    assert_eq!(api["sample_type"], "inuse_space");
    assert_eq!(api["total_text"], "178.01MB");
}

#[test]
fn the_url_carries_the_refinements() {
    let s = WebUi::start(&[HEAP_5], &[]);
    for (query, flags) in [
        ("f=Track", &["-focus=Track"][..]),
        ("si=alloc_space", &["-sample_index=alloc_space"]),
        (
            "i=Repeat&si=alloc_objects",
            &["-ignore=Repeat", "-sample_index=alloc_objects"],
        ),
        ("h=http&g=files", &["-hide=http", "-files"]),
        ("s=main&unit=kB", &["-show=main", "-unit=kB"]),
    ] {
        let mut args = vec!["-top"];
        args.extend_from_slice(flags);
        args.push(HEAP_5);
        assert_eq!(
            api_rows(&s.json(&format!("/api/top?{query}"))),
            unmarked(top_rows(&args)),
            "{query}"
        );
    }
    // The form shows the refinement, and every link keeps it.
    let page = s.page("/ui/top?f=Track&si=alloc_space", 200);
    assert!(
        page.contains("id=\"f\" name=\"f\" value=\"Track\""),
        "{page}"
    );
    assert!(page.contains("<option value=\"alloc_space\" selected=\"\">"));
    assert!(page.contains("href=\"/ui/flamegraph?f=Track&amp;si=alloc_space\""));
    let page = s.page("/ui/top?unit=kB&g=lines", 200);
    assert!(
        page.contains("<option value=\"kB\" selected=\"\">kB</option>"),
        "{page}"
    );
    assert!(page.contains("<option value=\"lines\" selected=\"\">lines</option>"));
    assert!(page.contains("<option value=\"filefunctions\">"));
    // A wrong regexp or value is a 400 that says what is wrong.
    let bad = s.page("/ui/top?f=(", 400);
    assert!(
        bad.contains(
            "<p class=\"error\">bad query parameter f=&#34;(&#34;: parsing focus regexp: \
             error parsing regexp: missing closing ): `(`</p>"
        ),
        "{bad}"
    );
    let r = s.get("/api/top?si=nope");
    assert_eq!(r.status, 400);
    let e: Value = serde_json::from_slice(&r.body).unwrap();
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .starts_with("bad query parameter si=\"nope\": "),
        "{e}"
    );
    assert_eq!(s.get("/ui/top?f=%zz").status, 400);
}

#[test]
fn the_flame_graph_is_the_default_view_and_the_svg_of_flamegraph() {
    let s = WebUi::start(&[HEAP_5], &[]);
    let r = s.get("/");
    assert_eq!((r.status, r.header("location")), (302, Some("/ui/")));
    let page = s.page("/ui/", 200);
    assert!(
        page.contains("<object type=\"image/svg+xml\" data=\"/ui/flamegraph.svg\"></object>"),
        "{page}"
    );
    let svg = s.get("/ui/flamegraph.svg?f=Track");
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
    let flag = rpprof(["-flamegraph", "-focus=Track", HEAP_5]).run();
    assert_eq!(svg.text(), flag.out(), "the SVG of -flamegraph");
    let api = s.json("/api/flamegraph");
    let frames = api["frames"].as_array().unwrap();
    let whole = s.get("/ui/flamegraph.svg").text();
    assert_eq!(frames.len(), whole.matches("<g class=\"f\"").count());
    let track = frames
        .iter()
        .find(|f| f["name"] == "main.(*RequestTracker).Track")
        .expect("Track");
    let top = s.json("/api/top");
    let row = top["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "main.(*RequestTracker).Track")
        .expect("Track in top");
    assert_eq!(track["cum"], row["cum"], "{track}");
}

/// The lines of a text report as the page shows them (escaped).
fn escaped_lines(args: &[&str]) -> Vec<String> {
    let o = rpprof(args).run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    o.out()
        .lines()
        .map(|l| {
            l.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&#34;")
                .replace('\'', "&#39;")
        })
        .collect()
}

#[test]
fn source_and_peek_pages_hold_the_list_and_peek_reports() {
    let src = common::leak_source_args();
    let s = WebUi::start(&[&src[0], &src[1], HEAP_5], &[]);
    let page = s.page("/ui/source?f=Track", 200);
    let lines = escaped_lines(&["-list=Track", &src[0], &src[1], HEAP_5]);
    assert!(lines.len() > 10);
    for l in &lines {
        assert!(page.contains(l.as_str()), "{l:?} in the source page");
    }
    // The hot line, the append of the leak, is highlighted.
    let hot = page
        .lines()
        .find(|l| l.contains("bytes.Repeat"))
        .expect("the bytes.Repeat line");
    assert!(hot.starts_with("<span class=\""), "{hot}");
    let peek = s.page("/ui/peek?f=Track", 200);
    for l in escaped_lines(&["-peek=Track", &src[0], &src[1], HEAP_5]) {
        assert!(peek.contains(l.as_str()), "{l:?} in the peek page");
    }
    let none = s.page("/ui/peek", 200);
    assert!(none.contains("type one in the focus box"), "{none}");
    let nomatch = s.page("/ui/source?f=NoSuchFunction", 400);
    assert!(
        nomatch.contains("no matches found for regexp: NoSuchFunction"),
        "{nomatch}"
    );
}

#[test]
fn the_graph_pans_and_zooms_and_says_when_graphviz_is_missing() {
    let s = WebUi::start(&[HEAP_5], &[("PATH", &common::graphviz_dir())]);
    let page = s.page("/ui/graph?f=Track", 200);
    assert!(
        page.contains("data=\"/ui/graph.svg?f=Track\" class=\"fill\""),
        "{page}"
    );
    let svg = s.get("/ui/graph.svg?f=Track");
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
    let svg = svg.text();
    assert!(
        svg.contains("<g id=\"viewport\">") && svg.contains("Repeat</text>"),
        "{svg}"
    );
    drop(s);
    let empty = common::temp_dir("web-no-dot");
    let s = WebUi::start(&[HEAP_5], &[("PATH", &empty.display().to_string())]);
    let page = s.page("/ui/graph", 200);
    assert!(
        page.contains("Is Graphviz installed?")
            && page.contains("href=\"/ui/flamegraph\">flame graph</a>"),
        "{page}"
    );
}

#[test]
fn a_series_has_growth_and_a_snapshot_menu() {
    let series = leak_series();
    let mut args = vec!["-series"];
    args.extend(series.iter().map(String::as_str));
    let s = WebUi::start(&args, &[]);
    let page = s.page("/ui/growth", 200);
    assert!(page.contains(">Growth</a>"));
    let mut flag = vec!["-growth"];
    flag.extend(series.iter().map(String::as_str));
    for l in escaped_lines(&flag) {
        assert!(page.contains(l.trim_end()), "{l:?} in the growth page");
    }
    // A chart of the totals and one per row, each point with its value.
    assert!(
        page.contains("<div class=\"chart total\"><div>Total</div><svg"),
        "{page}"
    );
    for k in 1..=5 {
        assert!(page.contains(&format!("<title>#{k}: ")), "point {k}");
    }
    let charts = page.matches("<div class=\"chart\">").count();
    let rows = page
        .lines()
        .filter(|l| l.contains("…") && !l.contains("#1"))
        .count();
    assert_eq!(charts, rows, "one chart per growth row");
    assert!(page.contains("<div class=\"chart\"><div>bytes.Repeat</div>"));
    // The newest snapshot by default, any other by number.
    assert_eq!(
        api_rows(&s.json("/api/top")),
        unmarked(top_rows(&["-top", HEAP_5]))
    );
    assert_eq!(
        api_rows(&s.json("/api/top?snapshot=1")),
        unmarked(top_rows(&["-top", HEAP_1]))
    );
    // base=K subtracts snapshot K, as -base does.
    assert_eq!(
        api_rows(&s.json("/api/top?base=1")),
        unmarked(top_rows(&["-top", "-base", HEAP_1, HEAP_5]))
    );
    assert_eq!(
        api_rows(&s.json("/api/top?base=1&snapshot=3")),
        unmarked(top_rows(&[
            "-top",
            "-base",
            HEAP_1,
            "tests/data/leak/heap_3.pb.gz"
        ]))
    );
    let page = s.page("/ui/top?base=2", 200);
    assert!(
        page.contains("<option value=\"2\" selected=\"\">2</option>"),
        "{page}"
    );
    assert!(
        s.page("/ui/growth?base=1", 400)
            .contains("growth compares every snapshot already")
    );
    let bad = s.page("/ui/top?snapshot=9", 400);
    assert!(
        bad.contains("bad query parameter snapshot=&#34;9&#34;: the series has snapshots 1 to 5")
    );
    let one = WebUi::start(&[HEAP_5], &[]);
    assert!(
        one.page("/ui/top?base=1", 400)
            .contains("bad query parameter base=&#34;1&#34;: not a snapshot series")
    );
    let refused = one.page("/ui/growth", 400);
    assert!(
        refused.contains("growth needs a snapshot series"),
        "{refused}"
    );
}

#[test]
fn foreign_hosts_writes_and_unknown_pages_are_refused() {
    let s = WebUi::start(&[HEAP_5], &[]);
    let r = common::http(s.port, "GET", "/ui/top", "attacker.example:80");
    assert_eq!(r.status, 403);
    assert!(
        r.text()
            .starts_with("refused: Host \"attacker.example:80\""),
        "{}",
        r.text()
    );
    assert_eq!(
        common::http(s.port, "GET", "/api/top", "127.0.0.1").status,
        200
    );
    let r = common::http(s.port, "POST", "/ui/top", "localhost");
    assert_eq!(r.status, 405);
    assert_eq!(r.text(), "the web UI is read-only: GET only\n");
    let page = s.page("/ui/nothing", 404);
    assert!(page.contains("no such page: /ui/nothing"));
}

#[test]
fn a_stalled_client_does_not_block_the_others() {
    let s = WebUi::start(&[HEAP_5], &[]);
    // Half a request, never finished, on several connections.
    let stalled: Vec<_> = (0..64)
        .map(|_| {
            let mut c = std::net::TcpStream::connect(("127.0.0.1", s.port)).unwrap();
            c.write_all(b"GET /ui/top HTTP/1.1\r\nHost: localh")
                .unwrap();
            c
        })
        .collect();
    let (tx, rx) = mpsc::channel();
    let port = s.port;
    std::thread::spawn(move || {
        let _ = tx.send(common::http(port, "GET", "/api/top", "localhost").status);
    });
    assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok(200));
    // Twenty clients at once are all answered.
    let clients: Vec<_> = (0..20)
        .map(|k| {
            std::thread::spawn(move || {
                let target = if k % 2 == 0 {
                    "/api/top"
                } else {
                    "/ui/flamegraph.svg"
                };
                common::http(port, "GET", target, "localhost").status
            })
        })
        .collect();
    for c in clients {
        assert_eq!(c.join().unwrap(), 200);
    }
    drop(stalled);
}

#[test]
fn hostile_names_render_inert_in_every_view() {
    let dir = common::temp_dir("web-hostile");
    let names = [
        "<script>alert(1)</script>",
        "\"'><img src=x onerror=alert(2)>",
        "</svg><script>alert(3)</script>",
        "a&b",
    ];
    let stacks: Vec<(Vec<&str>, i64)> = names
        .iter()
        .enumerate()
        .map(|(k, n)| (vec!["main.main", *n], (k as i64 + 1) * 10))
        .collect();
    let stacks: Vec<(&[&str], i64)> = stacks.iter().map(|(f, v)| (f.as_slice(), *v)).collect();
    let path = dir.join("hostile.pb");
    std::fs::write(&path, common::stacks_profile(&stacks)).unwrap();
    let p = path.display().to_string();
    let s = WebUi::start(&[&p], &[("PATH", &common::graphviz_dir())]);
    for target in [
        "/ui/top",
        "/ui/",
        "/ui/graph",
        "/ui/graph.svg",
        "/ui/flamegraph.svg",
        "/ui/peek?f=main",
        "/ui/source?f=main",
        "/api/top",
        "/api/flamegraph",
    ] {
        let body = s.get(target).text();
        for bad in ["<script>alert", "<img", "</svg><script"] {
            assert!(!body.contains(bad), "{target} holds {bad:?} raw:\n{body}");
        }
    }
    let top = s.page("/ui/top", 200);
    assert!(
        top.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{top}"
    );
    // JSON keeps the names exactly, with the markup characters escaped.
    let api = s.get("/api/top").text();
    assert!(api.contains("\\u003cscript\\u003ealert(1)"), "{api}");
    let v: Value = serde_json::from_str(&api).unwrap();
    let got: Vec<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    for n in names {
        assert!(got.contains(&n), "{n} in {got:?}");
    }
    let svg = s.get("/ui/flamegraph.svg").text();
    let doc = roxmltree::Document::parse(&svg).expect("the SVG stays well-formed");
    let titles: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .map(|t| t.lines().next().unwrap_or("").to_string())
        .collect();
    for n in names {
        assert!(titles.iter().any(|t| t == n), "{n} as text in {titles:?}");
    }
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("script"))
            .count(),
        1
    );
}

#[test]
fn bad_addresses_are_one_line_errors() {
    for (addr, line) in [
        (
            "-http=8080",
            "-http=\"8080\": want [host]:port, e.g. :8080, localhost:0 or 0.0.0.0:8080\n",
        ),
        (
            "-http=:99999",
            "-http=\":99999\": want [host]:port, e.g. :8080, localhost:0 or 0.0.0.0:8080\n",
        ),
    ] {
        let o = rpprof([addr, "-no_browser", HEAP_5]).run();
        assert_eq!((o.code, o.stderr.as_str()), (1, line), "{addr}");
    }
    let o = rpprof(["-http=no.such.host.invalid:0", "-no_browser", HEAP_5]).run();
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .starts_with("-http=no.such.host.invalid:0: cannot listen: ")
            && o.stderr.lines().count() == 1,
        "{}",
        o.stderr
    );
}

/// The text of the page's explanation, its paragraphs joined by blank
/// lines and the markup escapes undone.
fn explanation(page: &str) -> Option<String> {
    let start = page.find("<aside class=\"explain\">")? + "<aside class=\"explain\">".len();
    let end = start + page[start..].find("</aside>")?;
    let text = page[start..end]
        .replace("</p><p>", "\n\n")
        .replace("<p>", "")
        .replace("</p>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    Some(text)
}

#[test]
fn explain_in_the_url_adds_the_shells_explanation() {
    let s = WebUi::start(&[HEAP_5], &[]);
    let plain = s.page("/ui/top", 200);
    assert_eq!(explanation(&plain), None);
    assert!(plain.contains("name=\"explain\" value=\"true\"> explain"));
    let page = s.page("/ui/top?explain=true", 200);
    let o = rpprof(["-top", "-explain", HEAP_5]).run();
    let out = o.out();
    let flag = out
        .split_once("\n\n")
        .map(|(_, e)| e)
        .expect("an explanation");
    assert_eq!(
        common::squeeze(&explanation(&page).expect("an explanation")),
        common::squeeze(flag)
    );
    assert!(page.contains("value=\"true\" checked> explain"));
    // In Chinese with lang=zh, and for the other reports too.
    let zh = s.page("/ui/top?explain=true&lang=zh", 200);
    assert!(common::has_cjk(&explanation(&zh).unwrap()));
    let src = common::leak_source_args();
    let s = WebUi::start(&[&src[0], &src[1], HEAP_5], &[]);
    for target in [
        "/ui/peek?f=Track&explain=true",
        "/ui/source?f=Track&explain=true",
    ] {
        let e = explanation(&s.page(target, 200)).unwrap_or_default();
        assert!(e.contains("Track"), "{target}: {e}");
    }
    assert!(
        s.page("/ui/top?explain=nope", 400)
            .contains("bad query parameter explain=")
    );
}

#[test]
fn the_browser_opens_on_the_ui_unless_no_browser() {
    let dir = common::temp_dir("web-browser");
    let seen = dir.join("seen");
    let browser = dir.join("browser.sh");
    std::fs::write(
        &browser,
        // Written whole, then renamed: the test never reads it half done.
        format!(
            "#!/bin/sh\necho \"$1\" > {0}.part && mv {0}.part {0}\n",
            seen.display()
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut child = rpprof(["-http=localhost:0", HEAP_5])
        .env("BROWSER", &browser)
        .command()
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stderr.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let url = line
        .trim()
        .strip_prefix("Serving web UI on ")
        .expect("the address")
        .to_string();
    let start = std::time::Instant::now();
    while !seen.exists() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(std::fs::read_to_string(&seen).unwrap().trim(), url);
    // Without a display or $BROWSER: one line says where to go.
    let mut child = rpprof(["-http=localhost:0", HEAP_5])
        .env("DISPLAY", "")
        .command()
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let (mut first, mut second) = (String::new(), String::new());
    std::io::BufRead::read_line(&mut err, &mut first).unwrap();
    std::io::BufRead::read_line(&mut err, &mut second).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let url = first
        .trim()
        .strip_prefix("Serving web UI on ")
        .expect("the address");
    assert_eq!(
        second,
        format!("no browser found (set $BROWSER): open {url}\n")
    );
}
