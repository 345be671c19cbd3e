//! The job view's calls to the companion APIs: the requests, in plain Rust, how an answer
//! becomes the view's data or a [`CallError`] (through the one envelope reader,
//! [`super::envelope`]), and the [`JobApi`] seam the view talks to ([`HttpJobApi`] in the app,
//! a fake in the wasm tests). The calls themselves are built by [`super::call`] and sent by the
//! one client, [`super::client`].

use std::future::Future;
use std::pin::Pin;

use bkjob_api::{
    BatchGetJobInstanceIpLogRequest, BatchIpLogData, ErrorCode, GetJobInstanceIpLogRequest,
    GetJobInstanceStatusRequest, GetStepInstanceStatusRequest, IpLogData, JobInstanceStatusData,
    Lang, OperateJobInstanceData, OperateJobInstanceRequest, OperateStepInstanceData,
    OperateStepInstanceRequest, OperationCode, Permission, StepInstanceStatusData, StepIpResult,
    StepOperation,
};
use leptos::prelude::{GetUntracked, Signal};
use serde::Serialize;

use super::call::{build_call, Api};
use super::client::{self, Failure};
use super::envelope::{self, excerpt, Answer, Payload, Verdict, EXCERPT_CHARS};
use crate::connection::Connection;
use crate::job::rounds::StepQuery;
use crate::job::route::JobRoute;
use crate::outcome::Kind;

/// Why a call gave no data.
#[derive(Clone, Debug, PartialEq)]
pub enum CallError {
    /// BK-JOB (or the gateway) answered with an error envelope.
    Api {
        /// HTTP status.
        http_status: u16,
        /// Error code (9900403 permission, 1244006 unknown job, …).
        code: i64,
        /// The localized message.
        message: String,
        /// Request ID.
        job_request_id: Option<String>,
        /// Missing permissions (with 9900403), boxed to keep the error small.
        permission: Option<Box<Permission>>,
    },
    /// An answer that is not a BK-JOB envelope (HTML error page, 502, truncated JSON…).
    Http {
        /// HTTP status.
        http_status: u16,
        /// The first characters of the body.
        excerpt: String,
    },
    /// No answer at all (connection refused, offline, CORS).
    Network {
        /// The browser's error text.
        detail: String,
    },
    /// An answer bigger than the cap ([`crate::limit`]), not read.
    TooLarge {
        /// HTTP status.
        http_status: u16,
        /// The cap, bytes.
        max_bytes: u64,
    },
}

impl CallError {
    /// `data-kind` of the error panel ([`Kind::name`], shared with the launch's outcome).
    pub fn kind(&self) -> &'static str {
        let kind = match self {
            CallError::Api { code, .. } if *code == ErrorCode::PERMISSION_DENIED.0 => {
                Kind::Permission
            }
            CallError::Api { .. } => Kind::ApiError,
            CallError::Http { .. } => Kind::HttpError,
            CallError::Network { .. } => Kind::Network,
            CallError::TooLarge { .. } => Kind::TooLarge,
        };
        kind.name()
    }

    /// The BK-JOB code, if any.
    pub fn code(&self) -> Option<i64> {
        match self {
            CallError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }
}

/// Read an answer: the `data` of a success, else what went wrong (the one envelope reader,
/// shared with the launch).
pub fn read_answer<T: Payload>(http_status: u16, body: &str) -> Result<T, CallError> {
    let answer: Answer<T> = envelope::read(http_status, body);
    // This view shows an HTTP error as a body excerpt only, so an error envelope on one (the
    // gateway's 401…) is shown as an API error, with its code and message.
    let Some(code) = answer.error_code() else {
        return match answer.verdict {
            Verdict::Data(data) => Ok(data),
            _ => Err(CallError::Http {
                http_status,
                excerpt: excerpt(body, EXCERPT_CHARS),
            }),
        };
    };
    Err(CallError::Api {
        http_status,
        code,
        message: answer.message.unwrap_or_default(),
        job_request_id: answer.request_id,
        permission: answer
            .permission_json
            .and_then(|p| serde_json::from_str(&p).ok())
            .map(Box::new),
    })
}

