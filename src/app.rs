//! The components. They hold signals and wire events; decisions are made by the plain modules
//! and by `bkjob-api` (validation, Base64, API messages).

use bkjob_api::{
    default_task_name, validate_draft, Draft, DraftOutcome, ErrorCode, Lang, Limits,
    ScriptLanguage, ScriptSource,
};
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::conn::{AuthMode, Connection, MessageLang};
use crate::dom::{self, memo, rv, when};
use crate::editor::{self, FileError};
use crate::fields::{self, first_invalid_field};
use crate::i18n::{fill, lang_from_tag, lang_tag, t, Texts};
use crate::job::recent::{restore_script, LaunchedScripts, RedoScript};
use crate::job::{remember_launch, JobRoute};
use crate::launch::{LaunchGuard, LaunchState};
use crate::outcome::{HttpProblem, Outcome};
use crate::route::{self, Route};
use crate::storage;
use crate::PRODUCT_NAME;

/// A finished launch and the scope it was sent to (for the job link).
#[derive(Clone, Debug, PartialEq)]
struct LaunchRecord {
    scope_type: String,
    scope_id: String,
    outcome: Outcome,
}

thread_local! {
    /// The script text of the jobs launched in this page session, for "Redo": memory only (a
    /// plain cell, not a signal: nothing renders it, and a reload or another tab has none).
    static LAUNCHED_SCRIPTS: std::cell::RefCell<LaunchedScripts> = std::cell::RefCell::default();
}

/// All app state: signals only, so it is `Copy` and shared through context.
#[derive(Clone, Copy)]
struct Ui {
    lang: RwSignal<Lang>,
    draft: RwSignal<Draft>,
    conn: RwSignal<Connection>,
    // A Vec: at most ~20 names, and a hash set would add its hasher to the wasm.
    touched: RwSignal<Vec<&'static str>>,
    submitted: RwSignal<bool>,
    show_summary: RwSignal<bool>,
    check: Memo<DraftOutcome>,
    error_texts: Memo<fields::FieldTexts>,
    warning_texts: Memo<fields::FieldTexts>,
    guard: RwSignal<LaunchGuard>,
    result: RwSignal<Option<LaunchRecord>>,
    route: RwSignal<Route>,
    /// "Redo" could not restore the inline script: its error says to paste it again.
    paste_again: RwSignal<bool>,
}

impl Ui {
    fn restore() -> Ui {
        let lang = storage::initial_lang(
            dom::storage_get(storage::KEY_UI_LANG).as_deref(),
            &dom::navigator_language(),
        );
        let draft = dom::storage_get(storage::KEY_DRAFT)
            .and_then(|j| storage::draft_from_json(&j))
            .unwrap_or_default();
        let conn = dom::storage_get(storage::KEY_CONNECTION)
            .map(|j| storage::connection_from_json(&j))
            .unwrap_or_default();
        let lang = RwSignal::new(lang);
        let draft = RwSignal::new(draft);
        let limits = Limits::default();
        let check = memo(move || draft.with(|d| validate_draft(d, &limits)));
        let paste_again = RwSignal::new(false);
        let error_texts = memo(move || {
            let l = lang.get();
            let mut texts = check.with(|c| draft.with(|d| fields::texts_by_field(&c.errors, d, l)));
            if paste_again.get() {
                // The empty script's error is the specific one.
                for (field, list) in &mut texts.0 {
                    if field == "script_content" {
                        *list = vec![t(l).script_paste_again.to_owned()];
                    }
                }
            }
            texts
        });
        let warning_texts = memo(move || {
            let l = lang.get();
            check.with(|c| draft.with(|d| fields::texts_by_field(&c.warnings, d, l)))
        });
        Ui {
            lang,
            draft,
            conn: RwSignal::new(conn),
            touched: RwSignal::new(Vec::new()),
            submitted: RwSignal::new(false),
            show_summary: RwSignal::new(false),
            check,
            error_texts,
            warning_texts,
            guard: RwSignal::new(LaunchGuard::new()),
            result: RwSignal::new(None),
            route: RwSignal::new(route::parse(&dom::pathname())),
            paste_again,
        }
    }

    fn tx(&self) -> &'static Texts {
        t(self.lang.get())
    }

    fn touch(&self, name: &'static str) {
        if !self.touched.with_untracked(|s| s.contains(&name)) {
            self.touched.update(|s| s.push(name));
        }
    }

    /// The errors shown beside `name` (empty until touched or submitted).
    fn visible_errors(&self, name: &'static str) -> Vec<String> {
        if !(self.submitted.get() || self.touched.with(|s| s.contains(&name))) {
            return Vec::new();
        }
        self.error_texts.with(|m| m.get(name).to_vec())
    }

    fn warnings_for(&self, name: &'static str) -> Vec<String> {
        self.warning_texts.with(|m| m.get(name).to_vec())
    }

    fn navigate(&self, path: &str) {
        dom::push_path(path);
        self.route.set(route::parse(path));
    }
}

fn ui() -> Ui {
    expect_context::<Ui>()
}

/// A reactive UI string. One concrete closure type for every label keeps the wasm small (each
/// distinct `move || ...` closure would instantiate its own text-node code).
fn tr(f: fn(&Texts) -> &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = ui().lang;
    move || f(t(lang.get()))
}

/// Try to launch: guarded against double sends, blocked while any error stands.
fn attempt_launch(ui: Ui) {
    if !ui.guard.with_untracked(LaunchGuard::can_launch) {
        return;
    }
    ui.submitted.set(true);
    let check = ui.check.get_untracked();
    let Some(request) = check.request else {
        ui.show_summary.set(true);
        if let Some(name) = first_invalid_field(&check.errors) {
            dom::focus_id(&format!("f-{name}"));
        }
        return;
    };
    ui.show_summary.set(false);
    let mut guard = ui.guard.get_untracked();
    if !guard.begin() {
        return;
    }
    ui.guard.set(guard);
    ui.result.set(None);
    let conn = ui.conn.get_untracked();
    let lang = ui.lang.get_untracked();
    let draft = ui.draft.get_untracked();
    let scope_type = request.bk_scope_type.clone().unwrap_or_default();
    let scope_id = request.bk_scope_id.clone().unwrap_or_default();
    spawn_local(async move {
        let outcome = dom::send_launch(&conn, &request, lang, dom::LAUNCH_TIMEOUT_SECS).await;
        if let Outcome::Success { data, .. } = &outcome {
            // The recent-jobs list of the job view (localStorage, without secrets or script
            // text); the script text stays in memory for "Redo" in this page session.
            let path = remember_launch(&draft, data).path();
            if draft.source == ScriptSource::Content {
                LAUNCHED_SCRIPTS
                    .with_borrow_mut(|s| s.remember(path, draft.script_content.clone()));
            }
            ui.paste_again.set(false);
        }
        ui.guard.update(|g| g.finish(outcome.settled()));
        ui.result.set(Some(LaunchRecord {
            scope_type,
            scope_id,
            outcome,
        }));
        leptos::task::tick().await;
        dom::focus_id("outcome");
    });
}

