//! No orphans: every script leads its own session (`setsid` before exec), and when it ends,
//! every process still in that session is killed, found by scanning `/proc/*/stat`.
//!
//! Limit: a process that calls `setsid()` itself (a daemon's double fork) leaves the session
//! and is not found. The server is not a child subreaper (`PR_SET_CHILD_SUBREAPER`): tokio and
//! std reap their children by pid, and reaping re-parented strangers with `waitpid(-1)` would
//! steal their exit statuses.
//!
//! Crash recovery: each job keeps a small record file `<data-dir>/run/<job>` of its sessions
//! (`+ pid starttime` when a script starts, `- pid` once it is swept and about to be reaped).
//! A server that starts kills the sessions recorded by the previous process, then removes
//! records and work directories (nothing of ours runs yet at start).

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;

/// One line of `/proc/<pid>/stat`, the fields we use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub pid: i32,
    pub zombie: bool,
    pub pgrp: i32,
    pub session: i32,
    /// Clock ticks after boot (field 22): with the pid, identifies a process over time.
    pub start: u64,
}

/// Parse `/proc/<pid>/stat`. The command name (field 2) may hold spaces, parentheses and
/// bytes that are not UTF-8, so the fields are counted after its LAST `)`.
pub fn parse_stat(pid: i32, text: &[u8]) -> Option<Stat> {
    let close = text.iter().rposition(|&b| b == b')')?;
    let mut f = text[close + 1..]
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty());
    let num = |w: Option<&[u8]>| std::str::from_utf8(w?).ok()?.parse::<i64>().ok();
    // The first field after the name is field 3 (state).
    let state = f.next()?.first().copied()?;
    let pgrp = num(f.nth(1))?;
    let session = num(f.next())?;
    // Field 22 (start time) is 16 fields after field 6 (session).
    let start = num(f.nth(15))?;
    Some(Stat {
        pid,
        zombie: matches!(state, b'Z' | b'X'),
        pgrp: pgrp as i32,
        session: session as i32,
        start: start as u64,
    })
}

pub fn stat_of(pid: i32) -> Option<Stat> {
    use std::io::Read;
    // One read: the kernel produces the whole line at once (well under 1 KiB).
    let mut buf = [0u8; 2048];
    let n = std::fs::File::open(format!("/proc/{pid}/stat"))
        .ok()?
        .read(&mut buf)
        .ok()?;
    parse_stat(pid, &buf[..n])
}

/// Every live process (zombies left out) whose session is in `sessions`.
fn scan(sessions: &HashSet<i32>) -> Vec<Stat> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(stat_of)
        .filter(|s| !s.zombie && sessions.contains(&s.session))
        .collect()
}

fn sigkill(pid: i32) {
    if pid > 1 {
        // SAFETY: plain syscall.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
    }
}

