//! The history page (`/jobs`): the on-demand module's [`Panel::History`] over the app's
//! connection settings and language; its business is the form's unless the URL names one.

use leptos::ev;
use leptos::prelude::*;

use crate::lazy::{Panel, Remote};
use crate::state::{tr, ui};

/// The job history; a job clicked opens its view here.
#[component]
pub fn HistoryPage() -> impl IntoView {
    let ui = ui();
    let scope = ui
        .draft
        .with_untracked(|d| format!("{}/{}", d.scope_type.trim(), d.scope_id.trim()));
    let on_open = Callback::new(move |path: String| ui.navigate(&path));
    view! {
        <Remote
            panel=Panel::History
            payload=Signal::stored(scope)
            on_message=on_open
            loading=|t| t.panel_loading
            failed=|t| t.job_view_load_failed
        />
        <p class="back-link">
            <a
                href="/"
                on:click=move |ev: ev::MouseEvent| {
                    ev.prevent_default();
                    ui.navigate("/");
                }
            >
                {tr(|t| t.back_to_form)}
            </a>
        </p>
    }
}
