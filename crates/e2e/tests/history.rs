//! The history page (`/jobs`) against a real fastexec-server in headless Chromium: jobs are
//! launched through the API, then found on the page by host IP and by status, opened (the
//! job view appears), the filters survive a reload (they are in the URL), a user without
//! access to the business gets the permission note, and a window over 30 days is refused
//! before anything is sent. Layout: the history and the job view fit a 1280 px and a 390 px
//! wide window without sideways scrolling.

use std::path::Path;
use std::time::{Duration, Instant};

use e2e::form::{connect_as, fill, wait_form};
use e2e::page::{js, wait_css};
use e2e::{api_call, demo, wait_job_finished, Browser, Server};
use serde_json::{json, Value};
use thirtyfour::prelude::*;

/// Launches `script` (sh) on `hosts` as admin; returns the job instance ID.
async fn launch(server: &Server, script: &str, hosts: &[i64], name: &str) -> i64 {
    let answer = api_call(
        server,
        "POST",
        "fast_execute_script",
        demo::ADMIN,
        json!({
            "bk_scope_type": "biz",
            "bk_scope_id": demo::BIZ_ID,
            "script_content": bkjob_api::encode_base64(script),
            "script_language": 1,
            "account_alias": "root",
            "task_name": name,
            "timeout": 60,
            "target_server": { "host_id_list": hosts },
        }),
    )
    .await;
    assert_eq!(answer["code"], json!(0), "launch failed: {answer}");
    answer["data"]["job_instance_id"].as_i64().unwrap()
}

/// The job IDs the results table lists, in order.
async fn row_ids(d: &WebDriver) -> Vec<i64> {
    let v = js(
        d,
        r#"return [...document.querySelectorAll('#history-table tbody tr')]
               .map(tr => Number(tr.dataset.jobInstanceId));"#,
    )
    .await;
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default()
}

/// Waits until the table lists exactly `want`, in that order.
async fn wait_rows(d: &WebDriver, want: &[i64]) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let got = row_ids(d).await;
        if got == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "history rows {got:?}, want {want:?}; page: {}",
            js(
                d,
                "return document.querySelector('#history-view')?.innerText"
            )
            .await
            .as_str()
            .unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

