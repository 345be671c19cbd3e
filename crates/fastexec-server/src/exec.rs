//! Really running scripts: one child process per online target host, on this machine.
//!
//! Each host gets its own working directory `<data-dir>/work/<job>/<host>/` holding the script
//! file; the interpreter gets the script path and the split parameters as argv (no shell
//! between us and the parameters, so no injection). stdout and stderr share ONE pipe, so the
//! log keeps the order the kernel saw the writes in. Every child leads its own process group,
//! so a timeout or a terminate kills everything it started (`kill(-pgid, SIGKILL)`).
//!
//! Status walk (contract §5.2 / §5.5): job+step 1 → 2 → 3 (all hosts 9) / 4 (any other), or
//! 10 → 11 on terminate; hosts 5 (waiting) → 7 (running) → 9 / 104 (non-zero exit) / 102
//! (script timeout) / 403 (terminated); hosts whose agent is offline get 1 and never run.

use std::collections::{HashMap, HashSet};
use std::ffi::CString;
use std::os::fd::OwnedFd;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bkjob_api::status::{HostStatus, RunStatus, ScriptLanguage};
use tokio::io::AsyncReadExt;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

use crate::callback::Callback;
use crate::config::SERVER_USER;
use crate::db::{now_ms, Db, HostRow, JobRow, StepRow};

/// Controls of one running job.
struct RunCtl {
    cancel: watch::Sender<bool>,
    pgids: Mutex<HashSet<i32>>,
}

impl RunCtl {
    fn kill_all(&self) {
        for &pgid in self.pgids.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            kill_group(pgid);
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

/// Who a script runs as.
#[derive(Debug, Clone)]
struct RunAs {
    uid: u32,
    gid: u32,
    name: String,
    home: String,
}

/// The local user running the server (for `$SERVER_USER` and the privilege rule).
#[derive(Debug, Clone)]
pub struct ServerUser {
    pub uid: u32,
    pub name: String,
}

impl ServerUser {
    pub fn current() -> ServerUser {
        // SAFETY: geteuid never fails.
        let uid = unsafe { libc::geteuid() };
        let name = lookup_user_by_uid(uid)
            .map(|u| u.name)
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| uid.to_string());
        ServerUser { uid, name }
    }
}

fn passwd_to_runas(pw: &libc::passwd) -> RunAs {
    // SAFETY: getpw*_r filled these with NUL-terminated strings inside our buffer.
    let cstr = |p: *const libc::c_char| {
        if p.is_null() {
            String::new()
        } else {
            unsafe { std::ffi::CStr::from_ptr(p) }
                .to_string_lossy()
                .into_owned()
        }
    };
    RunAs {
        uid: pw.pw_uid,
        gid: pw.pw_gid,
        name: cstr(pw.pw_name),
        home: cstr(pw.pw_dir),
    }
}

fn lookup_user(name: &str) -> Option<RunAs> {
    let cname = CString::new(name).ok()?;
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: zeroed passwd is a valid out-parameter; buffer outlives the call's use.
    let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
    let mut out: *mut libc::passwd = std::ptr::null_mut();
    let rc = unsafe {
        libc::getpwnam_r(
            cname.as_ptr(),
            &mut pw,
            buf.as_mut_ptr(),
            buf.len(),
            &mut out,
        )
    };
    (rc == 0 && !out.is_null()).then(|| passwd_to_runas(&pw))
}

fn lookup_user_by_uid(uid: u32) -> Option<RunAs> {
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: as in lookup_user.
    let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
    let mut out: *mut libc::passwd = std::ptr::null_mut();
    let rc = unsafe { libc::getpwuid_r(uid, &mut pw, buf.as_mut_ptr(), buf.len(), &mut out) };
    (rc == 0 && !out.is_null()).then(|| passwd_to_runas(&pw))
}

/// Decide whom to run as. A script never runs as a more powerful user than the server: as
/// root we may drop to any user; otherwise only the server's own user is allowed.
fn resolve_run_as(os_user: &str, me: &ServerUser) -> Result<Option<RunAs>, String> {
    if os_user == SERVER_USER || os_user == me.name {
        return Ok(None);
    }
    let Some(u) = lookup_user(os_user) else {
        return Err(format!(
            "local user {os_user:?} does not exist on this machine"
        ));
    };
    if u.uid == me.uid {
        Ok(None)
    } else if me.uid == 0 {
        Ok(Some(u))
    } else {
        Err(format!(
            "the account maps to local user {os_user:?}, but the server runs as {:?} (not root) \
             and never runs a script as another user",
            me.name
        ))
    }
}

fn find_in_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| {
            std::fs::metadata(p)
                .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
                .unwrap_or(false)
        })
}

