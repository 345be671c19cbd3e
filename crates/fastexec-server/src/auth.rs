//! Authentication, as the BlueKing API gateway / ESB in front of BK-JOB would do it.
//!
//! Gateway (`/api/v3/*`, contract §1.3 B): credentials ONLY in the header
//! `X-Bkapi-Authorization` (a JSON object); `allow_auth_from_params: false`, so credentials in
//! the body or query are ignored. The gateway rejects a request before it reaches BK-JOB, in its
//! own protocol: HTTP 400, `code` 1640001, `code_name` "INVALID_ARGS", `data` null and the
//! English message `Parameters error [reason="..."]` (BlueKing API gateway's published error
//! reference, section "status: 400"). ESB (`/api/c/compapi/...`, §1.3 A) carries the four common
//! args in the JSON body; there a missing user / app answers HTTP 401 with BK-JOB's `1247002` /
//! `1247004` (`CheckOpenApiJwt`, §1.4). Secrets and tokens are never logged.

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

/// The gateway's "invalid arguments" code, used for every authentication failure.
pub const GATEWAY_INVALID_ARGS: i64 = 1_640_001;

/// Why a caller was refused (rendered differently by the gateway and by ESB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    NoAppCode,
    NoAppSecret,
    AppNotFound,
    WrongSecret,
    NoUser,
    UsernameNotVerified,
}

impl AuthFailure {
    /// The gateway's reason text (the gateway answers in English only).
    fn gateway_reason(self) -> &'static str {
        match self {
            AuthFailure::NoAppCode => "app code cannot be empty",
            AuthFailure::NoAppSecret => "please provide bk_app_secret or bk_signature to verify app",
            AuthFailure::AppNotFound => "app not found",
            AuthFailure::WrongSecret => "bk_app_code or bk_app_secret is incorrect",
            AuthFailure::NoUser => "user authentication failed, please provide a valid user identity, such as bk_username, bk_token, access_token",
            AuthFailure::UsernameNotVerified => "user authentication failed, the user indicated by bk_username is not verified",
        }
    }

    /// The API gateway's answer.
    pub fn gateway_error(self) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: GATEWAY_INVALID_ARGS,
            message: format!("Parameters error [reason=\"{}\"]", self.gateway_reason()),
            job_request_id: None,
            permission: None,
            gateway_code_name: Some("INVALID_ARGS"),
        }
    }

    /// The legacy ESB route's answer: BK-JOB's own codes for a missing app or user.
    pub fn esb_error(self, meta: &Meta) -> ApiError {
        let code = match self {
            AuthFailure::NoAppCode
            | AuthFailure::NoAppSecret
            | AuthFailure::AppNotFound
            | AuthFailure::WrongSecret => ErrorCode::MISSING_APP,
            AuthFailure::NoUser | AuthFailure::UsernameNotVerified => ErrorCode::MISSING_USER,
        };
        let mut e = meta.err(code, &[]);
        e.status = StatusCode::UNAUTHORIZED;
        e
    }
}

fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|s| s.trim().is_empty())
}

/// Check app code + secret and find the user (by `bk_token`, else by `bk_username` for
/// login-exempt apps). Shared by the gateway header and the ESB body.
pub fn authenticate(
    state: &AppState,
    app_code: &Option<String>,
    app_secret: &Option<String>,
    bk_token: &Option<String>,
    bk_username: &Option<String>,
) -> Result<Caller, AuthFailure> {
    if blank(app_code) {
        return Err(AuthFailure::NoAppCode);
    }
    if blank(app_secret) {
        return Err(AuthFailure::NoAppSecret);
    }
    let code = app_code.as_deref().unwrap_or_default().trim();
    let Some(app) = state.dir.app(code) else {
        tracing::info!(app_code = code, "rejected: unknown app");
        return Err(AuthFailure::AppNotFound);
    };
    if Some(app.secret.as_str()) != app_secret.as_deref() {
        tracing::info!(app_code = code, "rejected: wrong secret");
        return Err(AuthFailure::WrongSecret);
    }
    // bk_token wins when present; an unknown token is no valid user.
    let user = if !blank(bk_token) {
        state
            .dir
            .user_by_token(bk_token.as_deref().unwrap_or_default().trim())
    } else if !blank(bk_username) {
        if !app.login_exempt {
            tracing::info!(
                app_code = code,
                "rejected: bk_username from a non-exempt app"
            );
            return Err(AuthFailure::UsernameNotVerified);
        }
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
            Err(AuthFailure::NoUser)
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
        // A missing or unparsable header is, to the gateway, a request without an app code.
        let parsed = parts
            .headers
            .get(GatewayAuth::HEADER)
            .and_then(|raw| raw.to_str().ok())
            .and_then(|s| GatewayAuth::parse(s).ok());
        let Some(auth) = parsed else {
            return Err(AuthFailure::NoAppCode.gateway_error());
        };
        authenticate(
            state,
            &auth.bk_app_code,
            &auth.bk_app_secret,
            &auth.bk_token,
            &auth.bk_username,
        )
        .map_err(AuthFailure::gateway_error)
    }
}
