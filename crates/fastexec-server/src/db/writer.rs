//! The writer thread: the only connection that writes.
//!
//! It drains its queue and applies everything pending in ONE transaction, so a 50,000-host job
//! costs a handful of commits, not 50,000. When that transaction fails (a full disk, the
//! configured size cap, any SQLite error), the batch is replayed op by op, so a failed write
//! hurts only the job it belongs to:
//! - a log append that fails is dropped, its host's later output too, and a one-line note is
//!   appended as soon as there is room again (logs are the first thing to give up);
//! - a failed status write of job X marks X abnormal (job/step 9, unfinished hosts 0) and drops
//!   X's later writes. If even that mark cannot be stored, it is kept in memory
//!   ([`Failed`](super::Failed), which reads overlay) and retried until it is stored; a
//!   restart marks X 9 anyway.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection};

use super::apply::{apply, mark_abnormal};
use super::retention::Purged;
use super::{
    now_ms, CreateError, FailedJobs, HostUpdate, JobQuota, JobUpdate, NewHost, NewJob, PhaseUpdate,
    QuotaExceeded,
};

pub(super) type CreateReply = Result<(i64, i64, i64), CreateError>;

/// What a purge asks for (see [`super::retention`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct PurgeSpec {
    /// Finished jobs that ended before this (Unix ms) go.
    pub older_than: Option<i64>,
    /// Finished jobs outside the newest `keep` jobs go (0 = no count limit).
    pub keep: u64,
    /// Most jobs deleted by one op, so other writes are not held up for long.
    pub batch: usize,
    /// Most step/host/log rows deleted by one op.
    pub rows: usize,
}

/// One queued write.
pub(super) enum Op {
    Create {
        job: Box<NewJob>,
        hosts: Vec<NewHost>,
        initial_status: i32,
        quota: JobQuota,
        reply: tokio::sync::oneshot::Sender<CreateReply>,
    },
    Job(JobUpdate),
    Phase(PhaseUpdate),
    /// A retry: the current round's host rows are copied to `step_host_round`, the step's
    /// `execute_count` goes up by one, job and step are running again (end times cleared) and
    /// the `rerun` hosts wait (5) in the new round; the others are carried over as they are.
    /// Replies with the new round.
    NewRound {
        job_id: i64,
        step_id: i64,
        rerun: Vec<i64>,
        reply: tokio::sync::oneshot::Sender<rusqlite::Result<i32>>,
    },
    Host(HostUpdate),
    Log {
        step_id: i64,
        host_id: i64,
        execute_count: i32,
        content: Vec<u8>,
    },
    Purge {
        spec: PurgeSpec,
        reply: mpsc::Sender<Result<Purged, String>>,
    },
    Flush(tokio::sync::oneshot::Sender<()>),
}

/// Result of applying one op.
pub(super) enum Out {
    Nothing,
    Round(i32),
    Created(Result<(i64, i64, i64), QuotaExceeded>),
    Purged(Purged),
}

/// Most ops applied per transaction before committing (bounds the latency of one batch).
const MAX_BATCH: usize = 20_000;
/// How often stored-abnormal marks and log notes that could not be written are retried.
const RETRY_EVERY: Duration = Duration::from_secs(2);
/// Most pending "log lost" notes remembered (one per host).
const MAX_PENDING_NOTES: usize = 100_000;
/// Pages given back to the file system after a purge, at most (bounds its duration).
const VACUUM_PAGES: u32 = 4096;

const LOG_LOST_NOTE: &[u8] =
    b"\n[fastexec] log truncated: the server could not store more output (storage full)\n";

pub(super) struct Writer {
    conn: Connection,
    failed: Arc<FailedJobs>,
    /// Step → job of jobs seen since start (one step per quick-execute job).
    step_job: HashMap<i64, i64>,
    /// Failed jobs whose abnormal status is not stored yet.
    unstored: BTreeSet<i64>,
    /// Hosts whose log writes gave up.
    log_broken: HashSet<(i64, i64)>,
    /// Hosts whose "log lost" note is not stored yet.
    notes: BTreeSet<(i64, i64)>,
    /// Last retry of `unstored` / `notes`: on a full disk every attempt fails, so they are
    /// retried every [`RETRY_EVERY`], not before every batch.
    last_retry: Instant,
}

