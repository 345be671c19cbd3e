//! Reading a fetch answer's body: at most the cap ([`crate::limit`]), as bytes; and the
//! browser's UTF-8 decoder.

use wasm_bindgen::{JsCast, JsValue};

/// Bytes as text, decoded by the browser as `Response.text()` does (UTF-8, a leading BOM
/// dropped, invalid sequences as U+FFFD): the form module's small stand-in for
/// [`crate::api::job::body_text`], whose lossy decoder would cost its download ~0.5 KB.
pub fn decode_utf8(bytes: &[u8]) -> String {
    web_sys::TextDecoder::new()
        .and_then(|d| d.decode_with_u8_array(bytes))
        .unwrap_or_default()
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
    let response = response.unchecked_into::<web_sys::Response>();
    let Some(stream) = response.body() else {
        return Ok(Vec::new());
    };
    let reader = stream
        .get_reader()
        .unchecked_into::<web_sys::ReadableStreamDefaultReader>();
    let too_large = || {
        // The promise settles when the stream is torn down; nothing to wait for.
        let _ = reader.cancel();
        Err(BodyError::TooLarge)
    };
    let length = response.headers().get("content-length").ok().flatten();
    if crate::limit::announced_too_large(length.as_deref(), cap) {
        return too_large();
    }
    let mut budget = crate::limit::ByteBudget::new(cap);
    let mut out = Vec::new();
    loop {
        let chunk: web_sys::ReadableStreamReadResult =
            wasm_bindgen_futures::JsFuture::from(reader.read())
                .await
                .map_err(BodyError::Failed)?
                .unchecked_into();
        if chunk.get_done() == Some(true) {
            return Ok(out);
        }
        let value = chunk.get_value();
        if value.is_undefined() {
            continue;
        }
        let bytes = value.unchecked_into::<js_sys::Uint8Array>();
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
