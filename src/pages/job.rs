//! The job page: the job view (a panel of the on-demand module) under the app's connection
//! settings and language, and the way back to the form. "Redo" from the view lands here.

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
    view! {
        <Remote
            panel=Panel::Job
            payload=Signal::stored(path)
            on_message=on_redo
            loading=|t| t.job_view_loading
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
