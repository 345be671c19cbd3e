//! The database driven directly (no server): a failed status write fails only its job, and a
//! big job is purged over several ops.

mod common;

use std::time::{Duration, Instant};

use common::*;
use fastexec_server::db::{
    Db, DbOptions, HostUpdate, JobQuota, JobUpdate, NewHost, NewJob, Retention,
};

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
        rolling: None,
    }
}

fn hosts() -> Vec<NewHost> {
    [101, 102]
        .map(|id| NewHost {
            host_id: id,
            ip: format!("127.0.0.{}", id - 99),
            cloud_id: 0,
            agent_online: true,
            batch: 0,
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
        db.set_job_status(JobUpdate {
            job_id: j,
            step_id: s,
            status: 2,
            start_time: Some(1),
            end_time: None,
        });
        db.set_host_status(HostUpdate {
            step_id: s,
            host_id: 101,
            status: 7,
            exit_code: None,
            start_time: Some(1),
            end_time: None,
        });
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
        db.append_log(s, 101, 0, b"out\n".to_vec());
        db.set_host_status(HostUpdate {
            step_id: s,
            host_id: 102,
            status: 7,
            exit_code: None,
            start_time: Some(2),
            end_time: None,
        });
        db.set_host_status(HostUpdate {
            step_id: s,
            host_id: 101,
            status: 9,
            exit_code: Some(0),
            start_time: None,
            end_time: Some(3),
        });
        db.set_job_status(JobUpdate {
            job_id: j,
            step_id: s,
            status: 3,
            start_time: None,
            end_time: Some(3),
        });
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
    assert_eq!(db.log(y_step, 101, 0).await.unwrap(), "out\n");
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
        db.append_log(x_step, 101 + (i % 2), 0, b"line\n".to_vec());
    }
    db.set_job_status(JobUpdate {
        job_id: x,
        step_id: x_step,
        status: 3,
        start_time: Some(1),
        end_time: Some(2),
    });
    let (y, y_step, _) = db.create_job(new_job(), hosts(), q).await.unwrap();
    db.append_log(y_step, 101, 0, b"y\n".to_vec());
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
    assert_eq!(db.log(y_step, 101, 0).await.unwrap(), "y\n");
}

/// A database made by the version before rounds and rolling (its tables exactly) opens with
/// the new columns added: old rows read as round 0, not rolling, their logs as round 0; a
/// retry's new round then works on them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_database_gets_the_new_columns() {
    let dir = tempfile::TempDir::new().unwrap();
    {
        let c = rusqlite::Connection::open(dir.path().join("fastexec.sqlite3")).unwrap();
        c.execute_batch(
            "CREATE TABLE job_instance (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
               status INTEGER NOT NULL, scope_type TEXT NOT NULL, scope_id TEXT NOT NULL,
               operator TEXT NOT NULL, app_code TEXT NOT NULL, create_time INTEGER NOT NULL,
               start_time INTEGER, end_time INTEGER, callback_url TEXT, start_task INTEGER NOT NULL);
             CREATE TABLE step_instance (id INTEGER PRIMARY KEY AUTOINCREMENT, job_id INTEGER NOT NULL,
               name TEXT NOT NULL, type INTEGER NOT NULL, status INTEGER NOT NULL,
               create_time INTEGER NOT NULL, start_time INTEGER, end_time INTEGER,
               script_language INTEGER NOT NULL, script_content TEXT NOT NULL, script_param TEXT,
               is_param_sensitive INTEGER NOT NULL, timeout INTEGER NOT NULL,
               account_id INTEGER NOT NULL, account_alias TEXT NOT NULL, os_user TEXT NOT NULL);
             CREATE TABLE step_host (step_id INTEGER NOT NULL, seq INTEGER NOT NULL,
               host_id INTEGER NOT NULL, ip TEXT NOT NULL, cloud_id INTEGER NOT NULL,
               agent_online INTEGER NOT NULL, status INTEGER NOT NULL, exit_code INTEGER,
               error_code INTEGER NOT NULL DEFAULT 0, start_time INTEGER, end_time INTEGER,
               PRIMARY KEY (step_id, host_id)) WITHOUT ROWID;
             CREATE TABLE host_log (id INTEGER PRIMARY KEY AUTOINCREMENT, step_id INTEGER NOT NULL,
               host_id INTEGER NOT NULL, content BLOB NOT NULL);
             INSERT INTO job_instance VALUES (7, 'old', 4, 'biz', '2', 'admin', 'app', 1, 1, 2, NULL, 1);
             INSERT INTO step_instance VALUES (70, 7, 'old', 1, 4, 1, 1, 2, 1, 'exit 1', NULL, 0, 10,
               1000, 'root', '$SERVER_USER');
             INSERT INTO step_host VALUES (70, 0, 101, '127.0.0.2', 0, 1, 9, 0, 0, 1, 2);
             INSERT INTO step_host VALUES (70, 1, 102, '127.0.0.3', 0, 1, 104, 1, 0, 1, 2);
             INSERT INTO host_log (step_id, host_id, content) VALUES (70, 102, X'6F6C640A');",
        )
        .unwrap();
    }
    let (db, _) = Db::open(dir.path()).unwrap();
    let step = &db.steps(7).await.unwrap()[0];
    assert_eq!(
        (step.execute_count, step.batch, step.rolling.clone()),
        (0, 0, None)
    );
    let hosts = db.hosts(70).await.unwrap();
    assert_eq!(
        hosts
            .iter()
            .map(|h| (h.host_id, h.status, h.batch, h.actual_count))
            .collect::<Vec<_>>(),
        vec![(101, 9, 0, 0), (102, 104, 0, 0)]
    );
    assert_eq!(db.log(70, 102, 0).await.unwrap(), "old\n");
    // A retry of the failed host: round 1, 102 waits with no log yet, 101 carried over.
    assert_eq!(db.new_round(7, 70, vec![102]).await.unwrap(), 1);
    let hosts = db.hosts(70).await.unwrap();
    assert_eq!(
        hosts
            .iter()
            .map(|h| (h.host_id, h.status, h.actual_count))
            .collect::<Vec<_>>(),
        vec![(101, 9, 0), (102, 5, 1)]
    );
    assert_eq!(db.log(70, 102, 1).await.unwrap(), "");
    let old = db.hosts_of_round(70, 0).await.unwrap();
    assert_eq!(
        old.iter().map(|h| h.status).collect::<Vec<_>>(),
        vec![9, 104]
    );
    let job = db.job(7).await.unwrap().unwrap();
    assert_eq!((job.status, job.end_time), (2, None));
    // Opening again changes nothing more (the migration is idempotent).
    drop(db);
    let (db, recovered) = Db::open(dir.path()).unwrap();
    // The job was left running (2) with nothing behind it: recovery marks it abnormal.
    assert_eq!(recovered, 1);
    assert_eq!(db.steps(7).await.unwrap()[0].execute_count, 1);
}
