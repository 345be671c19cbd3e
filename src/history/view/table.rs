//! The history page's results: the summary, the jobs (each a link to its view) and the pager.
//! A table on wide screens; each row a small card on narrow ones (`style/job.css`).

use bkjob_api::{JobInstanceListItem, Lang, PageData, RunStatus};
use leptos::prelude::*;

use crate::history::query::{HistoryQuery, Paging};
use crate::i18n::fill;
use crate::i18n::history::{history_texts, HistoryTexts};
use crate::job::format::{format_duration, format_time};
use crate::job::JobRoute;
use crate::view_helpers::rv;
use crate::web;

type Col = fn(&HistoryTexts) -> &'static str;

const COLUMNS: [(&str, Col); 7] = [
    ("job_instance_id", |t| t.col_id),
    ("name", |t| t.col_name),
    ("status", |t| t.col_status),
    ("operator", |t| t.col_operator),
    ("launch_mode", |t| t.col_mode),
    ("create_time", |t| t.col_created),
    ("total_time", |t| t.col_duration),
];

/// One page of jobs found in `window`, with the pager.
#[component]
pub(super) fn Results(
    page: PageData<JobInstanceListItem>,
    window: (i64, i64),
    query: HistoryQuery,
    #[prop(into)] lang: Signal<Lang>,
    apply: Callback<HistoryQuery>,
    open: Callback<String>,
) -> impl IntoView {
    let t = move || history_texts(lang.get());
    let rows = page.data.unwrap_or_default();
    let paging = Paging::of(page.start, page.length, page.total, rows.len());
    let offset = web::utc_offset_minutes();
    let summary = move || {
        fill(
            t().summary,
            &[
                ("total", &paging.total.to_string()),
                ("from", &format_time(Some(window.0), offset)),
                ("to", &format_time(Some(window.1), offset)),
            ],
        )
    };
    let range_text = move || {
        fill(
            t().rows,
            &[
                ("first", &paging.first.to_string()),
                ("last", &paging.last.to_string()),
                ("total", &paging.total.to_string()),
            ],
        )
    };
    let page_text = move || {
        fill(
            t().page_of,
            &[
                ("page", &paging.page.to_string()),
                ("pages", &paging.pages.to_string()),
            ],
        )
    };
    let (q_prev, q_next) = (query.clone(), query.clone());
    let go_prev = move |_| apply.run(q_prev.clone().on_page(paging.prev_page()));
    let go_next = move |_| apply.run(q_next.clone().on_page(paging.page + 1));
    let empty = rows.is_empty();
    let body = rows
        .into_iter()
        .map(|j| {
            let scope_type = j.bk_scope_type.clone().unwrap_or_else(|| query.scope_type.clone());
            let scope_id = j.bk_scope_id.clone().unwrap_or_else(|| query.scope_id.clone());
            let path = JobRoute::new(&scope_type, &scope_id, j.job_instance_id).path();
            let href = path.clone();
            let label = if j.name.is_empty() {
                format!("#{}", j.job_instance_id)
            } else {
                j.name.clone()
            };
            let status = j.status;
            let mode = j.launch_mode;
            let cell = move |i: usize| COLUMNS[i].1(history_texts(lang.get()));
            view! {
                <tr data-job-instance-id=j.job_instance_id.to_string() data-status=status.to_string()>
                    <td data-field="job_instance_id" data-label=move || cell(0)>{j.job_instance_id.to_string()}</td>
                    <td data-field="name" data-label=move || cell(1)>
                        <a
                            href=href
                            on:click=move |ev| {
                                ev.prevent_default();
                                open.run(path.clone());
                            }
                        >
                            {label}
                        </a>
                    </td>
                    <td data-field="status" data-code=status.to_string() data-label=move || cell(2)>
                        {rv(move || RunStatus::label_for_code(status, lang.get()))}
                    </td>
                    <td data-field="operator" data-label=move || cell(3)>{j.operator.clone()}</td>
                    <td data-field="launch_mode" data-code=mode.to_string() data-label=move || cell(4)>
                        {rv(move || t().mode(mode))}
                    </td>
                    <td data-field="create_time" data-label=move || cell(5)>
                        <time>{format_time(j.create_time, offset)}</time>
                    </td>
                    <td data-field="total_time" data-label=move || cell(6)>{format_duration(j.total_time)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="history-summary" id="history-summary" role="status" data-total=paging.total.to_string()>
            {rv(summary)}
        </p>
        {empty.then(|| view! { <p class="history-empty" id="history-empty">{rv(move || t().empty)}</p> })}
        <div class="history-table-wrap">
            <table class="history-table" id="history-table" aria-labelledby="history-title">
                <thead>
                    <tr>
                        {COLUMNS
                            .iter()
                            .map(|&(field, label)| view! {
                                <th scope="col" data-field=field>{rv(move || label(t()))}</th>
                            })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
        <nav class="history-pager" aria-label=move || t().pages_label>
            <button type="button" id="history-prev" disabled=!paging.has_prev() on:click=go_prev>
                {rv(move || t().prev)}
            </button>
            <span id="history-page" data-page=paging.page.to_string() data-pages=paging.pages.to_string()>
                {rv(page_text)}
            </span>
            <span class="history-rows">{rv(range_text)}</span>
            <button type="button" id="history-next" disabled=!paging.has_next() on:click=go_next>
                {rv(move || t().next)}
            </button>
        </nav>
    }
}
