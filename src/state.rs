//! The app state ([`Ui`], signals shared through context) and the launch controller: what a
//! launch attempt does before the request ([`plan_launch`]) and after it ([`after_launch`]) is
//! decided by plain functions with native tests; [`attempt_launch`] only wires them to the
//! signals and the network.

use bkjob_api::{
    validate_draft, Draft, DraftOutcome, FastExecuteScriptRequest, Lang, Limits, ScriptSource,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::connection::{Connection, Session};
use crate::form::field::{first_invalid_field, texts_by_field, Field, FieldTexts};
use crate::i18n::{t, Texts};
use crate::job::recent::{LaunchedScripts, RedoScript};
use crate::job::remember_launch;
use crate::launch::LaunchGuard;
use crate::outcome::Outcome;
use crate::route::{self, Route};
use crate::storage;
use crate::view_helpers::memo;
use crate::web;

/// A finished launch and the scope it was sent to (for the job link).
#[derive(Clone, Debug, PartialEq)]
pub struct LaunchRecord {
    /// `bk_scope_type` of the request.
    pub scope_type: String,
    /// `bk_scope_id` of the request.
    pub scope_id: String,
    /// What came back.
    pub outcome: Outcome,
}

thread_local! {
    /// What the page's own server said about credentials, for the current base URL (local
    /// while it is not the page's own server, or not yet answered: see [`crate::app`]). A cell
    /// and a [`Trigger`] rather than a signal: a signal of one more type adds ~1 KB of wasm.
    static SESSION: std::cell::RefCell<Session> = std::cell::RefCell::default();
    /// The API base the session was last asked for (`None`: not yet).
    static SESSION_BASE: std::cell::RefCell<Option<String>> = std::cell::RefCell::default();
    /// The script text of the jobs launched in this page session, for "Redo": memory only (a
    /// plain cell, not a signal: nothing renders it, and a reload or another tab has none).
    pub static LAUNCHED_SCRIPTS: std::cell::RefCell<LaunchedScripts> = std::cell::RefCell::default();
}

/// All app state: signals only, so it is `Copy` and shared through context.
#[derive(Clone, Copy)]
pub struct Ui {
    /// The UI language.
    pub lang: RwSignal<Lang>,
    /// The form as typed.
    pub draft: RwSignal<Draft>,
    /// The connection settings (secrets in memory only), as the user left them.
    pub conn: RwSignal<Connection>,
    /// Notified when [`SESSION`] changes ([`Ui::session`] tracks it).
    pub session_changed: Trigger,
    /// Fields the user has been in. A Vec: at most ~20, and a hash set would add its hasher
    /// to the wasm.
    pub touched: RwSignal<Vec<Field>>,
    /// A launch was attempted: every error shows.
    pub submitted: RwSignal<bool>,
    /// The error summary is shown (after a blocked launch).
    pub show_summary: RwSignal<bool>,
    /// The draft validated.
    pub check: Memo<DraftOutcome>,
    /// Error texts per field.
    pub error_texts: Memo<FieldTexts>,
    /// Warning texts per field.
    pub warning_texts: Memo<FieldTexts>,
    /// The double-launch guard.
    pub guard: RwSignal<LaunchGuard>,
    /// The last launch's outcome.
    pub result: RwSignal<Option<LaunchRecord>>,
    /// Where the app is.
    pub route: RwSignal<Route>,
    /// "Redo" could not restore the inline script: its error says to paste it again.
    pub paste_again: RwSignal<bool>,
    /// The rolling panel reported the rolling section valid ([`crate::rolling`]); while the
    /// section is on and this is false, the launch is blocked.
    pub rolling_ok: RwSignal<bool>,
    /// Bumped each time the draft is stored (300 ms after the last change): the checks that
    /// read the whole script or host list (the on-demand panels) follow this, not every key.
    pub settled: RwSignal<u32>,
    /// The high-risk panel's gate message ([`crate::danger`]): `refuse\t…` blocks the launch
    /// with the server's message, `ask\t…` asks first, "" lets it go.
    pub danger: RwSignal<String>,
    /// The host check's gate message, same format: `ask\t…` while abnormal hosts are listed.
    pub host_gate: RwSignal<String>,
}

impl Ui {
    /// The state restored from storage (draft, connection without secrets, language) and the
    /// current location.
    pub fn restore() -> Ui {
        let lang = storage::initial_lang(
            web::storage_get(storage::KEY_UI_LANG).as_deref(),
            &web::navigator_language(),
        );
        let draft = web::storage_get(storage::KEY_DRAFT)
            .and_then(|j| storage::draft_from_json(&j))
            .unwrap_or_default();
        let conn = web::storage_get(storage::KEY_CONNECTION)
            .map(|j| storage::connection_from_json(&j))
            .unwrap_or_default();
        let conn = RwSignal::new(conn);
        // A new app (a remount) starts in local mode until its server answers.
        SESSION.set(Session::Local);
        SESSION_BASE.set(None);
        let lang = RwSignal::new(lang);
        let draft = RwSignal::new(draft);
        let limits = Limits::default();
        let rolling_ok = RwSignal::new(false);
        let danger = RwSignal::new(String::new());
        let check = memo(move || {
            let mut c = draft.with(|d| validate_draft(d, &limits));
            if draft.with(|d| d.rolling_enabled) && !rolling_ok.get() {
                c.errors.push(crate::rolling::pending_violation());
                c.request = None;
            }
            if let Some(v) = danger.with(|g| crate::danger::refusal(g)) {
                c.errors.push(v);
                c.request = None;
            }
            c
        });
        let paste_again = RwSignal::new(false);
        let error_texts = memo(move || {
            let l = lang.get();
            let mut texts = check.with(|c| draft.with(|d| texts_by_field(&c.errors, d, l)));
            if paste_again.get() {
                paste_again_text(&mut texts, l);
            }
            texts
        });
        let warning_texts = memo(move || {
            let l = lang.get();
            check.with(|c| draft.with(|d| texts_by_field(&c.warnings, d, l)))
        });
        Ui {
            lang,
            draft,
            conn,
            session_changed: Trigger::new(),
            touched: RwSignal::new(Vec::new()),
            submitted: RwSignal::new(false),
            show_summary: RwSignal::new(false),
            check,
            error_texts,
            warning_texts,
            guard: RwSignal::new(LaunchGuard::new()),
            result: RwSignal::new(None),
            route: RwSignal::new(route::parse(&web::pathname())),
            paste_again,
            rolling_ok,
            settled: RwSignal::new(0),
            danger,
            host_gate: RwSignal::new(String::new()),
        }
    }

    /// Read the session (tracked), without cloning it.
    pub fn with_session<R>(&self, f: impl FnOnce(&Session) -> R) -> R {
        self.session_changed.track();
        SESSION.with_borrow(f)
    }

    /// Whether `base` differs from the base the session was last asked for (and remember it).
    pub fn new_session_base(&self, base: &str) -> bool {
        let new = SESSION_BASE.with_borrow(|b| b.as_deref() != Some(base));
        if new {
            SESSION_BASE.set(Some(base.to_owned()));
        }
        new
    }

    /// Replace the session.
    pub fn set_session(&self, session: Session) {
        SESSION.set(session);
        self.session_changed.notify();
    }

    /// What every call sends (tracked): the settings, without any credential in proxy mode.
    /// A method, not a memo: each memo type adds its own copy of the memo code to the wasm.
    pub fn sent(&self) -> Connection {
        self.with_session(|s| self.conn.with(|c| c.as_sent(s)))
    }

    /// The UI texts in the current language (tracked).
    pub fn tx(&self) -> &'static Texts {
        t(self.lang.get())
    }

    /// The user has been in `field`: its errors show from now on.
    pub fn touch(&self, field: Field) {
        if !self.touched.with_untracked(|s| s.contains(&field)) {
            self.touched.update(|s| s.push(field));
        }
    }

    /// The errors shown beside `field` (empty until touched or submitted).
    pub fn visible_errors(&self, field: Field) -> Vec<String> {
        if !(self.submitted.get() || self.touched.with(|s| s.contains(&field))) {
            return Vec::new();
        }
        self.error_texts.with(|m| m.get(field).to_vec())
    }

    /// The warnings shown beside `field` (always).
    pub fn warnings_for(&self, field: Field) -> Vec<String> {
        self.warning_texts.with(|m| m.get(field).to_vec())
    }

    /// Go to `path` (history entry + route).
    pub fn navigate(&self, path: &str) {
        web::push_path(path);
        self.route.set(route::parse(path));
    }

    /// Put a job's draft back into the form ("Redo"), with what happened to its script.
    pub fn redo(&self, draft: Draft, how: RedoScript) {
        let (paste, touched) = redo_marks(how);
        self.rolling_ok.set(false);
        self.draft.set(draft);
        self.paste_again.set(paste);
        self.touched.set(touched);
        self.submitted.set(false);
    }

    /// Back to an empty form (after the user confirmed).
    pub fn reset(&self) {
        self.rolling_ok.set(false);
        self.draft.set(Draft::default());
        self.paste_again.set(false);
        self.touched.set(Vec::new());
        self.submitted.set(false);
        self.show_summary.set(false);
    }
}

