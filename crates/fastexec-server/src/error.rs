//! Errors as types: [`ApiError`] renders BK-JOB's envelope, and the request extractors turn
//! every body/query rejection into that envelope instead of axum's plain-text answers.

use std::hash::{BuildHasher, Hasher};

use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bkjob_api::{ApiResponse, ErrorCode, Lang, Permission, Violation};
use bytes::Bytes;
use serde::de::DeserializeOwned;

/// Per-request facts every answer needs: the language and the request id.
#[derive(Debug, Clone)]
pub struct Meta {
    pub lang: Lang,
    pub job_request_id: String,
}

impl Meta {
    /// From the request headers; `Blueking-Language: en` → English, anything else → zh-CN
    /// (contract §1.3). A fresh random hex request id each time.
    pub fn from_parts(parts: &Parts) -> Meta {
        if let Some(m) = parts.extensions.get::<Meta>() {
            return m.clone();
        }
        let lang = parts
            .headers
            .get("blueking-language")
            .and_then(|v| v.to_str().ok())
            .map(Lang::from_header)
            .unwrap_or_default();
        Meta {
            lang,
            job_request_id: random_hex(),
        }
    }

    pub fn ok<T: serde::Serialize>(&self, data: T) -> Json<ApiResponse<T>> {
        Json(ApiResponse::ok(data, Some(self.job_request_id.clone())))
    }

    /// A BK-JOB business error with its localized message.
    pub fn err(&self, code: ErrorCode, args: &[&str]) -> ApiError {
        ApiError::business(self, code.code(), code.message(self.lang, args))
    }

    /// The first validation failure, answered with its own code and message (contract §3.2:
    /// bean validation failures are 1240003 with the first violation's text).
    pub fn violation(&self, v: &Violation) -> ApiError {
        ApiError::business(self, v.api_code, v.message(self.lang).to_string())
    }

    /// 9900403 with the permission object (contract §4.1).
    pub fn denied(&self, user: &str, permission: Permission) -> ApiError {
        let mut e = self.err(ErrorCode::PERMISSION_DENIED, &[user]);
        e.permission = Some(Box::new(permission));
        e
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Meta {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let m = Meta::from_parts(parts);
        parts.extensions.insert(m.clone());
        Ok(m)
    }
}

/// 128 random bits as 32 hex chars (std's per-instance random hasher keys are the source).
pub fn random_hex() -> String {
    let a = std::collections::hash_map::RandomState::new();
    let b = std::collections::hash_map::RandomState::new();
    let mut h1 = a.build_hasher();
    h1.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    let mut h2 = b.build_hasher();
    h2.write_u64(h1.finish());
    format!("{:016x}{:016x}", h1.finish(), h2.finish())
}

/// An error answer. Business errors are HTTP 200 with `result:false` (contract §1.4); only
/// the gateway's own answers differ (400 for authentication, 413 for an oversized body).
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: i64,
    pub message: String,
    pub job_request_id: Option<String>,
    pub permission: Option<Box<Permission>>,
    /// Gateway-style answers carry `data: null` and a `code_name`.
    pub gateway_code_name: Option<&'static str>,
}

impl ApiError {
    pub fn business(meta: &Meta, code: i64, message: String) -> ApiError {
        ApiError {
            status: StatusCode::OK,
            code,
            message,
            job_request_id: Some(meta.job_request_id.clone()),
            permission: None,
            gateway_code_name: None,
        }
    }

    /// Malformed JSON, wrong types, bad query: 1240003 with the generic "错误的请求" /
    /// "Bad Request" (contract §3.2, last paragraph).
    pub fn bad_request(meta: &Meta) -> ApiError {
        meta.err(ErrorCode::BAD_REQUEST, &[])
    }

    pub fn internal(meta: &Meta, err: impl std::fmt::Display) -> ApiError {
        tracing::error!(job_request_id = %meta.job_request_id, "internal error: {err}");
        meta.err(ErrorCode::INTERNAL_ERROR, &[])
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(code_name) = self.gateway_code_name {
            let body = serde_json::json!({
                "result": false,
                "code": self.code,
                "code_name": code_name,
                "message": self.message,
                "data": null,
            });
            let mut resp = (self.status, Json(body)).into_response();
            if self.status == StatusCode::PAYLOAD_TOO_LARGE {
                // The rest of the body was never read: the connection cannot be reused, and a
                // client must not try (it would see a broken keep-alive connection).
                resp.headers_mut().insert(
                    axum::http::header::CONNECTION,
                    axum::http::HeaderValue::from_static("close"),
                );
            }
            return resp;
        }
        let mut env: ApiResponse<()> =
            ApiResponse::err(self.code, self.message, self.job_request_id);
        env.permission = self.permission.map(|p| *p);
        (self.status, Json(env)).into_response()
    }
}

/// JSON body extractor that answers BK-style on any problem and honours the body limit. (The
/// `Content-Type` was already required to be JSON by [`crate::guard`].)
pub struct BkJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for BkJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let BkBody(meta, bytes) = BkBody::from_request(req, state).await?;
        parse_json(&meta, &bytes).map(BkJson)
    }
}

/// The raw body with the request's [`Meta`], for handlers that read the body in two steps
/// (the ESB route checks the credentials before the rest is parsed).
pub struct BkBody(pub Meta, pub Bytes);

impl<S: Send + Sync> FromRequest<S> for BkBody {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let meta = Meta::from_parts(&parts);
        parts.extensions.insert(meta.clone());
        let req = Request::from_parts(parts, body);
        match Bytes::from_request(req, state).await {
            Ok(b) => Ok(BkBody(meta, b)),
            Err(rej) if rej.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(too_large(&meta)),
            Err(_) => Err(ApiError::bad_request(&meta)),
        }
    }
}

/// Parse a BK-JOB request body: 1240003 "Bad Request" on anything that is not a JSON object
/// of the right shape.
pub fn parse_json<T: DeserializeOwned>(meta: &Meta, bytes: &[u8]) -> Result<T, ApiError> {
    // Every BK-JOB request body is a JSON object; serde would also accept an array for a
    // struct, Jackson does not.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::bad_request(meta));
    }
    serde_json::from_slice::<T>(bytes).map_err(|e| {
        tracing::debug!(job_request_id = %meta.job_request_id, "bad JSON body: {e}");
        ApiError::bad_request(meta)
    })
}

/// An oversized body is stopped by the API gateway in front of BK-JOB, in its own protocol
/// (HTTP 413, 1641301 `BODY_SIZE_LIMIT_EXCEED`, the gateway's published error reference).
fn too_large(_meta: &Meta) -> ApiError {
    ApiError {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        code: 1_641_301,
        message: "Request body size too large.".to_string(),
        job_request_id: None,
        permission: None,
        gateway_code_name: Some("BODY_SIZE_LIMIT_EXCEED"),
    }
}

/// Query-string extractor with the same BK-style rejection.
pub struct BkQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for BkQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let meta = Meta::from_parts(parts);
        parts.extensions.insert(meta.clone());
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(BkQuery(v)),
            Err(_) => Err(ApiError::bad_request(&meta)),
        }
    }
}
