//! The job view after the launch, in headless Chromium with a scripted fake API: step
//! operations (confirmation, never sent twice, polling resumed), earlier rounds, and the batch
//! strip of a rolling job learnt from the server.
//!
//! Run: `cargo test -p fastexec --target wasm32-unknown-unknown --test job_ops`

#![cfg(target_arch = "wasm32")]

mod support;

use std::rc::Rc;

use bkjob_api::{JobInstanceStatusData, StepHostResult, StepInstanceStatusData, StepResultGroup};
use fastexec::job::rounds::StepQuery;
use fastexec::job::CallError;
use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Event, EventInit, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn round_answer(job_status: i32, finished: bool, execute_count: i32) -> JobInstanceStatusData {
    let mut a = status_answer(
        job_status,
        finished,
        vec![host(101, 9, ""), host(102, 104, ""), host(103, 104, "")],
    );
    a.step_instance_list[0].execute_count = execute_count;
    a
}

#[wasm_bindgen_test]
async fn step_operations_confirm_once_resume_polling_and_never_resend_an_unknown_outcome() {
    let fake = Rc::new(Fake::default());
    *fake.fallback.borrow_mut() = Some(Ok(round_answer(4, true, 0)));
    let (root, _handle) = mount_view(&fake, fast_schedule());
    wait_for("the buttons of a failed step", || {
        q(&root, "#op-retry-failed").is_some()
    })
    .await;
    assert!(q(&root, "#op-retry-all").is_some() && q(&root, "#op-ignore-error").is_some());
    assert!(q(&root, "#op-continue-batch").is_none());
    assert_eq!(
        q(&root, r#"[data-field="round"]"#)
            .unwrap()
            .text_content()
            .unwrap(),
        "Round 1"
    );

    // Esc cancels without sending.
    click(&root, "#op-retry-failed");
    wait_for("the dialog", || q(&root, "#op-dialog").is_some()).await;
    assert_eq!(
        q(&root, "#op-dialog-question")
            .unwrap()
            .text_content()
            .unwrap(),
        "Run the script again on 2 failed hosts of 3?"
    );
    press(&q(&root, "#op-cancel").unwrap().unchecked_into(), "Escape");
    wait_for("the dialog closed", || q(&root, "#op-dialog").is_none()).await;
    assert!(fake.operate_calls.borrow().is_empty());

    // Confirm twice: sent once; the finished job is polled again and shows round 2.
    let polls = fake.status_calls.get();
    click(&root, "#op-retry-failed");
    wait_for("the dialog", || q(&root, "#op-confirm").is_some()).await;
    *fake.fallback.borrow_mut() = Some(Ok(round_answer(2, false, 1)));
    click(&root, "#op-confirm");
    if let Some(again) = q(&root, "#op-confirm") {
        again.unchecked_into::<HtmlElement>().click();
    }
    wait_for("accepted", || {
        attr(&root, "#op-note", "data-outcome").as_deref() == Some("accepted")
    })
    .await;
    wait_for("running again", || {
        attr(&root, "#job-view", "data-finished").as_deref() == Some("false")
    })
    .await;
    assert!(fake.status_calls.get() > polls, "polling resumed");
    assert_eq!(*fake.operate_calls.borrow(), vec![2]);
    assert_eq!(
        q(&root, r#"[data-field="round"]"#)
            .unwrap()
            .text_content()
            .unwrap(),
        "Round 2"
    );
    assert!(
        q(&root, "#op-retry-failed").is_none(),
        "nothing to offer while running"
    );

    // Failed again; this time the answer is lost: not sent again, the status is re-read.
    *fake.fallback.borrow_mut() = Some(Ok(round_answer(4, true, 1)));
    wait_for("the buttons again", || {
        q(&root, "#op-retry-all").is_some()
            && attr(&root, "#step-ops", "data-busy").as_deref() == Some("false")
    })
    .await;
    *fake.operate_error.borrow_mut() = Some(CallError::Network {
        detail: "timeout".into(),
    });
    click(&root, "#op-retry-all");
    wait_for("the dialog", || q(&root, "#op-confirm").is_some()).await;
    let polls = fake.status_calls.get();
    click(&root, "#op-confirm");
    wait_for("unknown", || {
        attr(&root, "#op-note", "data-outcome").as_deref() == Some("unknown")
    })
    .await;
    wait_for("the status read again", || fake.status_calls.get() > polls).await;
    sleep(150).await;
    assert_eq!(*fake.operate_calls.borrow(), vec![2, 8], "never resent");
    assert!(
        q(&root, "#op-note .job-error").is_some(),
        "the error is shown"
    );
}

fn select_value(root: &HtmlElement, css: &str, value: &str) {
    let el = q(root, css).unwrap_or_else(|| panic!("{css} missing"));
    el.clone()
        .unchecked_into::<web_sys::HtmlSelectElement>()
        .set_value(value);
    let init = EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
}

/// A `get_step_instance_status` answer: `groups` of (host status, host IDs).
fn step_answer(execute_count: i32, groups: &[(i32, &[i64])]) -> StepInstanceStatusData {
    StepInstanceStatusData {
        step_instance_id: 420,
        execute_count,
        status: Some(3),
        step_result_group_list: groups
            .iter()
            .map(|(status, ids)| StepResultGroup {
                result_type: *status,
                tag: Some(String::new()),
                host_size: ids.len() as i32,
                host_result_list: Some(
                    ids.iter()
                        .map(|&id| StepHostResult {
                            bk_host_id: id,
                            ip: Some(format!("10.0.0.{id}")),
                            status: *status,
                            exit_code: Some(if *status == 9 { 0 } else { 1 }),
                            ..Default::default()
                        })
                        .collect(),
                ),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

#[wasm_bindgen_test]
async fn an_earlier_round_replaces_the_hosts_read_only_until_going_back() {
    let fake = Rc::new(Fake::default());
    // Round 2 succeeded on every host; round 1 had two failures.
    let mut now = status_answer(
        3,
        true,
        vec![host(101, 9, ""), host(102, 9, ""), host(103, 9, "")],
    );
    now.step_instance_list[0].execute_count = 1;
    *fake.fallback.borrow_mut() = Some(Ok(now));
    *fake.step_answer.borrow_mut() = Some(Box::new(|q: StepQuery| {
        assert_eq!(
            (q.execute_count, q.batch),
            (Some(0), Some(0)),
            "round 1, all batches"
        );
        Ok(step_answer(0, &[(9, &[101]), (104, &[103, 102])]))
    }));
    let (root, _handle) = mount_view(&fake, fast_schedule());
    wait_for("the round picker", || q(&root, "#round-select").is_some()).await;
    assert_eq!(children(&root, "#round-select"), 2, "rounds 2 and 1");
    assert_eq!(
        attr(&root, r#"[data-group="9"]"#, "data-count").as_deref(),
        Some("3")
    );

    select_value(&root, "#round-select", "0");
    wait_for("round 1 shown", || {
        attr(&root, r#"[data-group="104"]"#, "data-count").as_deref() == Some("2")
    })
    .await;
    assert_eq!(
        attr(&root, r#"[data-field="round_shown"]"#, "data-execute-count").as_deref(),
        Some("0")
    );
    assert_eq!(
        q(&root, r#"[data-field="round_shown"]"#)
            .unwrap()
            .text_content()
            .unwrap(),
        "Showing the host results of round 1 (read-only; the current round is 2) Back to the current round"
    );
    assert!(q(&root, "#download-group")
        .unwrap()
        .has_attribute("disabled"));
    // Logs are the current round's only: an earlier round's host says so instead.
    click(&root, r#"[data-group="104"]"#);
    wait_for("a failed host row", || {
        q(&root, r#".job-host-window [data-host-id="102"]"#).is_some()
    })
    .await;
    click(&root, r#".job-host-window [data-host-id="102"]"#);
    wait_for("the note", || {
        attr(&root, "#host-log", "data-state").as_deref() == Some("other-round")
    })
    .await;

    click(&root, "#round-back");
    wait_for("the current round again", || {
        q(&root, r#"[data-field="round_shown"]"#).is_none()
            && attr(&root, r#"[data-group="9"]"#, "data-count").as_deref() == Some("3")
    })
    .await;
    assert_eq!(fake.step_queries.borrow().len(), 1);
}

#[wasm_bindgen_test]
async fn a_rolling_job_launched_elsewhere_learns_its_batches_from_the_server() {
    let fake = Rc::new(Fake::default());
    // "1 +1" over 10 hosts (1, 2, 3, 4): batch 1 ran, the step waits for a confirmation.
    let mut hosts = vec![host(1, 9, "")];
    hosts.extend((2..=10).map(|id| host(id, 5, "")));
    *fake.fallback.borrow_mut() = Some(Ok(status_answer(7, false, hosts)));
    *fake.step_answer.borrow_mut() = Some(Box::new(|q: StepQuery| {
        let ids: &[i64] = match q.batch {
            Some(1) => &[1],
            Some(2) => &[2, 3],
            _ => panic!("only batches 1 and 2 are needed: {q:?}"),
        };
        let status = if q.batch == Some(1) { 9 } else { 5 };
        Ok(step_answer(0, &[(status, ids)]))
    }));
    let (root, _handle) = mount_view(&fake, fast_schedule());
    // Batch 1 is learnt first (the rest shown as later batches), then batch 2.
    wait_for("batches 1 and 2 learnt", || {
        q(&root, r#"[data-batch="3"]"#).is_some()
    })
    .await;
    assert_eq!(
        q(&root, r#"[data-field="batch_position"]"#)
            .unwrap()
            .text_content()
            .unwrap(),
        "Batch 2 of at least 3"
    );
    let cells: Vec<(String, String)> = (1..=3)
        .map(|n| {
            let css = format!(r#"[data-batch="{n}"]"#);
            (
                attr(&root, &css, "data-state").unwrap(),
                q(&root, &css).unwrap().text_content().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cells,
        [
            ("done".into(), "Batch 1 · 1 hosts ran".into()),
            (
                "confirm".into(),
                "Batch 2 · 2 hosts waiting for confirmation".into()
            ),
            ("pending".into(), "Later batches · 7 hosts to come".into()),
        ]
    );
    assert!(q(&root, r#"[data-field="batch_source"]"#).is_some());
    // Polling goes on; the known batches are not asked again.
    let polls = fake.status_calls.get();
    wait_for("more polls", || fake.status_calls.get() > polls + 2).await;
    assert_eq!(fake.step_queries.borrow().len(), 2);
    assert!(fake
        .step_queries
        .borrow()
        .iter()
        .all(|q| q.max_hosts_per_group == Some(1) && q.execute_count.is_none()));
}

#[wasm_bindgen_test]
async fn a_job_that_is_not_rolling_is_asked_once_and_shows_no_strip() {
    let fake = Rc::new(Fake::default());
    // Hosts waiting for a process slot, not for a batch: batch 1 answers every host.
    let mut hosts = vec![host(1, 7, "")];
    hosts.extend((2..=4).map(|id| host(id, 5, "")));
    *fake.fallback.borrow_mut() = Some(Ok(status_answer(2, false, hosts)));
    *fake.step_answer.borrow_mut() = Some(Box::new(|_| {
        Ok(step_answer(0, &[(7, &[1]), (5, &[2, 3, 4])]))
    }));
    let (root, _handle) = mount_view(&fake, fast_schedule());
    wait_for("asked once", || fake.step_queries.borrow().len() == 1).await;
    let polls = fake.status_calls.get();
    wait_for("more polls", || fake.status_calls.get() > polls + 2).await;
    assert_eq!(fake.step_queries.borrow().len(), 1);
    assert!(q(&root, "#batch-strip").is_none());
}

#[wasm_bindgen_test]
async fn a_rolling_retry_names_the_hosts_of_the_current_batch() {
    let fake = Rc::new(Fake::default());
    // Batch 1 (101, 102) had 102 fail and was ignored; batch 2 (103, 104) failed on 103 and
    // paused the job; batch 3 (105, 106) waits. The status answer alone would count 2 failed.
    let hosts = vec![
        host(101, 9, ""),
        host(102, 104, ""),
        host(103, 104, ""),
        host(104, 9, ""),
        host(105, 5, ""),
        host(106, 5, ""),
    ];
    *fake.fallback.borrow_mut() = Some(Ok(status_answer(4, true, hosts)));
    *fake.step_answer.borrow_mut() = Some(Box::new(|q: StepQuery| {
        // The batch strip learns batches 1 and 2 as well (this browser did not launch it).
        Ok(match q.batch {
            None => step_answer(0, &[(9, &[104]), (104, &[103])]),
            Some(1) => step_answer(0, &[(9, &[101]), (104, &[102])]),
            Some(2) => step_answer(0, &[(9, &[104]), (104, &[103])]),
            other => panic!("batch {other:?} is not needed"),
        })
    }));
    let current_reads = |f: &Fake| {
        f.step_queries
            .borrow()
            .iter()
            .filter(|&&q| q == StepQuery::current_batch())
            .count()
    };
    let (root, _handle) = mount_view(&fake, fast_schedule());
    wait_for("the buttons", || q(&root, "#op-retry-failed").is_some()).await;
    wait_for("the current batch read", || current_reads(&fake) == 1).await;
    click(&root, "#op-retry-failed");
    wait_for("the exact count", || {
        q(&root, "#op-dialog-question")
            .and_then(|e| e.text_content())
            .as_deref()
            == Some(
                "Run the script again on the 1 failed hosts of the current batch (6 hosts in all)?",
            )
    })
    .await;
    click(&root, "#op-cancel");
    click(&root, "#op-retry-all");
    wait_for("the batch's hosts", || {
        q(&root, "#op-dialog-question")
            .and_then(|e| e.text_content())
            .as_deref()
            == Some("Run the script again on the 2 hosts of the current batch (6 hosts in all)?")
    })
    .await;
    // Read once for this status and round, however often the status is polled.
    sleep(100).await;
    assert_eq!(current_reads(&fake), 1);
    assert!(fake.operate_calls.borrow().is_empty());
}
