//! The page: location and history, the document, focus, dialogs, the browser's language.

use leptos::prelude::{document, window};
use wasm_bindgen::JsCast;

/// `navigator.language`, or "" when unavailable.
pub fn navigator_language() -> String {
    window().navigator().language().unwrap_or_default()
}

/// `location.pathname`.
pub fn pathname() -> String {
    window().location().pathname().unwrap_or_default()
}

/// `location.search` (with its `?`, or "").
pub fn search() -> String {
    window().location().search().unwrap_or_default()
}

/// `location.origin`.
pub fn origin() -> String {
    window().location().origin().unwrap_or_default()
}

/// `location.href`.
pub fn href() -> String {
    window().location().href().unwrap_or_default()
}

/// `history.pushState` to `path`.
pub fn push_path(path: &str) {
    if let Ok(h) = window().history() {
        let _ = h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
    }
}

/// Full page navigation (`location.assign`).
pub fn navigate(url: &str) {
    let _ = window().location().assign(url);
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
