//! The writers against serde_json's output.

use super::*;

#[test]
fn writers_match_serde_json_output() {
    let mut compared = 0;
    for text in VALID {
        let j = parse(text).unwrap();
        // Only where serde_json writes every number back as sent (not `-0`, floats...).
        let mut stable = true;
        visit_numbers(&j, &mut |n| {
            let value: Value = serde_json::from_str(n).unwrap();
            stable &= serde_json::to_string(&value).unwrap() == n;
        });
        if !stable {
            continue;
        }
        compared += 1;
        assert_eq!(compact(&j), serde_json::to_string(&j).unwrap(), "{text:?}");
        assert_eq!(
            pretty(&j),
            serde_json::to_string_pretty(&j).unwrap(),
            "{text:?}"
        );
    }
    assert!(compared >= 25, "{compared}");
}

fn visit_numbers(j: &Json, f: &mut dyn FnMut(&str)) {
    match j {
        Json::Number(n) => f(n),
        Json::Array(items) => items.iter().for_each(|v| visit_numbers(v, f)),
        Json::Object(members) => members.iter().for_each(|(_, v)| visit_numbers(v, f)),
        _ => {}
    }
}

#[test]
fn writers_by_example() {
    let j = parse(r#" { "b" : [ 1 , { } , [ ] , { "x" : null } ] , "a" : "\/é" } "#).unwrap();
    assert_eq!(compact(&j), r#"{"b":[1,{},[],{"x":null}],"a":"/é"}"#);
    assert_eq!(
        pretty(&j),
        "{\n  \"b\": [\n    1,\n    {},\n    [],\n    {\n      \"x\": null\n    }\n  ],\n  \"a\": \"/é\"\n}"
    );
    // Numbers verbatim, even where serde_json would rewrite them.
    let j = parse("[1.0e+5,-0,1E2,0.10,12345678901234567890123]").unwrap();
    assert_eq!(compact(&j), "[1.0e+5,-0,1E2,0.10,12345678901234567890123]");
    assert_eq!(pretty(&Json::Array(vec![])), "[]");
    assert_eq!(pretty(&Json::Object(vec![])), "{}");
    assert_eq!(pretty(&Json::Null), "null");
    // Duplicates are written as they are.
    let j = parse(r#"{"a":1,"a":2}"#).unwrap();
    assert_eq!(compact(&j), r#"{"a":1,"a":2}"#);
    // Appends, never clears.
    let mut out = String::from("x=");
    Json::Bool(true).write_compact(&mut out);
    assert_eq!(out, "x=true");
}

#[test]
fn string_literals_escape_like_serde_json() {
    let mut all = String::new();
    for c in (0u32..0x80).chain([0xe9, 0x2028, 0x4e2d, 0xfeff, 0x1f600]) {
        let c = char::from_u32(c).unwrap();
        let s = format!("a{c}b{c}{c}");
        let mut ours = String::new();
        write_str_literal(&s, &mut ours);
        assert_eq!(ours, serde_json::to_string(&s).unwrap(), "{c:?}");
        all.push(c);
    }
    let mut ours = String::new();
    write_str_literal(&all, &mut ours);
    assert_eq!(ours, serde_json::to_string(&all).unwrap());
    assert_eq!(parse(&ours).unwrap(), Json::String(all));
    let mut ours = String::new();
    write_str_literal("\u{8}\u{c}\u{1}\u{1f}\u{7f}/\"\\", &mut ours);
    assert_eq!(ours, "\"\\b\\f\\u0001\\u001f\u{7f}/\\\"\\\\\"");
}
