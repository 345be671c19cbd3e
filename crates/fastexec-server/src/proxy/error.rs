//! The proxy's own failures, as gateway-style envelopes (`result`, `code`, `code_name`,
//! `message`, `data: null`) with their own codes in the gateway's 16xxxxx range (the 1659xxx
//! block, unused by BlueKing's gateway):
//!
//! | code | HTTP | code_name | when |
//! |---|---|---|---|
//! | 1659502 | 502 | `UPSTREAM_UNREACHABLE` | connecting to the gateway failed (refused, DNS, reset) |
//! | 1659503 | 502 | `UPSTREAM_TLS_ERROR` | the TLS handshake failed (the cause is in the message) |
//! | 1659504 | 504 | `UPSTREAM_TIMEOUT` | no complete answer within `timeout_secs` |
//! | 1659505 | 502 | `UPSTREAM_BAD_ANSWER` | the answer is not JSON (a load balancer's HTML page) or too big |
//! | 1659500 | 500 | `PROXY_ERROR` | the request could not be built (nothing was sent) |
//!
//! None of these carries a 12xxxxx (BK-JOB) code, so the app reads a launch answered with
//! 502/504 as "fate unknown": the gateway may have started the job before the answer was lost.

use axum::http::StatusCode;
use bkjob_api::Lang;

use crate::http::error::ApiError;

#[derive(Debug)]
pub enum ProxyError {
    Unreachable(String),
    Tls(String),
    Timeout(u64),
    BadAnswer { status: u16, content_type: String },
    TooBig,
    Internal(String),
}

impl ProxyError {
    pub fn into_api_error(self, lang: Lang) -> ApiError {
        let (status, code, name, msg) = match self {
            ProxyError::Unreachable(cause) => (
                StatusCode::BAD_GATEWAY,
                1_659_502,
                "UPSTREAM_UNREACHABLE",
                format!(
                    "{}: {cause}",
                    lang.pick(
                        "无法连接 BK-JOB API 网关",
                        "Cannot reach the BK-JOB API gateway"
                    )
                ),
            ),
            ProxyError::Tls(cause) => (
                StatusCode::BAD_GATEWAY,
                1_659_503,
                "UPSTREAM_TLS_ERROR",
                format!(
                    "{}: {cause}",
                    lang.pick(
                        "与 BK-JOB API 网关的 TLS 握手失败",
                        "TLS handshake with the BK-JOB API gateway failed"
                    )
                ),
            ),
            ProxyError::Timeout(secs) => (
                StatusCode::GATEWAY_TIMEOUT,
                1_659_504,
                "UPSTREAM_TIMEOUT",
                match lang {
                    Lang::En => format!(
                        "The BK-JOB API gateway did not answer within {secs} s; the request may \
                         still have been carried out"
                    ),
                    _ => format!("BK-JOB API 网关在 {secs} 秒内没有应答，请求可能已被执行"),
                },
            ),
            ProxyError::BadAnswer {
                status,
                content_type,
            } => (
                StatusCode::BAD_GATEWAY,
                1_659_505,
                "UPSTREAM_BAD_ANSWER",
                match lang {
                    Lang::En => format!(
                        "The BK-JOB API gateway answered HTTP {status} with {content_type}, not \
                         JSON (an error page of a load balancer or proxy in between?)"
                    ),
                    _ => format!(
                        "BK-JOB API 网关返回了 HTTP {status}（{content_type}），不是 JSON\
                         （可能是中间负载均衡或代理的错误页）"
                    ),
                },
            ),
            ProxyError::TooBig => (
                StatusCode::BAD_GATEWAY,
                1_659_505,
                "UPSTREAM_BAD_ANSWER",
                lang.pick(
                    "BK-JOB API 网关的应答过大",
                    "The BK-JOB API gateway's answer is too large",
                )
                .to_string(),
            ),
            ProxyError::Internal(cause) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                1_659_500,
                "PROXY_ERROR",
                format!(
                    "{}: {cause}",
                    lang.pick("代理请求失败", "Proxy request failed")
                ),
            ),
        };
        ApiError::gateway(status, code, name, msg)
    }
}

/// Classify a client error: TLS when a rustls error is anywhere in the chain, else unreachable.
pub fn classify(err: &(dyn std::error::Error + 'static)) -> ProxyError {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut last = err.to_string();
    while let Some(e) = cur {
        if let Some(tls) = tls_error(e) {
            return ProxyError::Tls(tls.to_string());
        }
        last = e.to_string();
        cur = e.source();
    }
    // The innermost cause says most ("Connection refused (os error 111)").
    ProxyError::Unreachable(last)
}

/// A rustls error in `e` itself or wrapped in (nested) `io::Error`s, whose payload `source()`
/// skips.
fn tls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    if let Some(tls) = e.downcast_ref::<rustls::Error>() {
        return Some(tls);
    }
    let inner = e.downcast_ref::<std::io::Error>()?.get_ref()?;
    tls_error(inner)
}