/// The interpreter for a script language, or why there is none.
fn interpreter(lang: Option<ScriptLanguage>) -> Result<(PathBuf, Vec<String>), String> {
    let need =
        |p: &str| find_in_path(p).ok_or_else(|| format!("interpreter {p} not found in PATH"));
    match lang {
        Some(ScriptLanguage::Shell) => Ok((need("bash")?, vec![])),
        Some(ScriptLanguage::Perl) => Ok((need("perl")?, vec![])),
        Some(ScriptLanguage::Python) => Ok((need("python3")?, vec![])),
        Some(ScriptLanguage::Powershell) => match find_in_path("pwsh") {
            Some(p) => Ok((
                p,
                vec![
                    "-NoProfile".into(),
                    "-NonInteractive".into(),
                    "-File".into(),
                ],
            )),
            None => {
                Err("PowerShell scripts need pwsh, which is not installed on this machine".into())
            }
        },
        Some(ScriptLanguage::Bat) => {
            Err("Bat scripts need a Windows host; this machine cannot run them".into())
        }
        Some(ScriptLanguage::Sql) => Err("SQL scripts are not supported by this server".into()),
        None => Err("unknown script language".into()),
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
    program: PathBuf,
    pre_args: Vec<String>,
    extension: &'static str,
    content: Vec<u8>,
    args: Vec<String>,
    args_note: Option<String>,
    timeout: Duration,
    run_as: Option<RunAs>,
    log_cap: usize,
    work_dir: PathBuf,
}

/// Starts jobs and terminates them.
pub struct Executor {
    db: Db,
    sem: Arc<Semaphore>,
    running: Mutex<HashMap<i64, Arc<RunCtl>>>,
    work_dir: PathBuf,
    log_cap: usize,
    me: ServerUser,
    callback: Callback,
}

impl Executor {
    pub fn new(
        db: Db,
        data_dir: &Path,
        max_procs: usize,
        log_cap: usize,
        callback: Callback,
    ) -> Executor {
        Executor {
            db,
            sem: Arc::new(Semaphore::new(max_procs)),
            running: Mutex::new(HashMap::new()),
            work_dir: data_dir.join("work"),
            log_cap,
            me: ServerUser::current(),
            callback,
        }
    }

    pub fn server_user(&self) -> &ServerUser {
        &self.me
    }

    /// Number of jobs currently running.
    pub fn running_jobs(&self) -> usize {
        self.running.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Start a job that is stored in status 1. Loads everything from the database, so it serves
    /// both `fast_execute_script` and `operate_job_instance` code 2.
    /// Returns `Ok(false)` if the job is already running here.
    pub async fn start(self: &Arc<Self>, job_id: i64) -> anyhow::Result<bool> {
        let (cancel, cancel_rx) = watch::channel(false);
        let ctl = Arc::new(RunCtl {
            cancel,
            pgids: Mutex::new(HashSet::new()),
        });
        {
            let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
            if running.contains_key(&job_id) {
                return Ok(false);
            }
            running.insert(job_id, ctl.clone());
        }
        let loaded = self.load(job_id).await;
        let (job, step, hosts) = match loaded {
            Ok(v) => v,
            Err(e) => {
                self.running
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&job_id);
                return Err(e);
            }
        };
        let now = now_ms();
        self.db
            .set_job_status(job_id, step.id, RunStatus::Running.code(), Some(now), None);
        let (args, args_note) = split_params(step.script_param.as_deref().unwrap_or(""));
        let lang = ScriptLanguage::from_code(step.script_language);
        let setup: Result<Prepared, String> = (|| {
            let (program, pre_args) = interpreter(lang)?;
            let run_as = resolve_run_as(&step.os_user, &self.me)?;
            Ok(Prepared {
                job_id,
                step_id: step.id,
                program,
                pre_args,
                extension: lang.map(|l| l.file_extension()).unwrap_or("txt"),
                content: step.script_content.into_bytes(),
                args,
                args_note,
                timeout: Duration::from_secs(step.timeout.max(1) as u64),
                run_as,
                log_cap: self.log_cap,
                work_dir: self.work_dir.clone(),
            })
        })();
        let this = self.clone();
        let callback_url = job.callback_url.clone();
        tokio::spawn(async move {
            let final_status = this
                .drive(step.id, hosts, setup, ctl.clone(), cancel_rx)
                .await;
            let end = now_ms();
            this.db
                .set_job_status(job_id, step.id, final_status.code(), None, Some(end));
            this.db.flush().await;
            this.running
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&job_id);
            tracing::info!(job_id, status = final_status.code(), "job finished");
            // Callback once, when the job reaches its final status (contract §6).
            if let Some(url) = callback_url.filter(|u| !u.trim().is_empty()) {
                this.callback
                    .send(&url, job_id, final_status.code(), step.id)
                    .await;
            }
        });
        Ok(true)
    }

    /// Kill every running script (server shutdown). The jobs stay "running" in the database
    /// and are marked abnormal (9) when the server starts again, like after a crash.
    pub fn kill_all(&self) {
        let running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        for ctl in running.values() {
            ctl.kill_all();
        }
    }

    async fn load(&self, job_id: i64) -> anyhow::Result<(JobRow, StepRow, Vec<HostRow>)> {
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
        let hosts = self.db.hosts(step.id).await?;
        Ok((job, step, hosts))
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
        self.db
            .set_job_status(job_id, step_id, RunStatus::Stopping.code(), None, None);
        let _ = ctl.cancel.send(true);
        ctl.kill_all();
        true
    }

    async fn drive(
        self: &Arc<Self>,
        step_id: i64,
        hosts: Vec<HostRow>,
        setup: Result<Prepared, String>,
        ctl: Arc<RunCtl>,
        mut cancel: watch::Receiver<bool>,
    ) -> RunStatus {
        let now = now_ms();
        let mut all_ok = true;
        // Offline agents: host status 1 at once, they never run (contract §5.5).
        for h in hosts.iter().filter(|h| !h.agent_online) {
            all_ok = false;
            self.db.set_host_status(
                step_id,
                h.host_id,
                HostStatus::AgentError.code(),
                None,
                Some(now),
                Some(now),
            );
        }
        let online: Vec<&HostRow> = hosts.iter().filter(|h| h.agent_online).collect();
        let prepared = match setup {
            Ok(p) => Arc::new(p),
            Err(why) => {
                // The whole step cannot run here (no interpreter, forbidden user): every
                // online host fails with the reason in its log.
                let line = format!("[fastexec] {why}\n");
                for h in &online {
                    self.db
                        .append_log(step_id, h.host_id, line.clone().into_bytes());
                    self.db.set_host_status(
                        step_id,
                        h.host_id,
                        HostStatus::ScriptFailed.code(),
                        None,
                        Some(now),
                        Some(now),
                    );
                }
                return if online.is_empty() && all_ok {
                    RunStatus::Success
                } else {
                    RunStatus::Fail
                };
            }
        };
        let mut set: JoinSet<HostStatus> = JoinSet::new();
        let mut cancelled = false;
        let mut next = 0;
        while next < online.len() {
            let permit = tokio::select! {
                p = self.sem.clone().acquire_owned() => match p {
                    Ok(p) => p,
                    Err(_) => break,
                },
                _ = cancel.wait_for(|c| *c) => { cancelled = true; break; }
            };
            let h = online[next].clone();
            next += 1;
            let prepared = prepared.clone();
            let db = self.db.clone();
            let ctl = ctl.clone();
            let cancel = cancel.clone();
            set.spawn(async move {
                let st = run_host(&db, &prepared, &h, &ctl, cancel).await;
                drop(permit);
                st
            });
            while let Some(r) = set.try_join_next() {
                all_ok &= host_ok(r);
            }
        }
        // Hosts that never got a process slot before a terminate.
        if cancelled || *cancel.borrow() {
            cancelled = true;
            let now = now_ms();
            for h in &online[next..] {
                self.db.set_host_status(
                    step_id,
                    h.host_id,
                    HostStatus::TerminateSuccess.code(),
                    None,
                    None,
                    Some(now),
                );
            }
        }
        while let Some(r) = set.join_next().await {
            all_ok &= host_ok(r);
        }
        if cancelled || *cancel.borrow() {
            RunStatus::StopSuccess
        } else if all_ok {
            RunStatus::Success
        } else {
            RunStatus::Fail
        }
    }
}

