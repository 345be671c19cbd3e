//! `get_job_instance_status` (GET and POST): where a job stands, step by step and host by
//! host (contract §5.2): each step's `execute_count` and the hosts of its current round, every
//! rolling batch (hosts of batches not run yet wait in 5; bk-job-api-more.md §7.4, §8).

use axum::extract::State;
use bkjob_api::rules::check_status_job_instance_id;
use bkjob_api::{
    ErrorCode, GetJobInstanceStatusRequest, JobInstance, JobInstanceStatusData, RunStatus,
    StepInstance, StepIpResult,
};

use super::auth::Caller;
use super::error::Meta;
use super::extractor::BkRequest;
use super::scope::Companion;
use super::{ApiResult, St};
use crate::db::HostRow;

/// Milliseconds between start and end, once both are known.
fn total(start: Option<i64>, end: Option<i64>) -> Option<i64> {
    match (start, end) {
        (Some(s), Some(e)) => Some((e - s).max(0)),
        _ => None,
    }
}

/// GET and POST: the job, its steps and, with `return_ip_result`, every host's result.
pub async fn get_job_instance_status(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkRequest(req): BkRequest<GetJobInstanceStatusRequest>,
) -> ApiResult<JobInstanceStatusData> {
    let c = Companion::open(&state, &meta, &caller, &req)?;
    if let Some(v) = check_status_job_instance_id(req.job_instance_id) {
        return Err(meta.violation(&v));
    }
    let job_id = req.job_instance_id.unwrap_or_default();
    let job = c.job(job_id, true).await?;
    let steps = state.db.steps(job_id).await.map_err(|e| c.internal(e))?;
    if steps.is_empty() {
        return Err(meta.err(ErrorCode::STEP_INSTANCE_NOT_EXIST, &[]));
    }
    let with_hosts = req.return_ip_result == Some(true);
    let mut step_list = Vec::with_capacity(steps.len());
    for s in steps {
        let ips = if with_hosts {
            let hosts = state.db.hosts(s.id).await.map_err(|e| c.internal(e))?;
            Some(hosts.into_iter().map(ip_result).collect())
        } else {
            None
        };
        step_list.push(StepInstance {
            step_instance_id: s.id,
            name: s.name,
            type_: s.type_,
            status: s.status,
            execute_count: s.execute_count,
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
