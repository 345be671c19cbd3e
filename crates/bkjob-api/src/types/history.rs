//! `get_job_instance_list` (contract bk-job-api-more.md §4) and the page every v3 list API
//! answers with (§2.3).

use serde::{Deserialize, Serialize};

/// `get_job_instance_list` request (GET query or POST body).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetJobInstanceListRequest {
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
    /// Required: window start, Unix ms (≥ 1, else 1241007).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_time_start: Option<i64>,
    /// Required: window end, Unix ms; at most 30 days after the start (else 1241002).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_time_end: Option<i64>,
    /// When > 0, every other filter is ignored (the window is still checked).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub job_instance_id: Option<i64>,
    /// Cron job that launched the job (only when > 0).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub job_cron_id: Option<i64>,
    /// Exact operator (blank: ignored).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub operator: Option<String>,
    /// Name contains (SQL `LIKE %name%`: `%` and `_` are wildcards).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// 1 web, 2 API, 3 cron.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub launch_mode: Option<i32>,
    /// 0 job plan, 1 quick script, 2 quick file.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub type_: Option<i32>,
    /// [`crate::status::RunStatus`] code.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<i32>,
    /// A target host's IPv4 (exact).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub ip: Option<String>,
    /// First row (default 0; negative is 0).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub start: Option<i32>,
    /// Page size 1-1000. Absent is 20; an explicit `null` is 10 (BK-JOB's field initialiser
    /// versus its getter), hence the double option.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub length: Option<Option<i32>>,
}

/// The page of a v3 list API: `{start, length, total, data}`. `length` is the effective page
/// size; `total` counts every match.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageData<T> {
    /// First row.
    pub start: i32,
    /// Effective page size.
    pub length: i32,
    /// All matches.
    pub total: i64,
    /// The rows. `get_job_instance_list` leaves it `null` on an empty page, the others `[]`.
    #[serde(default)]
    pub data: Option<Vec<T>>,
}

/// One job of `get_job_instance_list` (`EsbTaskInstanceV3DTO`; the code's field names, not
/// the docs' `id` / `task_status`). Null fields are sent as `null`, as BK-JOB's DTOs do.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobInstanceListItem {
    /// Scope type.
    #[serde(default)]
    pub bk_scope_type: Option<String>,
    /// Scope ID.
    #[serde(default)]
    pub bk_scope_id: Option<String>,
    /// Only with BK-JOB's compatibility feature: `null`.
    #[serde(default)]
    pub bk_biz_id: Option<i64>,
    /// Job instance ID.
    pub job_instance_id: i64,
    /// Set for job-plan jobs only.
    #[serde(default)]
    pub job_template_id: Option<i64>,
    /// Set for job-plan jobs only.
    #[serde(default)]
    pub job_plan_id: Option<i64>,
    /// Job name.
    #[serde(default)]
    pub name: String,
    /// Who launched it.
    #[serde(default)]
    pub operator: String,
    /// Creation time (ms).
    #[serde(default)]
    pub create_time: Option<i64>,
    /// Start time (ms).
    #[serde(default)]
    pub start_time: Option<i64>,
    /// End time (ms).
    #[serde(default)]
    pub end_time: Option<i64>,
    /// Duration (ms); for a running job, so far.
    #[serde(default)]
    pub total_time: Option<i64>,
    /// 1 web, 2 API, 3 cron.
    pub launch_mode: i32,
    /// [`crate::status::RunStatus`] code.
    pub status: i32,
    /// 0 job plan, 1 quick script, 2 quick file.
    #[serde(rename = "type")]
    pub type_: i32,
}
