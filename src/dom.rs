//! Compatibility paths for `src/app.rs` while the app is split (the integrator rewrites its
//! call sites to the new paths and deletes this file): the browser shims are in [`crate::web`],
//! the launch in [`crate::api::launch`], the view helpers in [`crate::view_helpers`].

pub use crate::api::launch::{send_launch, LAUNCH_TIMEOUT_SECS};
pub use crate::view_helpers::{memo, rv, when, Rv};
pub use crate::web::{
    confirm, copy_text, file_bytes, focus_id, navigator_language, now_ms_local, origin, pathname,
    performance_mark, push_path, set_document_lang, storage_get, storage_set,
};
