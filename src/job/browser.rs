//! The few browser calls the job view makes (localStorage, clipboard, file download, clock,
//! navigation). Declared here with `wasm_bindgen` so no extra web-sys feature is needed.
//! Only called from event handlers and effects (never in native unit tests).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;

    #[wasm_bindgen(js_name = Date)]
    type JsDate;
    #[wasm_bindgen(constructor, js_class = "Date")]
    fn new_date() -> JsDate;
    #[wasm_bindgen(method, js_name = getTimezoneOffset)]
    fn timezone_offset(this: &JsDate) -> f64;

    #[wasm_bindgen(catch, js_namespace = ["navigator", "clipboard"], js_name = writeText)]
    fn clipboard_write_text(text: &str) -> Result<JsPromise, JsValue>;

    #[wasm_bindgen(js_name = Promise)]
    type JsPromise;
    #[wasm_bindgen(method)]
    fn then(this: &JsPromise, ok: &JsValue, err: &JsValue) -> JsPromise;

    #[wasm_bindgen(js_name = Blob)]
    type JsBlob;
    #[wasm_bindgen(catch, constructor, js_class = "Blob")]
    fn new_blob(parts: Vec<JsValue>, options: &JsValue) -> Result<JsBlob, JsValue>;

    #[wasm_bindgen(catch, js_namespace = URL, js_name = createObjectURL)]
    fn create_object_url(blob: &JsBlob) -> Result<String, JsValue>;
    #[wasm_bindgen(js_namespace = URL, js_name = revokeObjectURL)]
    fn revoke_object_url(url: &str);

    #[wasm_bindgen(js_namespace = JSON, js_name = parse)]
    fn json_parse(text: &str) -> JsValue;

    #[wasm_bindgen(js_namespace = location, js_name = assign)]
    fn location_assign(url: &str);

    #[wasm_bindgen(extends = web_sys::HtmlElement)]
    type Selectable;
    #[wasm_bindgen(method)]
    fn select(this: &Selectable);

    #[wasm_bindgen(js_name = TextDecoder)]
    type Utf8Decoder;
    #[wasm_bindgen(constructor, js_class = "TextDecoder")]
    fn new_utf8_decoder() -> Utf8Decoder;
    #[wasm_bindgen(method)]
    fn decode(this: &Utf8Decoder, bytes: &[u8]) -> String;

    type FetchResponse;
    #[wasm_bindgen(method, getter)]
    fn body(this: &FetchResponse) -> Option<BodyStream>;
    #[wasm_bindgen(method, getter)]
    fn headers(this: &FetchResponse) -> ResponseHeaders;
    type ResponseHeaders;
    #[wasm_bindgen(method, catch, js_name = get)]
    fn header(this: &ResponseHeaders, name: &str) -> Result<Option<String>, JsValue>;
    type BodyStream;
    #[wasm_bindgen(method, catch, js_name = getReader)]
    fn get_reader(this: &BodyStream) -> Result<BodyReader, JsValue>;
    type BodyReader;
    #[wasm_bindgen(method)]
    fn read(this: &BodyReader) -> js_sys::Promise;
    #[wasm_bindgen(method)]
    fn cancel(this: &BodyReader) -> js_sys::Promise;
    type BodyChunk;
    #[wasm_bindgen(method, getter)]
    fn done(this: &BodyChunk) -> bool;
    #[wasm_bindgen(method, getter)]
    fn value(this: &BodyChunk) -> Option<js_sys::Uint8Array>;
}

/// Unix time in ms.
pub fn now_ms() -> i64 {
    date_now() as i64
}

/// The local UTC offset in minutes (east positive).
pub fn utc_offset_minutes() -> i32 {
    -(JsDate::new_date().timezone_offset() as i32)
}

/// localStorage value.
pub fn storage_get(key: &str) -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(key)
        .ok()?
}

/// Write localStorage (quota errors and disabled storage are ignored).
pub fn storage_set(key: &str, value: &str) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(key, value);
    }
}

