//! `cargo xtask bench`: a benchmark, not a timed test. It reports figures and never fails on
//! noise; the only hard check is the first-visit size budget, which `cargo xtask test` also
//! runs ([`crate::size::check_size_budget`], no browser).
//!
//! Two builds: the production bundle (`trunk build --release` into `dist/`, what ships: sizes,
//! startup, the real form and the rendered job view) and a bench build (`--features bench` into
//! `<target>/bench-dist`: the same app plus the `#[wasm_bindgen]` exports of src/bench.rs, which
//! the shipped bundle must not carry, for the wasm micro-benchmarks). Then a release build of
//! `fastexec-server` → `cargo run -p e2e --release --bin bench` (headless Chromium against both
//! builds; the server's throughput) which writes `results.json` → the job history benchmark
//! (`cargo run -p fastexec-server --profile server --example history_bench`, a database of
//! 100,000 jobs, its own section) → this module adds the machine,
//! the date and the sizes ([`crate::size`]) to that file and writes `BENCHMARKS.md` from it
//! ([`crate::report`]).

use std::process::Command;

use htmlscan::Visits;
use serde_json::{json, Value};

use crate::report::render_markdown;
use crate::size::{budget, dist_sizes, kb, size_json};
use crate::util::{cargo, command, output, project_root, run as run_cmd};

/// `cargo xtask bench [--size-only] [--dist DIR] [--report DIR]`. `--size-only`: just the size
/// table of the current build, no build. `--dist`: the production build's folder (default
/// `dist/`). `--report`: where `BENCHMARKS.md` and `bench/results.json` go (default the root).
pub fn run(args: &[String]) -> Result<(), String> {
    let root = project_root();
    let mut size_only = false;
    let mut dist = root.join("dist");
    let mut report = root.clone();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut folder = |what: &str| {
            it.next()
                .ok_or(format!("{a} needs {what}"))
                .and_then(|p| std::path::absolute(p).map_err(|e| format!("{a} {p}: {e}")))
        };
        match a.as_str() {
            "--size-only" => size_only = true,
            "--dist" => dist = folder("a folder")?,
            "--report" => report = folder("a folder")?,
            other => return Err(format!("bench: unknown option {other}")),
        }
    }
    if size_only {
        let visits = Visits::of(&dist)?;
        let files = dist_sizes(&dist)?;
        for f in &files {
            println!(
                "{:>10} raw {:>10} gzip {:>10} brotli  {:<12} {}",
                kb(f.raw),
                kb(f.gzip),
                kb(f.brotli),
                visits.label(&f.path).unwrap_or("-"),
                f.path
            );
        }
        return budget(&files, &visits);
    }
    crate::setup::ensure()?;
    std::env::set_current_dir(&root).map_err(|e| e.to_string())?;

    println!("\n==> production build of the app (trunk build --release)");
    run_cmd(
        command("trunk")
            .args(["build", "--release", "--dist"])
            .arg(&dist),
    )?;

    println!("\n==> sizes of {}", dist.display());
    let visits = Visits::of(&dist)?;
    let files = dist_sizes(&dist)?;
    // Printed now; the budget verdict goes into the report (the bench itself never fails on it).
    if let Err(e) = budget(&files, &visits) {
        println!("bench: {e}");
    }

    // The micro-benchmarks call wasm exports that only this build has (see src/bench.rs).
    println!("\n==> bench build of the app (trunk build --release --features bench)");
    let bench_dist = crate::util::target_dir().join("bench-dist");
    run_cmd(
        command("trunk")
            .args(["build", "--release", "--features", "bench", "--dist"])
            .arg(&bench_dist),
    )?;

    println!("\n==> release build of fastexec-server (profile `server`)");
    run_cmd(cargo().args([
        "build",
        "-p",
        "fastexec-server",
        "--profile",
        "server",
        "--locked",
    ]))?;

    println!("\n==> browser and server benchmarks (headless Chromium, fastexec-server)");
    let out = report.join("bench/results.json");
    run_cmd(
        cargo()
            .args([
                "run",
                "-p",
                "e2e",
                "--release",
                "--locked",
                "--bin",
                "bench",
                "--",
            ])
            .arg("--out")
            .arg(&out)
            .arg("--dist")
            .arg(&dist)
            .arg("--bench-dist")
            .arg(&bench_dist)
            .env(
                "FASTEXEC_SERVER_BIN",
                crate::util::target_dir().join("server/fastexec-server"),
            ),
    )?;

    // The job history over 100,000 jobs: a database benchmark, no browser (its own section).
    println!("\n==> job history benchmark (get_job_instance_list over 100,000 jobs)");
    let history_out = crate::util::target_dir().join("history-bench.json");
    run_cmd(
        cargo()
            .args([
                "run",
                "-p",
                "fastexec-server",
                "--profile",
                "server",
                "--locked",
                "--example",
                "history_bench",
                "--",
                "--out",
            ])
            .arg(&history_out),
    )?;

    let text =
        std::fs::read_to_string(&out).map_err(|e| format!("cannot read {}: {e}", out.display()))?;
    let mut results: Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", out.display()))?;
    let history = std::fs::read_to_string(&history_out)
        .map_err(|e| format!("cannot read {}: {e}", history_out.display()))
        .and_then(|t| serde_json::from_str::<Value>(&t).map_err(|e| e.to_string()))?;
    if let Some(sections) = results["sections"].as_array_mut() {
        sections.push(history);
    }
    results["machine"] = machine();
    results["date"] = Value::String(utc_now());
    results["size"] = size_json(&files, &visits);
    let pretty = serde_json::to_string_pretty(&results).map_err(|e| e.to_string())?;
    std::fs::write(&out, pretty + "\n").map_err(|e| e.to_string())?;
    let md_path = report.join("BENCHMARKS.md");
    std::fs::write(&md_path, render_markdown(&results)).map_err(|e| e.to_string())?;
    println!("\nbench: wrote {} and {}", md_path.display(), out.display());
    Ok(())
}

/// CPU model, cores, memory, OS and the tool versions that shape the figures.
fn machine() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let os = std::fs::read_to_string("/etc/os-release")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|v| v.trim_matches('"').to_string())
        .unwrap_or_else(|| std::env::consts::OS.into());
    json!({
        "cpu": cpu,
        "cores": cores,
        "memory_gib": (mem_kib as f64 / 1024.0 / 1024.0 * 10.0).round() / 10.0,
        "os": os,
        "chromium": output(Command::new("/usr/bin/chromium").arg("--version")).unwrap_or_default(),
        "rustc": output(Command::new("rustc").arg("--version")).unwrap_or_default(),
    })
}

/// "YYYY-MM-DD HH:MM UTC" from the system's `date` (a calendar of our own would be one more
/// copy of bkjob-api's day arithmetic).
fn utc_now() -> String {
    output(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"])).unwrap_or_default()
}
