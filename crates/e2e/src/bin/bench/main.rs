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
//!
//! One module per figure (`startup`, `encoding`, `typing`, `big_jobs`, `rolling`, `server_load`); the
//! scripts they run in the page are plain files under `js/`, included with `include_str!`.

mod big_jobs;
mod encoding;
mod page;
mod rolling;
mod serve;
mod server_load;
mod startup;
mod stats;
mod typing;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use e2e::{project_root, Browser};
use serde_json::json;

use page::open_bench;
use serve::BenchServer;

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
        sections.push(startup::startup(d, &app).await);
        println!("bench: startup done ({:?})", started.elapsed());
        let ready = open_bench(d, &bench).await;
        sections.push(encoding::encoding(d, ready).await);
        println!("bench: encoding done ({:?})", started.elapsed());
        sections.push(typing::typing(d, &app, ready).await);
        println!("bench: typing done ({:?})", started.elapsed());
        let ready = open_bench(d, &bench).await;
        sections.push(big_jobs::big_jobs(d, &app, ready).await);
        println!("bench: big jobs done ({:?})", started.elapsed());
        let ready = open_bench(d, &bench).await;
        sections.push(rolling::rolling(d, ready).await);
        println!("bench: rolling done ({:?})", started.elapsed());
        let _ = browser.driver.clone().quit().await;
    }
    drop(bench);
    sections.push(server_load::server_load(&app).await);
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
