//! Script text never reaches the browser's storage, and "Redo" still works: real server, real
//! Chromium. A job launched in this tab is redone with its script (kept in memory only); a
//! job launched before a reload opens the form with everything but the script and asks for
//! it to be pasted again; a list stored by an older version (with script text) is scrubbed.

use std::path::Path;
use std::time::Duration;

use e2e::form::{connect_as, fill, fill_valid_request, wait_form};
use e2e::page::{click, wait_css};
use e2e::{demo, Browser, Server};
use thirtyfour::prelude::*;

/// A script with a credential in it, as scripts often have.
const SCRIPT: &str = "echo 'token=e2e-S3cr3t-in-script'\necho redo-me-later\n";
const RECENT_KEY: &str = "fastexec.recent_jobs.v1";
const DRAFT_KEY: &str = "fastexec.draft.v1";

/// Every piece of `SCRIPT` that must not be stored: each line, its secret, its Base64.
fn script_parts() -> Vec<String> {
    let mut parts: Vec<String> = SCRIPT.lines().map(str::to_owned).collect();
    parts.push("e2e-S3cr3t".into());
    parts.push("redo-me-later".into());
    parts.push(bkjob_api::encode_base64(SCRIPT));
    parts
}

fn assert_no_script(what: &str, stored: &str) {
    for part in script_parts() {
        assert!(
            !stored.contains(&part),
            "{what} holds script text {part:?}: {stored}"
        );
    }
}

/// localStorage as `{key: value}` JSON, without the keys in `except`.
async fn local_storage(d: &WebDriver, except: &[&str]) -> String {
    let except: Vec<serde_json::Value> = except.iter().map(|k| (*k).into()).collect();
    d.execute(
        r#"const all = Object.assign({}, localStorage);
           for (const k of arguments[0]) delete all[k];
           return JSON.stringify(all);"#,
        vec![serde_json::Value::Array(except)],
    )
    .await
    .unwrap()
    .convert()
    .unwrap()
}

