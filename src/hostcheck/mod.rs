//! The host check (issue 13 item 5): the agent status of the form's `host_id_list` hosts
//! (`query_agent_info`), before a launch sends a job to hosts whose agent is down.
//!
//! - here: what crosses the bridge ([`payload`], [`Message`]), which IDs are checked
//!   ([`host_ids`]: as the form parses them) and how a failed call is told ([`Problem`]);
//! - [`check`]: the check's state ([`HostCheck`]: chunks of 5,000, merged answers, counts,
//!   progress, stale answers, copy / remove texts) and when it runs by itself ([`Auto`]);
//! - [`view`]: the panel ([`view::HostCheckView`], tools module,
//!   [`crate::lazy::Panel::HostCheck`]); its texts in [`crate::i18n::hostcheck`], its styles at
//!   the end of `style/job.css`; the call is [`crate::api::job::AgentApi`].
//!
//! Plain Rust except [`view`], tested natively. The form (`src/form/targets.rs`) mounts the
//! panel under the host IDs while there are some; the tools module turns the panel's
//! [`Message`]s into what the form keeps ([`for_form`]): the new list on `replace`, else a
//! gate (`ask\t{zh}\t{en}` while abnormal or unknown hosts are listed, the form's launch
//! then asks first; "" otherwise), the format of [`crate::danger::Gate`].

pub mod check;
pub mod view;

use std::collections::HashMap;

use bkjob_api::{split_bulk, ErrorCode};

use crate::api::job::CallError;

pub use check::{Agent, Auto, Counts, HostCheck, Started};

/// The panel's payload: `{scope_type}/{scope_id}\n{host_id_list text}` (the form's business
/// and its host ID box as typed).
pub fn payload(scope_type: &str, scope_id: &str, host_id_list: &str) -> String {
    format!("{scope_type}/{scope_id}\n{host_id_list}")
}

/// Read [`payload`]: scope type, scope ID and the host ID text.
pub fn read_payload(text: &str) -> (&str, &str, &str) {
    let (scope, list) = text.split_once('\n').unwrap_or((text, ""));
    let (kind, id) = scope.split_once('/').unwrap_or((scope, ""));
    (kind.trim(), id.trim(), list)
}

/// The host IDs checked in a `host_id_list` text, in the user's order: what the form sends
/// (`bkjob_api::validate_draft`: split with [`split_bulk`], positive `i64`s, each value once);
/// anything else is the form's error, not a host.
pub fn host_ids(text: &str) -> Vec<i64> {
    let mut seen = Positions::default();
    split_bulk(text)
        .items
        .iter()
        .filter_map(|s| s.parse::<i64>().ok())
        .filter(|&id| id > 0 && seen.insert(id, 0).is_none())
        .collect()
}

/// A host ID → its position in a list. The one map type of the host check: each other
/// key or value type would add its own copy of the hash table's code to the module.
type Positions = HashMap<i64, usize>;

/// The position of each ID of `ids` (the last, for one given twice).
fn positions(ids: impl Iterator<Item = i64>) -> Positions {
    ids.enumerate().map(|(i, id)| (id, i)).collect()
}

/// The panel's one message to the app (which owns the form), as text:
///
/// - `unchecked`: some host of the list has no status yet (a check is due, running, failed
///   or waits for "Check hosts"); an earlier result no longer applies.
/// - `abnormal\t{abnormal}\t{unknown}`: every host of the list has a status (after each
///   finished check; `abnormal\t0\t0` for a list without host IDs); the launch asks first
///   when either count is not 0.
/// - `replace\t{text}`: "Remove abnormal and unknown": the new `host_id_list` text (the
///   normal hosts, in the user's order, one per line; empty when none is normal). Entries
///   that are no valid host ID are dropped with the others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// Not every host is checked.
    Unchecked,
    /// Every host is checked.
    Checked {
        /// Hosts whose agent is not running.
        abnormal: usize,
        /// Hosts the server knows nothing of (not in the business, or no agent).
        unknown: usize,
    },
    /// The new `host_id_list` text.
    Replace(String),
}

impl Message {
    /// The text sent.
    pub fn write(&self) -> String {
        match self {
            Message::Unchecked => "unchecked".into(),
            Message::Checked { abnormal, unknown } => format!("abnormal\t{abnormal}\t{unknown}"),
            Message::Replace(text) => format!("replace\t{text}"),
        }
    }

    /// A text of [`Message::write`]; `None` for anything else (another build's panel).
    pub fn read(text: &str) -> Option<Message> {
        if let Some(list) = text.strip_prefix("replace\t") {
            return Some(Message::Replace(list.into()));
        }
        if text == "unchecked" {
            return Some(Message::Unchecked);
        }
        let (a, u) = text.strip_prefix("abnormal\t")?.split_once('\t')?;
        Some(Message::Checked {
            abnormal: a.parse().ok()?,
            unknown: u.parse().ok()?,
        })
    }
}

/// What the form is sent for a panel message (see the module's doc): `replace\t{text}` as it
/// is, a finished check with abnormal or unknown hosts as the launch's question, anything
/// else as "" (nothing to ask).
pub fn for_form(message: &Message) -> String {
    match *message {
        Message::Replace(_) => message.write(),
        Message::Checked { abnormal, unknown } if abnormal + unknown > 0 => {
            crate::danger::Gate::Ask(
                format!("{abnormal} 台主机的 Agent 异常，{unknown} 台状态未知。仍要执行吗？"),
                format!(
                    "{abnormal} host(s) have an abnormal agent and {unknown} are unknown. \
                     Launch anyway?"
                ),
            )
            .write()
        }
        _ => String::new(),
    }
}