fn host_ok(r: Result<HostStatus, tokio::task::JoinError>) -> bool {
    matches!(r, Ok(HostStatus::Success | HostStatus::LastSuccess))
}

/// Appends a host's output to the database, up to the cap.
struct LogSink<'a> {
    db: &'a Db,
    step_id: i64,
    host_id: i64,
    written: usize,
    cap: usize,
    capped: bool,
}

impl LogSink<'_> {
    fn push(&mut self, data: &[u8]) {
        if self.capped {
            return;
        }
        let room = self.cap.saturating_sub(self.written);
        if data.len() <= room {
            self.written += data.len();
            self.db
                .append_log(self.step_id, self.host_id, data.to_vec());
        } else {
            let mut chunk = data[..room].to_vec();
            self.written = self.cap;
            self.capped = true;
            chunk.extend_from_slice(
                format!(
                    "\n[fastexec] log truncated: output exceeded the {} byte cap; the rest was discarded\n",
                    self.cap
                )
                .as_bytes(),
            );
            self.db.append_log(self.step_id, self.host_id, chunk);
        }
    }
}

/// Run the script for one host; returns its final host status (already stored).
async fn run_host(
    db: &Db,
    p: &Prepared,
    h: &HostRow,
    ctl: &RunCtl,
    mut cancel: watch::Receiver<bool>,
) -> HostStatus {
    let step_id = p.step_id;
    let log = LogSink {
        db,
        step_id,
        host_id: h.host_id,
        written: 0,
        cap: p.log_cap,
        capped: false,
    };
    let start = now_ms();
    let finish = |status: HostStatus, exit_code: Option<i32>| {
        db.set_host_status(
            step_id,
            h.host_id,
            status.code(),
            exit_code,
            None,
            Some(now_ms()),
        );
        status
    };
    if *cancel.borrow() {
        return finish(HostStatus::TerminateSuccess, None);
    }
    db.set_host_status(
        step_id,
        h.host_id,
        HostStatus::Running.code(),
        None,
        Some(start),
        None,
    );
    let note = |line: &str| db.append_log(step_id, h.host_id, line.as_bytes().to_vec());
    if let Some(n) = &p.args_note {
        note(n);
    }
    let child = match spawn(p, h) {
        Ok(c) => c,
        Err(e) => {
            let hint = if e.kind() == std::io::ErrorKind::PermissionDenied && p.run_as.is_some() {
                " (the account's user must be able to reach the data directory: allow o+x on it)"
            } else {
                ""
            };
            note(&format!("[fastexec] cannot start the script: {e}{hint}\n"));
            return finish(HostStatus::ScriptFailed, None);
        }
    };
    let (mut child, reader) = child;
    let pgid = child.id().map(|p| p as i32).unwrap_or(0);
    ctl.pgids
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(pgid);
    // A terminate may have happened between the check above and the registration.
    if *cancel.borrow() {
        kill_group(pgid);
    }
    let read_task = async move {
        let mut log = log;
        let mut reader = reader;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => log.push(&buf[..n]),
            }
        }
    };
    tokio::pin!(read_task);
    let mut read_done = false;

    enum End {
        Exited(std::process::ExitStatus),
        WaitFailed(std::io::Error),
        Timeout,
        Cancelled,
    }
    let sleep = tokio::time::sleep(p.timeout);
    tokio::pin!(sleep);
    let end = loop {
        tokio::select! {
            r = child.wait() => break match r { Ok(s) => End::Exited(s), Err(e) => End::WaitFailed(e) },
            _ = &mut sleep => break End::Timeout,
            _ = cancel.wait_for(|c| *c) => break End::Cancelled,
            _ = &mut read_task, if !read_done => { read_done = true; }
        }
    };
    // A terminate kills the group itself (kill_all), so the child's exit by SIGKILL and the
    // cancel signal race in the select above: a killed script is terminated (403), never a
    // non-zero exit (104).
    let end = match end {
        End::Exited(_) | End::WaitFailed(_) if *cancel.borrow() => End::Cancelled,
        other => other,
    };
    if matches!(end, End::Timeout | End::Cancelled) {
        kill_group(pgid);
        let _ = child.wait().await;
    }
    // Drain what is left in the pipe. Background processes that outlive a successful script
    // may keep it open (daemons started with `&`): stop reading after a short grace then.
    if !read_done {
        let _ = tokio::time::timeout(Duration::from_secs(2), &mut read_task).await;
    }
    ctl.pgids
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&pgid);
    match end {
        End::Exited(s) => match (s.code(), s.signal()) {
            (Some(0), _) => finish(HostStatus::Success, Some(0)),
            (Some(c), _) => finish(HostStatus::ScriptNotZeroExitCode, Some(c)),
            (None, Some(sig)) => {
                note(&format!(
                    "[fastexec] the script was killed by signal {sig}\n"
                ));
                finish(HostStatus::ScriptNotZeroExitCode, Some(128 + sig))
            }
            (None, None) => finish(HostStatus::ScriptFailed, None),
        },
        End::WaitFailed(e) => {
            note(&format!("[fastexec] waiting for the script failed: {e}\n"));
            finish(HostStatus::ScriptFailed, None)
        }
        End::Timeout => {
            note(&format!(
                "[fastexec] timeout after {} s: the script and everything it started were killed\n",
                p.timeout.as_secs()
            ));
            finish(HostStatus::ScriptTimeout, None)
        }
        End::Cancelled => finish(HostStatus::TerminateSuccess, None),
    }
}

