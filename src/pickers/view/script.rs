//! The script picker (on-demand module, [`crate::lazy::Panel::ScriptPicker`]): the business's
//! or the public library (two tabs), searched by name and paged as BK-JOB pages; a script opens
//! its versions, a version its preview ([`super::versions`]).

use std::rc::Rc;

use bkjob_api::{Lang, PageData, ScriptItem, ScriptLanguage, ScriptVersionItem};
use leptos::ev;
use leptos::prelude::*;

use super::versions::{Preview, Versions};
use super::{conn_wake, head, load_into, pager, problem_note, ta, tx, Load};
use crate::api::job::{HttpJobApi, Library, ScriptLibraryApi};
use crate::connection::Connection;
use crate::history::query::Paging;
use crate::i18n::fill;
use crate::i18n::pickers::picker_texts;
use crate::pickers::script::ScriptPayload;
use crate::pickers::{cache, PickerMessage};
use crate::view_helpers::{memo, rv};
use crate::web;

/// The script picker over the app's connection. `payload`: a [`ScriptPayload`]'s text
/// (`"{scope_type}/{scope_id}\t{script_id|script_version_id}"`); `on_message` gets a
/// [`crate::pickers::PickerMessage`] as text (`script_id\t…`, `script_version_id\t…`,
/// `copy\t{language}\t{content}` or `close`).
#[component]
pub fn ScriptPicker(
    #[prop(into)] payload: Signal<String>,
    #[prop(into)] conn: Signal<Connection>,
    #[prop(into)] lang: Signal<Lang>,
    on_message: Callback<String>,
) -> impl IntoView {
    let api: Rc<dyn ScriptLibraryApi> = Rc::new(HttpJobApi::new(conn, lang));
    let wake = conn_wake(conn);
    view! { <ScriptPickerWith payload api lang on_message wake /> }
}

/// What the picker shows and has asked for; shared by its parts.
#[derive(Clone, Copy)]
pub(super) struct State {
    pub lang: Signal<Lang>,
    pub payload: Memo<ScriptPayload>,
    pub library: RwSignal<Library>,
    pub open: RwSignal<Option<ScriptItem>>,
    pub vpage: RwSignal<u32>,
    pub versions: RwSignal<Load<PageData<ScriptVersionItem>>>,
    pub selected: RwSignal<Option<i64>>,
    pub detail: RwSignal<Load<ScriptVersionItem>>,
    pub attempt: RwSignal<u32>,
    pub note: RwSignal<Option<String>>,
    pub on_message: Callback<String>,
}

impl State {
    /// Open `script`'s versions (or close them), from the first page, nothing previewed.
    fn open_script(self, script: Option<ScriptItem>) {
        self.vpage.set(1);
        self.selected.set(None);
        self.open.set(script);
    }
}

const TABS: [(Library, &str); 2] = [(Library::Business, "business"), (Library::Public, "public")];

