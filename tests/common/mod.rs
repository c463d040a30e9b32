//! Test helpers shared by the integration tests: [`rpprof`] runs the built
//! binary (the one way every test starts it), and [`Builder`] builds
//! `profile.proto` messages with the prost types (`rpprof::pb`), interning
//! strings as the format wants (index 0 is the empty string).

// Each test crate uses a different part of this helper.
#![allow(dead_code)]

pub mod browser;

use prost::Message;
use rpprof::pb;
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A profile under construction.
pub struct Builder {
    pub p: pb::Profile,
    strings: HashMap<String, i64>,
}

impl Builder {
    /// An empty profile with sample types `(type, unit)`.
    pub fn new(types: &[(&str, &str)]) -> Builder {
        let mut b = Builder {
            p: pb::Profile::default(),
            strings: HashMap::new(),
        };
        b.str("");
        for (t, u) in types {
            let vt = pb::ValueType {
                r#type: b.str(t),
                unit: b.str(u),
            };
            b.p.sample_type.push(vt);
        }
        b
    }

    /// The string table index of `s`, adding it if new.
    pub fn str(&mut self, s: &str) -> i64 {
        if let Some(&i) = self.strings.get(s) {
            return i;
        }
        let i = self.p.string_table.len() as i64;
        self.p.string_table.push(s.as_bytes().to_vec().into());
        self.strings.insert(s.to_string(), i);
        i
    }

    /// Adds a mapping for `file`; returns its id.
    pub fn mapping(&mut self, file: &str) -> u64 {
        let id = self.p.mapping.len() as u64 + 1;
        let filename = self.str(file);
        self.p.mapping.push(pb::Mapping {
            id,
            memory_start: 0x1000 * id,
            memory_limit: 0x1000 * (id + 1),
            filename,
            has_functions: true,
            ..Default::default()
        });
        id
    }

    /// Adds a function; returns its id.
    pub fn function(&mut self, name: &str, file: &str) -> u64 {
        let id = self.p.function.len() as u64 + 1;
        let (name, filename) = (self.str(name), self.str(file));
        self.p.function.push(pb::Function {
            id,
            name,
            system_name: name,
            filename,
            start_line: 1,
        });
        id
    }

    /// Adds a location in `mapping` (0: none) whose lines are
    /// `(function id, line)`, innermost first; returns its id.
    pub fn location(&mut self, mapping: u64, lines: &[(u64, i64)]) -> u64 {
        let id = self.p.location.len() as u64 + 1;
        self.p.location.push(pb::Location {
            id,
            mapping_id: mapping,
            address: 0x1000 * mapping + id,
            line: lines
                .iter()
                .map(|&(function_id, line)| pb::Line {
                    function_id,
                    line,
                    column: 0,
                })
                .collect(),
            is_folded: false,
        });
        id
    }

    /// A string label `key=value`.
    pub fn label(&mut self, key: &str, value: &str) -> pb::Label {
        pb::Label {
            key: self.str(key),
            str: self.str(value),
            num: 0,
            num_unit: 0,
        }
    }

    /// A numeric label `key=num unit`.
    pub fn num_label(&mut self, key: &str, num: i64, unit: &str) -> pb::Label {
        pb::Label {
            key: self.str(key),
            str: 0,
            num,
            num_unit: self.str(unit),
        }
    }

    /// Adds a sample: stack (leaf first), one value per sample type, labels.
    pub fn sample(&mut self, locs: &[u64], values: &[i64], labels: Vec<pb::Label>) {
        self.p.sample.push(pb::Sample {
            location_id: locs.to_vec(),
            value: values.to_vec(),
            label: labels,
        });
    }

    /// The wire bytes (not gzipped).
    pub fn encode(&self) -> Vec<u8> {
        self.p.encode_to_vec()
    }
}