/// Write `text` to the clipboard; `done(true)` when it worked, `done(false)` when the
/// clipboard is unavailable or refused (then the caller shows a readonly textarea).
pub fn copy_to_clipboard(text: &str, done: impl FnOnce(bool) + 'static) {
    match clipboard_write_text(text) {
        Ok(promise) => {
            let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
            let d2 = done.clone();
            let ok = Closure::once_into_js(move |_: JsValue| {
                if let Some(f) = done.borrow_mut().take() {
                    f(true)
                }
            });
            let err = Closure::once_into_js(move |_: JsValue| {
                if let Some(f) = d2.borrow_mut().take() {
                    f(false)
                }
            });
            let _ = promise.then(&ok, &err);
        }
        Err(_) => done(false),
    }
}

/// Select all text of a textarea / input (for the copy fallback).
pub fn select_all(el: &web_sys::HtmlElement) {
    el.unchecked_ref::<Selectable>().select();
}

/// Offer `text` as a file download (Blob + object URL); false when the browser refused.
pub fn download_text(file_name: &str, text: &str) -> bool {
    let options = json_parse(r#"{"type":"text/plain;charset=utf-8"}"#);
    let Ok(blob) = JsBlob::new_blob(vec![JsValue::from_str(text)], &options) else {
        return false;
    };
    let Ok(url) = create_object_url(&blob) else {
        return false;
    };
    let document = leptos::prelude::document();
    let ok = document
        .create_element("a")
        .ok()
        .and_then(|a| {
            a.set_attribute("href", &url).ok()?;
            a.set_attribute("download", file_name).ok()?;
            a.dyn_into::<web_sys::HtmlElement>().ok()
        })
        .map(|a| a.click())
        .is_some();
    let url2 = url.clone();
    leptos::prelude::set_timeout(
        move || revoke_object_url(&url2),
        std::time::Duration::from_secs(30),
    );
    ok
}

/// Bytes as text, decoded by the browser as `Response.text()` does (UTF-8, a leading BOM
/// dropped, invalid sequences as U+FFFD): the form module's small stand-in for
/// [`super::api::body_text`], whose lossy decoder would cost its download ~0.5 KB.
pub fn decode_utf8(bytes: &[u8]) -> String {
    Utf8Decoder::new_utf8_decoder().decode(bytes)
}

/// Why a body was not read.
#[derive(Debug)]
pub enum BodyError {
    /// Bigger than the cap: reading stopped and the stream was cancelled.
    TooLarge,
    /// The stream failed (connection lost, aborted).
    Failed(JsValue),
}

/// A fetch response's body as bytes, read from its stream: each chunk is copied once into
/// wasm memory (`arrayBuffer()` first gathers a copy in JS, ~3 ms more for a 9 MB answer).
/// At most `cap` bytes: a `Content-Length` above it is refused before reading, and the count
/// of the bytes read decides otherwise; either way the stream is cancelled, so the rest is
/// never downloaded ([`crate::limit`]).
pub async fn body_bytes(response: JsValue, cap: u64) -> Result<Vec<u8>, BodyError> {
    let response = response.unchecked_into::<FetchResponse>();
    let Some(stream) = response.body() else {
        return Ok(Vec::new());
    };
    let reader = stream.get_reader().map_err(BodyError::Failed)?;
    let too_large = || {
        // The promise settles when the stream is torn down; nothing to wait for.
        let _ = reader.cancel();
        Err(BodyError::TooLarge)
    };
    let length = response.headers().header("content-length").ok().flatten();
    if crate::limit::announced_too_large(length.as_deref(), cap) {
        return too_large();
    }
    let mut budget = crate::limit::ByteBudget::new(cap);
    let mut out = Vec::new();
    loop {
        let chunk: BodyChunk = wasm_bindgen_futures::JsFuture::from(reader.read())
            .await
            .map_err(BodyError::Failed)?
            .unchecked_into();
        if chunk.done() {
            return Ok(out);
        }
        let Some(bytes) = chunk.value() else { continue };
        if !budget.take(bytes.length() as usize) {
            return too_large();
        }
        if out.is_empty() {
            out = bytes.to_vec();
        } else {
            let start = out.len();
            out.resize(start + bytes.length() as usize, 0);
            bytes.copy_to(&mut out[start..]);
        }
    }
}

/// Full page navigation (used when the app gave no redo callback).
pub fn navigate(url: &str) {
    location_assign(url);
}
