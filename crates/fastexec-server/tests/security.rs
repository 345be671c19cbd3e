//! Issue 11's defenses, over real HTTP on loopback: who may operate a job, the authentication
//! throttle, callbacks aimed inward, login-exempt apps, and secrets kept out of the server's
//! output. (Other web pages and security headers: `cross_site.rs`.)

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

const OP: &str = "api/v3/operate_job_instance";

/// The test config plus one user who may run scripts but not use accounts.
fn config_with_operator() -> String {
    format!(
        "{}\n[[users]]\nname = \"runner\"\ngrants = [{{ scope_id = \"2\", actions = \
         [\"access_business\", \"quick_execute_script\"] }}]\n",
        test_config("")
    )
}

/// Launch `script` as `user` with `start_task`.
async fn launch_as(api: &Api, user: &str, script: &str, start: bool) -> i64 {
    let mut b = script_req(script);
    b["start_task"] = json!(start);
    let (s, v) = api.post_as(user, FES, &b).await;
    assert_eq!((s, &v["code"]), (200, &json!(0)), "{v}");
    v["data"]["job_instance_id"].as_i64().unwrap()
}

async fn operate(api: &Api, user: &str, job: i64, code: i32) -> Value {
    let (s, v) = api
        .post_as(
            user,
            OP,
            &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job,"operation_code":code}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_need_the_operator_or_the_execute_permission() {
    let srv = TestServer::start(&config_with_operator()).await;
    let api = srv.api();
    // "limited" may open the business only: it can neither stop nor start admin's jobs.
    let running = launch_as(&api, "admin", "sleep 30", true).await;
    api.wait_until(running, |d| d["job_instance"]["status"] == 2)
        .await;
    let v = operate(&api, "limited", running, 1).await;
    assert_eq!(v["code"], 9900403, "{v}");
    let actions: Vec<&str> = v["permission"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["quick_execute_script"], "{v}");
    assert_eq!(api.status(running).await["job_instance"]["status"], 2);
    let deferred = launch_as(&api, "admin", "echo deferred", false).await;
    let v = operate(&api, "limited", deferred, 2).await;
    assert_eq!(v["code"], 9900403, "{v}");
    // "runner" may execute scripts but not use the account: may stop, may not start.
    let v = operate(&api, "runner", deferred, 2).await;
    assert_eq!(v["code"], 9900403, "{v}");
    assert_eq!(v["permission"]["actions"][0]["id"], "use_account", "{v}");
    assert_eq!(
        v["permission"]["actions"][0]["related_resource_types"][0]["instances"][0][1]["id"], "1000",
        "{v}"
    );
    assert_eq!(api.status(deferred).await["job_instance"]["status"], 1);
    let v = operate(&api, "runner", running, 1).await;
    assert_eq!(v["code"], 0, "{v}");
    let d = api.wait_finished(running).await;
    assert_eq!(d["job_instance"]["status"], 11, "{d}");
    // admin (the operator) starts its own deferred job.
    let v = operate(&api, "admin", deferred, 2).await;
    assert_eq!(v["code"], 0, "{v}");
    assert_eq!(
        api.wait_finished(deferred).await["job_instance"]["status"],
        3
    );
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deferred_job_runs_once_whatever_the_concurrency() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let out = srv.data.path().join("runs.txt");
    for round in 0..4 {
        let job = launch_as(
            &api,
            "admin",
            &format!("echo {round} >> {}", out.display()),
            false,
        )
        .await;
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let api = api.clone();
            tasks.push(tokio::spawn(async move {
                // Stagger a little so some arrive after the (fast) run has ended.
                tokio::time::sleep(Duration::from_millis(stagger_ms())).await;
                operate(&api, "admin", job, 2).await["code"]
                    .as_i64()
                    .unwrap()
            }));
        }
        let mut ok = 0;
        for t in tasks {
            match t.await.unwrap() {
                0 => ok += 1,
                1241015 => {}
                other => panic!("unexpected code {other}"),
            }
        }
        assert_eq!(ok, 1, "round {round}: {ok} Starts accepted");
        api.wait_finished(job).await;
    }
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text, "0\n1\n2\n3\n", "a job ran more than once");
    srv.stop().await;
}

