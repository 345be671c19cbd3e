//! `get_dangerous_rule_list` over real HTTP on both faces (shape, filters, permission, ESB
//! credentials), and the agreement of the server's launch check with `bkjob_api`'s matcher
//! fed the rules as the browser gets them.

mod common;

use bkjob_api::danger::{DangerMatcher, DangerousAction, RuleDef};
use bkjob_api::DangerousRule;
use common::*;
use serde_json::{json, Value};

const LIST: &str = "api/v3/get_dangerous_rule_list";
const ESB_LIST: &str = "api/c/compapi/v2/jobv3/get_dangerous_rule_list/";

/// Rules (ids 1, 40, 3, 4) and a user who may list them (through a grant in another business:
/// the action is on no resource).
const RULES: &str = r#"
[[dangerous_rules]]
expression = 'rm\s+-rf\s+/(\s|$|\*)'
script_languages = [1]
action = "intercept"
description = "rm -rf on /"

[[dangerous_rules]]
id = 40
expression = 'scan-me'
action = "scan"
description = "scanned words"

[[dangerous_rules]]
expression = 'disabled-rule'
script_languages = [4, 1]
action = "intercept"
enabled = false

[[dangerous_rules]]
expression = '(?i)^\s*format\s+[a-z]:'
script_languages = [2, 5]
action = 2
description = "Format a drive"

[[users]]
name = "ruler"
grants = [{ scope_id = "3", actions = ["high-risk_detect_rule"] }]
"#;

async fn start() -> TestServer {
    TestServer::start(&format!("{}{RULES}", test_config(""))).await
}

fn ids(v: &Value) -> Vec<i64> {
    v["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no list: {v}"))
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule_list_shape_and_filters() {
    let srv = start().await;
    let api = srv.api();
    let v = api.post(LIST, &json!({})).await;
    assert_eq!(
        (v["result"].clone(), v["code"].clone()),
        (json!(true), json!(0))
    );
    assert!(v["job_request_id"].as_str().is_some_and(|r| !r.is_empty()));
    assert_eq!(
        ids(&v),
        vec![1, 40, 3, 4],
        "config order, disabled rules too"
    );
    let first = &v["data"][0];
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    let mut want = vec![
        "id",
        "expression",
        "script_language_list",
        "description",
        "action",
        "status",
        "creator",
        "create_time",
        "last_modify_user",
        "last_modify_time",
    ];
    let mut got = keys.clone();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want, "{first}");
    assert_eq!(first["expression"], r"rm\s+-rf\s+/(\s|$|\*)");
    assert_eq!(first["script_language_list"], json!([1]));
    assert_eq!(
        (first["action"].clone(), first["status"].clone()),
        (json!(2), json!(1))
    );
    assert!(first["create_time"].as_i64().unwrap() > 1_600_000_000_000);
    // Every language, listed as BK-JOB stores it; disabled = status 0; languages sorted.
    assert_eq!(
        v["data"][1]["script_language_list"],
        json!([1, 2, 3, 4, 5, 6])
    );
    assert_eq!(v["data"][1]["action"], 1);
    assert_eq!(v["data"][2]["status"], 0);
    assert_eq!(v["data"][2]["script_language_list"], json!([1, 4]));
    // The answer reads back as the wire type.
    let rules: Vec<DangerousRule> = serde_json::from_value(v["data"].clone()).unwrap();
    assert_eq!(rules[3].description.as_deref(), Some("Format a drive"));

    for (filter, want) in [
        (json!({"action": 1}), vec![40]),
        (json!({"action": 2}), vec![1, 3, 4]),
        // Java's Integer.byteValue: 257 is 1.
        (json!({"action": 257}), vec![40]),
        (json!({"action": "1"}), vec![40]),
        (json!({"script_language_list": [2]}), vec![40, 4]),
        (json!({"script_language_list": [4]}), vec![40, 3]),
        (json!({"script_language_list": []}), vec![]),
        (json!({"script_language_list": [9]}), vec![]),
        (json!({"script_language_list": [1, 5]}), vec![1, 40, 3, 4]),
        // LIKE '%…%', case-insensitive, with its wildcards; blank = no filter.
        (json!({"expression": "-RF"}), vec![1]),
        (json!({"expression": "scan_me"}), vec![40]),
        (json!({"expression": "  "}), vec![1, 40, 3, 4]),
        (json!({"description": "drive"}), vec![4]),
        (json!({"description": "rm%/"}), vec![1]),
        (
            json!({"action": 2, "script_language_list": [1]}),
            vec![1, 3],
        ),
        (
            json!({"action": 2, "expression": "nothing like it"}),
            vec![],
        ),
    ] {
        let v = api.post(LIST, &filter).await;
        assert_eq!(ids(&v), want, "{filter}: {v}");
    }
    // Types Jackson refuses: 1240003 "Bad Request".
    for bad in [
        json!({"script_language_list": [300]}),
        json!({"script_language_list": 1}),
        json!({"action": "scan"}),
    ] {
        let v = api.post(LIST, &bad).await;
        assert_eq!(
            (v["result"].clone(), v["code"].clone()),
            (json!(false), json!(1240003)),
            "{bad}: {v}"
        );
    }
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule_list_permission_and_credentials_on_both_faces() {
    let srv = start().await;
    let api = srv.api();
    // A user who may open the business may not list the rules: the action on no resource.
    for (lang, msg) in [(None, "用户(limited)"), (Some("en"), "limited")] {
        let (s, v) = api.post_lang("limited", LIST, &json!({}), lang).await;
        assert_eq!((s, v["code"].clone()), (200, json!(9900403)), "{v}");
        assert!(v["message"].as_str().unwrap().contains(msg), "{v}");
        let action = &v["permission"]["actions"][0];
        assert_eq!(action["id"], "high-risk_detect_rule", "{v}");
        assert_eq!(action["related_resource_types"], json!([]), "{v}");
        assert_eq!(v["permission"]["system_id"], "bk_job");
    }
    let (_, v) = api.post_lang("limited", LIST, &json!({}), Some("en")).await;
    assert_eq!(
        v["permission"]["actions"][0]["name"],
        "High-risk Detect Rule Setting"
    );
    // Held through a grant in any scope.
    let (_, v) = api.post_as("ruler", LIST, &json!({})).await;
    assert_eq!(ids(&v), vec![1, 40, 3, 4], "{v}");

    // The gateway without credentials: its own 400.
    let (s, _, text) = api.raw("POST", LIST, &[], b"{}".to_vec()).await;
    assert_eq!(s, 400, "{text}");
    assert_eq!(parse(&text)["code"], 1640001);

    // ESB: credentials in the body, with and without the slash; ESB's request_id.
    for path in [ESB_LIST, ESB_LIST.trim_end_matches('/')] {
        let body = json!({"bk_app_code": APP, "bk_app_secret": SECRET, "bk_username": "admin",
                          "action": 1});
        let (s, _, text) = api
            .raw("POST", path, &[], body.to_string().into_bytes())
            .await;
        let v = parse(&text);
        assert_eq!(s, 200, "{text}");
        assert_eq!(ids(&v), vec![40], "{v}");
        assert_eq!(v["request_id"].as_str().map(str::len), Some(32), "{v}");
    }
    // ESB GET: the query becomes a JSON object of strings, read leniently.
    let q =
        format!("{ESB_LIST}?bk_app_code={APP}&bk_app_secret={SECRET}&bk_username=admin&action=2");
    let (_, _, text) = api.raw("GET", &q, &[], Vec::new()).await;
    assert_eq!(ids(&parse(&text)), vec![1, 3, 4], "{text}");
    // ESB: a user without the action, and no credentials at all.
    let body = json!({"bk_app_code": APP, "bk_app_secret": SECRET, "bk_username": "limited"});
    let (_, _, text) = api
        .raw("POST", ESB_LIST, &[], body.to_string().into_bytes())
        .await;
    let v = parse(&text);
    assert_eq!(v["code"], 9900403, "{v}");
    assert!(v["request_id"].is_string(), "{v}");
    let (s, _, text) = api.raw("POST", ESB_LIST, &[], b"{}".to_vec()).await;
    assert_eq!(
        (s, parse(&text)["code"].clone()),
        (200, json!(1306000)),
        "{text}"
    );
    srv.stop().await;
}

