//! Helpers of the proxy tests (the test CA and TLS terminator are `testtls`'s): the
//! proxy as a child process with its output captured, an in-process proxy, and a recording
//! stub gateway.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use testtls::{test_ca, Terminator};
use tokio::net::TcpListener;

/// The server binary in proxy mode, stdout and stderr captured to files.
pub struct ProxyProcess {
    pub child: std::process::Child,
    pub url: String,
    pub out: PathBuf,
    pub err: PathBuf,
}

impl ProxyProcess {
    pub fn start(dir: &Path, config: &str, envs: &[(&str, &str)]) -> ProxyProcess {
        let cfg = dir.join("proxy.toml");
        std::fs::write(&cfg, config).unwrap();
        let out = dir.join("proxy.out");
        let err = dir.join("proxy.err");
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_fastexec-server"));
        cmd.arg("--config")
            .arg(&cfg)
            .args(["--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir.join("unused-data"))
            .env("RUST_LOG", "debug")
            .stdout(std::fs::File::create(&out).unwrap())
            .stderr(std::fs::File::create(&err).unwrap());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let child = cmd.spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let url = loop {
            let text = std::fs::read_to_string(&out).unwrap_or_default();
            if let Some(line) = text.lines().next().filter(|_| text.contains('\n')) {
                break line
                    .strip_prefix("fastexec-server listening on ")
                    .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
                    .to_string();
            }
            assert!(
                Instant::now() < deadline,
                "proxy did not start: {}",
                std::fs::read_to_string(&err).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        ProxyProcess {
            child,
            url,
            out,
            err,
        }
    }

    /// Everything the process printed so far.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.out).unwrap_or_default()
            + &std::fs::read_to_string(&self.err).unwrap_or_default()
    }
}

impl Drop for ProxyProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A proxy served in this process from a config text; stops when dropped.
pub struct InProcessProxy {
    pub url: String,
    _stop: tokio::sync::oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

impl InProcessProxy {
    /// `upstream_extra` is appended to `[upstream]`; the secret is read from a file.
    pub async fn start(gateway_url: &str, secret: &str, upstream_extra: &str) -> InProcessProxy {
        let dir = tempfile::tempdir().unwrap();
        let secret_file = dir.path().join("secret");
        std::fs::write(&secret_file, secret).unwrap();
        let text = format!(
            "[upstream]\ngateway_url = \"{gateway_url}\"\napp_code = \"test-app\"\n\
             app_secret_file = {:?}\n{upstream_extra}\n",
            secret_file.to_str().unwrap()
        );
        let cfg = fastexec_server::config::Config::from_toml(&text).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let opts = fastexec_server::ServeOptions {
            data_dir: dir.path().join("unused-data"),
            dist: None,
        };
        tokio::spawn(fastexec_server::serve(cfg, listener, opts, async {
            let _ = rx.await;
        }));
        InProcessProxy {
            url,
            _stop: tx,
            _dir: dir,
        }
    }
}

/// What a stub gateway received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub uri: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// A plain-HTTP stub gateway: `/ok` paths answer JSON with an `X-Bkapi-Request-Id`, paths
/// containing `html` answer a load balancer's 502 page, `slow` sleeps 5 s. Records every request.
pub async fn stub_gateway() -> (String, Arc<Mutex<Vec<Seen>>>) {
    use axum::http::{HeaderMap, Method, Uri};
    let seen = Arc::new(Mutex::new(Vec::<Seen>::new()));
    let log = seen.clone();
    let app = axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: axum::body::Bytes| {
            let log = log.clone();
            async move {
                use axum::response::IntoResponse;
                log.lock().unwrap().push(Seen {
                    method: method.to_string(),
                    uri: uri.to_string(),
                    headers: headers
                        .iter()
                        .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into()))
                        .collect(),
                    body: String::from_utf8_lossy(&body).into(),
                });
                let path = uri.path().to_string();
                if path.contains("html") {
                    return (
                        axum::http::StatusCode::BAD_GATEWAY,
                        [("content-type", "text/html")],
                        "<html><body><h1>502 Bad Gateway</h1></body></html>",
                    )
                        .into_response();
                }
                if path.contains("slow") {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
                (
                    [
                        ("content-type", "application/json"),
                        ("x-bkapi-request-id", "stub-request-id-1"),
                        ("set-cookie", "stub=1"),
                    ],
                    r#"{"result":true,"code":0,"message":"","data":{"stub":true},"job_request_id":"abc"}"#,
                )
                    .into_response()
            }
        },
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), seen)
}
