//! Persistence: jobs, steps, per-host results and logs in SQLite under `--data-dir`.
//!
//! All writes go through one writer thread that drains its queue and applies everything that
//! is pending in ONE transaction, so a 50,000-host job costs a handful of commits, not 50,000.
//! Reads use a second connection (WAL mode lets them run while the writer commits). Writes are
//! applied in the order they were sent, so a reader that sees a job in a final status also sees
//! every host row and log chunk that was written before it.

use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use bkjob_api::RunStatus;
use rusqlite::{params, Connection, OptionalExtension};
use tokio::sync::oneshot;

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS job_instance (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    status INTEGER NOT NULL,
    scope_type TEXT NOT NULL,
    scope_id TEXT NOT NULL,
    operator TEXT NOT NULL,
    app_code TEXT NOT NULL,
    create_time INTEGER NOT NULL,
    start_time INTEGER,
    end_time INTEGER,
    callback_url TEXT,
    start_task INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS step_instance (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    type INTEGER NOT NULL,
    status INTEGER NOT NULL,
    create_time INTEGER NOT NULL,
    start_time INTEGER,
    end_time INTEGER,
    script_language INTEGER NOT NULL,
    script_content TEXT NOT NULL,
    script_param TEXT,
    is_param_sensitive INTEGER NOT NULL,
    timeout INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    account_alias TEXT NOT NULL,
    os_user TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS step_instance_job ON step_instance(job_id);
CREATE TABLE IF NOT EXISTS step_host (
    step_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    host_id INTEGER NOT NULL,
    ip TEXT NOT NULL,
    cloud_id INTEGER NOT NULL,
    agent_online INTEGER NOT NULL,
    status INTEGER NOT NULL,
    exit_code INTEGER,
    error_code INTEGER NOT NULL DEFAULT 0,
    start_time INTEGER,
    end_time INTEGER,
    PRIMARY KEY (step_id, host_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS host_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    step_id INTEGER NOT NULL,
    host_id INTEGER NOT NULL,
    content BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS host_log_host ON host_log(step_id, host_id, id);
CREATE INDEX IF NOT EXISTS job_instance_status ON job_instance(status);
";

/// Wall-clock time in Unix milliseconds (BK-JOB's time unit on the wire, contract §5.1).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[derive(Debug, Clone)]
pub struct NewJob {
    pub name: String,
    pub scope_type: String,
    pub scope_id: String,
    pub operator: String,
    pub app_code: String,
    pub callback_url: Option<String>,
    pub start_task: bool,
    pub script_language: i32,
    pub script_content: String,
    pub script_param: Option<String>,
    pub is_param_sensitive: bool,
    pub timeout: i64,
    pub account_id: i64,
    pub account_alias: String,
    pub os_user: String,
}

#[derive(Debug, Clone)]
pub struct NewHost {
    pub host_id: i64,
    pub ip: String,
    pub cloud_id: i64,
    pub agent_online: bool,
}

#[derive(Debug, Clone)]
pub struct JobRow {
    pub id: i64,
    pub name: String,
    pub status: i32,
    pub scope_type: String,
    pub scope_id: String,
    pub operator: String,
    pub create_time: i64,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    pub callback_url: Option<String>,
    pub start_task: bool,
}

#[derive(Debug, Clone)]
pub struct StepRow {
    pub id: i64,
    pub job_id: i64,
    pub name: String,
    pub type_: i32,
    pub status: i32,
    pub create_time: i64,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    pub script_language: i32,
    pub script_content: String,
    pub script_param: Option<String>,
    pub timeout: i64,
    pub os_user: String,
    pub is_param_sensitive: bool,
}

#[derive(Debug, Clone)]
pub struct HostRow {
    pub host_id: i64,
    pub ip: String,
    pub cloud_id: i64,
    pub agent_online: bool,
    pub status: i32,
    pub exit_code: Option<i32>,
    pub error_code: i32,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
}

/// Running-job quotas (contract §3.4); 0 = unlimited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobQuota {
    pub per_scope: u64,
    pub per_app: u64,
    pub system: u64,
}

/// Which running-job quota a launch would exceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaExceeded {
    Scope,
    App,
    System,
}

/// Unfinished jobs (not in a final status): of one scope, of one app code, in total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunningCounts {
    pub scope: u64,
    pub app: u64,
    pub system: u64,
}

impl JobQuota {
    pub fn is_unlimited(&self) -> bool {
        self.per_scope == 0 && self.per_app == 0 && self.system == 0
    }

    /// The first limit already reached, in BK-JOB's order scope → app → system.
    pub fn exceeded(&self, c: &RunningCounts) -> Option<QuotaExceeded> {
        let full = |limit: u64, n: u64| limit > 0 && n >= limit;
        if full(self.per_scope, c.scope) {
            Some(QuotaExceeded::Scope)
        } else if full(self.per_app, c.app) {
            Some(QuotaExceeded::App)
        } else if full(self.system, c.system) {
            Some(QuotaExceeded::System)
        } else {
            None
        }
    }
}

/// Why a job was not created.
#[derive(Debug)]
pub enum CreateError {
    Quota(QuotaExceeded),
    Db(anyhow::Error),
}

impl std::fmt::Display for CreateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CreateError::Quota(q) => write!(f, "running-job quota exceeded: {q:?}"),
            CreateError::Db(e) => write!(f, "{e:#}"),
        }
    }
}

