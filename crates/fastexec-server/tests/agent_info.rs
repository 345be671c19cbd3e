//! `query_agent_info` over real HTTP on both faces: normal, abnormal and unknown hosts, the
//! 5,000-host limit, the order of BK-JOB's checks, permission and ESB credentials.

mod common;

use common::*;
use serde_json::{json, Value};

const QAI: &str = "api/v3/query_agent_info";
const ESB_QAI: &str = "api/c/compapi/v2/jobv3/query_agent_info/";
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn req(hosts: Value) -> Value {
    json!({"bk_scope_type": "biz", "bk_scope_id": "2", "host_id_list": hosts})
}

/// (host, status, version) of each entry.
fn agents(v: &Value) -> Vec<(i64, i64, String)> {
    v["data"]["agent_info_list"]
        .as_array()
        .unwrap_or_else(|| panic!("no agent_info_list: {v}"))
        .iter()
        .map(|a| {
            (
                a["bk_host_id"].as_i64().unwrap(),
                a["status"].as_i64().unwrap(),
                a["version"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn assert_error(v: &Value, code: i64, message: &str) {
    assert_eq!(v["result"], false, "{v}");
    assert_eq!(v["code"], code, "{v}");
    assert_eq!(v["message"], message, "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn normal_abnormal_and_unknown_hosts() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    // 201 is in business 3 and 99999 does not exist: both unknown, so absent; 101 once.
    let v = api
        .post(QAI, &req(json!([101, 104, 102, 201, 99999, 101, 103])))
        .await;
    assert_eq!(v["result"], true, "{v}");
    assert!(v["job_request_id"].is_string(), "{v}");
    assert_eq!(
        agents(&v),
        vec![
            (101, 1, VERSION.to_string()),
            (104, 0, VERSION.to_string()),
            (102, 1, "2.1.6".to_string()),
            (103, 1, VERSION.to_string()),
        ]
    );
    let entry = v["data"]["agent_info_list"][0].as_object().unwrap();
    let mut keys: Vec<&str> = entry.keys().map(|k| k.as_str()).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["bk_host_id", "status", "version"]);
    // The other business by its legacy id; numbers as strings are read as Jackson reads them.
    let v = api
        .post(QAI, &json!({"bk_biz_id": 3, "host_id_list": ["201", 101]}))
        .await;
    assert_eq!(agents(&v), vec![(201, 1, VERSION.to_string())]);
    let v = api.post(QAI, &req(json!([]))).await;
    assert_eq!(v["data"], json!({"agent_info_list": []}));
    // Business access is all it takes.
    let (_, v) = api.post_as("limited", QAI, &req(json!([104]))).await;
    assert_eq!(agents(&v), vec![(104, 0, VERSION.to_string())]);
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_most_5000_hosts_and_checks_in_bk_order() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let ids = |n: i64| json!((1..=n).collect::<Vec<i64>>());
    // 5,000 is accepted (the four known hosts among them answer).
    let v = api.post(QAI, &req(ids(5000))).await;
    assert_eq!(agents(&v).len(), 4, "{v}");
    // 5,001 is bean validation: 1240003 with its own text.
    for (lang, msg) in [
        (None, "单次查询主机数量不可超过5000"),
        (Some("en"), "HostIds size can not be over 5000"),
    ] {
        let (s, v) = api.post_lang("admin", QAI, &req(ids(5001)), lang).await;
        assert_eq!(s, 200);
        assert_error(&v, 1240003, msg);
        assert!(v.get("data").is_none(), "{v}");
    }
    // Duplicates count: BK-JOB validates the list as sent.
    let v = api.post(QAI, &req(json!(vec![101; 5001]))).await;
    assert_eq!(v["code"], 1240003, "{v}");
    let v = api.post(QAI, &req(json!(vec![101; 5000]))).await;
    assert_eq!(agents(&v), vec![(101, 1, VERSION.to_string())]);

    // The interceptors come first: unknown scope, bad scope type, no business access.
    let mut over = req(ids(5001));
    over["bk_scope_id"] = json!("999");
    assert_eq!(api.post(QAI, &over).await["code"], 1243049);
    over["bk_scope_type"] = json!("nope");
    assert_eq!(api.post(QAI, &over).await["code"], 1241005);
    let (_, v) = api.post_as("outsider", QAI, &req(ids(5001))).await;
    assert_eq!(v["code"], 9900403, "{v}");
    assert_eq!(
        v["permission"]["actions"][0]["id"], "access_business",
        "{v}"
    );
    // Then the scope fields' own validation; then the size.
    let v = api.post(QAI, &json!({"host_id_list": [101]})).await;
    assert_error(&v, 1240003, "非法的资源范围类型");
    // Types Jackson refuses; a missing list is BK-JOB's NullPointerException.
    assert_error(
        &api.post(QAI, &req(json!("101"))).await,
        1240003,
        "错误的请求",
    );
    assert_error(
        &api.post(QAI, &req(json!([{"id": 1}]))).await,
        1240003,
        "错误的请求",
    );
    let v = api
        .post(QAI, &json!({"bk_scope_type": "biz", "bk_scope_id": "2"}))
        .await;
    assert_eq!(v["code"], 1240002, "{v}");
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_faces_authenticate() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    // Gateway: header only.
    let (s, _, text) = api
        .raw("POST", QAI, &[], req(json!([101])).to_string().into_bytes())
        .await;
    assert_eq!(
        (s, parse(&text)["code"].clone()),
        (400, json!(1640001)),
        "{text}"
    );
    // ESB: credentials in the body, with and without the slash.
    for path in [ESB_QAI, ESB_QAI.trim_end_matches('/')] {
        let mut body = req(json!([104, 101]));
        body["bk_app_code"] = json!(APP);
        body["bk_app_secret"] = json!(SECRET);
        body["bk_username"] = json!("admin");
        let (s, _, text) = api
            .raw("POST", path, &[], body.to_string().into_bytes())
            .await;
        let v = parse(&text);
        assert_eq!(s, 200, "{text}");
        assert_eq!(
            agents(&v),
            vec![(104, 0, VERSION.to_string()), (101, 1, VERSION.to_string())]
        );
        assert_eq!(v["request_id"].as_str().map(str::len), Some(32), "{v}");
        // The 5,000 limit and the permission answer on this face too.
        body["host_id_list"] = json!(vec![101; 5001]);
        let (_, _, text) = api
            .raw("POST", path, &[], body.to_string().into_bytes())
            .await;
        assert_eq!(parse(&text)["code"], 1240003, "{text}");
        body["bk_username"] = json!("outsider");
        let (_, _, text) = api
            .raw("POST", path, &[], body.to_string().into_bytes())
            .await;
        assert_eq!(parse(&text)["code"], 9900403, "{text}");
    }
    // ESB without credentials: ESB's own refusal.
    let (s, _, text) = api
        .raw(
            "POST",
            ESB_QAI,
            &[],
            req(json!([101])).to_string().into_bytes(),
        )
        .await;
    assert_eq!(
        (s, parse(&text)["code"].clone()),
        (200, json!(1306000)),
        "{text}"
    );
    srv.stop().await;
}
