//! Query strings of the gateway's GET resources, bound as BK-JOB's Spring MVC binds
//! `@RequestParam`s (contract §2.1 step 5): only the declared parameters are read, each
//! converted to its Java type, and a missing required one or a value that does not convert is
//! 1240003 "Bad Request". (An ESB GET never comes here: ESB forwards the query to BK-JOB as a
//! JSON body of strings, read by Jackson's rules in `bkjob_api`'s lenient module.)
//!
//! Accepted forms (Spring's `StringToBooleanConverter` and `NumberUtils.parseNumber`):
//! - **boolean** (`return_ip_result`, a primitive `boolean` with `defaultValue = "false"`):
//!   after trimming spaces and control characters, case-insensitively `true`/`on`/`yes`/`1` or
//!   `false`/`off`/`no`/`0`. Absent or `""` is the default, false; blank (`" "`) or anything
//!   else is refused.
//! - **Long** (ids): every whitespace character is removed first, even inside (`"1 2"` is 12);
//!   then an optional `+` or `-` and decimal digits, or hex as `0x`/`0X`/`#` after an optional
//!   `-` (`0x1F`, `-#ff`; `+0x1F` is refused). Leading zeros are decimal (`010` is 10). Out of
//!   the 64-bit range is refused. `""` is null (absent), a blank value is refused. Only ASCII
//!   digits: Java would also read other Unicode decimal digits, no client sends them.
//! - **String**: as sent; a parameter sent twice is joined with `,` (Spring's array-to-String
//!   conversion). A Long or boolean sent twice takes the first value.

use bkjob_api::{
    GetAccountListRequest, GetJobInstanceIpLogRequest, GetJobInstanceListRequest,
    GetJobInstanceStatusRequest, GetScriptListRequest, GetScriptVersionDetailRequest,
    GetScriptVersionListRequest, GetStepInstanceStatusRequest,
};
use serde_json::{Map, Value};

/// A query string that does not bind (answered with 1240003).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unbound;

/// The Java type of a `@RequestParam`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    Long,
    /// An `Integer`: read as a Long, then it must fit 32 bits.
    Int,
    /// A primitive `boolean` defaulting to false.
    Bool,
}

/// One `@RequestParam` of a GET handler.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

const fn opt(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        kind,
        required: false,
    }
}

const fn req(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        kind,
        required: true,
    }
}

/// A request type BK-JOB also serves as GET: its `@RequestParam` list.
pub trait GetParams {
    const PARAMS: &'static [Param];
}

/// The scope parameters every GET handler declares.
const SCOPE: [Param; 3] = [
    opt("bk_biz_id", Kind::Long),
    opt("bk_scope_type", Kind::Str),
    opt("bk_scope_id", Kind::Str),
];

impl GetParams for GetJobInstanceStatusRequest {
    const PARAMS: &'static [Param] = &[
        SCOPE[0],
        SCOPE[1],
        SCOPE[2],
        req("job_instance_id", Kind::Long),
        opt("return_ip_result", Kind::Bool),
    ];
}

impl GetParams for GetJobInstanceIpLogRequest {
    const PARAMS: &'static [Param] = &[
        SCOPE[0],
        SCOPE[1],
        SCOPE[2],
        req("job_instance_id", Kind::Long),
        req("step_instance_id", Kind::Long),
        opt("bk_host_id", Kind::Long),
        opt("bk_cloud_id", Kind::Long),
        opt("ip", Kind::Str),
    ];
}

impl GetParams for GetStepInstanceStatusRequest {
    const PARAMS: &'static [Param] = &[
        SCOPE[0],
        SCOPE[1],
        SCOPE[2],
        req("job_instance_id", Kind::Long),
        req("step_instance_id", Kind::Long),
        opt("execute_count", Kind::Int),
        opt("batch", Kind::Int),
        opt("max_host_num_per_group", Kind::Int),
        opt("keyword", Kind::Str),
        opt("search_ip", Kind::Str),
        opt("status", Kind::Int),
        opt("tag", Kind::Str),
    ];
}

impl GetParams for GetJobInstanceListRequest {
    const PARAMS: &'static [Param] = &[
        SCOPE[0],
        SCOPE[1],
        SCOPE[2],
        req("create_time_start", Kind::Long),
        req("create_time_end", Kind::Long),
        opt("job_instance_id", Kind::Long),
        opt("job_cron_id", Kind::Long),
        opt("operator", Kind::Str),
        opt("name", Kind::Str),
        opt("launch_mode", Kind::Int),
        opt("type", Kind::Int),
        opt("status", Kind::Int),
        opt("ip", Kind::Str),
        opt("start", Kind::Int),
        opt("length", Kind::Int),
    ];
}

