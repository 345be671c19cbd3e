//! The browser and server halves of `cargo xtask bench` (see xtask/src/bench.rs): startup
//! (app vs. a hand-written baseline page), Base64 encoding, per-keystroke validation and the
//! 50,000-host job model in headless Chromium, then the server's launch throughput, latency and
//! "nothing lost" count over loopback.
//!
//!   cargo run -p e2e --release --bin bench -- [--out FILE] [--dist DIR] [--bench-dist DIR]
//!
//! Two builds, each served by its own fastexec-server: the production build (`--dist`, default
//! `dist/`: startup, the real form, the rendered job view, the server figures) and the bench
//! build (`--bench-dist`, default `<target>/bench-dist`, made by `trunk build --release
//! --features bench`), whose `window.wasmBindings.bench_*` exports (src/bench.rs) the
//! micro-benchmarks call; the shipped bundle has none.
//!
//! `FASTEXEC_SERVER_BIN` names the server binary (`cargo xtask bench` passes the `server`
//! profile's build, target/server/fastexec-server; default the debug build). Each
//! build is copied into a temporary folder with `bench/baseline.html` beside it and its server
//! serves that copy, so the app and the baseline come from the same server and a concurrent
//! `trunk build` cannot pull files from under the run. Everything is bounded and loopback only.
//! A benchmark: it writes figures, it does not judge them (exit code 1 only if it cannot run).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use e2e::{demo, project_root, Browser, Server, TempDir};
use serde_json::{json, Value};
use thirtyfour::prelude::*;

/// Cold loads of each page (alternating app / baseline).
const COLD_LOADS: usize = 12;
/// Runs of each Base64 path.
const ENCODE_RUNS: usize = 7;
/// Size of the script encoded, in UTF-8 bytes.
const ENCODE_BYTES: usize = 16 * 1024 * 1024;
/// Validations timed, one per run.
const VALIDATE_RUNS: usize = 30;
/// Hosts in the synthetic status answer.
const JOB_HOSTS: usize = 50_000;
/// Page loads that each open the real job view over that answer once (the first job of a page
/// also loads the job module), then mounts of the view in the last page.
const JOB_VIEW_MOUNTS: usize = 5;
/// Sequential launches for the latency figure.
const LATENCY_LAUNCHES: usize = 20;
/// Launches of the throughput run, and how many are in flight at once.
const LOAD_LAUNCHES: usize = 500;
const LOAD_CONCURRENCY: usize = 50;

const MARK: &str = "fastexec-interactive";
/// Goal of the once-per-answer work (parse, group, first render): a response a person does
/// not notice (RAIL's 100 ms).
const RESPONSE_GOAL: &str = "≤ 100 ms (no noticeable delay)";
const BASELINE_FILE: &str = "bench-baseline.html";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let root = project_root();
    let mut out = root.join("bench/results.json");
    let mut dist = root.join("dist");
    let mut bench_dist = std::env::var_os("CARGO_TARGET_DIR")
        .map(|t| root.join(t))
        .unwrap_or_else(|| root.join("target"))
        .join("bench-dist");
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        match pair {
            [flag, path] if flag == "--out" => out = PathBuf::from(path),
            [flag, path] if flag == "--dist" => dist = PathBuf::from(path),
            [flag, path] if flag == "--bench-dist" => bench_dist = PathBuf::from(path),
            _ => {
                eprintln!("usage: bench [--out FILE] [--dist DIR] [--bench-dist DIR]");
                std::process::exit(2);
            }
        }
    }
    let started = Instant::now();
    let app = BenchServer::start(&dist);
    println!("bench: production build at {}", app.url);
    let bench = BenchServer::start(&bench_dist);
    println!("bench: bench build at {}", bench.url);

    let mut sections = Vec::new();
    {
        let browser = Browser::start().await;
        let d = &browser.driver;
        d.set_script_timeout(Duration::from_secs(120))
            .await
            .expect("script timeout");
        sections.push(startup(d, &app).await);
        println!("bench: startup done ({:?})", started.elapsed());
        let ready = open_bench(d, &bench).await;
        sections.push(encoding(d, ready).await);
        println!("bench: encoding done ({:?})", started.elapsed());
        sections.push(typing(d, &app, ready).await);
        println!("bench: typing done ({:?})", started.elapsed());
        let ready = open_bench(d, &bench).await;
        sections.push(big_jobs(d, &app, ready).await);
        println!("bench: big jobs done ({:?})", started.elapsed());
        let _ = browser.driver.clone().quit().await;
    }
    drop(bench);
    sections.push(server_load(&app).await);
    println!("bench: server done ({:?})", started.elapsed());

    let results = json!({
        "sections": sections,
        "bench_seconds": started.elapsed().as_secs(),
    });
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("create the output folder");
    }
    std::fs::write(&out, serde_json::to_string_pretty(&results).unwrap() + "\n")
        .unwrap_or_else(|e| panic!("write {}: {e}", out.display()));
    println!("bench: wrote {}", out.display());
}

// ---------------------------------------------------------------------------------------------
// Figures

