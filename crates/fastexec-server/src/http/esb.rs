//! The ESB face of every API: `/api/c/compapi/v2/jobv3/{api}/`, answered as BlueKing's ESB in
//! front of BK-JOB answers (contract bk-job-api-more.md §1, §9.1).
//!
//! - **Methods**: GET and POST on every API (jobv3 channels declare no method). ESB always
//!   calls BK-JOB with POST and a JSON body, so a GET's query string becomes a JSON object of
//!   strings (the last value of a repeated parameter, as Django reads it) and reaches the same
//!   POST handler, read by Jackson's coercion rules (`bkjob_api` lenient module). Any other
//!   method: ESB's 404 `The content does not exist`.
//! - **Credentials**: the `X-Bkapi-Authorization` header (a JSON object) when present is the
//!   only source; otherwise the fields of the query (GET) or JSON body (POST):
//!   `bk_app_code`/`app_code`, `bk_app_secret`/`app_secret`, `bk_token`,
//!   `bk_username`/`username`. They are checked by [`authenticate_from`] (same directory,
//!   throttle and logging as the gateway) before the rest of the request is read.
//! - **Failures**: HTTP 200, `result:false`, `data:null`, ESB's own code and message: `1306000`
//!   with the validator's text for credentials, `1306406` for a header that is not a JSON
//!   object, `1306000` for a POST body that is not valid JSON, `1306429` for a throttled
//!   client (ESB's rate-limit code).
//! - **`request_id`**: every answer that is a JSON object gets ESB's own `request_id` (32 hex),
//!   and `message` / `data` when missing (`""` / `null`), as ESB's `format_resp_dict` does;
//!   BK-JOB's `job_request_id` stays as it is.

use std::borrow::Cow;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, MethodRouter};
use axum::Json;
use bkjob_api::GatewayAuth;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{json, Map, Value};

use super::auth::{authenticate_from, AuthFailure, EsbCaller};
use super::error::random_hex;
use super::extractor::{client_ip, too_large};
use crate::AppState;

/// ESB's catch-all code (validator failures are wrapped in it).
pub const ESB_COMMON_ERROR: i64 = 1_306_000;
/// ESB's "Parameters error" code.
pub const ESB_ARGUMENT_ERROR: i64 = 1_306_406;
/// ESB's rate-limit code.
pub const ESB_RATE_LIMITED: i64 = 1_306_429;

/// The ESB route of an API whose BK-JOB handlers are `handler` (its POST one is used).
pub fn route(
    state: &Arc<AppState>,
    handler: MethodRouter<Arc<AppState>>,
) -> MethodRouter<Arc<AppState>> {
    let inner: MethodRouter<()> = handler.with_state(state.clone());
    any(move |State(st): State<Arc<AppState>>, req: Request| {
        let inner = inner.clone();
        async move { front(&st, req, inner).await }
    })
}

