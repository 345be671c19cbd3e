//! The job view's calls to the companion APIs: the requests, in plain Rust, how an answer
//! becomes the view's data or a [`CallError`] (through the one envelope reader,
//! [`super::envelope`]), and the [`JobApi`] seam the view talks to ([`HttpJobApi`] in the app,
//! a fake in the wasm tests). The calls themselves are built by [`super::call`] and sent by the
//! one client, [`super::client`].

use std::future::Future;
use std::pin::Pin;

use bkjob_api::read_json::from_text;
use bkjob_api::to_json::WriteJson;
use bkjob_api::{
    BatchIpLogData, ErrorCode, IpLogData, JobInstanceStatusData, Lang, OperateJobInstanceData,
    OperateStepInstanceData, Permission, StepInstanceStatusData, StepIpResult, StepOperation,
};
use leptos::prelude::{GetUntracked, Signal};
use serde::Serialize;

use super::call::{build_call_with, Api};
use super::client::{self, Failure};
use super::envelope::{self, excerpt, Answer, Head, Payload, Unreadable, Verdict, EXCERPT_CHARS};
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

    /// The server does not offer this API (an older BK-JOB, or a gateway without the
    /// resource): HTTP 404, or the gateway's `API_NOT_FOUND` (1640401). Callers then say so
    /// and carry on without it.
    pub fn not_offered(&self) -> bool {
        match self {
            CallError::Api {
                http_status, code, ..
            } => *http_status == 404 || *code == 1_640_401,
            CallError::Http { http_status, .. } => *http_status == 404,
            _ => false,
        }
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
    answer_of(http_status, body, T::parse(body))
}

/// A read envelope as the answer. Only taking `data` out is generic: the decision and the
/// error are [`error_of`]'s, one copy for every answer type.
fn answer_of<T>(
    http_status: u16,
    body: &str,
    parsed: Result<(Head, Option<T>), Unreadable>,
) -> Result<T, CallError> {
    let mut data = None;
    let parsed = parsed.map(|(head, d)| {
        let found = d.as_ref().map(|_| ());
        data = d;
        (head, found)
    });
    match (error_of(http_status, body, parsed), data) {
        (None, Some(data)) => Ok(data),
        (error, _) => Err(error.unwrap_or_else(|| http_error(http_status, body))),
    }
}

fn http_error(http_status: u16, body: &str) -> CallError {
    CallError::Http {
        http_status,
        excerpt: excerpt(body, EXCERPT_CHARS),
    }
}