/// The crate directory, where `cargo test` runs the tests.
pub fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/data`, where the test profiles and goldens live.
pub fn data_dir() -> PathBuf {
    crate_dir().join("tests/data")
}

/// The built `rpprof` binary.
pub fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_rpprof"))
}

/// `rpprof ARGS`, to configure and [`Run::run`]:
/// `common::rpprof(["-top", HEAP]).dir(..).env(..).stdin(..).run()`.
pub fn rpprof<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    command(bin(), args)
}

/// Any program with `args`, run like [`rpprof`] (the golden tests record
/// `go tool pprof` through it).
pub fn command<I, S>(program: impl AsRef<OsStr>, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Run {
        program: program.as_ref().to_owned(),
        args: args.into_iter().map(|a| a.as_ref().to_owned()).collect(),
        dir: crate_dir().to_path_buf(),
        env: vec![
            ("TZ".into(), "UTC".into()),
            ("TERM".into(), "dumb".into()),
            ("HOME".into(), std::env::temp_dir().into()),
        ],
        stdin: Vec::new(),
    }
}

/// One run of a program, being configured. The environment is clean: only
/// `TZ=UTC`, `TERM=dumb`, `HOME` = the temporary directory and what
/// [`Run::env`] adds (no `PATH`, so no browser or viewer is found, and
/// nothing of the caller's `PPROF_*`, `NO_COLOR` or proxies leaks in).
pub struct Run {
    program: OsString,
    args: Vec<OsString>,
    dir: PathBuf,
    env: Vec<(OsString, OsString)>,
    stdin: Vec<u8>,
}

impl Run {
    /// One more argument.
    pub fn arg(mut self, a: impl AsRef<OsStr>) -> Run {
        self.args.push(a.as_ref().to_owned());
        self
    }

    /// More arguments.
    pub fn args<I, S>(mut self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Runs in `dir` (default: the crate directory).
    pub fn dir(mut self, dir: impl AsRef<Path>) -> Run {
        self.dir = dir.as_ref().to_path_buf();
        self
    }

    /// Sets `key=value`, replacing a default.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Run {
        let key = key.as_ref().to_owned();
        self.env.retain(|(k, _)| *k != key);
        self.env.push((key, value.as_ref().to_owned()));
        self
    }

    /// Feeds `input` on stdin (default: nothing; stdin is a closed pipe).
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Run {
        self.stdin = input.into();
        self
    }

    /// The configured command, stdio left alone (for a pty).
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args).current_dir(&self.dir).env_clear();
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs to the end; what it printed and its exit status.
    pub fn run(self) -> Output {
        let mut child = self
            .command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{} starts: {e}", self.program.display()));
        let mut input = child.stdin.take().expect("stdin");
        // A run that fails at load time may exit before reading its input.
        let _ = input.write_all(&self.stdin);
        drop(input);
        let o = child.wait_with_output().expect("the program runs");
        Output {
            stdout: o.stdout,
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            code: o.status.code().unwrap_or(-1),
        }
    }
}

/// What one run printed.
pub struct Output {
    pub stdout: Vec<u8>,
    pub stderr: String,
    /// The exit status (-1 when killed by a signal).
    pub code: i32,
}

impl Output {
    /// stdout as text.
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

/// The leak's newest heap snapshot, relative to the crate directory (where
/// [`rpprof`] runs by default).
pub const HEAP_5: &str = "tests/data/leak/heap_5.pb.gz";

/// The leak's oldest heap snapshot, relative to the crate directory.
pub const HEAP_1: &str = "tests/data/leak/heap_1.pb.gz";

/// The five leak snapshots, oldest first, relative to the crate directory
/// (what `tests/data/leak/heap_*.pb.gz` expands to).
pub fn leak_series() -> Vec<String> {
    (1..=5)
        .map(|k| format!("tests/data/leak/heap_{k}.pb.gz"))
        .collect()
}

/// `-source_path` and `-trim_path` so that `list` finds the leaking
/// server's source (`examples/memory-leak/main.go`) from any directory.
pub fn leak_source_args() -> [String; 2] {
    [
        format!(
            "-source_path={}",
            crate_dir().join("examples/memory-leak").display()
        ),
        "-trim_path=/go/src/example.com/leak".to_string(),
    ]
}

/// A fresh, empty directory under the temporary directory for test `name`.
pub fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("rpprof-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create temp dir");
    d
}

/// What each command of a piped session printed on stdout: the text
/// between one prompt and the next (`prompt` is `"(pprof) "` in the shell);
/// the first element is the output of the first command.
pub fn replies<'a>(stdout: &'a str, prompt: &str) -> Vec<&'a str> {
    stdout.split(prompt).skip(1).collect()
}

/// True when `RPPROF_BLESS` asks for the goldens to be rewritten (set to
/// anything but empty or `0`, as `tests/golden.rs` reads it).
pub fn blessing() -> bool {
    std::env::var("RPPROF_BLESS").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Compares `actual` with the golden file `tests/data/NAME`, or rewrites it
/// when [`blessing`]; a difference names the first differing line and the
/// command (`rerecord`) that rewrites the golden.
pub fn check_golden(name: &str, actual: &str, rerecord: &str) {
    check_file(&data_dir().join(name), actual, rerecord);
}

/// [`check_golden`] for a recording at `path` (under the crate directory).
pub fn check_file(path: &Path, actual: &str, rerecord: &str) {
    let shown = path.strip_prefix(crate_dir()).unwrap_or(path).display();
    if blessing() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("golden directory");
        }
        std::fs::write(path, actual).expect("write the golden");
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("reading {shown}: {e}\nrecord it with\n  {rerecord}\nand read it before committing")
    });
    if expected == actual {
        return;
    }
    let (e, a): (Vec<&str>, Vec<&str>) = (
        expected.split_inclusive('\n').collect(),
        actual.split_inclusive('\n').collect(),
    );
    let i = (0..e.len().max(a.len()))
        .find(|&i| e.get(i) != a.get(i))
        .unwrap_or(0);
    panic!(
        "{shown} differs from what rpprof prints, first at line {}:\n  \
         golden:  {:?}\n  printed: {:?}\n\
         If the new output is right, rewrite the golden with\n  {rerecord}\n\
         and read the diff before committing.",
        i + 1,
        e.get(i).copied().unwrap_or("<end of file>"),
        a.get(i).copied().unwrap_or("<end of file>"),
    );
}

/// `text` with every run of whitespace (the line breaks of wrapped prose
/// included) made one space.
pub fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True when `s` holds a CJK ideograph.
pub fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Reads one request head and returns its target (path and query).
pub fn request_target(s: &mut std::net::TcpStream) -> String {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    head.split_whitespace().nth(1).unwrap_or("").to_string()
}

/// Writes one HTTP response and closes the exchange.
pub fn respond(s: &mut std::net::TcpStream, status: &str, content_type: &str, body: &[u8]) {
    let _ = write!(
        s,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(body);
}

/// An HTTP reply as a test reads it.
#[derive(Debug)]
pub struct HttpReply {
    /// The status code.
    pub status: u16,
    /// The header lines, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpReply {
    /// The first header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// `METHOD target` to `127.0.0.1:port` with header `Host: host`, read to
/// the end of its `Content-Length` (the connection may stay open); 60 s at
/// most.
pub fn http(port: u16, method: &str, target: &str, host: &str) -> HttpReply {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        let n = s.read(&mut buf).expect("a reply");
        got.extend_from_slice(&buf[..n]);
        if let Some(at) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&got[..at]).into_owned();
            let mut lines = head.split("\r\n");
            let status = lines
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|c| c.parse().ok())
                .unwrap_or_else(|| panic!("a status line in {head:?}"));
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                .collect();
            let len = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .and_then(|(_, v)| v.parse::<usize>().ok());
            let body = &got[at + 4..];
            if n == 0 || len.is_some_and(|l| body.len() >= l) {
                let body = len.map_or(body, |l| &body[..l.min(body.len())]).to_vec();
                return HttpReply {
                    status,
                    headers,
                    body,
                };
            }
        } else if n == 0 {
            panic!(
                "connection closed before a reply: {:?}",
                String::from_utf8_lossy(&got)
            );
        }
    }
}

/// A CPU-like profile of the stacks `(frames root first, value)`.
pub fn stacks_profile(stacks: &[(&[&str], i64)]) -> Vec<u8> {
    let mut b = Builder::new(&[("samples", "count"), ("cpu", "nanoseconds")]);
    let m = b.mapping("/bin/prog");
    let mut funcs: HashMap<String, u64> = HashMap::new();
    let mut locs: HashMap<String, u64> = HashMap::new();
    for (frames, value) in stacks {
        let mut ids = Vec::new();
        for name in frames.iter().rev() {
            let f = *funcs.entry(name.to_string()).or_insert_with(|| {
                let id = b.function(name, "prog.go");
                // A system name of its own marks the name as demangled
                // already, so that it is shown as given (as pprof, rpprof
                // strips `<…>` and `(…)` from names that look like C++).
                let sys = b.str(&format!("sym{id}"));
                b.p.function[id as usize - 1].system_name = sys;
                id
            });
            let l = *locs
                .entry(name.to_string())
                .or_insert_with(|| b.location(m, &[(f, 1)]));
            ids.push(l);
        }
        b.sample(&ids, &[*value, *value * 10_000_000], vec![]);
    }
    b.encode()
}

/// A running `rpprof -http=localhost:0 -no_browser …` (the web UI),
/// killed on drop.
pub struct WebUi {
    child: std::process::Child,
    /// The port it serves on.
    pub port: u16,
}

impl WebUi {
    /// Starts the UI on `args` with `env` added, and waits for its
    /// "Serving web UI on …" line.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> WebUi {
        let mut run = rpprof(["-http=localhost:0", "-no_browser"]).args(args);
        for (k, v) in env {
            run = run.env(k, v);
        }
        let mut child = run
            .command()
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("rpprof starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                let _ = tx.send(line);
            }
        });
        // Warnings (symbolization) may come first.
        let mut seen = Vec::new();
        let port = loop {
            let line = rx
                .recv_timeout(std::time::Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("rpprof says where it serves; it said {seen:?}"));
            if let Some(p) = line.strip_prefix("Serving web UI on http://localhost:") {
                break p.parse().expect("a port number");
            }
            seen.push(line);
        };
        WebUi { child, port }
    }

    /// `http://localhost:PORT` + `target`.
    pub fn url(&self, target: &str) -> String {
        format!("http://localhost:{}{target}", self.port)
    }

    /// `GET target` with this server's Host.
    pub fn get(&self, target: &str) -> HttpReply {
        http(
            self.port,
            "GET",
            target,
            &format!("localhost:{}", self.port),
        )
    }
}

impl Drop for WebUi {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The directory holding Graphviz's `dot` on the caller's PATH (the runs
/// themselves get no PATH); Graphviz is required, as `.ci/run` installs it.
pub fn graphviz_dir() -> String {
    std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .find(|d| Path::new(d).join("dot").is_file())
        .expect("Graphviz's dot on PATH (apt-get install graphviz)")
        .to_string()
}
