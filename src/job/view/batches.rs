//! The batch strip of a rolling job ([`crate::job::batches`]): one cell per batch with its
//! size and state, the batch the job is at marked (`aria-current`), a waiting confirmation
//! highlighted.

use bkjob_api::Lang;
use leptos::prelude::*;

use crate::i18n::fill;
use crate::i18n::job::{job_texts, JobTexts};
use crate::job::batches::{BatchState, BatchStrip};
use crate::view_helpers::rv;

fn state_text(t: &JobTexts, s: BatchState) -> &'static str {
    match s {
        BatchState::Done => t.batch_done,
        BatchState::Running => t.batch_running,
        BatchState::Failed => t.batch_failed,
        BatchState::AwaitingConfirmation => t.batch_confirm,
        BatchState::Starting => t.batch_starting,
        BatchState::Stopped => t.batch_stopped,
        BatchState::Pending => t.batch_pending,
    }
}

fn state_attr(s: BatchState) -> &'static str {
    match s {
        BatchState::Done => "done",
        BatchState::Running => "running",
        BatchState::Failed => "failed",
        BatchState::AwaitingConfirmation => "confirm",
        BatchState::Starting => "starting",
        BatchState::Stopped => "stopped",
        BatchState::Pending => "pending",
    }
}

/// The strip, while `strip` has one (a rolling job whose plan is known, in full or up to the
/// next batch).
#[component]
pub fn BatchStripView(
    #[prop(into)] strip: Signal<Option<BatchStrip>>,
    #[prop(into)] lang: Signal<Lang>,
) -> impl IntoView {
    let t = move || job_texts(lang.get());
    rv(move || {
        strip.get().map(|s| {
            let m = s.batches.len().to_string();
            let position = match s.current {
                // The last cell stands for one batch or more.
                Some(n) if s.later => fill(
                    t().batch_position_open,
                    &[("n", &n.to_string()), ("m", &m)],
                ),
                Some(n) => fill(t().batch_position, &[("n", &n.to_string()), ("m", &m)]),
                None => fill(t().batches_all_done, &[("m", &m)]),
            };
            let last = s.batches.len();
            let cells = s
                .batches
                .iter()
                .map(|b| {
                    let size = b.size.to_string();
                    let label = if s.later && b.number == last {
                        fill(t().batch_later, &[("size", &size)])
                    } else {
                        fill(t().batch_label, &[("n", &b.number.to_string()), ("size", &size)])
                    };
                    let current = (s.current == Some(b.number)).then_some("step");
                    view! {
                        <li
                            class="batch"
                            data-batch=b.number.to_string()
                            data-state=state_attr(b.state)
                            aria-current=current
                        >
                            <span class="batch-label">{label}</span>
                            " "
                            <span class="batch-state">{state_text(t(), b.state)}</span>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="batch-strip" id="batch-strip" aria-labelledby="batch-strip-title">
                    <h3 id="batch-strip-title">{t().batches_title}</h3>
                    <p class="batch-position" role="status" data-field="batch_position">{position}</p>
                    {s.later.then(|| view! { <p class="batch-source" data-field="batch_source">{t().batches_from_server}</p> })}
                    <ol>{cells}</ol>
                </section>
            }
        })
    })
}
