//! The script section: where the script comes from (inline text, script ID, version ID) and
//! the inline script's language; the editor itself is [`super::editor`].

use bkjob_api::{Lang, ScriptLanguage, ScriptSource};
use leptos::prelude::*;

use crate::form::editor::ScriptEditor;
use crate::form::field::Field;
use crate::form::inputs::{invalid, FieldMessages, TextInput};
use crate::form::picker::PickerToggle;
use crate::i18n::Texts;
use crate::lazy::{Panel, Remote};
use crate::state::{tr, ui};
use crate::view_helpers::{memo, when};

/// The script section.
#[component]
pub fn ScriptSection() -> impl IntoView {
    let ui = ui();
    let source = memo(move || ui.draft.with(|d| d.source));
    let language = memo(move || ui.draft.with(|d| d.script_language));
    // The script picker fills the field of the chosen source.
    let library = memo(move || {
        ui.draft
            .with(|d| format!("{}/{}\t{}", d.scope_type, d.scope_id, d.source.field()))
    });
    let has_script = memo(move || ui.draft.with(|d| !d.script_content.trim().is_empty()));
    // The high-risk check reads the script once typing pauses (the draft was stored), not at
    // every key: a 1 MiB script crosses to the module and is matched line by line.
    let danger_payload = memo(move || {
        ui.settled.track();
        ui.draft
            .with_untracked(|d| crate::danger::payload(d.script_language.code(), &d.script_content))
    });
    let sources = [
        (
            ScriptSource::Content,
            "content",
            (|t| t.source_content) as fn(&Texts) -> &'static str,
        ),
        (ScriptSource::ScriptId, "script_id", |t| t.source_script_id),
        (ScriptSource::ScriptVersionId, "script_version_id", |t| {
            t.source_version
        }),
    ];
    let source_radios = sources
        .into_iter()
        .enumerate()
        .map(|(i, (src, value, label))| {
            let id = if i == 0 {
                "f-script_source".to_owned()
            } else {
                format!("f-script_source-{value}")
            };
            let label_for = id.clone();
            view! {
                <label class="choice" for=label_for>
                    <input
                        type="radio"
                        id=id
                        name=Field::ScriptSource.name()
                        value=value
                        prop:checked=move || source.get() == src
                        on:change=move |_| {
                            ui.draft.update(|d| d.source = src);
                            ui.touch(Field::ScriptSource);
                        }
                    />
                    <span>{tr(label)}</span>
                </label>
            }
        })
        .collect_view();
    let language_radios = move || {
        ScriptLanguage::ALL
            .into_iter()
            .enumerate()
            .map(|(i, lang)| {
                let id = if i == 0 {
                    "f-script_language".to_owned()
                } else {
                    format!("f-script_language-{}", lang.code())
                };
                let label_for = id.clone();
                view! {
                    <label class="tab" for=label_for>
                        <input
                            type="radio"
                            id=id
                            name=Field::ScriptLanguage.name()
                            value=lang.code().to_string()
                            prop:checked=move || language.get() == lang
                            aria-invalid=invalid(ui, Field::ScriptLanguage)
                            on:change=move |_| {
                                ui.draft.update(|d| d.script_language = lang);
                                ui.touch(Field::ScriptLanguage);
                            }
                        />
                        <span>{lang.label(Lang::En)}</span>
                    </label>
                }
            })
            .collect_view()
    };

    view! {
        <fieldset class="section">
            <legend>{tr(|t| t.section_script)}</legend>
            <fieldset class="choices" aria-describedby="hint-script_source">
                <legend>{tr(|t| t.script_source)}</legend>
                {source_radios}
                <p class="hint" id="hint-script_source">{tr(|t| t.source_priority)}</p>
            </fieldset>
            {when(move || source.get() == ScriptSource::Content, move || view! {
                <fieldset class="tabs" role="radiogroup">
                    <legend>{tr(|t| t.script_language)}</legend>
                    <div class="tab-row">{language_radios}</div>
                    <FieldMessages field=Field::ScriptLanguage />
                </fieldset>
                <ScriptEditor />
                {when(move || has_script.get(), move || {
                    // Gone with the script (or another source): nothing left to ask about.
                    on_cleanup(move || ui.danger.set(String::new()));
                    view! {
                        <Remote
                            panel=Panel::Danger
                            payload=danger_payload
                            on_message=Callback::new(move |g| ui.danger.set(g))
                            loading=|t| t.panel_loading
                            failed=|t| t.check_load_failed
                        />
                    }
                })}
            })}
            {when(move || source.get() == ScriptSource::ScriptId, move || view! {
                <TextInput
                    field=Field::ScriptId
                    label=|t| t.script_id
                    hint=|t| t.script_id_hint
                />
            })}
            {when(move || source.get() == ScriptSource::ScriptVersionId, move || view! {
                <TextInput
                    field=Field::ScriptVersionId
                    label=|t| t.script_version_id
                    hint=|t| t.script_version_id_hint
                    inputmode="numeric"
                />
            })}
            {when(move || source.get() != ScriptSource::Content, move || view! {
                <PickerToggle panel=Panel::ScriptPicker id="pick-script" payload=library label=|t| t.choose_script />
            })}
        </fieldset>
    }
}
