//! Dangerous-script rules (1244019) and running-job quotas (1244032/1244033/1244034), over
//! real HTTP.
//!
//! Every script that a rule should refuse is harmless if it ever ran (`echo rm -rf /`).

mod common;

use common::*;
use fastexec_server::config::Config;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const FES: &str = "api/v3/fast_execute_script";
const OP: &str = "api/v3/operate_job_instance";

/// Rules and a library script on top of [`test_config`].
const RULES: &str = r#"
[[dangerous_rules]]
expression = 'rm\s+-rf\s+/(\s|$|\*)'
script_languages = [1]
action = "intercept"
description = "rm -rf on /"

[[dangerous_rules]]
expression = 'scan-me'
action = "scan"

[[dangerous_rules]]
expression = 'disabled-rule'
action = "intercept"
enabled = false

[[scripts]]
id = "s-danger"
biz_id = 2
name = "dangerous script"
versions = [
  { id = 31, status = "online", language = 1, content = "echo start\necho rm -rf /\n" },
  { id = 32, status = "disabled", language = 1, content = "echo rm -rf /\n" },
]
"#;

fn config(limits: &str) -> String {
    format!("{}{RULES}", test_config(limits))
}

/// Assert a BK-JOB error envelope (HTTP 200, no data) with `code` and the zh / en messages.
async fn expect_err(api: &Api, user: &str, body: &Value, code: i64, zh: &str, en: &str) {
    for (lang, msg) in [(None, zh), (Some("en"), en)] {
        let (s, v) = api.post_lang(user, FES, body, lang).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["result"], false, "{v}");
        assert_eq!(v["code"], code, "{v}");
        assert_eq!(v["message"], msg, "{v}");
        assert!(v.get("data").is_none(), "{v}");
        assert!(v["job_request_id"].as_str().is_some_and(|r| !r.is_empty()));
    }
}

const DANGER_ZH: &str = "高危脚本，禁止执行";
const DANGER_EN: &str = "Dangerous script, cannot be executed";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intercept_rules_refuse_dangerous_scripts() {
    let srv = TestServer::start(&config("")).await;
    let api = srv.api();

    // Inline content: the matching line may be anywhere; CRLF and `/*` too.
    for script in [
        "echo rm -rf /",
        "echo one\necho rm -rf / \necho two",
        "echo ok\r\necho rm  -rf /\r\n",
        "echo 'rm -rf /*'",
    ] {
        expect_err(
            &api,
            "admin",
            &script_req(script),
            1244019,
            DANGER_ZH,
            DANGER_EN,
        )
        .await;
    }
    // Not the root directory, a disabled rule, a scan rule: these run.
    let (job, step) = api
        .launch(&script_req(
            "echo 'rm -rf /tmp/x'\necho disabled-rule\necho scan-me",
        ))
        .await;
    let d = api.wait_finished(job).await;
    assert_eq!(d["job_instance"]["status"], 3, "{d}");
    assert_eq!(
        api.log(job, step, 101).await,
        "rm -rf /tmp/x\ndisabled-rule\nscan-me\n"
    );

    // The language filter: the shell rule does not apply to a python script.
    let mut py = script_req("# rm -rf /\nprint('py ok')\n");
    py["script_language"] = json!(4);
    let (job, step) = api.launch(&py).await;
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 3);
    assert_eq!(api.log(job, step, 101).await, "py ok\n");

    // Library scripts are checked too: by version id and by script id (its online version).
    let mut lib = script_req("");
    lib.as_object_mut().unwrap().remove("script_content");
    lib["script_version_id"] = json!(31);
    expect_err(&api, "admin", &lib, 1244019, DANGER_ZH, DANGER_EN).await;
    let mut by_id = lib.clone();
    by_id.as_object_mut().unwrap().remove("script_version_id");
    by_id["script_id"] = json!("s-danger");
    expect_err(&api, "admin", &by_id, 1244019, DANGER_ZH, DANGER_EN).await;
    // A version that may not run is refused for its status first (1244018 before 1244019).
    lib["script_version_id"] = json!(32);
    let v = api.execute(&lib).await;
    assert_eq!(v["code"], 1244018, "{v}");

    // Danger comes before the account (1244003), the hosts and the permission.
    let mut r = script_req("echo rm -rf /");
    r["account_id"] = json!(9999);
    r["target_server"] = json!({"host_id_list": [99999]});
    expect_err(&api, "admin", &r, 1244019, DANGER_ZH, DANGER_EN).await;
    expect_err(
        &api,
        "limited",
        &script_req("echo rm -rf /"),
        1244019,
        DANGER_ZH,
        DANGER_EN,
    )
    .await;
    // ... and after the field checks.
    let mut r = script_req("echo rm -rf /");
    r["timeout"] = json!(0);
    assert_eq!(api.execute(&r).await["code"], 1240003);
    srv.stop().await;
}

