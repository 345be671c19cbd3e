//! `get_dangerous_rule_list`: the dangerous-script rules (高危语句规则) BK-JOB checks
//! scripts against (job-manage `EsbGetDangerousRuleV3Req`, `EsbDangerousRuleV3DTO`).

use serde::{Deserialize, Serialize};

/// `get_dangerous_rule_list` request: every filter is optional and they combine with AND. The
/// request names no scope (rules are global to BK-JOB).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetDangerousRuleListRequest {
    /// Rules whose expression contains this (SQL `LIKE '%…%'`); blank = no filter.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub expression: Option<String>,
    /// Rules that apply to at least one of these `script_language` codes (an empty list
    /// matches no rule, as in BK-JOB).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_vec_byte",
        skip_serializing_if = "Option::is_none"
    )]
    pub script_language_list: Option<Vec<i32>>,
    /// Rules whose description contains this (SQL `LIKE '%…%'`); blank = no filter.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<String>,
    /// 1 scan, 2 intercept.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub action: Option<i32>,
}

/// One rule of the `get_dangerous_rule_list` answer (`data` is a list of these, in BK-JOB's
/// rule order). The doc's example also shows `order`, which the DTO does not have.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DangerousRule {
    /// Rule id.
    pub id: i64,
    /// Regular expression searched for in each script line.
    pub expression: String,
    /// `script_language` codes the rule applies to (1 shell … 6 sql).
    #[serde(default)]
    pub script_language_list: Vec<i32>,
    /// What the rule is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// 1 scan (recorded), 2 intercept (launch refused with 1244019).
    pub action: i32,
    /// 1 enabled, 0 disabled.
    pub status: i32,
    /// Who created the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    /// Creation time, Unix ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<i64>,
    /// Who changed the rule last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modify_user: Option<String>,
    /// Last change, Unix ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modify_time: Option<i64>,
}
