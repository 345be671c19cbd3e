//! Property tests: nothing panics on arbitrary input; Base64 helpers agree with reality.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine as _;
use bkjob_api::*;
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Strings that often hit edge cases, mixed with arbitrary Unicode.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9a-z:.,;，、 \n\t\\-+_]{0,40}",
        Just(String::new()),
        Just("  ".to_owned()),
        Just("9223372036854775808".to_owned()),
        Just("-1".to_owned()),
        Just("0:1.1.1.1 1.1.1.1".to_owned()),
        Just("http://user@x:99999/%".to_owned()),
    ]
}

fn source() -> impl Strategy<Value = ScriptSource> {
    prop_oneof![
        Just(ScriptSource::Content),
        Just(ScriptSource::ScriptId),
        Just(ScriptSource::ScriptVersionId)
    ]
}

fn language() -> impl Strategy<Value = ScriptLanguage> {
    (1..=6i32).prop_map(|c| ScriptLanguage::from_code(c).unwrap())
}

fn draft() -> impl Strategy<Value = Draft> {
    (
        (text(), text(), source(), text(), language(), text(), text()),
        (
            text(),
            any::<bool>(),
            text(),
            text(),
            text(),
            text(),
            text(),
        ),
        (text(), text(), text(), text(), text(), any::<bool>()),
        (any::<bool>(), text(), "[0-9]{0,2}", "[0-9x]{0,3}"),
    )
        .prop_map(|(a, b, c, r)| Draft {
            scope_type: a.0,
            scope_id: a.1,
            source: a.2,
            script_content: a.3,
            script_language: a.4,
            script_id: a.5,
            script_version_id: a.6,
            script_param: b.0,
            is_param_sensitive: b.1,
            timeout: b.2,
            account_alias: b.3,
            account_id: b.4,
            host_id_list: b.5,
            ip_list: b.6,
            dynamic_group_list: c.0,
            topo_node_list: c.1,
            task_name: c.2,
            callback_url: c.3,
            windows_interpreter: c.4,
            start_task: c.5,
            rolling_enabled: r.0,
            rolling: bkjob_api::RollingDraft {
                expression: r.1,
                mode: r.2.clone(),
                execution_mode: r.2,
                fixed_ms: r.3.clone(),
                random_min_ms: r.3,
                ..Default::default()
            },
        })
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-10i64..10).prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("ip".to_owned()),
                    Just("bk_cloud_id".to_owned()),
                    Just("id".to_owned()),
                    Just("node_type".to_owned()),
                    "[a-z_]{1,8}",
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const FIELDS: [&str; 18] = [
    "bk_scope_type",
    "bk_scope_id",
    "bk_biz_id",
    "script_version_id",
    "script_id",
    "script_content",
    "script_language",
    "script_param",
    "is_param_sensitive",
    "timeout",
    "account_id",
    "account_alias",
    "task_name",
    "target_server",
    "callback_url",
    "windows_interpreter",
    "start_task",
    "rolling_config",
];

