//! Launching from the form against a real fastexec-server, in headless Chromium: what a person
//! sees for a success, a missing permission, an invalid field and a server that went away.

use std::path::Path;
use std::time::Duration;

use e2e::form::{choose, connect_as, fill, launch, outcome_kind, text_of, wait_form};
use e2e::{api_call, demo, wait_job_finished, Browser, Server};
use serde_json::json;
use thirtyfour::prelude::*;

const SCRIPT: &str = "echo '你好，世界 🚀 fastexec'\necho \"arg1=$1 arg2=$2\"\n";

/// Fills a valid request for the demo business: the script above on host 101.
async fn fill_valid_request(d: &WebDriver) {
    fill(d, "bk_scope_type", "biz").await;
    fill(d, "bk_scope_id", demo::BIZ_ID).await;
    choose(d, "script_source", "content").await;
    choose(d, "script_language", "1").await;
    fill(d, "script_content", SCRIPT).await;
    fill(d, "script_param", "参数 'two words'").await;
    fill(d, "account_alias", "root").await;
    fill(d, "host_id_list", "101").await;
}

async fn open_app(server: &Server) -> Browser {
    let browser = Browser::start().await;
    browser.driver.goto(&server.url).await.unwrap();
    wait_form(&browser.driver).await;
    browser
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chinese_and_emoji_script_runs_and_its_log_keeps_the_text() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = open_app(&server).await;
    let d = &browser.driver;
    connect_as(d, demo::ADMIN).await;
    fill_valid_request(d).await;
    launch(d).await;

    assert_eq!(outcome_kind(d).await, "success");
    let job: i64 = text_of(d, "#outcome [data-field=job_instance_id]")
        .await
        .trim()
        .parse()
        .expect("job_instance_id is a number");
    let step: i64 = text_of(d, "#outcome [data-field=step_instance_id]")
        .await
        .trim()
        .parse()
        .expect("step_instance_id is a number");

    let status = wait_job_finished(&server, job, Duration::from_secs(30)).await;
    assert_eq!(
        status["data"]["job_instance"]["status"],
        json!(3),
        "{status}"
    );

    let log = api_call(
        &server,
        "GET",
        "get_job_instance_ip_log",
        demo::ADMIN,
        json!({
            "bk_scope_type": "biz",
            "bk_scope_id": demo::BIZ_ID,
            "job_instance_id": job,
            "step_instance_id": step,
            "bk_host_id": 101,
        }),
    )
    .await;
    let content = log["data"]["log_content"].as_str().unwrap_or_default();
    // The browser's Base64 of UTF-8 bytes reached bash unchanged, and the parameter string was
    // encoded whole and split as a shell would.
    assert!(content.contains("你好，世界 🚀 fastexec"), "{log}");
    assert!(content.contains("arg1=参数 arg2=two words"), "{log}");
    browser.driver.clone().quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limited_user_sees_the_permission_panel() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = open_app(&server).await;
    let d = &browser.driver;
    connect_as(d, demo::GUEST).await;
    fill_valid_request(d).await;
    launch(d).await;

    assert_eq!(outcome_kind(d).await, "permission");
    assert_eq!(
        text_of(d, "#outcome [data-field=code]").await.trim(),
        "9900403"
    );
    d.query(By::Css(
        "#permission-panel [data-action=quick_execute_script]",
    ))
    // A panel of the on-demand module, loaded with this answer.
    .wait(Duration::from_secs(30), Duration::from_millis(100))
    .first()
    .await
    .expect("the missing action is listed");
    // The panel names the host the guest may not run on (instance path biz / host).
    let panel = text_of(d, "#permission-panel").await;
    assert!(panel.contains("127.0.0.2"), "{panel}");
    browser.driver.clone().quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_field_sends_nothing() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = open_app(&server).await;
    let d = &browser.driver;
    connect_as(d, demo::ADMIN).await;
    fill_valid_request(d).await;
    fill(d, "timeout", "0").await;
    launch(d).await;

    let error = text_of(d, "[data-error-for=timeout]").await;
    assert!(!error.trim().is_empty(), "the timeout error is shown");
    let invalid = d
        .find(By::Css("[name=timeout]"))
        .await
        .unwrap()
        .attr("aria-invalid")
        .await
        .unwrap();
    assert_eq!(invalid.as_deref(), Some("true"));
    assert!(
        d.find(By::Css("#outcome[data-kind]")).await.is_err(),
        "no outcome: nothing was sent"
    );
    // The server's own record: no job exists (ids start at 1 on a fresh data dir).
    let status = api_call(
        &server,
        "GET",
        "get_job_instance_status",
        demo::ADMIN,
        json!({"bk_scope_type": "biz", "bk_scope_id": demo::BIZ_ID, "job_instance_id": 1}),
    )
    .await;
    assert_eq!(status["code"], json!(1244006), "{status}");
    browser.driver.clone().quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_gone_mid_way_gives_the_network_message() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = open_app(&server).await;
    let d = &browser.driver;
    connect_as(d, demo::ADMIN).await;
    fill_valid_request(d).await;
    let _data = server.stop();
    launch(d).await;

    assert_eq!(outcome_kind(d).await, "network");
    // The user is told the job may or may not exist, and no blind re-send is offered.
    let launch_button = d.find(By::Id("launch")).await.unwrap();
    assert!(
        !launch_button.is_enabled().await.unwrap(),
        "after an unknown outcome the launch needs an explicit confirmation"
    );
    browser.driver.clone().quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draft_survives_a_reload_but_the_secret_does_not() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = open_app(&server).await;
    let d = &browser.driver;
    connect_as(d, demo::ADMIN).await;
    fill_valid_request(d).await;
    d.refresh().await.unwrap();
    wait_form(d).await;

    let value = |name: &'static str| async move {
        d.find(By::Css(format!("[name={name}]")))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    };
    assert_eq!(value("script_content").await, SCRIPT);
    assert_eq!(value("host_id_list").await, "101");
    assert_eq!(
        value("bk_app_secret").await,
        "",
        "the secret is never stored"
    );
    let stored: String = d
        .execute(
            "return JSON.stringify(Object.assign({}, localStorage)) + JSON.stringify(Object.assign({}, sessionStorage)) + location.href;",
            vec![],
        )
        .await
        .unwrap()
        .convert()
        .unwrap();
    assert!(
        !stored.contains(demo::APP_SECRET),
        "secret leaked: {stored}"
    );
    browser.driver.clone().quit().await.unwrap();
}