/// A boxed local future (the browser's fetch futures are not `Send`).
pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// What the job view needs from the server. [`HttpJobApi`] calls BK-JOB; tests use fakes.
pub trait JobApi {
    /// `get_job_instance_status` with `return_ip_result=true`.
    fn status(&self, route: &JobRoute) -> LocalFuture<Result<JobInstanceStatusData, CallError>>;
    /// `get_job_instance_ip_log` for one host (by host ID, else cloud + IP).
    fn host_log(
        &self,
        route: &JobRoute,
        step_instance_id: i64,
        host: &StepIpResult,
    ) -> LocalFuture<Result<IpLogData, CallError>>;
    /// `batch_get_job_instance_ip_log` for at most 500 hosts.
    fn batch_logs(
        &self,
        route: &JobRoute,
        step_instance_id: i64,
        host_ids: Vec<i64>,
    ) -> LocalFuture<Result<BatchIpLogData, CallError>>;
    /// `operate_job_instance` with code 1 (terminate).
    fn terminate(&self, route: &JobRoute)
        -> LocalFuture<Result<OperateJobInstanceData, CallError>>;
    /// `operate_step_instance` with `op`, aborted after [`OPERATE_TIMEOUT_SECS`] (then a
    /// [`CallError::Network`]: its outcome is unknown).
    fn operate_step(
        &self,
        route: &JobRoute,
        step_instance_id: i64,
        op: StepOperation,
    ) -> LocalFuture<Result<OperateStepInstanceData, CallError>>;
    /// `get_step_instance_status` of the step: one round, one batch.
    fn step_status(
        &self,
        route: &JobRoute,
        step_instance_id: i64,
        query: StepQuery,
    ) -> LocalFuture<Result<StepInstanceStatusData, CallError>>;
}

/// How long a step operation may take before the view gives up waiting (its outcome is then
/// unknown, and it is not sent again).
pub const OPERATE_TIMEOUT_SECS: u32 = 30;

