//! The host check's panel (on-demand module, [`crate::lazy::Panel::HostCheck`]): "Check
//! hosts", the automatic check [`DEBOUNCE_MS`] after the list stops changing, progress for
//! large lists, the counts and the hosts that are not normal (capped, so 50,000 hosts stay
//! fast), "Copy abnormal host IDs" and "Remove abnormal and unknown hosts". Its messages are
//! [`Message`]s; a failed check is said in place and changes nothing in the form.

use std::rc::Rc;
use std::time::Duration;

use bkjob_api::Lang;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::check::DEBOUNCE_MS;
use super::{host_ids, read_payload, Agent, Auto, Counts, HostCheck, Message, Problem};
use crate::api::job::{AgentApi, CallError, HttpJobApi};
use crate::connection::Connection;
use crate::i18n::fill;
use crate::i18n::hostcheck::{hostcheck_texts, HostCheckTexts};
use crate::view_helpers::{rv, Rv};
use crate::web;

/// Hosts listed at most per list (the rest are counted; "Copy" takes them all).
const LISTED: usize = 200;

/// A text of [`HostCheckTexts`].
type Text = fn(&HostCheckTexts) -> &'static str;

/// A label in the current language (one closure type for all of them: smaller wasm).
fn label(lang: Signal<Lang>, text: Text) -> Rv {
    rv(move || text(hostcheck_texts(lang.get())))
}

/// The panel over the app's connection. `payload`: `"{scope_type}/{scope_id}\n{host ids}"`
/// ([`super::payload`]); `on_message` gets each [`Message`] as text.
#[component]
pub fn HostCheckView(
    #[prop(into)] payload: Signal<String>,
    #[prop(into)] conn: Signal<Connection>,
    #[prop(into)] lang: Signal<Lang>,
    on_message: Callback<String>,
) -> impl IntoView {
    let api: Rc<dyn AgentApi> = Rc::new(HttpJobApi::new(conn, lang));
    view! { <HostCheckViewWith payload api lang on_message conn /> }
}

/// The handles the debounce timer needs (all `Copy`).
#[derive(Clone, Copy)]
struct Ctx {
    state: RwSignal<HostCheck>,
    changed_at: StoredValue<i64>,
    timer: StoredValue<Option<TimeoutHandle>>,
    run: Callback<bool>,
}

/// (Re)arm the automatic check: `ms` from now, it asks [`HostCheck::auto`] what to do.
fn arm(c: Ctx, ms: u32) {
    if let Some(h) = c.timer.try_get_value().flatten() {
        h.clear();
    }
    let fire = move || {
        let Some(at) = c.changed_at.try_get_value() else {
            return;
        };
        match c.state.try_with_untracked(|s| s.auto(web::now_ms() - at)) {
            Some(Auto::Check) => c.run.run(false),
            Some(Auto::Wait(ms)) => arm(c, ms),
            _ => {}
        }
    };
    let h = set_timeout_with_handle(fire, Duration::from_millis(ms.into())).ok();
    c.timer.try_set_value(h);
}

