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

impl Server {
    /// Starts the server binary with `config` (relative to the root or absolute).
    pub fn start(config: &Path) -> Self {
        Self::start_in(config, TempDir::new("fastexec-e2e-data"))
    }

    /// Starts the server on an existing data dir (a restart keeps its jobs).
    pub fn start_in(config: &Path, data: TempDir) -> Self {
        let root = project_root();
        let bin = std::env::var_os("FASTEXEC_SERVER_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target/debug/fastexec-server"));
        assert!(
            bin.exists(),
            "{} is missing: build it first (cargo xtask test does)",
            bin.display()
        );
        let dist = root.join("dist");
        assert!(
            dist.join("index.html").exists(),
            "dist/ is missing: run `trunk build --release` first (cargo xtask test does)"
        );
        let mut child = GroupChild::spawn(
            Command::new(&bin)
                .arg("--config")
                .arg(root.join(config))
                .args(["--listen", "127.0.0.1:0"])
                .arg("--dist")
                .arg(&dist)
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
        let driver = WebDriver::new(&url, caps)
            .await
            .expect("new Chromium session");
        Browser {
            driver,
            _chromedriver: child,
        }
    }
}