#[test]
fn invalid_rules_are_rejected_when_the_config_is_loaded() {
    let bad = |rule: &str| {
        let text = format!("{}\n[[dangerous_rules]]\n{rule}", config(""));
        format!("{:#}", Config::from_toml(&text).unwrap_err())
    };
    let e = bad("expression = 'rm (-rf'\naction = \"intercept\"\ndescription = \"broken\"\n");
    assert!(e.contains("dangerous_rules #4 (\"broken\")"), "{e}");
    assert!(e.contains("not a valid regular expression"), "{e}");
    assert!(bad("expression = 'x'\naction = \"block\"\n").contains("action \"block\""));
    assert!(bad("expression = 'x'\naction = 3\n").contains("action 3"));
    assert!(bad("expression = ''\naction = 2\n").contains("empty"));
    assert!(
        bad("expression = 'x'\naction = 1\nscript_languages = [0]\n").contains("script_languages")
    );
    // Numeric actions are BK-JOB's codes.
    let ok = format!(
        "{}\n[[dangerous_rules]]\nexpression = 'x'\naction = 2\n",
        config("")
    );
    Config::from_toml(&ok).unwrap();

    // The same through a config file: the error names the file and the rule.
    let dir = tempfile::TempDir::new().unwrap();
    let path = write_config(
        dir.path(),
        &format!(
            "{}\n[[dangerous_rules]]\nexpression = '[a-'\naction = \"scan\"\n",
            config("")
        ),
    );
    let e = format!("{:#}", Config::load(&path).unwrap_err());
    assert!(e.contains("config.toml"), "{e}");
    assert!(e.contains("dangerous_rules #4"), "{e}");

    // Quotas cannot be negative.
    assert!(Config::from_toml(&config("running_jobs_per_app = -1")).is_err());
}

/// Auth header of "strict-app" (not login-exempt) for user admin.
fn strict_auth() -> String {
    json!({"bk_app_code": "strict-app", "bk_app_secret": "strict-secret", "bk_token": "admin-token"})
        .to_string()
}

