//! The script library APIs (contract bk-job-api-more.md §6), from the configuration's
//! `[[scripts]]` (a scope's business scripts) and `[[public_scripts]]` ([`public`]):
//!
//! - `get_script_list`: the scope's scripts, every version status, filtered by name (`LIKE`)
//!   and language (1-6, else 1241005 naming `type`), newest change first, 20 a page (≤ 1000);
//! - `get_script_version_list`: `script_id` (blank: 1241005), then `view_script` on
//!   `[scope, script]` (9900403) before anything is looked up, then the versions of that
//!   script in the scope (none: an empty page), 10 a page, no cap;
//! - `get_script_version_detail`: by `id` (1243001 unknown, 1243004 another scope's; a public
//!   version passes, as in BK-JOB; then `view_script`), or by `script_id` + `version` (each
//!   non-blank, else 1241005; same 1243001/1243004; no `view_script`, as BK-JOB).
//!
//! Every check runs after the scope and business access. Contents are plain text.

pub mod public;

use axum::extract::State;
use bkjob_api::rules::{
    check_script_field, check_script_language_filter, is_biz_set_id, like_contains, list_page,
    version_page, Page,
};
use bkjob_api::{
    ErrorCode, GetScriptListRequest, GetScriptVersionDetailRequest, GetScriptVersionListRequest,
    PageData, Permission, ScriptItem, ScriptVersionItem,
};

use super::auth::Caller;
use super::error::{ApiError, Meta};
use super::extractor::BkRequest;
use super::scope::{non_blank, Companion};
use super::{ApiResult, St};
use crate::config::{Directory, ScriptConfig, ScriptVersionConfig};

/// GET and POST (and the ESB route): the scope's scripts.
pub async fn get_script_list(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkRequest(req): BkRequest<GetScriptListRequest>,
) -> ApiResult<PageData<ScriptItem>> {
    let c = Companion::open(&state, &meta, &caller, &req)?;
    let scripts = state
        .dir
        .cfg
        .scripts
        .iter()
        .filter(|s| s.biz_id == c.scope.id);
    list_scripts(&meta, scripts, &req)
}

/// GET and POST (and the ESB route): the versions of one of the scope's scripts.
pub async fn get_script_version_list(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkRequest(req): BkRequest<GetScriptVersionListRequest>,
) -> ApiResult<PageData<ScriptVersionItem>> {
    let c = Companion::open(&state, &meta, &caller, &req)?;
    if let Some(v) = check_script_field("script_id", req.script_id.as_deref()) {
        return Err(meta.violation(&v));
    }
    let script_id = req.script_id.as_deref().unwrap_or_default();
    let script = state.dir.any_script(script_id);
    // BK-JOB asks IAM about the id as sent, whether or not such a script exists.
    let name = script.map_or(script_id, |s| s.name.as_str());
    authorize_view(&c, script_id, name)?;
    let script = script.filter(|s| s.biz_id == c.scope.id);
    Ok(meta.ok(list_versions(script, &req)))
}

/// GET and POST (and the ESB route): one version, by `id` or `script_id` + `version`.
pub async fn get_script_version_detail(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkRequest(req): BkRequest<GetScriptVersionDetailRequest>,
) -> ApiResult<ScriptVersionItem> {
    let c = Companion::open(&state, &meta, &caller, &req)?;
    let by_id = req.id.filter(|&id| id > 0).is_some();
    let (script, ver) = find_version(&state.dir, &meta, &req)?;
    // A public script's version passes the scope check (BK-JOB's `checkScriptInApp` quirk).
    if !script.is_public() && script.biz_id != c.scope.id {
        return Err(meta.err(ErrorCode::SCRIPT_NOT_IN_SCOPE, &[]));
    }
    if by_id {
        authorize_view(&c, &script.id, &script.name)?;
    }
    Ok(meta.ok(version_item(script, ver, true)))
}

/// `view_script` on `[scope, script]`, else 9900403 with that permission.
fn authorize_view(c: &Companion<'_>, script_id: &str, name: &str) -> Result<(), ApiError> {
    let (scope, user) = (&c.scope, &c.caller.username);
    if c.state
        .dir
        .allowed(user, "view_script", scope.type_, &scope.id_str())
    {
        return Ok(());
    }
    let lang = c.meta.lang;
    Err(c.meta.denied(
        user,
        Permission::view_script(scope.instance(lang), script_id, name, lang),
    ))
}

