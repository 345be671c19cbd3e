//! The log panel: the selected host's log (or the whole group's), with search and download.

use std::sync::Arc;

use bkjob_api::{Lang, StepIpResult};
use leptos::prelude::*;

use super::error::ErrorPanel;
use super::label;
use crate::api::job::CallError;
use crate::i18n::fill;
use crate::i18n::job::job_texts;
use crate::job::logtext::{log_file_name, segment, MAX_HIGHLIGHTS};
use crate::view_helpers::rv;
use crate::web as browser;

/// State of the log panel.
#[derive(Clone, Debug, PartialEq)]
pub enum LogState {
    Idle,
    Loading,
    Text(Arc<str>),
    File,
    Failed(CallError),
    /// An earlier round is shown: BK-JOB's log APIs have the current round's logs only.
    OtherRound,
}

/// The log of one host: search with highlighted matches, wrap, download. The text is
/// rendered as text nodes only.
#[component]
pub(super) fn LogPanel(
    #[prop(into)] lang: Signal<Lang>,
    log: RwSignal<LogState>,
    host: Signal<Option<StepIpResult>>,
    job_instance_id: i64,
) -> impl IntoView {
    let t = move || job_texts(lang.get());
    let query = RwSignal::new(String::new());
    let wrap = RwSignal::new(true);
    let text = Memo::new(move |_| match log.get() {
        LogState::Text(s) => Some(s),
        _ => None,
    });
    let segments = Memo::new(move |_| {
        let q = query.get();
        text.with(|t| t.as_ref().map(|t| segment(t, &q, MAX_HIGHLIGHTS)))
    });
    let download = move |_| {
        if let (Some(text), Some(h)) = (text.get_untracked(), host.get_untracked()) {
            browser::download_text(
                &log_file_name(job_instance_id, h.bk_host_id, h.ip.as_deref()),
                &text,
            );
        }
    };
    let body = move || {
        let Some(text) = text.get() else {
            return match log.get() {
                LogState::Idle => t().log_pick_host.into_any(),
                LogState::Loading => t().log_loading.into_any(),
                LogState::File => t().file_step_log.into_any(),
                LogState::OtherRound => t().log_other_round.into_any(),
                LogState::Failed(e) => view! { <ErrorPanel lang error=e/> }.into_any(),
                LogState::Text(_) => ().into_any(),
            };
        };
        if text.is_empty() {
            return t().log_empty.into_any();
        }
        segments.with(|s| match s {
            Some(s) if s.total_matches > 0 => s
                .parts
                .iter()
                .map(|p| {
                    let piece = text[p.range.clone()].to_owned();
                    if p.hit {
                        view! { <mark>{piece}</mark> }.into_any()
                    } else {
                        piece.into_any()
                    }
                })
                .collect_view()
                .into_any(),
            _ => text.to_string().into_any(),
        })
    };
    let matches = move || {
        segments.with(|s| {
            s.as_ref()
                .filter(|_| !query.with(|q| q.trim().is_empty()))
                .map(|s| {
                    if s.capped() {
                        fill(
                            t().log_matches_capped,
                            &[
                                ("n", &s.total_matches.to_string()),
                                ("shown", &s.highlighted.to_string()),
                            ],
                        )
                    } else {
                        fill(t().log_matches, &[("n", &s.total_matches.to_string())])
                    }
                })
        })
    };
    view! {
        <div class="job-log">
            <h3>
                {label(lang, |t| t.log_title)}
                {rv(move || host.get().map(|h| format!(" — {} ({})", h.ip.unwrap_or_default(), h.bk_host_id.map(|v| v.to_string()).unwrap_or_default())))}
            </h3>
            <div class="job-log-tools">
                <input
                    type="search"
                    name="log_search"
                    autocomplete="off"
                    placeholder=move || t().log_search
                    aria-label=move || t().log_search
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
                <span class="job-log-matches" data-field="log_matches" role="status">{matches}</span>
                <label>
                    <input type="checkbox" name="log_wrap" prop:checked=move || wrap.get() on:change=move |ev| wrap.set(event_target_checked(&ev))/>
                    {label(lang, |t| t.wrap)}
                </label>
                <button type="button" id="download-log" disabled=move || text.get().is_none() on:click=download>
                    {label(lang, |t| t.download_log)}
                </button>
            </div>
            <pre
                id="host-log"
                tabindex="0"
                class:wrap=move || wrap.get()
                data-state=move || match log.get() { LogState::Idle => "idle", LogState::Loading => "loading", LogState::Text(_) => "loaded", LogState::File => "file", LogState::Failed(_) => "error", LogState::OtherRound => "other-round" }
                style=move || if wrap.get() { "white-space:pre-wrap;overflow-wrap:anywhere" } else { "white-space:pre;overflow-x:auto" }
            >
                {body}
            </pre>
        </div>
    }
}
