//! The `permission` object BK-JOB returns with code 9900403, and localized IAM names.
//!
//! Shape (contract §4.1): a system, a list of actions, each with related resource types whose
//! `instances` are *paths* (outer list = alternatives, inner list = parent → leaf).

use serde::{Deserialize, Serialize};

use crate::lang::Lang;

/// IAM system ID of BK-JOB.
pub const SYSTEM_JOB: &str = "bk_job";
/// IAM system ID of CMDB (owner of biz / host / topo resources).
pub const SYSTEM_CMDB: &str = "bk_cmdb";

/// Missing permissions, as BK-JOB's `AuthServiceImpl` builds them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permission {
    /// Always `bk_job` for Job's answers.
    pub system_id: String,
    /// Localized system name.
    pub system_name: String,
    /// The actions the user lacks.
    #[serde(default)]
    pub actions: Vec<PermissionAction>,
}

/// One IAM action.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionAction {
    /// Action ID, e.g. `quick_execute_script`.
    pub id: String,
    /// Localized action name.
    pub name: String,
    /// Resources the action applies to.
    #[serde(default)]
    pub related_resource_types: Vec<RelatedResourceType>,
}

/// A resource type related to an action, with the concrete instance paths.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedResourceType {
    /// System owning the type (`bk_cmdb` for hosts, `bk_job` for accounts/scripts).
    pub system_id: String,
    /// Localized system name.
    pub system_name: String,
    /// Resource type ID, e.g. `host`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Localized resource type name.
    pub type_name: String,
    /// Instance paths, each from parent to leaf.
    #[serde(default)]
    pub instances: Vec<Vec<PermissionInstance>>,
}

/// One node in an instance path.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionInstance {
    /// Instance ID (always a string).
    pub id: String,
    /// Resource type ID.
    #[serde(rename = "type")]
    pub type_: String,
    /// Localized resource type name.
    pub type_name: String,
    /// Display name (for hosts: the IP).
    pub name: String,
}

/// Localized name of an IAM action BK-JOB uses here; `None` for unknown IDs.
pub fn action_name(id: &str, lang: Lang) -> Option<&'static str> {
    let (zh, en) = match id {
        "access_business" => ("业务访问", "Access Business"),
        "quick_execute_script" => ("快速执行脚本", "Script Execution (Quick Launch)"),
        "execute_script" => ("脚本执行", "Execute Script"),
        // The contract gives only the English name; zh written to match BK-JOB's wording style.
        "execute_public_script" => ("公共脚本执行", "Execute Public Script"),
        "use_account" => ("执行账号使用", "Use Account"),
        "view_history" => ("历史任务查看", "View History"),
        // BK-JOB's IAM model (support-files/bkiam/0006_bk_job_20210909-1000_iam.json).
        "high-risk_detect_rule" => ("高危语句规则管理", "High-risk Detect Rule Setting"),
        "view_script" => ("脚本查看", "View Script"),
        _ => return None,
    };
    Some(lang.pick(zh, en))
}

/// Localized name of an IAM system (`bk_job`, `bk_cmdb`); `None` for others.
pub fn system_name(id: &str, lang: Lang) -> Option<&'static str> {
    let (zh, en) = match id {
        SYSTEM_JOB => ("作业平台", "Job"),
        SYSTEM_CMDB => ("配置平台", "Cmdb"),
        _ => return None,
    };
    Some(lang.pick(zh, en))
}

/// Localized name of a resource type; `None` for unknown types.
pub fn resource_type_name(type_: &str, lang: Lang) -> Option<&'static str> {
    let (zh, en) = match type_ {
        "biz" => ("业务", "Business"),
        "biz_set" => ("业务集", "Business Set"),
        "host" => ("主机", "Hosts"),
        "account" => ("执行账号", "Accounts"),
        "script" => ("脚本", "Scripts"),
        "public_script" => ("公共脚本", "Public Scripts"),
        "dynamic_group" => ("动态分组", "Dynamic Group"),
        "set" => ("集群", "Set"),
        "module" => ("模块", "Module"),
        _ => return None,
    };
    Some(lang.pick(zh, en))
}

