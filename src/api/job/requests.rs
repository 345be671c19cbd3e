//! The companion APIs' requests, in plain Rust: the business fields of each call the job view
//! makes (the call itself is built by [`crate::api::call`]).

use bkjob_api::{
    BatchGetJobInstanceIpLogRequest, GetJobInstanceIpLogRequest, GetJobInstanceStatusRequest,
    GetStepInstanceStatusRequest, OperateJobInstanceRequest, OperateStepInstanceRequest,
    OperationCode, StepIpResult, StepOperation,
};

use crate::job::rounds::StepQuery;
use crate::job::route::JobRoute;

/// Status with per-host results.
pub fn status(route: &JobRoute) -> GetJobInstanceStatusRequest {
    GetJobInstanceStatusRequest {
        bk_scope_type: Some(route.scope_type.clone()),
        bk_scope_id: Some(route.scope_id.clone()),
        job_instance_id: Some(route.job_instance_id),
        return_ip_result: Some(true),
        ..Default::default()
    }
}

/// One host's log: by host ID when known, else by cloud + IP.
pub fn host_log(route: &JobRoute, step: i64, host: &StepIpResult) -> GetJobInstanceIpLogRequest {
    let by_ip = host.bk_host_id.is_none();
    GetJobInstanceIpLogRequest {
        bk_scope_type: Some(route.scope_type.clone()),
        bk_scope_id: Some(route.scope_id.clone()),
        job_instance_id: Some(route.job_instance_id),
        step_instance_id: Some(step),
        bk_host_id: host.bk_host_id,
        bk_cloud_id: if by_ip {
            Some(host.bk_cloud_id.unwrap_or(0))
        } else {
            None
        },
        ip: if by_ip { host.ip.clone() } else { None },
        ..Default::default()
    }
}

/// Several hosts' logs (the caller keeps each call ≤ 500 hosts).
pub fn batch(route: &JobRoute, step: i64, host_ids: Vec<i64>) -> BatchGetJobInstanceIpLogRequest {
    BatchGetJobInstanceIpLogRequest {
        bk_scope_type: Some(route.scope_type.clone()),
        bk_scope_id: Some(route.scope_id.clone()),
        job_instance_id: Some(route.job_instance_id),
        step_instance_id: Some(step),
        host_id_list: Some(host_ids),
        ..Default::default()
    }
}

/// A step operation.
pub fn operate_step(route: &JobRoute, step: i64, op: StepOperation) -> OperateStepInstanceRequest {
    OperateStepInstanceRequest {
        bk_scope_type: Some(route.scope_type.clone()),
        bk_scope_id: Some(route.scope_id.clone()),
        job_instance_id: Some(route.job_instance_id),
        step_instance_id: Some(step),
        operation_code: Some(op.code()),
        ..Default::default()
    }
}

/// One step's hosts in one round and batch.
pub fn step_status(route: &JobRoute, step: i64, query: StepQuery) -> GetStepInstanceStatusRequest {
    GetStepInstanceStatusRequest {
        bk_scope_type: Some(route.scope_type.clone()),
        bk_scope_id: Some(route.scope_id.clone()),
        job_instance_id: Some(route.job_instance_id),
        step_instance_id: Some(step),
        execute_count: query.execute_count,
        batch: query.batch,
        max_host_num_per_group: query.max_hosts_per_group,
        ..Default::default()
    }
}

