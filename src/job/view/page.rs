//! The job view page: header (job name, status, times, actions), the step summary and its
//! parts (host list, log, error), wired to the controller.

use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use bkjob_api::{Draft, Lang, RunStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::batches::BatchStripView;
use super::controller::{Ctx, Poller};
use super::error::ErrorPanel;
use super::hosts::{current_group, visible_rows, HostListState, HostResults};
use super::label;
use super::log::{LogPanel, LogState};
use super::ops::{step_facts, StepOps};
use super::rounds::RoundPicker;
use crate::api::job::{CallError, HttpJobApi, JobApi};
use crate::connection::Connection;
use crate::i18n::fill;
use crate::i18n::job::job_texts;
use crate::job::batches::{batch_strip, plan_of, BatchStrip};
use crate::job::format::{format_duration, format_time};
use crate::job::hosts::{log_batches, HostModel};
use crate::job::logtext::{combined_section, group_log_file_name};
use crate::job::ops::{note_text, round, status_note, HostCounts, OpGuard};
use crate::job::poll::{whole_seconds, PollSchedule};
use crate::job::recent::redo_draft;
use crate::job::rounds::BatchProbe;
use crate::job::route::JobRoute;
use crate::job::store::load_recent;
use crate::view_helpers::{rv, when};
use crate::web as browser;

/// The job view over the app's connection settings. Mount it on
/// `/jobs/{scope_type}/{scope_id}/{job_instance_id}`; it polls until the job is finished
/// and stops when unmounted. When the connection settings change it asks again at once.
#[component]
pub fn JobView(
    /// The job.
    route: JobRoute,
    /// The app's connection settings (read at each call).
    #[prop(into)]
    conn: Signal<Connection>,
    /// UI language.
    #[prop(into)]
    lang: Signal<Lang>,
    /// Called with the launch draft (minus secrets) when "redo" is pressed. Without it the
    /// draft is written to the app's draft storage and the page goes to `/`.
    #[prop(optional, into)]
    on_redo: Option<Callback<Draft>>,
) -> impl IntoView {
    let api: Rc<dyn JobApi> = Rc::new(HttpJobApi::new(conn, lang));
    // Any edit of the settings (e.g. the secret typed again after a reload) asks at once.
    let wake = Signal::derive(move || {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        // Hashed field by field: hashing its `Debug` text brought the string escaper and
        // Unicode tables into the module.
        conn.with(|c| c.hash(&mut h));
        h.finish()
    });
    view! { <JobViewWith route api lang on_redo=on_redo.unwrap_or_else(default_redo) wake/> }
}

fn default_redo() -> Callback<Draft> {
    Callback::new(|draft: Draft| {
        browser::storage_set(
            crate::storage::KEY_DRAFT,
            &crate::storage::draft_to_json(&draft),
        );
        browser::navigate("/");
    })
}

/// The job view over any [`JobApi`] (tests inject a fake API and a short schedule).
#[component]
pub fn JobViewWith(
    /// The job.
    route: JobRoute,
    /// The server.
    api: Rc<dyn JobApi>,
    /// UI language.
    #[prop(into)]
    lang: Signal<Lang>,
    /// Polling cadence (default: BK-JOB's).
    #[prop(optional)]
    schedule: Option<PollSchedule>,
    /// Redo handler.
    #[prop(optional, into)]
    on_redo: Option<Callback<Draft>>,
    /// A change of this value triggers an immediate poll (e.g. new credentials).
    #[prop(optional, into)]
    wake: Option<Signal<u64>>,
) -> impl IntoView {
    let t = move || job_texts(lang.get());
    let recent = load_recent().find(&route).cloned();
    // A rolling job launched from this browser: its settings give the batch plan.
    let launched_with = recent
        .as_ref()
        .and_then(|r| r.draft.clone())
        .filter(|d| d.rolling_enabled);
    let ctx = Ctx {
        route: route.clone(),
        api,
        alive: Arc::new(AtomicBool::new(true)),
        poller: Arc::new(Mutex::new(Poller {
            schedule: schedule.unwrap_or_default(),
            in_flight: false,
            timer: None,
            started: 0,
        })),
        status: RwSignal::new(None),
        step_id: RwSignal::new(None),
        model: RwSignal::new(Arc::new(HostModel::default())),
        error: RwSignal::new(None),
        retry_in: RwSignal::new(None),
        hosts: HostListState::new(),
        log: RwSignal::new(LogState::Idle),
        log_gen: Arc::new(Mutex::new(0)),
        log_host_done: Arc::new(AtomicBool::new(true)),
        ops: RwSignal::new(OpGuard::new()),
        round: RwSignal::new(None),
        probe: RwSignal::new(BatchProbe::default()),
        probe_busy: Arc::new(AtomicBool::new(false)),
        plan_known: launched_with.is_some(),
        batch_read: RwSignal::new(None),
        batch_busy: Arc::new(AtomicBool::new(false)),
    };
    {
        let alive = ctx.alive.clone();
        let poller = ctx.poller.clone();
        on_cleanup(move || {
            alive.store(false, Ordering::SeqCst);
            if let Ok(mut p) = poller.lock() {
                if let Some(t) = p.timer.take() {
                    t.clear();
                }
            }
        });
    }
    ctx.poll_now();

    if let Some(wake) = wake {
        let c = ctx.clone();
        Effect::new(move |prev: Option<u64>| {
            let v = wake.get();
            if prev.is_some_and(|p| p != v) {
                c.restart_cadence();
                c.poll_now();
            }
            v
        });
    }
    {
        let c = ctx.clone();
        let selected = ctx.hosts.selected;
        Effect::new(move |_| {
            if let Some(h) = selected.get() {
                c.load_log(h, false);
            }
        });
    }

    let status = ctx.status;
    let model = ctx.model;
    let error = ctx.error;
    let retry_in = ctx.retry_in;
    let job_id = route.job_instance_id;
    let finished = Memo::new(move |_| {
        status.with(|s| {
            s.as_ref().is_some_and(|d| {
                d.finished
                    || RunStatus::from_code(d.job_instance.status)
                        .is_some_and(RunStatus::is_finished)
            })
        })
    });
    let job_status = move || status.with(|s| s.as_ref().map(|d| d.job_instance.status));
    let progress = Memo::new(move |_| model.with(|m| m.progress()));
    let redo = recent.as_ref().and_then(redo_draft);
    // The status answer's host list lives in the model (split off by the controller). The
    // plan: from the launch settings, else as far as the server told it.
    let probe = ctx.probe;
    let strip = Memo::new(move |_| {
        let step_status = status.with(|s| Some(s.as_ref()?.step_instance_list.first()?.status))?;
        let c = model.with(|m| HostCounts::of(m));
        let started = c.total - c.waiting;
        match launched_with.as_ref() {
            Some(d) => batch_strip(&plan_of(d, c.total)?, step_status, started, c.total),
            None => {
                let (plan, later) = probe.with(|p| p.plan(c.total))?;
                batch_strip(&plan, step_status, started, c.total).map(|s| BatchStrip { later, ..s })
            }
        }
    });
    // An earlier round's hosts replace the current ones in the host list while shown.
    let earlier_round = ctx.round;
    let shown_model = Signal::derive(move || {
        earlier_round
            .with(|r| r.as_ref().and_then(|r| r.model.clone()))
            .unwrap_or_else(|| model.get())
    });
    let redo_sensitive = redo.as_ref().is_some_and(|d| d.is_param_sensitive);
    let redo_missing = redo.is_none();
    let offset = browser::utc_offset_minutes();

    // terminate
    let confirming = RwSignal::new(false);
    let terminate_note = RwSignal::new(None::<Result<(), CallError>>);
    let shared = StoredValue::new_local(ctx.clone());
    let do_terminate = move |_| {
        confirming.set(false);
        let Some(c) = shared.try_with_value(Ctx::clone) else {
            return;
        };
        spawn_local(async move {
            let r = c.api.terminate(&c.route).await;
            if !c.alive() {
                return;
            }
            terminate_note.set(Some(r.map(|_| ())));
            c.restart_cadence();
            c.poll_now();
        });
    };

    // group log download (batches of ≤ 500 hosts)
    let downloading = RwSignal::new(None::<(usize, usize)>);
    let c_dl = ctx.clone();
    let download_group = move |_| {
        if downloading.get_untracked().is_some() {
            return;
        }
        let Some(step) = c_dl.step_id.get_untracked() else {
            return;
        };
        let (ids, attr) = c_dl.model.with_untracked(|m| {
            let rows = visible_rows(m, &c_dl.hosts);
            let ids: Vec<i64> = rows
                .iter()
                .filter_map(|&i| m.rows[i as usize].bk_host_id)
                .collect();
            let attr = current_group(m, c_dl.hosts.group.get_untracked().as_ref())
                .map(|i| m.groups[i].key.attr())
                .unwrap_or_default();
            (ids, attr)
        });
        if ids.is_empty() {
            return;
        }
        let c = c_dl.clone();
        downloading.set(Some((0, ids.len())));
        spawn_local(async move {
            let mut out = String::new();
            let mut done = 0;
            for batch in log_batches(&ids) {
                match c.api.batch_logs(&c.route, step, batch.to_vec()).await {
                    Ok(d) => {
                        for l in d.script_task_logs.unwrap_or_default() {
                            combined_section(
                                &mut out,
                                l.bk_host_id,
                                l.bk_cloud_id,
                                l.ip.as_deref(),
                                l.log_content.as_deref().unwrap_or_default(),
                            );
                        }
                    }
                    Err(e) => {
                        if c.alive() {
                            c.error.set(Some(e));
                        }
                        break;
                    }
                }
                done += batch.len();
                if !c.alive() {
                    return;
                }
                downloading.set(Some((done, ids.len())));
            }
            if c.alive() {
                downloading.set(None);
                if !out.is_empty() {
                    browser::download_text(
                        &group_log_file_name(c.route.job_instance_id, &attr),
                        &out,
                    );
                }
            }
        });
    };

    let facts = step_facts(&ctx);
    let step_note = Memo::new(move |_| facts.get().as_ref().and_then(status_note));
    let ops_ctx = ctx.clone();

    let host_state = ctx.hosts;
    let log = ctx.log;
    let selected_host = Signal::derive(move || host_state.selected.get());
    let job_name = move || {
        status.with(|s| {
            s.as_ref()
                .map(|d| d.job_instance.name.clone())
                .unwrap_or_default()
        })
    };
    let step = move || {
        status.with(|s| {
            s.as_ref()
                .and_then(|d| d.step_instance_list.first().cloned())
        })
    };

    view! {
        <section
            id="job-view"
            class="job-view"
            data-job-instance-id=job_id.to_string()
            data-scope-type=route.scope_type.clone()
            data-scope-id=route.scope_id.clone()
            data-status=move || job_status().map(|s| s.to_string()).unwrap_or_default()
            data-finished=move || finished.get().to_string()
        >
            <header class="job-head">
                <h2>
                    <span>{label(lang, |t| t.title)}</span>
                    " #" {job_id.to_string()} " "
                    <span class="job-name" data-field="name">{job_name}</span>
                </h2>
                <div class="job-actions">
                    {when(
                        move || status.with(|s| s.is_some()) && !finished.get(),
                        move || view! {
                            <button type="button" id="terminate" class="danger" on:click=move |_| confirming.set(true)>
                                {label(lang, |t| t.terminate)}
                            </button>
                        },
                    )}
                    <button
                        type="button"
                        id="redo"
                        disabled=redo_missing
                        title=move || if redo_missing { t().redo_unavailable } else if redo_sensitive { t().redo_sensitive } else { "" }
                        on:click={
                            let redo = redo.clone();
                            move |_| {
                                if let (Some(d), Some(cb)) = (redo.clone(), on_redo) {
                                    cb.run(d);
                                }
                            }
                        }
                    >
                        {label(lang, |t| t.redo)}
                    </button>
                </div>
            </header>
            <StepOps ctx=ops_ctx lang/>
            {when(
                move || confirming.get(),
                move || view! {
                    <div class="job-confirm" id="terminate-dialog" role="alertdialog" aria-modal="false">
                        <p>{rv(move || fill(t().terminate_question, &[
                            ("name", &job_name()),
                            ("id", &job_id.to_string()),
                            ("n", &progress.get().total.to_string()),
                        ]))}</p>
                        <button type="button" id="terminate-confirm" class="danger" on:click=do_terminate>{label(lang, |t| t.terminate_confirm)}</button>
                        <button type="button" id="terminate-cancel" on:click=move |_| confirming.set(false)>{label(lang, |t| t.cancel)}</button>
                    </div>
                },
            )}
            {rv(move || terminate_note.get().map(|r| match r {
                Ok(()) => view! { <p class="job-note" id="terminate-note" role="status">{label(lang, |t| t.terminate_sent)}</p> }.into_any(),
                Err(e) => view! { <ErrorPanel lang error=e/> }.into_any(),
            }))}
            <dl class="job-summary">
                <div><dt>{label(lang, |t| t.job_status)}</dt>
                    <dd data-field="job_status" data-code=move || job_status().map(|s| s.to_string()).unwrap_or_default()>
                        {rv(move || match job_status() { Some(s) => RunStatus::label_for_code(s, lang.get()), None => t().loading.to_owned() })}
                    </dd></div>
                <div><dt>{label(lang, |t| t.step_status)}</dt>
                    <dd data-field="step_status">{rv(move || step().map(|s| RunStatus::label_for_code(s.status, lang.get())).unwrap_or_else(|| "--".into()))}</dd></div>
                <div><dt>{label(lang, |t| t.round)}</dt>
                    <dd data-field="round" data-execute-count=move || step().map(|s| s.execute_count.to_string()).unwrap_or_default()>
                        {rv(move || step().map(|s| fill(t().round_n, &[("n", &round(s.execute_count).to_string())])).unwrap_or_else(|| "--".into()))}
                    </dd></div>
                <div><dt>{label(lang, |t| t.start_time)}</dt>
                    <dd data-field="start_time">{rv(move || format_time(status.with(|s| s.as_ref().and_then(|d| d.job_instance.start_time)), offset))}</dd></div>
                <div><dt>{label(lang, |t| t.end_time)}</dt>
                    <dd data-field="end_time">{rv(move || format_time(status.with(|s| s.as_ref().and_then(|d| d.job_instance.end_time)), offset))}</dd></div>
                <div><dt>{label(lang, |t| t.total_time)}</dt>
                    <dd data-field="job_total_time">{rv(move || format_duration(status.with(|s| s.as_ref().and_then(|d| d.job_instance.total_time))))}</dd></div>
                <div><dt>{label(lang, |t| t.progress)}</dt>
                    <dd data-field="progress">
                        <progress max=move || progress.get().total.max(1) value=move || progress.get().done></progress>
                        " "
                        <span data-field="done">{rv(move || progress.get().done)}</span>
                        " / "
                        <span data-field="total">{rv(move || progress.get().total)}</span>
                        " · "
                        <span data-field="success_count">{rv(move || progress.get().success)}</span>
                        " " {label(lang, |t| t.success)} " · "
                        <span data-field="failed_count">{rv(move || progress.get().failed)}</span>
                        " " {label(lang, |t| t.failed)}
                    </dd></div>
            </dl>
            <RoundPicker ctx=ctx.clone() lang/>
            <BatchStripView strip lang/>
            <p class="job-poll-state" role="status" data-field="poll_state">
                {rv(move || if finished.get() { t().finished } else if status.with(|s| s.is_none()) && error.with(|e| e.is_none()) { t().loading } else if retry_in.get().is_none() { t().polling } else { "" })}
            </p>
            {rv(move || step_note.get().map(|n| view! {
                <p class="job-step-note" role="status" data-field="step_note" data-step-status=move || facts.get().map(|f| f.status.to_string()).unwrap_or_default()>
                    {rv(move || note_text(n, lang.get()))}
                </p>
            }))}
            {rv(move || retry_in.get().map(|d| {
                let secs = whole_seconds(d);
                view! {
                    <p class="job-retry" id="job-retry" data-retry-in=secs role="status">
                        {rv(move || fill(t().retrying, &[("n", &secs.to_string())]))}
                        " "
                        <button type="button" id="retry-now" on:click=move |_| shared.with_value(|c| { c.restart_cadence(); c.poll_now(); })>{label(lang, |t| t.retry_now)}</button>
                    </p>
                }
            }))}
            {rv(move || error.get().map(|e| view! { <ErrorPanel lang error=e/> }))}
            <div class="job-body">
                <HostResults model=shown_model lang state=host_state/>
                <div class="job-group-download">
                    <button type="button" id="download-group" disabled=move || downloading.get().is_some() || earlier_round.with(Option::is_some) on:click=download_group>
                        {label(lang, |t| t.download_group)}
                    </button>
                    {rv(move || downloading.get().map(|(d, n)| fill(t().downloading, &[("done", &d.to_string()), ("total", &n.to_string())])))}
                </div>
                <LogPanel lang log host=selected_host job_instance_id=job_id/>
            </div>
        </section>
    }
}
