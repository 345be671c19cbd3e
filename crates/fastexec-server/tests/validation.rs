//! Validation order (contract §9), authentication and error envelopes, over real HTTP.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

async fn expect(api: &Api, body: Value, code: i64, message: &str) -> Value {
    let v = api.execute(&body).await;
    assert_eq!(v["result"], false, "{v}");
    assert_eq!(v["code"], code, "{v}");
    assert_eq!(v["message"], message, "{v}");
    let rid = v["job_request_id"].as_str().expect("job_request_id");
    assert!(
        rid.len() >= 16 && rid.chars().all(|c| c.is_ascii_hexdigit()),
        "{rid}"
    );
    assert!(v.get("data").is_none(), "{v}");
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fast_execute_script_checks_in_bk_job_order() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();

    // 1. scope interceptor: unknown non-blank scope type → 1241005 (before anything else,
    //    even with no script and a bad timeout).
    let mut r = json!({"bk_scope_type": "team", "bk_scope_id": "2", "timeout": 0});
    expect(&api, r.clone(), 1241005, "请求参数[bk_scope_type]不合法").await;
    // 2. unknown scope → 1243049
    r["bk_scope_type"] = json!("biz");
    r["bk_scope_id"] = json!("999");
    expect(&api, r.clone(), 1243049, "业务/业务集不存在或已被归档").await;

    // 4. field validation: first violation's message, code 1240003 (before 1241004).
    r["bk_scope_id"] = json!("2");
    expect(&api, r.clone(), 1240003, "作业超时时间必须大于等于1").await;
    let (_, v) = api.post_lang("admin", FES, &r, Some("en")).await;
    assert_eq!(v["message"], "Job timeout must be greater or equal than 1");
    r["timeout"] = json!(259201);
    expect(&api, r.clone(), 1240003, "作业超时时间必须在1-259200之间").await;
    r["timeout"] = json!(259200);
    // 5. no script at all → 1241004
    expect(
        &api,
        r.clone(),
        1241004,
        "请求参数[script_version_id|script_id|script_content]缺失",
    )
    .await;
    // 6. script_version_id < 1 → 1241005
    let mut v0 = r.clone();
    v0["script_version_id"] = json!(0);
    expect(&api, v0, 1241005, "请求参数[script_version_id]不合法").await;
    // 7. content without a valid language → 1241005
    r["script_content"] = json!(b64("echo hi"));
    r["script_language"] = json!(9);
    expect(&api, r.clone(), 1241005, "请求参数[script_language]不合法").await;
    r["script_language"] = json!(1);
    // 8. no target_server → 1241004
    expect(&api, r.clone(), 1241004, "请求参数[target_server]缺失").await;
    // 9. empty target → 1244001
    r["target_server"] = json!({"host_id_list": [], "ip_list": []});
    expect(&api, r.clone(), 1244001, "主机为空").await;
    r["target_server"] = json!({"host_id_list": [99999]});
    // 10. no account → 1241004 (before any host lookup)
    expect(
        &api,
        r.clone(),
        1241004,
        "请求参数[account_id|account_alias]缺失",
    )
    .await;
    r["account_id"] = json!(9999);
    // 11. referenced script: unknown id → 1243001, other biz's version → 1243001,
    //     disabled version → 1244018 (before the account check)
    let mut s = r.clone();
    s["script_id"] = json!("nope");
    expect(&api, s.clone(), 1243001, "脚本不存在").await;
    s["script_version_id"] = json!(21);
    expect(&api, s.clone(), 1243001, "脚本不存在").await;
    s["script_version_id"] = json!(12);
    expect(&api, s.clone(), 1244018, "脚本状态[已禁用]，不支持执行").await;
    let (_, v) = api.post_lang("admin", FES, &s, Some("en")).await;
    assert_eq!(v["message"], "Script status [Disabled], cannot be executed");
    // 12. account → 1244003 (id, then alias)
    expect(&api, r.clone(), 1244003, "账号[ID=9999]不存在").await;
    let mut a = r.clone();
    a.as_object_mut().unwrap().remove("account_id");
    a["account_alias"] = json!("nobody");
    expect(&api, a, 1244003, "账号[nobody]不存在").await;
    // The other business's account does not count.
    r["account_id"] = json!(3000);
    expect(&api, r.clone(), 1244003, "账号[ID=3000]不存在").await;
    r["account_id"] = json!(1000);
    // 13. hosts: unknown → 1244030; exists but in another business → 1244002
    expect(
        &api,
        r.clone(),
        1244030,
        "作业引用的执行对象不存在。不存在的执行对象个数:1,执行对象列表[(host_id:99999)]",
    )
    .await;
    r["target_server"] = json!({"ip_list": [{"bk_cloud_id": 0, "ip": "10.9.9.9"}]});
    expect(
        &api,
        r.clone(),
        1244030,
        "作业引用的执行对象不存在。不存在的执行对象个数:1,执行对象列表[(ip:10.9.9.9)]",
    )
    .await;
    r["target_server"] = json!({"host_id_list": [101, 201]});
    let v = api.execute(&r).await;
    assert_eq!(v["code"], 1244002, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("0:127.0.1.2"),
        "{v}"
    );
    // 14. only dynamic groups / topo nodes that select no host (unknown here) → resolved
    //     empty 1244028 (tests/topology.rs covers the known ones)
    let mut t = r.clone();
    t["task_name"] = json!("my task");
    t["target_server"] = json!({"dynamic_group_list": [{"id": "g1"}]});
    expect(
        &api,
        t.clone(),
        1244028,
        "步骤 [my task] 的目标执行对象为空",
    )
    .await;
    t["target_server"] = json!({"topo_node_list": [{"id": 424242, "node_type": "module"}]});
    expect(&api, t, 1244028, "步骤 [my task] 的目标执行对象为空").await;
    // ip_list with a bad IP is a bean-validation failure (1240003 "IP 非法").
    let mut ipbad = r.clone();
    ipbad["target_server"] = json!({"ip_list": [{"bk_cloud_id": 0, "ip": ""}]});
    expect(&api, ipbad, 1240003, "IP 非法").await;
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_business_denied_with_permission_object() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let (s, v) = api.post_as("outsider", FES, &script_req("echo hi")).await;
    assert_eq!(s, 200);
    assert_eq!(v["code"], 9900403, "{v}");
    assert_eq!(
        v["message"],
        "用户(outsider)权限不足，请前往权限中心确认并申请补充后重试"
    );
    assert_eq!(
        v["permission"],
        json!({
            "system_id": "bk_job", "system_name": "作业平台",
            "actions": [{
                "id": "access_business", "name": "业务访问",
                "related_resource_types": [{
                    "system_id": "bk_cmdb", "system_name": "配置平台",
                    "type": "biz", "type_name": "业务",
                    "instances": [[{"id": "2", "type": "biz", "type_name": "业务", "name": "test-biz"}]]
                }]
            }]
        })
    );
    // access_business comes before field validation.
    let mut bad = script_req("echo");
    bad["timeout"] = json!(0);
    let (_, v) = api.post_as("outsider", FES, &bad).await;
    assert_eq!(v["code"], 9900403);
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_execute_script_denied_with_exact_permission_object() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let mut r = script_req("echo hi");
    r["target_server"] = json!({"host_id_list": [101, 102]});
    let (_, v) = api.post_lang("limited", FES, &r, Some("en")).await;
    assert_eq!(v["code"], 9900403, "{v}");
    assert_eq!(
        v["message"],
        "User (limited) permission not allowed, please confirm and apply permission in IAM and try again"
    );
    let biz = json!({"id": "2", "type": "biz", "type_name": "Business", "name": "test-biz"});
    assert_eq!(
        v["permission"],
        json!({
            "system_id": "bk_job", "system_name": "Job",
            "actions": [
                {
                    "id": "quick_execute_script", "name": "Script Execution (Quick Launch)",
                    "related_resource_types": [{
                        "system_id": "bk_cmdb", "system_name": "Cmdb",
                        "type": "host", "type_name": "Hosts",
                        "instances": [
                            [biz, {"id": "101", "type": "host", "type_name": "Hosts", "name": "127.0.0.2"}],
                            [biz, {"id": "102", "type": "host", "type_name": "Hosts", "name": "127.0.0.3"}]
                        ]
                    }]
                },
                {
                    "id": "use_account", "name": "Use Account",
                    "related_resource_types": [{
                        "system_id": "bk_job", "system_name": "Job",
                        "type": "account", "type_name": "Accounts",
                        "instances": [[biz, {"id": "1000", "type": "account", "type_name": "Accounts", "name": "root"}]]
                    }]
                }
            ]
        })
    );
    // A library script needs execute_script on the script instead.
    let mut lib = r.clone();
    lib.as_object_mut().unwrap().remove("script_content");
    lib["script_id"] = json!("s-online");
    let (_, v) = api.post_as("limited", FES, &lib).await;
    assert_eq!(v["code"], 9900403);
    assert_eq!(v["permission"]["actions"][0]["id"], "execute_script");
    assert_eq!(
        v["permission"]["actions"][0]["related_resource_types"][0]["instances"][0][1],
        json!({"id": "s-online", "type": "script", "type_name": "脚本", "name": "online script"})
    );
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_failures_answer_like_the_api_gateway() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let body = script_req("echo hi").to_string().into_bytes();
    // The gateway rejects before BK-JOB sees the request: HTTP 400, 1640001 INVALID_ARGS and
    // its own reason text (API gateway error reference, "status: 400").
    let no_user = "user authentication failed, please provide a valid user identity, such as bk_username, bk_token, access_token";
    let cases: Vec<(Option<String>, &str)> = vec![
        (None, "app code cannot be empty"),
        (Some("not json".into()), "app code cannot be empty"),
        (
            Some(json!({"bk_app_code": APP, "bk_app_secret": "wrong", "bk_username": "admin"}).to_string()),
            "bk_app_code or bk_app_secret is incorrect",
        ),
        (
            Some(json!({"bk_app_code": "ghost", "bk_app_secret": SECRET, "bk_username": "admin"}).to_string()),
            "app not found",
        ),
        (
            Some(json!({"bk_app_secret": SECRET, "bk_username": "admin"}).to_string()),
            "app code cannot be empty",
        ),
        (
            Some(json!({"bk_app_code": APP, "bk_username": "admin"}).to_string()),
            "please provide bk_app_secret or bk_signature to verify app",
        ),
        (Some(json!({"bk_app_code": APP, "bk_app_secret": SECRET}).to_string()), no_user),
        (
            Some(json!({"bk_app_code": APP, "bk_app_secret": SECRET, "bk_token": "bad-token"}).to_string()),
            no_user,
        ),
        (
            Some(json!({"bk_app_code": APP, "bk_app_secret": SECRET, "bk_username": "nobody"}).to_string()),
            no_user,
        ),
        // bk_username only for login-exempt apps
        (
            Some(json!({"bk_app_code": "strict-app", "bk_app_secret": "strict-secret", "bk_username": "admin"}).to_string()),
            "user authentication failed, the user indicated by bk_username is not verified",
        ),
    ];
    for (header, reason) in cases {
        let mut h = vec![("Content-Type", "application/json")];
        if let Some(x) = &header {
            h.push(("X-Bkapi-Authorization", x.as_str()));
        }
        let (s, ct, text) = api.raw("POST", FES, &h, body.clone()).await;
        assert_eq!(s, 400, "{header:?}: {text}");
        assert!(ct.starts_with("application/json"), "{ct}");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["result"], false);
        assert_eq!(v["code"], 1640001, "{header:?}: {v}");
        assert_eq!(v["code_name"], "INVALID_ARGS", "{v}");
        assert_eq!(v["data"], Value::Null, "{v}");
        assert_eq!(
            v["message"],
            format!("Parameters error [reason=\"{reason}\"]"),
            "{header:?}"
        );
        assert!(!text.contains(SECRET), "secret echoed: {text}");
    }

    // Credentials in the body are not accepted on the gateway route.
    let mut with_creds = script_req("echo hi");
    with_creds["bk_app_code"] = json!(APP);
    with_creds["bk_app_secret"] = json!(SECRET);
    with_creds["bk_username"] = json!("admin");
    let (s, _, _) = api
        .raw("POST", FES, &[], with_creds.to_string().into_bytes())
        .await;
    assert_eq!(s, 400);
    // A bk_token in the header works.
    let tok =
        json!({"bk_app_code": APP, "bk_app_secret": SECRET, "bk_token": "admin-token"}).to_string();
    let (s, _, text) = api
        .raw(
            "POST",
            FES,
            &[("X-Bkapi-Authorization", &tok)],
            body.clone(),
        )
        .await;
    assert_eq!(s, 200, "{text}");
    assert!(text.contains("\"code\":0"), "{text}");
    // Health needs no auth.
    let (s, _, text) = api.raw("GET", "api/healthz", &[], vec![]).await;
    assert_eq!((s, text.as_str()), (200, r#"{"ok":true}"#));
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_oversized_bodies_get_bk_envelopes() {
    let srv = TestServer::start(&test_config("max_body_bytes = 1048576")).await;
    let api = srv.api();
    let auth = auth_user("admin");
    let h = [("X-Bkapi-Authorization", auth.as_str())];
    for bad in [
        "{not json".to_string(),
        r#"{"timeout":"abc"}"#.to_string(),
        r#"{"target_server":[1,2]}"#.to_string(),
        "".to_string(),
        "[]".to_string(),
    ] {
        let (s, _, text) = api.raw("POST", FES, &h, bad.clone().into_bytes()).await;
        assert_eq!(s, 200, "{bad}: {text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["code"], 1240003, "{bad}: {v}");
        assert_eq!(v["message"], "错误的请求");
    }
    let (_, _, text) = api
        .raw(
            "POST",
            FES,
            &[h[0], ("Blueking-Language", "en")],
            b"{".to_vec(),
        )
        .await;
    assert!(text.contains("\"Bad Request\""), "{text}");
    // Jackson coerces scalars by default, so BK-JOB takes a numeric scope id and a numeric
    // string timeout: the request gets past parsing to the next check (no script → 1241004).
    let (s, _, text) = api
        .raw(
            "POST",
            FES,
            &h,
            br#"{"bk_scope_type":"biz","bk_scope_id":2,"timeout":"100"}"#.to_vec(),
        )
        .await;
    assert_eq!(s, 200, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["code"], 1241004, "{v}");
    // Oversized: the gateway's JSON answer with 413, and the server goes on serving.
    let big = format!(r#"{{"script_content":"{}"}}"#, "A".repeat(2 * 1024 * 1024));
    let (s, ct, text) = api.raw("POST", FES, &h, big.into_bytes()).await;
    assert_eq!(s, 413, "{text}");
    assert!(ct.starts_with("application/json"));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["code"], 1641301, "{v}");
    assert_eq!(v["code_name"], "BODY_SIZE_LIMIT_EXCEED", "{v}");
    // Unknown API path → JSON 404; GET of a POST-only API → 405.
    let (s, _, _) = api.raw("GET", "api/v3/nope", &h, vec![]).await;
    assert_eq!(s, 404);
    srv.stop().await;
}

/// Big config: 50,001 hosts in business 2 (ids 100000..=150000), agents offline (so a
/// 50,000-host job exercises storage, not 50,000 processes).
fn big_config() -> String {
    let mut c = test_config("");
    c.push('\n');
    for i in 0..50_001u32 {
        let id = 100_000 + i;
        c.push_str(&format!(
            "[[hosts]]\nid = {id}\nip = \"127.{}.{}.{}\"\nbiz_id = 2\nagent_online = false\n",
            10 + i / 62_500,
            (i / 250) % 250,
            i % 250 + 1
        ));
    }
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_thousand_targets() {
    let srv = TestServer::start(&big_config()).await;
    let api = srv.api();
    // 50,000 unknown host ids: answered quickly with 1244030 (host existence comes before the
    // count check in §9's order, so 50,001 unknown ids are also 1244030).
    for n in [50_000i64, 50_001] {
        let mut r = script_req("echo hi");
        r["target_server"] =
            json!({"host_id_list": (1_000_000..1_000_000 + n).collect::<Vec<_>>()});
        let t = Instant::now();
        let v = api.execute(&r).await;
        assert_eq!(v["code"], 1244030, "{}", &v.to_string()[..200]);
        let msg = v["message"].as_str().unwrap();
        assert!(msg.starts_with(&format!(
            "作业引用的执行对象不存在。不存在的执行对象个数:{n},"
        )));
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    }
    // 50,001 existing hosts: 1244022.
    let mut r = script_req("echo hi");
    r["target_server"] = json!({"host_id_list": (100_000..=150_000).collect::<Vec<i64>>()});
    let v = api.execute(&r).await;
    assert_eq!(v["code"], 1244022, "{v}");
    assert_eq!(v["message"], "脚本任务目标服务器数量超过限制：50000");
    // ...and it comes before the permission check.
    let (_, v) = api.post_as("limited", FES, &r).await;
    assert_eq!(v["code"], 1244022);
    // A 50,000-host job is accepted, stored in batches, and reported in full.
    r["target_server"] = json!({"host_id_list": (100_000..150_000).collect::<Vec<i64>>()});
    let t = Instant::now();
    let (job, _) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    assert_eq!(d["job_instance"]["status"], 4);
    let hosts = d["step_instance_list"][0]["step_ip_result_list"]
        .as_array()
        .unwrap();
    assert_eq!(hosts.len(), 50_000);
    assert!(hosts.iter().all(|h| h["status"] == 1));
    assert!(t.elapsed() < Duration::from_secs(8), "{:?}", t.elapsed());
    srv.stop().await;
}
