//! The executor's pieces that need no server: parameter splitting and panic containment.

use super::*;
use host::SessionGuard;
use std::os::fd::OwnedFd;
use std::os::unix::process::ExitStatusExt;

#[test]
fn params_split_like_a_shell() {
    assert_eq!(split_params("a 'b c'").0, vec!["a", "b c"]);
    assert_eq!(split_params("a\nb").0, vec!["a", "b"]);
    assert!(split_params("   ").0.is_empty());
    let (v, note) = split_params("a 'b");
    assert_eq!(v, vec!["a", "'b"]);
    assert!(note.is_some());
}

/// A panic inside a job's driver becomes an error the job task turns into status 9.
#[tokio::test]
async fn a_panicking_future_is_caught() {
    let r: Result<RunStatus, String> = catch_panic(async {
        tokio::task::yield_now().await;
        panic!("driver bug {}", 42)
    })
    .await;
    assert_eq!(r.unwrap_err(), "driver bug 42");
    assert_eq!(
        catch_panic(async { RunStatus::Success }).await,
        Ok(RunStatus::Success)
    );
}

/// A host run that panics after starting its script still kills the script's session.
#[tokio::test]
async fn a_panicking_host_run_kills_its_session() {
    let tmp = tempfile::TempDir::new().unwrap();
    let (cancel, _rx) = watch::channel(false);
    let ctl = RunCtl::new(cancel, sweep::Record::create(tmp.path(), 1));
    *ctl.phase.lock().unwrap() = Phase::Running;
    let env = ExecEnv::resolve(&ExecConfig::default()).unwrap();
    let (bash, _) = env.interpreter(Some(ScriptLanguage::Shell)).unwrap();
    let script = tmp.path().join("s.sh");
    std::fs::write(&script, "set -m\nsleep 300 &\necho $! > bg\nsleep 300\n").unwrap();
    let me = ServerUser::current();
    let account = lookup_user_by_uid(me.uid).unwrap();
    let out = std::fs::File::create(tmp.path().join("out")).unwrap();
    let launch = proc::Launch {
        program: &bash,
        pre_args: &[],
        lang: Some(ScriptLanguage::Shell),
        script: &script,
        args: &[],
        sensitive: false,
        cwd: tmp.path(),
        env: &env,
        account: &account,
        switch: false,
        host_id: 1,
        host_ip: "127.0.0.1",
    };
    let running = proc::spawn(&launch, OwnedFd::from(out)).unwrap();
    let pid = running.pid;
    ctl.sessions.lock().unwrap().insert(pid);
    let bg_file = tmp.path().join("bg");
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let bg: i32 = loop {
        if let Some(n) = std::fs::read_to_string(&bg_file)
            .ok()
            .and_then(|s| s.trim().parse().ok())
        {
            break n;
        }
        assert!(std::time::Instant::now() < deadline, "script did not start");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    // Moved to its own process group by `set -m`: only the session sweep finds it.
    let st = sweep::stat_of(bg).unwrap();
    assert_eq!(st.session, pid);
    assert_ne!(st.pgrp, pid);
    let r: Result<(), String> = catch_panic(async {
        let _guard = SessionGuard {
            ctl: &ctl,
            pid,
            armed: true,
        };
        tokio::task::yield_now().await;
        panic!("host bug");
    })
    .await;
    assert_eq!(r.unwrap_err(), "host bug");
    let status = running.reap().await.unwrap();
    assert_eq!(status.signal(), Some(libc::SIGKILL));
    assert!(
        sweep::stat_of(bg).is_none_or(|s| s.zombie),
        "background process survived"
    );
    assert!(ctl.sessions.lock().unwrap().is_empty());
}
