//! Forwarding one allowlisted call: strip what the browser sent as credentials, add the
//! server's, send, and pass the gateway's answer through (or a [`ProxyError`]).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, Uri};
use axum::response::{IntoResponse, Response};
use bkjob_api::Lang;
use http_body_util::{BodyExt, Full, Limited};
use serde_json::value::RawValue;

use super::error::{classify, ProxyError};
use super::identity::authorization;
use super::ProxyState;
use crate::http::error::random_hex;

/// The gateway resources forwarded, each with its one method (§1: a gateway resource has one
/// method; another method is the gateway's 404). A later API is one line here.
pub const FORWARDED: &[(&str, Method)] = &[
    ("fast_execute_script", Method::POST),
    ("get_job_instance_status", Method::GET),
    ("get_job_instance_ip_log", Method::GET),
    ("batch_get_job_instance_ip_log", Method::POST),
    ("operate_job_instance", Method::POST),
    // The job view's step operations, earlier rounds and rolling batches.
    ("operate_step_instance", Method::POST),
    ("get_step_instance_status", Method::GET),
    // The history page.
    ("get_job_instance_list", Method::GET),
    // Before a launch: the high-risk rules, the host check, the account and script pickers.
    ("get_dangerous_rule_list", Method::POST),
    ("query_agent_info", Method::POST),
    ("get_account_list", Method::GET),
    ("get_script_list", Method::GET),
    ("get_script_version_list", Method::GET),
    ("get_script_version_detail", Method::GET),
    ("get_public_script_list", Method::GET),
    ("get_public_script_version_list", Method::GET),
    ("get_public_script_version_detail", Method::GET),
];

/// Credential names ESB and the gateway read from a body or query (§9.1); the browser's are
/// dropped so only the server's header speaks for the user.
const CREDENTIAL_FIELDS: &[&str] = &[
    "bk_app_code",
    "bk_app_secret",
    "app_code",
    "app_secret",
    "bk_token",
    "bk_username",
    "username",
    "access_token",
    "bk_access_token",
    "bk_signature",
];

/// Request headers passed on; everything else (Cookie, Authorization, X-Bkapi-Authorization,
/// Origin, ...) stays here.
const REQUEST_HEADERS: &[&str] = &["blueking-language", "content-type", "x-request-id"];
/// Answer headers passed back: the request ids and the gateway's error details.
const ANSWER_HEADERS: &[&str] = &[
    "content-type",
    "x-bkapi-request-id",
    "x-request-id",
    "x-bkapi-error-code",
    "x-bkapi-error-message",
];

/// Largest answer read from the gateway (a 50,000-host status with IPs is ~10 MB).
const MAX_ANSWER_BYTES: usize = 256 * 1024 * 1024;

pub fn allowed(api: &str, method: &Method) -> bool {
    FORWARDED.iter().any(|(a, m)| *a == api && m == method)
}

/// `/api/v3/{api}` and `/api/v3/{api}/`.
pub async fn forward(
    State(state): State<Arc<ProxyState>>,
    Path(api): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !allowed(&api, &method) {
        return crate::http::web::api_not_found(method, uri)
            .await
            .into_response();
    }
    let lang = headers
        .get("blueking-language")
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_header)
        .unwrap_or_default();
    let user = state.identity.user(&headers);
    let request_id = random_hex();
    let started = Instant::now();
    let result = send(
        &state,
        &api,
        &method,
        &uri,
        &headers,
        body,
        &user,
        &request_id,
    )
    .await;
    let latency_ms = started.elapsed().as_millis() as u64;
    match result {
        Ok(resp) => {
            let upstream_id = resp
                .headers()
                .get("x-bkapi-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-")
                .to_string();
            tracing::info!(
                request_id,
                upstream_request_id = upstream_id,
                api,
                user = user.log_name(),
                status = resp.status().as_u16(),
                latency_ms,
                "forwarded"
            );
            resp
        }
        Err(e) => {
            // The cause comes from the network/TLS stack: addresses and reasons, no secrets.
            let cause = format!("{e:?}");
            let resp = e.into_api_error(lang).into_response();
            tracing::warn!(
                request_id,
                api,
                user = user.log_name(),
                status = resp.status().as_u16(),
                latency_ms,
                cause,
                "forward failed"
            );
            resp
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn send(
    state: &ProxyState,
    api: &str,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Bytes,
    user: &super::identity::User,
    request_id: &str,
) -> Result<Response, ProxyError> {
    let mut target = format!("{}/api/v3/{api}", state.base);
    if let Some(q) = uri.query().map(strip_query).filter(|q| !q.is_empty()) {
        target.push('?');
        target.push_str(&q);
    }
    let body = if *method == Method::POST {
        strip_body(body)
    } else {
        Bytes::new()
    };
    let mut req = Request::builder()
        .method(method.clone())
        .uri(&target)
        .body(Full::new(body))
        .map_err(|e| ProxyError::Internal(e.to_string()))?;
    let h = req.headers_mut();
    for name in REQUEST_HEADERS {
        if let Some(v) = headers.get(*name) {
            h.insert(HeaderName::from_static(name), v.clone());
        }
    }
    if !h.contains_key("x-request-id") {
        if let Ok(v) = HeaderValue::from_str(request_id) {
            h.insert("x-request-id", v);
        }
    }
    h.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    let auth = authorization(&state.app_code, state.secret(), user).ok_or_else(|| {
        ProxyError::Internal("the user's identity cannot be sent in a header".into())
    })?;
    h.insert("x-bkapi-authorization", auth);

    let timeout = Duration::from_secs(state.timeout_secs);
    let exchange = async {
        let resp = state.client.request(req).await.map_err(|e| classify(&e))?;
        let (parts, body) = resp.into_parts();
        let bytes = Limited::new(body, MAX_ANSWER_BYTES)
            .collect()
            .await
            .map_err(|e| {
                if e.is::<http_body_util::LengthLimitError>() {
                    ProxyError::TooBig
                } else {
                    classify(e.as_ref())
                }
            })?
            .to_bytes();
        Ok::<_, ProxyError>((parts, bytes))
    };
    let (parts, bytes) = tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| ProxyError::Timeout(state.timeout_secs))??;
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if !looks_like_json(&content_type, &bytes) {
        return Err(ProxyError::BadAnswer {
            status: parts.status.as_u16(),
            content_type: if content_type.is_empty() {
                "no Content-Type".into()
            } else {
                content_type
            },
        });
    }
    let mut resp = Response::new(axum::body::Body::from(bytes));
    *resp.status_mut() = parts.status;
    for name in ANSWER_HEADERS {
        for v in parts.headers.get_all(*name) {
            resp.headers_mut()
                .append(HeaderName::from_static(name), v.clone());
        }
    }
    if !resp.headers().contains_key(header::CONTENT_TYPE) {
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    Ok(resp)
}

/// A JSON type, or no HTML type and a body that opens like a JSON object.
fn looks_like_json(content_type: &str, body: &[u8]) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") {
        return true;
    }
    !essence.contains("html")
        && body
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'{')
}

