//! `get_step_instance_status`: one step's hosts grouped by result, per round and batch.

use serde::{Deserialize, Serialize};

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
