//! Calling the companion APIs: building each call from the app's [`Connection`] and reading
//! each answer, in plain Rust (unit-tested natively); plus the [`JobApi`] seam the view talks
//! to ([`HttpJobApi`] in the app, a fake in tests).
//!
//! Gateway / no-auth mode: `GET /api/v3/{api}?…` for the two read APIs the gateway maps to
//! GET, `POST` for the others, credentials in `X-Bkapi-Authorization`. ESB mode: `POST
//! /api/c/compapi/v2/jobv3/{api}/` with the credentials in the body (ESB declares every
//! jobv3 route POST).

use std::future::Future;
use std::pin::Pin;

use bkjob_api::{
    BatchGetJobInstanceIpLogRequest, BatchIpLogData, EsbCommonArgs, EsbRequest,
    GetJobInstanceIpLogRequest, GetJobInstanceStatusRequest, IpLogData, JobInstanceStatusData,
    Lang, OperateJobInstanceData, OperateJobInstanceRequest, OperationCode, Permission,
    StepIpResult,
};
use leptos::prelude::{GetUntracked, Signal};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::route::JobRoute;
use crate::conn::{AuthMode, Connection};
use crate::outcome::{excerpt, str_field, EXCERPT_CHARS};

/// BK-JOB's "permission denied" code.
pub const CODE_PERMISSION: i64 = 9_900_403;
/// BK-JOB's "job instance does not exist" code.
pub const CODE_UNKNOWN_JOB: i64 = 1_244_006;

/// The companion APIs this view uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    /// `get_job_instance_status` (GET on the gateway).
    Status,
    /// `get_job_instance_ip_log` (GET on the gateway).
    IpLog,
    /// `batch_get_job_instance_ip_log` (POST).
    BatchIpLog,
    /// `operate_job_instance` (POST).
    Operate,
}

impl Api {
    /// The API name in the URL.
    pub fn name(self) -> &'static str {
        match self {
            Api::Status => "get_job_instance_status",
            Api::IpLog => "get_job_instance_ip_log",
            Api::BatchIpLog => "batch_get_job_instance_ip_log",
            Api::Operate => "operate_job_instance",
        }
    }

    fn gateway_get(self) -> bool {
        matches!(self, Api::Status | Api::IpLog)
    }
}

/// One HTTP call, ready for fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpCall {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// URL without the query.
    pub url: String,
    /// Query parameters (GET).
    pub query: Vec<(String, String)>,
    /// Headers, secrets included (never log them).
    pub headers: Vec<(String, String)>,
    /// JSON body (POST).
    pub body: Option<String>,
}

fn query_of(value: &Value) -> Vec<(String, String)> {
    value
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    let v = v
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string());
                    (k.clone(), v)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Build the call of `api` with the business fields `request`.
pub fn build_call<T: Serialize>(
    conn: &Connection,
    ui_lang: Lang,
    api: Api,
    request: &T,
) -> HttpCall {
    let headers = conn.headers(ui_lang);
    let fields = serde_json::to_value(request).unwrap_or(Value::Null);
    match conn.auth_mode {
        AuthMode::Esb => {
            let common = EsbCommonArgs {
                bk_app_code: opt(&conn.bk_app_code),
                bk_app_secret: opt(&conn.bk_app_secret),
                bk_token: opt(&conn.bk_token),
                bk_username: opt(&conn.bk_username),
            };
            let body = serde_json::to_string(&EsbRequest {
                common,
                body: fields,
            })
            .ok();
            HttpCall {
                method: "POST",
                url: format!("{}/api/c/compapi/v2/jobv3/{}/", conn.base(), api.name()),
                query: Vec::new(),
                headers,
                body,
            }
        }
        AuthMode::Gateway | AuthMode::None => {
            let url = format!("{}/api/v3/{}", conn.base(), api.name());
            if api.gateway_get() {
                HttpCall {
                    method: "GET",
                    url,
                    query: query_of(&fields),
                    headers: headers
                        .into_iter()
                        .filter(|(n, _)| n != "Content-Type")
                        .collect(),
                    body: None,
                }
            } else {
                HttpCall {
                    method: "POST",
                    url,
                    query: Vec::new(),
                    headers,
                    body: serde_json::to_string(&fields).ok(),
                }
            }
        }
    }
}

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
}

