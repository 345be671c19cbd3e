//! The thin browser layer: localStorage, clipboard, files, history, timing and the launch
//! request itself. Everything with a decision in it is in the plain modules.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use bkjob_api::{FastExecuteScriptRequest, Lang};
use gloo_net::http::Request;
use leptos::prelude::{document, set_timeout_with_handle, window};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::conn::Connection;
use crate::job::browser::BodyError;
use crate::outcome::{classify, Outcome};

/// How long a launch may take before it is aborted (the outcome is then unknown).
pub const LAUNCH_TIMEOUT_SECS: u32 = 60;

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// Read a localStorage value.
pub fn storage_get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Write a localStorage value (errors such as a full quota are ignored: nothing to do).
pub fn storage_set(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

/// `navigator.language`, or "" when unavailable.
pub fn navigator_language() -> String {
    window().navigator().language().unwrap_or_default()
}

/// `performance.mark(name)`.
pub fn performance_mark(name: &str) {
    if let Some(p) = window().performance() {
        let _ = p.mark(name);
    }
}

/// `location.pathname`.
pub fn pathname() -> String {
    window().location().pathname().unwrap_or_default()
}

/// `location.origin`.
pub fn origin() -> String {
    window().location().origin().unwrap_or_default()
}

/// `history.pushState` to `path`.
pub fn push_path(path: &str) {
    if let Ok(h) = window().history() {
        let _ = h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
    }
}

/// Set `<html lang>`.
pub fn set_document_lang(tag: &str) {
    if let Some(el) = document().document_element() {
        let _ = el.set_attribute("lang", tag);
    }
}

/// Focus the element with this id (no-op when absent).
pub fn focus_id(id: &str) {
    if let Some(el) = document().get_element_by_id(id) {
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}

/// `window.confirm(message)`; false when dialogs are unavailable.
pub fn confirm(message: &str) -> bool {
    window().confirm_with_message(message).unwrap_or(false)
}

/// Milliseconds since the epoch shifted to local time (for the default task name).
pub fn now_ms_local() -> i64 {
    let d = js_sys::Date::new_0();
    let offset_min = d.get_timezone_offset();
    (d.get_time() - offset_min * 60_000.0) as i64
}

/// Copy text with the async clipboard API; false when refused or unavailable.
pub async fn copy_text(text: &str) -> bool {
    let clipboard = window().navigator().clipboard();
    if clipboard.is_undefined() {
        return false;
    }
    JsFuture::from(clipboard.write_text(text)).await.is_ok()
}

/// The bytes of a picked file.
pub async fn file_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buf = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Send the launch: POST with the connection's headers and body, aborted after `timeout_secs`.
/// At most [`Connection::max_answer_bytes`] of the answer are read: a bigger one is
/// [`Outcome::TooLarge`] (the fetch is aborted). Every failure becomes an [`Outcome`];
/// nothing here panics or logs a secret.
pub async fn send_launch(
    conn: &Connection,
    request: &FastExecuteScriptRequest,
    ui_lang: Lang,
    timeout_secs: u32,
) -> Outcome {
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(|c| c.signal());
    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let timed_out = Rc::clone(&timed_out);
        let controller = controller.clone();
        set_timeout_with_handle(
            move || {
                timed_out.set(true);
                if let Some(c) = controller {
                    c.abort();
                }
            },
            Duration::from_secs(u64::from(timeout_secs)),
        )
        .ok()
    };
    let mut builder = Request::post(&conn.endpoint()).abort_signal(signal.as_ref());
    for (name, value) in conn.headers(ui_lang) {
        builder = builder.header(&name, &value);
    }
    let failed = |detail: String| {
        if timed_out.get() {
            Outcome::Timeout {
                seconds: timeout_secs,
            }
        } else {
            Outcome::Network { detail }
        }
    };
    let outcome = match builder.body(conn.body(request)) {
        Err(e) => failed(e.to_string()),
        Ok(req) => match req.send().await {
            Err(e) => failed(e.to_string()),
            Ok(resp) => {
                let status = resp.status();
                let cap = conn.max_answer_bytes();
                let raw: web_sys::Response = resp.into();
                match crate::job::browser::body_bytes(raw.into(), cap).await {
                    Ok(bytes) => classify(status, &crate::job::browser::decode_utf8(&bytes)),
                    Err(BodyError::TooLarge) => {
                        if let Some(c) = &controller {
                            c.abort();
                        }
                        Outcome::TooLarge { max_bytes: cap }
                    }
                    Err(BodyError::Failed(e)) => failed(js_sys::Error::from(e).to_string().into()),
                }
            }
        },
    };
    if let Some(t) = timer {
        t.clear();
    }
    outcome
}

/// A reactive view child, type-erased: every `{rv(move || ...)}` shares one `Render`
/// implementation (`Arc<Mutex<dyn FnMut() -> AnyView>>`) instead of instantiating the
/// render-effect code once per closure type, which keeps the wasm much smaller.
pub fn rv<V, F>(mut f: F) -> Rv
where
    F: FnMut() -> V + Send + 'static,
    V: leptos::prelude::IntoAny,
{
    std::sync::Arc::new(std::sync::Mutex::new(move || f().into_any()))
}

/// The type [`rv`] returns.
pub type Rv = std::sync::Arc<std::sync::Mutex<dyn FnMut() -> leptos::prelude::AnyView + Send>>;

/// `Memo::new` over a boxed closure: the memo machinery is instantiated once per value type
/// instead of once per closure (each instance is ~0.6 KB of wasm).
pub fn memo<T>(f: impl Fn() -> T + Send + Sync + 'static) -> leptos::prelude::Memo<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let f: Box<dyn Fn() -> T + Send + Sync> = Box::new(f);
    leptos::prelude::Memo::new(move |_| f())
}

/// What `<Show>` does (build the children while `cond` holds; a memo, so they are built once
/// per change of the condition, not per change of what it reads) without instantiating
/// `Show`'s children code for every use.
pub fn when<V, F>(cond: impl Fn() -> bool + Send + Sync + 'static, children: F) -> Rv
where
    F: Fn() -> V + Send + 'static,
    V: leptos::prelude::IntoAny,
{
    let shown = memo(cond);
    rv(move || {
        use leptos::prelude::{Get, IntoAny};
        if shown.get() {
            children().into_any()
        } else {
            ().into_any()
        }
    })
}
