//! Reading the tree: lookups, duplicates, integers, a large string.

use super::*;

#[test]
fn structure_and_values() {
    let j = parse(
        r#"{"s":"x\ud83d\ude00","t":true,"n":null,"a":[1,"2"],"o":{"k":"v"},"big":18446744073709551615}"#,
    )
    .unwrap();
    assert_eq!(j.get("s").and_then(Json::as_str), Some("x😀"));
    assert_eq!(j.get("t").and_then(Json::as_bool), Some(true));
    assert!(j.get("n").unwrap().is_null());
    assert!(!j.get("t").unwrap().is_null());
    assert_eq!(
        j.get("a").and_then(Json::as_array),
        Some(&[Json::Number("1".into()), Json::String("2".into())][..])
    );
    assert_eq!(
        j.get("o").and_then(|o| o.get("k")),
        Some(&Json::String("v".into()))
    );
    assert_eq!(
        j.get("big"),
        Some(&Json::Number("18446744073709551615".into()))
    );
    assert_eq!(j.get("big").and_then(Json::as_i64), None);
    assert_eq!(j.get("missing"), None);
    assert_eq!(j.get("s").unwrap().get("s"), None);
    assert_eq!(j.as_object().unwrap().len(), 6);
    assert_eq!(j.as_object().unwrap()[4].0, "o");
    assert_eq!(j.as_str(), None);
    assert_eq!(j.as_array(), None);
    assert_eq!(Json::String("true".into()).as_bool(), None);
    assert_eq!(Json::Null.get("x"), None);
}

#[test]
fn last_duplicate_wins_like_serde_json() {
    let text = r#"{"k":1,"x":"a","k":2,"k":{"deep":3}}"#;
    let j = parse(text).unwrap();
    let v: Value = serde_json::from_str(text).unwrap();
    assert_eq!(to_value(j.get("k").unwrap()), v["k"]);
    assert_eq!(
        j.get("k").unwrap().get("deep").and_then(Json::as_i64),
        Some(3)
    );
    assert_eq!(j.as_object().unwrap().len(), 4);

    let mut j = j;
    let last = j.remove("k").unwrap();
    assert_eq!(last.get("deep").and_then(Json::as_i64), Some(3));
    assert_eq!(j.get("k").and_then(Json::as_i64), Some(2));
    assert_eq!(
        j.remove("x").and_then(Json::into_string),
        Some("a".to_owned())
    );
    assert_eq!(j.remove("x"), None);
    assert_eq!(compact(&j), r#"{"k":1,"k":2}"#);
    assert_eq!(Json::Null.remove("k"), None);
    assert_eq!(Json::Bool(true).into_string(), None);
}

#[test]
fn as_i64_edge_cases() {
    let cases: &[(&str, Option<i64>)] = &[
        ("0", Some(0)),
        ("-0", Some(0)),
        ("7", Some(7)),
        ("-7", Some(-7)),
        ("20000000001", Some(20_000_000_001)),
        ("9223372036854775807", Some(i64::MAX)),
        ("-9223372036854775808", Some(i64::MIN)),
        ("9223372036854775808", None),
        ("-9223372036854775809", None),
        ("12345678901234567890", None),
        ("99999999999999999999999", None),
        ("1.0", None),
        ("1e3", None),
        ("-1E0", None),
        ("0.5", None),
    ];
    for &(text, expected) in cases {
        let j = parse(text).unwrap();
        assert_eq!(j.as_i64(), expected, "{text}");
        if text != "-0" {
            let v: Value = serde_json::from_str(text).unwrap();
            assert_eq!(v.as_i64(), expected, "{text}");
        }
    }
    for bad in ["", "-", "+1", "1a", " 1", "--1"] {
        assert_eq!(Json::Number(bad.into()).as_i64(), None, "{bad:?}");
    }
    assert_eq!(Json::String("1".into()).as_i64(), None);
}

#[test]
fn one_mib_string_round_trip() {
    let mut s = String::with_capacity(1 << 20);
    let mut i = 0u32;
    while s.len() < 1 << 20 {
        s.push_str("echo \"中文\" \\ 😀 line");
        s.push(char::from_u32(i % 32).unwrap());
        s.push('\n');
        i += 1;
    }
    let mut literal = String::new();
    write_str_literal(&s, &mut literal);
    assert_eq!(literal, serde_json::to_string(&s).unwrap());

    let doc = format!(r#"{{"script_content":{literal},"n":1}}"#);
    let started = std::time::Instant::now();
    let mut j = parse(&doc).unwrap();
    let elapsed = started.elapsed();
    // Generous for a debug build on a busy machine; release wasm takes a few ms.
    assert!(elapsed.as_secs() < 5, "{elapsed:?}");
    let taken = j
        .remove("script_content")
        .and_then(Json::into_string)
        .unwrap();
    assert_eq!(taken, s);

    // An escape-free 1 MiB string takes the copy-once path.
    let plain = "x".repeat(1 << 20);
    let j = parse(&format!("[\"{plain}\"]")).unwrap();
    assert_eq!(j.as_array().unwrap()[0].as_str(), Some(plain.as_str()));
    let mut out = String::new();
    j.write_compact(&mut out);
    assert_eq!(out.len(), plain.len() + 4);
}