/// The version a detail request names: by `id` when > 0, else by `script_id` + `version`
/// (each non-blank, else 1241005); unknown → 1243001. Business and public scripts alike.
pub(super) fn find_version<'a>(
    dir: &'a Directory,
    meta: &Meta,
    req: &GetScriptVersionDetailRequest,
) -> Result<(&'a ScriptConfig, &'a ScriptVersionConfig), ApiError> {
    let found = match req.id.filter(|&id| id > 0) {
        Some(id) => dir.any_script_version(id),
        None => {
            for (name, value) in [("script_id", &req.script_id), ("version", &req.version)] {
                if let Some(v) = check_script_field(name, value.as_deref()) {
                    return Err(meta.violation(&v));
                }
            }
            let version = req.version.as_deref().unwrap_or_default();
            non_blank(&req.script_id)
                .and_then(|id| dir.any_script(id))
                .and_then(|s| {
                    s.versions
                        .iter()
                        .find(|v| v.version == version)
                        .map(|v| (s, v))
                })
        }
    };
    found.ok_or_else(|| meta.err(ErrorCode::SCRIPT_NOT_EXIST, &[]))
}

/// The script lists: language check, name and language filters, newest change first.
pub(super) fn list_scripts<'a>(
    meta: &Meta,
    scripts: impl Iterator<Item = &'a ScriptConfig>,
    req: &GetScriptListRequest,
) -> ApiResult<PageData<ScriptItem>> {
    if let Some(v) = check_script_language_filter(req.script_language) {
        return Err(meta.violation(&v));
    }
    let language = req.script_language.filter(|&l| l > 0);
    let name = req.name.as_deref().filter(|n| !n.trim().is_empty());
    let mut rows: Vec<&ScriptConfig> = scripts
        .filter(|s| language.is_none_or(|l| s.language() == l))
        .filter(|s| name.is_none_or(|n| like_contains(n, &s.name)))
        .collect();
    rows.sort_by(|a, b| b.modified().cmp(&a.modified()).then(b.id.cmp(&a.id)));
    let page = list_page(req.start, req.length);
    Ok(meta.ok(paged(page, rows, script_item)))
}

/// A script's versions (none: an empty page), newest change first.
pub(super) fn list_versions(
    script: Option<&ScriptConfig>,
    req: &GetScriptVersionListRequest,
) -> PageData<ScriptVersionItem> {
    let page = version_page(req.start, req.length);
    let with_content = req.return_script_content == Some(true);
    let Some(s) = script else {
        return PageData {
            start: page.start,
            length: page.length,
            total: 0,
            data: Some(Vec::new()),
        };
    };
    let mut rows: Vec<&ScriptVersionConfig> = s.versions.iter().collect();
    rows.sort_by(|a, b| b.modified(s).cmp(&a.modified(s)).then(b.id.cmp(&a.id)));
    paged(page, rows, |v| version_item(s, v, with_content))
}

fn paged<T, U>(page: Page, rows: Vec<T>, f: impl Fn(T) -> U) -> PageData<U> {
    let total = rows.len() as i64;
    PageData {
        start: page.start,
        length: page.length,
        total,
        data: Some(page.slice(rows).into_iter().map(f).collect()),
    }
}

/// The scope fields of a script's answers: `null` for a public script.
fn scope_of(s: &ScriptConfig) -> (Option<String>, Option<String>) {
    if s.is_public() {
        return (None, None);
    }
    let t = if is_biz_set_id(s.biz_id) {
        "biz_set"
    } else {
        "biz"
    };
    (Some(t.to_string()), Some(s.biz_id.to_string()))
}

pub(super) fn script_item(s: &ScriptConfig) -> ScriptItem {
    let (bk_scope_type, bk_scope_id) = scope_of(s);
    ScriptItem {
        id: s.id.clone(),
        bk_scope_type,
        bk_scope_id,
        bk_biz_id: None,
        name: s.name.clone(),
        script_language: s.language(),
        creator: Some(s.creator().to_string()),
        create_time: Some(s.created()),
        last_modify_user: Some(s.modifier().to_string()),
        last_modify_time: Some(s.modified()),
        online_script_version_id: s.online().map(|v| v.id),
        description: s.description.clone(),
    }
}

pub(super) fn version_item(
    s: &ScriptConfig,
    v: &ScriptVersionConfig,
    with_content: bool,
) -> ScriptVersionItem {
    let (bk_scope_type, bk_scope_id) = scope_of(s);
    ScriptVersionItem {
        id: v.id,
        bk_scope_type,
        bk_scope_id,
        bk_biz_id: None,
        script_id: s.id.clone(),
        name: s.name.clone(),
        version: v.version.clone(),
        content: with_content.then(|| v.content.clone()),
        status: v.status.code(),
        version_desc: v.version_desc.clone(),
        creator: Some(v.creator(s).to_string()),
        create_time: Some(v.created(s)),
        last_modify_user: Some(v.modifier(s).to_string()),
        last_modify_time: Some(v.modified(s)),
        script_language: v.language,
        description: s.description.clone(),
    }
}
