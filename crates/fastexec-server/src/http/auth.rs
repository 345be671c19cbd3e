//! Authentication, as the BlueKing API gateway / ESB in front of BK-JOB would do it.
//!
//! Gateway (`/api/v3/*`, contract §1.3 B): credentials ONLY in the header
//! `X-Bkapi-Authorization` (a JSON object); `allow_auth_from_params: false`, so credentials in
//! the body or query are ignored. The gateway rejects a request before it reaches BK-JOB, in its
//! own protocol: HTTP 400, `code` 1640001, `code_name` "INVALID_ARGS", `data` null and the
//! English message `Parameters error [reason="..."]` (BlueKing API gateway's published error
//! reference, section "status: 400"). ESB (`/api/c/compapi/...`) reads the header or else the
//! body/query fields and answers in its own protocol: [`super::esb`]. Both go through
//! [`authenticate_from`] (same checks, same throttle). Secrets and tokens are never logged.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use bkjob_api::GatewayAuth;

use super::error::{ApiError, Meta};
use super::extractor::client_ip;
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
    /// A `bk_token` that names no user.
    InvalidToken,
    UsernameNotVerified,
    /// Too many failed authentications from this client address lately.
    Throttled,
}

/// The gateway's rate-limit answer (HTTP 429).
pub const GATEWAY_RATE_LIMITED: i64 = 1_642_901;

/// Failed authentications per client address and app code in a window of a minute: past the
/// limit, every attempt for that app from that address is refused before its credentials are
/// looked at, so a secret or a token cannot be guessed at speed. Keyed by app code too, so
/// guesses against one app (or requests without credentials) do not lock out the other apps
/// of a shared address (a reverse proxy). Each attempt reserves a failure under the lock and a
/// success gives it back, so concurrent guesses cannot overshoot the limit.
pub struct AuthThrottle {
    limit: u32,
    window: Duration,
    failures: Mutex<HashMap<ThrottleKey, (Instant, u32)>>,
}

/// Client address and app code (empty when none was sent).
pub type ThrottleKey = (IpAddr, String);

/// Most keys tracked; past it, new keys are not throttled (memory stays bounded).
const THROTTLE_KEYS: usize = 10_000;

impl AuthThrottle {
    pub fn new(limit_per_minute: u32) -> AuthThrottle {
        AuthThrottle {
            limit: if limit_per_minute == 0 {
                10
            } else {
                limit_per_minute
            },
            window: Duration::from_secs(60),
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// May this attempt go ahead? If so, it counts as a failure until [`Self::succeeded`].
    pub fn attempt(&self, key: &ThrottleKey) -> bool {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= THROTTLE_KEYS && !map.contains_key(key) {
            map.retain(|_, (start, _)| now.duration_since(*start) < self.window);
            if map.len() >= THROTTLE_KEYS {
                return true;
            }
        }
        let e = map.entry(key.clone()).or_insert((now, 0));
        if now.duration_since(e.0) >= self.window {
            *e = (now, 0);
        }
        if e.1 >= self.limit {
            return false;
        }
        e.1 += 1;
        true
    }

    /// The attempt authenticated: it was no failure.
    pub fn succeeded(&self, key: &ThrottleKey) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = map.get_mut(key) {
            e.1 = e.1.saturating_sub(1);
        }
    }
}

impl AuthFailure {
    /// The gateway's reason text (the gateway answers in English only).
    fn gateway_reason(self) -> &'static str {
        match self {
            AuthFailure::NoAppCode => "app code cannot be empty",
            AuthFailure::NoAppSecret => "please provide bk_app_secret or bk_signature to verify app",
            AuthFailure::AppNotFound => "app not found",
            AuthFailure::WrongSecret => "bk_app_code or bk_app_secret is incorrect",
            AuthFailure::NoUser | AuthFailure::InvalidToken => "user authentication failed, please provide a valid user identity, such as bk_username, bk_token, access_token",
            AuthFailure::UsernameNotVerified => "user authentication failed, the user indicated by bk_username is not verified",
            AuthFailure::Throttled => "too many failed authentications",
        }
    }