/// 0..60 ms from the clock's nanoseconds (no rand dependency needed for a stagger).
fn stagger_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64
        % 60
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_authentications_are_throttled_per_address() {
    let cfg = test_config("").replace(
        "auth_failures_per_minute = 1000",
        "auth_failures_per_minute = 3",
    );
    let srv = TestServer::start(&cfg).await;
    let api = srv.api();
    let body = script_req("echo hi").to_string().into_bytes();
    let wrong =
        json!({"bk_app_code": APP, "bk_app_secret": "guess", "bk_username": "admin"}).to_string();
    for _ in 0..3 {
        let (s, _, _) = api
            .raw(
                "POST",
                FES,
                &[("X-Bkapi-Authorization", &wrong)],
                body.clone(),
            )
            .await;
        assert_eq!(s, 400);
    }
    // Now even the right secret is refused from this address, on both routes.
    let right = auth_user("admin");
    let (s, _, text) = api
        .raw(
            "POST",
            FES,
            &[("X-Bkapi-Authorization", &right)],
            body.clone(),
        )
        .await;
    assert_eq!(s, 429, "{text}");
    let v = parse(&text);
    assert_eq!(v["code"], 1642901, "{v}");
    assert_eq!(v["code_name"], "RATE_LIMIT_RESTRICTION", "{v}");
    // ESB answers the throttle with its own rate-limit code, HTTP 200.
    let (s, _, text) = api.raw("POST", ESB, &[], esb_body("echo hi")).await;
    assert_eq!(
        (s, parse(&text)["code"].as_i64()),
        (200, Some(1306429)),
        "{text}"
    );
    // Another app behind the same address (a shared reverse proxy) is not locked out.
    let other = json!({"bk_app_code": "strict-app", "bk_app_secret": "strict-secret", "bk_token": "admin-token"})
        .to_string();
    let (s, _, text) = api
        .raw(
            "POST",
            FES,
            &[("X-Bkapi-Authorization", &other)],
            body.clone(),
        )
        .await;
    assert_eq!(s, 200, "{text}");
    srv.stop().await;

    // Successes never count: many good requests in a row all pass.
    let srv = TestServer::start(&cfg).await;
    for _ in 0..6 {
        let v = srv.api().execute(&script_req("true")).await;
        assert_eq!(v["code"], 0, "{v}");
    }
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callbacks_cannot_be_aimed_inward() {
    // No [security] callback allowances: the default of a non-demo config.
    let cfg = test_config("").replace("callback_allow_loopback = true\n", "");
    let srv = TestServer::start(&cfg).await;
    let api = srv.api();
    for url in [
        "http://127.0.0.1:9/cb",
        "http://localhost:9/cb",
        "http://[::1]:9/cb",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/cb",
        "http://192.168.1.1/cb",
        "http://[fd00::1]/cb",
        "http://0.0.0.0:9/cb",
    ] {
        let mut b = script_req("echo hi");
        b["callback_url"] = json!(url);
        let (_, v) = api.post_lang("admin", FES, &b, Some("en")).await;
        assert_eq!(v["code"], 1240003, "{url}: {v}");
        assert_eq!(
            v["message"],
            "Callback url is invalid or not in the allowed list, please contact the platform administrator to add it",
            "{url}"
        );
    }
    // No job was created by any of them.
    let v = api
        .post(
            "api/v3/get_job_instance_status",
            &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":1}),
        )
        .await;
    assert_eq!(v["code"], 1244006, "{v}");
    srv.stop().await;

    // callback_allow_private lets a loopback receiver through (the loopback case of the
    // demo is covered by execution.rs's callback test).
    let cfg = test_config("").replace(
        "callback_allow_loopback = true",
        "callback_allow_private = true",
    );
    let srv = TestServer::start(&cfg).await;
    let mut b = script_req("echo hi");
    b["callback_url"] = json!("http://127.0.0.1:9/cb");
    let v = srv.api().execute(&b).await;
    assert_eq!(v["code"], 0, "{v}");
    srv.stop().await;
}

/// The ESB route reads the credentials first: a caller with a wrong secret learns nothing
/// about the rest of its body (a wrongly typed field would be 1240003 for a real caller).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esb_authenticates_before_it_parses_the_rest() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let mut b = script_req("echo hi");
    b["bk_app_code"] = json!(APP);
    b["bk_app_secret"] = json!("wrong");
    b["bk_username"] = json!("admin");
    b["target_server"] = json!("not an object");
    b["timeout"] = json!({"deep": [1, 2, 3]});
    let (s, _, text) = api.raw("POST", ESB, &[], b.to_string().into_bytes()).await;
    assert_eq!(s, 200, "{text}");
    assert_eq!(parse(&text)["code"], 1306000, "{text}");
    b["bk_app_secret"] = json!(SECRET);
    let (s, _, text) = api.raw("POST", ESB, &[], b.to_string().into_bytes()).await;
    assert_eq!(s, 200, "{text}");
    assert_eq!(parse(&text)["code"], 1240003, "{text}");
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apps_are_not_login_exempt_unless_configured() {
    let cfg = format!(
        "{}\n[[apps]]\ncode = \"plain-app\"\nsecret = \"plain-secret\"\n",
        test_config("")
    );
    let srv = TestServer::start(&cfg).await;
    let api = srv.api();
    let body = script_req("echo hi").to_string().into_bytes();
    let by_name =
        json!({"bk_app_code": "plain-app", "bk_app_secret": "plain-secret", "bk_username": "admin"})
            .to_string();
    let (s, _, text) = api
        .raw(
            "POST",
            FES,
            &[("X-Bkapi-Authorization", &by_name)],
            body.clone(),
        )
        .await;
    assert_eq!(s, 400, "{text}");
    assert!(text.contains("not verified"), "{text}");
    let by_token =
        json!({"bk_app_code": "plain-app", "bk_app_secret": "plain-secret", "bk_token": "admin-token"})
            .to_string();
    let (s, _, text) = api
        .raw("POST", FES, &[("X-Bkapi-Authorization", &by_token)], body)
        .await;
    assert_eq!(s, 200, "{text}");
    assert_eq!(parse(&text)["code"], 0, "{text}");
    srv.stop().await;
}

/// Start the server binary in `dir` (its working directory) with `cfg`, `args` and trace
/// logging; returns the child, its URL and the file holding everything it printed.
fn spawn_server(
    dir: &std::path::Path,
    cfg: &str,
    args: &[&str],
) -> (std::process::Child, String, std::path::PathBuf) {
    let cfg_path = dir.join("server.toml");
    std::fs::write(&cfg_path, cfg).unwrap();
    let out_path = dir.join("out.log");
    let out = std::fs::File::create(&out_path).unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_fastexec-server"))
        .current_dir(dir)
        .args(["--listen", "127.0.0.1:0", "--config"])
        .arg(&cfg_path)
        .args(args)
        .env("RUST_LOG", "trace")
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .unwrap();
    // The listening line gives the port.
    let deadline = Instant::now() + Duration::from_secs(20);
    let url = loop {
        let text = std::fs::read_to_string(&out_path).unwrap_or_default();
        if let Some(rest) = text.split("listening on ").nth(1) {
            break rest.split_whitespace().next().unwrap().to_string();
        }
        assert!(Instant::now() < deadline, "server did not start: {text}");
        std::thread::sleep(Duration::from_millis(50));
    };
    (child, url, out_path)
}

/// SIGTERM (a graceful shutdown, so everything logged is written), then wait.
fn stop_server(mut child: std::process::Child) {
    // SAFETY: plain syscall on our own child.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let _ = child.wait();
}

/// A relative `--data-dir` (the default is one): scripts start in their host directory, and
/// still find their script file; with a sensitive parameter in Perl too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relative_data_dir_runs_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let (child, url, _) = spawn_server(dir.path(), &test_config(""), &["--data-dir", "rel-data"]);
    let api = Api::new(&url);
    let (job, step) = api.launch(&script_req("echo shell-ok")).await;
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 3);
    assert!(api.log(job, step, 101).await.contains("shell-ok"));
    let mut b = script_req("print \"perl-ok $ARGV[0]\\n\";");
    b["script_language"] = json!(3);
    b["script_param"] = json!(b64("p1"));
    b["is_param_sensitive"] = json!(1);
    let (job, step) = api.launch(&b).await;
    let d = api.wait_finished(job).await;
    let log = api.log(job, step, 101).await;
    assert_eq!(d["job_instance"]["status"], 3, "{log}");
    assert!(log.contains("perl-ok p1"), "{log}");
    stop_server(child);
}

