//! The job view's components. Thin: every decision is made by the plain-Rust modules.

use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bkjob_api::{
    Draft, ErrorCode, FastExecuteScriptData, HostStatus, JobInstanceStatusData, Lang, RunStatus,
    StepIpResult,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::hosts::{
    copy_text, filter_group, format_seconds, log_batches, scroll_to_show, visible_window,
    CopyFormat, GroupKey, HostModel,
};
use super::logtext::{
    combined_section, group_log_file_name, log_file_name, segment, MAX_HIGHLIGHTS,
};
use super::poll::{whole_seconds, PollOutcome, PollSchedule};
use super::recent::{
    redo_draft, remember_in_stored, scrub_stored, RecentJob, RecentJobs, RECENT_JOBS_KEY,
};
use super::route::JobRoute;
use super::texts::{fill, format_duration, format_time, job_texts};
use crate::api::job::{CallError, HttpJobApi, JobApi};
use crate::conn::Connection;
use crate::view_helpers::rv;
use crate::web as browser;

/// Height of one host row, px (the virtual list needs a fixed height).
pub const ROW_PX: f64 = 28.0;
/// Height of the host list's viewport, px.
pub const VIEWPORT_PX: f64 = 420.0;
/// Rows rendered above and below the visible ones.
pub const OVERSCAN: usize = 8;

/// Record a successful launch in the recent-jobs list (localStorage), newest first, without
/// secrets or script text. Returns the job's route (for navigating to its view).
pub fn remember_launch(draft: &Draft, data: &FastExecuteScriptData) -> JobRoute {
    let job = RecentJob::from_launch(draft, data, browser::now_ms());
    let stored = browser::storage_get(RECENT_JOBS_KEY);
    browser::storage_set(
        RECENT_JOBS_KEY,
        &remember_in_stored(stored.as_deref(), &job),
    );
    job.route()
}

/// The stored recent-jobs list. A list an older version stored with script text is written
/// back without it first ([`scrub_stored`]), so upgrading removes the text from the browser.
pub fn load_recent() -> RecentJobs {
    let mut stored = browser::storage_get(RECENT_JOBS_KEY);
    if let Some(clean) = stored.as_deref().and_then(scrub_stored) {
        browser::storage_set(RECENT_JOBS_KEY, &clean);
        stored = Some(clean);
    }
    RecentJobs::from_json(stored.as_deref())
}

/// Split a status answer into the job/steps part and the host model of its script step
/// (the first step of type 1, else the first step). Returns the step's instance ID.
pub fn split_status(
    mut data: JobInstanceStatusData,
) -> (JobInstanceStatusData, Option<i64>, HostModel) {
    let pos = data
        .step_instance_list
        .iter()
        .position(|s| s.type_ == 1)
        .or(if data.step_instance_list.is_empty() {
            None
        } else {
            Some(0)
        });
    match pos {
        Some(p) => {
            let step = &mut data.step_instance_list[p];
            let rows = step.step_ip_result_list.take().unwrap_or_default();
            let id = step.step_instance_id;
            (data, Some(id), HostModel::new(rows))
        }
        None => (data, None, HostModel::default()),
    }
}

/// The host list's shared UI state (owned by the caller so other parts can read it).
#[derive(Clone, Copy)]
pub struct HostListState {
    /// The selected group tab.
    pub group: RwSignal<Option<GroupKey>>,
    /// The filter text.
    pub filter: RwSignal<String>,
    /// The host whose log is shown.
    pub selected: RwSignal<Option<StepIpResult>>,
}

impl HostListState {
    /// Fresh state (no group chosen: the first group shows).
    pub fn new() -> Self {
        HostListState {
            group: RwSignal::new(None),
            filter: RwSignal::new(String::new()),
            selected: RwSignal::new(None),
        }
    }
}

impl Default for HostListState {
    fn default() -> Self {
        Self::new()
    }
}

/// The effective group: the chosen one if it still exists, else the first.
fn current_group(model: &HostModel, chosen: Option<&GroupKey>) -> Option<usize> {
    chosen
        .and_then(|k| model.groups.iter().position(|g| &g.key == k))
        .or(if model.groups.is_empty() {
            None
        } else {
            Some(0)
        })
}

fn group_label(key: &GroupKey, lang: Lang) -> String {
    let status = HostStatus::label_for_code(key.status, lang);
    if key.tag.is_empty() {
        status
    } else {
        format!("{status} · {}", key.tag)
    }
}

/// The filtered rows of the current group (indexes into `model.rows`).
pub fn visible_rows(model: &HostModel, state: &HostListState) -> Arc<[u32]> {
    let chosen = state.group.get();
    let filter = state.filter.get();
    match current_group(model, chosen.as_ref()) {
        Some(i) => filter_group(&model.rows, &model.groups[i].rows, &filter),
        None => Arc::from(Vec::new()),
    }
}

/// Group tabs, the filter, the copy buttons and the virtual host list. Renders only the
/// rows in view (plus [`OVERSCAN`]), so 50,000 hosts stay fast.
#[component]
pub fn HostResults(
    /// The hosts (one model per status answer).
    #[prop(into)]
    model: Signal<Arc<HostModel>>,
    /// UI language.
    #[prop(into)]
    lang: Signal<Lang>,
    /// Group / filter / selection state.
    #[prop(optional)]
    state: Option<HostListState>,
) -> impl IntoView {
    let state = state.unwrap_or_default();
    let t = move || job_texts(lang.get());
    let scroll_top = RwSignal::new(0.0f64);
    let viewport = RwSignal::new(VIEWPORT_PX);
    let cursor = RwSignal::new(0usize);
    let copy_note = RwSignal::new(None::<String>);
    let copy_fallback = RwSignal::new(None::<String>);
    let scroller = NodeRef::<leptos::html::Div>::new();

    let rows = Memo::new(move |_| model.with(|m| visible_rows(m, &state)));
    let group_idx =
        Memo::new(move |_| model.with(|m| current_group(m, state.group.get().as_ref())));

    // A new filter or group starts at the top.
    Effect::new(move |prev: Option<()>| {
        state.filter.track();
        state.group.track();
        if prev.is_some() {
            scroll_top.set(0.0);
            cursor.set(0);
            if let Some(el) = scroller.get_untracked() {
                el.set_scroll_top(0);
            }
        }
    });

    let window = Memo::new(move |_| {
        visible_window(
            rows.with(|r| r.len()),
            ROW_PX,
            scroll_top.get(),
            viewport.get(),
            OVERSCAN,
        )
    });

    let tabs = move || {
        let lang = lang.get();
        let current = group_idx.get();
        model.with(|m| {
            m.groups
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    let key = g.key.clone();
                    let selected = current == Some(i);
                    let label = group_label(&g.key, lang);
                    let count = g.count();
                    view! {
                        <button
                            type="button"
                            role="tab"
                            class="job-group-tab"
                            class:selected=selected
                            aria-selected=if selected { "true" } else { "false" }
                            data-group=g.key.attr()
                            data-status=g.key.status
                            data-count=count
                            data-success=HostStatus::from_code(g.key.status).is_some_and(|s| s.is_success()).to_string()
                            on:click=move |_| state.group.set(Some(key.clone()))
                        >
                            <span class="label">{label}</span>
                            " "
                            <span class="count">{count}</span>
                        </button>
                    }
                })
                .collect_view()
        })
    };

    let do_copy = move |format: CopyFormat| {
        let text = model.with_untracked(|m| rows.with_untracked(|r| copy_text(&m.rows, r, format)));
        let lines = if text.is_empty() {
            0
        } else {
            text.lines().count()
        };
        copy_fallback.set(None);
        let fallback_text = text.clone();
        browser::copy_to_clipboard(&text, move |ok| {
            if ok {
                copy_note.set(Some(lines.to_string()));
            } else {
                copy_note.set(None);
                copy_fallback.set(Some(fallback_text));
            }
        });
    };

    let open = move |pos: usize| {
        let host = model.with_untracked(|m| {
            rows.with_untracked(|r| r.get(pos).and_then(|&i| m.rows.get(i as usize).cloned()))
        });
        if host.is_some() {
            cursor.set(pos);
            state.selected.set(host);
        }
    };

    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let len = rows.with_untracked(|r| r.len());
        if len == 0 {
            return;
        }
        let page = ((viewport.get_untracked() / ROW_PX) as usize).max(1);
        let cur = cursor.get_untracked().min(len - 1);
        let next = match ev.key().as_str() {
            "ArrowDown" => (cur + 1).min(len - 1),
            "ArrowUp" => cur.saturating_sub(1),
            "PageDown" => (cur + page).min(len - 1),
            "PageUp" => cur.saturating_sub(page),
            "Home" => 0,
            "End" => len - 1,
            "Enter" | " " => {
                ev.prevent_default();
                open(cur);
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        cursor.set(next);
        if let Some(top) = scroll_to_show(
            next,
            ROW_PX,
            scroll_top.get_untracked(),
            viewport.get_untracked(),
        ) {
            scroll_top.set(top);
            if let Some(el) = scroller.get_untracked() {
                el.set_scroll_top(top as i32);
            }
        }
    };

    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            scroll_top.set(f64::from(el.scroll_top()));
            let h = f64::from(el.client_height());
            if h > 0.0 {
                viewport.set(h);
            }
        }
    };

    let row_views = move || {
        let w = window.get();
        let lang = lang.get();
        let selected = state.selected.get();
        let cur = cursor.get();
        model.with(|m| {
            rows.with(|r| {
                w.range
                    .clone()
                    .filter_map(|pos| {
                        let h = m.rows.get(*r.get(pos)? as usize)?;
                        let is_selected = selected.as_ref().is_some_and(|s| {
                            s.bk_host_id == h.bk_host_id && s.ip == h.ip && s.bk_cloud_id == h.bk_cloud_id
                        });
                        Some(view! {
                            <div
                                role="row"
                                class="job-host-row"
                                class:selected=is_selected
                                class:cursor=pos == cur
                                aria-selected=if is_selected { "true" } else { "false" }
                                aria-rowindex=pos + 1
                                data-host-id=h.bk_host_id.map(|v| v.to_string()).unwrap_or_default()
                                style=format!("height:{ROW_PX}px")
                                on:click=move |_| open(pos)
                            >
                                <span role="gridcell" data-field="ip">{h.ip.clone().unwrap_or_default()}</span>
                                <span role="gridcell" data-field="bk_cloud_id">{h.bk_cloud_id.map(|v| v.to_string()).unwrap_or_default()}</span>
                                <span role="gridcell" data-field="bk_host_id">{h.bk_host_id.map(|v| v.to_string()).unwrap_or_default()}</span>
                                <span role="gridcell" data-field="status" data-code=h.status>{HostStatus::label_for_code(h.status, lang)}</span>
                                <span role="gridcell" data-field="exit_code">{h.exit_code.map(|v| v.to_string()).unwrap_or_default()}</span>
                                <span role="gridcell" data-field="total_time">{format_seconds(h.total_time)}</span>
                            </div>
                        })
                    })
                    .collect_view()
            })
        })
    };

    let total_in_group =
        move || model.with(|m| group_idx.get().map(|i| m.groups[i].count()).unwrap_or(0));

    view! {
        <div class="job-hosts">
            <div class="job-groups" role="tablist" aria-label=move || t().groups>
                {tabs}
            </div>
            <Show when=move || model.with(|m| m.rows.is_empty())>
                <p class="job-no-hosts">{rv(move || t().no_hosts)}</p>
            </Show>
            <div class="job-host-tools">
                <label>
                    <span>{rv(move || t().host_filter)}</span>
                    <input
                        type="search"
                        name="host_filter"
                        autocomplete="off"
                        placeholder=move || t().host_filter_placeholder
                        prop:value=move || state.filter.get()
                        on:input=move |ev| state.filter.set(event_target_value(&ev))
                    />
                </label>
                <span class="job-filter-count" data-field="filter_count">
                    {rv(move || fill(t().filter_count, &[("n", &rows.with(|r| r.len()).to_string()), ("total", &total_in_group().to_string())]))}
                </span>
                <span class="job-copy">
                    <button type="button" data-copy="ip" on:click=move |_| do_copy(CopyFormat::Ip)>{rv(move || t().copy_ip)}</button>
                    <button type="button" data-copy="cloud_ip" on:click=move |_| do_copy(CopyFormat::CloudIp)>{rv(move || t().copy_cloud_ip)}</button>
                    <button type="button" data-copy="host_id" on:click=move |_| do_copy(CopyFormat::HostId)>{rv(move || t().copy_host_id)}</button>
                </span>
                <span class="job-copy-note" role="status">
                    {rv(move || copy_note.get().map(|n| fill(t().copied, &[("n", &n)])))}
                </span>
            </div>
            {rv(move || copy_fallback.get().map(|text| {
                let area = NodeRef::<leptos::html::Textarea>::new();
                area.on_load(move |el| {
                    let _ = el.focus();
                    el.select();
                });
                view! {
                    <div class="job-copy-fallback">
                        <p>{rv(move || t().copy_fallback)}</p>
                        <textarea id="copy-fallback" readonly rows="6" node_ref=area>{text}</textarea>
                    </div>
                }
            }))}
            <div class="job-host-head" role="row" aria-hidden="true">
                <span>{rv(move || t().col_ip)}</span>
                <span>{rv(move || t().col_cloud)}</span>
                <span>{rv(move || t().col_host_id)}</span>
                <span>{rv(move || t().col_status)}</span>
                <span>{rv(move || t().col_exit_code)}</span>
                <span>{rv(move || t().col_time)}</span>
            </div>
            <div
                class="job-host-scroll"
                id="host-list"
                role="grid"
                tabindex="0"
                aria-rowcount=move || rows.with(|r| r.len())
                node_ref=scroller
                style=format!("height:{VIEWPORT_PX}px;overflow-y:auto;position:relative")
                on:scroll=on_scroll
                on:keydown=on_key
            >
                <div class="job-host-spacer" style=move || format!("height:{}px;position:relative", window.get().total_px as i64)>
                    <div class="job-host-window" style=move || format!("position:absolute;left:0;right:0;top:0;transform:translateY({}px)", window.get().offset_px as i64)>
                        {row_views}
                    </div>
                </div>
            </div>
        </div>
    }
}

