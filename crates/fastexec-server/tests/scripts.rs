//! The six script APIs over real HTTP (contract bk-job-api-more.md §6): fields, filters,
//! paging and its defaults, validation codes in order, the `view_script` answers (9900403
//! with the permission object), the public APIs without any IAM action, the ESB route with
//! body credentials, and which version statuses a launch may run.

mod common;

use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn business_script_lists() {
    let srv = TestServer::start(&library_config()).await;
    let api = srv.api();
    const L: &str = "get_script_list";
    // Every status, newest change first (s-more 2024-06, then the undated ones by id).
    let v = lib_get(&api, "limited", L, "").await;
    assert_eq!(v["code"], 0, "{v}");
    assert_eq!(
        page(&v, "id"),
        [&json!("s-more"), &json!("s-py"), &json!("s-online")]
    );
    let more = &v["data"]["data"][0];
    assert_eq!(
        more,
        &json!({"id": "s-more", "bk_scope_type": "biz", "bk_scope_id": "2", "bk_biz_id": null,
                "name": "Disk_Report", "script_language": 1, "creator": "admin",
                "create_time": 1714521600000_i64, "last_modify_user": "admin",
                "last_modify_time": 1717200000000_i64, "online_script_version_id": 42,
                "description": "disk report"})
    );
    assert_eq!(
        v["data"]["data"][1]["online_script_version_id"],
        Value::Null
    );
    // Filters: language (7 is 1241005 naming `type`), name LIKE.
    assert_eq!(
        page(&lib_get(&api, "admin", L, "script_language=4").await, "id"),
        [&json!("s-py")]
    );
    assert_eq!(
        lib_get(&api, "admin", L, "script_language=0").await["data"]["total"],
        3
    );
    let v = lib_get(&api, "admin", L, "script_language=7").await;
    assert_eq!(
        (v["code"].as_i64(), v["message"].as_str()),
        (Some(1241005), Some("请求参数[type]不合法"))
    );
    assert_eq!(
        page(&lib_get(&api, "admin", L, "name=disk_r").await, "id"),
        [&json!("s-more")]
    );
    assert_eq!(
        page(&lib_get(&api, "admin", L, "name=k_r").await, "id"),
        [&json!("s-more")]
    );
    assert_eq!(
        lib_get(&api, "admin", L, "name=nothing").await["data"]["data"],
        json!([])
    );
    let p = lib_post(&api, "admin", L, json!({"start": 1, "length": 1})).await;
    assert_eq!(
        (p["data"]["total"].as_i64(), page(&p, "id")),
        (Some(3), vec![&json!("s-py")])
    );
    assert_eq!(
        lib_post(&api, "admin", L, json!({"length": 0})).await["data"]["length"],
        20
    );
    assert_eq!(lib_get(&api, "outsider", L, "").await["code"], 9900403);

    // Versions: view_script first. Without it 9900403 with the permission object, even for
    // an id that does not exist.
    const V: &str = "get_script_version_list";
    for id in ["s-more", "nope"] {
        let v = lib_get(&api, "limited", V, &format!("script_id={id}")).await;
        assert_eq!(v["code"], 9900403, "{v}");
        let name = if id == "nope" { "nope" } else { "Disk_Report" };
        assert_eq!(
            v["permission"],
            json!({"system_id": "bk_job", "system_name": "作业平台", "actions": [
                {"id": "view_script", "name": "脚本查看", "related_resource_types": [
                  {"system_id": "bk_job", "system_name": "作业平台", "type": "script", "type_name": "脚本",
                   "instances": [[{"id": "2", "type": "biz", "type_name": "业务", "name": "test-biz"},
                                  {"id": id, "type": "script", "type_name": "脚本", "name": name}]]}]}]})
        );
    }
    let v = lib_get(&api, "reader", V, "script_id=s-more").await;
    let d = &v["data"];
    assert_eq!(
        (d["length"].as_i64(), d["total"].as_i64()),
        (Some(10), Some(3)),
        "{v}"
    );
    assert_eq!(
        page(&v, "id"),
        [&json!(43), &json!(42), &json!(41)],
        "newest change first"
    );
    assert_eq!(page(&v, "status"), [&json!(0), &json!(1), &json!(2)]);
    assert!(page(&v, "content").iter().all(|c| c.is_null()));
    assert_eq!(d["data"][0]["creator"], "bob");
    assert_eq!(d["data"][1]["version_desc"], "current");
    let v = lib_get(
        &api,
        "reader",
        V,
        "script_id=s-more&return_script_content=true&start=2&length=1",
    )
    .await;
    assert_eq!(
        (page(&v, "content"), v["data"]["total"].as_i64()),
        (vec![&json!("echo v1\n")], Some(3))
    );
    assert_eq!(
        lib_post(&api, "admin", V, json!({"script_id": "s-py"})).await["data"]["data"][0]["status"],
        3
    );
    // Another business's script or a public one: an empty page. No length cap.
    let v = lib_post(
        &api,
        "admin",
        V,
        json!({"script_id": "s-other", "length": 5000}),
    )
    .await;
    assert_eq!(
        (
            v["data"]["total"].as_i64(),
            v["data"]["length"].as_i64(),
            v["data"]["data"].clone()
        ),
        (Some(0), Some(5000), json!([]))
    );
    assert_eq!(
        lib_post(&api, "admin", V, json!({"script_id": "p-info"})).await["data"]["total"],
        0
    );
    // script_id: missing on GET is Spring's 1240003, blank is 1241005.
    assert_eq!(lib_get(&api, "admin", V, "").await["code"], 1240003);
    let v = lib_post(&api, "admin", V, json!({"script_id": " "})).await;
    assert_eq!(
        (v["code"].as_i64(), v["message"].as_str()),
        (Some(1241005), Some("Invalid request parameter [script_id]"))
    );
}