/// The IAM system that owns a resource type (CMDB for topology and hosts, Job otherwise).
pub fn resource_type_system(type_: &str) -> &'static str {
    match type_ {
        "account" | "script" | "public_script" => SYSTEM_JOB,
        _ => SYSTEM_CMDB,
    }
}

impl PermissionInstance {
    /// An instance node with the localized type name filled in (unknown types use the ID).
    pub fn new(type_: &str, id: impl Into<String>, name: impl Into<String>, lang: Lang) -> Self {
        PermissionInstance {
            id: id.into(),
            type_: type_.to_owned(),
            type_name: resource_type_name(type_, lang).unwrap_or(type_).to_owned(),
            name: name.into(),
        }
    }
}

impl RelatedResourceType {
    /// A related type with localized names; its system follows [`resource_type_system`].
    pub fn new(type_: &str, instances: Vec<Vec<PermissionInstance>>, lang: Lang) -> Self {
        let system = resource_type_system(type_);
        RelatedResourceType {
            system_id: system.to_owned(),
            system_name: system_name(system, lang).unwrap_or(system).to_owned(),
            type_: type_.to_owned(),
            type_name: resource_type_name(type_, lang).unwrap_or(type_).to_owned(),
            instances,
        }
    }
}

impl PermissionAction {
    /// An action with its localized name (unknown IDs use the ID as name).
    pub fn new(id: &str, related_resource_types: Vec<RelatedResourceType>, lang: Lang) -> Self {
        PermissionAction {
            id: id.to_owned(),
            name: action_name(id, lang).unwrap_or(id).to_owned(),
            related_resource_types,
        }
    }
}

/// A host for permission paths: its ID and the IP shown as its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostRef {
    /// CMDB host ID.
    pub host_id: i64,
    /// IP, used as the instance name (as BK-JOB does).
    pub ip: String,
}

impl Permission {
    /// An empty `bk_job` permission object; add actions with [`Permission::with_action`].
    pub fn job(lang: Lang) -> Self {
        Permission {
            system_id: SYSTEM_JOB.to_owned(),
            system_name: system_name(SYSTEM_JOB, lang)
                .unwrap_or(SYSTEM_JOB)
                .to_owned(),
            actions: Vec::new(),
        }
    }

    /// Append an action.
    pub fn with_action(mut self, action: PermissionAction) -> Self {
        self.actions.push(action);
        self
    }

    /// An action on no resource (`NoResourceScopeAuthService`), e.g. `high-risk_detect_rule`
    /// that `get_dangerous_rule_list` checks.
    pub fn system_action(action: &str, lang: Lang) -> Self {
        Permission::job(lang).with_action(PermissionAction::new(action, Vec::new(), lang))
    }

    /// What the business-access interceptor answers: one `access_business` action on the
    /// scope (`biz` or `biz_set`, system `bk_cmdb`).
    pub fn access_business(scope_type: &str, scope_id: &str, scope_name: &str, lang: Lang) -> Self {
        let inst = PermissionInstance::new(scope_type, scope_id, scope_name, lang);
        Permission::job(lang).with_action(PermissionAction::new(
            "access_business",
            vec![RelatedResourceType::new(scope_type, vec![vec![inst]], lang)],
            lang,
        ))
    }

    /// What a `script_content` launch answers when permission is missing:
    /// `quick_execute_script` on the hosts (paths `[biz, host]`, host name = IP), and, when
    /// `account` is given (account auth enabled and missing), `use_account` on `[biz, account]`
    /// where `account` is `(account_id, alias)`.
    pub fn quick_execute_script(
        biz_id: &str,
        biz_name: &str,
        hosts: &[HostRef],
        account: Option<(i64, &str)>,
        lang: Lang,
    ) -> Self {
        let biz = PermissionInstance::new("biz", biz_id, biz_name, lang);
        let host_paths = hosts
            .iter()
            .map(|h| {
                vec![
                    biz.clone(),
                    PermissionInstance::new("host", h.host_id.to_string(), h.ip.clone(), lang),
                ]
            })
            .collect();
        let mut p = Permission::job(lang).with_action(PermissionAction::new(
            "quick_execute_script",
            vec![RelatedResourceType::new("host", host_paths, lang)],
            lang,
        ));
        if let Some((id, alias)) = account {
            let path = vec![
                biz.clone(),
                PermissionInstance::new("account", id.to_string(), alias, lang),
            ];
            p = p.with_action(Permission::use_account_action(path, lang));
        }
        p
    }

