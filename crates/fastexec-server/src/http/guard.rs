//! Who may talk to the server at all: the defenses against other web pages.
//!
//! The server runs scripts on the user's own machine, so any web page the user visits must not
//! be able to make it do so. Three checks run before routing:
//! - **Host** (every route): the `Host` header must name the listen address, a loopback name
//!   when listening on loopback or on every interface, `localhost`, or a configured
//!   `allowed_hosts` name. A DNS-rebinding page reaches us under its own name and is refused.
//! - **Origin** (`/api/`): a request that carries `Origin` must come from the server's own
//!   origin (`http://` + the validated `Host`) or a configured `allowed_origins` entry; one that
//!   carries none but is marked `Sec-Fetch-Site: cross-site`/`same-site` by the browser (a
//!   cross-site `<img>` or navigation) is refused too.
//! - **Content-Type** (`/api/` POST): `application/json` only. A `text/plain` or form POST
//!   needs no CORS preflight, which is how a page could post a launch without asking.
//!
//! Refusals are answered the way the API gateway answers (JSON envelope with `code_name`,
//! `data: null`): 403 `1640301` for host/origin, 400 `1640001` for the content type.

use std::net::{IpAddr, SocketAddr};

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use crate::config::SecurityConfig;

/// The gateway's code for a request it will not let through (HTTP 403).
pub const GATEWAY_FORBIDDEN: i64 = 1_640_301;

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Host(String),
    Origin(String),
    CrossSite(String),
    ContentType(String),
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Refusal::Host(h) => format!(
                "Request refused: host {h:?} is not this server's address (add it to \
                 [security] allowed_hosts if it is a name of this server)"
            ),
            Refusal::Origin(o) => format!(
                "Request refused: origin {o:?} may not call this API (add it to [security] \
                 allowed_origins if it is your own front end)"
            ),
            Refusal::CrossSite(s) => {
                format!(
                    "Request refused: a {s} request from another web page may not call this API"
                )
            }
            Refusal::ContentType(t) => format!(
                "Parameters error [reason=\"request content type must be application/json, \
                 got {t:?}\"]"
            ),
        }
    }

    pub fn into_error(self) -> ApiError {
        let (status, code, code_name) = match self {
            Refusal::ContentType(_) => (
                StatusCode::BAD_REQUEST,
                super::auth::GATEWAY_INVALID_ARGS,
                "INVALID_ARGS",
            ),
            _ => (
                StatusCode::FORBIDDEN,
                GATEWAY_FORBIDDEN,
                "REQUEST_FORBIDDEN",
            ),
        };
        ApiError::gateway(status, code, code_name, self.message())
    }
}

/// The checks, with the configuration resolved once.
#[derive(Debug, Clone)]
pub struct Guard {
    /// Host names (lowercase, no port) this server answers to.
    hosts: Vec<String>,
    /// Extra origins (lowercase, no trailing slash).
    origins: Vec<String>,
}

/// Lowercase `scheme://host[:port]` without a trailing slash; default ports dropped, as
/// browsers serialize origins.
pub fn normalize_origin(origin: &str) -> String {
    let o = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    for (scheme, port) in [("http://", ":80"), ("https://", ":443")] {
        if o.starts_with(scheme) {
            if let Some(stripped) = o.strip_suffix(port) {
                return stripped.to_string();
            }
        }
    }
    o
}

/// The host name of a `Host` header value: without port, brackets kept for IPv6.
fn host_name(host: &str) -> String {
    let h = host.trim().to_ascii_lowercase();
    if h.starts_with('[') {
        return match h.find(']') {
            Some(end) => h[..=end].to_string(),
            None => h,
        };
    }
    match h.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name.to_string(),
        _ => h,
    }
}

