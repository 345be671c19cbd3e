//! `cargo xtask bench`: a benchmark, not a timed test. It reports figures and never fails on
//! noise; the only hard check is the first-visit size budget, which `cargo xtask test` also
//! runs ([`check_size_budget`], no browser).
//!
//! Two builds: the production bundle (`trunk build --release` into `dist/`, what ships: sizes,
//! startup, the real form and the rendered job view) and a bench build (`--features bench` into
//! `<target>/bench-dist`: the same app plus the `#[wasm_bindgen]` exports of src/bench.rs, which
//! the shipped bundle must not carry, for the wasm micro-benchmarks). Then a release build of
//! `fastexec-server` → `cargo run -p e2e --release --bin bench` (headless Chromium against both
//! builds; the server's throughput) which writes `results.json` → this module adds the machine,
//! the date and the sizes to that file and writes `BENCHMARKS.md` from it.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use crate::util::{cargo, command, output, project_root, run as run_cmd};

/// The goal for the first visit (see [`Visits`]), brotli quality 11 (KB = 1000 bytes): 150 KB.
pub const FIRST_VISIT_BROTLI_BUDGET: u64 = 150_000;

/// What `cargo xtask test` enforces: the goal itself, now that the first visit is within it (it
/// was a ratchet at the size of the day while the bundle was being cut down). Never raise it.
pub const FIRST_VISIT_BROTLI_CEILING: u64 = FIRST_VISIT_BROTLI_BUDGET;

/// The on-demand module (job view, recent jobs, request preview, permission details; Trunk
/// `data-type="worker"` asset, unhashed names) and its stylesheet. The app imports them with a
/// dynamic `import()` when one of those is shown, so a first visit never loads them.
pub const JOB_MODULE: [&str; 3] = ["fastexec-job.js", "fastexec-job_bg.wasm", "job.css"];

/// One file of `dist/`: raw, gzip -9 and brotli q11 sizes in bytes.
#[derive(Clone, Debug)]
pub struct FileSize {
    /// Path relative to `dist/`, `/`-separated.
    pub path: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

/// Which files of `dist/` a browser downloads (paths relative to `dist/`, `/`-separated).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Visits {
    /// Opening `/`: `index.html`, every local file it references (`src` of any element, `href`
    /// of `<link>`: styles, Trunk's preload and modulepreload links), and, recursively, the
    /// static `import`/`export … from` of those scripts and of its inline module scripts (how
    /// wasm-bindgen snippets load). A wasm-bindgen glue `x.js` brings its `x_bg.wasm` (its
    /// `init` fetches it). Dynamic `import()` is not followed: it runs on demand.
    pub first: BTreeSet<String>,
    /// Opening a job link adds these: [`JOB_MODULE`] and its own static imports.
    pub job_extra: BTreeSet<String>,
    /// Whether `dist/` has the job module at all (it is built only once the job view is split).
    pub job_module: bool,
}

impl Visits {
    /// Works out both visits from `dist/index.html` and the scripts it reaches. Err when
    /// index.html is missing or names a local file that `dist` lacks (an incomplete build).
    pub fn of(dist: &Path) -> Result<Visits, String> {
        let html = std::fs::read_to_string(dist.join("index.html")).map_err(|e| {
            format!(
                "cannot read {}/index.html ({e}): build the app first",
                dist.display()
            )
        })?;
        let mut first = BTreeSet::from(["index.html".to_string()]);
        let roots = html_refs(&html)
            .into_iter()
            .filter_map(|r| resolve("", &r.url, !r.import).map(|p| (p, "index.html".to_string())))
            .collect();
        reach(dist, roots, &mut first)?;
        let job_module = dist.join(JOB_MODULE[0]).is_file();
        let mut with_job = first.clone();
        let roots = JOB_MODULE
            .iter()
            .filter(|f| dist.join(f).is_file())
            .map(|f| (f.to_string(), "the job link".to_string()))
            .collect();
        reach(dist, roots, &mut with_job)?;
        let job_extra = with_job.difference(&first).cloned().collect();
        Ok(Visits {
            first,
            job_extra,
            job_module,
        })
    }

    fn label(&self, path: &str) -> Option<&'static str> {
        if self.first.contains(path) {
            Some("first visit")
        } else if self.job_extra.contains(path) {
            Some("job link")
        } else {
            None
        }
    }
}

