//! The scope section: business or business set, and its ID.

use leptos::prelude::*;

use crate::form::field::Field;
use crate::form::inputs::{described_by, invalid, FieldMessages, TextInput};
use crate::state::{tr, ui};
use crate::view_helpers::memo;

/// The scope section.
#[component]
pub fn ScopeSection() -> impl IntoView {
    let ui = ui();
    let scope_type = memo(move || ui.draft.with(|d| d.scope_type.clone()));
    let field = Field::ScopeType;
    let name = field.name();
    view! {
        <fieldset class="section">
            <legend>{tr(|t| t.section_scope)}</legend>
            <div class="row">
                <div class="field">
                    <label for="f-bk_scope_type">{tr(|t| t.bk_scope_type)}</label>
                    <select
                        id="f-bk_scope_type"
                        name=name
                        aria-invalid=invalid(ui, field)
                        aria-describedby=described_by(ui, field, false)
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            ui.draft.update(|d| d.scope_type = v);
                            ui.touch(field);
                        }
                        on:blur=move |_| ui.touch(field)
                    >
                        <option value="biz" selected=move || scope_type.get() == "biz">
                            {tr(|t| t.scope_biz)}
                        </option>
                        <option value="biz_set" selected=move || scope_type.get() == "biz_set">
                            {tr(|t| t.scope_biz_set)}
                        </option>
                    </select>
                    <FieldMessages field=field />
                </div>
                <TextInput
                    field=Field::ScopeId
                    label=|t| t.bk_scope_id
                    hint=|t| t.bk_scope_id_hint
                />
            </div>
        </fieldset>
    }
}
