//! Test harness: start the server in-process on 127.0.0.1:0 (or as a child process), talk to
//! it over real HTTP, poll with deadlines.

#![allow(dead_code)]

use std::path::Path;
use std::time::{Duration, Instant};

use bytes::Bytes;
use fastexec_server::config::Config;
use fastexec_server::{serve, ServeOptions};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use tempfile::TempDir;
use tokio::sync::oneshot;

pub const APP: &str = "test-app";
pub const SECRET: &str = "test-secret";
/// The dynamic group of business 2 in [`test_config`].
pub const DYN_GROUP: &str = "blo8gojho0skft7pr5q0";

/// The test configuration: business 2 ("test-biz") with hosts 101-103 online and 104 offline,
/// business 3 with host 201, users admin (everything), limited (business access only),
/// viewer (access + view_history), outsider (nothing). CMDB topology of business 2: set 100
/// "test-set" with modules 1000 "web" (101, 102) and 1001 "db" (103, 104); dynamic group
/// `DYN_GROUP` "all-online" (101-103). Business 3: set 300 / module 3000 (201), group "g-other".
pub fn test_config(extra_limits: &str) -> String {
    format!(
        r#"
[limits]
max_concurrent_processes = 8
{extra_limits}

[[apps]]
code = "{APP}"
secret = "{SECRET}"
login_exempt = true

[[apps]]
code = "strict-app"
secret = "strict-secret"
login_exempt = false

[[users]]
name = "admin"
tokens = ["admin-token"]
grants = [{{ scope_id = "2", actions = ["*"] }}, {{ scope_id = "3", actions = ["*"] }}]

[[users]]
name = "limited"
tokens = ["limited-token"]
grants = [{{ scope_id = "2", actions = ["access_business"] }}]

[[users]]
name = "viewer"
grants = [{{ scope_id = "2", actions = ["access_business", "view_history"] }}]

[[users]]
name = "outsider"

[[businesses]]
id = 2
name = "test-biz"

[[businesses]]
id = 3
name = "other-biz"

[[hosts]]
id = 101
ip = "127.0.0.2"
biz_id = 2

[[hosts]]
id = 102
ip = "127.0.0.3"
biz_id = 2

[[hosts]]
id = 103
ip = "127.0.0.4"
biz_id = 2

[[hosts]]
id = 104
ip = "127.0.0.5"
biz_id = 2
agent_online = false

[[hosts]]
id = 201
ip = "127.0.1.2"
biz_id = 3

[[topo]]
node_type = "set"
id = 100
name = "test-set"
biz_id = 2

[[topo]]
node_type = "module"
id = 1000
name = "web"
biz_id = 2
parent = 100
host_ids = [101, 102]

[[topo]]
node_type = "module"
id = 1001
name = "db"
biz_id = 2
parent = 100
host_ids = [103, 104]

[[topo]]
node_type = "set"
id = 300
name = "other-set"
biz_id = 3

[[topo]]
node_type = "module"
id = 3000
name = "other-module"
biz_id = 3
parent = 300
host_ids = [201]

[[dynamic_groups]]
id = "{DYN_GROUP}"
name = "all-online"
biz_id = 2
host_ids = [101, 102, 103]

[[dynamic_groups]]
id = "g-other"
name = "other group"
biz_id = 3
host_ids = [201]

[[accounts]]
id = 1000
alias = "root"
biz_id = 2

[[accounts]]
id = 3000
alias = "root"
biz_id = 3

[[scripts]]
id = "s-online"
biz_id = 2
name = "online script"
versions = [
  {{ id = 11, status = "online", language = 1, content = "echo library-script \"$@\"\n" }},
  {{ id = 12, status = "disabled", language = 1, content = "echo disabled\n" }},
]

[[scripts]]
id = "s-other"
biz_id = 3
name = "other biz script"
versions = [{{ id = 21, status = "online", language = 1, content = "echo other\n" }}]

# The callback tests receive callbacks on loopback; the auth tests fail on purpose more often
# than the default throttle (10 a minute) allows.
[security]
callback_allow_loopback = true
auth_failures_per_minute = 1000
"#
    )
}

pub struct TestServer {
    pub url: String,
    pub data: TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    client: Client<HttpConnector, Full<Bytes>>,
}

pub fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build(HttpConnector::new())
}

impl TestServer {
    pub async fn start(config: &str) -> TestServer {
        Self::start_in(config, TempDir::new().unwrap()).await
    }

    pub async fn start_in(config: &str, data: TempDir) -> TestServer {
        Self::start_full(config, data, None).await
    }

