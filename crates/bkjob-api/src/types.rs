//! Wire types of `fast_execute_script` v3 and its companion APIs.
//!
//! Conventions (why): every optional field is an `Option` and is *omitted* when `None`, never
//! sent as `null`, because BK-JOB omits null fields and treats a `null` like a missing field;
//! IDs are `i64` (Java `Long`) and never go through `f64`, so values above 2^53 stay exact;
//! unknown input fields are ignored, as Jackson does in BK-JOB. Request fields that BK-JOB
//! validates are `Option` even when "required", so a stand-in server can tell missing from
//! present and answer with BK-JOB's own code.

use serde::{Deserialize, Serialize};

use crate::permission::Permission;
pub use crate::rolling::{FileSourceRollingConfig, RollingConfig};

/// Body of `POST /api/v3/fast_execute_script` (API gateway) — see contract §2.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FastExecuteScriptRequest {
    /// `biz` or `biz_set`.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_scope_type: Option<String>,
    /// Business / business-set ID, as a string.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_scope_id: Option<String>,
    /// Deprecated alternative to the scope fields.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_biz_id: Option<i64>,
    /// Script version to run (highest priority).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub script_version_id: Option<i64>,
    /// Script whose online version runs.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub script_id: Option<String>,
    /// Base64 of the UTF-8 script text.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub script_content: Option<String>,
    /// [`crate::status::ScriptLanguage`] code, required with `script_content`.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub script_language: Option<i32>,
    /// Base64 of the *whole* parameter string (never per argument).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub script_param: Option<String>,
    /// 1 = sensitive parameter (hidden in the UI); any other value = not sensitive.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_param_sensitive: Option<i32>,
    /// Seconds; BK-JOB default 7200 when absent.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub timeout: Option<i64>,
    /// Execution account ID (wins over the alias).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub account_id: Option<i64>,
    /// Execution account alias, e.g. `root`.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub account_alias: Option<String>,
    /// Custom job name; BK-JOB generates one when blank.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub task_name: Option<String>,
    /// Where to run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_server: Option<TargetServer>,
    /// Called once (POST JSON) when the job ends.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub callback_url: Option<String>,
    /// Custom interpreter path for Windows hosts (must end in `.exe`).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub windows_interpreter: Option<String>,
    /// `false` = create only; start later with `operate_job_instance` code 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_task: Option<bool>,
    /// Run the targets in batches ([`crate::rolling`]); present (even `{}`) = enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolling_config: Option<RollingConfig>,
}

/// The `target_server` object. If `host_id_list` is non-empty BK-JOB ignores `ip_list`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetServer {
    /// CMDB host IDs (preferred).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_vec_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub host_id_list: Option<Vec<i64>>,
    /// Hosts by BK-Net (cloud area) + IPv4 (discouraged by the docs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_list: Option<Vec<IpEntry>>,
    /// CMDB dynamic groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_group_list: Option<Vec<DynamicGroup>>,
    /// CMDB topology nodes (module, set, ...), expanded at launch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topo_node_list: Option<Vec<TopoNode>>,
}

impl TargetServer {
    /// True when all four lists are missing or empty (BK-JOB answers 1244001 "Host is empty").
    pub fn is_empty(&self) -> bool {
        self.host_id_list.as_ref().is_none_or(|v| v.is_empty())
            && self.ip_list.as_ref().is_none_or(|v| v.is_empty())
            && self
                .dynamic_group_list
                .as_ref()
                .is_none_or(|v| v.is_empty())
            && self.topo_node_list.as_ref().is_none_or(|v| v.is_empty())
    }
}

/// One `ip_list` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IpEntry {
    /// BK-Net (管控区域) ID; 0 is the default area.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_cloud_id: Option<i64>,
    /// Dotted IPv4 address (BK-JOB trims it).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub ip: Option<String>,
}

/// One `dynamic_group_list` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DynamicGroup {
    /// CMDB dynamic group ID (a string such as `blo8gojho0skft7pr5q0`).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
}

/// One `topo_node_list` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TopoNode {
    /// CMDB `bk_inst_id`.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
    /// CMDB `bk_obj_id`, e.g. `module`, `set`.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub node_type: Option<String>,
}

/// ESB common arguments (legacy route: credentials travel in the JSON body).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EsbCommonArgs {
    /// Application ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_app_code: Option<String>,
    /// Application secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_app_secret: Option<String>,
    /// User login ticket (either this or `bk_username`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_token: Option<String>,
    /// User name (login-exempt apps only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_username: Option<String>,
}

/// A legacy ESB request: common args and the business body side by side in one JSON object.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EsbRequest<T> {
    /// Credentials.
    #[serde(flatten)]
    pub common: EsbCommonArgs,
    /// Business fields.
    #[serde(flatten)]
    pub body: T,
}

