//! Leptos view helpers that keep the wasm small: one type-erased reactive child ([`rv`]), a
//! memo over a boxed closure ([`memo`]) and a non-generic `<Show>` ([`when`]); and the one
//! "Copy" button ([`copy_button`]) of the on-demand module's panels.

use leptos::prelude::*;

/// A reactive view child, type-erased: every `{rv(move || ...)}` shares one `Render`
/// implementation (`Arc<Mutex<dyn FnMut() -> AnyView>>`) instead of instantiating the
/// render-effect code once per closure type, which keeps the wasm much smaller.
pub fn rv<V, F>(mut f: F) -> Rv
where
    F: FnMut() -> V + Send + 'static,
    V: leptos::prelude::IntoAny,
{
    std::sync::Arc::new(std::sync::Mutex::new(move || f().into_any()))
}

/// The type [`rv`] returns.
pub type Rv = std::sync::Arc<std::sync::Mutex<dyn FnMut() -> leptos::prelude::AnyView + Send>>;

/// `Memo::new` over a boxed closure: the memo machinery is instantiated once per value type
/// instead of once per closure (each instance is ~0.6 KB of wasm).
pub fn memo<T>(f: impl Fn() -> T + Send + Sync + 'static) -> leptos::prelude::Memo<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let f: Box<dyn Fn() -> T + Send + Sync> = Box::new(f);
    leptos::prelude::Memo::new(move |_| f())
}

/// What `<Show>` does (build the children while `cond` holds; a memo, so they are built once
/// per change of the condition, not per change of what it reads) without instantiating
/// `Show`'s children code for every use.
pub fn when<V, F>(cond: impl Fn() -> bool + Send + Sync + 'static, children: F) -> Rv
where
    F: Fn() -> V + Send + 'static,
    V: leptos::prelude::IntoAny,
{
    let shown = memo(cond);
    rv(move || {
        use leptos::prelude::{Get, IntoAny};
        if shown.get() {
            children().into_any()
        } else {
            ().into_any()
        }
    })
}

/// "Copy" with its result beside it (`id` is the button's id).
pub fn copy_button(
    id: &'static str,
    lang: Signal<bkjob_api::Lang>,
    text: impl Fn() -> String + Send + Sync + 'static,
) -> impl IntoView {
    let state: RwSignal<Option<bool>> = RwSignal::new(None);
    let on_copy = move |_| {
        let text = text();
        leptos::task::spawn_local(async move {
            state.set(Some(crate::web::copy_text(&text).await));
        });
    };
    view! {
        <div class="actions">
            <button type="button" id=id on:click=on_copy>
                {rv(move || crate::i18n::panels::panel_texts(lang.get()).copy)}
            </button>
            <span role="status">
                {rv(move || {
                    let t = crate::i18n::panels::panel_texts(lang.get());
                    state.get().map(|ok| if ok { t.copied } else { t.copy_failed })
                })}
            </span>
        </div>
    }
}
