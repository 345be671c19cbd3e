//! `get_job_instance_list` (GET and POST): a scope's job history in a creation-time window of
//! at most 30 days, newest first, paged with `start`/`length` (contract bk-job-api-more.md
//! §4). Checks in BK-JOB's order: scope and business access, bean validation (the scope,
//! `length` 1-1000: 1240003), the window (1241007 / 1241002), `type` (1241002), then the
//! query, where an unknown `launch_mode` or `status` fails as BK-JOB's enum conversion does
//! (1240002). Any user with business access sees every job of the scope (no `view_history`).

use axum::extract::State;
use bkjob_api::rules::{check_job_list, check_job_list_length, job_list_length, job_list_page};
use bkjob_api::{ErrorCode, GetJobInstanceListRequest, JobInstanceListItem, PageData, RunStatus};

use super::auth::Caller;
use super::error::Meta;
use super::extractor::BkRequest;
use super::scope::{non_blank, Companion};
use super::{ApiResult, St};
use crate::db::{now_ms, JobListFilter, JobListRow};

/// GET and POST (and the ESB route).
pub async fn get_job_instance_list(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkRequest(req): BkRequest<GetJobInstanceListRequest>,
) -> ApiResult<PageData<JobInstanceListItem>> {
    let c = Companion::open(&state, &meta, &caller, &req)?;
    let length = job_list_length(req.length);
    if let Some(v) = check_job_list_length(length) {
        return Err(meta.violation(&v));
    }
    if let Some(v) = check_job_list(req.create_time_start, req.create_time_end, req.type_) {
        return Err(meta.violation(&v));
    }
    let bad_mode = req.launch_mode.is_some_and(|m| !(1..=3).contains(&m));
    let bad_status = req
        .status
        .is_some_and(|s| RunStatus::from_code(s).is_none());
    if bad_mode || bad_status {
        return Err(meta.err(ErrorCode::INTERNAL_ERROR, &[]));
    }
    let page = job_list_page(req.start, length);
    let filter = JobListFilter {
        scope_type: c.scope.type_.to_string(),
        scope_id: c.scope.id_str(),
        create_time_start: req.create_time_start.unwrap_or_default(),
        create_time_end: req.create_time_end.unwrap_or_default(),
        job_instance_id: req.job_instance_id.filter(|&id| id > 0),
        job_cron_id: req.job_cron_id.filter(|&id| id > 0),
        operator: non_blank(&req.operator).map(str::to_string),
        // Not trimmed: BK-JOB puts the value into LIKE as sent.
        name: req.name.clone().filter(|n| !n.trim().is_empty()),
        launch_mode: req.launch_mode,
        type_: req.type_,
        status: req.status,
        ip: non_blank(&req.ip).map(str::to_string),
        start: i64::from(page.start),
        length: i64::from(page.length),
    };
    let (total, rows) = state.db.job_list(filter).await.map_err(|e| c.internal(e))?;
    let now = now_ms();
    let rows: Vec<JobInstanceListItem> = rows.into_iter().map(|r| item(r, now)).collect();
    Ok(meta.ok(PageData {
        start: page.start,
        length: page.length,
        total,
        // BK-JOB leaves an empty page's list unset (null).
        data: (!rows.is_empty()).then_some(rows),
    }))
}

/// A row as BK-JOB's `EsbTaskInstanceV3DTO`; a job still going (running, waiting for a user,
/// stopping) has its duration so far.
fn item(r: JobListRow, now: i64) -> JobInstanceListItem {
    let live = matches!(r.status, 2 | 7 | 10);
    let total_time = match (r.start_time, r.end_time) {
        (Some(s), Some(e)) => Some((e - s).max(0)),
        (Some(s), None) if live => Some((now - s).max(0)),
        _ => None,
    };
    JobInstanceListItem {
        bk_scope_type: Some(r.scope_type),
        bk_scope_id: Some(r.scope_id),
        bk_biz_id: None,
        job_instance_id: r.id,
        job_template_id: None,
        job_plan_id: None,
        name: r.name,
        operator: r.operator,
        create_time: Some(r.create_time),
        start_time: r.start_time,
        end_time: r.end_time,
        total_time,
        launch_mode: r.launch_mode,
        status: r.status,
        type_: r.type_,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_jobs_count_their_time_so_far() {
        let row = |status, end| JobListRow {
            id: 1,
            name: "n".into(),
            operator: "admin".into(),
            status,
            type_: 1,
            launch_mode: 2,
            scope_type: "biz".into(),
            scope_id: "2".into(),
            create_time: 900,
            start_time: Some(1000),
            end_time: end,
        };
        assert_eq!(item(row(3, Some(1500)), 9000).total_time, Some(500));
        assert_eq!(item(row(2, None), 9000).total_time, Some(8000));
        assert_eq!(item(row(7, None), 9000).total_time, Some(8000));
        assert_eq!(item(row(1, None), 9000).total_time, None);
        let v = serde_json::to_value(item(row(3, Some(1500)), 0)).unwrap();
        assert_eq!(v["job_template_id"], serde_json::Value::Null);
        assert_eq!(v["bk_biz_id"], serde_json::Value::Null);
        assert_eq!(
            (v["type"].as_i64(), v["launch_mode"].as_i64()),
            (Some(1), Some(2))
        );
    }
}
