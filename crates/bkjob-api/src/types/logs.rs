//! The log APIs: `get_job_instance_ip_log` and `batch_get_job_instance_ip_log`.

use serde::{Deserialize, Serialize};

use super::IpEntry;

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
