//! The job page and the history page: a panel of the on-demand module (the job view, the job
//! history) under the app's connection settings and language, and the way back to the form.
//! "Redo" from the job view lands here; a job clicked in the history opens its view.

use leptos::ev;
use leptos::prelude::*;

use crate::job::recent::restore_script;
use crate::job::JobRoute;
use crate::lazy::{Panel, Remote};
use crate::state::{tr, ui, LAUNCHED_SCRIPTS};
use crate::storage;

/// The job view, over the app's connection settings and language. "Redo" puts the job's
/// draft back into the form.
#[component]
pub fn JobPage(route: JobRoute) -> impl IntoView {
    let ui = ui();
    let path = route.path();
    let job = path.clone();
    let on_redo = Callback::new(move |json: String| {
        if let Some(draft) = storage::draft_from_json(&json) {
            // The list keeps no script text: this session's copy, else it is pasted again.
            let (draft, how) = LAUNCHED_SCRIPTS.with_borrow(|s| restore_script(draft, s.get(&job)));
            ui.redo(draft, how);
            ui.navigate("/");
        }
    });
    panel_page(Panel::Job, path, on_redo)
}

/// The job history (`/jobs`, its filters in the URL's query); its business is the form's
/// unless the URL names one. A job clicked opens its view.
#[component]
pub fn HistoryPage() -> impl IntoView {
    let ui = ui();
    let scope = ui
        .draft
        .with_untracked(|d| format!("{}/{}", d.scope_type.trim(), d.scope_id.trim()));
    panel_page(
        Panel::History,
        scope,
        Callback::new(move |path: String| ui.navigate(&path)),
    )
}

/// One panel of the module on a page of its own, with the way back to the form.
fn panel_page(panel: Panel, payload: String, on_message: Callback<String>) -> impl IntoView {
    let ui = ui();
    view! {
        <Remote
            panel
            payload=Signal::stored(payload)
            on_message
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
