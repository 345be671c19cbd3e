//! `cargo xtask <command>`: project automation in plain Rust. It must build on a fresh machine
//! before anything else is installed, so it depends only on small pure-Rust crates (brotli,
//! flate2, serde_json: the sizes and results of `bench`) and the workspace's `htmlscan`.
//!
//! - `setup`: install whatever is missing (wasm target, Chromium + ChromeDriver, trunk,
//!   wasm-bindgen-cli at the lockfile's version, the pinned wasm-opt, the crates). Idempotent.
//! - `test`:  setup, then fmt, clippy, native tests, wasm tests in headless Chromium, release build,
//!   end-to-end tests. Fails if any step fails.
//! - `dev`:   setup, build the app in release mode and run `fastexec-server` serving it.

mod bench;
mod report;
mod setup;
mod size;
mod util;

use std::process::ExitCode;

use util::{cargo, command, project_root, run};

const USAGE: &str = "usage: cargo xtask <setup|test|dev|bench|help>

  setup   install what is missing (idempotent; a second run does nothing)
  test    setup, then fmt, clippy, native tests, wasm tests (headless Chromium),
          release build, end-to-end tests
  dev     setup, build the app (release) and run fastexec-server serving it
          options: --listen ADDR (default 127.0.0.1:8000), --config FILE
  bench   release build, sizes, browser + server benchmarks -> BENCHMARKS.md, bench/results.json
          (micro-benchmarks on a second build with --features bench, in <target>/bench-dist)
          options: --size-only (sizes of the current build only), --dist DIR (production
          build folder, default dist), --report DIR (where BENCHMARKS.md and
          bench/results.json go, default the repository root)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::ensure().map(|_| ()),
        Some("test") => test(),
        Some("dev") => dev(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("help") | Some("--help") | Some("-h") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Every suite, in the order that fails fastest: cheap static checks first, browsers last.
fn test() -> Result<(), String> {
    setup::ensure()?;
    let root = project_root();
    std::env::set_current_dir(&root).map_err(|e| e.to_string())?;

    step("cargo fmt --check")?;
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;

    step("cargo clippy (native, all targets)")?;
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]))?;
    // Twice: as shipped, and with the `bench` feature, so the benchmark exports (src/bench.rs)
    // are linted too and code only they use is caught as dead in the shipped build.
    for features in [&[][..], &["--features", "bench"]] {
        step(&format!(
            "cargo clippy (wasm32, app) {}",
            features.join(" ")
        ))?;
        run(cargo()
            .args([
                "clippy",
                "-p",
                "fastexec",
                "--all-targets",
                "--target",
                "wasm32-unknown-unknown",
                "--locked",
            ])
            .args(features)
            .args(["--", "-D", "warnings"]))?;
    }

    step("native tests (workspace)")?;
    // The end-to-end crate needs the release build and a server binary; it runs last.
    run(cargo().args(["test", "--workspace", "--exclude", "e2e", "--locked"]))?;

    step("wasm tests in headless Chromium")?;
    // Only the root package: the other members are native-only (tokio, processes).
    run(cargo().args([
        "test",
        "-p",
        "fastexec",
        "--target",
        "wasm32-unknown-unknown",
        "--locked",
    ]))?;

    step("release build of the app (trunk)")?;
    trunk_build_release()?;

    step("end-to-end tests (fastexec-server + headless Chromium)")?;
    run(cargo().args(["build", "-p", "fastexec-server", "--locked"]))?;
    run(cargo().args(["test", "-p", "e2e", "--locked"]).env(
        "FASTEXEC_SERVER_BIN",
        util::target_dir().join("debug/fastexec-server"),
    ))?;

    // Last, so a size regression never hides a failing test (or the other way round).
    step("first-visit size budget")?;
    size::check_size_budget(&root.join("dist"))?;

    println!("\nxtask test: all suites passed");
    Ok(())
}

fn dev(args: &[String]) -> Result<(), String> {
    let mut listen = "127.0.0.1:8000".to_string();
    let mut config = "fastexec.toml".to_string();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--listen" => listen = it.next().ok_or("--listen needs an address")?.clone(),
            "--config" => config = it.next().ok_or("--config needs a file")?.clone(),
            other => return Err(format!("unknown option {other}\n\n{USAGE}")),
        }
    }
    setup::ensure()?;
    let root = project_root();
    std::env::set_current_dir(&root).map_err(|e| e.to_string())?;
    step("release build of the app (trunk)")?;
    trunk_build_release()?;
    step("fastexec-server")?;
    let data_dir = root.join(".fastexec-data");
    run(cargo()
        .args([
            "run",
            // The server's profile: release optimizations, but panics unwind (Cargo.toml).
            "--profile",
            "server",
            "--locked",
            "-p",
            "fastexec-server",
            "--",
        ])
        .args(["--config", &config, "--listen", &listen, "--dist", "dist"])
        .arg("--data-dir")
        .arg(&data_dir))
}

/// `trunk build --release` with the npm wasm-opt first on PATH (trunk finds tools only on PATH).
fn trunk_build_release() -> Result<(), String> {
    run(command("trunk").args(["build", "--release"]))
}

fn step(name: &str) -> Result<(), String> {
    println!("\n==> {name}");
    Ok(())
}
