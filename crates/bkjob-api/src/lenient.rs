//! Jackson-style scalar coercion for request fields.
//!
//! BK-JOB parses requests with Jackson, whose defaults accept a number where a string is
//! declared (`"bk_scope_id": 2`) and a numeric string or an integral float where an integer is
//! declared (`"timeout": "100"`, `"account_id": 1000.0`). A stand-in must accept the same
//! requests, so the request types deserialise through these functions. The same rules apply to
//! an ESB GET: ESB forwards the query string to BK-JOB as a JSON object of strings.
//!
//! Strings are trimmed as Java's `String.trim` does (characters up to U+0020 only); `""` and
//! `"null"` are null. Integers: optional `+`/`-` and ASCII digits, nothing else (no hex).
//! Booleans ([`opt_bool`]): `true`/`false`, the strings `true`/`True`/`TRUE`/`false`/`False`/
//! `FALSE`, and integers (0 is false, any other is true); `"1"`, `"yes"` or `1.0` are type
//! errors, as in Jackson. Anything else (an
//! object for a string, `"abc"` for a number) is still a type error, which the server answers
//! with 1240003 like BK-JOB. Values go through `serde_json::Value`, which keeps integers as
//! `i64`/`u64`, so IDs above 2^53 stay exact.

use serde::de::Error;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(Value::Bool(b)) => Ok(Some(b.to_string())),
        Some(other) => Err(D::Error::custom(format!(
            "expected a string, found {}",
            kind(&other)
        ))),
    }
}

pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Option::<Value>::deserialize(d)?
        .map_or(Ok(None), |v| to_i64(&v))
        .map_err(D::Error::custom)
}

pub fn opt_i32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    match opt_i64(d)? {
        None => Ok(None),
        Some(v) => i32::try_from(v)
            .map(Some)
            .map_err(|_| D::Error::custom(format!("{v} is out of range for an int"))),
    }
}

/// A field whose explicit `null` differs from its absence: absent stays `None` (through
/// `#[serde(default)]`), `null` (or `""`, `"null"`) is `Some(None)`, a number `Some(Some(n))`.
pub fn opt_opt_i32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i32>>, D::Error> {
    match to_i64(&Value::deserialize(d)?).map_err(D::Error::custom)? {
        None => Ok(Some(None)),
        Some(v) => i32::try_from(v)
            .map(|v| Some(Some(v)))
            .map_err(|_| D::Error::custom(format!("{v} is out of range for an int"))),
    }
}

pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(b)),
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(Some(n.as_i64() != Some(0))),
        Some(Value::String(s)) => match java_trim(&s) {
            "" | "null" => Ok(None),
            "true" | "True" | "TRUE" => Ok(Some(true)),
            "false" | "False" | "FALSE" => Ok(Some(false)),
            _ => Err(D::Error::custom(format!("\"{s}\" is not a boolean"))),
        },
        Some(other) => Err(D::Error::custom(format!(
            "expected a boolean, found {}",
            kind(&other)
        ))),
    }
}

/// Java's `String.trim`: strips characters up to U+0020 (spaces and controls) only.
pub fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

pub fn opt_vec_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| to_i64(v)?.ok_or_else(|| "null in a list of IDs".to_string()))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
            .map_err(D::Error::custom),
        Some(other) => Err(D::Error::custom(format!(
            "expected a list, found {}",
            kind(&other)
        ))),
    }
}

