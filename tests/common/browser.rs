//! Headless Chromium driven over the DevTools protocol, for tests of what
//! rpprof's pages and SVGs do in a real browser: real mouse events at page
//! coordinates, script evaluation, answers to `prompt()`, screenshots.
//!
//! Chromium is required (Debian's `chromium`; `.ci/run` installs it), or
//! the binary named by `$CHROMIUM`. Every wait has a deadline: a browser
//! that does not answer fails the test instead of hanging it.

use base64::Engine as _;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

/// How long any one step may take.
const DEADLINE: Duration = Duration::from_secs(60);

/// One headless Chromium with one page.
pub struct Browser {
    child: Child,
    profile_dir: PathBuf,
    ws: WebSocket<TcpStream>,
    next_id: u64,
    /// The text typed into the next `prompt()` dialog.
    pub prompt_answer: Option<String>,
}

/// The Chromium binary: `$CHROMIUM`, or the first of the usual names on
/// `PATH`.
fn chromium() -> PathBuf {
    if let Some(c) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(c);
    }
    let path = std::env::var("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in path.split(':') {
            let p = Path::new(dir).join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!(
        "headless Chromium is required for this test: apt-get install chromium (or set CHROMIUM)"
    );
}

impl Browser {
    /// Starts Chromium showing `url` in a `width`×`height` viewport, and
    /// connects to that page.
    pub fn open(url: &str, width: u32, height: u32) -> Browser {
        Browser::open_with(url, width, height, &[])
    }

