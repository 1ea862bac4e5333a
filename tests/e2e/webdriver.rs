//! A minimal W3C WebDriver client on std and serde_json: enough to drive
//! the real app through tauri-driver. Every wait polls a condition with a
//! deadline; nothing sleeps for a fixed time to "let things settle".

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long any one condition may take before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// One HTTP exchange. No `Connection: close`: with it, some responses came
/// back empty (PLATFORM.md).
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .map_err(|e| e.to_string())?;
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{payload}",
        payload.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let mut status = String::new();
    reader.read_line(&mut status).map_err(|e| e.to_string())?;
    if status.is_empty() {
        return Err("empty response".into());
    }
    let mut length = None;
    let mut chunked = false;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|e| e.to_string())?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse::<usize>().ok();
        }
        if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).map_err(|e| e.to_string())?;
            let n = usize::from_str_radix(size.trim(), 16).map_err(|e| e.to_string())?;
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk).map_err(|e| e.to_string())?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        reader.read_exact(&mut body).map_err(|e| e.to_string())?;
    } else {
        reader.read_to_end(&mut body).map_err(|e| e.to_string())?;
    }
    serde_json::from_slice(&body).map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&body)))
}

/// A WebDriver session.
pub struct Session {
    port: u16,
    id: String,
}

/// An element reference.
#[derive(Clone)]
pub struct Element(String);

