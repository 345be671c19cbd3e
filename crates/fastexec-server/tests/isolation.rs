//! Isolation of scripts (issue 11): what a script can see (environment, descriptors, files,
//! its parameters in the process list), and that nothing it starts outlives it.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

/// A job's work dir is removed right after its final status: allow a moment.
async fn gone_soon(p: &Path) -> bool {
    let deadline = Instant::now() + Duration::from_secs(3);
    while p.exists() {
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    true
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

/// Every command line of the machine (NULs as spaces).
fn all_cmdlines() -> Vec<String> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|s| s.parse::<i32>().is_ok())
        })
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .collect()
}

/// Tracing output of this test binary, captured (the server runs in-process here).
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sensitive_params_reach_the_script_but_not_the_process_list() {
    let capture = Capture::default();
    let c2 = capture.clone();
    let _ = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || c2.clone())
        .try_init();
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let secret = unique_marker("secret");
    let param = format!("plain '{secret} with space' ''");
    // The scripts print their arguments, then stay alive while the process list is read.
    let cases = [
        (
            1,
            "echo \"argc=$#\"; for a in \"$@\"; do echo \"[$a]\"; done\n\
             case \"$0\" in */script.sh) echo zero-ok;; esac\n\
             [ -e /proc/$$/fd/3 ] && echo fd3-open || echo fd3-closed\n\
             [ -z \"${BK_JOB_SCRIPT_PARAMS+x}\" ] && echo no-env\n\
             sleep 2\n",
            format!("argc=3\n[plain]\n[{secret} with space]\n[]\nzero-ok\nfd3-closed\nno-env\n"),
        ),
        (
            4,
            "import sys, os, time\nprint(len(sys.argv) - 1, sys.argv[1:])\n\
             print(__name__, sys.argv[0].endswith('/script.py'), sys.path[0] == os.path.dirname(__file__))\n\
             sys.stdout.flush()\ntime.sleep(2)\n",
            format!("3 ['plain', '{secret} with space', '']\n__main__ True True\n"),
        ),
        (
            3,
            "$| = 1; print scalar(@ARGV), '|', join('|', @ARGV), \"\\n\";\n\
             print(($0 =~ m{/script\\.pl$}) ? \"zero-ok\\n\" : \"zero=$0\\n\");\nsleep 2;\n",
            format!("3|plain|{secret} with space|\nzero-ok\n"),
        ),
    ];
    let mut jobs = Vec::new();
    for (lang, script, want) in &cases {
        let mut r = script_req(script);
        r["script_language"] = json!(lang);
        r["script_param"] = json!(b64(&param));
        r["is_param_sensitive"] = json!(1);
        let (job, step) = api.launch(&r).await;
        jobs.push((job, step, want.clone()));
    }
    for (job, step, want) in &jobs {
        let deadline = Instant::now() + Duration::from_secs(8);
        while api.log(*job, *step, 101).await != *want {
            let d = api.status(*job).await;
            assert!(
                d["finished"] == false && Instant::now() < deadline,
                "job {job}: {d} log {:?}",
                api.log(*job, *step, 101).await
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    // All three run now, holding their parameters: none is in any command line.
    for c in all_cmdlines() {
        assert!(!c.contains(&secret), "secret in a command line: {c}");
    }
    for (job, _, _) in &jobs {
        assert_eq!(api.wait_finished(*job).await["job_instance"]["status"], 3);
    }
    let traced = String::from_utf8_lossy(&capture.0.lock().unwrap()).into_owned();
    assert!(
        traced.contains("job finished"),
        "the capture works: {traced}"
    );
    assert!(!traced.contains(&secret), "secret in the server's log");
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn powershell_refuses_sensitive_params_rather_than_expose_them() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let mut r = script_req("Write-Output $args");
    r["script_language"] = json!(5);
    r["script_param"] = json!(b64("x"));
    r["is_param_sensitive"] = json!(1);
    let (job, step) = api.launch(&r).await;
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 4);
    let log = api.log(job, step, 101).await;
    assert!(
        log.contains("pwsh") || log.contains("sensitive parameters"),
        "{log}"
    );
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripts_get_a_clean_environment_and_no_descriptor_of_the_server() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let (job, step) = api.launch(&script_req("env\nls -l /proc/$$/fd\n")).await;
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 3);
    let log = api.log(job, step, 101).await;
    let mut env = BTreeMap::new();
    let mut fds = Vec::new();
    for l in log.lines() {
        if let Some((left, target)) = l.split_once(" -> ") {
            let fd = left.rsplit(' ').next().unwrap();
            fds.push(format!("{fd} -> {target}"));
        } else if let Some((k, v)) = l.split_once('=') {
            env.insert(k.to_string(), v.to_string());
        }
    }
    // bash adds PWD, SHLVL and _ itself.
    let allowed = [
        "PATH",
        "LANG",
        "HOME",
        "USER",
        "LOGNAME",
        "BK_JOB_HOST_ID",
        "BK_JOB_HOST_IP",
        "PWD",
        "SHLVL",
        "_",
    ];
    for k in env.keys() {
        assert!(allowed.contains(&k.as_str()), "unexpected {k} in {log}");
    }
    assert_eq!(env["PATH"], "/usr/local/bin:/usr/bin:/bin");
    assert_eq!(env["LANG"], "C.UTF-8");
    assert_eq!(env["BK_JOB_HOST_ID"], "101");
    assert_eq!(env["BK_JOB_HOST_IP"], "127.0.0.2");
    assert!(env["HOME"].starts_with('/'), "{log}");
    assert!(!env["USER"].is_empty() && env["USER"] == env["LOGNAME"]);
    // The script shell's descriptors (listed by a child `ls`, so ls's own are not among them): stdin, the shared output pipe, bash's script file (255). No database,
    // no socket of the server.
    assert_eq!(fds.len(), 4, "{log}");
    for fd in &fds {
        let n = fd.split(' ').next().unwrap();
        assert!(["0", "1", "2", "255"].contains(&n), "fd {fd}: {log}");
    }
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_section_sets_path_lang_and_interpreters() {
    let cfg = format!(
        "{}\n[exec]\npath = \"/usr/bin:/bin\"\nlang = \"en_US.UTF-8\"\ninterpreters = {{ shell = \"/bin/sh\" }}\n",
        test_config("")
    );
    let srv = TestServer::start(&cfg).await;
    let api = srv.api();
    let (job, step) = api
        .launch(&script_req("echo \"$PATH $LANG\"; readlink /proc/$$/exe\n"))
        .await;
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 3);
    let log = api.log(job, step, 101).await;
    let sh = std::fs::canonicalize("/bin/sh").unwrap();
    assert_eq!(
        log,
        format!("/usr/bin:/bin en_US.UTF-8\n{}\n", sh.display()),
        "the configured interpreter ran the script"
    );
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_environment_does_not_reach_scripts() {
    let dir = tempfile::TempDir::new().unwrap();
    let config = write_config(dir.path(), &test_config(""));
    let data = dir.path().join("data");
    let secret = unique_marker("envsecret");
    let server = ServerProcess::start(&config, &data, &[("FASTEXEC_TEST_SECRET", &secret)]);
    let api = Api::new(&server.url);
    let (job, step) = api.launch(&script_req("env")).await;
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 3);
    let log = api.log(job, step, 101).await;
    assert!(log.contains("BK_JOB_HOST_ID=101"), "{log}");
    assert!(
        !log.contains("FASTEXEC_TEST_SECRET") && !log.contains(&secret),
        "{log}"
    );
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_dir_and_database_are_private() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let (job, _) = api.launch(&script_req("echo x")).await;
    api.wait_finished(job).await;
    let data = srv.data.path().join("data");
    assert_eq!(mode(&data), 0o700);
    for f in [
        "fastexec.sqlite3",
        "fastexec.sqlite3-wal",
        "fastexec.sqlite3-shm",
    ] {
        let p = data.join(f);
        if p.exists() || f == "fastexec.sqlite3" {
            assert_eq!(mode(&p), 0o600, "{f}");
        }
    }
    assert_eq!(mode(&data.join("work")), 0o700);
    assert_eq!(mode(&data.join("run")), 0o700);
    srv.stop().await;
}

