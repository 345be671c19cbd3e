//! `cargo xtask bench`: a benchmark, not a timed test. It reports figures and never fails on
//! noise; the only hard check is the first-visit size budget, which `cargo xtask test` also
//! runs ([`check_size_budget`], no browser).
//!
//! Steps: setup → `trunk build --release` → sizes of every file of `dist/` (here) → release
//! build of `fastexec-server` → `cargo run -p e2e --release --bin bench` (startup, encoding,
//! typing, big jobs in headless Chromium; the server's throughput) which writes
//! `bench/results.json` → this module adds the machine, the date and the sizes to that file and
//! writes `BENCHMARKS.md` from it.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use crate::util::{cargo, command, output, project_root, run as run_cmd};

/// The goal for the first visit (index.html + JS + wasm + CSS), brotli quality 11
/// (KB = 1000 bytes): 150 KB.
pub const FIRST_VISIT_BROTLI_BUDGET: u64 = 150_000;

/// What `cargo xtask test` enforces until the goal is met: a ratchet at today's size plus a
/// little slack, so the bundle cannot grow while it is being cut down. Lower it with every cut;
/// never raise it. Once the first visit is within [`FIRST_VISIT_BROTLI_BUDGET`], set it to that.
pub const FIRST_VISIT_BROTLI_CEILING: u64 = 260_000;

/// One file of `dist/`: raw, gzip -9 and brotli q11 sizes in bytes.
#[derive(Clone, Debug)]
pub struct FileSize {
    /// Path relative to `dist/`, `/`-separated.
    pub path: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

impl FileSize {
    /// Does a first visit download it? The page, its scripts, the wasm and the styles.
    fn first_visit(&self) -> bool {
        self.path == "index.html"
            || [".js", ".wasm", ".css"]
                .iter()
                .any(|ext| self.path.ends_with(ext))
    }
}

/// Sizes of every file under `dist` (sorted by path).
pub fn dist_sizes(dist: &Path) -> Result<Vec<FileSize>, String> {
    let mut files = Vec::new();
    collect_files(dist, dist, &mut files)?;
    files.sort();
    files
        .into_iter()
        .map(|(rel, path)| {
            let bytes =
                std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Ok(FileSize {
                path: rel,
                raw: bytes.len() as u64,
                gzip: gzip_len(&bytes)?,
                brotli: brotli_len(&bytes)?,
            })
        })
        .collect()
}

fn collect_files(base: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Trunk's staging folder is not served.
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect_files(base, &path, out)?;
        } else {
            let rel = path
                .strip_prefix(base)
                .map_err(|e| e.to_string())?
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, path));
        }
    }
    Ok(())
}

fn gzip_len(bytes: &[u8]) -> Result<u64, String> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).map_err(|e| e.to_string())?;
    Ok(enc.finish().map_err(|e| e.to_string())?.len() as u64)
}

fn brotli_len(bytes: &[u8]) -> Result<u64, String> {
    let mut out = Vec::new();
    {
        // Quality 11, window 22 (the `brotli` CLI's defaults).
        let mut enc = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        enc.write_all(bytes).map_err(|e| e.to_string())?;
        enc.flush().map_err(|e| e.to_string())?;
    }
    Ok(out.len() as u64)
}

/// Sums of the first-visit files: (raw, gzip, brotli).
fn first_visit(files: &[FileSize]) -> (u64, u64, u64) {
    files
        .iter()
        .filter(|f| f.first_visit())
        .fold((0, 0, 0), |(r, g, b), f| {
            (r + f.raw, g + f.gzip, b + f.brotli)
        })
}

/// The hard check of `cargo xtask test`: the first visit of the release build in `dist` is at
/// most [`FIRST_VISIT_BROTLI_BUDGET`] bytes brotli. Prints the figure either way. Compresses
/// only the first-visit files, brotli only.
pub fn check_size_budget(dist: &Path) -> Result<(), String> {
    let mut files = Vec::new();
    collect_files(dist, dist, &mut files)?;
    if !files.iter().any(|(rel, _)| rel == "index.html") {
        return Err(format!(
            "{} has no index.html: build the app first",
            dist.display()
        ));
    }
    let mut sizes = Vec::new();
    for (rel, path) in files {
        let mut f = FileSize {
            path: rel,
            raw: 0,
            gzip: 0,
            brotli: 0,
        };
        if f.first_visit() {
            let bytes =
                std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            f.raw = bytes.len() as u64;
            f.brotli = brotli_len(&bytes)?;
            sizes.push(f);
        }
    }
    budget(&sizes)
}