/// State of the log panel.
#[derive(Clone, Debug, PartialEq)]
enum LogState {
    Idle,
    Loading,
    Text(Arc<str>),
    File,
    Failed(CallError),
}

/// The log of one host: search with highlighted matches, wrap, download. The text is
/// rendered as text nodes only.
#[component]
fn LogPanel(
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
                {rv(move || t().log_title)}
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
                    {rv(move || t().wrap)}
                </label>
                <button type="button" id="download-log" disabled=move || text.get().is_none() on:click=download>
                    {rv(move || t().download_log)}
                </button>
            </div>
            <pre
                id="host-log"
                tabindex="0"
                class:wrap=move || wrap.get()
                data-state=move || match log.get() { LogState::Idle => "idle", LogState::Loading => "loading", LogState::Text(_) => "loaded", LogState::File => "file", LogState::Failed(_) => "error" }
                style=move || if wrap.get() { "white-space:pre-wrap;overflow-wrap:anywhere" } else { "white-space:pre;overflow-x:auto" }
            >
                {body}
            </pre>
        </div>
    }
}

/// An API / network error shown in place, with a permission panel for 9900403.
#[component]
fn ErrorPanel(#[prop(into)] lang: Signal<Lang>, error: CallError) -> impl IntoView {
    let t = job_texts(lang.get_untracked());
    let kind = error.kind();
    let code = error.code().map(|c| c.to_string()).unwrap_or_default();
    let (title, message, request_id, rows) = match &error {
        CallError::Api {
            code,
            message,
            job_request_id,
            permission,
            ..
        } => {
            let title = match ErrorCode(*code) {
                ErrorCode::PERMISSION_DENIED => t.error_permission,
                ErrorCode::TASK_INSTANCE_NOT_EXIST => t.error_unknown_job,
                _ => t.error_api,
            };
            let rows = permission
                .as_ref()
                .map(|p| crate::panels::permission_rows(p, lang.get_untracked()))
                .unwrap_or_default();
            (title, message.clone(), job_request_id.clone(), rows)
        }
        CallError::Http {
            http_status,
            excerpt,
        } => (
            t.error_http,
            format!("HTTP {http_status}: {excerpt}"),
            None,
            Vec::new(),
        ),
        CallError::Network { detail } => (t.error_network, detail.clone(), None, Vec::new()),
        CallError::TooLarge {
            http_status,
            max_bytes,
        } => (
            t.error_too_large,
            format!(
                "HTTP {http_status}: {}",
                fill(
                    t.too_large_detail,
                    &[("n", &crate::limit::cap_text(*max_bytes))]
                )
            ),
            None,
            Vec::new(),
        ),
    };
    let has_rows = !rows.is_empty();
    view! {
        <div class="job-error" role="alert" data-kind=kind data-code=code.clone()>
            <strong>{title}</strong>
            <p class="job-error-message">{message}</p>
            {(!code.is_empty()).then(|| view! { <p><span>{t.code}": "</span><code>{code.clone()}</code></p> })}
            {request_id.map(|r| view! { <p><span>{t.request_id}": "</span><code>{r}</code></p> })}
            {has_rows.then(|| view! {
                <div class="job-permission" id="job-permission">
                    <p>{t.perm_actions}</p>
                    <ul>
                        {rows.into_iter().map(|r| view! {
                            <li data-action=r.id.clone()>
                                <strong>{r.name}</strong>
                                <ul>{r.resources.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </div>
    }
}

/// The polling loop's shared state (Send + Sync so cleanup can reach it).
struct Poller {
    schedule: PollSchedule,
    in_flight: bool,
    timer: Option<TimeoutHandle>,
}

/// Everything the job view's handlers need (cheap to clone).
#[derive(Clone)]
struct Ctx {
    route: JobRoute,
    api: Rc<dyn JobApi>,
    alive: Arc<AtomicBool>,
    poller: Arc<Mutex<Poller>>,
    status: RwSignal<Option<Arc<JobInstanceStatusData>>>,
    step_id: RwSignal<Option<i64>>,
    model: RwSignal<Arc<HostModel>>,
    error: RwSignal<Option<CallError>>,
    retry_in: RwSignal<Option<Duration>>,
    hosts: HostListState,
    log: RwSignal<LogState>,
    log_gen: Arc<Mutex<u64>>,
    log_host_done: Arc<AtomicBool>,
}

impl Ctx {
    fn alive(&self) -> bool {
        self.alive.load(Ordering::SeqCst)
    }

    /// Ask for the status now, unless a request is already running.
    fn poll_now(&self) {
        if !self.alive() {
            return;
        }
        {
            let mut p = self.poller.lock().unwrap();
            if p.in_flight || p.schedule.is_stopped() {
                return;
            }
            if let Some(t) = p.timer.take() {
                t.clear();
            }
            p.in_flight = true;
        }
        let ctx = self.clone();
        spawn_local(async move {
            let answer = ctx.api.status(&ctx.route).await;
            if !ctx.alive() {
                return;
            }
            let outcome = ctx.apply_status(answer);
            let delay = {
                let mut p = ctx.poller.lock().unwrap();
                p.in_flight = false;
                p.schedule.next_delay(outcome)
            };
            ctx.retry_in.set(if outcome == PollOutcome::Failed {
                delay
            } else {
                None
            });
            if let Some(d) = delay {
                let next = ctx.clone();
                let handle = set_timeout_with_handle(move || next.poll_now(), d).ok();
                ctx.poller.lock().unwrap().timer = handle;
            }
        });
    }

    fn restart_cadence(&self) {
        self.poller.lock().unwrap().schedule.restart();
    }

    fn apply_status(&self, answer: Result<JobInstanceStatusData, CallError>) -> PollOutcome {
        match answer {
            Ok(data) => {
                let finished = data.finished
                    || RunStatus::from_code(data.job_instance.status)
                        .is_some_and(RunStatus::is_finished);
                let (data, step, model) = split_status(data);
                let job_status = data.job_instance.status;
                self.error.set(None);
                self.step_id.set(step);
                self.model.set(Arc::new(model));
                self.status.set(Some(Arc::new(data)));
                let mut list = load_recent();
                if list.set_status(&self.route, job_status) {
                    browser::storage_set(RECENT_JOBS_KEY, &list.to_json());
                }
                // A log fetched while its host was still running is refreshed.
                if !self.log_host_done.load(Ordering::SeqCst) {
                    if let Some(h) = self.hosts.selected.get_untracked() {
                        self.load_log(h, true);
                    }
                }
                if finished {
                    PollOutcome::Finished
                } else {
                    PollOutcome::Running
                }
            }
            Err(e) => {
                self.error.set(Some(e));
                PollOutcome::Failed
            }
        }
    }

    /// Fetch one host's log (a newer request wins over an older one).
    fn load_log(&self, host: StepIpResult, quiet: bool) {
        let Some(step) = self.step_id.get_untracked() else {
            return;
        };
        // the host's current status decides whether the log can still grow
        let done = self.model.with_untracked(|m| {
            m.rows
                .iter()
                .find(|r| r.bk_host_id == host.bk_host_id && r.ip == host.ip)
                .map(|r| HostStatus::from_code(r.status).is_none_or(HostStatus::is_finished))
                .unwrap_or(true)
        });
        let gen = {
            let mut g = self.log_gen.lock().unwrap();
            *g += 1;
            *g
        };
        if !quiet {
            self.log.set(LogState::Loading);
        }
        let ctx = self.clone();
        spawn_local(async move {
            let answer = ctx.api.host_log(&ctx.route, step, &host).await;
            if !ctx.alive() || *ctx.log_gen.lock().unwrap() != gen {
                return;
            }
            ctx.log_host_done.store(done, Ordering::SeqCst);
            ctx.log.set(match answer {
                Ok(d) if d.log_type == 2 => LogState::File,
                Ok(d) => LogState::Text(Arc::from(d.log_content.unwrap_or_default())),
                Err(e) => LogState::Failed(e),
            });
        });
    }
}

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
        conn.with(|c| format!("{c:?}").hash(&mut h));
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
    let ctx = Ctx {
        route: route.clone(),
        api,
        alive: Arc::new(AtomicBool::new(true)),
        poller: Arc::new(Mutex::new(Poller {
            schedule: schedule.unwrap_or_default(),
            in_flight: false,
            timer: None,
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
    let recent = load_recent().find(&route).cloned();
    let redo = recent.as_ref().and_then(redo_draft);
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
                    <span>{rv(move || t().title)}</span>
                    " #" {job_id.to_string()} " "
                    <span class="job-name" data-field="name">{job_name}</span>
                </h2>
                <div class="job-actions">
                    <Show when=move || status.with(|s| s.is_some()) && !finished.get()>
                        <button type="button" id="terminate" class="danger" on:click=move |_| confirming.set(true)>
                            {rv(move || t().terminate)}
                        </button>
                    </Show>
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
                        {rv(move || t().redo)}
                    </button>
                </div>
            </header>
            <Show when=move || confirming.get()>
                <div class="job-confirm" id="terminate-dialog" role="alertdialog" aria-modal="false">
                    <p>{rv(move || fill(t().terminate_question, &[
                        ("name", &job_name()),
                        ("id", &job_id.to_string()),
                        ("n", &progress.get().total.to_string()),
                    ]))}</p>
                    <button type="button" id="terminate-confirm" class="danger" on:click=do_terminate>{rv(move || t().terminate_confirm)}</button>
                    <button type="button" id="terminate-cancel" on:click=move |_| confirming.set(false)>{rv(move || t().cancel)}</button>
                </div>
            </Show>
            {rv(move || terminate_note.get().map(|r| match r {
                Ok(()) => view! { <p class="job-note" id="terminate-note" role="status">{rv(move || t().terminate_sent)}</p> }.into_any(),
                Err(e) => view! { <ErrorPanel lang error=e/> }.into_any(),
            }))}
            <dl class="job-summary">
                <div><dt>{rv(move || t().job_status)}</dt>
                    <dd data-field="job_status" data-code=move || job_status().map(|s| s.to_string()).unwrap_or_default()>
                        {rv(move || match job_status() { Some(s) => RunStatus::label_for_code(s, lang.get()), None => t().loading.to_owned() })}
                    </dd></div>
                <div><dt>{rv(move || t().step_status)}</dt>
                    <dd data-field="step_status">{rv(move || step().map(|s| RunStatus::label_for_code(s.status, lang.get())).unwrap_or_else(|| "--".into()))}</dd></div>
                <div><dt>{rv(move || t().start_time)}</dt>
                    <dd data-field="start_time">{rv(move || format_time(status.with(|s| s.as_ref().and_then(|d| d.job_instance.start_time)), offset))}</dd></div>
                <div><dt>{rv(move || t().end_time)}</dt>
                    <dd data-field="end_time">{rv(move || format_time(status.with(|s| s.as_ref().and_then(|d| d.job_instance.end_time)), offset))}</dd></div>
                <div><dt>{rv(move || t().total_time)}</dt>
                    <dd data-field="job_total_time">{rv(move || format_duration(status.with(|s| s.as_ref().and_then(|d| d.job_instance.total_time))))}</dd></div>
                <div><dt>{rv(move || t().progress)}</dt>
                    <dd data-field="progress">
                        <progress max=move || progress.get().total.max(1) value=move || progress.get().done></progress>
                        " "
                        <span data-field="done">{rv(move || progress.get().done)}</span>
                        " / "
                        <span data-field="total">{rv(move || progress.get().total)}</span>
                        " · "
                        <span data-field="success_count">{rv(move || progress.get().success)}</span>
                        " " {rv(move || t().success)} " · "
                        <span data-field="failed_count">{rv(move || progress.get().failed)}</span>
                        " " {rv(move || t().failed)}
                    </dd></div>
            </dl>
            <p class="job-poll-state" role="status" data-field="poll_state">
                {rv(move || if finished.get() { t().finished } else if status.with(|s| s.is_none()) && error.with(|e| e.is_none()) { t().loading } else if retry_in.get().is_none() { t().polling } else { "" })}
            </p>
            {rv(move || retry_in.get().map(|d| {
                let secs = whole_seconds(d);
                view! {
                    <p class="job-retry" id="job-retry" data-retry-in=secs role="status">
                        {rv(move || fill(t().retrying, &[("n", &secs.to_string())]))}
                        " "
                        <button type="button" id="retry-now" on:click=move |_| shared.with_value(|c| { c.restart_cadence(); c.poll_now(); })>{rv(move || t().retry_now)}</button>
                    </p>
                }
            }))}
            {rv(move || error.get().map(|e| view! { <ErrorPanel lang error=e/> }))}
            <div class="job-body">
                <HostResults model=Signal::from(model) lang state=host_state/>
                <div class="job-group-download">
                    <button type="button" id="download-group" disabled=move || downloading.get().is_some() on:click=download_group>
                        {rv(move || t().download_group)}
                    </button>
                    {rv(move || downloading.get().map(|(d, n)| fill(t().downloading, &[("done", &d.to_string()), ("total", &n.to_string())])))}
                </div>
                <LogPanel lang log host=selected_host job_instance_id=job_id/>
            </div>
        </section>
    }
}

/// The recent jobs launched from this browser (localStorage), newest first, each a link to
/// its view. With `on_open` a click is handed to the app's router instead of a page load.
#[component]
pub fn RecentJobsList(
    /// UI language.
    #[prop(into)]
    lang: Signal<Lang>,
    /// Client-side navigation; without it the links load the page.
    #[prop(optional, into)]
    on_open: Option<Callback<JobRoute>>,
) -> impl IntoView {
    // The empty note is the app's text: it shows it itself while the browser has no list yet
    // (a first visit does not load this module).
    let t = move || crate::i18n::t(lang.get());
    let list = load_recent();
    let offset = browser::utc_offset_minutes();
    let empty = list.jobs.is_empty();
    // No heading: the app's section around this panel has it.
    view! {
            {empty.then(|| view! { <p class="recent-empty">{rv(move || t().recent_empty)}</p> })}
            <ul id="recent-jobs">
                {list.jobs.into_iter().map(|j| {
                    let route = j.route();
                    let status = j.last_status;
                    view! {
                        <li>
                            <a
                                href=route.path()
                                data-job-instance-id=j.job_instance_id.to_string()
                                on:click=move |ev| {
                                    if let Some(cb) = on_open {
                                        ev.prevent_default();
                                        cb.run(route.clone());
                                    }
                                }
                            >
                                {if j.name.is_empty() { format!("#{}", j.job_instance_id) } else { j.name.clone() }}
                            </a>
                            " "
                            <span class="recent-id">"#"{j.job_instance_id.to_string()}</span>
                            " "
                            <time>{format_time(Some(j.launched_at_ms), offset)}</time>
                            " "
                            <span class="recent-status" data-code=status.map(|s| s.to_string()).unwrap_or_default()>
                                {rv(move || status.map(|s| RunStatus::label_for_code(s, lang.get())).unwrap_or_default())}
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ul>
    }
}
