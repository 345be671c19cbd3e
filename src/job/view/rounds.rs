//! Earlier rounds and batch sizes from `get_step_instance_status` ([`crate::job::rounds`]):
//! the round picker and its read-only host results, and the learning of a rolling job's
//! batches when this browser does not know its launch settings.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use bkjob_api::{Lang, StepOperation};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::controller::Ctx;
use super::error::ErrorPanel;
use super::label;
use super::log::LogState;
use crate::api::job::CallError;
use crate::i18n::fill;
use crate::i18n::job::job_texts;
use crate::job::hosts::HostModel;
use crate::job::ops::{round, HostCounts, StepFacts};
use crate::job::rounds::{host_count, rounds, rows_of, BatchProbe, StepQuery};
use crate::view_helpers::{rv, when};

/// Batch sizes asked for after one status answer at most (a job opened at batch 40 learns
/// the rest at the next polls).
const PROBES_PER_ANSWER: usize = 8;

/// An earlier round shown in place of the current one.
#[derive(Clone, Debug)]
pub(super) struct RoundView {
    /// Its `execute_count`.
    pub(super) execute_count: i32,
    /// Its hosts, once read.
    pub(super) model: Option<Arc<HostModel>>,
    /// Why it could not be read.
    pub(super) error: Option<CallError>,
}

impl Ctx {
    /// Show round `execute_count` (`None`: the current one, followed by polling).
    pub(super) fn show_round(&self, execute_count: Option<i32>) {
        self.hosts.selected.set(None);
        self.log.set(LogState::Idle);
        let Some(n) = execute_count else {
            self.round.set(None);
            return;
        };
        let Some(step) = self.step_id.get_untracked() else {
            return;
        };
        self.round.set(Some(RoundView {
            execute_count: n,
            model: None,
            error: None,
        }));
        let ctx = self.clone();
        spawn_local(async move {
            let answer = ctx
                .api
                .step_status(&ctx.route, step, StepQuery::round(n))
                .await;
            if !ctx.alive() {
                return;
            }
            // A newer choice wins over this answer.
            ctx.round.update(|r| {
                if let Some(r) = r.as_mut().filter(|r| r.execute_count == n) {
                    match answer {
                        Ok(data) => r.model = Some(Arc::new(HostModel::new(rows_of(data)))),
                        Err(e) => r.error = Some(e),
                    }
                }
            });
        });
    }

    /// Learn the batch sizes of a rolling step launched elsewhere, up to the next batch to
    /// run (after a status answer; one learning at a time).
    pub(super) fn learn_batches(&self) {
        if self.plan_known || self.probe_busy.load(Ordering::SeqCst) {
            return;
        }
        let Some(step) = self.step_id.get_untracked() else {
            return;
        };
        let Some((step_status, _)) = self.step_key() else {
            return;
        };
        // From the host groups: no pass over 50,000 rows per status answer.
        let c = self.model.with_untracked(|m| HostCounts::of(m));
        let (started, total) = (c.total - c.waiting, c.total);
        let worth = BatchProbe::worth_asking(step_status, c.waiting, total);
        if !worth
            || self
                .probe
                .with_untracked(|p| p.next(started, total))
                .is_none()
        {
            return;
        }
        self.probe_busy.store(true, Ordering::SeqCst);
        let ctx = self.clone();
        spawn_local(async move {
            for _ in 0..PROBES_PER_ANSWER {
                let Some(n) = ctx.probe.with_untracked(|p| p.next(started, total)) else {
                    break;
                };
                let answer = ctx
                    .api
                    .step_status(&ctx.route, step, StepQuery::batch_size(n))
                    .await;
                if !ctx.alive() {
                    return;
                }
                // No strip rather than a guessed one (e.g. an ESB without this API).
                ctx.probe.update(|p| match &answer {
                    Ok(d) => p.record(n, host_count(d), total),
                    Err(_) => p.give_up(),
                });
            }
            ctx.probe_busy.store(false, Ordering::SeqCst);
        });
    }
}

/// The current batch's host counts, and the step status and round they were read for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct BatchRead {
    pub(super) key: (i32, i32),
    pub(super) counts: HostCounts,
}

impl Ctx {
    /// The step's status and round, as the last status answer gave them.
    fn step_key(&self) -> Option<(i32, i32)> {
        self.status.with_untracked(|s| {
            s.as_ref().and_then(|d| {
                d.step_instance_list
                    .first()
                    .map(|s| (s.status, s.execute_count))
            })
        })
    }