/// ESB's answer for a path or method it has no channel for.
pub async fn not_found() -> Response {
    let body = json!({"result": false, "data": null, "message": "The content does not exist"});
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

/// The credential fields ESB reads, first non-empty of each pair.
#[derive(Debug, Default)]
struct Credentials {
    app_code: Option<String>,
    app_secret: Option<String>,
    bk_token: Option<String>,
    username: Option<String>,
}

const KEYS: [&str; 7] = [
    "bk_app_code",
    "app_code",
    "bk_app_secret",
    "app_secret",
    "bk_token",
    "bk_username",
    "username",
];

/// The credential fields of a JSON object; every other member is skipped unread (a launch
/// body may carry megabytes of script).
#[derive(Default)]
struct Fields(Vec<(&'static str, Value)>);

impl<'de> serde::Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut out = Fields::default();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match KEYS.iter().find(|k| **k == key) {
                        Some(k) => {
                            let v: Value = map.next_value()?;
                            // A repeated key: the last one wins, as Python's json does.
                            out.0.retain(|(name, _)| name != k);
                            out.0.push((k, v));
                        }
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

impl Fields {
    fn from_query(query: &Map<String, Value>) -> Fields {
        Fields(
            KEYS.iter()
                .filter_map(|k| query.get(*k).map(|v| (*k, v.clone())))
                .collect(),
        )
    }

    /// ESB's `get_first_not_empty_value`: null, `""`, `[]` and `{}` count as absent; other
    /// non-strings are taken as their JSON text (they then fail verification).
    fn first(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|k| {
            let v = self.0.iter().find(|(name, _)| name == k).map(|(_, v)| v)?;
            match v {
                Value::Null => None,
                Value::String(s) if s.is_empty() => None,
                Value::Array(a) if a.is_empty() => None,
                Value::Object(o) if o.is_empty() => None,
                Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            }
        })
    }

    fn credentials(&self) -> Credentials {
        Credentials {
            app_code: self.first(&["bk_app_code", "app_code"]),
            app_secret: self.first(&["bk_app_secret", "app_secret"]),
            bk_token: self.first(&["bk_token"]),
            username: self.first(&["bk_username", "username"]),
        }
    }
}

/// An ESB error envelope (HTTP 200).
fn esb_error(code: i64, message: String, request_id: &str) -> Response {
    let body = json!({
        "result": false,
        "code": code,
        "data": null,
        "message": message,
        "request_id": request_id,
    });
    (StatusCode::OK, Json(body)).into_response()
}

/// ESB's text for a refused caller (its validators' messages, English only).
fn failure_message(f: AuthFailure, c: &Credentials) -> String {
    let code = c.app_code.as_deref().unwrap_or_default();
    match f {
        // ESB checks for a secret (or signature) before it looks at the app code.
        AuthFailure::NoAppSecret => {
            "Signature [bk_signature] and APP Secret [bk_app_secret] cannot be empty at the same time".into()
        }
        AuthFailure::NoAppCode if c.app_secret.as_deref().is_none_or(|s| s.trim().is_empty()) => {
            failure_message(AuthFailure::NoAppSecret, c)
        }
        AuthFailure::NoAppCode => "APP Code [bk_app_code] cannot be empty".into(),
        AuthFailure::AppNotFound => format!(
            "Invalid APP Code [bk_app_code={code}], please confirm if the APP Code has been registered"
        ),
        // "pelase" as in ESB's source.
        AuthFailure::WrongSecret => format!(
            "APP Secret verification failed, pelase confirm if the APP Secret and APP Code [bk_app_code={code}] match"
        ),
        AuthFailure::InvalidToken => {
            "User authentication failed, please check if the bk_token is valid".into()
        }
        AuthFailure::NoUser | AuthFailure::UsernameNotVerified => {
            "User authentication failed, please provide a valid user identity, such as bk_token, bk_username".into()
        }
        AuthFailure::Throttled => "Access frequency limit, too many failed authentications \
             from this address, please try again in a minute"
            .into(),
    }
}

/// Authenticate as ESB does, hand the request to the BK-JOB handler as ESB forwards it (POST,
/// JSON body), and add ESB's `request_id` to the answer.
async fn front(state: &AppState, req: Request, mut inner: MethodRouter<()>) -> Response {
    let request_id = random_hex();
    let (mut parts, body) = req.into_parts();
    let is_get = parts.method == Method::GET;
    if !is_get && parts.method != Method::POST {
        return not_found().await;
    }
    // GET: the query as ESB reads it (last value wins), then sent on as a JSON body.
    let query: Option<Map<String, Value>> = is_get.then(|| {
        form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect()
    });
    let body = match &query {
        // Without the credentials, as ESB's `get_strict_clean_params` forwards it.
        Some(q) => {
            let mut q = q.clone();
            q.retain(|k, _| !KEYS.contains(&k.as_str()));
            bytes::Bytes::from(Value::Object(q).to_string())
        }
        None => match axum::body::to_bytes(body, state.max_body_bytes).await {
            Ok(b) => b,
            Err(_) => return with_request_id(too_large().into_response(), &request_id).await,
        },
    };
    let header = parts
        .headers
        .get(GatewayAuth::HEADER)
        .map(|v| serde_json::from_slice::<Fields>(v.as_bytes()));
    if let Some(Err(_)) = header {
        return esb_error(
            ESB_ARGUMENT_ERROR,
            "Parameters error, request header X-Bkapi-Authorization is not a valid JSON format string".into(),
            &request_id,
        );
    }
    // A POST body that looks like JSON must be JSON (ESB parses it whatever the credentials).
    let body_fields = if query.is_none() && body.trim_ascii_start().starts_with(b"{") {
        match serde_json::from_slice::<Fields>(&body) {
            Ok(f) => f,
            Err(_) => {
                return esb_error(
                    ESB_COMMON_ERROR,
                    "Request JSON string is wrong in format, which cannot be analyzed.".into(),
                    &request_id,
                )
            }
        }
    } else {
        Fields::default()
    };
    let fields = match (header, &query) {
        (Some(Ok(h)), _) => h,
        (_, Some(q)) => Fields::from_query(q),
        _ => body_fields,
    };
    let creds = fields.credentials();
    let ip = client_ip(&parts);
    let caller = match authenticate_from(
        state,
        ip,
        &creds.app_code,
        &creds.app_secret,
        &creds.bk_token,
        &creds.username,
    ) {
        Ok(c) => c,
        Err(f) => {
            let code = if f == AuthFailure::Throttled {
                ESB_RATE_LIMITED
            } else {
                ESB_COMMON_ERROR
            };
            return esb_error(code, failure_message(f, &creds), &request_id);
        }
    };
    parts.extensions.insert(EsbCaller(caller));
    parts.method = Method::POST;
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let req = Request::from_parts(parts, Body::from(body));
    let resp = match tower_service::Service::call(&mut inner, req).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    with_request_id(resp, &request_id).await
}

/// Which envelope members a JSON object answer has (values skipped unread).
#[derive(Default)]
struct Members {
    message: bool,
    data: bool,
    request_id: bool,
}

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut m = Members::default();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match &*key {
                        "message" => m.message = true,
                        "data" => m.data = true,
                        "request_id" => m.request_id = true,
                        _ => {}
                    }
                    map.next_value::<IgnoredAny>()?;
                }
                Ok(m)
            }
        }
        d.deserialize_map(V)
    }
}