/// The panel over any [`AgentApi`] (tests use a fake).
#[component]
pub fn HostCheckViewWith(
    #[prop(into)] payload: Signal<String>,
    api: Rc<dyn AgentApi>,
    #[prop(into)] lang: Signal<Lang>,
    on_message: Callback<String>,
    /// The connection settings the calls use: new ones after a failed check arm the automatic
    /// check again (a reload mounts the panel before the secret is typed again).
    #[prop(optional, into)]
    conn: Option<Signal<Connection>>,
) -> impl IntoView {
    let state = RwSignal::new(HostCheck::default());
    let api = StoredValue::new_local(api);
    // A run asks its chunks one after the other; an answer that comes back after a newer
    // list or run is ignored by the model.
    let run = Callback::new(move |all: bool| {
        let Some(started) = state.try_update(|s| s.start(all)).flatten() else {
            return;
        };
        spawn_local(async move {
            for (i, request) in started.requests.iter().enumerate() {
                let Some(call) = api.try_with_value(|a| a.agent_info(request)) else {
                    return;
                };
                let answer = call.await;
                let go_on = state.try_update(|s| match answer {
                    Ok(data) => s.apply(started.run, i, &data),
                    Err(e) => {
                        s.fail(started.run, e);
                        false
                    }
                });
                if go_on != Some(true) {
                    return;
                }
            }
        });
    });
    let ctx = Ctx {
        state,
        changed_at: StoredValue::new(0),
        timer: StoredValue::new(None),
        run,
    };
    // A new list (not a space typed): a new check, the old run superseded.
    Effect::new(move |_| {
        payload.with(|p| {
            let (kind, id, text) = read_payload(p);
            let ids = host_ids(text);
            if !state.with_untracked(|s| s.is_for(kind, id, &ids)) {
                state.update(|s| *s = s.next(kind, id, ids));
                ctx.changed_at.set_value(web::now_ms());
                arm(ctx, DEBOUNCE_MS);
            }
        })
    });
    if let Some(conn) = conn {
        Effect::new(move |first: Option<()>| {
            conn.track();
            if first.is_some() && state.with_untracked(|s| s.error().is_some()) {
                ctx.changed_at.set_value(web::now_ms());
                arm(ctx, DEBOUNCE_MS);
            }
        });
    }
    on_cleanup(move || {
        if let Some(h) = ctx.timer.try_get_value().flatten() {
            h.clear();
        }
    });
    // The app hears each change of the result (and "unchecked" at the start).
    Effect::new(move |prev: Option<String>| {
        let m = state.with(HostCheck::message).write();
        if prev.as_ref() != Some(&m) {
            on_message.run(m.clone());
        }
        m
    });

    let t = move || hostcheck_texts(lang.get());
    let counts = Memo::new(move |_| state.with(HostCheck::counts));
    let status = move || {
        let (t, c) = (t(), counts.get());
        state.with(|s| status_text(t, s, c))
    };
    let progress = move || {
        state.with(|s| s.progress()).filter(|p| p.1 > 1).map(|(done, total)| {
            view! {
                <progress id="hostcheck-progress" max=total value=done aria-label=t().progress_label></progress>
            }
        })
    };
    let problem = move || state.with(|s| s.error().map(|e| problem_view(t(), e, lang.get())));
    let copy_failed = RwSignal::new(None::<String>);
    let on_copy = move |_| {
        let text = state.with_untracked(HostCheck::abnormal_text);
        let shown = text.clone();
        web::copy_to_clipboard(&text, move |ok| {
            copy_failed.try_set((!ok).then_some(shown));
        });
    };
    let on_remove = move |_| {
        if let Some(text) = state.with_untracked(HostCheck::normal_text) {
            // The button goes away with the removed hosts: keep the focus in the panel.
            web::focus_id("hostcheck-run");
            on_message.run(Message::Replace(text).write());
        }
    };
    let results = move || {
        let (t, c) = (t(), counts.get());
        if c.normal + c.abnormal + c.unknown == 0 {
            return ().into_any();
        }
        let (bad, normal, running) = state.with(|s| {
            (
                s.not_normal(LISTED),
                s.hosts_in(Agent::Normal, LISTED),
                s.progress().is_some(),
            )
        });
        let not_listed = c.abnormal + c.unknown - bad.len();
        // Only a finished check removes: an unchecked host is not known to be down.
        let removable = c.abnormal + c.unknown > 0 && c.pending == 0 && !running;
        let mut notes = Vec::new();
        if not_listed > 0 {
            notes.push(fill(t.more, &[("n", &not_listed.to_string())]));
        }
        if c.unknown > 0 {
            notes.push(t.unknown_note.to_owned());
        }
        let counted = [
            (t.normal, Agent::Normal, c.normal),
            (t.abnormal, Agent::Abnormal, c.abnormal),
            (t.unknown, Agent::Unknown, c.unknown),
            (t.unchecked, Agent::Pending, c.pending),
        ];
        let more = if c.normal > normal.len() { ", …" } else { "" };
        let normal = normal
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        view! {
            <ul class="hostcheck-counts" id="hostcheck-counts">
                {counted
                    .into_iter()
                    .filter(|(_, a, n)| *n > 0 || *a != Agent::Pending)
                    .map(|(label, a, n)| view! { <li data-state=a.name()>{label}": "<strong>{n.to_string()}</strong></li> })
                    .collect_view()}
            </ul>
            <ul class="hostcheck-list" id="hostcheck-list">
                {bad.into_iter().map(|(id, agent)| {
                    let label = if agent == Agent::Abnormal { t.abnormal } else { t.unknown };
                    view! { <li data-host=id.to_string() data-state=agent.name()><code>{id.to_string()}</code>" "{label}</li> }
                }).collect_view()}
            </ul>
            <p class="hint">{notes.join(" ")}</p>
            <details class="hostcheck-normal" id="hostcheck-normal" hidden=c.normal == 0>
                <summary>{fill(t.normal_list, &[("n", &c.normal.to_string())])}</summary>
                <p>{normal}{more}</p>
            </details>
            <div class="actions">
                <button type="button" id="hostcheck-copy" hidden=c.abnormal == 0 on:click=on_copy>{t.copy_abnormal}</button>
                <button type="button" id="hostcheck-remove" class="danger" hidden=!removable on:click=on_remove>{t.remove}</button>
            </div>
        }
        .into_any()
    };
    let fallback = move || {
        copy_failed.get().map(|text| {
            view! {
                <label class="hostcheck-fallback">
                    {t().copy_fallback}
                    <textarea readonly rows="4">{text}</textarea>
                </label>
            }
        })
    };
    view! {
        <div class="hostcheck" id="hostcheck" role="group" aria-labelledby="hostcheck-title">
            <p class="hostcheck-head">
                <strong id="hostcheck-title">{label(lang, |t| t.title)}</strong>
                <button
                    type="button"
                    id="hostcheck-run"
                    disabled=move || counts.get() == Counts::default()
                    on:click=move |_| run.run(true)
                >
                    {label(lang, |t| t.check)}
                </button>
            </p>
            <p class="hint">{label(lang, |t| t.auto_note)}</p>
            <p id="hostcheck-status" role="status" aria-live="polite">{rv(status)}</p>
            {rv(progress)}
            {rv(problem)}
            {rv(results)}
            {rv(fallback)}
        </div>
    }
}