    /// 429 for a throttled client.
    fn throttled_error() -> ApiError {
        ApiError::gateway(
            StatusCode::TOO_MANY_REQUESTS,
            GATEWAY_RATE_LIMITED,
            "RATE_LIMIT_RESTRICTION",
            "Request rate limit exceeded: too many failed authentications from this address, \
             try again in a minute",
        )
    }

    /// The API gateway's answer.
    pub fn gateway_error(self) -> ApiError {
        if self == AuthFailure::Throttled {
            return Self::throttled_error();
        }
        ApiError::gateway(
            StatusCode::BAD_REQUEST,
            GATEWAY_INVALID_ARGS,
            "INVALID_ARGS",
            format!("Parameters error [reason=\"{}\"]", self.gateway_reason()),
        )
    }
}

fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|s| s.trim().is_empty())
}

/// [`authenticate`] behind the per-address throttle: a throttled address is refused before
/// its credentials are looked at, and every failure counts against it.
pub fn authenticate_from(
    state: &AppState,
    ip: IpAddr,
    app_code: &Option<String>,
    app_secret: &Option<String>,
    bk_token: &Option<String>,
    bk_username: &Option<String>,
) -> Result<Caller, AuthFailure> {
    let key = (
        ip,
        app_code.as_deref().unwrap_or_default().trim().to_string(),
    );
    if !state.auth_throttle.attempt(&key) {
        tracing::info!(%ip, app_code = %key.1, "rejected: too many failed authentications");
        return Err(AuthFailure::Throttled);
    }
    let r = authenticate(state, app_code, app_secret, bk_token, bk_username);
    if r.is_ok() {
        state.auth_throttle.succeeded(&key);
    }
    r
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
    if !crate::secret::ct_eq(
        app.secret.as_bytes(),
        app_secret.as_deref().unwrap_or_default().as_bytes(),
    ) {
        tracing::info!(app_code = code, "rejected: wrong secret");
        return Err(AuthFailure::WrongSecret);
    }
    // bk_token wins when present; an unknown token is no valid user.
    let user = if !blank(bk_token) {
        let user = state
            .dir
            .user_by_token(bk_token.as_deref().unwrap_or_default().trim());
        if user.is_none() {
            tracing::info!(app_code = code, "rejected: unknown bk_token");
            return Err(AuthFailure::InvalidToken);
        }
        user
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

/// The caller an ESB route authenticated ([`super::esb`]), for the handler it wraps.
#[derive(Debug, Clone)]
pub struct EsbCaller(pub Caller);

/// The gateway routes' caller, from the `X-Bkapi-Authorization` header (or, behind an ESB
/// route, the caller ESB authenticated).
impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        if let Some(EsbCaller(c)) = parts.extensions.get::<EsbCaller>() {
            return Ok(c.clone());
        }
        let meta = Meta::from_parts(parts);
        parts.extensions.insert(meta.clone());
        // A missing or unparsable header is, to the gateway, a request without an app code.
        let parsed = parts
            .headers
            .get(GatewayAuth::HEADER)
            .and_then(|raw| raw.to_str().ok())
            .and_then(|s| GatewayAuth::parse(s).ok());
        let ip = client_ip(parts);
        let Some(auth) = parsed else {
            if !state.auth_throttle.attempt(&(ip, String::new())) {
                return Err(AuthFailure::Throttled.gateway_error());
            }
            return Err(AuthFailure::NoAppCode.gateway_error());
        };
        authenticate_from(
            state,
            ip,
            &auth.bk_app_code,
            &auth.bk_app_secret,
            &auth.bk_token,
            &auth.bk_username,
        )
        .map_err(AuthFailure::gateway_error)
    }
}