/// The requests, in plain Rust.
pub mod requests {
    use super::*;

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
    pub fn host_log(
        route: &JobRoute,
        step: i64,
        host: &StepIpResult,
    ) -> GetJobInstanceIpLogRequest {
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
    pub fn batch(
        route: &JobRoute,
        step: i64,
        host_ids: Vec<i64>,
    ) -> BatchGetJobInstanceIpLogRequest {
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
    pub fn operate_step(
        route: &JobRoute,
        step: i64,
        op: StepOperation,
    ) -> OperateStepInstanceRequest {
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
    pub fn step_status(
        route: &JobRoute,
        step: i64,
        query: StepQuery,
    ) -> GetStepInstanceStatusRequest {
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
}

/// The real client: the app's connection settings (read at each call, so edits apply to the
/// next poll) and the UI language (for `Blueking-Language`).
#[derive(Clone, Copy)]
pub struct HttpJobApi {
    /// Connection settings.
    pub conn: Signal<Connection>,
    /// UI language.
    pub lang: Signal<Lang>,
}

impl HttpJobApi {
    /// A client over the app's settings.
    pub fn new(conn: Signal<Connection>, lang: Signal<Lang>) -> Self {
        HttpJobApi { conn, lang }
    }

    fn call<T: Payload + 'static, R: Serialize>(
        &self,
        api: Api,
        request: &R,
    ) -> LocalFuture<Result<T, CallError>> {
        self.call_within(api, request, None)
    }

    fn call_within<T: Payload + 'static, R: Serialize>(
        &self,
        api: Api,
        request: &R,
        timeout_secs: Option<u32>,
    ) -> LocalFuture<Result<T, CallError>> {
        let mut call = build_call(
            &self.conn.get_untracked(),
            self.lang.get_untracked(),
            api,
            request,
        );
        call.timeout_secs = timeout_secs;
        Box::pin(async move {
            let (status, text) = fetch(call).await?;
            read_answer(status, &text)
        })
    }
}

// Not generic: one copy of the fetch serves every answer type.
async fn fetch(call: super::call::HttpCall) -> Result<(u16, String), CallError> {
    match client::send(call).await {
        // The bytes, decoded in wasm: a big answer (50,000 hosts, ~9 MB) then skips the JS
        // string that `text()` decodes and wasm-bindgen copies back in char by char (~30 ms).
        Ok(reply) => Ok((reply.status, body_text(reply.bytes))),
        Err(Failure::TooLarge {
            http_status,
            max_bytes,
        }) => Err(CallError::TooLarge {
            http_status,
            max_bytes,
        }),
        // A timeout (step operations only) is a lost answer as well.
        Err(Failure::Network(detail) | Failure::Timeout(detail)) => {
            Err(CallError::Network { detail })
        }
    }
}

/// A body's bytes as text, as `Response.text()` decodes them: UTF-8, a leading BOM dropped,
/// invalid sequences as U+FFFD. Valid UTF-8 (the usual case) is reused without a copy.
pub fn body_text(mut bytes: Vec<u8>) -> String {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl JobApi for HttpJobApi {
    fn status(&self, route: &JobRoute) -> LocalFuture<Result<JobInstanceStatusData, CallError>> {
        self.call(Api::Status, &requests::status(route))
    }

    fn host_log(
        &self,
        route: &JobRoute,
        step_instance_id: i64,
        host: &StepIpResult,
    ) -> LocalFuture<Result<IpLogData, CallError>> {
        self.call(
            Api::IpLog,
            &requests::host_log(route, step_instance_id, host),
        )
    }

    fn batch_logs(
        &self,
        route: &JobRoute,
        step_instance_id: i64,
        host_ids: Vec<i64>,
    ) -> LocalFuture<Result<BatchIpLogData, CallError>> {
        self.call(
            Api::BatchIpLog,
            &requests::batch(route, step_instance_id, host_ids),
        )
    }

    fn terminate(
        &self,
        route: &JobRoute,
    ) -> LocalFuture<Result<OperateJobInstanceData, CallError>> {
        self.call(Api::Operate, &requests::terminate(route))
    }

    fn operate_step(
        &self,
        route: &JobRoute,
        step_instance_id: i64,
        op: StepOperation,
    ) -> LocalFuture<Result<OperateStepInstanceData, CallError>> {
        self.call_within(
            Api::OperateStep,
            &requests::operate_step(route, step_instance_id, op),
            Some(OPERATE_TIMEOUT_SECS),
        )
    }

    fn step_status(
        &self,
        route: &JobRoute,
        step_instance_id: i64,
        query: StepQuery,
    ) -> LocalFuture<Result<StepInstanceStatusData, CallError>> {
        self.call(
            Api::StepStatus,
            &requests::step_status(route, step_instance_id, query),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::call::Method;
    use crate::connection::{AuthMode, MessageLang};
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
            &requests::status(&route()),
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
            build_call(&capped, Lang::En, Api::IpLog, &requests::status(&route())).max_answer_bytes,
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
            &requests::step_status(&route(), 5, StepQuery::round(1)),
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
            &requests::step_status(&route(), 5, StepQuery::batch_size(3)),
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
            &requests::step_status(&route(), 5, StepQuery::round(0)),
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
            &requests::terminate(&route()),
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
            &requests::batch(&route(), 3, ids),
        );
        assert_eq!(c.method, Method::Post);
        let body: Value = serde_json::from_str(c.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["host_id_list"].as_array().unwrap().len(), 500);
        assert_eq!(body["step_instance_id"], 3);
    }

    #[test]
    fn operate_step_is_a_post_on_both_paths() {
        let req = requests::operate_step(&route(), 77, StepOperation::RollingContinue);
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
            &requests::status(&route()),
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
        let r = requests::host_log(&route(), 7, &h);
        assert_eq!((r.bk_host_id, r.ip.as_deref()), (Some(101), None));
        let h = StepIpResult {
            bk_host_id: None,
            ip: Some("1.1.1.1".into()),
            ..Default::default()
        };
        let r = requests::host_log(&route(), 7, &h);
        assert_eq!(
            (r.bk_host_id, r.bk_cloud_id, r.ip.as_deref()),
            (None, Some(0), Some("1.1.1.1"))
        );
    }

    #[test]
    fn answers() {
        let ok = r#"{"result":true,"code":0,"data":{"job_instance_id":9007199254740993}}"#;
        let d: OperateJobInstanceData = read_answer(200, ok).unwrap();
        assert_eq!(d.job_instance_id, 9_007_199_254_740_993);

        let perm = r#"{"result":false,"code":9900403,"message":"no","permission":{"system_id":"bk_job","system_name":"Job","actions":[{"id":"view_history","name":"View History","related_resource_types":[]}]}}"#;
        let e = read_answer::<OperateJobInstanceData>(200, perm).unwrap_err();
        assert_eq!(e.kind(), "permission");
        match e {
            CallError::Api {
                permission: Some(p),
                ..
            } => assert_eq!(p.actions[0].id, "view_history"),
            other => panic!("{other:?}"),
        }

        let unknown = r#"{"result":false,"code":1244006,"message":"Task instance does not exist","job_request_id":"r1"}"#;
        let e = read_answer::<OperateJobInstanceData>(200, unknown).unwrap_err();
        assert_eq!(
            (e.kind(), e.code()),
            ("api-error", Some(ErrorCode::TASK_INSTANCE_NOT_EXIST.0))
        );

        let gw = r#"{"result":false,"code":16000000,"message":"App authentication failed"}"#;
        assert_eq!(
            read_answer::<OperateJobInstanceData>(401, gw)
                .unwrap_err()
                .code(),
            Some(16_000_000)
        );

        let html = "<html>502 Bad Gateway</html>";
        assert_eq!(
            read_answer::<OperateJobInstanceData>(502, html)
                .unwrap_err()
                .kind(),
            "http-error"
        );
        assert_eq!(
            read_answer::<OperateJobInstanceData>(200, r#"{"result":true,"code":0"#)
                .unwrap_err()
                .kind(),
            "http-error"
        );
        // success without the expected data
        assert_eq!(
            read_answer::<OperateJobInstanceData>(200, r#"{"result":true,"code":0}"#)
                .unwrap_err()
                .kind(),
            "http-error"
        );
    }

    #[test]
    fn answers_share_the_launch_reader() {
        // A gateway's error envelope on an HTTP error is shown with its message.
        let gw =
            r#"{"result":false,"code":1247002,"message":"Missing user info","request_id":"esb-1"}"#;
        assert_eq!(
            read_answer::<OperateJobInstanceData>(401, gw).unwrap_err(),
            CallError::Api {
                http_status: 401,
                code: 1_247_002,
                message: "Missing user info".into(),
                job_request_id: Some("esb-1".into()),
                permission: None,
            }
        );
        // A code without `result` is still BK-JOB's error.
        let e = read_answer::<OperateJobInstanceData>(200, r#"{"code":1244006}"#).unwrap_err();
        assert_eq!(e.code(), Some(ErrorCode::TASK_INSTANCE_NOT_EXIST.0));
        // `result:true` decides, as for the launch.
        let odd = r#"{"result":true,"code":5,"data":{"job_instance_id":1}}"#;
        assert_eq!(
            read_answer::<OperateJobInstanceData>(200, odd)
                .unwrap()
                .job_instance_id,
            1
        );
        // Malformed data on success: an HTTP error with the body's excerpt.
        let bad = r#"{"result":true,"code":0,"data":{"job_instance_id":"x"}}"#;
        assert_eq!(
            read_answer::<OperateJobInstanceData>(200, bad).unwrap_err(),
            CallError::Http {
                http_status: 200,
                excerpt: bad.into(),
            }
        );
        // A permission object that is not the documented shape is left out.
        let e = read_answer::<OperateJobInstanceData>(
            200,
            r#"{"result":false,"code":9900403,"message":"no","permission":{"x":1}}"#,
        )
        .unwrap_err();
        assert!(matches!(
            e,
            CallError::Api {
                permission: None,
                ..
            }
        ));
    }

    #[test]
    fn body_bytes_decode_like_response_text() {
        assert_eq!(body_text(b"[\"\xE4\xB8\x96\"]".to_vec()), "[\"世\"]");
        // a leading BOM is dropped, a later one kept
        assert_eq!(
            body_text(b"\xEF\xBB\xBF{}\xEF\xBB\xBF".to_vec()),
            "{}\u{FEFF}"
        );
        // invalid sequences become U+FFFD, one per maximal bad subpart
        assert_eq!(
            body_text(b"a\xFFb\xE4\xB8c".to_vec()),
            "a\u{FFFD}b\u{FFFD}c"
        );
        assert_eq!(body_text(Vec::new()), "");
    }
}
