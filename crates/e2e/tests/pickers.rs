//! The account and script pickers on the launch form (issue 14), against the demo server in
//! headless Chromium: an account chosen by keyboard only fills the form; a script version is
//! found in the library, previewed, used and launched (its output in the job's log); a user
//! without `view_script` sees the permission note in the picker and still types the ID.

use std::path::Path;
use std::time::{Duration, Instant};

use e2e::form::{choose, connect_as, fill, launch, outcome_kind, text_of, wait_form};
use e2e::page::{click, wait_css};
use e2e::{api_call, demo, wait_job_finished, Browser, Server};
use serde_json::json;
use thirtyfour::prelude::*;

async fn value(d: &WebDriver, name: &str) -> String {
    d.execute(
        r#"return document.querySelector(`[name="${arguments[0]}"]`).value;"#,
        vec![name.into()],
    )
    .await
    .unwrap()
    .json()
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

async fn wait_value(d: &WebDriver, name: &str, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while value(d, name).await != want {
        assert!(
            Instant::now() < deadline,
            "{name} is {:?}, not {want:?}",
            value(d, name).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Keys sent to whatever has the focus (as a keyboard user types).
async fn keys(d: &WebDriver, k: impl Into<TypingData>) {
    d.action_chain().send_keys(k).perform().await.unwrap();
}

async fn active_id(d: &WebDriver) -> String {
    d.execute("return document.activeElement.id;", vec![])
        .await
        .unwrap()
        .json()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn open_form(server: &Server, user: &str) -> Browser {
    let browser = Browser::start().await;
    let d = &browser.driver;
    d.goto(&server.url).await.unwrap();
    wait_form(d).await;
    connect_as(d, user).await;
    fill(d, "bk_scope_type", "biz").await;
    fill(d, "bk_scope_id", demo::BIZ_ID).await;
    browser
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_is_chosen_by_keyboard_only() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = open_form(&server, demo::ADMIN).await;
    let d = &browser.driver;
    fill(d, "account_alias", "").await;

    // Focus on the button (as Tab would leave it), Enter opens the picker.
    d.execute("document.getElementById('pick-account').focus();", vec![])
        .await
        .unwrap();
    keys(d, Key::Enter).await;
    wait_css(d, "#account-list [data-account-id]").await;
    // System accounts only: the demo's database account is not offered.
    assert!(d
        .find(By::Css(r#"#account-list [data-account-id="1003"]"#))
        .await
        .is_err());
    if active_id(d).await != "account-search" {
        d.find(By::Id("account-search"))
            .await
            .unwrap()
            .focus()
            .await
            .unwrap();
    }
    // Filtered as typed, walked with the arrows, chosen with Enter.
    keys(d, "dem").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let shown = d
            .find_all(By::Css("#account-list [data-account-id]"))
            .await
            .unwrap()
            .len();
        if shown == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "{shown} accounts still shown");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    keys(d, Key::Down).await;
    keys(d, Key::Enter).await;

    // The fill mode decides the field (alias by default, or the ID).
    let (alias, id) = (
        value(d, "account_alias").await,
        value(d, "account_id").await,
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let (mut alias, mut id) = (alias, id);
    while alias != "demo" && id != "1001" {
        assert!(Instant::now() < deadline, "alias {alias:?}, id {id:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
        alias = value(d, "account_alias").await;
        id = value(d, "account_id").await;
    }
    assert!(alias.is_empty() || id.is_empty(), "one account field only");
    // Closed, and the focus is back on its button.
    assert!(d.find(By::Id("account-picker")).await.is_err());
    assert_eq!(active_id(d).await, "pick-account");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_version_is_previewed_used_and_launched() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = open_form(&server, demo::ADMIN).await;
    let d = &browser.driver;
    choose(d, "script_source", "script_version_id").await;
    fill(d, "account_alias", "root").await;
    fill(d, "host_id_list", "101").await;

    click(d, "#pick-script").await;
    click(d, r#"[data-script-id="demo-hello"] .picker-script-open"#).await;
    // The draft version may not run; version 1.1 (id 2) may.
    let draft = wait_css(d, r#"#script-versions [data-version-id="5"]"#).await;
    assert_eq!(
        draft.attr("data-choosable").await.unwrap().as_deref(),
        Some("false")
    );
    click(
        d,
        r#"#script-versions [data-version-id="2"] .picker-version-open"#,
    )
    .await;
    let code = text_of(
        d,
        r#"#script-preview[data-version-id="2"] #script-preview-code"#,
    )
    .await;
    assert!(code.contains("args: $*"), "{code}");
    click(d, "#script-use").await;
    wait_value(d, "script_version_id", "2").await;

    launch(d).await;
    assert_eq!(outcome_kind(d).await, "success");
    let id: i64 = text_of(d, r#"#outcome dd[data-field="job_instance_id"]"#)
        .await
        .trim()
        .parse()
        .unwrap();
    let status = wait_job_finished(&server, id, Duration::from_secs(60)).await;
    let step = status["data"]["step_instance_list"][0]["step_instance_id"]
        .as_i64()
        .unwrap();
    let log = api_call(
        &server,
        "GET",
        "get_job_instance_ip_log",
        demo::ADMIN,
        json!({"bk_scope_type": "biz", "bk_scope_id": demo::BIZ_ID, "job_instance_id": id,
               "step_instance_id": step, "bk_host_id": 101}),
    )
    .await;
    let text = log["data"]["log_content"].as_str().unwrap_or_default();
    assert!(text.contains("hello from"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_view_script_the_picker_says_so_and_the_id_is_typed() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = open_form(&server, demo::GUEST).await;
    let d = &browser.driver;
    choose(d, "script_source", "script_version_id").await;
    click(d, "#pick-script").await;
    // The list needs only access to the business; a script's versions need view_script.
    click(d, r#"[data-script-id="demo-hello"] .picker-script-open"#).await;
    let note = wait_css(d, r#".picker-problem[data-problem="permission"]"#).await;
    let text = note.text().await.unwrap();
    assert!(
        text.contains("view_script") || text.contains("脚本查看") || text.contains("View Script"),
        "{text}"
    );
    // The typed field still works.
    fill(d, "script_version_id", "2").await;
    assert_eq!(value(d, "script_version_id").await, "2");
    assert!(d
        .find(By::Css(
            r#"[aria-invalid="true"][name="script_version_id"]"#
        ))
        .await
        .is_err());
}
