//! Classifying every kind of answer to a launch, in plain Rust (unit-tested natively).
//!
//! Input: the HTTP status and the body text (or a transport failure). Output: an [`Outcome`]
//! the view renders. `read_envelope`, the BK-JOB envelope reader, is shared with the job view.
//! IDs are parsed by serde_json straight from the text into `i64`, never through a JS number,
//! so values above 2^53 stay exact.

use std::fmt;
use std::marker::PhantomData;

use bkjob_api::json::{self, Json, JsonErrorKind};
use bkjob_api::FastExecuteScriptData;
use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::Deserialize;

use crate::launch::Settled;

/// The code BK-JOB uses for "permission denied" (comes with a `permission` object).
pub const PERMISSION_DENIED_CODE: i64 = 9_900_403;

/// BK-JOB's own error codes are 7 digits starting with 12 (1240002, 1244006, 1247002...); the
/// API gateway's start with 16 (1640001...), the permission code is 9900403.
pub fn is_bk_job_code(code: i64) -> bool {
    (1_200_000..1_300_000).contains(&code) || code == PERMISSION_DENIED_CODE
}

/// How many characters of an unexpected body are shown.
pub const EXCERPT_CHARS: usize = 300;

/// Why an HTTP answer could not be read as a BK-JOB answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpProblem {
    /// A non-2xx status (401 from the gateway, 5xx, a proxy error page...).
    Status,
    /// The body is not JSON (e.g. an HTML error page).
    NotJson,
    /// The body is JSON cut short (truncated).
    Truncated,
    /// JSON, but not the BK-JOB envelope (or a success without the expected `data`).
    UnexpectedShape,
}

/// What happened to a launch.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// `result:true` with the job's IDs.
    Success {
        /// HTTP status (normally 200).
        http_status: u16,
        /// The created job.
        data: FastExecuteScriptData,
        /// Request ID, if any.
        job_request_id: Option<String>,
    },
    /// Code 9900403: the user lacks IAM permissions.
    Permission {
        /// HTTP status (200 from BK-JOB, 403 from some gateways).
        http_status: u16,
        /// Always [`PERMISSION_DENIED_CODE`].
        code: i64,
        /// BK-JOB's localized message.
        message: String,
        /// Request ID, if any.
        job_request_id: Option<String>,
        /// The raw `permission` JSON, pretty-printed (for an IAM request).
        permission_json: String,
    },
    /// Any other `result:false` from BK-JOB.
    ApiError {
        /// HTTP status (200, or 400 for a missing parameter).
        http_status: u16,
        /// BK-JOB error code.
        code: i64,
        /// BK-JOB's localized message.
        message: String,
        /// Request ID, if any.
        job_request_id: Option<String>,
    },
    /// An HTTP-level failure or a body we cannot read.
    HttpError {
        /// HTTP status.
        http_status: u16,
        /// What was wrong.
        problem: HttpProblem,
        /// Envelope code, when the body was a JSON envelope (e.g. the gateway's 401).
        code: Option<i64>,
        /// Envelope message, when present.
        message: Option<String>,
        /// Request ID, when present.
        job_request_id: Option<String>,
        /// The first [`EXCERPT_CHARS`] characters of the body.
        excerpt: String,
    },
    /// The request never got an answer (connection refused, CORS, offline...).
    Network {
        /// The browser's error text.
        detail: String,
    },
    /// We gave up waiting.
    Timeout {
        /// The limit that was hit, in seconds.
        seconds: u32,
    },
    /// The answer was bigger than the cap ([`crate::limit`]) and was not read: whether a job
    /// was created is unknown.
    TooLarge {
        /// The cap, bytes.
        max_bytes: u64,
    },
}

