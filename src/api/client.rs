//! The one HTTP client: every call the app makes (the launch and each read of the job view)
//! goes through [`send`]: fetch with the call's method, query, headers and body, an optional
//! timeout that aborts the fetch, and at most the call's answer size cap read
//! ([`crate::limit`], [`crate::web::fetch::body_bytes`]). Answers come back as bytes; each
//! caller decodes them its way (see [`crate::web::fetch::decode_utf8`]).

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use gloo_net::http::Request;
use leptos::prelude::set_timeout_with_handle;

use super::call::{HttpCall, Method};
use crate::web::fetch::{body_bytes, BodyError};

/// An answer: its HTTP status and body bytes (at most the call's cap).
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The body.
    pub bytes: Vec<u8>,
}

/// Why a call got no answer.
#[derive(Debug)]
pub enum Failure {
    /// No answer (connection refused, offline, CORS, a broken stream): the browser's text.
    Network(String),
    /// The call's timeout passed and the fetch was aborted (the browser's text).
    Timeout(String),
    /// An answer bigger than the cap, not read (the fetch is aborted).
    TooLarge {
        /// HTTP status.
        http_status: u16,
        /// The cap, bytes.
        max_bytes: u64,
    },
}

/// Send `call`. Nothing here panics or logs a secret.
// Not generic: one copy serves every call.
pub async fn send(call: HttpCall) -> Result<Reply, Failure> {
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(|c| c.signal());
    let timed_out = Rc::new(Cell::new(false));
    let timer = call.timeout_secs.and_then(|secs| {
        let timed_out = Rc::clone(&timed_out);
        let controller = controller.clone();
        set_timeout_with_handle(
            move || {
                timed_out.set(true);
                if let Some(c) = controller {
                    c.abort();
                }
            },
            Duration::from_secs(u64::from(secs)),
        )
        .ok()
    });
    let failed = |detail: String| {
        if timed_out.get() {
            Failure::Timeout(detail)
        } else {
            Failure::Network(detail)
        }
    };
    let result = async {
        let mut builder = match call.method {
            Method::Get => Request::get(&call.url),
            Method::Post => Request::post(&call.url),
        }
        .abort_signal(signal.as_ref());
        if !call.query.is_empty() {
            builder = builder.query(call.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        for (name, value) in &call.headers {
            builder = builder.header(name, value);
        }
        let request = match call.body {
            Some(body) => builder.body(body),
            None => builder.build(),
        }
        .map_err(|e| failed(error_text(e)))?;
        let response = request.send().await.map_err(|e| failed(error_text(e)))?;
        let status = response.status();
        let raw: web_sys::Response = response.into();
        match body_bytes(raw.into(), call.max_answer_bytes).await {
            Ok(bytes) => Ok(Reply { status, bytes }),
            Err(BodyError::TooLarge) => {
                if let Some(c) = &controller {
                    c.abort();
                }
                Err(Failure::TooLarge {
                    http_status: status,
                    max_bytes: call.max_answer_bytes,
                })
            }
            Err(BodyError::Failed(e)) => Err(failed(js_sys::Error::from(e).to_string().into())),
        }
    }
    .await;
    if let Some(t) = timer {
        t.clear();
    }
    result
}

/// The browser's text of a failed request. A match rather than `to_string()`: gloo's error
/// also has a JSON variant (never produced here) whose formatting would bring serde_json's and
/// std::io's error texts into the first visit.
fn error_text(e: gloo_net::Error) -> String {
    match e {
        gloo_net::Error::JsError(js) => js.to_string(),
        gloo_net::Error::GlooError(text) => text,
        _ => String::new(),
    }
}