/// Run the server binary with a non-demo config and debug logging, use every secret it knows
/// (right and wrong), launch with a sensitive parameter, then search everything it printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_token_or_sensitive_parameter_reaches_the_output() {
    const APP_SECRET: &str = "s3cret-APP-0f5e2c";
    const TOKEN: &str = "tok-ADMIN-9d1b7a";
    const PARAM: &str = "pw-SENSITIVE-77a3e1";
    let cfg = test_config("")
        .replace(SECRET, APP_SECRET)
        .replace("\"admin-token\"", &format!("\"{TOKEN}\""));
    let dir = tempfile::tempdir().unwrap();
    let (child, url, out_path) = spawn_server(dir.path(), &cfg, &["--data-dir", "data"]);
    let api = Api::new(&url);
    let good = json!({"bk_app_code": APP, "bk_app_secret": APP_SECRET, "bk_token": TOKEN});
    let mut b = script_req("echo \"got $1\"");
    b["script_param"] = json!(b64(PARAM));
    b["is_param_sensitive"] = json!(1);
    let (s, _, text) = api
        .raw(
            "POST",
            FES,
            &[("X-Bkapi-Authorization", &good.to_string())],
            b.to_string().into_bytes(),
        )
        .await;
    assert_eq!(s, 200, "{text}");
    let job = parse(&text)["data"]["job_instance_id"].as_i64().unwrap();
    // ESB with the secret in the body, and wrong guesses that start like the real ones.
    let mut esb = script_req("true");
    esb["bk_app_code"] = json!(APP);
    esb["bk_app_secret"] = json!(APP_SECRET);
    esb["bk_token"] = json!(TOKEN);
    let (s, _, _) = api
        .raw("POST", ESB, &[], esb.to_string().into_bytes())
        .await;
    assert_eq!(s, 200);
    for bad in [
        json!({"bk_app_code": APP, "bk_app_secret": format!("{APP_SECRET}x"), "bk_token": TOKEN}),
        json!({"bk_app_code": APP, "bk_app_secret": APP_SECRET, "bk_token": format!("{TOKEN}x")}),
    ] {
        let (s, _, _) = api
            .raw(
                "POST",
                FES,
                &[("X-Bkapi-Authorization", &bad.to_string())],
                b.to_string().into_bytes(),
            )
            .await;
        assert_eq!(s, 400);
    }
    // Credentials in a query string (ignored by the gateway route) stay out of the request log.
    let q = format!("api/v3/get_job_instance_status?bk_scope_type=biz&bk_scope_id=2&job_instance_id={job}&bk_app_secret={APP_SECRET}&bk_token={TOKEN}");
    let (s, _, _) = api.raw("GET", &q, &[], vec![]).await;
    assert_eq!(s, 400);
    // ESB does read them from a GET's query: they stay out of the log just the same.
    let esb = format!("api/c/compapi/v2/jobv3/get_job_instance_status/?bk_scope_type=biz&bk_scope_id=2&job_instance_id={job}&bk_app_code={APP}&bk_app_secret={APP_SECRET}&bk_token={TOKEN}");
    let (s, _, text) = api.raw("GET", &esb, &[], vec![]).await;
    assert_eq!((s, parse(&text)["code"].as_i64()), (200, Some(0)), "{text}");
    let (_, _, text) = api.raw("GET", &format!("{esb}x"), &[], vec![]).await;
    assert_eq!(parse(&text)["code"], 1306000, "{text}");
    // Wait for the job (the script prints the parameter into its own log, which is the
    // script's business; the server must not print it).
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let q = format!(
            "api/v3/get_job_instance_status?bk_scope_type=biz&bk_scope_id=2&job_instance_id={job}"
        );
        let (_, _, text) = api
            .raw(
                "GET",
                &q,
                &[("X-Bkapi-Authorization", &good.to_string())],
                vec![],
            )
            .await;
        if parse(&text)["data"]["finished"] == true {
            break;
        }
        assert!(Instant::now() < deadline, "job did not finish: {text}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop_server(child);
    let text = std::fs::read_to_string(&out_path).unwrap();
    assert!(
        text.contains("job finished"),
        "debug output missing?\n{text}"
    );
    assert!(
        text.contains("s3********"),
        "masked secret expected at start:\n{text}"
    );
    for secret in [APP_SECRET, TOKEN, PARAM, &b64(PARAM)] {
        assert!(
            !text.contains(secret),
            "{secret} printed by the server:\n{text}"
        );
    }
}
