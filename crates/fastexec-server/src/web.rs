//! The single-page app: files from `--dist`, unknown paths fall back to `index.html` so the
//! app's client-side routes work on reload. Without a built app, `/` explains how to build it.

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

use crate::AppState;

pub fn router(dist: Option<PathBuf>) -> Router<Arc<AppState>> {
    match dist.filter(|d| d.join("index.html").is_file()) {
        Some(d) => {
            let index = d.join("index.html");
            Router::new()
                .fallback_service(ServeDir::new(d).fallback(ServeFile::new(index)))
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
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
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
    use super::cache_control;

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
            "/snippets/fastexec-ba7639ddade2950a/inline0.js",
            "/main-8611d5d3f3.css",
        ] {
            assert_eq!(cache_control(p), "no-cache", "{p}");
        }
    }
}
