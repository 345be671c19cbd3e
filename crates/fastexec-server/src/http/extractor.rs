//! Request extractors that answer BK-style: every body/query rejection becomes BK-JOB's
//! 1240003 "Bad Request" envelope (or the gateway's 413) instead of axum's plain-text answers.
//! Also the request's [`Meta`] and the client address.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use bytes::Bytes;
use serde::de::DeserializeOwned;

use super::error::{ApiError, Meta};
use super::query::GetParams;

impl<S: Send + Sync> FromRequestParts<S> for Meta {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let m = Meta::from_parts(parts);
        parts.extensions.insert(m.clone());
        Ok(m)
    }
}

/// JSON body extractor that answers BK-style on any problem and honours the body limit. (The
/// `Content-Type` was already required to be JSON by [`super::guard`].)
pub struct BkJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for BkJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let BkBody(meta, bytes) = BkBody::from_request(req, state).await?;
        parse_json(&meta, &bytes).map(BkJson)
    }
}

/// The raw body with the request's [`Meta`] (what [`BkJson`] parses).
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
            Err(rej) if rej.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(too_large()),
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
pub fn too_large() -> ApiError {
    ApiError::gateway(
        StatusCode::PAYLOAD_TOO_LARGE,
        1_641_301,
        "BODY_SIZE_LIMIT_EXCEED",
        "Request body size too large.",
    )
}

/// The request of an API BK-JOB offers as GET and POST alike: from the query string on GET,
/// bound as Spring binds BK-JOB's `@RequestParam`s ([`super::query`]), from the JSON body on
/// POST, so one handler serves both routes. (HEAD is routed with GET and reads the query too.)
pub struct BkRequest<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + GetParams> FromRequest<S> for BkRequest<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if req.method() == Method::POST {
            let BkJson(v) = BkJson::from_request(req, state).await?;
            return Ok(BkRequest(v));
        }
        let (mut parts, _) = req.into_parts();
        let meta = Meta::from_parts(&parts);
        parts.extensions.insert(meta.clone());
        let query = parts.uri.query().unwrap_or_default();
        super::query::bind(query, T::PARAMS)
            .and_then(|v| serde_json::from_value(v).map_err(|_| super::query::Unbound))
            .map(BkRequest)
            .map_err(|_| ApiError::bad_request(&meta))
    }
}

/// The client address of a request (unspecified when the server was not started with
/// connection info, e.g. a router driven directly in a test).
pub fn client_ip(parts: &Parts) -> IpAddr {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}
