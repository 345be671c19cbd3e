//! The app shell: restores the state, persists what may be persisted (never a secret), the
//! header with the language switch, Ctrl+Enter, and the routing between the launch page and
//! the job page. Everything below the header lives in [`crate::pages`] and its parts.

use bkjob_api::Lang;
use leptos::ev;
use leptos::prelude::*;

use crate::connection::panel::ConnectionPanel;
use crate::connection::session::asks_session;
use crate::connection::Session;
use crate::i18n::{lang_from_tag, lang_tag};
use crate::pages::{HistoryPage, JobPage, LaunchPage};
use crate::route::{self, Route};
use crate::state::{attempt_launch, tr, Ui};
use crate::storage;
use crate::view_helpers::rv;
use crate::web;
use crate::PRODUCT_NAME;

/// Ask the page's own server who adds the credentials, at start and whenever the base URL
/// changes to it. A session holds only for the base it was asked for: dropped when the base
/// changes, and an answer arriving after the base changed again is not kept.
fn ask_session(ui: Ui, base: String) {
    ui.set_session(Session::Local);
    if !asks_session(&base, &web::origin()) {
        return;
    }
    leptos::task::spawn_local(async move {
        let session = crate::api::session::ask_session(&base)
            .await
            .returning_to(&web::href());
        if ui.conn.try_with_untracked(|c| c.base() == base) == Some(true) {
            ui.set_session(session);
        }
    });
}

/// The whole app: header, then the launch form or the job placeholder page.
#[component]
pub fn App() -> impl IntoView {
    let ui = Ui::restore();
    provide_context(ui);

    // Persist what may be persisted (never a secret). Storing a 1 MiB draft takes several ms,
    // too much for every keystroke: the draft is stored 300 ms after the last change, and at
    // once when the page is hidden or left (pagehide) or the app unmounts, so nothing is lost.
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let write_draft = move || {
        if let Some(json) = ui.draft.try_with_untracked(storage::draft_to_json) {
            web::storage_set(storage::KEY_DRAFT, &json);
        }
        ui.settled.try_update(|n| *n += 1);
    };
    let flush_draft = move || {
        if let Some(h) = pending.try_get_value().flatten() {
            h.clear();
            pending.try_set_value(None);
            write_draft();
        }
    };
    Effect::new(move |first: Option<()>| {
        ui.draft.track();
        // The first run sees the draft just restored from storage: nothing new to store.
        if first.is_none() {
            return;
        }
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let h = set_timeout_with_handle(
            move || {
                pending.try_set_value(None);
                write_draft();
            },
            std::time::Duration::from_millis(300),
        )
        .ok();
        pending.set_value(h);
    });
    let pagehide = window_event_listener(ev::pagehide, move |_| flush_draft());
    on_cleanup(move || {
        flush_draft();
        pagehide.remove();
    });
    // One effect for both (each effect adds its own copy of the effect code to the wasm): store
    // the settings, and ask who adds the credentials when the base URL changes ([`ask_session`]).
    Effect::new(move |_| {
        let (json, base) = ui
            .conn
            .with(|c| (storage::connection_to_json(c), c.base().to_owned()));
        web::storage_set(storage::KEY_CONNECTION, &json);
        if ui.new_session_base(&base) {
            ask_session(ui, base);
        }
    });
    Effect::new(move |_| web::set_document_lang(lang_tag(ui.lang.get())));
    // Back / Forward mounts the page again (the history page then reads its URL's filters).
    let popstate = window_event_listener(ev::popstate, move |_| {
        ui.route.set(route::parse(&web::pathname()));
    });
    on_cleanup(move || popstate.remove());
    // Mounted and restored: tell the benchmark, once per page.
    Effect::new(move |_| {
        use std::sync::atomic::{AtomicBool, Ordering};
        static MARKED: AtomicBool = AtomicBool::new(false);
        if !MARKED.swap(true, Ordering::Relaxed) {
            web::performance_mark("fastexec-interactive");
        }
    });

    let on_keydown = move |ev: ev::KeyboardEvent| {
        if ev.key() == "Enter"
            && (ev.ctrl_key() || ev.meta_key())
            && ui.route.with_untracked(|r| *r == Route::Launch)
        {
            ev.prevent_default();
            attempt_launch(ui);
        }
    };
    let on_lang = move |ev: ev::Event| {
        let lang = lang_from_tag(&event_target_value(&ev));
        ui.lang.set(lang);
        web::storage_set(storage::KEY_UI_LANG, storage::lang_to_stored(lang));
    };

    view! {
        <header class="app-header">
            <div class="brand">
                <h1 id="product-name">{PRODUCT_NAME}</h1>
                <p class="tagline">{tr(|t| t.tagline)}</p>
            </div>
            <nav class="app-nav">
                <a
                    href="/jobs"
                    id="history-link"
                    on:click=move |ev: ev::MouseEvent| {
                        ev.prevent_default();
                        ui.navigate("/jobs");
                    }
                >
                    {tr(|t| t.history_link)}
                </a>
            </nav>
            <div class="lang-switch">
                <label for="ui-lang">{tr(|t| t.ui_lang)}</label>
                <select id="ui-lang" on:change=on_lang>
                    <option value="zh-CN" selected=move || ui.lang.get() == Lang::ZhCn>
                        "中文"
                    </option>
                    <option value="en" selected=move || ui.lang.get() == Lang::En>
                        "English"
                    </option>
                </select>
            </div>
        </header>
        // Ctrl+Enter launches from anywhere on the launch page (connection settings included).
        <main id="main" on:keydown=on_keydown>
            // On every page: the job view calls the API with the same settings.
            <ConnectionPanel />
            {rv(move || match ui.route.get() {
                Route::Launch => view! { <LaunchPage /> }.into_any(),
                Route::Job(route) => view! { <JobPage route=route /> }.into_any(),
                Route::History => view! { <HistoryPage /> }.into_any(),
            })}
        </main>
    }
}
