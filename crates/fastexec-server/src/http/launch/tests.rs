//! The launch steps one by one, against the repository's demo configuration (`fastexec.toml`:
//! business 2 with hosts 101-104, module 1000 = hosts 101+102, accounts 1000 `root` and 1001
//! `demo`, scripts `demo-hello` (v1 offline, v2 online) and `demo-disabled`; `admin` may do
//! anything in business 2, `guest` only open it).

use std::path::Path;

use bkjob_api::{ErrorCode, FastExecuteScriptRequest, Lang, Limits, TargetServer};
use serde_json::json;

use super::super::auth::Caller;
use super::super::error::{ApiError, Meta};
use super::super::scope::{intercept_scope, ScopedRequest};
use super::targets::Targets;
use super::*;
use crate::config::Config;
use crate::danger::DangerRules;

fn demo() -> Config {
    Config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fastexec.toml")).unwrap()
}

fn dir() -> Directory {
    Directory::new(demo())
}

fn meta() -> Meta {
    Meta {
        lang: Lang::En,
        job_request_id: "test".into(),
    }
}

fn caller(user: &str) -> Caller {
    Caller {
        app_code: "fastexec-demo".into(),
        username: user.into(),
    }
}

fn request(v: serde_json::Value) -> FastExecuteScriptRequest {
    serde_json::from_value(v).unwrap()
}

/// Business 2 as the admin sees it.
fn biz2(dir: &Directory) -> Scope {
    let req = request(json!({"bk_scope_type": "biz", "bk_scope_id": "2"}));
    intercept_scope(dir, &meta(), &caller("admin"), req.scope_fields())
        .unwrap()
        .unwrap()
}

fn code<T: std::fmt::Debug>(r: Result<T, ApiError>) -> i64 {
    r.unwrap_err().code
}

#[tokio::test]
async fn validate_answers_in_contract_order() {
    let dir = dir();
    let limits = Limits::default();
    let policy = AddrPolicy::default();
    let run = |v| {
        let req = request(v);
        let dir = &dir;
        let limits = &limits;
        let policy = &policy;
        async move { validate(dir, limits, policy, &meta(), &caller("admin"), &req).await }
    };
    let ok = json!({"bk_scope_type": "biz", "bk_scope_id": "2", "script_language": 1,
        "script_content": "ZWNobyBoaQ==", "account_alias": "root",
        "target_server": {"host_id_list": [101]}});
    let scope = run(ok.clone()).await.unwrap();
    assert_eq!(
        (scope.type_, scope.id, scope.biz_ids.clone()),
        ("biz", 2, vec![2])
    );
    // An unknown scope is refused before the fields are looked at.
    let mut unknown = ok.clone();
    unknown["bk_scope_id"] = json!("77");
    unknown["script_language"] = json!(99);
    assert_eq!(code(run(unknown).await), ErrorCode::SCOPE_NOT_EXIST.code());
    // A bad field of a known scope: the first violation's code.
    let mut bad = ok.clone();
    bad["script_language"] = json!(99);
    assert_ne!(code(run(bad).await), 0);
    // Callback to this machine's network: refused as part of validation.
    let mut cb = ok;
    cb["callback_url"] = json!("http://10.0.0.1/hook");
    assert_ne!(code(run(cb).await), 0);
}

#[test]
fn resolve_script_prefers_version_then_script_then_content() {
    let dir = dir();
    let scope = biz2(&dir);
    let run = |v| resolve_script_of(&dir, &scope, v);
    let offline = run(json!({"script_version_id": 1, "script_id": "demo-disabled"})).unwrap();
    assert_eq!(offline.library, Some(("demo-hello".into(), "hello".into())));
    assert!(offline.content.contains("(v1.0)"));
    let online = run(json!({"script_id": "demo-hello"})).unwrap();
    assert!(online.content.contains("args: $*"), "{online:?}");
    assert_eq!(
        code(run(json!({"script_version_id": 3}))),
        ErrorCode::SCRIPT_STATUS_NOT_EXECUTABLE.code()
    );
    assert_eq!(
        code(run(json!({"script_id": "demo-disabled"}))),
        ErrorCode::SCRIPT_NOT_EXIST.code()
    );
    let inline = run(json!({"script_language": 4, "script_content": "cHJpbnQoMSk="})).unwrap();
    assert_eq!((inline.language, inline.content.as_str()), (4, "print(1)"));
    assert_eq!(inline.library, None);
}

fn resolve_script_of(
    dir: &Directory,
    scope: &Scope,
    v: serde_json::Value,
) -> Result<script::Resolved, ApiError> {
    script::resolve_script(dir, &meta(), scope, &request(v))
}

#[test]
fn dangerous_scripts_are_intercepted() {
    let rules = DangerRules::compile(&demo().dangerous_rules).unwrap();
    let script = |language, content: &str| script::Resolved {
        language,
        content: content.into(),
        library: None,
        public: false,
    };
    let check = |s| script::check_danger(&rules, &meta(), &caller("admin"), &s);
    assert_eq!(
        code(check(script(1, "echo\nrm -rf /\n"))),
        ErrorCode::DANGEROUS_SCRIPT.code()
    );
    assert!(check(script(4, "rm -rf /")).is_ok());
    assert!(check(script(1, "rm -rf /tmp/x")).is_ok());
}