/// The whole app: header, then the launch form or the job placeholder page.
#[component]
pub fn App() -> impl IntoView {
    let ui = Ui::restore();
    provide_context(ui);

    // Persist what may be persisted (never a secret). Storing a 1 MiB draft takes several ms,
    // too much for every keystroke: the draft is stored 300 ms after the last change, and at
    // once when the page is hidden or left (pagehide) or the app unmounts, so nothing is lost.
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let write_draft = move || {
        if let Some(json) = ui.draft.try_with_untracked(storage::draft_to_json) {
            dom::storage_set(storage::KEY_DRAFT, &json);
        }
    };
    let flush_draft = move || {
        if let Some(h) = pending.try_get_value().flatten() {
            h.clear();
            pending.try_set_value(None);
            write_draft();
        }
    };
    Effect::new(move |first: Option<()>| {
        ui.draft.track();
        // The first run sees the draft just restored from storage: nothing new to store.
        if first.is_none() {
            return;
        }
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let h = set_timeout_with_handle(
            move || {
                pending.try_set_value(None);
                write_draft();
            },
            std::time::Duration::from_millis(300),
        )
        .ok();
        pending.set_value(h);
    });
    let pagehide = window_event_listener(ev::pagehide, move |_| flush_draft());
    on_cleanup(move || {
        flush_draft();
        pagehide.remove();
    });
    Effect::new(move |_| {
        let json = ui.conn.with(storage::connection_to_json);
        dom::storage_set(storage::KEY_CONNECTION, &json);
    });
    Effect::new(move |_| dom::set_document_lang(lang_tag(ui.lang.get())));
    let popstate = window_event_listener(ev::popstate, move |_| {
        ui.route.set(route::parse(&dom::pathname()));
    });
    on_cleanup(move || popstate.remove());
    // Mounted and restored: tell the benchmark, once per page.
    Effect::new(move |_| {
        use std::sync::atomic::{AtomicBool, Ordering};
        static MARKED: AtomicBool = AtomicBool::new(false);
        if !MARKED.swap(true, Ordering::Relaxed) {
            dom::performance_mark("fastexec-interactive");
        }
    });

    let on_keydown = move |ev: ev::KeyboardEvent| {
        if ev.key() == "Enter"
            && (ev.ctrl_key() || ev.meta_key())
            && ui.route.with_untracked(|r| *r == Route::Launch)
        {
            ev.prevent_default();
            attempt_launch(ui);
        }
    };
    let on_lang = move |ev: ev::Event| {
        let lang = lang_from_tag(&event_target_value(&ev));
        ui.lang.set(lang);
        dom::storage_set(storage::KEY_UI_LANG, storage::lang_to_stored(lang));
    };

    view! {
        <header class="app-header">
            <div class="brand">
                <h1 id="product-name">{PRODUCT_NAME}</h1>
                <p class="tagline">{tr(|t| t.tagline)}</p>
            </div>
            <div class="lang-switch">
                <label for="ui-lang">{tr(|t| t.ui_lang)}</label>
                <select id="ui-lang" on:change=on_lang>
                    <option value="zh-CN" selected=move || ui.lang.get() == Lang::ZhCn>
                        "中文"
                    </option>
                    <option value="en" selected=move || ui.lang.get() == Lang::En>
                        "English"
                    </option>
                </select>
            </div>
        </header>
        // Ctrl+Enter launches from anywhere on the launch page (connection settings included).
        <main id="main" on:keydown=on_keydown>
            // On every page: the job view calls the API with the same settings.
            <ConnectionPanel />
            {rv(move || match ui.route.get() {
                Route::Launch => view! { <LaunchPage /> }.into_any(),
                Route::Job(route) => view! { <JobPage route=route /> }.into_any(),
            })}
        </main>
    }
}

/// Where a panel of the on-demand module is.
#[derive(Clone, Debug, PartialEq)]
enum RemoteState {
    Loading,
    Failed(String),
    Mounted,
}

