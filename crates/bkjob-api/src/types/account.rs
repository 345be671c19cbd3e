//! `get_account_list` (contract bk-job-api-more.md §5).

use serde::{Deserialize, Serialize};

/// `get_account_list` request (GET query or POST body).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetAccountListRequest {
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
    /// 1 system (OS) account, 2 DB account; absent: both.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub category: Option<i32>,
    /// Exact account (OS / DB user) name.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub account: Option<String>,
    /// Exact alias.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub alias: Option<String>,
    /// First row (default 0).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub start: Option<i32>,
    /// Page size (default 20, at most 1000).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub length: Option<i32>,
}

/// One account (`EsbAccountV3DTO`). Null fields are sent as `null`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountItem {
    /// Account ID (the launch's `account_id`).
    pub id: i64,
    /// Scope type.
    #[serde(default)]
    pub bk_scope_type: Option<String>,
    /// Scope ID.
    #[serde(default)]
    pub bk_scope_id: Option<String>,
    /// Only with BK-JOB's compatibility feature: `null`.
    #[serde(default)]
    pub bk_biz_id: Option<i64>,
    /// OS or DB user name.
    #[serde(default)]
    pub account: String,
    /// Alias, unique in the scope (the launch's `account_alias`).
    #[serde(default)]
    pub alias: String,
    /// 1 system, 2 DB.
    pub category: i32,
    /// 1 Linux, 2 Windows, 9 MySQL, 10 Oracle, 11 DB2.
    #[serde(rename = "type")]
    pub type_: i32,
    /// The system account a DB account's client runs as.
    #[serde(default)]
    pub db_system_account_id: Option<i64>,
    /// "Linux" / "Windows" for system accounts.
    #[serde(default)]
    pub os: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Creator.
    #[serde(default)]
    pub creator: Option<String>,
    /// Creation time (ms).
    #[serde(default)]
    pub create_time: Option<i64>,
    /// Last modifier.
    #[serde(default)]
    pub last_modify_user: Option<String>,
    /// Last modification time (ms).
    #[serde(default)]
    pub last_modify_time: Option<i64>,
}
