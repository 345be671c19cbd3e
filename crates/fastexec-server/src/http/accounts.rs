//! `get_account_list` (GET and POST): the scope's execution accounts from the configuration's
//! `[[accounts]]`, with BK-JOB's fields, the `category` / `account` / `alias` filters and
//! paging (contract bk-job-api-more.md §5). Checks: scope and business access, then bean
//! validation (the scope, `category` 1 or 2: 1240003). In configuration order, as BK-JOB's
//! query has no ORDER BY.

use axum::extract::State;
use bkjob_api::rules::{check_account_category, list_page};
use bkjob_api::{AccountItem, GetAccountListRequest, PageData};

use super::auth::Caller;
use super::error::Meta;
use super::extractor::BkRequest;
use super::scope::{Companion, Scope};
use super::{ApiResult, St};
use crate::config::{AccountConfig, DEFAULT_CREATOR, DEFAULT_TIME};

/// GET and POST (and the ESB route).
pub async fn get_account_list(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkRequest(req): BkRequest<GetAccountListRequest>,
) -> ApiResult<PageData<AccountItem>> {
    let c = Companion::open(&state, &meta, &caller, &req)?;
    if let Some(v) = check_account_category(req.category) {
        return Err(meta.violation(&v));
    }
    // Exact matches on the values as sent; a blank one is no filter.
    let given = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
    let (account, alias) = (given(&req.account), given(&req.alias));
    let matches: Vec<&AccountConfig> = state
        .dir
        .cfg
        .accounts
        .iter()
        .filter(|a| a.biz_id == c.scope.id)
        .filter(|a| req.category.is_none_or(|cat| a.category == cat))
        .filter(|a| account.as_deref().is_none_or(|n| a.account_name() == n))
        .filter(|a| alias.as_deref().is_none_or(|n| a.alias == n))
        .collect();
    let page = list_page(req.start, req.length);
    let total = matches.len() as i64;
    let data = page
        .slice(matches)
        .into_iter()
        .map(|a| item(&c.scope, a))
        .collect();
    Ok(meta.ok(PageData {
        start: page.start,
        length: page.length,
        total,
        data: Some(data),
    }))
}

fn item(scope: &Scope, a: &AccountConfig) -> AccountItem {
    let creator = a.creator.clone().unwrap_or_else(|| DEFAULT_CREATOR.into());
    let created = a.create_time.unwrap_or(DEFAULT_TIME);
    AccountItem {
        id: a.id,
        bk_scope_type: Some(scope.type_.to_string()),
        bk_scope_id: Some(scope.id_str()),
        bk_biz_id: None,
        account: a.account_name().to_string(),
        alias: a.alias.clone(),
        category: a.category,
        type_: a.type_,
        db_system_account_id: a.db_system_account_id,
        os: a.os().map(str::to_string),
        description: a.description.clone(),
        last_modify_user: Some(
            a.last_modify_user
                .clone()
                .unwrap_or_else(|| creator.clone()),
        ),
        creator: Some(creator),
        create_time: Some(created),
        last_modify_time: Some(a.last_modify_time.unwrap_or(created)),
    }
}