/// Adds `roots` (path, who refers to it) and everything they import statically to `seen`.
fn reach(
    dist: &Path,
    roots: Vec<(String, String)>,
    seen: &mut BTreeSet<String>,
) -> Result<(), String> {
    let mut queue = roots;
    while let Some((path, from)) = queue.pop() {
        if seen.contains(&path) {
            continue;
        }
        let file = dist.join(&path);
        if !file.is_file() {
            return Err(format!(
                "{from} refers to /{path}, which {} lacks (an incomplete build?)",
                dist.display()
            ));
        }
        seen.insert(path.clone());
        if !(path.ends_with(".js") || path.ends_with(".mjs")) {
            continue;
        }
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        for spec in static_imports(&text) {
            if let Some(p) = resolve(dir, &spec, false) {
                queue.push((p, path.clone()));
            }
        }
        // wasm-bindgen's glue fetches its own wasm in `init`.
        if let Some(stem) = path.strip_suffix(".js") {
            let wasm = format!("{stem}_bg.wasm");
            if dist.join(&wasm).is_file() {
                queue.push((wasm, path.clone()));
            }
        }
    }
    Ok(())
}

/// A URL found in index.html: an attribute value, or (`import`) a module specifier of an
/// inline `<script type="module">`.
#[derive(Debug, PartialEq, Eq)]
struct HtmlRef {
    url: String,
    import: bool,
}

/// The downloads an HTML page names: `src` on any element, `href` on `<link>` (not `<a>`: a
/// navigation), and the static imports of inline module scripts. Handles Trunk's minified
/// output (unquoted attribute values).
fn html_refs(html: &str) -> Vec<HtmlRef> {
    let s = html.as_bytes();
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(at) = html[i..].find('<').map(|k| i + k) {
        i = at + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(s.len(), |k| i + k + 3);
            continue;
        }
        if !s.get(i).is_some_and(u8::is_ascii_alphabetic) {
            // `</tag>`, `<!doctype>` or a stray `<`.
            continue;
        }
        let name_end = (i..s.len())
            .find(|&k| !s[k].is_ascii_alphanumeric() && s[k] != b'-')
            .unwrap_or(s.len());
        let tag = lower[i..name_end].to_string();
        i = name_end;
        let mut attrs = Vec::new();
        loop {
            while i < s.len() && (s[i].is_ascii_whitespace() || s[i] == b'/') {
                i += 1;
            }
            if i >= s.len() || s[i] == b'>' {
                i += 1;
                break;
            }
            let n0 = i;
            while i < s.len() && !s[i].is_ascii_whitespace() && !b"=>/".contains(&s[i]) {
                i += 1;
            }
            let name = lower[n0..i].to_string();
            while i < s.len() && s[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if s.get(i) == Some(&b'=') {
                i += 1;
                while i < s.len() && s[i].is_ascii_whitespace() {
                    i += 1;
                }
                if let Some(&q @ (b'"' | b'\'')) = s.get(i) {
                    let end = html[i + 1..].find(q as char).map_or(s.len(), |k| i + 1 + k);
                    value = html[i + 1..end].to_string();
                    i = (end + 1).min(s.len());
                } else {
                    let v0 = i;
                    while i < s.len() && !s[i].is_ascii_whitespace() && s[i] != b'>' {
                        i += 1;
                    }
                    value = html[v0..i].to_string();
                }
            }
            attrs.push((name, value));
        }
        i = i.min(s.len());
        let attr = |n: &str| attrs.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
        if let Some(src) = attr("src") {
            out.push(HtmlRef {
                url: src.trim().to_string(),
                import: false,
            });
        }
        if tag == "link" {
            if let Some(href) = attr("href") {
                out.push(HtmlRef {
                    url: href.trim().to_string(),
                    import: false,
                });
            }
        }
        if tag == "script" || tag == "style" {
            // Raw text up to the closing tag.
            let close = format!("</{tag}");
            let end = lower[i..].find(&close).map_or(s.len(), |k| i + k);
            let is_module = attr("type").is_some_and(|t| t.trim().eq_ignore_ascii_case("module"));
            if tag == "script" && is_module && attr("src").is_none() {
                out.extend(
                    static_imports(&html[i..end])
                        .into_iter()
                        .map(|url| HtmlRef { url, import: true }),
                );
            }
            i = end;
        }
    }
    out
}