/// A panel of the on-demand module ([`crate::jobmod`]): loads the module on first use, mounts
/// panel `kind` with `payload`, hands later payloads, connection settings and language to it,
/// and removes it with this component. Shows `loading` meanwhile, and `failed` with a Retry
/// button when the module cannot be loaded or mounted. `on_message` gets what the panel sends
/// back (the draft JSON for "Redo", a job link from the list).
#[component]
fn Remote(
    kind: &'static str,
    #[prop(into)] payload: Signal<String>,
    #[prop(optional)] on_message: Option<Callback<String>>,
    loading: fn(&Texts) -> &'static str,
    failed: fn(&Texts) -> &'static str,
) -> impl IntoView {
    let ui = ui();
    let host: NodeRef<html::Div> = NodeRef::new();
    let state = RwSignal::new(RemoteState::Loading);
    let attempt = RwSignal::new(0u32);
    let mounted = StoredValue::new_local(None::<(crate::jobmod::JobModule, u32)>);
    // False once this component is gone: a load finishing later must not mount anything.
    let alive = StoredValue::new(true);
    let callback = StoredValue::new_local(wasm_bindgen::closure::Closure::<dyn Fn(String)>::new(
        move |text: String| {
            if let Some(cb) = on_message {
                cb.run(text);
            }
        },
    ));
    let still = move || alive.try_get_value().unwrap_or(false);
    Effect::new(move |_| {
        attempt.track();
        let Some(el) = host.get() else { return };
        state.set(RemoteState::Loading);
        spawn_local(async move {
            let result = crate::jobmod::load().await.and_then(|m| {
                if !still() {
                    return Ok(());
                }
                let cb = callback.with_value(|c| c.as_ref().clone());
                let (c, l) = (ui.conn.get_untracked(), ui.lang.get_untracked());
                let p = payload.get_untracked();
                let id = m.mount(kind, &el, &p, &c, l, cb.unchecked_ref())?;
                mounted.set_value(Some((m, id)));
                Ok(())
            });
            if still() {
                state.set(match result {
                    Ok(()) => RemoteState::Mounted,
                    Err(e) => RemoteState::Failed(e),
                });
            }
        });
    });
    // Later payloads, settings and language reach the mounted panel (each only when it
    // changed: a new connection makes the job view poll again at once).
    Effect::new(move |_| {
        let p = payload.get();
        mounted.with_value(|m| {
            if let Some((m, id)) = m {
                m.set_payload(*id, &p);
            }
        });
    });
    Effect::new(move |_| {
        let c = ui.conn.get();
        mounted.with_value(|m| {
            if let Some((m, id)) = m {
                m.set_conn(*id, &c);
            }
        });
    });
    Effect::new(move |_| {
        let l = ui.lang.get();
        mounted.with_value(|m| {
            if let Some((m, id)) = m {
                m.set_lang(*id, l);
            }
        });
    });
    on_cleanup(move || {
        alive.set_value(false);
        mounted.with_value(|m| {
            if let Some((m, id)) = m {
                m.unmount(*id);
            }
        });
    });
    view! {
        {rv(move || match state.get() {
            RemoteState::Loading => {
                view! { <p class="remote-loading" role="status">{tr(loading)}</p> }.into_any()
            }
            RemoteState::Failed(detail) => {
                view! {
                    <div class="remote-failed" role="alert">
                        <p id=format!("remote-failed-{kind}")>{tr(failed)}</p>
                        <p class="hint">{detail}</p>
                        // Several panels may fail at once: each Retry says which.
                        <button
                            type="button"
                            aria-describedby=format!("remote-failed-{kind}")
                            on:click=move |_| attempt.update(|n| *n += 1)
                        >
                            {tr(|t| t.remote_retry)}
                        </button>
                    </div>
                }
                    .into_any()
            }
            RemoteState::Mounted => ().into_any(),
        })}
        <div class="remote-host" data-panel=kind node_ref=host></div>
    }
}

/// The job view, over the app's connection settings and language. "Redo" puts the job's
/// draft back into the form.
#[component]
fn JobPage(route: JobRoute) -> impl IntoView {
    let ui = ui();
    let path = route.path();
    let job = path.clone();
    let on_redo = Callback::new(move |json: String| {
        if let Some(draft) = storage::draft_from_json(&json) {
            // The list keeps no script text: this session's copy, else it is pasted again.
            let (draft, how) = LAUNCHED_SCRIPTS.with_borrow(|s| restore_script(draft, s.get(&job)));
            let paste = how == RedoScript::MustPaste;
            ui.draft.set(draft);
            ui.paste_again.set(paste);
            // The empty script field shows its error (to paste again) at once.
            ui.touched.set(if paste {
                vec!["script_content"]
            } else {
                Vec::new()
            });
            ui.submitted.set(false);
            ui.navigate("/");
        }
    });
    view! {
        <Remote
            kind="job"
            payload=Signal::stored(path)
            on_message=on_redo
            loading=|t| t.job_view_loading
            failed=|t| t.job_view_load_failed
        />
        <p class="back-link">
            <a
                href="/"
                on:click=move |ev: ev::MouseEvent| {
                    ev.prevent_default();
                    ui.navigate("/");
                }
            >
                {tr(|t| t.back_to_form)}
            </a>
        </p>
    }
}

