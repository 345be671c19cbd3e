//! Bounded memory and disk: capped batch log answers, concurrent reads, targets counted before
//! lookups, retention, and a full database that fails only the job that filled it. (The
//! database driven directly: `storage.rs`.)

mod common;

use std::time::{Duration, Instant};

use common::*;
use fastexec_server::db::Db;
use serde_json::{json, Value};

const BATCH: &str = "api/v3/batch_get_job_instance_ip_log";

/// `n` bytes of `x` on stdout, then a newline.
fn big_output(n: usize) -> String {
    format!("head -c {n} /dev/zero | tr '\\0' 'x'; echo\n")
}

async fn batch_log(api: &Api, job: i64, step: i64, hosts: Value) -> Vec<Value> {
    let mut body = json!({"bk_scope_type":"biz","bk_scope_id":"2",
                          "job_instance_id":job,"step_instance_id":step});
    for (k, v) in hosts.as_object().unwrap() {
        body[k] = v.clone();
    }
    let v = api.post(BATCH, &body).await;
    assert_eq!(
        v["code"],
        0,
        "{}",
        &v.to_string()[..300.min(v.to_string().len())]
    );
    v["data"]["script_task_logs"].as_array().unwrap().clone()
}

fn content(e: &Value) -> &str {
    e["log_content"].as_str().unwrap()
}

/// Config with extra top-level sections after the test config (e.g. `[retention]`).
fn config_with(limits: &str, sections: &str) -> String {
    format!("{}\n{sections}\n", test_config(limits))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_log_merges_repeated_hosts_and_caps_the_answer() {
    const CAP: usize = 3_000_000;
    let srv = TestServer::start(&test_config(&format!("max_log_answer_bytes = {CAP}"))).await;
    let api = srv.api();
    let mut r = script_req(&big_output(2_000_000));
    r["target_server"] = json!({"host_id_list": [101, 102, 103]});
    let (job, step) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    assert_eq!(d["job_instance"]["status"], 3, "{d}");

    // 500 copies of one host id: one entry, the whole log, no note.
    let logs = batch_log(&api, job, step, json!({"host_id_list": vec![101; 500]})).await;
    assert_eq!(logs.len(), 1);
    assert_eq!(content(&logs[0]).len(), 2_000_001);
    assert!(!content(&logs[0]).contains("[fastexec]"));
    // The same through repeated ip entries.
    let ip = json!({"bk_cloud_id": 0, "ip": "127.0.0.3"});
    let logs = batch_log(&api, job, step, json!({"ip_list": vec![ip; 500]})).await;
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0]["bk_host_id"], 102);

    // Three hosts of 2 MB under a 3 MB cap: the first whole, the second cut, the third only
    // the note; the whole answer stays within the cap plus the notes.
    let logs = batch_log(
        &api,
        job,
        step,
        json!({"host_id_list": [101, 102, 103, 102]}),
    )
    .await;
    assert_eq!(logs.len(), 3);
    let note = format!("[fastexec] log truncated: this answer reached its {CAP}-byte cap");
    assert!(!content(&logs[0]).contains(&note));
    assert!(content(&logs[1]).contains(&note));
    assert!(content(&logs[1]).starts_with("xxx"));
    assert!(
        content(&logs[2]).starts_with(&note),
        "{}",
        content(&logs[2])
    );
    let total: usize = logs.iter().map(|e| content(e).len()).sum();
    assert!(total <= CAP + 3 * 200, "{total}");
    srv.stop().await;
}

/// A read that takes long (here: blocked on purpose) does not hold up other reads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_read_does_not_block_other_reads() {
    let dir = tempfile::TempDir::new().unwrap();
    let (db, _) = Db::open(dir.path()).unwrap();
    let (release, wait) = std::sync::mpsc::channel::<()>();
    let (started, on_start) = tokio::sync::oneshot::channel::<()>();
    let slow = tokio::spawn({
        let db = db.clone();
        async move {
            db.read(move |c| {
                let _ = started.send(());
                let _ = wait.recv_timeout(Duration::from_secs(20));
                c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))
            })
            .await
        }
    });
    on_start.await.unwrap();
    // While the slow read holds its connection, a status read answers.
    let job = tokio::time::timeout(Duration::from_secs(10), db.job(1))
        .await
        .expect("a status read waited for the long read");
    assert!(job.unwrap().is_none());
    assert!(!slow.is_finished());
    release.send(()).unwrap();
    assert_eq!(slow.await.unwrap().unwrap(), 1);
}