/// The status line: progress, what waits, or the result.
fn status_text(t: &HostCheckTexts, s: &HostCheck, c: Counts) -> String {
    let n = |v: usize| v.to_string();
    if let Some((done, total)) = s.progress() {
        return fill(
            t.progress,
            &[
                ("done", &n(done)),
                ("total", &n(total)),
                ("n", &n(c.pending)),
            ],
        );
    }
    if s.ids().is_empty() {
        return t.empty.into();
    }
    if c.pending > 0 {
        let template = match s.auto(i64::MAX) {
            Auto::Idle if s.error().is_none() => return t.no_scope.into(),
            Auto::Manual => t.manual,
            _ => t.pending,
        };
        return fill(template, &[("n", &n(c.pending))]);
    }
    if c.abnormal + c.unknown == 0 {
        return fill(t.all_normal, &[("n", &n(c.normal))]);
    }
    fill(
        t.summary,
        &[
            ("normal", &n(c.normal)),
            ("abnormal", &n(c.abnormal)),
            ("unknown", &n(c.unknown)),
        ],
    )
}

/// A failed check, said in place: what happened, what is missing, and that the form works.
fn problem_view(t: &HostCheckTexts, e: &CallError, lang: Lang) -> impl IntoView {
    let problem = Problem::of(e);
    let (what, detail) = match (e, problem) {
        (_, Problem::NoApi) => (t.problem_no_api.to_owned(), String::new()),
        (_, Problem::Network) => (t.problem_network.to_owned(), String::new()),
        (CallError::Http { http_status, .. }, Problem::NotJson) => (
            fill(t.problem_not_json, &[("status", &http_status.to_string())]),
            String::new(),
        ),
        (CallError::Api { code, message, .. }, Problem::Permission) => (
            t.problem_permission.to_owned(),
            format!("{message} ({code})"),
        ),
        (CallError::Api { code, message, .. }, _) => {
            (t.problem_other.to_owned(), format!("{message} ({code})"))
        }
        _ => (t.problem_other.to_owned(), e.kind().to_owned()),
    };
    let rows = match e {
        CallError::Api {
            permission: Some(p),
            ..
        } => crate::outcome::permission::permission_rows(p, lang),
        _ => Vec::new(),
    };
    view! {
        <div class="hostcheck-problem" id="hostcheck-problem" role="alert" data-problem=problem.name() data-code=e.code().map(|c| c.to_string())>
            <p><strong>{what}</strong>" "{detail}</p>
            {(!rows.is_empty()).then(|| view! {
                <ul>
                    {rows.into_iter().map(|r| view! {
                        <li data-action=r.id>{r.name}{(!r.resources.is_empty()).then(|| format!(": {}", r.resources.join("; ")))}</li>
                    }).collect_view()}
                </ul>
            })}
            <p class="hint">{t.form_usable}</p>
        </div>
    }
}
