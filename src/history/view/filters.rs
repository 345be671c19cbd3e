//! The history page's filter form: the business, the time range (quick ranges, or a custom
//! start and end), status, name, operator, host IP and launch mode. Edits stay in the form
//! until "Search" (or Enter); a quick range searches at once. Control names are the API's
//! fields.

use bkjob_api::{Lang, RunStatus};
use leptos::ev;
use leptos::prelude::*;

use crate::history::query::{
    format_local, parse_local, HistoryQuery, QueryError, QuickRange, Window, LAUNCH_MODES,
};
use crate::i18n::history::{history_texts, HistoryTexts};
use crate::view_helpers::rv;
use crate::web;

/// What a filter problem says.
pub(super) fn problem_text(t: &HistoryTexts, e: QueryError) -> &'static str {
    match e {
        QueryError::NoScope => t.no_scope,
        QueryError::NoWindow => t.no_window,
        QueryError::EmptyWindow => t.empty_window,
        QueryError::WindowTooWide => t.window_too_wide,
    }
}

type Getter = fn(&HistoryQuery) -> String;
type Setter = fn(&mut HistoryQuery, String);

/// One text filter bound to the edited query.
fn text_filter(
    edit: RwSignal<HistoryQuery>,
    name: &'static str,
    label: fn(&HistoryTexts) -> &'static str,
    lang: Signal<Lang>,
    get: Getter,
    set: Setter,
    kind: &'static str,
) -> impl IntoView {
    let id = format!("history-{name}");
    view! {
        <div class="history-field">
            <label for=id.clone()>{rv(move || label(history_texts(lang.get())))}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete="off"
                spellcheck="false"
                prop:value=move || edit.with(get)
                on:input=move |ev| edit.update(|q| set(q, event_target_value(&ev)))
            />
        </div>
    }
}