impl Outcome {
    /// The `data-kind` value of the outcome panel.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Success { .. } => "success",
            Outcome::Permission { .. } => "permission",
            Outcome::ApiError { .. } => "api-error",
            Outcome::HttpError { .. } => "http-error",
            Outcome::Network { .. } => "network",
            Outcome::Timeout { .. } => "timeout",
            Outcome::TooLarge { .. } => "too-large",
        }
    }

    /// Whether we know if a job was created. A timeout, a lost network and a gateway-level
    /// 502/503/504 leave it unknown: the job MAY exist. The gateway answers those with its own
    /// JSON envelope (code 16xxxxx) when BK-JOB is slow or down, so only a BK-JOB code
    /// (12xxxxx) on such a status counts as an answer from BK-JOB itself.
    pub fn settled(&self) -> Settled {
        let from_job = |code: Option<i64>| code.is_some_and(is_bk_job_code);
        match self {
            Outcome::Network { .. } | Outcome::Timeout { .. } | Outcome::TooLarge { .. } => {
                Settled::Unknown
            }
            Outcome::HttpError {
                http_status: 502..=504,
                code,
                ..
            } if !from_job(*code) => Settled::Unknown,
            Outcome::ApiError {
                http_status: 502..=504,
                code,
                ..
            } if !from_job(Some(*code)) => Settled::Unknown,
            _ => Settled::Known,
        }
    }

    /// The HTTP status, when there was an answer.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Outcome::Success { http_status, .. }
            | Outcome::Permission { http_status, .. }
            | Outcome::ApiError { http_status, .. }
            | Outcome::HttpError { http_status, .. } => Some(*http_status),
            Outcome::Network { .. } | Outcome::Timeout { .. } | Outcome::TooLarge { .. } => None,
        }
    }
}

/// The first `max` characters of `text` (on a char boundary), with "…" when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// What an answer says, decided once for the launch ([`classify`]) and the job view
/// ([`crate::job::api::read_answer`]).
pub(crate) enum Verdict<T> {
    /// `result: true` with a readable `data`.
    Data(T),
    /// BK-JOB's error envelope: `result: false` with a non-zero code, or the permission code.
    Api(i64),
    /// No usable answer.
    Http(HttpProblem),
}

/// A read answer: the verdict and the envelope's other fields (all absent when the body was
/// not a JSON object).
pub(crate) struct Answer<T> {
    pub verdict: Verdict<T>,
    pub code: Option<i64>,
    pub message: Option<String>,
    /// `job_request_id`, else the `request_id` ESB adds.
    pub request_id: Option<String>,
    /// The `permission` value as sent, pretty-printed (for an IAM request).
    pub permission_json: Option<String>,
}

/// Read a BK-JOB answer from its status and body text. The envelope is deserialized straight
/// from the text into typed fields (IDs into `i64`, exact above 2^53); its fields are read
/// leniently (see [`Scalar`]), so only a body that is no JSON object is unreadable.
pub(crate) fn read_envelope<T: DeserializeOwned>(http_status: u16, body: &str) -> Answer<T> {
    let parsed = match serde_json::from_str::<Envelope<T>>(body) {
        // `data` does not fit `T` (or the body is no object): read the rest without it.
        Err(e) if e.is_data() => {
            serde_json::from_str::<Envelope<IgnoredAny>>(body).map(|env| (env.head, None))
        }
        other => other.map(|env| (env.head, env.data)),
    };
    decide(
        http_status,
        parsed.map_err(|e| {
            if e.is_data() {
                Unreadable::Shape
            } else if e.is_eof() {
                Unreadable::Truncated
            } else {
                Unreadable::NotJson
            }
        }),
    )
}

/// The launch answer, read like [`read_envelope`] but with the small JSON reader
/// ([`bkjob_api::json`]): the form module carries no serde deserializer, which would cost its
/// download several KB. Both end in the same [`decide`].
fn read_launch_envelope(http_status: u16, body: &str) -> Answer<FastExecuteScriptData> {
    let parsed = match json::parse(body) {
        Err(e) => Err(match e.kind {
            JsonErrorKind::Eof => Unreadable::Truncated,
            JsonErrorKind::Syntax => Unreadable::NotJson,
        }),
        Ok(v) if v.as_object().is_none() => Err(Unreadable::Shape),
        Ok(v) => Ok((
            Head::from_json(&v),
            v.get("data").and_then(FastExecuteScriptData::from_json),
        )),
    };
    decide(http_status, parsed)
}

/// Why a body is no readable envelope.
enum Unreadable {
    /// JSON, but no object (or, for serde, an object that cannot be read at all).
    Shape,
    /// JSON cut short.
    Truncated,
    /// Not JSON.
    NotJson,
}

