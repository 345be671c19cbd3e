//! The single-page app: files from `--dist`, unknown paths fall back to `index.html` so the
//! app's client-side routes work on reload. Without a built app, `/` explains how to build it.
//!
//! The release build writes `.br` (brotli q11) and `.gz` (gzip -9) copies of every text and
//! wasm file (`tools/precompress.mjs`); they are sent as they are, by the request's
//! Accept-Encoding, so no static file is compressed per request (q11 is both smaller than any
//! on-the-fly level and free at request time).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

pub fn router<S: Clone + Send + Sync + 'static>(dist: Option<PathBuf>) -> Router<S> {
    match dist.filter(|d| d.join("index.html").is_file()) {
        Some(d) => {
            let index = d.join("index.html");
            Router::new()
                .fallback_service(
                    ServeDir::new(d)
                        .precompressed_br()
                        .precompressed_gzip()
                        .fallback(
                            ServeFile::new(index)
                                .precompressed_br()
                                .precompressed_gzip(),
                        ),
                )
                .layer(middleware::from_fn(cache_headers))
        }
        None => Router::new().fallback(not_built),
    }
}

/// Files whose name carries Trunk's content hash (`name-<16 hex>[_bg].ext`) never change under
/// that name: cache them for good. Everything else (the page, the lazily loaded job module
/// `fastexec-job.js` / `_bg.wasm`, wasm-bindgen snippets) keeps its name across builds, so the
/// browser must revalidate it, or an old job module could meet a new app after an upgrade.
pub fn cache_control(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or("");
    let stem = name.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    let hashed = !path[..path.len() - name.len()].contains("snippets/")
        && stem
            .rsplit_once('-')
            // Trunk writes a u64 as unpadded hex: usually 16 digits, fewer when it starts with 0.
            .is_some_and(|(_, h)| {
                (12..=16).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit())
            });
    if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

async fn cache_headers(req: Request, next: Next) -> Response {
    let mut value = cache_control(req.uri().path());
    let mut res = next.run(req).await;
    // A missing file is answered with the app's page (the SPA fallback): never let a browser
    // keep that page for a year under an asset's name.
    let is_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if is_page {
        value = "no-cache";
    }
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        let headers = res.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
        // The body depends on Accept-Encoding (a precompressed copy or the file): caches must
        // keep one per encoding.
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    res
}

/// The Content-Security-Policy of everything the server sends. Scripts only from this origin
/// plus the exact inline scripts of the built pages (by hash: Trunk writes one into
/// `index.html` to start the wasm); `wasm-unsafe-eval` lets WebAssembly compile, nothing lets strings
/// run as code. Styles from files; style *attributes* are allowed because the job view
/// positions its virtualized rows with them (no `<style>` elements, no inline scripts). The
/// app may fetch from this origin and the configured `connect_origins` only. No framing.
pub fn content_security_policy(dist: Option<&Path>, connect_origins: &[String]) -> String {
    // Every page at the top of the build (index.html, and e.g. the benchmark's baseline page),
    // in name order so the header is the same on every start.
    let mut pages: Vec<PathBuf> = dist
        .and_then(|d| std::fs::read_dir(d).ok())
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    pages.sort();
    let mut script_src = "'self' 'wasm-unsafe-eval'".to_string();
    for page in pages {
        let html = std::fs::read_to_string(&page).unwrap_or_default();
        for body in inline_scripts(&html) {
            let digest = Sha256::digest(body.as_bytes());
            let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
            let source = format!(" 'sha256-{b64}'");
            if !script_src.contains(&source) {
                script_src.push_str(&source);
            }
        }
    }
    let mut connect = "'self'".to_string();
    for o in connect_origins {
        connect.push(' ');
        connect.push_str(&super::guard::normalize_origin(o));
    }
    format!(
        "default-src 'none'; script-src {script_src}; style-src 'self'; \
         style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; \
         connect-src {connect}; manifest-src 'self'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'; object-src 'none'"
    )
}

