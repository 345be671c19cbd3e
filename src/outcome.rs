//! Classifying every kind of answer to a launch, in plain Rust (unit-tested natively).
//!
//! Input: the HTTP status and the body text (or a transport failure). Output: an [`Outcome`]
//! the view renders. IDs are parsed by serde_json straight into `i64`, never through a JS
//! number, so values above 2^53 stay exact.

use bkjob_api::{FastExecuteScriptData, Lang, Permission};
use serde_json::Value;

use crate::launch::Settled;

/// The code BK-JOB uses for "permission denied" (comes with a `permission` object).
pub const PERMISSION_DENIED_CODE: i64 = 9_900_403;

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
        /// The typed permission object, if it has the documented shape.
        permission: Option<Permission>,
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
        }
    }

    /// Whether we know if a job was created. A timeout, a lost network and a gateway timeout
    /// (502/504 without a BK-JOB answer) leave it unknown: the job MAY exist.
    pub fn settled(&self) -> Settled {
        match self {
            Outcome::Network { .. } | Outcome::Timeout { .. } => Settled::Unknown,
            Outcome::HttpError {
                http_status: 502 | 504,
                code: None,
                ..
            } => Settled::Unknown,
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
            Outcome::Network { .. } | Outcome::Timeout { .. } => None,
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

/// A text field of an envelope; a number (some gateways send numeric ids) as its digits.
pub(crate) fn str_field(obj: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    match obj.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// Classify an HTTP answer from its status and body text.
pub fn classify(http_status: u16, body: &str) -> Outcome {
    let ok_status = (200..300).contains(&http_status);
    let http_error = |problem, code, message, job_request_id| Outcome::HttpError {
        http_status,
        problem,
        code,
        message,
        job_request_id,
        excerpt: excerpt(body, EXCERPT_CHARS),
    };
    let value: Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(e) => {
            let problem = if !ok_status {
                HttpProblem::Status
            } else if e.is_eof() {
                HttpProblem::Truncated
            } else {
                HttpProblem::NotJson
            };
            return http_error(problem, None, None, None);
        }
    };
    let Some(obj) = value.as_object() else {
        let problem = if ok_status {
            HttpProblem::UnexpectedShape
        } else {
            HttpProblem::Status
        };
        return http_error(problem, None, None, None);
    };
    let result = obj.get("result").and_then(Value::as_bool);
    let code = obj.get("code").and_then(Value::as_i64);
    let message = str_field(obj, "message");
    let job_request_id = str_field(obj, "job_request_id").or_else(|| str_field(obj, "request_id"));

    if code == Some(PERMISSION_DENIED_CODE) {
        let raw = obj.get("permission").cloned().unwrap_or(Value::Null);
        let permission = serde_json::from_value::<Permission>(raw.clone()).ok();
        let permission_json = serde_json::to_string_pretty(&raw).unwrap_or_default();
        return Outcome::Permission {
            http_status,
            code: PERMISSION_DENIED_CODE,
            message: message.unwrap_or_default(),
            job_request_id,
            permission,
            permission_json,
        };
    }
    if !ok_status {
        // A BK-JOB validation answer with HTTP 400 (missing parameter) is still an API error.
        if let (400, Some(false), Some(code)) = (http_status, result, code) {
            return Outcome::ApiError {
                http_status,
                code,
                message: message.unwrap_or_default(),
                job_request_id,
            };
        }
        return http_error(HttpProblem::Status, code, message, job_request_id);
    }
    match (result, code) {
        (Some(true), _) => {
            let data = obj
                .get("data")
                .cloned()
                .and_then(|d| serde_json::from_value::<FastExecuteScriptData>(d).ok());
            match data {
                Some(data) => Outcome::Success {
                    http_status,
                    data,
                    job_request_id,
                },
                None => http_error(HttpProblem::UnexpectedShape, code, message, job_request_id),
            }
        }
        (Some(false), Some(code)) => Outcome::ApiError {
            http_status,
            code,
            message: message.unwrap_or_default(),
            job_request_id,
        },
        _ => http_error(HttpProblem::UnexpectedShape, code, message, job_request_id),
    }
}

/// One action of a permission panel, ready to render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionRow {
    /// IAM action ID (`data-action`).
    pub id: String,
    /// Localized action name.
    pub name: String,
    /// One line per resource: "type name: path / path / leaf".
    pub resources: Vec<String>,
}

/// Flatten a permission object into rows: each action by its localized name, each resource
/// instance path joined with " / ".
pub fn permission_rows(permission: &Permission, lang: Lang) -> Vec<ActionRow> {
    permission
        .actions
        .iter()
        .map(|action| {
            let name = bkjob_api::permission::action_name(&action.id, lang)
                .map(str::to_owned)
                .unwrap_or_else(|| {
                    if action.name.is_empty() {
                        action.id.clone()
                    } else {
                        action.name.clone()
                    }
                });
            let mut resources = Vec::new();
            for rt in &action.related_resource_types {
                let type_name = bkjob_api::permission::resource_type_name(&rt.type_, lang)
                    .map(str::to_owned)
                    .unwrap_or_else(|| rt.type_name.clone());
                if rt.instances.is_empty() {
                    resources.push(type_name.clone());
                }
                for path in &rt.instances {
                    let joined = path
                        .iter()
                        .map(|i| {
                            if i.name.is_empty() {
                                i.id.clone()
                            } else {
                                i.name.clone()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(" / ");
                    resources.push(format!("{type_name}: {joined}"));
                }
            }
            ActionRow {
                id: action.id.clone(),
                name,
                resources,
            }
        })
        .collect()
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
            permission,
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
        let rows = permission_rows(&permission.unwrap(), Lang::En);
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
            permission,
            permission_json,
            ..
        } = o
        else {
            panic!()
        };
        assert!(permission.is_none());
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
    fn excerpt_respects_char_boundaries() {
        assert_eq!(excerpt("短文本", 300), "短文本");
        assert_eq!(excerpt("一二三四", 2), "一二…");
    }
}
