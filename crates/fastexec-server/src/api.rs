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

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use bkjob_api::rules::{
    check_batch_log_hosts, check_biz_id, check_ip_log_host, check_log_ids, check_operate_request,
    check_scope_id, check_scope_type, check_status_job_instance_id, check_target_count,
    effective_timeout, is_biz_set_id, normalize_script_param, scope_type_known,
};
use bkjob_api::{
    decode_base64_lenient, default_task_name, first_error, validate_request, ApiResponse,
    BatchGetJobInstanceIpLogRequest, BatchIpLogData, ErrorCode, FastExecuteScriptData,
    FastExecuteScriptRequest, GetJobInstanceIpLogRequest, GetJobInstanceStatusRequest, HostRef,
    IpLogData, JobInstance, JobInstanceStatusData, OperateJobInstanceData,
    OperateJobInstanceRequest, OperationCode, Permission, PermissionAction, PermissionInstance,
    RelatedResourceType, RunStatus, ScriptTaskLog, StepInstance, StepIpResult, Violation,
};

use crate::auth::{authenticate_from, Caller, ConnectInfoIp};
use crate::config::{DangerousAction, HostConfig, ScriptVersionStatus};
use crate::db::{now_ms, CreateError, HostRow, JobRow, LogCut, NewHost, NewJob, QuotaExceeded};
use crate::error::{parse_json, ApiError, BkBody, BkJson, BkQuery, Meta};
use crate::AppState;

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
// fast_execute_script

pub async fn fast_execute_script(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkJson(req): BkJson<FastExecuteScriptRequest>,
) -> ApiResult<FastExecuteScriptData> {
    launch(&state, &meta, &caller, req).await
}

/// Legacy ESB route: the common args travel in the body (contract §1.3 A). They are read and
/// checked first; the rest of the body (up to 64 MiB of script) is parsed only for a caller
/// that authenticated.
pub async fn esb_fast_execute_script(
    State(state): St,
    ConnectInfoIp(ip): ConnectInfoIp,
    BkBody(meta, bytes): BkBody,
) -> ApiResult<FastExecuteScriptData> {
    // Skims the object for the four credential fields, building nothing else.
    let c: bkjob_api::EsbCommonArgs = parse_json(&meta, &bytes)?;
    let caller = authenticate_from(
        &state,
        ip,
        &c.bk_app_code,
        &c.bk_app_secret,
        &c.bk_token,
        &c.bk_username,
    )
    .map_err(|f| f.esb_error(&meta))?;
    let req: FastExecuteScriptRequest = parse_json(&meta, &bytes)?;
    launch(&state, &meta, &caller, req).await
}

/// What the step runs.
struct Resolved {
    language: i32,
    content: String,
    /// `(script id, script name)` when a library script is referenced.
    library: Option<(String, String)>,
}

