//! The code editor (CodeMirror 6, `fastexec-editor.js`, issue 13 part 1) against a real
//! fastexec-server in headless Chromium: it is not part of the first visit, loads on the first
//! focus of the script box and takes the textarea's place; typed by keyboard, its text is the
//! form's (`name="script_content"`) and is launched; Tab / Esc+Tab / Shift+Tab behave as in
//! the textarea; whatever sets the textarea (automation, a draft restored) is shown in it; its
//! highlighting follows the script language; full screen; and a missing module leaves a
//! working textarea with a note.

use std::path::Path;
use std::time::Duration;

use e2e::form::{
    choose, connect_as, fill, fill_valid_request, launch, outcome_kind, text_of, wait_form,
};
use e2e::page::{js, wait_css};
use e2e::{demo, put_back, wait_job_finished, Browser, Server};
use serde_json::json;
use thirtyfour::prelude::*;

/// A script's text result ("" when it is not text).
async fn js_text(d: &WebDriver, script: &str) -> String {
    js(d, script).await.as_str().unwrap_or_default().to_owned()
}

/// The form's value of the script (the hidden textarea).
async fn form_script(d: &WebDriver) -> String {
    js_text(
        d,
        "return document.querySelector('[name=script_content]').value;",
    )
    .await
}

/// The editor's text.
async fn editor_text(d: &WebDriver) -> String {
    js_text(
        d,
        "return document.querySelector('[name=script_content]').fastexecEditor.view.state.doc.toString();",
    )
    .await
}

/// "editor" while the code editor has the focus, else the focused element's id or name.
async fn active_name(d: &WebDriver) -> String {
    js_text(
        d,
        "const a = document.activeElement; return a.closest('.cm-editor') ? 'editor' : (a.id || a.name || a.tagName);",
    )
    .await
}

async fn type_keys(d: &WebDriver, keys: impl Into<TypingData>) {
    d.action_chain().send_keys(keys).perform().await.unwrap();
}

async fn fetched_editor(d: &WebDriver) -> bool {
    js(
        d,
        "return performance.getEntriesByType('resource').some(e => e.name.includes('fastexec-editor'));",
    )
    .await
    .as_bool()
    .unwrap()
}