/// Waits until the first element matching `css` shows `needle`.
async fn wait_text(d: &WebDriver, css: &str, needle: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let text = wait_css(d, css).await.text().await.unwrap_or_default();
        if text.contains(needle) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{css} shows {text:?}, not {needle:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn value(d: &WebDriver, name: &str) -> String {
    d.execute(
        "return document.querySelector(`[name=\"${arguments[0]}\"]`).value;",
        vec![name.into()],
    )
    .await
    .unwrap()
    .json()
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// A browser on the form, logged in as the demo admin, with a valid request running SCRIPT.
async fn filled_form(server: &Server) -> Browser {
    let browser = Browser::start().await;
    let d = &browser.driver;
    d.goto(&server.url).await.unwrap();
    wait_form(d).await;
    connect_as(d, demo::ADMIN).await;
    fill_valid_request(d, SCRIPT, "101").await;
    browser
}

/// Launch and wait for the success; returns the job's ID.
async fn launch(d: &WebDriver) -> String {
    click(d, "#launch").await;
    let kind = wait_css(d, "#outcome[data-kind]")
        .await
        .attr("data-kind")
        .await
        .unwrap();
    assert_eq!(kind.as_deref(), Some("success"));
    wait_css(d, "#outcome [data-field=job_instance_id]")
        .await
        .text()
        .await
        .unwrap()
}

/// From the form, open the job through the recent-jobs list and press "Redo".
async fn redo_from_the_list(d: &WebDriver, id: &str) {
    click(
        d,
        &format!(r#"#recent-jobs a[href$="/jobs/biz/{}/{id}"]"#, demo::BIZ_ID),
    )
    .await;
    wait_css(d, &format!(r#"#job-view[data-job-instance-id="{id}"]"#)).await;
    click(d, "#redo:not([disabled])").await;
    wait_form(d).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launch_stores_no_script_text_and_redo_in_this_tab_restores_it() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = filled_form(&server).await;
    let d = &browser.driver;
    let id = launch(d).await;
    // The recent list appears (the job module read it) and holds the job, not its script.
    wait_css(
        d,
        &format!(r#"#recent-jobs a[href$="/jobs/biz/{}/{id}"]"#, demo::BIZ_ID),
    )
    .await;
    let recent = local_storage(d, &[DRAFT_KEY]).await;
    assert!(recent.contains(RECENT_KEY), "{recent}");
    assert!(
        recent.contains("101"),
        "the other fields are kept: {recent}"
    );
    assert_no_script("localStorage after the launch", &recent);
    // The form's own draft is the text being edited; once it holds another script, nothing
    // in storage holds the launched one.
    fill(d, "script_content", "echo something else\n").await;
    tokio::time::sleep(Duration::from_millis(800)).await; // the draft is stored after 300 ms
    assert_no_script("localStorage", &local_storage(d, &[]).await);

    // "Redo" of a job launched in this tab: the script comes back from memory.
    redo_from_the_list(d, &id).await;
    assert_eq!(value(d, "script_content").await, SCRIPT);
    assert_eq!(value(d, "host_id_list").await, "101");
    assert!(
        d.find(By::Id("err-script_content")).await.is_err(),
        "nothing to paste again"
    );
    browser.driver.clone().quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redo_after_a_reload_asks_to_paste_the_script_again() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = filled_form(&server).await;
    let d = &browser.driver;
    fill(d, "task_name", "e2e paste again").await;
    let id = launch(d).await;
    // An entry as an older version stored it, with the whole draft and its script text.
    d.execute(
        r#"const list = JSON.parse(localStorage.getItem(arguments[0]));
           list.jobs.push({scope_type: 'biz', scope_id: '2', job_instance_id: 424242,
             name: 'old entry', launched_at_ms: 1, draft: {script_content: arguments[1],
             host_id_list: '101', scope_id: '2'}});
           localStorage.setItem(arguments[0], JSON.stringify(list));"#,
        vec![RECENT_KEY.into(), SCRIPT.into()],
    )
    .await
    .unwrap();

    // A reload forgets this tab's memory (as would another tab).
    d.refresh().await.unwrap();
    wait_form(d).await;
    redo_from_the_list(d, &id).await;
    // Reading the list scrubbed the old entry.
    assert_no_script("localStorage", &local_storage(d, &[DRAFT_KEY]).await);
    assert!(local_storage(d, &[]).await.contains("424242"));

    // Everything but the script is back; the script field is empty, flagged, and says why.
    assert_eq!(value(d, "script_content").await, "");
    assert_eq!(value(d, "host_id_list").await, "101");
    assert_eq!(value(d, "task_name").await, "e2e paste again");
    let note = wait_css(d, "#err-script_content")
        .await
        .text()
        .await
        .unwrap();
    assert!(note.contains("Paste the script again"), "{note}");
    let editor = d.find(By::Id("f-script_content")).await.unwrap();
    assert_eq!(
        editor.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    // In Chinese too.
    d.execute(
        r#"const s = document.getElementById('ui-lang');
           s.value = 'zh-CN';
           s.dispatchEvent(new Event('change', {bubbles: true}));"#,
        vec![],
    )
    .await
    .unwrap();
    wait_text(d, "#err-script_content", "请重新粘贴脚本").await;

    // Launching now sends nothing: the empty script is refused with that message.
    click(d, "#launch").await;
    let summary = wait_css(d, "#error-summary").await.text().await.unwrap();
    assert!(summary.contains("请重新粘贴脚本"), "{summary}");
    assert!(d.find(By::Css("#outcome[data-kind]")).await.is_err());

    // Pasting the script again clears the note and the launch goes through.
    fill(d, "script_content", SCRIPT).await;
    assert!(d.find(By::Id("err-script_content")).await.is_err());
    browser.driver.clone().quit().await.unwrap();
}
