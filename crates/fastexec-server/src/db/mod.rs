//! Persistence: jobs, steps, per-host results and logs in SQLite under `--data-dir`.
//!
//! All writes go through one writer thread ([`writer`]), applied in the order they were sent,
//! so a reader that sees a job in a final status also sees every host row and log chunk that
//! was written before it. A failed write fails only its own job (see [`writer`]).
//! Reads use a small pool of connections (WAL mode lets them run side by side and while the
//! writer commits), so one large log read does not hold up other users' status polls.
//! [`retention`] deletes old finished jobs; `max_data_bytes` caps the database file.

mod reads;
mod retention;
mod schema;
mod writer;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use rusqlite::{params, Connection, OptionalExtension};
use tokio::sync::{oneshot, watch, Semaphore};

use reads::{abnormal, read_log, running_counts};
pub use retention::Retention;
use writer::{Op, Writer};

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

/// A job whose status could not be written: it is abnormal (9) from then on. Reads overlay it
/// until the database agrees, and the executor asks [`Db::job_failed`] to stop its processes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Failed {
    pub step_id: i64,
    /// When the failure happened (Unix ms): the job's end time.
    pub at: i64,
}

/// Failed jobs by id, shared by the writer and the readers; `changed` counts insertions so
/// [`Db::job_failure`] can wait for one.
#[derive(Debug)]
pub(crate) struct FailedJobs {
    map: Mutex<HashMap<i64, Failed>>,
    changed: watch::Sender<u64>,
}

impl Default for FailedJobs {
    fn default() -> Self {
        FailedJobs {
            map: Mutex::default(),
            changed: watch::Sender::new(0),
        }
    }
}

impl FailedJobs {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Failed>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
    pub(crate) fn contains(&self, job_id: i64) -> bool {
        self.lock().contains_key(&job_id)
    }
    pub(crate) fn get(&self, job_id: i64) -> Option<Failed> {
        self.lock().get(&job_id).copied()
    }
    pub(crate) fn insert(&self, job_id: i64, step_id: i64, at: i64) {
        self.lock().entry(job_id).or_insert(Failed { step_id, at });
        self.changed.send_modify(|n| *n += 1);
    }
    pub(crate) fn remove(&self, job_id: i64) {
        self.lock().remove(&job_id);
    }
    fn by_step(&self, step_id: i64) -> Option<Failed> {
        self.lock().values().find(|f| f.step_id == step_id).copied()
    }
}

/// Storage limits from the configuration.
#[derive(Debug, Clone, Copy, Default)]
pub struct DbOptions {
    /// Largest database size in bytes (SQLite `max_page_count`); 0 = no cap. Beyond it writes
    /// fail like on a full disk.
    pub max_data_bytes: u64,
    /// `None`: never delete jobs.
    pub retention: Option<Retention>,
}

impl DbOptions {
    pub fn from_config(cfg: &crate::config::Config) -> DbOptions {
        let r = &cfg.retention;
        let max_age = match (r.max_age_secs, r.max_age_days) {
            (Some(s), _) if s > 0 => Some(std::time::Duration::from_secs(s)),
            (_, d) if d > 0 => Some(std::time::Duration::from_secs(d.saturating_mul(86_400))),
            _ => None,
        };
        DbOptions {
            max_data_bytes: cfg.limits.max_data_bytes,
            retention: Some(Retention {
                max_age,
                max_jobs: r.max_jobs,
                interval: std::time::Duration::from_secs(r.interval_secs.max(1)),
            }),
        }
    }
}

/// Read connections: at most [`READERS`] reads at a time, each on its own connection.
struct ReaderPool {
    path: PathBuf,
    conns: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
}

/// Concurrent reads. A handful is enough to keep status polls going next to big log reads,
/// and bounds the memory SQLite caches per connection.
const READERS: usize = 4;

/// Handle to the database: queue writes, run reads.
#[derive(Clone)]
pub struct Db {
    tx: mpsc::Sender<Op>,
    readers: Arc<ReaderPool>,
    failed: Arc<FailedJobs>,
    /// Dropped with the last handle: stops the retention thread.
    _stop: Arc<mpsc::Sender<()>>,
}