    /// [`Browser::open`] with more Chromium flags (`--enable-unsafe-swiftshader`:
    /// WebGL drawn in software, for pages that need it without a GPU).
    pub fn open_with(url: &str, width: u32, height: u32, flags: &[&str]) -> Browser {
        static OPENED: AtomicUsize = AtomicUsize::new(0);
        let n = OPENED.fetch_add(1, Ordering::Relaxed);
        let profile_dir = super::temp_dir(&format!("chromium-{n}"));
        let mut child = Command::new(chromium())
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                &format!("--user-data-dir={}", profile_dir.display()),
                &format!("--window-size={width},{height}"),
            ])
            .args(flags)
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        // Chromium names its DevTools port on stderr; the rest of stderr
        // is drained so that it never blocks on a full pipe.
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.find("ws://") {
                    let _ = tx.send(line[at..].to_string());
                }
            }
        });
        let endpoint = rx
            .recv_timeout(DEADLINE)
            .expect("chromium prints its DevTools address");
        let port: u16 = endpoint["ws://127.0.0.1:".len()..]
            .split('/')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("a port in {endpoint}"));
        let page = page_socket(port);
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to DevTools");
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        let (ws, _) = tungstenite::client(page.as_str(), stream).expect("DevTools handshake");
        let mut b = Browser {
            child,
            profile_dir,
            ws,
            next_id: 0,
            prompt_answer: None,
        };
        b.call("Page.enable", json!({}));
        b.call("Runtime.enable", json!({}));
        // The window's size includes what headless Chromium keeps for its
        // frame: fix the page's viewport instead.
        b.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
        );
        // The page may still be the blank one it starts as.
        b.wait_loaded(url);
        b
    }

    /// Sends one DevTools command and returns its result; answers dialogs
    /// that open meanwhile.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.try_call(method, params)
            .unwrap_or_else(|e| panic!("{method}: {e}"))
    }

    /// [`Browser::call`], a DevTools error returned (a page navigating
    /// away answers some commands with one).
    fn try_call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        self.send(id, method, params);
        let start = Instant::now();
        loop {
            assert!(
                start.elapsed() < DEADLINE,
                "{method}: no answer from chromium"
            );
            let msg = match self.ws.read().expect("a DevTools message") {
                Message::Text(t) => serde_json::from_str::<Value>(&t).expect("JSON"),
                _ => continue,
            };
            if msg["method"] == "Page.javascriptDialogOpening" {
                let answer = self.prompt_answer.take();
                self.next_id += 1;
                let params = json!({
                    "accept": answer.is_some(),
                    "promptText": answer.unwrap_or_default(),
                });
                self.send(self.next_id, "Page.handleJavaScriptDialog", params);
                continue;
            }
            if msg["id"] == id {
                if let Some(e) = msg.get("error") {
                    return Err(e.to_string());
                }
                return Ok(msg["result"].clone());
            }
        }
    }

    fn send(&mut self, id: u64, method: &str, params: Value) {
        let text = json!({ "id": id, "method": method, "params": params }).to_string();
        self.ws
            .send(Message::Text(text.into()))
            .expect("send to DevTools");
    }

    /// The value of the JavaScript expression `expr` in the page.
    pub fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": expr, "returnByValue": true }),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("{expr}: {e}");
        }
        r["result"]["value"].clone()
    }

    /// Waits until `expr` is true in the page (through navigations: an
    /// evaluation that fails while the page changes is tried again).
    pub fn wait_for(&mut self, expr: &str) {
        let start = Instant::now();
        loop {
            let r = self.try_call(
                "Runtime.evaluate",
                json!({ "expression": expr, "returnByValue": true }),
            );
            if let Ok(r) = r
                && r.get("exceptionDetails").is_none()
                && r["result"]["value"] == Value::Bool(true)
            {
                return;
            }
            assert!(start.elapsed() < DEADLINE, "never true in the page: {expr}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Loads `url` and waits until it has loaded.
    pub fn navigate(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
        self.wait_loaded(url);
    }

    /// Waits until the page at `url` has loaded.
    pub fn wait_loaded(&mut self, url: &str) {
        self.wait_for(&format!(
            "location.href === {} && document.readyState === 'complete'",
            serde_json::to_string(url).unwrap()
        ));
    }

    /// Types `text` into the focused element.
    pub fn type_text(&mut self, text: &str) {
        self.call("Input.insertText", json!({ "text": text }));
    }

    /// Presses and releases Enter.
    pub fn press_enter(&mut self) {
        for kind in ["keyDown", "keyUp"] {
            let mut p = json!({ "type": kind, "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13 });
            if kind == "keyDown" {
                p["text"] = json!("\r");
            }
            self.call("Input.dispatchKeyEvent", p);
        }
    }

    /// The centre of the first element matching CSS `selector`, in page
    /// coordinates.
    pub fn centre(&mut self, selector: &str) -> (f64, f64) {
        let sel = serde_json::to_string(selector).unwrap();
        let v = self.eval(&format!(
            "(function(){{var r=document.querySelector({sel}).getBoundingClientRect();\
             return [r.x+r.width/2,r.y+r.height/2];}})()"
        ));
        (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
    }

    fn mouse(&mut self, kind: &str, (x, y): (f64, f64), extra: Value) {
        let mut p = json!({ "type": kind, "x": x, "y": y });
        if let (Some(p), Some(e)) = (p.as_object_mut(), extra.as_object()) {
            p.extend(e.clone());
        }
        self.call("Input.dispatchMouseEvent", p);
    }

    /// A left click (press and release) at `at`; `count` 2 is a double click.
    pub fn click(&mut self, at: (f64, f64), count: u32) {
        for n in 1..=count {
            let b = json!({ "button": "left", "buttons": 1, "clickCount": n });
            self.mouse("mousePressed", at, b.clone());
            self.mouse("mouseReleased", at, b);
        }
    }

    /// Turns the mouse wheel by `dy` pixels with the pointer at `at`.
    pub fn wheel(&mut self, at: (f64, f64), dy: f64) {
        self.mouse("mouseMoved", at, json!({}));
        self.mouse("mouseWheel", at, json!({ "deltaX": 0, "deltaY": dy }));
    }

    /// Drags with the left button from `from` to `to`.
    pub fn drag(&mut self, from: (f64, f64), to: (f64, f64)) {
        let b = json!({ "button": "left", "buttons": 1, "clickCount": 1 });
        self.mouse("mouseMoved", from, json!({}));
        self.mouse("mousePressed", from, b.clone());
        for k in 1..=4 {
            let t = f64::from(k) / 4.0;
            let at = (from.0 + (to.0 - from.0) * t, from.1 + (to.1 - from.1) * t);
            self.mouse("mouseMoved", at, json!({ "buttons": 1 }));
        }
        self.mouse("mouseReleased", to, b);
    }

    /// A PNG of the window.
    pub fn screenshot(&mut self) -> Vec<u8> {
        let r = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        base64::engine::general_purpose::STANDARD
            .decode(r["data"].as_str().expect("screenshot data"))
            .expect("base64 PNG")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile_dir);
    }
}

/// The DevTools WebSocket address of the first page target on `port`
/// (from `/json/list`, asked until the page exists).
fn page_socket(port: u16) -> String {
    let start = Instant::now();
    loop {
        let reply = super::http(port, "GET", "/json/list", &format!("127.0.0.1:{port}"));
        if let Ok(Value::Array(targets)) = serde_json::from_slice::<Value>(&reply.body)
            && let Some(page) = targets.iter().find(|t| t["type"] == "page")
        {
            return page["webSocketDebuggerUrl"]
                .as_str()
                .expect("a page socket")
                .to_string();
        }
        assert!(
            start.elapsed() < DEADLINE,
            "chromium opened no page: {}",
            reply.text()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Width and height of a PNG, from its header.
pub fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}
