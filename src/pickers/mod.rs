//! The form's pickers (on-demand module panels): the execution account
//! ([`crate::lazy::Panel::AccountPicker`]) and the script library
//! ([`crate::lazy::Panel::ScriptPicker`]). Each is a panel: a payload text in, one
//! [`PickerMessage`] text out per choice.
//!
//! - [`account`]: the account list's filter, the keyboard walk, the fill mode (plain Rust);
//! - [`script`]: the payload, requests and paging, which version may be chosen by which
//!   source (plain Rust);
//! - [`cache`]: the answers kept for the session (per scope, API and query);
//! - [`view`]: the thin components; labels in [`crate::i18n::pickers`]; the calls are
//!   [`crate::api::job::AccountListApi`] and [`crate::api::job::ScriptLibraryApi`]; styles in
//!   `style/job.css` (the "pickers" block).
//!
//! This file: the messages, the scope in a payload and how a failed call is told
//! ([`Problem`]).

pub mod account;
pub mod cache;
pub mod script;
pub mod view;

use bkjob_api::{ErrorCode, Permission};

use crate::api::job::CallError;

pub use view::{AccountPicker, AccountPickerWith, ScriptPicker, ScriptPickerWith};

/// What a picker sends to the app, as text ([`PickerMessage::write`]); the app reads it with
/// [`PickerMessage::read`] (no JSON: the form module carries no deserializer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PickerMessage {
    /// `account_id\t{id}`: fill `account_id`.
    AccountId(i64),
    /// `account_alias\t{alias}`: fill `account_alias`.
    AccountAlias(String),
    /// `script_id\t{id}`: fill `script_id` (BK-JOB runs its online version).
    ScriptId(String),
    /// `script_version_id\t{id}`: fill `script_version_id`.
    ScriptVersionId(i64),
    /// `copy\t{script_language}\t{content}`: put the content into the editor (plain text,
    /// tabs and newlines kept: it is the last field) and switch the source to typed content.
    Copy {
        /// 1 shell … 6 sql.
        language: i32,
        /// The version's content.
        content: String,
    },
    /// `close`: the user closed the picker (Close, or Esc on an empty search).
    Close,
}

impl PickerMessage {
    /// The message as sent.
    pub fn write(&self) -> String {
        match self {
            PickerMessage::AccountId(id) => format!("account_id\t{id}"),
            PickerMessage::AccountAlias(a) => format!("account_alias\t{a}"),
            PickerMessage::ScriptId(id) => format!("script_id\t{id}"),
            PickerMessage::ScriptVersionId(id) => format!("script_version_id\t{id}"),
            PickerMessage::Copy { language, content } => format!("copy\t{language}\t{content}"),
            PickerMessage::Close => "close".to_owned(),
        }
    }

    /// A message as written by [`PickerMessage::write`]; `None` for anything else.
    pub fn read(text: &str) -> Option<PickerMessage> {
        if text == "close" {
            return Some(PickerMessage::Close);
        }
        let (kind, rest) = text.split_once('\t')?;
        Some(match kind {
            "account_id" => PickerMessage::AccountId(rest.parse().ok()?),
            "account_alias" => PickerMessage::AccountAlias(rest.to_owned()),
            "script_id" => PickerMessage::ScriptId(rest.to_owned()),
            "script_version_id" => PickerMessage::ScriptVersionId(rest.parse().ok()?),
            "copy" => {
                let (language, content) = rest.split_once('\t')?;
                PickerMessage::Copy {
                    language: language.parse().ok()?,
                    content: content.to_owned(),
                }
            }
            _ => return None,
        })
    }
}

/// The scope in a payload's `"{scope_type}/{scope_id}"` (both trimmed; "" when absent).
pub fn split_scope(text: &str) -> (String, String) {
    let (t, id) = text.split_once('/').unwrap_or(("", text));
    (t.trim().to_owned(), id.trim().to_owned())
}

/// How a picker tells a failed call.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// 9900403: the missing permissions (when the answer names them). Retrying will not help.
    Permission(Option<Box<Permission>>, String),
    /// The server has no such API (HTTP 404, the gateway's unknown API, an answer that is no
    /// JSON: an older BK-JOB, a proxy without the route, a static server's page).
    Unsupported(String),
    /// No answer (offline, refused, timed out; a proxy's 5xx): Retry may help.
    Unreachable(String),
    /// Any other error of the API: its code and message, with Retry.
    Failed(i64, String),
}

