//! `fast_execute_script` on the gateway and ESB routes, as named steps, each a plain function
//! that answers its own errors: authenticate and parse (the handler's extractors), [`validate`],
//! [`script::resolve_script`] and [`script::check_danger`], [`check_quota`],
//! [`resolve_account`], [`targets::resolve_targets`], [`authorize::authorize`], [`create`],
//! [`start_job`].
//!
//! Order of checks follows contract §9 exactly:
//! scope → access_business → field validation (bkjob-api `validate_request`: 1240003 group,
//! then 1241004/1241005/1244001 handler checks) → referenced script (1243001/1244018) →
//! dangerous script (1244019) → running-job quota (1244032/1244033/1244034) → account
//! (1244003) → hosts (1244030/1244002) → resolved target empty (1244028) → host count
//! (1244022) → permission (9900403) → save + start.
//!
//! Targets: static hosts (`host_id_list`, else `ip_list`) are checked for existence and scope;
//! topology nodes (`biz`/`set`/`module`) and dynamic groups are expanded from the configured
//! CMDB topology ([`targets::resolve_dynamic_targets`]); everything is merged and
//! de-duplicated by host id before the empty (1244028) and count (1244022) checks. Static entries are de-duplicated
//! before lookups, and more than twice `max_targets` distinct ones are refused with 1244022
//! before any lookup (such a request fails in BK-JOB too, only possibly with 1244030/1244002);
//! error messages list at most 20 entries, then `...`, with the full count.
//!
//! Dangerous-script rules (`[[dangerous_rules]]`, [`crate::danger`]) check the decoded text that
//! would run (inline content or the referenced version) line by line: an enabled intercept rule
//! of the script's language that matches refuses with 1244019; scan rules are only logged.
//!
//! Rolling (`rolling_config`, contract bk-job-api-more.md §7.2 "When each error surfaces"):
//! its bean checks are part of validation (1240003); the staggered-mode checks (1241012)
//! follow validation, before the script; a staggered plan (its expression and batch count:
//! 1244026 / 1244027 / 1241012) is computed right after the hosts, before the permission check;
//! a serial plan after the permission check, before the job is saved. BK-JOB computes the
//! serial plan only while saving, after it wrote the job and step rows (no transaction), so
//! a bad serial expression leaves an orphan job in status 1 there; this server answers the
//! same code and saves nothing. The hosts are assigned to batches in target order and all
//! stored at once, waiting (5).
//!
//! Running-job quotas (`limits.running_jobs_per_scope` / `_per_app` / `_system`) count jobs not
//! in a final status (created, including `start_task: false` ones, running, stopping): per
//! scope (1244032), per calling app code (1244033), in total (1244034), checked in that order.
//! The check at its place in the order reads the committed jobs; the database writer checks
//! again in the transaction that inserts the job, so concurrent launches cannot overshoot.

mod authorize;
mod script;
mod targets;

use axum::extract::State;
use bkjob_api::rules::{effective_timeout, normalize_script_param};
use bkjob_api::{
    decode_base64_lenient, default_task_name, first_error, rolling, validate_request, ErrorCode,
    FastExecuteScriptData, FastExecuteScriptRequest, Lang, Limits,
};

use super::auth::Caller;
use super::error::{ApiError, Meta};
use super::extractor::BkJson;
use super::scope::{intercept_scope, non_blank, require_scope, Scope, ScopedRequest};
use super::{ApiResult, St};
use crate::callback::AddrPolicy;
use crate::config::{AccountConfig, Directory};
use crate::db::{now_ms, CreateError, NewHost, NewJob, QuotaExceeded};
use crate::exec::rolling::{assign_batches, Plan};
use crate::AppState;
use script::Resolved;
use targets::Targets;

/// Gateway and ESB routes: authenticated by the [`Caller`] extractor (on ESB, by
/// [`super::esb`] before the body is parsed), parsed by [`BkJson`].
pub async fn fast_execute_script(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkJson(req): BkJson<FastExecuteScriptRequest>,
) -> ApiResult<FastExecuteScriptData> {
    launch(&state, &meta, &caller, req).await
}

/// Everything a launch resolved, checked and ready to save.
struct Launch<'a> {
    scope: Scope,
    script: Resolved,
    account: &'a AccountConfig,
    targets: Targets<'a>,
    name: String,
    /// The rolling plan and each host's batch (in `targets.hosts` order).
    rolling: Option<(Plan, Vec<i32>)>,
}

