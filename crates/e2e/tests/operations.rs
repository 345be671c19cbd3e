//! The job view's step operations (`operate_step_instance`, issue 12 part 4) against a real
//! fastexec-server in headless Chromium: a job failing on one host is retried from the view
//! (only that host runs again, in round 2) until it succeeds, and round 1 can still be viewed; a rolling job in mode 3 waits
//! after batch 1 and "Continue next batch" runs the next one; a rolling job in mode 1 pauses
//! on a failing batch and "Ignore errors" goes on.
//!
//! Jobs are launched through the API (rolling ones with `rolling_config`), then opened at
//! `/jobs/biz/2/{id}` with the demo credentials typed into the app, as in `job_view.rs`.

use std::path::Path;
use std::time::Duration;

use e2e::form::connect_as;
use e2e::{api_call, demo, wait_job_finished, Browser, Server, TempDir};
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

/// A script that counts its runs per host in `dir` (`run N of host ID`) and fails on host
/// `failing` until `dir/fixed` exists.
fn counting_script(dir: &Path, failing: i64) -> String {
    let d = dir.display();
    format!(
        "n=$(cat '{d}/count-'$BK_JOB_HOST_ID 2>/dev/null || echo 0); n=$((n+1)); \
         echo $n > '{d}/count-'$BK_JOB_HOST_ID\n\
         echo \"run $n of host $BK_JOB_HOST_ID\"\n\
         if [ \"$BK_JOB_HOST_ID\" = {failing} ] && [ ! -f '{d}/fixed' ]; then sleep 1; \
         echo \"fail-$BK_JOB_HOST_ID\"; exit 3; fi\n\
         echo \"ok-$BK_JOB_HOST_ID\"\n"
    )
}

fn runs(dir: &Path, host: i64) -> String {
    std::fs::read_to_string(dir.join(format!("count-{host}")))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// Launches `script` on hosts 101-103 as admin, with `rolling` when given.
async fn launch(server: &Server, script: &str, rolling: Option<Value>, name: &str) -> i64 {
    let mut body = json!({
        "bk_scope_type": "biz",
        "bk_scope_id": demo::BIZ_ID,
        "script_content": base64(script),
        "script_language": 1,
        "account_alias": "root",
        "task_name": name,
        "timeout": 900,
        "target_server": { "host_id_list": [101, 102, 103] },
    });
    if let Some(r) = rolling {
        body["rolling_config"] = r;
    }
    let answer = api_call(server, "POST", "fast_execute_script", demo::ADMIN, body).await;
    assert_eq!(answer["code"], json!(0), "launch failed: {answer}");
    answer["data"]["job_instance_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no job id: {answer}"))
}

async fn status(server: &Server, id: i64) -> Value {
    api_call(
        server,
        "GET",
        "get_job_instance_status",
        demo::ADMIN,
        json!({"bk_scope_type": "biz", "bk_scope_id": demo::BIZ_ID,
               "job_instance_id": id, "return_ip_result": true}),
    )
    .await
}

