//! Retention: finished jobs older than `max_age` or outside the newest `max_jobs` are deleted
//! (rows and their work directory), at start and then periodically. Unfinished jobs are never
//! touched. Deletes go through the writer in small ops (a few jobs, a bounded number of rows),
//! so the status writes of running jobs interleave with a long purge.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use bkjob_api::RunStatus;
use rusqlite::{params, Transaction};

use super::writer::{Op, PurgeSpec};

/// When finished jobs are deleted; `None`/0 = no limit of that kind.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    pub max_age: Option<Duration>,
    pub max_jobs: u64,
    /// Time between two purges (the first runs at start).
    pub interval: Duration,
}

impl Retention {
    fn is_unlimited(&self) -> bool {
        self.max_age.is_none() && self.max_jobs == 0
    }
}

/// Jobs deleted per writer op.
const PURGE_BATCH: usize = 50;
/// Step, host and log rows deleted per writer op (a few tens of milliseconds).
const PURGE_ROWS: usize = 20_000;

fn finished_codes() -> String {
    RunStatus::ALL
        .iter()
        .filter(|s| s.is_finished())
        .map(|s| s.code().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What one purge op did.
#[derive(Debug, Default)]
pub(super) struct Purged {
    /// Jobs whose rows are gone (their work directories may go too).
    pub jobs: Vec<i64>,
    /// Rows of deleted jobs are left for the next op (the row budget ran out).
    pub more: bool,
}

/// Delete up to `spec.batch` finished jobs beyond the limits, then at most `spec.rows` rows
/// of steps, hosts and logs that belong to no job any more.
///
/// The job row goes first, so a job is gone for readers (1244006) at once, and a job with a
/// huge log is cleared over several ops instead of holding the writer in one.
pub(super) fn purge(tx: &Transaction<'_>, spec: &PurgeSpec) -> rusqlite::Result<Purged> {
    // The `keep`-th newest job id: finished jobs below it go. NULL (fewer jobs) keeps all.
    let sql = format!(
        "SELECT id FROM job_instance WHERE status IN ({}) AND (\
           (?1 IS NOT NULL AND COALESCE(end_time, create_time) < ?1) \
           OR (?2 > 0 AND id < COALESCE((SELECT id FROM job_instance ORDER BY id DESC \
                                         LIMIT 1 OFFSET ?2 - 1), -1))\
         ) ORDER BY id LIMIT ?3",
        finished_codes()
    );
    let jobs = tx
        .prepare_cached(&sql)?
        .query_map(
            params![spec.older_than, spec.keep as i64, spec.batch as i64],
            |r| r.get::<_, i64>(0),
        )?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    for &id in &jobs {
        tx.execute("DELETE FROM job_instance WHERE id = ?1", params![id])?;
        tx.execute("DELETE FROM job_host_ip WHERE job_id = ?1", params![id])?;
    }
    // Orphaned steps: of the jobs just deleted, or left by an earlier op or a crash.
    let steps = tx
        .prepare_cached(
            "SELECT id FROM step_instance \
             WHERE job_id NOT IN (SELECT id FROM job_instance) ORDER BY id",
        )?
        .query_map([], |r| r.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    let mut budget = spec.rows;
    for step in steps {
        for sql in [
            "DELETE FROM host_log WHERE id IN \
             (SELECT id FROM host_log WHERE step_id = ?1 LIMIT ?2)",
            "DELETE FROM step_host WHERE (step_id, host_id) IN \
             (SELECT step_id, host_id FROM step_host WHERE step_id = ?1 LIMIT ?2)",
            "DELETE FROM step_host_round WHERE (step_id, execute_count, host_id) IN \
             (SELECT step_id, execute_count, host_id FROM step_host_round \
              WHERE step_id = ?1 LIMIT ?2)",
        ] {
            budget -= tx.execute(sql, params![step, budget as i64])?.min(budget);
            if budget == 0 {
                return Ok(Purged { jobs, more: true });
            }
        }
        tx.execute("DELETE FROM step_instance WHERE id = ?1", params![step])?;
    }
    Ok(Purged { jobs, more: false })
}

/// One full purge: batches until nothing is left to delete. Returns how many jobs went.
pub(super) fn run_once(tx: &mpsc::Sender<Op>, work_dir: &Path, r: &Retention) -> usize {
    if r.is_unlimited() {
        return 0;
    }
    let older_than = r
        .max_age
        .map(|a| super::now_ms().saturating_sub(a.as_millis().min(i64::MAX as u128) as i64));
    let spec = PurgeSpec {
        older_than,
        keep: r.max_jobs,
        batch: PURGE_BATCH,
        rows: PURGE_ROWS,
    };
    let mut total = 0;
    loop {
        let (reply, rx) = mpsc::channel();
        if tx.send(Op::Purge { spec, reply }).is_err() {
            return total;
        }
        let Purged { jobs: ids, more } = match rx.recv() {
            Ok(Ok(p)) => p,
            Ok(Err(e)) => {
                tracing::warn!("retention: purge failed: {e}");
                return total;
            }
            Err(_) => return total,
        };
        for id in &ids {
            // The executor removes a job's directory when it ends; this catches leftovers.
            let dir = work_dir.join(id.to_string());
            if let Err(e) = std::fs::remove_dir_all(&dir) {
                if e.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!("retention: cannot remove {}: {e}", dir.display());
                }
            }
        }
        total += ids.len();
        if ids.len() < PURGE_BATCH && !more {
            if total > 0 {
                tracing::info!(jobs = total, "retention: old finished jobs deleted");
            }
            return total;
        }
    }
}

/// The retention thread: purge now, then every `interval`, until `stop` is dropped.
pub(super) fn spawn(
    tx: mpsc::Sender<Op>,
    work_dir: PathBuf,
    r: Retention,
    stop: mpsc::Receiver<()>,
) -> std::io::Result<()> {
    if r.is_unlimited() {
        return Ok(());
    }
    std::thread::Builder::new()
        .name("fastexec-retention".into())
        .spawn(move || loop {
            run_once(&tx, &work_dir, &r);
            match stop.recv_timeout(r.interval.max(Duration::from_millis(100))) {
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                _ => return,
            }
        })
        .map(|_| ())
}
