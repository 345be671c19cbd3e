//! The details of a permission answer (9900403), shown by the on-demand module as
//! [`Panel::Permission`] under a launch's outcome and in the job view: each missing action by
//! its localized name with its resources, the raw `permission` JSON (for an IAM request) and a
//! copy button. The app hands the object over as sent; it is read into the typed
//! [`Permission`] only here, in the module that shows it, so the form's first download carries
//! no deserializer for it.
//!
//! [`Panel::Permission`]: crate::lazy::Panel::Permission

use bkjob_api::{Lang, Permission};
use leptos::prelude::*;

use crate::i18n::panels::panel_texts;
use crate::view_helpers::{copy_button, rv};

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
    bkjob_api::read_json::from_text::<Permission>(json)
        .map(|p| permission_rows(&p, lang))
        .unwrap_or_default()
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
}
