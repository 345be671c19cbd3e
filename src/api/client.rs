//! The one HTTP client: every call the app makes (the launch and each read of the job view)
//! goes through [`send`]: fetch with the call's method, query, headers and body, an optional
//! timeout that aborts the fetch, and at most the call's answer size cap read
//! ([`crate::limit`], [`crate::web::fetch::body_bytes`]). Answers come back as bytes; each
//! caller decodes them its way (see [`crate::web::fetch::decode_utf8`]).

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::set_timeout_with_handle;
use wasm_bindgen::{JsCast, JsValue};

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
        let response = fetch(&call, signal.as_ref())
            .await
            .map_err(|e| failed(error_text(&e)))?;
        let status = response.status();
        match body_bytes(response.into(), call.max_answer_bytes).await {
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

/// The browser's `fetch` of `call` (web-sys directly: gloo-net's builder and error types
/// cost the first visit more than these few lines).
async fn fetch(
    call: &HttpCall,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<web_sys::Response, JsValue> {
    let mut url = call.url.clone();
    if !call.query.is_empty() {
        // URLSearchParams encodes as the browser's forms do, relative URLs included.
        let params = web_sys::UrlSearchParams::new()?;
        for (k, v) in &call.query {
            params.append(k, v);
        }
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&String::from(params.to_string()));
    }
    let init = web_sys::RequestInit::new();
    init.set_method(match call.method {
        Method::Get => "GET",
        Method::Post => "POST",
    });
    init.set_signal(signal);
    let headers = web_sys::Headers::new()?;
    for (name, value) in &call.headers {
        headers.append(name, value)?;
    }
    init.set_headers(&headers);
    if let Some(body) = &call.body {
        init.set_body(&JsValue::from_str(body));
    }
    let request = web_sys::Request::new_with_str_and_init(&url, &init)?;
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let response =
        wasm_bindgen_futures::JsFuture::from(window.fetch_with_request(&request)).await?;
    Ok(response.unchecked_into())
}

/// The browser's text of a failed request (an `Error`'s message, or a thrown string).
fn error_text(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.to_string()))
        .or_else(|| e.as_string())
        .unwrap_or_default()
}