/// Opens the job's view and provides the demo credentials.
async fn open_job(server: &Server, d: &WebDriver, id: i64) {
    d.goto(format!("{}jobs/biz/{}/{id}", server.url, demo::BIZ_ID))
        .await
        .unwrap();
    wait_for(d, &format!(r#"#job-view[data-job-instance-id="{id}"]"#), 30).await;
    connect_as(d, demo::ADMIN).await;
}

async fn wait_for(d: &WebDriver, css: &str, secs: u64) -> WebElement {
    d.query(By::Css(css))
        .wait(Duration::from_secs(secs), Duration::from_millis(100))
        .first()
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear in {secs} s: {e}"))
}

async fn attr(d: &WebDriver, css: &str, name: &str) -> Option<String> {
    match d.find(By::Css(css)).await {
        Ok(el) => el.attr(name).await.unwrap(),
        Err(_) => None,
    }
}

async fn present(d: &WebDriver, id: &str) -> bool {
    !d.find_all(By::Id(id)).await.unwrap().is_empty()
}

/// The operation buttons shown, by `id`.
async fn buttons(d: &WebDriver) -> Vec<String> {
    let mut out = Vec::new();
    for b in d.find_all(By::Css("#step-ops button")).await.unwrap() {
        out.push(b.id().await.unwrap().unwrap_or_default());
    }
    out
}

async fn active_id(d: &WebDriver) -> String {
    d.execute(
        "return document.activeElement && document.activeElement.id",
        vec![],
    )
    .await
    .unwrap()
    .json()
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// Opens the confirmation of `button` and checks what it counts; returns the dialog.
async fn open_dialog(d: &WebDriver, button: &str, n: usize, total: usize) -> WebElement {
    wait_for(d, &format!("#{button}:not([disabled])"), 30)
        .await
        .click()
        .await
        .unwrap();
    let dialog = wait_for(d, "#op-dialog", 10).await;
    assert_eq!(
        (
            dialog.attr("data-n").await.unwrap(),
            dialog.attr("data-total").await.unwrap()
        ),
        (Some(n.to_string()), Some(total.to_string())),
        "{button}: {}",
        dialog.text().await.unwrap()
    );
    let question = dialog.text().await.unwrap();
    assert!(
        question.contains(&n.to_string()) && question.contains(&total.to_string()),
        "the question counts the hosts: {question}"
    );
    assert_eq!(
        active_id(d).await,
        "op-cancel",
        "the focus moves into the dialog"
    );
    dialog
}

/// Confirms the open dialog and waits for the answer's note.
async fn confirm(d: &WebDriver) {
    d.find(By::Id("op-confirm"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(d, r#"#op-note[data-outcome="accepted"]"#, 30).await;
}

/// Waits until the view shows round `execute_count` finished with job status `job_status`.
async fn wait_round_finished(d: &WebDriver, execute_count: i32, job_status: i32) {
    wait_for(
        d,
        &format!(r#"[data-field="round"][data-execute-count="{execute_count}"]"#),
        60,
    )
    .await;
    wait_for(
        d,
        &format!(r#"#job-view[data-finished="true"][data-status="{job_status}"]"#),
        60,
    )
    .await;
}

/// The log of `host`, listed in `group` (a host status code), once it holds `want`.
async fn host_log(d: &WebDriver, group: i32, host: i64, want: &str) -> String {
    wait_for(d, &format!(r#"button[data-group="{group}"]"#), 10)
        .await
        .click()
        .await
        .unwrap();
    wait_for(d, &format!(r#"[data-host-id="{host}"]"#), 10).await;
    d.find(By::Css(format!(r#"[data-host-id="{host}"]"#)))
        .await
        .unwrap_or_else(|e| panic!("row of host {host}: {e}"))
        .click()
        .await
        .unwrap();
    let pre = wait_for(d, r#"#host-log[data-state="loaded"]"#, 15).await;
    let mut text = String::new();
    for _ in 0..100 {
        text = pre.text().await.unwrap_or_default();
        if text.contains(want) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_failed_hosts_runs_only_the_failed_host_again_until_the_job_succeeds() {
    let dir = TempDir::new("fastexec-e2e-ops");
    let server = Server::start(Path::new("fastexec.toml"));
    let id = launch(&server, &counting_script(&dir.0, 102), None, "e2e retry").await;
    let browser = Browser::start().await;
    let d = &browser.driver;
    open_job(&server, d, id).await;
    wait_round_finished(d, 0, 4).await;
    assert_eq!(
        buttons(d).await,
        ["op-retry-failed", "op-retry-all", "op-ignore-error"],
        "a failed step offers retry and ignore, nothing else"
    );
    assert_eq!(
        attr(d, "#step-ops", "data-busy").await.as_deref(),
        Some("false")
    );

    // Esc cancels, the focus returns, nothing is sent.
    open_dialog(d, "op-retry-failed", 1, 3).await;
    d.find(By::Id("op-cancel"))
        .await
        .unwrap()
        .send_keys(Key::Escape)
        .await
        .unwrap();
    assert!(!present(d, "op-dialog").await, "Esc closes the dialog");
    assert_eq!(active_id(d).await, "op-retry-failed", "the focus returns");
    let s = status(&server, id).await;
    assert_eq!(s["data"]["step_instance_list"][0]["execute_count"], 0);
    assert_eq!(
        attr(d, "#step-ops", "data-sent").await.as_deref(),
        Some("0")
    );

    // Retry failed hosts: only 102 runs again, in round 2, and fails again.
    open_dialog(d, "op-retry-failed", 1, 3).await;
    confirm(d).await;
    wait_round_finished(d, 1, 4).await;
    assert_eq!(
        attr(d, "#step-ops", "data-sent").await.as_deref(),
        Some("1"),
        "sent once"
    );
    assert_eq!(
        (runs(&dir.0, 101), runs(&dir.0, 102), runs(&dir.0, 103)),
        ("1".into(), "2".into(), "1".into()),
        "only the failed host ran again"
    );
    let round = wait_for(d, r#"[data-field="round"]"#, 5).await;
    let text = round.text().await.unwrap();
    assert!(text.contains('2'), "round 2 shown: {text}");
    let log = host_log(d, 104, 102, "run 2 of host 102").await;
    assert!(
        log.contains("run 2 of host 102") && !log.contains("run 1 of host 102"),
        "host 102's log is round 2's: {log}"
    );

    // The cause fixed, a second retry ends the job successful (round 3).
    std::fs::write(dir.0.join("fixed"), "").unwrap();
    open_dialog(d, "op-retry-failed", 1, 3).await;
    confirm(d).await;
    wait_round_finished(d, 2, 3).await;
    let api = wait_job_finished(&server, id, Duration::from_secs(10)).await;
    assert_eq!(api["data"]["job_instance"]["status"], json!(3), "{api}");
    assert_eq!(
        (runs(&dir.0, 101), runs(&dir.0, 102), runs(&dir.0, 103)),
        ("1".into(), "3".into(), "1".into())
    );
    wait_for(d, r#"button[data-group="9"][data-count="3"]"#, 10).await;
    assert!(
        buttons(d).await.is_empty(),
        "a successful step offers nothing"
    );

    // Round 1's results are still there to see (get_step_instance_status, execute_count 0):
    // host 102 failed in it.
    let picker = wait_for(d, "#round-select", 10).await;
    assert_eq!(picker.find_all(By::Css("option")).await.unwrap().len(), 3);
    picker
        .find(By::Css(r#"option[value="0"]"#))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        d,
        r#"[data-field="round_shown"][data-execute-count="0"]"#,
        10,
    )
    .await;
    wait_for(d, r#"button[data-group="104"][data-count="1"]"#, 10).await;
    wait_for(d, r#"button[data-group="9"][data-count="2"]"#, 10).await;
    d.find(By::Id("round-back"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(d, r#"button[data-group="9"][data-count="3"]"#, 10).await;
    assert!(d
        .find_all(By::Css(r#"[data-field="round_shown"]"#))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manual_rolling_job_waits_after_batch_one_and_continue_runs_the_next_batch() {
    let dir = TempDir::new("fastexec-e2e-ops");
    let server = Server::start(Path::new("fastexec.toml"));
    // "1 +1" over 3 hosts: batches [101], [102, 103]; nothing fails.
    let rolling = json!({"expression": "1 +1", "mode": 3});
    let id = launch(
        &server,
        &counting_script(&dir.0, 0),
        Some(rolling),
        "e2e rolling 3",
    )
    .await;
    let browser = Browser::start().await;
    let d = &browser.driver;
    open_job(&server, d, id).await;

    wait_for(
        d,
        r#"#job-view[data-status="7"][data-finished="false"]"#,
        60,
    )
    .await;
    let note = wait_for(d, r#"[data-field="step_note"][data-step-status="7"]"#, 10).await;
    assert!(
        note.text().await.unwrap().contains('2'),
        "the status line says 2 hosts wait"
    );
    wait_for(d, r#"button[data-group="5"][data-count="2"]"#, 10).await;
    assert_eq!(buttons(d).await, ["op-continue-batch"]);
    // Launched through the API, not from this browser: the batch sizes come from the server.
    wait_for(d, r#"[data-batch="2"][data-state="confirm"]"#, 10).await;
    let position = wait_for(d, r#"[data-field="batch_position"]"#, 5).await;
    assert_eq!(position.text().await.unwrap(), "Batch 2 of 2");
    assert_eq!(
        attr(d, r#"[data-batch="1"]"#, "data-state")
            .await
            .as_deref(),
        Some("done")
    );
    assert_eq!(runs(&dir.0, 102), "", "batch 2 has not run");

    open_dialog(d, "op-continue-batch", 2, 3).await;
    confirm(d).await;
    wait_round_finished(d, 0, 3).await;
    wait_for(d, r#"button[data-group="9"][data-count="3"]"#, 10).await;
    assert_eq!(
        (runs(&dir.0, 101), runs(&dir.0, 102), runs(&dir.0, 103)),
        ("1".into(), "1".into(), "1".into())
    );
    assert!(buttons(d).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolling_job_in_mode_one_pauses_on_a_failing_batch_and_ignore_goes_on() {
    let dir = TempDir::new("fastexec-e2e-ops");
    let server = Server::start(Path::new("fastexec.toml"));
    // One host per batch; 102 (batch 2) fails.
    let rolling = json!({"expression": "1", "mode": 1});
    let id = launch(
        &server,
        &counting_script(&dir.0, 102),
        Some(rolling),
        "e2e rolling 1",
    )
    .await;
    let browser = Browser::start().await;
    let d = &browser.driver;
    open_job(&server, d, id).await;

    wait_round_finished(d, 0, 4).await;
    wait_for(d, r#"button[data-group="5"][data-count="1"]"#, 10).await;
    assert_eq!(runs(&dir.0, 103), "", "batch 3 waits");
    let note = wait_for(d, r#"[data-field="step_note"]"#, 10).await;
    assert!(note.text().await.unwrap().contains('1'));
    assert_eq!(
        buttons(d).await,
        ["op-retry-failed", "op-retry-all", "op-ignore-error"]
    );

    open_dialog(d, "op-ignore-error", 1, 3).await;
    confirm(d).await;
    // The job leaves its failed status and batch 3 runs.
    wait_for(d, r#"#job-view[data-finished="true"][data-status="3"]"#, 60).await;
    let api = wait_job_finished(&server, id, Duration::from_secs(10)).await;
    assert_eq!(api["data"]["job_instance"]["status"], json!(3), "{api}");
    assert_eq!(runs(&dir.0, 103), "1", "batch 3 ran");
    assert_eq!(runs(&dir.0, 102), "1", "batch 2 was not run again");
    wait_for(d, r#"button[data-group="9"][data-count="2"]"#, 10).await;
    assert!(buttons(d).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operation_refused_in_the_steps_new_status_is_explained_and_the_status_reread() {
    let server = Server::start(Path::new("fastexec.toml"));
    // 102 fails after 3 s: a retry keeps the step running that long.
    let script = "if [ \"$BK_JOB_HOST_ID\" = 102 ]; then sleep 3; exit 3; fi\necho ok\n";
    let id = launch(&server, script, None, "e2e refused").await;
    let browser = Browser::start().await;
    let d = &browser.driver;
    open_job(&server, d, id).await;
    wait_round_finished(d, 0, 4).await;

    // Someone else retries first: the view still shows the failed step (it stopped polling).
    let s = status(&server, id).await;
    let step = s["data"]["step_instance_list"][0]["step_instance_id"].clone();
    let answer = api_call(
        &server,
        "POST",
        "operate_step_instance",
        demo::ADMIN,
        json!({"bk_scope_type": "biz", "bk_scope_id": demo::BIZ_ID, "job_instance_id": id,
               "step_instance_id": step, "operation_code": 2}),
    )
    .await;
    assert_eq!(answer["code"], json!(0), "{answer}");

    open_dialog(d, "op-retry-failed", 1, 3).await;
    d.find(By::Id("op-confirm"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(d, r#"#op-note[data-outcome="refused"]"#, 30).await;
    wait_for(d, r#"#op-note .job-error[data-code="1241003"]"#, 5).await;
    // The status is read again: the running retry shows, with nothing to offer.
    wait_for(d, r#"[data-field="round"][data-execute-count="1"]"#, 30).await;
    wait_for(d, r#"#job-view[data-finished="false"]"#, 5).await;
    assert!(buttons(d).await.is_empty(), "a running step offers nothing");
    wait_round_finished(d, 1, 4).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operation_the_user_may_not_do_shows_the_permission_answer_and_runs_nothing() {
    // The demo plus "viewer", who may follow the business's jobs but not run scripts.
    let demo_cfg = std::fs::read_to_string(e2e::project_root().join("fastexec.toml")).unwrap();
    let cfg_dir = TempDir::new("fastexec-e2e-config");
    let cfg = cfg_dir.0.join("fastexec.toml");
    std::fs::write(
        &cfg,
        format!(
            "{demo_cfg}\n[[users]]\nname = \"viewer\"\ntokens = []\n\
             grants = [{{ scope_type = \"biz\", scope_id = \"2\", \
             actions = [\"access_business\", \"view_history\"] }}]\n"
        ),
    )
    .unwrap();
    let dir = TempDir::new("fastexec-e2e-ops");
    let server = Server::start(&cfg);
    let id = launch(&server, &counting_script(&dir.0, 102), None, "e2e viewer").await;
    let browser = Browser::start().await;
    let d = &browser.driver;
    d.goto(format!("{}jobs/biz/{}/{id}", server.url, demo::BIZ_ID))
        .await
        .unwrap();
    wait_for(d, &format!(r#"#job-view[data-job-instance-id="{id}"]"#), 30).await;
    connect_as(d, "viewer").await;
    wait_round_finished(d, 0, 4).await;

    open_dialog(d, "op-retry-failed", 1, 3).await;
    d.find(By::Id("op-confirm"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // BK-JOB's 9900403 with what is missing, next to the buttons; nothing ran again.
    let panel = wait_for(d, r#"#op-note .job-error[data-code="9900403"]"#, 10).await;
    let actions = panel
        .find_all(By::Css("#job-permission li[data-action]"))
        .await
        .unwrap();
    let mut ids = Vec::new();
    for a in actions {
        ids.push(a.attr("data-action").await.unwrap().unwrap_or_default());
    }
    assert!(
        ids.iter().any(|a| a == "quick_execute_script"),
        "the missing execute permission is named: {ids:?}"
    );
    assert_eq!(
        attr(d, "#op-note", "data-outcome").await.as_deref(),
        Some("refused")
    );
    let s = status(&server, id).await;
    assert_eq!(
        s["data"]["step_instance_list"][0]["execute_count"], 0,
        "{s}"
    );
    assert_eq!(runs(&dir.0, 102), "1", "host 102 did not run again");
    // The buttons stay usable (another user, or after the permission is granted).
    wait_for(d, r#"#step-ops[data-busy="false"]"#, 10).await;
}