/// Over HTTP: status polls answer while several large batch log reads are in flight.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_answers_during_large_log_reads() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let mut r = script_req(&big_output(4_000_000));
    r["target_server"] = json!({"host_id_list": [101, 102, 103]});
    let (job, step) = api.launch(&r).await;
    api.wait_finished(job).await;
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let api = api.clone();
            tokio::spawn(async move {
                batch_log(&api, job, step, json!({"host_id_list": [101, 102, 103]})).await
            })
        })
        .collect();
    for _ in 0..5 {
        let d = api.status(job).await;
        assert_eq!(d["job_instance"]["status"], 3);
    }
    for h in readers {
        let logs = h.await.unwrap();
        assert_eq!(logs.len(), 3);
        assert!(logs.iter().all(|e| content(e).len() == 4_000_001));
    }
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn targets_are_counted_before_lookups_and_lists_are_short() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    // A million unknown ids (about 8 MB of JSON): the count error, quickly.
    let mut r = script_req("echo hi");
    r["target_server"] = json!({"host_id_list": (1_000_000..2_000_000).collect::<Vec<i64>>()});
    let t = Instant::now();
    let v = api.execute(&r).await;
    assert_eq!(v["code"], 1244022, "{}", &v.to_string()[..200]);
    assert_eq!(v["message"], "脚本任务目标服务器数量超过限制：50000");
    assert!(t.elapsed() < Duration::from_secs(15), "{:?}", t.elapsed());
    // The same id many times is one target: accepted.
    r["target_server"] = json!({"host_id_list": vec![101; 120_000]});
    let (job, _) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    let hosts = d["step_instance_list"][0]["step_ip_result_list"]
        .as_array()
        .unwrap();
    assert_eq!(hosts.len(), 1);
    // 100 unknown ids: the full count, 20 of them listed, then "...".
    r["target_server"] = json!({"host_id_list": (900_000..900_100).collect::<Vec<i64>>()});
    let v = api.execute(&r).await;
    assert_eq!(v["code"], 1244030, "{v}");
    let msg = v["message"].as_str().unwrap();
    assert!(
        msg.starts_with(
            "作业引用的执行对象不存在。不存在的执行对象个数:100,执行对象列表[(host_id:900000),"
        ),
        "{msg}"
    );
    assert!(msg.ends_with(",(host_id:900019),...]"), "{msg}");
    assert_eq!(msg.matches("(host_id:").count(), 20);
    // Repeated unknown ids count once; repeated unknown ips too.
    r["target_server"] = json!({"host_id_list": [99999, 99999, 99999]});
    let v = api.execute(&r).await;
    assert_eq!(
        v["message"],
        "作业引用的执行对象不存在。不存在的执行对象个数:1,执行对象列表[(host_id:99999)]"
    );
    let ip = json!({"bk_cloud_id": 0, "ip": "10.9.9.9"});
    r["target_server"] = json!({"ip_list": [ip, ip, {"bk_cloud_id": 0, "ip": " 10.9.9.9 "}]});
    let v = api.execute(&r).await;
    assert_eq!(
        v["message"],
        "作业引用的执行对象不存在。不存在的执行对象个数:1,执行对象列表[(ip:10.9.9.9)]"
    );
    // One topology node named many times selects its hosts once.
    r["target_server"] =
        json!({"topo_node_list": vec![json!({"id": 1000, "node_type": "module"}); 10_000]});
    let (job, _) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    let hosts = d["step_instance_list"][0]["step_ip_result_list"]
        .as_array()
        .unwrap();
    assert_eq!(hosts.len(), 2, "{d}");
    srv.stop().await;
}

async fn status_code(api: &Api, job: i64) -> i64 {
    let v = api
        .post(
            "api/v3/get_job_instance_status",
            &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job}),
        )
        .await;
    v["code"].as_i64().unwrap()
}

