//! The step operations' buttons, their confirmation dialog and the answer's note (thin: which
//! buttons, the counts, the texts and the never-twice guard are [`crate::job::ops`]'s).
//!
//! The dialog is keyboard-operable: opening it moves the focus to its Cancel button (the
//! safe choice), Esc cancels, and the focus returns to the button that opened it (after a
//! confirmation, every button is disabled, so the focus goes to the operations' group).

use bkjob_api::{ErrorCode, Lang, StepOperation};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::controller::Ctx;
use super::error::ErrorPanel;
use super::label;
use crate::api::job::CallError;
use crate::i18n::fill;
use crate::i18n::job::job_texts;
use crate::job::ops::{op_label, op_name, question, OpOutcome, OpPhase, StepFacts, OFFERED};
use crate::view_helpers::{rv, when};
use crate::web as browser;

/// The facts of the step the view follows (its status, type and hosts), once a status
/// answer arrived.
pub(super) fn step_facts(ctx: &Ctx) -> Memo<Option<StepFacts>> {
    let status = ctx.status;
    let model = ctx.model;
    let step_id = ctx.step_id;
    let batch_read = ctx.batch_read;
    Memo::new(move |_| {
        let id = step_id.get()?;
        let (st, ty, round) = status.with(|s| {
            s.as_ref().and_then(|d| {
                d.step_instance_list
                    .iter()
                    .find(|x| x.step_instance_id == id)
                    .map(|x| (x.status, x.type_, x.execute_count))
            })
        })?;
        // The current batch's counts, when read for this very status and round.
        let batch = batch_read.with(|b| b.filter(|b| b.key == (st, round)).map(|b| b.counts));
        Some(model.with(|m| StepFacts::new(st, ty, m).with_batch(batch)))
    })
}

fn button_id(op: StepOperation) -> String {
    format!("op-{}", op_name(op))
}

/// The buttons, the dialog and the note of the last operation.
#[component]
pub(super) fn StepOps(ctx: Ctx, #[prop(into)] lang: Signal<Lang>) -> impl IntoView {
    let t = move || job_texts(lang.get());
    let guard = ctx.ops;
    let facts = step_facts(&ctx);
    let offered = Memo::new(move |_| facts.get().map(|f| f.offered()).unwrap_or_default());
    let busy = Memo::new(move |_| guard.with(|g| g.busy()));
    let error = RwSignal::new(None::<CallError>);
    let shared = StoredValue::new_local(ctx);
    let cancel_ref = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(el) = cancel_ref.get() {
            let _ = el.focus();
        }
    });

    let confirming = Memo::new(move |_| match guard.with(|g| g.phase()) {
        OpPhase::Confirming(op) => Some(op),
        _ => None,
    });
    let ask = move |op: StepOperation| {
        if guard.try_update(|g| g.ask(op)).unwrap_or(false) {
            error.set(None);
        }
    };
    let cancel = move || {
        if let Some(op) = confirming.get_untracked() {
            guard.update(|g| g.cancel());
            browser::focus_id(&button_id(op));
        }
    };
    let confirm = move || {
        let Some(op) = guard.try_update(|g| g.confirm()).flatten() else {
            return;
        };
        browser::focus_id("step-ops");
        let Some(c) = shared.try_with_value(Ctx::clone) else {
            return;
        };
        let Some(step) = c.step_id.get_untracked() else {
            c.after_operation(OpOutcome::Refused);
            return;
        };
        spawn_local(async move {
            let answer = c.api.operate_step(&c.route, step, op).await;
            if !c.alive() {
                return;
            }
            let outcome = OpOutcome::of(&answer);
            error.set(answer.err());
            c.after_operation(outcome);
        });
    };

    let in_flight = Memo::new(move |_| match guard.with(|g| g.phase()) {
        OpPhase::InFlight(op) => Some(op),
        _ => None,
    });
    let last = Memo::new(move |_| guard.with(|g| g.last()));

    view! {
        <div
            class="job-ops"
            id="step-ops"
            role="group"
            tabindex="-1"
            aria-label=move || t().ops_label
            data-busy=move || busy.get().to_string()
            data-sent=move || guard.with(|g| g.sent()).to_string()
        >
            // A button per operation in OFFERED order (the order of `offered`), each there
            // while offered: what a keyed <For> over `offered` does, without its diffing code.
            {OFFERED
                .into_iter()
                .map(|op| when(move || offered.with(|o| o.contains(&op)), move || view! {
                    <button
                        type="button"
                        id=button_id(op)
                        data-op=op.code().to_string()
                        disabled=move || busy.get()
                        aria-haspopup="dialog"
                        on:click=move |_| ask(op)
                    >
                        {rv(move || op_label(op, lang.get()))}
                    </button>
                }))
                .collect::<Vec<_>>()}
            {rv(move || in_flight.get().map(|_| view! {
                <span class="job-op-sending" role="status">{label(lang, |t| t.op_sending)}</span>
            }))}
        </div>
        {rv(move || confirming.get().map(|op| {
            let q = move || facts.get().map(|f| question(op, &f, lang.get())).unwrap_or_default();
            let targets = move || facts.get().map(|f| f.targets(op));
            view! {
                <div
                    class="job-confirm job-op-dialog"
                    id="op-dialog"
                    role="dialog"
                    aria-modal="false"
                    aria-labelledby="op-dialog-title"
                    aria-describedby="op-dialog-question"
                    data-op=op.code().to_string()
                    data-n=move || targets().map(|x| x.n.to_string()).unwrap_or_default()
                    data-total=move || targets().map(|x| x.total.to_string()).unwrap_or_default()
                    on:keydown=move |e| {
                        if e.key() == "Escape" {
                            e.prevent_default();
                            cancel();
                        }
                    }
                >
                    <strong id="op-dialog-title">{label(lang, |t| t.op_dialog_title)}</strong>
                    <p id="op-dialog-question">{q}</p>
                    <button type="button" id="op-confirm" class="primary" on:click=move |_| confirm()>
                        {rv(move || op_label(op, lang.get()))}
                    </button>
                    <button type="button" id="op-cancel" node_ref=cancel_ref on:click=move |_| cancel()>
                        {label(lang, |t| t.cancel)}
                    </button>
                </div>
            }
        }))}
        {rv(move || last.get().map(|(op, outcome)| {
            let name = move || op_label(op, lang.get());
            let kind = match outcome {
                OpOutcome::Accepted => "accepted",
                OpOutcome::Refused => "refused",
                OpOutcome::Unknown => "unknown",
            };
            let text = move || {
                let template = match outcome {
                    OpOutcome::Accepted => t().op_accepted,
                    OpOutcome::Refused => t().op_refused,
                    OpOutcome::Unknown => t().op_unknown,
                };
                fill(template, &[("op", name())])
            };
            let unsupported = error.with(|e| {
                e.as_ref().and_then(CallError::code) == Some(ErrorCode::UNSUPPORTED_OPERATION.0)
            });
            view! {
                <div class="job-op-note" id="op-note" role="status" data-outcome=kind data-op=op.code().to_string()>
                    <p>{text}</p>
                    {unsupported.then(|| view! { <p>{label(lang, |t| t.op_unsupported)}</p> })}
                    {rv(move || error.get().map(|e| view! { <ErrorPanel lang error=e/> }))}
                </div>
            }
        }))}
    }
}
