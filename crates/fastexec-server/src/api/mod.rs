//! The BK-JOB v3 endpoints.
//!
//! Order of checks for `fast_execute_script` follows contract §9 exactly:
//! scope → access_business → field validation (bkjob-api `validate_request`: 1240003 group,
//! then 1241004/1241005/1244001 handler checks) → referenced script (1243001/1244018) →
//! dangerous script (1244019) → running-job quota (1244032/1244033/1244034) → account
//! (1244003) → hosts (1244030/1244002) → resolved target empty (1244028) → host count
//! (1244022) → permission (9900403) → save + start.
//!
//! Targets: static hosts (`host_id_list`, else `ip_list`) are checked for existence and scope;
//! topology nodes (`biz`/`set`/`module`) and dynamic groups are expanded from the configured
//! CMDB topology ([`resolve_dynamic_targets`]); everything is merged and de-duplicated by host
//! id before the empty (1244028) and count (1244022) checks. Static entries are de-duplicated
//! before lookups, and more than twice `max_targets` distinct ones are refused with 1244022
//! before any lookup (such a request fails in BK-JOB too, only possibly with 1244030/1244002);
//! error messages list at most 20 entries, then `...`, with the full count.
//!
//! Dangerous-script rules (`[[dangerous_rules]]`, [`crate::danger`]) check the decoded text that
//! would run (inline content or the referenced version) line by line: an enabled intercept rule
//! of the script's language that matches refuses with 1244019; scan rules are only logged.
//!
//! Running-job quotas (`limits.running_jobs_per_scope` / `_per_app` / `_system`) count jobs not
//! in a final status (created, including `start_task: false` ones, running, stopping): per
//! scope (1244032), per calling app code (1244033), in total (1244034), checked in that order.
//! The check at its place in the order reads the committed jobs; the database writer checks
//! again in the transaction that inserts the job, so concurrent launches cannot overshoot.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use bkjob_api::rules::{
    check_biz_id, check_scope_id, check_scope_type, is_biz_set_id, scope_type_known,
};
use bkjob_api::{
    ApiResponse, ErrorCode, Permission, PermissionAction, PermissionInstance, RelatedResourceType,
    Violation,
};

use crate::auth::Caller;
use crate::db::JobRow;
use crate::error::{ApiError, Meta};
use crate::AppState;

mod launch;
mod logs;
mod operate;

pub use launch::{esb_fast_execute_script, fast_execute_script};
pub use logs::{
    batch_get_job_instance_ip_log, get_job_instance_ip_log_get, get_job_instance_ip_log_post,
    get_job_instance_status_get, get_job_instance_status_post,
};
pub use operate::operate_job_instance;

pub type ApiResult<T> = Result<Json<ApiResponse<T>>, ApiError>;
type St = State<Arc<AppState>>;

/// A resolved resource scope (business or business set).
#[derive(Debug, Clone)]
pub struct Scope {
    pub type_: &'static str,
    pub id: i64,
    pub name: String,
    /// Businesses whose hosts belong to the scope.
    pub biz_ids: Vec<i64>,
}

impl Scope {
    pub fn id_str(&self) -> String {
        self.id.to_string()
    }

    /// `[scope]` as the first node of permission paths.
    fn instance(&self, lang: bkjob_api::Lang) -> PermissionInstance {
        PermissionInstance::new(self.type_, self.id_str(), self.name.clone(), lang)
    }

    /// `quick_execute_script` on the whole scope (one `[scope]` path under `host`): what a
    /// biz-set launch lacks, and what operating another user's job needs.
    fn quick_execute_action(&self, lang: bkjob_api::Lang) -> PermissionAction {
        PermissionAction::new(
            "quick_execute_script",
            vec![RelatedResourceType::new(
                "host",
                vec![vec![self.instance(lang)]],
                lang,
            )],
            lang,
        )
    }
}

