//! `query_agent_info`: the agent status and version of hosts (job-manage
//! `EsbQueryAgentInfoV3Req`, `EsbQueryAgentInfoV3Resp`, `EsbAgentInfoV3DTO`).

use serde::{Deserialize, Serialize};

/// Most hosts one `query_agent_info` may ask about (`@Size(max = 5000)`; more: 1240003).
pub const MAX_AGENT_QUERY_HOSTS: usize = 5000;

/// `query_agent_info` request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryAgentInfoRequest {
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
    /// Hosts to look up (at most [`MAX_AGENT_QUERY_HOSTS`]).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_vec_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub host_id_list: Option<Vec<i64>>,
}

/// `data` of `query_agent_info`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryAgentInfoData {
    /// One entry per known host of the scope, each host once. A host asked about but absent
    /// here is unknown (not in the scope, no agent, or no state from GSE).
    #[serde(default)]
    pub agent_info_list: Vec<AgentInfo>,
}

/// One host's agent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentInfo {
    /// Host ID.
    pub bk_host_id: i64,
    /// [`AgentInfo::NORMAL`] or [`AgentInfo::ABNORMAL`].
    pub status: i32,
    /// Agent version (BK-JOB leaves it out when GSE reports none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl AgentInfo {
    /// Agent status 0: abnormal (not running).
    pub const ABNORMAL: i32 = 0;
    /// Agent status 1: normal (running).
    pub const NORMAL: i32 = 1;
}