/// The steps after authentication, in contract order.
async fn launch(
    state: &AppState,
    meta: &Meta,
    caller: &Caller,
    mut req: FastExecuteScriptRequest,
) -> ApiResult<FastExecuteScriptData> {
    let dir = &state.dir;
    let scope = validate(
        dir,
        &state.limits,
        &state.callback_policy,
        meta,
        caller,
        &req,
    )
    .await?;
    if let Some(v) = req.rolling_config.as_ref().and_then(rolling::check_scatter) {
        return Err(meta.violation(&v));
    }
    let script = script::resolve_script(dir, meta, &scope, &req)?;
    script::check_danger(&state.danger, meta, caller, &script)?;
    check_quota(state, meta, caller, &scope).await?;
    let account = resolve_account(dir, meta, &scope, &req)?;
    let name = task_name(meta.lang, &req);
    let target = req.target_server.take().unwrap_or_default();
    let targets = targets::resolve_targets(dir, &state.limits, meta, &scope, &target, &name)?;
    let staggered = req.rolling_config.as_ref().is_some_and(|c| {
        c.execution_mode == Some(rolling::ExecutionMode::ParallelStaggered.code())
    });
    let mut rolling = None;
    if staggered {
        rolling = rolling_plan(meta, &req, targets.hosts.len())?;
    }
    let mut plan = Launch {
        scope,
        script,
        account,
        targets,
        name,
        rolling,
    };
    authorize::authorize(dir, meta, caller, &plan)?;
    if !staggered {
        plan.rolling = rolling_plan(meta, &req, plan.targets.hosts.len())?;
    }
    let name = plan.name.clone();
    let (job_id, step_id, start) = create(state, meta, caller, &req, plan).await?;
    if start {
        start_job(state, meta, job_id).await?;
    }
    Ok(meta.ok(FastExecuteScriptData {
        job_instance_id: job_id,
        job_instance_name: name,
        step_instance_id: step_id,
    }))
}

/// The scope interceptors, field validation (bkjob-api `validate_request`), then the
/// callback's address; the scope the launch runs in.
async fn validate(
    dir: &Directory,
    limits: &Limits,
    callback_policy: &AddrPolicy,
    meta: &Meta,
    caller: &Caller,
    req: &FastExecuteScriptRequest,
) -> Result<Scope, ApiError> {
    let scope = intercept_scope(dir, meta, caller, req.scope_fields())?;
    let violations = validate_request(req, limits);
    if let Some(v) = first_error(&violations) {
        return Err(meta.violation(v));
    }
    // The callback's address, with BK-JOB's callback message: part of validation, as BK-JOB's
    // allowed-list check is (see `callback`: never aimed at this machine or its network).
    if let Some(url) = non_blank(&req.callback_url) {
        if let Err(why) = callback_policy.check_url(url).await {
            tracing::info!(job_request_id = %meta.job_request_id, "callback_url refused: {why}");
            return Err(meta.violation(&bkjob_api::rules::callback_url_refused()));
        }
    }
    require_scope(meta, scope)
}

/// The batches of a rolling launch (none without `rolling_config`): 1244026, 1244027,
/// 1241012 (staggered, more than 200 batches) or 1240002 (a number beyond Java's int).
fn rolling_plan(
    meta: &Meta,
    req: &FastExecuteScriptRequest,
    hosts: usize,
) -> Result<Option<(Plan, Vec<i32>)>, ApiError> {
    let Some(c) = &req.rolling_config else {
        return Ok(None);
    };
    let fail =
        |e: rolling::RollingError| ApiError::business(meta, e.code().0, e.message(meta.lang));
    let resolved = rolling::Resolved::from_config(c).map_err(fail)?;
    let sizes = resolved.plan(hosts).map_err(fail)?;
    Ok(Some((
        Plan::new(&resolved, sizes.len()),
        assign_batches(&sizes, hosts),
    )))
}

/// Running-job quota, scope → app → system: here against the committed jobs, for the order of
/// checks; [`create`] checks again, atomically with the insert.
async fn check_quota(
    state: &AppState,
    meta: &Meta,
    caller: &Caller,
    scope: &Scope,
) -> Result<(), ApiError> {
    if state.quota.is_unlimited() {
        return Ok(());
    }
    let counts = state
        .db
        .running_counts(scope.type_, &scope.id_str(), &caller.app_code)
        .await
        .map_err(|e| ApiError::internal(meta, e))?;
    match state.quota.exceeded(&counts) {
        Some(q) => Err(quota_error(meta, q)),
        None => Ok(()),
    }
}