fn open(path: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open(path).with_context(|| format!("open {}", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    Ok(conn)
}

/// Host statuses that mean "not finished" (waiting 5, running 7).
const HOST_UNFINISHED: &str = "(5, 7)";

/// How a host's log was cut by [`Db::logs_capped`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogCut {
    Whole,
    /// Cut at the answer's byte cap.
    Truncated,
    /// Not read: the cap was reached before this host.
    Skipped,
}

impl Db {
    /// [`Db::open_with`] without a size cap or retention.
    pub fn open(data_dir: &Path) -> anyhow::Result<(Db, usize)> {
        Db::open_with(data_dir, DbOptions::default())
    }

    /// Open (or create) the database, and mark jobs that were running when the previous server
    /// process died as abnormal (job/step status 9, `ABNORMAL_STATE`, contract §5.2); their
    /// waiting/running hosts get host status 0 ("未知错误"/"Unknown Error", §5.5), since BK-JOB
    /// has no "abnormal" host status and their real outcome is unknown.
    pub fn open_with(data_dir: &Path, opts: DbOptions) -> anyhow::Result<(Db, usize)> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("create data dir {}", data_dir.display()))?;
        let path = data_dir.join("fastexec.sqlite3");
        let mut writer = open(&path)?;
        writer.execute_batch(schema::SCHEMA)?;
        if opts.max_data_bytes > 0 {
            // Per connection: only the writer grows the file. SQLite never sets it below the
            // current size, so a lowered cap only stops growth.
            let page: i64 = writer.query_row("PRAGMA page_size", [], |r| r.get(0))?;
            let pages = (opts.max_data_bytes / page.max(512) as u64).max(1);
            writer.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))?;
        }
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
        let readers = Arc::new(ReaderPool {
            conns: Mutex::new(vec![open(&path)?]),
            path,
            permits: Arc::new(Semaphore::new(READERS)),
        });
        let failed = Arc::new(FailedJobs::default());
        let (tx, rx) = mpsc::channel();
        let w = Writer::new(writer, failed.clone());
        std::thread::Builder::new()
            .name("fastexec-db-writer".into())
            .spawn(move || w.run(rx))
            .context("spawn db writer")?;
        let (stop, stop_rx) = mpsc::channel();
        if let Some(r) = opts.retention {
            retention::spawn(tx.clone(), data_dir.join("work"), r, stop_rx)
                .context("spawn retention")?;
        }
        Ok((
            Db {
                tx,
                readers,
                failed,
                _stop: Arc::new(stop),
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

    /// Did a write of this job fail? Then the job is abnormal (9) and its further writes are
    /// dropped: the executor should stop its processes. Cheap (a map lookup).
    pub fn job_failed(&self, job_id: i64) -> bool {
        self.failed.contains(job_id)
    }

    /// Resolves once a write of this job has failed (see [`Db::job_failed`]); for a
    /// `tokio::select!` next to the job's processes. Never resolves for a healthy job.
    pub async fn job_failure(&self, job_id: i64) {
        let mut rx = self.failed.changed.subscribe();
        loop {
            if self.failed.contains(job_id) {
                return;
            }
            if rx.changed().await.is_err() {
                // Cannot happen while `self` holds the sender; wait forever rather than spin.
                std::future::pending::<()>().await;
            }
        }
    }

    /// Wait until everything queued before this call is committed (or given up).
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

    /// Run a read query on a pooled reader connection off the async runtime.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let pool = self.readers.clone();
        let permit = pool
            .permits
            .clone()
            .acquire_owned()
            .await
            .context("db readers closed")?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let pooled = pool.conns.lock().unwrap_or_else(|e| e.into_inner()).pop();
            // Opened lazily; also replaces a connection lost to a panicking read.
            let conn = match pooled {
                Some(c) => c,
                None => open(&pool.path)?,
            };
            let r = f(&conn).map_err(anyhow::Error::from);
            pool.conns
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(conn);
            r
        })
        .await
        .context("db reader task failed")?
    }

    pub async fn job(&self, job_id: i64) -> anyhow::Result<Option<JobRow>> {
        let mut job = self
            .read(move |c| {
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
            .await?;
        if let (Some(j), Some(f)) = (job.as_mut(), self.failed.get(job_id)) {
            (j.status, j.end_time) = abnormal(j.status, j.end_time, f.at);
        }
        Ok(job)
    }

    pub async fn steps(&self, job_id: i64) -> anyhow::Result<Vec<StepRow>> {
        let mut steps = self
            .read(move |c| {
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
                rows.collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        if let Some(f) = self.failed.get(job_id) {
            for s in &mut steps {
                (s.status, s.end_time) = abnormal(s.status, s.end_time, f.at);
            }
        }
        Ok(steps)
    }

    /// Hosts of a step in request order.
    pub async fn hosts(&self, step_id: i64) -> anyhow::Result<Vec<HostRow>> {
        let mut hosts = self
            .read(move |c| {
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
                rows.collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        if let Some(f) = self.failed.by_step(step_id) {
            // As the restart recovery does: unfinished hosts of an abnormal job are 0.
            for h in hosts.iter_mut().filter(|h| matches!(h.status, 5 | 7)) {
                h.status = 0;
                h.end_time.get_or_insert(f.at);
            }
        }
        Ok(hosts)
    }

    /// The whole log of one host (chunks concatenated; invalid UTF-8 replaced).
    pub async fn log(&self, step_id: i64, host_id: i64) -> anyhow::Result<String> {
        self.read(move |c| read_log(c, step_id, host_id, usize::MAX))
            .await
            .map(|(s, _)| s)
    }

    /// Logs of several hosts, in order, together at most `cap` bytes: the host where the cap
    /// is reached is cut, later hosts are not read. Each host is read only up to what is left,
    /// so no more than `cap` bytes of logs are ever held.
    pub async fn logs_capped(
        &self,
        step_id: i64,
        host_ids: Vec<i64>,
        cap: usize,
    ) -> anyhow::Result<Vec<(String, LogCut)>> {
        self.read(move |c| {
            let mut left = cap;
            let mut out = Vec::with_capacity(host_ids.len());
            for h in host_ids {
                if left == 0 {
                    out.push((String::new(), LogCut::Skipped));
                    continue;
                }
                let (log, cut) = read_log(c, step_id, h, left)?;
                left = left.saturating_sub(log.len());
                out.push((
                    log,
                    if cut {
                        LogCut::Truncated
                    } else {
                        LogCut::Whole
                    },
                ));
            }
            Ok(out)
        })
        .await
    }
}