/// Prepare the host's directory and script file and start the interpreter.
fn spawn(
    p: &Prepared,
    h: &HostRow,
) -> std::io::Result<(tokio::process::Child, tokio::net::unix::pipe::Receiver)> {
    let dir = p
        .work_dir
        .join(p.job_id.to_string())
        .join(h.host_id.to_string());
    std::fs::create_dir_all(&dir)?;
    let script = dir.join(format!("script.{}", p.extension));
    std::fs::write(&script, &p.content)?;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700))?;
    if let Some(u) = &p.run_as {
        // The account's user must be able to reach its directory: work/ and work/<job>/ are
        // made traversable (not listable). --data-dir itself must allow o+x.
        for d in [p.work_dir.clone(), p.work_dir.join(p.job_id.to_string())] {
            std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o711))?;
        }
        std::os::unix::fs::chown(&dir, Some(u.uid), Some(u.gid))?;
        std::os::unix::fs::chown(&script, Some(u.uid), Some(u.gid))?;
    }
    let (reader, writer) = std::io::pipe()?;
    let writer2 = writer.try_clone()?;
    let mut cmd = std::process::Command::new(&p.program);
    cmd.args(&p.pre_args)
        .arg(&script)
        .args(&p.args)
        .current_dir(&dir)
        .stdin(std::process::Stdio::null())
        .stdout(writer)
        .stderr(writer2)
        .env("BK_JOB_HOST_ID", h.host_id.to_string())
        .env("BK_JOB_HOST_IP", &h.ip)
        .process_group(0);
    if let Some(u) = &p.run_as {
        // std calls setgroups(0) before setgid/setuid when running as root.
        cmd.uid(u.uid)
            .gid(u.gid)
            .env("USER", &u.name)
            .env("LOGNAME", &u.name)
            .env("HOME", &u.home);
    }
    let mut cmd = tokio::process::Command::from(cmd);
    let child = cmd.spawn();
    // Drop our copies of the pipe's write end, or the reader would never see EOF.
    drop(cmd);
    let child = child?;
    let reader = tokio::net::unix::pipe::Receiver::from_owned_fd(OwnedFd::from(reader))?;
    Ok((child, reader))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_split_like_a_shell() {
        assert_eq!(split_params("a 'b c'").0, vec!["a", "b c"]);
        assert_eq!(split_params("a\nb").0, vec!["a", "b"]);
        assert!(split_params("   ").0.is_empty());
        let (v, note) = split_params("a 'b");
        assert_eq!(v, vec!["a", "'b"]);
        assert!(note.is_some());
    }
}
