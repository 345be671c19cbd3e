//! The async clipboard API.

use leptos::prelude::window;
use wasm_bindgen_futures::JsFuture;

/// Copy text; false when the clipboard is unavailable or refused.
pub async fn copy_text(text: &str) -> bool {
    let clipboard = window().navigator().clipboard();
    if clipboard.is_undefined() {
        return false;
    }
    JsFuture::from(clipboard.write_text(text)).await.is_ok()
}

/// [`copy_text`] from an event handler: `done(true)` when it worked, `done(false)` when not
/// (then the caller shows a readonly textarea).
pub fn copy_to_clipboard(text: &str, done: impl FnOnce(bool) + 'static) {
    let text = text.to_owned();
    leptos::task::spawn_local(async move { done(copy_text(&text).await) });
}