/// The launch page: the form, its outcome, the request preview and the recent jobs.
#[component]
fn LaunchPage() -> impl IntoView {
    let ui = ui();
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        attempt_launch(ui);
    };
    let on_reset = move |_| {
        if dom::confirm(ui.tx().reset_confirm) {
            ui.draft.set(Draft::default());
            ui.paste_again.set(false);
            ui.touched.set(Vec::new());
            ui.submitted.set(false);
            ui.show_summary.set(false);
        }
    };
    let in_flight = move || ui.guard.with(LaunchGuard::in_flight);
    let unknown = move || ui.guard.with(|g| g.state() == LaunchState::Unknown);

    view! {
        <div class="launch-page">
            <form id="launch-form" novalidate on:submit=on_submit>
                <ErrorSummary />
                <ScopeSection />
                <ScriptSection />
                <ParamSection />
                <ExecSection />
                <TargetSection />
                <TaskSection />
                <WarningList />
                <div class="actions">
                    <button
                        type="submit"
                        id="launch"
                        class="primary"
                        disabled=unknown
                        aria-disabled=move || in_flight().then_some("true")
                        aria-busy=move || in_flight().then_some("true")
                        aria-describedby="launch-hint"
                    >
                        {rv(move || if in_flight() { ui.tx().launching } else { ui.tx().launch })}
                    </button>
                    <button type="button" id="reset" on:click=on_reset>
                        {tr(|t| t.reset)}
                    </button>
                    <span id="launch-hint" class="hint">
                        {tr(|t| t.launch_hint)}
                    </span>
                </div>
            </form>
            <OutcomePanel />
            <PreviewPanel />
            <RecentJobs />
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// Field building blocks

/// `aria-describedby` for a control: its hint, then its error element when shown.
fn described_by(ui: Ui, name: &'static str, has_hint: bool) -> impl Fn() -> Option<String> {
    move || {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(format!("hint-{name}"));
        }
        if !ui.visible_errors(name).is_empty() {
            ids.push(format!("err-{name}"));
        }
        if !ui.warnings_for(name).is_empty() {
            ids.push(format!("warn-{name}"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

fn invalid(ui: Ui, name: &'static str) -> impl Fn() -> Option<&'static str> {
    move || (!ui.visible_errors(name).is_empty()).then_some("true")
}

/// The error element of a field (present only while an error is shown) and its warnings.
#[component]
fn FieldMessages(name: &'static str) -> impl IntoView {
    let ui = ui();
    let errors = move || ui.visible_errors(name);
    let warnings = move || ui.warnings_for(name);
    view! {
        {when(move || !errors().is_empty(), move || view! {
            <div class="field-error" id=format!("err-{name}") data-error-for=name>
                {rv(move || {
                    errors().into_iter().map(|e| view! { <p>{e}</p> }).collect_view()
                })}
            </div>
        })}
        {when(move || !warnings().is_empty(), move || view! {
            <div class="field-warning" id=format!("warn-{name}")>
                {rv(move || warnings().into_iter().map(|w| view! { <p>{w}</p> }).collect_view())}
            </div>
        })}
    }
    .into_any()
}

/// A one-line text input bound to a draft field.
#[component]
fn TextInput(
    name: &'static str,
    label: fn(&Texts) -> &'static str,
    get: fn(&Draft) -> String,
    set: fn(&mut Draft, String),
    #[prop(optional)] hint: Option<fn(&Texts) -> &'static str>,
    #[prop(optional)] placeholder: Option<fn(&Texts) -> &'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] input_type: Option<&'static str>,
) -> impl IntoView {
    let ui = ui();
    let value = memo(move || ui.draft.with(get));
    let id = format!("f-{name}");
    let label_for = id.clone();
    view! {
        <div class="field">
            <label for=label_for>{tr(label)}</label>
            <input
                id=id
                name=name
                type=input_type.unwrap_or("text")
                inputmode=inputmode
                autocomplete="off"
                placeholder=move || placeholder.map(|p| p(ui.tx()))
                prop:value=move || value.get()
                aria-invalid=invalid(ui, name)
                aria-describedby=described_by(ui, name, hint.is_some())
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    ui.draft.update(|d| set(d, v));
                    ui.touch(name);
                }
                on:blur=move |_| ui.touch(name)
            />
            {hint.map(|h| view! { <p class="hint" id=format!("hint-{name}")>{tr(h)}</p> })}
            <FieldMessages name=name />
        </div>
    }
    .into_any()
}

/// A bulk-paste textarea for a target list, with its count and dropped duplicates.
#[component]
fn BulkInput(
    name: &'static str,
    label: fn(&Texts) -> &'static str,
    hint: fn(&Texts) -> &'static str,
    get: fn(&Draft) -> String,
    set: fn(&mut Draft, String),
    count: fn(&bkjob_api::TargetCounts) -> bkjob_api::ListCount,
) -> impl IntoView {
    let ui = ui();
    let value = memo(move || ui.draft.with(get));
    let node: NodeRef<html::Textarea> = NodeRef::new();
    let typed = sync_textarea(value, node);
    let counts = memo(move || ui.check.with(|c| count(&c.counts)));
    let id = format!("f-{name}");
    let label_for = id.clone();
    view! {
        <div class="field bulk">
            <label for=label_for>{tr(label)}</label>
            <textarea
                id=id
                name=name
                rows="4"
                spellcheck="false"
                autocomplete="off"
                node_ref=node
                prop:value=value.get_untracked()
                aria-invalid=invalid(ui, name)
                aria-describedby=move || {
                    let rest = described_by(ui, name, true)().unwrap_or_default();
                    format!("count-{name} {rest}").trim().to_owned()
                }
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    if ui.draft.with_untracked(|d| get(d) != v) {
                        typed.set_value(true);
                        ui.draft.update(|d| set(d, v));
                    }
                    ui.touch(name);
                }
                on:blur=move |_| ui.touch(name)
            ></textarea>
            <p class="count" id=format!("count-{name}")>
                {rv(move || fields::count_text(&counts.get(), ui.lang.get()))}
            </p>
            <p class="hint" id=format!("hint-{name}")>{tr(hint)}</p>
            <FieldMessages name=name />
        </div>
    }
    .into_any()
}

// ---------------------------------------------------------------------------------------------
// Sections

#[component]
fn ScopeSection() -> impl IntoView {
    let ui = ui();
    let scope_type = memo(move || ui.draft.with(|d| d.scope_type.clone()));
    let name = "bk_scope_type";
    view! {
        <fieldset class="section">
            <legend>{tr(|t| t.section_scope)}</legend>
            <div class="row">
                <div class="field">
                    <label for="f-bk_scope_type">{tr(|t| t.bk_scope_type)}</label>
                    <select
                        id="f-bk_scope_type"
                        name=name
                        aria-invalid=invalid(ui, name)
                        aria-describedby=described_by(ui, name, false)
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            ui.draft.update(|d| d.scope_type = v);
                            ui.touch(name);
                        }
                        on:blur=move |_| ui.touch(name)
                    >
                        <option value="biz" selected=move || scope_type.get() == "biz">
                            {tr(|t| t.scope_biz)}
                        </option>
                        <option value="biz_set" selected=move || scope_type.get() == "biz_set">
                            {tr(|t| t.scope_biz_set)}
                        </option>
                    </select>
                    <FieldMessages name=name />
                </div>
                <TextInput
                    name="bk_scope_id"
                    label=|t| t.bk_scope_id
                    hint=|t| t.bk_scope_id_hint
                    get=|d| d.scope_id.clone()
                    set=|d, v| d.scope_id = v
                />
            </div>
        </fieldset>
    }
}

#[component]
fn ScriptSection() -> impl IntoView {
    let ui = ui();
    let source = memo(move || ui.draft.with(|d| d.source));
    let language = memo(move || ui.draft.with(|d| d.script_language));
    let sources = [
        (
            ScriptSource::Content,
            "content",
            (|t| t.source_content) as fn(&Texts) -> &'static str,
        ),
        (ScriptSource::ScriptId, "script_id", |t| t.source_script_id),
        (ScriptSource::ScriptVersionId, "script_version_id", |t| {
            t.source_version
        }),
    ];
    let source_radios = sources
        .into_iter()
        .enumerate()
        .map(|(i, (src, value, label))| {
            let id = if i == 0 {
                "f-script_source".to_owned()
            } else {
                format!("f-script_source-{value}")
            };
            let label_for = id.clone();
            view! {
                <label class="choice" for=label_for>
                    <input
                        type="radio"
                        id=id
                        name="script_source"
                        value=value
                        prop:checked=move || source.get() == src
                        on:change=move |_| {
                            ui.draft.update(|d| d.source = src);
                            ui.touch("script_source");
                        }
                    />
                    <span>{tr(label)}</span>
                </label>
            }
        })
        .collect_view();
    let language_radios = move || {
        ScriptLanguage::ALL
            .into_iter()
            .enumerate()
            .map(|(i, lang)| {
                let id = if i == 0 {
                    "f-script_language".to_owned()
                } else {
                    format!("f-script_language-{}", lang.code())
                };
                let label_for = id.clone();
                view! {
                    <label class="tab" for=label_for>
                        <input
                            type="radio"
                            id=id
                            name="script_language"
                            value=lang.code().to_string()
                            prop:checked=move || language.get() == lang
                            aria-invalid=invalid(ui, "script_language")
                            on:change=move |_| {
                                ui.draft.update(|d| d.script_language = lang);
                                ui.touch("script_language");
                            }
                        />
                        <span>{lang.label(Lang::En)}</span>
                    </label>
                }
            })
            .collect_view()
    };

    view! {
        <fieldset class="section">
            <legend>{tr(|t| t.section_script)}</legend>
            <fieldset class="choices" aria-describedby="hint-script_source">
                <legend>{tr(|t| t.script_source)}</legend>
                {source_radios}
                <p class="hint" id="hint-script_source">{tr(|t| t.source_priority)}</p>
            </fieldset>
            {when(move || source.get() == ScriptSource::Content, move || view! {
                <fieldset class="tabs" role="radiogroup">
                    <legend>{tr(|t| t.script_language)}</legend>
                    <div class="tab-row">{language_radios}</div>
                    <FieldMessages name="script_language" />
                </fieldset>
                <ScriptEditor />
            })}
            {when(move || source.get() == ScriptSource::ScriptId, move || view! {
                <TextInput
                    name="script_id"
                    label=|t| t.script_id
                    hint=|t| t.script_id_hint
                    get=|d| d.script_id.clone()
                    set=|d, v| d.script_id = v
                />
            })}
            {when(move || source.get() == ScriptSource::ScriptVersionId, move || view! {
                <TextInput
                    name="script_version_id"
                    label=|t| t.script_version_id
                    hint=|t| t.script_version_id_hint
                    inputmode="numeric"
                    get=|d| d.script_version_id.clone()
                    set=|d, v| d.script_version_id = v
                />
            })}
        </fieldset>
    }
}

/// Writes the draft's `value` into a textarea only when it changed somewhere else (opening a
/// file, reset, redo, restoring the draft). Typing already put the text there; writing it back
/// on every keystroke, as `prop:value` does, makes the browser lay the whole text out again:
/// with a 1 MiB script that cost most of a second per key. The input handler sets the returned
/// flag when it stores what the user typed, so the next run skips the write.
fn sync_textarea(value: Memo<String>, node: NodeRef<html::Textarea>) -> StoredValue<bool> {
    let typed = StoredValue::new(false);
    Effect::new(move |_| {
        let v = value.get();
        if typed.get_value() {
            typed.set_value(false);
        } else if let Some(ta) = node.get() {
            ta.set_value(&v);
        }
    });
    typed
}

/// The script editor: a textarea with a line-number gutter, Tab indentation (Esc then Tab, or
/// Shift+Tab, leaves), a UTF-8 byte counter and opening a local UTF-8 file.
#[component]
fn ScriptEditor() -> impl IntoView {
    let ui = ui();
    let name = "script_content";
    let content = memo(move || ui.draft.with(|d| d.script_content.clone()));
    let bytes = memo(move || ui.draft.with(|d| d.script_content.len()));
    let lines = memo(move || ui.draft.with(|d| editor::line_count(&d.script_content)));
    let gutter = memo(move || editor::gutter_text(lines.get()));
    let tab_released = RwSignal::new(false);
    let file_message: RwSignal<Option<(bool, String)>> = RwSignal::new(None);
    let gutter_ref: NodeRef<html::Pre> = NodeRef::new();
    let textarea_ref: NodeRef<html::Textarea> = NodeRef::new();
    let typed = sync_textarea(content, textarea_ref);
    let from_dom = move |v: String| {
        if ui.draft.with_untracked(|d| d.script_content != v) {
            typed.set_value(true);
            ui.draft.update(|d| d.script_content = v);
        }
        ui.touch(name);
    };

    let on_keydown = move |ev: ev::KeyboardEvent| {
        let key = ev.key();
        if key == "Escape" {
            tab_released.set(true);
            return;
        }
        if key == "Tab" && !ev.shift_key() && !ev.ctrl_key() && !ev.alt_key() && !ev.meta_key() {
            if tab_released.get_untracked() {
                // Let the browser move the focus on.
                tab_released.set(false);
                return;
            }
            ev.prevent_default();
            if let Some(ta) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            {
                let start = ta.selection_start().ok().flatten().unwrap_or(0);
                let end = ta.selection_end().ok().flatten().unwrap_or(start);
                let _ = ta.set_range_text_with_start_and_end_and_mode(
                    editor::INDENT,
                    start,
                    end,
                    "end",
                );
                from_dom(ta.value());
            }
            return;
        }
        if key != "Shift" && tab_released.get_untracked() {
            tab_released.set(false);
        }
    };
    let on_scroll = move |ev: ev::Event| {
        if let (Some(g), Some(ta)) = (
            gutter_ref.get(),
            ev.target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()),
        ) {
            g.set_scroll_top(ta.scroll_top());
        }
    };
    let on_file = move |ev: ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        spawn_local(async move {
            let fname = file.name();
            let tx = t(ui.lang.get_untracked());
            let msg = match dom::file_bytes(&file).await {
                Err(_) => (false, fill(tx.file_read_error, "name", &fname)),
                Ok(bytes) => match editor::decode_script_file(&bytes) {
                    Ok(text) => {
                        let ext = fname.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
                        let lang = ScriptLanguage::ALL
                            .into_iter()
                            .find(|l| l.file_extension() == ext);
                        ui.draft.update(|d| {
                            d.script_content = text;
                            if let Some(l) = lang {
                                d.script_language = l;
                            }
                        });
                        ui.touch(name);
                        (true, fill(tx.file_loaded, "name", &fname))
                    }
                    Err(FileError::Utf16) => (false, fill(tx.file_utf16, "name", &fname)),
                    Err(FileError::NotUtf8 { offset }) => (
                        false,
                        fill(
                            &fill(tx.file_not_utf8, "name", &fname),
                            "offset",
                            &offset.to_string(),
                        ),
                    ),
                },
            };
            file_message.set(Some(msg));
        });
    };

    view! {
        <div class="field">
            <label for="f-script_content">{tr(|t| t.script_content)}</label>
            <div class="editor" class:invalid=move || !ui.visible_errors(name).is_empty()>
                <pre class="gutter" aria-hidden="true" node_ref=gutter_ref>
                    {rv(move || gutter.get())}
                </pre>
                <textarea
                    id="f-script_content"
                    name=name
                    rows="14"
                    wrap="off"
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    node_ref=textarea_ref
                    prop:value=content.get_untracked()
                    aria-invalid=invalid(ui, name)
                    aria-describedby=move || {
                        let rest = described_by(ui, name, true)().unwrap_or_default();
                        format!("editor-keys {rest}").trim().to_owned()
                    }
                    on:input=move |ev| from_dom(event_target_value(&ev))
                    on:blur=move |_| {
                        tab_released.set(false);
                        ui.touch(name)
                    }
                    on:keydown=on_keydown
                    on:scroll=on_scroll
                ></textarea>
            </div>
            <p class="hint" id="editor-keys">
                {tr(|t| t.editor_keys_hint)}
                <span class="sr-status" aria-live="polite">
                    {rv(move || tab_released.get().then(|| ui.tx().tab_released))}
                </span>
            </p>
            <p class="meta" id="hint-script_content">
                <span id="script-bytes">
                    {tr(|t| t.utf8_size)} ": " {rv(move || editor::human_bytes(bytes.get()))}
                </span>
                " · "
                <span>{tr(|t| t.lines)} ": " {rv(move || lines.get())}</span>
            </p>
            <div class="file-open">
                <label for="script-file" class="button-like">{tr(|t| t.open_file)}</label>
                <input
                    type="file"
                    id="script-file"
                    class="visually-hidden"
                    accept=".sh,.bat,.cmd,.pl,.py,.ps1,.txt,text/plain"
                    on:change=on_file
                />
                <p class="file-message" role="status">
                    {rv(move || {
                        file_message
                            .get()
                            .map(|(ok, m)| {
                                view! {
                                    <span class=if ok { "ok" } else { "bad" }>{m}</span>
                                }
                            })
                    })}
                </p>
            </div>
            <FieldMessages name=name />
        </div>
    }
}

#[component]
fn ParamSection() -> impl IntoView {
    let ui = ui();
    let value = memo(move || ui.draft.with(|d| d.script_param.clone()));
    let sensitive = memo(move || ui.draft.with(|d| d.is_param_sensitive));
    let name = "script_param";
    view! {
        <fieldset class="section">
            <legend>{tr(|t| t.section_param)}</legend>
            <div class="field">
                <label for="f-script_param">{tr(|t| t.script_param)}</label>
                <input
                    id="f-script_param"
                    name=name
                    type=move || if sensitive.get() { "password" } else { "text" }
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || value.get()
                    aria-invalid=invalid(ui, name)
                    aria-describedby=described_by(ui, name, true)
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        ui.draft.update(|d| d.script_param = v);
                        ui.touch(name);
                    }
                    on:blur=move |_| ui.touch(name)
                />
                <p class="hint" id="hint-script_param">{tr(|t| t.script_param_hint)}</p>
                <FieldMessages name=name />
            </div>
            <div class="field check">
                <input
                    type="checkbox"
                    id="f-is_param_sensitive"
                    name="is_param_sensitive"
                    value="1"
                    prop:checked=move || sensitive.get()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        ui.draft.update(|d| d.is_param_sensitive = on);
                    }
                />
                <label for="f-is_param_sensitive">{tr(|t| t.is_param_sensitive)}</label>
            </div>
        </fieldset>
    }
}

