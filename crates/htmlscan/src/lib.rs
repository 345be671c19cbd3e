//! Which files of a built `dist/` folder a browser downloads, read from `index.html` and the
//! scripts it loads: [`Visits`] (the first visit, and what opening a job link adds).
//!
//! One scanner for the two tools that need it: `cargo xtask` (the first-visit size budget of
//! `cargo xtask test`, the size table of `cargo xtask bench`) and the e2e bench binary (which
//! checks that its snapshot of a build is complete before serving it). A crate of its own,
//! with no dependencies, because xtask must build before anything else is installed and the
//! e2e crate is no place for xtask to depend on.

mod html;
mod js;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::path::Path;

use html::{html_refs, resolve};
use js::static_imports;

/// The on-demand module (job view, recent jobs, request preview, permission details; Trunk
/// `data-type="worker"` asset, unhashed names) and its stylesheet. The app imports them with a
/// dynamic `import()` when one of those is shown, so a first visit never loads them.
pub const JOB_MODULE: [&str; 3] = ["fastexec-job.js", "fastexec-job_bg.wasm", "job.css"];

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

    /// Which visit downloads `path`: "first visit", "job link" or None.
    pub fn label(&self, path: &str) -> Option<&'static str> {
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