impl GetParams for GetAccountListRequest {
    const PARAMS: &'static [Param] = &[
        SCOPE[0],
        SCOPE[1],
        SCOPE[2],
        opt("category", Kind::Int),
        opt("account", Kind::Str),
        opt("alias", Kind::Str),
        opt("start", Kind::Int),
        opt("length", Kind::Int),
    ];
}

// The script requests serve the public twins too, whose GET handlers declare no scope: a
// scope sent to them binds here and is then ignored.
impl GetParams for GetScriptListRequest {
    const PARAMS: &'static [Param] = &[
        SCOPE[0],
        SCOPE[1],
        SCOPE[2],
        opt("name", Kind::Str),
        opt("script_language", Kind::Int),
        opt("start", Kind::Int),
        opt("length", Kind::Int),
    ];
}

impl GetParams for GetScriptVersionListRequest {
    const PARAMS: &'static [Param] = &[
        SCOPE[0],
        SCOPE[1],
        SCOPE[2],
        req("script_id", Kind::Str),
        opt("return_script_content", Kind::Bool),
        opt("start", Kind::Int),
        opt("length", Kind::Int),
    ];
}

impl GetParams for GetScriptVersionDetailRequest {
    const PARAMS: &'static [Param] = &[
        SCOPE[0],
        SCOPE[1],
        SCOPE[2],
        opt("id", Kind::Long),
        opt("script_id", Kind::Str),
        opt("version", Kind::Str),
    ];
}

/// Java's `Character.isWhitespace`: Unicode space separators except the no-break ones, and
/// the ASCII controls tab to carriage return and U+001C to U+001F.
fn java_whitespace(c: char) -> bool {
    matches!(c, '\u{1C}'..='\u{1F}')
        || (c.is_whitespace() && !matches!(c, '\u{85}' | '\u{A0}' | '\u{2007}' | '\u{202F}'))
}

/// Spring's String → Long for a non-empty value; `None` when it does not convert.
pub fn spring_long(raw: &str) -> Option<i64> {
    let t: String = raw.chars().filter(|c| !java_whitespace(*c)).collect();
    let (neg, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.as_str()),
    };
    let hex = ["0x", "0X", "#"].iter().find_map(|p| body.strip_prefix(p));
    let Some(digits) = hex else {
        return t.parse::<i64>().ok();
    };
    // Long.decode: no second sign, at least one hex digit, the sign applied to the magnitude
    // (so -0x8000000000000000 is still in range).
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mag = i128::from(u64::from_str_radix(digits, 16).ok()?);
    i64::try_from(if neg { -mag } else { mag }).ok()
}

/// Spring's String → Boolean: `Ok(None)` for a blank value, `Err` for an unknown word.
pub fn spring_bool(raw: &str) -> Result<Option<bool>, Unbound> {
    let t = raw.trim_matches(|c: char| c <= ' ');
    if t.is_empty() {
        return Ok(None);
    }
    match t.to_ascii_lowercase().as_str() {
        "true" | "on" | "yes" | "1" => Ok(Some(true)),
        "false" | "off" | "no" | "0" => Ok(Some(false)),
        _ => Err(Unbound),
    }
}