/// The JSON object carried in the API-gateway header [`GatewayAuth::HEADER`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayAuth {
    /// Application ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_app_code: Option<String>,
    /// Application secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_app_secret: Option<String>,
    /// User name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_username: Option<String>,
    /// User login ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_token: Option<String>,
    /// OAuth access token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

impl GatewayAuth {
    /// Header name used by the BlueKing API gateway.
    pub const HEADER: &'static str = "X-Bkapi-Authorization";

    /// Serialise as the header value (a compact JSON object string).
    pub fn to_header_value(&self) -> String {
        // Serialising a struct of Option<String> cannot fail.
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// Parse a header value; unknown keys are ignored.
    pub fn parse(value: &str) -> Result<GatewayAuth, serde_json::Error> {
        serde_json::from_str(value.trim())
    }
}

impl std::str::FromStr for GatewayAuth {
    type Err = serde_json::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        GatewayAuth::parse(s)
    }
}

/// BK-JOB's response envelope (`EsbResp`). Null fields are omitted, as BK-JOB does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiResponse<T> {
    /// True iff `code == 0`.
    pub result: bool,
    /// 0 on success, otherwise an [`crate::error_code::ErrorCode`].
    pub code: i64,
    /// Localised error text; absent on success (v3 code never sends "success").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Payload on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
    /// Request ID (named `job_request_id`, not `request_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_request_id: Option<String>,
    /// Missing permissions, only with code 9900403.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<Permission>,
}

impl<T> ApiResponse<T> {
    /// A success envelope: `result:true, code:0`, no message.
    pub fn ok(data: T, job_request_id: Option<String>) -> Self {
        ApiResponse {
            result: true,
            code: 0,
            message: None,
            data: Some(data),
            job_request_id,
            permission: None,
        }
    }

    /// A failure envelope: `result:false`, the code and the (already localised) message.
    pub fn err(code: i64, message: impl Into<String>, job_request_id: Option<String>) -> Self {
        ApiResponse {
            result: false,
            code,
            message: Some(message.into()),
            data: None,
            job_request_id,
            permission: None,
        }
    }

    /// Attach a permission object (for 9900403 answers).
    pub fn with_permission(mut self, permission: Permission) -> Self {
        self.permission = Some(permission);
        self
    }
}

/// `data` of a successful `fast_execute_script`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FastExecuteScriptData {
    /// Job instance ID.
    pub job_instance_id: i64,
    /// Job instance name (a string, although the doc says long).
    pub job_instance_name: String,
    /// The single step's instance ID.
    pub step_instance_id: i64,
}

/// `get_job_instance_status` request (GET query or POST body).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetJobInstanceStatusRequest {
    /// Scope type.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_scope_type: Option<String>,
    /// Scope ID.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_scope_id: Option<String>,
    /// Legacy business ID.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_biz_id: Option<i64>,
    /// Required, ≥ 1 (else 1241007).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub job_instance_id: Option<i64>,
    /// Include per-host results (default false).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub return_ip_result: Option<bool>,
}

/// `data` of `get_job_instance_status`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobInstanceStatusData {
    /// True iff the job status is terminal ([`crate::status::RunStatus::is_finished`]).
    pub finished: bool,
    /// The job.
    pub job_instance: JobInstance,
    /// Its steps (one for a quick script job).
    #[serde(default)]
    pub step_instance_list: Vec<StepInstance>,
}

/// A job instance. Times are Unix milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobInstance {
    /// Job instance ID.
    pub job_instance_id: i64,
    /// Job name.
    #[serde(default)]
    pub name: String,
    /// [`crate::status::RunStatus`] code.
    pub status: i32,
    /// Creation time (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<i64>,
    /// Start time (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    /// End time (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
    /// Duration (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_time: Option<i64>,
    /// Scope type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_scope_type: Option<String>,
    /// Scope ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_scope_id: Option<String>,
    /// Legacy business ID (only with the compatibility feature).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_biz_id: Option<i64>,
}

/// A step instance. Times are Unix milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepInstance {
    /// Step instance ID.
    pub step_instance_id: i64,
    /// Step name.
    #[serde(default)]
    pub name: String,
    /// [`crate::status::StepType`] code (1 script).
    #[serde(rename = "type", default)]
    pub type_: i32,
    /// [`crate::status::RunStatus`] code.
    pub status: i32,
    /// Retry count, starts at 0.
    #[serde(default)]
    pub execute_count: i32,
    /// Creation time (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<i64>,
    /// Start time (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    /// End time (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
    /// Duration (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_time: Option<i64>,
    /// Per-host results, only when `return_ip_result=true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_ip_result_list: Option<Vec<StepIpResult>>,
}