    /// The `use_account` action on one `[biz, account]` path.
    pub fn use_account_action(path: Vec<PermissionInstance>, lang: Lang) -> PermissionAction {
        PermissionAction::new(
            "use_account",
            vec![RelatedResourceType::new("account", vec![path], lang)],
            lang,
        )
    }

    /// `view_history` on a business (for the companion APIs).
    pub fn view_history(biz_id: &str, biz_name: &str, lang: Lang) -> Self {
        let biz = PermissionInstance::new("biz", biz_id, biz_name, lang);
        Permission::job(lang).with_action(PermissionAction::new(
            "view_history",
            vec![RelatedResourceType::new("biz", vec![vec![biz]], lang)],
            lang,
        ))
    }
}

impl Permission {
    /// `view_script` on one `[scope, script]` path (the business script APIs).
    pub fn view_script(
        scope: PermissionInstance,
        script_id: &str,
        script_name: &str,
        lang: Lang,
    ) -> Self {
        let script = PermissionInstance::new("script", script_id, script_name, lang);
        Permission::job(lang).with_action(PermissionAction::new(
            "view_script",
            vec![RelatedResourceType::new(
                "script",
                vec![vec![scope, script]],
                lang,
            )],
            lang,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue() {
        assert_eq!(action_name("access_business", Lang::ZhCn), Some("业务访问"));
        assert_eq!(
            action_name("quick_execute_script", Lang::En),
            Some("Script Execution (Quick Launch)")
        );
        assert_eq!(action_name("nope", Lang::En), None);
        assert_eq!(system_name("bk_job", Lang::En), Some("Job"));
        assert_eq!(system_name("bk_cmdb", Lang::ZhCn), Some("配置平台"));
        assert_eq!(resource_type_name("host", Lang::ZhCn), Some("主机"));
        assert_eq!(resource_type_name("account", Lang::En), Some("Accounts"));
        for t in [
            "biz",
            "biz_set",
            "host",
            "account",
            "script",
            "dynamic_group",
            "set",
            "module",
        ] {
            assert!(resource_type_name(t, Lang::ZhCn).is_some());
            assert!(resource_type_name(t, Lang::En).is_some());
        }
        for a in [
            "access_business",
            "quick_execute_script",
            "execute_script",
            "execute_public_script",
            "use_account",
            "view_history",
            "view_script",
        ] {
            assert!(action_name(a, Lang::ZhCn).is_some());
        }
    }

    #[test]
    fn view_script_shape() {
        let biz = PermissionInstance::new("biz", "2", "my-biz", Lang::En);
        let v =
            serde_json::to_value(Permission::view_script(biz, "s1", "hello", Lang::En)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "system_id": "bk_job", "system_name": "Job",
                "actions": [{"id": "view_script", "name": "View Script",
                  "related_resource_types": [{"system_id": "bk_job", "system_name": "Job",
                    "type": "script", "type_name": "Scripts",
                    "instances": [[{"id": "2", "type": "biz", "type_name": "Business", "name": "my-biz"},
                                   {"id": "s1", "type": "script", "type_name": "Scripts", "name": "hello"}]]}]}]
            })
        );
    }

    #[test]
    fn access_business_shape() {
        let p = Permission::access_business("biz", "2", "my-biz", Lang::En);
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "system_id": "bk_job", "system_name": "Job",
                "actions": [{"id": "access_business", "name": "Access Business",
                  "related_resource_types": [{"system_id": "bk_cmdb", "system_name": "Cmdb",
                    "type": "biz", "type_name": "Business",
                    "instances": [[{"id": "2", "type": "biz", "type_name": "Business", "name": "my-biz"}]]}]}]
            })
        );
    }
}
