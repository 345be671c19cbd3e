//! The request preview on the launch page: headers, the exact JSON body (secrets masked) and
//! "copy as curl". The app's side ([`PreviewPanel`]) is a closed `<details>`; its body
//! ([`view::PreviewView`]) ships in the on-demand module as [`Panel::Preview`], loaded when
//! the preview is first opened.

pub mod view;

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::lazy::{Panel, Remote};
use crate::state::{tr, ui};
use crate::view_helpers::{memo, when};

/// The request preview: a closed `<details>`; its body (JSON, headers, curl) is a panel of the
/// on-demand module, loaded when the preview is first opened.
#[component]
pub fn PreviewPanel() -> impl IntoView {
    let ui = ui();
    let open = RwSignal::new(false);
    // The validated request as JSON ("" while the form has errors), computed only while the
    // panel is open, so typing stays cheap.
    let request = memo(move || {
        if !open.get() {
            return String::new();
        }
        ui.check.with(|c| {
            c.request
                .as_ref()
                .map(bkjob_api::to_json::WriteJson::to_json_text)
                .unwrap_or_default()
        })
    });
    view! {
        <details
            id="preview-panel"
            class="panel"
            on:toggle=move |ev: ev::Event| {
                if let Some(d) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
                {
                    open.set(d.open());
                }
            }
        >
            <summary id="preview-title">{tr(|t| t.preview_title)}</summary>
            <div class="panel-body">
                {when(move || open.get(), move || view! {
                    <Remote
                        panel=Panel::Preview
                        payload=request
                        loading=|t| t.panel_loading
                        failed=|t| t.preview_load_failed
                    />
                })}
            </div>
        </details>
    }
}
