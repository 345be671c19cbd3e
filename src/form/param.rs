//! The parameter section: the script parameter and whether it is sensitive.

use leptos::prelude::*;

use crate::form::field::Field;
use crate::form::inputs::{described_by, invalid, CheckInput, FieldMessages};
use crate::state::{tr, ui};
use crate::view_helpers::memo;

/// The parameter section.
#[component]
pub fn ParamSection() -> impl IntoView {
    let ui = ui();
    let value = memo(move || ui.draft.with(|d| d.script_param.clone()));
    let sensitive = memo(move || ui.draft.with(|d| d.is_param_sensitive));
    let field = Field::ScriptParam;
    let name = field.name();
    view! {
        <fieldset class="section">
            <legend>{tr(|t| t.section_param)}</legend>
            <div class="field">
                <label for="f-script_param">{tr(|t| t.script_param)}</label>
                <input
                    id="f-script_param"
                    name=name
                    type=move || if sensitive.get() { "password" } else { "text" }
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || value.get()
                    aria-invalid=invalid(ui, field)
                    aria-describedby=described_by(ui, field, true)
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        ui.draft.update(|d| d.script_param = v);
                        ui.touch(field);
                    }
                    on:blur=move |_| ui.touch(field)
                />
                <p class="hint" id="hint-script_param">{tr(|t| t.script_param_hint)}</p>
                <FieldMessages field=field />
            </div>
            <CheckInput
                field=Field::IsParamSensitive
                label=|t| t.is_param_sensitive
                checked=sensitive
                on_change=Callback::new(move |on| ui.draft.update(|d| d.is_param_sensitive = on))
            />
        </fieldset>
    }
}
