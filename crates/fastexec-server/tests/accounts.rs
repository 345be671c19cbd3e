//! `get_account_list` over real HTTP (contract bk-job-api-more.md §5): fields, filters,
//! paging and its defaults, the category check, business access, the ESB route with body
//! credentials, and DB accounts that never run a script.

mod common;

use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn account_list() {
    let srv = TestServer::start(&library_config()).await;
    let api = srv.api();
    const A: &str = "get_account_list";
    let v = lib_get(&api, "admin", A, "").await;
    assert_eq!(v["code"], 0, "{v}");
    let d = &v["data"];
    assert_eq!(
        (
            d["start"].as_i64(),
            d["length"].as_i64(),
            d["total"].as_i64()
        ),
        (Some(0), Some(20), Some(4))
    );
    assert_eq!(
        page(&v, "id"),
        [&json!(1000), &json!(1001), &json!(1002), &json!(1003)]
    );
    let deploy = &d["data"][1];
    assert_eq!(
        deploy,
        &json!({"id": 1001, "bk_scope_type": "biz", "bk_scope_id": "2", "bk_biz_id": null,
                "account": "app", "alias": "deploy", "category": 1, "type": 1,
                "db_system_account_id": null, "os": "Linux", "description": "deploy user",
                "creator": "alice", "create_time": 1716168600000_i64, "last_modify_user": "alice",
                "last_modify_time": 1716168600000_i64})
    );
    assert_eq!(d["data"][2]["os"], "Windows");
    let db = &d["data"][3];
    assert_eq!(
        (
            db["category"].as_i64(),
            db["type"].as_i64(),
            db["os"].clone()
        ),
        (Some(2), Some(9), Value::Null)
    );
    assert_eq!(db["db_system_account_id"], 1000);

    // Filters: category, exact account and alias.
    assert_eq!(
        lib_get(&api, "admin", A, "category=1").await["data"]["total"],
        3
    );
    assert_eq!(
        page(&lib_get(&api, "admin", A, "category=2").await, "id"),
        [&json!(1003)]
    );
    assert_eq!(
        page(&lib_get(&api, "admin", A, "account=root").await, "id"),
        [&json!(1000), &json!(1003)]
    );
    assert_eq!(
        lib_get(&api, "admin", A, "account=roo").await["data"]["total"],
        0
    );
    assert_eq!(
        page(
            &lib_get(&api, "admin", A, "alias=win&category=1").await,
            "id"
        ),
        [&json!(1002)]
    );
    assert_eq!(
        lib_get(&api, "admin", A, "alias=&account=").await["data"]["total"],
        4
    );
    // Any other category is 1240003, GET and POST.
    let v = lib_get(&api, "admin", A, "category=3").await;
    assert_eq!(
        (v["code"].as_i64(), v["message"].as_str()),
        (Some(1240003), Some("账号用途取值非法"))
    );
    let v = lib_post(&api, "admin", A, json!({"category": 0})).await;
    assert_eq!(
        (v["code"].as_i64(), v["message"].as_str()),
        (Some(1240003), Some("Account category value is illegal"))
    );
    // Paging: start/length, ≤ 0 → defaults, capped at 1000.
    let p = lib_get(&api, "admin", A, "start=1&length=2").await;
    assert_eq!(
        (p["data"]["total"].as_i64(), page(&p, "id")),
        (Some(4), vec![&json!(1001), &json!(1002)])
    );
    let p = lib_post(&api, "admin", A, json!({"start": -1, "length": 0})).await;
    assert_eq!(
        (p["data"]["start"].as_i64(), p["data"]["length"].as_i64()),
        (Some(0), Some(20))
    );
    assert_eq!(
        lib_post(&api, "admin", A, json!({"length": 5000})).await["data"]["length"],
        1000
    );
    // Business access is enough; without it 9900403.
    assert_eq!(lib_get(&api, "limited", A, "").await["data"]["total"], 4);
    let v = lib_get(&api, "outsider", A, "").await;
    assert_eq!(v["code"], 9900403);
    assert_eq!(v["permission"]["actions"][0]["id"], "access_business");
    // Business 3 sees its own account only.
    let (_, v) = api
        .post_as(
            "admin",
            "api/v3/get_account_list",
            &json!({"bk_scope_type": "biz", "bk_scope_id": "3"}),
        )
        .await;
    assert_eq!(page(&v, "id"), [&json!(3000)]);
    // A DB account never runs a script: 1244003, by id or alias.
    let mut r = script_req("echo x");
    r["account_id"] = json!(1003);
    assert_eq!(api.execute(&r).await["code"], 1244003);
    r.as_object_mut().unwrap().remove("account_id");
    r["account_alias"] = json!("mysql-root");
    assert_eq!(api.execute(&r).await["code"], 1244003);
    // ESB with body credentials.
    let body = json!({"bk_app_code": APP, "bk_app_secret": SECRET, "bk_username": "admin",
                      "bk_scope_type": "biz", "bk_scope_id": "2", "category": 2});
    let (_, _, text) = api
        .raw(
            "POST",
            "api/c/compapi/v2/jobv3/get_account_list/",
            &[],
            body.to_string().into_bytes(),
        )
        .await;
    let v = parse(&text);
    assert_eq!(
        (v["code"].as_i64(), page(&v, "id")),
        (Some(0), vec![&json!(1003)]),
        "{v}"
    );
    assert_eq!(v["request_id"].as_str().map(str::len), Some(32));
}