/// The script picker over any [`ScriptLibraryApi`].
#[component]
pub fn ScriptPickerWith(
    #[prop(into)] payload: Signal<String>,
    api: Rc<dyn ScriptLibraryApi>,
    #[prop(into)] lang: Signal<Lang>,
    on_message: Callback<String>,
    /// A change asks again (new connection settings).
    #[prop(optional, into)]
    wake: Option<Signal<u64>>,
) -> impl IntoView {
    let t = move || picker_texts(lang.get());
    let api = StoredValue::new_local(api);
    let s = State {
        lang,
        payload: memo(move || ScriptPayload::read(&payload.get())),
        library: RwSignal::new(Library::Business),
        open: RwSignal::new(None),
        vpage: RwSignal::new(1),
        versions: RwSignal::new(Load::Idle),
        selected: RwSignal::new(None),
        detail: RwSignal::new(Load::Idle),
        attempt: RwSignal::new(0),
        note: RwSignal::new(None),
        on_message,
    };
    let typed = RwSignal::new(String::new());
    // The search applied: name and page.
    let search = RwSignal::new((String::new(), 1u32));
    let scripts = RwSignal::new(Load::<PageData<ScriptItem>>::Idle);
    let (g1, g2, g3) = (
        StoredValue::new(0u64),
        StoredValue::new(0u64),
        StoredValue::new(0u64),
    );
    let track = move || {
        if let Some(w) = wake {
            w.track();
        }
        s.attempt.track();
    };
    // Another business: what was open belongs to the old one. (At the start: the search box
    // has the focus.)
    let scope = memo(move || s.payload.with(ScriptPayload::scope));
    Effect::new(move |prev: Option<String>| {
        let now = scope.get();
        if prev.is_none() {
            web::focus_id("script-search");
        }
        if prev.is_some_and(|p| p != now) {
            s.open_script(None);
            search.update(|q| q.1 = 1);
        }
        now
    });
    // Another library: from its first page, nothing open (set together, asked once).
    let switch = move |lib: Library| {
        if s.library.get_untracked() != lib {
            s.open_script(None);
            search.update(|q| q.1 = 1);
            s.library.set(lib);
        }
    };
    Effect::new(move |_| {
        track();
        let p = s.payload.get();
        let lib = s.library.get();
        if lib == Library::Business && p.scope_id.is_empty() {
            return scripts.set(Load::Idle);
        }
        let (name, page) = search.get();
        let req = p.list_request(lib, &name, page);
        let key = cache::key(lib.apis()[0], &p.scope(), &req);
        let api = api.get_value();
        load_into(scripts, g1, key, move || api.scripts(lib, &req));
    });
    Effect::new(move |_| {
        track();
        let Some(script) = s.open.get() else {
            return s.versions.set(Load::Idle);
        };
        let (p, lib) = (s.payload.get_untracked(), s.library.get_untracked());
        let req = p.versions_request(lib, &script.id, s.vpage.get());
        let key = cache::key(lib.apis()[1], &p.scope(), &req);
        let api = api.get_value();
        load_into(s.versions, g2, key, move || api.versions(lib, &req));
    });
    Effect::new(move |_| {
        track();
        let Some(id) = s.selected.get() else {
            return s.detail.set(Load::Idle);
        };
        let (p, lib) = (s.payload.get_untracked(), s.library.get_untracked());
        let req = p.detail_request(lib, id);
        let key = cache::key(lib.apis()[2], &p.scope(), &req);
        let api = api.get_value();
        load_into(s.detail, g3, key, move || api.version(lib, &req));
    });

    let tab = move |(lib, name): (Library, &'static str)| {
        let label = move || {
            let t = t();
            match lib {
                Library::Business => t.tab_business,
                Library::Public => t.tab_public,
            }
        };
        let on_key = move |ev: ev::KeyboardEvent| {
            // The tabs pattern: the arrow keys move between tabs (there are two).
            if matches!(ev.key().as_str(), "ArrowLeft" | "ArrowRight") {
                ev.prevent_default();
                let (other, other_name) = TABS[usize::from(lib == Library::Business)];
                switch(other);
                web::focus_id(&format!("script-tab-{other_name}"));
            }
        };
        let on = move || s.library.get() == lib;
        view! {
            <button
                type="button"
                role="tab"
                class="picker-tab"
                id=format!("script-tab-{name}")
                aria-controls="script-tabpanel"
                aria-selected=move || if on() { "true" } else { "false" }
                tabindex=move || if on() { "0" } else { "-1" }
                on:click=move |_| switch(lib)
                on:keydown=on_key
            >
                {rv(label)}
            </button>
        }
    };
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        search.set((typed.get_untracked(), 1));
    };
    let status = move || {
        let t = t();
        match scripts.get() {
            Load::Idle => t.no_scope.to_owned(),
            Load::Loading => t.loading.to_owned(),
            Load::Failed(_) => String::new(),
            Load::Ready(page) => {
                let rows = page.data.as_ref().map_or(0, Vec::len);
                if rows == 0 {
                    return t.script_none.to_owned();
                }
                let p = Paging::of(page.start, page.length, page.total, rows);
                fill(
                    t.script_count,
                    &[
                        ("first", &p.first.to_string()),
                        ("last", &p.last.to_string()),
                        ("total", &p.total.to_string()),
                    ],
                )
            }
        }
    };
    let list = move || match scripts.get() {
        Load::Failed(e) => problem_note(&e, lang, |t| t.script_still, s.attempt).into_any(),
        Load::Ready(page) => {
            let rows = page.data.unwrap_or_default();
            let paging = Paging::of(page.start, page.length, page.total, rows.len());
            view! {
                <ul class="picker-scripts" aria-label=ta(lang, |t| t.scripts_label)>
                    {rows.into_iter().map(|sc| script_row(s, sc)).collect_view()}
                </ul>
                {pager("script", paging, lang, move |n| search.update(|q| q.1 = n))}
            }
            .into_any()
        }
        _ => ().into_any(),
    };
    // Esc anywhere in the picker closes it.
    let on_key = move |ev: ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            on_message.run(PickerMessage::Close.write());
        }
    };
    let panel_label = move || {
        format!(
            "script-tab-{}",
            TABS[usize::from(s.library.get() == Library::Public)].1
        )
    };
    view! {
        <section class="picker" id="script-picker" aria-labelledby="script-picker-title" on:keydown=on_key>
            {head("script-picker-title", "script-picker-close", |t| t.script_title, lang, on_message)}
            <div class="picker-tabs" role="tablist" aria-label=ta(lang, |t| t.libraries)>
                {TABS.map(tab)}
            </div>
            <div class="picker-tabpanel" id="script-tabpanel" role="tabpanel" aria-labelledby=panel_label>
                <form class="picker-search" role="search" on:submit=on_submit>
                    <label for="script-search">{tx(lang, |t| t.script_search)}</label>
                    <input
                        id="script-search"
                        type="text"
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                    <button type="submit" id="script-search-go">{tx(lang, |t| t.search)}</button>
                </form>
                <p class="picker-status" id="script-status" aria-live="polite">{rv(status)}</p>
                {rv(list)}
            </div>
            <Versions s />
            <Preview s />
            <p class="picker-chosen" role="status">{rv(move || s.note.get())}</p>
        </section>
    }
}