/// Request-shaped JSON: known field names with arbitrary values, and a target_server that
/// is often well-shaped so the list rules are reached.
fn request_json() -> impl Strategy<Value = Value> {
    let lists = (
        prop::collection::vec(any::<i64>().prop_map(Value::from), 0..3),
        prop::collection::vec(
            (leaf(), leaf()).prop_map(|(c, ip)| serde_json::json!({"bk_cloud_id": c, "ip": ip})),
            0..3,
        ),
        prop::collection::vec(
            (leaf(), leaf()).prop_map(|(id, t)| serde_json::json!({"id": id, "node_type": t})),
            0..3,
        ),
        prop::collection::vec(leaf().prop_map(|id| serde_json::json!({"id": id})), 0..3),
    )
        .prop_map(|(h, ip, topo, dg)| {
            serde_json::json!({"host_id_list": h, "ip_list": ip, "topo_node_list": topo, "dynamic_group_list": dg})
        });
    (
        prop::collection::vec((0..FIELDS.len(), json_value()), 0..12),
        lists,
        any::<bool>(),
    )
        .prop_map(|(pairs, ts, with_ts)| {
            let mut m = Map::new();
            for (i, v) in pairs {
                m.insert(FIELDS[i].to_owned(), v);
            }
            if with_ts {
                m.insert("target_server".to_owned(), ts);
            }
            Value::Object(m)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn validate_draft_never_panics_and_is_consistent(d in draft()) {
        let limits = Limits::default();
        let o = validate_draft(&d, &limits);
        prop_assert_eq!(o.request.is_some(), o.errors.is_empty());
        prop_assert!(o.errors.iter().all(|v| v.severity == Severity::Error));
        prop_assert!(o.warnings.iter().all(|v| v.severity == Severity::Warning));
        for v in o.errors.iter().chain(&o.warnings) {
            let _ = v.field();
            prop_assert!(!v.message(Lang::En).is_empty());
        }
        // The rolling section's rules run in its panel (bkjob_api::check_rolling), which
        // blocks the launch while it reports errors.
        let rolling_ok = !d.rolling_enabled || check_rolling(&d.rolling, 0).errors.is_empty();
        if let Some(req) = o.request.as_ref().filter(|_| rolling_ok) {
            // What the form sends passes the server's rules.
            let vs = validate_request(req, &limits);
            prop_assert!(first_error(&vs).is_none(), "{:?}", vs);
            let s = serde_json::to_string(req).unwrap();
            prop_assert!(!s.contains("null"));
        }
        let _ = d.without_secrets();
        // The form module's writers write what serde writes.
        use bkjob_api::to_json::WriteJson;
        prop_assert_eq!(d.to_json_text(), serde_json::to_string(&d).unwrap());
        if let Some(req) = &o.request {
            prop_assert_eq!(req.to_json_text(), serde_json::to_string(req).unwrap());
        }
    }

    #[test]
    fn validate_request_never_panics_on_json(v in request_json()) {
        if let Ok(req) = serde_json::from_value::<FastExecuteScriptRequest>(v) {
            let vs = validate_request(&req, &Limits::default());
            for x in &vs {
                prop_assert!(!x.zh.is_empty() && !x.en.is_empty());
            }
        }
    }

    #[test]
    fn validate_request_never_panics_on_typed(
        scope in proptest::option::of(text()),
        id in proptest::option::of(text()),
        biz in proptest::option::of(any::<i64>()),
        nums in proptest::array::uniform6(proptest::option::of(any::<i64>())),
        strs in proptest::array::uniform6(proptest::option::of(text())),
        lang in proptest::option::of(any::<i32>()),
        ips in proptest::option::of(prop::collection::vec(
            (proptest::option::of(any::<i64>()), proptest::option::of(text())), 0..4)),
    ) {
        let req = FastExecuteScriptRequest {
            bk_scope_type: scope,
            bk_scope_id: id,
            bk_biz_id: biz,
            script_version_id: nums[0],
            timeout: nums[1],
            account_id: nums[2],
            is_param_sensitive: nums[3].map(|n| n as i32),
            script_language: lang,
            script_id: strs[0].clone(),
            script_content: strs[1].clone(),
            script_param: strs[2].clone(),
            account_alias: strs[3].clone(),
            callback_url: strs[4].clone(),
            windows_interpreter: strs[5].clone(),
            task_name: strs[0].clone(),
            target_server: ips.map(|v| TargetServer {
                ip_list: Some(v.into_iter().map(|(c, ip)| IpEntry { bk_cloud_id: c, ip }).collect()),
                host_id_list: nums[4].map(|h| vec![h]),
                ..Default::default()
            }),
            start_task: None,
            rolling_config: strs[1].clone().map(|e| bkjob_api::RollingConfig {
                expression: Some(e),
                mode: lang,
                execution_mode: nums[5].map(|n| n as i32),
                batch_start_wait_fixed_ms: nums[0],
                ..Default::default()
            }),
        };
        let _ = validate_request(&req, &Limits::default());
    }

    #[test]
    fn base64_round_trips_any_string(s in any::<String>()) {
        let e = encode_base64(&s);
        prop_assert_eq!(&e, &STANDARD.encode(s.as_bytes()));
        prop_assert_eq!(decode_base64_lenient(&e), s.as_bytes().to_vec());
        prop_assert_eq!(encoding::decode_base64_to_string_lossy(&e), s);
    }

    #[test]
    fn lenient_decoding_skips_noise(bytes in prop::collection::vec(any::<u8>(), 0..200), every in 1usize..20) {
        let e = STANDARD.encode(&bytes);
        // Line breaks and junk inserted anywhere before the padding are ignored.
        let noisy: String = e
            .chars()
            .enumerate()
            .flat_map(|(i, c)| {
                let junk = if i % every == 0 { Some(if i % 2 == 0 { '\n' } else { '*' }) } else { None };
                junk.into_iter().chain(std::iter::once(c))
            })
            .collect();
        prop_assert_eq!(decode_base64_lenient(&noisy), bytes.clone());
        let unpadded = STANDARD_NO_PAD.encode(&bytes);
        prop_assert_eq!(decode_base64_lenient(&unpadded), bytes);
    }

    #[test]
    fn decoded_len_is_exact_for_valid_base64(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        prop_assert_eq!(decoded_len_from_base64_len(&STANDARD.encode(&bytes)), bytes.len());
        prop_assert_eq!(decoded_len_from_base64_len(&STANDARD_NO_PAD.encode(&bytes)), bytes.len());
    }

    #[test]
    fn lenient_decode_never_panics(s in any::<String>()) {
        let _ = decode_base64_lenient(&s);
        let _ = decoded_len_from_base64_len(&s);
    }

    #[test]
    fn split_bulk_items_are_clean(s in text()) {
        let b = split_bulk(&s);
        let mut seen = std::collections::HashSet::new();
        for it in &b.items {
            prop_assert!(!it.is_empty());
            prop_assert!(!it.chars().any(|c| c.is_whitespace() || ",;，；、".contains(c)));
            prop_assert!(seen.insert(it.clone()));
        }
    }

    #[test]
    fn url_and_ip_checks_never_panic(s in text()) {
        let _ = rules::check_callback_url(&s);
        let _ = rules::is_ipv4(&s);
        let _ = Lang::from_header(&s);
        let _ = error_code::fill(&s, &["a"]);
    }
}
