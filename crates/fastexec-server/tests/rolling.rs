//! Rolling execution over real HTTP (`rolling_config`, bk-job-api-more.md §7): serial modes
//! 1/2/3 with their step and job statuses, continuing with code 13, retries of the current
//! batch, staggered batches, terminate while waiting, where each launch error surfaces, and
//! `get_step_instance_status` by batch and round.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};

/// Pause between batches short enough for the tests, long enough to be seen (15).
fn config() -> String {
    test_config("rolling_pause_ms = 150")
}

/// Hosts 101-103, rolling as `rolling`; `failing` fails unless `marker` exists.
fn rolling_req(rolling: Value, failing: i64, marker: &std::path::Path) -> Value {
    let script = format!(
        "if [ \"$BK_JOB_HOST_ID\" = {failing} ] && [ ! -f '{}' ]; then echo \"fail-$BK_JOB_HOST_ID\"; exit 2; fi\n\
         echo \"ok-$BK_JOB_HOST_ID\"\n",
        marker.display()
    );
    let mut r = script_req(&script);
    r["target_server"] = json!({"host_id_list": [101, 102, 103]});
    r["rolling_config"] = rolling;
    r
}

fn code(v: &Value) -> i64 {
    v["code"].as_i64().unwrap_or(-1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_mode_waits_before_each_batch_and_code_13_continues() {
    let tmp = tempfile::TempDir::new().unwrap();
    let cb = Callbacks::start().await;
    let srv = TestServer::start(&config()).await;
    let api = srv.api();
    // "1 +1" over 3 hosts: batches [101], [102, 103].
    let mut r = rolling_req(
        json!({"mode": 3, "expression": "1 +1"}),
        0,
        &tmp.path().join("x"),
    );
    r["callback_url"] = json!(cb.url());
    let (job, step) = api.launch(&r).await;
    let d = api.wait_job_status(job, 7).await;
    assert_eq!(d["finished"], false);
    assert_eq!(step_of(&d)["status"], 7);
    assert_eq!(host_statuses(&d), vec![(101, 9), (102, 5), (103, 5)]);
    // Waiting is not final: no callback yet.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(cb.wait(0).await.is_empty());
    // The current batch by default, one batch, all batches.
    assert_eq!(
        groups(&api.step_status(job, step, "").await),
        vec![(9, vec![101])]
    );
    assert_eq!(
        groups(&api.step_status(job, step, "&batch=2").await),
        vec![(5, vec![102, 103])]
    );
    assert_eq!(
        groups(&api.step_status(job, step, "&batch=0").await),
        vec![(5, vec![102, 103]), (9, vec![101])]
    );
    // Only 13 continues a waiting rolling step.
    for c in [2, 3, 6, 8, 11, 12] {
        assert_eq!(
            code(&api.op_step(job, step, c).await),
            1_241_003,
            "code {c}"
        );
    }
    assert_eq!(code(&api.op_step(job, step, 13).await), 0);
    let d = api.wait_finished(job).await;
    assert_eq!(
        (job_status(&d), step_of(&d)["status"].clone()),
        (3, json!(3))
    );
    assert_eq!(host_statuses(&d), vec![(101, 9), (102, 9), (103, 9)]);
    assert_eq!(step_of(&d)["execute_count"], 0);
    let now = api.step_status(job, step, "").await;
    assert_eq!(groups(&now), vec![(9, vec![102, 103])], "{now}");
    assert_eq!(cb.wait(1).await.len(), 1);
    assert_eq!(code(&api.op_step(job, step, 13).await), 1_241_003);
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminate_while_waiting_for_the_next_batch() {
    let tmp = tempfile::TempDir::new().unwrap();
    let cb = Callbacks::start().await;
    let srv = TestServer::start(&config()).await;
    let api = srv.api();
    let mut r = rolling_req(
        json!({"mode": 3, "expression": "1"}),
        0,
        &tmp.path().join("x"),
    );
    r["callback_url"] = json!(cb.url());
    let (job, step) = api.launch(&r).await;
    api.wait_job_status(job, 7).await;
    assert_eq!(code(&api.op_job(job, 1).await), 0);
    let d = api.status(job).await;
    assert_eq!(
        (job_status(&d), step_of(&d)["status"].clone()),
        (11, json!(11)),
        "{d}"
    );
    assert_eq!(d["finished"], true);
    assert_eq!(host_statuses(&d), vec![(101, 9), (102, 5), (103, 5)]);
    assert_eq!(cb.wait(1).await[0]["status"], 11);
    // Stopped: the batch may be retried, or the step skipped (11).
    assert_eq!(code(&api.op_step(job, step, 13).await), 1_241_003);
    assert_eq!(code(&api.op_step(job, step, 11).await), 0);
    let d = api.status(job).await;
    assert_eq!(
        (job_status(&d), step_of(&d)["status"].clone()),
        (3, json!(5))
    );
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_if_fail_stops_and_ignore_or_retry_go_on() {
    let tmp = tempfile::TempDir::new().unwrap();
    let marker = tmp.path().join("fixed");
    let srv = TestServer::start(&config()).await;
    let api = srv.api();
    // Mode 1, one host per batch; 102 (batch 2) fails.
    let rolling = json!({"mode": 1, "expression": "1"});
    let (job, step) = api
        .launch(&rolling_req(rolling.clone(), 102, &marker))
        .await;
    // Between batches 1 and 2 the step shows 15 while the job runs.
    let d = api
        .wait_for(job, "the pause after batch 1", |d| {
            step_of(d)["status"] == 15
        })
        .await;
    assert_eq!(job_status(&d), 2);
    let d = api.wait_finished(job).await;
    assert_eq!(
        (job_status(&d), step_of(&d)["status"].clone()),
        (4, json!(4)),
        "{d}"
    );
    assert_eq!(host_statuses(&d), vec![(101, 9), (102, 104), (103, 5)]);
    // Ignore (3): batch 3 runs, the job ends successful with the last batch's status.
    assert_eq!(code(&api.op_step(job, step, 3).await), 0);
    let d = api.wait_finished(job).await;
    assert_eq!(
        (job_status(&d), step_of(&d)["status"].clone()),
        (3, json!(3)),
        "{d}"
    );
    assert_eq!(host_statuses(&d), vec![(101, 9), (102, 104), (103, 9)]);

    // The same plan, fixed by a retry of the failed batch only (2): round 1.
    let (job, step) = api.launch(&rolling_req(rolling, 102, &marker)).await;
    let d = api.wait_finished(job).await;
    let first_101 = host_status(&d, 101)["start_time"].clone();
    std::fs::write(&marker, "").unwrap();
    assert_eq!(code(&api.op_step(job, step, 2).await), 0);
    let d = api.wait_finished(job).await;
    assert_eq!(
        (job_status(&d), step_of(&d)["execute_count"].clone()),
        (3, json!(1))
    );
    assert_eq!(host_statuses(&d), vec![(101, 9), (102, 9), (103, 9)]);
    assert_eq!(
        host_status(&d, 101)["start_time"],
        first_101,
        "batch 1 not run again"
    );
    assert_eq!(api.log(job, step, 102).await, "ok-102\n");
    // Round 0 had batch 3 still waiting.
    let r0 = api.step_status(job, step, "&execute_count=0&batch=0").await;
    assert_eq!(
        groups(&r0),
        vec![(5, vec![103]), (9, vec![101]), (104, vec![102])]
    );
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ignore_mode_goes_on_by_itself() {
    let tmp = tempfile::TempDir::new().unwrap();
    let marker = tmp.path().join("never");
    let srv = TestServer::start(&config()).await;
    let api = srv.api();
    let rolling = json!({"mode": 2, "expression": "1"});
    // A failed middle batch is ignored (6) and the next one starts.
    let (job, _) = api
        .launch(&rolling_req(rolling.clone(), 102, &marker))
        .await;
    api.wait_for(job, "batch 2 ignored", |d| step_of(d)["status"] == 6)
        .await;
    let d = api.wait_finished(job).await;
    assert_eq!(
        (job_status(&d), step_of(&d)["status"].clone()),
        (3, json!(3)),
        "{d}"
    );
    assert_eq!(host_statuses(&d), vec![(101, 9), (102, 104), (103, 9)]);
    // A failed last batch: the step keeps 6, the job is successful.
    let (job, _) = api.launch(&rolling_req(rolling, 103, &marker)).await;
    let d = api.wait_finished(job).await;
    assert_eq!(
        (job_status(&d), step_of(&d)["status"].clone()),
        (3, json!(6)),
        "{d}"
    );
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staggered_batches_start_after_their_delays() {
    let tmp = tempfile::TempDir::new().unwrap();
    let marker = tmp.path().join("fixed");
    let srv = TestServer::start(&config()).await;
    let api = srv.api();
    let rolling = json!({"execution_mode": 2, "expression": "1",
                         "batch_start_wait_fixed_ms": 200,
                         "batch_start_wait_random_min_ms": 0,
                         "batch_start_wait_random_max_ms": 50});
    let (job, step) = api.launch(&rolling_req(rolling, 101, &marker)).await;
    let d = api.wait_finished(job).await;
    // Any failed batch fails the step; the others still ran, each after its delay.
    assert_eq!(
        (job_status(&d), step_of(&d)["status"].clone()),
        (4, json!(4)),
        "{d}"
    );
    assert_eq!(host_statuses(&d), vec![(101, 104), (102, 9), (103, 9)]);
    let start = |h: i64| host_status(&d, h)["start_time"].as_i64().unwrap();
    for (a, b) in [(101, 102), (102, 103)] {
        let gap = start(b) - start(a);
        assert!((190..=600).contains(&gap), "{a}→{b}: {gap} ms");
    }
    // A retry runs the whole step's failed hosts (here the first batch).
    std::fs::write(&marker, "").unwrap();
    assert_eq!(code(&api.op_step(job, step, 2).await), 0);
    let d = api.wait_finished(job).await;
    assert_eq!(
        (job_status(&d), step_of(&d)["execute_count"].clone()),
        (3, json!(1))
    );
    assert_eq!(host_statuses(&d), vec![(101, 9), (102, 9), (103, 9)]);
    // No waiting batches in staggered mode: 13 never applies.
    assert_eq!(code(&api.op_step(job, step, 13).await), 1_241_003);
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launch_errors_surface_where_bk_job_raises_them() {
    let srv = TestServer::start(&config()).await;
    let api = srv.api();
    let with = |rolling: Value| {
        let mut r = script_req("true");
        r["target_server"] = json!({"host_id_list": [101, 102, 103]});
        r["rolling_config"] = rolling;
        r
    };
    // Bean validation (1240003).
    let v = api
        .execute(&with(json!({"mode": 9, "expression": "1"})))
        .await;
    assert_eq!(code(&v), 1_240_003, "{v}");
    let v = api.execute(&with(json!({"mode": 1}))).await;
    assert_eq!(code(&v), 1_240_003, "{v}");
    // Staggered checks (1241012) come before the script: an unknown script id is not reached.
    let mut r = with(json!({"execution_mode": 2, "expression": "1",
                            "batch_start_wait_fixed_ms": 0,
                            "batch_start_wait_random_min_ms": 10,
                            "batch_start_wait_random_max_ms": 5}));
    r["script_version_id"] = json!(987_654);
    r.as_object_mut().unwrap().remove("script_content");
    let v = api.execute(&r).await;
    assert_eq!(code(&v), 1_241_012, "{v}");
    // A staggered expression is parsed before the permission check, a serial one after it.
    let staggered = with(json!({"execution_mode": 2, "expression": "x",
                                "batch_start_wait_fixed_ms": 0,
                                "batch_start_wait_random_min_ms": 0,
                                "batch_start_wait_random_max_ms": 0}));
    let (_, v) = api.post_as("limited", FES, &staggered).await;
    assert_eq!(code(&v), 1_244_026, "{v}");
    let serial = with(json!({"expression": "x"}));
    let (_, v) = api.post_as("limited", FES, &serial).await;
    assert_eq!(code(&v), 9_900_403, "{v}");
    // A bad serial expression saves nothing (BK-JOB leaves an orphan job; see launch/mod.rs):
    // the job ids around it are consecutive.
    let (before, _) = api.launch(&script_req("true")).await;
    let v = api.execute(&serial).await;
    assert_eq!(
        (code(&v), v["message"].clone()),
        (1_244_026, json!("非法的滚动策略"))
    );
    let (after, _) = api.launch(&script_req("true")).await;
    assert_eq!(after, before + 1);
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step_status_filters_and_errors() {
    let srv = TestServer::start(&config()).await;
    let api = srv.api();
    let mut r = script_req("echo \"hello-$BK_JOB_HOST_ID\"; [ \"$BK_JOB_HOST_ID\" != 103 ]");
    r["target_server"] = json!({"host_id_list": [101, 102, 103, 104]});
    let (job, step) = api.launch(&r).await;
    api.wait_finished(job).await;
    let v = api.step_status(job, step, "").await;
    let data = &v["data"];
    assert_eq!(data["step_instance_id"], step);
    assert_eq!(
        (data["type"].clone(), data["status"].clone()),
        (json!(1), json!(4))
    );
    // Groups by host status: 1 (agent offline), 9, 104; not rolling = every host.
    assert_eq!(
        groups(&v),
        vec![(1, vec![104]), (9, vec![101, 102]), (104, vec![103])]
    );
    let g = &data["step_result_group_list"][1];
    assert_eq!(
        (g["host_size"].clone(), g["result_type_desc"].clone()),
        (json!(2), json!("执行成功"))
    );
    let h = &g["host_result_list"][0];
    assert_eq!(h["ipv6"], Value::Null);
    assert_eq!(h["status_desc"], "执行成功");
    assert_eq!(h["exit_code"], 0);
    // max_host_num_per_group cuts the lists, not the counts.
    let v = api
        .step_status(job, step, "&max_host_num_per_group=1")
        .await;
    assert_eq!(groups(&v)[1], (9, vec![101]));
    assert_eq!(v["data"]["step_result_group_list"][1]["host_size"], 2);
    // status: only that group lists its hosts.
    let v = api.step_status(job, step, "&status=104").await;
    assert_eq!(groups(&v), vec![(1, vec![]), (9, vec![]), (104, vec![103])]);
    // keyword (log) and search_ip.
    let v = api.step_status(job, step, "&keyword=hello-102").await;
    assert_eq!(groups(&v), vec![(9, vec![102])]);
    let v = api.step_status(job, step, "&search_ip=127.0.0.4").await;
    assert_eq!(groups(&v), vec![(104, vec![103])]);
    // A round that never was has no hosts.
    let v = api.step_status(job, step, "&execute_count=5").await;
    assert_eq!(v["data"]["execute_count"], 5);
    assert!(v["data"].get("step_result_group_list").is_none(), "{v}");
    // Errors: another job's step (1241007), an unknown step (1244007), bad ids (1240003).
    let (other, other_step) = api.launch(&script_req("true")).await;
    api.wait_finished(other).await;
    let v = api.step_status(job, other_step, "").await;
    assert_eq!(code(&v), 1_241_007, "{v}");
    let v = api.step_status(job, 999_999, "").await;
    assert_eq!(code(&v), 1_244_007, "{v}");
    let v = api.step_status(job, 0, "").await;
    assert_eq!(code(&v), 1_240_003, "{v}");
    let v = api.step_status(job, step, "&batch=x").await;
    assert_eq!(code(&v), 1_240_003, "{v}");
    // GET only at the gateway; ESB (credentials in the query) answers too.
    let (s, v) = api
        .post_as("admin", STEP_STATUS, &json!({"job_instance_id": job}))
        .await;
    assert_eq!((s, v["code"].clone()), (404, json!(1_640_401)), "{v}");
    let (s, _, text) = api
        .raw(
            "GET",
            &format!(
                "api/c/compapi/v2/jobv3/get_step_instance_status/?bk_app_code={APP}\
                 &bk_app_secret={SECRET}&bk_username=admin&bk_scope_type=biz&bk_scope_id=2\
                 &job_instance_id={job}&step_instance_id={step}&status=104"
            ),
            &[],
            vec![],
        )
        .await;
    let v = parse(&text);
    assert_eq!((s, code(&v)), (200, 0), "{v}");
    assert_eq!(groups(&v), vec![(1, vec![]), (9, vec![]), (104, vec![103])]);
    srv.stop().await;
}

/// A crash in the middle of a rolling job: the running batch is abnormal (9, its host 0),
/// later batches keep waiting (5); ignore error does nothing on 9 (BK-JOB's quirk), a retry
/// re-runs the batch in a new round and goes on. A job waiting for a user (7) keeps waiting
/// across the restart and continues with code 13.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_recovery_keeps_rounds_and_batches() {
    let dir = tempfile::TempDir::new().unwrap();
    let marker = dir.path().join("fixed");
    let config = write_config(dir.path(), &config());
    let data = dir.path().join("data");
    let mut server = ChildServer::start(&config, &data);
    let api = Api::new(&server.url);
    // 102 (batch 2) runs until the marker exists; it exits by itself once the server is gone.
    let script = format!(
        "if [ \"$BK_JOB_HOST_ID\" = 102 ]; then \
           while kill -0 $PPID 2>/dev/null && [ ! -f '{m}' ]; do sleep 0.05; done; \
           [ -f '{m}' ] || exit 1; fi\necho \"ok-$BK_JOB_HOST_ID\"\n",
        m = marker.display()
    );
    let mut r = script_req(&script);
    r["target_server"] = json!({"host_id_list": [101, 102, 103]});
    r["rolling_config"] = json!({"mode": 1, "expression": "1"});
    let (a, a_step) = api.launch(&r).await;
    api.wait_for(a, "batch 2 running", |d| host_status(d, 102)["status"] == 7)
        .await;
    let mut r = script_req("echo waits");
    r["target_server"] = json!({"host_id_list": [101, 102, 103]});
    r["rolling_config"] = json!({"mode": 3, "expression": "1"});
    let (b, b_step) = api.launch(&r).await;
    api.wait_job_status(b, 7).await;
    server.crash();

    let server = ChildServer::start(&config, &data);
    let api = Api::new(&server.url);
    let d = api.status(a).await;
    assert_eq!(
        (job_status(&d), step_of(&d)["status"].clone()),
        (9, json!(9)),
        "{d}"
    );
    assert_eq!(host_statuses(&d), vec![(101, 9), (102, 0), (103, 5)]);
    assert_eq!(code(&api.op_step(a, a_step, 3).await), 0);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        job_status(&api.status(a).await),
        9,
        "3 on 9 changes nothing"
    );
    std::fs::write(&marker, "").unwrap();
    assert_eq!(code(&api.op_step(a, a_step, 2).await), 0);
    let d = api.wait_finished(a).await;
    assert_eq!(
        (job_status(&d), step_of(&d)["execute_count"].clone()),
        (3, json!(1)),
        "{d}"
    );
    assert_eq!(host_statuses(&d), vec![(101, 9), (102, 9), (103, 9)]);
    assert_eq!(api.log(a, a_step, 102).await, "ok-102\n");

    let d = api.status(b).await;
    assert_eq!(job_status(&d), 7, "{d}");
    assert_eq!(code(&api.op_step(b, b_step, 13).await), 0);
    let d = api
        .wait_for(b, "batch 2 done", |d| {
            host_status(d, 102)["status"] == 9 && job_status(d) == 7
        })
        .await;
    assert_eq!(host_status(&d, 103)["status"], 5);
    assert_eq!(code(&api.op_step(b, b_step, 13).await), 0);
    let d = api.wait_finished(b).await;
    assert_eq!(job_status(&d), 3);
    drop(server);
}

/// Terminate between two batches (15): the step stops (11) at once, later batches never run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminate_during_the_pause_between_batches() {
    let tmp = tempfile::TempDir::new().unwrap();
    let srv = TestServer::start(&test_config("rolling_pause_ms = 5000")).await;
    let api = srv.api();
    let r = rolling_req(
        json!({"mode": 2, "expression": "1"}),
        0,
        &tmp.path().join("x"),
    );
    let (job, _) = api.launch(&r).await;
    api.wait_for(job, "the pause", |d| step_of(d)["status"] == 15)
        .await;
    let started = std::time::Instant::now();
    assert_eq!(code(&api.op_job(job, 1).await), 0);
    let d = api.wait_finished(job).await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the pause was not cut short"
    );
    assert_eq!(
        (job_status(&d), step_of(&d)["status"].clone()),
        (11, json!(11)),
        "{d}"
    );
    assert_eq!(host_statuses(&d), vec![(101, 9), (102, 5), (103, 5)]);
    srv.stop().await;
}
