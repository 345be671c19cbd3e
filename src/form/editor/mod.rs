//! The script editor component: a textarea with a line-number gutter, Tab indentation, a
//! UTF-8 byte counter and opening a local file. On its first focus the code editor
//! (`codemirror.mjs`, CodeMirror 6, loaded on demand by `src/lazy/bridge.rs`) takes the
//! textarea's place; the textarea stays the form's control and the fallback. What a key or a file means is decided in
//! [`model`]; this file only wires it to the DOM.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::form::field::Field;
use crate::form::inputs::{described_by_after, invalid, sync_textarea, FieldMessages};
use crate::state::{tr, ui};
use crate::view_helpers::{memo, rv};
use crate::web;

pub mod model;

use model::{
    editor_key, file_message, gutter_text, human_bytes, line_count, open_script_file, EditorKey,
    OpenedFile, INDENT,
};

/// The script editor: a textarea with a line-number gutter, Tab indentation (Esc then Tab, or
/// Shift+Tab, leaves), a UTF-8 byte counter and opening a local UTF-8 file.
#[component]
pub fn ScriptEditor() -> impl IntoView {
    let ui = ui();
    let field = Field::ScriptContent;
    let name = field.name();
    let content = memo(move || ui.draft.with(|d| d.script_content.clone()));
    let bytes = memo(move || ui.draft.with(|d| d.script_content.len()));
    let lines = memo(move || ui.draft.with(|d| line_count(&d.script_content)));
    let gutter = memo(move || gutter_text(lines.get()));
    let tab_released = RwSignal::new(false);
    let file_message_text: RwSignal<Option<(bool, String)>> = RwSignal::new(None);
    let gutter_ref: NodeRef<html::Pre> = NodeRef::new();
    let textarea_ref: NodeRef<html::Textarea> = NodeRef::new();
    let typed = sync_textarea(content, textarea_ref);
    let from_dom = move |v: String| {
        if ui.draft.with_untracked(|d| d.script_content != v) {
            typed.set_value(true);
            ui.draft.update(|d| d.script_content = v);
        }
        ui.touch(field);
    };

    let on_keydown = move |ev: ev::KeyboardEvent| {
        let key = editor_key(
            &ev.key(),
            ev.shift_key(),
            ev.ctrl_key() || ev.alt_key() || ev.meta_key(),
            tab_released.get_untracked(),
        );
        match key {
            EditorKey::Release => tab_released.set(true),
            // Leave: the browser moves the focus on.
            EditorKey::Leave | EditorKey::Forget => tab_released.set(false),
            EditorKey::Indent => {
                ev.prevent_default();
                if let Some(ta) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
                {
                    let start = ta.selection_start().ok().flatten().unwrap_or(0);
                    let end = ta.selection_end().ok().flatten().unwrap_or(start);
                    let _ =
                        ta.set_range_text_with_start_and_end_and_mode(INDENT, start, end, "end");
                    from_dom(ta.value());
                }
            }
            EditorKey::Ignore => {}
        }
    };
    let on_scroll = move |ev: ev::Event| {
        if let (Some(g), Some(ta)) = (
            gutter_ref.get(),
            ev.target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()),
        ) {
            g.set_scroll_top(ta.scroll_top());
        }
    };
    let on_file = move |ev: ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        spawn_local(async move {
            let fname = file.name();
            let bytes = web::file_bytes(&file).await;
            let opened = open_script_file(&fname, bytes.as_deref());
            let msg = file_message(&fname, opened.as_ref().map(|_| ()), ui.lang.get_untracked());
            if let Ok(OpenedFile { text, language }) = opened {
                ui.draft.update(|d| {
                    d.script_content = text;
                    if let Some(l) = language {
                        d.script_language = l;
                    }
                });
                ui.touch(field);
            }
            file_message_text.set(Some(msg));
        });
    };

    view! {
        <div class="field">
            <label for="f-script_content">{tr(|t| t.script_content)}</label>
            <div
                class="editor"
                class:invalid=move || !ui.visible_errors(field).is_empty()
            >
                <pre class="gutter" aria-hidden="true" node_ref=gutter_ref>
                    {rv(move || gutter.get())}
                </pre>
                <textarea
                    id="f-script_content"
                    name=name
                    rows="14"
                    wrap="off"
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    node_ref=textarea_ref
                    prop:value=content.get_untracked()
                    aria-invalid=invalid(ui, field)
                    aria-describedby=described_by_after(ui, field, "editor-keys".to_owned())
                    on:input=move |ev| from_dom(event_target_value(&ev))
                    on:blur=move |_| {
                        tab_released.set(false);
                        ui.touch(field)
                    }
                    on:keydown=on_keydown
                    on:scroll=on_scroll
                ></textarea>
            </div>
            <p class="hint" id="editor-keys">
                {tr(|t| t.editor_keys_hint)}
                <span class="sr-status" aria-live="polite">
                    {rv(move || tab_released.get().then(|| ui.tx().tab_released))}
                </span>
            </p>
            <p class="meta" id="hint-script_content">
                <span id="script-bytes">
                    {tr(|t| t.utf8_size)} ": " {rv(move || human_bytes(bytes.get()))}
                </span>
                " · "
                <span>{tr(|t| t.lines)} ": " {rv(move || lines.get())}</span>
            </p>
            <div class="file-open">
                <label for="script-file" class="button-like">{tr(|t| t.open_file)}</label>
                <input
                    type="file"
                    id="script-file"
                    class="visually-hidden"
                    accept=".sh,.bat,.cmd,.pl,.py,.ps1,.txt,text/plain"
                    on:change=on_file
                />
                <p class="file-message" role="status">
                    {rv(move || {
                        file_message_text
                            .get()
                            .map(|(ok, m)| {
                                view! {
                                    <span class=if ok { "ok" } else { "bad" }>{m}</span>
                                }
                            })
                    })}
                </p>
            </div>
            <FieldMessages field=field />
        </div>
    }
}
