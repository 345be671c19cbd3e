//! The job view as its own wasm module, loaded by the app (`fastexec::jobmod`) only when a job
//! is shown. Its exports are the other half of that bridge; the view itself is
//! `fastexec::job::JobView`, the same component the wasm tests mount directly.

use std::any::Any;
use std::cell::RefCell;

use bkjob_api::Lang;
use fastexec::conn::Connection;
use fastexec::job::{parse_job_route, JobView};
use fastexec::storage::{connection_from_json, draft_to_json, initial_lang};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// What one mounted view needs to be updated and removed.
struct Mounted {
    conn: ArcRwSignal<Connection>,
    lang: ArcRwSignal<Lang>,
    // Dropping the handle unmounts the view and disposes its reactive owner (polling stops).
    _handle: Box<dyn Any>,
}

thread_local! {
    static MOUNTED: RefCell<Option<Mounted>> = const { RefCell::new(None) };
}

fn connection(stored: &str, secret: String, token: String) -> Connection {
    Connection {
        bk_app_secret: secret,
        bk_token: token,
        ..connection_from_json(stored)
    }
}

/// Mount the view of the job at `path` (a `/jobs/...` link) into `parent`.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn mount_job(
    parent: web_sys::HtmlElement,
    path: &str,
    conn: &str,
    secret: String,
    token: String,
    lang: &str,
    on_redo: js_sys::Function,
) -> Result<(), JsValue> {
    let route = parse_job_route(path).ok_or_else(|| JsValue::from_str("not a job link"))?;
    unmount_job();
    let conn = ArcRwSignal::new(connection(conn, secret, token));
    let lang = ArcRwSignal::new(initial_lang(Some(lang), ""));
    let (c, l) = (conn.clone(), lang.clone());
    let handle = leptos::mount::mount_to(parent, move || {
        let on_redo = Callback::new(move |draft: bkjob_api::Draft| {
            let _ = on_redo.call1(&JsValue::NULL, &JsValue::from_str(&draft_to_json(&draft)));
        });
        view! { <JobView route conn=Signal::from(c) lang=Signal::from(l) on_redo /> }
    });
    MOUNTED.with_borrow_mut(|m| {
        *m = Some(Mounted {
            conn,
            lang,
            _handle: Box::new(handle),
        })
    });
    Ok(())
}

/// New connection settings for the mounted view.
#[wasm_bindgen]
pub fn set_job_conn(conn: &str, secret: String, token: String) {
    let conn = connection(conn, secret, token);
    MOUNTED.with_borrow(|m| {
        if let Some(m) = m {
            m.conn.set(conn);
        }
    });
}

/// New UI language for the mounted view.
#[wasm_bindgen]
pub fn set_job_lang(lang: &str) {
    let lang = initial_lang(Some(lang), "");
    MOUNTED.with_borrow(|m| {
        if let Some(m) = m {
            m.lang.set(lang);
        }
    });
}

/// Remove the mounted view, if any.
#[wasm_bindgen]
pub fn unmount_job() {
    // Take it out first: dropping runs the view's cleanups, which must not find the cell borrowed.
    let old = MOUNTED.with_borrow_mut(Option::take);
    drop(old);
}

fn main() {}