impl Writer {
    pub(super) fn new(conn: Connection, failed: Arc<FailedJobs>) -> Writer {
        Writer {
            conn,
            failed,
            step_job: HashMap::new(),
            unstored: BTreeSet::new(),
            log_broken: HashSet::new(),
            notes: BTreeSet::new(),
            last_retry: Instant::now(),
        }
    }

    pub(super) fn run(mut self, rx: mpsc::Receiver<Op>) {
        loop {
            let first = if self.unstored.is_empty() && self.notes.is_empty() {
                match rx.recv() {
                    Ok(op) => Some(op),
                    Err(_) => break,
                }
            } else {
                match rx.recv_timeout(RETRY_EVERY) {
                    Ok(op) => Some(op),
                    Err(mpsc::RecvTimeoutError::Timeout) => None,
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            };
            if self.last_retry.elapsed() >= RETRY_EVERY {
                self.retry_pending();
            }
            let Some(first) = first else { continue };
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(op) => batch.push(op),
                    Err(_) => break,
                }
            }
            self.apply_batch(batch);
        }
    }

    /// The job an op writes to, if any.
    fn job_of(&mut self, op: &Op) -> Option<i64> {
        let step_id = match op {
            Op::Job(u) => return Some(u.job_id),
            Op::Phase(u) => return Some(u.job_id),
            Op::NewRound { job_id, .. } => return Some(*job_id),
            Op::Host(HostUpdate { step_id, .. }) | Op::Log { step_id, .. } => *step_id,
            _ => return None,
        };
        if let Some(&j) = self.step_job.get(&step_id) {
            return Some(j);
        }
        let j = self
            .conn
            .query_row(
                "SELECT job_id FROM step_instance WHERE id = ?1",
                params![step_id],
                |r| r.get::<_, i64>(0),
            )
            .ok()?;
        self.step_job.insert(step_id, j);
        Some(j)
    }

    /// Is this op to be dropped (its job failed, or its host's log gave up)?
    fn dropped(&mut self, op: &Op) -> bool {
        if let Op::Log {
            step_id, host_id, ..
        } = op
        {
            if self.log_broken.contains(&(*step_id, *host_id)) {
                return true;
            }
        }
        if self.failed.is_empty() {
            return false;
        }
        self.job_of(op).is_some_and(|j| self.failed.contains(j))
    }

    fn apply_batch(&mut self, batch: Vec<Op>) {
        let mut ops = Vec::with_capacity(batch.len());
        for op in batch {
            if !self.dropped(&op) {
                ops.push(op);
            }
        }
        let together = (|| -> rusqlite::Result<Vec<Out>> {
            let tx = self.conn.transaction()?;
            let outs = ops
                .iter()
                .map(|op| apply(&tx, op))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            tx.commit()?;
            Ok(outs)
        })();
        match together {
            Ok(outs) => {
                for (op, out) in ops.into_iter().zip(outs) {
                    self.done(op, Ok(out));
                }
            }
            Err(e) => {
                tracing::warn!("database write batch failed ({e}); applying its writes one by one");
                for op in ops {
                    // An earlier op of the same job may have failed meanwhile.
                    if self.dropped(&op) {
                        self.done(op, Ok(Out::Nothing));
                        continue;
                    }
                    let r = (|| {
                        let tx = self.conn.transaction()?;
                        let out = apply(&tx, &op)?;
                        tx.commit()?;
                        Ok(out)
                    })();
                    self.done(op, r);
                }
            }
        }
    }

    /// Reply, track what was created/finished, and isolate a failure to its job.
    fn done(&mut self, op: Op, r: rusqlite::Result<Out>) {
        let err = r.as_ref().err().map(|e| e.to_string());
        match (op, r) {
            (Op::Create { reply, .. }, Ok(Out::Created(Ok(ids)))) => {
                self.step_job.insert(ids.1, ids.0);
                let _ = reply.send(Ok(ids));
            }
            (Op::Create { reply, .. }, Ok(Out::Created(Err(q)))) => {
                let _ = reply.send(Err(CreateError::Quota(q)));
            }
            (Op::Create { reply, .. }, _) => {
                let e = err.unwrap_or_else(|| "unexpected writer result".into());
                let _ = reply.send(Err(CreateError::Db(anyhow::anyhow!("create failed: {e}"))));
            }
            (Op::Purge { reply, .. }, Ok(Out::Purged(p))) => {
                for id in &p.jobs {
                    self.failed.remove(*id);
                }
                self.step_job.retain(|_, j| !p.jobs.contains(j));
                // Give freed pages back to the file system (only with auto_vacuum=INCREMENTAL).
                if let Err(e) = self
                    .conn
                    .execute_batch(&format!("PRAGMA incremental_vacuum({VACUUM_PAGES})"))
                {
                    tracing::debug!("incremental_vacuum: {e}");
                }
                let _ = reply.send(Ok(p));
            }
            (Op::Purge { reply, .. }, _) => {
                let _ = reply.send(Err(err.unwrap_or_default()));
            }
            (Op::Flush(done), _) => {
                let _ = done.send(());
            }
            (Op::NewRound { reply, .. }, r) => {
                let _ = reply.send(r.map(|out| match out {
                    Out::Round(n) => n,
                    _ => 0,
                }));
            }
            (
                Op::Phase(PhaseUpdate {
                    step_id,
                    job_status: Some(status),
                    ..
                }),
                Ok(_),
            ) => {
                // As for `Op::Job`: a job that ends drops its bookkeeping (a retry that
                // reopens it looks its step up again).
                if bkjob_api::RunStatus::from_code(status).is_some_and(|s| s.is_finished()) {
                    self.step_job.remove(&step_id);
                    self.log_broken.retain(|(s, _)| *s != step_id);
                }
            }
            (Op::Phase(_), Ok(_)) => {}
            (
                Op::Job(JobUpdate {
                    step_id, status, ..
                }),
                Ok(_),
            ) => {
                // A finished job (one step) writes nothing more that needs this bookkeeping.
                if bkjob_api::RunStatus::from_code(status).is_some_and(|s| s.is_finished()) {
                    self.step_job.remove(&step_id);
                    self.log_broken.retain(|(s, _)| *s != step_id);
                }
            }
            (Op::Log { .. }, Ok(_)) | (Op::Host(_), Ok(_)) => {}
            (
                Op::Log {
                    step_id, host_id, ..
                },
                Err(_),
            ) => {
                tracing::error!(
                    step_id,
                    host_id,
                    "log write failed ({}); this host's further output is dropped",
                    err.unwrap_or_default()
                );
                self.log_broken.insert((step_id, host_id));
                if self.notes.len() < MAX_PENDING_NOTES {
                    self.notes.insert((step_id, host_id));
                }
            }
            (op @ (Op::Job(_) | Op::Host(_) | Op::Phase(_)), Err(_)) => {
                let Some(job_id) = self.job_of(&op) else {
                    return;
                };
                tracing::error!(
                    job_id,
                    "status write failed ({}); the job is marked abnormal",
                    err.unwrap_or_default()
                );
                let step_id = match op {
                    Op::Job(JobUpdate { step_id, .. })
                    | Op::Host(HostUpdate { step_id, .. })
                    | Op::Phase(PhaseUpdate { step_id, .. }) => step_id,
                    _ => 0,
                };
                let at = now_ms();
                self.failed.insert(job_id, step_id, at);
                if mark_abnormal(&mut self.conn, job_id, at).is_err() {
                    self.unstored.insert(job_id);
                }
            }
        }
    }

    /// Store abnormal marks and log notes that could not be stored before. The first failure
    /// ends the round: the next ones would fail for the same reason.
    fn retry_pending(&mut self) {
        self.last_retry = Instant::now();
        while let Some(job_id) = self.unstored.pop_first() {
            let at = self.failed.get(job_id).map(|f| f.at).unwrap_or_else(now_ms);
            if mark_abnormal(&mut self.conn, job_id, at).is_err() {
                self.unstored.insert(job_id);
                return;
            }
            tracing::info!(job_id, "abnormal status stored");
        }
        while let Some((step_id, host_id)) = self.notes.pop_first() {
            let r = self.conn.execute(
                "INSERT INTO host_log (step_id, host_id, execute_count, content) VALUES \
                 (?1, ?2, (SELECT execute_count FROM step_instance WHERE id = ?1), ?3)",
                params![step_id, host_id, LOG_LOST_NOTE],
            );
            if r.is_err() {
                self.notes.insert((step_id, host_id));
                return;
            }
        }
    }
}
