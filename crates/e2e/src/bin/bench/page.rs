//! Browser helpers: run a script, wait for the app's interactive mark, open the production app
//! or the bench build.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use thirtyfour::prelude::*;

use crate::serve::BenchServer;

pub const MARK: &str = "fastexec-interactive";
pub const BASELINE_FILE: &str = "bench-baseline.html";

/// Runs `script` and returns its JSON value (Null on a script error, which is printed).
pub async fn js(d: &WebDriver, script: &str, args: Vec<Value>) -> Value {
    match d.execute(script, args).await {
        Ok(r) => r.json().clone(),
        Err(e) => {
            eprintln!("bench: script failed: {e}");
            Value::Null
        }
    }
}

/// Polls for the interactive mark: ms from navigation start, or None after `timeout`.
pub async fn wait_mark(d: &WebDriver, timeout: Duration) -> Option<f64> {
    let deadline = Instant::now() + timeout;
    loop {
        let v = js(
            d,
            "const e = performance.getEntriesByName(arguments[0]); \
             return e.length ? e[0].startTime : null;",
            vec![json!(MARK)],
        )
        .await;
        if let Some(ms) = v.as_f64() {
            return Some(ms);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Loads the production app and waits for its interactive mark; false when it never comes.
pub async fn open_app(d: &WebDriver, server: &BenchServer) -> bool {
    if d.goto(&server.url).await.is_err() {
        return false;
    }
    let ok = wait_mark(d, Duration::from_secs(30)).await.is_some();
    if !ok {
        eprintln!("bench: the app never set the {MARK} mark");
    }
    ok
}

/// Loads the bench build and waits for its wasm exports; false when they never appear.
pub async fn open_bench(d: &WebDriver, server: &BenchServer) -> bool {
    if d.goto(&server.url).await.is_err() {
        return false;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let v = js(
            d,
            "return !!(window.wasmBindings && window.wasmBindings.bench_encode_base64);",
            vec![],
        )
        .await;
        if v == json!(true) {
            return true;
        }
        if Instant::now() >= deadline {
            eprintln!("bench: window.wasmBindings.bench_* never appeared (not a bench build?)");
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
