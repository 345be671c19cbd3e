//! The wire shape of `rolling_config` (contract bk-job-api-more.md §7.1).

use serde::{Deserialize, Serialize};

/// `rolling_config` of `fast_execute_script`. Present (even `{}`) = rolling enabled; absent
/// fields take BK-JOB's defaults (type 1, serial, mode 1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollingConfig {
    /// 1 target hosts, 2 source files (file transfer only).
    #[serde(
        rename = "type",
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub r#type: Option<i32>,
    /// [`super::ExecutionMode`] code: 1 serial, 2 parallel-staggered.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub execution_mode: Option<i32>,
    /// [`super::RollingMode`] code (serial only).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub mode: Option<i32>,
    /// Batches, e.g. `10 30% 100%` ([`super::RollingExpr`]).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub expression: Option<String>,
    /// Staggered: fixed delay between batch starts (ms, 0–3600000).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub batch_start_wait_fixed_ms: Option<i64>,
    /// Staggered: random extra delay, lower bound (ms).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub batch_start_wait_random_min_ms: Option<i64>,
    /// Staggered: random extra delay, upper bound (ms).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub batch_start_wait_random_max_ms: Option<i64>,
    /// Source-file rolling (type 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_source: Option<FileSourceRollingConfig>,
}

/// `rolling_config.file_source` (file transfer steps).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSourceRollingConfig {
    /// Most source hosts per batch (> 0 or absent).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_execute_object_num_in_batch: Option<i64>,
    /// Most files per source host per batch (> 0 or absent).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_file_num_of_single_execute_object: Option<i64>,
}
