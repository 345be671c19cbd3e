//! The task section: the task name (with a default-name button) and the callback URL.

use bkjob_api::default_task_name;
use leptos::prelude::*;

use crate::form::field::Field;
use crate::form::inputs::{described_by, invalid, FieldMessages, TextInput};
use crate::state::{tr, ui};
use crate::view_helpers::memo;
use crate::web;

/// The task section.
#[component]
pub fn TaskSection() -> impl IntoView {
    let ui = ui();
    let value = memo(move || ui.draft.with(|d| d.task_name.clone()));
    let field = Field::TaskName;
    let name = field.name();
    let use_default = move |_| {
        let n = default_task_name(ui.lang.get_untracked(), web::now_ms_local());
        ui.draft.update(|d| d.task_name = n);
        ui.touch(field);
    };
    view! {
        <fieldset class="section">
            <legend>{tr(|t| t.section_task)}</legend>
            <div class="field">
                <label for="f-task_name">{tr(|t| t.task_name)}</label>
                <div class="with-button">
                    <input
                        id="f-task_name"
                        name=name
                        type="text"
                        autocomplete="off"
                        placeholder=tr(|t| t.task_name_placeholder)
                        prop:value=move || value.get()
                        aria-invalid=invalid(ui, field)
                        aria-describedby=described_by(ui, field, false)
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            ui.draft.update(|d| d.task_name = v);
                            ui.touch(field);
                        }
                        on:blur=move |_| ui.touch(field)
                    />
                    <button type="button" id="default-task-name" on:click=use_default>
                        {tr(|t| t.use_default_name)}
                    </button>
                </div>
                <FieldMessages field=field />
            </div>
            <TextInput
                field=Field::CallbackUrl
                label=|t| t.callback_url
                hint=|t| t.callback_url_hint
                input_type="url"
            />
        </fieldset>
    }
}
