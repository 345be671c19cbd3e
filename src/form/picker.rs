//! The form's side of the account and script pickers (tools module, [`crate::pickers`]): a
//! button that opens one under it, and what the picker sends back applied to the draft
//! ([`apply_pick`]). The typed fields stay: a picker only fills them.

use bkjob_api::{Draft, ScriptLanguage, ScriptSource};
use leptos::prelude::*;

use crate::form::field::Field;
use crate::i18n::Texts;
use crate::lazy::{Panel, Remote};
use crate::state::{tr, ui};
use crate::view_helpers::when;
use crate::web;

/// Apply a picker's message to the draft ([`Panel::AccountPicker`], [`Panel::ScriptPicker`]);
/// true when the picker is done (a choice, or `close`).
///
/// - `account_id\t{id}` / `account_alias\t{alias}`: that field, the other one emptied (one
///   account is meant, not two that could disagree);
/// - `script_id\t{id}` / `script_version_id\t{id}`: that field;
/// - `copy\t{script_language}\t{content}`: the content becomes the typed script, in its
///   language;
/// - `close`.
pub fn apply_pick(d: &mut Draft, message: &str) -> bool {
    let Some((name, value)) = message.split_once('\t') else {
        return message == "close";
    };
    if name == "copy" {
        let Some((lang, content)) = value.split_once('\t') else {
            return false;
        };
        d.source = ScriptSource::Content;
        if let Some(l) = lang.parse().ok().and_then(ScriptLanguage::from_code) {
            d.script_language = l;
        }
        d.script_content = content.to_owned();
        return true;
    }
    let (field, other) = match name {
        "account_id" => (Field::AccountId, Some(Field::AccountAlias)),
        "account_alias" => (Field::AccountAlias, Some(Field::AccountId)),
        "script_id" => (Field::ScriptId, None),
        "script_version_id" => (Field::ScriptVersionId, None),
        _ => return false,
    };
    field.set_text(d, value.to_owned());
    if let Some(o) = other {
        o.set_text(d, String::new());
    }
    true
}

/// "Choose from the list" and, while open, the picker `panel` under it with `payload`. A
/// choice or Close closes it and gives the focus back to the button.
#[component]
pub fn PickerToggle(
    panel: Panel,
    /// The button's ID.
    id: &'static str,
    #[prop(into)] payload: Signal<String>,
    label: fn(&Texts) -> &'static str,
) -> impl IntoView {
    let ui = ui();
    let open = RwSignal::new(false);
    let on_message = Callback::new(move |m: String| {
        if ui.draft.try_update(|d| apply_pick(d, &m)) == Some(true) {
            open.set(false);
            web::focus_id(id);
        }
    });
    view! {
        <div class="picker">
            <button
                type="button"
                id=id
                aria-expanded=move || if open.get() { "true" } else { "false" }
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {tr(label)}
            </button>
            {when(move || open.get(), move || view! {
                <Remote
                    panel=panel
                    payload=payload
                    on_message=on_message
                    loading=|t| t.panel_loading
                    failed=|t| t.check_load_failed
                />
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_fills_one_field_and_empties_the_other() {
        let mut d = Draft {
            account_alias: "root".into(),
            ..Draft::default()
        };
        assert!(apply_pick(&mut d, "account_id\t1001"));
        assert_eq!(
            (d.account_id.as_str(), d.account_alias.as_str()),
            ("1001", "")
        );
        assert!(apply_pick(&mut d, "account_alias\tdeploy"));
        assert_eq!(
            (d.account_id.as_str(), d.account_alias.as_str()),
            ("", "deploy")
        );
    }

    #[test]
    fn a_script_fills_its_id_or_becomes_the_typed_script() {
        let mut d = Draft {
            source: ScriptSource::ScriptVersionId,
            ..Draft::default()
        };
        assert!(apply_pick(&mut d, "script_version_id\t7"));
        assert_eq!(d.script_version_id, "7");
        assert_eq!(d.source, ScriptSource::ScriptVersionId);
        assert!(apply_pick(&mut d, "copy\t4\tprint('a\tb')\nprint(2)\n"));
        assert_eq!(d.source, ScriptSource::Content);
        assert_eq!(d.script_language, ScriptLanguage::Python);
        assert_eq!(d.script_content, "print('a\tb')\nprint(2)\n");
    }

    #[test]
    fn close_ends_the_pick_and_anything_else_is_ignored() {
        let mut d = Draft::default();
        let before = d.clone();
        assert!(apply_pick(&mut d, "close"));
        assert!(!apply_pick(&mut d, "bk_app_secret\tx"));
        assert!(!apply_pick(&mut d, "copy\tno-tab"));
        assert!(!apply_pick(&mut d, "nonsense"));
        assert_eq!(d, before);
    }
}
