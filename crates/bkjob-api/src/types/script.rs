//! The script library APIs (contract bk-job-api-more.md §6): `get_script_list`,
//! `get_script_version_list`, `get_script_version_detail` and their `get_public_*` twins.
//! The public twins take the same requests without the scope (its fields are ignored there).

use serde::{Deserialize, Serialize};

/// `get_script_list` / `get_public_script_list` request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetScriptListRequest {
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
    /// Name contains (SQL `LIKE %name%`: `%` and `_` are wildcards).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// 1 shell, 2 bat, 3 perl, 4 python, 5 powershell, 6 sql; 0 or absent: all.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub script_language: Option<i32>,
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

/// `get_script_version_list` / `get_public_script_version_list` request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetScriptVersionListRequest {
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
    /// Required: the script.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub script_id: Option<String>,
    /// Include each version's `content` (default false: `null`).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub return_script_content: Option<bool>,
    /// First row (default 0).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub start: Option<i32>,
    /// Page size (default 10, no cap).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub length: Option<i32>,
}

/// `get_script_version_detail` / `get_public_script_version_detail` request: `id`, or
/// `script_id` + `version`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetScriptVersionDetailRequest {
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
    /// Script version ID; when > 0 the other fields are ignored.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
    /// Script ID (with `version`).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub script_id: Option<String>,
    /// Version string, e.g. "V1.0" (with `script_id`).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub version: Option<String>,
}

/// One script of the script lists (`EsbScriptV3DTO`). Null fields are sent as `null`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptItem {
    /// Script ID (a string).
    pub id: String,
    /// Scope type (`null` for public scripts).
    #[serde(default)]
    pub bk_scope_type: Option<String>,
    /// Scope ID (`null` for public scripts).
    #[serde(default)]
    pub bk_scope_id: Option<String>,
    /// Only with BK-JOB's compatibility feature: `null`.
    #[serde(default)]
    pub bk_biz_id: Option<i64>,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// 1 shell, 2 bat, 3 perl, 4 python, 5 powershell, 6 sql.
    pub script_language: i32,
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
    /// The online version, if one is online.
    #[serde(default)]
    pub online_script_version_id: Option<i64>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
}

/// One script version (`EsbScriptVersionDetailV3DTO`): the version lists' rows and the detail.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptVersionItem {
    /// Version ID (the launch's `script_version_id`).
    pub id: i64,
    /// Scope type (`null` for public scripts).
    #[serde(default)]
    pub bk_scope_type: Option<String>,
    /// Scope ID (`null` for public scripts).
    #[serde(default)]
    pub bk_scope_id: Option<String>,
    /// Only with BK-JOB's compatibility feature: `null`.
    #[serde(default)]
    pub bk_biz_id: Option<i64>,
    /// The script.
    #[serde(default)]
    pub script_id: String,
    /// The script's name.
    #[serde(default)]
    pub name: String,
    /// Version string.
    #[serde(default)]
    pub version: String,
    /// Plain text (not Base64); `null` in lists unless `return_script_content`.
    #[serde(default)]
    pub content: Option<String>,
    /// 0 draft, 1 online, 2 offline, 3 disabled (only 1 and 2 may run).
    pub status: i32,
    /// Version description.
    #[serde(default)]
    pub version_desc: Option<String>,
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
    /// 1 shell, 2 bat, 3 perl, 4 python, 5 powershell, 6 sql.
    pub script_language: i32,
    /// The script's description.
    #[serde(default)]
    pub description: Option<String>,
}