#[component]
fn ExecSection() -> impl IntoView {
    let ui = ui();
    let windows = memo(move || ui.draft.with(|d| d.script_language.is_windows_only()));
    view! {
        <fieldset class="section">
            <legend>{tr(|t| t.section_exec)}</legend>
            <TextInput
                name="timeout"
                label=|t| t.timeout
                hint=|t| t.timeout_hint
                placeholder=|t| t.timeout_placeholder
                inputmode="numeric"
                get=|d| d.timeout.clone()
                set=|d, v| d.timeout = v
            />
            <div class="row">
                <TextInput
                    name="account_alias"
                    label=|t| t.account_alias
                    hint=|t| t.account_hint
                    get=|d| d.account_alias.clone()
                    set=|d, v| d.account_alias = v
                />
                <TextInput
                    name="account_id"
                    label=|t| t.account_id
                    inputmode="numeric"
                    get=|d| d.account_id.clone()
                    set=|d, v| d.account_id = v
                />
            </div>
            {when(move || windows.get(), move || view! {
                <TextInput
                    name="windows_interpreter"
                    label=|t| t.windows_interpreter
                    hint=|t| t.windows_interpreter_hint
                    get=|d| d.windows_interpreter.clone()
                    set=|d, v| d.windows_interpreter = v
                />
            })}
        </fieldset>
    }
}

