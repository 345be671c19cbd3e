//! The step APIs: `operate_step_instance` (retry failed / all hosts, ignore error, skip, next
//! step, continue a rolling batch; bk-job-api-more.md §3) and `get_step_instance_status` (one
//! step's hosts by round and rolling batch, grouped by status; §7.4).
//!
//! `operate_step_instance` checks in BK-JOB's order: scope and business access, the ids and
//! the code (1241002), the job in the scope (1244006), the step of that job (1244007), then
//! this server's own authorization (see [`super::operate::authorize_operation`]; a retry runs
//! the script again, so it also needs `use_account`), then the step's status (1241003, decided
//! by the executor on the claimed job). The confirmation codes 6/9/10 need a manual
//! confirmation step (type 3), which a quick script job never has: always 1241003 here, so
//! the confirm-user check (1244016) that follows in BK-JOB is never reached. The call returns
//! once the synchronous part is stored (a retry's `execute_count` + 1 and the running job);
//! the hosts run afterwards.

use std::collections::BTreeMap;

use axum::extract::State;
use bkjob_api::rules::{check_log_ids, check_operate_step_request};
use bkjob_api::{
    first_error, ErrorCode, GetStepInstanceStatusRequest, HostStatus, OperateStepInstanceData,
    OperateStepInstanceRequest, RunStatus, StepHostResult, StepInstanceStatusData, StepOperation,
    StepResultGroup, StepType,
};

use super::auth::Caller;
use super::error::Meta;
use super::extractor::{BkJson, BkRequest};
use super::operate::authorize_operation;
use super::scope::{non_blank, Companion};
use super::{ApiResult, St};
use crate::db::{HostRow, StepRow};
use crate::exec::rolling::Plan;
use crate::exec::{OpRefused, StepOp};

/// Milliseconds between start and end, once both are known.
fn total(start: Option<i64>, end: Option<i64>) -> Option<i64> {
    match (start, end) {
        (Some(s), Some(e)) => Some((e - s).max(0)),
        _ => None,
    }
}

/// The step of the job, else 1244007.
async fn job_step(
    c: &Companion<'_>,
    job_id: i64,
    step_id: i64,
) -> Result<StepRow, super::error::ApiError> {
    let steps = c.state.db.steps(job_id).await.map_err(|e| c.internal(e))?;
    steps
        .into_iter()
        .find(|s| s.id == step_id)
        .ok_or_else(|| c.meta.err(ErrorCode::STEP_INSTANCE_NOT_EXIST, &[]))
}

/// POST (gateway) and the ESB route.
pub async fn operate_step_instance(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkJson(req): BkJson<OperateStepInstanceRequest>,
) -> ApiResult<OperateStepInstanceData> {
    let c = Companion::open(&state, &meta, &caller, &req)?;
    let (job_id, step_id, code) = (
        req.job_instance_id,
        req.step_instance_id,
        req.operation_code,
    );
    if let Some(v) = check_operate_step_request(job_id, step_id, code) {
        return Err(meta.violation(&v));
    }
    let (job_id, step_id) = (job_id.unwrap_or_default(), step_id.unwrap_or_default());
    let Some(op) = code.and_then(StepOperation::from_code) else {
        return Err(meta.err(ErrorCode::ILLEGAL_PARAM, &[]));
    };
    let job = c.job(job_id, false).await?;
    job_step(&c, job_id, step_id).await?;
    let what = format!("{op:?}");
    authorize_operation(&state, &meta, &caller, &c.scope, &job, &what, op.is_retry()).await?;
    let unsupported = || meta.err(ErrorCode::UNSUPPORTED_OPERATION, &[]);
    let Some(step_op) = StepOp::from_operation(op) else {
        return Err(unsupported());
    };
    let allowed = |status: RunStatus, type_: i32, rolling: bool| {
        StepType::from_code(type_).is_some_and(|t| op.allowed(status, t, rolling))
    };
    match state.exec.operate_step(job_id, step_op, allowed).await {
        Ok(()) => {}
        Err(OpRefused::Unsupported) => return Err(unsupported()),
        Err(OpRefused::Internal(e)) => return Err(c.internal(e)),
    }
    tracing::info!(job_id, step_id, user = %caller.username, operation = what, "step operation");
    Ok(meta.ok(OperateStepInstanceData {
        job_instance_id: job_id,
        job_instance_name: None,
        step_instance_id: step_id,
    }))
}

