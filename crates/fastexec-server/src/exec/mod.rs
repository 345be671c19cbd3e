//! Really running scripts: one child process per online target host, on this machine.
//!
//! Layout of `--data-dir` (the server sets these modes itself, whatever the umask):
//!
//! - `<data-dir>/` 0700 — 0711 (enter, never list) once a script runs as another user;
//! - `fastexec.sqlite3` and its `-wal`/`-shm` files 0600: only the server's user reads them,
//!   even a run-as user who may enter the data directory;
//! - `run/` 0700: per job, the sessions of its running scripts (crash recovery, [`sweep`]);
//! - `work/<job>/` 0700 (0711 for another user) with the script written once per job,
//!   `script.<ext>` (0500, owned by the user it runs as), and one empty directory per host,
//!   `work/<job>/<host>/` (0700, owned by that user), the script's working directory. The
//!   whole `work/<job>/` is removed when the job's task ends, whatever the outcome (a retry or
//!   the next rolling batch writes it again, once the removal is done).
//!
//! A script gets a clean environment ([`proc`]): `PATH` (`[exec] path`), `LANG`, `HOME`,
//! `USER`, `LOGNAME` of the user it runs as, `BK_JOB_HOST_ID`, `BK_JOB_HOST_IP`, nothing of the
//! server's. The interpreter gets the script path and the split parameters as argv (no shell
//! between us and the parameters, so no injection); sensitive parameters go through an
//! inherited descriptor instead, never the command line. stdout and stderr share ONE pipe, so
//! the log keeps the order the kernel saw the writes in. Every child leads its own session;
//! when it ends (success, failure, timeout, terminate) everything left in its session is
//! killed ([`sweep`]).
//!
//! Status walk (contract §5.2 / §5.5): job+step 1 → 2 → 3 (all hosts 9) / 4 (any other), or
//! 10 → 11 on terminate, or 9 if the server itself failed; hosts 5 (waiting) → 7 (running) → 9
//! / 104 (non-zero exit) / 102 (script timeout) / 403 (terminated); hosts whose agent is
//! offline get 1 and never run.
//!
//! A job runs in **tasks** ([`job`]): a task claims the job (one at a time, the `running`
//! map), runs hosts and ends when the job reaches a final status or waits for a user (7). The
//! step operations ([`ops`], `operate_step_instance`) start the next task from what the
//! database holds: a retry (a new round, `execute_count` + 1, only the hosts it re-runs in
//! status 5, the others carried over), ignore error, the next rolling batch (code 13). So a
//! job can leave a final status and reach one again: the callback is sent each time. Rolling
//! steps ([`rolling`]) run their batches one after the other (modes 1/2/3, a pause of
//! `[limits] rolling_pause_ms` in status 15 between batches) or staggered. The script file is
//! written again by every task that runs hosts (the work directory goes when a task ends).

mod drive;
mod host;
mod job;
mod ops;
mod proc;
pub mod rolling;
mod sweep;
mod user;

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bkjob_api::status::{HostStatus, RunStatus, ScriptLanguage};
use futures_util::FutureExt;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;
use tower_http::catch_panic::{CatchPanicLayer, DefaultResponseForPanic};

use crate::callback::Callback;
use crate::config::ExecConfig;
use crate::db::{now_ms, Db, HostRow, HostUpdate, JobRow, JobUpdate, PhaseUpdate, StepRow};
use host::run_host;
pub use ops::{OpRefused, StepOp};
use proc::{Account, ExecEnv};
pub use proc::{DEFAULT_LANG, SAFE_PATH};
pub use user::ServerUser;
use user::{lookup_user_by_uid, resolve_run_as};

/// A panic in one request answers 500 instead of dropping the connection; the others go on.
/// For the router in [`crate::http::app`].
pub fn panic_guard_layer() -> CatchPanicLayer<DefaultResponseForPanic> {
    CatchPanicLayer::new()
}

/// Run a future, turning a panic inside it into `Err(message)`.
pub async fn catch_panic<T>(fut: impl Future<Output = T>) -> Result<T, String> {
    AssertUnwindSafe(fut).catch_unwind().await.map_err(|p| {
        p.downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into())
    })
}

