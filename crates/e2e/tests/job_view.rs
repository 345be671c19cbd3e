//! The job view against a real fastexec-server in headless Chromium: jobs are launched
//! directly through the API, then followed in the browser at `/jobs/biz/2/{id}`.
//!
//! The view reads the app's connection settings; the secret lives in memory only, so after
//! opening (or reloading) the link the test types the demo credentials into the app's
//! connection controls (`form::connect_as`), as a person would, and the view asks again at
//! once.

use std::path::Path;
use std::time::Duration;

use e2e::form::{connect_as, fill, text_of};
use e2e::{api_call, demo, wait_job_finished, Browser, Server};
use serde_json::{json, Value};
use thirtyfour::prelude::*;

/// Standard Base64 (with padding) of `text`'s UTF-8 bytes, for `script_content`.
fn base64(text: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn base64_matches_known_values() {
    assert_eq!(base64(""), "");
    assert_eq!(base64("f"), "Zg==");
    assert_eq!(base64("fo"), "Zm8=");
    assert_eq!(base64("foo"), "Zm9v");
    assert_eq!(base64("echo 你好"), "ZWNobyDkvaDlpb0=");
}

/// Launches `script` on `hosts` through the API as admin; returns the job instance ID.
async fn launch(server: &Server, script: &str, hosts: &[i64], name: &str) -> i64 {
    let answer = api_call(
        server,
        "POST",
        "fast_execute_script",
        demo::ADMIN,
        json!({
            "bk_scope_type": "biz",
            "bk_scope_id": demo::BIZ_ID,
            "script_content": base64(script),
            "script_language": 1,
            "account_alias": "root",
            "task_name": name,
            "timeout": 900,
            "target_server": { "host_id_list": hosts },
        }),
    )
    .await;
    assert_eq!(answer["code"], json!(0), "launch failed: {answer}");
    answer["data"]["job_instance_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no job id: {answer}"))
}

/// Opens the job's view and provides the demo credentials.
async fn open_job(server: &Server, d: &WebDriver, id: i64) {
    d.goto(format!("{}jobs/biz/{}/{id}", server.url, demo::BIZ_ID))
        .await
        .unwrap();
    d.query(By::Css(format!(
        r#"#job-view[data-job-instance-id="{id}"]"#
    )))
    .wait(Duration::from_secs(30), Duration::from_millis(100))
    .first()
    .await
    .expect("the job view mounts on /jobs/biz/2/{id}");
    connect_as(d, demo::ADMIN).await;
}

async fn attr(d: &WebDriver, css: &str, name: &str) -> Option<String> {
    match d.find(By::Css(css)).await {
        Ok(el) => el.attr(name).await.unwrap(),
        Err(_) => None,
    }
}

