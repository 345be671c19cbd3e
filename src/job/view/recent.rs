//! The recent-jobs list component.

use bkjob_api::{Lang, RunStatus};
use leptos::prelude::*;

use crate::job::format::format_time;
use crate::job::route::JobRoute;
use crate::job::store::load_recent;
use crate::view_helpers::rv;
use crate::web as browser;

/// The recent jobs launched from this browser (localStorage), newest first, each a link to
/// its view. With `on_open` a click is handed to the app's router instead of a page load.
#[component]
pub fn RecentJobsList(
    /// UI language.
    #[prop(into)]
    lang: Signal<Lang>,
    /// Client-side navigation; without it the links load the page.
    #[prop(optional, into)]
    on_open: Option<Callback<JobRoute>>,
) -> impl IntoView {
    // The empty note is the app's text: it shows it itself while the browser has no list yet
    // (a first visit does not load this module).
    let t = move || crate::i18n::t(lang.get());
    let list = load_recent();
    let offset = browser::utc_offset_minutes();
    let empty = list.jobs.is_empty();
    // No heading: the app's section around this panel has it.
    view! {
            {empty.then(|| view! { <p class="recent-empty">{rv(move || t().recent_empty)}</p> })}
            <ul id="recent-jobs">
                {list.jobs.into_iter().map(|j| {
                    let route = j.route();
                    let status = j.last_status;
                    view! {
                        <li>
                            <a
                                href=route.path()
                                data-job-instance-id=j.job_instance_id.to_string()
                                on:click=move |ev| {
                                    if let Some(cb) = on_open {
                                        ev.prevent_default();
                                        cb.run(route.clone());
                                    }
                                }
                            >
                                {if j.name.is_empty() { format!("#{}", j.job_instance_id) } else { j.name.clone() }}
                            </a>
                            " "
                            <span class="recent-id">"#"{j.job_instance_id.to_string()}</span>
                            " "
                            <time>{format_time(Some(j.launched_at_ms), offset)}</time>
                            " "
                            <span class="recent-status" data-code=status.map(|s| s.to_string()).unwrap_or_default()>
                                {rv(move || status.map(|s| RunStatus::label_for_code(s, lang.get())).unwrap_or_default())}
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ul>
    }
}
