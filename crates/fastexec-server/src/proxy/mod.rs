//! Gateway proxy mode (`[upstream]` in the config): the server runs no scripts and opens no
//! database; it serves the app and forwards the allowlisted BK-JOB APIs to a real API gateway,
//! adding `X-Bkapi-Authorization` from the server's app code and secret and the user's
//! BlueKing identity. The browser never holds the secret.
//!
//! [`config`] (the `[upstream]` section), [`identity`] (who the user is), [`forward`] (the
//! allowlist and one forwarded call), [`error`] (the proxy's own failure codes), [`tls`] (the
//! HTTPS client).

pub mod config;
pub mod error;
pub mod forward;
pub mod identity;
pub mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Bytes;
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::{connect::HttpConnector, Client};

use crate::config::Config;
use crate::http::guard::Guard;
use config::UpstreamConfig;
use identity::Identity;

/// Shared state of the proxy mode's handlers.
pub struct ProxyState {
    /// `gateway_url` without a trailing slash.
    pub base: String,
    pub app_code: String,
    /// The app secret; only ever written into the upstream request's header.
    secret: String,
    pub identity: Identity,
    pub login_url: Option<String>,
    pub timeout_secs: u64,
    pub client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    pub dist: Option<PathBuf>,
    pub max_body_bytes: usize,
    pub guard: Guard,
    pub csp: String,
}

impl std::fmt::Debug for ProxyState {
    // Written by hand so the secret can never reach a `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyState")
            .field("base", &self.base)
            .field("app_code", &self.app_code)
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl ProxyState {
    /// Read the secret, build the HTTPS client; for a server listening on `listen`.
    pub fn new(
        cfg: &Config,
        up: &UpstreamConfig,
        dist: Option<PathBuf>,
        listen: SocketAddr,
    ) -> anyhow::Result<ProxyState> {
        let secret = up.load_secret()?;
        let client = tls::client(up.ca_file.as_deref(), up.timeout_secs)?;
        let sec = &cfg.security;
        Ok(ProxyState {
            base: up.base().to_string(),
            app_code: up.app_code.trim().to_string(),
            secret,
            identity: Identity::from_config(up),
            login_url: up.login_url.clone(),
            timeout_secs: up.timeout_secs,
            client,
            guard: Guard::new(listen, sec),
            csp: crate::http::web::content_security_policy(dist.as_deref(), &sec.connect_origins),
            dist,
            max_body_bytes: cfg.limits.max_body_bytes,
        })
    }

    pub(crate) fn secret(&self) -> &str {
        &self.secret
    }
}

/// The proxy mode's API routes: health, the session, the forwarded gateway paths (trailing
/// slash optional, §1), and the gateway's 404 for everything else under `/api/`.
pub fn routes() -> axum::Router<Arc<ProxyState>> {
    use axum::routing::{any, get};
    axum::Router::new()
        .route(
            "/api/healthz",
            get(|| async { axum::Json(serde_json::json!({"ok": true})) }),
        )
        .route("/api/fastexec/session", get(crate::http::session::proxy))
        .route("/api/v3/{api}", any(forward::forward))
        .route("/api/v3/{api}/", any(forward::forward))
        .route("/api/{*rest}", any(crate::http::web::api_not_found))
}