impl Problem {
    /// `data-problem` of the note.
    pub fn name(&self) -> &'static str {
        match self {
            Problem::Permission(..) => "permission",
            Problem::Unsupported(_) => "unsupported",
            Problem::Unreachable(_) => "unreachable",
            Problem::Failed(..) => "failed",
        }
    }

    /// Whether a Retry is offered.
    pub fn retry(&self) -> bool {
        matches!(self, Problem::Unreachable(_) | Problem::Failed(..))
    }
}

/// A failed call, classified for the picker's note.
pub fn classify(e: &CallError) -> Problem {
    match e {
        CallError::Api {
            code,
            permission,
            message,
            ..
        } if *code == ErrorCode::PERMISSION_DENIED.0 => {
            Problem::Permission(permission.clone(), message.clone())
        }
        CallError::Api { code, message, .. } if e.not_offered() => {
            Problem::Unsupported(format!("{code}: {message}"))
        }
        // fastexec-server's proxy codes for an unreachable or slow gateway (1659502-1659504).
        CallError::Api { code, message, .. } if (1_659_502..=1_659_504).contains(code) => {
            Problem::Unreachable(message.clone())
        }
        CallError::Api { code, message, .. } => Problem::Failed(*code, message.clone()),
        // A load balancer's error page: the server behind it may come back.
        CallError::Http {
            http_status,
            excerpt,
        } if *http_status >= 500 => Problem::Unreachable(format!("HTTP {http_status}: {excerpt}")),
        CallError::Http {
            http_status,
            excerpt,
        } => Problem::Unsupported(format!("HTTP {http_status}: {excerpt}")),
        CallError::Network { detail } => Problem::Unreachable(detail.clone()),
        CallError::TooLarge {
            http_status,
            max_bytes,
        } => Problem::Failed(
            0,
            format!(
                "HTTP {http_status}: > {}",
                crate::limit::cap_text(*max_bytes)
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_cross_the_bridge_as_text() {
        for m in [
            PickerMessage::AccountId(9_007_199_254_740_993),
            PickerMessage::AccountAlias("root".into()),
            PickerMessage::ScriptId("demo-hello".into()),
            PickerMessage::ScriptVersionId(11),
            PickerMessage::Copy {
                language: 4,
                content: "a\tb\nprint('x')\n".into(),
            },
            PickerMessage::Close,
        ] {
            assert_eq!(PickerMessage::read(&m.write()), Some(m));
        }
        assert_eq!(PickerMessage::AccountId(7).write(), "account_id\t7");
        assert_eq!(
            PickerMessage::Copy {
                language: 1,
                content: "echo".into()
            }
            .write(),
            "copy\t1\techo"
        );
        for bad in [
            "",
            "account_id\tx",
            "copy\t1",
            "nope\t1",
            "close\t",
            "script_version_id",
        ] {
            assert_eq!(PickerMessage::read(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_scope_of_a_payload() {
        assert_eq!(split_scope("biz/2"), ("biz".into(), "2".into()));
        assert_eq!(
            split_scope(" biz_set / 9000001 "),
            ("biz_set".into(), "9000001".into())
        );
        assert_eq!(split_scope(""), (String::new(), String::new()));
    }

    fn api(http_status: u16, code: i64) -> CallError {
        CallError::Api {
            http_status,
            code,
            message: "m".into(),
            job_request_id: None,
            permission: None,
        }
    }

    #[test]
    fn failures_are_classified() {
        let p = classify(&api(200, 9_900_403));
        assert_eq!((p.name(), p.retry()), ("permission", false));
        // an old server or a gateway stage without the API
        for e in [
            api(404, 1_640_401),
            api(200, 1_640_401),
            CallError::Http {
                http_status: 404,
                excerpt: "The content does not exist".into(),
            },
            // a static server's page for an unknown path
            CallError::Http {
                http_status: 200,
                excerpt: "<!doctype html>".into(),
            },
        ] {
            let p = classify(&e);
            assert_eq!((p.name(), p.retry()), ("unsupported", false), "{e:?}");
        }
        for e in [
            CallError::Network {
                detail: "The user aborted a request.".into(),
            },
            CallError::Http {
                http_status: 502,
                excerpt: "<html>Bad Gateway".into(),
            },
            api(504, 1_659_504),
        ] {
            let p = classify(&e);
            assert_eq!((p.name(), p.retry()), ("unreachable", true), "{e:?}");
        }
        assert_eq!(
            classify(&api(200, 1_243_001)),
            Problem::Failed(1_243_001, "m".into())
        );
        assert!(classify(&CallError::TooLarge {
            http_status: 200,
            max_bytes: 1
        })
        .retry());
    }
}
