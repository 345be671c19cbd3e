//! The body of the request preview, shown by the on-demand module as [`Panel::Preview`]: the
//! request line and headers (authorization masked), the exact JSON body (secrets masked) and
//! the same call as a curl command without secrets. The app hands the request over as JSON
//! (the form's validated request, Base64 already applied).
//!
//! [`Panel::Preview`]: crate::lazy::Panel::Preview

use bkjob_api::{FastExecuteScriptRequest, Lang};
use leptos::prelude::*;

use crate::connection::settings::{self as conn, Connection};
use crate::i18n::panels::panel_texts;
use crate::view_helpers::{copy_button, rv};
use crate::web;

/// The request the app handed over; `None` for "" (the form has errors) or unreadable text.
pub fn request_from_json(json: &str) -> Option<FastExecuteScriptRequest> {
    serde_json::from_str(json).ok()
}

/// The preview's first block: the request line and the headers (authorization masked).
pub fn preview_head(conn: &Connection, lang: Lang) -> String {
    let mut s = format!("POST {}\n", conn.endpoint());
    for (n, v) in conn::preview_headers(conn, lang) {
        s.push_str(&format!("{n}: {v}\n"));
    }
    s
}

/// The body of the request preview: headers, the exact JSON body (secrets masked) and the
/// same call as a curl command without secrets. `request` is the request as JSON, "" while
/// the form has errors.
#[component]
pub fn PreviewView(
    #[prop(into)] request: Signal<String>,
    #[prop(into)] conn: Signal<Connection>,
    #[prop(into)] lang: Signal<Lang>,
) -> impl IntoView {
    let parsed = Memo::new(move |_| request.with(|r| request_from_json(r)));
    let head = move || conn.with(|c| preview_head(c, lang.get()));
    let body = move || {
        let l = lang.get();
        parsed.with(|r| match r {
            Some(r) => conn.with(|c| conn::preview_body(c, r)),
            None => panel_texts(l).preview_invalid.to_owned(),
        })
    };
    let curl = Memo::new(move |_| {
        let l = lang.get();
        parsed.with(|r| {
            r.as_ref()
                .map(|r| conn.with(|c| conn::curl_command(c, r, l, &web::origin())))
                .unwrap_or_default()
        })
    });
    let t = move || panel_texts(lang.get());
    view! {
        <p class="hint">{rv(move || t().preview_note)}</p>
        <pre class="code headers" id="request-headers" aria-label="HTTP">{head}</pre>
        <pre class="code" id="request-preview" tabindex="0" aria-labelledby="preview-title">
            {body}
        </pre>
        <h3 id="curl-title">{rv(move || t().curl_title)}</h3>
        <p class="hint" id="curl-note">{rv(move || t().curl_note)}</p>
        <textarea
            id="curl-command"
            class="code"
            readonly
            rows="8"
            spellcheck="false"
            aria-labelledby="curl-title"
            aria-describedby="curl-note"
            prop:value=move || curl.get()
        ></textarea>
        {copy_button("copy-curl", lang, move || curl.get_untracked())}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_crosses_as_json_unchanged() {
        let draft = bkjob_api::Draft {
            scope_id: "2".into(),
            script_content: "echo 你好".into(),
            script_param: "a b".into(),
            host_id_list: "101\n102".into(),
            timeout: "60".into(),
            account_alias: "root".into(),
            ..Default::default()
        };
        let request = bkjob_api::validate_draft(&draft, &bkjob_api::Limits::default())
            .request
            .expect("valid");
        let json = serde_json::to_string(&request).unwrap();
        assert_eq!(request_from_json(&json), Some(request));
        assert_eq!(request_from_json(""), None);
    }

    #[test]
    fn the_preview_head_masks_the_authorization() {
        let c = Connection {
            auth_mode: conn::AuthMode::Gateway,
            bk_app_code: "app".into(),
            bk_app_secret: "s3cret".into(),
            ..Default::default()
        };
        let head = preview_head(&c, Lang::En);
        assert!(head.starts_with("POST "), "{head}");
        assert!(head.contains("X-Bkapi-Authorization: "), "{head}");
        assert!(
            head.contains("******") && !head.contains("s3cret"),
            "{head}"
        );
    }
}
