//! The recent-jobs section of the launch page: the on-demand module's [`Panel::Recent`], or a
//! note of the app's own while the browser has no list (no module load on a first visit).

use leptos::prelude::*;

use crate::lazy::{Panel, Remote};
use crate::state::{tr, ui};
use crate::view_helpers::{memo, rv};
use crate::web;

/// The jobs launched from this browser. The list is a panel of the on-demand module; while the
/// browser has none (always on a first visit) the app says so itself without loading it.
#[component]
pub fn RecentJobs() -> impl IntoView {
    let ui = ui();
    // Whether the browser has a list at all, looked up again after each launch.
    let has_list = memo(move || {
        ui.result.track();
        web::storage_get(crate::job::recent::RECENT_JOBS_KEY).is_some()
    });
    let on_open = Callback::new(move |path: String| ui.navigate(&path));
    // Bumped by each launch result: a mounted list reads itself again (a success is added).
    let generation = RwSignal::new(0u32);
    Effect::new(move |_| {
        ui.result.track();
        generation.update(|g| *g += 1);
    });
    // The heading is always the app's, so the list's loading note or failure has its context.
    view! {
        <section class="recent-jobs" aria-labelledby="recent-title">
            <h2 id="recent-title">{tr(|t| t.recent_title)}</h2>
            {rv(move || {
                if has_list.get() {
                    view! {
                        <Remote
                            panel=Panel::Recent
                            payload=Signal::derive(move || generation.get().to_string())
                            on_message=on_open
                            loading=|t| t.panel_loading
                            failed=|t| t.recent_load_failed
                        />
                    }
                        .into_any()
                } else {
                    view! { <p class="recent-empty">{tr(|t| t.recent_empty)}</p> }.into_any()
                }
            })}
        </section>
    }
}