#[component]
fn TargetSection() -> impl IntoView {
    view! {
        <fieldset class="section">
            <legend>{tr(|t| t.section_targets)}</legend>
            <div class="grid">
                <BulkInput
                    name="host_id_list"
                    label=|t| t.host_id_list
                    hint=|t| t.host_id_list_hint
                    get=|d| d.host_id_list.clone()
                    set=|d, v| d.host_id_list = v
                    count=|c| c.host_id_list
                />
                <BulkInput
                    name="ip_list"
                    label=|t| t.ip_list
                    hint=|t| t.ip_list_hint
                    get=|d| d.ip_list.clone()
                    set=|d, v| d.ip_list = v
                    count=|c| c.ip_list
                />
                <BulkInput
                    name="dynamic_group_list"
                    label=|t| t.dynamic_group_list
                    hint=|t| t.dynamic_group_list_hint
                    get=|d| d.dynamic_group_list.clone()
                    set=|d, v| d.dynamic_group_list = v
                    count=|c| c.dynamic_group_list
                />
                <BulkInput
                    name="topo_node_list"
                    label=|t| t.topo_node_list
                    hint=|t| t.topo_node_list_hint
                    get=|d| d.topo_node_list.clone()
                    set=|d, v| d.topo_node_list = v
                    count=|c| c.topo_node_list
                />
            </div>
        </fieldset>
    }
}