/// Clicks into the script box (the textarea, or the editor once it took its place) and waits
/// for the editor.
async fn open_editor(d: &WebDriver) -> WebElement {
    let target = match d.find(By::Css(".editor.cm-active .cm-content")).await {
        Ok(editor) => editor,
        Err(_) => d.find(By::Id("f-script_content")).await.unwrap(),
    };
    target.click().await.unwrap();
    wait_css(d, ".editor.cm-active .cm-content").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editor_loads_on_focus_is_typed_by_keyboard_and_launched() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = Browser::start().await;
    let d = &browser.driver;
    d.goto(&server.url).await.unwrap();
    wait_form(d).await;
    connect_as(d, demo::ADMIN).await;
    fill_valid_request(d, "", "101").await;
    assert!(!fetched_editor(d).await, "not part of the first visit");

    let content = open_editor(d).await;
    assert!(fetched_editor(d).await);
    assert_eq!(
        active_name(d).await,
        "editor",
        "the focus moved into the editor"
    );
    // The textarea made way; the editor is named like it.
    let hidden = js(
        d,
        "const t = document.querySelector('[name=script_content]'); return getComputedStyle(t).display;",
    )
    .await;
    assert_eq!(hidden, json!("none"));
    assert_eq!(
        content.attr("aria-label").await.unwrap().as_deref(),
        Some("Script content")
    );

    // Typed by keyboard (keys to whatever has the focus, as a person types); Tab indents.
    type_keys(d, "echo typed-in-editor").await;
    type_keys(d, Key::Enter).await;
    type_keys(d, Key::Tab).await;
    type_keys(d, "echo second").await;
    assert_eq!(
        form_script(d).await,
        "echo typed-in-editor\n    echo second",
        "every edit is the form's value"
    );
    // Shift+Tab leaves backwards; Esc then Tab leaves forwards (nothing inserted).
    d.action_chain()
        .key_down(Key::Shift)
        .send_keys(Key::Tab)
        .key_up(Key::Shift)
        .perform()
        .await
        .unwrap();
    assert_ne!(active_name(d).await, "editor");
    open_editor(d).await;
    assert_eq!(active_name(d).await, "editor");
    type_keys(d, Key::Escape).await;
    type_keys(d, Key::Tab).await;
    assert_ne!(active_name(d).await, "editor");
    assert_eq!(
        form_script(d).await,
        "echo typed-in-editor\n    echo second"
    );
    assert!(content.is_present().await.unwrap());

    // Launch: the job runs what was typed.
    launch(d).await;
    assert_eq!(outcome_kind(d).await, "success");
    let id: i64 = text_of(d, "#outcome [data-field=job_instance_id]")
        .await
        .trim()
        .parse()
        .unwrap();
    let api = wait_job_finished(&server, id, Duration::from_secs(20)).await;
    assert_eq!(api["data"]["job_instance"]["status"], json!(3), "{api}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whatever_sets_the_form_is_shown_and_the_language_is_followed() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = Browser::start().await;
    let d = &browser.driver;
    d.goto(&server.url).await.unwrap();
    wait_form(d).await;
    choose(d, "script_source", "content").await;
    choose(d, "script_language", "1").await;
    fill(d, "script_content", "echo from-automation\n").await;
    open_editor(d).await;
    assert_eq!(editor_text(d).await, "echo from-automation\n");
    // Automation after the editor loaded still reaches the form and the editor.
    fill(d, "script_content", "print('hi')\n").await;
    assert_eq!(editor_text(d).await, "print('hi')\n");
    assert_eq!(form_script(d).await, "print('hi')\n");
    let lang = "return document.querySelector('[name=script_content]').fastexecEditor.language();";
    assert_eq!(js(d, lang).await, json!(1));
    choose(d, "script_language", "4").await;
    assert_eq!(js(d, lang).await, json!(4), "python highlighting");

    // The draft survives a reload, and the editor shows it again.
    d.refresh().await.unwrap();
    wait_form(d).await;
    open_editor(d).await;
    assert_eq!(editor_text(d).await, "print('hi')\n");
    assert_eq!(js(d, lang).await, json!(4));

    // Full screen and back (keyboard).
    let button = wait_css(d, "#editor-fullscreen").await;
    button.send_keys(Key::Enter).await.unwrap();
    let rect = js(
        d,
        "const r = document.querySelector('.editor').getBoundingClientRect(); \
         const e = document.documentElement; return [r.width, r.height, e.clientWidth, e.clientHeight];",
    )
    .await;
    assert_eq!(rect[0], rect[2], "full width: {rect}");
    assert_eq!(rect[1], rect[3], "full height: {rect}");
    assert_eq!(
        button.attr("aria-pressed").await.unwrap().as_deref(),
        Some("true")
    );
    button.send_keys(Key::Enter).await.unwrap();
    assert_eq!(
        button.attr("aria-pressed").await.unwrap().as_deref(),
        Some("false")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_editor_module_the_textarea_stays_with_a_note() {
    let (server, dist) = Server::start_without("fastexec-editor.js");
    let browser = Browser::start().await;
    let d = &browser.driver;
    d.goto(&server.url).await.unwrap();
    wait_form(d).await;
    choose(d, "script_source", "content").await;
    let ta = d.find(By::Id("f-script_content")).await.unwrap();
    ta.click().await.unwrap();
    let note = wait_css(d, ".editor-note[role=\"status\"]").await;
    assert!(!note.text().await.unwrap().is_empty());
    // Still the editor: typed by keyboard, with Tab indentation.
    ta.send_keys("echo plain").await.unwrap();
    ta.send_keys(Key::Tab).await.unwrap();
    assert_eq!(form_script(d).await, "echo plain    ");
    assert!(d.find(By::Css(".cm-editor")).await.is_err());

    // Back (the network returned): the next focus loads it and the note goes.
    put_back(&dist, "fastexec-editor.js");
    d.find(By::Id("launch"))
        .await
        .unwrap()
        .focus()
        .await
        .unwrap();
    ta.click().await.unwrap();
    wait_css(d, ".editor.cm-active .cm-content").await;
    assert_eq!(editor_text(d).await, "echo plain    ");
    assert!(d.find(By::Css(".editor-note")).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_fill_an_empty_editor_ask_before_replacing_and_can_be_saved() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = Browser::start().await;
    let d = &browser.driver;
    d.goto(&server.url).await.unwrap();
    wait_form(d).await;
    choose(d, "script_source", "content").await;
    choose(d, "script_language", "1").await;
    fill(d, "script_content", "").await;
    open_editor(d).await;
    let pick = |v: &'static str| async move {
        d.execute(
            "const s = document.getElementById('editor-template'); s.value = arguments[0]; \
             s.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![json!(v)],
        )
        .await
        .unwrap();
    };

    // The default shell template, into an empty editor: no question.
    pick("default").await;
    wait_css(d, "#editor-template-insert")
        .await
        .click()
        .await
        .unwrap();
    let text = form_script(d).await;
    assert!(text.starts_with("#!/bin/bash\n"), "{text}");
    assert!(
        text.contains("set -euo pipefail") && text.contains("$1"),
        "{text}"
    );
    assert_eq!(editor_text(d).await, text);

    // Over a script: asked first; "no" keeps the script.
    fill(d, "script_content", "echo mine\n").await;
    pick("default").await;
    d.find(By::Id("editor-template-insert"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    d.dismiss_alert().await.unwrap();
    assert_eq!(form_script(d).await, "echo mine\n");

    // Saved as the user's own (named at the prompt), listed for shell only, and deleted.
    d.find(By::Id("editor-template-save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    d.send_alert_text("check disk").await.unwrap();
    d.accept_alert().await.unwrap();
    let stored = js(d, "return localStorage.getItem('fastexec.templates.v1');").await;
    assert!(stored.as_str().unwrap().contains("check disk"), "{stored}");
    wait_css(d, r#"#editor-template option[value="mine:check disk"]"#).await;
    choose(d, "script_language", "4").await;
    assert!(d
        .find(By::Css(
            r#"#editor-template option[value="mine:check disk"]"#
        ))
        .await
        .is_err());
    choose(d, "script_language", "1").await;
    fill(d, "script_content", "").await;
    pick("mine:check disk").await;
    d.find(By::Id("editor-template-insert"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(form_script(d).await, "echo mine\n");
    d.find(By::Id("editor-template-delete"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    d.accept_alert().await.unwrap();
    assert!(d
        .find(By::Css(
            r#"#editor-template option[value="mine:check disk"]"#
        ))
        .await
        .is_err());
}

/// The largest script BK-JOB takes (16 MiB) stays editable in the editor: loaded, typed into
/// by keyboard at its end, and the form keeps the whole text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sixteen_mib_script_stays_editable() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = Browser::start().await;
    let d = &browser.driver;
    d.goto(&server.url).await.unwrap();
    wait_form(d).await;
    choose(d, "script_source", "content").await;
    open_editor(d).await;
    // Built in the page (16 MiB through WebDriver would be slow): 16 Mi bytes, 1 Mi lines.
    js(
        d,
        "const t = document.querySelector('[name=script_content]'); \
         t.value = 'echo 0123456789\\n'.repeat(1 << 20); \
         t.dispatchEvent(new Event('input', {bubbles: true})); return 1;",
    )
    .await;
    let len = "return document.querySelector('[name=script_content]').fastexecEditor.view.state.doc.length;";
    assert_eq!(js(d, len).await, json!(16 << 20));
    // The caret to the end (Ctrl+End) and one line typed.
    let content = wait_css(d, ".cm-content").await;
    content.click().await.unwrap();
    d.action_chain()
        .key_down(Key::Control)
        .send_keys(Key::End)
        .key_up(Key::Control)
        .perform()
        .await
        .unwrap();
    type_keys(d, "echo end").await;
    assert_eq!(js(d, len).await, json!((16 << 20) + 8));
    let tail = js(
        d,
        "const v = document.querySelector('[name=script_content]').value; return [v.length, v.slice(-9)];",
    )
    .await;
    assert_eq!(tail, json!([(16 << 20) + 8, "\necho end"]));
}
