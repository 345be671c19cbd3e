//! The launch's permission check (contract §4.1): `quick_execute_script` on the hosts for
//! inline content, `execute_script` on the script for business scripts and
//! `execute_public_script` for public ones, plus `use_account` on
//! the account; what is missing is answered as 9900403 with the permission object.

use bkjob_api::{Permission, PermissionAction, PermissionInstance, RelatedResourceType};

use super::super::auth::Caller;
use super::super::error::{ApiError, Meta};
use super::Launch;
use crate::config::Directory;

pub(super) fn authorize(
    dir: &Directory,
    meta: &Meta,
    caller: &Caller,
    plan: &Launch<'_>,
) -> Result<(), ApiError> {
    let (lang, user, scope) = (meta.lang, &caller.username, &plan.scope);
    let sid = scope.id_str();
    let main_action = if plan.script.public {
        "execute_public_script"
    } else if plan.script.library.is_some() {
        "execute_script"
    } else {
        "quick_execute_script"
    };
    let need_main = !dir.allowed(user, main_action, scope.type_, &sid);
    let need_account = !dir.allowed(user, "use_account", scope.type_, &sid);
    if !need_main && !need_account {
        return Ok(());
    }
    let account = plan.account;
    let account_path = vec![
        scope.instance(lang),
        PermissionInstance::new("account", account.id.to_string(), &account.alias, lang),
    ];
    let mut perm = if !need_main {
        Permission::job(lang)
    } else if let Some((script_id, script_name)) = &plan.script.library {
        // A public script belongs to no business: its path is the script alone.
        let kind = if plan.script.public {
            "public_script"
        } else {
            "script"
        };
        let script = PermissionInstance::new(kind, script_id, script_name, lang);
        let path = if plan.script.public {
            vec![script]
        } else {
            vec![scope.instance(lang), script]
        };
        Permission::job(lang).with_action(PermissionAction::new(
            main_action,
            vec![RelatedResourceType::new(kind, vec![path], lang)],
            lang,
        ))
    } else if scope.type_ == "biz" {
        // Static hosts as [biz, host]; then each topology node as its CMDB path
        // (biz → set → module) and each dynamic group as [biz, dynamic_group], all
        // under the one related resource type `host` of the action.
        let static_hosts = &plan.targets.static_hosts;
        let mut p = Permission::quick_execute_script(&sid, &scope.name, static_hosts, None, lang);
        if let Some(host_type) = p.actions[0].related_resource_types.first_mut() {
            host_type
                .instances
                .extend(plan.targets.dynamic_paths.iter().cloned());
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
    Err(meta.denied(user, perm))
}
