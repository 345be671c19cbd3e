//! Scope and job access, shared by every API: the two interceptors of contract §3.1 (scope,
//! then `access_business`), bean validation of the scope fields, and for the companion APIs
//! the job access check of contract §5 (exists in the scope, else 1244006; operator or
//! `view_history`, else 9900403).

use bkjob_api::rules::{
    check_biz_id, check_scope_id, check_scope_type, is_biz_set_id, scope_type_known,
};
use bkjob_api::{
    BatchGetJobInstanceIpLogRequest, ErrorCode, FastExecuteScriptRequest, GetAccountListRequest,
    GetJobInstanceIpLogRequest, GetJobInstanceListRequest, GetJobInstanceStatusRequest,
    GetScriptListRequest, GetScriptVersionDetailRequest, GetScriptVersionListRequest,
    GetStepInstanceStatusRequest, OperateJobInstanceRequest, OperateStepInstanceRequest,
    Permission, PermissionAction, PermissionInstance, QueryAgentInfoRequest, RelatedResourceType,
    Violation,
};

use super::auth::Caller;
use super::error::{ApiError, Meta};
use crate::config::Directory;
use crate::db::JobRow;
use crate::AppState;

/// The scope fields of every `EsbAppScopeReq`, as sent.
#[derive(Debug, Clone, Copy)]
pub struct ScopeFields<'a> {
    pub scope_type: &'a Option<String>,
    pub scope_id: &'a Option<String>,
    pub bk_biz_id: Option<i64>,
}

/// A request that names a scope.
pub trait ScopedRequest {
    fn scope_fields(&self) -> ScopeFields<'_>;
}

macro_rules! scoped_requests {
    ($($t:ty),*) => {$(
        impl ScopedRequest for $t {
            fn scope_fields(&self) -> ScopeFields<'_> {
                ScopeFields {
                    scope_type: &self.bk_scope_type,
                    scope_id: &self.bk_scope_id,
                    bk_biz_id: self.bk_biz_id,
                }
            }
        }
    )*};
}

scoped_requests!(
    FastExecuteScriptRequest,
    GetJobInstanceStatusRequest,
    GetJobInstanceIpLogRequest,
    BatchGetJobInstanceIpLogRequest,
    OperateJobInstanceRequest,
    OperateStepInstanceRequest,
    GetStepInstanceStatusRequest,
    QueryAgentInfoRequest,
    GetJobInstanceListRequest,
    GetAccountListRequest,
    GetScriptListRequest,
    GetScriptVersionListRequest,
    GetScriptVersionDetailRequest
);

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
    pub fn instance(&self, lang: bkjob_api::Lang) -> PermissionInstance {
        PermissionInstance::new(self.type_, self.id_str(), self.name.clone(), lang)
    }

    /// `quick_execute_script` on the whole scope (one `[scope]` path under `host`): what a
    /// biz-set launch lacks, and what operating another user's job needs.
    pub fn quick_execute_action(&self, lang: bkjob_api::Lang) -> PermissionAction {
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

/// The trimmed value, unless missing or blank.
pub fn non_blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The two interceptors of contract §3.1: scope (1241005 / 1243049), then `access_business`
/// (9900403 with one `access_business` action on the scope). Returns `None` when the request
/// names no scope; bean validation then answers.
pub fn intercept_scope(
    dir: &Directory,
    meta: &Meta,
    caller: &Caller,
    fields: ScopeFields<'_>,
) -> Result<Option<Scope>, ApiError> {
    let ScopeFields {
        scope_type,
        scope_id,
        bk_biz_id,
    } = fields;
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
        "biz" => dir.business(id).map(|b| Scope {
            type_: "biz",
            id,
            name: b.name.clone(),
            biz_ids: vec![id],
        }),
        "biz_set" => dir.biz_set(id).map(|b| Scope {
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
    if !dir.allowed(
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
pub fn scope_violation(fields: ScopeFields<'_>) -> Option<Violation> {
    match fields.bk_biz_id {
        Some(id) => check_biz_id(id),
        None => check_scope_type(fields.scope_type.as_deref())
            .or_else(|| check_scope_id(fields.scope_id.as_deref())),
    }
}

pub fn require_scope(meta: &Meta, scope: Option<Scope>) -> Result<Scope, ApiError> {
    // Only reachable if validation accepted fields the interceptor could not resolve.
    scope.ok_or_else(|| meta.err(ErrorCode::SCOPE_NOT_EXIST, &[]))
}

/// The common start of the companion APIs: the scope interceptors and scope validation
/// passed; [`Companion::job`] then loads the job the request names.
pub struct Companion<'a> {
    pub state: &'a AppState,
    pub meta: &'a Meta,
    pub caller: &'a Caller,
    pub scope: Scope,
}

impl<'a> Companion<'a> {
    /// Scope interceptors, then bean validation of the scope fields.
    pub fn open(
        state: &'a AppState,
        meta: &'a Meta,
        caller: &'a Caller,
        req: &impl ScopedRequest,
    ) -> Result<Companion<'a>, ApiError> {
        let fields = req.scope_fields();
        let scope = intercept_scope(&state.dir, meta, caller, fields)?;
        if let Some(v) = scope_violation(fields) {
            return Err(meta.violation(&v));
        }
        Ok(Companion {
            state,
            meta,
            caller,
            scope: require_scope(meta, scope)?,
        })
    }

    /// The job, if it exists in this scope (else 1244006); with `check_view`, only for its
    /// operator or a user with `view_history` on the scope (else 9900403).
    pub async fn job(&self, job_id: i64, check_view: bool) -> Result<JobRow, ApiError> {
        let (state, meta, user) = (self.state, self.meta, &self.caller.username);
        let job = state
            .db
            .job(job_id)
            .await
            .map_err(|e| ApiError::internal(meta, e))?
            .filter(|j| j.scope_type == self.scope.type_ && j.scope_id == self.scope.id_str())
            .ok_or_else(|| meta.err(ErrorCode::TASK_INSTANCE_NOT_EXIST, &[]))?;
        if check_view
            && job.operator != *user
            && !state
                .dir
                .allowed(user, "view_history", self.scope.type_, &self.scope.id_str())
        {
            return Err(meta.denied(
                user,
                Permission::view_history(&self.scope.id_str(), &self.scope.name, meta.lang),
            ));
        }
        Ok(job)
    }

    /// An internal error of this request (logged with its request id).
    pub fn internal(&self, err: impl std::fmt::Display) -> ApiError {
        ApiError::internal(self.meta, err)
    }
}
