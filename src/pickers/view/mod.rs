//! The pickers' components (thin: filters, rules, requests and messages are the plain modules'):
//! [`account`] and [`script`], each over the app's connection ([`AccountPicker`],
//! [`ScriptPicker`]) or over any API (`*With`, tests); and what both share here: the load
//! state, the note of a failed call, the pager.

mod account;
mod script;
mod versions;

pub use account::{AccountPicker, AccountPickerWith};
pub use script::{ScriptPicker, ScriptPickerWith};

use bkjob_api::Lang;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::{cache, classify, Problem};
use crate::api::job::{CallError, LocalFuture};
use crate::connection::Connection;
use crate::history::query::Paging;
use crate::i18n::fill;
use crate::i18n::pickers::{picker_texts, PickerTexts};
use crate::outcome::permission::permission_rows;
use crate::view_helpers::{memo, rv};

/// A text of [`PickerTexts`].
type Text = fn(&PickerTexts) -> &'static str;

/// A label in the current language, for an attribute. One closure type for every label: each
/// distinct closure would add its own copy of Leptos's attribute code to the module.
fn ta(lang: Signal<Lang>, text: Text) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    move || text(picker_texts(lang.get()))
}

/// A label in the current language, as a child (one closure type, as [`ta`]).
fn tx(lang: Signal<Lang>, text: Text) -> crate::view_helpers::Rv {
    rv(ta(lang, text))
}

/// One list or detail of a picker.
#[derive(Clone, Debug, PartialEq)]
enum Load<T> {
    /// Nothing asked (no business yet, no script open).
    Idle,
    Loading,
    Ready(T),
    Failed(CallError),
}

/// Load `key`'s answer into `target`: the kept one at once, else `call`'s. An answer that
/// arrives after a newer load of the same target began is dropped (`generation`).
fn load_into<T: Clone + Send + Sync + 'static>(
    target: RwSignal<Load<T>>,
    generation: StoredValue<u64>,
    key: String,
    call: impl FnOnce() -> LocalFuture<Result<T, CallError>> + 'static,
) {
    let n = generation.get_value() + 1;
    generation.set_value(n);
    if let Some(v) = cache::get::<T>(&key) {
        return target.set(Load::Ready(v));
    }
    target.set(Load::Loading);
    spawn_local(async move {
        let result = cache::fetch(key, call).await;
        if generation.try_get_value() == Some(n) {
            let _ = target.try_set(match result {
                Ok(v) => Load::Ready(v),
                Err(e) => Load::Failed(e),
            });
        }
    });
}

/// A value that changes when the connection settings do (not each time they are handed over
/// unchanged); the cache is emptied then, since another server or user may see other things.
/// Hashed in memory only, never kept.
fn conn_wake(conn: Signal<Connection>) -> Signal<u64> {
    let last = StoredValue::new(None::<u64>);
    memo(move || {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        conn.with(|c| format!("{c:?}").hash(&mut h));
        let v = h.finish();
        // Here rather than in an effect: the loads read this value, so the cache is empty
        // before any of them asks it again.
        if last.get_value().is_some_and(|p| p != v) {
            cache::clear();
        }
        last.set_value(Some(v));
        v
    })
    .into()
}

/// A failed call said in place: why, the missing permissions for 9900403, that the field can
/// still be typed (`still`), and Retry when it may help.
fn problem_note(
    error: &CallError,
    lang: Signal<Lang>,
    still: Text,
    retry: RwSignal<u32>,
) -> impl IntoView {
    let t = picker_texts(lang.get_untracked());
    let problem = classify(error);
    let code = error.code().map(|c| c.to_string());
    let (headline, detail, rows) = match &problem {
        Problem::Permission(p, message) => (
            t.no_permission,
            message.clone(),
            p.as_ref()
                .map(|p| permission_rows(p, lang.get_untracked()))
                .unwrap_or_default(),
        ),
        Problem::Unsupported(d) => (t.unsupported, d.clone(), Vec::new()),
        Problem::Unreachable(d) => (t.unreachable, d.clone(), Vec::new()),
        Problem::Failed(_, m) => (t.failed, m.clone(), Vec::new()),
    };
    let has_rows = !rows.is_empty();
    view! {
        <div class="picker-problem" role="alert" data-problem=problem.name() data-code=code>
            <p><strong>{headline}</strong>" "<span class="picker-detail">{detail}</span></p>
            {has_rows.then(|| view! {
                <p>{t.perm_needed}</p>
                <ul class="picker-permission">
                    {rows.into_iter().map(|r| view! {
                        <li data-action=r.id>
                            <strong>{r.name}</strong>
                            {r.resources.into_iter().map(|line| view! { <div>{line}</div> }).collect_view()}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            <p class="hint">{still(t)}</p>
            {problem.retry().then(|| view! {
                <button type="button" class="picker-retry" on:click=move |_| retry.update(|n| *n += 1)>
                    {t.retry}
                </button>
            })}
        </div>
    }
}

/// Previous / page x of y / Next, when there is more than one page (`id`: the ids' prefix).
fn pager(
    id: &'static str,
    paging: Paging,
    lang: Signal<Lang>,
    go: impl Fn(u32) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let t = move || picker_texts(lang.get());
    let page_text = move || {
        fill(
            t().page_of,
            &[
                ("page", &paging.page.to_string()),
                ("pages", &paging.pages.to_string()),
            ],
        )
    };
    (paging.pages > 1).then(|| {
        view! {
            <nav class="picker-pager" aria-label=ta(lang, |t| t.pages_label)>
                <button
                    type="button"
                    id=format!("{id}-prev")
                    disabled=!paging.has_prev()
                    on:click=move |_| go(paging.page - 1)
                >
                    {tx(lang, |t| t.prev)}
                </button>
                <span id=format!("{id}-page") data-page=paging.page.to_string()>{rv(page_text)}</span>
                <button
                    type="button"
                    id=format!("{id}-next")
                    disabled=!paging.has_next()
                    on:click=move |_| go(paging.page + 1)
                >
                    {tx(lang, |t| t.next)}
                </button>
            </nav>
        }
    })
}

/// The picker's title row with its Close button (always there, whatever failed).
fn head(
    title_id: &'static str,
    close_id: &'static str,
    title: Text,
    lang: Signal<Lang>,
    on_message: Callback<String>,
) -> impl IntoView {
    view! {
        <div class="picker-head">
            <h3 id=title_id>{tx(lang, title)}</h3>
            <button
                type="button"
                class="picker-close"
                id=close_id
                on:click=move |_| on_message.run(super::PickerMessage::Close.write())
            >
                {tx(lang, |t| t.close)}
            </button>
        </div>
    }
}

/// Scroll the element `id` into its list's view, moving the page as little as possible
/// (`scrollIntoView({block: "nearest"})`, called by name: the web-sys binding needs a feature
/// the rest of the app does not).
fn scroll_into_view(id: &str) {
    let Some(el) = document().get_element_by_id(id) else {
        return;
    };
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"block".into(), &"nearest".into());
    if let Ok(f) = js_sys::Reflect::get(&el, &"scrollIntoView".into()) {
        if let Some(f) = f.dyn_ref::<js_sys::Function>() {
            let _ = f.call1(&el, &opts);
        }
    }
}
