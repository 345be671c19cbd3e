//! The form's rolling section against a real fastexec-server, in headless Chromium: turning it
//! on loads its settings from the on-demand module, BK-JOB's rules show inline and block the
//! launch, the batch plan follows the targets, and the job really runs in those batches.

use std::path::Path;
use std::time::Duration;

use e2e::form::{
    choose, connect_as, fill, fill_valid_request, launch, outcome_kind, text_of, wait_form,
};
use e2e::{api_call, demo, wait_job_finished, Browser, Server};
use serde_json::json;
use thirtyfour::prelude::*;

/// Waits until the batch plan reads `want` somewhere in its text.
async fn wait_plan(d: &WebDriver, want: &str) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let text = text_of(d, "#rolling-plan").await;
        if text.contains(want) {
            return text;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "plan never read {want:?}: {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The app, connected as admin, with a valid request for hosts 101–103.
async fn form_for_three_hosts(server: &Server) -> Browser {
    let browser = Browser::start().await;
    let d = &browser.driver;
    d.goto(&server.url).await.unwrap();
    wait_form(d).await;
    connect_as(d, demo::ADMIN).await;
    fill_valid_request(d, "echo batch-host-$BK_JOB_HOST_ID\n", "101\n102\n103").await;
    browser
}

/// Turns the rolling section on and waits for its settings (loaded on demand).
async fn turn_rolling_on(d: &WebDriver) {
    choose(d, "rolling_config", "1").await;
    d.query(By::Id("f-rolling_expression"))
        .wait(Duration::from_secs(30), Duration::from_millis(100))
        .first()
        .await
        .expect("the rolling settings load on demand");
}

/// Launches and returns the created job's and step's IDs from the outcome.
async fn launch_ok(d: &WebDriver) -> (i64, i64) {
    launch(d).await;
    assert_eq!(outcome_kind(d).await, "success");
    let id = |text: String| text.trim().parse::<i64>().unwrap();
    (
        id(text_of(d, "#outcome [data-field=job_instance_id]").await),
        id(text_of(d, "#outcome [data-field=step_instance_id]").await),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolling_section_checks_plans_and_launches_in_batches() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = form_for_three_hosts(&server).await;
    let d = &browser.driver;

    // Off by default, and nothing of the panel is on the page.
    let switch = d.find(By::Css("[name=rolling_config]")).await.unwrap();
    assert!(!switch.is_selected().await.unwrap());
    assert!(d
        .find_all(By::Id("f-rolling_expression"))
        .await
        .unwrap()
        .is_empty());
    turn_rolling_on(d).await;

    // An empty expression blocks the launch: the summary names the section, the panel shows
    // BK-JOB's text under the field, nothing is sent.
    launch(d).await;
    let summary = text_of(d, "#error-summary").await;
    assert!(summary.contains("rolling_config"), "{summary}");
    let err = text_of(d, "[data-error-for='rolling_config.expression']").await;
    assert!(
        err.contains("Rolling expression cannot be blank") || err.contains("不可为空"),
        "{err}"
    );
    assert!(d
        .find_all(By::Css("#outcome[data-kind]"))
        .await
        .unwrap()
        .is_empty());

    // BK-JOB's grammar, inline.
    fill(d, "rolling_config.expression", "10 abc").await;
    let err = text_of(d, "[data-error-for='rolling_config.expression']").await;
    assert!(
        err.contains("Invalid rolling strategy") || err.contains("非法的滚动策略"),
        "{err}"
    );

    // The plan follows the expression and the targets.
    fill(d, "rolling_config.expression", "1 +1").await;
    wait_plan(d, "1, 2").await;
    fill(d, "host_id_list", "101\n102\n103\n104").await;
    let plan = wait_plan(d, "1, 2, 1").await;
    assert!(plan.contains('4') && plan.contains('3'), "{plan}");
    fill(d, "host_id_list", "101\n102\n103").await;
    wait_plan(d, "1, 2").await;

    // The section survives a reload (the draft keeps it).
    d.refresh().await.unwrap();
    wait_form(d).await;
    let expr = d
        .query(By::Id("f-rolling_expression"))
        .wait(Duration::from_secs(30), Duration::from_millis(100))
        .first()
        .await
        .expect("the section is still on after a reload");
    assert_eq!(expr.value().await.unwrap().as_deref(), Some("1 +1"));
    connect_as(d, demo::ADMIN).await;
    wait_plan(d, "1, 2").await;

    // Launch: the job runs batch 1 (one host) then batch 2 (two hosts).
    let (job, step) = launch_ok(d).await;
    let status = wait_job_finished(&server, job, Duration::from_secs(60)).await;
    assert_eq!(
        status["data"]["job_instance"]["status"],
        json!(3),
        "{status}"
    );
    for (batch, hosts) in [(1, 1), (2, 2)] {
        let s = api_call(
            &server,
            "GET",
            "get_step_instance_status",
            demo::ADMIN,
            json!({
                "bk_scope_type": "biz",
                "bk_scope_id": demo::BIZ_ID,
                "job_instance_id": job,
                "step_instance_id": step,
                "batch": batch,
            }),
        )
        .await;
        let n: i64 = s["data"]["step_result_group_list"]
            .as_array()
            .unwrap_or_else(|| panic!("{s}"))
            .iter()
            .map(|g| g["host_size"].as_i64().unwrap())
            .sum();
        assert_eq!(n, hosts, "batch {batch}: {s}");
    }
}

/// Waits until the batch strip's cell `n` is in `state` (its `data-state`).
async fn wait_batch(d: &WebDriver, n: usize, state: &str) {
    d.query(By::Css(format!(
        r#"#batch-strip .batch[data-batch="{n}"][data-state="{state}"]"#
    )))
    .wait(Duration::from_secs(30), Duration::from_millis(100))
    .first()
    .await
    .unwrap_or_else(|e| panic!("batch {n} never {state}: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_job_view_follows_a_manual_rolling_job_batch_by_batch() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = form_for_three_hosts(&server).await;
    let d = &browser.driver;
    turn_rolling_on(d).await;
    fill(d, "rolling_config.expression", "1 +1").await;
    choose(d, "rolling_config.mode", "3").await;
    wait_plan(d, "1, 2").await;
    let (job, step) = launch_ok(d).await;

    // The job view of a job launched here knows its plan: batch 1 ran, batch 2 waits for a
    // confirmation and is the current one.
    d.goto(format!("{}jobs/biz/{}/{job}", server.url, demo::BIZ_ID))
        .await
        .unwrap();
    d.query(By::Css(format!(
        r#"#job-view[data-job-instance-id="{job}"]"#
    )))
    .wait(Duration::from_secs(30), Duration::from_millis(100))
    .first()
    .await
    .expect("the job view mounts");
    // The secret lives in memory only: a new page asks for it again.
    connect_as(d, demo::ADMIN).await;
    wait_batch(d, 1, "done").await;
    wait_batch(d, 2, "confirm").await;
    let current = d
        .find(By::Css(r#"#batch-strip .batch[aria-current="step"]"#))
        .await
        .unwrap();
    assert_eq!(
        current.attr("data-batch").await.unwrap().as_deref(),
        Some("2")
    );
    assert!(d.find(By::Css("#job-view[data-status='7']")).await.is_ok());

    // Continue (operation 13): batch 2 runs, the job ends, every batch ran.
    let answer = api_call(
        &server,
        "POST",
        "operate_step_instance",
        demo::ADMIN,
        json!({
            "bk_scope_type": "biz",
            "bk_scope_id": demo::BIZ_ID,
            "job_instance_id": job,
            "step_instance_id": step,
            "operation_code": 13,
        }),
    )
    .await;
    assert_eq!(answer["code"], json!(0), "{answer}");
    wait_batch(d, 2, "done").await;
    let position = text_of(d, "#batch-strip [data-field=batch_position]").await;
    assert!(position.contains('2'), "{position}");
    d.query(By::Css(
        r#"#job-view[data-finished="true"][data-status="3"]"#,
    ))
    .wait(Duration::from_secs(30), Duration::from_millis(100))
    .first()
    .await
    .expect("the job ends in success");
}
