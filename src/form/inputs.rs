//! The shared field components of the launch form: a one-line input ([`TextInput`]), a
//! bulk-paste list ([`BulkInput`]), the error/warning texts under a control
//! ([`FieldMessages`]), and the wiring they share (`aria-*`, syncing a big textarea).

use leptos::html;
use leptos::prelude::*;

use crate::form::field::{count_text, Field};
use crate::i18n::Texts;
use crate::state::{tr, ui, Ui};
use crate::view_helpers::{memo, rv, when};

/// `aria-describedby` for a control: its hint, then its error element when shown.
pub fn described_by(ui: Ui, field: Field, has_hint: bool) -> impl Fn() -> Option<String> {
    move || {
        let name = field.name();
        let mut ids = Vec::new();
        if has_hint {
            ids.push(format!("hint-{name}"));
        }
        if !ui.visible_errors(field).is_empty() {
            ids.push(format!("err-{name}"));
        }
        if !ui.warnings_for(field).is_empty() {
            ids.push(format!("warn-{name}"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// `aria-describedby` led by `first` (a list's count, the editor's key help), then the
/// control's hint, error and warnings as in [`described_by`].
pub fn described_by_after(ui: Ui, field: Field, first: String) -> impl Fn() -> String {
    move || {
        let rest = described_by(ui, field, true)().unwrap_or_default();
        format!("{first} {rest}").trim().to_owned()
    }
}

/// `aria-invalid` for a control: `"true"` while its errors are shown.
pub fn invalid(ui: Ui, field: Field) -> impl Fn() -> Option<&'static str> {
    move || (!ui.visible_errors(field).is_empty()).then_some("true")
}

/// The error element of a field (present only while an error is shown) and its warnings.
#[component]
pub fn FieldMessages(field: Field) -> impl IntoView {
    let ui = ui();
    let name = field.name();
    let errors = move || ui.visible_errors(field);
    let warnings = move || ui.warnings_for(field);
    view! {
        {when(move || !errors().is_empty(), move || view! {
            <div class="field-error" id=format!("err-{name}") data-error-for=name>
                {rv(move || {
                    errors().into_iter().map(|e| view! { <p>{e}</p> }).collect_view()
                })}
            </div>
        })}
        {when(move || !warnings().is_empty(), move || view! {
            <div class="field-warning" id=format!("warn-{name}")>
                {rv(move || warnings().into_iter().map(|w| view! { <p>{w}</p> }).collect_view())}
            </div>
        })}
    }
    .into_any()
}

/// The draft text of `field`, tracked.
fn draft_text(ui: Ui, field: Field) -> Memo<String> {
    memo(move || {
        ui.draft
            .with(|d| field.text(d).cloned().unwrap_or_default())
    })
}

/// A checkbox for `field` (`value="1"`), checked while `checked` is; `on_change` gets the new
/// state. One component for every checkbox of the form keeps their view code in the wasm once.
#[component]
pub fn CheckInput(
    field: Field,
    label: fn(&Texts) -> &'static str,
    checked: Memo<bool>,
    on_change: Callback<bool>,
) -> impl IntoView {
    let id = field.control_id();
    let label_for = id.clone();
    view! {
        <div class="field check">
            <input
                type="checkbox"
                id=id
                name=field.name()
                value="1"
                prop:checked=move || checked.get()
                on:change=move |ev| on_change.run(event_target_checked(&ev))
            />
            <label for=label_for>{tr(label)}</label>
        </div>
    }
}

/// A one-line text input bound to the draft text of `field`.
#[component]
pub fn TextInput(
    field: Field,
    label: fn(&Texts) -> &'static str,
    #[prop(optional)] hint: Option<fn(&Texts) -> &'static str>,
    #[prop(optional)] placeholder: Option<fn(&Texts) -> &'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] input_type: Option<&'static str>,
) -> impl IntoView {
    let ui = ui();
    let name = field.name();
    let value = draft_text(ui, field);
    let id = field.control_id();
    let label_for = id.clone();
    view! {
        <div class="field">
            <label for=label_for>{tr(label)}</label>
            <input
                id=id
                name=name
                type=input_type.unwrap_or("text")
                inputmode=inputmode
                autocomplete="off"
                placeholder=move || placeholder.map(|p| p(ui.tx()))
                prop:value=move || value.get()
                aria-invalid=invalid(ui, field)
                aria-describedby=described_by(ui, field, hint.is_some())
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    ui.draft.update(|d| field.set_text(d, v));
                    ui.touch(field);
                }
                on:blur=move |_| ui.touch(field)
            />
            {hint.map(|h| view! { <p class="hint" id=format!("hint-{name}")>{tr(h)}</p> })}
            <FieldMessages field=field />
        </div>
    }
    .into_any()
}

/// A bulk-paste textarea for a target list, with its count and dropped duplicates.
#[component]
pub fn BulkInput(
    field: Field,
    label: fn(&Texts) -> &'static str,
    hint: fn(&Texts) -> &'static str,
) -> impl IntoView {
    let ui = ui();
    let name = field.name();
    let value = draft_text(ui, field);
    let node: NodeRef<html::Textarea> = NodeRef::new();
    let typed = sync_textarea(value, node);
    let counts = memo(move || {
        ui.check
            .with(|c| field.list_count(&c.counts).unwrap_or_default())
    });
    let id = field.control_id();
    let label_for = id.clone();
    view! {
        <div class="field bulk">
            <label for=label_for>{tr(label)}</label>
            <textarea
                id=id
                name=name
                rows="4"
                spellcheck="false"
                autocomplete="off"
                node_ref=node
                prop:value=value.get_untracked()
                aria-invalid=invalid(ui, field)
                aria-describedby=described_by_after(ui, field, format!("count-{name}"))
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    if ui.draft.with_untracked(|d| field.text(d) != Some(&v)) {
                        typed.set_value(true);
                        ui.draft.update(|d| field.set_text(d, v));
                    }
                    ui.touch(field);
                }
                on:blur=move |_| ui.touch(field)
            ></textarea>
            <p class="count" id=format!("count-{name}")>
                {rv(move || count_text(&counts.get(), ui.lang.get()))}
            </p>
            <p class="hint" id=format!("hint-{name}")>{tr(hint)}</p>
            <FieldMessages field=field />
        </div>
    }
    .into_any()
}

/// Writes the draft's `value` into a textarea only when it changed somewhere else (opening a
/// file, reset, redo, restoring the draft). Typing already put the text there; writing it back
/// on every keystroke, as `prop:value` does, makes the browser lay the whole text out again:
/// with a 1 MiB script that cost most of a second per key. The input handler sets the returned
/// flag when it stores what the user typed, so the next run skips the write.
pub fn sync_textarea(value: Memo<String>, node: NodeRef<html::Textarea>) -> StoredValue<bool> {
    let typed = StoredValue::new(false);
    Effect::new(move |_| {
        let v = value.get();
        if typed.get_value() {
            typed.set_value(false);
        } else if let Some(ta) = node.get() {
            ta.set_value(&v);
        }
    });
    typed
}
