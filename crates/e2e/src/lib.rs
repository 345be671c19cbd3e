//! End-to-end harness: a real `fastexec-server` process serving the release build, and a real
//! headless Chromium driven through Debian's chromedriver.
//!
//! Both children run in their own process group and are killed as a group on drop, so a failing
//! assertion never leaves Chromium or a script behind.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

/// The workspace root.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/e2e sits two levels below the root")
        .to_path_buf()
}

/// A temporary folder under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A child process in its own process group, killed with its whole group on drop.
struct GroupChild(Child);

impl GroupChild {
    fn spawn(cmd: &mut Command) -> std::io::Result<Self> {
        cmd.process_group(0).spawn().map(GroupChild)
    }

    fn kill_group(&mut self) {
        let pgid = self.0.id() as i32;
        // SIGKILL to the negative pid reaches every process of the group (Chromium's helpers too).
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pgid}")])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.wait();
    }
}

impl Drop for GroupChild {
    fn drop(&mut self) {
        self.kill_group();
    }
}

/// A running `fastexec-server` on a free loopback port with its own data dir.
pub struct Server {
    pub url: String,
    child: GroupChild,
    _data: TempDir,
    pub log: mpsc::Receiver<String>,
}

/// Copies the folder `from` into `to` (hidden entries such as Trunk's `.stage` left out).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    let Ok(entries) = std::fs::read_dir(from) else {
        return;
    };
    for entry in entries.map_while(Result::ok) {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(&name));
        } else {
            std::fs::copy(&path, to.join(&name)).expect("copy file");
        }
    }
}

/// Puts the build's `file` (and its precompressed copies) back into the copy `dist` (e.g. the
/// network returned).
pub fn put_back(dist: &TempDir, file: &str) {
    let built = project_root().join("dist");
    for f in [file.to_owned(), format!("{file}.br"), format!("{file}.gz")] {
        if built.join(&f).exists() {
            std::fs::copy(built.join(&f), dist.0.join(&f)).expect("copy file back");
        }
    }
}

impl Server {
    /// The shipped demo on a copy of the build without `file` (nor its precompressed copies,
    /// which the server would send in its place); also the folder of that copy, for
    /// [`put_back`].
    pub fn start_without(file: &str) -> (Self, TempDir) {
        let dist = TempDir::new("fastexec-e2e-dist");
        copy_dir(&project_root().join("dist"), &dist.0);
        for f in [file.to_owned(), format!("{file}.br"), format!("{file}.gz")] {
            let _ = std::fs::remove_file(dist.0.join(f));
        }
        let server = Self::start_with(
            Path::new("fastexec.toml"),
            &dist.0,
            TempDir::new("fastexec-e2e-data"),
        );
        (server, dist)
    }

    /// Starts the server binary with `config` (relative to the root or absolute).
    pub fn start(config: &Path) -> Self {
        Self::start_in(config, TempDir::new("fastexec-e2e-data"))
    }

    /// Starts the shipped demo configuration with more origins in the CSP's `connect-src`
    /// (`[security] connect_origins`): for an app whose API base URL is another origin.
    pub fn start_demo_connecting_to(origins: &[&str]) -> Self {
        let demo = std::fs::read_to_string(project_root().join("fastexec.toml"))
            .expect("read fastexec.toml");
        let list: Vec<String> = origins.iter().map(|o| format!("{o:?}")).collect();
        let cfg = demo.replacen(
            "[security]\n",
            &format!("[security]\nconnect_origins = [{}]\n", list.join(", ")),
            1,
        );
        assert_ne!(cfg, demo, "fastexec.toml has no [security] table");
        let dir = TempDir::new("fastexec-e2e-config");
        let path = dir.0.join("fastexec.toml");
        std::fs::write(&path, cfg).expect("write the config");
        // The server reads its config at start; the file may go once it listens.
        Self::start(&path)
    }

    /// Starts the shipped demo configuration with `extra` TOML appended (more rules, hosts...).
    pub fn start_demo_plus(extra: &str) -> Self {
        let demo = std::fs::read_to_string(project_root().join("fastexec.toml"))
            .expect("read fastexec.toml");
        let dir = TempDir::new("fastexec-e2e-config");
        let path = dir.0.join("fastexec.toml");
        std::fs::write(
            &path,
            format!(
                "{demo}
{extra}"
            ),
        )
        .expect("write the config");
        Self::start(&path)
    }

    /// Starts the server on an existing data dir (a restart keeps its jobs).
    pub fn start_in(config: &Path, data: TempDir) -> Self {
        Self::start_with(config, &project_root().join("dist"), data)
    }

