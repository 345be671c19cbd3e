//! The error summary shown after a blocked launch, and the list of all warnings near the
//! launch button.

use leptos::ev;
use leptos::prelude::*;

use crate::i18n::fill;
use crate::state::{tr, ui};
use crate::view_helpers::{rv, when};
use crate::web;

/// The error summary after a blocked launch: role="alert", one link per invalid field.
#[component]
pub fn ErrorSummary() -> impl IntoView {
    let ui = ui();
    // Already in form order.
    let items = move || ui.error_texts.get().0;
    view! {
        {when(move || ui.show_summary.get() && !ui.error_texts.with(|m| m.is_empty()), move || view! {
            <div id="error-summary" class="error-summary" role="alert" tabindex="-1">
                <p>
                    {rv(move || {
                        let n = ui.check.with(|c| c.errors.len());
                        fill(ui.tx().error_summary, &[("n", &n.to_string())])
                    })}
                </p>
                <ul>
                    {rv(move || {
                        items()
                            .into_iter()
                            .map(|(field, texts)| {
                                let target = field.control_id();
                                let href = format!("#{target}");
                                view! {
                                    <li>
                                        <a
                                            href=href
                                            on:click=move |ev: ev::MouseEvent| {
                                                ev.prevent_default();
                                                web::focus_id(&target);
                                            }
                                        >
                                            <code>{field.name()}</code>
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
pub fn WarningList() -> impl IntoView {
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