#[component]
fn TaskSection() -> impl IntoView {
    let ui = ui();
    let value = memo(move || ui.draft.with(|d| d.task_name.clone()));
    let name = "task_name";
    let use_default = move |_| {
        let n = default_task_name(ui.lang.get_untracked(), dom::now_ms_local());
        ui.draft.update(|d| d.task_name = n);
        ui.touch(name);
    };
    view! {
        <fieldset class="section">
            <legend>{tr(|t| t.section_task)}</legend>
            <div class="field">
                <label for="f-task_name">{tr(|t| t.task_name)}</label>
                <div class="with-button">
                    <input
                        id="f-task_name"
                        name=name
                        type="text"
                        autocomplete="off"
                        placeholder=tr(|t| t.task_name_placeholder)
                        prop:value=move || value.get()
                        aria-invalid=invalid(ui, name)
                        aria-describedby=described_by(ui, name, false)
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            ui.draft.update(|d| d.task_name = v);
                            ui.touch(name);
                        }
                        on:blur=move |_| ui.touch(name)
                    />
                    <button type="button" id="default-task-name" on:click=use_default>
                        {tr(|t| t.use_default_name)}
                    </button>
                </div>
                <FieldMessages name=name />
            </div>
            <TextInput
                name="callback_url"
                label=|t| t.callback_url
                hint=|t| t.callback_url_hint
                input_type="url"
                get=|d| d.callback_url.clone()
                set=|d, v| d.callback_url = v
            />
        </fieldset>
    }
}

