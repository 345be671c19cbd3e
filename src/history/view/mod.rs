//! The history page's components (thin: the filters, URL, window and paging are
//! [`super::query`]'s): [`HistoryView`] over the app's connection, [`HistoryViewWith`] over any
//! [`JobListApi`] (tests), the filter form ([`filters`]) and the results ([`table`]).

mod filters;
mod table;

use std::rc::Rc;

use bkjob_api::{JobInstanceListItem, Lang, PageData};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::query::{HistoryQuery, QueryError, HISTORY_PATH};
use crate::api::job::{CallError, HttpJobApi, JobListApi};
use crate::connection::Connection;
use crate::i18n::history::history_texts;
use crate::job::view::error::ErrorPanel;
use crate::job::{JobRoute, RecentJobsList};
use crate::view_helpers::rv;
use crate::web;

/// What the results area shows.
#[derive(Clone, Debug, PartialEq)]
enum Load {
    /// Nothing was sent: the filters cannot make a request.
    Invalid(QueryError),
    Loading,
    Done {
        page: PageData<JobInstanceListItem>,
        window: (i64, i64),
    },
    Failed(CallError),
}

/// The history page over the app's connection settings: the scope's jobs from the server,
/// filtered by the page's URL query; `default_scope` (`"{type}/{id}"`, the form's business)
/// unless the URL names one. `on_open` gets the link of the job clicked (client-side
/// navigation; without it the links load the page).
#[component]
pub fn HistoryView(
    /// `"{scope_type}/{scope_id}"`.
    default_scope: String,
    /// The app's connection settings (read at each call; a change asks again).
    #[prop(into)]
    conn: Signal<Connection>,
    /// UI language.
    #[prop(into)]
    lang: Signal<Lang>,
    /// Client-side navigation to a job link.
    #[prop(optional, into)]
    on_open: Option<Callback<String>>,
) -> impl IntoView {
    let api: Rc<dyn JobListApi> = Rc::new(HttpJobApi::new(conn, lang));
    let wake = Signal::derive(move || {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        conn.with(|c| format!("{c:?}").hash(&mut h));
        h.finish()
    });
    let (t, id) = default_scope.split_once('/').unwrap_or(("", ""));
    let query = HistoryQuery::from_search(&web::search(), (t, id));
    match on_open {
        Some(on_open) => view! { <HistoryViewWith query api lang on_open wake /> }.into_any(),
        None => view! { <HistoryViewWith query api lang wake /> }.into_any(),
    }
}

/// The history page over any [`JobListApi`], starting at `query`.
#[component]
pub fn HistoryViewWith(
    /// The filters first shown.
    query: HistoryQuery,
    /// The server.
    api: Rc<dyn JobListApi>,
    /// UI language.
    #[prop(into)]
    lang: Signal<Lang>,
    /// Client-side navigation to a job link.
    #[prop(optional, into)]
    on_open: Option<Callback<String>>,
    /// A change of this value asks again (e.g. new credentials).
    #[prop(optional, into)]
    wake: Option<Signal<u64>>,
) -> impl IntoView {
    let t = move || history_texts(lang.get());
    let applied = RwSignal::new(query);
    let load = RwSignal::new(Load::Loading);
    let api = StoredValue::new_local(api);
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        if let Some(w) = wake {
            w.track();
        }
        let q = applied.get();
        let n = generation.get_value() + 1;
        generation.set_value(n);
        let now = web::now_ms();
        let request = match q.request(now) {
            Ok(r) => r,
            Err(e) => return load.set(Load::Invalid(e)),
        };
        let window = (
            request.create_time_start.unwrap_or_default(),
            request.create_time_end.unwrap_or_default(),
        );
        load.set(Load::Loading);
        let call = api.with_value(|a| a.job_list(&request));
        spawn_local(async move {
            let result = call.await;
            // Only the latest search's answer is shown.
            if generation.try_get_value() == Some(n) {
                load.set(match result {
                    Ok(page) => Load::Done { page, window },
                    Err(e) => Load::Failed(e),
                });
            }
        });
    });
    // New filters: into the URL (shareable, kept by a reload), then searched. Mounted
    // elsewhere (tests) the URL is left alone.
    let apply = Callback::new(move |q: HistoryQuery| {
        let path = q.path();
        let here = web::pathname();
        if here.trim_end_matches('/') == HISTORY_PATH && format!("{here}{}", web::search()) != path
        {
            web::push_path(&path);
        }
        applied.set(q);
    });
    // After "Previous" / "Next" the focus goes to the results (the buttons are replaced), so
    // a keyboard user goes on from the new page's summary.
    let focus_results = StoredValue::new(false);
    let page_to = Callback::new(move |q: HistoryQuery| {
        focus_results.set_value(true);
        apply.run(q);
    });
    // Back / Forward between searches: the app mounts the page again, which reads the URL.
    let open = Callback::new(move |path: String| match on_open {
        Some(cb) => cb.run(path),
        None => web::navigate(&path),
    });
    let results = move || {
        match load.get() {
        Load::Invalid(e) => view! {
            <p class="history-invalid" id="history-invalid" role="alert" data-problem=format!("{e:?}")>
                {filters::problem_text(history_texts(lang.get()), e)}
            </p>
        }
        .into_any(),
        Load::Loading => {
            view! { <p class="history-loading" role="status">{t().loading}</p> }.into_any()
        }
        Load::Failed(error) => view! { <ErrorPanel lang error /> }.into_any(),
        Load::Done { page, window } => {
            let q = applied.get_untracked();
            view! { <table::Results page window query=q lang apply=page_to open /> }.into_any()
        }
    }
    };
    Effect::new(move |_| {
        if matches!(load.get(), Load::Done { .. } | Load::Failed(_)) && focus_results.get_value() {
            focus_results.set_value(false);
            web::focus_id("history-results");
        }
    });
    view! {
        <section class="history-view" id="history-view" aria-labelledby="history-title">
            <h2 id="history-title">{rv(move || t().title)}</h2>
            <filters::Filters applied lang apply />
            <div class="history-results" id="history-results" tabindex="-1">{rv(results)}</div>
        </section>
        <section class="history-local" aria-labelledby="history-local-title">
            <h2 id="history-local-title">{rv(move || t().launched_here)}</h2>
            <p class="hint">{rv(move || t().launched_here_note)}</p>
            <RecentJobsList lang on_open=Callback::new(move |r: JobRoute| open.run(r.path())) />
        </section>
    }
}