fn ip_host(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

impl Guard {
    pub fn new(listen: SocketAddr, cfg: &SecurityConfig) -> Guard {
        let mut hosts = vec!["localhost".to_string()];
        let ip = listen.ip();
        if ip.is_loopback() || ip.is_unspecified() {
            hosts.extend(["127.0.0.1".to_string(), "[::1]".to_string()]);
        }
        if !ip.is_unspecified() {
            hosts.push(ip_host(ip));
        }
        hosts.extend(cfg.allowed_hosts.iter().map(|h| host_name(h)));
        Guard {
            hosts,
            origins: cfg
                .allowed_origins
                .iter()
                .map(|o| normalize_origin(o))
                .collect(),
        }
    }

    /// The checks for one request (see the module doc).
    pub fn check(&self, method: &Method, path: &str, headers: &HeaderMap) -> Result<(), Refusal> {
        let text = |name: header::HeaderName| {
            headers
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        };
        // HTTP/1.1 requires Host; without one there is nothing to check a name against.
        let host = text(header::HOST).unwrap_or_default();
        if !self.hosts.contains(&host_name(&host)) {
            return Err(Refusal::Host(host));
        }
        if !(path == "/api" || path.starts_with("/api/")) {
            return Ok(());
        }
        match text(header::ORIGIN) {
            Some(origin) => {
                let o = normalize_origin(&origin);
                let own = normalize_origin(&format!("http://{host}"));
                if o != own && !self.origins.contains(&o) {
                    return Err(Refusal::Origin(origin));
                }
            }
            None => {
                let site = text(header::HeaderName::from_static("sec-fetch-site"));
                if let Some(s) = site.filter(|s| s == "cross-site" || s == "same-site") {
                    return Err(Refusal::CrossSite(s));
                }
            }
        }
        if method == Method::POST {
            let ct = text(header::CONTENT_TYPE).unwrap_or_default();
            let essence = ct
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if essence != "application/json" {
                return Err(Refusal::ContentType(ct));
            }
        }
        Ok(())
    }
}

/// Refuses what [`Guard::check`] refuses, before routing (nothing else runs for it).
pub async fn guard_requests<S: super::Front>(
    State(state): State<Arc<S>>,
    req: Request,
    next: Next,
) -> Response {
    if let Err(refusal) = state
        .guard()
        .check(req.method(), req.uri().path(), req.headers())
    {
        tracing::warn!(
            method = %req.method(),
            path = req.uri().path(),
            reason = ?refusal,
            "request refused"
        );
        return refusal.into_error().into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    fn guard(listen: &str, cfg: SecurityConfig) -> Guard {
        Guard::new(listen.parse().unwrap(), &cfg)
    }

    const JSON: (&str, &str) = ("content-type", "application/json");

    #[test]
    fn hosts() {
        let g = guard("127.0.0.1:8000", SecurityConfig::default());
        for ok in [
            "127.0.0.1:8000",
            "localhost:8000",
            "LOCALHOST",
            "127.0.0.1",
            "[::1]:8000",
        ] {
            assert_eq!(
                g.check(&Method::GET, "/", &headers(&[("host", ok)])),
                Ok(()),
                "{ok}"
            );
        }
        for bad in [
            "evil.example",
            "evil.example:8000",
            "127.0.0.2:8000",
            "",
            "localhost.evil",
        ] {
            assert!(
                matches!(
                    g.check(&Method::GET, "/", &headers(&[("host", bad)])),
                    Err(Refusal::Host(_))
                ),
                "{bad}"
            );
        }
        let g = guard(
            "10.0.0.5:8000",
            SecurityConfig {
                allowed_hosts: vec!["Fastexec.Example.com".into()],
                ..Default::default()
            },
        );
        for ok in ["10.0.0.5:8000", "fastexec.example.com", "localhost:8000"] {
            assert_eq!(
                g.check(&Method::GET, "/", &headers(&[("host", ok)])),
                Ok(()),
                "{ok}"
            );
        }
        // Not listening on loopback: a loopback literal is not this server's address.
        assert!(g
            .check(&Method::GET, "/", &headers(&[("host", "127.0.0.1")]))
            .is_err());
        let g = guard("[::1]:9000", SecurityConfig::default());
        assert_eq!(
            g.check(&Method::GET, "/", &headers(&[("host", "[::1]:9000")])),
            Ok(())
        );
    }

    #[test]
    fn origins_and_fetch_site() {
        let g = guard(
            "127.0.0.1:8000",
            SecurityConfig {
                allowed_origins: vec!["http://127.0.0.1:8080/".into()],
                ..Default::default()
            },
        );
        let post = |extra: &[(&'static str, &str)]| {
            let mut pairs = vec![("host", "127.0.0.1:8000"), JSON];
            pairs.extend_from_slice(extra);
            g.check(
                &Method::POST,
                "/api/v3/fast_execute_script",
                &headers(&pairs),
            )
        };
        assert_eq!(post(&[]), Ok(()));
        assert_eq!(post(&[("origin", "http://127.0.0.1:8000")]), Ok(()));
        assert_eq!(post(&[("origin", "http://127.0.0.1:8080")]), Ok(()));
        assert_eq!(post(&[("sec-fetch-site", "same-origin")]), Ok(()));
        for bad in [
            "http://evil.example",
            "null",
            "https://127.0.0.1:8000",
            "http://localhost:8000",
        ] {
            assert!(
                matches!(post(&[("origin", bad)]), Err(Refusal::Origin(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            post(&[("sec-fetch-site", "cross-site")]),
            Err(Refusal::CrossSite(_))
        ));
        // A cross-site request from an allowed origin is fine (the origin was checked).
        assert_eq!(
            post(&[
                ("origin", "http://127.0.0.1:8080"),
                ("sec-fetch-site", "same-site")
            ]),
            Ok(())
        );
        // Static files are not checked for origin (pages link to them freely).
        assert_eq!(
            g.check(
                &Method::GET,
                "/index.html",
                &headers(&[
                    ("host", "127.0.0.1:8000"),
                    ("origin", "http://evil.example")
                ])
            ),
            Ok(())
        );
    }

    #[test]
    fn content_type() {
        let g = guard("127.0.0.1:8000", SecurityConfig::default());
        let post = |ct: Option<&str>| {
            let mut pairs = vec![("host", "127.0.0.1:8000")];
            if let Some(ct) = ct {
                pairs.push(("content-type", ct));
            }
            g.check(
                &Method::POST,
                "/api/c/compapi/v2/jobv3/fast_execute_script/",
                &headers(&pairs),
            )
        };
        assert_eq!(post(Some("application/json")), Ok(()));
        assert_eq!(post(Some("Application/JSON; charset=utf-8")), Ok(()));
        for bad in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
            Some("application/jsonx"),
        ] {
            assert!(matches!(post(bad), Err(Refusal::ContentType(_))), "{bad:?}");
        }
        // GETs carry no body to type.
        assert_eq!(
            g.check(
                &Method::GET,
                "/api/v3/get_job_instance_status",
                &headers(&[("host", "localhost:8000")])
            ),
            Ok(())
        );
    }

    #[test]
    fn origin_normalization() {
        assert_eq!(
            normalize_origin("HTTP://Example.com:80/"),
            "http://example.com"
        );
        assert_eq!(
            normalize_origin("https://example.com:443"),
            "https://example.com"
        );
        assert_eq!(
            normalize_origin("http://example.com:8080"),
            "http://example.com:8080"
        );
    }
}