/// The app state from context.
pub fn ui() -> Ui {
    expect_context::<Ui>()
}

/// A reactive UI string. One concrete closure type for every label keeps the wasm small (each
/// distinct `move || ...` closure would instantiate its own text-node code).
pub fn tr(
    f: fn(&Texts) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = ui().lang;
    move || f(t(lang.get()))
}

/// After "Redo" could not restore the inline script, the empty script's error is the specific
/// one: paste it again.
fn paste_again_text(texts: &mut FieldTexts, lang: Lang) {
    for (field, list) in &mut texts.0 {
        if *field == Field::ScriptContent {
            *list = vec![t(lang).script_paste_again.to_owned()];
        }
    }
}

/// After "Redo": whether the script must be pasted again, and the fields marked touched (the
/// empty script field then shows its error at once).
pub fn redo_marks(how: RedoScript) -> (bool, Vec<Field>) {
    if how == RedoScript::MustPaste {
        (true, vec![Field::ScriptContent])
    } else {
        (false, Vec::new())
    }
}

/// What a launch attempt does, decided before anything is sent.
#[derive(Clone, Debug, PartialEq)]
pub enum LaunchPlan {
    /// A launch is in flight, or its fate is unknown and not yet acknowledged: nothing happens.
    Refused,
    /// Errors stand: show every error and the summary, focus the first invalid field.
    Blocked {
        /// The first invalid field in form order.
        focus: Option<Field>,
    },
    /// Send `request` (the guard is now in flight); the record keeps its scope for the job link.
    Send {
        /// The validated request (boxed: it is large, the other plans are tiny).
        request: Box<FastExecuteScriptRequest>,
        /// Its `bk_scope_type`.
        scope_type: String,
        /// Its `bk_scope_id`.
        scope_id: String,
    },
}