/// Waits until `#job-view` says finished; returns its `data-status`.
async fn wait_view_finished(d: &WebDriver, within: Duration) -> String {
    d.query(By::Css(r#"#job-view[data-finished="true"]"#))
        .wait(within, Duration::from_millis(200))
        .first()
        .await
        .expect("the view shows the job finished");
    attr(d, "#job-view", "data-status")
        .await
        .unwrap_or_default()
}

async fn group_count(d: &WebDriver, group: &str) -> Option<String> {
    attr(d, &format!(r#"button[data-group="{group}"]"#), "data-count").await
}

const PRINT_LINES: &str = "for i in 1 2 3; do echo \"fastexec-e2e line $i\"; sleep 1; done\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_on_three_online_hosts_and_one_offline_ends_grouped_with_logs() {
    let server = Server::start(Path::new("fastexec.toml"));
    let id = launch(&server, PRINT_LINES, &[101, 102, 103, 104], "e2e job view").await;
    let browser = Browser::start().await;
    let d = &browser.driver;
    open_job(&server, d, id).await;

    // running first (the script takes ~3 s), then finished
    let status = wait_view_finished(d, Duration::from_secs(60)).await;
    let api = wait_job_finished(&server, id, Duration::from_secs(5)).await;
    assert_eq!(
        status,
        api["data"]["job_instance"]["status"].to_string(),
        "the view shows the server's job status"
    );
    // groups: 3 successes, 1 agent abnormal
    d.query(By::Css(r#"button[data-group="9"][data-count="3"]"#))
        .wait(Duration::from_secs(10), Duration::from_millis(100))
        .first()
        .await
        .expect("3 hosts in the success group");
    assert_eq!(group_count(d, "1").await.as_deref(), Some("1"));
    assert_eq!(
        text_of(d, r#"[data-field="success_count"]"#).await.trim(),
        "3"
    );
    assert_eq!(text_of(d, r#"[data-field="total"]"#).await.trim(), "4");

    // each online host's log holds the printed lines
    for host in [101, 102, 103] {
        d.find(By::Css(format!(r#"[data-host-id="{host}"]"#)))
            .await
            .unwrap_or_else(|e| panic!("row of host {host}: {e}"))
            .click()
            .await
            .unwrap();
        let pre = d
            .query(By::Css(r#"#host-log[data-state="loaded"]"#))
            .wait(Duration::from_secs(15), Duration::from_millis(100))
            .first()
            .await
            .expect("the log loads");
        let mut text = String::new();
        for _ in 0..50 {
            text = pre.text().await.unwrap();
            if text.contains("fastexec-e2e line 3") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        for n in 1..=3 {
            assert!(
                text.contains(&format!("fastexec-e2e line {n}")),
                "host {host} log lacks line {n}: {text}"
            );
        }
        assert_eq!(
            attr(d, r#"[aria-selected="true"][data-host-id]"#, "data-host-id")
                .await
                .as_deref(),
            Some(host.to_string().as_str())
        );
    }

    // search inside the log highlights matches
    fill(d, "log_search", "e2e line").await;
    d.query(By::Css("#host-log mark"))
        .wait(Duration::from_secs(10), Duration::from_millis(100))
        .all_from_selector_required()
        .await
        .expect("matches highlighted");
    let marks = d.find_all(By::Css("#host-log mark")).await.unwrap();
    assert_eq!(marks.len(), 3);

    // the offline host is in its own group with the agent status
    d.find(By::Css(r#"button[data-group="1"]"#))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    d.query(By::Css(r#"[data-host-id="104"]"#))
        .wait(Duration::from_secs(10), Duration::from_millis(100))
        .first()
        .await
        .expect("host 104 listed under agent abnormal");
    assert_eq!(
        attr(
            d,
            r#"[data-host-id="104"] [data-field="status"]"#,
            "data-code"
        )
        .await
        .as_deref(),
        Some("1")
    );

    // the filter narrows the list
    d.find(By::Css(r#"button[data-group="9"]"#))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(d, "host_filter", "127.0.0.3").await;
    d.query(By::Css(".job-host-window"))
        .with_filter(|el: WebElement| async move {
            Ok(el.find_all(By::Css("[data-host-id]")).await?.len() == 1)
        })
        .wait(Duration::from_secs(10), Duration::from_millis(100))
        .first()
        .await
        .expect("one host left after filtering");
    assert!(d.find(By::Css(r#"[data-host-id="102"]"#)).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_job_terminated_from_the_view_ends_terminated_and_survives_a_reload() {
    let server = Server::start(Path::new("fastexec.toml"));
    let id = launch(&server, "sleep 600\n", &[101], "e2e terminate").await;
    let browser = Browser::start().await;
    let d = &browser.driver;
    open_job(&server, d, id).await;

    d.query(By::Css(r#"#job-view[data-status="2"]"#))
        .wait(Duration::from_secs(30), Duration::from_millis(100))
        .first()
        .await
        .expect("the job is shown running");
    d.query(By::Id("terminate"))
        .wait(Duration::from_secs(10), Duration::from_millis(100))
        .first()
        .await
        .expect("a terminate button while running")
        .click()
        .await
        .unwrap();
    let question = text_of(d, "#terminate-dialog").await;
    assert!(
        question.contains("e2e terminate") && question.contains(&id.to_string()),
        "the confirmation names the job: {question}"
    );
    let status: Value = api_call(
        &server,
        "GET",
        "get_job_instance_status",
        demo::ADMIN,
        json!({"bk_scope_type": "biz", "bk_scope_id": demo::BIZ_ID, "job_instance_id": id}),
    )
    .await;
    assert_eq!(
        status["data"]["job_instance"]["status"],
        json!(2),
        "nothing is terminated before the confirmation"
    );
    d.find(By::Id("terminate-confirm"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    let shown = wait_view_finished(d, Duration::from_secs(60)).await;
    let api = wait_job_finished(&server, id, Duration::from_secs(10)).await;
    assert_eq!(api["data"]["job_instance"]["status"], json!(11), "{api}");
    assert_eq!(shown, "11");
    assert!(
        d.find(By::Id("terminate")).await.is_err(),
        "no terminate button once finished"
    );

    // a reload keeps the view (same job, same final state)
    d.refresh().await.unwrap();
    d.query(By::Css(format!(
        r#"#job-view[data-job-instance-id="{id}"]"#
    )))
    .wait(Duration::from_secs(30), Duration::from_millis(100))
    .first()
    .await
    .expect("the view is back after a reload");
    connect_as(d, demo::ADMIN).await;
    assert_eq!(wait_view_finished(d, Duration::from_secs(30)).await, "11");
    assert_eq!(
        attr(d, r#"button[data-group="403"]"#, "data-count")
            .await
            .or(attr(d, r#"button[data-group="103"]"#, "data-count").await)
            .as_deref(),
        Some("1"),
        "the terminated host is grouped"
    );
}
