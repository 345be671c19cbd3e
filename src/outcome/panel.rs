//! The outcome of a launch as shown under the form: success with the job link, permission
//! answer (its details are an on-demand panel), API and HTTP errors with hints, network
//! failure, timeout, an answer too large; and the acknowledgement an unknown fate needs.

use bkjob_api::ErrorCode;
use leptos::ev;
use leptos::prelude::*;

use crate::i18n::{fill, t, Texts};
use crate::launch::LaunchState;
use crate::lazy::{Panel, Remote};
use crate::outcome::{HttpProblem, Outcome};
use crate::route;
use crate::state::{tr, ui, LaunchRecord};
use crate::view_helpers::{rv, when};

/// The outcome section (absent until a launch answered).
#[component]
pub fn OutcomePanel() -> impl IntoView {
    let ui = ui();
    move || {
        ui.result.get().map(|rec| {
            let kind = rec.outcome.kind();
            view! {
                <section id="outcome" class=format!("outcome {kind}") data-kind=kind tabindex="-1">
                    <h2>{tr(|t| t.outcome_title)}</h2>
                    <OutcomeBody record=rec />
                    <UnknownFate />
                </section>
            }
        })
    }
}

/// After an unknown outcome: the warning and the explicit acknowledgement.
#[component]
pub fn UnknownFate() -> impl IntoView {
    let ui = ui();
    let unknown = move || ui.guard.with(|g| g.state() == LaunchState::Unknown);
    view! {
        {when(unknown, move || view! {
            <div class="unknown-fate" role="alert">
                <p><strong>{tr(|t| t.unknown_fate)}</strong></p>
                <button
                    type="button"
                    id="ack-checked"
                    on:click=move |_| ui.guard.update(|g| {
                        g.acknowledge_checked();
                    })
                >
                    {tr(|t| t.ack_checked)}
                </button>
            </div>
        })}
    }
}

/// What went wrong with an HTTP answer, in words.
fn problem_text(problem: HttpProblem, tx: &Texts) -> &'static str {
    match problem {
        HttpProblem::Status => tx.problem_status,
        HttpProblem::NotJson => tx.problem_not_json,
        HttpProblem::Truncated => tx.problem_truncated,
        HttpProblem::UnexpectedShape => tx.problem_shape,
    }
}

/// One `<dt>`/`<dd>` pair; `field` is the `data-field` the tests and automation read.
fn row(label: fn(&Texts) -> &'static str, field: &'static str, value: String) -> impl IntoView {
    view! {
        <dt>{tr(label)}</dt>
        <dd data-field=field>{value}</dd>
    }
}

/// The hint for an error code, where bkjob-api has one.
fn hint_box(code: Option<i64>) -> AnyView {
    let lang = ui().lang;
    let hint = move || code.and_then(|c| ErrorCode::from(c).hint(lang.get()));
    when(
        move || hint().is_some(),
        move || {
            view! {
                <p class="hint-box">
                    <strong>{tr(|t| t.hint)} ": "</strong>
                    {rv(move || hint().unwrap_or_default())}
                </p>
            }
        },
    )
    .into_any()
}

/// A title and a line with `{n}` filled (one function, so one copy of the view code for each
/// outcome shown this way).
fn titled(
    title: fn(&Texts) -> &'static str,
    detail: fn(&Texts) -> &'static str,
    n: String,
) -> AnyView {
    let lang = ui().lang;
    view! {
        <h3>{tr(title)}</h3>
        <p>{rv(move || fill(detail(t(lang.get())), &[("n", &n)]))}</p>
    }
    .into_any()
}