/// Controls of one running job.
struct RunCtl {
    cancel: watch::Sender<bool>,
    /// Scripts started and not reaped yet: pid = process group id = session id.
    sessions: Mutex<HashSet<i32>>,
    record: sweep::Record,
    /// Where the job is. Status writes that depend on it (running, stopping, final) are queued
    /// while this lock is held, so they reach the store in the order the phases change: a
    /// terminate never lands after the final status (a job stuck "stopping") nor before the
    /// start (a job refused as already started).
    phase: Mutex<Phase>,
    /// Operation 12 (skip) came while the terminate was in progress: the step ends skipped
    /// (5) and the job successful instead of 11.
    skip: AtomicBool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Slot taken, job not loaded yet: nothing to terminate.
    Starting,
    Running,
    /// The final status is queued: too late to terminate.
    Finishing,
}

impl RunCtl {
    /// Terminate: kill every script's process group now; each host task then sweeps the rest
    /// of its session.
    fn kill_groups(&self) {
        for &sid in self
            .sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            kill_group(sid);
        }
    }

    fn new(cancel: watch::Sender<bool>, record: sweep::Record) -> RunCtl {
        RunCtl {
            cancel,
            sessions: Mutex::new(HashSet::new()),
            record,
            phase: Mutex::new(Phase::Starting),
            skip: AtomicBool::new(false),
        }
    }

    fn cancelled(&self) -> bool {
        *self.cancel.borrow()
    }

    /// Shutdown, or a host task that cannot sweep any more: groups and sessions, now. The
    /// lock is held so no pid is reaped (and reusable) meanwhile.
    fn kill_everything(&self) {
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        for &sid in sessions.iter() {
            kill_group(sid);
            sweep::kill_session_now(sid);
        }
    }
}

fn kill_group(pgid: i32) {
    if pgid > 1 {
        // SAFETY: plain syscall; a negative pid addresses the process group.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
}

/// Split the decoded parameter string the way a shell would (BK-JOB first replaces every
/// newline with a space, contract §2). Unbalanced quotes fall back to whitespace splitting.
pub fn split_params(param: &str) -> (Vec<String>, Option<String>) {
    let flat = param.replace(['\r', '\n'], " ");
    if flat.trim().is_empty() {
        return (vec![], None);
    }
    match shlex::split(&flat) {
        Some(v) => (v, None),
        None => (
            flat.split_whitespace().map(str::to_string).collect(),
            Some(
                "[fastexec] script_param has unbalanced quotes; split at whitespace instead\n"
                    .into(),
            ),
        ),
    }
}

/// Everything a host run needs, shared by the hosts of one step.
struct Prepared {
    job_id: i64,
    step_id: i64,
    /// The round (`execute_count`) the logs are written to.
    round: i32,
    program: PathBuf,
    pre_args: Vec<String>,
    lang: Option<ScriptLanguage>,
    /// `work/<job>/script.<ext>`, written once for all hosts.
    script: PathBuf,
    args: Vec<String>,
    args_note: Option<String>,
    sensitive: bool,
    timeout: Duration,
    account: Account,
    /// Run as `account` (another user) rather than as the server's user.
    switch: bool,
    log_cap: usize,
}

/// Where a job's first task begins: batch 1 of a serial rolling step, else the whole step (0).
fn first_batch(step: &StepRow) -> i32 {
    match rolling::Plan::from_json(step.rolling.as_deref()) {
        Some(p) if p.is_serial() => 1,
        _ => 0,
    }
}

/// What a step needs before its hosts run, checked when the job starts.
struct Setup {
    program: PathBuf,
    pre_args: Vec<String>,
    run_as: Option<Account>,
}

/// Starts jobs and terminates them.
pub struct Executor {
    db: Db,
    sem: Arc<Semaphore>,
    running: Mutex<HashMap<i64, Arc<RunCtl>>>,
    data_dir: PathBuf,
    work_dir: PathBuf,
    run_dir: PathBuf,
    log_cap: usize,
    me: ServerUser,
    /// The server's own passwd entry: the environment of scripts that do not switch users.
    own: Account,
    env: ExecEnv,
    sweeper: sweep::Sweeper,
    janitor: sweep::Janitor,
    /// Work directories the janitor is still removing, by job: a job's next task waits for
    /// its removal before it writes the script again.
    removing: Mutex<HashMap<i64, tokio::sync::oneshot::Receiver<()>>>,
    callback: Callback,
    /// The pause between two batches of a serial rolling step (status 15).
    rolling_pause: Duration,
}

/// Create `dir` if needed and give it exactly `mode` (the umask does not apply).
fn dir_with_mode(dir: &Path, mode: u32) -> std::io::Result<()> {
    match std::fs::DirBuilder::new().mode(mode).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))
}

