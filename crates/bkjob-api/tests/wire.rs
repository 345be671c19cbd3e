//! Wire-format tests: the documents' examples round-trip, big IDs stay exact, absent fields
//! are omitted, the callback accepts both list names.

use bkjob_api::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

fn round_trip<T: Serialize + DeserializeOwned>(v: &Value) -> Value {
    let t: T = serde_json::from_value(v.clone()).expect("parses");
    serde_json::to_value(&t).expect("serialises")
}

/// Same, but through text, so numbers go through serde_json's parser and printer.
fn round_trip_text<T: Serialize + DeserializeOwned>(s: &str) -> String {
    let t: T = serde_json::from_str(s).expect("parses");
    serde_json::to_string(&t).expect("serialises")
}

/// Request example of the seed document (ESB form: credentials in the body).
fn seed_request() -> Value {
    json!({
        "bk_app_code": "esb_test",
        "bk_app_secret": "xxx",
        "bk_token": "xxx",
        "bk_scope_type": "biz",
        "bk_scope_id": "1",
        "script_version_id": 1,
        "script_content": "ZWNobyAkMQ==",
        "script_param": "aGVsbG8=",
        "timeout": 1000,
        "account_id": 1000,
        "is_param_sensitive": 0,
        "script_language": 1,
        "target_server": {
            "dynamic_group_list": [{"id": "blo8gojho0skft7pr5q0"}],
            "host_id_list": [101, 102],
            "topo_node_list": [{"id": 1000, "node_type": "module"}]
        }
    })
}

#[test]
fn seed_request_example_round_trips() {
    let v = seed_request();
    assert_eq!(round_trip::<EsbRequest<FastExecuteScriptRequest>>(&v), v);
    // Without the credentials it is a gateway body.
    let mut body = v.clone();
    for k in ["bk_app_code", "bk_app_secret", "bk_token"] {
        body.as_object_mut().unwrap().remove(k);
    }
    assert_eq!(round_trip::<FastExecuteScriptRequest>(&body), body);
    // And it is valid (timeout 1000, version id and content both given).
    let req: FastExecuteScriptRequest = serde_json::from_value(body).unwrap();
    assert!(validate_request(&req, &Limits::default()).is_empty());
    assert_eq!(
        encoding::decode_base64_lenient(req.script_param.as_deref().unwrap()),
        b"hello"
    );
}

#[test]
fn seed_response_example_round_trips() {
    let v = json!({
        "result": true,
        "code": 0,
        "message": "success",
        "data": {
            "job_instance_name": "API Quick execution script1521100521303",
            "job_instance_id": 10000,
            "step_instance_id": 10001
        }
    });
    assert_eq!(round_trip::<ApiResponse<FastExecuteScriptData>>(&v), v);
}

fn permission_example() -> Value {
    json!({
      "result": false,
      "code": 9900403,
      "message": "用户(alice)权限不足，请前往权限中心确认并申请补充后重试",
      "job_request_id": "b1c2d3",
      "permission": {
        "system_id": "bk_job",
        "system_name": "作业平台",
        "actions": [
          {
            "id": "quick_execute_script",
            "name": "快速执行脚本",
            "related_resource_types": [
              {
                "system_id": "bk_cmdb",
                "system_name": "配置平台",
                "type": "host",
                "type_name": "主机",
                "instances": [
                  [ {"id": "2",   "type": "biz",  "type_name": "业务", "name": "my-biz"},
                    {"id": "101", "type": "host", "type_name": "主机", "name": "10.0.0.1"} ]
                ]
              }
            ]
          },
          {
            "id": "use_account",
            "name": "执行账号使用",
            "related_resource_types": [
              {"system_id": "bk_job", "system_name": "作业平台", "type": "account",
               "type_name": "执行账号", "instances": [[
                  {"id": "2", "type": "biz", "type_name": "业务", "name": "my-biz"},
                  {"id": "1000", "type": "account", "type_name": "执行账号", "name": "root"}]]}
            ]
          }
        ]
      }
    })
}

#[test]
fn permission_example_round_trips_and_builder_matches() {
    let v = permission_example();
    assert_eq!(round_trip::<ApiResponse<Value>>(&v), v);

    let perm = Permission::quick_execute_script(
        "2",
        "my-biz",
        &[HostRef {
            host_id: 101,
            ip: "10.0.0.1".into(),
        }],
        Some((1000, "root")),
        Lang::ZhCn,
    );
    let resp: ApiResponse<Value> = ApiResponse::err(
        ErrorCode::PERMISSION_DENIED.code(),
        ErrorCode::PERMISSION_DENIED.message(Lang::ZhCn, &["alice"]),
        Some("b1c2d3".into()),
    )
    .with_permission(perm);
    assert_eq!(serde_json::to_value(&resp).unwrap(), v);
}