async fn search(d: &WebDriver) {
    d.find(By::Id("history-search"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn url(d: &WebDriver) -> String {
    d.current_url().await.unwrap().to_string()
}

/// No sideways scrolling: the page is no wider than the window.
async fn fits(d: &WebDriver) -> bool {
    js(
        d,
        "return document.documentElement.scrollWidth <= window.innerWidth",
    )
    .await
        == json!(true)
}

/// A phone-sized window (390 px wide).
async fn narrow(d: &WebDriver) {
    d.set_window_rect(0, 0, 390, 844).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let w = js(d, "return window.innerWidth").await.as_i64().unwrap();
    assert!(w <= 390, "the window is {w} px wide");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_are_found_by_ip_and_status_opened_and_the_filters_survive_a_reload() {
    let server = Server::start(Path::new("fastexec.toml"));
    let ok = launch(&server, "echo ok\n", &[101, 102], "e2e history ok").await;
    let failing = launch(&server, "exit 3\n", &[103], "e2e history failing").await;
    let other = launch(&server, "echo other\n", &[101], "e2e history other").await;
    let mut failed_status = 0;
    for id in [ok, failing, other] {
        let s = wait_job_finished(&server, id, Duration::from_secs(60)).await;
        if id == failing {
            failed_status = s["data"]["job_instance"]["status"].as_i64().unwrap();
        }
    }
    assert_ne!(failed_status, 3, "the failing job did not fail");

    let browser = Browser::start().await;
    let d = &browser.driver;
    // From the form: its business is the history's default; the header link navigates
    // in the app, so the secret typed in stays.
    d.goto(&server.url).await.unwrap();
    wait_form(d).await;
    fill(d, "bk_scope_type", "biz").await;
    fill(d, "bk_scope_id", demo::BIZ_ID).await;
    connect_as(d, demo::ADMIN).await;
    d.find(By::Id("history-link"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_css(d, "#history-view").await;
    // newest first
    wait_rows(d, &[other, failing, ok]).await;
    assert!(url(d).await.ends_with("/jobs"), "{}", url(d).await);
    let summary = wait_css(d, "#history-summary").await;
    assert_eq!(
        summary.attr("data-total").await.unwrap().as_deref(),
        Some("3")
    );
    let failing_row = format!(r#"#history-table tr[data-job-instance-id="{failing}"]"#);
    assert_eq!(
        wait_css(d, &format!(r#"{failing_row} [data-field="status"]"#))
            .await
            .attr("data-code")
            .await
            .unwrap(),
        Some(failed_status.to_string())
    );

    // by host IP: only the job that ran on 127.0.0.4
    fill(d, "ip", "127.0.0.4").await;
    search(d).await;
    wait_rows(d, &[failing]).await;
    assert!(url(d).await.contains("ip=127.0.0.4"), "{}", url(d).await);

    // by status: the IP cleared, the failed status chosen
    fill(d, "ip", "").await;
    fill(d, "status", &failed_status.to_string()).await;
    search(d).await;
    wait_rows(d, &[failing]).await;
    fill(d, "status", "3").await;
    search(d).await;
    wait_rows(d, &[other, ok]).await;
    let shared = url(d).await;
    assert!(
        shared.contains("scope_type=biz&scope_id=2") && shared.contains("status=3"),
        "{shared}"
    );

    // a reload keeps the search (the URL), the secret is typed again
    d.refresh().await.unwrap();
    wait_css(d, "#history-view").await;
    connect_as(d, demo::ADMIN).await;
    wait_rows(d, &[other, ok]).await;
    assert_eq!(
        js(d, "return document.querySelector('[name=status]').value").await,
        json!("3")
    );
    assert_eq!(url(d).await, shared);

    // the name filter and a quick range
    fill(d, "name", "other").await;
    search(d).await;
    wait_rows(d, &[other]).await;
    d.find(By::Css(r#"button[data-range="7d"]"#))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_css(d, r#"button[data-range="7d"][aria-pressed="true"]"#).await;
    wait_rows(d, &[other]).await;
    assert!(url(d).await.contains("range=7d"), "{}", url(d).await);

    // the layout: no sideways scrolling at 1280 px, nor at 390 px
    assert!(fits(d).await, "the history scrolls sideways at 1280 px");
    narrow(d).await;
    assert!(fits(d).await, "the history scrolls sideways at 390 px");
    d.set_window_rect(0, 0, 1280, 900).await.unwrap();

    // a row opens the job view
    d.find(By::Css(format!(
        r#"#history-table tr[data-job-instance-id="{other}"] a"#
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_css(d, &format!(r#"#job-view[data-job-instance-id="{other}"]"#)).await;
    assert!(
        url(d).await.ends_with(&format!("/jobs/biz/2/{other}")),
        "{}",
        url(d).await
    );
    // the host table shows every column without sideways scrolling at 1280 px
    wait_css(d, "#host-list [data-host-id]").await;
    assert_eq!(
        js(
            d,
            "const l = document.querySelector('#host-list'); return l.scrollWidth <= l.clientWidth"
        )
        .await,
        json!(true),
        "the host table scrolls sideways at 1280 px"
    );
    assert!(fits(d).await, "the job view scrolls sideways at 1280 px");
    narrow(d).await;
    assert!(fits(d).await, "the job view scrolls sideways at 390 px");
    assert_eq!(
        js(
            d,
            "const l = document.querySelector('#host-list'); return l.scrollWidth <= l.clientWidth"
        )
        .await,
        json!(true),
        "the host table scrolls sideways at 390 px"
    );
    d.set_window_rect(0, 0, 1280, 900).await.unwrap();

    // Back: the same search again
    d.back().await.unwrap();
    wait_css(d, "#history-view").await;
    wait_rows(d, &[other]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_without_access_gets_the_permission_note_and_a_wide_window_is_refused() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = Browser::start().await;
    let d = &browser.driver;
    // guest may access business 2 only, not the business set
    d.goto(format!(
        "{}jobs?scope_type=biz_set&scope_id=9000001",
        server.url
    ))
    .await
    .unwrap();
    wait_css(d, "#history-view").await;
    connect_as(d, demo::GUEST).await;
    let error = wait_css(d, r#".job-error[data-kind="permission"]"#).await;
    assert_eq!(
        error.attr("data-code").await.unwrap().as_deref(),
        Some("9900403")
    );
    wait_css(d, "#job-permission [data-action]").await;
    assert!(d.find(By::Id("history-table")).await.is_err());

    // the same user on business 2: an empty history, not an error
    fill(d, "bk_scope_type", "biz").await;
    fill(d, "bk_scope_id", demo::BIZ_ID).await;
    search(d).await;
    wait_css(d, r#"#history-summary[data-total="0"]"#).await;
    wait_css(d, "#history-empty").await;

    // a shared link with a window over 30 days: said in place, nothing sent
    let day = 86_400_000i64;
    let end = 1_700_000_000_000i64;
    d.goto(format!(
        "{}jobs?scope_type=biz&scope_id=2&start={}&end={end}",
        server.url,
        end - 31 * day
    ))
    .await
    .unwrap();
    wait_css(d, r#"#history-invalid[data-problem="WindowTooWide"]"#).await;
    // the custom range is shown; a 30-day one is searched
    let start = wait_css(d, r#"input[name="create_time_start"]"#).await;
    assert!(!start
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
        .is_empty());
    connect_as(d, demo::ADMIN).await;
    fill(d, "create_time_start", "2023-10-16T00:00").await;
    fill(d, "create_time_end", "2023-11-14T00:00").await;
    search(d).await;
    wait_css(d, r#"#history-summary[data-total="0"]"#).await;
    assert!(url(d).await.contains("start="), "{}", url(d).await);
}
