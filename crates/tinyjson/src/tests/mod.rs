//! The reader and writers checked against serde_json, the oracle: same trees, same errors
//! (Eof/Syntax), same output, except the documented leniencies.

mod parsing;
mod pull;
mod tree;
mod writing;

use serde::ser::{SerializeMap, SerializeSeq};
use serde_json::Value;

use crate::{parse, write_str_literal, Json, JsonError, JsonErrorKind};

/// Test-only: lets serde_json's own serializer write our tree (keys in our order, numbers
/// through `serde_json::Number`), the oracle for the writers.
impl serde::Serialize for Json {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Number(n) => n
                .parse::<serde_json::Number>()
                .expect("serde_json accepts our number")
                .serialize(s),
            Json::String(v) => s.serialize_str(v),
            Json::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(members) => {
                let mut map = s.serialize_map(Some(members.len()))?;
                for (k, v) in members {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// Our tree as a `serde_json::Value` (numbers parsed by serde_json, duplicates resolved
/// the way serde_json's map insertion does).
fn to_value(j: &Json) -> Value {
    match j {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => serde_json::from_str(n).expect("serde_json accepts our number"),
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::Array(items.iter().map(to_value).collect()),
        Json::Object(members) => {
            let mut map = serde_json::Map::new();
            for (k, v) in members {
                map.insert(k.clone(), to_value(v));
            }
            Value::Object(map)
        }
    }
}

fn is_out_of_range(e: &serde_json::Error) -> bool {
    e.to_string().starts_with("number out of range")
}

/// Asserts that `parse` and serde_json agree on `text`: same structure, or the same
/// Eof/Syntax class. Returns false (checking nothing) where serde_json reports a number
/// out of `f64` range, the one documented deviation.
fn check_same(text: &str) -> bool {
    let ours = parse(text);
    match serde_json::from_str::<Value>(text) {
        Ok(v) => {
            let j = ours.unwrap_or_else(|e| panic!("{text:?}: serde_json accepts, we: {e:?}"));
            assert_eq!(to_value(&j), v, "{text:?}");
        }
        Err(e) if is_out_of_range(&e) => return false,
        // The documented leniencies (unpaired surrogates, deep nesting): their own tests
        // check what we make of them.
        Err(e) if is_lenient_case(&e) => return false,
        Err(e) => {
            let err = ours.expect_err(text);
            let kind = if e.is_eof() {
                JsonErrorKind::Eof
            } else {
                JsonErrorKind::Syntax
            };
            assert_eq!(err.kind, kind, "{text:?}: serde_json says {e}");
            assert!(err.offset <= text.len(), "{text:?}");
            if kind == JsonErrorKind::Eof {
                assert_eq!(err.offset, text.len(), "{text:?}");
            }
        }
    }
    true
}

fn is_lenient_case(e: &serde_json::Error) -> bool {
    let m = e.to_string();
    m.contains("surrogate") || m.contains("hex escape") || m.contains("recursion limit")
}

fn compact(j: &Json) -> String {
    let mut s = String::new();
    j.write_compact(&mut s);
    s
}

fn pretty(j: &Json) -> String {
    let mut s = String::new();
    j.write_pretty(&mut s);
    s
}

fn kind(text: &str) -> Option<JsonErrorKind> {
    parse(text).err().map(|e| e.kind)
}

const VALID: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "-0",
    "7",
    "-12",
    "12345678901234567890",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "9223372036854775807",
    "1.5",
    "-0.0",
    "0.000001",
    "1e10",
    "1E+2",
    "2.5e-3",
    "-1.25E-300",
    "1e308",
    "123456789012345678901234567890.5e-10",
    r#""""#,
    r#""plain""#,
    r#""esc \" \\ \/ \b \f \n \r \t""#,
    r#""\u0000\u001f\u0041\u00e9\u4e2d\uFFFF""#,
    r#""\ud83d\ude00 pair \uD834\uDD1E""#,
    "\"中文 é 😀 \u{7f} /\"",
    "[]",
    "{}",
    "[[]]",
    "[{}]",
    r#"{"a":{}}"#,
    "[1,2,3]",
    r#"[null,true,false,"x",[],{},0,-1,2.5]"#,
    r#"{"b":1,"a":2,"c":{"z":[1,{"y":null}],"x":"s"}}"#,
    r#"{"dup":1,"dup":2,"other":3,"dup":"last"}"#,
    " \t\r\n[ \t\r\n1 \t\r\n, \t\r\n{ \t\r\n\"k\" \t\r\n: \t\r\n\"v\" \t\r\n} \t\r\n] \t\r\n",
    r#"{"result":true,"code":0,"message":"","data":{"job_instance_id":20000000001,"job_instance_name":"fastexec 中文","step_instance_id":18446744073709551615},"permission":null,"job_request_id":"a1b2c3"}"#,
    r#"{"result":false,"code":1240002,"message":"用户无权限","data":null,"permission":{"system_id":"bk_job","actions":[{"id":"quick_execute_script","related_resource_types":[{"system_id":"bk_cmdb","type":"host","instances":[[{"type":"biz","id":"2","name":"demo"}]]}]}]},"job_request_id":"x"}"#,
    r#"{"script_content":"ZWNobyAx","script_param":"","timeout":"100","is_param_sensitive":false,"target_server":{"ip_list":[{"bk_cloud_id":0,"ip":"10.0.0.1"}]},"nested":[[[[["deep"]]]]]}"#,
];

fn syntax(offset: usize) -> JsonError {
    JsonError {
        kind: JsonErrorKind::Syntax,
        offset,
    }
}
