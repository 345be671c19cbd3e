//! The pull reader against serde's derive, the oracle: the same values, and a type error where
//! serde reports one (`is_data`), on well-formed documents; on broken ones, the same Eof/Syntax
//! class once the mismatched value is skipped (what a caller that falls back does).

use serde::Deserialize;

use crate::{parse, JsonErrorKind, Read, Reader};

#[derive(Debug, Default, PartialEq, Deserialize)]
struct Host {
    id: i64,
    #[serde(default)]
    name: String,
    #[serde(default)]
    ip: Option<String>,
    #[serde(default)]
    code: Option<i32>,
    ok: bool,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    children: Option<Vec<Host>>,
}

impl Host {
    fn read(r: &mut Reader) -> Read<Host> {
        let mut h = Host::default();
        let (mut id, mut ok) = (None, None);
        r.object(&mut |r, key| {
            match key {
                "id" => id = Some(r.i64()?),
                "name" => h.name = r.string()?,
                "ip" => h.ip = r.opt_string()?,
                "code" => h.code = r.opt_i32()?,
                "ok" => ok = Some(r.bool()?),
                "tags" => h.tags = r.list(Reader::string)?,
                "children" => h.children = r.opt(|r| r.list(Host::read))?,
                _ => r.skip()?,
            }
            Ok(())
        })?;
        match (id, ok) {
            (Some(id), Some(ok)) => Ok(Host { id, ok, ..h }),
            _ => Err(r.type_error()),
        }
    }
}

fn ours(text: &str) -> Read<Vec<Host>> {
    let mut r = Reader::new(text);
    let hosts = r.list(Host::read)?;
    r.end()?;
    Ok(hosts)
}

fn check(text: &str) {
    match serde_json::from_str::<Vec<Host>>(text) {
        Ok(v) => assert_eq!(ours(text).expect(text), v, "{text}"),
        Err(e) if e.is_data() => {
            assert_eq!(
                ours(text).expect_err(text).kind,
                JsonErrorKind::Type,
                "{text}"
            )
        }
        Err(e) => {
            let kind = if e.is_eof() {
                JsonErrorKind::Eof
            } else {
                JsonErrorKind::Syntax
            };
            let err = ours(text).expect_err(text);
            // A value of another type is reported before it is checked; skipped, it fails
            // like serde's.
            if err.kind != JsonErrorKind::Type {
                assert_eq!(err.kind, kind, "{text}: serde_json says {e}");
            }
            assert_eq!(parse(text).expect_err(text).kind, kind, "{text}");
        }
    }
}

#[test]
fn typed_reads_agree_with_serde() {
    for text in [
        "[]",
        " [ ] ",
        r#"[{"id":1,"ok":true}]"#,
        r#"[{"ok":false,"id":-9223372036854775808,"name":"n \"q\" \u4e2d","ip":null,"code":-2147483648}]"#,
        r#"[{"id":9223372036854775807,"ok":true,"ip":"10.0.0.1","code":2147483647,"tags":["a","b"]}]"#,
        r#"[{"id":1,"ok":true,"extra":{"deep":[1,2,{"x":null}]},"more":1.5e3,"s":"x"}]"#,
        r#"[{"id":1,"ok":true,"children":[{"id":2,"ok":false,"children":null}]}]"#,
        r#"[{"id":1,"ok":true,"children":[]}, {"id":0,"ok":true,"tags":[]}]"#,
        r#"[{"\u0069d":7,"ok":true}]"#,
        "[{\"id\":1,\"ok\":true,\"name\":\"\\ud83d\\ude00\"}]",
        // values of another type
        r#"[{"id":"1","ok":true}]"#,
        r#"[{"id":1.0,"ok":true}]"#,
        r#"[{"id":1e2,"ok":true}]"#,
        r#"[{"id":9223372036854775808,"ok":true}]"#,
        r#"[{"id":-9223372036854775809,"ok":true}]"#,
        r#"[{"id":18446744073709551615,"ok":true}]"#,
        r#"[{"id":18446744073709551616,"ok":true}]"#,
        r#"[{"id":99999999999999999999999,"ok":true}]"#,
        r#"[{"id":-0,"ok":true},{"id":0,"ok":true},{"id":-7,"ok":true}]"#,
        r#"[{"id":10,"ok":true},{"id":1000000000000000000,"ok":true}]"#,
        r#"[{"id":-1e2,"ok":true}]"#,
        r#"[{"id":-,"ok":true}]"#,
        r#"[{"id":-01,"ok":true}]"#,
        r#"[{"id":1.,"ok":true}]"#,
        r#"[{"id":1,"ok":true,"code":2147483648}]"#,
        r#"[{"id":1,"ok":"true"}]"#,
        r#"[{"id":1,"ok":true,"name":null}]"#,
        r#"[{"id":1,"ok":true,"tags":null}]"#,
        r#"[{"id":1,"ok":true,"tags":[1]}]"#,
        r#"[{"id":1,"ok":true,"children":{}}]"#,
        r#"[{"id":1}]"#,
        r#"[{"ok":true}]"#,
        r#"[{"id":null,"ok":true}]"#,
        r#"[1]"#,
        r#"{"id":1,"ok":true}"#,
        "null",
        // broken documents
        "",
        "[",
        r#"[{"id":1,"ok":tru"#,
        r#"[{"id":1,"ok":true"#,
        r#"[{"id":1,"ok":true}"#,
        r#"[{"id":1,"ok":true},]"#,
        r#"[{"id":1,"ok":true,}]"#,
        r#"[{"id":1 "ok":true}]"#,
        r#"[{"id":01,"ok":true}]"#,
        r#"[{"id":1,"ok":true,"x":[1,,2]}]"#,
        r#"[{"id":1,"ok":true}] x"#,
        r#"[{"id":1,"ok":true,"name":"a"#,
        "[{\"id\":1,\"ok\":true,\"name\":\"a\u{1}b\"}]",
        r#"[{id:1}]"#,
    ] {
        check(text);
    }
}

#[test]
fn a_mismatch_at_the_end_is_truncation() {
    let err = ours(r#"[{"id":"#).unwrap_err();
    assert_eq!((err.kind, err.offset), (JsonErrorKind::Eof, 7));
}

#[test]
fn values_and_skips_are_the_trees() {
    let text = r#"{"keep":{"b":[1,"2",null],"a":1e400},"skip":[{"x":"y"}],"n":null}"#;
    let mut r = Reader::new(text);
    let mut kept = None;
    r.object(&mut |r, key| {
        match key {
            "keep" => kept = Some(r.value()?),
            "n" => assert!(r.null()?),
            _ => r.skip()?,
        }
        Ok(())
    })
    .unwrap();
    r.end().unwrap();
    assert_eq!(
        kept,
        parse(r#"{"b":[1,"2",null],"a":1e400}"#).ok(),
        "numbers verbatim"
    );
    // `null` consumes only a null
    let mut r = Reader::new(" 5");
    assert!(!r.null().unwrap());
    assert_eq!(r.i64().unwrap(), 5);
    assert_eq!(
        Reader::new("nul").null().unwrap_err().kind,
        JsonErrorKind::Eof
    );
}