    pub async fn start_full(
        config: &str,
        data: TempDir,
        dist: Option<std::path::PathBuf>,
    ) -> TestServer {
        let cfg = Config::from_toml(config).expect("test config");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let opts = ServeOptions {
            data_dir: data.path().join("data"),
            dist,
        };
        let handle = tokio::spawn(serve(cfg, listener, opts, async {
            let _ = rx.await;
        }));
        TestServer {
            url: format!("http://{addr}/"),
            data,
            shutdown: Some(tx),
            handle: Some(handle),
            client: client(),
        }
    }

    pub async fn stop(mut self) -> TempDir {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = h.await;
        }
        std::mem::replace(&mut self.data, TempDir::new().unwrap())
    }

    pub fn api(&self) -> Api {
        Api {
            url: self.url.clone(),
            client: self.client.clone(),
        }
    }
}

/// An HTTP client bound to one server.
#[derive(Clone)]
pub struct Api {
    pub url: String,
    pub client: Client<HttpConnector, Full<Bytes>>,
}

pub fn auth_user(user: &str) -> String {
    json!({"bk_app_code": APP, "bk_app_secret": SECRET, "bk_username": user}).to_string()
}

impl Api {
    pub fn new(url: &str) -> Api {
        Api {
            url: url.to_string(),
            client: client(),
        }
    }