/// Launch through "strict-app"; returns the envelope.
async fn execute_strict(api: &Api, body: &Value, lang: Option<&str>) -> Value {
    let auth = strict_auth();
    let mut headers = vec![("X-Bkapi-Authorization", auth.as_str())];
    if let Some(l) = lang {
        headers.push(("Blueking-Language", l));
    }
    let (s, _, text) = api
        .raw("POST", FES, &headers, body.to_string().into_bytes())
        .await;
    assert_eq!(s, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// `script` on host 201 of business 3.
fn biz3_req(script: &str) -> Value {
    let mut r = script_req(script);
    r["bk_scope_id"] = json!("3");
    r["account_id"] = json!(3000);
    r["target_server"] = json!({"host_id_list": [201]});
    r
}

/// Poll a job of business `biz` until it is finished; returns its final status.
async fn wait_done(api: &Api, biz: &str, job: i64) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let v = api
            .post(
                "api/v3/get_job_instance_status",
                &json!({"bk_scope_type":"biz","bk_scope_id":biz,"job_instance_id":job}),
            )
            .await;
        assert_eq!(v["code"], 0, "{v}");
        if v["data"]["finished"] == true {
            return v["data"]["job_instance"]["status"].as_i64().unwrap();
        }
        assert!(Instant::now() < deadline, "job {job} not finished: {v}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn terminate(api: &Api, biz: &str, job: i64) {
    let v = api
        .post(
            OP,
            &json!({"bk_scope_type":"biz","bk_scope_id":biz,"job_instance_id":job,"operation_code":1}),
        )
        .await;
    assert_eq!(v["code"], 0, "{v}");
    assert_eq!(wait_done(api, biz, job).await, 11);
}

const SCOPE_ZH: &str = "当前执行的作业总量超过业务配额限制";
const SCOPE_EN: &str = "The total number of running jobs exceeds the business quota limit";
const APP_ZH: &str = "当前执行的作业总量超过应用配额限制";
const APP_EN: &str = "The total number of running jobs exceeds the application quota limit";
const SYSTEM_ZH: &str = "当前执行的作业总量超过系统配额限制";
const SYSTEM_EN: &str = "The total number of running jobs exceeds the system quota limit";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scope_quota_counts_unfinished_jobs_of_the_scope() {
    let srv = TestServer::start(&config("running_jobs_per_scope = 1")).await;
    let api = srv.api();
    let (job, _) = api.launch(&script_req("sleep 5")).await;
    expect_err(
        &api,
        "admin",
        &script_req("echo second"),
        1244032,
        SCOPE_ZH,
        SCOPE_EN,
    )
    .await;
    // Order: danger (1244019) before the quota, the quota before the account (1244003).
    let v = api.execute(&script_req("echo rm -rf /")).await;
    assert_eq!(v["code"], 1244019, "{v}");
    let mut r = script_req("echo x");
    r["account_id"] = json!(9999);
    assert_eq!(api.execute(&r).await["code"], 1244032);
    // Another business has its own quota.
    let (other, _) = api.launch(&biz3_req("echo other")).await;
    assert_eq!(wait_done(&api, "3", other).await, 3);
    // Terminating the running job frees the slot.
    terminate(&api, "2", job).await;
    let (job, _) = api.launch(&script_req("echo again")).await;
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 3);

    // A created but not started job (start_task=false) is unfinished too, until it has run.
    let mut deferred = script_req("echo deferred");
    deferred["start_task"] = json!(false);
    let (job, _) = api.launch(&deferred).await;
    assert_eq!(api.execute(&script_req("echo x")).await["code"], 1244032);
    let v = api
        .post(
            OP,
            &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job,"operation_code":2}),
        )
        .await;
    assert_eq!(v["code"], 0, "{v}");
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 3);
    api.launch(&script_req("echo free")).await;
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_quota_counts_unfinished_jobs_of_the_calling_app() {
    let srv = TestServer::start(&config("running_jobs_per_app = 1")).await;
    let api = srv.api();
    let (job, _) = api.launch(&script_req("sleep 2")).await;
    // Same app, another business: still refused.
    expect_err(
        &api,
        "admin",
        &biz3_req("echo second"),
        1244033,
        APP_ZH,
        APP_EN,
    )
    .await;
    // Another app has its own quota.
    let v = execute_strict(&api, &biz3_req("sleep 5"), None).await;
    assert_eq!(v["code"], 0, "{v}");
    let strict_job = v["data"]["job_instance_id"].as_i64().unwrap();
    let v = execute_strict(&api, &script_req("echo x"), Some("en")).await;
    assert_eq!(
        (v["code"].as_i64(), v["message"].as_str()),
        (Some(1244033), Some(APP_EN))
    );
    // The first job finishing by itself frees the slot of its app.
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 3);
    let (job, _) = api.launch(&script_req("echo again")).await;
    assert_eq!(api.wait_finished(job).await["job_instance"]["status"], 3);
    terminate(&api, "3", strict_job).await;
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn system_quota_counts_every_unfinished_job() {
    let srv = TestServer::start(&config("running_jobs_system = 1")).await;
    let api = srv.api();
    let (job, _) = api.launch(&script_req("sleep 5")).await;
    // Another app in another business: refused all the same.
    let v = execute_strict(&api, &biz3_req("echo x"), None).await;
    assert_eq!(
        (v["code"].as_i64(), v["message"].as_str()),
        (Some(1244034), Some(SYSTEM_ZH))
    );
    expect_err(
        &api,
        "admin",
        &script_req("echo x"),
        1244034,
        SYSTEM_ZH,
        SYSTEM_EN,
    )
    .await;
    terminate(&api, "2", job).await;
    let v = execute_strict(&api, &biz3_req("echo x"), None).await;
    assert_eq!(v["code"], 0, "{v}");
    let job = v["data"]["job_instance_id"].as_i64().unwrap();
    assert_eq!(wait_done(&api, "3", job).await, 3);
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotas_are_checked_scope_then_app_then_system() {
    let limits = "running_jobs_per_scope = 1\nrunning_jobs_per_app = 1\nrunning_jobs_system = 1";
    let srv = TestServer::start(&config(limits)).await;
    let api = srv.api();
    let (job, _) = api.launch(&script_req("sleep 5")).await;
    // Same scope and app → scope; same app, other scope → app; other app and scope → system.
    assert_eq!(api.execute(&script_req("echo x")).await["code"], 1244032);
    assert_eq!(api.execute(&biz3_req("echo x")).await["code"], 1244033);
    let v = execute_strict(&api, &biz3_req("echo x"), None).await;
    assert_eq!(v["code"], 1244034, "{v}");
    terminate(&api, "2", job).await;
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_launches_cannot_overshoot_a_quota() {
    for limits in ["running_jobs_system = 1", "running_jobs_per_scope = 1"] {
        let srv = TestServer::start(&config(limits)).await;
        let api = srv.api();
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let api = api.clone();
                tokio::spawn(async move { api.execute(&script_req("sleep 5")).await })
            })
            .collect();
        let mut ok = Vec::new();
        let mut refused = 0;
        for t in tasks {
            let v = t.await.unwrap();
            match v["code"].as_i64() {
                Some(0) => ok.push(v["data"]["job_instance_id"].as_i64().unwrap()),
                Some(1244032 | 1244034) => refused += 1,
                _ => panic!("{limits}: unexpected answer {v}"),
            }
        }
        assert_eq!((ok.len(), refused), (1, 7), "{limits}");
        terminate(&api, "2", ok[0]).await;
        srv.stop().await;
    }
}