async fn launch(
    state: &AppState,
    meta: &Meta,
    caller: &Caller,
    mut req: FastExecuteScriptRequest,
) -> ApiResult<FastExecuteScriptData> {
    let lang = meta.lang;
    let scope = intercept_scope(
        state,
        meta,
        caller,
        &req.bk_scope_type,
        &req.bk_scope_id,
        req.bk_biz_id,
    )?;
    let violations = validate_request(&req, &state.limits);
    if let Some(v) = first_error(&violations) {
        return Err(meta.violation(v));
    }
    // The callback's address, with BK-JOB's callback message: part of validation, as BK-JOB's
    // allowed-list check is (see `callback`: never aimed at this machine or its network).
    if let Some(url) = non_blank(&req.callback_url) {
        if let Err(why) = state.callback_policy.check_url(url).await {
            tracing::info!(job_request_id = %meta.job_request_id, "callback_url refused: {why}");
            return Err(meta.violation(&bkjob_api::rules::callback_url_refused()));
        }
    }
    let scope = require_scope(meta, scope)?;
    let dir = &state.dir;

    // Referenced script: script_version_id > script_id > script_content (contract §2).
    let resolved = if let Some(vid) = req.script_version_id {
        let Some((script, ver)) = dir
            .script_version(vid)
            .filter(|(s, _)| s.biz_id == scope.id)
        else {
            return Err(meta.err(ErrorCode::SCRIPT_NOT_EXIST, &[]));
        };
        // Online and offline versions may run; draft and disabled may not (contract §3.4).
        if !matches!(
            ver.status,
            ScriptVersionStatus::Online | ScriptVersionStatus::Offline
        ) {
            return Err(meta.err(
                ErrorCode::SCRIPT_STATUS_NOT_EXECUTABLE,
                &[ver.status.label(lang)],
            ));
        }
        Resolved {
            language: ver.language,
            content: ver.content.clone(),
            library: Some((script.id.clone(), script.name.clone())),
        }
    } else if let Some(sid) = non_blank(&req.script_id) {
        // script_id runs the script's online version; none online → the script "does not
        // exist" for execution.
        let online = dir
            .script(sid)
            .filter(|s| s.biz_id == scope.id)
            .and_then(|s| {
                s.versions
                    .iter()
                    .find(|v| v.status == ScriptVersionStatus::Online)
                    .map(|v| (s, v))
            });
        let Some((script, ver)) = online else {
            return Err(meta.err(ErrorCode::SCRIPT_NOT_EXIST, &[]));
        };
        Resolved {
            language: ver.language,
            content: ver.content.clone(),
            library: Some((script.id.clone(), script.name.clone())),
        }
    } else {
        let bytes = decode_base64_lenient(req.script_content.as_deref().unwrap_or_default());
        Resolved {
            language: req.script_language.unwrap_or_default(),
            content: String::from_utf8_lossy(&bytes).into_owned(),
            library: None,
        }
    };

    // Dangerous-script rules on the text that would run (contract §3.4).
    let hits = state.danger.check(resolved.language, &resolved.content);
    for h in &hits {
        // BK-JOB records scan matches; the script text stays out of the log.
        tracing::info!(
            job_request_id = %meta.job_request_id,
            user = %caller.username,
            rule = h.rule,
            description = %h.description,
            action = ?h.action,
            first_line = h.first_line,
            lines = h.lines,
            language = resolved.language,
            "script matches a dangerous-script rule"
        );
    }
    if hits.iter().any(|h| h.action == DangerousAction::Intercept) {
        return Err(meta.err(ErrorCode::DANGEROUS_SCRIPT, &[]));
    }

    // Running-job quota, scope → app → system: here against the committed jobs, for the
    // order of checks; `create_job` checks again, atomically with the insert.
    if !state.quota.is_unlimited() {
        let counts = state
            .db
            .running_counts(scope.type_, &scope.id_str(), &caller.app_code)
            .await
            .map_err(|e| ApiError::internal(meta, e))?;
        if let Some(q) = state.quota.exceeded(&counts) {
            return Err(quota_error(meta, q));
        }
    }

    // Account: account_id (>0) wins over alias (contract §2).
    let account = match req.account_id.filter(|&id| id >= 1) {
        Some(id) => dir
            .account(id)
            .filter(|a| a.biz_id == scope.id)
            .ok_or_else(|| meta.err(ErrorCode::ACCOUNT_NOT_EXIST, &[&format!("ID={id}")]))?,
        None => {
            let alias = non_blank(&req.account_alias).unwrap_or_default();
            dir.cfg
                .accounts
                .iter()
                .find(|a| a.alias == alias && a.biz_id == scope.id)
                .ok_or_else(|| meta.err(ErrorCode::ACCOUNT_NOT_EXIST, &[alias]))?
        }
    };

    // Static hosts: host_id_list wins over ip_list; IPs trimmed (contract §2). They must exist
    // (1244030) and belong to the scope (1244002). Entries are de-duplicated first; a list of
    // more than `early_target_limit` distinct entries is refused with the count error
    // (1244022) before any lookup, so a huge body costs no more than reading it.
    let target = req.target_server.take().unwrap_or_default();
    let host_ids = target.host_id_list.as_deref().unwrap_or_default();
    let early_limit = early_target_limit(state.limits.max_targets);
    let entries: Box<dyn Iterator<Item = StaticRef<'_>>> = if !host_ids.is_empty() {
        Box::new(host_ids.iter().map(|&id| StaticRef::Id(id)))
    } else {
        Box::new(target.ip_list.iter().flatten().map(|e| {
            let ip = e.ip.as_deref().unwrap_or_default().trim();
            StaticRef::Ip(e.bk_cloud_id.unwrap_or_default(), ip)
        }))
    };
    let mut seen = HashSet::new();
    let mut static_refs = Vec::new();
    for r in entries {
        if seen.insert(r) {
            static_refs.push(r);
            // One more than the limit is enough to refuse.
            if static_refs.len() > early_limit {
                break;
            }
        }
    }
    drop(seen);
    if static_refs.len() > early_limit {
        if let Some(v) = check_target_count(static_refs.len(), &state.limits) {
            return Err(meta.violation(&v));
        }
    }
    let mut found: Vec<&HostConfig> = Vec::with_capacity(static_refs.len());
    let mut missing = IdList::default();
    for r in &static_refs {
        let host = match *r {
            StaticRef::Id(id) => dir.host(id),
            StaticRef::Ip(cloud, ip) => dir.host_by_ip(cloud, ip),
        };
        match host {
            Some(h) => found.push(h),
            None => missing.add(|| match *r {
                StaticRef::Id(id) => format!("(host_id:{id})"),
                StaticRef::Ip(_, ip) => format!("(ip:{ip})"),
            }),
        }
    }
    if missing.count > 0 {
        return Err(meta.err(
            ErrorCode::EXECUTE_OBJECT_NOT_EXIST,
            &[&missing.count.to_string(), &missing.text()],
        ));
    }
    let mut foreign = IdList::default();
    for h in found.iter().filter(|h| !scope.biz_ids.contains(&h.biz_id)) {
        foreign.add(|| format!("{}:{}", h.cloud_id, h.ip));
    }
    if foreign.count > 0 {
        return Err(meta.err(
            ErrorCode::HOST_INVALID,
            &[&scope.id_str(), &foreign.count.to_string(), &foreign.text()],
        ));
    }
    let mut seen: HashSet<i64> = found.iter().map(|h| h.id).collect();
    // Static hosts are their own permission resources ([biz, host]).
    let static_hosts: Vec<HostRef> = found
        .iter()
        .map(|h| HostRef {
            host_id: h.id,
            ip: h.ip.clone(),
        })
        .collect();

    // Topology nodes and dynamic groups, resolved through "CMDB" (the config) and merged with
    // the static hosts, de-duplicated by host id (first occurrence wins).
    let dynamic = resolve_dynamic_targets(state, &scope, &target, lang);
    for id in &dynamic.host_ids {
        if let Some(h) = dir.host(*id) {
            if seen.insert(h.id) {
                found.push(h);
            }
        }
    }

    let name = match non_blank(&req.task_name) {
        Some(n) => n.to_string(),
        None => {
            let offset_ms = i64::from(chrono::Local::now().offset().local_minus_utc()) * 1000;
            default_task_name(lang, now_ms() + offset_ms)
        }
    };
    if found.is_empty() {
        return Err(meta.err(ErrorCode::STEP_TARGET_EMPTY, &[&name]));
    }
    if let Some(v) = check_target_count(found.len(), &state.limits) {
        return Err(meta.violation(&v));
    }

    // Permission (contract §4.1): quick_execute_script on the hosts for inline content,
    // execute_script on the script for library scripts, plus use_account on the account.
    let user = &caller.username;
    let sid = scope.id_str();
    let main_action = if resolved.library.is_some() {
        "execute_script"
    } else {
        "quick_execute_script"
    };
    let need_main = !dir.allowed(user, main_action, scope.type_, &sid);
    let need_account = !dir.allowed(user, "use_account", scope.type_, &sid);
    if need_main || need_account {
        let account_path = vec![
            scope.instance(lang),
            PermissionInstance::new("account", account.id.to_string(), &account.alias, lang),
        ];
        let mut perm = if !need_main {
            Permission::job(lang)
        } else if let Some((script_id, script_name)) = &resolved.library {
            let path = vec![
                scope.instance(lang),
                PermissionInstance::new("script", script_id, script_name, lang),
            ];
            Permission::job(lang).with_action(PermissionAction::new(
                "execute_script",
                vec![RelatedResourceType::new("script", vec![path], lang)],
                lang,
            ))
        } else if scope.type_ == "biz" {
            // Static hosts as [biz, host]; then each topology node as its CMDB path
            // (biz → set → module) and each dynamic group as [biz, dynamic_group], all
            // under the one related resource type `host` of the action.
            let mut p =
                Permission::quick_execute_script(&sid, &scope.name, &static_hosts, None, lang);
            if let Some(host_type) = p.actions[0].related_resource_types.first_mut() {
                host_type.instances.extend(dynamic.paths);
            }
            p
        } else {
            // In a biz_set scope static hosts are represented by one biz_set instance (and so
            // are topology nodes and dynamic groups: the biz set covers them all).
            Permission::job(lang).with_action(PermissionAction::new(
                "quick_execute_script",
                vec![RelatedResourceType::new(
                    "host",
                    vec![vec![scope.instance(lang)]],
                    lang,
                )],
                lang,
            ))
        };
        if need_account {
            perm = perm.with_action(Permission::use_account_action(account_path, lang));
        }
        return Err(meta.denied(user, perm));
    }

    // Save + start.
    let param = req
        .script_param
        .as_deref()
        .map(|p| String::from_utf8_lossy(&decode_base64_lenient(p)).into_owned())
        .and_then(|p| normalize_script_param(&p));
    let job = NewJob {
        name: name.clone(),
        scope_type: scope.type_.to_string(),
        scope_id: sid,
        operator: user.clone(),
        app_code: caller.app_code.clone(),
        callback_url: non_blank(&req.callback_url).map(str::to_string),
        start_task: req.start_task != Some(false),
        script_language: resolved.language,
        script_content: resolved.content,
        script_param: param,
        is_param_sensitive: req.is_param_sensitive == Some(1),
        timeout: effective_timeout(req.timeout, &state.limits),
        account_id: account.id,
        account_alias: account.alias.clone(),
        os_user: account.os_user.clone(),
    };
    let hosts = found
        .iter()
        .map(|h| NewHost {
            host_id: h.id,
            ip: h.ip.clone(),
            cloud_id: h.cloud_id,
            agent_online: h.agent_online,
        })
        .collect();
    let start = job.start_task;
    let (job_id, step_id, _) = match state.db.create_job(job, hosts, state.quota).await {
        Ok(ids) => ids,
        Err(CreateError::Quota(q)) => return Err(quota_error(meta, q)),
        Err(CreateError::Db(e)) => return Err(ApiError::internal(meta, e)),
    };
    tracing::info!(job_id, step_id, user = %user, app = %caller.app_code, "job created");
    if start {
        state
            .exec
            .start(job_id)
            .await
            .map_err(|e| ApiError::internal(meta, e))?;
    }
    Ok(meta.ok(FastExecuteScriptData {
        job_instance_id: job_id,
        job_instance_name: name,
        step_instance_id: step_id,
    }))
}