impl Executor {
    /// Secure the data directory, kill what a previous server process left running, and
    /// resolve `[exec]`. Call after `Db::open` (it creates the directory and the database).
    pub fn new(
        db: Db,
        data_dir: &Path,
        max_procs: usize,
        log_cap: usize,
        callback: Callback,
        exec: &ExecConfig,
        rolling_pause: Duration,
    ) -> anyhow::Result<Executor> {
        use anyhow::Context;
        let env = ExecEnv::resolve(exec)?;
        // Scripts can read nothing of the server: its data directory is its own (0700, made
        // enterable 0711 once a script runs as another user, until the next start), the
        // database files 0600. Older data directories are tightened here too.
        std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("chmod 0700 {}", data_dir.display()))?;
        for name in [
            "fastexec.sqlite3",
            "fastexec.sqlite3-wal",
            "fastexec.sqlite3-shm",
            "fastexec.sqlite3-journal",
        ] {
            let f = data_dir.join(name);
            if f.exists() {
                std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600))
                    .with_context(|| format!("chmod 0600 {}", f.display()))?;
            }
        }
        let work_dir = data_dir.join("work");
        let run_dir = data_dir.join("run");
        for d in [&work_dir, &run_dir] {
            dir_with_mode(d, 0o700).with_context(|| format!("create {}", d.display()))?;
        }
        sweep::recover(&run_dir, &work_dir);
        let me = ServerUser::current();
        let own = lookup_user_by_uid(me.uid).unwrap_or_else(|| Account {
            uid: me.uid,
            // SAFETY: getegid never fails.
            gid: unsafe { libc::getegid() },
            name: me.name.clone(),
            home: "/".into(),
        });
        Ok(Executor {
            db,
            sem: Arc::new(Semaphore::new(max_procs)),
            running: Mutex::new(HashMap::new()),
            data_dir: data_dir.to_path_buf(),
            work_dir,
            run_dir,
            log_cap,
            me,
            own,
            env,
            sweeper: sweep::Sweeper::new(),
            janitor: sweep::Janitor::new(),
            removing: Mutex::new(HashMap::new()),
            callback,
            rolling_pause,
        })
    }

    pub fn server_user(&self) -> &ServerUser {
        &self.me
    }

    /// Number of jobs currently running.
    pub fn running_jobs(&self) -> usize {
        self.running.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Take the job for one task: `None` if a task of it runs (or an operation is being
    /// applied) already. Released by [`Executor::release`] or at the end of the task.
    fn claim(&self, job_id: i64) -> Option<Arc<RunCtl>> {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if running.contains_key(&job_id) {
            return None;
        }
        // Created under the lock: a second claim of the same job never touches the record.
        let (cancel, _) = watch::channel(false);
        let ctl = Arc::new(RunCtl::new(
            cancel,
            sweep::Record::create(&self.run_dir, job_id),
        ));
        running.insert(job_id, ctl.clone());
        Some(ctl)
    }

    /// Give a claim back without running anything.
    fn release(&self, job_id: i64, ctl: &RunCtl) {
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&job_id);
        ctl.record.remove();
    }

    /// Start a job that is stored in status 1. Loads everything from the database, so it serves
    /// both `fast_execute_script` and `operate_job_instance` code 2.
    /// Returns `Ok(false)` if the job is already running here.
    pub async fn start(self: &Arc<Self>, job_id: i64) -> anyhow::Result<bool> {
        let Some(ctl) = self.claim(job_id) else {
            return Ok(false);
        };
        let (job, step) = match self.load(job_id).await {
            Ok(v) => v,
            Err(e) => {
                self.release(job_id, &ctl);
                return Err(e);
            }
        };
        // The claim: the `running` entry keeps out a second start while this one runs, and
        // the stored status keeps it out afterwards (the final status is committed before the
        // entry is removed). A Start that read "created" before this job ran and only gets
        // here after it ended is refused now, not run twice.
        if job.status != RunStatus::Blank.code() {
            self.release(job_id, &ctl);
            return Ok(false);
        }
        let first_batch = first_batch(&step);
        let opening = PhaseUpdate {
            job_id,
            step_id: step.id,
            job_status: Some(RunStatus::Running.code()),
            step_status: Some(RunStatus::Running.code()),
            start_time: Some(now_ms()),
            ..Default::default()
        };
        self.run_task(job, step, first_batch, ctl, opening);
        Ok(true)
    }

    /// Hosts a failed driver left waiting or running in the batches it reached: unknown
    /// outcome (0), like after a crash. Later batches keep waiting (5) for a retry to reach
    /// them.
    async fn abandon_hosts(&self, step_id: i64, batch: i32) {
        // Read what was written, not an older state: finished hosts keep their status.
        self.db.flush().await;
        let now = now_ms();
        for h in self.db.hosts(step_id).await.unwrap_or_default() {
            let waiting = [HostStatus::Waiting.code(), HostStatus::Running.code()];
            if waiting.contains(&h.status) && h.batch <= batch {
                self.db.set_host_status(HostUpdate {
                    step_id,
                    host_id: h.host_id,
                    status: HostStatus::UnknownError.code(),
                    exit_code: None,
                    start_time: None,
                    end_time: Some(now),
                });
            }
        }
    }

    /// Kill every running script and everything it started (server shutdown). The jobs stay
    /// "running" in the database and are marked abnormal (9) when the server starts again,
    /// like after a crash.
    pub fn kill_all(&self) {
        let running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        for ctl in running.values() {
            ctl.kill_everything();
        }
    }

    async fn load(&self, job_id: i64) -> anyhow::Result<(JobRow, StepRow)> {
        let job = self
            .db
            .job(job_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("job {job_id} vanished"))?;
        let step = self
            .db
            .steps(job_id)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| anyhow::anyhow!("job {job_id} has no step"))?;
        Ok((job, step))
    }

    /// Terminate a running job: status 10 now, kill every process group, 11 when all stopped.
    /// Returns false if the job is not running here.
    pub fn terminate(&self, job_id: i64, step_id: i64) -> bool {
        let ctl = self
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&job_id)
            .cloned();
        let Some(ctl) = ctl else {
            return false;
        };
        {
            let phase = ctl.phase.lock().unwrap_or_else(|e| e.into_inner());
            if *phase != Phase::Running {
                return false;
            }
            self.db.set_job_status(JobUpdate {
                job_id,
                step_id,
                status: RunStatus::Stopping.code(),
                start_time: None,
                end_time: None,
            });
            // Under the lock: a task's status write between batches (which checks the
            // cancel under this lock) never lands after "stopping".
            let _ = ctl.cancel.send(true);
        }
        ctl.kill_groups();
        true
    }

    /// `work/<job>/` with the script in it, reachable by the user the script runs as.
    fn prepare_job_dir(
        &self,
        job_id: i64,
        lang: Option<ScriptLanguage>,
        content: &[u8],
        run_as: Option<&Account>,
    ) -> std::io::Result<PathBuf> {
        let job_dir = self.work_dir.join(job_id.to_string());
        // Another user must be able to enter down to its host directory, but list nothing
        // and read no file of ours: o+x only (the database stays 0600).
        let mode = if run_as.is_some() {
            let m = std::fs::metadata(&self.data_dir)?.permissions().mode() & 0o7777;
            std::fs::set_permissions(&self.data_dir, std::fs::Permissions::from_mode(m | 0o011))?;
            std::fs::set_permissions(&self.work_dir, std::fs::Permissions::from_mode(0o711))?;
            0o711
        } else {
            0o700
        };
        dir_with_mode(&job_dir, mode)?;
        let ext = lang.map(|l| l.file_extension()).unwrap_or("txt");
        let script = job_dir.join(format!("script.{ext}"));
        let _ = std::fs::remove_file(&script);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o500)
            .open(&script)?;
        std::io::Write::write_all(&mut f, content)?;
        drop(f);
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o500))?;
        if let Some(u) = run_as {
            std::os::unix::fs::chown(&script, Some(u.uid), Some(u.gid))?;
        }
        Ok(script)
    }
}

#[cfg(test)]
mod tests;