/// Terminate.
pub fn terminate(route: &JobRoute) -> OperateJobInstanceRequest {
    OperateJobInstanceRequest {
        bk_scope_type: Some(route.scope_type.clone()),
        bk_scope_id: Some(route.scope_id.clone()),
        job_instance_id: Some(route.job_instance_id),
        operation_code: Some(OperationCode::Terminate.code()),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::super::read_answer;
    use super::*;
    use crate::api::call::{build_call, Api, Method};
    use crate::connection::{AuthMode, Connection, MessageLang};
    use bkjob_api::Lang;
    use bkjob_api::OperateStepInstanceData;
    use serde_json::Value;

    fn conn(mode: AuthMode) -> Connection {
        Connection {
            api_base_url: "http://h/prod/".into(),
            auth_mode: mode,
            bk_app_code: "app".into(),
            bk_app_secret: "s3cr3t".into(),
            bk_username: "admin".into(),
            bk_token: String::new(),
            message_lang: MessageLang::Auto,
            max_answer_mib: None,
        }
    }

    fn route() -> JobRoute {
        JobRoute::new("biz", "2", 9_007_199_254_740_993)
    }

    #[test]
    fn gateway_status_is_a_get_with_query() {
        let c = build_call(
            &conn(AuthMode::Gateway),
            Lang::En,
            Api::Status,
            &status(&route()),
        );
        assert_eq!(c.method, Method::Get);
        assert_eq!(c.url, "http://h/prod/api/v3/get_job_instance_status");
        assert!(c
            .query
            .contains(&("job_instance_id".into(), "9007199254740993".into())));
        assert!(c
            .query
            .contains(&("return_ip_result".into(), "true".into())));
        assert!(c.query.contains(&("bk_scope_id".into(), "2".into())));
        assert!(c.body.is_none());
        assert_eq!(c.max_answer_bytes, 64 << 20, "the default cap");
        let capped = Connection {
            max_answer_mib: Some(3),
            ..conn(AuthMode::Esb)
        };
        assert_eq!(
            build_call(&capped, Lang::En, Api::IpLog, &status(&route())).max_answer_bytes,
            3 << 20
        );
        let auth = &c
            .headers
            .iter()
            .find(|(n, _)| n == "X-Bkapi-Authorization")
            .unwrap()
            .1;
        assert!(auth.contains("s3cr3t"));
        assert!(c
            .headers
            .contains(&("Blueking-Language".into(), "en".into())));
        assert!(c.query.iter().all(|(_, v)| !v.contains("s3cr3t")));
    }
    #[test]
    fn step_status_is_a_get_on_the_gateway_with_round_and_batch() {
        let c = build_call(
            &conn(AuthMode::Gateway),
            Lang::En,
            Api::StepStatus,
            &step_status(&route(), 5, StepQuery::round(1)),
        );
        assert_eq!(c.method, Method::Get);
        assert_eq!(c.url, "http://h/prod/api/v3/get_step_instance_status");
        for (k, v) in [
            ("step_instance_id", "5"),
            ("execute_count", "1"),
            ("batch", "0"),
        ] {
            assert!(c.query.contains(&(k.into(), v.into())), "{k}={v}");
        }
        // Absent = all hosts of each group.
        assert!(c.query.iter().all(|(k, _)| k != "max_host_num_per_group"));
        let c = build_call(
            &conn(AuthMode::Gateway),
            Lang::En,
            Api::StepStatus,
            &step_status(&route(), 5, StepQuery::batch_size(3)),
        );
        assert!(c.query.contains(&("batch".into(), "3".into())));
        assert!(c
            .query
            .contains(&("max_host_num_per_group".into(), "1".into())));
        assert!(c.query.iter().all(|(k, _)| k != "execute_count"));
        let esb = build_call(
            &conn(AuthMode::Esb),
            Lang::En,
            Api::StepStatus,
            &step_status(&route(), 5, StepQuery::round(0)),
        );
        assert_eq!(esb.method, Method::Post);
        assert!(esb.body.unwrap().contains("\"execute_count\":0"));
    }
    #[test]
    fn gateway_batch_and_operate_are_posts() {
        let c = build_call(
            &conn(AuthMode::None),
            Lang::ZhCn,
            Api::Operate,
            &terminate(&route()),
        );
        assert_eq!(
            (c.method, c.url.as_str()),
            (Method::Post, "http://h/prod/api/v3/operate_job_instance")
        );
        let body: Value = serde_json::from_str(c.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["operation_code"], 1);
        assert_eq!(
            body["job_instance_id"].as_i64(),
            Some(9_007_199_254_740_993)
        );
        assert!(c.headers.iter().all(|(n, _)| n != "X-Bkapi-Authorization"));
        let ids: Vec<i64> = (1..=500).collect();
        let c = build_call(
            &conn(AuthMode::Gateway),
            Lang::ZhCn,
            Api::BatchIpLog,
            &batch(&route(), 3, ids),
        );
        assert_eq!(c.method, Method::Post);
        let body: Value = serde_json::from_str(c.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["host_id_list"].as_array().unwrap().len(), 500);
        assert_eq!(body["step_instance_id"], 3);
    }
    #[test]
    fn operate_step_is_a_post_on_both_paths() {
        let req = operate_step(&route(), 77, StepOperation::RollingContinue);
        for (mode, url) in [
            (
                AuthMode::Gateway,
                "http://h/prod/api/v3/operate_step_instance",
            ),
            (
                AuthMode::Esb,
                "http://h/prod/api/c/compapi/v2/jobv3/operate_step_instance/",
            ),
        ] {
            let c = build_call(&conn(mode), Lang::En, Api::OperateStep, &req);
            assert_eq!((c.method, c.url.as_str()), (Method::Post, url));
            let body: Value = serde_json::from_str(c.body.as_deref().unwrap()).unwrap();
            assert_eq!(body["operation_code"], 13);
            assert_eq!(body["step_instance_id"], 77);
            assert_eq!(
                body["job_instance_id"].as_i64(),
                Some(9_007_199_254_740_993)
            );
            assert_eq!(body["bk_scope_type"], "biz");
        }
        let ok = r#"{"result":true,"code":0,"data":{"job_instance_id":1,"job_instance_name":null,"step_instance_id":77}}"#;
        let d: OperateStepInstanceData = read_answer(200, ok).unwrap();
        assert_eq!(d.step_instance_id, 77);
        let refused = r#"{"result":false,"code":1241003,"message":"Unsupported operation"}"#;
        assert_eq!(
            read_answer::<OperateStepInstanceData>(200, refused)
                .unwrap_err()
                .code(),
            Some(1_241_003)
        );
    }
    #[test]
    fn esb_posts_with_credentials_in_the_body() {
        let c = build_call(
            &conn(AuthMode::Esb),
            Lang::En,
            Api::Status,
            &status(&route()),
        );
        assert_eq!(c.method, Method::Post);
        assert_eq!(
            c.url,
            "http://h/prod/api/c/compapi/v2/jobv3/get_job_instance_status/"
        );
        let body: Value = serde_json::from_str(c.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["bk_app_secret"], "s3cr3t");
        assert_eq!(body["return_ip_result"], true);
        assert!(body.get("bk_token").is_none());
    }
    #[test]
    fn host_log_by_id_else_by_ip() {
        let h = StepIpResult {
            bk_host_id: Some(101),
            ip: Some("1.1.1.1".into()),
            bk_cloud_id: Some(0),
            ..Default::default()
        };
        let r = host_log(&route(), 7, &h);
        assert_eq!((r.bk_host_id, r.ip.as_deref()), (Some(101), None));
        let h = StepIpResult {
            bk_host_id: None,
            ip: Some("1.1.1.1".into()),
            ..Default::default()
        };
        let r = host_log(&route(), 7, &h);
        assert_eq!(
            (r.bk_host_id, r.bk_cloud_id, r.ip.as_deref()),
            (None, Some(0), Some("1.1.1.1"))
        );
    }

    /// The view sends each request as written by its `WriteJson` (not serde): the very call
    /// the serde text gives, in every mode.
    #[test]
    fn the_written_requests_make_the_serde_calls() {
        use crate::api::call::build_call_with;
        use bkjob_api::to_json::WriteJson;
        use bkjob_api::HostStatus;

        fn same(api: Api, req: &(impl serde::Serialize + WriteJson)) {
            for mode in [AuthMode::Gateway, AuthMode::Esb, AuthMode::None] {
                let c = conn(mode);
                assert_eq!(
                    build_call_with(&c, Lang::En, api, req.to_json_text()),
                    build_call(&c, Lang::En, api, req),
                    "{mode:?} {}",
                    api.name()
                );
            }
        }
        let r = route();
        let host = StepIpResult {
            bk_host_id: None,
            ip: Some("1.1.1.1".into()),
            status: HostStatus::Success.code(),
            ..Default::default()
        };
        same(Api::Status, &status(&r));
        same(Api::IpLog, &host_log(&r, 7, &host));
        same(Api::BatchIpLog, &batch(&r, 7, vec![1, 2, 3]));
        same(Api::Operate, &terminate(&r));
        same(
            Api::OperateStep,
            &operate_step(&r, 7, StepOperation::ConfirmContinue),
        );
        same(
            Api::StepStatus,
            &step_status(&r, 7, StepQuery::batch_size(2)),
        );
    }
}
