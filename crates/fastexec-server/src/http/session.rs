//! `GET /api/fastexec/session`: tells the app whether the server adds the credentials and who
//! the user is (a fixed contract the app codes against):
//!
//! - local mode: `{"result":true,"code":0,"data":{"mode":"local"}}`;
//! - proxy mode: `{"result":true,"code":0,"data":{"mode":"proxy","username":..,"signed_in":..,
//!   "login_url":..}}`.
//!
//! With the `bk_token` identity the name is BlueKing's to know: asking its login service on
//! every page load is not worth a round trip, so `username` is `null` and `signed_in` is
//! `true` when the cookie is present (an expired token shows as the gateway's authentication
//! error on the first call). With a trusted header or a fixed user, the name is reported.

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Value};

use crate::proxy::identity::User;
use crate::proxy::ProxyState;

pub async fn local() -> Json<Value> {
    Json(json!({"result": true, "code": 0, "data": {"mode": "local"}}))
}

pub async fn proxy(State(state): State<Arc<ProxyState>>, headers: HeaderMap) -> Json<Value> {
    let (username, signed_in) = match state.identity.user(&headers) {
        User::Token(_) => (None, true),
        User::Name(n) => (Some(n), true),
        User::Anonymous => (None, false),
    };
    Json(json!({
        "result": true,
        "code": 0,
        "data": {
            "mode": "proxy",
            "username": username,
            "signed_in": signed_in,
            "login_url": state.login_url,
        }
    }))
}
