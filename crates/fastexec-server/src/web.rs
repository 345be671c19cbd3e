//! The single-page app: files from `--dist`, unknown paths fall back to `index.html` so the
//! app's client-side routes work on reload. Without a built app, `/` explains how to build it.

use std::path::PathBuf;
use std::sync::Arc;

use axum::http::{Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse};
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

use crate::AppState;

pub fn router(dist: Option<PathBuf>) -> Router<Arc<AppState>> {
    match dist.filter(|d| d.join("index.html").is_file()) {
        Some(d) => {
            let index = d.join("index.html");
            Router::new().fallback_service(ServeDir::new(d).fallback(ServeFile::new(index)))
        }
        None => Router::new().fallback(not_built),
    }
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