/// Prints the first-visit figure against the goal and fails above the ceiling.
fn budget(files: &[FileSize]) -> Result<(), String> {
    let (raw, _, brotli) = first_visit(files);
    let verdict = if brotli <= FIRST_VISIT_BROTLI_BUDGET {
        "within budget"
    } else {
        "OVER BUDGET"
    };
    println!(
        "size budget: first visit (index.html + JS + wasm + CSS) {} brotli q11 ({} raw), \
         budget {}: {verdict}; enforced ceiling {}",
        kb(brotli),
        kb(raw),
        kb(FIRST_VISIT_BROTLI_BUDGET),
        kb(FIRST_VISIT_BROTLI_CEILING)
    );
    if brotli > FIRST_VISIT_BROTLI_CEILING {
        return Err(format!(
            "the first visit is {} brotli, over the enforced ceiling of {} (goal {}; \
             `cargo xtask bench --size-only` lists every file)",
            kb(brotli),
            kb(FIRST_VISIT_BROTLI_CEILING),
            kb(FIRST_VISIT_BROTLI_BUDGET)
        ));
    }
    Ok(())
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

/// `cargo xtask bench` (`--size-only`: just the size table of the current `dist/`, no build).
pub fn run() -> Result<(), String> {
    if std::env::args().any(|a| a == "--size-only") {
        let files = dist_sizes(&project_root().join("dist"))?;
        for f in &files {
            println!(
                "{:>10} raw {:>10} gzip {:>10} brotli  {}",
                kb(f.raw),
                kb(f.gzip),
                kb(f.brotli),
                f.path
            );
        }
        return budget(&files);
    }
    crate::setup::ensure()?;
    let root = project_root();
    std::env::set_current_dir(&root).map_err(|e| e.to_string())?;

    println!("\n==> release build of the app (trunk)");
    run_cmd(command("trunk").args(["build", "--release"]))?;

    println!("\n==> sizes of dist/");
    let files = dist_sizes(&root.join("dist"))?;
    // Printed now; the budget verdict goes into the report (the bench itself never fails on it).
    if let Err(e) = budget(&files) {
        println!("bench: {e}");
    }

    println!("\n==> release build of fastexec-server");
    run_cmd(cargo().args(["build", "-p", "fastexec-server", "--release", "--locked"]))?;

    println!("\n==> browser and server benchmarks (headless Chromium, fastexec-server)");
    let out = root.join("bench/results.json");
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
            .env(
                "FASTEXEC_SERVER_BIN",
                crate::util::target_dir().join("release/fastexec-server"),
            ),
    )?;

    let text =
        std::fs::read_to_string(&out).map_err(|e| format!("cannot read {}: {e}", out.display()))?;
    let mut results: Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", out.display()))?;
    results["machine"] = machine();
    results["date"] = Value::String(utc_now());
    results["size"] = size_json(&files);
    let pretty = serde_json::to_string_pretty(&results).map_err(|e| e.to_string())?;
    std::fs::write(&out, pretty + "\n").map_err(|e| e.to_string())?;
    let md = render_markdown(&results);
    std::fs::write(root.join("BENCHMARKS.md"), md).map_err(|e| e.to_string())?;
    println!("\nbench: wrote BENCHMARKS.md and bench/results.json");
    Ok(())
}

