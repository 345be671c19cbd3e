//! Persistence: jobs, steps, per-host results and logs in SQLite under `--data-dir`.
//!
//! Rounds: `step_host` holds each step's current round (`execute_count`), earlier rounds are
//! copied to `step_host_round` when a retry starts, and log chunks carry their round; the
//! columns added for rounds and rolling batches are added to older databases at open
//! ([`schema`]).
//!
//! All writes go through one writer thread ([`writer`], the SQL of each write in [`apply`]),
//! applied in the order they were sent,
//! so a reader that sees a job in a final status also sees every host row and log chunk that
//! was written before it. A failed write fails only its own job (see [`writer`]).
//! Reads use a small pool of connections (WAL mode lets them run side by side and while the
//! writer commits), so one large log read does not hold up other users' status polls.
//! [`retention`] deletes old finished jobs; `max_data_bytes` caps the database file.
//! [`history`] answers the job history (`get_job_instance_list`).

mod apply;
mod history;
mod model;
mod reads;
mod retention;
mod schema;
mod writer;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use rusqlite::{params, Connection};
use tokio::sync::{oneshot, watch, Semaphore};

pub use history::{query_job_list, seed_history, JobListFilter, JobListRow};
pub use model::*;
use reads::running_counts;
pub use retention::Retention;
use writer::{Op, Writer};

/// Wall-clock time in Unix milliseconds (BK-JOB's time unit on the wire, contract §5.1).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
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
    /// has no "abnormal" host status and their real outcome is unknown. Hosts of rolling
    /// batches after the current one keep waiting (5): a retry (operation 2/8) of the abnormal
    /// step re-runs the current batch and then goes on with them.
    pub fn open_with(data_dir: &Path, opts: DbOptions) -> anyhow::Result<(Db, usize)> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("create data dir {}", data_dir.display()))?;
        let path = data_dir.join("fastexec.sqlite3");
        let mut writer = open(&path)?;
        writer.execute_batch(schema::SCHEMA)?;
        schema::migrate(&mut writer).context("migrate the database schema")?;
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
            // Running (2, also while its rolling step pauses in 15), terminating (10), or
            // created-to-start (1 with start_task) jobs. A job waiting for a user (7) runs
            // nothing and keeps waiting: its state is all in the database (op 13 goes on).
            let cond = "status IN (2, 10) OR (status = 1 AND start_task = 1)";
            tx.execute(
                &format!(
                    "UPDATE step_host SET status = 0, end_time = ?1 WHERE status IN {HOST_UNFINISHED} \
                     AND batch <= (SELECT s.batch FROM step_instance s WHERE s.id = step_id) \
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

    /// Queue a job (and step) status write.
    pub fn set_job_status(&self, update: JobUpdate) {
        self.send(Op::Job(update));
    }

    /// Queue a host status write.
    pub fn set_host_status(&self, update: HostUpdate) {
        self.send(Op::Host(update));
    }

    /// Queue a job/step write where they differ (see [`PhaseUpdate`]).
    pub fn set_phase(&self, update: PhaseUpdate) {
        self.send(Op::Phase(update));
    }

    /// Start a new round of a step (a retry, see [`writer`]'s `NewRound`): committed when
    /// this returns; the new `execute_count`.
    pub async fn new_round(
        &self,
        job_id: i64,
        step_id: i64,
        rerun: Vec<i64>,
    ) -> anyhow::Result<i32> {
        let (reply, rx) = oneshot::channel();
        self.send(Op::NewRound {
            job_id,
            step_id,
            rerun,
            reply,
        });
        Ok(rx.await.context("db writer stopped")??)
    }

    /// Append to a host's log of round `execute_count`.
    pub fn append_log(&self, step_id: i64, host_id: i64, execute_count: i32, content: Vec<u8>) {
        if !content.is_empty() {
            self.send(Op::Log {
                step_id,
                host_id,
                execute_count,
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
}
