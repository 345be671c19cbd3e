//! `query_agent_info`: the agent status and version of hosts of a scope (job-manage
//! `EsbAgentInfoResourceV3Impl.queryAgentInfo`).
//!
//! Order as in BK-JOB: the body (a type error is 1240003), the scope interceptors (1241005 /
//! 1243049, then `access_business`, 9900403: the only permission it checks), bean validation
//! (scope fields, then `@Size(max = 5000)` on `host_id_list`: 1240003 with its own message).
//! Hosts that are not in the scope or do not exist are left out of the answer (BK-JOB logs
//! and ignores them), so is any host asked twice after its first entry. A missing
//! `host_id_list` is a `NullPointerException` in BK-JOB (`new HashSet<>(null)`): 1240002.
//!
//! The local agent of a host is this server: normal unless the host is configured
//! `agent_online = false` (abnormal, as GSE reports an agent that is not running), with the
//! host's `agent_version` or else this server's version.

use std::collections::HashSet;

use axum::extract::State;
use bkjob_api::{
    AgentInfo, ErrorCode, QueryAgentInfoData, QueryAgentInfoRequest, MAX_AGENT_QUERY_HOSTS,
};

use super::auth::Caller;
use super::error::{ApiError, Meta};
use super::extractor::BkJson;
use super::scope::Companion;
use super::{ApiResult, St};

/// POST (gateway) and the ESB route.
pub async fn query_agent_info(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkJson(req): BkJson<QueryAgentInfoRequest>,
) -> ApiResult<QueryAgentInfoData> {
    let c = Companion::open(&state, &meta, &caller, &req)?;
    let Some(ids) = &req.host_id_list else {
        return Err(meta.err(ErrorCode::INTERNAL_ERROR, &[]));
    };
    if ids.len() > MAX_AGENT_QUERY_HOSTS {
        // ValidationMessages: validation.constraints.queryAgentInfoHostIds_tooMany.message
        let text = meta.lang.pick(
            "单次查询主机数量不可超过5000",
            "HostIds size can not be over 5000",
        );
        return Err(ApiError::business(
            &meta,
            ErrorCode::BAD_REQUEST.code(),
            text.to_string(),
        ));
    }
    let mut seen = HashSet::new();
    let agent_info_list = ids
        .iter()
        .filter(|id| seen.insert(**id))
        .filter_map(|&id| state.dir.host(id))
        .filter(|h| c.scope.biz_ids.contains(&h.biz_id))
        .map(|h| AgentInfo {
            bk_host_id: h.id,
            status: if h.agent_online {
                AgentInfo::NORMAL
            } else {
                AgentInfo::ABNORMAL
            },
            version: Some(
                h.agent_version
                    .clone()
                    .unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_string()),
            ),
        })
        .collect();
    Ok(meta.ok(QueryAgentInfoData { agent_info_list }))
}