/// The one decision over a read envelope (or why it could not be read) and the HTTP status.
fn decide<T>(http_status: u16, parsed: Result<(Head, Option<T>), Unreadable>) -> Answer<T> {
    let ok = (200..300).contains(&http_status);
    let (head, data) = match parsed {
        Ok(parsed) => parsed,
        Err(why) => {
            let problem = match why {
                _ if !ok => HttpProblem::Status,
                Unreadable::Shape => HttpProblem::UnexpectedShape,
                Unreadable::Truncated => HttpProblem::Truncated,
                Unreadable::NotJson => HttpProblem::NotJson,
            };
            return Answer {
                verdict: Verdict::Http(problem),
                code: None,
                message: None,
                request_id: None,
                permission_json: None,
            };
        }
    };
    let verdict = match (head.result, head.code) {
        (_, Some(PERMISSION_DENIED_CODE)) => Verdict::Api(PERMISSION_DENIED_CODE),
        // A BK-JOB validation answer with HTTP 400 (missing parameter) is still an API error.
        (Some(false), Some(code)) if code != 0 && (ok || http_status == 400) => Verdict::Api(code),
        _ if !ok => Verdict::Http(HttpProblem::Status),
        (Some(true), _) => data.map_or(Verdict::Http(HttpProblem::UnexpectedShape), Verdict::Data),
        _ => Verdict::Http(HttpProblem::UnexpectedShape),
    };
    Answer {
        verdict,
        code: head.code,
        message: head.message,
        request_id: head.job_request_id.or(head.request_id),
        permission_json: head.permission,
    }
}

/// The envelope as read from the text; `data` is `None` when absent or null.
struct Envelope<T> {
    head: Head,
    data: Option<T>,
}

/// The envelope's fields besides `data`.
#[derive(Default)]
struct Head {
    result: Option<bool>,
    code: Option<i64>,
    message: Option<String>,
    job_request_id: Option<String>,
    request_id: Option<String>,
    permission: Option<String>,
}

impl Head {
    /// The fields read from a parsed envelope, with the leniency of [`Scalar`] (a number where
    /// text is expected counts as its digits as sent).
    fn from_json(v: &Json) -> Head {
        let text = |key: &str| match v.get(key)? {
            Json::String(s) | Json::Number(s) => Some(s.clone()),
            _ => None,
        };
        Head {
            result: v.get("result").and_then(Json::as_bool),
            code: v.get("code").and_then(Json::as_i64),
            message: text("message"),
            job_request_id: text("job_request_id"),
            request_id: text("request_id"),
            permission: v.get("permission").map(|p| {
                let mut out = String::new();
                p.write_pretty(&mut out);
                out
            }),
        }
    }

    // Generic over the map only (not over `data`'s type), so one copy serves every envelope.
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match key {
            "result" => self.result = map.next_value::<Scalar>()?.bool(),
            "code" => self.code = map.next_value::<Scalar>()?.int(),
            "message" => self.message = map.next_value::<Scalar>()?.text(),
            "job_request_id" => self.job_request_id = map.next_value::<Scalar>()?.text(),
            "request_id" => self.request_id = map.next_value::<Scalar>()?.text(),
            "permission" => {
                let mut text = String::new();
                map.next_value_seed(JsonWriter::pretty(&mut text))?;
                self.permission = Some(text);
            }
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Envelope<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EnvelopeVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for EnvelopeVisitor<T> {
            type Value = Envelope<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a BK-JOB envelope")
            }
            // Only an object: a derived struct would also accept a JSON array.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope<T>, A::Error> {
                let mut head = Head::default();
                let mut data = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "data" {
                        data = map.next_value()?;
                    } else {
                        head.read_field(&key, &mut map)?;
                    }
                }
                Ok(Envelope { head, data })
            }
        }
        d.deserialize_map(EnvelopeVisitor(PhantomData))
    }
}

/// An envelope field read like `serde_json::Value`'s accessors would see it: a field of an
/// unexpected type counts as absent, and never hides the other fields.
enum Scalar {
    Bool(bool),
    Int(i64),
    /// A string, or the digits of a number that is no `i64`.
    Text(String),
    /// Null, a list or an object.
    Other,
}

