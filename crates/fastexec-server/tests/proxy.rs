//! Gateway proxy mode: a local server as the "real BK-JOB" behind HTTPS (a test CA), a second
//! server in proxy mode in front of it; stub gateways for what a local server cannot show
//! (what arrives upstream, HTML error pages, slowness).

mod common;
mod proxy_support;

use std::time::{Duration, Instant};

use common::*;
use proxy_support::*;
use serde_json::{json, Value};

const TOKEN: &str = "admin-token";

/// `method path` with headers (and a JSON body for POST): (status, JSON body, every header
/// line and the body text, for secret checks).
async fn call(
    api: &Api,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> (u16, Value, String) {
    use http_body_util::{BodyExt, Full};
    let bytes = if method == "POST" {
        serde_json::to_vec(body).unwrap()
    } else {
        Vec::new()
    };
    let mut b = hyper::Request::builder().method(method).uri(format!(
        "{}{}",
        api.url,
        path.trim_start_matches('/')
    ));
    if method == "POST" {
        b = b.header("Content-Type", "application/json");
    }
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let req = b.body(Full::new(bytes::Bytes::from(bytes))).unwrap();
    let resp = tokio::time::timeout(Duration::from_secs(20), api.client.request(req))
        .await
        .expect("request timed out")
        .expect("request failed");
    let status = resp.status().as_u16();
    let mut text: String = resp
        .headers()
        .iter()
        .map(|(k, v)| format!("{k}: {}\n", String::from_utf8_lossy(v.as_bytes())))
        .collect();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&body).unwrap_or(Value::Null);
    text.push_str(&String::from_utf8_lossy(&body));
    (status, v, text)
}