#[tokio::test]
async fn script_version_detail() {
    let srv = TestServer::start(&library_config()).await;
    let api = srv.api();
    const D: &str = "get_script_version_detail";
    let v = lib_get(&api, "reader", D, "id=42").await;
    assert_eq!(
        v["data"],
        json!({"id": 42, "bk_scope_type": "biz", "bk_scope_id": "2", "bk_biz_id": null,
               "script_id": "s-more", "name": "Disk_Report", "version": "V2", "content": "echo v2\n",
               "status": 1, "version_desc": "current", "creator": "admin",
               "create_time": 1715731200000_i64, "last_modify_user": "admin",
               "last_modify_time": 1715731200000_i64, "script_language": 1,
               "description": "disk report"}),
        "{v}"
    );
    // By id: view_script after the lookup; unknown 1243001; another business's 1243004.
    let v = lib_get(&api, "limited", D, "id=42").await;
    assert_eq!(
        (
            v["code"].as_i64(),
            v["permission"]["actions"][0]["id"].as_str()
        ),
        (Some(9900403), Some("view_script"))
    );
    assert_eq!(lib_get(&api, "limited", D, "id=999").await["code"], 1243001);
    let v = lib_post(&api, "admin", D, json!({"id": 21})).await;
    assert_eq!(
        (v["code"].as_i64(), v["message"].as_str()),
        (Some(1243004), Some("Script is not under this business"))
    );
    // A public version asked for in a business passes (BK-JOB's quirk).
    let v = lib_post(&api, "admin", D, json!({"id": 101})).await;
    assert_eq!(
        (v["code"].as_i64(), v["data"]["bk_scope_type"].clone()),
        (Some(0), Value::Null),
        "{v}"
    );
    // By script_id + version: no view_script; each must be non-blank; `id` wins when > 0.
    let v = lib_post(
        &api,
        "limited",
        D,
        json!({"script_id": "s-more", "version": "V3"}),
    )
    .await;
    assert_eq!(
        (v["code"].as_i64(), v["data"]["id"].as_i64()),
        (Some(0), Some(43)),
        "{v}"
    );
    let v = lib_post(&api, "limited", D, json!({"script_id": "s-more"})).await;
    assert_eq!(
        (v["code"].as_i64(), v["message"].as_str()),
        (Some(1241005), Some("Invalid request parameter [version]"))
    );
    let v = lib_post(&api, "limited", D, json!({"id": 0, "version": "V1"})).await;
    assert_eq!(v["message"], "Invalid request parameter [script_id]");
    assert_eq!(
        lib_post(
            &api,
            "limited",
            D,
            json!({"script_id": "s-more", "version": "V9"})
        )
        .await["code"],
        1243001
    );
    assert_eq!(
        lib_post(
            &api,
            "limited",
            D,
            json!({"script_id": "s-other", "version": ""})
        )
        .await["code"],
        1241005
    );
    let v = lib_post(
        &api,
        "admin",
        D,
        json!({"id": 41, "script_id": "x", "version": "y"}),
    )
    .await;
    assert_eq!(v["data"]["version"], "V1");
    assert_eq!(
        lib_get(&api, "outsider", D, "id=42").await["permission"]["actions"][0]["id"],
        "access_business"
    );
}