impl Scalar {
    fn bool(self) -> Option<bool> {
        match self {
            Scalar::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn int(self) -> Option<i64> {
        match self {
            Scalar::Int(i) => Some(i),
            _ => None,
        }
    }

    /// A string; a number (some gateways send numeric ids) as its digits.
    fn text(self) -> Option<String> {
        match self {
            Scalar::Text(s) => Some(s),
            Scalar::Int(i) => Some(i.to_string()),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl<'de> Visitor<'de> for ScalarVisitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(i64::try_from(v).map_or_else(|_| Scalar::Text(v.to_string()), Scalar::Int))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar::Text(float_text(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar::Text(v))
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Scalar, A::Error> {
                IgnoredAny.visit_seq(seq).map(|_| Scalar::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Scalar, A::Error> {
                IgnoredAny.visit_map(map).map(|_| Scalar::Other)
            }
        }
        d.deserialize_any(ScalarVisitor)
    }
}

/// A float as serde_json writes it.
fn float_text(v: f64) -> String {
    serde_json::to_string(&v).unwrap_or_default()
}

/// `text` (one JSON value) pretty-printed like `serde_json::to_string_pretty` (two-space
/// indent), keys in their order; `None` when it is not JSON.
pub(crate) fn pretty_json(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut de = serde_json::Deserializer::from_str(text);
    JsonWriter::pretty(&mut out).deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(out)
}

/// One JSON value as compact JSON text, whatever its type (e.g. a query parameter).
pub(crate) struct JsonText(pub String);

impl<'de> Deserialize<'de> for JsonText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut text = String::new();
        JsonWriter {
            out: &mut text,
            depth: None,
        }
        .deserialize(d)?;
        Ok(JsonText(text))
    }
}

/// Writes the JSON value it reads into `out` as it goes, with no `serde_json::Value` in
/// between: pretty (`depth` = the indent level) or compact (`None`).
struct JsonWriter<'a> {
    out: &'a mut String,
    depth: Option<usize>,
}

impl<'a> JsonWriter<'a> {
    fn pretty(out: &'a mut String) -> Self {
        JsonWriter {
            out,
            depth: Some(0),
        }
    }

    fn inner(&mut self) -> JsonWriter<'_> {
        JsonWriter {
            out: self.out,
            depth: self.depth.map(|d| d + 1),
        }
    }

    /// A new line at this value's indent (pretty only).
    fn line_break(&mut self) {
        if let Some(depth) = self.depth {
            self.out.push('\n');
            for _ in 0..depth {
                self.out.push_str("  ");
            }
        }
    }

    /// `s` as a JSON string literal, escaped by serde_json.
    fn push_str_literal(&mut self, s: &str) {
        self.out
            .push_str(&serde_json::to_string(s).unwrap_or_default());
    }

    fn close(mut self, items: usize, bracket: char) {
        if items > 0 {
            self.line_break();
        }
        self.out.push(bracket);
    }
}

impl<'de> DeserializeSeed<'de> for JsonWriter<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonWriter<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.out.push_str(&v.to_string());
        Ok(())
    }
    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.out.push_str(&v.to_string());
        Ok(())
    }
    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.out.push_str(&float_text(v));
        Ok(())
    }
    fn visit_str<E>(mut self, v: &str) -> Result<(), E> {
        self.push_str_literal(v);
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.out.push_str("null");
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        self.out.push('[');
        let mut items = 0;
        loop {
            // The separator is written before we know whether an element follows.
            let mark = self.out.len();
            if items > 0 {
                self.out.push(',');
            }
            let mut item = self.inner();
            item.line_break();
            if seq.next_element_seed(item)?.is_none() {
                self.out.truncate(mark);
                break;
            }
            items += 1;
        }
        self.close(items, ']');
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        self.out.push('{');
        let mut items = 0;
        while let Some(key) = map.next_key::<String>()? {
            if items > 0 {
                self.out.push(',');
            }
            let mut value = self.inner();
            value.line_break();
            value.push_str_literal(&key);
            let colon = if value.depth.is_some() { ": " } else { ":" };
            value.out.push_str(colon);
            map.next_value_seed(value)?;
            items += 1;
        }
        self.close(items, '}');
        Ok(())
    }
}

/// Classify an HTTP answer to the launch from its status and body text.
pub fn classify(http_status: u16, body: &str) -> Outcome {
    outcome_of(http_status, body, read_launch_envelope(http_status, body))
}