/// One host's result in a step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepIpResult {
    /// Host ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_host_id: Option<i64>,
    /// IPv4 (may be absent for IPv6-only hosts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// BK-Net ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_cloud_id: Option<i64>,
    /// [`crate::status::HostStatus`] code.
    pub status: i32,
    /// Custom group tag, "" by default.
    #[serde(default)]
    pub tag: String,
    /// Script exit code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// Raw GSE error code, 0 = ok.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<i32>,
    /// Start time (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    /// End time (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
    /// Duration (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_time: Option<i64>,
}

/// `get_job_instance_ip_log` request: one host by `bk_host_id` or (`bk_cloud_id` + `ip`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetJobInstanceIpLogRequest {
    /// Scope type.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_scope_type: Option<String>,
    /// Scope ID.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_scope_id: Option<String>,
    /// Legacy business ID.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_biz_id: Option<i64>,
    /// Job instance ID (≥ 1).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub job_instance_id: Option<i64>,
    /// Step instance ID (≥ 1).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub step_instance_id: Option<i64>,
    /// Host ID (the gateway doc says `host_id`; the backend reads `bk_host_id`).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_host_id: Option<i64>,
    /// BK-Net ID, with `ip`.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_cloud_id: Option<i64>,
    /// IPv4, with `bk_cloud_id`.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub ip: Option<String>,
}

/// `data` of `get_job_instance_ip_log`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IpLogData {
    /// 1 script, 2 file.
    pub log_type: i32,
    /// Host ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_host_id: Option<i64>,
    /// BK-Net ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_cloud_id: Option<i64>,
    /// IPv4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// Full script log (script steps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_content: Option<String>,
    /// File logs (file steps), kept as raw JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_logs: Option<serde_json::Value>,
}

/// `batch_get_job_instance_ip_log` request (POST; at most 500 hosts; host IDs win over IPs).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchGetJobInstanceIpLogRequest {
    /// Scope type.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_scope_type: Option<String>,
    /// Scope ID.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_scope_id: Option<String>,
    /// Legacy business ID.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_biz_id: Option<i64>,
    /// Job instance ID (≥ 1).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub job_instance_id: Option<i64>,
    /// Step instance ID (≥ 1).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub step_instance_id: Option<i64>,
    /// Hosts by ID.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_vec_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub host_id_list: Option<Vec<i64>>,
    /// Hosts by BK-Net + IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_list: Option<Vec<IpEntry>>,
}

/// `data` of `batch_get_job_instance_ip_log`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BatchIpLogData {
    /// Job instance ID.
    pub job_instance_id: i64,
    /// Step instance ID.
    pub step_instance_id: i64,
    /// 1 script, 2 file.
    pub log_type: i32,
    /// Script logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script_task_logs: Option<Vec<ScriptTaskLog>>,
    /// File logs, kept as raw JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_task_logs: Option<serde_json::Value>,
}

/// One host's script log.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptTaskLog {
    /// Host ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_host_id: Option<i64>,
    /// BK-Net ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_cloud_id: Option<i64>,
    /// IPv4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// IPv6, if the host has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6: Option<String>,
    /// Full log text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_content: Option<String>,
}

/// `operate_job_instance` request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperateJobInstanceRequest {
    /// Scope type.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_scope_type: Option<String>,
    /// Scope ID.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_scope_id: Option<String>,
    /// Legacy business ID.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_biz_id: Option<i64>,
    /// Job instance ID (> 0).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub job_instance_id: Option<i64>,
    /// [`crate::status::OperationCode`]: 1 terminate, 2 start.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub operation_code: Option<i32>,
}

/// `data` of `operate_job_instance`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperateJobInstanceData {
    /// The operated job.
    pub job_instance_id: i64,
}

/// `operate_step_instance` request (contract bk-job-api-more.md §3.1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperateStepInstanceRequest {
    /// Scope type.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_scope_type: Option<String>,
    /// Scope ID.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_scope_id: Option<String>,
    /// Legacy business ID.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_biz_id: Option<i64>,
    /// Job instance ID (> 0).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub job_instance_id: Option<i64>,
    /// Step instance ID (> 0).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub step_instance_id: Option<i64>,
    /// [`crate::operation::StepOperation`] code.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub operation_code: Option<i32>,
}

/// `data` of `operate_step_instance`: the request's IDs echoed; BK-JOB leaves the name unset,
/// so it is sent as `null`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperateStepInstanceData {
    /// The job.
    pub job_instance_id: i64,
    /// Not set by BK-JOB (`null`).
    #[serde(default)]
    pub job_instance_name: Option<String>,
    /// The operated step.
    pub step_instance_id: i64,
}

