//! Building each HTTP call to BK-JOB, in plain Rust (unit-tested natively): the typed list of
//! the BK APIs the app calls ([`Api`]), the typed HTTP method ([`Method`]) and the call itself
//! ([`HttpCall`]), ready for the one client ([`super::client`]).
//!
//! Gateway / no-auth mode: `GET /api/v3/{api}?…` for the two read APIs the gateway maps to
//! GET, `POST` for the others, credentials in `X-Bkapi-Authorization`. ESB mode: `POST
//! /api/c/compapi/v2/jobv3/{api}/` with the credentials in the body (ESB declares every
//! jobv3 route POST).

use bkjob_api::{FastExecuteScriptRequest, Lang};
use serde::Serialize;
use tinyjson::Json;

use crate::connection::{AuthMode, Connection};

/// The BK-JOB APIs the app calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    /// `fast_execute_script` (the launch, POST).
    FastExecuteScript,
    /// `get_job_instance_status` (GET on the gateway).
    Status,
    /// `get_job_instance_ip_log` (GET on the gateway).
    IpLog,
    /// `batch_get_job_instance_ip_log` (POST).
    BatchIpLog,
    /// `operate_job_instance` (POST).
    Operate,
    /// `operate_step_instance` (POST).
    OperateStep,
    /// `get_step_instance_status` (GET only on the gateway; BK-JOB's ESB has no channel for
    /// it, `fastexec-server` answers the ESB POST too).
    StepStatus,
    /// `get_dangerous_rule_list` (POST).
    DangerRules,
    /// `get_job_instance_list` (the history page; GET on the gateway).
    JobList,
    /// `query_agent_info` (the host check; POST in every mode).
    AgentInfo,
    /// `get_account_list` (the account picker; GET on the gateway).
    AccountList,
    /// `get_script_list` (the script picker, the business's library; GET on the gateway).
    ScriptList,
    /// `get_script_version_list` (GET on the gateway).
    ScriptVersionList,
    /// `get_script_version_detail` (GET on the gateway).
    ScriptVersionDetail,
    /// `get_public_script_list` (the public library; GET on the gateway).
    PublicScriptList,
    /// `get_public_script_version_list` (GET on the gateway).
    PublicScriptVersionList,
    /// `get_public_script_version_detail` (GET on the gateway).
    PublicScriptVersionDetail,
}

impl Api {
    /// The API name in the URL.
    pub fn name(self) -> &'static str {
        match self {
            Api::FastExecuteScript => "fast_execute_script",
            Api::Status => "get_job_instance_status",
            Api::IpLog => "get_job_instance_ip_log",
            Api::BatchIpLog => "batch_get_job_instance_ip_log",
            Api::Operate => "operate_job_instance",
            Api::OperateStep => "operate_step_instance",
            Api::StepStatus => "get_step_instance_status",
            Api::DangerRules => "get_dangerous_rule_list",
            Api::JobList => "get_job_instance_list",
            Api::AgentInfo => "query_agent_info",
            Api::AccountList => "get_account_list",
            Api::ScriptList => "get_script_list",
            Api::ScriptVersionList => "get_script_version_list",
            Api::ScriptVersionDetail => "get_script_version_detail",
            Api::PublicScriptList => "get_public_script_list",
            Api::PublicScriptVersionList => "get_public_script_version_list",
            Api::PublicScriptVersionDetail => "get_public_script_version_detail",
        }
    }

    /// The method in `mode`: GET only for the gateway's read APIs (contract
    /// bk-job-api-more.md §1: the library's seven are GET resources too).
    pub fn method(self, mode: AuthMode) -> Method {
        match (mode, self) {
            (
                AuthMode::Gateway | AuthMode::None,
                Api::Status
                | Api::IpLog
                | Api::StepStatus
                | Api::JobList
                | Api::AccountList
                | Api::ScriptList
                | Api::ScriptVersionList
                | Api::ScriptVersionDetail
                | Api::PublicScriptList
                | Api::PublicScriptVersionList
                | Api::PublicScriptVersionDetail,
            ) => Method::Get,
            _ => Method::Post,
        }
    }

    /// The URL of this API under the connection's base (relative when the base is empty).
    pub fn url(self, conn: &Connection) -> String {
        api_url(conn, self.name())
    }
}

/// The URL of `fast_execute_script` (the form module's only API: it calls this rather than
/// [`Api::url`], so it carries none of the job view's API names).
pub fn launch_url(conn: &Connection) -> String {
    api_url(conn, "fast_execute_script")
}

fn api_url(conn: &Connection, name: &str) -> String {
    match conn.auth_mode {
        AuthMode::Esb => format!("{}/api/c/compapi/v2/jobv3/{name}/", conn.base()),
        AuthMode::Gateway | AuthMode::None => format!("{}/api/v3/{name}", conn.base()),
    }
}

/// An HTTP method the app sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET` (business fields in the query).
    Get,
    /// `POST` (business fields in the JSON body).
    Post,
}

/// One HTTP call, ready for fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpCall {
    /// The method.
    pub method: Method,
    /// URL without the query.
    pub url: String,
    /// Query parameters (GET).
    pub query: Vec<(String, String)>,
    /// Headers, secrets included (never log them).
    pub headers: Vec<(String, String)>,
    /// JSON body (POST).
    pub body: Option<String>,
    /// The most bytes of the answer that are read ([`Connection::max_answer_bytes`]).
    pub max_answer_bytes: u64,
    /// Abort the call after this many seconds (the launch); `None`: wait.
    pub timeout_secs: Option<u32>,
}