fn cookie() -> String {
    format!("bk_token={TOKEN}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launch_follow_and_fail_through_an_https_proxy() {
    let local = TestServer::start(&test_config("")).await;
    let backend: std::net::SocketAddr = local
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    let ca = test_ca();
    let term = Terminator::start(ca.server.clone(), 0, backend).await;
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &ca.ca_pem).unwrap();
    let config = format!(
        "[upstream]\ngateway_url = \"https://127.0.0.1:{}/\"\napp_code = \"{APP}\"\n\
         app_secret_env = \"FX_TEST_APP_SECRET\"\nlogin_url = \"https://paas.example.com/login/\"\n\
         timeout_secs = 5\nca_file = {:?}\n",
        term.addr.port(),
        ca_file.to_str().unwrap()
    );
    let proxy = ProxyProcess::start(dir.path(), &config, &[("FX_TEST_APP_SECRET", SECRET)]);
    let api = Api::new(&proxy.url);
    let mut answers = String::new();

    // The session: signed in with the cookie (name unknown to the proxy), out without it; an
    // SSO-style header counts for nothing unless configured.
    let sso = [("X-Forwarded-User", "admin")];
    let (s, v, t) = call(&api, "GET", "api/fastexec/session", &sso, &Value::Null).await;
    answers += &t;
    assert_eq!(s, 200);
    assert_eq!(
        v,
        json!({"result":true,"code":0,"data":{"mode":"proxy","username":null,"signed_in":false,
                "login_url":"https://paas.example.com/login/"}})
    );
    let ck = cookie();
    let with_cookie = [("Cookie", ck.as_str())];
    let (_, v, t) = call(
        &api,
        "GET",
        "api/fastexec/session",
        &with_cookie,
        &Value::Null,
    )
    .await;
    answers += &t;
    assert_eq!(v["data"]["signed_in"], true, "{v}");

    // Launch with the cookie; whatever the browser adds as credentials is dropped (a foreign
    // app secret would be refused upstream with 1640001).
    let mut req = script_req("echo proxied-hello");
    req["bk_app_secret"] = json!("browser-secret");
    req["bk_username"] = json!("outsider");
    let bogus = json!({"bk_app_code":"x","bk_app_secret":"wrong","bk_username":"outsider"});
    let bogus = bogus.to_string();
    let headers = [
        ("Cookie", ck.as_str()),
        ("X-Bkapi-Authorization", bogus.as_str()),
        ("Authorization", "Bearer nope"),
    ];
    let (s, v, t) = call(&api, "POST", "api/v3/fast_execute_script", &headers, &req).await;
    answers += &t;
    assert_eq!((s, v["code"].as_i64()), (200, Some(0)), "{v}");
    let job = v["data"]["job_instance_id"].as_i64().unwrap();
    let step = v["data"]["step_instance_id"].as_i64().unwrap();

    // Follow it with GET (the gateway resources' method), trailing slash optional.
    let status_path = format!(
        "api/v3/get_job_instance_status/?bk_scope_type=biz&bk_scope_id=2&job_instance_id={job}\
         &return_ip_result=true&bk_token=leak"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (s, v, t) = call(&api, "GET", &status_path, &with_cookie, &Value::Null).await;
        answers += &t;
        assert_eq!((s, v["code"].as_i64()), (200, Some(0)), "{v}");
        if v["data"]["finished"] == true {
            break;
        }
        assert!(Instant::now() < deadline, "not finished: {v}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let log_path = format!(
        "api/v3/get_job_instance_ip_log?bk_scope_type=biz&bk_scope_id=2&job_instance_id={job}\
         &step_instance_id={step}&bk_host_id=101"
    );
    let (_, v, t) = call(&api, "GET", &log_path, &with_cookie, &Value::Null).await;
    answers += &t;
    assert!(
        v["data"]["log_content"]
            .as_str()
            .unwrap_or("")
            .contains("proxied-hello"),
        "{v}"
    );

    // The step's status by round (GET) and a step operation (POST) are forwarded too: here
    // BK-JOB's refusal of "continue next batch" on a step that does not roll.
    let step_path = format!(
        "api/v3/get_step_instance_status?bk_scope_type=biz&bk_scope_id=2&job_instance_id={job}\
         &step_instance_id={step}&execute_count=0"
    );
    let (s, v, t) = call(&api, "GET", &step_path, &with_cookie, &Value::Null).await;
    answers += &t;
    assert_eq!((s, v["code"].as_i64()), (200, Some(0)), "{v}");
    assert_eq!(v["data"]["execute_count"], 0, "{v}");
    let op = json!({"bk_scope_type": "biz", "bk_scope_id": "2", "job_instance_id": job,
                    "step_instance_id": step, "operation_code": 13});
    let (s, v, t) = call(
        &api,
        "POST",
        "api/v3/operate_step_instance",
        &with_cookie,
        &op,
    )
    .await;
    answers += &t;
    assert_eq!((s, v["code"].as_i64()), (200, Some(1_241_003)), "{v}");

    // What the form asks before a launch: the high-risk rules and the host check (POST), the
    // accounts and the script libraries (GET).
    let scope = json!({"bk_scope_type": "biz", "bk_scope_id": "2"});
    let agents = json!({"bk_scope_type": "biz", "bk_scope_id": "2", "host_id_list": [101]});
    for (method, path, body) in [
        ("POST", "api/v3/get_dangerous_rule_list", &scope),
        ("POST", "api/v3/query_agent_info", &agents),
        (
            "GET",
            "api/v3/get_account_list?bk_scope_type=biz&bk_scope_id=2&category=1",
            &Value::Null,
        ),
        (
            "GET",
            "api/v3/get_script_list?bk_scope_type=biz&bk_scope_id=2",
            &Value::Null,
        ),
        ("GET", "api/v3/get_public_script_list", &Value::Null),
    ] {
        let (s, v, t) = call(&api, method, path, &with_cookie, body).await;
        answers += &t;
        assert_eq!((s, v["code"].as_i64()), (200, Some(0)), "{path}: {v}");
        assert!(!v["data"].is_null(), "{path}: {v}");
    }

    // A user without the grant: JOB's permission answer, passed through whole.
    let limited = [("Cookie", "bk_token=limited-token")];
    let (s, v, t) = call(&api, "POST", "api/v3/fast_execute_script", &limited, &req).await;
    answers += &t;
    assert_eq!((s, v["code"].as_i64()), (200, Some(9_900_403)), "{v}");
    assert!(v["permission"].is_object(), "{v}");
    // No cookie: the gateway's own authentication error.
    let (s, v, t) = call(&api, "POST", "api/v3/fast_execute_script", &[], &req).await;
    answers += &t;
    assert_eq!((s, v["code"].as_i64()), (400, Some(1_640_001)), "{v}");

    // Not allowlisted, or the wrong method: the gateway's 404, nothing forwarded.
    for (method, path) in [
        ("POST", "api/v3/get_job_instance_status"),
        ("GET", "api/v3/fast_execute_script"),
        ("POST", "api/v3/get_job_instance_list"),
        ("POST", "api/c/compapi/v2/jobv3/fast_execute_script/"),
    ] {
        let (s, v, t) = call(&api, method, path, &with_cookie, &json!({})).await;
        answers += &t;
        assert_eq!(
            (s, v["code"].as_i64()),
            (404, Some(1_640_401)),
            "{path}: {v}"
        );
    }

    // Upstream down: 502 with the proxy's own code; back up: works again.
    let port = term.stop();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (s, v, t) = call(&api, "GET", &status_path, &with_cookie, &Value::Null).await;
    answers += &t;
    assert_eq!((s, v["code"].as_i64()), (502, Some(1_659_502)), "{v}");
    assert!(v["message"].as_str().unwrap().contains("refused"), "{v}");
    let _term = Terminator::start(ca.server.clone(), port, backend).await;
    let (s, v, t) = call(&api, "GET", &status_path, &with_cookie, &Value::Null).await;
    answers += &t;
    assert_eq!((s, v["code"].as_i64()), (200, Some(0)), "{v}");

    // The secret is in no answer and no log line; the token in no log line; every call logged.
    let out = proxy.output();
    assert!(!answers.contains(SECRET), "secret in an answer");
    for secret in [SECRET, TOKEN, "limited-token", "browser-secret", "leak"] {
        assert!(
            !out.contains(secret),
            "{secret:?} in the proxy's output:\n{out}"
        );
    }
    assert!(out.contains("forwarded"), "{out}");
    assert!(out.contains("get_job_instance_ip_log"), "{out}");
    assert!(out.contains("forward failed"), "{out}");
}

#[tokio::test]
async fn an_unknown_ca_is_a_tls_error() {
    let local = TestServer::start(&test_config("")).await;
    let backend = local
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    let term = Terminator::start(test_ca().server, 0, backend).await;
    let dir = tempfile::tempdir().unwrap();
    let other_ca = dir.path().join("other.pem");
    std::fs::write(&other_ca, test_ca().ca_pem).unwrap();
    let gw = format!("https://127.0.0.1:{}", term.addr.port());
    let extra = format!("ca_file = {:?}", other_ca.to_str().unwrap());
    let proxy = InProcessProxy::start(&gw, SECRET, &extra).await;
    let (s, v, _) = call(
        &Api::new(&proxy.url),
        "POST",
        "api/v3/fast_execute_script",
        &[("Cookie", "bk_token=admin-token")],
        &script_req("echo x"),
    )
    .await;
    assert_eq!((s, v["code"].as_i64()), (502, Some(1_659_503)), "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("certificate"),
        "{v}"
    );
}

#[tokio::test]
async fn what_reaches_the_gateway_and_what_comes_back() {
    let (stub, seen) = stub_gateway().await;
    let gw = format!("{stub}/api/bk-job/prod/");
    let proxy = InProcessProxy::start(
        &gw,
        "the-app-secret",
        "identity = \"header\"\nidentity_header = \"X-Forwarded-User\"",
    )
    .await;
    let api = Api::new(&proxy.url);
    let headers = [
        ("X-Forwarded-User", "alice"),
        ("Cookie", "bk_token=browser-token; other=1"),
        ("X-Bkapi-Authorization", r#"{"bk_app_code":"evil"}"#),
        ("Blueking-Language", "en"),
        ("X-Request-Id", "req-42"),
    ];
    let body = json!({"bk_scope_type":"biz","bk_scope_id":"2","bk_app_secret":"browser",
                      "bk_token":"browser-token","script_content":"ZWNobw=="});
    let (s, v, t) = call(&api, "POST", "api/v3/fast_execute_script/", &headers, &body).await;
    assert_eq!((s, v["data"]["stub"].as_bool()), (200, Some(true)), "{v}");
    assert!(
        t.contains("stub-request-id-1"),
        "request id passed back: {t}"
    );
    assert!(!t.to_ascii_lowercase().contains("set-cookie"), "{t}");
    let got = seen.lock().unwrap().pop().unwrap();
    assert_eq!(
        (got.method.as_str(), got.uri.as_str()),
        ("POST", "/api/bk-job/prod/api/v3/fast_execute_script")
    );
    let header = |n: &str| {
        got.headers
            .iter()
            .filter(|(k, _)| k == n)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    let auth: Vec<Value> = header("x-bkapi-authorization")
        .iter()
        .map(|a| serde_json::from_str(a).unwrap())
        .collect();
    assert_eq!(
        auth,
        vec![
            json!({"bk_app_code":"test-app","bk_app_secret":"the-app-secret","bk_username":"alice"})
        ]
    );
    assert!(header("cookie").is_empty() && header("authorization").is_empty());
    assert!(header("x-forwarded-user").is_empty() && header("origin").is_empty());
    assert_eq!(header("blueking-language"), vec!["en"]);
    assert_eq!(header("x-request-id"), vec!["req-42"]);
    let sent: Value = serde_json::from_str(&got.body).unwrap();
    assert_eq!(
        sent,
        json!({"bk_scope_type":"biz","bk_scope_id":"2","script_content":"ZWNobw=="})
    );

    // GET: the query string without credentials.
    let path = "api/v3/get_job_instance_status?bk_scope_type=biz&bk_app_secret=s&job_instance_id=1";
    let (s, _, _) = call(&api, "GET", path, &headers, &Value::Null).await;
    assert_eq!(s, 200);
    let got = seen.lock().unwrap().pop().unwrap();
    assert_eq!(
        (got.method.as_str(), got.uri.as_str()),
        (
            "GET",
            "/api/bk-job/prod/api/v3/get_job_instance_status?bk_scope_type=biz&job_instance_id=1"
        )
    );

    // The session names the header's user; without the header nobody is signed in.
    let (_, v, _) = call(&api, "GET", "api/fastexec/session", &headers, &Value::Null).await;
    assert_eq!(
        v["data"],
        json!({"mode":"proxy","username":"alice","signed_in":true,"login_url":null})
    );
    let (_, v, _) = call(&api, "GET", "api/fastexec/session", &[], &Value::Null).await;
    assert_eq!(v["data"]["signed_in"], false);
}

#[tokio::test]
async fn html_pages_and_slowness_become_own_codes() {
    let (stub, _) = stub_gateway().await;
    let ask = |url: String| async move {
        call(
            &Api::new(&url),
            "POST",
            "api/v3/fast_execute_script",
            &[("Blueking-Language", "en")],
            &json!({}),
        )
        .await
    };
    let html = InProcessProxy::start(&format!("{stub}/html"), "s", "").await;
    let (s, v, _) = ask(html.url.clone()).await;
    assert_eq!((s, v["code"].as_i64()), (502, Some(1_659_505)), "{v}");
    assert!(v["message"].as_str().unwrap().contains("text/html"), "{v}");

    let slow = InProcessProxy::start(&format!("{stub}/slow"), "s", "timeout_secs = 1").await;
    let started = Instant::now();
    let (s, v, _) = ask(slow.url.clone()).await;
    assert_eq!((s, v["code"].as_i64()), (504, Some(1_659_504)), "{v}");
    assert!(started.elapsed() < Duration::from_secs(4));
    // No BK-JOB (12xxxxx) code: the app reads a launch answered so as "fate unknown".
    assert!(!v["code"].to_string().starts_with("12"));
}

#[tokio::test]
async fn session_in_local_and_fixed_modes() {
    let local = TestServer::start(&test_config("")).await;
    let (_, v, _) = call(
        &local.api(),
        "GET",
        "api/fastexec/session",
        &[],
        &Value::Null,
    )
    .await;
    assert_eq!(v, json!({"result":true,"code":0,"data":{"mode":"local"}}));
    let fixed = InProcessProxy::start(
        "https://bkapi.example.com/api/bk-job/prod",
        "s",
        "identity = \"fixed\"\nusername = \"ops\"",
    )
    .await;
    let (_, v, _) = call(
        &Api::new(&fixed.url),
        "GET",
        "api/fastexec/session",
        &[],
        &Value::Null,
    )
    .await;
    assert_eq!(
        v["data"],
        json!({"mode":"proxy","username":"ops","signed_in":true,"login_url":null})
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_forwarding() {
    let (stub, seen) = stub_gateway().await;
    let proxy = InProcessProxy::start(&stub, "s", "\n[limits]\nmax_body_bytes = 1000").await;
    let big = json!({"script_content": "A".repeat(2000)});
    let (s, _, _) = call(
        &Api::new(&proxy.url),
        "POST",
        "api/v3/fast_execute_script",
        &[],
        &big,
    )
    .await;
    assert_eq!(s, 413);
    assert!(seen.lock().unwrap().is_empty());
    let small = json!({"script_content": "ZWNobw=="});
    let (s, _, _) = call(
        &Api::new(&proxy.url),
        "POST",
        "api/v3/fast_execute_script",
        &[],
        &small,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(seen.lock().unwrap().len(), 1);
}
