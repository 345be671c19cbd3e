//! `operate_job_instance` and `operate_step_instance`.

use serde::{Deserialize, Serialize};

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