/// As root, a script of an account mapped to another user enters its own directory but
/// reads nothing of the server's: not the database, not the list of other jobs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_user_reads_nothing_of_the_server() {
    // SAFETY: plain syscall.
    if unsafe { libc::geteuid() } != 0 {
        return;
    }
    let cfg = test_config("").replace(
        "[[accounts]]\nid = 1000\nalias = \"root\"\nbiz_id = 2\n",
        "[[accounts]]\nid = 1000\nalias = \"nobody\"\nbiz_id = 2\nos_user = \"nobody\"\n",
    );
    let tmp = tempfile::TempDir::new().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o711)).unwrap();
    let srv = TestServer::start_in(&cfg, tmp).await;
    let api = srv.api();
    let (job, step) = api
        .launch(&script_req(
            "id -un\n\
             cat ../../../fastexec.sqlite3 >/dev/null 2>&1 && echo db-read || echo db-denied\n\
             ls ../../.. >/dev/null 2>&1 && echo data-listed || echo data-unlisted\n\
             ls ../.. >/dev/null 2>&1 && echo work-listed || echo work-unlisted\n\
             ls ../../../run >/dev/null 2>&1 && echo run-listed || echo run-unlisted\n\
             cat ../script.sh >/dev/null && echo script-read\n\
             touch mine && echo cwd-writable\n",
        ))
        .await;
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 3);
    assert_eq!(
        api.log(job, step, 101).await,
        "nobody\ndb-denied\ndata-unlisted\nwork-unlisted\nrun-unlisted\nscript-read\ncwd-writable\n"
    );
    let data = srv.data.path().join("data");
    assert_eq!(mode(&data), 0o711, "enterable, not listable");
    assert_eq!(mode(&data.join("fastexec.sqlite3")), 0o600);
    assert!(gone_soon(&data.join("work").join(job.to_string())).await);
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn script_written_once_per_job_and_work_dir_removed_at_the_end() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let work = srv.data.path().join("data").join("work");
    let script = "pwd\necho \"0=$0\"\nls -A\nexit ${RC:-0}\n";
    let mut r = script_req(script);
    r["target_server"] = json!({"host_id_list": [101, 102]});
    let (job, step) = api.launch(&r).await;
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 3);
    let job_dir = work.join(job.to_string());
    let log = api.log(job, step, 102).await;
    assert_eq!(
        log,
        format!(
            "{}\n0={}\n",
            job_dir.join("102").display(),
            job_dir.join("script.sh").display()
        ),
        "own empty cwd per host, one script per job"
    );
    assert!(gone_soon(&job_dir).await, "work dir left after success");
    // Failure, timeout and terminate remove it too.
    let (job, _) = api.launch(&script_req("touch left-behind; exit 3")).await;
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 4);
    assert!(gone_soon(&work.join(job.to_string())).await);
    let mut r = script_req("touch left-behind; sleep 30");
    r["timeout"] = json!(1);
    let (job, _) = api.launch(&r).await;
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 4);
    assert!(gone_soon(&work.join(job.to_string())).await);
    assert_eq!(std::fs::read_dir(&work).unwrap().count(), 0);
    srv.stop().await;
}

