//! The on-demand module: what the app shows only after the user asks for it — the job view,
//! the job history, the recent-jobs list, the request preview, the details of a permission answer and the
//! rolling settings. The app
//! (`fastexec::lazy`) imports it the first time one of them is needed, so a first visit to
//! the form does not download it. Its exports are the other half of that bridge; the views
//! are the library's components, the same ones the wasm tests mount directly.
//!
//! Each mounted view is a *panel* with an ID. What it shows comes in as text: the payload
//! (a job link, the request JSON, the permission JSON, or a refresh token for the list), the
//! stored (secret-free) connection JSON with the secret and token separately, and the
//! language code. A callback carries the panel's one message back (the draft JSON for "Redo",
//! a job link for the list).

use std::any::Any;
use std::cell::{Cell, RefCell};

use bkjob_api::Lang;
use fastexec::connection::Connection;
use fastexec::history::HistoryView;
use fastexec::job::{parse_job_route, JobRoute, JobView, RecentJobsList};
use fastexec::lazy::Panel;
use fastexec::outcome::permission::PermissionView;
use fastexec::preview::view::PreviewView;
use fastexec::rolling::view::RollingView;
use fastexec::storage::{connection_from_json, draft_to_json, initial_lang};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// What one mounted panel needs to be updated and removed.
struct Mounted {
    id: u32,
    payload: ArcRwSignal<String>,
    conn: ArcRwSignal<Connection>,
    lang: ArcRwSignal<Lang>,
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

fn send(callback: &js_sys::Function, text: &str) {
    let _ = callback.call1(&JsValue::NULL, &JsValue::from_str(text));
}

/// Mount the panel named `kind` (a [`Panel::name`]; the payloads and messages are
/// [`Panel`]'s) into `parent`; returns its ID.
#[wasm_bindgen]
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
) -> Result<u32, JsValue> {
    let payload = ArcRwSignal::new(payload);
    let conn = ArcRwSignal::new(connection(conn, secret, token));
    let lang = ArcRwSignal::new(initial_lang(Some(lang), ""));
    let (p, c, l) = (payload.clone(), conn.clone(), lang.clone());
    let panel = Panel::from_name(kind).ok_or_else(|| JsValue::from_str("unknown panel"))?;
    let handle: Box<dyn Any> = match panel {
        Panel::Job => {
            let route = parse_job_route(&p.get_untracked())
                .ok_or_else(|| JsValue::from_str("not a job link"))?;
            Box::new(leptos::mount::mount_to(parent, move || {
                let on_redo = Callback::new(move |draft: bkjob_api::Draft| {
                    send(&callback, &draft_to_json(&draft))
                });
                view! { <JobView route conn=Signal::from(c) lang=Signal::from(l) on_redo /> }
            }))
        }
        Panel::Recent => Box::new(leptos::mount::mount_to(parent, move || {
            let on_open = Callback::new(move |r: JobRoute| send(&callback, &r.path()));
            let lang = Signal::from(l);
            move || {
                // A new payload: the app recorded a launch, read the list again.
                p.track();
                view! { <RecentJobsList lang on_open /> }
            }
        })),
        Panel::Preview => Box::new(leptos::mount::mount_to(parent, move || {
            view! { <PreviewView request=p conn=c lang=l /> }
        })),
        Panel::Permission => Box::new(leptos::mount::mount_to(parent, move || {
            view! { <PermissionView permission=p lang=l /> }
        })),
        Panel::Rolling => Box::new(leptos::mount::mount_to(parent, move || {
            let on_change = Callback::new(move |text: String| send(&callback, &text));
            view! { <RollingView payload=p lang=l on_change /> }
        })),
        Panel::History => Box::new(leptos::mount::mount_to(parent, move || {
            let on_open = Callback::new(move |path: String| send(&callback, &path));
            let default_scope = p.get_untracked();
            view! { <HistoryView default_scope conn=Signal::from(c) lang=Signal::from(l) on_open /> }
        })),
    };
    let id = NEXT_ID.with(|n| n.replace(n.get() + 1));
    MOUNTED.with_borrow_mut(|m| {
        m.push(Mounted {
            id,
            payload,
            conn,
            lang,
            _handle: handle,
        })
    });
    Ok(id)
}

fn with_panel(id: u32, f: impl FnOnce(&Mounted)) {
    MOUNTED.with_borrow(|m| {
        if let Some(p) = m.iter().find(|p| p.id == id) {
            f(p)
        }
    });
}

/// A new payload for panel `id`.
#[wasm_bindgen]
pub fn set_panel_payload(id: u32, payload: String) {
    with_panel(id, |p| p.payload.set(payload));
}

/// New connection settings for panel `id` (the job view polls again at once).
#[wasm_bindgen]
pub fn set_panel_conn(id: u32, conn: &str, secret: String, token: String) {
    let conn = connection(conn, secret, token);
    with_panel(id, |p| p.conn.set(conn));
}

/// New UI language for panel `id`.
#[wasm_bindgen]
pub fn set_panel_lang(id: u32, lang: &str) {
    let lang = initial_lang(Some(lang), "");
    with_panel(id, |p| p.lang.set(lang));
}

/// Remove panel `id`, if it is mounted.
#[wasm_bindgen]
pub fn unmount_panel(id: u32) {
    // Take it out first: dropping runs the view's cleanups, which must not find the list
    // borrowed.
    let old =
        MOUNTED.with_borrow_mut(|m| m.iter().position(|p| p.id == id).map(|i| m.swap_remove(i)));
    drop(old);
}

fn main() {}
