//! What the reader accepts and rejects, and where it is more lenient than serde_json.

use super::*;

const INVALID: &[(&str, JsonErrorKind)] = {
    use JsonErrorKind::{Eof, Syntax};
    &[
        ("", Eof),
        ("   \n", Eof),
        ("n", Eof),
        ("nul", Eof),
        ("nulx", Syntax),
        ("nil", Syntax),
        ("True", Syntax),
        ("tru", Eof),
        ("falsey", Syntax),
        ("null null", Syntax),
        ("1 2", Syntax),
        ("{} x", Syntax),
        ("[] ]", Syntax),
        ("\u{feff}1", Syntax),
        ("\u{a0}1", Syntax),
        ("\u{c}1", Syntax),
        ("undefined", Syntax),
        ("NaN", Syntax),
        ("Infinity", Syntax),
        ("-Infinity", Syntax),
        ("'a'", Syntax),
        ("-", Eof),
        ("+1", Syntax),
        ("- 1", Syntax),
        ("01", Syntax),
        ("-01", Syntax),
        ("00", Syntax),
        ("1.", Eof),
        ("1.x", Syntax),
        ("1.e3", Syntax),
        (".5", Syntax),
        ("1e", Eof),
        ("1e+", Eof),
        ("1e-", Eof),
        ("1ex", Syntax),
        ("1e+-2", Syntax),
        ("0x10", Syntax),
        ("1.5.2", Syntax),
        ("[1.]", Syntax),
        ("[1e]", Syntax),
        ("[-]", Syntax),
        ("[01]", Syntax),
        ("[1.", Eof),
        ("\"", Eof),
        ("\"abc", Eof),
        ("\"abc\\", Eof),
        ("\"\\x\"", Syntax),
        ("\"\\U0041\"", Syntax),
        ("\"\\u00g0\"", Syntax),
        ("\"\\u00\"", Eof),
        ("\"\\u12\"]", Syntax),
        ("\"\\u", Eof),
        ("\"a\u{1}b\"", Syntax),
        ("\"a\nb\"", Syntax),
        ("\"a\tb\"", Syntax),
        ("\"\u{1f}", Syntax),
        ("\"\\ud800", Eof),
        ("\"\\ud800\\", Eof),
        ("\"\\ud800\\udc0", Eof),
        ("[", Eof),
        ("[1", Eof),
        ("[1,", Eof),
        ("[1,]", Syntax),
        ("[,1]", Syntax),
        ("[1 2]", Syntax),
        ("[1;2]", Syntax),
        ("[1}", Syntax),
        ("]", Syntax),
        ("{", Eof),
        ("{\"a\"", Eof),
        ("{\"a\":", Eof),
        ("{\"a\":1", Eof),
        ("{\"a\":1,", Eof),
        ("{\"a\":1,}", Syntax),
        ("{,}", Syntax),
        ("{\"a\" 1}", Syntax),
        ("{\"a\"=1}", Syntax),
        ("{a:1}", Syntax),
        ("{1:1}", Syntax),
        ("{\"a\":1 \"b\":2}", Syntax),
        ("{\"a\":1,1:2}", Syntax),
        ("{\"a\":}", Syntax),
        ("{\"a\":1]", Syntax),
        ("{'a':1}", Syntax),
        ("{\"a", Eof),
        ("/* c */ 1", Syntax),
        ("1 // c", Syntax),
    ]
};

#[test]
fn invalid_documents_rejected_like_serde_json() {
    for &(text, expected) in INVALID {
        check_same(text);
        assert_eq!(kind(text), Some(expected), "{text:?}");
    }
}

