//! `get_job_instance_list` over real HTTP (contract bk-job-api-more.md §4): the required
//! window of at most 30 days and its codes, each filter, paging with `start`/`length` and its
//! defaults, field names, permissions (business access only), the ESB route with body
//! credentials, and a seeded history of thousands of jobs (the database's seeder).

mod common;

use common::*;
use serde_json::{json, Value};

const LIST: &str = "api/v3/get_job_instance_list";
const DAY: i64 = 24 * 3600 * 1000;

fn now() -> i64 {
    fastexec_server::db::now_ms()
}

/// GET as `user`: the query string after the scope.
async fn get_as(api: &Api, user: &str, query: &str) -> Value {
    let auth = auth_user(user);
    let path = format!("{LIST}?bk_scope_type=biz&bk_scope_id=2&{query}");
    let (s, _, text) = api
        .raw(
            "GET",
            &path,
            &[("X-Bkapi-Authorization", &auth)],
            Vec::new(),
        )
        .await;
    assert_eq!(s, 200, "{text}");
    parse(&text)
}

/// The window around now, as a query string.
fn window() -> String {
    format!(
        "create_time_start={}&create_time_end={}",
        now() - DAY,
        now() + DAY
    )
}

fn ids(v: &Value) -> Vec<i64> {
    v["data"]["data"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|j| j["job_instance_id"].as_i64().unwrap())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn filters_paging_and_fields() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    // Three jobs: "Alpha_one" on 101 (admin), "beta%two" on 102 (admin), "gamma" on 101+103
    // (as viewer, who may not launch: so admin launches, the name tells them apart).
    let mut jobs = Vec::new();
    for (name, hosts) in [
        ("Alpha_one", vec![101]),
        ("beta%two", vec![102]),
        ("gamma", vec![101, 103]),
    ] {
        let mut r = script_req("echo hi");
        r["task_name"] = json!(name);
        r["target_server"] = json!({"host_id_list": hosts});
        let (id, _) = api.launch(&r).await;
        api.wait_finished(id).await;
        jobs.push(id);
    }
    let (a, b, g) = (jobs[0], jobs[1], jobs[2]);

    let v = get_as(&api, "admin", &window()).await;
    assert_eq!(v["code"], 0, "{v}");
    let d = &v["data"];
    assert_eq!(
        (
            d["start"].as_i64(),
            d["length"].as_i64(),
            d["total"].as_i64()
        ),
        (Some(0), Some(20), Some(3))
    );
    assert_eq!(ids(&v), vec![g, b, a], "newest first");
    let row = &d["data"][2];
    for key in [
        "bk_scope_type",
        "bk_scope_id",
        "bk_biz_id",
        "job_instance_id",
        "job_template_id",
        "job_plan_id",
        "name",
        "operator",
        "create_time",
        "start_time",
        "end_time",
        "total_time",
        "launch_mode",
        "status",
        "type",
    ] {
        assert!(row.get(key).is_some(), "{key} missing: {row}");
    }
    assert_eq!(row["bk_scope_type"], "biz");
    assert_eq!(row["bk_scope_id"], "2");
    assert_eq!(row["bk_biz_id"], Value::Null);
    assert_eq!(row["job_template_id"], Value::Null);
    assert_eq!(
        (row["name"].as_str(), row["operator"].as_str()),
        (Some("Alpha_one"), Some("admin"))
    );
    assert_eq!(
        (
            row["status"].as_i64(),
            row["type"].as_i64(),
            row["launch_mode"].as_i64()
        ),
        (Some(3), Some(1), Some(2))
    );
    assert!(row["total_time"].as_i64().unwrap() >= 0);
    assert!(row.get("id").is_none() && row.get("task_status").is_none());

    // Filters: name LIKE (case-insensitive, `_` and `%` are wildcards), ip, status, type,
    // launch_mode, operator.
    let q = |extra: &str| format!("{}&{extra}", window());
    assert_eq!(ids(&get_as(&api, "admin", &q("name=ALPHA")).await), vec![a]);
    assert_eq!(ids(&get_as(&api, "admin", &q("name=a_o")).await), vec![a]);
    assert_eq!(
        ids(&get_as(&api, "admin", &q("name=a%25o")).await),
        vec![b, a]
    );
    assert_eq!(
        ids(&get_as(&api, "admin", &q("ip=127.0.0.2")).await),
        vec![g, a]
    );
    assert_eq!(
        ids(&get_as(&api, "admin", &q("ip=127.0.0.4")).await),
        vec![g]
    );
    assert_eq!(
        ids(&get_as(&api, "admin", &q("ip=127.0.0")).await),
        Vec::<i64>::new()
    );
    assert_eq!(
        ids(&get_as(&api, "admin", &q("status=3&type=1&launch_mode=2")).await).len(),
        3
    );
    assert_eq!(
        ids(&get_as(&api, "admin", &q("operator=admin")).await).len(),
        3
    );
    let none = get_as(&api, "admin", &q("launch_mode=1")).await;
    assert_eq!(
        (none["code"].as_i64(), none["data"]["total"].as_i64()),
        (Some(0), Some(0))
    );
    assert_eq!(
        none["data"]["data"],
        Value::Null,
        "an empty page's list is null"
    );
    for f in [
        "status=4",
        "type=0",
        "operator=bob",
        "job_cron_id=5",
        "name=zzz",
    ] {
        assert_eq!(
            get_as(&api, "admin", &q(f)).await["data"]["total"],
            0,
            "{f}"
        );
    }
    // job_instance_id wins over every other filter, and over the window.
    let old =
        format!("create_time_start=1000&create_time_end=2000&job_instance_id={b}&operator=bob");
    assert_eq!(ids(&get_as(&api, "admin", &old).await), vec![b]);

    // Paging.
    let p = get_as(&api, "admin", &q("start=1&length=1")).await;
    assert_eq!(
        (
            p["data"]["start"].as_i64(),
            p["data"]["length"].as_i64(),
            p["data"]["total"].as_i64()
        ),
        (Some(1), Some(1), Some(3))
    );
    assert_eq!(ids(&p), vec![b]);
    let p = get_as(&api, "admin", &q("start=-4&length=2")).await;
    assert_eq!(
        (p["data"]["start"].as_i64(), ids(&p)),
        (Some(0), vec![g, b])
    );
    assert_eq!(
        get_as(&api, "admin", &q("start=3")).await["data"]["data"],
        Value::Null
    );
    // POST: length absent 20, explicit null 10 (BK-JOB's getter), 0 and 1001 refused.
    let body = |extra: Value| {
        let mut b = json!({"bk_scope_type": "biz", "bk_scope_id": "2",
                           "create_time_start": now() - DAY, "create_time_end": now() + DAY});
        b.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        b
    };
    let v = api.post(LIST, &body(json!({}))).await;
    assert_eq!(v["data"]["length"], 20);
    let v = api.post(LIST, &body(json!({"length": null}))).await;
    assert_eq!(v["data"]["length"], 10);
    for bad in [0, 1001] {
        let (_, v) = api
            .post_lang("admin", LIST, &body(json!({"length": bad})), Some("en"))
            .await;
        assert_eq!(v["code"], 1240003, "{v}");
        assert_eq!(
            v["message"],
            "The param 'length' must be in range: [1,1000]"
        );
    }
    let (_, v) = api
        .post_as("admin", LIST, &body(json!({"length": 0})))
        .await;
    assert_eq!(v["message"], "单次返回最大记录数量length必须在 1-1000 之间");

    // Business access is all it takes: limited and viewer see admin's jobs.
    assert_eq!(get_as(&api, "limited", &window()).await["data"]["total"], 3);
    let v = get_as(&api, "outsider", &window()).await;
    assert_eq!(v["code"], 9900403, "{v}");
    assert_eq!(v["permission"]["actions"][0]["id"], "access_business");
}