/// The contents of the `<script>` elements of `html` that have no `src`.
fn inline_scripts(html: &str) -> Vec<&str> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = lower[at..].find("<script") {
        let open = at + i;
        let Some(gt) = lower[open..].find('>') else {
            break;
        };
        let body_start = open + gt + 1;
        let Some(end) = lower[body_start..].find("</script") else {
            break;
        };
        let tag = &lower[open..body_start];
        if !tag.contains(" src=") && !tag.contains("\nsrc=") && !tag.contains("\tsrc=") {
            out.push(&html[body_start..body_start + end]);
        }
        at = body_start + end;
    }
    out
}

/// Security headers on every answer (API, files, errors): the CSP above, no MIME sniffing,
/// no framing (old browsers: X-Frame-Options), no Referer leaving the page (job links carry
/// ids).
pub async fn security_headers<S: super::Front>(
    axum::extract::State(state): axum::extract::State<Arc<S>>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(state.csp()) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

async fn not_built() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        Html(
            "<!doctype html><meta charset=\"utf-8\"><title>fastexec-server</title>\
             <h1>The app is not built</h1>\
             <p>The BK-JOB API works (try <code>/api/healthz</code>), but there is no built app \
             to serve. Build it with <code>cargo xtask dev</code> (or <code>trunk build \
             --release</code> at the repository root) and start the server with \
             <code>--dist dist</code>.</p>",
        ),
    )
}

/// Unknown `/api/...` paths: the API gateway's own 404 (code 1640401 `API_NOT_FOUND`, from its
/// published error reference), never the app's index page.
pub async fn api_not_found(method: Method, uri: Uri) -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        axum::Json(serde_json::json!({
            "result": false,
            "code": 1_640_401,
            "code_name": "API_NOT_FOUND",
            "message": format!("API not found [method=\"{method}\" path=\"{}\"]", uri.path()),
            "data": null,
        })),
    )
}

#[cfg(test)]
mod tests {
    use super::{cache_control, content_security_policy, inline_scripts};

    #[test]
    fn csp_hashes_inline_scripts_only() {
        let html = "<html><head><script type=\"module\">import init from '/a.js';init();</script>\
                    <script src=\"/x.js\"></script><SCRIPT>b()</SCRIPT></head></html>";
        assert_eq!(
            inline_scripts(html),
            vec!["import init from '/a.js';init();", "b()"]
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<script>b()</script>").unwrap();
        // Another page's inline script counts too; a script elsewhere does not.
        std::fs::write(
            dir.path().join("baseline.html"),
            "<script>c()</script><script>b()</script>",
        )
        .unwrap();
        std::fs::write(dir.path().join("x.js"), "<script>d()</script>").unwrap();
        let csp = content_security_policy(Some(dir.path()), &["https://API.example.com/".into()]);
        // echo -n 'b()' | openssl dgst -sha256 -binary | base64
        let script_src = csp.split(';').find(|d| d.contains("script-src")).unwrap();
        assert!(
            script_src.starts_with(" script-src 'self' 'wasm-unsafe-eval' 'sha256-")
                && script_src.contains(" 'sha256-cf242PFc/kb7xD0Qzhsmd9vvRkc+cWFmbi+k+YvtdKc='"),
            "{csp}"
        );
        assert!(
            csp.contains("connect-src 'self' https://api.example.com;"),
            "{csp}"
        );
        assert_eq!(
            csp.matches("'sha256-").count(),
            2,
            "b() once, c() once: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!script_src.contains("unsafe-inline") && !script_src.contains(" 'unsafe-eval'"));
    }

    #[test]
    fn only_content_hashed_files_are_immutable() {
        for p in [
            "/fastexec-f722e83c39fa1c23.js",
            "/fastexec-f722e83c39fa1c23_bg.wasm",
            "/main-8611d5d3f335e93c.css",
        ] {
            assert_eq!(
                cache_control(p),
                "public, max-age=31536000, immutable",
                "{p}"
            );
        }
        for p in [
            "/",
            "/index.html",
            "/jobs/biz/2/5",
            "/fastexec-job.js",
            "/fastexec-job_bg.wasm",
            "/fastexec-tools.js",
            "/fastexec-tools_bg.wasm",
            "/snippets/fastexec-ba7639ddade2950a/inline0.js",
            "/main-8611d5d3f3.css",
        ] {
            assert_eq!(cache_control(p), "no-cache", "{p}");
        }
    }
}
