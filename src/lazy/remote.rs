//! [`Remote`]: the component that shows one [`Panel`] of the on-demand module in the app.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::i18n::Texts;
use crate::state::{tr, ui};
use crate::view_helpers::rv;

use super::{bridge, Panel};

/// Where a panel of the on-demand module is.
#[derive(Clone, Debug, PartialEq)]
enum RemoteState {
    Loading,
    Failed(String),
    Mounted,
}

/// A panel of the on-demand module: loads the module on first use, mounts `panel` with
/// `payload`, hands later payloads, connection settings and language to it,
/// and removes it with this component. Shows `loading` meanwhile, and `failed` with a Retry
/// button when the module cannot be loaded or mounted. `on_message` gets what the panel sends
/// back (the draft JSON for "Redo", a job link from the list).
#[component]
pub fn Remote(
    panel: Panel,
    #[prop(into)] payload: Signal<String>,
    #[prop(optional)] on_message: Option<Callback<String>>,
    loading: fn(&Texts) -> &'static str,
    failed: fn(&Texts) -> &'static str,
) -> impl IntoView {
    let ui = ui();
    let host: NodeRef<html::Div> = NodeRef::new();
    let state = RwSignal::new(RemoteState::Loading);
    let attempt = RwSignal::new(0u32);
    let mounted = StoredValue::new_local(None::<(bridge::PanelModule, u32)>);
    // False once this component is gone: a load finishing later must not mount anything.
    let alive = StoredValue::new(true);
    let callback = StoredValue::new_local(wasm_bindgen::closure::Closure::<dyn Fn(String)>::new(
        move |text: String| {
            if let Some(cb) = on_message {
                cb.run(text);
            }
        },
    ));
    let still = move || alive.try_get_value().unwrap_or(false);
    Effect::new(move |_| {
        attempt.track();
        let Some(el) = host.get() else { return };
        state.set(RemoteState::Loading);
        spawn_local(async move {
            let result = bridge::load(panel.module()).await.and_then(|m| {
                if !still() {
                    return Ok(());
                }
                let cb = callback.with_value(|c| c.as_ref().clone());
                let (c, l) = (untrack(|| ui.sent()), ui.lang.get_untracked());
                let p = payload.get_untracked();
                let id = m.mount(panel, &el, &p, &c, l, cb.unchecked_ref())?;
                mounted.set_value(Some((m, id)));
                Ok(())
            });
            if still() {
                state.set(match result {
                    Ok(()) => RemoteState::Mounted,
                    Err(e) => RemoteState::Failed(e),
                });
            }
        });
    });
    // Later payloads, settings and language reach the mounted panel (each only when it
    // changed: a new connection makes the job view poll again at once).
    Effect::new(move |_| {
        let p = payload.get();
        mounted.with_value(|m| {
            if let Some((m, id)) = m {
                m.set_payload(*id, &p);
            }
        });
    });
    // What is sent, not the settings: in proxy mode no credential reaches the module.
    Effect::new(move |_| {
        let c = ui.sent();
        mounted.with_value(|m| {
            if let Some((m, id)) = m {
                m.set_conn(*id, &c);
            }
        });
    });
    Effect::new(move |_| {
        let l = ui.lang.get();
        mounted.with_value(|m| {
            if let Some((m, id)) = m {
                m.set_lang(*id, l);
            }
        });
    });
    on_cleanup(move || {
        alive.set_value(false);
        mounted.with_value(|m| {
            if let Some((m, id)) = m {
                m.unmount(*id);
            }
        });
    });
    view! {
        {rv(move || match state.get() {
            RemoteState::Loading => {
                view! { <p class="remote-loading" role="status">{tr(loading)}</p> }.into_any()
            }
            RemoteState::Failed(detail) => {
                view! {
                    <div class="remote-failed" role="alert">
                        <p id=format!("remote-failed-{}", panel.name())>{tr(failed)}</p>
                        <p class="hint">{detail}</p>
                        // Several panels may fail at once: each Retry says which.
                        <button
                            type="button"
                            aria-describedby=format!("remote-failed-{}", panel.name())
                            on:click=move |_| attempt.update(|n| *n += 1)
                        >
                            {tr(|t| t.remote_retry)}
                        </button>
                    </div>
                }
                    .into_any()
            }
            RemoteState::Mounted => ().into_any(),
        })}
        <div class="remote-host" data-panel=panel.name() node_ref=host></div>
    }
}
