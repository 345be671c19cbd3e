//! Following a job: `get_job_instance_status`, `get_job_instance_ip_log` and
//! `batch_get_job_instance_ip_log` (GET and POST where BK-JOB has both).

use super::*;
use std::collections::{HashMap, HashSet};

use axum::extract::State;
use bkjob_api::rules::{
    check_batch_log_hosts, check_ip_log_host, check_log_ids, check_status_job_instance_id,
};
use bkjob_api::{
    first_error, BatchGetJobInstanceIpLogRequest, BatchIpLogData, ErrorCode,
    GetJobInstanceIpLogRequest, GetJobInstanceStatusRequest, IpLogData, JobInstance,
    JobInstanceStatusData, RunStatus, ScriptTaskLog, StepInstance, StepIpResult,
};

use crate::auth::Caller;
use crate::db::{HostRow, LogCut};
use crate::error::{ApiError, BkJson, BkQuery, Meta};
use crate::AppState;

fn total(start: Option<i64>, end: Option<i64>) -> Option<i64> {
    match (start, end) {
        (Some(s), Some(e)) => Some((e - s).max(0)),
        _ => None,
    }
}

pub async fn get_job_instance_status_get(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkQuery(req): BkQuery<GetJobInstanceStatusRequest>,
) -> ApiResult<JobInstanceStatusData> {
    job_instance_status(&state, &meta, &caller, req).await
}

pub async fn get_job_instance_status_post(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkJson(req): BkJson<GetJobInstanceStatusRequest>,
) -> ApiResult<JobInstanceStatusData> {
    job_instance_status(&state, &meta, &caller, req).await
}

async fn job_instance_status(
    state: &AppState,
    meta: &Meta,
    caller: &Caller,
    req: GetJobInstanceStatusRequest,
) -> ApiResult<JobInstanceStatusData> {
    let access = companion_scope(
        state,
        meta,
        caller,
        &req.bk_scope_type,
        &req.bk_scope_id,
        req.bk_biz_id,
    )?;
    if let Some(v) = check_status_job_instance_id(req.job_instance_id) {
        return Err(meta.violation(&v));
    }
    let job_id = req.job_instance_id.unwrap_or_default();
    let job = access.job(state, meta, caller, job_id, true).await?;
    let steps = state
        .db
        .steps(job_id)
        .await
        .map_err(|e| ApiError::internal(meta, e))?;
    if steps.is_empty() {
        return Err(meta.err(ErrorCode::STEP_INSTANCE_NOT_EXIST, &[]));
    }
    let with_hosts = req.return_ip_result == Some(true);
    let mut step_list = Vec::with_capacity(steps.len());
    for s in steps {
        let ips = if with_hosts {
            let hosts = state
                .db
                .hosts(s.id)
                .await
                .map_err(|e| ApiError::internal(meta, e))?;
            Some(hosts.into_iter().map(ip_result).collect())
        } else {
            None
        };
        step_list.push(StepInstance {
            step_instance_id: s.id,
            name: s.name,
            type_: s.type_,
            status: s.status,
            execute_count: 0,
            create_time: Some(s.create_time),
            start_time: s.start_time,
            end_time: s.end_time,
            total_time: total(s.start_time, s.end_time),
            step_ip_result_list: ips,
        });
    }
    let finished = RunStatus::from_code(job.status).is_some_and(RunStatus::is_finished);
    Ok(meta.ok(JobInstanceStatusData {
        finished,
        job_instance: JobInstance {
            job_instance_id: job.id,
            name: job.name,
            status: job.status,
            create_time: Some(job.create_time),
            start_time: job.start_time,
            end_time: job.end_time,
            total_time: total(job.start_time, job.end_time),
            bk_scope_type: Some(job.scope_type),
            bk_scope_id: Some(job.scope_id),
            bk_biz_id: None,
        },
        step_instance_list: step_list,
    }))
}

fn ip_result(h: HostRow) -> StepIpResult {
    StepIpResult {
        bk_host_id: Some(h.host_id),
        ip: Some(h.ip),
        bk_cloud_id: Some(h.cloud_id),
        status: h.status,
        tag: String::new(),
        exit_code: h.exit_code,
        error_code: Some(h.error_code),
        start_time: h.start_time,
        end_time: h.end_time,
        total_time: total(h.start_time, h.end_time),
    }
}

/// The id checks of the ip-log requests (1240003 with the first field's message, §5.3).
fn log_ids(meta: &Meta, job: Option<i64>, step: Option<i64>) -> Result<(i64, i64), ApiError> {
    match first_error(&check_log_ids(job, step)) {
        Some(v) => Err(meta.violation(v)),
        None => Ok((job.unwrap_or_default(), step.unwrap_or_default())),
    }
}

async fn step_hosts(
    state: &AppState,
    meta: &Meta,
    job_id: i64,
    step_id: i64,
) -> Result<Vec<HostRow>, ApiError> {
    let steps = state
        .db
        .steps(job_id)
        .await
        .map_err(|e| ApiError::internal(meta, e))?;
    if !steps.iter().any(|s| s.id == step_id) {
        return Err(meta.err(ErrorCode::TASK_INSTANCE_NOT_EXIST, &[]));
    }
    state
        .db
        .hosts(step_id)
        .await
        .map_err(|e| ApiError::internal(meta, e))
}

pub async fn get_job_instance_ip_log_get(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkQuery(req): BkQuery<GetJobInstanceIpLogRequest>,
) -> ApiResult<IpLogData> {
    ip_log(&state, &meta, &caller, req).await
}