fn non_blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The two interceptors of contract §3.1: scope (1241005 / 1243049), then `access_business`
/// (9900403 with one `access_business` action on the scope). Returns `None` when the request
/// names no scope; bean validation then answers.
fn intercept_scope(
    state: &AppState,
    meta: &Meta,
    caller: &Caller,
    scope_type: &Option<String>,
    scope_id: &Option<String>,
    bk_biz_id: Option<i64>,
) -> Result<Option<Scope>, ApiError> {
    let (type_, id) = match (non_blank(scope_type), non_blank(scope_id)) {
        (Some(t), Some(id)) => {
            if !scope_type_known(t) {
                return Err(meta.err(ErrorCode::ILLEGAL_PARAM_WITH_NAME, &["bk_scope_type"]));
            }
            (t.to_string(), id.parse::<i64>().ok())
        }
        (None, None) => match bk_biz_id {
            // Legacy bk_biz_id: 8000000-9999999 are business sets (contract §2).
            Some(id) if id >= 1 => {
                let t = if is_biz_set_id(id) { "biz_set" } else { "biz" };
                (t.to_string(), Some(id))
            }
            _ => return Ok(None),
        },
        _ => return Ok(None),
    };
    let scope = id.and_then(|id| match type_.as_str() {
        "biz" => state.dir.business(id).map(|b| Scope {
            type_: "biz",
            id,
            name: b.name.clone(),
            biz_ids: vec![id],
        }),
        "biz_set" => state.dir.biz_set(id).map(|b| Scope {
            type_: "biz_set",
            id,
            name: b.name.clone(),
            biz_ids: b.biz_ids.clone(),
        }),
        // tenant_set is known to BK-JOB but none exist here.
        _ => None,
    });
    let Some(scope) = scope else {
        return Err(meta.err(ErrorCode::SCOPE_NOT_EXIST, &[]));
    };
    if !state.dir.allowed(
        &caller.username,
        "access_business",
        scope.type_,
        &scope.id_str(),
    ) {
        return Err(meta.denied(
            &caller.username,
            Permission::access_business(scope.type_, &scope.id_str(), &scope.name, meta.lang),
        ));
    }
    Ok(Some(scope))
}

/// Bean validation of the scope fields shared by every `EsbAppScopeReq` (contract §3.2).
fn scope_violation(
    scope_type: &Option<String>,
    scope_id: &Option<String>,
    bk_biz_id: Option<i64>,
) -> Option<Violation> {
    match bk_biz_id {
        Some(id) => check_biz_id(id),
        None => {
            check_scope_type(scope_type.as_deref()).or_else(|| check_scope_id(scope_id.as_deref()))
        }
    }
}

fn require_scope(meta: &Meta, scope: Option<Scope>) -> Result<Scope, ApiError> {
    // Only reachable if validation accepted fields the interceptor could not resolve.
    scope.ok_or_else(|| meta.err(ErrorCode::SCOPE_NOT_EXIST, &[]))
}

// ---------------------------------------------------------------------------------------------
// Companions

/// Common start of the companion APIs: scope interceptors, scope validation, then the
/// instance access check (contract §5: exists in the scope else 1244006; operator or
/// `view_history` else 9900403).
struct Access {
    scope: Scope,
}

fn companion_scope(
    state: &AppState,
    meta: &Meta,
    caller: &Caller,
    scope_type: &Option<String>,
    scope_id: &Option<String>,
    bk_biz_id: Option<i64>,
) -> Result<Access, ApiError> {
    let scope = intercept_scope(state, meta, caller, scope_type, scope_id, bk_biz_id)?;
    if let Some(v) = scope_violation(scope_type, scope_id, bk_biz_id) {
        return Err(meta.violation(&v));
    }
    Ok(Access {
        scope: require_scope(meta, scope)?,
    })
}

impl Access {
    async fn job(
        &self,
        state: &AppState,
        meta: &Meta,
        caller: &Caller,
        job_id: i64,
        check_view: bool,
    ) -> Result<JobRow, ApiError> {
        let job = state
            .db
            .job(job_id)
            .await
            .map_err(|e| ApiError::internal(meta, e))?
            .filter(|j| j.scope_type == self.scope.type_ && j.scope_id == self.scope.id_str())
            .ok_or_else(|| meta.err(ErrorCode::TASK_INSTANCE_NOT_EXIST, &[]))?;
        if check_view
            && job.operator != caller.username
            && !state.dir.allowed(
                &caller.username,
                "view_history",
                self.scope.type_,
                &self.scope.id_str(),
            )
        {
            return Err(meta.denied(
                &caller.username,
                Permission::view_history(&self.scope.id_str(), &self.scope.name, meta.lang),
            ));
        }
        Ok(job)
    }
}
