//! Files: reading a picked file, offering text as a download.

use leptos::prelude::document;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The bytes of a picked file; `None` when the browser could not read it (the caller says
/// so; the browser's error object adds nothing for the user, and formatting it would bring
/// Rust's debug formatting into the first visit).
pub async fn file_bytes(file: &web_sys::File) -> Option<Vec<u8>> {
    let buf = JsFuture::from(file.array_buffer()).await.ok()?;
    Some(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Offer `text` as a file download (Blob + object URL); false when the browser refused.
pub fn download_text(file_name: &str, text: &str) -> bool {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return false;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return false;
    };
    let ok = document()
        .create_element("a")
        .ok()
        .and_then(|a| {
            a.set_attribute("href", &url).ok()?;
            a.set_attribute("download", file_name).ok()?;
            a.dyn_into::<web_sys::HtmlElement>().ok()
        })
        .map(|a| a.click())
        .is_some();
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
    ok
}