#[tokio::test]
async fn public_scripts_need_no_permission() {
    let srv = TestServer::start(&library_config()).await;
    let api = srv.api();
    // "outsider" has no grant at all: the public APIs check none.
    let v = lib_get(&api, "outsider", "get_public_script_list", "").await;
    assert_eq!(v["code"], 0, "{v}");
    assert_eq!(page(&v, "id"), [&json!("p-info"), &json!("p-port")]);
    let info = &v["data"]["data"][0];
    assert_eq!(
        (info["bk_scope_type"].clone(), info["bk_scope_id"].clone()),
        (Value::Null, Value::Null)
    );
    assert_eq!(info["online_script_version_id"], 101);
    assert_eq!(
        page(
            &lib_get(
                &api,
                "outsider",
                "get_public_script_list",
                "script_language=4"
            )
            .await,
            "id"
        ),
        [&json!("p-port")]
    );
    assert_eq!(
        lib_get(
            &api,
            "outsider",
            "get_public_script_list",
            "script_language=9"
        )
        .await["code"],
        1241005
    );
    let v = lib_get(
        &api,
        "outsider",
        "get_public_script_version_list",
        "script_id=p-info&return_script_content=1",
    )
    .await;
    assert_eq!(page(&v, "id"), [&json!(101), &json!(100)], "{v}");
    assert_eq!(v["data"]["data"][0]["content"], "uname -r\n");
    // A business script's id: an empty page; its version: 1243004; unknown: 1243001.
    assert_eq!(
        lib_get(
            &api,
            "outsider",
            "get_public_script_version_list",
            "script_id=s-more"
        )
        .await["data"]["total"],
        0
    );
    const D: &str = "get_public_script_version_detail";
    assert_eq!(lib_get(&api, "outsider", D, "id=42").await["code"], 1243004);
    assert_eq!(
        lib_get(&api, "outsider", D, "id=7777").await["code"],
        1243001
    );
    let v = lib_get(&api, "outsider", D, "script_id=p-port&version=1.0").await;
    assert_eq!(
        (
            v["data"]["id"].as_i64(),
            v["data"]["status"].as_i64(),
            v["data"]["content"].as_str()
        ),
        (Some(103), Some(0), Some("print(2)\n"))
    );
    assert_eq!(
        lib_get(&api, "outsider", D, "script_id=p-port").await["code"],
        1241005
    );
    // ESB, body credentials, no scope.
    let body =
        json!({"bk_app_code": APP, "bk_app_secret": SECRET, "bk_username": "outsider", "id": 100});
    let (_, _, text) = api
        .raw(
            "POST",
            "api/c/compapi/v2/jobv3/get_public_script_version_detail/",
            &[],
            body.to_string().into_bytes(),
        )
        .await;
    let v = parse(&text);
    assert_eq!(
        (v["code"].as_i64(), v["data"]["version"].as_str()),
        (Some(0), Some("1.0")),
        "{v}"
    );
    // Unauthenticated callers are still the gateway's 400.
    let (s, _, _) = api
        .raw("GET", "api/v3/get_public_script_list", &[], Vec::new())
        .await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn which_versions_may_run() {
    let srv = TestServer::start(&library_config()).await;
    let api = srv.api();
    let run = |vid: i64| {
        let mut r = script_req("unused");
        r.as_object_mut().unwrap().remove("script_content");
        r.as_object_mut().unwrap().remove("script_language");
        r["script_version_id"] = json!(vid);
        r
    };
    // Online and offline run; draft and disabled are 1244018 with the status's name.
    for vid in [41, 42] {
        let (id, step) = api.launch(&run(vid)).await;
        api.wait_finished(id).await;
        assert_eq!(
            api.log(id, step, 101).await.trim(),
            format!("echo v{}", vid - 40).replace("echo ", "")
        );
    }
    let v = api.execute(&run(43)).await;
    assert_eq!(
        (v["code"].as_i64(), v["message"].as_str()),
        (Some(1244018), Some("脚本状态[未上线]，不支持执行"))
    );
    assert_eq!(api.execute(&run(44)).await["code"], 1244018);
    // script_id runs the online version.
    let mut r = run(1);
    r.as_object_mut().unwrap().remove("script_version_id");
    r["script_id"] = json!("s-more");
    let (id, step) = api.launch(&r).await;
    api.wait_finished(id).await;
    assert_eq!(api.log(id, step, 101).await.trim(), "v2");
    // Public scripts run from any business, as BK-JOB's checkScriptExist allows: by version
    // and by script_id (its online version); their draft is 1244018 like any other.
    let (id, step) = api.launch(&run(101)).await;
    api.wait_finished(id).await;
    assert_eq!(
        api.log(id, step, 101).await.trim(),
        std::str::from_utf8(
            &std::process::Command::new("uname")
                .arg("-r")
                .output()
                .unwrap()
                .stdout
        )
        .unwrap()
        .trim()
    );
    let mut by_id = run(1);
    by_id.as_object_mut().unwrap().remove("script_version_id");
    by_id["script_id"] = json!("p-info");
    let (id, step) = api.launch(&by_id).await;
    api.wait_finished(id).await;
    assert!(!api.log(id, step, 101).await.trim().is_empty());
    assert_eq!(api.execute(&run(103)).await["code"], 1244018);
    // Running one needs execute_public_script, on the script alone (no business above it).
    let (_, v) = api
        .post_as("reader", "api/v3/fast_execute_script", &run(101))
        .await;
    assert_eq!(v["code"], 9900403, "{v}");
    let action = &v["permission"]["actions"][0];
    assert_eq!(action["id"], "execute_public_script", "{v}");
    let related = &action["related_resource_types"][0];
    assert_eq!(related["type"], "public_script", "{v}");
    assert_eq!(related["instances"][0][0]["id"], "p-info", "{v}");
    assert_eq!(related["instances"][0].as_array().unwrap().len(), 1, "{v}");
}