/// Decide a launch attempt from the guard and the validated draft; on [`LaunchPlan::Send`]
/// the guard has begun the launch.
pub fn plan_launch(guard: &mut LaunchGuard, check: DraftOutcome) -> LaunchPlan {
    if !guard.can_launch() {
        return LaunchPlan::Refused;
    }
    let Some(request) = check.request else {
        return LaunchPlan::Blocked {
            focus: first_invalid_field(&check.errors),
        };
    };
    if !guard.begin() {
        return LaunchPlan::Refused;
    }
    LaunchPlan::Send {
        scope_type: request.bk_scope_type.clone().unwrap_or_default(),
        scope_id: request.bk_scope_id.clone().unwrap_or_default(),
        request: Box::new(request),
    }
}

/// What the app keeps after a launch answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AfterLaunch {
    /// Add the job to the recent-jobs list (and drop "paste the script again").
    pub remember: bool,
    /// Keep the script text in memory for "Redo" (an inline script; a script ID needs none).
    pub keep_script: bool,
}

/// Decide what a finished launch leaves behind: only a created job is remembered.
pub fn after_launch(outcome: &Outcome, source: ScriptSource) -> AfterLaunch {
    let remember = matches!(outcome, Outcome::Success { .. });
    AfterLaunch {
        remember,
        keep_script: remember && source == ScriptSource::Content,
    }
}

