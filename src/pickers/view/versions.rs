//! The open script's versions (status, and why one cannot be chosen for the form's source)
//! and the chosen version's read-only preview with "Use" and "Copy into the editor".

use bkjob_api::{Lang, ScriptLanguage, ScriptVersionItem};
use leptos::prelude::*;

use super::script::State;
use super::{pager, problem_note, ta, tx, Load};
use crate::history::query::Paging;
use crate::i18n::fill;
use crate::i18n::pickers::picker_texts;
use crate::pickers::script::{choice, copy_message, refusal};
use crate::pickers::PickerMessage;
use crate::view_helpers::rv;

fn language_label(code: i32) -> String {
    ScriptLanguage::from_code(code).map_or_else(|| code.to_string(), |l| l.label(Lang::En).into())
}

/// The open script's versions.
#[component]
pub(super) fn Versions(s: State) -> impl IntoView {
    let t = move || picker_texts(s.lang.get());
    let title = move || {
        s.open.with(|o| {
            let name = o.as_ref().map(|o| o.name.as_str()).unwrap_or_default();
            fill(t().versions_of, &[("name", name)])
        })
    };
    let body = move || match s.versions.get() {
        Load::Idle => ().into_any(),
        Load::Loading => {
            view! { <p class="picker-status" aria-live="polite">{t().loading}</p> }.into_any()
        }
        Load::Failed(e) => problem_note(&e, s.lang, |t| t.script_still, s.attempt).into_any(),
        Load::Ready(page) => {
            let rows = page.data.unwrap_or_default();
            let paging = Paging::of(page.start, page.length, page.total, rows.len());
            let empty = rows.is_empty();
            view! {
                {empty.then(|| view! { <p class="picker-status">{t().version_none}</p> })}
                <ul class="picker-versions-list">
                    {rows.into_iter().map(|v| version_row(s, v)).collect_view()}
                </ul>
                {pager("version", paging, s.lang, move |n| s.vpage.set(n))}
            }
            .into_any()
        }
    };
    move || {
        s.open.with(Option::is_some).then(|| {
            view! {
                <section class="picker-versions" id="script-versions" aria-labelledby="script-versions-title">
                    <h4 id="script-versions-title">{rv(title)}</h4>
                    {rv(body)}
                </section>
            }
        })
    }
}

/// One version: its number previews it; its status, and why it cannot be chosen.
fn version_row(s: State, v: ScriptVersionItem) -> impl IntoView {
    let t = move || picker_texts(s.lang.get());
    let id = v.id;
    let status = v.status;
    let why = move || refusal(s.payload.get().source, status);
    let why_id = format!("version-why-{id}");
    let described = why_id.clone();
    view! {
        <li
            class="picker-version"
            data-version-id=id.to_string()
            data-status=status.to_string()
            data-choosable=move || why().is_none().to_string()
        >
            <button
                type="button"
                class="picker-version-open"
                aria-pressed=move || if s.selected.get() == Some(id) { "true" } else { "false" }
                aria-controls="script-preview"
                aria-describedby=move || why().map(|_| described.clone())
                on:click=move |_| s.selected.set(Some(id))
            >
                {v.version.clone()}
            </button>
            <span class="picker-badge" data-status=status.to_string()>{rv(move || t().status(status))}</span>
            {v.version_desc.filter(|d| !d.is_empty()).map(|d| view! { <span class="picker-desc">{d}</span> })}
            <span class="picker-why" id=why_id>{rv(move || why().map(|r| t().refusal(r)))}</span>
        </li>
    }
}

/// The chosen version: its content (read-only), "Use" (when its status may run for the
/// form's source) and "Copy into the editor".
#[component]
pub(super) fn Preview(s: State) -> impl IntoView {
    move || match s.detail.get() {
        Load::Idle => ().into_any(),
        Load::Loading => view! {
            <p class="picker-status" id="script-preview" aria-live="polite">
                {picker_texts(s.lang.get()).loading}
            </p>
        }
        .into_any(),
        Load::Failed(e) => view! {
            <div id="script-preview">{problem_note(&e, s.lang, |t| t.script_still, s.attempt)}</div>
        }
        .into_any(),
        Load::Ready(v) => ready(s, v).into_any(),
    }
}

fn ready(s: State, v: ScriptVersionItem) -> impl IntoView {
    let t = move || picker_texts(s.lang.get());
    let title = format!(
        "{} {} · {}",
        v.name,
        v.version,
        language_label(v.script_language)
    );
    let content = v.content.clone().unwrap_or_default();
    let empty = content.is_empty();
    let status = v.status;
    let stored = StoredValue::new(v.clone());
    let chosen = move || stored.with_value(|v| choice(s.payload.get().source, v));
    let refused = move || chosen().err();
    let on_use = move |_| {
        let Ok(m) = chosen() else { return };
        let (field, value) = match &m {
            PickerMessage::ScriptId(id) => ("script_id", id.clone()),
            PickerMessage::ScriptVersionId(id) => ("script_version_id", id.to_string()),
            _ => return,
        };
        s.note.set(Some(fill(
            picker_texts(s.lang.get_untracked()).filled,
            &[("field", field), ("value", &value)],
        )));
        s.on_message.run(m.write());
    };
    let copy = copy_message(&v);
    let can_copy = copy.is_some();
    let on_copy = move |_| {
        if let Some(m) = &copy {
            s.note.set(Some(
                picker_texts(s.lang.get_untracked()).copied_editor.into(),
            ));
            s.on_message.run(m.write());
        }
    };
    let use_label = move || match s.payload.get().source {
        bkjob_api::ScriptSource::ScriptId => t().use_script,
        _ => t().use_version,
    };
    view! {
        <section
            class="picker-preview"
            id="script-preview"
            aria-labelledby="script-preview-title"
            data-version-id=v.id.to_string()
            data-status=status.to_string()
        >
            <h4 id="script-preview-title">
                {title}" · "{rv(move || t().status(status))}
            </h4>
            <pre
                class="picker-code"
                id="script-preview-code"
                tabindex="0"
                aria-label=ta(s.lang, |t| t.preview_label)
                data-language=v.script_language.to_string()
            >
                {if empty { None } else { Some(content) }}
            </pre>
            {empty.then(|| view! { <p class="hint">{t().preview_empty}</p> })}
            <p class="picker-why" id="script-use-why">
                {rv(move || refused().map(|r| t().refusal(r)))}
            </p>
            <div class="picker-actions">
                <button
                    type="button"
                    id="script-use"
                    disabled=move || refused().is_some()
                    aria-describedby="script-use-why"
                    on:click=on_use
                >
                    {rv(use_label)}
                </button>
                <button
                    type="button"
                    id="script-copy"
                    disabled=!can_copy
                    aria-describedby="script-copy-note"
                    on:click=on_copy
                >
                    {tx(s.lang, |t| t.copy_editor)}
                </button>
            </div>
            <p class="hint" id="script-copy-note">{tx(s.lang, |t| t.copy_note)}</p>
        </section>
    }
}
