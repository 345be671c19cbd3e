//! The high-risk check before a launch (issue 13): the server's dangerous-script rules reach
//! the form (tools module, `get_dangerous_rule_list`), the matching line is listed and marked
//! in the code editor, an "intercept" rule blocks Launch with the server's own message and a
//! "scan" rule asks first. Real server, real Chromium.

use std::time::Duration;

use e2e::form::{connect_as, fill, fill_valid_request, launch, outcome_kind, wait_form};
use e2e::page::wait_css;
use e2e::{demo, Browser, Server};
use thirtyfour::prelude::*;

/// The demo's intercept rule (`rm -rf /`, shell) plus a scan rule for `reboot`.
const SCAN_RULE: &str = r#"
[[dangerous_rules]]
expression = '^\s*reboot\b'
action = "scan"
description = "reboot (asks first)"
"#;

async fn open_form(server: &Server) -> Browser {
    let browser = Browser::start().await;
    browser.driver.goto(&server.url).await.unwrap();
    wait_form(&browser.driver).await;
    browser
}

/// No launch outcome shows for a while (nothing was sent).
async fn no_outcome(d: &WebDriver) {
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        d.find(By::Css("#outcome[data-kind]")).await.is_err(),
        "a launch was sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_intercept_rule_marks_its_line_and_blocks_the_launch() {
    let server = Server::start_demo_plus(SCAN_RULE);
    let browser = open_form(&server).await;
    let d = &browser.driver;
    connect_as(d, demo::ADMIN).await;
    fill_valid_request(d, "echo ok\nrm -rf /\n", "101").await;

    // Listed under the editor with its line and rule.
    let item = wait_css(d, r#"#danger li[data-line="2"][data-action="intercept"]"#).await;
    let text = item.text().await.unwrap();
    assert!(text.contains("rm -rf on the root directory"), "{text}");
    // Marked in the code editor (loaded on focus), with the rule as the line's title.
    d.find(By::Id("f-script_content"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let line = wait_css(d, r#".cm-line.cm-danger-intercept[data-danger-line="2"]"#).await;
    let title = line.attr("title").await.unwrap().unwrap_or_default();
    assert_eq!(title, "rm -rf on the root directory");

    // Launch is refused in the form, with the message the server's 1244019 carries.
    launch(d).await;
    let summary = wait_css(d, "#error-summary").await.text().await.unwrap();
    assert!(summary.contains("script_content"), "{summary}");
    let msg = wait_css(d, "#err-script_content")
        .await
        .text()
        .await
        .unwrap();
    assert!(msg.contains("第 2 行") || msg.contains("line 2"), "{msg}");
    no_outcome(d).await;

    // After a reload the draft comes back, and so does the check (the secret does not:
    // typed again).
    d.refresh().await.unwrap();
    wait_form(d).await;
    connect_as(d, demo::ADMIN).await;
    wait_css(d, r#"#danger li[data-line="2"][data-action="intercept"]"#).await;
    launch(d).await;
    wait_css(d, "#err-script_content").await;
    no_outcome(d).await;

    // Fixed: the list goes, the launch goes.
    fill(d, "script_content", "echo ok\n").await;
    wait_css(d, r#".danger-note[data-state="clear"]"#).await;
    assert!(d.find(By::Css(".cm-danger-intercept")).await.is_err());
    launch(d).await;
    assert_eq!(outcome_kind(d).await, "success");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_rule_asks_before_the_launch() {
    let server = Server::start_demo_plus(SCAN_RULE);
    let browser = open_form(&server).await;
    let d = &browser.driver;
    connect_as(d, demo::ADMIN).await;
    fill_valid_request(d, "echo ok\n\nreboot --help >/dev/null || true\n", "101").await;
    wait_css(d, r#"#danger li[data-line="3"][data-action="scan"]"#).await;

    // "Cancel": nothing is sent.
    launch(d).await;
    let question = d.get_alert_text().await.unwrap();
    assert!(
        question.contains("reboot (asks first)") && question.contains('3'),
        "{question}"
    );
    d.dismiss_alert().await.unwrap();
    no_outcome(d).await;

    // "OK": launched (the server only logs scan matches).
    launch(d).await;
    d.accept_alert().await.unwrap();
    assert_eq!(outcome_kind(d).await, "success");
}