/// The query without credential pairs (names compared after percent-decoding); kept pairs
/// are passed as they were written.
pub fn strip_query(q: &str) -> String {
    q.split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or("");
            !CREDENTIAL_FIELDS.contains(&percent_decode(key).as_str())
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |i: usize| b.get(i).and_then(|c| (*c as char).to_digit(16));
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match (b[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
            (b'+', ..) => out.push(b' '),
            (c, ..) => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A JSON object body without top-level credential fields. A body that has none is sent as it
/// came, byte for byte; anything not a JSON object is too (the gateway reads no credentials
/// from bodies, and JOB answers a malformed one with its own error).
pub fn strip_body(body: Bytes) -> Bytes {
    let Ok(map) = serde_json::from_slice::<BTreeMap<String, Box<RawValue>>>(&body) else {
        return body;
    };
    if !map.keys().any(|k| CREDENTIAL_FIELDS.contains(&k.as_str())) {
        return body;
    }
    let kept: BTreeMap<&String, &RawValue> = map
        .iter()
        .filter(|(k, _)| !CREDENTIAL_FIELDS.contains(&k.as_str()))
        .map(|(k, v)| (k, v.as_ref()))
        .collect();
    serde_json::to_vec(&kept).map(Bytes::from).unwrap_or(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlist_has_one_method_per_api() {
        assert!(allowed("get_job_instance_status", &Method::GET));
        assert!(!allowed("get_job_instance_status", &Method::POST));
        assert!(allowed("fast_execute_script", &Method::POST));
        assert!(!allowed("fast_execute_script", &Method::GET));
        assert!(!allowed("fast_execute_sql", &Method::POST));
        assert!(allowed("operate_step_instance", &Method::POST));
        assert!(allowed("get_step_instance_status", &Method::GET));
        assert!(!allowed("get_step_instance_status", &Method::POST));
        assert!(allowed("get_job_instance_list", &Method::GET));
        assert!(!allowed("get_job_instance_list", &Method::POST));
        assert!(allowed("query_agent_info", &Method::POST));
        assert!(allowed("get_dangerous_rule_list", &Method::POST));
        assert!(allowed("get_account_list", &Method::GET));
        assert!(!allowed("get_account_list", &Method::POST));
        assert!(allowed("get_public_script_version_detail", &Method::GET));
    }

    #[test]
    fn query_credentials_go() {
        assert_eq!(
            strip_query("bk_scope_type=biz&bk_token=t&bk%5Fapp_secret=s&bk_scope_id=2&username="),
            "bk_scope_type=biz&bk_scope_id=2"
        );
        assert_eq!(strip_query("a=%E4%B8%AD&b"), "a=%E4%B8%AD&b");
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%41+b"), "A b");
    }

    #[test]
    fn body_credentials_go_the_rest_stays() {
        let clean = Bytes::from_static(br#"{"b": 1, "a": {"bk_token": "inner"}}"#);
        assert_eq!(strip_body(clean.clone()), clean);
        let dirty = Bytes::from_static(
            br#"{"bk_app_secret":"s","script_content":"ZWNobw==","bk_token":"t","n":1.50}"#,
        );
        assert_eq!(
            &strip_body(dirty)[..],
            br#"{"n":1.50,"script_content":"ZWNobw=="}"#
        );
        let not_json = Bytes::from_static(b"bk_token=x");
        assert_eq!(strip_body(not_json.clone()), not_json);
    }

    #[test]
    fn json_or_not() {
        assert!(looks_like_json("application/json; charset=utf-8", b"{}"));
        assert!(looks_like_json("", b" {\"a\":1}"));
        assert!(!looks_like_json("text/html", b"{}"));
        assert!(!looks_like_json("text/plain", b"Bad Gateway"));
    }
}