/// What went wrong, if anything, by the envelope's one decision ([`envelope::decide`]).
fn error_of(
    http_status: u16,
    body: &str,
    parsed: Result<(Head, Option<()>), Unreadable>,
) -> Option<CallError> {
    let answer: Answer<()> = envelope::decide(http_status, parsed);
    // This view shows an HTTP error as a body excerpt only, so an error envelope on one (the
    // gateway's 401…) is shown as an API error, with its code and message.
    let Some(code) = answer.error_code() else {
        return match answer.verdict {
            Verdict::Data(()) => None,
            _ => Some(http_error(http_status, body)),
        };
    };
    Some(CallError::Api {
        http_status,
        code,
        message: answer.message.unwrap_or_default(),
        job_request_id: answer.request_id,
        permission: answer
            .permission_json
            .and_then(|p| from_text::<Permission>(&p))
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
pub mod requests;

mod list;
pub use list::JobListApi;

mod agents;
pub use agents::AgentApi;

mod library;
pub use library::{AccountListApi, Library, ScriptLibraryApi, PICKER_TIMEOUT_SECS};

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
        let fields = serde_json::to_string(request).unwrap_or_else(|_| "{}".to_owned());
        self.call_fields(api, fields, timeout_secs)
    }

    /// The job view's own calls: requests written by their [`WriteJson`] (as their serde
    /// derives write them), so the on-demand module needs no serde serializer for them.
    fn call_json<T: Payload + 'static>(
        &self,
        api: Api,
        request: &impl WriteJson,
        timeout_secs: Option<u32>,
    ) -> LocalFuture<Result<T, CallError>> {
        self.call_fields(api, request.to_json_text(), timeout_secs)
    }

    /// The call of `api` with its business fields as JSON text.
    fn call_fields<T: Payload + 'static>(
        &self,
        api: Api,
        fields: String,
        timeout_secs: Option<u32>,
    ) -> LocalFuture<Result<T, CallError>> {
        let mut call = build_call_with(
            &self.conn.get_untracked(),
            self.lang.get_untracked(),
            api,
            fields,
        );
        call.timeout_secs = timeout_secs;
        // The fetch is one boxed future for every answer type; only reading the answer is
        // generic.
        let reply: LocalFuture<_> = Box::pin(fetch(call));
        Box::pin(async move {
            let (status, text) = reply.await?;
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

impl HttpJobApi {
    /// `get_dangerous_rule_list`, every rule (BK-JOB's rules are global).
    pub fn dangerous_rules(&self) -> LocalFuture<Result<Vec<bkjob_api::DangerousRule>, CallError>> {
        self.call(
            Api::DangerRules,
            &bkjob_api::GetDangerousRuleListRequest::default(),
        )
    }
}

impl JobApi for HttpJobApi {
    fn status(&self, route: &JobRoute) -> LocalFuture<Result<JobInstanceStatusData, CallError>> {
        self.call_json(Api::Status, &requests::status(route), None)
    }

    fn host_log(
        &self,
        route: &JobRoute,
        step_instance_id: i64,
        host: &StepIpResult,
    ) -> LocalFuture<Result<IpLogData, CallError>> {
        self.call_json(
            Api::IpLog,
            &requests::host_log(route, step_instance_id, host),
            None,
        )
    }

    fn batch_logs(
        &self,
        route: &JobRoute,
        step_instance_id: i64,
        host_ids: Vec<i64>,
    ) -> LocalFuture<Result<BatchIpLogData, CallError>> {
        self.call_json(
            Api::BatchIpLog,
            &requests::batch(route, step_instance_id, host_ids),
            None,
        )
    }

    fn terminate(
        &self,
        route: &JobRoute,
    ) -> LocalFuture<Result<OperateJobInstanceData, CallError>> {
        self.call_json(Api::Operate, &requests::terminate(route), None)
    }

    fn operate_step(
        &self,
        route: &JobRoute,
        step_instance_id: i64,
        op: StepOperation,
    ) -> LocalFuture<Result<OperateStepInstanceData, CallError>> {
        self.call_json(
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
        self.call_json(
            Api::StepStatus,
            &requests::step_status(route, step_instance_id, query),
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_the_server_lacks_is_told_apart() {
        let gateway = r#"{"code":1640401,"code_name":"API_NOT_FOUND","message":"API not found","result":false,"data":null}"#;
        let e = read_answer::<OperateJobInstanceData>(404, gateway).unwrap_err();
        assert!(e.not_offered(), "{e:?}");
        let html = read_answer::<OperateJobInstanceData>(404, "<html>Not Found</html>");
        assert!(html.unwrap_err().not_offered());
        let denied = r#"{"result":false,"code":9900403,"message":"no"}"#;
        assert!(!read_answer::<OperateJobInstanceData>(200, denied)
            .unwrap_err()
            .not_offered());
        assert!(!CallError::Network { detail: "x".into() }.not_offered());
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
    /// The job view's pull reader against the serde reader it replaced (which the history's
    /// answers still use): the same data or the same error for the same body, on everything
    /// BK-JOB, a gateway or a proxy may send, odd data and unknown fields included.
    #[test]
    fn the_pulled_reader_decides_like_the_serde_reader() {
        fn both<T: Payload + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
            bodies: &[String],
        ) {
            for status in [200, 400, 401, 403, 500, 502] {
                for body in bodies {
                    let ours = read_answer::<T>(status, body);
                    let serde = answer_of(status, body, envelope::parse_with_serde::<T>(body));
                    assert_eq!(ours, serde, "HTTP {status}: {body}");
                }
            }
        }
        let envelopes = |data: &str| {
            [
                format!(r#"{{"result":true,"code":0,"data":{data},"job_request_id":"r"}}"#),
                format!(
                    r#"{{"data":{data},"result":true,"code":0,"trace":{{"deep":[[[{{"x":[1,2,{{}}]}}]]]}}}}"#
                ),
                format!(
                    r#"{{"result":true,"code":0,"data":{data},"request_id":12345678901234567890}}"#
                ),
                format!(r#"{{"result":true,"code":"0","data":{data},"message":77}}"#),
                format!(r#"{{"code":0,"data":{data}}}"#),
                format!(r#"{{"result":true,"data":{data},"data":null}}"#),
                format!(r#"{{"result":true,"data":null,"data":{data}}}"#),
                format!(r#"{{"result":true,"data":"x","data":{data}}}"#),
                format!(r#"{{"result":true,"data":{data},"data":"x"}}"#),
                format!(r#"{{"result":true,"data":{data},"x":[1,,2]}}"#),
                format!(r#"{{"result":true,"data":{data}"#),
                format!(
                    r#"{{"result":false,"code":9900403,"data":{data},"permission":{{"system_id":"bk_job","system_name":"Job","actions":[{{"id":"view_history","name":"V","related_resource_types":[]}}]}}}}"#
                ),
            ]
        };
        let common = [
            r#"{"result":true,"code":0}"#,
            r#"{"result":true,"code":0,"data":null}"#,
            r#"{"result":true,"code":0,"data":[]}"#,
            r#"{"result":true,"code":0,"data":{}}"#,
            r#"{"result":true,"code":0,"data":{"job_inst"#,
            r#"{"result":true,"code":0,"data":{"job_instance_id":x}}"#,
            r#"{"result":true,"code":0,"data":{"job_instance_id":"1","x":[1,,2]}}"#,
            r#"{"result":false,"code":1244001,"message":"主机为空","job_request_id":"r2"}"#,
            r#"{"result":false,"code":9900403,"message":"m","permission":{"actions":[{"id":"a","n":[1,true,null]}]}}"#,
            r#"{"result":false,"code":9900403,"message":"m","permission":{"system_id":"bk_job","system_name":"作业平台","actions":[{"id":"view_history","name":"查看","related_resource_types":[{"system_id":"bk_cmdb","system_name":"配置平台","type":"host","type_name":"主机","instances":[[{"type":"biz","type_name":"业务","id":"2","name":"蓝鲸"}]]}]}]}}"#,
            r#"{"result":false,"code":9900403,"message":"m"}"#,
            r#"{"result":false,"code":0,"message":"odd"}"#,
            r#"{"result":"false","code":1244001}"#,
            r#"{"code":1640001,"result":false,"message":"app not found"}"#,
            r#"{"result":false,"code":1244001,"message":null,"request_id":"esb-1"}"#,
            r#"<html><body>502 Bad Gateway</body></html>"#,
            r#"{"result":true"#,
            "",
            "null",
            "[1]",
            r#""text""#,
            "{} trailing",
        ]
        .map(str::to_owned);
        let status = r#"{"finished":false,"job_instance":{"job_instance_id":9007199254740993,"status":2,"name":"j"},"step_instance_list":[{"step_instance_id":1,"status":2,"step_ip_result_list":[{"bk_host_id":101,"status":9,"tag":"","ip":"10.0.0.1","exit_code":0,"ipv6":"::1"},{"status":1,"bk_cloud_id":0,"ip":"10.0.0.2","bk_host_id":null}]}]}"#;
        for data in [
            status,
            r#"{"finished":true,"job_instance":{"job_instance_id":1,"status":"2"}}"#,
            r#"{"finished":true,"job_instance":{"job_instance_id":1}}"#,
            r#"{"finished":true,"job_instance":{"job_instance_id":1,"status":2},"step_instance_list":[{"step_instance_id":1,"status":2,"step_ip_result_list":[{"status":9,"tag":null}]}]}"#,
        ] {
            let mut bodies = envelopes(data).to_vec();
            bodies.extend(common.iter().cloned());
            both::<JobInstanceStatusData>(&bodies);
        }
        let mut bodies =
            envelopes(r#"{"job_instance_id":1,"job_instance_name":null,"step_instance_id":2}"#)
                .to_vec();
        bodies.extend(envelopes(r#"{"job_instance_id":1}"#));
        bodies.extend(common.iter().cloned());
        both::<OperateStepInstanceData>(&bodies);
        both::<OperateJobInstanceData>(&bodies);
        let mut bodies = envelopes(
            r#"{"log_type":1,"bk_host_id":101,"log_content":"a\nb \u001b[31m","file_logs":null}"#,
        )
        .to_vec();
        bodies.extend(common.iter().cloned());
        both::<IpLogData>(&bodies);
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
