//! One host's run: its directory, its process, its log (capped), and its end (exit,
//! timeout, terminate), after which nothing of its session is left.

use super::*;
use std::os::fd::OwnedFd;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bkjob_api::status::HostStatus;
use tokio::io::AsyncReadExt;
use tokio::sync::watch;

use crate::db::{now_ms, Db, HostRow, HostUpdate};

/// Appends a host's output to the database, up to the cap.
struct LogSink<'a> {
    db: &'a Db,
    step_id: i64,
    host_id: i64,
    round: i32,
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
                .append_log(self.step_id, self.host_id, self.round, data.to_vec());
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
            self.db
                .append_log(self.step_id, self.host_id, self.round, chunk);
        }
    }
}

/// Kills a started script's process group and session if the host task ends without
/// sweeping it (a panic, or the task dropped at shutdown).
pub(super) struct SessionGuard<'a> {
    pub(super) ctl: &'a RunCtl,
    pub(super) pid: i32,
    pub(super) armed: bool,
}

impl Drop for SessionGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            let mut sessions = self.ctl.sessions.lock().unwrap_or_else(|e| e.into_inner());
            kill_group(self.pid);
            sweep::kill_session_now(self.pid);
            sessions.remove(&self.pid);
        }
    }
}

/// The host's working directory `work/<job>/<host>/`, owned by the user the script runs as.
fn prepare_host_dir(p: &Prepared, h: &HostRow) -> std::io::Result<PathBuf> {
    let dir = p
        .script
        .parent()
        .unwrap_or(Path::new("/"))
        .join(h.host_id.to_string());
    dir_with_mode(&dir, 0o700)?;
    if p.switch {
        std::os::unix::fs::chown(&dir, Some(p.account.uid), Some(p.account.gid))?;
    }
    Ok(dir)
}

/// Run the script for one host; returns its final host status (already stored).
pub(super) async fn run_host(
    ex: &Executor,
    p: &Prepared,
    h: &HostRow,
    ctl: &RunCtl,
    mut cancel: watch::Receiver<bool>,
) -> HostStatus {
    let db = &ex.db;
    let step_id = p.step_id;
    let log = LogSink {
        db,
        step_id,
        host_id: h.host_id,
        round: p.round,
        written: 0,
        cap: p.log_cap,
        capped: false,
    };
    let start = now_ms();
    let finish = |status: HostStatus, exit_code: Option<i32>| {
        db.set_host_status(HostUpdate {
            step_id,
            host_id: h.host_id,
            status: status.code(),
            exit_code,
            start_time: None,
            end_time: Some(now_ms()),
        });
        status
    };
    if *cancel.borrow() {
        return finish(HostStatus::TerminateSuccess, None);
    }
    db.set_host_status(HostUpdate {
        step_id,
        host_id: h.host_id,
        status: HostStatus::Running.code(),
        exit_code: None,
        start_time: Some(start),
        end_time: None,
    });
    let note = |line: &str| db.append_log(step_id, h.host_id, p.round, line.as_bytes().to_vec());
    if let Some(n) = &p.args_note {
        note(n);
    }
    let started = (|| {
        let cwd = prepare_host_dir(p, h)?;
        let (reader, writer) = std::io::pipe()?;
        // Everything that can fail comes before the spawn: once started, a script is only
        // left through the sweep below.
        let reader = tokio::net::unix::pipe::Receiver::from_owned_fd(OwnedFd::from(reader))?;
        let launch = proc::Launch {
            program: &p.program,
            pre_args: &p.pre_args,
            lang: p.lang,
            script: &p.script,
            args: &p.args,
            sensitive: p.sensitive,
            cwd: &cwd,
            env: &ex.env,
            account: &p.account,
            switch: p.switch,
            host_id: h.host_id,
            host_ip: &h.ip,
        };
        // The registration happens under the lock a terminate takes, so a terminate either
        // sees this script or happened before (checked right after).
        let mut sessions = ctl.sessions.lock().unwrap_or_else(|e| e.into_inner());
        // Our copies of the pipe's write end go with the Command, so the reader sees EOF.
        let running = proc::spawn(&launch, OwnedFd::from(writer))?;
        sessions.insert(running.pid);
        drop(sessions);
        ctl.record.started(running.pid);
        Ok::<_, std::io::Error>((running, reader))
    })();
    let (running, reader) = match started {
        Ok(v) => v,
        Err(e) => {
            let hint = if e.kind() == std::io::ErrorKind::PermissionDenied && p.switch {
                " (the account's user must be able to enter every parent directory of the \
                 data directory: allow o+x on them)"
            } else {
                ""
            };
            note(&format!("[fastexec] cannot start the script: {e}{hint}\n"));
            return finish(HostStatus::ScriptFailed, None);
        }
    };
    let pid = running.pid;
    let mut guard = SessionGuard {
        ctl,
        pid,
        armed: true,
    };
    // A terminate may have happened between the check above and the registration.
    if *cancel.borrow() {
        kill_group(pid);
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

    #[derive(PartialEq)]
    enum End {
        Exited,
        Timeout,
        Cancelled,
    }
    let sleep = tokio::time::sleep(p.timeout);
    tokio::pin!(sleep);
    let end = loop {
        tokio::select! {
            _ = running.ended() => break End::Exited,
            _ = &mut sleep => break End::Timeout,
            _ = cancel.wait_for(|c| *c) => break End::Cancelled,
            _ = &mut read_task, if !read_done => { read_done = true; }
        }
    };
    // A terminate kills the group itself (kill_groups), so the child's exit by SIGKILL and the
    // cancel signal race in the select above: a killed script is terminated (403), never a
    // non-zero exit (104).
    let end = if end == End::Exited && *cancel.borrow() {
        End::Cancelled
    } else {
        end
    };
    // The script is not reaped yet, so its pid (= group = session id) cannot be reused: kill
    // what it left behind, on success too (`cmd &` would outlive it), then reap it.
    kill_group(pid);
    running.ended().await;
    ex.sweeper.sweep(pid).await;
    {
        let mut sessions = ctl.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.remove(&pid);
        guard.armed = false;
    }
    ctl.record.ended(pid);
    let status = running.reap().await;
    // Nothing of the session holds the pipe any more; a process that left the session
    // (`setsid`) might: stop reading after a short grace then.
    if !read_done {
        let _ = tokio::time::timeout(Duration::from_secs(2), &mut read_task).await;
    }
    match (end, status) {
        (End::Exited, Ok(s)) => match (s.code(), s.signal()) {
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
        (End::Exited, Err(e)) => {
            note(&format!("[fastexec] waiting for the script failed: {e}\n"));
            finish(HostStatus::ScriptFailed, None)
        }
        (End::Timeout, _) => {
            note(&format!(
                "[fastexec] timeout after {} s: the script and everything it started were killed\n",
                p.timeout.as_secs()
            ));
            finish(HostStatus::ScriptTimeout, None)
        }
        (End::Cancelled, _) => finish(HostStatus::TerminateSuccess, None),
    }
}