/// The outcome of a read launch answer (`body` for the excerpt of an unreadable one).
fn outcome_of(http_status: u16, body: &str, answer: Answer<FastExecuteScriptData>) -> Outcome {
    let Answer {
        verdict,
        code,
        message,
        request_id: job_request_id,
        permission_json,
    } = answer;
    match verdict {
        Verdict::Data(data) => Outcome::Success {
            http_status,
            data,
            job_request_id,
        },
        Verdict::Api(PERMISSION_DENIED_CODE) => {
            // Shown as sent, for an IAM request ("null" when missing).
            let permission_json = permission_json.unwrap_or_else(|| "null".to_owned());
            Outcome::Permission {
                http_status,
                code: PERMISSION_DENIED_CODE,
                message: message.unwrap_or_default(),
                job_request_id,
                permission_json,
            }
        }
        Verdict::Api(code) => Outcome::ApiError {
            http_status,
            code,
            message: message.unwrap_or_default(),
            job_request_id,
        },
        Verdict::Http(problem) => Outcome::HttpError {
            http_status,
            problem,
            code,
            message,
            job_request_id,
            excerpt: excerpt(body, EXCERPT_CHARS),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_keeps_ids_above_2_pow_53_exact() {
        let body = r#"{"result":true,"code":0,"data":{"job_instance_id":9007199254740993,
            "job_instance_name":"快速执行脚本_1","step_instance_id":9223372036854775807},
            "job_request_id":"abc"}"#;
        let o = classify(200, body);
        assert_eq!(o.kind(), "success");
        match o {
            Outcome::Success {
                data,
                job_request_id,
                ..
            } => {
                assert_eq!(data.job_instance_id, 9_007_199_254_740_993);
                assert_eq!(data.step_instance_id, i64::MAX);
                assert_eq!(data.job_instance_name, "快速执行脚本_1");
                assert_eq!(job_request_id.as_deref(), Some("abc"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn permission_answer_is_its_own_kind() {
        let body = r#"{"result":false,"code":9900403,"message":"用户(alice)权限不足",
          "job_request_id":"r1","permission":{"system_id":"bk_job","system_name":"作业平台",
          "actions":[{"id":"quick_execute_script","name":"快速执行脚本","related_resource_types":[
           {"system_id":"bk_cmdb","system_name":"配置平台","type":"host","type_name":"主机",
            "instances":[[{"id":"2","type":"biz","type_name":"业务","name":"my-biz"},
                          {"id":"101","type":"host","type_name":"主机","name":"10.0.0.1"}]]}]},
           {"id":"use_account","name":"执行账号使用","related_resource_types":[]}]}}"#;
        let o = classify(200, body);
        assert_eq!(o.kind(), "permission");
        let Outcome::Permission {
            permission_json,
            message,
            ..
        } = o
        else {
            panic!()
        };
        assert_eq!(message, "用户(alice)权限不足");
        assert!(permission_json.contains("\"quick_execute_script\""));
        assert!(permission_json.contains('\n'), "pretty printed");
        // What the permission panel (on-demand module) makes of the JSON handed to it.
        let rows = crate::panels::permission_rows_from_json(&permission_json, bkjob_api::Lang::En);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].id, "quick_execute_script");
        assert_eq!(rows[0].name, "Script Execution (Quick Launch)");
        assert_eq!(
            rows[0].resources,
            vec!["Hosts: my-biz / 10.0.0.1".to_owned()]
        );
        assert_eq!(rows[1].name, "Use Account");
    }

    #[test]
    fn permission_with_odd_shape_still_shows_raw_json() {
        let o = classify(
            200,
            r#"{"result":false,"code":9900403,"message":"m","permission":{"x":1}}"#,
        );
        let Outcome::Permission {
            permission_json, ..
        } = o
        else {
            panic!()
        };
        assert!(permission_json.contains("\"x\": 1"));
    }

    #[test]
    fn other_result_false_is_an_api_error() {
        let o = classify(
            200,
            r#"{"result":false,"code":1244001,"message":"主机为空","job_request_id":"r2"}"#,
        );
        assert_eq!(
            o,
            Outcome::ApiError {
                http_status: 200,
                code: 1_244_001,
                message: "主机为空".into(),
                job_request_id: Some("r2".into()),
            }
        );
        assert_eq!(o.settled(), Settled::Known);
        // HTTP 400 with an envelope (MissingParameterException) is also an API error
        assert_eq!(
            classify(400, r#"{"result":false,"code":1241001,"message":"m"}"#).kind(),
            "api-error"
        );
    }

    #[test]
    fn gateway_401_with_json_is_an_http_error_with_its_message() {
        let o = classify(
            401,
            r#"{"result":false,"code":1247002,"message":"Missing user info","data":null}"#,
        );
        assert_eq!(o.kind(), "http-error");
        let Outcome::HttpError {
            http_status,
            code,
            message,
            problem,
            ..
        } = o
        else {
            panic!()
        };
        assert_eq!(
            (http_status, code, problem),
            (401, Some(1_247_002), HttpProblem::Status)
        );
        assert_eq!(message.as_deref(), Some("Missing user info"));
    }

    #[test]
    fn html_error_page_and_5xx() {
        let page = format!("<html><body>{}</body></html>", "x".repeat(1000));
        let o = classify(502, &page);
        let Outcome::HttpError {
            excerpt, problem, ..
        } = &o
        else {
            panic!()
        };
        assert_eq!(*problem, HttpProblem::Status);
        assert_eq!(excerpt.chars().count(), EXCERPT_CHARS + 1);
        assert!(excerpt.starts_with("<html>"));
        assert_eq!(
            o.settled(),
            Settled::Unknown,
            "a gateway error leaves the job unknown"
        );
        // The gateway's own JSON on an upstream timeout is no answer from BK-JOB: unknown.
        let gw = classify(
            504,
            r#"{"result":false,"code":1650001,"message":"Request backend service timeout"}"#,
        );
        assert_eq!(gw.settled(), Settled::Unknown, "{gw:?}");
        let gw = classify(
            502,
            r#"{"code":1640502,"message":"bad gateway","data":null}"#,
        );
        assert_eq!(gw.settled(), Settled::Unknown, "{gw:?}");
        // BK-JOB's own error behind a 503 (e.g. its system error) is an answer.
        let job = classify(503, r#"{"result":false,"code":1240001,"message":"x"}"#);
        assert_eq!(job.settled(), Settled::Known, "{job:?}");
        assert_eq!(classify(500, "").kind(), "http-error");
        assert_eq!(classify(500, "").settled(), Settled::Known);
        let html200 = classify(200, "<!doctype html><p>login</p>");
        assert!(matches!(
            html200,
            Outcome::HttpError {
                problem: HttpProblem::NotJson,
                http_status: 200,
                ..
            }
        ));
    }

    #[test]
    fn truncated_and_odd_json() {
        assert!(matches!(
            classify(200, r#"{"result":true,"code":0,"data":{"job_inst"#),
            Outcome::HttpError {
                problem: HttpProblem::Truncated,
                ..
            }
        ));
        assert!(matches!(
            classify(200, "[1,2]"),
            Outcome::HttpError {
                problem: HttpProblem::UnexpectedShape,
                ..
            }
        ));
        assert!(matches!(
            classify(200, r#"{"result":true,"code":0}"#),
            Outcome::HttpError {
                problem: HttpProblem::UnexpectedShape,
                ..
            }
        ));
    }

    #[test]
    fn transport_failures_leave_the_job_unknown() {
        let t = Outcome::Timeout { seconds: 60 };
        assert_eq!((t.kind(), t.settled()), ("timeout", Settled::Unknown));
        let n = Outcome::Network {
            detail: "Failed to fetch".into(),
        };
        assert_eq!((n.kind(), n.settled()), ("network", Settled::Unknown));
        assert_eq!(n.http_status(), None);
    }

    #[test]
    fn a_launch_answer_too_large_to_read_leaves_the_job_unknown() {
        let big = Outcome::TooLarge {
            max_bytes: crate::limit::cap_bytes(None),
        };
        assert_eq!((big.kind(), big.settled()), ("too-large", Settled::Unknown));
        // The launch guard then refuses a new launch until the user confirms.
        let mut guard = crate::launch::LaunchGuard::new();
        assert!(guard.begin());
        guard.finish(big.settled());
        assert!(!guard.can_launch() && !guard.begin());
        assert!(guard.acknowledge_checked());
        assert!(guard.begin());
    }

    #[test]
    fn excerpt_respects_char_boundaries() {
        assert_eq!(excerpt("短文本", 300), "短文本");
        assert_eq!(excerpt("一二三四", 2), "一二…");
    }

    #[test]
    fn envelope_fields_are_read_leniently() {
        // A numeric request ID as its digits; ESB's `request_id` only without `job_request_id`.
        let o = classify(
            200,
            r#"{"job_request_id":12,"result":false,"code":1244001,"message":"m","request_id":"esb"}"#,
        );
        assert_eq!(
            o,
            Outcome::ApiError {
                http_status: 200,
                code: 1_244_001,
                message: "m".into(),
                job_request_id: Some("12".into()),
            }
        );
        let o = classify(
            401,
            r#"{"result":false,"code":16000000,"request_id":"esb"}"#,
        );
        assert!(matches!(
            o,
            Outcome::HttpError { job_request_id: Some(ref r), .. } if r == "esb"
        ));
        // Fields of an odd type count as absent and hide nothing else.
        let o = classify(
            200,
            r#"{"result":"true","code":1.0,"message":["x"],"job_request_id":{"a":1},
                "data":{"job_instance_id":1,"job_instance_name":"n","step_instance_id":2}}"#,
        );
        assert!(matches!(
            o,
            Outcome::HttpError {
                problem: HttpProblem::UnexpectedShape,
                code: None,
                message: None,
                job_request_id: None,
                ..
            }
        ));
        let o = classify(
            500,
            r#"{"result":false,"code":18446744073709551615,"message":7}"#,
        );
        assert!(matches!(
            o,
            Outcome::HttpError { code: None, message: Some(ref m), .. } if m == "7"
        ));
    }

    #[test]
    fn success_with_malformed_data_keeps_the_envelope() {
        // `data` does not fit, and the fields after it are still read.
        let o = classify(
            200,
            r#"{"result":true,"code":0,"data":{"job_instance_id":"x"},"job_request_id":"r3"}"#,
        );
        assert_eq!(
            o,
            Outcome::HttpError {
                http_status: 200,
                problem: HttpProblem::UnexpectedShape,
                code: Some(0),
                message: None,
                job_request_id: Some("r3".into()),
                excerpt: r#"{"result":true,"code":0,"data":{"job_instance_id":"x"},"job_request_id":"r3"}"#.into(),
            }
        );
        // An error's `data` is never read.
        assert_eq!(
            classify(
                200,
                r#"{"data":[1],"result":false,"code":1244001,"message":"m"}"#
            )
            .kind(),
            "api-error"
        );
        // Broken JSON after a malformed `data` is still broken JSON.
        assert!(matches!(
            classify(
                200,
                r#"{"result":true,"data":{"job_instance_id":"x"},"code":"#
            ),
            Outcome::HttpError {
                problem: HttpProblem::Truncated,
                ..
            }
        ));
    }

    #[test]
    fn bodies_that_are_no_envelope() {
        for body in ["null", "\"ok\"", "12", "[]"] {
            assert!(
                matches!(
                    classify(200, body),
                    Outcome::HttpError {
                        problem: HttpProblem::UnexpectedShape,
                        code: None,
                        ..
                    }
                ),
                "{body}"
            );
        }
        assert!(matches!(
            classify(200, ""),
            Outcome::HttpError {
                problem: HttpProblem::Truncated,
                ..
            }
        ));
        assert!(matches!(
            classify(200, r#"{"result":true} trailing"#),
            Outcome::HttpError {
                problem: HttpProblem::NotJson,
                ..
            }
        ));
        // `result:false` with code 0 is no BK-JOB error.
        assert!(matches!(
            classify(200, r#"{"result":false,"code":0}"#),
            Outcome::HttpError {
                problem: HttpProblem::UnexpectedShape,
                code: Some(0),
                ..
            }
        ));
    }

    #[test]
    fn permission_code_wins_over_the_status_and_may_lack_the_object() {
        let o = classify(403, r#"{"result":false,"code":9900403,"message":"m"}"#);
        let Outcome::Permission {
            http_status,
            permission_json,
            ..
        } = o
        else {
            panic!("{o:?}")
        };
        assert_eq!(http_status, 403);
        assert_eq!(permission_json, "null");
    }

    #[test]
    fn permission_json_is_pretty_in_the_order_sent() {
        let permission = bkjob_api::Permission {
            system_id: "bk_job".into(),
            system_name: "作业平台".into(),
            actions: vec![bkjob_api::permission::PermissionAction {
                id: "use_account".into(),
                name: "执行账号使用".into(),
                related_resource_types: Vec::new(),
            }],
        };
        let body = format!(
            r#"{{"result":false,"code":9900403,"permission":{}}}"#,
            serde_json::to_string(&permission).unwrap()
        );
        let Outcome::Permission {
            permission_json, ..
        } = classify(200, &body)
        else {
            panic!()
        };
        assert_eq!(
            serde_json::from_str::<bkjob_api::Permission>(&permission_json).unwrap(),
            permission
        );
        assert_eq!(
            permission_json,
            serde_json::to_string_pretty(&permission).unwrap()
        );
    }

    #[test]
    fn pretty_json_writes_like_serde_json() {
        // Keys already sorted, so serde_json's `Value` (a sorted map) has the same order.
        let text = r#"{"a":[1,-2,3.5,1e300,18446744073709551615,-9223372036854775808],
            "b":{},"c":[],"d":"q\"\\\n\u0001中\u4e2d","e":null,"f":[true,false,[[]],{"g":{}}]}"#;
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            pretty_json(text).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
        assert_eq!(pretty_json("7").as_deref(), Some("7"));
        assert_eq!(pretty_json("{} x"), None);
        assert_eq!(pretty_json(r#"{"a":"#), None);
        let compact: JsonText = serde_json::from_str(text).unwrap();
        assert_eq!(compact.0, serde_json::to_string(&value).unwrap());
    }
    /// The launch reader (small JSON tree) against the serde reader it replaced, which the job
    /// view still uses: the same outcome for the same answer, on everything BK-JOB, a gateway
    /// or a proxy may send, odd unknown fields included.
    #[test]
    fn the_launch_reader_decides_like_the_serde_reader() {
        let data = r#""data":{"job_instance_id":9007199254740993,"job_instance_name":"n","step_instance_id":2}"#;
        let bodies = [
            format!(r#"{{"result":true,"code":0,{data},"job_request_id":"r"}}"#),
            format!(r#"{{"result":true,"code":0,{data},"trace":{{"deep":[[[{{"x":[1,2,{{}}]}}]]]}}}}"#),
            format!(r#"{{"result":true,"code":0,{data},"request_id":12345678901234567890}}"#),
            format!(r#"{{"result":true,"code":"0",{data},"message":77}}"#),
            format!(r#"{{"code":0,{data}}}"#),
            format!(r#"{{"result":true,{data},"data":null}}"#),
            r#"{"result":true,"code":0,"data":{"job_instance_id":"1","job_instance_name":"n","step_instance_id":2}}"#.to_owned(),
            r#"{"result":true,"code":0,"data":{"job_instance_id":1,"step_instance_id":2}}"#.to_owned(),
            r#"{"result":true,"code":0,"data":{"job_instance_id":1.5,"job_instance_name":"n","step_instance_id":2}}"#.to_owned(),
            r#"{"result":true,"code":0}"#.to_owned(),
            r#"{"result":false,"code":1244001,"message":"主机为空","job_request_id":"r2"}"#.to_owned(),
            r#"{"result":false,"code":9900403,"message":"m","permission":{"actions":[{"id":"a","n":[1,true,null]}]}}"#.to_owned(),
            r#"{"result":false,"code":9900403,"message":"m"}"#.to_owned(),
            r#"{"result":false,"code":0,"message":"odd"}"#.to_owned(),
            r#"{"result":"false","code":1244001}"#.to_owned(),
            r#"{"code":1640001,"result":false,"message":"app not found"}"#.to_owned(),
            r#"{"result":false,"code":1244001,"message":null,"request_id":"esb-1"}"#.to_owned(),
            r#"<html><body>502 Bad Gateway</body></html>"#.to_owned(),
            r#"{"result":true,"code":0,"data":{"job_inst"#.to_owned(),
            r#"{"result":true"#.to_owned(),
            String::new(),
            "null".to_owned(),
            r#""text""#.to_owned(),
            "{} trailing".to_owned(),
        ];
        for status in [200, 400, 401, 403, 500, 502, 504] {
            for body in &bodies {
                let ours = classify(status, body);
                let theirs = outcome_of(status, body, read_envelope(status, body));
                assert_eq!(ours, theirs, "HTTP {status}: {body}");
            }
        }
    }

    /// Where the launch reader is deliberately more lenient than serde_json: an unpaired
    /// surrogate or a very deep value in a field the app never reads must not hide the job.
    #[test]
    fn odd_unknown_fields_never_hide_a_created_job() {
        let data =
            r#""data":{"job_instance_id":10000,"job_instance_name":"n","step_instance_id":20000}"#;
        let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
        for extra in [
            r#""trace":"\ud800""#.to_owned(),
            format!(r#""trace":{deep}"#),
        ] {
            let body = format!(r#"{{"result":true,"code":0,{data},{extra}}}"#);
            assert_eq!(classify(200, &body).kind(), "success", "{body}");
        }
        // A broken surrogate in the message itself is shown as U+FFFD.
        let o = classify(
            200,
            r#"{"result":false,"code":1244001,"message":"a\udc00b"}"#,
        );
        assert!(
            matches!(o, Outcome::ApiError { ref message, .. } if message == "a\u{fffd}b"),
            "{o:?}"
        );
    }
}
pub mod panel;