#[component]
pub fn OutcomeBody(record: LaunchRecord) -> impl IntoView {
    let ui = ui();
    let LaunchRecord {
        scope_type,
        scope_id,
        outcome,
    } = record;
    match outcome {
        Outcome::Success {
            data,
            job_request_id,
            http_status: _,
        } => {
            let path = route::job_path(&scope_type, &scope_id, data.job_instance_id);
            let nav = path.clone();
            view! {
                <h3>{tr(|t| t.success_title)}</h3>
                <dl class="kv">
                    {row(|t| t.job_instance_id, "job_instance_id", data.job_instance_id.to_string())}
                    {row(|t| t.job_instance_name, "job_instance_name", data.job_instance_name.clone())}
                    {row(|t| t.step_instance_id, "step_instance_id", data.step_instance_id.to_string())}
                    {job_request_id.map(|r| row(|t| t.job_request_id, "job_request_id", r))}
                </dl>
                <p>
                    <a
                        id="job-link"
                        href=path
                        on:click=move |ev: ev::MouseEvent| {
                            ev.prevent_default();
                            ui.navigate(&nav);
                        }
                    >
                        {tr(|t| t.open_job)}
                    </a>
                </p>
            }
            .into_any()
        }
        Outcome::Permission {
            code,
            message,
            job_request_id,
            permission_json,
            http_status: _,
        } => view! {
            <div id="permission-panel">
                <h3>{tr(|t| t.permission_title)}</h3>
                <dl class="kv">
                    {row(|t| t.code, "code", code.to_string())}
                    {row(|t| t.message, "message", message)}
                    {job_request_id.map(|r| row(|t| t.job_request_id, "job_request_id", r))}
                </dl>
                // The actions to apply for, the raw JSON and "Copy": a panel of the on-demand
                // module (the code and message above never depend on it).
                <Remote
                    panel=Panel::Permission
                    payload=Signal::stored(permission_json)
                    loading=|t| t.panel_loading
                    failed=|t| t.permission_load_failed
                />
            </div>
        }
        .into_any(),
        Outcome::ApiError {
            http_status,
            code,
            message,
            job_request_id,
        } => view! {
            <h3>{tr(|t| t.api_error_title)}</h3>
            <dl class="kv">
                {row(|t| t.code, "code", code.to_string())}
                {row(|t| t.message, "message", message)}
                {job_request_id.map(|r| row(|t| t.job_request_id, "job_request_id", r))}
                {row(|t| t.http_status, "http_status", http_status.to_string())}
            </dl>
            {hint_box(Some(code))}
        }
        .into_any(),
        Outcome::HttpError {
            http_status,
            problem,
            code,
            message,
            job_request_id,
            excerpt,
        } => {
            let problem_text = move || problem_text(problem, ui.tx());
            view! {
                <h3>{tr(|t| t.http_error_title)}</h3>
                <p>{problem_text}</p>
                <dl class="kv">
                    {row(|t| t.http_status, "http_status", http_status.to_string())}
                    {code.map(|c| row(|t| t.code, "code", c.to_string()))}
                    {message.map(|m| row(|t| t.message, "message", m))}
                    {job_request_id.map(|r| row(|t| t.job_request_id, "job_request_id", r))}
                </dl>
                {hint_box(code)}
                {(!excerpt.is_empty()).then(|| view! {
                    <p>{tr(|t| t.body_excerpt)}</p>
                    <pre class="code excerpt">{excerpt.clone()}</pre>
                })}
            }
            .into_any()
        }
        Outcome::Network { detail } => view! {
            <h3>{tr(|t| t.network_title)}</h3>
            <p>{tr(|t| t.network_detail)}</p>
            <pre class="code excerpt">{detail}</pre>
        }
        .into_any(),
        Outcome::Timeout { seconds } => titled(
            |t| t.timeout_title,
            |t| t.timeout_detail,
            seconds.to_string(),
        ),
        Outcome::TooLarge { max_bytes } => titled(
            |t| t.too_large_title,
            |t| t.too_large_detail,
            crate::limit::cap_text(max_bytes),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bkjob_api::Lang;

    #[test]
    fn each_problem_has_its_own_text() {
        for lang in [Lang::En, Lang::ZhCn] {
            let tx = t(lang);
            let texts = [
                HttpProblem::Status,
                HttpProblem::NotJson,
                HttpProblem::Truncated,
                HttpProblem::UnexpectedShape,
            ]
            .map(|p| problem_text(p, tx));
            for (i, a) in texts.iter().enumerate() {
                assert!(!a.is_empty());
                assert!(texts[i + 1..].iter().all(|b| b != a), "{a}");
            }
        }
    }
}