/// `get_step_instance_status` request (GET only; bk-job-api-more.md §7.4,
/// `EsbGetStepInstanceStatusV3Resource`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetStepInstanceStatusRequest {
    /// Scope type.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_scope_type: Option<String>,
    /// Scope ID.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_scope_id: Option<String>,
    /// Legacy business ID.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_biz_id: Option<i64>,
    /// Job instance ID.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub job_instance_id: Option<i64>,
    /// Step instance ID.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub step_instance_id: Option<i64>,
    /// Round; absent = the current one.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub execute_count: Option<i32>,
    /// Rolling batch: absent = the current batch of a rolling step, 0 = every batch, n = that
    /// batch (BK-JOB's code; its doc says absent = all).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub batch: Option<i32>,
    /// Most hosts listed per result group (all when absent).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_host_num_per_group: Option<i32>,
    /// Only hosts whose log (this round) contains it.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub keyword: Option<String>,
    /// Only hosts whose IP contains it.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub search_ip: Option<String>,
    /// Only the group of this host status (with `tag`) lists its hosts.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<i32>,
    /// Result tag of the group `status` names.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub tag: Option<String>,
}

/// `data` of `get_step_instance_status` (`EsbStepInstanceStatusV3DTO`): the step and its
/// hosts grouped by (status, tag). Null fields are sent as `null`; an empty group list is
/// left out (`NON_EMPTY`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepInstanceStatusData {
    /// Step instance ID.
    pub step_instance_id: i64,
    /// The round answered.
    pub execute_count: i32,
    /// Step name.
    #[serde(default)]
    pub name: Option<String>,
    /// [`crate::status::StepType`] code.
    #[serde(rename = "type", default)]
    pub type_: Option<i32>,
    /// [`crate::status::RunStatus`] code of the step.
    #[serde(default)]
    pub status: Option<i32>,
    /// Creation time (ms).
    #[serde(default)]
    pub create_time: Option<i64>,
    /// Start time (ms).
    #[serde(default)]
    pub start_time: Option<i64>,
    /// End time (ms).
    #[serde(default)]
    pub end_time: Option<i64>,
    /// Duration (ms).
    #[serde(default)]
    pub total_time: Option<i64>,
    /// Hosts grouped by status and tag, ordered by status then tag.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub step_result_group_list: Vec<StepResultGroup>,
}

/// One result group of [`StepInstanceStatusData`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepResultGroup {
    /// The hosts' [`crate::status::HostStatus`] code.
    pub result_type: i32,
    /// Its label.
    #[serde(default)]
    pub result_type_desc: Option<String>,
    /// The hosts' result tag.
    #[serde(default)]
    pub tag: Option<String>,
    /// Hosts in the group (all of them, whatever `host_result_list` holds).
    pub host_size: i32,
    /// The group's hosts (at most `max_host_num_per_group`; empty for the groups a `status`
    /// filter does not name).
    #[serde(default)]
    pub host_result_list: Option<Vec<StepHostResult>>,
}

/// One host of a [`StepResultGroup`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepHostResult {
    /// Host ID.
    pub bk_host_id: i64,
    /// IPv4.
    #[serde(default)]
    pub ip: Option<String>,
    /// IPv6.
    #[serde(default)]
    pub ipv6: Option<String>,
    /// GSE agent ID.
    #[serde(default)]
    pub bk_agent_id: Option<String>,
    /// BK-Net ID.
    #[serde(default)]
    pub bk_cloud_id: Option<i64>,
    /// BK-Net name.
    #[serde(default)]
    pub bk_cloud_name: Option<String>,
    /// [`crate::status::HostStatus`] code.
    pub status: i32,
    /// Its label.
    #[serde(default)]
    pub status_desc: Option<String>,
    /// Result tag.
    #[serde(default)]
    pub tag: Option<String>,
    /// Script exit code.
    #[serde(default)]
    pub exit_code: Option<i32>,
    /// Start time (ms).
    #[serde(default)]
    pub start_time: Option<i64>,
    /// End time (ms).
    #[serde(default)]
    pub end_time: Option<i64>,
    /// Duration (ms).
    #[serde(default)]
    pub total_time: Option<i64>,
}

/// Body BK-JOB POSTs to `callback_url` once the job ends.
///
/// BK-JOB's code sends `step_instances`; its doc says `step_instance_list`. We read both and
/// write the code's name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackBody {
    /// Job instance ID.
    pub job_instance_id: i64,
    /// Final [`crate::status::RunStatus`] code.
    pub status: i32,
    /// Step results.
    #[serde(default, alias = "step_instance_list")]
    pub step_instances: Vec<CallbackStep>,
}

/// One step in a [`CallbackBody`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackStep {
    /// Step instance ID.
    pub step_instance_id: i64,
    /// [`crate::status::RunStatus`] code.
    pub status: i32,
}
