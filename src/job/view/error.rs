//! The error panel: an API / HTTP / network error shown in place, with the missing
//! permissions for 9900403.

use bkjob_api::{ErrorCode, Lang};
use leptos::prelude::*;

use crate::api::job::CallError;
use crate::i18n::fill;
use crate::i18n::job::job_texts;

/// An API / network error shown in place, with a permission panel for 9900403.
#[component]
pub(crate) fn ErrorPanel(#[prop(into)] lang: Signal<Lang>, error: CallError) -> impl IntoView {
    let t = job_texts(lang.get_untracked());
    let kind = error.kind();
    let code = error.code().map(|c| c.to_string()).unwrap_or_default();
    let (title, message, request_id, rows) = match &error {
        CallError::Api {
            code,
            message,
            job_request_id,
            permission,
            ..
        } => {
            let title = match ErrorCode(*code) {
                ErrorCode::PERMISSION_DENIED => t.error_permission,
                ErrorCode::TASK_INSTANCE_NOT_EXIST => t.error_unknown_job,
                _ => t.error_api,
            };
            let rows = permission
                .as_ref()
                .map(|p| crate::outcome::permission::permission_rows(p, lang.get_untracked()))
                .unwrap_or_default();
            (title, message.clone(), job_request_id.clone(), rows)
        }
        CallError::Http {
            http_status,
            excerpt,
        } => (
            t.error_http,
            format!("HTTP {http_status}: {excerpt}"),
            None,
            Vec::new(),
        ),
        CallError::Network { detail } => (t.error_network, detail.clone(), None, Vec::new()),
        CallError::TooLarge {
            http_status,
            max_bytes,
        } => (
            t.error_too_large,
            format!(
                "HTTP {http_status}: {}",
                fill(
                    t.too_large_detail,
                    &[("n", &crate::limit::cap_text(*max_bytes))]
                )
            ),
            None,
            Vec::new(),
        ),
    };
    let has_rows = !rows.is_empty();
    view! {
        <div class="job-error" role="alert" data-kind=kind data-code=code.clone()>
            <strong>{title}</strong>
            <p class="job-error-message">{message}</p>
            {(!code.is_empty()).then(|| view! { <p><span>{t.code}": "</span><code>{code.clone()}</code></p> })}
            {request_id.map(|r| view! { <p><span>{t.request_id}": "</span><code>{r}</code></p> })}
            {has_rows.then(|| view! {
                <div class="job-permission" id="job-permission">
                    <p>{t.perm_actions}</p>
                    <ul>
                        {rows.into_iter().map(|r| view! {
                            <li data-action=r.id.clone()>
                                <strong>{r.name}</strong>
                                <ul>{r.resources.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </div>
    }
}