fn quota_error(meta: &Meta, q: QuotaExceeded) -> ApiError {
    let code = match q {
        QuotaExceeded::Scope => ErrorCode::QUOTA_SCOPE,
        QuotaExceeded::App => ErrorCode::QUOTA_APP,
        QuotaExceeded::System => ErrorCode::QUOTA_SYSTEM,
    };
    meta.err(code, &[])
}

/// The account of the scope: `account_id` (>0) wins over the alias (contract §2); 1244003.
fn resolve_account<'a>(
    dir: &'a Directory,
    meta: &Meta,
    scope: &Scope,
    req: &FastExecuteScriptRequest,
) -> Result<&'a AccountConfig, ApiError> {
    match req.account_id.filter(|&id| id >= 1) {
        Some(id) => dir
            .account(id)
            // Scripts run as system accounts only: a DB account is not found (as BK-JOB
            // looks script accounts up by the system category).
            .filter(|a| a.biz_id == scope.id && a.is_system())
            .ok_or_else(|| meta.err(ErrorCode::ACCOUNT_NOT_EXIST, &[&format!("ID={id}")])),
        None => {
            let alias = non_blank(&req.account_alias).unwrap_or_default();
            dir.cfg
                .accounts
                .iter()
                .find(|a| a.alias == alias && a.biz_id == scope.id && a.is_system())
                .ok_or_else(|| meta.err(ErrorCode::ACCOUNT_NOT_EXIST, &[alias]))
        }
    }
}

/// The job's name: as sent, else BK-JOB's default with the local time.
fn task_name(lang: Lang, req: &FastExecuteScriptRequest) -> String {
    match non_blank(&req.task_name) {
        Some(n) => n.to_string(),
        None => {
            let offset_ms = i64::from(chrono::Local::now().offset().local_minus_utc()) * 1000;
            default_task_name(lang, now_ms() + offset_ms)
        }
    }
}

/// Save the job (the database checks the quota again, atomically); its ids and whether to
/// start it now.
async fn create(
    state: &AppState,
    meta: &Meta,
    caller: &Caller,
    req: &FastExecuteScriptRequest,
    plan: Launch<'_>,
) -> Result<(i64, i64, bool), ApiError> {
    let param = req
        .script_param
        .as_deref()
        .map(|p| String::from_utf8_lossy(&decode_base64_lenient(p)).into_owned())
        .and_then(|p| normalize_script_param(&p));
    let Launch {
        scope,
        script,
        account,
        targets,
        name,
        rolling,
    } = plan;
    let user = &caller.username;
    let job = NewJob {
        name,
        scope_type: scope.type_.to_string(),
        scope_id: scope.id_str(),
        operator: user.clone(),
        app_code: caller.app_code.clone(),
        callback_url: non_blank(&req.callback_url).map(str::to_string),
        start_task: req.start_task != Some(false),
        script_language: script.language,
        script_content: script.content,
        script_param: param,
        is_param_sensitive: req.is_param_sensitive == Some(1),
        timeout: effective_timeout(req.timeout, &state.limits),
        account_id: account.id,
        account_alias: account.alias.clone(),
        os_user: account.os_user.clone(),
        rolling: rolling.as_ref().map(|(p, _)| p.to_json()),
    };
    let batches = rolling.map(|(_, b)| b).unwrap_or_default();
    let hosts = targets
        .hosts
        .iter()
        .enumerate()
        .map(|(i, h)| NewHost {
            host_id: h.id,
            ip: h.ip.clone(),
            cloud_id: h.cloud_id,
            agent_online: h.agent_online,
            batch: batches.get(i).copied().unwrap_or(0),
        })
        .collect();
    let start = job.start_task;
    let (job_id, step_id, _) = match state.db.create_job(job, hosts, state.quota).await {
        Ok(ids) => ids,
        Err(CreateError::Quota(q)) => return Err(quota_error(meta, q)),
        Err(CreateError::Db(e)) => return Err(ApiError::internal(meta, e)),
    };
    tracing::info!(job_id, step_id, user = %user, app = %caller.app_code, "job created");
    Ok((job_id, step_id, start))
}

/// Start the saved job (a job saved with `start_task: false` waits for `operate_job_instance`).
async fn start_job(state: &AppState, meta: &Meta, job_id: i64) -> Result<(), ApiError> {
    // `false` (already running) cannot happen for a job created just now.
    state
        .exec
        .start(job_id)
        .await
        .map(drop)
        .map_err(|e| ApiError::internal(meta, e))
}

#[cfg(test)]
mod tests;
