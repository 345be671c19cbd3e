//! What happened to a launch ([`Outcome`]), classified from its answer in plain Rust
//! (unit-tested natively) with the one envelope reader ([`crate::api::envelope`]), shared with
//! the job view; and the kinds of result both show ([`Kind`]).
//!
//! Input: the HTTP status and the body text (or a transport failure). Output: an [`Outcome`]
//! the view renders.

pub mod panel;
pub mod permission;

use bkjob_api::{ErrorCode, FastExecuteScriptData};

use crate::api::envelope::{self, Answer, Verdict};
pub use crate::api::envelope::{excerpt, HttpProblem, EXCERPT_CHARS};
use crate::launch::Settled;

/// BK-JOB's "permission denied" code (the answer carries a `permission` object).
const PERMISSION: i64 = ErrorCode::PERMISSION_DENIED.0;

/// BK-JOB's own error codes are 7 digits starting with 12 (1240002, 1244006, 1247002...); the
/// API gateway's start with 16 (1640001...), the permission code is 9900403.
pub fn is_bk_job_code(code: i64) -> bool {
    (1_200_000..1_300_000).contains(&code) || code == PERMISSION
}

/// The kinds of result the launch's outcome panel and the job view's error panel show; the
/// name is their `data-kind` (and the outcome panel's CSS class).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A created job.
    Success,
    /// Code 9900403.
    Permission,
    /// Another BK-JOB error.
    ApiError,
    /// An HTTP-level failure or an unreadable body.
    HttpError,
    /// No answer.
    Network,
    /// No answer in time.
    Timeout,
    /// An answer over the size cap.
    TooLarge,
}

impl Kind {
    /// The `data-kind` value.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Success => "success",
            Kind::Permission => "permission",
            Kind::ApiError => "api-error",
            Kind::HttpError => "http-error",
            Kind::Network => "network",
            Kind::Timeout => "timeout",
            Kind::TooLarge => "too-large",
        }
    }
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
        /// Always [`ErrorCode::PERMISSION_DENIED`].
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
    /// The `data-kind` value of the outcome panel ([`Kind::name`]).
    pub fn kind(&self) -> &'static str {
        let kind = match self {
            Outcome::Success { .. } => Kind::Success,
            Outcome::Permission { .. } => Kind::Permission,
            Outcome::ApiError { .. } => Kind::ApiError,
            Outcome::HttpError { .. } => Kind::HttpError,
            Outcome::Network { .. } => Kind::Network,
            Outcome::Timeout { .. } => Kind::Timeout,
            Outcome::TooLarge { .. } => Kind::TooLarge,
        };
        kind.name()
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

/// Classify an HTTP answer to the launch from its status and body text.
pub fn classify(http_status: u16, body: &str) -> Outcome {
    outcome_of(http_status, body, envelope::read(http_status, body))
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
        Verdict::Api(PERMISSION) => {
            // Shown as sent, for an IAM request ("null" when missing).
            let permission_json = permission_json.unwrap_or_else(|| "null".to_owned());
            Outcome::Permission {
                http_status,
                code: PERMISSION,
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
        let rows = crate::outcome::permission::permission_rows_from_json(
            &permission_json,
            bkjob_api::Lang::En,
        );
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
                let theirs = outcome_of(
                    status,
                    body,
                    envelope::decide(
                        status,
                        envelope::parse_with_serde::<FastExecuteScriptData>(body),
                    ),
                );
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
