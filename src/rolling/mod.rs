//! Rolling execution (`rolling_config`): run the targets batch after batch.
//!
//! The app's side is [`RollingSection`], a checkbox: everything else (the inputs, BK-JOB's
//! rules, the batch plan) is [`view::RollingView`], shown by the on-demand module as
//! [`Panel::Rolling`] and loaded when the section is first turned on, so a first visit
//! carries only the checkbox and [`bkjob_api::RollingDraft::to_config`].
//!
//! The bridge: the app hands the panel a [`RollingPayload`] (the section as stored in the
//! draft, the hosts the form knows, whether a launch was tried); the panel answers with a
//! [`RollingMessage`] after every change (the section as typed and its error count). While
//! the section is on, the launch is blocked until the panel has reported no error
//! ([`pending_violation`]): the rules run only there.

pub mod view;

use bkjob_api::{ErrorCode, RollingDraft, Rule, Violation};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::form::field::Field;
use crate::form::inputs::CheckInput;
use crate::lazy::{Panel, Remote};
use crate::state::{tr, ui};
use crate::view_helpers::{memo, when};

/// What the app hands the rolling panel, as text ([`RollingPayload::write`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RollingPayload {
    /// The section as the draft holds it.
    pub rolling: RollingDraft,
    /// Hosts the form knows (host IDs, or else IPs).
    pub hosts: usize,
    /// Topology nodes and dynamic groups (hosts unknown until BK-JOB resolves them).
    pub groups: usize,
    /// A launch was tried: every error shows, touched or not.
    pub submitted: bool,
}

/// What the rolling panel sends back after each change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollingMessage {
    /// The section as typed.
    pub rolling: RollingDraft,
    /// Its errors (0: the launch may go).
    pub errors: usize,
}

impl RollingPayload {
    /// `hosts groups submitted` on the first line, the section's JSON after it: plain text
    /// rather than a serde struct, which would add its serializer to the first visit.
    pub fn write(rolling: &RollingDraft, hosts: usize, groups: usize, submitted: bool) -> String {
        let json = bkjob_api::to_json::WriteJson::to_json_text(rolling);
        format!("{hosts} {groups} {}\n{json}", u8::from(submitted))
    }

    /// Read what [`RollingPayload::write`] wrote (the on-demand module, with serde); the
    /// default for anything else.
    pub fn read(text: &str) -> RollingPayload {
        let (head, json) = text.split_once('\n').unwrap_or_default();
        let mut nums = head.split(' ').map(|n| n.parse::<usize>().unwrap_or(0));
        let (hosts, groups, submitted) = (
            nums.next().unwrap_or(0),
            nums.next().unwrap_or(0),
            nums.next() == Some(1),
        );
        RollingPayload {
            rolling: serde_json::from_str(json).unwrap_or_default(),
            hosts,
            groups,
            submitted,
        }
    }
}

impl RollingMessage {
    /// A message as the panel writes it (serde), read with the app's small JSON reader (no
    /// serde deserializer in the first visit). `None` for anything else.
    pub fn read(text: &str) -> Option<RollingMessage> {
        let mut v = tinyjson::parse(text).ok()?;
        let errors = usize::try_from(v.get("errors")?.as_i64()?).ok()?;
        let rolling = RollingDraft::from_json(v.remove("rolling")?)?;
        Some(RollingMessage { rolling, errors })
    }
}

/// The form's error while the section is on and the panel has not reported it valid (not
/// loaded yet, or errors in it).
pub fn pending_violation() -> Violation {
    Violation::error(
        "rolling_config",
        Rule::RollingExpressionInvalid,
        ErrorCode::BAD_REQUEST.0,
        "请先修正滚动执行设置（或等待其加载）",
        "Fix the rolling settings (or wait for them to load)",
    )
}

/// The rolling section: the switch, and the on-demand panel while it is on.
#[component]
pub fn RollingSection() -> impl IntoView {
    let ui = ui();
    let on = memo(move || ui.draft.with(|d| d.rolling_enabled));
    let payload = memo(move || {
        if !on.get() {
            return String::new();
        }
        let (hosts, groups) = ui
            .check
            .with(|c| (c.counts.static_hosts(), c.counts.host_groups()));
        let submitted = ui.submitted.get();
        ui.draft
            .with(|d| RollingPayload::write(&d.rolling, hosts, groups, submitted))
    });
    let on_message = Callback::new(move |text: String| {
        let Some(m) = RollingMessage::read(&text) else {
            return;
        };
        if ui.draft.with_untracked(|d| d.rolling != m.rolling) {
            ui.draft.update(|d| d.rolling = m.rolling);
        }
        ui.rolling_ok.set(m.errors == 0);
    });
    let field = Field::RollingConfig;
    view! {
        <fieldset class="section" id="rolling">
            <legend>{tr(|t| t.section_rolling)}</legend>
            <CheckInput
                field=field
                label=|t| t.rolling_enabled
                checked=on
                on_change=Callback::new(move |checked| {
                    // Valid only once the panel says so.
                    ui.rolling_ok.set(false);
                    ui.draft.update(|d| d.rolling_enabled = checked);
                })
            />
            {when(move || on.get(), move || view! {
                <Remote
                    panel=Panel::Rolling
                    payload=payload
                    on_message=on_message
                    loading=|t| t.panel_loading
                    failed=|t| t.rolling_load_failed
                />
            })}
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panels_message_reads_back() {
        let m = RollingMessage {
            rolling: RollingDraft {
                expression: "1 +1".into(),
                mode: "3".into(),
                execution_mode: "2".into(),
                fixed_ms: "10".into(),
                random_min_ms: "0".into(),
                random_max_ms: "x".into(),
            },
            errors: 2,
        };
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(RollingMessage::read(&text), Some(m));
        assert_eq!(RollingMessage::read("{}"), None);
        assert_eq!(RollingMessage::read(r#"{"errors":-1,"rolling":{}}"#), None);
        assert_eq!(
            RollingMessage::read(r#"{"errors":0,"rolling":{}}"#).map(|m| m.rolling),
            Some(RollingDraft::default())
        );
    }

    #[test]
    fn the_payload_reads_back() {
        let r = RollingDraft {
            expression: "10 30%\n".into(),
            ..Default::default()
        };
        let p = RollingPayload::read(&RollingPayload::write(&r, 200, 3, true));
        assert_eq!(
            p,
            RollingPayload {
                rolling: r,
                hosts: 200,
                groups: 3,
                submitted: true
            }
        );
        assert_eq!(RollingPayload::read(""), RollingPayload::default());
        assert!(!RollingPayload::read("1 2 0\n{}").submitted);
    }

    #[test]
    fn the_pending_error_belongs_to_the_switch() {
        let v = pending_violation();
        assert_eq!(
            crate::form::field::violation_field(&v),
            Some(Field::RollingConfig)
        );
        assert!(v.is_error());
    }
}
