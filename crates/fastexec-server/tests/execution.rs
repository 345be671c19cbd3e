//! Real script runs, timeouts, termination, restart recovery, callbacks — over real HTTP.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_run_logs_chinese_text_and_succeeds() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let mut r = script_req("echo \"你好，世界\"\necho to-stderr >&2\necho done\n");
    r["target_server"] = json!({"host_id_list": [101, 102, 101]});
    let v = api.execute(&r).await;
    assert_eq!(v["code"], 0, "{v}");
    assert!(v["data"]["job_instance_name"]
        .as_str()
        .unwrap()
        .starts_with("快速执行脚本_"));
    let (job, step) = (
        v["data"]["job_instance_id"].as_i64().unwrap(),
        v["data"]["step_instance_id"].as_i64().unwrap(),
    );
    let d = api.wait_finished(job).await;
    assert_eq!(d["job_instance"]["status"], 3, "{d}");
    assert_eq!(d["step_instance_list"][0]["status"], 3);
    assert_eq!(d["step_instance_list"][0]["type"], 1);
    let hosts = d["step_instance_list"][0]["step_ip_result_list"]
        .as_array()
        .unwrap();
    assert_eq!(hosts.len(), 2, "duplicates removed: {d}");
    for h in hosts {
        assert_eq!(h["status"], 9);
        assert_eq!(h["exit_code"], 0);
    }
    let log = api.log(job, step, 101).await;
    assert_eq!(log, "你好，世界\nto-stderr\ndone\n");
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn script_param_is_split_like_a_shell() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let mut r = script_req("echo \"argc=$#\"; for a in \"$@\"; do echo \"[$a]\"; done\n");
    r["script_param"] = json!(b64("a 'b c'"));
    let (job, step) = api.launch(&r).await;
    api.wait_finished(job).await;
    assert_eq!(api.log(job, step, 101).await, "argc=2\n[a]\n[b c]\n");
    // Newlines become spaces (BK-JOB), and shell syntax is NOT interpreted.
    r["script_param"] = json!(b64("x\n$(touch /tmp/fastexec-injected);y"));
    let (job, step) = api.launch(&r).await;
    api.wait_finished(job).await;
    assert_eq!(
        api.log(job, step, 101).await,
        "argc=3\n[x]\n[$(touch]\n[/tmp/fastexec-injected);y]\n"
    );
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_zero_exit_and_offline_host_fail_the_job() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let mut r = script_req("echo before; exit 3");
    r["target_server"] = json!({"ip_list": [{"bk_cloud_id": 0, "ip": " 127.0.0.2 "}]});
    let (job, step) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    assert_eq!(d["job_instance"]["status"], 4, "{d}");
    let h = host_status(&d, 101);
    assert_eq!(
        (h["status"].as_i64(), h["exit_code"].as_i64()),
        (Some(104), Some(3))
    );
    assert_eq!(api.log(job, step, 101).await, "before\n");

    let mut r = script_req("echo ok");
    r["target_server"] = json!({"host_id_list": [101, 104]});
    let (job, _) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    assert_eq!(d["job_instance"]["status"], 4, "{d}");
    assert_eq!(host_status(&d, 101)["status"], 9);
    assert_eq!(host_status(&d, 104)["status"], 1, "agent abnormal: {d}");
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_kills_the_whole_process_group() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let mut r = script_req("sleep 30 &\necho \"BGPID=$!\"\nsleep 30\n");
    r["timeout"] = json!(1);
    let t = Instant::now();
    let (job, step) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_eq!(d["job_instance"]["status"], 4, "{d}");
    assert_eq!(host_status(&d, 101)["status"], 102, "{d}");
    let log = api.log(job, step, 101).await;
    let pid: i32 = log
        .lines()
        .find_map(|l| l.strip_prefix("BGPID="))
        .expect("bg pid in log")
        .trim()
        .parse()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(3);
    while process_alive(pid) {
        assert!(
            Instant::now() < deadline,
            "background sleep {pid} survived the timeout"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(log.contains("timeout after 1 s"), "{log}");
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminate_and_deferred_start() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let mut r = script_req("sleep 30");
    r["target_server"] = json!({"host_id_list": [101, 102]});
    let (job, _) = api.launch(&r).await;
    api.wait_until(job, |d| {
        d["step_instance_list"][0]["step_ip_result_list"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["status"] == 7)
    })
    .await;
    let op = "api/v3/operate_job_instance";
    let v = api
        .post(op, &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job,"operation_code":1}))
        .await;
    assert_eq!(v["code"], 0, "{v}");
    assert_eq!(v["data"]["job_instance_id"], job);
    let d = api.wait_finished(job).await;
    assert_eq!(d["job_instance"]["status"], 11, "{d}");
    assert_eq!(d["step_instance_list"][0]["status"], 11);
    assert_eq!(host_status(&d, 101)["status"], 403);
    assert_eq!(host_status(&d, 102)["status"], 403);

    // start_task=false: created in status 1, started with operation code 2.
    let mut r = script_req("echo started");
    r["start_task"] = json!(false);
    let (job, step) = api.launch(&r).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let d = api.status(job).await;
    assert_eq!(d["job_instance"]["status"], 1, "{d}");
    assert_eq!(d["finished"], false);
    let v = api
        .post(op, &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job,"operation_code":2}))
        .await;
    assert_eq!(v["code"], 0, "{v}");
    let d = api.wait_finished(job).await;
    assert_eq!(d["job_instance"]["status"], 3, "{d}");
    assert_eq!(api.log(job, step, 101).await, "started\n");
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn library_scripts_other_languages_and_esb_route() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    // script_id → its online version
    let mut r = script_req("");
    r.as_object_mut().unwrap().remove("script_content");
    r["script_id"] = json!("s-online");
    r["script_param"] = json!(b64("p1"));
    let (job, step) = api.launch(&r).await;
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 3);
    assert_eq!(api.log(job, step, 101).await, "library-script p1\n");

    // python
    let mut r = script_req("import sys\nprint('py', sys.argv[1:])\n");
    r["script_language"] = json!(4);
    r["script_param"] = json!(b64("x y"));
    let (job, step) = api.launch(&r).await;
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 3);
    assert_eq!(api.log(job, step, 101).await, "py ['x', 'y']\n");

    // bat cannot run here: the host fails with a clear log line.
    let mut r = script_req("echo hi");
    r["script_language"] = json!(2);
    let (job, step) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    assert_eq!(d["job_instance"]["status"], 4);
    assert!(api
        .log(job, step, 101)
        .await
        .contains("Bat scripts need a Windows host"));

    // Legacy ESB route: credentials in the body, English default name.
    let mut body = script_req("echo esb");
    body["bk_app_code"] = json!(APP);
    body["bk_app_secret"] = json!(SECRET);
    body["bk_username"] = json!("admin");
    let (s, _, text) = api
        .raw(
            "POST",
            "api/c/compapi/v2/jobv3/fast_execute_script/",
            &[("Blueking-Language", "en")],
            body.to_string().into_bytes(),
        )
        .await;
    assert_eq!(s, 200, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["code"], 0, "{v}");
    assert!(v["data"]["job_instance_name"]
        .as_str()
        .unwrap()
        .starts_with("Script Execution_"));
    let job = v["data"]["job_instance_id"].as_i64().unwrap();
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 3);
    // ESB refuses in its own protocol: HTTP 200, 1306000 and its validator's text (§9.1).
    for (field, value, message) in [
        (
            "bk_app_secret",
            "wrong",
            format!("APP Secret verification failed, pelase confirm if the APP Secret and APP Code [bk_app_code={APP}] match"),
        ),
        (
            "bk_username",
            "nobody",
            "User authentication failed, please provide a valid user identity, such as bk_token, bk_username".to_string(),
        ),
    ] {
        let mut bad = body.clone();
        bad[field] = json!(value);
        let (s, _, text) = api
            .raw(
                "POST",
                "api/c/compapi/v2/jobv3/fast_execute_script/",
                &[],
                bad.to_string().into_bytes(),
            )
            .await;
        assert_eq!(s, 200, "{text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!((&v["code"], &v["message"]), (&json!(1306000), &json!(message)), "{v}");
    }
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callback_reaches_receiver_with_form_retry() {
    use axum::http::HeaderMap;
    use axum::routing::post;
    type Seen = Arc<Mutex<Vec<(String, String)>>>;
    let seen: Seen = Arc::default();
    let s2 = seen.clone();
    let recv = axum::Router::new().route(
        "/cb",
        post(move |headers: HeaderMap, body: String| {
            let seen = s2.clone();
            async move {
                let ct = headers
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                let mut s = seen.lock().unwrap();
                s.push((ct, body));
                // First delivery fails so BK-JOB's one retry is exercised.
                if s.len() == 1 {
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    axum::http::StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, recv).await });

    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let mut r = script_req("echo cb");
    r["callback_url"] = json!(format!("http://{addr}/cb"));
    let (job, step) = api.launch(&r).await;
    api.wait_finished(job).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while seen.lock().unwrap().len() < 2 {
        assert!(Instant::now() < deadline, "callback not delivered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let s = seen.lock().unwrap().clone();
    assert_eq!(s.len(), 2, "exactly one retry: {s:?}");
    assert_eq!(s[0].0, "application/json");
    assert_eq!(s[1].0, "application/x-www-form-urlencoded");
    assert_eq!(s[0].1, s[1].1);
    let body: Value = serde_json::from_str(&s[0].1).unwrap();
    assert_eq!(
        body,
        json!({"job_instance_id": job, "status": 3,
               "step_instances": [{"step_instance_id": step, "status": 3}]})
    );
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_process_restart_keeps_finished_jobs_and_ids() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let (job, step) = api.launch(&script_req("echo persisted")).await;
    api.wait_finished(job).await;
    let data = srv.stop().await;
    let srv = TestServer::start_in(&test_config(""), data).await;
    let api = srv.api();
    let d = api.status(job).await;
    assert_eq!(d["job_instance"]["status"], 3);
    assert_eq!(api.log(job, step, 101).await, "persisted\n");
    let (job2, step2) = api.launch(&script_req("echo again")).await;
    assert!(job2 > job && step2 > step);
    api.wait_finished(job2).await;
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_restart_marks_running_job_abnormal() {
    let dir = tempfile::TempDir::new().unwrap();
    let config = write_config(dir.path(), &test_config(""));
    let data = dir.path().join("data");
    let mut server = ChildServer::start(&config, &data);
    let api = Api::new(&server.url);
    let (done, done_step) = api.launch(&script_req("echo finished-before-crash")).await;
    api.wait_finished(done).await;
    // Exits by itself once its parent (the server) is gone, so the crash leaks nothing.
    let (running, _) = api
        .launch(&script_req(
            "while kill -0 $PPID 2>/dev/null; do sleep 0.1; done",
        ))
        .await;
    api.wait_until(running, |d| host_status(d, 101)["status"] == 7)
        .await;
    server.crash();

    let server = ChildServer::start(&config, &data);
    let api = Api::new(&server.url);
    let d = api.status(done).await;
    assert_eq!(d["job_instance"]["status"], 3);
    assert_eq!(
        api.log(done, done_step, 101).await,
        "finished-before-crash\n"
    );
    let d = api.status(running).await;
    assert_eq!(d["job_instance"]["status"], 9, "{d}");
    assert_eq!(d["finished"], true);
    assert_eq!(d["step_instance_list"][0]["status"], 9);
    assert_eq!(host_status(&d, 101)["status"], 0, "{d}");
    let (next, _) = api.launch(&script_req("echo next")).await;
    assert!(next > running);
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_cap_and_process_bound() {
    let cfg = test_config("log_cap_bytes = 1000\nmax_concurrent_processes = 1")
        .replace("max_concurrent_processes = 8\n", "");
    let srv = TestServer::start(&cfg).await;
    let api = srv.api();
    // 5000 bytes of output against a 1000-byte cap: 1000 bytes kept plus a final line.
    let (job, step) = api
        .launch(&script_req(
            "for i in $(seq 1 50); do printf '%099d\\n' $i; done",
        ))
        .await;
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 3);
    let log = api.log(job, step, 101).await;
    let (kept, note) = log.split_at(1000);
    assert!(kept.starts_with("0000"), "{kept}");
    assert!(
        note.contains("log truncated: output exceeded the 1000 byte cap"),
        "{note}"
    );
    assert!(log.len() < 1200);
    // One process slot: three hosts never overlap (each records its own run interval).
    let mut r = script_req("sleep 0.3");
    r["target_server"] = json!({"host_id_list": [101, 102, 103]});
    let (job, _) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    let mut spans: Vec<(i64, i64)> = d["step_instance_list"][0]["step_ip_result_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["start_time"].as_i64().unwrap(),
                h["end_time"].as_i64().unwrap(),
            )
        })
        .collect();
    spans.sort();
    for w in spans.windows(2) {
        assert!(w[0].1 <= w[1].0, "overlap with one slot: {spans:?}");
    }
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_never_gain_privilege() {
    // SAFETY: plain syscall.
    let root = unsafe { libc::geteuid() } == 0;
    let cfg = test_config("").replace(
        "[[accounts]]\nid = 1000\nalias = \"root\"\nbiz_id = 2\n",
        "[[accounts]]\nid = 1000\nalias = \"root\"\nbiz_id = 2\n\n[[accounts]]\nid = 1001\nalias = \"nobody\"\nbiz_id = 2\nos_user = \"nobody\"\n\n[[accounts]]\nid = 1002\nalias = \"ghost\"\nbiz_id = 2\nos_user = \"no-such-user-xyz\"\n",
    );
    let data = tempfile::TempDir::new().unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(data.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let srv = TestServer::start_in(&cfg, data).await;
    let api = srv.api();
    let mut r = script_req("id -un");
    r["account_id"] = json!(1001);
    let (job, step) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    let log = api.log(job, step, 101).await;
    if root {
        assert_eq!(d["job_instance"]["status"], 3, "{d} {log}");
        assert_eq!(log, "nobody\n");
    } else {
        assert_eq!(d["job_instance"]["status"], 4, "{d}");
        assert!(log.contains("never runs a script as another user"), "{log}");
    }
    r["account_id"] = json!(1002);
    let (job, step) = api.launch(&r).await;
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 4);
    assert!(api.log(job, step, 101).await.contains("does not exist"));
    srv.stop().await;
}