/// Kill every process of the sessions, again while killed ones are still dying or new ones
/// were forked in between (bounded: a process stuck in the kernel is left with a warning).
/// `keep` decides per process whether it is ours (crash recovery checks start times).
fn kill_sessions(sessions: &HashSet<i32>, keep: &dyn Fn(&Stat) -> bool) {
    for round in 0..200 {
        let found: Vec<Stat> = scan(sessions).into_iter().filter(keep).collect();
        if found.is_empty() {
            return;
        }
        for s in &found {
            sigkill(s.pid);
        }
        if round == 199 {
            tracing::warn!(count = found.len(), "processes of ended scripts do not die");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Synchronous sweep of one session (shutdown and panic paths).
pub fn kill_session_now(sid: i32) {
    if sid > 1 {
        kill_sessions(&HashSet::from([sid]), &|_| true);
    }
}

type Request = (i32, oneshot::Sender<()>);

/// Sweeps sessions on one thread: requests that arrive together share one `/proc` scan, so a
/// burst of hosts ending at once costs a few scans, not one each.
pub struct Sweeper {
    tx: Mutex<mpsc::Sender<Request>>,
}

impl Sweeper {
    pub fn new() -> Sweeper {
        let (tx, rx) = mpsc::channel::<Request>();
        let spawned = std::thread::Builder::new()
            .name("fastexec-sweeper".into())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    let mut batch = vec![first];
                    batch.extend(rx.try_iter());
                    let sessions: HashSet<i32> =
                        batch.iter().map(|(s, _)| *s).filter(|&s| s > 1).collect();
                    kill_sessions(&sessions, &|_| true);
                    for (_, done) in batch {
                        let _ = done.send(());
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!("cannot start the session sweeper: {e}");
        }
        Sweeper { tx: Mutex::new(tx) }
    }

    /// Kill every process left in session `sid`; returns once none is left.
    pub async fn sweep(&self, sid: i32) {
        let (done, wait) = oneshot::channel();
        let sent = self
            .tx
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .send((sid, done));
        if sent.is_ok() && wait.await.is_ok() {
            return;
        }
        // No sweeper thread: do it here.
        let _ = tokio::task::spawn_blocking(move || kill_session_now(sid)).await;
    }
}

fn boot_id() -> String {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// The record of one job's sessions, `<data-dir>/run/<job>` (0600).
pub struct Record {
    path: PathBuf,
    file: Mutex<Option<std::fs::File>>,
}

impl Record {
    pub fn create(run_dir: &Path, job_id: i64) -> Record {
        let path = run_dir.join(job_id.to_string());
        let file = (|| {
            use std::os::unix::fs::OpenOptionsExt;
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .truncate(true)
                .write(true)
                .mode(0o600)
                .open(&path)?;
            writeln!(f, "boot {}", boot_id())?;
            Ok::<_, std::io::Error>(f)
        })();
        let file = file
            .map_err(|e| tracing::warn!(job_id, "cannot record the job's processes: {e}"))
            .ok();
        Record {
            path,
            file: Mutex::new(file),
        }
    }

    fn line(&self, line: String) {
        if let Some(f) = self.file.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            // One write per line: lines of concurrent hosts never interleave.
            let _ = f.write_all(line.as_bytes());
        }
    }

    /// A script started: its pid is its session id.
    pub fn started(&self, pid: i32) {
        let start = stat_of(pid).map(|s| s.start).unwrap_or(0);
        self.line(format!("+ {pid} {start}\n"));
    }

    /// A script's session was swept; its pid is reaped next.
    pub fn ended(&self, pid: i32) {
        self.line(format!("- {pid}\n"));
    }

    pub fn remove(&self) {
        self.file.lock().unwrap_or_else(|e| e.into_inner()).take();
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Sessions of a record still to be swept: (session id, leader's start time).
fn parse_record(text: &str, boot: &str) -> Vec<(i32, u64)> {
    let mut lines = text.lines();
    if lines.next().and_then(|l| l.strip_prefix("boot ")) != Some(boot) || boot.is_empty() {
        // Written before a reboot: those processes are gone with it.
        return vec![];
    }
    let mut live: HashMap<i32, u64> = HashMap::new();
    for l in lines {
        let mut it = l.split_whitespace();
        match (it.next(), it.next().and_then(|p| p.parse::<i32>().ok())) {
            (Some("+"), Some(pid)) => {
                let start = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
                live.insert(pid, start);
            }
            (Some("-"), Some(pid)) => {
                live.remove(&pid);
            }
            _ => {}
        }
    }
    live.into_iter().filter(|&(pid, _)| pid > 1).collect()
}

/// Kill what a previous server process left running, then forget its records and work
/// directories. Called at start, before any job of ours runs.
pub fn recover(run_dir: &Path, work_dir: &Path) {
    let boot = boot_id();
    let mut killed = 0usize;
    if let Ok(dir) = std::fs::read_dir(run_dir) {
        for e in dir.flatten() {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            for (sid, start) in parse_record(&text, &boot) {
                // A pid number cannot be reused while a session of that id has members. So a
                // live process with our pid but another start time means our session is gone;
                // without a leader, members started after ours are the leftovers.
                let ours = match stat_of(sid) {
                    Some(leader) => leader.start == start,
                    None => true,
                };
                if ours {
                    let sessions = HashSet::from([sid]);
                    let keep = |s: &Stat| s.start >= start;
                    killed += scan(&sessions).iter().filter(|s| keep(s)).count();
                    kill_sessions(&sessions, &keep);
                }
            }
            let _ = std::fs::remove_file(e.path());
        }
    }
    if killed > 0 {
        tracing::warn!(
            killed,
            "killed processes left running by scripts of the previous server process"
        );
    }
    if let Ok(dir) = std::fs::read_dir(work_dir) {
        for e in dir.flatten() {
            remove_tree(&e.path());
        }
    }
}

/// Removes finished jobs' work directories one at a time on its own thread: off the jobs'
/// path (`rmdir` costs milliseconds on some disks), and never a crowd of threads competing
/// for the file system the running jobs use.
pub struct Janitor {
    tx: Mutex<mpsc::Sender<(PathBuf, oneshot::Sender<()>)>>,
}

impl Janitor {
    pub fn new() -> Janitor {
        let (tx, rx) = mpsc::channel::<(PathBuf, oneshot::Sender<()>)>();
        let spawned = std::thread::Builder::new()
            .name("fastexec-janitor".into())
            .spawn(move || {
                for (dir, done) in rx {
                    remove_tree(&dir);
                    let _ = done.send(());
                }
            });
        if let Err(e) = spawned {
            tracing::error!("cannot start the work directory janitor: {e}");
        }
        Janitor { tx: Mutex::new(tx) }
    }

    /// Remove `dir` in the background; the receiver resolves once it is gone.
    pub fn remove(&self, dir: PathBuf) -> oneshot::Receiver<()> {
        let (done, rx) = oneshot::channel();
        let sent = self
            .tx
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .send((dir, done));
        if let Err(mpsc::SendError((dir, done))) = sent {
            remove_tree(&dir);
            let _ = done.send(());
        }
        rx
    }
}

/// Remove a job's work directory whatever its scripts left in it. Without root, a script may
/// have made a subdirectory read-only: grant ourselves access and retry (root needs no
/// grant, and so never changes modes in a tree another user controls).
pub fn remove_tree(path: &Path) {
    if std::fs::remove_dir_all(path).is_ok() || !path.exists() {
        return;
    }
    // SAFETY: geteuid never fails.
    if unsafe { libc::geteuid() } != 0 {
        grant_owner(path);
        if std::fs::remove_dir_all(path).is_ok() {
            return;
        }
    }
    tracing::warn!(path = %path.display(), "cannot remove a job's work directory");
}

fn grant_owner(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = std::fs::symlink_metadata(dir) else {
        return;
    };
    if !meta.is_dir() {
        return;
    }
    let _ = std::fs::set_permissions(
        dir,
        std::fs::Permissions::from_mode(meta.permissions().mode() | 0o700),
    );
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            grant_owner(&e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_after_the_last_parenthesis() {
        let line = "4242 (a) b (c) S 1 4242 4240 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 0";
        let s = parse_stat(4242, line.as_bytes()).unwrap();
        assert_eq!(
            (s.pgrp, s.session, s.start, s.zombie),
            (4242, 4240, 987654, false)
        );
        let z = parse_stat(1, b"1 (x) Z 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0").unwrap();
        assert!(z.zombie);
        assert!(parse_stat(1, b"garbage").is_none());
        // A command name that is not UTF-8 does not hide a process.
        let odd = parse_stat(
            7,
            b"7 (\xff) x) R 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9 0",
        )
        .unwrap();
        assert_eq!((odd.session, odd.start), (7, 9));
        let me = stat_of(std::process::id() as i32).unwrap();
        assert!(me.start > 0 && !me.zombie);
    }

    #[test]
    fn records_list_unswept_sessions_of_this_boot() {
        let text = "boot B\n+ 10 100\n+ 11 110\n- 10\n+ 12 120\n";
        let mut live = parse_record(text, "B");
        live.sort();
        assert_eq!(live, vec![(11, 110), (12, 120)]);
        assert!(parse_record(text, "other boot").is_empty());
        assert!(parse_record("boot \n+ 10 1\n", "").is_empty());
    }
}
