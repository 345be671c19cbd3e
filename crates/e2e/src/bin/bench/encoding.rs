//! Report section 3, encoding: Base64 of a 16 MiB script, the app's wasm against the
//! browser's own.

use serde_json::{json, Value};
use thirtyfour::prelude::*;

use crate::page::js;
use crate::stats::{median, not_measured, row, section, verdict};

/// Runs of each Base64 path.
const ENCODE_RUNS: usize = 7;
/// Size of the script encoded, in UTF-8 bytes.
const ENCODE_BYTES: usize = 16 * 1024 * 1024;

const ENCODE_SETUP: &str = include_str!("js/encode_setup.js");

const ENCODE_RUN: &str = include_str!("js/encode_run.js");

pub async fn encoding(d: &WebDriver, ready: bool) -> Value {
    let title = "3. Encoding (Base64 of a 16 MiB script)";
    let how = "A 16 MiB (UTF-8) shell script of mixed ASCII and CJK lines, built in the page. \
               **App path** (bench build): `window.wasmBindings.bench_encode_base64` (src/bench.rs → \
               `bkjob_api::encoding::encode_base64`, what the form sends as `script_content`), \
               timed in JS around the call, so the copies of the text into wasm and of the \
               Base64 back out are included. **Native path:** `TextEncoder` + `btoa` over \
               24 KiB chunks with `String.fromCharCode`. Runs alternate; both outputs are \
               compared for equality.";
    let goal = "not slower than native (ratio ≥ 1)";
    if !ready {
        let why = "the bench build's wasm exports did not load";
        return section(
            title,
            how,
            vec![
                not_measured("App (wasm) Base64", goal, why),
                not_measured("Native Base64", "reference", why),
                not_measured("Speed app ÷ native", goal, why),
            ],
            vec![],
        );
    }
    let info = js(d, ENCODE_SETUP, vec![json!(ENCODE_BYTES)]).await;
    let bytes = info["bytes"].as_f64().unwrap_or(ENCODE_BYTES as f64);
    let (mut wasm, mut native, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ENCODE_RUNS {
        let w = js(d, ENCODE_RUN, vec![json!("wasm")]).await.as_f64();
        let n = js(d, ENCODE_RUN, vec![json!("native")]).await.as_f64();
        if let (Some(w), Some(n)) = (w, n) {
            wasm.push(bytes / 1e6 / (w / 1e3));
            native.push(bytes / 1e6 / (n / 1e3));
            ratio.push(n / w);
        }
    }
    let same = js(
        d,
        "return window.__out_wasm === window.__out_native ? window.__out_wasm.length : -1;",
        vec![],
    )
    .await;
    // Free the big strings before the next benchmark.
    js(
        d,
        "delete window.__benchScript; delete window.__out_wasm; delete window.__out_native; return 0;",
        vec![],
    )
    .await;
    let r = median(&ratio);
    let mut notes = vec![format!(
        "Input: {} bytes of UTF-8 ({} UTF-16 code units; each line is {} bytes with {} CJK characters).",
        info["bytes"], info["chars"], info["line_bytes"], info["cjk_per_line"]
    )];
    notes.push(match same.as_i64() {
        Some(n) if n > 0 => format!("Both paths produced the same Base64 ({n} characters)."),
        _ => "The two outputs DIFFER: the figures compare different work.".into(),
    });
    section(
        title,
        how,
        vec![
            row("App (wasm) Base64", "MB/s", &wasm, goal, None),
            row(
                "Native Base64 (TextEncoder + btoa)",
                "MB/s",
                &native,
                "reference",
                None,
            ),
            row("Speed app ÷ native", "×", &ratio, goal, verdict(r >= 1.0)),
        ],
        notes,
    )
}