/// The path under `dist/` that `url`, found in the file in folder `base_dir`, names; None for
/// other origins, `data:`/`blob:` URLs and bare module specifiers (not a file; `bare_is_local`
/// for HTML attributes, where `a.css` means `./a.css`). Assumes Trunk's default public URL `/`.
fn resolve(base_dir: &str, url: &str, bare_is_local: bool) -> Option<String> {
    let url = url.split(['#', '?']).next().unwrap_or("");
    if url.is_empty() || url.starts_with("//") {
        return None;
    }
    let scheme = url.find(':').is_some_and(|c| !url[..c].contains('/'));
    if scheme {
        return None;
    }
    let joined = if let Some(abs) = url.strip_prefix('/') {
        abs.to_string()
    } else if url.starts_with("./") || url.starts_with("../") || bare_is_local {
        format!("{base_dir}/{url}")
    } else {
        return None;
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    // `/` itself is the page, not another download.
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// A JavaScript token, as much as finding module specifiers needs.
#[derive(Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Punct(u8),
    /// A number, regex or template literal: a value.
    Value,
}

/// The module specifiers of `src`'s static imports: `import … from 's'`, `import 's'`,
/// `export … from 's'`. Not `import('s')` (dynamic: loaded on demand) nor `import.meta`.
/// Comments, strings, templates and regex literals are skipped, so the word "import" in them
/// is not taken for a statement.
fn static_imports(src: &str) -> Vec<String> {
    let mut toks = Vec::new();
    let mut i = 0;
    lex(src.as_bytes(), &mut i, false, &mut toks);
    let is = |k: usize, t: &Tok| toks.get(k) == Some(t);
    // `from 's'` after an import/export clause of names, braces, commas and `*`.
    let from_clause = |start: usize| {
        for k in start..toks.len() {
            match &toks[k] {
                Tok::Ident(w) if w == "from" => {
                    if let Some(Tok::Str(s)) = toks.get(k + 1) {
                        return Some(s.clone());
                    }
                }
                Tok::Ident(_) | Tok::Punct(b'{' | b'}' | b',' | b'*') => {}
                // Quoted export names (`{ "a-b" as c }`).
                Tok::Str(_) if k > start => {}
                _ => return None,
            }
        }
        None
    };
    let mut out = Vec::new();
    for (k, t) in toks.iter().enumerate() {
        let Tok::Ident(word) = t else { continue };
        // `x.import` is a property, not a statement.
        if k > 0 && is(k - 1, &Tok::Punct(b'.')) {
            continue;
        }
        let spec = match (word.as_str(), toks.get(k + 1)) {
            ("import", Some(Tok::Str(s))) => Some(s.clone()),
            ("import", Some(Tok::Punct(b'(' | b'.'))) => None,
            ("import", Some(_)) => from_clause(k + 1),
            ("export", Some(Tok::Punct(b'*' | b'{'))) => from_clause(k + 1),
            _ => None,
        };
        out.extend(spec);
    }
    out
}

/// Tokenises `s` from `*i`; with `in_template`, stops after the `}` closing a template's
/// `${`.
fn lex(s: &[u8], i: &mut usize, in_template: bool, out: &mut Vec<Tok>) {
    let mut depth = 0usize;
    while *i < s.len() {
        let c = s[*i];
        let next = s.get(*i + 1).copied();
        match c {
            _ if c.is_ascii_whitespace() => *i += 1,
            b'/' if next == Some(b'/') => {
                *i = s[*i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(s.len(), |k| *i + k);
            }
            b'/' if next == Some(b'*') => {
                *i = s[*i + 2..]
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(s.len(), |k| *i + 2 + k + 2);
            }
            b'\'' | b'"' => {
                let mut text = Vec::new();
                *i += 1;
                while *i < s.len() && s[*i] != c && s[*i] != b'\n' {
                    if s[*i] == b'\\' {
                        *i += 1;
                    }
                    if let Some(&b) = s.get(*i) {
                        text.push(b);
                    }
                    *i += 1;
                }
                *i += 1;
                out.push(Tok::Str(String::from_utf8_lossy(&text).into_owned()));
            }
            b'`' => {
                *i += 1;
                while *i < s.len() && s[*i] != b'`' {
                    if s[*i] == b'\\' {
                        *i += 2;
                    } else if s[*i] == b'$' && s.get(*i + 1) == Some(&b'{') {
                        *i += 2;
                        lex(s, i, true, &mut Vec::new());
                    } else {
                        *i += 1;
                    }
                }
                *i += 1;
                out.push(Tok::Value);
            }
            b'/' if regex_may_follow(out.last()) => {
                *i += 1;
                let mut class = false;
                while *i < s.len() && s[*i] != b'\n' {
                    match s[*i] {
                        b'\\' => *i += 1,
                        b'[' => class = true,
                        b']' => class = false,
                        b'/' if !class => break,
                        _ => {}
                    }
                    *i += 1;
                }
                *i += 1;
                out.push(Tok::Value);
            }
            _ if c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80 => {
                let start = *i;
                while *i < s.len()
                    && (s[*i].is_ascii_alphanumeric()
                        || s[*i] == b'_'
                        || s[*i] == b'$'
                        || s[*i] >= 0x80)
                {
                    *i += 1;
                }
                out.push(Tok::Ident(
                    String::from_utf8_lossy(&s[start..*i]).into_owned(),
                ));
            }
            _ if c.is_ascii_digit() => {
                while *i < s.len()
                    && (s[*i].is_ascii_alphanumeric() || s[*i] == b'.' || s[*i] == b'_')
                {
                    *i += 1;
                }
                out.push(Tok::Value);
            }
            _ => {
                *i += 1;
                if c == b'{' {
                    depth += 1;
                } else if c == b'}' {
                    if in_template && depth == 0 {
                        return;
                    }
                    depth = depth.saturating_sub(1);
                }
                out.push(Tok::Punct(c));
            }
        }
    }
}

/// Whether a `/` after `prev` starts a regex literal rather than dividing (the usual
/// heuristic: after an operator, an opening bracket or a keyword, a value is expected).
fn regex_may_follow(prev: Option<&Tok>) -> bool {
    match prev {
        None => true,
        Some(Tok::Punct(c)) => !matches!(c, b')' | b']'),
        Some(Tok::Ident(w)) => matches!(
            w.as_str(),
            "return"
                | "typeof"
                | "instanceof"
                | "in"
                | "of"
                | "new"
                | "delete"
                | "void"
                | "throw"
                | "case"
                | "do"
                | "else"
                | "yield"
                | "await"
        ),
        Some(Tok::Str(_) | Tok::Value) => false,
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

/// Raw, gzip and brotli sums of the files `pick` selects.
fn totals(files: &[FileSize], pick: impl Fn(&str) -> bool) -> (u64, u64, u64) {
    files
        .iter()
        .filter(|f| pick(&f.path))
        .fold((0, 0, 0), |(r, g, b), f| {
            (r + f.raw, g + f.gzip, b + f.brotli)
        })
}

/// The hard check of `cargo xtask test`: the first visit of the release build in `dist` is at
/// most [`FIRST_VISIT_BROTLI_CEILING`] bytes brotli (the goal is [`FIRST_VISIT_BROTLI_BUDGET`]).
/// Prints both visits either way. Compresses only the files a visit downloads, brotli only.
pub fn check_size_budget(dist: &Path) -> Result<(), String> {
    let visits = Visits::of(dist)?;
    let mut sizes = Vec::new();
    for path in visits.first.iter().chain(&visits.job_extra) {
        let file = dist.join(path);
        let bytes =
            std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        sizes.push(FileSize {
            path: path.clone(),
            raw: bytes.len() as u64,
            gzip: 0,
            brotli: brotli_len(&bytes)?,
        });
    }
    budget(&sizes, &visits)
}

/// Prints both visits (the first against the goal) and fails above the ceiling.
fn budget(files: &[FileSize], visits: &Visits) -> Result<(), String> {
    let (raw, _, brotli) = totals(files, |p| visits.first.contains(p));
    let verdict = if brotli <= FIRST_VISIT_BROTLI_BUDGET {
        "within budget"
    } else {
        "OVER BUDGET"
    };
    println!(
        "size budget: first visit {} brotli q11 ({} raw; {}), budget {}: {verdict}; \
         enforced ceiling {}",
        kb(brotli),
        kb(raw),
        list(&visits.first),
        kb(FIRST_VISIT_BROTLI_BUDGET),
        kb(FIRST_VISIT_BROTLI_CEILING)
    );
    let (job_raw, _, job_brotli) = totals(files, |p| {
        visits.first.contains(p) || visits.job_extra.contains(p)
    });
    if visits.job_module {
        println!(
            "size budget: job link visit {} brotli q11 ({} raw): the first visit + {}",
            kb(job_brotli),
            kb(job_raw),
            list(&visits.job_extra)
        );
    } else {
        println!(
            "size budget: job link visit = first visit (no {} in the build: the job view is \
             not a separate module)",
            JOB_MODULE[0]
        );
    }
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

fn list(paths: &BTreeSet<String>) -> String {
    paths
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

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

    let text =
        std::fs::read_to_string(&out).map_err(|e| format!("cannot read {}: {e}", out.display()))?;
    let mut results: Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", out.display()))?;
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

fn size_json(files: &[FileSize], visits: &Visits) -> Value {
    let sum = |pick: &dyn Fn(&str) -> bool| {
        let (raw, gzip, brotli) = totals(files, pick);
        json!({ "raw": raw, "gzip": gzip, "brotli": brotli })
    };
    let in_first = |p: &str| visits.first.contains(p);
    let in_job = |p: &str| visits.first.contains(p) || visits.job_extra.contains(p);
    let mut first = sum(&in_first);
    first["files"] = json!(visits.first);
    let mut job = sum(&in_job);
    job["files"] = json!(visits.first.union(&visits.job_extra).collect::<Vec<_>>());
    job["job_module"] = json!(visits.job_module);
    let (_, _, brotli) = totals(files, in_first);
    json!({
        "files": files.iter().map(|f| json!({
            "path": f.path,
            "raw": f.raw,
            "gzip": f.gzip,
            "brotli": f.brotli,
            "first_visit": in_first(&f.path),
            "job_link_visit": in_job(&f.path),
        })).collect::<Vec<_>>(),
        "first_visit": first,
        "job_link_visit": job,
        "budget_brotli": FIRST_VISIT_BROTLI_BUDGET,
        "ceiling_brotli": FIRST_VISIT_BROTLI_CEILING,
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
         holds within the 150 KB goal.\n\n",
    );
    md.push_str(
        "Two builds are measured. The **production build** (`trunk build --release`, what \
         ships) gives the sizes, the startup, the real form and the rendered job view. The wasm \
         micro-benchmarks call `#[wasm_bindgen]` exports of `src/bench.rs`, which the shipped \
         bundle does not have: they run on a **bench build** of the same app (`trunk build \
         --release --features bench`), served by a second fastexec-server.\n\n",
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
    md.push_str("## 1. Size (`dist/`, production build)\n\n");
    let fv = &s["first_visit"];
    let figure = |v: &Value| {
        format!(
            "**{} brotli** (q11), {} gzip -9, {} raw",
            kb(v["brotli"].as_u64().unwrap_or(0)),
            kb(v["gzip"].as_u64().unwrap_or(0)),
            kb(v["raw"].as_u64().unwrap_or(0)),
        )
    };
    md.push_str(&format!(
        "**First visit** (what a browser downloads for `/`: `index.html`, every local file it \
         references, including Trunk's preload and modulepreload links, and, recursively, the \
         static imports of those scripts; the app's dynamic `import()` of the on-demand \
         module is not followed): {}. Goal: at most **{} brotli**: **{}**. `cargo xtask test` \
         fails above {}.\n\n",
        figure(fv),
        kb(s["budget_brotli"].as_u64().unwrap_or(0)),
        if s["within_budget"] == Value::Bool(true) {
            "within budget"
        } else {
            "OVER BUDGET"
        },
        kb(s["ceiling_brotli"]
            .as_u64()
            .unwrap_or(FIRST_VISIT_BROTLI_CEILING)),
    ));
    let jv = &s["job_link_visit"];
    if jv["job_module"] == Value::Bool(true) {
        md.push_str(&format!(
            "**Job link visit** (opening a `/jobs/…` link: the first visit plus the on-demand \
             module, `{}` + `{}` + `{}` and their static imports): {}.\n\n",
            JOB_MODULE[0],
            JOB_MODULE[1],
            JOB_MODULE[2],
            figure(jv),
        ));
    } else {
        md.push_str(&format!(
            "**Job link visit**: the same as the first visit (this build has no `{}`: the job \
             view is in the main module).\n\n",
            JOB_MODULE[0]
        ));
    }
    md.push_str(
        "| File | Raw | gzip -9 | brotli q11 | Downloaded by |\n|---|---:|---:|---:|---|\n",
    );
    for f in s["files"].as_array().into_iter().flatten() {
        md.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            f["path"].as_str().unwrap_or("?"),
            kb(f["raw"].as_u64().unwrap_or(0)),
            kb(f["gzip"].as_u64().unwrap_or(0)),
            kb(f["brotli"].as_u64().unwrap_or(0)),
            if f["first_visit"] == Value::Bool(true) {
                "first visit"
            } else if f["job_link_visit"] == Value::Bool(true) {
                "job link"
            } else {
                "neither"
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
    fn totals_sum_the_picked_files() {
        let f = |p: &str| FileSize {
            path: p.into(),
            raw: 10,
            gzip: 5,
            brotli: 4,
        };
        let files = [f("index.html"), f("app-1.js"), f("favicon.ico")];
        assert_eq!(totals(&files, |p| p != "favicon.ico"), (20, 10, 8));
    }

    /// The shape of Trunk 0.21's minified index.html.
    const TRUNK_HTML: &str = "<!doctype html><html lang=zh-CN><meta charset=utf-8>\
        <title>fastexec · 快速执行脚本</title>\
        <link href=/main-86.css integrity=sha384-68d/RniH7 rel=stylesheet>\
        <link href=\"job-83.css\" rel=\"stylesheet\">\
        <!-- <script src=/old.js></script> -->\
        <script type=module>import init, * as bindings from '/fastexec-e3.js';\n\
        const wasm = await init({ module_or_path: '/fastexec-e3_bg.wasm' });\n\
        window.wasmBindings = bindings;</script>\
        <link crossorigin href=/fastexec-e3.js integrity=sha384-P3 rel=modulepreload>\
        <link as=fetch crossorigin href='/fastexec-e3_bg.wasm' rel=preload type=application/wasm>\
        </head><body><a href=/jobs/biz/2/1>job</a><img src=\"https://example.com/x.png\">\
        <script>import('/never.js')</script></body></html>";

    #[test]
    fn html_refs_of_trunk_output() {
        let refs: Vec<(String, bool)> = html_refs(TRUNK_HTML)
            .into_iter()
            .map(|r| (r.url, r.import))
            .collect();
        let r = |u: &str, import| (u.to_string(), import);
        assert_eq!(
            refs,
            [
                r("/main-86.css", false),
                r("job-83.css", false),
                r("/fastexec-e3.js", true),
                r("/fastexec-e3.js", false),
                r("/fastexec-e3_bg.wasm", false),
                r("https://example.com/x.png", false),
            ]
        );
    }

    #[test]
    fn cut_off_input_does_not_panic() {
        let glue = format!("{APP_GLUE}\nconst re = /a[/]b/g; const t = `x${{y}}`; /* c */ 's\\'");
        for text in [TRUNK_HTML, glue.as_str()] {
            for cut in (0..=text.len()).filter(|&k| text.is_char_boundary(k)) {
                let _ = html_refs(&text[..cut]);
                let _ = static_imports(&text[..cut]);
            }
        }
        assert_eq!(html_refs("<link href=/a.css")[0].url, "/a.css");
    }

    #[test]
    fn static_imports_skip_dynamic_imports_comments_and_strings() {
        let js = r#"
            import { load_job } from './snippets/fastexec-1a/inline0.js';
            import * as b from "../lib.js"; import def, { x as y } from './c.js'
            import './side-effect.js';
            export { z } from './re-export.js';
            export * from "./star.js";
            export { initSync }; export default __wbg_init;
            // import nope from './comment.js';
            /* import './block-comment.js'; */
            const s = "import quoted from './string.js'";
            const t = `${a + `import('${b}')`} import x from './template.js'`;
            const re = /['"]/g; const q = 'import r from "./after-regex.js"';
            const half = n / 2; obj.import('./prop.js');
            const m = await import('./dynamic.js'); const u = new URL('x_bg.wasm', import.meta.url);
            const o = { import: 1, from: './object.js' };
        "#;
        assert_eq!(
            static_imports(js),
            [
                "./snippets/fastexec-1a/inline0.js",
                "../lib.js",
                "./c.js",
                "./side-effect.js",
                "./re-export.js",
                "./star.js",
            ]
        );
    }

    #[test]
    fn resolve_paths_like_a_browser() {
        assert_eq!(resolve("", "/a.js?v=1#x", false).as_deref(), Some("a.js"));
        assert_eq!(
            resolve("snippets/x", "../../b.js", false).as_deref(),
            Some("b.js")
        );
        assert_eq!(
            resolve("", "./snippets/x/inline0.js", false).as_deref(),
            Some("snippets/x/inline0.js")
        );
        assert_eq!(resolve("", "main.css", true).as_deref(), Some("main.css"));
        // A bare specifier is a package name, not a file.
        assert_eq!(resolve("", "leptos", false), None);
        assert_eq!(resolve("", "https://cdn.example/a.js", true), None);
        assert_eq!(resolve("", "//cdn.example/a.js", true), None);
        assert_eq!(resolve("", "data:text/css,a", true), None);
        assert_eq!(resolve("", "/", true), None);
    }

    /// A folder under the system temp dir, removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(files: &[(&str, &str)]) -> Scratch {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            let dir =
                std::env::temp_dir().join(format!("xtask-visits-{}-{nanos}", std::process::id()));
            for (path, text) in files {
                let file = dir.join(path);
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(file, text).unwrap();
            }
            Scratch(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn set(paths: &[&str]) -> BTreeSet<String> {
        paths.iter().map(|p| p.to_string()).collect()
    }

    const APP_GLUE: &str = "import { show_job } from './snippets/fastexec-1a/inline0.js';\n\
        export function run() {}\nexport default __wbg_init;";
    const SNIPPET: &str = "export function show_job() { return import('/fastexec-job.js'); }";

    #[test]
    fn visits_follow_static_imports_but_not_the_lazy_job_module() {
        let dist = Scratch::new(&[
            ("index.html", TRUNK_HTML),
            ("main-86.css", "a{}"),
            ("job-83.css", "b{}"),
            ("fastexec-e3.js", APP_GLUE),
            ("fastexec-e3_bg.wasm", "wasm"),
            ("snippets/fastexec-1a/inline0.js", SNIPPET),
            (
                "fastexec-job.js",
                "import { x } from './snippets/fastexec-1a/inline1.js';",
            ),
            ("fastexec-job_bg.wasm", "wasm"),
            ("snippets/fastexec-1a/inline1.js", "export const x = 1;"),
            ("unreferenced.txt", "x"),
            (".stage/ignored.js", "x"),
        ]);
        let v = Visits::of(&dist.0).unwrap();
        assert_eq!(
            v.first,
            set(&[
                "index.html",
                "main-86.css",
                "job-83.css",
                "fastexec-e3.js",
                "fastexec-e3_bg.wasm",
                "snippets/fastexec-1a/inline0.js",
            ])
        );
        assert_eq!(
            v.job_extra,
            set(&[
                "fastexec-job.js",
                "fastexec-job_bg.wasm",
                "snippets/fastexec-1a/inline1.js",
            ])
        );
        assert!(v.job_module);
        assert_eq!(v.label("unreferenced.txt"), None);
    }

    #[test]
    fn visits_without_the_job_module_and_with_a_missing_file() {
        let html = "<link href=/a.css rel=stylesheet><script type=module src=/app.js></script>";
        let dist = Scratch::new(&[
            ("index.html", html),
            ("a.css", ""),
            ("app.js", "import './gone.js';"),
        ]);
        let err = Visits::of(&dist.0).unwrap_err();
        assert!(err.contains("app.js refers to /gone.js"), "{err}");
        std::fs::write(dist.0.join("gone.js"), "").unwrap();
        let v = Visits::of(&dist.0).unwrap();
        assert_eq!(v.first, set(&["index.html", "a.css", "app.js", "gone.js"]));
        assert!(v.job_extra.is_empty());
        assert!(!v.job_module);
    }
}
