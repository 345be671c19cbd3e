//! Issue 11's defenses against other web pages, over real HTTP on loopback: Origin, Host and
//! Content-Type checks, configured exceptions, and the security headers on every answer.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_issue_curl_from_another_page_runs_nothing() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let marker = srv.data.path().join("ran");
    let script = format!("touch {}", marker.display());
    // Exactly the issue's request: text/plain (no CORS preflight) with a foreign Origin.
    let (s, ct, text) = api
        .raw(
            "POST",
            ESB,
            &[
                ("Content-Type", "text/plain"),
                ("Origin", "http://evil.example"),
            ],
            esb_body(&script),
        )
        .await;
    assert_eq!(s, 403, "{text}");
    assert!(ct.starts_with("application/json"), "{ct}");
    let v = parse(&text);
    assert_eq!(v["result"], false);
    assert_eq!(v["code"], 1640301, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("evil.example"),
        "{v}"
    );
    // The same with a JSON type but the foreign Origin: refused too.
    let (s, _, _) = api
        .raw(
            "POST",
            ESB,
            &[
                ("Content-Type", "application/json"),
                ("Origin", "http://evil.example"),
            ],
            esb_body(&script),
        )
        .await;
    assert_eq!(s, 403);
    // No Origin but a "simple" content type (curl, or an old browser): the gateway's 400.
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let (s, _, text) = api
            .raw("POST", ESB, &[("Content-Type", ct)], esb_body(&script))
            .await;
        assert_eq!(s, 400, "{ct}: {text}");
        let v = parse(&text);
        assert_eq!(v["code"], 1640001, "{v}");
        assert_eq!(v["code_name"], "INVALID_ARGS", "{v}");
    }
    // DNS rebinding: the page's own name as Host.
    let (s, _, text) = api
        .raw(
            "POST",
            ESB,
            &[
                ("Host", "evil.example"),
                ("Content-Type", "application/json"),
            ],
            esb_body(&script),
        )
        .await;
    assert_eq!(s, 403, "{text}");
    assert!(parse(&text)["message"]
        .as_str()
        .unwrap()
        .contains("host \"evil.example\""));
    // A cross-site GET (an <img> or a link) carries no Origin; the browser marks it.
    let (s, _, _) = api
        .raw(
            "GET",
            "api/v3/get_job_instance_status?bk_scope_type=biz&bk_scope_id=2&job_instance_id=1",
            &[("Sec-Fetch-Site", "cross-site")],
            vec![],
        )
        .await;
    assert_eq!(s, 403);
    // Nothing ran and no job exists.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!marker.exists(), "a refused request ran its script");
    let v = api
        .post(
            "api/v3/get_job_instance_status",
            &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":1}),
        )
        .await;
    assert_eq!(v["code"], 1244006, "a job was created: {v}");

    // The app's own origin (same-origin fetch) works, on both routes.
    let own = api.url.trim_end_matches('/').to_string();
    let (s, _, text) = api
        .raw(
            "POST",
            ESB,
            &[
                ("Content-Type", "application/json; charset=utf-8"),
                ("Origin", own.as_str()),
                ("Sec-Fetch-Site", "same-origin"),
            ],
            esb_body(&script),
        )
        .await;
    assert_eq!(s, 200, "{text}");
    let v = parse(&text);
    assert_eq!(v["code"], 0, "{v}");
    let job = v["data"]["job_instance_id"].as_i64().unwrap();
    api.wait_finished(job).await;
    assert!(marker.exists(), "the same-origin launch did not run");
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configured_origins_and_hosts_are_let_through() {
    let cfg = test_config("").replace(
        "[security]\n",
        "[security]\nallowed_origins = [\"http://127.0.0.1:8080\"]\nallowed_hosts = [\"fastexec.test\"]\n",
    );
    let srv = TestServer::start(&cfg).await;
    let api = srv.api();
    let auth = auth_user("admin");
    let body = script_req("echo hi").to_string().into_bytes();
    for headers in [
        vec![("Origin", "http://127.0.0.1:8080")],
        vec![
            ("Host", "fastexec.test:9999"),
            ("Origin", "http://fastexec.test:9999"),
        ],
        vec![("Host", "localhost")],
    ] {
        let mut h = headers.clone();
        h.push(("X-Bkapi-Authorization", auth.as_str()));
        let (s, _, text) = api.raw("POST", FES, &h, body.clone()).await;
        assert_eq!(s, 200, "{headers:?}: {text}");
        assert_eq!(parse(&text)["code"], 0, "{headers:?}: {text}");
    }
    let (s, _, _) = api
        .raw(
            "POST",
            FES,
            &[
                ("Origin", "http://127.0.0.1:8081"),
                ("X-Bkapi-Authorization", auth.as_str()),
            ],
            body,
        )
        .await;
    assert_eq!(s, 403);
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_the_security_headers() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><script type=\"module\">import init from '/app.js';init();</script>",
    )
    .unwrap();
    let srv = TestServer::start_full(
        &test_config(""),
        tempfile::TempDir::new().unwrap(),
        Some(dist.path().to_path_buf()),
    )
    .await;
    let api = srv.api();
    for (method, path, headers) in [
        ("GET", "", vec![]),
        ("GET", "jobs/biz/2/1", vec![]),
        ("GET", "api/healthz", vec![]),
        ("GET", "api/v3/nope", vec![]),
        ("POST", FES, vec![]),
        ("POST", FES, vec![("Origin", "http://evil.example")]),
    ] {
        let (status, h) = api.head_of(method, path, &headers).await;
        let csp = h
            .get("content-security-policy")
            .cloned()
            .unwrap_or_default();
        assert!(
            csp.contains("frame-ancestors 'none'"),
            "{path} {status}: {csp}"
        );
        assert!(csp.contains("connect-src 'self'"), "{path}: {csp}");
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
            "{path}: the inline bootstrap is allowed by its hash: {csp}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
    }
    srv.stop().await;
}
