//! Errors as types: [`ApiError`] renders BK-JOB's envelope (or the API gateway's, for the
//! answers the gateway in front of BK-JOB would give), and [`Meta`] carries what every answer
//! needs. The extractors that produce them are in [`super::extractor`].

use std::hash::{BuildHasher, Hasher};

use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bkjob_api::{ApiResponse, ErrorCode, Lang, Permission, Violation};

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

    /// An answer of the API gateway in front of BK-JOB, in its own protocol: its HTTP status,
    /// code and `code_name`, `data: null`, no request id.
    pub fn gateway(
        status: StatusCode,
        code: i64,
        code_name: &'static str,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            job_request_id: None,
            permission: None,
            gateway_code_name: Some(code_name),
        }
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