#[tokio::test]
async fn the_window_is_required_and_at_most_thirty_days() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let t = now();
    let expect = |v: &Value, code: i64, msg: &str| {
        let want = (Some(code), (code != 0).then_some(msg));
        assert_eq!((v["code"].as_i64(), v["message"].as_str()), want, "{v}");
    };
    // GET: a missing required parameter is Spring's 1240003.
    let v = get_as(&api, "admin", &format!("create_time_end={t}")).await;
    expect(&v, 1240003, "错误的请求");
    let v = get_as(&api, "admin", &format!("create_time_start={t}")).await;
    expect(&v, 1240003, "错误的请求");
    // Exactly 30 days passes; one ms more is 1241002.
    let v = get_as(
        &api,
        "admin",
        &format!("create_time_start={}&create_time_end={t}", t - 30 * DAY),
    )
    .await;
    expect(&v, 0, "");
    let v = get_as(
        &api,
        "admin",
        &format!("create_time_start={}&create_time_end={t}", t - 30 * DAY - 1),
    )
    .await;
    expect(&v, 1241002, "请求参数不合法");
    // POST: null or < 1 is 1241007 naming the field; an empty or reversed window names both.
    let post = |body: Value| {
        let api = &api;
        async move { api.post(LIST, &body).await }
    };
    let scope = |extra: Value| {
        let mut b = json!({"bk_scope_type": "biz", "bk_scope_id": "2"});
        b.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        b
    };
    expect(
        &post(scope(json!({"create_time_end": t}))).await,
        1241007,
        "请求参数[create_time_start]缺失或不合法",
    );
    expect(
        &post(scope(json!({"create_time_start": 0, "create_time_end": t}))).await,
        1241007,
        "请求参数[create_time_start]缺失或不合法",
    );
    expect(
        &post(scope(json!({"create_time_start": t}))).await,
        1241007,
        "请求参数[create_time_end]缺失或不合法",
    );
    expect(
        &post(scope(json!({"create_time_start": t, "create_time_end": t}))).await,
        1241007,
        "请求参数[create_time_start|create_time_end]缺失或不合法",
    );
    // type after the window; bad launch_mode / status fail in the query (1240002).
    let ok = json!({"create_time_start": t - DAY, "create_time_end": t});
    let with = |k: &str, v: i64| {
        let mut b = scope(ok.clone());
        b[k] = json!(v);
        b
    };
    expect(&post(with("type", 3)).await, 1241002, "请求参数不合法");
    expect(
        &post(with("launch_mode", 4)).await,
        1240002,
        "内部服务器异常",
    );
    expect(&post(with("status", 12)).await, 1240002, "内部服务器异常");
    let mut wide_and_bad_type = with("type", 3);
    wide_and_bad_type["create_time_start"] = json!(t - 40 * DAY);
    expect(&post(wide_and_bad_type).await, 1241002, "请求参数不合法");
    // The scope comes first: an unknown business is 1243049 whatever the window.
    let (_, v) = api
        .post_as(
            "admin",
            LIST,
            &json!({"bk_scope_type": "biz", "bk_scope_id": "99"}),
        )
        .await;
    assert_eq!(v["code"], 1243049, "{v}");
}

