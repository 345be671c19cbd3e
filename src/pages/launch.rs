//! The launch page: the form (its sections, the error summary, warnings and the launch
//! buttons), the outcome, the request preview and the recent jobs.

use leptos::ev;
use leptos::prelude::*;

use crate::connection::panel::sign_in_link;
use crate::form::{
    ErrorSummary, ExecSection, ParamSection, ScopeSection, ScriptSection, TargetSection,
    TaskSection, WarningList,
};
use crate::i18n::fill;
use crate::launch::{LaunchGuard, LaunchState};
use crate::outcome::panel::OutcomePanel;
use crate::pages::recent::RecentJobs;
use crate::preview::PreviewPanel;
use crate::rolling::RollingSection;
use crate::state::{attempt_launch, tr, ui};
use crate::view_helpers::{rv, when};
use crate::web;

/// The launch page: the form, its outcome, the request preview and the recent jobs.
#[component]
pub fn LaunchPage() -> impl IntoView {
    let ui = ui();
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        attempt_launch(ui);
    };
    let on_reset = move |_| {
        if web::confirm(ui.tx().reset_confirm) {
            ui.reset();
        }
    };
    let in_flight = move || ui.guard.with(LaunchGuard::in_flight);
    let unknown = move || ui.guard.with(|g| g.state() == LaunchState::Unknown);
    // Proxy mode without a login: the server would refuse the launch, so the button is
    // disabled and its hint links to the sign-in (the way back returns to this page with the
    // draft restored). Disabled rather than "try and fail": nothing the user does here but
    // signing in can make the launch work.
    let sign_in = move || ui.with_session(crate::connection::Session::must_sign_in);

    view! {
        <div class="launch-page">
            <form id="launch-form" novalidate on:submit=on_submit>
                <ErrorSummary />
                <ScopeSection />
                <ScriptSection />
                <ParamSection />
                <ExecSection />
                <TargetSection />
                <RollingSection />
                <TaskSection />
                <WarningList />
                <div class="actions">
                    <button
                        type="submit"
                        id="launch"
                        class="primary"
                        disabled=move || unknown() || sign_in()
                        aria-disabled=move || in_flight().then_some("true")
                        aria-busy=move || in_flight().then_some("true")
                        aria-describedby="launch-hint"
                    >
                        {rv(move || if in_flight() { ui.tx().launching } else { ui.tx().launch })}
                    </button>
                    // The summary is at the top of a long form: from the bar, one step away.
                    {when(
                        move || ui.show_summary.get() && !ui.error_texts.with(|m| m.is_empty()),
                        move || view! {
                            <a
                                href="#error-summary"
                                id="summary-link"
                                on:click=move |ev: ev::MouseEvent| {
                                    ev.prevent_default();
                                    web::focus_id("error-summary");
                                }
                            >
                                {rv(move || {
                                    let n = ui.check.with(|c| c.errors.len()).to_string();
                                    fill(ui.tx().summary_link, &[("n", &n)])
                                })}
                            </a>
                        },
                    )}
                    <button type="button" id="reset" on:click=on_reset>
                        {tr(|t| t.reset)}
                    </button>
                    <span id="launch-hint" class="hint">
                        {rv(move || {
                            if sign_in() { ui.tx().session_signed_out } else { ui.tx().launch_hint }
                        })}
                        " "
                        {sign_in_link("sign-in")}
                    </span>
                </div>
            </form>
            <OutcomePanel />
            <PreviewPanel />
            <RecentJobs />
        </div>
    }
}
