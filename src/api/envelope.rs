//! The one reader of BK-JOB answers, for the launch ([`crate::outcome::classify`]) and every
//! call of the job view ([`crate::api::job::read_answer`]): an HTTP status and a body text in,
//! an [`Answer`] out (a [`Verdict`] and the envelope's other fields), decided once in
//! [`decide`]. Plain Rust, unit-tested natively.
//!
//! How the envelope's `data` is decoded depends on its type ([`Payload`]): the launch's small
//! `data` with the small JSON reader ([`tinyjson`]), because the form module must carry
//! no serde deserializer (~15 KB of its first-visit download); the job view's (up to ~9 MB for
//! 50,000 hosts) with the same crate's pull reader ([`tinyjson::Reader`], the readers are
//! [`bkjob_api::read_json`]), straight from the text into typed fields in one pass, so the
//! on-demand module carries no serde deserializer either; other answers (the history's, the
//! danger rules) with serde. All read the same envelope fields with the same leniency and end
//! in the same decision; tests hold them to the same result on every kind of answer (`outcome`
//! tests, and this module's).
//! IDs are parsed straight from the text into `i64`, never through a JS number, so values above
//! 2^53 stay exact.

use std::fmt;
use std::marker::PhantomData;

use bkjob_api::read_json::ReadJson;
use bkjob_api::{
    BatchIpLogData, DangerousRule, ErrorCode, FastExecuteScriptData, IpLogData,
    JobInstanceListItem, JobInstanceStatusData, OperateJobInstanceData, OperateStepInstanceData,
    PageData, QueryAgentInfoData, StepInstanceStatusData,
};
use serde::de::{DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use tinyjson::{self as json, Json, JsonError, JsonErrorKind, Read, Reader};

use super::json_writer::{float_text, JsonWriter};

/// BK-JOB's "permission denied" code (the answer carries a `permission` object).
const PERMISSION: i64 = ErrorCode::PERMISSION_DENIED.0;

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

/// The first `max` characters of `text` (on a char boundary), with "…" when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// What an answer says.
pub enum Verdict<T> {
    /// `result: true` with a readable `data`.
    Data(T),
    /// BK-JOB's error envelope: `result: false` with a non-zero code, or the permission code.
    Api(i64),
    /// No usable answer.
    Http(HttpProblem),
}

/// A read answer: the verdict and the envelope's other fields (all absent when the body was
/// not a JSON object).
pub struct Answer<T> {
    /// The decision.
    pub verdict: Verdict<T>,
    /// The envelope's `code`.
    pub code: Option<i64>,
    /// The envelope's `message`.
    pub message: Option<String>,
    /// `job_request_id`, else the `request_id` ESB adds.
    pub request_id: Option<String>,
    /// The `permission` value as sent, pretty-printed (for an IAM request).
    pub permission_json: Option<String>,
}

impl<T> Answer<T> {
    /// The code of the error envelope an answer without data carried: BK-JOB's error code, or
    /// the code of an error envelope on an HTTP error (the gateway's 401...); `None` when
    /// nothing in the body says which error it was.
    pub fn error_code(&self) -> Option<i64> {
        match (&self.verdict, self.code) {
            (Verdict::Data(_), _) => None,
            (Verdict::Api(code), _) => Some(*code),
            (Verdict::Http(_), code) => code.filter(|&c| c != 0),
        }
    }
}

/// Read a BK-JOB answer from its status and body text.
pub fn read<T: Payload>(http_status: u16, body: &str) -> Answer<T> {
    decide(http_status, T::parse(body))
}

/// A type an envelope's `data` is read into; [`Payload::parse`] reads the whole envelope.
pub trait Payload: Sized {
    /// The envelope's fields and its `data` (`None` when absent, null or not of this type),
    /// or why the body is no envelope.
    fn parse(body: &str) -> Result<(Head, Option<Self>), Unreadable>;
}

/// The launch answer: the small JSON reader, see the module comment.
impl Payload for FastExecuteScriptData {
    fn parse(body: &str) -> Result<(Head, Option<Self>), Unreadable> {
        match json::parse(body) {
            Err(e) => Err(match e.kind {
                JsonErrorKind::Eof => Unreadable::Truncated,
                // Syntax (the tree parser reports no type errors)
                _ => Unreadable::NotJson,
            }),
            Ok(v) if v.as_object().is_none() => Err(Unreadable::Shape),
            Ok(v) => Ok((
                Head::from_json(&v),
                v.get("data").and_then(FastExecuteScriptData::from_json),
            )),
        }
    }
}

/// The job view's answers, read with the pull reader (see the module comment).
macro_rules! pulled_payload {
    ($($t:ty),*) => {$(
        impl Payload for $t {
            fn parse(body: &str) -> Result<(Head, Option<Self>), Unreadable> {
                parse_pulled(body, <$t as ReadJson>::read_json)
            }
        }
    )*};
}
pulled_payload!(
    JobInstanceStatusData,
    IpLogData,
    BatchIpLogData,
    OperateJobInstanceData,
    OperateStepInstanceData,
    StepInstanceStatusData
);

/// Other answers, read with serde (a type with a serde derive becomes a [`Payload`] here).
macro_rules! serde_payload {
    ($($t:ty),*) => {$(
        impl Payload for $t {
            fn parse(body: &str) -> Result<(Head, Option<Self>), Unreadable> {
                parse_with_serde(body)
            }
        }
    )*};
}
serde_payload!(
    Vec<DangerousRule>,
    PageData<JobInstanceListItem>,
    QueryAgentInfoData
);

/// The envelope read with the pull reader, its `data` by `read`. Only the storing of `data` is
/// generic; the reading of the envelope is [`read_envelope`], once for every type.
pub(crate) fn parse_pulled<T>(
    body: &str,
    read: fn(&mut Reader) -> Read<T>,
) -> Result<(Head, Option<T>), Unreadable> {
    let mut data = None;
    let (head, kept) = read_envelope(body, &mut |r| {
        data = r.opt(read)?;
        Ok(())
    })?;
    Ok((head, if kept { data } else { None }))
}

/// A reader of an envelope's `data` (a `null` too) for [`read_envelope`].
type DataReader<'f> = &'f mut dyn FnMut(&mut Reader) -> Read<()>;

/// The envelope's fields, its `data` handed to `data` (which reads it, a `null` too). When
/// `data` finds a value of another type, the envelope is read again without it and `false`
/// says that `data` is absent: what the serde reader does, so the two decide alike.
fn read_envelope(body: &str, data: DataReader) -> Result<(Head, bool), Unreadable> {
    let read = match read_head(body, Some(data)) {
        Err(e) if e.kind == JsonErrorKind::Type => read_head(body, None).map(|h| (h, false)),
        other => other.map(|h| (h, true)),
    };
    read.map_err(|e| match e.kind {
        JsonErrorKind::Eof => Unreadable::Truncated,
        JsonErrorKind::Syntax => Unreadable::NotJson,
        JsonErrorKind::Type => Unreadable::Shape,
    })
}

/// One pass over the envelope (an object, else a type error); `data` skipped when `None`.
fn read_head(body: &str, mut data: Option<DataReader>) -> Result<Head, JsonError> {
    let mut r = Reader::new(body);
    let mut head = Head::default();
    r.object(&mut |r, key| match (key, data.as_mut()) {
        ("data", Some(read)) => read(r),
        _ => head.read_member(key, r),
    })?;
    r.end()?;
    Ok(head)
}

/// The envelope deserialized straight from the text into typed fields (IDs into `i64`, exact
/// above 2^53); its fields are read leniently (see [`Scalar`]), so only a body that is no JSON
/// object is unreadable.
pub(crate) fn parse_with_serde<T: DeserializeOwned>(
    body: &str,
) -> Result<(Head, Option<T>), Unreadable> {
    let parsed = match serde_json::from_str::<Envelope<T>>(body) {
        // `data` does not fit `T` (or the body is no object): read the rest without it.
        Err(e) if e.is_data() => {
            serde_json::from_str::<Envelope<IgnoredAny>>(body).map(|env| (env.head, None))
        }
        other => other.map(|env| (env.head, env.data)),
    };
    parsed.map_err(|e| {
        if e.is_data() {
            Unreadable::Shape
        } else if e.is_eof() {
            Unreadable::Truncated
        } else {
            Unreadable::NotJson
        }
    })
}

/// Why a body is no readable envelope.
pub enum Unreadable {
    /// JSON, but no object (or, for serde, an object that cannot be read at all).
    Shape,
    /// JSON cut short.
    Truncated,
    /// Not JSON.
    NotJson,
}

/// The one decision over a read envelope (or why it could not be read) and the HTTP status.
pub fn decide<T>(http_status: u16, parsed: Result<(Head, Option<T>), Unreadable>) -> Answer<T> {
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
        (_, Some(PERMISSION)) => Verdict::Api(PERMISSION),
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
pub struct Head {
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

    /// Member `key` from the pull reader, with [`Head::from_json`]'s leniency (`data` and
    /// unknown members skipped).
    fn read_member(&mut self, key: &str, r: &mut Reader) -> Read<()> {
        let text = |v: Json| match v {
            Json::String(s) | Json::Number(s) => Some(s),
            _ => None,
        };
        match key {
            "result" => self.result = r.value()?.as_bool(),
            "code" => self.code = r.value()?.as_i64(),
            "message" => self.message = text(r.value()?),
            "job_request_id" => self.job_request_id = text(r.value()?),
            "request_id" => self.request_id = text(r.value()?),
            "permission" => {
                let mut out = String::new();
                r.value()?.write_pretty(&mut out);
                self.permission = Some(out);
            }
            _ => r.skip()?,
        }
        Ok(())
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
