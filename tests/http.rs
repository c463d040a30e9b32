//! Live sources: each test starts its own tiny HTTP server on 127.0.0.1
//! (a std `TcpListener` in a thread, a bounded number of connections)
//! serving the test profiles the way `net/http/pprof` does, then runs the
//! built `rpprof` against it by URL and by `host:port`. Only loopback
//! traffic.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

fn data(path: &str) -> Vec<u8> {
    std::fs::read(common::data_dir().join(path)).expect("test profile")
}

/// Starts a server for at most `connections` requests; returns its
/// address and a channel receiving every request target.
fn serve(connections: usize) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("address").to_string();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(connections) {
            let Ok(mut s) = stream else { continue };
            let tx = tx.clone();
            std::thread::spawn(move || {
                let target = common::request_target(&mut s);
                let _ = tx.send(target.clone());
                let path = target.split('?').next().unwrap_or("");
                match path {
                    "/debug/pprof/heap" => common::respond(
                        &mut s,
                        "200 OK",
                        "application/octet-stream",
                        &data("leak/heap_1.pb.gz"),
                    ),
                    "/debug/pprof/profile" => common::respond(
                        &mut s,
                        "200 OK",
                        "application/octet-stream",
                        &data("leak/cpu.pb.gz"),
                    ),
                    "/page" => common::respond(
                        &mut s,
                        "200 OK",
                        "text/html; charset=utf-8",
                        b"<!DOCTYPE html>\n<html><body>Login</body></html>\n",
                    ),
                    "/slow" => std::thread::sleep(Duration::from_secs(10)),
                    _ => common::respond(
                        &mut s,
                        "404 Not Found",
                        "text/plain; charset=utf-8",
                        b"404 page not found\nsecond line\n",
                    ),
                }
            });
        }
    });
    (addr, rx)
}

