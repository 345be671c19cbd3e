//! Launch-page panels a first visit does not need: the request preview (with "copy as curl")
//! and the details of a permission answer. They ship in the on-demand module
//! (`src/bin/fastexec-job.rs`) with the job view and the recent-jobs list, and the app mounts
//! them through [`crate::jobmod`] when they are opened or needed: this keeps their views, texts
//! and the typed permission object out of the form's first download.
//!
//! What the app hands over is text: the request as JSON (the form's validated request, Base64
//! already applied) and the `permission` object as sent.

use bkjob_api::{FastExecuteScriptRequest, Lang, Permission};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::connection::settings::{self as conn, Connection};
use crate::view_helpers::rv;
use crate::web;

/// The panels' own strings.
pub struct PanelTexts {
    pub preview_note: &'static str,
    pub preview_invalid: &'static str,
    pub curl_title: &'static str,
    pub curl_note: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    pub permission_intro: &'static str,
    pub permission_raw: &'static str,
}

const ZH: PanelTexts = PanelTexts {
    preview_note: "将要发送的 JSON 请求体（Base64 已编码；密钥、登录态和敏感参数显示为 ******）。",
    preview_invalid: "表单还有错误，修正后这里会显示完整请求。",
    curl_title: "复制为 curl",
    curl_note: "命令中不包含密钥：运行前请在 shell 中设置环境变量 BK_APP_SECRET、BK_TOKEN（敏感参数为 BK_SCRIPT_PARAM_BASE64）。",
    copy: "复制",
    copied: "已复制到剪贴板",
    copy_failed: "无法访问剪贴板，请在文本框中手动复制。",
    permission_intro: "需要以下权限，请在权限中心申请后重试：",
    permission_raw: "权限数据（JSON，可用于权限中心申请）",
};

const EN: PanelTexts = PanelTexts {
    preview_note: "The JSON body that will be sent (Base64 applied; the secret, tokens and a sensitive parameter shown as ******).",
    preview_invalid: "The form still has errors; the full request appears here once they are fixed.",
    curl_title: "Copy as curl",
    curl_note: "The command holds no secret: set the environment variables BK_APP_SECRET and BK_TOKEN (and BK_SCRIPT_PARAM_BASE64 for a sensitive parameter) in your shell first.",
    copy: "Copy",
    copied: "Copied to the clipboard",
    copy_failed: "No clipboard access: copy the text from the box by hand.",
    permission_intro: "These permissions are missing; apply for them in IAM, then retry:",
    permission_raw: "Permission data (JSON, for an IAM request)",
};

/// The panel strings of `lang`.
pub fn panel_texts(lang: Lang) -> &'static PanelTexts {
    match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    }
}

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

/// One action of a permission panel, ready to render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionRow {
    /// IAM action ID (`data-action`).
    pub id: String,
    /// Localized action name.
    pub name: String,
    /// One line per resource: "type name: path / path / leaf".
    pub resources: Vec<String>,
}

