//! The public script APIs: `get_public_script_list`, `get_public_script_version_list` and
//! `get_public_script_version_detail`, over `[[public_scripts]]`. No scope and no IAM check
//! (contract bk-job-api-more.md §1): any authenticated caller may read them. Same requests,
//! rules and answers as the business twins in [`super`], with `bk_scope_*` null; a business
//! script's version asked for here is 1243004, an unknown one 1243001, a business script's
//! id in the version list an empty page.

use axum::extract::State;
use bkjob_api::rules::check_script_field;
use bkjob_api::{
    ErrorCode, GetScriptListRequest, GetScriptVersionDetailRequest, GetScriptVersionListRequest,
    PageData, ScriptItem, ScriptVersionItem,
};

use super::super::auth::Caller;
use super::super::error::Meta;
use super::super::extractor::BkRequest;
use super::super::{ApiResult, St};
use super::{find_version, list_scripts, list_versions, version_item};

/// GET and POST (and the ESB route).
pub async fn get_public_script_list(
    State(state): St,
    _caller: Caller,
    meta: Meta,
    BkRequest(req): BkRequest<GetScriptListRequest>,
) -> ApiResult<PageData<ScriptItem>> {
    list_scripts(&meta, state.dir.cfg.public_scripts.iter(), &req)
}

/// GET and POST (and the ESB route).
pub async fn get_public_script_version_list(
    State(state): St,
    _caller: Caller,
    meta: Meta,
    BkRequest(req): BkRequest<GetScriptVersionListRequest>,
) -> ApiResult<PageData<ScriptVersionItem>> {
    if let Some(v) = check_script_field("script_id", req.script_id.as_deref()) {
        return Err(meta.violation(&v));
    }
    let id = req.script_id.as_deref().unwrap_or_default();
    let script = state.dir.cfg.public_scripts.iter().find(|s| s.id == id);
    Ok(meta.ok(list_versions(script, &req)))
}

/// GET and POST (and the ESB route).
pub async fn get_public_script_version_detail(
    State(state): St,
    _caller: Caller,
    meta: Meta,
    BkRequest(req): BkRequest<GetScriptVersionDetailRequest>,
) -> ApiResult<ScriptVersionItem> {
    let (script, ver) = find_version(&state.dir, &meta, &req)?;
    if !script.is_public() {
        return Err(meta.err(ErrorCode::SCRIPT_NOT_IN_SCOPE, &[]));
    }
    Ok(meta.ok(version_item(script, ver, true)))
}