#[test]
fn account_id_wins_over_alias_within_the_scope() {
    let dir = dir();
    let scope = biz2(&dir);
    let run = |v| resolve_account(&dir, &meta(), &scope, &request(v)).map(|a| a.id);
    assert_eq!(
        run(json!({"account_id": 1001, "account_alias": "root"})).unwrap(),
        1001
    );
    assert_eq!(
        run(json!({"account_id": 0, "account_alias": " demo "})).unwrap(),
        1001
    );
    // Account 1002 belongs to the business set, not to business 2.
    let e = run(json!({"account_id": 1002})).unwrap_err();
    assert_eq!(e.code, ErrorCode::ACCOUNT_NOT_EXIST.code());
    assert!(e.message.contains("ID=1002"), "{}", e.message);
    assert_eq!(
        code(run(json!({"account_alias": "nobody"}))),
        ErrorCode::ACCOUNT_NOT_EXIST.code()
    );
}

fn targets_of<'a>(
    dir: &'a Directory,
    limits: &Limits,
    target: serde_json::Value,
) -> Result<Targets<'a>, ApiError> {
    let scope = biz2(dir);
    let target: TargetServer = serde_json::from_value(target).unwrap();
    targets::resolve_targets(dir, limits, &meta(), &scope, &target, "my job")
}

#[test]
fn targets_merge_static_and_dynamic_hosts_once() {
    let dir = dir();
    let limits = Limits::default();
    let t = targets_of(
        &dir,
        &limits,
        json!({"host_id_list": [103, 103],
               "topo_node_list": [{"id": 1000, "node_type": "module"}],
               "dynamic_group_list": [{"id": "blo8gojho0skft7pr5q0"}]}),
    )
    .unwrap();
    let ids: Vec<i64> = t.hosts.iter().map(|h| h.id).collect();
    assert_eq!(ids, vec![103, 101, 102]);
    assert_eq!(t.static_hosts.len(), 1);
    assert_eq!(t.dynamic_paths.len(), 2);
    // ip_list entries are trimmed.
    let t = targets_of(
        &dir,
        &limits,
        json!({"ip_list": [{"bk_cloud_id": 0, "ip": " 127.0.0.3 "}]}),
    )
    .unwrap();
    assert_eq!(t.hosts[0].id, 102);
}

#[test]
fn target_errors_name_what_is_wrong() {
    let dir = dir();
    let limits = Limits::default();
    let run = |v| targets_of(&dir, &limits, v);
    let e = run(json!({"host_id_list": [101, 998, 999]})).unwrap_err();
    assert_eq!(e.code, ErrorCode::EXECUTE_OBJECT_NOT_EXIST.code());
    assert!(
        e.message.contains("(host_id:998),(host_id:999)"),
        "{}",
        e.message
    );
    // All are counted, the first 20 shown.
    let many: Vec<i64> = (1..=25).collect();
    let e = run(json!({ "host_id_list": many })).unwrap_err();
    assert!(e.message.contains("25"), "{}", e.message);
    assert!(e.message.contains("(host_id:20),..."), "{}", e.message);
    assert!(!e.message.contains("(host_id:21)"), "{}", e.message);
    let e = run(json!({"topo_node_list": [{"id": 42, "node_type": "module"}]})).unwrap_err();
    assert_eq!(e.code, ErrorCode::STEP_TARGET_EMPTY.code());
    assert!(e.message.contains("my job"), "{}", e.message);
    let one = Limits {
        max_targets: 1,
        ..Limits::default()
    };
    let e = targets_of(&dir, &one, json!({"host_id_list": [101, 102]})).unwrap_err();
    assert_ne!(e.code, 0);
    assert_ne!(e.code, ErrorCode::EXECUTE_OBJECT_NOT_EXIST.code());
    // Beyond twice the limit, refused by count before any lookup (999 is unknown).
    let e2 = targets_of(&dir, &one, json!({"host_id_list": [101, 102, 999]})).unwrap_err();
    assert_eq!(e2.code, e.code);
}

#[test]
fn authorize_names_what_is_missing() {
    let dir = dir();
    let scope = biz2(&dir);
    let limits = Limits::default();
    let plan = |library: Option<(String, String)>| Launch {
        scope: scope.clone(),
        script: script::Resolved {
            language: 1,
            content: "echo".into(),
            library,
            public: false,
        },
        account: dir.account(1000).unwrap(),
        targets: targets_of(&dir, &limits, json!({"host_id_list": [101]})).unwrap(),
        name: "my job".into(),
        rolling: None,
    };
    assert!(authorize::authorize(&dir, &meta(), &caller("admin"), &plan(None)).is_ok());
    let denied = |p: &Launch<'_>| {
        let e = authorize::authorize(&dir, &meta(), &caller("guest"), p).unwrap_err();
        assert_eq!(e.code, ErrorCode::PERMISSION_DENIED.code());
        let perm = e.permission.unwrap();
        perm.actions
            .iter()
            .map(|a| a.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        denied(&plan(None)),
        vec!["quick_execute_script", "use_account"]
    );
    assert_eq!(
        denied(&plan(Some(("demo-hello".into(), "hello".into())))),
        vec!["execute_script", "use_account"]
    );
}

#[test]
fn task_name_defaults_when_blank() {
    let named = request(json!({"task_name": "  deploy  "}));
    assert_eq!(task_name(Lang::En, &named), "deploy");
    let blank = request(json!({"task_name": "  "}));
    assert!(!task_name(Lang::En, &blank).trim().is_empty());
}