fn size_json(files: &[FileSize]) -> Value {
    let (raw, gzip, brotli) = first_visit(files);
    json!({
        "files": files.iter().map(|f| json!({
            "path": f.path,
            "raw": f.raw,
            "gzip": f.gzip,
            "brotli": f.brotli,
            "first_visit": f.first_visit(),
        })).collect::<Vec<_>>(),
        "first_visit": { "raw": raw, "gzip": gzip, "brotli": brotli },
        "budget_brotli": FIRST_VISIT_BROTLI_BUDGET,
        "within_budget": brotli <= FIRST_VISIT_BROTLI_BUDGET,
    })
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

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// A figure with up to 3 significant decimals, trimmed.
fn fmt_num(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// `BENCHMARKS.md` from the merged results.
pub fn render_markdown(r: &Value) -> String {
    let mut md = String::new();
    let m = &r["machine"];
    md.push_str("# Benchmarks\n\n");
    md.push_str(
        "Generated by `cargo xtask bench` (do not edit by hand; the raw figures are in \
         [`bench/results.json`](bench/results.json)). A benchmark, not a test: the figures are \
         reported, never asserted, except the first-visit size, which `cargo xtask test` \
         holds under a ceiling (a ratchet at today's size until the 150 KB goal is met).\n\n",
    );
    md.push_str(&format!(
        "- **Date:** {}\n- **Machine:** {}, {} cores, {} GiB memory, {}\n- **Browser:** {} \
         (headless, through chromedriver)\n- **Toolchain:** {}\n\n",
        r["date"].as_str().unwrap_or("?"),
        m["cpu"].as_str().unwrap_or("?"),
        m["cores"],
        m["memory_gib"],
        m["os"].as_str().unwrap_or("?"),
        m["chromium"].as_str().unwrap_or("?"),
        m["rustc"].as_str().unwrap_or("?"),
    ));
    md.push_str(
        "Times are the **median** of repeated runs with the spread as **p10–p90** (and \
         min–max); *n* is the number of runs. MB = 10^6 bytes of input, KB = 1000 bytes.\n\n",
    );

    // Size.
    let s = &r["size"];
    md.push_str("## 1. Size (`dist/`)\n\n");
    let fv = &s["first_visit"];
    md.push_str(&format!(
        "**First visit** (index.html + JS + wasm + CSS): **{} brotli** (q11), {} gzip -9, {} \
         raw. Goal: at most **{} brotli**: **{}**. `cargo xtask test` fails above {} (the \
         ceiling, lowered with every cut).\n\n",
        kb(fv["brotli"].as_u64().unwrap_or(0)),
        kb(fv["gzip"].as_u64().unwrap_or(0)),
        kb(fv["raw"].as_u64().unwrap_or(0)),
        kb(s["budget_brotli"].as_u64().unwrap_or(0)),
        if s["within_budget"] == Value::Bool(true) {
            "within budget"
        } else {
            "OVER BUDGET"
        },
        kb(FIRST_VISIT_BROTLI_CEILING),
    ));
    md.push_str(
        "| File | Raw | gzip -9 | brotli q11 | First visit |\n|---|---:|---:|---:|:---:|\n",
    );
    for f in s["files"].as_array().into_iter().flatten() {
        md.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            f["path"].as_str().unwrap_or("?"),
            kb(f["raw"].as_u64().unwrap_or(0)),
            kb(f["gzip"].as_u64().unwrap_or(0)),
            kb(f["brotli"].as_u64().unwrap_or(0)),
            if f["first_visit"] == Value::Bool(true) {
                "yes"
            } else {
                ""
            },
        ));
    }
    md.push('\n');

    // Timed sections, in the order the bench binary wrote them.
    for section in r["sections"].as_array().into_iter().flatten() {
        md.push_str(&format!(
            "## {}\n\n",
            section["title"].as_str().unwrap_or("?")
        ));
        if let Some(how) = section["how"].as_str() {
            md.push_str(how);
            md.push_str("\n\n");
        }
        md.push_str(
            "| Figure | Median | p10–p90 | min–max | n | Goal |\n|---|---:|---:|---:|---:|---|\n",
        );
        for row in section["rows"].as_array().into_iter().flatten() {
            let name = cell(row["name"].as_str().unwrap_or("?"));
            let goal = cell(row["goal"].as_str().unwrap_or(""));
            if let Some(why) = row["not_measured"].as_str() {
                md.push_str(&format!(
                    "| {name} | not measured: {} | | | | {goal} |\n",
                    cell(why)
                ));
                continue;
            }
            let unit = row["unit"].as_str().unwrap_or("");
            // Sub-0.1 ms times read better in µs.
            let tiny = unit == "ms"
                && num(&row["median"]).is_some_and(|m| m < 0.1)
                && num(&row["max"]).is_none_or(|m| m < 0.1);
            let (unit, scale) = if tiny { ("µs", 1000.0) } else { (unit, 1.0) };
            let fmt_num = |x: f64| fmt_num(x * scale);
            let with_unit = |x: f64| {
                if unit.is_empty() {
                    fmt_num(x)
                } else if unit == "×" {
                    format!("{}×", fmt_num(x))
                } else {
                    format!("{} {unit}", fmt_num(x))
                }
            };
            let pair = |a: &str, b: &str| match (num(&row[a]), num(&row[b])) {
                (Some(x), Some(y)) => format!("{}–{}", fmt_num(x), fmt_num(y)),
                _ => String::new(),
            };
            let median = num(&row["median"]).map(with_unit).unwrap_or_default();
            let verdict = row["verdict"]
                .as_str()
                .map(|v| format!(" ({v})"))
                .unwrap_or_default();
            md.push_str(&format!(
                "| {name} | **{median}**{verdict} | {} | {} | {} | {goal} |\n",
                pair("p10", "p90"),
                pair("min", "max"),
                row["runs"]
                    .as_u64()
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
            ));
        }
        if let Some(notes) = section["notes"].as_array() {
            md.push('\n');
            for n in notes {
                md.push_str(&format!("- {}\n", n.as_str().unwrap_or("")));
            }
        }
        md.push('\n');
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_sizes_are_smaller_for_text() {
        let text = "fastexec ".repeat(1000);
        assert!(gzip_len(text.as_bytes()).unwrap() < 200);
        assert!(brotli_len(text.as_bytes()).unwrap() < 200);
    }

    #[test]
    fn first_visit_files() {
        let f = |p: &str| FileSize {
            path: p.into(),
            raw: 10,
            gzip: 5,
            brotli: 4,
        };
        let files = [
            f("index.html"),
            f("app-1.js"),
            f("app-1_bg.wasm"),
            f("main-2.css"),
            f("favicon.ico"),
            f("other.html"),
        ];
        assert_eq!(first_visit(&files), (40, 20, 16));
    }
}