/// Flatten a permission object into rows: each action by its localized name, each resource
/// instance path joined with " / ".
pub fn permission_rows(permission: &Permission, lang: Lang) -> Vec<ActionRow> {
    permission
        .actions
        .iter()
        .map(|action| {
            let name = bkjob_api::permission::action_name(&action.id, lang)
                .map(str::to_owned)
                .unwrap_or_else(|| {
                    if action.name.is_empty() {
                        action.id.clone()
                    } else {
                        action.name.clone()
                    }
                });
            let mut resources = Vec::new();
            for rt in &action.related_resource_types {
                let type_name = bkjob_api::permission::resource_type_name(&rt.type_, lang)
                    .map(str::to_owned)
                    .unwrap_or_else(|| rt.type_name.clone());
                if rt.instances.is_empty() {
                    resources.push(type_name.clone());
                }
                for path in &rt.instances {
                    let joined = path
                        .iter()
                        .map(|i| {
                            if i.name.is_empty() {
                                i.id.clone()
                            } else {
                                i.name.clone()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(" / ");
                    resources.push(format!("{type_name}: {joined}"));
                }
            }
            ActionRow {
                id: action.id.clone(),
                name,
                resources,
            }
        })
        .collect()
}

/// The rows of a `permission` object as sent; none when it does not have the documented shape
/// (the raw JSON is still shown).
pub fn permission_rows_from_json(json: &str, lang: Lang) -> Vec<ActionRow> {
    serde_json::from_str::<Permission>(json)
        .map(|p| permission_rows(&p, lang))
        .unwrap_or_default()
}

/// "Copy" with its result beside it (`id` is the button's id).
fn copy_button(
    id: &'static str,
    lang: Signal<Lang>,
    text: impl Fn() -> String + Send + Sync + 'static,
) -> impl IntoView {
    let state: RwSignal<Option<bool>> = RwSignal::new(None);
    let on_copy = move |_| {
        let text = text();
        spawn_local(async move {
            state.set(Some(web::copy_text(&text).await));
        });
    };
    view! {
        <div class="actions">
            <button type="button" id=id on:click=on_copy>
                {rv(move || panel_texts(lang.get()).copy)}
            </button>
            <span role="status">
                {rv(move || {
                    let t = panel_texts(lang.get());
                    state.get().map(|ok| if ok { t.copied } else { t.copy_failed })
                })}
            </span>
        </div>
    }
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

/// The details of a permission answer: the missing actions by name, the raw `permission`
/// JSON (for an IAM request) and a copy button.
#[component]
pub fn PermissionView(
    #[prop(into)] permission: Signal<String>,
    #[prop(into)] lang: Signal<Lang>,
) -> impl IntoView {
    let t = move || panel_texts(lang.get());
    let actions = move || {
        let rows = permission.with(|p| permission_rows_from_json(p, lang.get()));
        rows.into_iter()
            .map(|a| {
                let action_id = a.id.clone();
                view! {
                    <li data-action=action_id>
                        <strong>{a.name}</strong>
                        " "
                        <code>{a.id}</code>
                        <ul>
                            {a.resources
                                .into_iter()
                                .map(|r| view! { <li>{r}</li> })
                                .collect_view()}
                        </ul>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <p>{rv(move || t().permission_intro)}</p>
        <ul class="actions-list">{actions}</ul>
        <label for="permission-json">{rv(move || t().permission_raw)}</label>
        <textarea
            id="permission-json"
            class="code"
            readonly
            rows="10"
            spellcheck="false"
            prop:value=move || permission.get()
        ></textarea>
        {copy_button("copy-permission", lang, move || permission.get_untracked())}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERMISSION: &str = r#"{"system_id":"bk_job","system_name":"作业平台","actions":[
        {"id":"quick_execute_script","name":"快速执行脚本","related_resource_types":[
            {"system_id":"bk_cmdb","system_name":"配置平台","type":"host","type_name":"主机",
             "instances":[[{"type":"biz","type_name":"业务","id":"2","name":"蓝鲸"},
                           {"type":"host","type_name":"主机","id":"101","name":"10.0.0.1"}]]}]},
        {"id":"custom_thing","name":"","related_resource_types":[]}]}"#;

    #[test]
    fn permission_rows_use_localized_names_and_join_instance_paths() {
        let rows = permission_rows_from_json(PERMISSION, Lang::En);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].id, "quick_execute_script");
        assert_eq!(rows[0].name, "Script Execution (Quick Launch)");
        assert_eq!(rows[0].resources, vec!["Hosts: 蓝鲸 / 10.0.0.1".to_owned()]);
        // An unknown action without a name falls back to its ID.
        assert_eq!(rows[1].name, "custom_thing");
        assert!(rows[1].resources.is_empty());
    }

    #[test]
    fn an_odd_permission_object_has_no_rows() {
        assert!(permission_rows_from_json(r#"{"x":1}"#, Lang::En).is_empty());
        assert!(permission_rows_from_json("null", Lang::En).is_empty());
    }

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
