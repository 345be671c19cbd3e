//! `operate_job_instance`: terminate and start, and who may operate a job (shared with
//! `operate_step_instance`, [`super::step`]).

use axum::extract::State;
use bkjob_api::rules::check_operate_request;
use bkjob_api::{
    ErrorCode, OperateJobInstanceData, OperateJobInstanceRequest, OperationCode, Permission,
    PermissionInstance, RunStatus,
};

use super::auth::Caller;
use super::error::{ApiError, Meta};
use super::extractor::BkJson;
use super::scope::{Companion, Scope};
use super::{ApiResult, St};
use crate::db::JobRow;
use crate::AppState;

/// Who may operate a job (`operate_job_instance`, `operate_step_instance`). BK-JOB checks only
/// business access there (contract §5.6, bk-job-api-more.md §3.3), which on this server would
/// let any user who may merely open the business stop other people's jobs, or start or retry
/// someone else's job — a script under an account they may not use. So an operation needs the
/// job's own operator, or the execute permission on the job's scope (`quick_execute_script`
/// or `execute_script`), and when it runs the script (`runs_script`: Start, a retry) also
/// `use_account` on the job's account; otherwise 9900403 with what is missing. `what` names
/// the operation in the log.
pub(super) async fn authorize_operation(
    state: &AppState,
    meta: &Meta,
    caller: &Caller,
    scope: &Scope,
    job: &JobRow,
    what: &str,
    runs_script: bool,
) -> Result<(), ApiError> {
    let user = &caller.username;
    if *user == job.operator {
        return Ok(());
    }
    let (dir, lang, sid) = (&state.dir, meta.lang, scope.id_str());
    let may_execute = dir.allowed(user, "quick_execute_script", scope.type_, &sid)
        || dir.allowed(user, "execute_script", scope.type_, &sid);
    let account = if runs_script {
        let acc = state
            .db
            .job_account(job.id)
            .await
            .map_err(|e| ApiError::internal(meta, e))?;
        acc.filter(|_| !dir.allowed(user, "use_account", scope.type_, &sid))
    } else {
        None
    };
    if may_execute && account.is_none() {
        return Ok(());
    }
    let mut perm = Permission::job(lang);
    if !may_execute {
        perm = perm.with_action(scope.quick_execute_action(lang));
    }
    if let Some((id, alias)) = account {
        let path = vec![
            scope.instance(lang),
            PermissionInstance::new("account", id.to_string(), alias, lang),
        ];
        perm = perm.with_action(Permission::use_account_action(path, lang));
    }
    tracing::info!(job_id = job.id, user = %user, operation = what, "operation refused: not the operator and no execute permission");
    Err(meta.denied(user, perm))
}

pub async fn operate_job_instance(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkJson(req): BkJson<OperateJobInstanceRequest>,
) -> ApiResult<OperateJobInstanceData> {
    let c = Companion::open(&state, &meta, &caller, &req)?;
    // Missing/invalid anything → 1241002 (contract §5.6).
    if let Some(v) = check_operate_request(req.job_instance_id, req.operation_code) {
        return Err(meta.violation(&v));
    }
    let job_id = req.job_instance_id.unwrap_or_default();
    let Some(op) = req.operation_code.and_then(OperationCode::from_code) else {
        return Err(meta.err(ErrorCode::ILLEGAL_PARAM, &[]));
    };
    let job = c.job(job_id, false).await?;
    let what = format!("{op:?}");
    let runs_script = op == OperationCode::Start;
    authorize_operation(&state, &meta, &caller, &c.scope, &job, &what, runs_script).await?;
    match op {
        OperationCode::Terminate => {
            // Only a running job, or one waiting for a user (7, a rolling step between
            // batches), can be terminated (else 1241003). The executor is the authority on
            // "running": the stored status may lag by one write batch.
            let steps = state.db.steps(job_id).await.map_err(|e| c.internal(e))?;
            let step_id = steps.first().map(|s| s.id).unwrap_or_default();
            if !state.exec.terminate(job_id, step_id)
                && !state
                    .exec
                    .terminate_waiting(job_id)
                    .await
                    .map_err(|e| c.internal(e))?
            {
                return Err(meta.err(ErrorCode::UNSUPPORTED_OPERATION, &[]));
            }
            tracing::info!(job_id, user = %caller.username, "terminate requested");
        }
        OperationCode::Start => {
            let already = || meta.err(ErrorCode::JOB_ALREADY_STARTED, &[&job_id.to_string()]);
            if job.status != RunStatus::Blank.code() {
                return Err(already());
            }
            let started = state.exec.start(job_id).await.map_err(|e| c.internal(e))?;
            if !started {
                return Err(already());
            }
        }
    }
    Ok(meta.ok(OperateJobInstanceData {
        job_instance_id: job_id,
    }))
}
