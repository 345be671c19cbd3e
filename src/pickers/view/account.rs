//! The account picker (on-demand module, [`crate::lazy::Panel::AccountPicker`]): the scope's
//! system accounts in a searchable listbox (the combobox pattern: focus stays in the search
//! box, ArrowDown/ArrowUp move the active option, Enter chooses, Esc clears the search, then
//! closes), and the choice of the field it fills, kept in localStorage.

use std::rc::Rc;

use bkjob_api::{AccountItem, Lang};
use leptos::ev;
use leptos::prelude::*;

use super::{conn_wake, head, load_into, problem_note, scroll_into_view, ta, tx, Load};
use crate::api::job::{AccountListApi, HttpJobApi};
use crate::api::Api;
use crate::connection::Connection;
use crate::i18n::fill;
use crate::i18n::pickers::picker_texts;
use crate::pickers::account::{self, FillMode, KEY_FILL};
use crate::pickers::{cache, split_scope, PickerMessage};
use crate::view_helpers::{memo, rv};
use crate::web;

/// The account picker over the app's connection. `payload`: `"{scope_type}/{scope_id}"`;
/// `on_message` gets a [`PickerMessage`] as text (`account_id\t{id}`, `account_alias\t{alias}`
/// or `close`).
#[component]
pub fn AccountPicker(
    #[prop(into)] payload: Signal<String>,
    #[prop(into)] conn: Signal<Connection>,
    #[prop(into)] lang: Signal<Lang>,
    on_message: Callback<String>,
) -> impl IntoView {
    let api: Rc<dyn AccountListApi> = Rc::new(HttpJobApi::new(conn, lang));
    let wake = conn_wake(conn);
    view! { <AccountPickerWith payload api lang on_message wake /> }
}

fn option_id(a: &AccountItem) -> String {
    format!("account-opt-{}", a.id)
}