/// Issue 14 (layout): on a long form the launch bar sticks to the bottom of the window, so
/// Launch is reachable wherever the user is in the form, and it never covers the last field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_launch_button_stays_in_view_on_a_long_form() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = open_app(&server).await;
    let d = &browser.driver;
    fill_valid_request(d).await;
    let in_view = |scroll: &'static str| async move {
        d.execute(
            &format!(
                "window.scrollTo(0, {scroll}); \
                 const r = document.getElementById('launch').getBoundingClientRect(); \
                 return r.top >= 0 && r.bottom <= window.innerHeight;"
            ),
            vec![],
        )
        .await
        .unwrap()
        .json()
        .as_bool()
        .unwrap()
    };
    let long = d
        .execute(
            "return document.documentElement.scrollHeight > window.innerHeight * 1.5;",
            vec![],
        )
        .await
        .unwrap()
        .json()
        .as_bool()
        .unwrap();
    assert!(long, "the form is longer than the window");
    assert!(in_view("0").await, "at the top");
    assert!(
        in_view("document.body.scrollHeight / 3").await,
        "in the middle"
    );
    assert!(in_view("document.body.scrollHeight").await, "at the end");
}

/// Issue 14 (layout): after a blocked launch the error summary (at the top of the form) is one
/// click away from the sticky bar, wherever the user scrolled to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_error_summary_is_reachable_from_the_launch_bar() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = open_app(&server).await;
    let d = &browser.driver;
    fill_valid_request(d).await;
    fill(d, "host_id_list", "").await;
    d.execute("window.scrollTo(0, document.body.scrollHeight);", vec![])
        .await
        .unwrap();
    launch(d).await;
    text_of(d, "#error-summary").await;
    // Far from the summary again: the bar offers it.
    d.execute("window.scrollTo(0, document.body.scrollHeight);", vec![])
        .await
        .unwrap();
    let link = d.find(By::Id("summary-link")).await.unwrap();
    let label = link.text().await.unwrap();
    assert!(label.contains('1'), "{label}");
    link.click().await.unwrap();
    let reached = d
        .execute(
            "const s = document.getElementById('error-summary'); \
             const r = s.getBoundingClientRect(); \
             return document.activeElement === s && r.top >= 0 && r.top < window.innerHeight;",
            vec![],
        )
        .await
        .unwrap()
        .json()
        .as_bool()
        .unwrap();
    assert!(reached, "the summary is focused and in view");
}