async fn wait_gone(api: &Api, job: i64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while status_code(api, job).await != 1244006 {
        assert!(Instant::now() < deadline, "job {job} was not deleted");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_keeps_the_newest_jobs_and_never_a_running_one() {
    let cfg = config_with("", "[retention]\nmax_jobs = 3\ninterval_secs = 1\n");
    let srv = TestServer::start(&cfg).await;
    let api = srv.api();
    let (running, _) = api.launch(&script_req("sleep 30")).await;
    let mut jobs = Vec::new();
    for _ in 0..5 {
        let (job, _) = api.launch(&script_req("echo hi")).await;
        api.wait_finished(job).await;
        jobs.push(job);
    }
    wait_gone(&api, jobs[1]).await;
    for &j in &jobs[..2] {
        assert_eq!(status_code(&api, j).await, 1244006);
        let dir = srv.data.path().join("data/work").join(j.to_string());
        assert!(!dir.exists(), "{} left behind", dir.display());
    }
    for &j in &jobs[2..] {
        assert_eq!(status_code(&api, j).await, 0);
    }
    // The oldest job is unfinished: kept although it is outside the newest 3.
    assert_eq!(api.status(running).await["job_instance"]["status"], 2);
    let v = api
        .post(
            "api/v3/operate_job_instance",
            &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":running,
                    "operation_code":1}),
        )
        .await;
    assert_eq!(v["code"], 0, "{v}");
    api.wait_finished(running).await;
    wait_gone(&api, running).await;
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_deletes_old_finished_jobs() {
    let cfg = config_with(
        "",
        "[retention]\nmax_age_secs = 1\nmax_jobs = 0\ninterval_secs = 1\n",
    );
    let srv = TestServer::start(&cfg).await;
    let api = srv.api();
    let (running, _) = api.launch(&script_req("sleep 30")).await;
    let (old, _) = api.launch(&script_req("echo hi")).await;
    api.wait_finished(old).await;
    wait_gone(&api, old).await;
    assert_eq!(api.status(running).await["job_instance"]["status"], 2);
    srv.stop().await;
}

/// A database capped at 1 MiB: a job that writes 3 MB of output ends (its log cut or the job
/// abnormal), an earlier job is intact, reads keep answering, and a new launch answers at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_database_fails_only_the_job_that_filled_it() {
    let srv = TestServer::start(&test_config("max_data_bytes = 1048576")).await;
    let api = srv.api();
    let (a, a_step) = api.launch(&script_req("echo job-a")).await;
    assert_eq!(api.wait_finished(a).await["job_instance"]["status"], 3);

    let (b, b_step) = api.launch(&script_req(&big_output(3_000_000))).await;
    let d = api.wait_finished(b).await;
    let status = d["job_instance"]["status"].as_i64().unwrap();
    let log_b = api.log(b, b_step, 101).await;
    assert!(
        status == 9 || (status == 3 && log_b.len() < 1_100_000),
        "status {status}, log {} bytes",
        log_b.len()
    );

    // Job A: status and log as they were.
    let d = api.status(a).await;
    assert_eq!(d["job_instance"]["status"], 3);
    assert_eq!(host_status(&d, 101)["status"], 9);
    assert_eq!(api.log(a, a_step, 101).await, "job-a\n");

    // A small launch answers promptly: accepted (it may fit in what is left), or refused as
    // an internal error; one that needs more room than is left is refused.
    let t = Instant::now();
    let v = api.execute(&script_req("echo job-c")).await;
    assert!(t.elapsed() < Duration::from_secs(10));
    match v["code"].as_i64().unwrap() {
        0 => {
            let c = v["data"]["job_instance_id"].as_i64().unwrap();
            api.wait_finished(c).await;
        }
        code => assert_eq!(code, 1240002, "{v}"),
    }
    let big = script_req(&format!("# {}\necho big\n", "y".repeat(300_000)));
    let v = api.execute(&big).await;
    assert_eq!(v["code"], 1240002, "{}", v["message"]);
    assert_eq!(api.status(a).await["job_instance"]["status"], 3);

    // Restarted with a retention age limit: the old jobs go, and their room takes the launch.
    let data = srv.stop().await;
    let cfg = config_with(
        "max_data_bytes = 1048576",
        "[retention]\nmax_age_secs = 1\ninterval_secs = 1\n",
    );
    let srv = TestServer::start_in(&cfg, data).await;
    let api = srv.api();
    wait_gone(&api, b).await;
    let (d, _) = api.launch(&big).await;
    assert_eq!(api.wait_finished(d).await["job_instance"]["status"], 3);
    srv.stop().await;
}