/// The launch: POST of `request` with the connection's headers and body, aborted after
/// `timeout_secs`. Built here without [`build_call`] (whose GET branch reads JSON), so the
/// form module carries none of the job view's call building.
pub fn launch_call(
    conn: &Connection,
    request: &FastExecuteScriptRequest,
    ui_lang: Lang,
    timeout_secs: u32,
) -> HttpCall {
    HttpCall {
        method: Method::Post,
        url: launch_url(conn),
        query: Vec::new(),
        headers: conn.headers(ui_lang),
        body: Some(conn.body(request)),
        max_answer_bytes: conn.max_answer_bytes(),
        timeout_secs: Some(timeout_secs),
    }
}

/// How long the app waits for the session answer: it only decides what the connection panel
/// shows, and the app works in local mode without it.
pub const SESSION_TIMEOUT_SECS: u32 = 5;

/// The most of the session answer read (a few hundred bytes expected).
pub const SESSION_MAX_BYTES: u64 = 16 << 10;

/// Asking the page's own server who adds the credentials:
/// `GET {base}/api/fastexec/session` ([`crate::connection::session`]; `base` as
/// [`Connection::base`] gives it), no credential sent (the browser adds the server's own
/// cookies), a short timeout.
pub fn session_call(base: &str) -> HttpCall {
    HttpCall {
        method: Method::Get,
        url: format!("{base}{}", crate::connection::session::SESSION_PATH),
        query: Vec::new(),
        headers: vec![("Accept".to_owned(), "application/json".to_owned())],
        body: None,
        max_answer_bytes: SESSION_MAX_BYTES,
        timeout_secs: Some(SESSION_TIMEOUT_SECS),
    }
}

/// The top-level fields of a JSON object as query parameters, by name: strings as they are,
/// other values as JSON, nulls left out (of a repeated name, the last value counts).
fn query_of(fields: &str) -> Vec<(String, String)> {
    let members = match tinyjson::parse(fields) {
        Ok(Json::Object(members)) => members,
        _ => Vec::new(),
    };
    let mut query: Vec<(String, Json)> = Vec::new();
    for (name, value) in members {
        match query.binary_search_by(|(n, _)| n.as_str().cmp(&name)) {
            Ok(i) => query[i].1 = value,
            Err(i) => query.insert(i, (name, value)),
        }
    }
    query
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(name, value)| {
            let text = match value {
                Json::String(s) => s,
                other => {
                    let mut text = String::new();
                    other.write_compact(&mut text);
                    text
                }
            };
            (name, text)
        })
        .collect()
}

/// Build the call of `api` with the business fields `request` (no timeout).
pub fn build_call<T: Serialize>(
    conn: &Connection,
    ui_lang: Lang,
    api: Api,
    request: &T,
) -> HttpCall {
    let fields = serde_json::to_string(request).unwrap_or_else(|_| "{}".to_owned());
    build_call_with(conn, ui_lang, api, fields)
}

/// Build the call of `api` with the business fields already written as a JSON object
/// (`fields`; no timeout). Not generic: one copy serves every request type.
pub fn build_call_with(conn: &Connection, ui_lang: Lang, api: Api, fields: String) -> HttpCall {
    let method = api.method(conn.auth_mode);
    let mut headers = conn.headers(ui_lang);
    let (query, body) = match (method, conn.auth_mode) {
        (Method::Get, _) => {
            headers.retain(|(n, _)| n != "Content-Type");
            (query_of(&fields), None)
        }
        (Method::Post, AuthMode::Esb) => (Vec::new(), Some(conn.esb_body(&fields))),
        (Method::Post, _) => (Vec::new(), Some(fields)),
    };
    HttpCall {
        method,
        url: api.url(conn),
        query,
        headers,
        body,
        max_answer_bytes: conn.max_answer_bytes(),
        timeout_secs: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_call_carries_no_credential() {
        let conn = Connection {
            api_base_url: "http://127.0.0.1:8000/".into(),
            bk_app_secret: "s3cr3t".into(),
            bk_token: "tok".into(),
            ..Connection::default()
        };
        let call = session_call(conn.base());
        assert_eq!(call.method, Method::Get);
        assert_eq!(call.url, "http://127.0.0.1:8000/api/fastexec/session");
        assert_eq!(
            call.headers,
            [("Accept".to_owned(), "application/json".to_owned())]
        );
        assert_eq!((call.body, call.query.len()), (None, 0));
        assert_eq!(call.timeout_secs, Some(SESSION_TIMEOUT_SECS));
        assert_eq!(
            session_call(Connection::default().base()).url,
            "/api/fastexec/session"
        );
    }

    #[test]
    fn the_launch_url_is_the_apis() {
        for mode in [AuthMode::Gateway, AuthMode::Esb, AuthMode::None] {
            let conn = Connection {
                api_base_url: "http://h/prod/".into(),
                auth_mode: mode,
                ..Connection::default()
            };
            assert_eq!(launch_url(&conn), Api::FastExecuteScript.url(&conn));
        }
    }

    #[test]
    fn query_values_are_plain_text() {
        let q = query_of(
            r#"{"s":"a b","n":9007199254740993,"t":true,"z":null,"l":[1,"x"],"o":{"k":"v"}}"#,
        );
        let expected = [
            ("l", r#"[1,"x"]"#),
            ("n", "9007199254740993"),
            ("o", r#"{"k":"v"}"#),
            ("s", "a b"),
            ("t", "true"),
        ];
        assert_eq!(
            q,
            expected
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        );
    }
}