/// Try to launch: guarded against double sends, blocked while any error stands.
pub fn attempt_launch(ui: Ui) {
    let mut guard = ui.guard.get_untracked();
    if !guard.can_launch() {
        // Checked before cloning the validated draft: a double click costs nothing.
        return;
    }
    if untrack(|| ui.with_session(Session::must_sign_in)) {
        // Ctrl+Enter while the button is disabled: the server has no login to add, so the
        // launch could only be refused; the hint beside the button links to the sign-in.
        web::focus_id("sign-in");
        return;
    }
    // The panels' questions (high-risk statements, abnormal hosts), only for a launch that
    // would go: each one declined stops it.
    let lang = ui.lang.get_untracked();
    if ui.check.with_untracked(|c| c.request.is_some()) {
        for gate in [ui.danger, ui.host_gate] {
            if let Some(q) =
                gate.with_untracked(|g| crate::danger::question(g, lang).map(str::to_owned))
            {
                if !web::confirm(&q) {
                    return;
                }
            }
        }
    }
    let plan = plan_launch(&mut guard, ui.check.get_untracked());
    ui.submitted.set(true);
    let (request, scope_type, scope_id) = match plan {
        LaunchPlan::Refused => return,
        LaunchPlan::Blocked { focus } => {
            ui.show_summary.set(true);
            if let Some(field) = focus {
                web::focus_id(&field.control_id());
            }
            return;
        }
        LaunchPlan::Send {
            request,
            scope_type,
            scope_id,
        } => (request, scope_type, scope_id),
    };
    ui.show_summary.set(false);
    ui.guard.set(guard);
    ui.result.set(None);
    let conn = untrack(|| ui.sent());
    let draft = ui.draft.get_untracked();
    spawn_local(async move {
        let outcome = crate::api::launch::send_launch(
            &conn,
            &request,
            lang,
            crate::api::launch::LAUNCH_TIMEOUT_SECS,
        )
        .await;
        let after = after_launch(&outcome, draft.source);
        if let (true, Outcome::Success { data, .. }) = (after.remember, &outcome) {
            // The recent-jobs list of the job view (localStorage, without secrets or script
            // text); the script text stays in memory for "Redo" in this page session.
            let path = remember_launch(&draft, data).path();
            if after.keep_script {
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
        web::focus_id("outcome");
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::launch::{LaunchState, Settled};

    fn valid() -> Draft {
        Draft {
            scope_id: "2".into(),
            script_content: "echo hi".into(),
            account_alias: "root".into(),
            host_id_list: "101".into(),
            ..Draft::default()
        }
    }

    fn check(d: &Draft) -> DraftOutcome {
        validate_draft(d, &Limits::default())
    }

    #[test]
    fn a_valid_draft_is_sent_once() {
        let mut g = LaunchGuard::new();
        match plan_launch(&mut g, check(&valid())) {
            LaunchPlan::Send {
                request,
                scope_type,
                scope_id,
            } => {
                assert_eq!((scope_type.as_str(), scope_id.as_str()), ("biz", "2"));
                assert_eq!(request.bk_scope_id.as_deref(), Some("2"));
            }
            other => panic!("{other:?}"),
        }
        assert!(g.in_flight());
        // A second attempt while the first is on the way sends nothing.
        assert_eq!(plan_launch(&mut g, check(&valid())), LaunchPlan::Refused);
        assert_eq!(g.started(), 1);
    }

    #[test]
    fn errors_block_and_focus_the_first_field() {
        let mut g = LaunchGuard::new();
        let d = Draft {
            scope_id: String::new(),
            timeout: "abc".into(),
            ..valid()
        };
        assert_eq!(
            plan_launch(&mut g, check(&d)),
            LaunchPlan::Blocked {
                focus: Some(Field::ScopeId)
            }
        );
        assert_eq!(g.state(), LaunchState::Idle);
        assert_eq!(g.started(), 0);
    }

    #[test]
    fn an_unknown_fate_refuses_until_acknowledged() {
        let mut g = LaunchGuard::new();
        assert!(g.begin());
        g.finish(Settled::Unknown);
        // Refused even with errors: nothing is shown or focused.
        assert_eq!(
            plan_launch(&mut g, check(&Draft::default())),
            LaunchPlan::Refused
        );
        assert_eq!(plan_launch(&mut g, check(&valid())), LaunchPlan::Refused);
        g.acknowledge_checked();
        assert!(matches!(
            plan_launch(&mut g, check(&valid())),
            LaunchPlan::Send { .. }
        ));
    }

    #[test]
    fn only_a_created_job_is_remembered() {
        let ok = Outcome::Success {
            data: bkjob_api::FastExecuteScriptData {
                job_instance_id: 1,
                job_instance_name: "x".into(),
                step_instance_id: 2,
            },
            job_request_id: None,
            http_status: 200,
        };
        assert_eq!(
            after_launch(&ok, ScriptSource::Content),
            AfterLaunch {
                remember: true,
                keep_script: true
            }
        );
        assert_eq!(
            after_launch(&ok, ScriptSource::ScriptId),
            AfterLaunch {
                remember: true,
                keep_script: false
            }
        );
        let lost = Outcome::Timeout { seconds: 60 };
        assert_eq!(
            after_launch(&lost, ScriptSource::Content),
            AfterLaunch {
                remember: false,
                keep_script: false
            }
        );
    }

    #[test]
    fn redo_marks_the_script_when_it_must_be_pasted() {
        assert_eq!(
            redo_marks(RedoScript::MustPaste),
            (true, vec![Field::ScriptContent])
        );
        assert_eq!(redo_marks(RedoScript::Restored), (false, Vec::new()));
    }

    #[test]
    fn paste_again_replaces_the_script_error() {
        let d = Draft {
            script_content: String::new(),
            ..valid()
        };
        let c = check(&d);
        let mut texts = texts_by_field(&c.errors, &d, Lang::En);
        paste_again_text(&mut texts, Lang::En);
        assert_eq!(
            texts.get(Field::ScriptContent),
            [t(Lang::En).script_paste_again.to_owned()]
        );
    }
}