pub async fn get_job_instance_ip_log_post(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkJson(req): BkJson<GetJobInstanceIpLogRequest>,
) -> ApiResult<IpLogData> {
    ip_log(&state, &meta, &caller, req).await
}

async fn ip_log(
    state: &AppState,
    meta: &Meta,
    caller: &Caller,
    req: GetJobInstanceIpLogRequest,
) -> ApiResult<IpLogData> {
    let access = companion_scope(
        state,
        meta,
        caller,
        &req.bk_scope_type,
        &req.bk_scope_id,
        req.bk_biz_id,
    )?;
    let (job_id, step_id) = log_ids(meta, req.job_instance_id, req.step_instance_id)?;
    let by_ip = match (&req.bk_cloud_id, non_blank(&req.ip)) {
        (Some(c), Some(ip)) => Some((*c, ip.to_string())),
        _ => None,
    };
    if let Some(v) = check_ip_log_host(req.bk_host_id, req.bk_cloud_id, req.ip.as_deref()) {
        return Err(meta.violation(&v));
    }
    access.job(state, meta, caller, job_id, true).await?;
    let hosts = step_hosts(state, meta, job_id, step_id).await?;
    let host = hosts.into_iter().find(|h| match req.bk_host_id {
        Some(id) => h.host_id == id,
        None => by_ip
            .as_ref()
            .is_some_and(|(c, ip)| h.cloud_id == *c && &h.ip == ip),
    });
    let Some(host) = host else {
        // A host that is not a target of the step has no log.
        return Ok(meta.ok(IpLogData {
            log_type: 1,
            bk_host_id: req.bk_host_id,
            bk_cloud_id: by_ip.as_ref().map(|(c, _)| *c),
            ip: by_ip.map(|(_, ip)| ip),
            log_content: None,
            file_logs: None,
        }));
    };
    let log = state
        .db
        .log(step_id, host.host_id)
        .await
        .map_err(|e| ApiError::internal(meta, e))?;
    Ok(meta.ok(IpLogData {
        log_type: 1,
        bk_host_id: Some(host.host_id),
        bk_cloud_id: Some(host.cloud_id),
        ip: Some(host.ip),
        log_content: Some(log),
        file_logs: None,
    }))
}

pub async fn batch_get_job_instance_ip_log(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkJson(mut req): BkJson<BatchGetJobInstanceIpLogRequest>,
) -> ApiResult<BatchIpLogData> {
    let access = companion_scope(
        &state,
        &meta,
        &caller,
        &req.bk_scope_type,
        &req.bk_scope_id,
        req.bk_biz_id,
    )?;
    let (job_id, step_id) = log_ids(&meta, req.job_instance_id, req.step_instance_id)?;
    let ids = req.host_id_list.take().unwrap_or_default();
    let ips = req.ip_list.take().unwrap_or_default();
    if let Some(v) = check_batch_log_hosts(ids.len(), ips.len()) {
        return Err(meta.violation(&v));
    }
    access.job(&state, &meta, &caller, job_id, true).await?;
    let hosts = step_hosts(&state, &meta, job_id, step_id).await?;
    let by_id: HashMap<i64, &HostRow> = hosts.iter().map(|h| (h.host_id, h)).collect();
    let by_ip: HashMap<(i64, &str), &HostRow> = hosts
        .iter()
        .map(|h| ((h.cloud_id, h.ip.as_str()), h))
        .collect();
    // Host ids win over ip_list. A host asked for twice (by repeated id or ip) is answered
    // once: 500 copies of one big log would be 500 times the memory.
    let mut seen = HashSet::new();
    let chosen: Vec<&HostRow> = if !ids.is_empty() {
        ids.iter()
            .filter_map(|id| by_id.get(id).copied())
            .collect::<Vec<_>>()
    } else {
        ips.iter()
            .filter_map(|e| {
                let ip = e.ip.as_deref().unwrap_or_default().trim();
                by_ip.get(&(e.bk_cloud_id.unwrap_or_default(), ip)).copied()
            })
            .collect::<Vec<_>>()
    }
    .into_iter()
    .filter(|h| seen.insert(h.host_id))
    .collect();
    let cap = state.dir.cfg.limits.max_log_answer_bytes;
    let logs = state
        .db
        .logs_capped(step_id, chosen.iter().map(|h| h.host_id).collect(), cap)
        .await
        .map_err(|e| ApiError::internal(&meta, e))?;
    let script_task_logs = chosen
        .into_iter()
        .zip(logs)
        .map(|(h, (mut log, cut))| {
            if cut != LogCut::Whole {
                // Like BK-JOB's note on oversized logs: say what happened and what to do.
                if !log.is_empty() && !log.ends_with('\n') {
                    log.push('\n');
                }
                log.push_str(&format!(
                    "[fastexec] log truncated: this answer reached its {cap}-byte cap; \
                     ask for fewer hosts at a time\n"
                ));
            }
            ScriptTaskLog {
                bk_host_id: Some(h.host_id),
                bk_cloud_id: Some(h.cloud_id),
                ip: Some(h.ip.clone()),
                log_content: Some(log),
                ..Default::default()
            }
        })
        .collect();
    Ok(meta.ok(BatchIpLogData {
        job_instance_id: job_id,
        step_instance_id: step_id,
        log_type: 1,
        script_task_logs: Some(script_task_logs),
        file_task_logs: None,
    }))
}
