//! [`Visits`] over scratch `dist/` folders, and the fixtures the module tests share.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::html::html_refs;
use crate::js::static_imports;
use crate::Visits;

/// The shape of Trunk 0.21's minified index.html.
pub(crate) const TRUNK_HTML: &str = "<!doctype html><html lang=zh-CN><meta charset=utf-8>\
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

const APP_GLUE: &str = "import { show_job } from './snippets/fastexec-1a/inline0.js';\n\
    export function run() {}\nexport default __wbg_init;";
const SNIPPET: &str = "export function show_job() { return import('/fastexec-job.js'); }";

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

/// A folder under the system temp dir, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(files: &[(&str, &str)]) -> Scratch {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!("xtask-visits-{}-{nanos}", std::process::id()));
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
