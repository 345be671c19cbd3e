//! The execution section: timeout, account, and the Windows interpreter (Windows languages only).

use leptos::prelude::*;

use crate::form::field::Field;
use crate::form::inputs::TextInput;
use crate::form::picker::PickerToggle;
use crate::lazy::Panel;
use crate::state::{tr, ui};
use crate::view_helpers::{memo, when};

/// The execution section.
#[component]
pub fn ExecSection() -> impl IntoView {
    let ui = ui();
    let windows = memo(move || ui.draft.with(|d| d.script_language.is_windows_only()));
    let scope = memo(move || {
        ui.draft
            .with(|d| format!("{}/{}", d.scope_type, d.scope_id))
    });
    view! {
        <fieldset class="section">
            <legend>{tr(|t| t.section_exec)}</legend>
            <TextInput
                field=Field::Timeout
                label=|t| t.timeout
                hint=|t| t.timeout_hint
                placeholder=|t| t.timeout_placeholder
                inputmode="numeric"
            />
            <div class="row">
                <TextInput
                    field=Field::AccountAlias
                    label=|t| t.account_alias
                    hint=|t| t.account_hint
                />
                <TextInput
                    field=Field::AccountId
                    label=|t| t.account_id
                    inputmode="numeric"
                />
            </div>
            <PickerToggle panel=Panel::AccountPicker id="pick-account" payload=scope label=|t| t.choose_account />
            {when(move || windows.get(), move || view! {
                <TextInput
                    field=Field::WindowsInterpreter
                    label=|t| t.windows_interpreter
                    hint=|t| t.windows_interpreter_hint
                />
            })}
        </fieldset>
    }
}
