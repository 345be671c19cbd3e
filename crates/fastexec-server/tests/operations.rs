//! `operate_step_instance` over real HTTP: every code in the step statuses a quick script job
//! reaches, BK-JOB's check order, retries (new rounds, only the failed host again, its log of
//! the new round, the job ending again and calling back again), ignore error, next step.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};

/// Hosts 101 and 102; host 102 sleeps `delay` s, then fails unless `marker` exists.
fn flaky_req(marker: &std::path::Path, delay: &str) -> Value {
    let script = format!(
        "if [ \"$BK_JOB_HOST_ID\" = 102 ]; then sleep {delay}; \
         if [ ! -f '{}' ]; then echo \"fail-$BK_JOB_HOST_ID\"; exit 3; fi; fi\n\
         echo \"ok-$BK_JOB_HOST_ID\"\n",
        marker.display()
    );
    let mut r = script_req(&script);
    r["target_server"] = json!({"host_id_list": [101, 102]});
    r
}

fn code(v: &Value) -> i64 {
    v["code"].as_i64().unwrap_or(-1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_failed_runs_only_the_failed_host_until_it_succeeds() {
    let tmp = tempfile::TempDir::new().unwrap();
    let marker = tmp.path().join("fixed");
    let cb = Callbacks::start().await;
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let mut r = flaky_req(&marker, "0.4");
    r["callback_url"] = json!(cb.url());
    let (job, step) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    assert_eq!(job_status(&d), 4, "{d}");
    assert_eq!(step_of(&d)["execute_count"], 0);
    assert_eq!(host_statuses(&d), vec![(101, 9), (102, 104)]);
    let first_101 = host_status(&d, 101)["start_time"].clone();
    assert_eq!(cb.wait(1).await[0]["status"], 4);

    // Retry failed (2): the answer echoes the ids, the new round and the running job are
    // stored before it (the job is no longer finished).
    let v = api.op_step(job, step, 2).await;
    assert_eq!(
        v["data"],
        json!({"job_instance_id": job, "job_instance_name": null, "step_instance_id": step}),
        "{v}"
    );
    let d = api.status(job).await;
    assert_eq!(d["finished"], false, "{d}");
    assert_eq!(job_status(&d), 2);
    assert_eq!(step_of(&d)["execute_count"], 1);
    assert_eq!(step_of(&d)["status"], 2);
    assert_eq!(d["job_instance"].get("end_time"), None, "{d}");
    // 101 is carried over as it was; only 102 waits or runs again.
    assert_eq!(host_status(&d, 101)["status"], 9);
    assert_eq!(host_status(&d, 101)["start_time"], first_101);
    assert!(
        matches!(host_status(&d, 102)["status"].as_i64(), Some(5 | 7)),
        "{d}"
    );
    // While it runs: nothing else may be done to the step.
    assert_eq!(code(&api.op_step(job, step, 2).await), 1_241_003);

    let d = api.wait_finished(job).await;
    assert_eq!(job_status(&d), 4);
    assert_eq!(host_statuses(&d), vec![(101, 9), (102, 104)]);
    assert_eq!(host_status(&d, 101)["start_time"], first_101);
    // Logs of the current round: 102's second run, 101's (carried over) first one.
    assert_eq!(api.log(job, step, 102).await, "fail-102\n");
    assert_eq!(api.log(job, step, 101).await, "ok-101\n");
    let cbs = cb.wait(2).await;
    assert_eq!(cbs[1]["status"], 4);

    // The cause fixed, the next retry succeeds: round 2, job 3, callback again.
    std::fs::write(&marker, "").unwrap();
    assert_eq!(code(&api.op_step(job, step, 2).await), 0);
    let d = api.wait_finished(job).await;
    assert_eq!(job_status(&d), 3, "{d}");
    assert_eq!(step_of(&d)["execute_count"], 2);
    assert_eq!(step_of(&d)["status"], 3);
    assert_eq!(host_statuses(&d), vec![(101, 9), (102, 9)]);
    assert!(d["job_instance"]["end_time"].as_i64().is_some());
    assert_eq!(api.log(job, step, 102).await, "ok-102\n");
    let v = api
        .post(
            "api/v3/batch_get_job_instance_ip_log",
            &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job,
                    "step_instance_id":step,"host_id_list":[101, 102]}),
        )
        .await;
    let logs: Vec<&str> = v["data"]["script_task_logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["log_content"].as_str().unwrap())
        .collect();
    assert_eq!(logs, ["ok-101\n", "ok-102\n"], "{v}");
    let cbs = cb.wait(3).await;
    assert_eq!(
        cbs[2],
        json!({"job_instance_id": job, "status": 3,
               "step_instances": [{"step_instance_id": step, "status": 3}]})
    );
    // Nothing left to retry on a successful step.
    assert_eq!(code(&api.op_step(job, step, 2).await), 1_241_003);

    // Earlier rounds stay readable by execute_count.
    let g = |v: &Value| groups(v);
    let r0 = api.step_status(job, step, "&execute_count=0").await;
    assert_eq!(r0["data"]["execute_count"], 0, "{r0}");
    assert_eq!(g(&r0), vec![(9, vec![101]), (104, vec![102])]);
    let r1 = api.step_status(job, step, "&execute_count=1").await;
    assert_eq!(g(&r1), vec![(9, vec![101]), (104, vec![102])]);
    let now = api.step_status(job, step, "").await;
    assert_eq!(now["data"]["execute_count"], 2);
    assert_eq!(g(&now), vec![(9, vec![101, 102])]);
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_all_ignore_error_and_next_step() {
    let tmp = tempfile::TempDir::new().unwrap();
    let marker = tmp.path().join("never");
    let cb = Callbacks::start().await;
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();

    // Retry all (8): both hosts run again in round 1.
    let (job, step) = api.launch(&flaky_req(&marker, "0")).await;
    let d = api.wait_finished(job).await;
    let first_101 = host_status(&d, 101)["start_time"].as_i64().unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(code(&api.op_step(job, step, 8).await), 0);
    let d = api.wait_finished(job).await;
    assert_eq!(step_of(&d)["execute_count"], 1);
    assert!(host_status(&d, 101)["start_time"].as_i64().unwrap() > first_101);
    assert_eq!(host_statuses(&d), vec![(101, 9), (102, 104)]);

    // Ignore error (3): step 6, the job ends successful, and calls back.
    let mut r = flaky_req(&marker, "0");
    r["callback_url"] = json!(cb.url());
    let (job, step) = api.launch(&r).await;
    api.wait_finished(job).await;
    cb.wait(1).await;
    assert_eq!(code(&api.op_step(job, step, 3).await), 0);
    let d = api.status(job).await;
    assert_eq!(
        (job_status(&d), d["finished"].clone()),
        (3, json!(true)),
        "{d}"
    );
    assert_eq!(step_of(&d)["status"], 6);
    assert_eq!(step_of(&d)["execute_count"], 0);
    let cbs = cb.wait(2).await;
    assert_eq!(
        cbs[1],
        json!({"job_instance_id": job, "status": 3,
               "step_instances": [{"step_instance_id": step, "status": 6}]})
    );
    // An ignored (6) or skipped (5) step takes no operation any more.
    for c in [2, 3, 6, 8, 9, 10, 11, 12, 13] {
        assert_eq!(
            code(&api.op_step(job, step, c).await),
            1_241_003,
            "code {c} on 6"
        );
    }

    // Next step (11) after a terminate: step skipped (5), the job successful.
    let (job, step) = api.launch(&script_req("sleep 30")).await;
    api.wait_for(job, "host running", |d| host_status(d, 101)["status"] == 7)
        .await;
    assert_eq!(code(&api.op_job(job, 1).await), 0);
    let d = api.wait_finished(job).await;
    assert_eq!(job_status(&d), 11);
    assert_eq!(code(&api.op_step(job, step, 11).await), 0);
    let d = api.status(job).await;
    assert_eq!(
        (job_status(&d), step_of(&d)["status"].clone()),
        (3, json!(5))
    );
    for c in [2, 3, 8, 11, 12, 13] {
        assert_eq!(
            code(&api.op_step(job, step, c).await),
            1_241_003,
            "code {c} on 5"
        );
    }
    // A stopped step may be retried too (2 on 11).
    let (job, step) = api.launch(&script_req("sleep 30")).await;
    api.wait_for(job, "host running", |d| host_status(d, 101)["status"] == 7)
        .await;
    api.op_job(job, 1).await;
    api.wait_finished(job).await;
    assert_eq!(code(&api.op_step(job, step, 2).await), 0);
    api.wait_for(job, "the retry running", |d| {
        host_status(d, 101)["status"] == 7
    })
    .await;
    api.op_job(job, 1).await;
    let d = api.wait_finished(job).await;
    assert_eq!(
        (job_status(&d), step_of(&d)["execute_count"].clone()),
        (11, json!(1))
    );
    srv.stop().await;
}

/// Each code in each step status a quick script job reaches: allowed (0) or 1241003.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_code_in_every_step_status() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    const CODES: [i32; 9] = [2, 3, 6, 8, 9, 10, 11, 12, 13];
    // Step status → the codes BK-JOB accepts there (a script step, not rolling).
    let table: [(i32, &[i32]); 5] = [
        (1, &[]),
        (2, &[]),
        (3, &[]),
        (4, &[2, 3, 8]),
        (11, &[2, 8, 11]),
    ];
    for (status, allowed) in table {
        for op in CODES {
            let (job, step) = match status {
                1 => {
                    let mut r = script_req("true");
                    r["start_task"] = json!(false);
                    api.launch(&r).await
                }
                2 | 11 => {
                    let ids = api.launch(&script_req("sleep 30")).await;
                    api.wait_for(ids.0, "running", |d| host_status(d, 101)["status"] == 7)
                        .await;
                    if status == 11 {
                        api.op_job(ids.0, 1).await;
                        api.wait_finished(ids.0).await;
                    }
                    ids
                }
                3 => api.launch(&script_req("true")).await,
                _ => api.launch(&script_req("exit 1")).await,
            };
            if matches!(status, 3 | 4) {
                api.wait_finished(job).await;
            }
            let d = api.status(job).await;
            assert_eq!(step_of(&d)["status"], status, "{d}");
            let v = api.op_step(job, step, op).await;
            let want = if allowed.contains(&op) { 0 } else { 1_241_003 };
            assert_eq!(code(&v), want, "code {op} on step status {status}: {v}");
            if status == 1 {
                continue;
            }
            // Let what it started end, so the next job is not held up.
            if status == 2 || (want == 0 && op != 3 && op != 11) {
                api.op_job(job, 1).await;
            }
            api.wait_finished(job).await;
        }
    }
    srv.stop().await;
}

/// Operation 12 (skip) applies while a terminate is in progress (10): the step ends skipped.
/// The stop takes milliseconds here, so the skip either lands in it or finds the step
/// stopped (11, 1241003); both leave a consistent job.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skip_during_a_terminate() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    // The script ignores SIGTERM; the stop is a SIGKILL of its group, still a few ms.
    let mut r = script_req("trap '' TERM; sleep 30");
    r["target_server"] = json!({"host_id_list": [101, 102, 103]});
    let (job, step) = api.launch(&r).await;
    api.wait_for(job, "running", |d| {
        host_statuses(d).iter().all(|(_, s)| *s == 7)
    })
    .await;
    assert_eq!(code(&api.op_job(job, 1).await), 0);
    let v = api.op_step(job, step, 12).await;
    let d = api.wait_finished(job).await;
    match code(&v) {
        0 => assert_eq!(
            (job_status(&d), step_of(&d)["status"].clone()),
            (3, json!(5))
        ),
        1_241_003 => assert_eq!(
            (job_status(&d), step_of(&d)["status"].clone()),
            (11, json!(11))
        ),
        other => panic!("unexpected {other}: {v}"),
    }
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checks_come_in_bk_jobs_order() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let (job, step) = api.launch(&script_req("exit 1")).await;
    api.wait_finished(job).await;
    let (other_job, other_step) = api.launch(&script_req("true")).await;
    api.wait_finished(other_job).await;
    let send = |body: Value| {
        let api = api.clone();
        async move { api.post(OP_STEP, &body).await }
    };
    let body = |j: Value, s: Value, c: Value| {
        json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":j,
               "step_instance_id":s,"operation_code":c})
    };
    // Scope first, then the ids and the code (1241002).
    let mut b = body(json!(job), json!(step), json!(2));
    b["bk_scope_id"] = json!("999");
    assert_eq!(code(&send(b).await), 1_243_049);
    for (j, s, c) in [
        (json!(null), json!(step), json!(2)),
        (json!(job), json!(0), json!(2)),
        (json!(job), json!(step), json!(4)),
        (json!(job), json!(step), json!(1)),
        (json!(job), json!(step), json!(14)),
        (json!(999_999), json!(step), json!(5)),
        (json!(job), json!(step), json!(null)),
    ] {
        let v = send(body(j.clone(), s.clone(), c.clone())).await;
        assert_eq!(code(&v), 1_241_002, "{j} {s} {c}: {v}");
        assert_eq!(v["message"], "请求参数不合法");
    }
    // The job (1244006), also when it is another scope's.
    let v = send(body(json!(999_999), json!(step), json!(2))).await;
    assert_eq!(code(&v), 1_244_006, "{v}");
    let mut b = body(json!(job), json!(step), json!(2));
    b["bk_scope_id"] = json!("3");
    assert_eq!(code(&send(b).await), 1_244_006);
    // The step of that job (1244007).
    let v = send(body(json!(job), json!(other_step), json!(2))).await;
    assert_eq!(code(&v), 1_244_007, "{v}");
    let v = send(body(json!(job), json!(999_999), json!(2))).await;
    assert_eq!(code(&v), 1_244_007);
    // Who may operate: not the operator and no execute permission → 9900403, before the
    // status check (a successful job would otherwise answer 1241003).
    let v = api.op_step_as("limited", other_job, other_step, 2).await;
    assert_eq!(code(&v), 9_900_403, "{v}");
    assert_eq!(
        v["permission"]["actions"][0]["id"], "quick_execute_script",
        "{v}"
    );
    // Then the status: the confirmation codes need a manual-confirmation step.
    for c in [6, 9, 10, 13] {
        assert_eq!(
            code(&send(body(json!(job), json!(step), json!(c))).await),
            1_241_003
        );
    }
    // Lenient like BK-JOB's Jackson: ids and code as strings.
    let v = send(body(
        json!(job.to_string()),
        json!(step.to_string()),
        json!("3"),
    ))
    .await;
    assert_eq!(code(&v), 0, "{v}");
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esb_route_and_gateway_method() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let (job, step) = api.launch(&script_req("exit 1")).await;
    api.wait_finished(job).await;
    // ESB: credentials in the body, trailing slash, ESB's request_id.
    let body = json!({"bk_app_code": APP, "bk_app_secret": SECRET, "bk_username": "admin",
                      "bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job,
                      "step_instance_id":step,"operation_code":3});
    let (s, _, text) = api
        .raw(
            "POST",
            "api/c/compapi/v2/jobv3/operate_step_instance/",
            &[],
            body.to_string().into_bytes(),
        )
        .await;
    let v = parse(&text);
    assert_eq!((s, code(&v)), (200, 0), "{v}");
    assert_eq!(v["request_id"].as_str().map(str::len), Some(32));
    assert_eq!(job_status(&api.status(job).await), 3);
    // ESB GET with query credentials reaches the same handler.
    let (s, _, text) = api
        .raw(
            "GET",
            &format!(
                "api/c/compapi/v2/jobv3/operate_step_instance?bk_app_code={APP}&bk_app_secret={SECRET}\
                 &bk_username=admin&bk_scope_type=biz&bk_scope_id=2&job_instance_id={job}\
                 &step_instance_id={step}&operation_code=2"
            ),
            &[],
            vec![],
        )
        .await;
    // The job is successful now: nothing to retry.
    assert_eq!((s, code(&parse(&text))), (200, 1_241_003), "{text}");
    // Gateway: POST only.
    let auth = auth_user("admin");
    let (s, _, text) = api
        .raw(
            "GET",
            OP_STEP,
            &[("X-Bkapi-Authorization", auth.as_str())],
            vec![],
        )
        .await;
    assert_ne!(s, 200, "{text}");
    srv.stop().await;
}

/// A retry runs the script again: someone who is not the job's operator needs
/// `use_account` on its account besides the execute permission; ignore error does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_by_another_user_needs_the_account() {
    let config = format!(
        "{}\n[[users]]\nname = \"runner\"\ngrants = [{{ scope_id = \"2\", actions = \
         [\"access_business\", \"quick_execute_script\"] }}]\n",
        test_config("")
    );
    let srv = TestServer::start(&config).await;
    let api = srv.api();
    let (job, step) = api.launch(&script_req("exit 1")).await;
    api.wait_finished(job).await;
    let v = api.op_step_as("runner", job, step, 2).await;
    assert_eq!(code(&v), 9_900_403, "{v}");
    let ids: Vec<&str> = v["permission"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["use_account"], "{v}");
    assert_eq!(job_status(&api.status(job).await), 4, "nothing ran");
    assert_eq!(code(&api.op_step_as("runner", job, step, 3).await), 0);
    srv.stop().await;
}
