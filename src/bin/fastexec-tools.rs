//! The tools module: the form's on-demand panels (the request preview, the rolling settings,
//! the high-risk check, the permission details, the recent jobs, the host check, the account
//! and script pickers) and the job history. The app (`fastexec::lazy`) imports it the first
//! time one of them is shown, so a first visit to the form does not download it, and a job
//! link does not either (the job view is `src/bin/fastexec-job.rs`).

use std::any::Any;

use fastexec::danger::view::DangerView;
use fastexec::history::HistoryView;
use fastexec::hostcheck::view::HostCheckView;
use fastexec::hostcheck::{for_form, Message};
use fastexec::job::{JobRoute, RecentJobsList};
use fastexec::lazy::host::{send, Inputs};
use fastexec::lazy::Panel;
use fastexec::outcome::permission::PermissionView;
use fastexec::pickers::{AccountPicker, ScriptPicker};
use fastexec::preview::view::PreviewView;
use fastexec::rolling::view::RollingView;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// Mounts the panels listed above ([`Panel`] documents each payload and message).
fn mount(
    panel: Panel,
    parent: web_sys::HtmlElement,
    inputs: Inputs,
    callback: js_sys::Function,
) -> Result<Box<dyn Any>, JsValue> {
    let Inputs {
        payload: p,
        conn: c,
        lang: l,
    } = inputs;
    Ok(match panel {
        Panel::Job => return Err(JsValue::from_str("not in the tools module")),
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
        Panel::Danger => Box::new(leptos::mount::mount_to(parent, move || {
            let on_change = Callback::new(move |text: String| send(&callback, &text));
            view! { <DangerView payload=p conn=c lang=l on_change /> }
        })),
        Panel::HostCheck => Box::new(leptos::mount::mount_to(parent, move || {
            let on_message = Callback::new(move |text: String| {
                if let Some(m) = Message::read(&text) {
                    send(&callback, &for_form(&m));
                }
            });
            view! { <HostCheckView payload=p conn=c lang=l on_message /> }
        })),
        Panel::AccountPicker => Box::new(leptos::mount::mount_to(parent, move || {
            let on_message = Callback::new(move |text: String| send(&callback, &text));
            view! { <AccountPicker payload=p conn=c lang=l on_message /> }
        })),
        Panel::ScriptPicker => Box::new(leptos::mount::mount_to(parent, move || {
            let on_message = Callback::new(move |text: String| send(&callback, &text));
            view! { <ScriptPicker payload=p conn=c lang=l on_message /> }
        })),
    })
}

fastexec::panel_exports!(mount);

fn main() {}