type CreateReply = Result<(i64, i64, i64), CreateError>;

/// One queued write.
enum Op {
    Create {
        job: Box<NewJob>,
        hosts: Vec<NewHost>,
        initial_status: i32,
        quota: JobQuota,
        reply: oneshot::Sender<CreateReply>,
    },
    Job {
        job_id: i64,
        step_id: i64,
        status: i32,
        start_time: Option<i64>,
        end_time: Option<i64>,
    },
    Host {
        step_id: i64,
        host_id: i64,
        status: i32,
        exit_code: Option<i32>,
        start_time: Option<i64>,
        end_time: Option<i64>,
    },
    Log {
        step_id: i64,
        host_id: i64,
        content: Vec<u8>,
    },
    Flush(oneshot::Sender<()>),
}

/// Handle to the database: queue writes, run reads.
#[derive(Clone)]
pub struct Db {
    tx: mpsc::Sender<Op>,
    reader: Arc<Mutex<Connection>>,
}

fn open(path: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open(path).with_context(|| format!("open {}", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    Ok(conn)
}

/// Host statuses that mean "not finished" (waiting 5, running 7).
const HOST_UNFINISHED: &str = "(5, 7)";

impl Db {
    /// Open (or create) the database, and mark jobs that were running when the previous server
    /// process died as abnormal (job/step status 9, `ABNORMAL_STATE`, contract §5.2); their
    /// waiting/running hosts get host status 0 ("未知错误"/"Unknown Error", §5.5), since BK-JOB
    /// has no "abnormal" host status and their real outcome is unknown.
    pub fn open(data_dir: &Path) -> anyhow::Result<(Db, usize)> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("create data dir {}", data_dir.display()))?;
        let path = data_dir.join("fastexec.sqlite3");
        let mut writer = open(&path)?;
        writer.execute_batch(SCHEMA)?;
        let now = now_ms();
        let recovered;
        {
            let tx = writer.transaction()?;
            // Running (2), terminating (10), or created-to-start (1 with start_task) jobs.
            let cond = "status IN (2, 10) OR (status = 1 AND start_task = 1)";
            tx.execute(
                &format!(
                    "UPDATE step_host SET status = 0, end_time = ?1 WHERE status IN {HOST_UNFINISHED} \
                     AND step_id IN (SELECT s.id FROM step_instance s JOIN job_instance j \
                     ON s.job_id = j.id WHERE {})",
                    cond.replace("status", "j.status").replace("start_task", "j.start_task")
                ),
                params![now],
            )?;
            tx.execute(
                &format!(
                    "UPDATE step_instance SET status = 9, end_time = ?1 WHERE job_id IN \
                     (SELECT id FROM job_instance WHERE {cond})"
                ),
                params![now],
            )?;
            recovered = tx.execute(
                &format!("UPDATE job_instance SET status = 9, end_time = ?1 WHERE {cond}"),
                params![now],
            )?;
            tx.commit()?;
        }
        let reader = open(&path)?;
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("fastexec-db-writer".into())
            .spawn(move || writer_loop(writer, rx))
            .context("spawn db writer")?;
        Ok((
            Db {
                tx,
                reader: Arc::new(Mutex::new(reader)),
            },
            recovered,
        ))
    }

    /// Insert a job, its single script step and its hosts; returns (job id, step id,
    /// create time). Job and step start in `initial_status` (1 = BLANK); hosts in 5 (waiting).
    ///
    /// `quota` is checked by the writer thread in the transaction of the insert: writes are
    /// applied one at a time, so two concurrent launches cannot both take the last slot.
    pub async fn create_job(
        &self,
        job: NewJob,
        hosts: Vec<NewHost>,
        quota: JobQuota,
    ) -> Result<(i64, i64, i64), CreateError> {
        let (reply, rx) = oneshot::channel();
        self.send(Op::Create {
            job: Box::new(job),
            hosts,
            initial_status: 1,
            quota,
            reply,
        });
        rx.await
            .map_err(|_| CreateError::Db(anyhow::anyhow!("db writer stopped")))?
    }

    /// Unfinished jobs as last committed (the early, ordered quota check of a launch; the
    /// binding one is in [`Db::create_job`]).
    pub async fn running_counts(
        &self,
        scope_type: &str,
        scope_id: &str,
        app_code: &str,
    ) -> anyhow::Result<RunningCounts> {
        let (t, i, a) = (
            scope_type.to_string(),
            scope_id.to_string(),
            app_code.to_string(),
        );
        self.read(move |c| running_counts(c, &t, &i, &a)).await
    }

    pub fn set_job_status(
        &self,
        job_id: i64,
        step_id: i64,
        status: i32,
        start_time: Option<i64>,
        end_time: Option<i64>,
    ) {
        self.send(Op::Job {
            job_id,
            step_id,
            status,
            start_time,
            end_time,
        });
    }

    pub fn set_host_status(
        &self,
        step_id: i64,
        host_id: i64,
        status: i32,
        exit_code: Option<i32>,
        start_time: Option<i64>,
        end_time: Option<i64>,
    ) {
        self.send(Op::Host {
            step_id,
            host_id,
            status,
            exit_code,
            start_time,
            end_time,
        });
    }

    pub fn append_log(&self, step_id: i64, host_id: i64, content: Vec<u8>) {
        if !content.is_empty() {
            self.send(Op::Log {
                step_id,
                host_id,
                content,
            });
        }
    }

    /// Wait until everything queued before this call is committed.
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        self.send(Op::Flush(tx));
        let _ = rx.await;
    }

    fn send(&self, op: Op) {
        if self.tx.send(op).is_err() {
            tracing::error!("database writer is gone; a write was lost");
        }
    }

    /// Run a read query on the reader connection off the async runtime.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let reader = self.reader.clone();
        tokio::task::spawn_blocking(move || {
            let conn = reader.lock().unwrap_or_else(|e| e.into_inner());
            f(&conn).map_err(anyhow::Error::from)
        })
        .await
        .context("db reader task failed")?
    }

    pub async fn job(&self, job_id: i64) -> anyhow::Result<Option<JobRow>> {
        self.read(move |c| {
            c.query_row(
                "SELECT id, name, status, scope_type, scope_id, operator, create_time, \
                 start_time, end_time, callback_url, start_task FROM job_instance WHERE id = ?1",
                params![job_id],
                |r| {
                    Ok(JobRow {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        status: r.get(2)?,
                        scope_type: r.get(3)?,
                        scope_id: r.get(4)?,
                        operator: r.get(5)?,
                        create_time: r.get(6)?,
                        start_time: r.get(7)?,
                        end_time: r.get(8)?,
                        callback_url: r.get(9)?,
                        start_task: r.get(10)?,
                    })
                },
            )
            .optional()
        })
        .await
    }

    pub async fn steps(&self, job_id: i64) -> anyhow::Result<Vec<StepRow>> {
        self.read(move |c| {
            let mut st = c.prepare(
                "SELECT id, job_id, name, type, status, create_time, start_time, end_time, \
                 script_language, script_content, script_param, timeout, os_user, \
                 is_param_sensitive FROM step_instance WHERE job_id = ?1 ORDER BY id",
            )?;
            let rows = st.query_map(params![job_id], |r| {
                Ok(StepRow {
                    id: r.get(0)?,
                    job_id: r.get(1)?,
                    name: r.get(2)?,
                    type_: r.get(3)?,
                    status: r.get(4)?,
                    create_time: r.get(5)?,
                    start_time: r.get(6)?,
                    end_time: r.get(7)?,
                    script_language: r.get(8)?,
                    script_content: r.get(9)?,
                    script_param: r.get(10)?,
                    timeout: r.get(11)?,
                    os_user: r.get(12)?,
                    is_param_sensitive: r.get(13)?,
                })
            })?;
            rows.collect()
        })
        .await
    }

    /// Hosts of a step in request order.
    pub async fn hosts(&self, step_id: i64) -> anyhow::Result<Vec<HostRow>> {
        self.read(move |c| {
            let mut st = c.prepare(
                "SELECT host_id, ip, cloud_id, agent_online, status, exit_code, error_code, \
                 start_time, end_time FROM step_host WHERE step_id = ?1 ORDER BY seq",
            )?;
            let rows = st.query_map(params![step_id], |r| {
                Ok(HostRow {
                    host_id: r.get(0)?,
                    ip: r.get(1)?,
                    cloud_id: r.get(2)?,
                    agent_online: r.get(3)?,
                    status: r.get(4)?,
                    exit_code: r.get(5)?,
                    error_code: r.get(6)?,
                    start_time: r.get(7)?,
                    end_time: r.get(8)?,
                })
            })?;
            rows.collect()
        })
        .await
    }

    /// The whole log of one host (chunks concatenated; invalid UTF-8 replaced).
    pub async fn log(&self, step_id: i64, host_id: i64) -> anyhow::Result<String> {
        self.read(move |c| read_log(c, step_id, host_id)).await
    }

    /// Logs of several hosts at once.
    pub async fn logs(&self, step_id: i64, host_ids: Vec<i64>) -> anyhow::Result<Vec<String>> {
        self.read(move |c| {
            host_ids
                .iter()
                .map(|&h| read_log(c, step_id, h))
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .await
    }
}

fn read_log(c: &Connection, step_id: i64, host_id: i64) -> rusqlite::Result<String> {
    let mut st = c.prepare_cached(
        "SELECT content FROM host_log WHERE step_id = ?1 AND host_id = ?2 ORDER BY id",
    )?;
    let mut buf = Vec::new();
    let mut rows = st.query(params![step_id, host_id])?;
    while let Some(r) = rows.next()? {
        let chunk: Vec<u8> = r.get(0)?;
        buf.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Most ops applied per transaction before committing (bounds the latency of one batch).
const MAX_BATCH: usize = 20_000;

fn writer_loop(mut conn: Connection, rx: mpsc::Receiver<Op>) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(op) => batch.push(op),
                Err(_) => break,
            }
        }
        let mut replies = Vec::new();
        let mut flushes = Vec::new();
        let result = (|| -> rusqlite::Result<()> {
            let tx = conn.transaction()?;
            for op in batch {
                match op {
                    Op::Create {
                        job,
                        hosts,
                        initial_status,
                        quota,
                        reply,
                    } => {
                        let r = create_within_quota(&tx, &job, &hosts, initial_status, quota);
                        replies.push((reply, r));
                    }
                    Op::Job {
                        job_id,
                        step_id,
                        status,
                        start_time,
                        end_time,
                    } => {
                        for (table, id) in [("job_instance", job_id), ("step_instance", step_id)] {
                            tx.prepare_cached(&format!(
                                "UPDATE {table} SET status = ?1, \
                                 start_time = COALESCE(?2, start_time), \
                                 end_time = COALESCE(?3, end_time) WHERE id = ?4"
                            ))?
                            .execute(params![status, start_time, end_time, id])?;
                        }
                    }
                    Op::Host {
                        step_id,
                        host_id,
                        status,
                        exit_code,
                        start_time,
                        end_time,
                    } => {
                        tx.prepare_cached(
                            "UPDATE step_host SET status = ?1, \
                             exit_code = COALESCE(?2, exit_code), \
                             start_time = COALESCE(?3, start_time), \
                             end_time = COALESCE(?4, end_time) \
                             WHERE step_id = ?5 AND host_id = ?6",
                        )?
                        .execute(params![
                            status, exit_code, start_time, end_time, step_id, host_id
                        ])?;
                    }
                    Op::Log {
                        step_id,
                        host_id,
                        content,
                    } => {
                        tx.prepare_cached(
                            "INSERT INTO host_log (step_id, host_id, content) VALUES (?1, ?2, ?3)",
                        )?
                        .execute(params![step_id, host_id, content])?;
                    }
                    Op::Flush(done) => flushes.push(done),
                }
            }
            tx.commit()
        })();
        if let Err(e) = &result {
            tracing::error!("database write batch failed: {e}");
        }
        for (reply, r) in replies {
            let r = match (&result, r) {
                (Ok(()), Ok(Ok(ids))) => Ok(ids),
                (Ok(()), Ok(Err(q))) => Err(CreateError::Quota(q)),
                (Ok(()), Err(e)) => Err(CreateError::Db(e.into())),
                (Err(e), _) => Err(CreateError::Db(anyhow::anyhow!("commit failed: {e}"))),
            };
            let _ = reply.send(r);
        }
        for f in flushes {
            let _ = f.send(());
        }
    }
}

