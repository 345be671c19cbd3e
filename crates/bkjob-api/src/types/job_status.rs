//! `get_job_instance_status`: the request and the job, its steps and hosts.

use serde::{Deserialize, Serialize};

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
