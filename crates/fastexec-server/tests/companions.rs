//! The companion APIs' checks (status, logs, operate), over real HTTP: scope, fields, job
//! access, GET and POST alike.

mod common;

use common::*;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn companion_api_checks() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let (job, step) = api.launch(&script_req("echo hi")).await;
    api.wait_finished(job).await;
    let st = "api/v3/get_job_instance_status";
    // job_instance_id missing → 1241007
    let v = api
        .post(st, &json!({"bk_scope_type":"biz","bk_scope_id":"2"}))
        .await;
    assert_eq!(v["code"], 1241007, "{v}");
    assert_eq!(v["message"], "请求参数[job_instance_id]缺失或不合法");
    // wrong scope / unknown id → 1244006
    let v = api
        .post(
            st,
            &json!({"bk_scope_type":"biz","bk_scope_id":"3","job_instance_id":job}),
        )
        .await;
    assert_eq!(v["code"], 1244006, "{v}");
    let v = api
        .post(
            st,
            &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":987654}),
        )
        .await;
    assert_eq!(v["code"], 1244006);
    // not the operator and no view_history → 9900403 view_history; viewer may look.
    let body = json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job});
    let (_, v) = api.post_as("limited", st, &body).await;
    assert_eq!(v["code"], 9900403, "{v}");
    assert_eq!(v["permission"]["actions"][0]["id"], "view_history");
    let (_, v) = api.post_as("viewer", st, &body).await;
    assert_eq!(v["code"], 0, "{v}");
    assert_eq!(v["data"]["finished"], true);
    assert!(v["data"]["step_instance_list"][0]
        .get("step_ip_result_list")
        .is_none());
    // GET with query parameters works too.
    let auth = auth_user("admin");
    let (s, _, text) = api
        .raw(
            "GET",
            &format!(
                "{st}?bk_scope_type=biz&bk_scope_id=2&job_instance_id={job}&return_ip_result=true"
            ),
            &[("X-Bkapi-Authorization", auth.as_str())],
            vec![],
        )
        .await;
    assert_eq!(s, 200);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["data"]["job_instance"]["status"], 3, "{v}");
    assert_eq!(
        v["data"]["step_instance_list"][0]["step_ip_result_list"][0]["status"],
        9
    );
    let (_, _, text) = api
        .raw(
            "GET",
            &format!("{st}?job_instance_id=abc&bk_scope_type=biz&bk_scope_id=2"),
            &[("X-Bkapi-Authorization", auth.as_str())],
            vec![],
        )
        .await;
    assert!(text.contains("1240003"), "{text}");

    // ip log checks
    let lg = "api/v3/get_job_instance_ip_log";
    let v = api
        .post(lg, &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job,"step_instance_id":0,"bk_host_id":101}))
        .await;
    assert_eq!(
        (v["code"].as_i64(), v["message"].as_str()),
        (Some(1240003), Some("步骤实例ID必须为正整数"))
    );
    let v = api
        .post(lg, &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job,"step_instance_id":step}))
        .await;
    assert_eq!(v["code"], 1241007);
    assert_eq!(
        v["message"],
        "请求参数[host_id/(bk_cloud_id+ip)]缺失或不合法"
    );
    let v = api
        .post(lg, &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job,"step_instance_id":step,"bk_cloud_id":0,"ip":"127.0.0.2"}))
        .await;
    assert_eq!(v["data"]["log_content"], "hi\n", "{v}");
    // batch
    let bl = "api/v3/batch_get_job_instance_ip_log";
    let v = api
        .post(bl, &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job,"step_instance_id":step}))
        .await;
    assert_eq!(v["code"], 1241007);
    let v = api
        .post(bl, &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job,"step_instance_id":step,"host_id_list":(0..501).collect::<Vec<i64>>()}))
        .await;
    assert_eq!(v["code"], 1241007);
    let v = api
        .post(bl, &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job,"step_instance_id":step,"host_id_list":[101]}))
        .await;
    assert_eq!(
        v["data"]["script_task_logs"][0]["log_content"], "hi\n",
        "{v}"
    );
    assert_eq!(v["data"]["log_type"], 1);

    // operate: bad input 1241002; terminating a finished job 1241003; start of a started job
    // 1241015.
    let op = "api/v3/operate_job_instance";
    let v = api.post(op, &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job,"operation_code":7})).await;
    assert_eq!(v["code"], 1241002, "{v}");
    let v = api.post(op, &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job,"operation_code":1})).await;
    assert_eq!(v["code"], 1241003, "{v}");
    let v = api.post(op, &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job,"operation_code":2})).await;
    assert_eq!(v["code"], 1241015, "{v}");
    assert_eq!(
        v["message"],
        format!("不支持的操作，请勿重复启动作业，job_instance_id={job}")
    );
    let v = api.post(op, &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":999999,"operation_code":1})).await;
    assert_eq!(v["code"], 1244006, "{v}");
    srv.stop().await;
}
