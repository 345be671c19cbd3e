//! `fast_execute_script` on the gateway and ESB routes: the checks in contract order, then
//! save and start.

use super::*;
use std::collections::HashSet;

use axum::extract::State;
use bkjob_api::rules::{check_target_count, effective_timeout, normalize_script_param};
use bkjob_api::{
    decode_base64_lenient, default_task_name, first_error, validate_request, ErrorCode,
    FastExecuteScriptData, FastExecuteScriptRequest, HostRef, Permission, PermissionAction,
    PermissionInstance, RelatedResourceType,
};

use crate::auth::{authenticate_from, Caller, ConnectInfoIp};
use crate::config::{DangerousAction, HostConfig, ScriptVersionStatus};
use crate::db::{now_ms, CreateError, NewHost, NewJob, QuotaExceeded};
use crate::error::{parse_json, ApiError, BkBody, BkJson, Meta};
use crate::AppState;

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
            Permission::job(lang).with_action(scope.quick_execute_action(lang))
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