/// `body` with ESB's members added at the front, if it is a JSON object without a
/// `request_id` (the handlers' envelopes never have one).
pub fn add_request_id(body: &[u8], request_id: &str) -> Option<Vec<u8>> {
    let members: Members = serde_json::from_slice(body).ok()?;
    if members.request_id {
        return None;
    }
    let rest = body.trim_ascii_start().strip_prefix(b"{")?;
    let mut out = format!("{{\"request_id\":\"{request_id}\"");
    if !members.message {
        out.push_str(",\"message\":\"\"");
    }
    if !members.data {
        out.push_str(",\"data\":null");
    }
    let mut out = out.into_bytes();
    if !rest.trim_ascii_start().starts_with(b"}") {
        out.push(b',');
    }
    out.extend_from_slice(rest);
    Some(out)
}

async fn with_request_id(resp: Response, request_id: &str) -> Response {
    let json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !json {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    // The handlers' answers are already in memory (serialized envelopes).
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    match add_request_id(&bytes, request_id) {
        Some(b) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(b))
        }
        None => Response::from_parts(parts, Body::from(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_id_is_added_as_esb_adds_it() {
        let id = "0123456789abcdef0123456789abcdef";
        let add = |b: &str| {
            add_request_id(b.as_bytes(), id)
                .map(|v| serde_json::from_slice::<Value>(&v).expect("still JSON"))
        };
        assert_eq!(
            add(r#"{"result":true,"code":0,"data":{"message":1},"job_request_id":"j"}"#),
            Some(
                json!({"result":true,"code":0,"message":"","data":{"message":1},
                        "job_request_id":"j","request_id":id})
            )
        );
        assert_eq!(
            add(r#" {"result":false,"code":1,"message":"m"}"#),
            Some(json!({"result":false,"code":1,"message":"m","data":null,"request_id":id}))
        );
        assert_eq!(
            add("{}"),
            Some(json!({"message":"","data":null,"request_id":id}))
        );
        assert_eq!(add(r#"{"request_id":"x"}"#), None);
        assert_eq!(add("[1]"), None);
        assert_eq!(add("{"), None);
    }

    #[test]
    fn credentials_take_the_first_non_empty_alias() {
        let f: Fields = serde_json::from_str(
            r#"{"bk_app_code":"","app_code":"a","app_secret":"s","bk_app_secret":null,
                "bk_username":{},"username":"u","bk_token":5,"script_content":"x",
                "bk_app_code":"b"}"#,
        )
        .unwrap();
        let c = f.credentials();
        assert_eq!(c.app_code.as_deref(), Some("b"));
        assert_eq!(c.app_secret.as_deref(), Some("s"));
        assert_eq!(c.username.as_deref(), Some("u"));
        assert_eq!(c.bk_token.as_deref(), Some("5"));
        assert!(serde_json::from_str::<Fields>("[1]").is_err());
        assert!(serde_json::from_str::<Fields>(r#""{}""#).is_err());
    }
}