/// A fresh directory for saved profiles, unique to this test process.
fn save_dir(test: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("rpprof-http-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Runs rpprof with `args`; returns (stdout, stderr, exit status).
/// Fetched profiles are saved under `save_dir("default")`.
fn rpprof(args: &[&str]) -> (String, String, i32) {
    rpprof_saving(args, &save_dir("default"))
}

/// Runs rpprof with `args`, saving fetched profiles in `saved`.
fn rpprof_saving(args: &[&str], saved: &Path) -> (String, String, i32) {
    let o = common::rpprof(args)
        .dir(common::data_dir())
        .env("PPROF_TMPDIR", saved)
        .run();
    (o.out(), o.stderr, o.code)
}

#[test]
fn heap_by_url_matches_the_file_and_is_saved() {
    let (addr, requests) = serve(1);
    let url = format!("http://{addr}/debug/pprof/heap");
    let saved = save_dir("heap");
    let (out, err, rc) = rpprof_saving(&["-top", "-nodecount=3", &url], &saved);
    assert_eq!(rc, 0, "{err}");
    let copy =
        saved.join("pprof.leak.alloc_objects.alloc_space.inuse_objects.inuse_space.001.pb.gz");
    assert_eq!(
        err,
        format!(
            "Fetching profile over HTTP from {url}\nSaved profile in {}\n",
            copy.display()
        )
    );
    let (file_out, _, _) = rpprof(&["-top", "-nodecount=3", "leak/heap_1.pb.gz"]);
    assert_eq!(out, file_out);
    let (copy_out, _, _) = rpprof(&["-top", "-nodecount=3", &copy.display().to_string()]);
    assert_eq!(copy_out, file_out);
    assert_eq!(requests.recv().unwrap(), "/debug/pprof/heap");
    let _ = std::fs::remove_dir_all(&saved);
}

#[test]
fn host_port_fetches_a_timed_cpu_profile() {
    let (addr, requests) = serve(1);
    let saved = save_dir("cpu");
    let (out, err, rc) = rpprof_saving(&["-top", "-nodecount=3", "-seconds=1", &addr], &saved);
    assert_eq!(rc, 0, "{err}");
    let mut lines = err.lines();
    assert_eq!(
        lines.next(),
        Some(
            format!("Fetching profile over HTTP from http://{addr}/debug/pprof/profile?seconds=1")
                .as_str()
        )
    );
    assert_eq!(lines.next(), Some("Please wait... (1s)"));
    let copy = saved.join("pprof.leak.samples.cpu.001.pb.gz");
    assert_eq!(
        lines.next(),
        Some(format!("Saved profile in {}", copy.display()).as_str())
    );
    let (file_out, _, _) = rpprof(&["-top", "-nodecount=3", "leak/cpu.pb.gz"]);
    assert_eq!(out, file_out);
    assert_eq!(requests.recv().unwrap(), "/debug/pprof/profile?seconds=1");
    let _ = std::fs::remove_dir_all(&saved);
}

#[test]
fn refused_connection_is_one_line() {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let src = format!("127.0.0.1:{port}/debug/pprof/heap");
    let (out, err, rc) = rpprof(&["-top", &src]);
    assert_eq!(rc, 1);
    assert!(out.is_empty());
    assert_eq!(
        err,
        format!(
            "Fetching profile over HTTP from http://{src}\n\
             {src}: Get \"http://{src}\": dial tcp 127.0.0.1:{port}: connect: connection refused\n\
             failed to fetch any source profiles\n"
        )
    );
}

#[test]
fn http_error_shows_status_and_first_body_line() {
    let (addr, _) = serve(1);
    let src = format!("{addr}/debug/pprof/nothing");
    let (_, err, rc) = rpprof(&["-top", &src]);
    assert_eq!(rc, 1);
    assert!(
        err.contains(&format!(
            "{src}: server response: 404 Not Found - 404 page not found\n"
        )),
        "{err}"
    );
}

#[test]
fn slow_server_times_out() {
    let (addr, _) = serve(1);
    let src = format!("http://{addr}/slow");
    let started = std::time::Instant::now();
    let (_, err, rc) = rpprof(&["-top", "-timeout=1", &src]);
    assert_eq!(rc, 1);
    assert!(
        err.contains(&format!(
            "{src}: Get \"{src}\": net/http: timeout awaiting response headers\n"
        )),
        "{err}"
    );
    // pprof's rule: the timeout plus 5 seconds.
    assert!(started.elapsed() < Duration::from_secs(9));
}

#[test]
fn html_page_is_not_a_profile() {
    let (addr, _) = serve(1);
    let src = format!("http://{addr}/page");
    let (_, err, rc) = rpprof(&["-top", &src]);
    assert_eq!(rc, 1);
    assert!(
        err.contains(&format!(
            "{src}: parsing profile: unrecognized profile format (the server sent an HTML page, not a profile)\n"
        )),
        "{err}"
    );
}

#[test]
fn two_urls_are_fetched_together_and_merged() {
    let (addr, requests) = serve(2);
    let a = format!("http://{addr}/debug/pprof/heap");
    let b = format!("{addr}/debug/pprof/heap?gc=1");
    let saved = save_dir("two");
    let (out, err, rc) = rpprof_saving(&["-top", "-nodecount=4", &a, &b], &saved);
    assert_eq!(rc, 0, "{err}");
    let mut lines = err.lines();
    assert_eq!(
        lines.next(),
        Some(format!("Fetching profile over HTTP from {a}").as_str())
    );
    assert_eq!(
        lines.next(),
        Some(format!("Fetching profile over HTTP from http://{b}").as_str())
    );
    let (file_out, _, _) = rpprof(&[
        "-top",
        "-nodecount=4",
        "leak/heap_1.pb.gz",
        "leak/heap_1.pb.gz",
    ]);
    assert_eq!(out, file_out);
    let mut seen = [requests.recv().unwrap(), requests.recv().unwrap()];
    seen.sort();
    assert_eq!(seen, ["/debug/pprof/heap", "/debug/pprof/heap?gc=1"]);
    let _ = std::fs::remove_dir_all(&saved);
}