/// One static target entry, as sent.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum StaticRef<'a> {
    Id(i64),
    Ip(i64, &'a str),
}

/// Distinct static entries beyond which a launch is refused (1244022) before lookups. Any
/// request with more than `max_targets` distinct entries fails in BK-JOB as well (1244030 /
/// 1244002 if some are wrong, else 1244022); up to twice the limit it still gets BK-JOB's
/// answer and order, which names the wrong entries; beyond that only the count is answered.
fn early_target_limit(max_targets: usize) -> usize {
    max_targets.saturating_mul(2)
}

/// Entries listed in an error message: all are counted, the first [`IdList::SHOWN`] are
/// shown, then `...` (a million unknown ids must not become a million strings).
#[derive(Default)]
struct IdList {
    count: usize,
    shown: Vec<String>,
}

impl IdList {
    const SHOWN: usize = 20;

    fn add(&mut self, text: impl FnOnce() -> String) {
        self.count += 1;
        if self.shown.len() < Self::SHOWN {
            self.shown.push(text());
        }
    }

    fn text(&self) -> String {
        let mut t = self.shown.join(",");
        if self.count > self.shown.len() {
            t.push_str(",...");
        }
        t
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

/// Hosts and permission paths of the "dynamic" part of a target: topology nodes and dynamic
/// groups.
struct DynamicTargets {
    /// Host ids in request order (topology nodes first, then dynamic groups), may repeat.
    host_ids: Vec<i64>,
    /// Permission paths: `[biz, set, module…]` per topology node, `[biz, dynamic_group]` per
    /// dynamic group.
    paths: Vec<Vec<PermissionInstance>>,
}

/// Resolve `topo_node_list` and `dynamic_group_list` as BK-JOB does through CMDB.
///
/// A node or group that CMDB does not know in the scope's businesses (unknown id, unknown
/// node type, another business) selects no hosts; the contract has no dedicated error code
/// for it, so the only visible effect is 1244028 when the whole target resolves to nothing.
/// Such a node has no CMDB path either, so it adds nothing to the permission object.
fn resolve_dynamic_targets(
    state: &AppState,
    scope: &Scope,
    target: &bkjob_api::TargetServer,
    lang: bkjob_api::Lang,
) -> DynamicTargets {
    let dir = &state.dir;
    let mut out = DynamicTargets {
        host_ids: Vec::new(),
        paths: Vec::new(),
    };
    let biz_instance = |biz_id: i64| {
        let name = dir
            .business(biz_id)
            .map(|b| b.name.clone())
            .unwrap_or_default();
        PermissionInstance::new("biz", biz_id.to_string(), name, lang)
    };
    // A node or group named twice selects its hosts once (and a request repeating one big
    // module a million times does not expand it a million times).
    let mut seen_nodes = HashSet::new();
    for node in target.topo_node_list.iter().flatten() {
        let (Some(id), Some(node_type)) = (node.id, node.node_type.as_deref().map(str::trim))
        else {
            continue;
        };
        if !seen_nodes.insert((node_type, id)) {
            continue;
        }
        if node_type == "biz" {
            // The business node selects the whole business.
            if scope.biz_ids.contains(&id) && dir.business(id).is_some() {
                out.host_ids.extend(
                    dir.cfg
                        .hosts
                        .iter()
                        .filter(|h| h.biz_id == id)
                        .map(|h| h.id),
                );
                out.paths.push(vec![biz_instance(id)]);
            }
            continue;
        }
        let Some(n) = dir
            .topo_node(node_type, id)
            .filter(|n| scope.biz_ids.contains(&n.biz_id))
        else {
            continue;
        };
        out.host_ids.extend(dir.topo_host_ids(n));
        let mut path = vec![biz_instance(n.biz_id)];
        path.extend(
            dir.topo_chain(n)
                .into_iter()
                .map(|c| PermissionInstance::new(&c.node_type, c.id.to_string(), &c.name, lang)),
        );
        out.paths.push(path);
    }
    let mut seen_groups = HashSet::new();
    for group in target.dynamic_group_list.iter().flatten() {
        let Some(g) = group
            .id
            .as_deref()
            .map(str::trim)
            .filter(|id| seen_groups.insert(*id))
            .and_then(|id| dir.dynamic_group(id))
            .filter(|g| scope.biz_ids.contains(&g.biz_id))
        else {
            continue;
        };
        out.host_ids.extend(g.host_ids.iter().copied());
        out.paths.push(vec![
            biz_instance(g.biz_id),
            PermissionInstance::new("dynamic_group", &g.id, &g.name, lang),
        ]);
    }
    out
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

/// Who may operate a job. BK-JOB checks only business access here (contract §5.6), which on
/// this server would let any user who may merely open the business stop other people's jobs,
/// or start someone else's deferred job — a script under an account they may not use. So an
/// operation needs the job's own operator, or the execute permission on the job's scope
/// (`quick_execute_script` or `execute_script`), and for Start also `use_account` on the
/// job's account; otherwise 9900403 with what is missing.
async fn authorize_operation(
    state: &AppState,
    meta: &Meta,
    caller: &Caller,
    scope: &Scope,
    job: &JobRow,
    op: OperationCode,
) -> Result<(), ApiError> {
    let user = &caller.username;
    if *user == job.operator {
        return Ok(());
    }
    let (dir, lang, sid) = (&state.dir, meta.lang, scope.id_str());
    let may_execute = dir.allowed(user, "quick_execute_script", scope.type_, &sid)
        || dir.allowed(user, "execute_script", scope.type_, &sid);
    let account = if op == OperationCode::Start {
        let job_id = job.id;
        let acc: Option<(i64, String)> = state
            .db
            .read(move |c| {
                use rusqlite::OptionalExtension;
                c.query_row(
                    "SELECT account_id, account_alias FROM step_instance WHERE job_id = ?1 \
                     ORDER BY id LIMIT 1",
                    [job_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
            })
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
        perm = perm.with_action(PermissionAction::new(
            "quick_execute_script",
            vec![RelatedResourceType::new(
                "host",
                vec![vec![scope.instance(lang)]],
                lang,
            )],
            lang,
        ));
    }
    if let Some((id, alias)) = account {
        let path = vec![
            scope.instance(lang),
            PermissionInstance::new("account", id.to_string(), alias, lang),
        ];
        perm = perm.with_action(Permission::use_account_action(path, lang));
    }
    tracing::info!(job_id = job.id, user = %user, operation = ?op, "operation refused: not the operator and no execute permission");
    Err(meta.denied(user, perm))
}

pub async fn operate_job_instance(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkJson(req): BkJson<OperateJobInstanceRequest>,
) -> ApiResult<OperateJobInstanceData> {
    let access = companion_scope(
        &state,
        &meta,
        &caller,
        &req.bk_scope_type,
        &req.bk_scope_id,
        req.bk_biz_id,
    )?;
    // Missing/invalid anything → 1241002 (contract §5.6).
    if let Some(v) = check_operate_request(req.job_instance_id, req.operation_code) {
        return Err(meta.violation(&v));
    }
    let job_id = req.job_instance_id.unwrap_or_default();
    let Some(op) = req.operation_code.and_then(OperationCode::from_code) else {
        return Err(meta.err(ErrorCode::ILLEGAL_PARAM, &[]));
    };
    let job = access.job(&state, &meta, &caller, job_id, false).await?;
    authorize_operation(&state, &meta, &caller, &access.scope, &job, op).await?;
    match op {
        OperationCode::Terminate => {
            // Only a running job can be terminated (else 1241003). The executor is the
            // authority on "running": the stored status may lag by one write batch.
            let steps = state
                .db
                .steps(job_id)
                .await
                .map_err(|e| ApiError::internal(&meta, e))?;
            let step_id = steps.first().map(|s| s.id).unwrap_or_default();
            if !state.exec.terminate(job_id, step_id) {
                return Err(meta.err(ErrorCode::UNSUPPORTED_OPERATION, &[]));
            }
            tracing::info!(job_id, user = %caller.username, "terminate requested");
        }
        OperationCode::Start => {
            let already = || meta.err(ErrorCode::JOB_ALREADY_STARTED, &[&job_id.to_string()]);
            if job.status != RunStatus::Blank.code() {
                return Err(already());
            }
            let started = state
                .exec
                .start(job_id)
                .await
                .map_err(|e| ApiError::internal(&meta, e))?;
            if !started {
                return Err(already());
            }
        }
    }
    Ok(meta.ok(OperateJobInstanceData {
        job_instance_id: job_id,
    }))
}