/// GET (gateway) and the ESB route: the step in one round, its hosts of one rolling batch
/// (absent: the current batch of a rolling step; 0: all), grouped by status and tag.
pub async fn get_step_instance_status(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkRequest(req): BkRequest<GetStepInstanceStatusRequest>,
) -> ApiResult<StepInstanceStatusData> {
    let c = Companion::open(&state, &meta, &caller, &req)?;
    if let Some(v) = first_error(&check_log_ids(req.job_instance_id, req.step_instance_id)) {
        return Err(meta.violation(v));
    }
    let (job_id, step_id) = (
        req.job_instance_id.unwrap_or_default(),
        req.step_instance_id.unwrap_or_default(),
    );
    let db = &state.db;
    // BK-JOB finds the step in the scope first (1244007), then checks it is the job's
    // (1241007 naming job_instance_id), then who may view it.
    let step_job = db.step_job(step_id).await.map_err(|e| c.internal(e))?;
    let job_in_scope = match step_job {
        Some(j) => db
            .job(j)
            .await
            .map_err(|e| c.internal(e))?
            .filter(|j| j.scope_type == c.scope.type_ && j.scope_id == c.scope.id_str()),
        None => None,
    };
    let Some(owner) = job_in_scope else {
        return Err(meta.err(ErrorCode::STEP_INSTANCE_NOT_EXIST, &[]));
    };
    if owner.id != job_id {
        return Err(meta.err(
            ErrorCode::MISSING_OR_ILLEGAL_PARAM_WITH_NAME,
            &["job_instance_id"],
        ));
    }
    c.job(job_id, true).await?;
    let step = job_step(&c, job_id, step_id).await?;
    let round = req.execute_count.unwrap_or(step.execute_count);
    let hosts = if round == step.execute_count {
        db.hosts(step_id).await
    } else {
        db.hosts_of_round(step_id, round).await
    }
    .map_err(|e| c.internal(e))?;
    let rolling = Plan::from_json(step.rolling.as_deref()).is_some();
    let batch = match req.batch {
        None if rolling => Some(step.batch.max(1)),
        None | Some(0) => None,
        Some(b) => Some(b),
    };
    let mut hosts: Vec<HostRow> = hosts
        .into_iter()
        .filter(|h| batch.is_none_or(|b| h.batch == b))
        .collect();
    if let Some(ip) = non_blank(&req.search_ip) {
        hosts.retain(|h| h.ip.contains(ip));
    }
    if let Some(word) = non_blank(&req.keyword) {
        let mut kept = Vec::with_capacity(hosts.len());
        for h in hosts {
            let log = db
                .log(step_id, h.host_id, h.actual_count)
                .await
                .map_err(|e| c.internal(e))?;
            if log.contains(word) {
                kept.push(h);
            }
        }
        hosts = kept;
    }
    Ok(meta.ok(StepInstanceStatusData {
        step_instance_id: step.id,
        execute_count: round,
        name: Some(step.name),
        type_: Some(step.type_),
        status: Some(step.status),
        create_time: Some(step.create_time),
        start_time: step.start_time,
        end_time: step.end_time,
        total_time: total(step.start_time, step.end_time),
        step_result_group_list: groups(meta.lang, hosts, &req),
    }))
}

/// Hosts grouped by (status, tag), ordered by status then tag (BK-JOB's `ResultGroupBaseDTO`
/// order). With `status`, only the group it names (with `tag`) lists its hosts, if it exists;
/// otherwise only the first group does. `max_host_num_per_group` cuts each list; `host_size`
/// always counts the whole group.
fn groups(
    lang: bkjob_api::Lang,
    hosts: Vec<HostRow>,
    req: &GetStepInstanceStatusRequest,
) -> Vec<StepResultGroup> {
    let mut by_status: BTreeMap<(i32, String), Vec<HostRow>> = BTreeMap::new();
    for h in hosts {
        // This server has no result tags: every host is in the "" tag.
        by_status
            .entry((h.status, String::new()))
            .or_default()
            .push(h);
    }
    let wanted = req.status.map(|s| (s, req.tag.clone().unwrap_or_default()));
    let named_exists = wanted.as_ref().is_some_and(|w| by_status.contains_key(w));
    let max = req
        .max_host_num_per_group
        .filter(|&n| n >= 0)
        .map(|n| n as usize);
    by_status
        .into_iter()
        .enumerate()
        .map(|(i, ((status, tag), hosts))| {
            let listed = match &wanted {
                None => true,
                Some(w) if named_exists => *w == (status, tag.clone()),
                Some(_) => i == 0,
            };
            let desc = HostStatus::label_for_code(status, lang);
            let list = if listed {
                hosts
                    .iter()
                    .take(max.unwrap_or(usize::MAX))
                    .map(|h| host_result(lang, h))
                    .collect()
            } else {
                Vec::new()
            };
            StepResultGroup {
                result_type: status,
                result_type_desc: Some(desc),
                tag: Some(tag),
                host_size: hosts.len() as i32,
                host_result_list: Some(list),
            }
        })
        .collect()
}

fn host_result(lang: bkjob_api::Lang, h: &HostRow) -> StepHostResult {
    StepHostResult {
        bk_host_id: h.host_id,
        ip: Some(h.ip.clone()),
        ipv6: None,
        bk_agent_id: None,
        bk_cloud_id: Some(h.cloud_id),
        bk_cloud_name: (h.cloud_id == 0).then(|| lang.pick("默认区域", "Default Area").to_string()),
        status: h.status,
        status_desc: Some(HostStatus::label_for_code(h.status, lang)),
        tag: Some(String::new()),
        exit_code: h.exit_code,
        start_time: h.start_time,
        end_time: h.end_time,
        total_time: total(h.start_time, h.end_time),
    }
}