/// Median, p10, p90, min, max of `samples` (linear interpolation between ranks).
fn spread(samples: &[f64]) -> Value {
    let mut s: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
    if s.is_empty() {
        return json!({ "runs": 0 });
    }
    s.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| {
        let pos = p * (s.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        s[lo] + (s[hi] - s[lo]) * (pos - lo as f64)
    };
    json!({
        "median": round(q(0.5)),
        "p10": round(q(0.1)),
        "p90": round(q(0.9)),
        "min": round(s[0]),
        "max": round(s[s.len() - 1]),
        "runs": s.len(),
    })
}

fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn median(samples: &[f64]) -> f64 {
    spread(samples)["median"].as_f64().unwrap_or(f64::NAN)
}

/// A measured row. `verdict` is a short word on the goal ("met", "missed", …) or None.
fn row(name: &str, unit: &str, samples: &[f64], goal: &str, verdict: Option<&str>) -> Value {
    let mut r = spread(samples);
    r["name"] = json!(name);
    r["unit"] = json!(unit);
    r["goal"] = json!(goal);
    if let Some(v) = verdict {
        r["verdict"] = json!(v);
    }
    r
}

/// A row that could not be measured, and why.
fn not_measured(name: &str, goal: &str, why: &str) -> Value {
    json!({ "name": name, "goal": goal, "not_measured": why })
}

fn verdict(ok: bool) -> Option<&'static str> {
    Some(if ok { "goal met" } else { "goal missed" })
}

fn section(title: &str, how: &str, rows: Vec<Value>, notes: Vec<String>) -> Value {
    json!({ "title": title, "how": how, "rows": rows, "notes": notes })
}

// ---------------------------------------------------------------------------------------------
// Server: the harness's way (own process group, killed on drop), on a snapshot of dist/.

/// The harness's server on a copy of a build plus the baseline page, so a `trunk build`
/// running meanwhile cannot change what is measured.
struct BenchServer {
    _server: Server,
    url: String,
    _dist: TempDir,
}

impl BenchServer {
    fn start(build: &Path) -> Self {
        let root = project_root();
        let dist = TempDir::new("fastexec-bench-dist");
        // Someone may be running `trunk build` right now: retry until the copy's index.html
        // names only files the copy has.
        let mut tries = 0;
        loop {
            let _ = std::fs::remove_dir_all(&dist.0);
            copy_dir(build, &dist.0);
            match missing_assets(&dist.0) {
                Ok(()) => break,
                Err(e) if tries < 24 => {
                    eprintln!(
                        "bench: {} is incomplete ({e}); retrying in 5 s",
                        build.display()
                    );
                    tries += 1;
                    std::thread::sleep(Duration::from_secs(5));
                }
                Err(e) => panic!(
                    "{} is incomplete: {e}; run `cargo xtask bench`, which builds it",
                    build.display()
                ),
            }
        }
        std::fs::copy(root.join("bench/baseline.html"), dist.0.join(BASELINE_FILE))
            .expect("copy bench/baseline.html");
        let server = Server::start_with(
            Path::new("fastexec.toml"),
            &dist.0,
            TempDir::new("fastexec-bench-data"),
        );
        let mut url = server.url.clone();
        if !url.ends_with('/') {
            url.push('/');
        }
        BenchServer {
            _server: server,
            url,
            _dist: dist,
        }
    }
}