/// The account picker over any [`AccountListApi`].
#[component]
pub fn AccountPickerWith(
    #[prop(into)] payload: Signal<String>,
    api: Rc<dyn AccountListApi>,
    #[prop(into)] lang: Signal<Lang>,
    on_message: Callback<String>,
    /// A change asks again (new connection settings).
    #[prop(optional, into)]
    wake: Option<Signal<u64>>,
) -> impl IntoView {
    let t = move || picker_texts(lang.get());
    let api = StoredValue::new_local(api);
    let load = RwSignal::new(Load::<Vec<AccountItem>>::Idle);
    let generation = StoredValue::new(0u64);
    let attempt = RwSignal::new(0u32);
    let query = RwSignal::new(String::new());
    let active = RwSignal::new(None::<usize>);
    let chosen = RwSignal::new(None::<String>);
    let mode = RwSignal::new(FillMode::from_stored(web::storage_get(KEY_FILL).as_deref()));

    Effect::new(move |ran: Option<()>| {
        // The search box has the focus when the picker opens (it was opened to choose).
        if ran.is_none() {
            web::focus_id("account-search");
        }
        if let Some(w) = wake {
            w.track();
        }
        attempt.track();
        let (st, sid) = split_scope(&payload.get());
        if sid.is_empty() {
            return load.set(Load::Idle);
        }
        let key = cache::key(
            Api::AccountList,
            &format!("{st}/{sid}"),
            &account::request(&st, &sid, 0),
        );
        let api = api.get_value();
        load_into(load, generation, key, move || {
            Box::pin(async move {
                // Every page: the search runs here, on the whole list (the API only matches
                // an exact alias or name).
                let mut all = Vec::new();
                let mut start = 0;
                loop {
                    let page = api.accounts(&account::request(&st, &sid, start)).await?;
                    let got = page.data.as_ref().map_or(0, Vec::len);
                    let next = account::next_start(&page, all.len() + got);
                    all.extend(page.data.unwrap_or_default());
                    match next {
                        Some(n) => start = n,
                        None => return Ok(all),
                    }
                }
            })
        });
    });

    let filtered = memo(move || {
        let q = query.get();
        load.with(|l| match l {
            Load::Ready(list) => account::filter(list, &q),
            _ => Vec::new(),
        })
    });
    let choose = Callback::new(move |a: AccountItem| {
        let m = mode.get_untracked();
        let (field, value) = match m {
            FillMode::Alias => ("account_alias", a.alias.clone()),
            FillMode::Id => ("account_id", a.id.to_string()),
        };
        chosen.set(Some(fill(
            picker_texts(lang.get_untracked()).filled,
            &[("field", field), ("value", &value)],
        )));
        on_message.run(m.message(&a).write());
    });
    let active_id = move || {
        let i = active.get()?;
        filtered.with(|f| f.get(i).map(option_id))
    };
    let on_key = move |ev: ev::KeyboardEvent| {
        let key = ev.key();
        match key.as_str() {
            "ArrowDown" | "ArrowUp" => {
                ev.prevent_default();
                let n = filtered.with(Vec::len);
                active.set(account::step(active.get_untracked(), n, &key));
                if let Some(id) = untrack(active_id) {
                    scroll_into_view(&id);
                }
            }
            "Enter" => {
                ev.prevent_default();
                // The active option, or the only match.
                let pick = filtered.with_untracked(|f| match active.get_untracked() {
                    Some(i) => f.get(i).cloned(),
                    None if f.len() == 1 => f.first().cloned(),
                    None => None,
                });
                if let Some(a) = pick {
                    choose.run(a);
                }
            }
            "Escape" => {
                ev.prevent_default();
                if query.with_untracked(String::is_empty) {
                    on_message.run(PickerMessage::Close.write());
                } else {
                    query.set(String::new());
                    active.set(None);
                }
            }
            _ => {}
        }
    };
    let set_mode = move |m: FillMode| {
        mode.set(m);
        web::storage_set(KEY_FILL, m.stored());
    };
    let mode_radio =
        move |m: FillMode, label: fn(&crate::i18n::pickers::PickerTexts) -> &'static str| {
            let id = format!("account-fill-{}", m.stored());
            let label_for = id.clone();
            view! {
                <label class="choice" for=label_for>
                    <input
                        type="radio"
                        id=id
                        name="account-fill"
                        value=m.stored()
                        prop:checked=move || mode.get() == m
                        on:change=move |_| set_mode(m)
                    />
                    <span>{tx(lang, label)}</span>
                </label>
            }
        };
    let status = move || {
        let t = t();
        match load.get() {
            Load::Idle => t.no_scope.to_owned(),
            Load::Loading => t.loading.to_owned(),
            Load::Failed(_) => String::new(),
            Load::Ready(list) if list.is_empty() => t.account_none.to_owned(),
            Load::Ready(list) => match filtered.with(Vec::len) {
                0 => fill(t.account_no_match, &[("q", query.get().trim())]),
                n => fill(
                    t.account_count,
                    &[("n", &n.to_string()), ("total", &list.len().to_string())],
                ),
            },
        }
    };
    let problem = move || match load.get() {
        Load::Failed(e) => Some(problem_note(&e, lang, |t| t.account_still, attempt)),
        _ => None,
    };
    let options = move || {
        filtered
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                let kind = a.os.clone().unwrap_or_else(|| account::type_label(a.type_));
                let meta = format!("{} · {kind} · ID {}", a.account, a.id);
                view! {
                    <li
                        role="option"
                        class="picker-option"
                        id=option_id(&a)
                        data-account-id=a.id.to_string()
                        aria-selected=move || if active.get() == Some(i) { "true" } else { "false" }
                        // Keep the focus in the search box (the combobox pattern).
                        on:mousedown=|ev| ev.prevent_default()
                        on:click={
                            let a = a.clone();
                            move |_| choose.run(a.clone())
                        }
                    >
                        <span class="picker-option-main">{a.alias.clone()}</span>
                        <span class="picker-option-meta">{meta}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="picker" id="account-picker" aria-labelledby="account-picker-title">
            {head("account-picker-title", "account-picker-close", |t| t.account_title, lang, on_message)}
            <fieldset class="picker-fill">
                <legend>{tx(lang, |t| t.fill_legend)}</legend>
                {mode_radio(FillMode::Alias, |t| t.fill_alias)}
                {mode_radio(FillMode::Id, |t| t.fill_id)}
            </fieldset>
            <label for="account-search">{tx(lang, |t| t.account_search)}</label>
            <input
                id="account-search"
                type="text"
                role="combobox"
                autocomplete="off"
                spellcheck="false"
                aria-autocomplete="list"
                aria-expanded="true"
                aria-controls="account-list"
                aria-describedby="account-hint"
                aria-activedescendant=active_id
                prop:value=move || query.get()
                on:input=move |ev| {
                    query.set(event_target_value(&ev));
                    active.set(None);
                }
                on:keydown=on_key
            />
            <p class="hint" id="account-hint">{tx(lang, |t| t.account_hint)}</p>
            <p class="picker-status" id="account-status" aria-live="polite">{rv(status)}</p>
            {rv(problem)}
            <ul class="picker-list" id="account-list" role="listbox" aria-label=ta(lang, |t| t.account_list)>
                {rv(options)}
            </ul>
            <p class="picker-chosen" role="status">{rv(move || chosen.get())}</p>
        </section>
    }
}