#[test]
fn envelope_constructors() {
    let ok = ApiResponse::ok(
        FastExecuteScriptData {
            job_instance_id: 1,
            job_instance_name: "n".into(),
            step_instance_id: 2,
        },
        Some("rid".into()),
    );
    assert_eq!(
        serde_json::to_value(&ok).unwrap(),
        json!({"result": true, "code": 0, "job_request_id": "rid",
               "data": {"job_instance_id": 1, "job_instance_name": "n", "step_instance_id": 2}})
    );
    let err: ApiResponse<FastExecuteScriptData> = ApiResponse::err(1_244_001, "主机为空", None);
    assert_eq!(
        serde_json::to_value(&err).unwrap(),
        json!({"result": false, "code": 1244001, "message": "主机为空"})
    );
}

#[test]
fn big_ids_are_exact() {
    let big = 9_007_199_254_740_993_i64; // 2^53 + 1: not representable as f64
    let body = format!(
        r#"{{"bk_biz_id":{big},"script_version_id":{big},"timeout":{big},"account_id":{big},"target_server":{{"host_id_list":[{big},9223372036854775807],"ip_list":[{{"bk_cloud_id":{big},"ip":"1.1.1.1"}}],"topo_node_list":[{{"id":{big},"node_type":"set"}}]}}}}"#
    );
    assert_eq!(round_trip_text::<FastExecuteScriptRequest>(&body), body);
    // Through the flattened ESB wrapper (serde buffers flattened fields).
    let esb = format!(r#"{{"bk_app_code":"a","bk_app_secret":"s",{}"#, &body[1..]);
    let out = round_trip_text::<EsbRequest<FastExecuteScriptRequest>>(&esb);
    assert_eq!(out, esb);
    let parsed: EsbRequest<FastExecuteScriptRequest> = serde_json::from_str(&esb).unwrap();
    assert_eq!(parsed.body.account_id, Some(big));
    assert_eq!(
        parsed.body.target_server.unwrap().host_id_list.unwrap()[1],
        i64::MAX
    );

    let data =
        format!(r#"{{"job_instance_id":{big},"job_instance_name":"x","step_instance_id":{big}}}"#);
    assert_eq!(round_trip_text::<FastExecuteScriptData>(&data), data);
    let cb = format!(
        r#"{{"job_instance_id":{big},"status":3,"step_instances":[{{"step_instance_id":{big},"status":3}}]}}"#
    );
    assert_eq!(round_trip_text::<CallbackBody>(&cb), cb);
}

#[test]
fn absent_fields_are_omitted() {
    let s = serde_json::to_string(&FastExecuteScriptRequest::default()).unwrap();
    assert_eq!(s, "{}");
    let req = FastExecuteScriptRequest {
        bk_scope_type: Some("biz".into()),
        target_server: Some(TargetServer {
            ip_list: Some(vec![IpEntry {
                bk_cloud_id: Some(0),
                ip: None,
            }]),
            ..Default::default()
        }),
        ..Default::default()
    };
    let s = serde_json::to_string(&req).unwrap();
    assert!(!s.contains("null"), "{s}");
    assert_eq!(
        s,
        r#"{"bk_scope_type":"biz","target_server":{"ip_list":[{"bk_cloud_id":0}]}}"#
    );
    // A draft-built request has no nulls either.
    let d = Draft {
        scope_id: "2".into(),
        script_content: "ls".into(),
        account_alias: "root".into(),
        ip_list: "1.1.1.1".into(),
        ..Draft::default()
    };
    let s =
        serde_json::to_string(&validate_draft(&d, &Limits::default()).request.unwrap()).unwrap();
    assert!(!s.contains("null"), "{s}");
}

#[test]
fn nulls_and_unknown_fields_are_accepted_on_input() {
    let req: FastExecuteScriptRequest = serde_json::from_str(
        r#"{"bk_scope_type":"biz","timeout":null,"rolling_config":{"type":1},"target_server":null,"whatever":[1]}"#,
    )
    .unwrap();
    assert_eq!(req.timeout, None);
    assert_eq!(req.target_server, None);
    assert_eq!(req.bk_scope_type.as_deref(), Some("biz"));
}

#[test]
fn callback_body_accepts_both_names() {
    let code: CallbackBody = serde_json::from_str(
        r#"{"job_instance_id":1,"status":3,"step_instances":[{"step_instance_id":2,"status":3}]}"#,
    )
    .unwrap();
    let doc: CallbackBody = serde_json::from_str(
        r#"{"job_instance_id":1,"status":3,"step_instance_list":[{"step_instance_id":2,"status":3}]}"#,
    )
    .unwrap();
    assert_eq!(code, doc);
    assert_eq!(code.step_instances[0].step_instance_id, 2);
    let out = serde_json::to_value(&doc).unwrap();
    assert!(out.get("step_instances").is_some() && out.get("step_instance_list").is_none());
}

#[test]
fn gateway_auth_header() {
    let a = GatewayAuth {
        bk_app_code: Some("x".into()),
        bk_app_secret: Some("y".into()),
        bk_token: Some("z".into()),
        ..Default::default()
    };
    let h = a.to_header_value();
    assert_eq!(
        h,
        r#"{"bk_app_code":"x","bk_app_secret":"y","bk_token":"z"}"#
    );
    assert_eq!(GatewayAuth::parse(&h).unwrap(), a);
    let t: GatewayAuth = r#" {"access_token":"t","extra":1} "#.parse().unwrap();
    assert_eq!(t.access_token.as_deref(), Some("t"));
    assert!(GatewayAuth::parse("not json").is_err());
    assert_eq!(GatewayAuth::HEADER, "X-Bkapi-Authorization");
}

#[test]
fn companion_shapes_round_trip() {
    let status = json!({
        "result": true, "code": 0, "job_request_id": "r",
        "data": {
            "finished": true,
            "job_instance": {"job_instance_id": 100, "name": "快速执行脚本_20250101120000123",
                "status": 3, "create_time": 1735732800000_i64, "start_time": 1735732800100_i64,
                "end_time": 1735732801100_i64, "total_time": 1000,
                "bk_scope_type": "biz", "bk_scope_id": "2"},
            "step_instance_list": [{"step_instance_id": 200, "name": "s", "type": 1, "status": 3,
                "execute_count": 0, "create_time": 1, "start_time": 2, "end_time": 3, "total_time": 1,
                "step_ip_result_list": [{"bk_host_id": 101, "ip": "10.0.0.1", "bk_cloud_id": 0,
                    "status": 9, "tag": "", "exit_code": 0, "error_code": 0,
                    "start_time": 2, "end_time": 3, "total_time": 1}]}]
        }
    });
    assert_eq!(
        round_trip::<ApiResponse<JobInstanceStatusData>>(&status),
        status
    );
    let parsed: ApiResponse<JobInstanceStatusData> = serde_json::from_value(status).unwrap();
    let data = parsed.data.unwrap();
    assert!(RunStatus::from_code(data.job_instance.status)
        .unwrap()
        .is_finished());

    let batch = json!({"job_instance_id": 1, "step_instance_id": 2, "log_type": 1,
        "script_task_logs": [{"bk_host_id": 101, "bk_cloud_id": 0, "ip": "10.0.0.1", "log_content": "hi\n"},
                             {"bk_host_id": 102, "bk_cloud_id": 0, "ip": "10.0.0.2", "ipv6": "::2", "log_content": ""}]});
    assert_eq!(round_trip::<BatchIpLogData>(&batch), batch);
    let one = json!({"log_type": 1, "bk_host_id": 101, "bk_cloud_id": 0, "ip": "10.0.0.1", "log_content": "x"});
    assert_eq!(round_trip::<IpLogData>(&one), one);

    for (v, f) in [
        (
            json!({"bk_scope_type": "biz", "bk_scope_id": "2", "job_instance_id": 1, "return_ip_result": true}),
            round_trip::<GetJobInstanceStatusRequest> as fn(&Value) -> Value,
        ),
        (
            json!({"bk_scope_type": "biz", "bk_scope_id": "2", "job_instance_id": 1, "step_instance_id": 2, "bk_host_id": 101}),
            round_trip::<GetJobInstanceIpLogRequest>,
        ),
        (
            json!({"bk_scope_type": "biz", "bk_scope_id": "2", "job_instance_id": 1, "step_instance_id": 2,
                "ip_list": [{"bk_cloud_id": 0, "ip": "1.1.1.1"}]}),
            round_trip::<BatchGetJobInstanceIpLogRequest>,
        ),
        (
            json!({"bk_biz_id": 2, "job_instance_id": 1, "operation_code": 2}),
            round_trip::<OperateJobInstanceRequest>,
        ),
        (
            json!({"job_instance_id": 1}),
            round_trip::<OperateJobInstanceData>,
        ),
    ] {
        assert_eq!(f(&v), v);
    }
}
