//! The module side of the bridge, shared by both on-demand modules (`src/bin/fastexec-job.rs`,
//! `src/bin/fastexec-tools.rs`): the list of mounted panels and what updates and removes them.
//! Each bin mounts its own [`Panel`](super::Panel)s and declares the bridge's exports with
//! [`panel_exports!`](crate::panel_exports) (exports must be declared in the bin: an export of
//! the library would ship in the form module too).
//!
//! Each mounted view is a *panel* with an ID. What it shows comes in as text: the payload, the
//! stored (secret-free) connection JSON with the secret and token separately, and the language
//! code. A callback carries the panel's messages back.

use std::any::Any;
use std::cell::{Cell, RefCell};

use bkjob_api::Lang;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::connection::Connection;
use crate::storage::{connection_from_json, initial_lang};

/// A panel's inputs as signals: later payloads, settings and language reach its view.
#[derive(Clone)]
pub struct Inputs {
    pub payload: ArcRwSignal<String>,
    pub conn: ArcRwSignal<Connection>,
    pub lang: ArcRwSignal<Lang>,
}

impl Inputs {
    /// The inputs of a panel about to be mounted.
    pub fn new(payload: String, conn: &str, secret: String, token: String, lang: &str) -> Self {
        Inputs {
            payload: ArcRwSignal::new(payload),
            conn: ArcRwSignal::new(connection(conn, secret, token)),
            lang: ArcRwSignal::new(initial_lang(Some(lang), "")),
        }
    }
}

/// What one mounted panel needs to be updated and removed.
struct Mounted {
    id: u32,
    inputs: Inputs,
    // Dropping the handle unmounts the view and disposes its reactive owner (polling stops).
    _handle: Box<dyn Any>,
}

thread_local! {
    static MOUNTED: RefCell<Vec<Mounted>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

fn connection(stored: &str, secret: String, token: String) -> Connection {
    Connection {
        bk_app_secret: secret,
        bk_token: token,
        ..connection_from_json(stored)
    }
}

/// Hand `text` to the app's callback (a panel's message).
pub fn send(callback: &js_sys::Function, text: &str) {
    let _ = callback.call1(&JsValue::NULL, &JsValue::from_str(text));
}

/// Keep a mounted view (its unmount handle) with its inputs; returns its ID.
pub fn register(inputs: Inputs, handle: Box<dyn Any>) -> u32 {
    let id = NEXT_ID.with(|n| n.replace(n.get() + 1));
    MOUNTED.with_borrow_mut(|m| {
        m.push(Mounted {
            id,
            inputs,
            _handle: handle,
        })
    });
    id
}

fn with_panel(id: u32, f: impl FnOnce(&Inputs)) {
    MOUNTED.with_borrow(|m| {
        if let Some(p) = m.iter().find(|p| p.id == id) {
            f(&p.inputs)
        }
    });
}

/// A new payload for panel `id`.
pub fn set_payload(id: u32, payload: String) {
    with_panel(id, |p| p.payload.set(payload));
}

/// New connection settings for panel `id` (the job view polls again at once).
pub fn set_conn(id: u32, conn: &str, secret: String, token: String) {
    let conn = connection(conn, secret, token);
    with_panel(id, |p| p.conn.set(conn));
}

/// New UI language for panel `id`.
pub fn set_lang(id: u32, lang: &str) {
    let lang = initial_lang(Some(lang), "");
    with_panel(id, |p| p.lang.set(lang));
}

/// Remove panel `id`, if it is mounted.
pub fn unmount(id: u32) {
    // Take it out first: dropping runs the view's cleanups, which must not find the list
    // borrowed.
    let old =
        MOUNTED.with_borrow_mut(|m| m.iter().position(|p| p.id == id).map(|i| m.swap_remove(i)));
    drop(old);
}

/// The bridge's exports of an on-demand module: `mount_panel` calls `$mount(panel, parent,
/// inputs, callback)` (which returns the mounted view's handle, or an error for a panel the
/// module does not hold); the others update and remove panels. The app's side is
/// [`super::bridge`].
#[macro_export]
macro_rules! panel_exports {
    ($mount:path) => {
        /// Mount the panel named `kind` (a [`Panel::name`]) into `parent`; returns its ID.
        #[wasm_bindgen::prelude::wasm_bindgen]
        #[allow(clippy::too_many_arguments)]
        pub fn mount_panel(
            kind: &str,
            parent: web_sys::HtmlElement,
            payload: String,
            conn: &str,
            secret: String,
            token: String,
            lang: &str,
            callback: js_sys::Function,
        ) -> Result<u32, wasm_bindgen::JsValue> {
            use $crate::lazy::host;
            let panel = $crate::lazy::Panel::from_name(kind)
                .ok_or_else(|| wasm_bindgen::JsValue::from_str("unknown panel"))?;
            let inputs = host::Inputs::new(payload, conn, secret, token, lang);
            let handle = $mount(panel, parent, inputs.clone(), callback)?;
            Ok(host::register(inputs, handle))
        }

        /// A new payload for panel `id`.
        #[wasm_bindgen::prelude::wasm_bindgen]
        pub fn set_panel_payload(id: u32, payload: String) {
            $crate::lazy::host::set_payload(id, payload)
        }

        /// New connection settings for panel `id`.
        #[wasm_bindgen::prelude::wasm_bindgen]
        pub fn set_panel_conn(id: u32, conn: &str, secret: String, token: String) {
            $crate::lazy::host::set_conn(id, conn, secret, token)
        }

        /// New UI language for panel `id`.
        #[wasm_bindgen::prelude::wasm_bindgen]
        pub fn set_panel_lang(id: u32, lang: &str) {
            $crate::lazy::host::set_lang(id, lang)
        }

        /// Remove panel `id`, if it is mounted.
        #[wasm_bindgen::prelude::wasm_bindgen]
        pub fn unmount_panel(id: u32) {
            $crate::lazy::host::unmount(id)
        }
    };
}
