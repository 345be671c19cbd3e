//! The job view in headless Chromium: host grouping and filtering rendered from a status
//! answer (50,000 hosts, only a window of rows in the DOM), the polling schedule with a fake
//! API and millisecond intervals (no fixed sleeps in assertions: every wait polls a condition
//! with a deadline), errors and recovery, terminate, log search.
//!
//! Run: `cargo test -p fastexec --target wasm32-unknown-unknown --test job`

#![cfg(target_arch = "wasm32")]

mod support;

use std::rc::Rc;
use std::sync::Arc;

use bkjob_api::Lang;
use fastexec::job::{split_status, CallError, HostResults};
use leptos::prelude::*;
use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Event, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

// ---------- hosts ----------

#[wasm_bindgen_test]
async fn fifty_thousand_hosts_grouped_filtered_and_windowed() {
    let mut hosts = Vec::with_capacity(50_000);
    for id in 1..=50_000i64 {
        let (status, tag) = match id % 100 {
            0 => (104, ""),
            1 => (1, ""),
            2 => (9, "canary"),
            _ => (9, ""),
        };
        hosts.push(host(id, status, tag));
    }
    let (_, step, model) = split_status(status_answer(3, true, hosts));
    assert_eq!(step, Some(420));
    let model = Arc::new(model);
    let root = mount_point();
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <HostResults model=Signal::stored(model.clone()) lang=Signal::stored(Lang::ZhCn)/> }
    });
    leptos::task::tick().await;

    // group counts
    assert_eq!(
        attr(&root, r#"[data-group="9"]"#, "data-count").as_deref(),
        Some("48500")
    );
    assert_eq!(
        attr(&root, r#"[data-group="canary"]"#, "data-count").as_deref(),
        Some("500")
    );
    assert_eq!(
        attr(&root, r#"[data-group="104"]"#, "data-count").as_deref(),
        Some("500")
    );
    assert_eq!(
        attr(&root, r#"[data-group="1"]"#, "data-count").as_deref(),
        Some("500")
    );
    assert_eq!(children(&root, ".job-groups"), 4);
    // tabs are buttons, the success group is first and selected
    assert_eq!(
        attr(&root, "button[data-group]", "data-group").as_deref(),
        Some("9")
    );

    // only a window of rows is in the DOM
    let rows = row_count(&root);
    assert!(rows > 5 && rows < 60, "{rows} rows rendered");
    assert_eq!(
        attr(&root, "[data-host-id]", "data-host-id").as_deref(),
        Some("3")
    );
    let spacer_style = attr(&root, ".job-host-spacer", "style").unwrap();
    assert!(
        spacer_style.contains(&format!("height:{}px", 48_500.0 * 28.0)),
        "{spacer_style}"
    );
    for field in [
        "ip",
        "bk_cloud_id",
        "bk_host_id",
        "status",
        "exit_code",
        "total_time",
    ] {
        assert!(
            q(
                &root,
                &format!(r#"[data-host-id="3"] [data-field="{field}"]"#)
            )
            .is_some(),
            "{field}"
        );
    }
    assert_eq!(
        q(&root, r#"[data-host-id="3"] [data-field="status"]"#)
            .unwrap()
            .text_content()
            .unwrap(),
        "执行成功"
    );

    // scrolling far down renders another window, still small
    let scroller: HtmlElement = q(&root, "#host-list").unwrap().unchecked_into();
    scroller.set_scroll_top(28 * 20_000);
    scroller
        .dispatch_event(&Event::new("scroll").unwrap())
        .unwrap();
    wait_for("rows from the middle", || {
        attr(&root, "[data-host-id]", "data-host-id")
            .and_then(|v| v.parse::<i64>().ok())
            .is_some_and(|id| id > 20_000)
    })
    .await;
    assert!(row_count(&root) < 60);

    // another group
    click(&root, r#"button[data-group="104"]"#);
    wait_for("group 104 rows", || {
        attr(&root, "[data-host-id]", "data-host-id").as_deref() == Some("100")
    })
    .await;
    assert_eq!(
        attr(&root, r#"button[data-group="104"]"#, "aria-selected").as_deref(),
        Some("true")
    );

    // filter by host id inside the group: 500 hosts → ids containing "4990" → 4990? no (not %100)
    // → 49900 only
    type_into(&root, r#"input[name="host_filter"]"#, "4990");
    wait_for("filtered to one host", || row_count(&root) == 1).await;
    assert_eq!(
        attr(&root, "[data-host-id]", "data-host-id").as_deref(),
        Some("49900")
    );
    // by IP
    type_into(&root, r#"input[name="host_filter"]"#, "10.0.1.44");
    wait_for("filtered by ip", || {
        attr(&root, "[data-host-id]", "data-host-id").as_deref() == Some("300")
    })
    .await;
    assert_eq!(row_count(&root), 1);
    // cleared: the whole group again
    type_into(&root, r#"input[name="host_filter"]"#, "");
    wait_for("filter cleared", || row_count(&root) > 5).await;
}

#[wasm_bindgen_test]
async fn keyboard_moves_through_the_list() {
    let hosts: Vec<_> = (1..=100).map(|id| host(id, 9, "")).collect();
    let (_, _, model) = split_status(status_answer(3, true, hosts));
    let model = Arc::new(model);
    let root = mount_point();
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <HostResults model=Signal::stored(model.clone()) lang=Signal::stored(Lang::En)/> }
    });
    leptos::task::tick().await;
    let list: HtmlElement = q(&root, "#host-list").unwrap().unchecked_into();
    assert_eq!(list.get_attribute("tabindex").as_deref(), Some("0"));
    press(&list, "End");
    wait_for("last row rendered as cursor", || {
        attr(&root, ".job-host-row.cursor", "data-host-id").as_deref() == Some("100")
    })
    .await;
}

// ---------- polling ----------

#[wasm_bindgen_test]
async fn polls_until_finished_then_stops() {
    let fake = Rc::new(Fake::default());
    {
        let mut a = fake.answers.borrow_mut();
        a.push_back(Ok(status_answer(
            2,
            false,
            vec![host(101, 7, ""), host(102, 5, "")],
        )));
        a.push_back(Ok(status_answer(
            2,
            false,
            vec![host(101, 9, ""), host(102, 7, "")],
        )));
        a.push_back(Ok(status_answer(
            3,
            true,
            vec![host(101, 9, ""), host(102, 9, "")],
        )));
    }
    let (root, _handle) = mount_view(&fake, fast_schedule());
    assert_eq!(
        attr(&root, "#job-view", "data-job-instance-id").as_deref(),
        Some("42")
    );
    wait_for("finished", || {
        attr(&root, "#job-view", "data-finished").as_deref() == Some("true")
    })
    .await;
    assert_eq!(
        attr(&root, "#job-view", "data-status").as_deref(),
        Some("3")
    );
    assert_eq!(fake.status_calls.get(), 3);
    assert_eq!(
        q(&root, r#"[data-field="done"]"#)
            .unwrap()
            .text_content()
            .unwrap(),
        "2"
    );
    assert_eq!(
        q(&root, r#"[data-field="success_count"]"#)
            .unwrap()
            .text_content()
            .unwrap(),
        "2"
    );
    assert_eq!(
        attr(&root, r#"[data-group="9"]"#, "data-count").as_deref(),
        Some("2")
    );
    // no terminate button once finished
    assert!(q(&root, "#terminate").is_none());
    // stopped: well past several intervals, no further call
    sleep(150).await;
    assert_eq!(fake.status_calls.get(), 3);
    assert_eq!(fake.max_in_flight.get(), 1);
}

#[wasm_bindgen_test]
async fn failures_back_off_show_a_notice_and_recover() {
    let fake = Rc::new(Fake::default());
    *fake.fallback.borrow_mut() = Some(Err(CallError::Api {
        http_status: 200,
        code: 9_900_403,
        message: "User (guest) permission not allowed".into(),
        job_request_id: Some("req-1".into()),
        permission: serde_json::from_str(
            r#"{"system_id":"bk_job","system_name":"Job","actions":[{"id":"view_history","name":"View History","related_resource_types":[{"system_id":"bk_cmdb","system_name":"Cmdb","type":"biz","type_name":"Business","instances":[[{"id":"2","type":"biz","type_name":"Business","name":"demo"}]]}]}]}"#,
        )
        .ok(),
    }));
    let (root, _handle) = mount_view(&fake, fast_schedule());
    wait_for("permission panel", || {
        q(&root, r#".job-error[data-kind="permission"]"#).is_some()
    })
    .await;
    assert_eq!(
        attr(&root, ".job-error", "data-code").as_deref(),
        Some("9900403")
    );
    assert!(q(&root, r#"#job-permission [data-action="view_history"]"#).is_some());
    let perm_text = q(&root, "#job-permission").unwrap().text_content().unwrap();
    assert!(
        perm_text.contains("View History") && perm_text.contains("demo"),
        "{perm_text}"
    );
    wait_for("retry notice", || q(&root, "#job-retry").is_some()).await;
    let notice = q(&root, "#job-retry").unwrap().text_content().unwrap();
    assert!(notice.contains("retrying in"), "{notice}");
    // back-off: the calls slow down (5 ms cadence → 10, 20, 40, 60 ms ceiling)
    let before = fake.status_calls.get();
    sleep(200).await;
    let during = fake.status_calls.get() - before;
    assert!(during <= 6, "{during} calls in 200 ms despite back-off");

    // the server answers again: the view recovers and keeps polling
    *fake.fallback.borrow_mut() = Some(Ok(status_answer(2, false, vec![host(101, 7, "")])));
    wait_for("recovered", || {
        attr(&root, "#job-view", "data-status").as_deref() == Some("2")
    })
    .await;
    wait_for("error cleared", || {
        q(&root, ".job-error").is_none() && q(&root, "#job-retry").is_none()
    })
    .await;
    *fake.fallback.borrow_mut() = Some(Ok(status_answer(3, true, vec![host(101, 9, "")])));
    wait_for("finished", || {
        attr(&root, "#job-view", "data-finished").as_deref() == Some("true")
    })
    .await;
    assert_eq!(fake.max_in_flight.get(), 1);
}

#[wasm_bindgen_test]
async fn an_answer_over_the_cap_is_shown_as_not_read() {
    let fake = Rc::new(Fake::default());
    *fake.fallback.borrow_mut() = Some(Err(CallError::TooLarge {
        http_status: 200,
        max_bytes: fastexec::limit::cap_bytes(None),
    }));
    let (root, _handle) = mount_view(&fake, fast_schedule());
    wait_for("too-large error", || {
        q(&root, r#".job-error[data-kind="too-large"]"#).is_some()
    })
    .await;
    let text = q(&root, ".job-error").unwrap().text_content().unwrap();
    assert!(
        text.contains("Answer too large")
            && text.contains("The answer is larger than 64 MiB and was not read"),
        "{text}"
    );
}

#[wasm_bindgen_test]
async fn never_two_polls_at_once_and_unmount_stops() {
    let fake = Rc::new(Fake::default());
    fake.delay_ms.set(40); // each answer takes longer than the 5 ms cadence
    *fake.fallback.borrow_mut() = Some(Ok(status_answer(2, false, vec![host(101, 7, "")])));
    let (root, handle) = mount_view(&fake, fast_schedule());
    wait_for("first answer", || {
        attr(&root, "#job-view", "data-status").as_deref() == Some("2")
    })
    .await;
    // hammer "retry" paths: clicking terminate-cancel etc. must not start a second request
    for _ in 0..5 {
        sleep(7).await;
    }
    wait_for("a few polls", || fake.status_calls.get() >= 3).await;
    assert_eq!(fake.max_in_flight.get(), 1);
    drop(handle);
    let calls = fake.status_calls.get();
    sleep(200).await;
    assert!(
        fake.status_calls.get() <= calls + 1,
        "polling went on after unmount"
    );
}

// ---------- actions and logs ----------

#[wasm_bindgen_test]
async fn terminate_asks_first_and_names_the_job() {
    let fake = Rc::new(Fake::default());
    *fake.fallback.borrow_mut() = Some(Ok(status_answer(
        2,
        false,
        vec![host(101, 7, ""), host(102, 7, ""), host(104, 1, "")],
    )));
    let (root, _handle) = mount_view(&fake, fast_schedule());
    wait_for("terminate button", || q(&root, "#terminate").is_some()).await;
    click(&root, "#terminate");
    wait_for("confirmation", || q(&root, "#terminate-confirm").is_some()).await;
    let question = q(&root, "#terminate-dialog")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(
        question.contains("nightly cleanup")
            && question.contains("42")
            && question.contains("3 hosts"),
        "{question}"
    );
    assert_eq!(
        fake.terminate_calls.get(),
        0,
        "nothing sent before confirming"
    );
    click(&root, "#terminate-confirm");
    wait_for("terminate sent", || fake.terminate_calls.get() == 1).await;
    *fake.fallback.borrow_mut() = Some(Ok(status_answer(11, true, vec![host(101, 403, "")])));
    wait_for("terminated", || {
        attr(&root, "#job-view", "data-status").as_deref() == Some("11")
    })
    .await;
    assert_eq!(
        attr(&root, "#job-view", "data-finished").as_deref(),
        Some("true")
    );
}

#[wasm_bindgen_test]
async fn log_search_highlights_text_never_html() {
    let fake = Rc::new(Fake::default());
    *fake.log_text.borrow_mut() = "<b>bold?</b> error one\nok\nERROR two\n".into();
    *fake.fallback.borrow_mut() = Some(Ok(status_answer(
        3,
        true,
        vec![host(101, 9, ""), host(102, 9, "")],
    )));
    let (root, _handle) = mount_view(&fake, fast_schedule());
    wait_for("rows", || q(&root, r#"[data-host-id="101"]"#).is_some()).await;
    click(&root, r#"[data-host-id="101"]"#);
    wait_for("log loaded", || {
        attr(&root, "#host-log", "data-state").as_deref() == Some("loaded")
    })
    .await;
    let pre = q(&root, "#host-log").unwrap();
    assert!(pre.text_content().unwrap().contains("<b>bold?</b>"));
    assert!(
        pre.query_selector("b").unwrap().is_none(),
        "log text must not become HTML"
    );
    type_into(&root, r#"input[name="log_search"]"#, "error");
    wait_for("two marks", || {
        pre.inner_html().matches("<mark>").count() == 2
    })
    .await;
    assert!(q(&root, r#"[data-field="log_matches"]"#)
        .unwrap()
        .text_content()
        .unwrap()
        .contains("2 matches"));
    assert_eq!(
        pre.text_content().unwrap(),
        "<b>bold?</b> error one\nok\nERROR two\n"
    );
    // group download goes through batches
    click(&root, "#download-group");
    wait_for("batch call", || !fake.batch_sizes.borrow().is_empty()).await;
    assert_eq!(*fake.batch_sizes.borrow(), vec![2]);
}
