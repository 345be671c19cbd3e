//! The host check before a launch (issue 13 item 5): the form's host IDs are checked with
//! `query_agent_info` (tools module) once typing pauses; the demo's offline host is abnormal,
//! an ID the server does not know is unknown, Launch asks first naming both counts, and
//! "Remove abnormal and unknown hosts" leaves only the online ones, which then launch without
//! a question. Real server, real Chromium.

use std::path::Path;
use std::time::Duration;

use e2e::form::{connect_as, fill_valid_request, launch, outcome_kind, wait_form};
use e2e::page::wait_css;
use e2e::{demo, Browser, Server};
use thirtyfour::prelude::*;

async fn host_list(d: &WebDriver) -> String {
    d.execute(
        r#"return document.querySelector('[name="host_id_list"]').value;"#,
        vec![],
    )
    .await
    .unwrap()
    .json()
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abnormal_and_unknown_hosts_are_marked_asked_about_and_removed() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = Browser::start().await;
    let d = &browser.driver;
    d.goto(&server.url).await.unwrap();
    wait_form(d).await;
    connect_as(d, demo::ADMIN).await;
    // 104 is the demo's host with its agent down; 999 is no host of the business.
    fill_valid_request(d, "echo ok\n", "101\n104\n999").await;

    wait_css(
        d,
        r#"#hostcheck-list li[data-host="104"][data-state="abnormal"]"#,
    )
    .await;
    wait_css(
        d,
        r#"#hostcheck-list li[data-host="999"][data-state="unknown"]"#,
    )
    .await;
    let counts = wait_css(d, "#hostcheck-counts").await.text().await.unwrap();
    assert!(counts.contains('1'), "{counts}");
    assert!(
        d.find(By::Css(r#"#hostcheck-list li[data-host="101"]"#))
            .await
            .is_err(),
        "a normal host is not listed with the others"
    );

    // After a reload the list comes back and is checked again once the secret is typed
    // again (the first, unauthenticated check fails).
    d.refresh().await.unwrap();
    wait_form(d).await;
    wait_css(d, "#hostcheck-problem").await;
    connect_as(d, demo::ADMIN).await;
    wait_css(
        d,
        r#"#hostcheck-list li[data-host="104"][data-state="abnormal"]"#,
    )
    .await;

    // Launch asks first, naming the counts; "Cancel" sends nothing.
    launch(d).await;
    let question = d.get_alert_text().await.unwrap();
    assert!(
        question.contains("1 host(s) have an abnormal agent and 1 are unknown")
            || question.contains("1 台主机的 Agent 异常，1 台状态未知"),
        "{question}"
    );
    d.dismiss_alert().await.unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(d.find(By::Css("#outcome[data-kind]")).await.is_err());

    // Removed: only the online host stays, checked again, and the launch asks nothing.
    // Reached by keyboard, the button is not hidden under the sticky launch bar.
    let remove = wait_css(d, "#hostcheck-remove").await;
    let visible = d
        .execute(
            r#"window.scrollTo(0, 0);
               arguments[0].focus();
               const r = arguments[0].getBoundingClientRect();
               const bar = document.querySelector('#launch-form > .actions').getBoundingClientRect();
               return r.top >= 0 && r.bottom <= bar.top;"#,
            vec![remove.to_json().unwrap()],
        )
        .await
        .unwrap()
        .json()
        .as_bool()
        .unwrap();
    assert!(visible, "the focused button is under the launch bar");
    remove.send_keys(Key::Enter).await.unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while host_list(d).await.trim() != "101" {
        assert!(
            std::time::Instant::now() < deadline,
            "host list is {:?}",
            host_list(d).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_css(d, r#"#hostcheck-counts li[data-state="normal"]"#).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    launch(d).await;
    assert_eq!(outcome_kind(d).await, "success");
}