    /// Send `method path` with `headers` (a JSON type added to a POST that names none) and
    /// `body`; the answer's head and body, or a panic after 20 s.
    async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> hyper::Response<hyper::body::Incoming> {
        let mut b = hyper::Request::builder().method(method).uri(format!(
            "{}{}",
            self.url,
            path.trim_start_matches('/')
        ));
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        // The server takes JSON bodies only (a browser's "simple" text/plain or form POST is
        // how another web page would call it): say so unless the test sends its own type.
        if method == "POST"
            && !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            b = b.header("Content-Type", "application/json");
        }
        let req = b.body(Full::new(Bytes::from(body))).unwrap();
        tokio::time::timeout(Duration::from_secs(20), self.client.request(req))
            .await
            .expect("request timed out")
            .expect("request failed")
    }

    /// Raw request: returns (HTTP status, content-type, body text).
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> (u16, String, String) {
        let resp = self.send(method, path, headers, body).await;
        let status = resp.status().as_u16();
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (status, ct, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// `method path` with `headers` and a `{}` body; returns the HTTP status and the
    /// answer's headers (lowercase names).
    pub async fn head_of(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
    ) -> (u16, std::collections::HashMap<String, String>) {
        let resp = self.send(method, path, headers, b"{}".to_vec()).await;
        let h = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    v.to_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        (resp.status().as_u16(), h)
    }

    /// GET `path`; returns (HTTP status, Content-Type, Cache-Control).
    pub async fn cache_headers(&self, path: &str) -> (u16, String, String) {
        let req = hyper::Request::builder()
            .uri(format!("{}{}", self.url, path.trim_start_matches('/')))
            .body(Full::new(Bytes::new()))
            .unwrap();
        let resp = tokio::time::timeout(Duration::from_secs(20), self.client.request(req))
            .await
            .expect("request timed out")
            .expect("request failed");
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        (
            resp.status().as_u16(),
            header("content-type"),
            header("cache-control"),
        )
    }

    /// POST JSON as `user` through the gateway header; returns (HTTP status, JSON body).
    pub async fn post_as(&self, user: &str, path: &str, body: &Value) -> (u16, Value) {
        self.post_lang(user, path, body, None).await
    }

    pub async fn post_lang(
        &self,
        user: &str,
        path: &str,
        body: &Value,
        lang: Option<&str>,
    ) -> (u16, Value) {
        let auth = auth_user(user);
        let mut headers = vec![
            ("X-Bkapi-Authorization", auth.as_str()),
            ("Content-Type", "application/json"),
        ];
        if let Some(l) = lang {
            headers.push(("Blueking-Language", l));
        }
        let (s, _, text) = self
            .raw("POST", path, &headers, body.to_string().into_bytes())
            .await;
        (
            s,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// POST as admin, expect HTTP 200, return the envelope.
    pub async fn post(&self, path: &str, body: &Value) -> Value {
        let (s, v) = self.post_as("admin", path, body).await;
        assert_eq!(s, 200, "{v}");
        v
    }

    pub async fn execute(&self, body: &Value) -> Value {
        self.post("api/v3/fast_execute_script", body).await
    }

    /// Launch and return (job id, step id); panics unless the launch succeeded.
    pub async fn launch(&self, body: &Value) -> (i64, i64) {
        let v = self.execute(body).await;
        assert_eq!(v["code"], 0, "launch failed: {v}");
        (
            v["data"]["job_instance_id"].as_i64().unwrap(),
            v["data"]["step_instance_id"].as_i64().unwrap(),
        )
    }

    pub async fn status(&self, job_id: i64) -> Value {
        self.status_opts(job_id, true).await
    }

    pub async fn status_opts(&self, job_id: i64, with_ips: bool) -> Value {
        let v = self
            .post(
                "api/v3/get_job_instance_status",
                &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job_id,"return_ip_result":with_ips}),
            )
            .await;
        assert_eq!(v["code"], 0, "status failed: {v}");
        v["data"].clone()
    }

    /// Poll (without host lists) until the job is finished (deadline 8 s), then return the
    /// full status with host results.
    pub async fn wait_finished(&self, job_id: i64) -> Value {
        let deadline = Instant::now() + Duration::from_secs(8);
        loop {
            let d = self.status_opts(job_id, false).await;
            if d["finished"] == true {
                return self.status(job_id).await;
            }
            assert!(Instant::now() < deadline, "job {job_id} deadline: {d}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn wait_until(&self, job_id: i64, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(8);
        loop {
            let d = self.status(job_id).await;
            if pred(&d) {
                return d;
            }
            assert!(Instant::now() < deadline, "job {job_id} deadline: {d}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn log(&self, job_id: i64, step_id: i64, host_id: i64) -> String {
        let v = self
            .post(
                "api/v3/get_job_instance_ip_log",
                &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job_id,
                        "step_instance_id":step_id,"bk_host_id":host_id}),
            )
            .await;
        assert_eq!(v["code"], 0, "log failed: {v}");
        v["data"]["log_content"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

pub fn b64(s: &str) -> String {
    bkjob_api::encode_base64(s)
}

/// A valid inline-script request on host 101 as account 1000.
pub fn script_req(script: &str) -> Value {
    json!({
        "bk_scope_type": "biz",
        "bk_scope_id": "2",
        "script_content": b64(script),
        "script_language": 1,
        "account_id": 1000,
        "target_server": {"host_id_list": [101]},
    })
}

pub fn host_status(d: &Value, host_id: i64) -> Value {
    d["step_instance_list"][0]["step_ip_result_list"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["bk_host_id"] == host_id)
        .cloned()
        .unwrap_or(Value::Null)
}

/// Does a process still exist (a zombie counts as gone)?
pub fn process_alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(s) => {
            let state = s.rsplit(')').next().unwrap_or("").trim_start();
            !state.starts_with('Z') && !state.starts_with('X')
        }
        Err(_) => false,
    }
}

pub fn write_config(dir: &Path, text: &str) -> std::path::PathBuf {
    let p = dir.join("config.toml");
    std::fs::write(&p, text).unwrap();
    p
}

/// Pids of live processes whose command line contains `marker`.
pub fn pids_with_marker(marker: &str) -> Vec<i32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(cmd) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        if String::from_utf8_lossy(&cmd).contains(marker) && process_alive(pid) {
            out.push(pid);
        }
    }
    out
}

/// Kills the processes of a marker when dropped, so a failing test leaks nothing.
pub struct KillMarked(pub String);

impl Drop for KillMarked {
    fn drop(&mut self) {
        for pid in pids_with_marker(&self.0) {
            // SAFETY: plain syscall.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
    }
}

/// Wait until no live process carries `marker` (deadline `secs`); true if so.
pub async fn marker_gone_within(marker: &str, secs: u64) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if pids_with_marker(marker).is_empty() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A unique marker for processes a test starts.
pub fn unique_marker(tag: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "fx-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

impl Api {
    /// `operate_job_instance` code 1 (terminate) as admin on business 2.
    pub async fn terminate(&self, job_id: i64) -> Value {
        self.post(
            "api/v3/operate_job_instance",
            &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job_id,"operation_code":1}),
        )
        .await
    }
}

/// The server binary as a child process with extra environment variables; `crash` kills
/// the server alone (SIGKILL), its scripts live in their own sessions.
pub struct ServerProcess {
    pub child: std::process::Child,
    pub url: String,
}

impl ServerProcess {
    pub fn start(config: &Path, data: &Path, envs: &[(&str, &str)]) -> ServerProcess {
        use std::io::BufRead;
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_fastexec-server"));
        cmd.arg("--config")
            .arg(config)
            .args(["--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let url = first
            .strip_prefix("fastexec-server listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_string();
        std::thread::spawn(move || for _ in lines {});
        ServerProcess { child, url }
    }

    pub fn crash(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    /// SIGTERM (the server kills its scripts), SIGKILL after 5 s.
    fn drop(&mut self) {
        // SAFETY: plain syscall.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.crash();
    }
}