/// The script: two background sleeps carrying `marker`, one moved to its own process group
/// by job control (`set -m`) and not holding the output pipe.
fn orphan_script(marker: &str, tail: &str) -> String {
    format!(
        "(exec -a {marker}-a sleep 300) &\nset -m\n(exec -a {marker}-b sleep 300) >/dev/null 2>&1 &\n\
         sleep 0.2\necho started\n{tail}"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_outlives_a_successful_script() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let marker = unique_marker("orphan-ok");
    let _cleanup = KillMarked(marker.clone());
    let t = Instant::now();
    let (job, step) = api.launch(&script_req(&orphan_script(&marker, ""))).await;
    let d = api.wait_finished(job).await;
    // No 2 s wait for a background process holding the pipe: it was killed at once.
    assert!(
        t.elapsed() < Duration::from_millis(1800),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(d["job_instance"]["status"], 3, "{d}");
    assert_eq!(host_status(&d, 101)["status"], 9);
    assert_eq!(api.log(job, step, 101).await, "started\n");
    assert!(
        marker_gone_within(&marker, 1).await,
        "background processes survived"
    );
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_outlives_a_timeout_or_a_terminate() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let marker = unique_marker("orphan-timeout");
    let _cleanup = KillMarked(marker.clone());
    let mut r = script_req(&orphan_script(&marker, "sleep 30\n"));
    r["timeout"] = json!(1);
    let (job, _) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    assert_eq!(host_status(&d, 101)["status"], 102, "{d}");
    assert!(marker_gone_within(&marker, 1).await, "survived the timeout");

    let marker = unique_marker("orphan-terminate");
    let _cleanup2 = KillMarked(marker.clone());
    let (job, step) = api
        .launch(&script_req(&orphan_script(&marker, "sleep 30\n")))
        .await;
    let deadline = Instant::now() + Duration::from_secs(8);
    while api.log(job, step, 101).await != "started\n" {
        assert!(Instant::now() < deadline, "script did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(pids_with_marker(&marker).len(), 2);
    assert_eq!(api.terminate(job).await["code"], 0);
    let d = api.wait_finished(job).await;
    assert_eq!(d["job_instance"]["status"], 11, "{d}");
    assert_eq!(host_status(&d, 101)["status"], 403);
    assert!(
        marker_gone_within(&marker, 1).await,
        "survived the terminate"
    );
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_server_kills_what_a_crashed_one_left_running() {
    let dir = tempfile::TempDir::new().unwrap();
    let config = write_config(dir.path(), &test_config(""));
    let data = dir.path().join("data");
    let marker = unique_marker("crash");
    let _cleanup = KillMarked(marker.clone());
    let mut server = ServerProcess::start(&config, &data, &[]);
    let api = Api::new(&server.url);
    let (job, step) = api
        .launch(&script_req(&orphan_script(
            &marker,
            &format!("exec -a {marker}-main sleep 300\n"),
        )))
        .await;
    let deadline = Instant::now() + Duration::from_secs(8);
    while api.log(job, step, 101).await != "started\n" || pids_with_marker(&marker).len() < 3 {
        assert!(Instant::now() < deadline, "script did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.crash();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        pids_with_marker(&marker).len(),
        3,
        "scripts run in their own sessions and survive the server"
    );
    assert!(data.join("work").join(job.to_string()).exists());

    let server = ServerProcess::start(&config, &data, &[]);
    assert!(
        marker_gone_within(&marker, 5).await,
        "left running after restart"
    );
    let api = Api::new(&server.url);
    assert_eq!(api.status(job).await["job_instance"]["status"], 9);
    assert!(!data.join("work").join(job.to_string()).exists());
    assert_eq!(std::fs::read_dir(data.join("run")).unwrap().count(), 0);
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_request_answers_500_and_the_server_goes_on() {
    use axum::routing::get;
    let app = axum::Router::new()
        .route(
            "/boom",
            get(|| async {
                if std::hint::black_box(true) {
                    panic!("handler bug");
                }
                "unreachable"
            }),
        )
        .route("/ok", get(|| async { "ok" }))
        .layer(fastexec_server::exec::panic_guard_layer());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let api = Api::new(&format!("http://{addr}/"));
    assert_eq!(api.raw("GET", "boom", &[], vec![]).await.0, 500);
    assert_eq!(api.raw("GET", "ok", &[], vec![]).await.2, "ok");
}
