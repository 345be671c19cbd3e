//! The connection settings panel (API base URL, authentication, credentials, message
//! language), on every page: the launch and the job view use the same settings. The settings
//! model is [`crate::connection::settings`]. In proxy mode ([`crate::connection::session`])
//! it says who is signed in (or links to the sign-in) instead of the credential fields.

use leptos::ev;
use leptos::prelude::*;

use crate::connection::session::status_text;
use crate::connection::{AuthMode, Connection, MessageLang, Session};
use crate::i18n::Texts;
use crate::state::{tr, ui};
use crate::view_helpers::{memo, rv};

/// The sign-in link of a signed-out proxy session (hidden otherwise, or without a login URL):
/// BlueKing's login page with the page the app was opened on as `c_url`, so the user comes
/// back there (the draft is stored). Always rendered and hidden rather than added and removed:
/// fewer view types, a smaller wasm.
pub fn sign_in_link(id: &'static str) -> impl IntoView {
    let ui = ui();
    let href = move || ui.with_session(Session::sign_in_link);
    view! {
        <a id=id class="sign-in" href=href hidden=move || href().is_none()>
            {tr(|t| t.sign_in)}
        </a>
    }
}

/// The connection settings panel.
#[component]
pub fn ConnectionPanel() -> impl IntoView {
    let ui = ui();
    let conn = ui.conn;
    let text_field = move |name: &'static str,
                           label: fn(&Texts) -> &'static str,
                           get: fn(&Connection) -> String,
                           set: fn(&mut Connection, String),
                           secret: bool| {
        let value = memo(move || conn.with(get));
        let id = format!("f-{name}");
        let label_for = id.clone();
        view! {
            <div class="field">
                <label for=label_for>{tr(label)}</label>
                <input
                    id=id
                    name=name
                    type=if secret { "password" } else { "text" }
                    aria-describedby=secret.then_some("secrets-note")
                    autocomplete=if secret { "new-password" } else { "off" }
                    spellcheck="false"
                    prop:value=move || value.get()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        conn.update(|c| set(c, v));
                    }
                />
            </div>
        }
    };
    let mode = memo(move || conn.with(|c| c.auth_mode));
    let msg_lang = memo(move || conn.with(|c| c.message_lang));
    // What is sent: in proxy mode the no-credential endpoint whatever mode is stored.
    let endpoint = move || ui.sent().endpoint();
    let proxy = memo(move || ui.with_session(Session::is_proxy));
    // One closure for every part hidden in proxy mode (each closure type adds wasm).
    let hide = move || proxy.get();
    view! {
        <details id="connection" class="panel">
            <summary>{tr(|t| t.connection_title)}</summary>
            // A form of its own (password fields belong in a form); Enter submits nothing.
            <form
                id="connection-form"
                class="panel-body"
                autocomplete="off"
                on:submit=|ev: ev::SubmitEvent| ev.prevent_default()
            >
                <div class="field">
                    <label for="f-api_base_url">{tr(|t| t.api_base_url)}</label>
                    <input
                        id="f-api_base_url"
                        name="api_base_url"
                        type="text"
                        inputmode="url"
                        autocomplete="off"
                        spellcheck="false"
                        placeholder="https://bkapi.example.com/api/bk-job/prod"
                        aria-describedby="hint-api_base_url"
                        prop:value=move || conn.with(|c| c.api_base_url.clone())
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            conn.update(|c| c.api_base_url = v);
                        }
                    />
                    <p class="hint" id="hint-api_base_url">
                        {tr(|t| t.api_base_url_hint)}
                    </p>
                </div>
                <p id="session-status" role="status" hidden=move || !proxy.get()>
                    {rv(move || ui.with_session(|s| status_text(s, ui.tx())).unwrap_or_default())}
                    " "
                    {sign_in_link("panel-sign-in")}
                </p>
                // Hidden, not removed, in proxy mode: what the user typed for local use stays.
                <div class="field" hidden=hide>
                    <label for="f-auth_mode">{tr(|t| t.auth_mode)}</label>
                    <select
                        id="f-auth_mode"
                        name="auth_mode"
                        on:change=move |ev| {
                            let m = AuthMode::parse(&event_target_value(&ev));
                            conn.update(|c| c.auth_mode = m);
                        }
                    >
                        {AuthMode::ALL
                            .into_iter()
                            .map(|m| {
                                let label = move || match m {
                                    AuthMode::Gateway => ui.tx().auth_gateway,
                                    AuthMode::Esb => ui.tx().auth_esb,
                                    AuthMode::None => ui.tx().auth_none,
                                };
                                view! {
                                    <option value=m.as_str() selected=move || mode.get() == m>
                                        {label}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <p class="hint">
                    {tr(|t| t.endpoint)} ": " <code>"POST " {endpoint}</code>
                </p>
                <div id="credentials" hidden=hide>
                    <div class="row">
                        {text_field("bk_app_code", |t| t.bk_app_code, |c| c.bk_app_code.clone(), |c, v| c.bk_app_code = v, false)}
                        {text_field("bk_app_secret", |t| t.bk_app_secret, |c| c.bk_app_secret.clone(), |c, v| c.bk_app_secret = v, true)}
                    </div>
                    <div class="row">
                        {text_field("bk_username", |t| t.bk_username, |c| c.bk_username.clone(), |c, v| c.bk_username = v, false)}
                        {text_field("bk_token", |t| t.bk_token, |c| c.bk_token.clone(), |c, v| c.bk_token = v, true)}
                    </div>
                    <p class="hint" id="secrets-note">{tr(|t| t.secrets_note)}</p>
                </div>
                <div class="field">
                    <label for="f-blueking_language">{tr(|t| t.message_lang)}</label>
                    <select
                        id="f-blueking_language"
                        name="blueking_language"
                        on:change=move |ev| {
                            let m = MessageLang::parse(&event_target_value(&ev));
                            conn.update(|c| c.message_lang = m);
                        }
                    >
                        <option value="auto" selected=move || msg_lang.get() == MessageLang::Auto>
                            {tr(|t| t.message_lang_auto)}
                        </option>
                        <option value="zh-cn" selected=move || msg_lang.get() == MessageLang::Zh>
                            "中文 (zh-cn)"
                        </option>
                        <option value="en" selected=move || msg_lang.get() == MessageLang::En>
                            "English (en)"
                        </option>
                    </select>
                </div>
            </form>
        </details>
    }
}