/// Why a check gave no answer, as the panel tells it (the form stays usable either way).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// 9900403: the user may not access the business.
    Permission,
    /// The server has no `query_agent_info` (an older BK-JOB or fastexec-server, a proxy
    /// that does not forward it): the gateway's 1640401, or any 404.
    NoApi,
    /// No answer at all.
    Network,
    /// An answer that is no BK-JOB envelope (an HTML error page, a truncated body).
    NotJson,
    /// Any other error answer (shown with its code and message).
    Other,
}

impl Problem {
    /// `data-problem` of the panel's note.
    pub fn name(self) -> &'static str {
        match self {
            Problem::Permission => "permission",
            Problem::NoApi => "no-api",
            Problem::Network => "network",
            Problem::NotJson => "not-json",
            Problem::Other => "other",
        }
    }

    /// What kind of failure `e` is.
    pub fn of(e: &CallError) -> Problem {
        match e {
            CallError::Api { code, .. } if *code == ErrorCode::PERMISSION_DENIED.0 => {
                Problem::Permission
            }
            // The one rule for "this server lacks the API", shared with the pickers.
            _ if e.not_offered() => Problem::NoApi,
            CallError::Http { .. } => Problem::NotJson,
            CallError::Network { .. } => Problem::Network,
            CallError::Api { .. } | CallError::TooLarge { .. } => Problem::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bkjob_api::Lang;

    #[test]
    fn the_form_gets_the_new_list_or_a_question_naming_the_counts() {
        let replace = Message::Replace("101\n103".into());
        assert_eq!(for_form(&replace), "replace\t101\n103");
        let asks = for_form(&Message::Checked {
            abnormal: 2,
            unknown: 1,
        });
        let q = crate::danger::question(&asks, Lang::En).unwrap();
        assert!(
            q.contains("2 host(s)") && q.contains("1 are unknown"),
            "{q}"
        );
        assert!(crate::danger::question(&asks, Lang::ZhCn)
            .unwrap()
            .contains("2 台"));
        assert!(crate::danger::refusal(&asks).is_none(), "never blocks");
        for quiet in [
            Message::Checked {
                abnormal: 0,
                unknown: 0,
            },
            Message::Unchecked,
        ] {
            assert_eq!(for_form(&quiet), "");
        }
    }

    #[test]
    fn the_payload_puts_the_list_last() {
        let p = payload("biz", "2", "101\n102 x");
        assert_eq!(p, "biz/2\n101\n102 x");
        assert_eq!(read_payload(&p), ("biz", "2", "101\n102 x"));
        assert_eq!(read_payload("biz_set/9"), ("biz_set", "9", ""));
        assert_eq!(read_payload(""), ("", "", ""));
    }

    #[test]
    fn ids_are_what_the_form_sends() {
        let text = "3, 1；2\n1 x -4 0 +5 05 3\u{3000}9223372036854775807 9223372036854775808";
        assert_eq!(host_ids(text), [3, 1, 2, 5, 9_223_372_036_854_775_807]);
        assert!(host_ids(" ,\n").is_empty());
        // The form's own request for a valid list with every kind of separator and repeat.
        let text = "3, 1；2\n1 +5 05 3\u{3000}、07，9223372036854775807";
        let draft = bkjob_api::Draft {
            scope_id: "2".into(),
            script_content: "echo".into(),
            account_alias: "root".into(),
            host_id_list: text.into(),
            ..Default::default()
        };
        let sent = bkjob_api::validate_draft(&draft, &bkjob_api::Limits::default())
            .request
            .and_then(|r| r.target_server)
            .and_then(|t| t.host_id_list);
        assert_eq!(sent, Some(host_ids(text)));
        assert_eq!(host_ids(text), [3, 1, 2, 5, 7, 9_223_372_036_854_775_807]);
    }

    #[test]
    fn messages_cross_the_bridge_as_text() {
        for m in [
            Message::Unchecked,
            Message::Checked {
                abnormal: 3,
                unknown: 0,
            },
            Message::Replace("101\n102".into()),
            Message::Replace(String::new()),
        ] {
            assert_eq!(Message::read(&m.write()), Some(m));
        }
        assert_eq!(
            Message::Checked {
                abnormal: 1,
                unknown: 2
            }
            .write(),
            "abnormal\t1\t2"
        );
        assert_eq!(Message::read("abnormal\tx\t1"), None);
        assert_eq!(Message::read("ask\tzh\ten"), None);
    }

    #[test]
    fn problems_are_told_apart() {
        let api = |http_status, code| CallError::Api {
            http_status,
            code,
            message: String::new(),
            job_request_id: None,
            permission: None,
        };
        assert_eq!(Problem::of(&api(200, 9_900_403)), Problem::Permission);
        assert_eq!(Problem::of(&api(404, 1_640_401)), Problem::NoApi);
        assert_eq!(Problem::of(&api(404, 1_234)), Problem::NoApi);
        assert_eq!(Problem::of(&api(200, 1_240_003)), Problem::Other);
        let http = |http_status| CallError::Http {
            http_status,
            excerpt: "<html>".into(),
        };
        // ESB's "The content does not exist" has no code: an HTTP 404
        assert_eq!(Problem::of(&http(404)), Problem::NoApi);
        assert_eq!(Problem::of(&http(502)), Problem::NotJson);
        let lost = CallError::Network {
            detail: "offline".into(),
        };
        assert_eq!(Problem::of(&lost), Problem::Network);
    }
}