#[tokio::test]
async fn esb_route_with_body_credentials() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let (id, _) = api.launch(&script_req("echo esb")).await;
    api.wait_finished(id).await;
    let body = json!({"bk_app_code": APP, "bk_app_secret": SECRET, "bk_username": "admin",
                      "bk_scope_type": "biz", "bk_scope_id": "2",
                      "create_time_start": now() - DAY, "create_time_end": now() + DAY});
    let (s, _, text) = api
        .raw(
            "POST",
            "api/c/compapi/v2/jobv3/get_job_instance_list/",
            &[],
            body.to_string().into_bytes(),
        )
        .await;
    let v = parse(&text);
    assert_eq!((s, v["code"].as_i64()), (200, Some(0)), "{v}");
    assert_eq!(ids(&v), vec![id]);
    assert_eq!(v["request_id"].as_str().map(str::len), Some(32));
    // ESB's GET: the query's strings, read with Jackson's rules.
    let path = format!(
        "api/c/compapi/v2/jobv3/get_job_instance_list?bk_app_code={APP}&bk_app_secret={SECRET}\
         &bk_username=admin&bk_scope_type=biz&bk_scope_id=2&create_time_start={}&create_time_end={}&length=5",
        now() - DAY, now() + DAY
    );
    let (_, _, text) = api.raw("GET", &path, &[], Vec::new()).await;
    let v = parse(&text);
    assert_eq!(
        (v["code"].as_i64(), v["data"]["length"].as_i64()),
        (Some(0), Some(5)),
        "{v}"
    );
}

/// A seeded history (the benchmark's seeder, 3,000 jobs one minute apart): the window cuts
/// it, pages walk it newest first without gaps, and the filters count right. No timing here:
/// `cargo run -p fastexec-server --example history_bench` measures it.
#[tokio::test]
async fn a_seeded_history_pages_through() {
    let data = tempfile::TempDir::new().unwrap();
    let t = now();
    fastexec_server::db::seed_history(&data.path().join("data"), 3000, t, 60_000).unwrap();
    let srv = TestServer::start_in(&test_config(""), data).await;
    let api = srv.api();
    let all = format!("create_time_start={}&create_time_end={t}", t - 30 * DAY);
    let v = get_as(&api, "admin", &format!("{all}&length=1000")).await;
    assert_eq!(v["data"]["total"], 3000, "{}", v["message"]);
    let mut seen = ids(&v);
    for start in [1000, 2000] {
        seen.extend(ids(&get_as(
            &api,
            "admin",
            &format!("{all}&length=1000&start={start}"),
        )
        .await));
    }
    assert_eq!(seen.len(), 3000);
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats"
    );
    // The last hour: 61 jobs (both ends included).
    let hour = format!("create_time_start={}&create_time_end={t}", t - 3_600_000);
    assert_eq!(get_as(&api, "admin", &hour).await["data"]["total"], 61);
    // Operators rotate admin/alice/bob, one in ten failed, hosts 127.0.0.2-4.
    assert_eq!(
        get_as(&api, "admin", &format!("{all}&operator=alice")).await["data"]["total"],
        1000
    );
    assert_eq!(
        get_as(&api, "admin", &format!("{all}&status=4")).await["data"]["total"],
        300
    );
    let named = get_as(&api, "admin", &format!("{all}&name=history-299")).await;
    assert_eq!(
        named["data"]["total"], 11,
        "history-299 and history-2990..2999"
    );
    let ip = get_as(&api, "admin", &format!("{all}&ip=127.0.0.4&operator=bob")).await;
    assert!(ip["data"]["total"].as_i64().unwrap() > 0);
}