/// Count unfinished jobs (status not final, contract §5.2: created, running, stopping, …).
fn running_counts(
    c: &Connection,
    scope_type: &str,
    scope_id: &str,
    app_code: &str,
) -> rusqlite::Result<RunningCounts> {
    let unfinished: Vec<String> = RunStatus::ALL
        .iter()
        .filter(|s| !s.is_finished())
        .map(|s| s.code().to_string())
        .collect();
    let sql = format!(
        "SELECT COUNT(*), COALESCE(SUM(scope_type = ?1 AND scope_id = ?2), 0), \
         COALESCE(SUM(app_code = ?3), 0) FROM job_instance WHERE status IN ({})",
        unfinished.join(", ")
    );
    c.prepare_cached(&sql)?
        .query_row(params![scope_type, scope_id, app_code], |r| {
            let n = |i: usize| r.get::<_, i64>(i).map(|v| v.max(0) as u64);
            Ok(RunningCounts {
                system: n(0)?,
                scope: n(1)?,
                app: n(2)?,
            })
        })
}

/// Insert the job unless a running-job quota is already reached (in this transaction, which
/// sees every job created or finished before it).
fn create_within_quota(
    tx: &rusqlite::Transaction<'_>,
    job: &NewJob,
    hosts: &[NewHost],
    status: i32,
    quota: JobQuota,
) -> rusqlite::Result<Result<(i64, i64, i64), QuotaExceeded>> {
    if !quota.is_unlimited() {
        let counts = running_counts(tx, &job.scope_type, &job.scope_id, &job.app_code)?;
        if let Some(q) = quota.exceeded(&counts) {
            return Ok(Err(q));
        }
    }
    insert_job(tx, job, hosts, status).map(Ok)
}