/// The browser's matcher, built from the list the server answers, and the server's launch
/// check agree on every script: 1244019 exactly when an intercept rule matches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launch_check_agrees_with_the_shared_matcher() {
    let srv = start().await;
    let api = srv.api();
    let list: Vec<DangerousRule> =
        serde_json::from_value(api.post(LIST, &json!({})).await["data"].clone()).unwrap();
    let defs: Vec<RuleDef> = list.iter().filter_map(RuleDef::from_wire).collect();
    assert_eq!(defs.len(), 4);
    let matcher = DangerMatcher::compile(defs).unwrap();

    let scripts: &[(i32, &str)] = &[
        (1, "echo rm -rf /"),
        (1, "echo one\necho rm -rf / \necho two"),
        (1, "echo ok\r\necho rm  -rf /\r\n"),
        (1, "echo 'rm -rf /*'"),
        (1, "# rm -rf /"),
        (1, "  #echo rm -rf /*\necho fine"),
        (1, "echo rm -rf /tmp/x"),
        (1, "echo scan-me"),
        (1, "echo scan-me\necho rm -rf /"),
        (1, "echo disabled-rule"),
        (1, "\n\n  \n"),
        (4, "print('rm -rf /')"),
        (4, "# scan-me"),
        (4, "print('scan-me')"),
        (2, "FORMAT C:"),
        (2, "  format d: /q"),
        (2, "REM format c:"),
        (2, "echo format c:"),
        (5, "Format c:"),
        (5, "# format c:"),
        (3, "format c:"),
        (6, "rm -rf /"),
    ];
    let (mut refused, mut accepted, mut scanned) = (0, 0, 0);
    for &(language, script) in scripts {
        let mut req = script_req(script);
        req["script_language"] = json!(language);
        // Created, never run: only the launch check matters here.
        req["start_task"] = json!(false);
        let v = api.execute(&req).await;
        let hits = matcher.matches(language, script);
        let intercept = hits.iter().any(|h| h.action == DangerousAction::Intercept);
        assert_eq!(intercept, matcher.intercepts(language, script));
        if intercept {
            assert_eq!(v["code"], 1244019, "{language} {script:?}: {v}");
            refused += 1;
        } else {
            // Scan matches never refuse.
            assert_eq!(v["code"], 0, "{language} {script:?}: {hits:?} {v}");
            accepted += 1;
            scanned += usize::from(!hits.is_empty());
        }
    }
    assert_eq!((refused, accepted, scanned), (8, 14, 2));
    srv.stop().await;
}
