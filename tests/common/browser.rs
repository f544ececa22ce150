//! A real browser for the editor's tests: Debian's headless Chromium driven through
//! chromedriver (WebDriver, the `fantoccini` client), and `certreport edit` as a child process.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// A running `certreport edit`, stopped when dropped.
pub struct EditServer {
    child: Child,
    /// `http://127.0.0.1:PORT/edit/TOKEN/`
    pub address: String,
}

impl EditServer {
    /// Starts `certreport edit TARGET --no-browser` in `dir` and reads the address it prints.
    pub fn start(dir: &Path, target: &str) -> EditServer {
        let mut child = Command::new(env!("CARGO_BIN_EXE_certreport"))
            .args(["edit", target, "--no-browser"])
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start certreport edit");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let address = line
            .split_whitespace()
            .find_map(|word| word.split("：").find(|w| w.starts_with("http://")))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_owned();
        EditServer { child, address }
    }

    /// An API address: `api/pdf?path=r.yaml`.
    pub fn url(&self, tail: &str) -> String {
        format!("{}{tail}", self.address)
    }
}

impl Drop for EditServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser at a time: each test's Chromium and its editor run alone, so that a 2-core
/// machine typesets each preview when the test expects it, not after three other browsers.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// chromedriver and a headless Chromium session with a fresh profile.
pub struct Browser {
    driver: Child,
    port: u16,
    pub client: Client,
    _profile: tempfile::TempDir,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Browser {
    pub async fn start() -> Browser {
        let turn = ONE_AT_A_TIME.lock().await;
        let port = free_port();
        // In a process group of its own, with the Chromium it starts: a test that fails
        // stops them all (`Drop`).
        let driver = Command::new("chromedriver")
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "chromedriver is needed for the editor's tests (apt-get install chromium chromium-driver)",
            );
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            "--disable-dev-shm-usage".into(),
            "--lang=zh-CN".into(),
            "--window-size=1600,1000".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), json!({ "binary": "/usr/bin/chromium", "args": args }));
        caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a Chromium session");
        Browser { driver, port, client, _profile: profile, _turn: turn }
    }

    /// Opens a page and waits until the editor says it is ready.
    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.unwrap();
        self.wait_for("document.body.dataset.ready === 'true'").await;
    }

    /// Waits (at most 30 s) until a script expression is true.
    pub async fn wait_for(&self, condition: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let value = self.client.execute(&format!("return !!({condition});"), vec![]).await.unwrap();
            if value == Value::Bool(true) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {condition}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the server has answered the page's last change: its problems, coming in,
    /// move the fields below them, and a click WebDriver aims at a field that moves between its
    /// scroll and its click lands beside it (a person waits for the page to stand still too).
    pub async fn still(&self) {
        self.wait_for("document.body.dataset.pending === undefined").await;
    }

    /// The page's update counter: each answer of the server to a change raises it.
    pub async fn updates(&self) -> u64 {
        let value =
            self.client.execute("return Number(document.body.dataset.updated || 0);", vec![]).await.unwrap();
        value.as_u64().unwrap_or(0)
    }

    /// Waits for the server's answer to the changes made since `before` updates.
    pub async fn settle(&self, before: u64) {
        self.wait_for(&format!("Number(document.body.dataset.updated || 0) > {before}")).await;
        // Typing may have queued one more update after the first answer.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = self.updates().await;
        self.wait_for(&format!("Number(document.body.dataset.updated || 0) >= {now}")).await;
    }

    /// The control whose label reads `label`, inside the element `scope` (XPath), by its
    /// label's `for` — the control's accessible name.
    pub async fn control(&self, scope: &str, label: &str) -> Element {
        let xpath = format!("{scope}//label[normalize-space()='{label}']");
        let found = self.find_soon(&xpath, &format!("no label {label:?} in {scope}")).await;
        let id = found.attr("for").await.unwrap().expect("a label for a control");
        self.client.find(Locator::Id(&id)).await.unwrap()
    }

    /// Ticks the check box labelled `label` (inside `scope`), as a click does, and makes sure it
    /// took: the form may move under the pointer between WebDriver's scroll and its click (the
    /// problems of the last change come in and push the fields down), and a click then lands
    /// beside the box.
    pub async fn tick(&self, scope: &str, label: &str) {
        for _ in 0..5 {
            let control = self.control(scope, label).await;
            if control.is_selected().await.unwrap() {
                return;
            }
            control.click().await.unwrap();
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(self.control(scope, label).await.is_selected().await.unwrap(), "{label} is not ticked");
    }

    /// The control named by `aria-label`.
    pub async fn named(&self, name: &str) -> Element {
        let xpath = format!("//*[@aria-label='{name}']");
        self.find_soon(&xpath, &format!("no control named {name:?}")).await
    }

    /// The element at `xpath`, waited for (at most 10 s: on a loaded machine the page may
    /// still be drawing what the last action asked for).
    async fn find_soon(&self, xpath: &str, missing: &str) -> Element {
        self.still().await;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.client.find(Locator::XPath(xpath)).await {
                Ok(found) => return found,
                Err(e) if Instant::now() >= deadline => panic!("{missing}: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Types `text` into the labelled control (after clearing it).
    pub async fn fill(&self, scope: &str, label: &str, text: &str) {
        let control = self.control(scope, label).await;
        control.clear().await.unwrap();
        control.send_keys(text).await.unwrap();
    }

    /// Chooses the option shown as `option` in the labelled drop-down.
    pub async fn choose(&self, scope: &str, label: &str, option: &str) {
        self.control(scope, label).await.select_by_label(option).await.unwrap();
    }

    /// Sets a date picker's value (typing into one depends on the locale's format) and tells
    /// the page, as picking a day does.
    pub async fn pick_date(&self, scope: &str, label: &str, date: &str) {
        let control = self.control(scope, label).await;
        let element = serde_json::to_value(&control).unwrap();
        self.client
            .execute(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
                vec![element, json!(date)],
            )
            .await
            .unwrap();
    }

    /// Clicks the button that reads `text` (inside `scope`).
    pub async fn click(&self, scope: &str, text: &str) {
        self.still().await;
        let xpath = format!("{scope}//button[normalize-space()='{text}' or @aria-label='{text}']");
        let buttons = self.client.find_all(Locator::XPath(&xpath)).await.unwrap();
        let button = buttons.last().unwrap_or_else(|| panic!("no button {text:?} in {scope}"));
        button.click().await.unwrap();
    }

    /// The browser's console messages of level SEVERE (JavaScript errors, refused loads).
    pub fn console_errors(&self, session: &str) -> Vec<String> {
        let answer: Value = ureq::post(&format!("http://127.0.0.1:{}/session/{session}/se/log", self.port))
            .send_json(json!({ "type": "browser" }))
            .expect("the browser's log")
            .body_mut()
            .read_json()
            .unwrap();
        answer["value"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Every address the page loaded a resource from.
    pub async fn resources(&self) -> Vec<String> {
        let value = self
            .client
            .execute(
                "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href]);",
                vec![],
            )
            .await
            .unwrap();
        value.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
    }

    pub async fn screenshot(&self, file: &Path) {
        std::fs::write(file, self.client.screenshot().await.unwrap()).unwrap();
    }

    /// Ends the session as a user closes the browser; `Drop` then stops chromedriver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    /// Stops chromedriver and every Chromium process it started (its process group), even
    /// when the test failed before [`Browser::close`].
    fn drop(&mut self) {
        if let Ok(group) = i32::try_from(self.driver.id()) {
            // SAFETY: kill(2) with a negative pid signals that process group; no memory is touched.
            unsafe { libc::kill(-group, libc::SIGKILL) };
        }
        let _ = self.driver.wait();
    }
}