impl Session {
    /// Starts the app through tauri-driver on `port`. The first request can
    /// come back empty while the driver starts: it is retried.
    pub fn start(port: u16, application: &str) -> Session {
        let caps = json!({"capabilities": {"alwaysMatch": {
            "tauri:options": {"application": application},
        }}});
        let deadline = Instant::now() + PATIENCE;
        loop {
            match http(port, "POST", "/session", Some(&caps)) {
                Ok(v) if v["value"]["sessionId"].is_string() => {
                    return Session {
                        port,
                        id: v["value"]["sessionId"].as_str().unwrap().to_string(),
                    };
                }
                other if Instant::now() > deadline => panic!("no session: {other:?}"),
                _ => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    fn send(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let path = format!("/session/{}{path}", self.id);
        let v = http(self.port, method, &path, body.as_ref())?;
        if v["value"]["error"].is_string() {
            return Err(format!(
                "{}: {}",
                v["value"]["error"].as_str().unwrap_or("error"),
                v["value"]["message"].as_str().unwrap_or("")
            ));
        }
        Ok(v["value"].clone())
    }

    /// Waits until `probe` gives a value, polling; panics with `what` after [`PATIENCE`].
    pub fn wait_for<T>(&self, what: &str, probe: impl FnMut() -> Option<T>) -> T {
        self.wait_longer(what, PATIENCE, probe)
    }

    /// [`Session::wait_for`] with a patience of its own (work the test
    /// makes long on purpose).
    pub fn wait_longer<T>(
        &self,
        what: &str,
        patience: Duration,
        mut probe: impl FnMut() -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + patience;
        loop {
            if let Some(v) = probe() {
                return v;
            }
            if Instant::now() > deadline {
                let _ = self.screenshot(&format!("failed-{}", what.replace(' ', "-")));
                // What the page said, to tell a wrong screen from a slow one.
                let said = self
                    .send(
                        "POST",
                        "/execute/sync",
                        Some(json!({"script": "return document.querySelector('main')?.innerText || '';", "args": []})),
                    )
                    .unwrap_or_default();
                panic!("timed out waiting for {what}; the page says: {said}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn find_now(&self, css: &str) -> Option<Element> {
        let v = self
            .send(
                "POST",
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .ok()?;
        v[ELEMENT].as_str().map(|id| Element(id.to_string()))
    }

    /// The element matching `css`, once it exists and is displayed.
    pub fn find(&self, css: &str) -> Element {
        self.wait_for(&format!("element {css}"), || {
            let el = self.find_now(css)?;
            let shown = self
                .send("GET", &format!("/element/{}/displayed", el.0), None)
                .ok()?;
            (shown == Value::Bool(true)).then_some(el)
        })
    }

    /// Runs a script in the page and returns its result.
    pub fn script(&self, body: &str, args: Value) -> Value {
        self.send(
            "POST",
            "/execute/sync",
            Some(json!({"script": body, "args": args})),
        )
        .unwrap_or(Value::Null)
    }

    /// Runs `body` as an asynchronous script: it ends by calling the last
    /// of `arguments` with its result (for timings taken inside the page).
    pub fn script_async(&self, body: &str, args: Value) -> Value {
        self.send(
            "POST",
            "/execute/async",
            Some(json!({"script": body, "args": args})),
        )
        .unwrap_or_else(|e| json!({ "error": e }))
    }

    /// Waits until `script` returns true.
    pub fn wait_until(&self, what: &str, script: &str) {
        self.wait_for(what, || {
            (self.script(script, json!([])) == Value::Bool(true)).then_some(())
        });
    }

    pub fn click(&self, css: &str) {
        let el = self.find(css);
        self.centre(&el);
        self.wait_for(&format!("a click on {css}"), || {
            self.send("POST", &format!("/element/{}/click", el.0), Some(json!({})))
                .ok()
        });
    }

    /// Clicks the button whose text is exactly `text`. A button replaced
    /// between finding and clicking (the screen re-rendered) is found again.
    pub fn click_button(&self, text: &str) {
        let clicked = self.wait_for(&format!("a click on button {text}"), || {
            let v = self.script(
                // A section behind "Menu" on a narrow window: open it first.
                "const b = [...document.querySelectorAll('button, summary')].find(b => b.textContent.trim() === arguments[0]) || null; if (b && b.closest('#nav') && !b.getClientRects().length) document.getElementById('menu-toggle').click(); return b;",
                json!([text]),
            );
            let el = Element(v[ELEMENT].as_str()?.to_string());
            self.centre(&el);
            match self.send("POST", &format!("/element/{}/click", el.0), Some(json!({}))) {
                Err(e) if e.starts_with("stale element") => None,
                other => Some(other),
            }
        });
        if let Err(e) = clicked {
            panic!("click {text}: {e}");
        }
    }

    /// Scrolls `el` to the middle of the window: WebKitWebDriver does not
    /// always scroll before it clears or types, and the fixed Quick exit
    /// button covers the top right corner, where a control scrolled just
    /// into view would be.
    fn centre(&self, el: &Element) {
        self.script(
            "arguments[0].scrollIntoView({block: 'center'});",
            json!([{ (ELEMENT): el.0 }]),
        );
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.centre(&el);
        self.send("POST", &format!("/element/{}/clear", el.0), Some(json!({})))
            .unwrap_or_else(|e| panic!("clear {css}: {e}"));
        self.send(
            "POST",
            &format!("/element/{}/value", el.0),
            Some(json!({"text": text})),
        )
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    pub fn text(&self, css: &str) -> String {
        let el = self.find(css);
        self.send("GET", &format!("/element/{}/text", el.0), None)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// The whole document as HTML, with form values, as the webview holds it.
    pub fn page(&self) -> String {
        self.script(
            "return document.documentElement.outerHTML + [...document.querySelectorAll('input, textarea')].map(e => e.value).join('\\n');",
            json!([]),
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// Resizes the window and waits until the page has been laid out at
    /// the new width (the resize is asynchronous in WebKitGTK: a click
    /// straight after it can land where an element used to be).
    pub fn set_window(&self, width: u32, height: u32) {
        let _ = self.send(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
        self.wait_for(&format!("the page at {width} px"), || {
            let inner = self.script("return window.innerWidth;", json!([]));
            (inner.as_u64() == Some(u64::from(width))).then_some(())
        });
    }

    /// Saves a PNG screenshot to `target/e2e-screens/NAME.png` and returns its path.
    pub fn screenshot(&self, name: &str) -> Option<std::path::PathBuf> {
        // From the top of the screen, as someone opening it sees it.
        self.script("window.scrollTo(0, 0);", json!([]));
        let v = self.send("GET", "/screenshot", None).ok()?;
        let png = data_encoding::BASE64.decode(v.as_str()?.as_bytes()).ok()?;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-screens");
        std::fs::create_dir_all(&dir).ok()?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).ok()?;
        Some(path)
    }

    /// Minimises the window (the app hidden, as when switching to another).
    pub fn minimise(&self) {
        self.send("POST", "/window/minimize", Some(json!({})))
            .unwrap_or_else(|e| panic!("minimise: {e}"));
    }

    /// Presses and releases Shift `times` times, as a person would.
    pub fn press_shift(&self, times: usize) {
        let shift = "\u{E008}";
        let mut steps = Vec::new();
        for _ in 0..times {
            steps.push(json!({"type": "keyDown", "value": shift}));
            steps.push(json!({"type": "keyUp", "value": shift}));
        }
        let body = json!({"actions": [{"type": "key", "id": "keyboard", "actions": steps}]});
        self.send("POST", "/actions", Some(body))
            .unwrap_or_else(|e| panic!("press Shift: {e}"));
    }

    /// Presses the mouse on `css` and holds it for `ms` milliseconds.
    pub fn hold(&self, css: &str, ms: u64) {
        let el = self.find(css);
        let origin = json!({ELEMENT: el.0});
        let body = json!({"actions": [{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": [
                {"type": "pointerMove", "origin": origin, "x": 0, "y": 0},
                {"type": "pointerDown", "button": 0},
                {"type": "pause", "duration": ms},
                {"type": "pointerUp", "button": 0},
            ],
        }]});
        self.send("POST", "/actions", Some(body))
            .unwrap_or_else(|e| panic!("hold {css}: {e}"));
        let _ = self.send("DELETE", "/actions", None);
    }

    pub fn end(self) {
        let _ = http(self.port, "DELETE", &format!("/session/{}", self.id), None);
    }
}
