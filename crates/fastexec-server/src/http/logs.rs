//! Following a job's output: `get_job_instance_ip_log` (GET and POST) and
//! `batch_get_job_instance_ip_log` (contract §5.3, §5.4).
//!
//! Both answer the step's current round (`execute_count`, bk-job-api-more.md §8), every batch:
//! a host re-run by a retry shows the new round's log, a success carried over shows the log
//! of the round it succeeded in (as BK-JOB's `actualExecuteCount`).

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use bkjob_api::rules::{check_batch_log_hosts, check_ip_log_host, check_log_ids};
use bkjob_api::{
    first_error, BatchGetJobInstanceIpLogRequest, BatchIpLogData, ErrorCode,
    GetJobInstanceIpLogRequest, IpLogData, ScriptTaskLog,
};

use super::auth::Caller;
use super::error::{ApiError, Meta};
use super::extractor::{BkJson, BkRequest};
use super::scope::{non_blank, Companion};
use super::{ApiResult, St};
use crate::db::{HostRow, LogCut};

/// The id checks of the ip-log requests (1240003 with the first field's message, §5.3).
fn log_ids(meta: &Meta, job: Option<i64>, step: Option<i64>) -> Result<(i64, i64), ApiError> {
    match first_error(&check_log_ids(job, step)) {
        Some(v) => Err(meta.violation(v)),
        None => Ok((job.unwrap_or_default(), step.unwrap_or_default())),
    }
}

/// The hosts of a step of the job (1244006 when the step is not the job's).
async fn step_hosts(
    c: &Companion<'_>,
    job_id: i64,
    step_id: i64,
) -> Result<Vec<HostRow>, ApiError> {
    let db = &c.state.db;
    let steps = db.steps(job_id).await.map_err(|e| c.internal(e))?;
    if !steps.iter().any(|s| s.id == step_id) {
        return Err(c.meta.err(ErrorCode::TASK_INSTANCE_NOT_EXIST, &[]));
    }
    db.hosts(step_id).await.map_err(|e| c.internal(e))
}

/// GET and POST: one host's log.
pub async fn get_job_instance_ip_log(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkRequest(req): BkRequest<GetJobInstanceIpLogRequest>,
) -> ApiResult<IpLogData> {
    let c = Companion::open(&state, &meta, &caller, &req)?;
    let (job_id, step_id) = log_ids(&meta, req.job_instance_id, req.step_instance_id)?;
    let by_ip = match (&req.bk_cloud_id, non_blank(&req.ip)) {
        (Some(c), Some(ip)) => Some((*c, ip.to_string())),
        _ => None,
    };
    if let Some(v) = check_ip_log_host(req.bk_host_id, req.bk_cloud_id, req.ip.as_deref()) {
        return Err(meta.violation(&v));
    }
    c.job(job_id, true).await?;
    let hosts = step_hosts(&c, job_id, step_id).await?;
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
        .log(step_id, host.host_id, host.actual_count)
        .await
        .map_err(|e| c.internal(e))?;
    Ok(meta.ok(IpLogData {
        log_type: 1,
        bk_host_id: Some(host.host_id),
        bk_cloud_id: Some(host.cloud_id),
        ip: Some(host.ip),
        log_content: Some(log),
        file_logs: None,
    }))
}

/// Several hosts' logs of a step, within `max_log_answer_bytes`.
pub async fn batch_get_job_instance_ip_log(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkJson(mut req): BkJson<BatchGetJobInstanceIpLogRequest>,
) -> ApiResult<BatchIpLogData> {
    let c = Companion::open(&state, &meta, &caller, &req)?;
    let (job_id, step_id) = log_ids(&meta, req.job_instance_id, req.step_instance_id)?;
    let ids = req.host_id_list.take().unwrap_or_default();
    let ips = req.ip_list.take().unwrap_or_default();
    if let Some(v) = check_batch_log_hosts(ids.len(), ips.len()) {
        return Err(meta.violation(&v));
    }
    c.job(job_id, true).await?;
    let hosts = step_hosts(&c, job_id, step_id).await?;
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
        .logs_capped(
            step_id,
            chosen.iter().map(|h| (h.host_id, h.actual_count)).collect(),
            cap,
        )
        .await
        .map_err(|e| c.internal(e))?;
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