/// Err naming the first file `index.html` refers to (`/path/name.ext` in an attribute or
/// import) that the folder lacks, or a missing index.html.
fn missing_assets(dist: &Path) -> Result<(), String> {
    let html = std::fs::read_to_string(dist.join("index.html"))
        .map_err(|_| "no index.html".to_string())?;
    for (i, _) in html.match_indices('/') {
        let before = html[..i].chars().last();
        if !matches!(before, Some('\'' | '"' | '=')) {
            continue;
        }
        let name: String = html[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
            .collect();
        if name.contains('.') && !dist.join(&name).exists() {
            return Err(format!("index.html names /{name}, which is missing"));
        }
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) {
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
            // A file may vanish under a concurrent build; the completeness check catches it.
            let _ = std::fs::copy(&path, to.join(&name));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Browser helpers

/// Runs `script` and returns its JSON value (Null on a script error, which is printed).
async fn js(d: &WebDriver, script: &str, args: Vec<Value>) -> Value {
    match d.execute(script, args).await {
        Ok(r) => r.json().clone(),
        Err(e) => {
            eprintln!("bench: script failed: {e}");
            Value::Null
        }
    }
}

/// Polls for the interactive mark: ms from navigation start, or None after `timeout`.
async fn wait_mark(d: &WebDriver, timeout: Duration) -> Option<f64> {
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
async fn open_app(d: &WebDriver, server: &BenchServer) -> bool {
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
async fn open_bench(d: &WebDriver, server: &BenchServer) -> bool {
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

// ---------------------------------------------------------------------------------------------
// 2. Startup

async fn startup(d: &WebDriver, server: &BenchServer) -> Value {
    let title = "2. Startup (cold load → form interactive)";
    let how = format!(
        "Navigation start → `performance.mark(\"{MARK}\")`, which the app sets once the form is \
         mounted and the stored draft restored, and which `bench/baseline.html` (the same fields \
         as plain HTML, one inline script that restores the draft, no framework) sets at the end \
         of its script. Both pages come from the same fastexec-server (release build) serving the \
         production build, in the \
         same Chromium session, loaded alternately, {COLD_LOADS} cold loads each: before every \
         load the browser cache is cleared (`Network.clearBrowserCache`) and disabled \
         (`Network.setCacheDisabled`) through chromedriver's CDP endpoint. The ratio is taken \
         per app/baseline pair."
    );
    let goal_app = "as close to the baseline as a wasm app can get; < 1 s on this machine";
    let cdp = d.cdp();
    let cdp_ok = cdp.send_raw("Network.enable", ()).await.is_ok()
        && cdp
            .send_raw("Network.setCacheDisabled", json!({"cacheDisabled": true}))
            .await
            .is_ok();
    let app_url = server.url.clone();
    let base_url = format!("{}{BASELINE_FILE}", server.url);
    let (mut app, mut base, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    let mut transferred = (Vec::new(), Vec::new());
    let mut missing = None;
    // Misses in a row per page: after 2 the page is given up (30 s each otherwise).
    let mut misses = [0, 0];
    for i in 0..COLD_LOADS {
        let mut pair = [None, None];
        for (k, url) in [&app_url, &base_url].into_iter().enumerate() {
            if misses[k] >= 2 {
                continue;
            }
            let _ = cdp.send_raw("Network.clearBrowserCache", ()).await;
            let _ = d.goto("about:blank").await;
            if let Err(e) = d.goto(url).await {
                eprintln!("bench: load {url}: {e}");
                continue;
            }
            match wait_mark(d, Duration::from_secs(30)).await {
                Some(ms) => {
                    pair[k] = Some(ms);
                    misses[k] = 0;
                }
                None => {
                    missing.get_or_insert(if k == 0 { "app" } else { "baseline" });
                    misses[k] += 1;
                    continue;
                }
            }
            // Bytes that came over the network (0 would mean a cache hit).
            let bytes = js(
                d,
                "let n = 0; for (const e of performance.getEntriesByType('navigation')) \
                 n += e.transferSize; for (const e of performance.getEntriesByType('resource')) \
                 n += e.transferSize; return n;",
                vec![],
            )
            .await
            .as_f64()
            .unwrap_or(0.0);
            if k == 0 {
                transferred.0.push(bytes);
            } else {
                transferred.1.push(bytes);
            }
        }
        app.extend(pair[0]);
        base.extend(pair[1]);
        if let [Some(a), Some(b)] = pair {
            if b > 0.0 {
                ratio.push(a / b);
            }
        }
        println!(
            "bench: cold load {}: app {:?} ms, baseline {:?} ms",
            i + 1,
            pair[0],
            pair[1]
        );
    }
    let mut notes = vec![];
    if !cdp_ok {
        notes
            .push("CDP Network commands failed: loads may have been served from the cache.".into());
    }
    if let Some(which) = missing {
        notes.push(format!(
            "The {which} page did not set the mark on some loads (30 s limit; given up after 2 in a row); those loads are left out."
        ));
    }
    notes.push(format!(
        "Bytes over the network per load (navigation + resources, as served: fastexec-server \
         decides compression): app {:.0} KB, baseline {:.1} KB (median).",
        median(&transferred.0) / 1000.0,
        median(&transferred.1) / 1000.0
    ));
    let rows = if app.is_empty() {
        let why = "the app never set the fastexec-interactive mark";
        vec![
            not_measured("App: navigation → form interactive", goal_app, why),
            row(
                "Baseline page: navigation → form interactive",
                "ms",
                &base,
                "reference",
                None,
            ),
            not_measured("Ratio app ÷ baseline", "≤ 3×", why),
        ]
    } else {
        let r = median(&ratio);
        vec![
            row(
                "App: navigation → form interactive",
                "ms",
                &app,
                goal_app,
                verdict(median(&app) < 1000.0),
            ),
            row(
                "Baseline page: navigation → form interactive",
                "ms",
                &base,
                "reference",
                None,
            ),
            row(
                "Ratio app ÷ baseline",
                "×",
                &ratio,
                "≤ 3×",
                verdict(r <= 3.0),
            ),
        ]
    };
    section(title, &how, rows, notes)
}

// ---------------------------------------------------------------------------------------------
// 3. Encoding

const ENCODE_SETUP: &str = r#"
const target = arguments[0];
const line = "echo '你好，世界' && printf '%s\\n' \"快速执行脚本 fast_execute_script\" # 中文注释 CJK\n";
const enc = new TextEncoder();
const per = enc.encode(line).length;
let s = line.repeat(Math.floor(target / per));
s += "x".repeat(target - enc.encode(s).length);
window.__benchScript = s;
window.__nativeB64 = function (str) {
  const bytes = new TextEncoder().encode(str);
  const CHUNK = 3 * 8192; // a multiple of 3, so the pieces concatenate into one valid Base64
  const parts = [];
  for (let i = 0; i < bytes.length; i += CHUNK) {
    parts.push(btoa(String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK))));
  }
  return parts.join("");
};
let cjk = 0;
for (const ch of line) if (ch.charCodeAt(0) > 0x2e80) cjk++;
return { bytes: enc.encode(s).length, chars: s.length, cjk_per_line: cjk, line_bytes: per };
"#;

const ENCODE_RUN: &str = r#"
const which = arguments[0];
const s = window.__benchScript;
const t0 = performance.now();
const out = which === "wasm" ? window.wasmBindings.bench_encode_base64(s) : window.__nativeB64(s);
const ms = performance.now() - t0;
window["__out_" + which] = out;
return ms;
"#;

async fn encoding(d: &WebDriver, ready: bool) -> Value {
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

// ---------------------------------------------------------------------------------------------
// 4. Typing

const TYPE_IN_FORM: &str = r#"
const done = arguments[arguments.length - 1];
const [scriptBytes, lines, runs] = [arguments[0], arguments[1], arguments[2]];
const ta = document.querySelector('[name="script_content"]');
const ips = document.querySelector('[name="ip_list"]');
if (!ta || !ips) { done(null); return; }
const line = "echo \"hello 世界\" && ls -l /tmp\n";
const script = line.repeat(Math.ceil(scriptBytes / new TextEncoder().encode(line).length));
let list = "";
for (let i = 0; i < lines; i++) list += `0:10.${(i / 62500) | 0}.${((i / 250) | 0) % 250}.${i % 250}\n`;
const input = (el, v) => { el.value = v; el.dispatchEvent(new Event("input", { bubbles: true })); };
const nextTask = () => new Promise((r) => setTimeout(r, 0));
// Leptos runs effects as microtasks: drained here, before any rendering step can run.
const drain = async () => { for (let k = 0; k < 50; k++) await Promise.resolve(); };
(async () => {
  input(ips, list);
  input(ta, script);
  await new Promise((r) => setTimeout(r, 200));
  const work = [], total = [];
  for (let i = 0; i < runs; i++) {
    const v = script + (i % 2 ? "x" : "");
    ta.value = v;
    const t0 = performance.now();
    ta.dispatchEvent(new Event("input", { bubbles: true }));
    await drain();
    const t1 = performance.now();
    await nextTask();
    work.push(t1 - t0);
    total.push(performance.now() - t0);
  }
  // Leave a small form behind (the draft is stored).
  input(ta, "echo hello\n");
  input(ips, "");
  await nextTask();
  done({ work, total });
})();
"#;

/// Runs [`TYPE_IN_FORM`] on the open page: per keystroke, (app work, keystroke → next task).
async fn type_in_form(d: &WebDriver) -> Option<(Vec<f64>, Vec<f64>)> {
    let r = d
        .execute_async(
            TYPE_IN_FORM,
            vec![json!(1 << 20), json!(5000), json!(VALIDATE_RUNS)],
        )
        .await
        .map_err(|e| eprintln!("bench: typing in the form failed: {e}"))
        .ok()?;
    let v = r.json();
    let list = |k: &str| -> Vec<f64> {
        v[k].as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    let (work, total) = (list("work"), list("total"));
    (!work.is_empty() && work.len() == total.len()).then_some((work, total))
}

async fn typing(d: &WebDriver, server: &BenchServer, ready: bool) -> Value {
    let title = "4. Typing (validation per keystroke)";
    let how = "**Validation** (bench build): `window.wasmBindings.bench_validate_draft(1 MiB, 5000, 1)` \
               (src/bench.rs) builds a Draft with a 1 MiB script (ASCII + CJK) and 5,000 \
               `cloud:ip` target lines once, then times one `bkjob_api::draft::validate_draft` \
               (what the form runs on every keystroke: parse every list, Base64 the script, all \
               rules) with `performance.now()` inside wasm; one validation per run. **Real \
               form** (production build): the same text typed into the mounted form's `script_content` and \
               `ip_list`; one `input` event on the script → the next task (every handler and \
               effect the keystroke triggers, before the browser may paint).";
    let goal = "well under one frame (16 ms); target 1 ms";
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    if ready {
        let mut samples = Vec::new();
        for _ in 0..VALIDATE_RUNS {
            if let Some(ms) = js(
                d,
                "return window.wasmBindings.bench_validate_draft(arguments[0], arguments[1], 1);",
                vec![json!(1 << 20), json!(5000)],
            )
            .await
            .as_f64()
            {
                samples.push(ms);
            }
        }
        let m = median(&samples);
        let v = if m <= 1.0 {
            "target met"
        } else if m < 16.0 {
            "under a frame, target missed"
        } else {
            "goal missed"
        };
        rows.push(row(
            "validate_draft, 1 MiB script + 5,000 targets",
            "ms",
            &samples,
            goal,
            Some(v),
        ));
    } else {
        rows.push(not_measured(
            "validate_draft, 1 MiB script + 5,000 targets",
            goal,
            "the bench build's wasm exports did not load",
        ));
    }
    // The same keystroke through the real form, and in the same run through the plain-HTML
    // baseline page with the same fields: setting a 1 MiB textarea's value makes the browser lay
    // the whole text out again, which no app code can avoid, so only the ratio and the app's own
    // work are judged.
    let _ = open_app(d, server).await;
    let app = type_in_form(d).await;
    let base_url = format!("{}{BASELINE_FILE}", server.url);
    let base = if d.goto(&base_url).await.is_ok() {
        type_in_form(d).await
    } else {
        None
    };
    match (app, base) {
        (Some((work, total)), Some((_, base_total))) => {
            rows.push(row(
                "Real form: app work per keystroke (input handler + effects), 1 MiB script + 5,000 targets",
                "ms",
                &work,
                "one frame (16 ms)",
                verdict(median(&work) < 16.0),
            ));
            rows.push(row(
                "Real form: keystroke → next task (with the browser's textarea layout)",
                "ms",
                &total,
                "reference",
                None,
            ));
            rows.push(row(
                "Baseline page: the same keystroke → next task",
                "ms",
                &base_total,
                "reference",
                None,
            ));
            let ratios: Vec<f64> = total
                .iter()
                .zip(&base_total)
                .map(|(a, b)| a / b.max(0.001))
                .collect();
            rows.push(row(
                "Ratio app ÷ baseline (keystroke → next task)",
                "×",
                &ratios,
                "≤ 1.5×",
                verdict(median(&ratios) <= 1.5),
            ));
            notes.push(
                "App work = from the input event to the end of the microtasks it queues (the \
                 handler, signals, validation, re-rendered messages and counts, the draft stored \
                 in localStorage). Keystroke → next task also holds the browser's own layout of \
                 the 1 MiB textarea, which the baseline page pays too."
                    .to_string(),
            );
        }
        _ => rows.push(not_measured(
            "Real form: app work per keystroke",
            "one frame (16 ms)",
            "the script_content / ip_list controls were not found on the app or the baseline page",
        )),
    }
    section(title, how, rows, notes)
}

// ---------------------------------------------------------------------------------------------
// 5. Big jobs

const JOB_SETUP: &str = r#"
const n = arguments[0];
const rows = new Array(n);
const t0 = 1767225600000;
for (let i = 0; i < n; i++) {
  // Mostly successes, a share with a custom tag, some script failures, some agent errors.
  const failed = i % 50 === 7, agent = i % 997 === 3;
  const status = agent ? 1 : failed ? 104 : 9;
  rows[i] = {
    bk_host_id: 1000000 + i,
    ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    bk_cloud_id: i % 3 === 0 ? 1 : 0,
    status,
    tag: status === 9 && i % 10 === 0 ? "slow" : "",
    exit_code: status === 9 ? 0 : failed ? 1 : undefined,
    error_code: 0,
    start_time: t0 + (i % 1000),
    end_time: t0 + 2000 + (i % 1000),
    total_time: 2000,
  };
}
const body = JSON.stringify({
  result: true, code: 0, message: "success", job_request_id: "bench",
  data: {
    finished: true,
    job_instance: { job_instance_id: 1, name: "bench", status: 4, create_time: t0, start_time: t0,
                    end_time: t0 + 3000, total_time: 3000, bk_scope_type: "biz", bk_scope_id: "2" },
    step_instance_list: [{ step_instance_id: 1, name: "bench", type: 1, status: 4, execute_count: 0,
                           create_time: t0, start_time: t0, end_time: t0 + 3000, total_time: 3000,
                           step_ip_result_list: rows }],
  },
});
window.__jobBody = body;
return body.length;
"#;

/// Opens the app's real job view in the running app (`history.pushState` to
/// `/jobs/biz/2/1` + `popstate`, as the app's own links do) with `window.fetch` answering
/// `get_job_instance_status` with the synthetic body; resolves with the ms from the
/// navigation to the first host row and group tab in the DOM (a MutationObserver sees them).
/// It first goes back to `/` so each run mounts the view afresh.
const JOB_VIEW_RENDER: &str = r#"
const done = arguments[arguments.length - 1];
const body = window.__jobBody;
if (!window.__realFetch) window.__realFetch = window.fetch;
window.fetch = function (input, init) {
  const url = typeof input === "string" ? input : input.url;
  if (url.includes("get_job_instance_status")) {
    return Promise.resolve(new Response(body, { status: 200, headers: { "content-type": "application/json" } }));
  }
  return window.__realFetch.call(window, input, init);
};
const go = (path) => { history.pushState(null, "", path); dispatchEvent(new PopStateEvent("popstate", { state: null })); };
const ready = () => {
  const root = document.getElementById("job-view");
  return !!(root && root.querySelector(".job-host-row") && root.querySelector(".job-group-tab"));
};
(async () => {
  go("/");
  await new Promise((r) => setTimeout(r, 300));
  if (document.getElementById("job-view")) { done("the job view stayed mounted on /"); return; }
  let finished = false;
  const finish = (v) => { if (!finished) { finished = true; obs.disconnect(); done(v); } };
  const obs = new MutationObserver(() => { if (ready()) finish(performance.now() - t0); });
  obs.observe(document.body, { childList: true, subtree: true });
  const t0 = performance.now();
  go("/jobs/biz/2/1");
  if (ready()) finish(performance.now() - t0);
  setTimeout(() => finish(null), 60000);
})();
"#;

/// In the mounted job view: `runs` group switches (a tab click) or filter inputs, each timed
/// from the event to the next task (every handler, effect and DOM update done), checking the
/// list changed. Resolves with [ms...] or a string saying what went wrong.
const JOB_VIEW_INTERACT: &str = r#"
const done = arguments[arguments.length - 1];
const [what, runs] = [arguments[0], arguments[1]];
const root = document.getElementById("job-view");
if (!root) { done("no job view"); return; }
const nextTask = () => new Promise((r) => setTimeout(r, 0));
const firstRow = () => { const r = root.querySelector(".job-host-row"); return r ? r.getAttribute("data-host-id") : ""; };
const queries = ["10.0.1", "1:10.0.12", "1000123", "10.0.2", ""];
(async () => {
  const out = [];
  let changed = 0;
  for (let i = 0; i < runs; i++) {
    const before = firstRow() + "|" + (root.querySelector('[data-field="filter_count"]') || {}).textContent;
    let t0;
    if (what === "switch") {
      const tabs = root.querySelectorAll(".job-group-tab");
      if (tabs.length < 2) { done("fewer than 2 group tabs"); return; }
      const tab = tabs[(i + 1) % tabs.length];
      t0 = performance.now();
      tab.click();
    } else {
      const input = root.querySelector('[name="host_filter"]');
      if (!input) { done("no host_filter input"); return; }
      input.value = queries[i % queries.length];
      t0 = performance.now();
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }
    await nextTask();
    out.push(performance.now() - t0);
    const after = firstRow() + "|" + (root.querySelector('[data-field="filter_count"]') || {}).textContent;
    if (after !== before) changed++;
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  }
  done({ ms: out, changed });
})();
"#;

/// The job model through the bench build's exports (`ready`: its page is open), then the real
/// job view in the production app.
async fn big_jobs(d: &WebDriver, app: &BenchServer, ready: bool) -> Value {
    let title = "5. Big jobs (50,000-host status answer)";
    let how = "A synthetic `get_job_instance_status` answer with 50,000 hosts (98 % success, a \
               tenth of them tagged `slow`, 2 % non-zero exits, 0.1 % agent errors: 4 groups), \
               built in the page as JSON text. Through src/bench.rs (bench build) into the job view's own code: \
               **parse + group** = `job::api::read_answer` + `job::hosts::HostModel::new` \
               (timed in JS around the call, so the copy of the text into wasm counts); \
               **switch group** = `HostModel::group` + `filter_group` (blank) + \
               `visible_window` (mean of 10,000 calls per run: the clock ticks in 0.1 ms); \
               **apply filter** = `filter_group` with a typed query over the biggest group (~47,000 rows) + `visible_window`. **Rendered** (production build): the app's real \
               job page (`JobView`: its `HttpJobApi`, polling, `HostResults` virtual list), \
               opened inside the running app by `history.pushState` + `popstate` to \
               `/jobs/biz/2/1` while `window.fetch` answers `get_job_instance_status` with the \
               same text: first render = navigation → first host row and group tab in the DOM \
               (MutationObserver); switch = a group tab's click, filter = an `input` event on \
               `host_filter`, each → the next task (all handlers, effects and DOM \
               updates done; the paint follows). The first job opened in a page also downloads \
               and instantiates the job view's module (`fastexec-job.js` + \
               `fastexec-job_bg.wasm`, when the build has one): that is its own row, the first \
               job of each of 5 fresh page loads (cache disabled); the first-render row is 5 \
               more openings in the last page.";
    let frame = "one frame (16 ms)";
    let view_rows = |why: &str| {
        vec![
            not_measured(FIRST_OPEN, "reference", why),
            not_measured(
                "First render of the job view (50,000 hosts)",
                RESPONSE_GOAL,
                why,
            ),
            not_measured("Switch group, rendered", frame, why),
            not_measured("Apply filter, rendered", frame, why),
        ]
    };
    let (mut rows, mut notes) = if ready {
        job_model(d, frame).await
    } else {
        let why = "the bench build's wasm exports did not load";
        let rows = vec![
            not_measured("Parse + group", RESPONSE_GOAL, why),
            not_measured("Switch group (model)", frame, why),
            not_measured("Apply filter (model)", frame, why),
        ];
        (rows, vec![])
    };
    js(d, "delete window.__jobBody; return 0;", vec![]).await;

    // The real job view of the production app, mounted over the same answer: the first job of
    // a freshly loaded page (the cache stays disabled, so the job module comes over the
    // network each time), then, in the last page, the view mounted again and again.
    let mut first_open = Vec::new();
    let mut render = Vec::new();
    let mut render_error = None;
    // ms to the first host row, or what went wrong.
    let opened = |r: WebDriverResult<ScriptRet>| match r {
        Ok(r) => match r.json() {
            Value::Number(n) => Ok(n.as_f64().unwrap_or(f64::NAN)),
            other => Err(format!("{other}")),
        },
        Err(e) => Err(e.to_string()),
    };
    for _ in 0..JOB_VIEW_MOUNTS {
        if !open_app(d, app).await {
            render_error = Some("the production app did not start".into());
            continue;
        }
        js(d, JOB_SETUP, vec![json!(JOB_HOSTS)]).await;
        match opened(d.execute_async(JOB_VIEW_RENDER, vec![]).await) {
            Ok(ms) => first_open.push(ms),
            Err(e) => render_error = Some(e),
        }
    }
    for _ in 0..JOB_VIEW_MOUNTS {
        if first_open.is_empty() {
            break;
        }
        match opened(d.execute_async(JOB_VIEW_RENDER, vec![]).await) {
            Ok(ms) => render.push(ms),
            Err(e) => render_error = Some(e),
        }
    }
    if render.is_empty() {
        let why = format!(
            "the job view did not render ({})",
            render_error.as_deref().unwrap_or("?")
        );
        rows.extend(view_rows(&why));
    } else {
        rows.push(row(FIRST_OPEN, "ms", &first_open, "reference", None));
        let m = median(&render);
        rows.push(row(
            "First render of the job view (50,000 hosts)",
            "ms",
            &render,
            RESPONSE_GOAL,
            verdict(m < 100.0),
        ));
        for (what, name) in [
            ("switch", "Switch group, rendered (tab click)"),
            ("filter", "Apply filter, rendered (typed query)"),
        ] {
            let v = match d
                .execute_async(JOB_VIEW_INTERACT, vec![json!(what), json!(20)])
                .await
            {
                Ok(r) => r.json().clone(),
                Err(e) => json!(e.to_string()),
            };
            let ms: Vec<f64> = v["ms"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default();
            if ms.is_empty() {
                rows.push(not_measured(name, frame, &format!("{v}")));
            } else {
                notes.push(format!(
                    "{name}: the list changed after {} of {} events.",
                    v["changed"],
                    ms.len()
                ));
                rows.push(row(name, "ms", &ms, frame, verdict(median(&ms) < 16.0)));
            }
        }
    }
    js(
        d,
        "delete window.__jobBody; if (window.__realFetch) window.fetch = window.__realFetch; \
         history.pushState(null, '', '/'); dispatchEvent(new PopStateEvent('popstate')); return 0;",
        vec![],
    )
    .await;
    section(title, how, rows, notes)
}

/// The first opening of a job in a page: the job module's download and start, then the view.
const FIRST_OPEN: &str =
    "First job opened in the page (loads the job view's module, then renders 50,000 hosts)";

/// The model figures on the open bench page: (rows, notes).
async fn job_model(d: &WebDriver, frame: &str) -> (Vec<Value>, Vec<String>) {
    let body_len = js(d, JOB_SETUP, vec![json!(JOB_HOSTS)]).await;
    let mut parse = Vec::new();
    let mut groups = 0;
    for _ in 0..10 {
        let v = js(
            d,
            "const t0 = performance.now(); \
             const g = window.wasmBindings.bench_job_parse_group(window.__jobBody); \
             return [performance.now() - t0, g, window.wasmBindings.bench_job_hosts()];",
            vec![],
        )
        .await;
        if let Some(ms) = v[0].as_f64() {
            parse.push(ms);
            groups = v[1].as_u64().unwrap_or(0);
        }
    }
    let hosts = js(d, "return window.wasmBindings.bench_job_hosts();", vec![]).await;
    // `reps` calls per sample, averaged: performance.now() ticks in 0.1 ms steps here.
    let timed = |call: &'static str, reps: u32| async move {
        let script = format!(
            "let n; const t0 = performance.now(); for (let k = 0; k < {reps}; k++) n = {call}; \
             return [(performance.now() - t0) / {reps}, n];"
        );
        let v = js(d, &script, vec![]).await;
        (v[0].as_f64(), v[1].as_u64())
    };
    let mut switch = Vec::new();
    for i in 0..30 {
        let call = match i % 5 {
            0 => "window.wasmBindings.bench_job_switch(0, '')",
            1 => "window.wasmBindings.bench_job_switch(1, '')",
            2 => "window.wasmBindings.bench_job_switch(2, '')",
            3 => "window.wasmBindings.bench_job_switch(3, '')",
            _ => "window.wasmBindings.bench_job_switch(4, '')",
        };
        if let (Some(ms), _) = timed(call, 10_000).await {
            switch.push(ms);
        }
    }
    let mut filter = Vec::new();
    let mut matched = Vec::new();
    for i in 0..30 {
        let call = match i % 3 {
            0 => "window.wasmBindings.bench_job_filter('10.0.1')",
            1 => "window.wasmBindings.bench_job_filter('1:10.0.12')",
            _ => "window.wasmBindings.bench_job_filter('1000123')",
        };
        if let (Some(ms), n) = timed(call, 1).await {
            filter.push(ms);
            if i < 3 {
                matched.push(n.unwrap_or(0));
            }
        }
    }
    let notes = vec![format!(
        "Answer: {:.1} MB of JSON, {} hosts read, {groups} groups; the three model filter \
         queries matched {:?} rows.",
        body_len.as_f64().unwrap_or(0.0) / 1e6,
        hosts,
        matched
    )];
    let p = median(&parse);
    let rows = vec![
        row(
            "Parse + group (read_answer + HostModel::new)",
            "ms",
            &parse,
            RESPONSE_GOAL,
            verdict(p < 100.0),
        ),
        row(
            "Switch group (model)",
            "ms",
            &switch,
            frame,
            verdict(median(&switch) < 16.0),
        ),
        row(
            "Apply filter (model)",
            "ms",
            &filter,
            frame,
            verdict(median(&filter) < 16.0),
        ),
    ];

    (rows, notes)
}

// ---------------------------------------------------------------------------------------------
// 6. Server

struct Api {
    client: reqwest::Client,
    base: String,
    auth: String,
}

impl Api {
    fn new(server: &BenchServer) -> Self {
        let auth = json!({
            "bk_app_code": demo::APP_CODE,
            "bk_app_secret": demo::APP_SECRET,
            "bk_username": demo::ADMIN,
        })
        .to_string();
        Api {
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("HTTP client"),
            base: format!("{}api/v3/", server.url),
            auth,
        }
    }

    /// Launches `echo` on hosts 101-103: the job instance ID, or what went wrong.
    async fn launch(&self) -> Result<i64, String> {
        let body = json!({
            "bk_scope_type": "biz",
            "bk_scope_id": demo::BIZ_ID,
            "script_content": bkjob_api::encode_base64("echo fastexec-bench\n"),
            "script_language": 1,
            "account_alias": "root",
            "target_server": { "host_id_list": [101, 102, 103] },
        });
        let resp = self
            .client
            .post(format!("{}fast_execute_script", self.base))
            .header("X-Bkapi-Authorization", &self.auth)
            .json(&body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let v: Value = resp.json().await.map_err(|e| e.to_string())?;
        v["data"]["job_instance_id"]
            .as_i64()
            .ok_or_else(|| format!("no job id: {v}"))
    }

    /// `Some(job status)` once finished, None while running; Err on a failed call.
    async fn finished(&self, id: i64) -> Result<Option<i64>, String> {
        let resp = self
            .client
            .get(format!("{}get_job_instance_status", self.base))
            .query(&[
                ("bk_scope_type", "biz".to_string()),
                ("bk_scope_id", demo::BIZ_ID.to_string()),
                ("job_instance_id", id.to_string()),
            ])
            .header("X-Bkapi-Authorization", &self.auth)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let v: Value = resp.json().await.map_err(|e| e.to_string())?;
        if v["data"]["finished"] == json!(true) {
            Ok(Some(
                v["data"]["job_instance"]["status"].as_i64().unwrap_or(0),
            ))
        } else if v["result"] == json!(true) {
            Ok(None)
        } else {
            Err(format!("status call failed: {v}"))
        }
    }
}

async fn server_load(server: &BenchServer) -> Value {
    let title = "6. Server (fastexec-server, release build, loopback)";
    let how = format!(
        "reqwest against the bench's fastexec-server (shipped fastexec.toml, demo app, user \
         admin, business 2): `fast_execute_script` of `echo` on hosts 101-103 (three real local \
         processes per job), then `get_job_instance_status` polled until `finished`. \
         **Latency:** {LATENCY_LAUNCHES} launches one after another, POST → finished seen \
         (polled every 5 ms). **Throughput:** {LOAD_LAUNCHES} launches by \
         {LOAD_CONCURRENCY} concurrent clients; launches/s = answered launches ÷ wall time of \
         the launch phase; then every job is polled to its end (bounded to 5 minutes) and \
         counted."
    );
    let api = Arc::new(Api::new(server));

    // Latency, one at a time.
    let mut latency = Vec::new();
    let mut latency_errors = 0;
    for _ in 0..LATENCY_LAUNCHES {
        let t0 = Instant::now();
        let Ok(id) = api.launch().await else {
            latency_errors += 1;
            continue;
        };
        let deadline = t0 + Duration::from_secs(60);
        loop {
            match api.finished(id).await {
                Ok(Some(_)) => {
                    latency.push(t0.elapsed().as_secs_f64() * 1e3);
                    break;
                }
                _ if Instant::now() > deadline => {
                    latency_errors += 1;
                    break;
                }
                _ => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        }
    }

    // Throughput: LOAD_CONCURRENCY workers take launches from a shared counter.
    let next = Arc::new(AtomicUsize::new(0));
    let t0 = Instant::now();
    let workers: Vec<_> = (0..LOAD_CONCURRENCY)
        .map(|_| {
            let (api, next) = (Arc::clone(&api), Arc::clone(&next));
            tokio::spawn(async move {
                let mut out = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < LOAD_LAUNCHES {
                    let s = Instant::now();
                    let r = api.launch().await;
                    out.push((r, s.elapsed().as_secs_f64() * 1e3));
                }
                out
            })
        })
        .collect();
    let mut launched = Vec::new();
    let mut request_ms = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    for w in workers {
        for (r, ms) in w.await.unwrap_or_default() {
            request_ms.push(ms);
            match r {
                Ok(id) => launched.push(id),
                Err(e) => errors.push(e),
            }
        }
    }
    let launch_secs = t0.elapsed().as_secs_f64();
    let distinct: HashSet<i64> = launched.iter().copied().collect();

    // Every job to its end: 10 pollers over the unfinished set, rounds 100 ms apart.
    let mut pending: Vec<i64> = distinct.iter().copied().collect();
    let mut succeeded = 0;
    let mut finished = 0;
    let deadline = Instant::now() + Duration::from_secs(300);
    while !pending.is_empty() && Instant::now() < deadline {
        let chunks: Vec<Vec<i64>> = pending
            .chunks(pending.len().div_ceil(10))
            .map(<[i64]>::to_vec)
            .collect();
        let polls: Vec<_> = chunks
            .into_iter()
            .map(|ids| {
                let api = Arc::clone(&api);
                tokio::spawn(async move {
                    let mut left = Vec::new();
                    let mut done = Vec::new();
                    for id in ids {
                        match api.finished(id).await {
                            Ok(Some(status)) => done.push(status),
                            _ => left.push(id),
                        }
                    }
                    (left, done)
                })
            })
            .collect();
        pending.clear();
        for p in polls {
            let (left, done) = p.await.unwrap_or_default();
            pending.extend(left);
            finished += done.len();
            succeeded += done.iter().filter(|&&s| s == 3).count();
        }
        if !pending.is_empty() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let all_secs = t0.elapsed().as_secs_f64();

    let complete = launched.len() == LOAD_LAUNCHES
        && distinct.len() == LOAD_LAUNCHES
        && finished == LOAD_LAUNCHES;
    let mut notes =
        vec![format!(
        "Nothing lost: {} of {LOAD_LAUNCHES} launches answered with a job ID, {} distinct IDs, \
         {finished} jobs reached `finished` ({succeeded} with status 3 success), {} launch errors, \
         {} still running at the 5-minute bound: **{}**.",
        launched.len(),
        distinct.len(),
        errors.len(),
        pending.len(),
        if complete { "all 500 accounted for" } else { "SOME LOST" }
    )];
    if let Some(e) = errors.first() {
        notes.push(format!("First launch error: {e}"));
    }
    if latency_errors > 0 {
        notes.push(format!(
            "{latency_errors} of the sequential launches failed or did not finish in 60 s."
        ));
    }
    notes.push(format!(
        "All {LOAD_LAUNCHES} jobs ({} processes) finished {all_secs:.1} s after the first launch \
         ({:.1} jobs/s end to end).",
        LOAD_LAUNCHES * 3,
        finished as f64 / all_secs
    ));
    let rate = launched.len() as f64 / launch_secs;
    section(
        title,
        &how,
        vec![
            row(
                "Launch → finished, one job at a time",
                "ms",
                &latency,
                "≤ 100 ms for echo on 3 local hosts",
                verdict(median(&latency) <= 100.0),
            ),
            json!({
                "name": format!("Launches per second ({LOAD_CONCURRENCY} concurrent)"),
                "unit": "launch/s",
                "median": round(rate),
                "runs": 1,
                "goal": "≥ 100/s on this machine",
                "verdict": verdict(rate >= 100.0),
            }),
            row(
                &format!("Launch request time under {LOAD_CONCURRENCY} concurrent"),
                "ms",
                &request_ms,
                "≤ 1 s",
                verdict(median(&request_ms) <= 1000.0),
            ),
            json!({
                "name": format!("{LOAD_LAUNCHES} launches at {LOAD_CONCURRENCY} concurrent: jobs finished (see note)"),
                "unit": format!("of {LOAD_LAUNCHES}"),
                "median": finished,
                "runs": 1,
                "goal": "all finished, all IDs distinct, none lost",
                "verdict": if complete { "goal met" } else { "goal missed" },
            }),
        ],
        notes,
    )
}