impl CallError {
    /// `data-kind` of the error panel.
    pub fn kind(&self) -> &'static str {
        match self {
            CallError::Api {
                code: CODE_PERMISSION,
                ..
            } => "permission",
            CallError::Api { .. } => "api-error",
            CallError::Http { .. } => "http-error",
            CallError::Network { .. } => "network",
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

/// Read an answer: the `data` of a success, else what went wrong. IDs are read by serde_json
/// straight into `i64` (exact above 2^53).
pub fn read_answer<T: DeserializeOwned>(http_status: u16, body: &str) -> Result<T, CallError> {
    let http = || CallError::Http {
        http_status,
        excerpt: excerpt(body, EXCERPT_CHARS),
    };
    let Ok(Value::Object(mut obj)) = serde_json::from_str::<Value>(body) else {
        return Err(http());
    };
    let code = obj.get("code").and_then(Value::as_i64);
    let result = obj.get("result").and_then(Value::as_bool);
    match (result, code) {
        (Some(true), Some(0)) | (Some(true), None) if (200..300).contains(&http_status) => obj
            .remove("data")
            .and_then(|d| serde_json::from_value(d).ok())
            .ok_or_else(http),
        (_, Some(code)) if code != 0 => Err(CallError::Api {
            http_status,
            code,
            message: str_field(&obj, "message").unwrap_or_default(),
            job_request_id: str_field(&obj, "job_request_id")
                .or_else(|| str_field(&obj, "request_id")),
            permission: obj
                .remove("permission")
                .and_then(|p| serde_json::from_value(p).ok()),
        }),
        _ => Err(http()),
    }
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
}

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

    fn call<T: DeserializeOwned + 'static, R: Serialize>(
        &self,
        api: Api,
        request: &R,
    ) -> LocalFuture<Result<T, CallError>> {
        let call = build_call(
            &self.conn.get_untracked(),
            self.lang.get_untracked(),
            api,
            request,
        );
        Box::pin(send(call))
    }
}

async fn send<T: DeserializeOwned>(call: HttpCall) -> Result<T, CallError> {
    use gloo_net::http::Request;
    let mut builder = match call.method {
        "GET" => Request::get(&call.url),
        _ => Request::post(&call.url),
    };
    if !call.query.is_empty() {
        builder = builder.query(call.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    }
    for (name, value) in &call.headers {
        builder = builder.header(name, value);
    }
    let request = match call.body {
        Some(body) => builder.body(body),
        None => builder.build(),
    }
    .map_err(|e| CallError::Network {
        detail: e.to_string(),
    })?;
    let response = request.send().await.map_err(|e| CallError::Network {
        detail: e.to_string(),
    })?;
    let status = response.status();
    let text = response.text().await.map_err(|e| CallError::Network {
        detail: e.to_string(),
    })?;
    read_answer(status, &text)
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conn::MessageLang;

    fn conn(mode: AuthMode) -> Connection {
        Connection {
            api_base_url: "http://h/prod/".into(),
            auth_mode: mode,
            bk_app_code: "app".into(),
            bk_app_secret: "s3cr3t".into(),
            bk_username: "admin".into(),
            bk_token: String::new(),
            message_lang: MessageLang::Auto,
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
        assert_eq!(c.method, "GET");
        assert_eq!(c.url, "http://h/prod/api/v3/get_job_instance_status");
        assert!(c
            .query
            .contains(&("job_instance_id".into(), "9007199254740993".into())));
        assert!(c
            .query
            .contains(&("return_ip_result".into(), "true".into())));
        assert!(c.query.contains(&("bk_scope_id".into(), "2".into())));
        assert!(c.body.is_none());
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
    fn gateway_batch_and_operate_are_posts() {
        let c = build_call(
            &conn(AuthMode::None),
            Lang::ZhCn,
            Api::Operate,
            &requests::terminate(&route()),
        );
        assert_eq!(
            (c.method, c.url.as_str()),
            ("POST", "http://h/prod/api/v3/operate_job_instance")
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
        assert_eq!(c.method, "POST");
        let body: Value = serde_json::from_str(c.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["host_id_list"].as_array().unwrap().len(), 500);
        assert_eq!(body["step_instance_id"], 3);
    }

    #[test]
    fn esb_posts_with_credentials_in_the_body() {
        let c = build_call(
            &conn(AuthMode::Esb),
            Lang::En,
            Api::Status,
            &requests::status(&route()),
        );
        assert_eq!(c.method, "POST");
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
        assert_eq!((e.kind(), e.code()), ("api-error", Some(CODE_UNKNOWN_JOB)));

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
}