#[test]
fn every_prefix_classified_like_serde_json() {
    let mut eof = 0;
    for text in VALID
        .iter()
        .copied()
        .chain([r#"{"a" : [1, -2.5e+3, true, null, "x\u00e9\ud83d\ude00\n"], "b": {"c": false}}"#])
    {
        for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let prefix = &text[..i];
            assert!(check_same(prefix), "{prefix:?}");
            eof += usize::from(kind(prefix) == Some(JsonErrorKind::Eof));
        }
    }
    assert!(eof > 500, "{eof}");
}

#[test]
fn single_byte_mutations_classified_like_serde_json() {
    let docs = [
        r#"{"a":[1,-2.5e+3,true,null,"x\u00e9\ud83d\ude00\n"],"b":{"c":false},"d":0}"#,
        r#"[{"k":"v"},[],"",0.5,{"x":[null]}]"#,
    ];
    let subs = "\"\\{}[],: 0-+.eEtnu\u{1}x";
    let mut checked = 0;
    for doc in docs {
        for i in 0..doc.len() {
            let mut deleted = doc.to_owned();
            deleted.remove(i);
            checked += usize::from(check_same(&deleted));
            for s in subs.chars() {
                let mut replaced = doc.to_owned();
                replaced.replace_range(i..i + 1, s.encode_utf8(&mut [0; 4]));
                checked += usize::from(check_same(&replaced));
                let mut inserted = doc.to_owned();
                inserted.insert(i, s);
                checked += usize::from(check_same(&inserted));
            }
        }
    }
    assert!(checked > 4000, "{checked}");
}

#[test]
fn nesting_limit_matches_serde_json() {
    for n in [1, 126, 127, 128, 129, 200] {
        let arrays = format!("{}{}", "[".repeat(n), "]".repeat(n));
        let objects = format!("{}null{}", "{\"a\":".repeat(n), "}".repeat(n));
        let mixed = format!("{}1{}", "[{\"k\":".repeat(n / 2), "}]".repeat(n / 2));
        let open = "[".repeat(n);
        for text in [&arrays, &objects, &mixed, &open] {
            check_same(text);
        }
    }
    assert!(parse(&format!("{}{}", "[".repeat(127), "]".repeat(127))).is_ok());
    // Deeper: skipped as null (serde_json rejects it), truncation still an Eof.
    let deep = format!(
        r#"{{"a":{}"x]}}"{}, "b": 2}}"#,
        "[".repeat(127),
        "]".repeat(127)
    );
    let v = parse(&deep).unwrap();
    assert_eq!(v.get("b").and_then(Json::as_i64), Some(2));
    // The object is level 1: arrays on levels 2..=127 are read, the one below is skipped.
    let mut inner = v.get("a").unwrap();
    for _ in 0..125 {
        inner = &inner.as_array().unwrap()[0];
    }
    assert_eq!(inner.as_array(), Some(&[Json::Null][..]));
    assert_eq!(kind(&"[".repeat(127)), Some(JsonErrorKind::Eof));
    assert_eq!(kind(&"[".repeat(128)), Some(JsonErrorKind::Eof));
    assert_eq!(kind(&"[".repeat(100_000)), Some(JsonErrorKind::Eof));
    assert!(parse(&format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))).is_ok());
    // Siblings do not add up.
    let wide = format!(
        "[{}]",
        vec!["[".repeat(100) + &"]".repeat(100); 5].join(",")
    );
    assert!(check_same(&wide));
    assert!(parse(&wide).is_ok());
}

#[test]
fn unpaired_surrogates_read_as_replacement_characters() {
    let cases = [
        ("\"\\ud800\"", "\u{fffd}"),
        ("\"\\ud800\\n\"", "\u{fffd}\n"),
        ("\"\\ud800x\"", "\u{fffd}x"),
        ("\"\\ud800\\u0041\"", "\u{fffd}A"),
        ("\"\\ud800\\ud800\"", "\u{fffd}\u{fffd}"),
        ("\"\\ud800\\ud83d\\ude00\"", "\u{fffd}\u{1f600}"),
        ("\"\\udc00\"", "\u{fffd}"),
        ("\"\\udfff\\ud800\"", "\u{fffd}\u{fffd}"),
        ("\"\\ud83d\\ude00\"", "\u{1f600}"),
    ];
    for (text, expected) in cases {
        assert_eq!(parse(text), Ok(Json::String(expected.into())), "{text}");
    }
    // Truncation around a surrogate is still an Eof, bad escapes after it still Syntax.
    for text in [
        "\"\\ud800",
        "\"\\ud800\\",
        "\"\\ud800\\u",
        "\"\\ud800\\udc0",
    ] {
        assert_eq!(kind(text), Some(JsonErrorKind::Eof), "{text}");
    }
    for text in ["\"\\ud800\\x\"", "\"\\ud800\\u12\"]"] {
        assert_eq!(kind(text), Some(JsonErrorKind::Syntax), "{text}");
    }
}

#[test]
fn error_offsets() {
    assert_eq!(
        parse("[1,]").unwrap_err(),
        JsonError {
            kind: JsonErrorKind::Syntax,
            offset: 3
        }
    );
    assert_eq!(parse("  1 x").unwrap_err(), syntax(4));
    assert_eq!(parse("\"ab\u{1}\"").unwrap_err(), syntax(3));
    assert_eq!(
        parse("{\"a\":[1,2").unwrap_err(),
        JsonError {
            kind: JsonErrorKind::Eof,
            offset: 9
        }
    );
}

#[test]
fn out_of_f64_range_numbers_are_kept_verbatim() {
    // The one deviation: serde_json rejects these ("number out of range").
    for text in ["1e400", "-1e309", &format!("1{}", "0".repeat(400))] {
        let e = serde_json::from_str::<Value>(text).unwrap_err();
        assert!(is_out_of_range(&e), "{text}: {e}");
        assert_eq!(parse(text).unwrap(), Json::Number(text.to_owned()));
    }
    // Tiny ones are fine for both.
    assert!(check_same("1e-400"));
    assert!(check_same("[0e99999999999, -0.0e+400]"));
}
