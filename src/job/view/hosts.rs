//! The host list: group tabs, the filter, the copy buttons and the virtual list of hosts
//! (its UI state, [`HostListState`], is owned by the page so the log panel can read it).

use std::sync::Arc;

use bkjob_api::{HostStatus, Lang, StepIpResult};
use leptos::prelude::*;

use super::label;
use super::{OVERSCAN, ROW_HEIGHT, ROW_PX, VIEWPORT_HEIGHT, VIEWPORT_PX};
use crate::i18n::fill;
use crate::i18n::job::job_texts;
use crate::job::hosts::{
    copy_text, filter_group, format_seconds, scroll_to_show, visible_window, CopyFormat, GroupKey,
    HostModel,
};
use crate::view_helpers::{rv, when};
use crate::web as browser;

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
pub(super) fn current_group(model: &HostModel, chosen: Option<&GroupKey>) -> Option<usize> {
    chosen
        .and_then(|k| model.groups.iter().position(|g| &g.key == k))
        .or(if model.groups.is_empty() {
            None
        } else {
            Some(0)
        })
}

pub(super) fn group_label(key: &GroupKey, lang: Lang) -> String {
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
                                style=format!("height:{ROW_HEIGHT}px")
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
            {when(
                move || model.with(|m| m.rows.is_empty()),
                move || view! {
                    <p class="job-no-hosts">{label(lang, |t| t.no_hosts)}</p>
                },
            )}
            <div class="job-host-tools">
                <label>
                    <span>{label(lang, |t| t.host_filter)}</span>
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
                    <button type="button" data-copy="ip" on:click=move |_| do_copy(CopyFormat::Ip)>{label(lang, |t| t.copy_ip)}</button>
                    <button type="button" data-copy="cloud_ip" on:click=move |_| do_copy(CopyFormat::CloudIp)>{label(lang, |t| t.copy_cloud_ip)}</button>
                    <button type="button" data-copy="host_id" on:click=move |_| do_copy(CopyFormat::HostId)>{label(lang, |t| t.copy_host_id)}</button>
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
                        <p>{label(lang, |t| t.copy_fallback)}</p>
                        <textarea id="copy-fallback" readonly rows="6" node_ref=area>{text}</textarea>
                    </div>
                }
            }))}
            <div class="job-host-head" role="row" aria-hidden="true">
                <span>{label(lang, |t| t.col_ip)}</span>
                <span>{label(lang, |t| t.col_cloud)}</span>
                <span>{label(lang, |t| t.col_host_id)}</span>
                <span>{label(lang, |t| t.col_status)}</span>
                <span>{label(lang, |t| t.col_exit_code)}</span>
                <span>{label(lang, |t| t.col_time)}</span>
            </div>
            <div
                class="job-host-scroll"
                id="host-list"
                role="grid"
                tabindex="0"
                aria-rowcount=move || rows.with(|r| r.len())
                node_ref=scroller
                style=format!("height:{VIEWPORT_HEIGHT}px;overflow-y:auto;position:relative")
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