/// One script of the list: its name opens its versions.
fn script_row(s: State, sc: ScriptItem) -> impl IntoView {
    let t = move || picker_texts(s.lang.get());
    let id = sc.id.clone();
    let is_open = move || s.open.with(|o| o.as_ref().is_some_and(|o| o.id == id));
    let language = ScriptLanguage::from_code(sc.script_language).map_or_else(
        || sc.script_language.to_string(),
        |l| l.label(Lang::En).to_owned(),
    );
    let online = sc.online_script_version_id;
    let online_text = move || match online {
        Some(id) => fill(t().online_version, &[("id", &id.to_string())]),
        None => t().no_online.to_owned(),
    };
    let desc = sc.description.clone().filter(|d| !d.is_empty());
    view! {
        <li class="picker-script" data-script-id=sc.id.clone() data-online=online.map(|v| v.to_string())>
            <button
                type="button"
                class="picker-script-open"
                aria-expanded=move || if is_open() { "true" } else { "false" }
                aria-controls="script-versions"
                on:click={
                    let sc = sc.clone();
                    move |_| s.open_script(Some(sc.clone()))
                }
            >
                {sc.name.clone()}
            </button>
            <span class="picker-option-meta">{language}" · "{rv(online_text)}</span>
            {desc.map(|d| view! { <span class="picker-desc">{d}</span> })}
        </li>
    }
}