/// The error summary after a blocked launch: role="alert", one link per invalid field.
#[component]
fn ErrorSummary() -> impl IntoView {
    let ui = ui();
    // Already in form order.
    let items = move || ui.error_texts.get().0;
    view! {
        {when(move || ui.show_summary.get() && !ui.error_texts.with(|m| m.is_empty()), move || view! {
            <div id="error-summary" class="error-summary" role="alert" tabindex="-1">
                <p>
                    {rv(move || {
                        let n = ui.check.with(|c| c.errors.len());
                        fill(ui.tx().error_summary, "n", &n.to_string())
                    })}
                </p>
                <ul>
                    {rv(move || {
                        items()
                            .into_iter()
                            .map(|(field, texts)| {
                                let href = format!("#f-{field}");
                                let target = format!("f-{field}");
                                view! {
                                    <li>
                                        <a
                                            href=href
                                            on:click=move |ev: ev::MouseEvent| {
                                                ev.prevent_default();
                                                dom::focus_id(&target);
                                            }
                                        >
                                            <code>{field.clone()}</code>
                                            ": "
                                            {texts.join("; ")}
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()
                    })}
                </ul>
            </div>
        })}
    }
}

/// All warnings (they never block), near the launch button.
#[component]
fn WarningList() -> impl IntoView {
    let ui = ui();
    let all = move || {
        ui.warning_texts
            .get()
            .0
            .into_iter()
            .flat_map(|(_, texts)| texts)
            .collect::<Vec<_>>()
    };
    view! {
        {when(move || !all().is_empty(), move || view! {
            <div class="warnings" role="status">
                <p>{tr(|t| t.warnings)}</p>
                <ul>{rv(move || all().into_iter().map(|w| view! { <li>{w}</li> }).collect_view())}</ul>
            </div>
        })}
    }
}

// ---------------------------------------------------------------------------------------------
// Connection settings

#[component]
fn ConnectionPanel() -> impl IntoView {
    let ui = ui();
    let conn = ui.conn;
    let text_field = move |name: &'static str,
                           label: fn(&Texts) -> &'static str,
                           get: fn(&Connection) -> String,
                           set: fn(&mut Connection, String),
                           secret: bool| {
        let value = memo(move || conn.with(get));
        let id = format!("f-{name}");
        let label_for = id.clone();
        view! {
            <div class="field">
                <label for=label_for>{tr(label)}</label>
                <input
                    id=id
                    name=name
                    type=if secret { "password" } else { "text" }
                    aria-describedby=secret.then_some("secrets-note")
                    autocomplete=if secret { "new-password" } else { "off" }
                    spellcheck="false"
                    prop:value=move || value.get()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        conn.update(|c| set(c, v));
                    }
                />
            </div>
        }
    };
    let mode = memo(move || conn.with(|c| c.auth_mode));
    let msg_lang = memo(move || conn.with(|c| c.message_lang));
    let endpoint = move || conn.with(Connection::endpoint);
    view! {
        <details id="connection" class="panel">
            <summary>{tr(|t| t.connection_title)}</summary>
            // A form of its own (password fields belong in a form); Enter submits nothing.
            <form
                id="connection-form"
                class="panel-body"
                autocomplete="off"
                on:submit=|ev: ev::SubmitEvent| ev.prevent_default()
            >
                <div class="field">
                    <label for="f-api_base_url">{tr(|t| t.api_base_url)}</label>
                    <input
                        id="f-api_base_url"
                        name="api_base_url"
                        type="text"
                        inputmode="url"
                        autocomplete="off"
                        spellcheck="false"
                        placeholder="https://bkapi.example.com/api/bk-job/prod"
                        aria-describedby="hint-api_base_url"
                        prop:value=move || conn.with(|c| c.api_base_url.clone())
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            conn.update(|c| c.api_base_url = v);
                        }
                    />
                    <p class="hint" id="hint-api_base_url">
                        {tr(|t| t.api_base_url_hint)}
                    </p>
                </div>
                <div class="field">
                    <label for="f-auth_mode">{tr(|t| t.auth_mode)}</label>
                    <select
                        id="f-auth_mode"
                        name="auth_mode"
                        on:change=move |ev| {
                            let m = AuthMode::parse(&event_target_value(&ev));
                            conn.update(|c| c.auth_mode = m);
                        }
                    >
                        {AuthMode::ALL
                            .into_iter()
                            .map(|m| {
                                let label = move || match m {
                                    AuthMode::Gateway => ui.tx().auth_gateway,
                                    AuthMode::Esb => ui.tx().auth_esb,
                                    AuthMode::None => ui.tx().auth_none,
                                };
                                view! {
                                    <option value=m.as_str() selected=move || mode.get() == m>
                                        {label}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    <p class="hint">
                        {tr(|t| t.endpoint)} ": " <code>"POST " {endpoint}</code>
                    </p>
                </div>
                <div class="row">
                    {text_field("bk_app_code", |t| t.bk_app_code, |c| c.bk_app_code.clone(), |c, v| c.bk_app_code = v, false)}
                    {text_field("bk_app_secret", |t| t.bk_app_secret, |c| c.bk_app_secret.clone(), |c, v| c.bk_app_secret = v, true)}
                </div>
                <div class="row">
                    {text_field("bk_username", |t| t.bk_username, |c| c.bk_username.clone(), |c, v| c.bk_username = v, false)}
                    {text_field("bk_token", |t| t.bk_token, |c| c.bk_token.clone(), |c, v| c.bk_token = v, true)}
                </div>
                <p class="hint" id="secrets-note">{tr(|t| t.secrets_note)}</p>
                <div class="field">
                    <label for="f-blueking_language">{tr(|t| t.message_lang)}</label>
                    <select
                        id="f-blueking_language"
                        name="blueking_language"
                        on:change=move |ev| {
                            let m = MessageLang::parse(&event_target_value(&ev));
                            conn.update(|c| c.message_lang = m);
                        }
                    >
                        <option value="auto" selected=move || msg_lang.get() == MessageLang::Auto>
                            {tr(|t| t.message_lang_auto)}
                        </option>
                        <option value="zh-cn" selected=move || msg_lang.get() == MessageLang::Zh>
                            "中文 (zh-cn)"
                        </option>
                        <option value="en" selected=move || msg_lang.get() == MessageLang::En>
                            "English (en)"
                        </option>
                    </select>
                </div>
            </form>
        </details>
    }
}

// ---------------------------------------------------------------------------------------------
// Preview and curl

/// The request preview: a closed `<details>`; its body (JSON, headers, curl) is a panel of the
/// on-demand module, loaded when the preview is first opened.
#[component]
fn PreviewPanel() -> impl IntoView {
    let ui = ui();
    let open = RwSignal::new(false);
    // The validated request as JSON ("" while the form has errors), computed only while the
    // panel is open, so typing stays cheap.
    let request = memo(move || {
        if !open.get() {
            return String::new();
        }
        ui.check.with(|c| {
            c.request
                .as_ref()
                .and_then(|r| serde_json::to_string(r).ok())
                .unwrap_or_default()
        })
    });
    view! {
        <details
            id="preview-panel"
            class="panel"
            on:toggle=move |ev: ev::Event| {
                if let Some(d) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
                {
                    open.set(d.open());
                }
            }
        >
            <summary id="preview-title">{tr(|t| t.preview_title)}</summary>
            <div class="panel-body">
                {when(move || open.get(), move || view! {
                    <Remote
                        kind="preview"
                        payload=request
                        loading=|t| t.panel_loading
                        failed=|t| t.preview_load_failed
                    />
                })}
            </div>
        </details>
    }
}

/// The jobs launched from this browser. The list is a panel of the on-demand module; while the
/// browser has none (always on a first visit) the app says so itself without loading it.
#[component]
fn RecentJobs() -> impl IntoView {
    let ui = ui();
    // Whether the browser has a list at all, looked up again after each launch.
    let has_list = memo(move || {
        ui.result.track();
        dom::storage_get(crate::job::recent::RECENT_JOBS_KEY).is_some()
    });
    let on_open = Callback::new(move |path: String| ui.navigate(&path));
    // Bumped by each launch result: a mounted list reads itself again (a success is added).
    let generation = RwSignal::new(0u32);
    Effect::new(move |_| {
        ui.result.track();
        generation.update(|g| *g += 1);
    });
    // The heading is always the app's, so the list's loading note or failure has its context.
    view! {
        <section class="recent-jobs" aria-labelledby="recent-title">
            <h2 id="recent-title">{tr(|t| t.recent_title)}</h2>
            {rv(move || {
                if has_list.get() {
                    view! {
                        <Remote
                            kind="recent"
                            payload=Signal::derive(move || generation.get().to_string())
                            on_message=on_open
                            loading=|t| t.panel_loading
                            failed=|t| t.recent_load_failed
                        />
                    }
                        .into_any()
                } else {
                    view! { <p class="recent-empty">{tr(|t| t.recent_empty)}</p> }.into_any()
                }
            })}
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// Outcome

#[component]
fn OutcomePanel() -> impl IntoView {
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
fn UnknownFate() -> impl IntoView {
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

fn row(label: fn(&Texts) -> &'static str, field: &'static str, value: String) -> impl IntoView {
    view! {
        <dt>{tr(label)}</dt>
        <dd data-field=field>{value}</dd>
    }
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
        <p>{rv(move || fill(detail(t(lang.get())), "n", &n))}</p>
    }
    .into_any()
}

#[component]
fn OutcomeBody(record: LaunchRecord) -> impl IntoView {
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
                    kind="permission"
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
        } => {
            let hint = move || ErrorCode::from(code).hint(ui.lang.get());
            view! {
                <h3>{tr(|t| t.api_error_title)}</h3>
                <dl class="kv">
                    {row(|t| t.code, "code", code.to_string())}
                    {row(|t| t.message, "message", message)}
                    {job_request_id.map(|r| row(|t| t.job_request_id, "job_request_id", r))}
                    {row(|t| t.http_status, "http_status", http_status.to_string())}
                </dl>
                {when(move || hint().is_some(), move || view! {
                    <p class="hint-box">
                        <strong>{tr(|t| t.hint)} ": "</strong>
                        {rv(move || hint().unwrap_or_default())}
                    </p>
                })}
            }
            .into_any()
        }
        Outcome::HttpError {
            http_status,
            problem,
            code,
            message,
            job_request_id,
            excerpt,
        } => {
            let problem_text = move || {
                let tx = ui.tx();
                match problem {
                    HttpProblem::Status => tx.problem_status,
                    HttpProblem::NotJson => tx.problem_not_json,
                    HttpProblem::Truncated => tx.problem_truncated,
                    HttpProblem::UnexpectedShape => tx.problem_shape,
                }
            };
            let hint = move || code.and_then(|c| ErrorCode::from(c).hint(ui.lang.get()));
            view! {
                <h3>{tr(|t| t.http_error_title)}</h3>
                <p>{problem_text}</p>
                <dl class="kv">
                    {row(|t| t.http_status, "http_status", http_status.to_string())}
                    {code.map(|c| row(|t| t.code, "code", c.to_string()))}
                    {message.map(|m| row(|t| t.message, "message", m))}
                    {job_request_id.map(|r| row(|t| t.job_request_id, "job_request_id", r))}
                </dl>
                {when(move || hint().is_some(), move || view! {
                    <p class="hint-box">
                        <strong>{tr(|t| t.hint)} ": "</strong>
                        {rv(move || hint().unwrap_or_default())}
                    </p>
                })}
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