/// A Java `List<Byte>`: integers as [`opt_vec_i64`] reads them, each in -128..=127.
pub fn opt_vec_byte<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i32>>, D::Error> {
    match opt_vec_i64(d)? {
        None => Ok(None),
        Some(v) => v
            .into_iter()
            .map(|i| {
                i8::try_from(i)
                    .map(i32::from)
                    .map_err(|_| D::Error::custom(format!("{i} is out of range for a byte")))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
    }
}

fn to_i64(v: &Value) -> Result<Option<i64>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Ok(Some(i))
            } else if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18) {
                Ok(Some(f as i64))
            } else {
                Err(format!("{n} is not an integer in range"))
            }
        }
        Value::String(s) => {
            let t = java_trim(s);
            if t.is_empty() || t == "null" {
                // Jackson's default coerces "" (and the text "null") to null for wrapper
                // types such as Long.
                return Ok(None);
            }
            t.parse::<i64>()
                .map(Some)
                .map_err(|_| format!("\"{s}\" is not an integer"))
        }
        other => Err(format!("expected an integer, found {}", kind(other))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use crate::types::FastExecuteScriptRequest;

    #[test]
    fn numbers_and_strings_coerce_like_jackson() {
        let req: FastExecuteScriptRequest = serde_json::from_str(
            r#"{"bk_scope_id": 2, "timeout": "100", "account_id": 1000.0,
                "script_language": "1", "target_server": {"host_id_list": ["101", 9007199254740993],
                "ip_list": [{"bk_cloud_id": "0", "ip": "127.0.0.2"}]}}"#,
        )
        .unwrap();
        assert_eq!(req.bk_scope_id.as_deref(), Some("2"));
        assert_eq!(req.timeout, Some(100));
        assert_eq!(req.account_id, Some(1000));
        assert_eq!(req.script_language, Some(1));
        let ts = req.target_server.unwrap();
        assert_eq!(ts.host_id_list, Some(vec![101, 9007199254740993]));
        assert_eq!(ts.ip_list.unwrap()[0].bk_cloud_id, Some(0));
    }

    #[test]
    fn real_type_errors_are_still_errors() {
        for body in [
            r#"{"timeout": "abc"}"#,
            r#"{"timeout": 1.5}"#,
            r#"{"bk_scope_id": {"a": 1}}"#,
            r#"{"script_language": 99999999999}"#,
            r#"{"target_server": {"host_id_list": 5}}"#,
            r#"{"target_server": {"host_id_list": [null]}}"#,
        ] {
            assert!(
                serde_json::from_str::<FastExecuteScriptRequest>(body).is_err(),
                "{body} must be rejected"
            );
        }
    }

    #[test]
    fn booleans_coerce_like_jackson() {
        use crate::types::GetJobInstanceStatusRequest as R;
        let b = |v: &str| {
            serde_json::from_str::<R>(&format!(r#"{{"return_ip_result": {v}}}"#))
                .map(|r| r.return_ip_result)
                .ok()
        };
        for (v, want) in [
            ("true", Some(Some(true))),
            ("false", Some(Some(false))),
            (r#""True""#, Some(Some(true))),
            (r#"" TRUE ""#, Some(Some(true))),
            (r#""False""#, Some(Some(false))),
            ("1", Some(Some(true))),
            ("0", Some(Some(false))),
            ("7", Some(Some(true))),
            ("\"\"", Some(None)),
            (r#""null""#, Some(None)),
            ("null", Some(None)),
            (r#""1""#, None),
            (r#""yes""#, None),
            (r#""tRUE""#, None),
            ("1.0", None),
            ("[]", None),
        ] {
            assert_eq!(b(v), want, "return_ip_result: {v}");
        }
        // Numbers in strings, as an ESB GET sends them.
        let r: R =
            serde_json::from_str(r#"{"job_instance_id": " +42 ", "bk_biz_id": "null"}"#).unwrap();
        assert_eq!((r.job_instance_id, r.bk_biz_id), (Some(42), None));
        assert!(serde_json::from_str::<R>(r#"{"job_instance_id": "0x10"}"#).is_err());
    }

    #[test]
    fn explicit_null_differs_from_absent() {
        use crate::types::GetJobInstanceListRequest as R;
        let len = |body: &str| serde_json::from_str::<R>(body).map(|r| r.length).ok();
        assert_eq!(len("{}"), Some(None));
        assert_eq!(len(r#"{"length": null}"#), Some(Some(None)));
        assert_eq!(len(r#"{"length": ""}"#), Some(Some(None)));
        assert_eq!(len(r#"{"length": "30"}"#), Some(Some(Some(30))));
        assert_eq!(len(r#"{"length": 99999999999}"#), None);
        assert_eq!(len(r#"{"length": "x"}"#), None);
    }

    #[test]
    fn absent_and_null_stay_absent() {
        let req: FastExecuteScriptRequest =
            serde_json::from_str(r#"{"timeout": null, "account_id": ""}"#).unwrap();
        assert_eq!(req.timeout, None);
        assert_eq!(req.account_id, None);
    }
}
