//! `cargo xtask setup`: installs what is missing and nothing else.
//!
//! Every step first checks what is there (an exact version where one is pinned), so a second run
//! does nothing and says so. Nothing here downloads a prebuilt binary: tools come from the crates
//! registry (built from source), Debian and npm, the only sources this machine can reach.

use std::process::Command;

use crate::util::{cargo, command, output, project_root, run};

/// trunk 0.22 needs rustc >= 1.96.1; 0.21.14 is the newest that builds on 1.95.
const TRUNK_VERSION: &str = "0.21.14";
/// The npm binaryen whose wasm-opt trunk must use (Trunk.toml pins `version_132`).
const WASM_OPT_VERSION: &str = "132";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
// A CJK font: the zh-CN screenshots (and any look at the Chinese UI in headless Chromium)
// would show empty boxes without one.
const APT_PACKAGES: [&str; 3] = ["chromium", "chromium-driver", "fonts-wqy-microhei"];

/// One install step: returns whether it installed something.
type Step = fn() -> Result<bool, String>;

/// Returns how many things were installed (0 on a machine that is already set up).
pub fn ensure() -> Result<usize, String> {
    println!("==> setup");
    let steps: [(&str, Step); 6] = [
        ("wasm32 target", wasm_target),
        ("Chromium + ChromeDriver + a CJK font (Debian)", chromium),
        ("trunk", trunk),
        ("wasm-bindgen-cli", wasm_bindgen_cli),
        (
            "npm packages (binaryen wasm-opt, terser, esbuild, CodeMirror)",
            npm_tools,
        ),
        ("crates (cargo fetch)", crates),
    ];
    let mut installed = 0;
    for (name, f) in steps {
        if f()? {
            println!("setup: installed {name}");
            installed += 1;
        } else {
            println!("setup: {name}: already present");
        }
    }
    if installed == 0 {
        println!("setup: nothing to do, everything is installed");
    }
    Ok(installed)
}

fn wasm_target() -> Result<bool, String> {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(false);
    }
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    Ok(true)
}

fn chromium() -> Result<bool, String> {
    let missing: Vec<&str> = APT_PACKAGES
        .into_iter()
        .filter(|p| !dpkg_installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(false);
    }
    // apt-get needs root; CI and the developer machines run as root, elsewhere use sudo.
    let is_root = output(Command::new("id").arg("-u")).as_deref() == Some("0");
    let apt = |args: &[&str]| {
        let mut c = if is_root {
            Command::new("apt-get")
        } else {
            let mut s = Command::new("sudo");
            s.arg("apt-get");
            s
        };
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    run(&mut apt(&["update"]))?;
    // With recommends, as the proven recipe does (fonts and the like Chromium expects).
    let mut install = apt(&["install", "-y"]);
    install.args(&missing);
    run(&mut install)?;
    Ok(true)
}

fn dpkg_installed(package: &str) -> bool {
    output(Command::new("dpkg-query").args(["-W", "-f=${Status}", package]))
        .is_some_and(|s| s.ends_with("install ok installed"))
}

fn trunk() -> Result<bool, String> {
    let want = format!("trunk {TRUNK_VERSION}");
    if output(command("trunk").arg("--version")).as_deref() == Some(want.as_str()) {
        return Ok(false);
    }
    // No default features: drops trunk's update check, which would call out to the internet.
    run(cargo().args([
        "install",
        "--locked",
        &format!("trunk@{TRUNK_VERSION}"),
        "--no-default-features",
        "--features",
        "rustls",
    ]))?;
    Ok(true)
}

fn wasm_bindgen_cli() -> Result<bool, String> {
    let version = lockfile_version("wasm-bindgen")?;
    let want = format!("wasm-bindgen {version}");
    let have = output(command("wasm-bindgen").arg("--version"));
    if have.as_deref() == Some(want.as_str()) {
        return Ok(false);
    }
    // Its own lockfile pins a webpki-roots the registry here lacks, so fall back to resolving.
    let locked = run(cargo().args([
        "install",
        "--locked",
        "wasm-bindgen-cli",
        "--version",
        &version,
    ]));
    if locked.is_err() {
        println!("setup: --locked install failed; retrying without the CLI's own lockfile");
        run(cargo().args(["install", "wasm-bindgen-cli", "--version", &version]))?;
    }
    Ok(true)
}

/// The npm packages of package.json: binaryen's wasm-opt (checked by version), terser (the
/// release build's post-build hook, tools/post-build.mjs), esbuild and CodeMirror (the
/// on-demand script editor, tools/pre-build.mjs). `npm ci` again when any is missing.
fn npm_tools() -> Result<bool, String> {
    let root = project_root();
    let bin = root.join("node_modules/.bin/wasm-opt");
    let manifest = std::fs::read_to_string(root.join("package.json"))
        .map_err(|e| format!("cannot read package.json: {e}"))?;
    let manifest: serde_json::Value =
        serde_json::from_str(&manifest).map_err(|e| format!("package.json: {e}"))?;
    let all_there = manifest["devDependencies"].as_object().is_some_and(|deps| {
        deps.keys().all(|name| {
            root.join("node_modules")
                .join(name)
                .join("package.json")
                .exists()
        })
    });
    if bin.exists() && all_there {
        let v = output(command(bin.to_str().unwrap()).arg("--version")).unwrap_or_default();
        if v.contains(&format!("version {WASM_OPT_VERSION}")) {
            return Ok(false);
        }
    }
    run(command("npm").args(["ci", "--no-audit", "--no-fund"]))?;
    Ok(true)
}

/// trunk passes `--offline` to cargo (Trunk.toml `offline = true`), so the crates must be cached.
fn crates() -> Result<bool, String> {
    // `cargo fetch` is itself idempotent; it only reports work when something was downloaded.
    let out = cargo()
        .args(["fetch", "--locked"])
        .output()
        .map_err(|e| format!("cannot run cargo fetch: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("cargo fetch --locked failed:\n{stderr}"));
    }
    Ok(stderr.contains("Downloaded"))
}

/// The version of `package` in Cargo.lock (the CLI must match the library exactly).
fn lockfile_version(package: &str) -> Result<String, String> {
    let lock = std::fs::read_to_string(project_root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let name_line = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == name_line {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
            {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err(format!("{package} is not in Cargo.lock"))
}
