//! The browser shims, once for both wasm modules: thin wrappers over web-sys / js-sys with no
//! decision in them (the decisions are in the plain modules). Only called from event handlers,
//! effects and the HTTP client, never in native unit tests.
//!
//! One approach throughout: web-sys bindings (a web-sys feature costs nothing until a binding
//! is called; the bindings called are the same imports hand-written externs would declare).

pub mod clipboard;
pub mod clock;
pub mod fetch;
pub mod files;
pub mod page;
pub mod storage;

pub use clipboard::{copy_text, copy_to_clipboard};
pub use clock::{now_ms, now_ms_local, performance_mark, utc_offset_minutes};
pub use files::{download_text, file_bytes};
pub use page::{
    confirm, focus_id, href, navigate, navigator_language, origin, pathname, push_path, search,
    set_document_lang,
};
pub use storage::{storage_get, storage_set};
