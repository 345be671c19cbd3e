//! Test harness: start the server in-process on 127.0.0.1:0 (or as a child process), talk to
//! it over real HTTP, poll with deadlines.

#![allow(dead_code)]

mod config;
mod library;
mod process;
mod steps;

// Not every test file uses every helper (as `dead_code` above).
#[allow(unused_imports)]
pub use config::*;
#[allow(unused_imports)]
pub use library::*;
#[allow(unused_imports)]
pub use process::*;
#[allow(unused_imports)]
pub use steps::*;

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

/// The legacy ESB launch route.
pub const ESB: &str = "api/c/compapi/v2/jobv3/fast_execute_script/";
/// The gateway launch route.
pub const FES: &str = "api/v3/fast_execute_script";
const OP: &str = "api/v3/operate_job_instance";

/// The ESB body of the curl: credentials of the demo kind in the body, script `id`.
pub fn esb_body(script: &str) -> Vec<u8> {
    let mut b = script_req(script);
    b["bk_app_code"] = json!(APP);
    b["bk_app_secret"] = json!(SECRET);
    b["bk_username"] = json!("admin");
    b.to_string().into_bytes()
}

/// A JSON answer, or a panic that shows the text.
pub fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}