fn insert_job(
    tx: &rusqlite::Transaction<'_>,
    job: &NewJob,
    hosts: &[NewHost],
    status: i32,
) -> rusqlite::Result<(i64, i64, i64)> {
    let now = now_ms();
    tx.execute(
        "INSERT INTO job_instance (name, status, scope_type, scope_id, operator, app_code, \
         create_time, callback_url, start_task) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            job.name,
            status,
            job.scope_type,
            job.scope_id,
            job.operator,
            job.app_code,
            now,
            job.callback_url,
            job.start_task
        ],
    )?;
    let job_id = tx.last_insert_rowid();
    // A quick-execute job has exactly one step of type 1 (script), named like the job
    // (contract §5.1).
    tx.execute(
        "INSERT INTO step_instance (job_id, name, type, status, create_time, script_language, \
         script_content, script_param, is_param_sensitive, timeout, account_id, account_alias, \
         os_user) VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            job_id,
            job.name,
            status,
            now,
            job.script_language,
            job.script_content,
            job.script_param,
            job.is_param_sensitive,
            job.timeout,
            job.account_id,
            job.account_alias,
            job.os_user
        ],
    )?;
    let step_id = tx.last_insert_rowid();
    let mut st = tx.prepare_cached(
        "INSERT INTO step_host (step_id, seq, host_id, ip, cloud_id, agent_online, status) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 5)",
    )?;
    for (seq, h) in hosts.iter().enumerate() {
        st.execute(params![
            step_id,
            seq as i64,
            h.host_id,
            h.ip,
            h.cloud_id,
            h.agent_online
        ])?;
    }
    Ok((job_id, step_id, now))
}