    /// Starts the server serving `dist` (the benchmark serves a copy with its baseline page).
    /// The binary is `FASTEXEC_SERVER_BIN`, else the debug build in the workspace's target dir.
    pub fn start_with(config: &Path, dist: &Path, data: TempDir) -> Self {
        let root = project_root();
        let bin = std::env::var_os("FASTEXEC_SERVER_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target/debug/fastexec-server"));
        assert!(
            bin.exists(),
            "{} is missing: build it first (cargo xtask test does)",
            bin.display()
        );
        assert!(
            dist.join("index.html").exists(),
            "{}/index.html is missing: run `trunk build --release` first (cargo xtask test does)",
            dist.display()
        );
        let mut child = GroupChild::spawn(
            Command::new(&bin)
                .arg("--config")
                .arg(root.join(config))
                .args(["--listen", "127.0.0.1:0"])
                .arg("--dist")
                .arg(dist)
                .arg("--data-dir")
                .arg(&data.0)
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit()),
        )
        .expect("start fastexec-server");
        let stdout = child.0.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        let url = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(url) = line.strip_prefix("fastexec-server listening on ") {
                        break url.trim().to_string();
                    }
                }
                Err(_) => panic!("fastexec-server did not print its URL within 30 s"),
            }
        };
        Server {
            url,
            child,
            _data: data,
            log: rx,
        }
    }

    /// Stops the server (the whole process group) and hands back its data dir.
    pub fn stop(mut self) -> TempDir {
        self.child.kill_group();
        // Move the data dir out; Drop of the rest is harmless after the kill.
        std::mem::replace(&mut self._data, TempDir(PathBuf::new()))
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Headless Chromium through chromedriver. Keep it alive for the test; drop kills both.
pub struct Browser {
    pub driver: WebDriver,
    _chromedriver: GroupChild,
}

impl Browser {
    pub async fn start() -> Self {
        let port = free_port();
        let chromedriver =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let child = GroupChild::spawn(
            Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
        .expect("start chromedriver (apt package chromium-driver)");
        let url = format!("http://127.0.0.1:{port}");
        // Wait until chromedriver accepts connections.
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary("/usr/bin/chromium").unwrap();
        // Without the background-networking flags Chromium keeps trying to reach Google's hosts,
        // which this machine's closed network refuses.
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
            "--window-size=1280,900",
            "--lang=en-US",
        ] {
            caps.add_arg(arg).unwrap();
        }
        // chromedriver may accept the connection before it serves requests (seen once as an
        // HTTP error on /session under load): a few tries, then fail.
        let mut tries = 0;
        let driver = loop {
            match WebDriver::new(&url, caps.clone()).await {
                Ok(d) => break d,
                Err(e) if tries < 3 => {
                    tries += 1;
                    eprintln!("new Chromium session failed ({e}), retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => panic!("new Chromium session: {e:?}"),
            }
        };
        Browser {
            driver,
            _chromedriver: child,
        }
    }
}

/// The demo app and users of the shipped `fastexec.toml`.
pub mod demo {
    pub const APP_CODE: &str = "fastexec-demo";
    pub const APP_SECRET: &str = "fastexec-demo-secret";
    /// May do everything in the demo business.
    pub const ADMIN: &str = "admin";
    /// May only access the demo business (shows the permission path).
    pub const GUEST: &str = "guest";
    pub const BIZ_ID: &str = "2";
}

/// Calls the server's BK-JOB API directly (to check what the browser did), as `user`.
pub async fn api_call(
    server: &Server,
    method: &str,
    api: &str,
    user: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    let auth = serde_json::json!({
        "bk_app_code": demo::APP_CODE,
        "bk_app_secret": demo::APP_SECRET,
        "bk_username": user,
    });
    let url = format!("{}api/v3/{api}", server.url);
    let client = reqwest::Client::new();
    let req = match method {
        "GET" => {
            let query: Vec<(String, String)> = body
                .as_object()
                .expect("GET takes an object of query parameters")
                .iter()
                .map(|(k, v)| {
                    let v = v
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string());
                    (k.clone(), v)
                })
                .collect();
            client.get(url).query(&query)
        }
        _ => client.post(url).json(&body),
    };
    let resp = req
        .header("X-Bkapi-Authorization", auth.to_string())
        .send()
        .await
        .expect("API reachable");
    let text = resp.text().await.expect("API body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("API answered non-JSON ({e}): {text}"))
}

/// Polls `get_job_instance_status` until the job is finished (or panics after `timeout`).
pub async fn wait_job_finished(
    server: &Server,
    job_instance_id: i64,
    timeout: Duration,
) -> serde_json::Value {
    let deadline = Instant::now() + timeout;
    loop {
        let status = api_call(
            server,
            "GET",
            "get_job_instance_status",
            demo::ADMIN,
            serde_json::json!({
                "bk_scope_type": "biz",
                "bk_scope_id": demo::BIZ_ID,
                "job_instance_id": job_instance_id,
                "return_ip_result": true,
            }),
        )
        .await;
        if status["data"]["finished"] == serde_json::json!(true) {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "job {job_instance_id} not finished in time: {status}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Page helpers the browser suites share.
pub mod page {
    use std::time::Duration;
    use thirtyfour::prelude::*;

    /// The first element matching `css`, waiting up to 30 s for it.
    pub async fn wait_css(d: &WebDriver, css: &str) -> WebElement {
        d.query(By::Css(css))
            .wait(Duration::from_secs(30), Duration::from_millis(100))
            .first()
            .await
            .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
    }

    /// Clicks `css` (waiting for it) once scrolled to the middle of the window, as a person
    /// scrolls to it: chromedriver's own scrolling stops at the bottom edge, under the sticky
    /// launch bar.
    pub async fn click(d: &WebDriver, css: &str) {
        let el = wait_css(d, css).await;
        d.execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![el.to_json().unwrap()],
        )
        .await
        .unwrap();
        el.click().await.unwrap();
    }

    /// Runs `script` in the page; its return value.
    pub async fn js(d: &WebDriver, script: &str) -> serde_json::Value {
        d.execute(script, vec![]).await.unwrap().json().clone()
    }

    /// Selects a UI language in the header (`zh-CN` or `en`).
    pub async fn set_ui_lang(d: &WebDriver, value: &str) {
        d.execute(
            r#"const s = document.getElementById('ui-lang');
               s.value = arguments[0];
               s.dispatchEvent(new Event('change', {bubbles: true}));"#,
            vec![value.into()],
        )
        .await
        .unwrap();
    }
}

/// Form helpers that follow the app's automation contract (`name` = API field).
pub mod form {
    use std::time::Duration;
    use thirtyfour::prelude::*;

    /// Sets a control's value and fires the events a person's typing would fire. Works on
    /// controls inside collapsed panels too (the settings panel may be closed).
    pub async fn fill(d: &WebDriver, name: &str, value: &str) {
        d.execute(
            r#"const el = document.querySelector(`[name="${arguments[0]}"]`);
               if (!el) throw new Error('no control named ' + arguments[0]);
               el.value = arguments[1];
               el.dispatchEvent(new Event('input', {bubbles: true}));
               el.dispatchEvent(new Event('change', {bubbles: true}));
               el.dispatchEvent(new Event('blur', {bubbles: true}));"#,
            vec![name.into(), value.into()],
        )
        .await
        .unwrap_or_else(|e| panic!("fill {name}: {e}"));
    }

    /// Checks a radio button or checkbox by name and value (clicking it like a person).
    pub async fn choose(d: &WebDriver, name: &str, value: &str) {
        d.execute(
            r#"const el = document.querySelector(`[name="${arguments[0]}"][value="${arguments[1]}"]`);
               if (!el) throw new Error('no choice ' + arguments[0] + '=' + arguments[1]);
               if (!el.checked) el.click();"#,
            vec![name.into(), value.into()],
        )
        .await
        .unwrap_or_else(|e| panic!("choose {name}={value}: {e}"));
    }

    /// A valid shell request for the demo business: `script` as root on `host_ids` (one per
    /// line). Connection settings are the caller's.
    pub async fn fill_valid_request(d: &WebDriver, script: &str, host_ids: &str) {
        fill(d, "bk_scope_type", "biz").await;
        fill(d, "bk_scope_id", super::demo::BIZ_ID).await;
        choose(d, "script_source", "content").await;
        choose(d, "script_language", "1").await;
        fill(d, "script_content", script).await;
        fill(d, "account_alias", "root").await;
        fill(d, "host_id_list", host_ids).await;
    }

    /// Waits for the app to mount its launch form.
    pub async fn wait_form(d: &WebDriver) {
        d.query(By::Id("launch-form"))
            .wait(Duration::from_secs(30), Duration::from_millis(100))
            .first()
            .await
            .expect("the launch form mounts");
    }

    /// Fills the connection settings for the local server's demo app as `user`.
    pub async fn connect_as(d: &WebDriver, user: &str) {
        fill(d, "api_base_url", "").await;
        fill(d, "auth_mode", "gateway").await;
        fill(d, "bk_app_code", super::demo::APP_CODE).await;
        fill(d, "bk_app_secret", super::demo::APP_SECRET).await;
        fill(d, "bk_username", user).await;
    }

    /// Text of the first element matching a CSS selector, waiting for it to appear.
    pub async fn text_of(d: &WebDriver, css: &str) -> String {
        d.query(By::Css(css))
            .wait(Duration::from_secs(30), Duration::from_millis(100))
            .first()
            .await
            .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
            .text()
            .await
            .unwrap()
    }

    /// Clicks Launch.
    pub async fn launch(d: &WebDriver) {
        d.find(By::Id("launch"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// The `data-kind` of the launch's outcome, once one is shown.
    pub async fn outcome_kind(d: &WebDriver) -> String {
        d.query(By::Css("#outcome[data-kind]"))
            .wait(Duration::from_secs(30), Duration::from_millis(100))
            .first()
            .await
            .expect("an outcome is shown")
            .attr("data-kind")
            .await
            .unwrap()
            .unwrap()
    }
}
