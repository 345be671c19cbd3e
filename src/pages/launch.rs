//! The launch page: the form (its sections, the error summary, warnings and the launch
//! buttons), the outcome, the request preview and the recent jobs.

use leptos::ev;
use leptos::prelude::*;

use crate::form::{
    ErrorSummary, ExecSection, ParamSection, ScopeSection, ScriptSection, TargetSection,
    TaskSection, WarningList,
};
use crate::launch::{LaunchGuard, LaunchState};
use crate::outcome::panel::OutcomePanel;
use crate::pages::recent::RecentJobs;
use crate::preview::PreviewPanel;
use crate::state::{attempt_launch, tr, ui};
use crate::view_helpers::rv;
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
