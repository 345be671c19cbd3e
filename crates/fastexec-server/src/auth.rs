//! Authentication, as the BlueKing API gateway / ESB in front of BK-JOB would do it.
//!
//! Gateway (`/api/v3/*`, contract §1.3 B): credentials ONLY in the header
//! `X-Bkapi-Authorization` (a JSON object); `allow_auth_from_params: false`, so credentials in
//! the body or query are ignored. ESB (`/api/c/compapi/...`, §1.3 A): the four common args in
//! the JSON body. Failures answer HTTP 401: app problems in the gateway's own style, and a
//! missing user / app with BK-JOB's `1247002` / `1247004` (`CheckOpenApiJwt`, §1.4).
//! Secrets and tokens are never logged.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use bkjob_api::{ErrorCode, GatewayAuth};

use crate::error::{ApiError, Meta};
use crate::AppState;

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub app_code: String,
    pub username: String,
}

/// The gateway's generic "unauthorized" code (its errors are not BK-JOB codes).
pub const GATEWAY_UNAUTHORIZED: i64 = 16_000_000;

fn gateway_error(meta: &Meta, zh: &str, en: &str) -> ApiError {
    ApiError {
        status: StatusCode::UNAUTHORIZED,
        code: GATEWAY_UNAUTHORIZED,
        message: meta.lang.pick(zh, en).to_string(),
        job_request_id: None,
        permission: None,
        gateway_code_name: Some("UNAUTHORIZED"),
    }
}

fn job_401(meta: &Meta, code: ErrorCode) -> ApiError {
    let mut e = meta.err(code, &[]);
    e.status = StatusCode::UNAUTHORIZED;
    e
}

fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|s| s.trim().is_empty())
}

/// Check app code + secret and find the user (by `bk_token`, else by `bk_username` for
/// login-exempt apps). Shared by the gateway header and the ESB body.
pub fn authenticate(
    state: &AppState,
    meta: &Meta,
    app_code: &Option<String>,
    app_secret: &Option<String>,
    bk_token: &Option<String>,
    bk_username: &Option<String>,
) -> Result<Caller, ApiError> {
    if blank(app_code) {
        return Err(job_401(meta, ErrorCode::MISSING_APP));
    }
    let code = app_code.as_deref().unwrap_or_default().trim();
    let app = match state.dir.app(code) {
        Some(app) if Some(app.secret.as_str()) == app_secret.as_deref() => app,
        _ => {
            tracing::info!(app_code = code, "rejected: unknown app or wrong secret");
            return Err(gateway_error(
                meta,
                "应用认证失败，bk_app_code 或 bk_app_secret 不正确",
                "App authentication failed, bk_app_code or bk_app_secret is invalid",
            ));
        }
    };
    // bk_token wins when present; an unknown token is no valid user.
    let user = if !blank(bk_token) {
        state
            .dir
            .user_by_token(bk_token.as_deref().unwrap_or_default().trim())
    } else if !blank(bk_username) && app.login_exempt {
        state
            .dir
            .user(bk_username.as_deref().unwrap_or_default().trim())
    } else {
        None
    };
    match user {
        Some(u) => Ok(Caller {
            app_code: app.code.clone(),
            username: u.name.clone(),
        }),
        None => {
            tracing::info!(app_code = code, "rejected: no valid user");
            Err(job_401(meta, ErrorCode::MISSING_USER))
        }
    }
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let meta = Meta::from_parts(parts);
        parts.extensions.insert(meta.clone());
        let Some(raw) = parts.headers.get(GatewayAuth::HEADER) else {
            return Err(gateway_error(
                &meta,
                "应用认证失败，请提供有效的 X-Bkapi-Authorization 请求头",
                "App authentication failed, please provide a valid X-Bkapi-Authorization header",
            ));
        };
        let parsed = raw.to_str().ok().and_then(|s| GatewayAuth::parse(s).ok());
        let Some(auth) = parsed else {
            return Err(gateway_error(
                &meta,
                "应用认证失败，X-Bkapi-Authorization 请求头不是合法的 JSON 对象",
                "App authentication failed, the X-Bkapi-Authorization header is not a valid JSON object",
            ));
        };
        authenticate(
            state,
            &meta,
            &auth.bk_app_code,
            &auth.bk_app_secret,
            &auth.bk_token,
            &auth.bk_username,
        )
    }
}
