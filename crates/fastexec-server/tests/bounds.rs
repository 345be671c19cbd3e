//! Bounded memory and disk: capped batch log answers, concurrent reads, targets counted before
//! lookups, retention, and a full database that fails only the job that filled it.

mod common;

use std::time::{Duration, Instant};

use common::*;
use fastexec_server::db::{Db, DbOptions, JobQuota, NewHost, NewJob, Retention};
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

fn new_job() -> NewJob {
    NewJob {
        name: "t".into(),
        scope_type: "biz".into(),
        scope_id: "2".into(),
        operator: "admin".into(),
        app_code: APP.into(),
        callback_url: None,
        start_task: true,
        script_language: 1,
        script_content: "echo".into(),
        script_param: None,
        is_param_sensitive: false,
        timeout: 10,
        account_id: 1000,
        account_alias: "root".into(),
        os_user: "$SERVER_USER".into(),
    }
}

fn hosts() -> Vec<NewHost> {
    [101, 102]
        .map(|id| NewHost {
            host_id: id,
            ip: format!("127.0.0.{}", id - 99),
            cloud_id: 0,
            agent_online: true,
        })
        .to_vec()
}

/// A status write that fails marks its job abnormal (9, hosts 0), drops its later writes and
/// tells `job_failed`; another job's writes in the same batches go on. Once writes work again
/// the abnormal status is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_status_write_fails_only_its_job() {
    let dir = tempfile::TempDir::new().unwrap();
    let (db, _) = Db::open_with(dir.path(), DbOptions::default()).unwrap();
    let q = JobQuota::default();
    let (x, x_step, _) = db.create_job(new_job(), hosts(), q).await.unwrap();
    let (y, y_step, _) = db.create_job(new_job(), hosts(), q).await.unwrap();
    for (j, s) in [(x, x_step), (y, y_step)] {
        db.set_job_status(j, s, 2, Some(1), None);
        db.set_host_status(s, 101, 7, None, Some(1), None);
    }
    db.flush().await;
    // Host 102 of job X cannot be written (a stand-in for a full disk).
    let trigger = format!(
        "CREATE TRIGGER fail_x BEFORE UPDATE ON step_host \
         WHEN OLD.step_id = {x_step} AND OLD.host_id = 102 \
         BEGIN SELECT RAISE(FAIL, 'disk full (test)'); END;"
    );
    db.read(move |c| c.execute_batch(&trigger)).await.unwrap();
    let failure = tokio::spawn({
        let db = db.clone();
        async move { db.job_failure(x).await }
    });
    for (j, s) in [(x, x_step), (y, y_step)] {
        db.append_log(s, 101, b"out\n".to_vec());
        db.set_host_status(s, 102, 7, None, Some(2), None);
        db.set_host_status(s, 101, 9, Some(0), None, Some(3));
        db.set_job_status(j, s, 3, None, Some(3));
    }
    db.flush().await;
    assert!(db.job_failed(x));
    assert!(!db.job_failed(y));
    tokio::time::timeout(Duration::from_secs(5), failure)
        .await
        .expect("job_failure resolves")
        .unwrap();
    let healthy = tokio::time::timeout(Duration::from_millis(100), db.job_failure(y)).await;
    assert!(healthy.is_err());
    // X reads as abnormal although the mark itself could not be stored (it touches host 102).
    assert_eq!(db.job(x).await.unwrap().unwrap().status, 9);
    assert!(db.steps(x).await.unwrap().iter().all(|s| s.status == 9));
    let xh = db.hosts(x_step).await.unwrap();
    assert_eq!((xh[0].status, xh[1].status), (0, 0), "{xh:?}");
    // Y went on.
    assert_eq!(db.job(y).await.unwrap().unwrap().status, 3);
    let yh = db.hosts(y_step).await.unwrap();
    assert_eq!((yh[0].status, yh[1].status), (9, 7));
    assert_eq!(db.log(y_step, 101).await.unwrap(), "out\n");
    // "Space frees up": the mark is stored within the retry period.
    db.read(|c| c.execute_batch("DROP TRIGGER fail_x"))
        .await
        .unwrap();
    let stored = |db: Db| async move {
        db.read(move |c| {
            c.query_row("SELECT status FROM job_instance WHERE id = ?1", [x], |r| {
                r.get::<_, i64>(0)
            })
        })
        .await
        .unwrap()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while stored(db.clone()).await != 9 {
        assert!(Instant::now() < deadline, "abnormal status never stored");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A job with more log rows than one purge op deletes is cleared over several ops: it is gone
/// for readers at once, and in the end nothing of it is left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_clears_a_big_job_over_several_ops() {
    let dir = tempfile::TempDir::new().unwrap();
    let opts = DbOptions {
        max_data_bytes: 0,
        retention: Some(Retention {
            max_age: None,
            max_jobs: 1,
            interval: Duration::from_secs(1),
        }),
    };
    let (db, _) = Db::open_with(dir.path(), opts).unwrap();
    let q = JobQuota::default();
    let (x, x_step, _) = db.create_job(new_job(), hosts(), q).await.unwrap();
    for i in 0..30_000 {
        db.append_log(x_step, 101 + (i % 2), b"line\n".to_vec());
    }
    db.set_job_status(x, x_step, 3, Some(1), Some(2));
    let (y, y_step, _) = db.create_job(new_job(), hosts(), q).await.unwrap();
    db.append_log(y_step, 101, b"y\n".to_vec());
    db.flush().await;
    let left = |db: Db| async move {
        db.read(move |c| {
            let n = |sql: &str| c.query_row(sql, [x_step], |r| r.get::<_, i64>(0));
            Ok(n("SELECT COUNT(*) FROM host_log WHERE step_id = ?1")?
                + n("SELECT COUNT(*) FROM step_host WHERE step_id = ?1")?
                + n("SELECT COUNT(*) FROM step_instance WHERE id = ?1")?)
        })
        .await
        .unwrap()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while left(db.clone()).await > 0 {
        assert!(Instant::now() < deadline, "job {x} not cleared");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(db.job(x).await.unwrap().is_none());
    assert!(db.job(y).await.unwrap().is_some());
    assert_eq!(db.log(y_step, 101).await.unwrap(), "y\n");
}