    /// Read the current batch's hosts of a rolling step that can be retried (for the
    /// operations' exact counts), once per step status and round.
    pub(super) fn read_current_batch(&self) {
        let (Some(step), Some(key)) = (self.step_id.get_untracked(), self.step_key()) else {
            return;
        };
        let facts = self.model.with_untracked(|m| {
            let ty = self.status.with_untracked(|s| {
                s.as_ref()
                    .and_then(|d| d.step_instance_list.first().map(|s| s.type_))
            });
            StepFacts::new(key.0, ty.unwrap_or(1), m)
        });
        // Only where a retry is offered (a retry of a rolling step re-runs its current batch).
        let retry = facts
            .offered()
            .iter()
            .any(|op| matches!(op, StepOperation::RetryFailIp | StepOperation::RetryAllIp));
        if !facts.rolling()
            || !retry
            || self
                .batch_read
                .with_untracked(|b| b.is_some_and(|b| b.key == key))
            || self.batch_busy.swap(true, Ordering::SeqCst)
        {
            return;
        }
        let ctx = self.clone();
        spawn_local(async move {
            let answer = ctx
                .api
                .step_status(&ctx.route, step, StepQuery::current_batch())
                .await;
            ctx.batch_busy.store(false, Ordering::SeqCst);
            if !ctx.alive() {
                return;
            }
            // An error leaves the estimate from the status answer in place.
            if let Ok(d) = answer {
                // The step may have moved on meanwhile: then this answer is not used.
                if ctx.step_key() == Some(key) {
                    ctx.batch_read.set(Some(BatchRead {
                        key,
                        counts: HostCounts::of_groups(&d.step_result_group_list),
                    }));
                }
            }
        });
    }
}

/// The round picker (after a retry: the current round and every earlier one) and, while an
/// earlier round is shown, what is shown and how to go back.
#[component]
pub(super) fn RoundPicker(ctx: Ctx, #[prop(into)] lang: Signal<Lang>) -> impl IntoView {
    let t = move || job_texts(lang.get());
    let status = ctx.status;
    let current = Memo::new(move |_| {
        status.with(|s| {
            s.as_ref()
                .and_then(|d| d.step_instance_list.first().map(|s| s.execute_count))
                .unwrap_or(0)
        })
    });
    let shown = ctx.round;
    // The context holds the API (not `Send`): kept in a local arena slot, read by handlers.
    let ctx = StoredValue::new_local(ctx);
    let on_change = move |ev| {
        let v: i32 = event_target_value(&ev).parse().unwrap_or(-1);
        let pick = (v >= 0 && v != current.get_untracked()).then_some(v);
        ctx.with_value(|c| c.show_round(pick));
    };
    let back = move |_| ctx.with_value(|c| c.show_round(None));
    let selected = move || {
        shown
            .with(|r| r.as_ref().map(|r| r.execute_count))
            .unwrap_or_else(|| current.get())
    };
    view! {
        {when(
            move || !rounds(current.get()).is_empty(),
            move || view! {
                <div class="job-rounds">
                    <label for="round-select">{label(lang, |t| t.round_pick)}</label>
                    " "
                    <select id="round-select" name="round" on:change=on_change prop:value=move || selected().to_string()>
                        {move || {
                            let now = current.get();
                            rounds(now)
                                .into_iter()
                                .map(|k| {
                                    let name = fill(t().round_n, &[("n", &round(k).to_string())]);
                                    let label = if k == now { fill(t().round_current, &[("round", &name)]) } else { name };
                                    view! { <option value=k.to_string() selected=move || selected() == k>{label}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                    {rv(move || shown.get().map(|r| {
                        let n = round(r.execute_count).to_string();
                        let now = round(current.get()).to_string();
                        let text = if r.model.is_none() && r.error.is_none() {
                            fill(t().round_loading, &[("n", &n)])
                        } else {
                            fill(t().round_shown, &[("n", &n), ("current", &now)])
                        };
                        view! {
                            <p class="job-round-note" role="status" data-field="round_shown" data-execute-count=r.execute_count.to_string()>
                                {text} " "
                                <button type="button" id="round-back" on:click=back>{label(lang, |t| t.round_back)}</button>
                            </p>
                            {r.error.map(|e| view! { <ErrorPanel lang error=e/> })}
                        }
                    }))}
                </div>
            },
        )}
    }
}