/// The filter form. `applied` is the search shown; `apply` searches with new filters.
#[component]
pub(super) fn Filters(
    applied: RwSignal<HistoryQuery>,
    #[prop(into)] lang: Signal<Lang>,
    apply: Callback<HistoryQuery>,
) -> impl IntoView {
    let t = move || history_texts(lang.get());
    let edit = RwSignal::new(applied.get_untracked());
    let offset = web::utc_offset_minutes();
    let custom_values = move |w: Window| {
        let (s, e) = w.bounds(web::now_ms());
        (format_local(s, offset), format_local(e, offset))
    };
    let custom = RwSignal::new(matches!(
        applied.get_untracked().window,
        Window::Between { .. }
    ));
    let (s0, e0) = custom_values(applied.get_untracked().window);
    let start_text = RwSignal::new(s0);
    let end_text = RwSignal::new(e0);
    let problem = RwSignal::new(None::<QueryError>);
    // A search from elsewhere (Back, paging) shows its filters.
    Effect::new(move |_| {
        let q = applied.get();
        let between = matches!(q.window, Window::Between { .. });
        if between {
            let (s, e) = custom_values(q.window);
            start_text.set(s);
            end_text.set(e);
        }
        custom.set(between);
        edit.set(q);
    });
    let search = move |q: HistoryQuery| {
        let q = q.first_page();
        match q.request(web::now_ms()) {
            Err(e) => problem.set(Some(e)),
            Ok(_) => {
                problem.set(None);
                apply.run(q);
            }
        }
    };
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let mut q = edit.get_untracked();
        if custom.get_untracked() {
            let start = parse_local(&start_text.get_untracked(), offset).unwrap_or(0);
            let end = parse_local(&end_text.get_untracked(), offset).unwrap_or(0);
            q.window = Window::Between { start, end };
        }
        search(q);
    };
    let on_clear = move |_| {
        let q = edit.get_untracked();
        search(HistoryQuery {
            scope_type: q.scope_type,
            scope_id: q.scope_id,
            ..HistoryQuery::default()
        });
    };
    let range_button = move |r: QuickRange| {
        let pressed = move || !custom.get() && edit.with(|q| q.window == Window::Last(r));
        view! {
            <button
                type="button"
                class="history-range-button"
                data-range=r.name()
                aria-pressed=move || pressed().to_string()
                on:click=move |_| {
                    let mut q = edit.get_untracked();
                    q.window = Window::Last(r);
                    search(q);
                }
            >
                {rv(move || t().range(r))}
            </button>
        }
    };
    let on_custom = move |_| {
        if !custom.get_untracked() {
            let (s, e) = custom_values(edit.with_untracked(|q| q.window));
            start_text.set(s);
            end_text.set(e);
            custom.set(true);
        }
    };
    let time_input = move |name: &'static str,
                           label: fn(&HistoryTexts) -> &'static str,
                           value: RwSignal<String>| {
        let id = format!("history-{name}");
        view! {
            <div class="history-field">
                <label for=id.clone()>{rv(move || label(t()))}</label>
                <input
                    id=id
                    name=name
                    type="datetime-local"
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </div>
        }
    };
    let select = move |name: &'static str,
                       label: fn(&HistoryTexts) -> &'static str,
                       options: Vec<(i32, String)>,
                       get: fn(&HistoryQuery) -> Option<i32>,
                       set: fn(&mut HistoryQuery, Option<i32>)| {
        let id = format!("history-{name}");
        view! {
            <div class="history-field">
                <label for=id.clone()>{rv(move || label(t()))}</label>
                <select
                    id=id
                    name=name
                    on:change=move |ev| edit.update(|q| set(q, event_target_value(&ev).parse().ok()))
                >
                    <option value="" selected=move || edit.with(get).is_none()>{rv(move || t().any)}</option>
                    {options
                        .into_iter()
                        .map(|(v, text)| view! {
                            <option value=v.to_string() selected=move || edit.with(get) == Some(v)>{text}</option>
                        })
                        .collect_view()}
                </select>
            </div>
        }
    };
    let statuses = move || {
        let l = lang.get();
        RunStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label(l).to_owned()))
            .collect::<Vec<_>>()
    };
    let modes = move || {
        let tx = t();
        LAUNCH_MODES
            .iter()
            .map(|&m| (m, tx.mode(m)))
            .collect::<Vec<_>>()
    };
    view! {
        <form class="history-filters" id="history-filters" novalidate on:submit=on_submit>
            <div class="history-row">
                <div class="history-field">
                    <label for="history-bk_scope_type">{rv(move || t().scope_type)}</label>
                    <select
                        id="history-bk_scope_type"
                        name="bk_scope_type"
                        on:change=move |ev| edit.update(|q| q.scope_type = event_target_value(&ev))
                    >
                        <option value="biz" selected=move || edit.with(|q| q.scope_type != "biz_set")>
                            {rv(move || t().scope_biz)}
                        </option>
                        <option value="biz_set" selected=move || edit.with(|q| q.scope_type == "biz_set")>
                            {rv(move || t().scope_biz_set)}
                        </option>
                    </select>
                </div>
                {text_filter(edit, "bk_scope_id", |t| t.scope_id, lang, |q| q.scope_id.clone(), |q, v| q.scope_id = v, "text")}
            </div>
            <fieldset class="history-range">
                <legend>{rv(move || t().time_range)}</legend>
                <div class="history-range-buttons">
                    {QuickRange::ALL.into_iter().map(range_button).collect_view()}
                    <button
                        type="button"
                        class="history-range-button"
                        data-range="custom"
                        aria-pressed=move || custom.get().to_string()
                        on:click=on_custom
                    >
                        {rv(move || t().custom)}
                    </button>
                </div>
                {rv(move || custom.get().then(|| view! {
                    <div class="history-row">
                        {time_input("create_time_start", |t| t.start, start_text)}
                        {time_input("create_time_end", |t| t.end, end_text)}
                    </div>
                }))}
            </fieldset>
            <div class="history-row">
                {rv(move || select("status", |t| t.status, statuses(), |q| q.status, |q, v| q.status = v))}
                {text_filter(edit, "name", |t| t.name, lang, |q| q.name.clone(), |q, v| q.name = v, "search")}
                {text_filter(edit, "operator", |t| t.operator, lang, |q| q.operator.clone(), |q, v| q.operator = v, "search")}
                {text_filter(edit, "ip", |t| t.ip, lang, |q| q.ip.clone(), |q, v| q.ip = v, "search")}
                {rv(move || select("launch_mode", |t| t.launch_mode, modes(), |q| q.launch_mode, |q, v| q.launch_mode = v))}
            </div>
            <div class="history-actions">
                <button type="submit" id="history-search" class="primary">{rv(move || t().search)}</button>
                <button type="button" id="history-clear" on:click=on_clear>{rv(move || t().clear)}</button>
                {rv(move || problem.get().map(|e| view! {
                    <span class="history-problem" id="history-problem" role="alert">{problem_text(t(), e)}</span>
                }))}
            </div>
        </form>
    }
}