/// Bind a query string to the declared parameters: a JSON object with each present one in its
/// JSON type, or `Err` (→ 1240003) for a missing required parameter or a value that does not
/// convert. Undeclared parameters are ignored, as Spring does.
pub fn bind(query: &str, params: &[Param]) -> Result<Value, Unbound> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let mut out = Map::new();
    for p in params {
        let values: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k == p.name)
            .map(|(_, v)| v.as_str())
            .collect();
        let value = match (values.first(), p.kind) {
            (None, _) => None,
            (Some(_), Kind::Str) => Some(Value::String(values.join(","))),
            (Some(&""), Kind::Long | Kind::Int | Kind::Bool) => None,
            (Some(v), Kind::Long) => Some(Value::from(spring_long(v).ok_or(Unbound)?)),
            (Some(v), Kind::Int) => Some(Value::from(
                spring_long(v)
                    .and_then(|n| i32::try_from(n).ok())
                    .ok_or(Unbound)?,
            )),
            // Blank converts to null, which a primitive boolean cannot take.
            (Some(v), Kind::Bool) => Some(Value::Bool(spring_bool(v)?.ok_or(Unbound)?)),
        };
        match value {
            Some(v) => {
                out.insert(p.name.to_string(), v);
            }
            None if p.required => return Err(Unbound),
            None => {}
        }
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_as_spring_converts_them() {
        for (raw, want) in [
            ("true", Ok(Some(true))),
            ("True", Ok(Some(true))),
            ("TRUE", Ok(Some(true))),
            ("1", Ok(Some(true))),
            ("yes", Ok(Some(true))),
            ("YES", Ok(Some(true))),
            ("on", Ok(Some(true))),
            (" On\t", Ok(Some(true))),
            ("false", Ok(Some(false))),
            ("False", Ok(Some(false))),
            ("0", Ok(Some(false))),
            ("no", Ok(Some(false))),
            ("off", Ok(Some(false))),
            (" ", Ok(None)),
            ("", Ok(None)),
            ("2", Err(Unbound)),
            ("t", Err(Unbound)),
            ("y", Err(Unbound)),
            ("enabled", Err(Unbound)),
            ("true1", Err(Unbound)),
            ("\u{3000}true", Err(Unbound)),
        ] {
            assert_eq!(spring_bool(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn longs_as_spring_converts_them() {
        for (raw, want) in [
            ("42", Some(42)),
            ("+42", Some(42)),
            ("-42", Some(-42)),
            ("042", Some(42)),
            (" 42 ", Some(42)),
            ("4 2", Some(42)),
            ("\t42\n", Some(42)),
            ("\u{3000}42", Some(42)),
            ("0x1F", Some(31)),
            ("0X1f", Some(31)),
            ("#ff", Some(255)),
            ("-0x10", Some(-16)),
            ("-#10", Some(-16)),
            ("9223372036854775807", Some(i64::MAX)),
            ("-9223372036854775808", Some(i64::MIN)),
            ("-0x8000000000000000", Some(i64::MIN)),
            ("0x8000000000000000", None),
            ("9223372036854775808", None),
            ("+0x1F", None),
            ("0x", None),
            ("0x-1", None),
            ("0x+1", None),
            ("--1", None),
            ("+", None),
            ("-", None),
            (" ", None),
            ("1.0", None),
            ("1e3", None),
            ("abc", None),
            ("\u{A0}42", None),
            ("٤٢", None),
        ] {
            assert_eq!(spring_long(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn binding_follows_the_declared_params() {
        let p = GetJobInstanceStatusRequest::PARAMS;
        let v = bind(
            "bk_scope_type=biz&bk_scope_id=2&job_instance_id=%2B7&return_ip_result=On&x=1",
            p,
        )
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":7,
                               "return_ip_result":true})
        );
        // Required id missing or empty; a value that does not convert.
        assert!(bind("bk_scope_type=biz", p).is_err());
        assert!(bind("job_instance_id=", p).is_err());
        assert!(bind("job_instance_id=7&return_ip_result=maybe", p).is_err());
        assert!(bind("job_instance_id=7&return_ip_result=+", p).is_err());
        // Empty boolean is the default; repeated values: first number, joined strings.
        let v = bind(
            "job_instance_id=7&job_instance_id=8&return_ip_result=&bk_scope_id=2&bk_scope_id=3",
            p,
        )
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"bk_scope_id":"2,3","job_instance_id":7})
        );
        // Every numeric or boolean field of the request types is declared with its kind.
        let full = GetJobInstanceIpLogRequest {
            bk_biz_id: Some(1),
            job_instance_id: Some(1),
            step_instance_id: Some(1),
            bk_host_id: Some(1),
            bk_cloud_id: Some(1),
            ..Default::default()
        };
        kinds_match(
            &serde_json::to_value(full).unwrap(),
            GetJobInstanceIpLogRequest::PARAMS,
        );
        let full = GetJobInstanceStatusRequest {
            bk_biz_id: Some(1),
            job_instance_id: Some(1),
            return_ip_result: Some(true),
            ..Default::default()
        };
        kinds_match(&serde_json::to_value(full).unwrap(), p);
    }

    fn kinds_match(v: &Value, params: &[Param]) {
        for (k, v) in v.as_object().unwrap() {
            let kind = params.iter().find(|p| p.name == k).map(|p| p.kind);
            let want = if v.is_boolean() {
                Kind::Bool
            } else {
                Kind::Long
            };
            assert_eq!(kind, Some(want), "{k}");
        }
    }
}
