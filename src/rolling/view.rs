//! The rolling settings, shown by the on-demand module as [`Panel::Rolling`]: the expression,
//! the execution mode, the mode (serial) or the delays (staggered), each with its errors and
//! warnings from [`bkjob_api::check_rolling`] (BK-JOB's rules), and the batch plan of the
//! hosts the form knows.
//!
//! [`Panel::Rolling`]: crate::lazy::Panel::Rolling

use bkjob_api::{check_rolling, Lang, RollingDraft, Violation};
use leptos::prelude::*;

use crate::i18n::fill;
use crate::i18n::panels::{panel_texts, PanelTexts};
use crate::view_helpers::{rv, when};

use super::{RollingMessage, RollingPayload};

/// A text of [`PanelTexts`].
type Text = fn(&PanelTexts) -> &'static str;

/// Most batch sizes the plan lists before it elides the middle.
const PLAN_SHOWN: usize = 12;

/// The batch sizes as the plan shows them: all of them up to [`PLAN_SHOWN`], else the first
/// ones, "…" and the last (a plan may have 501 batches).
pub fn plan_sizes(plan: &[usize]) -> String {
    let join = |s: &[usize]| {
        s.iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    if plan.len() <= PLAN_SHOWN {
        join(plan)
    } else {
        format!(
            "{}, …, {}",
            join(&plan[..PLAN_SHOWN - 1]),
            plan[plan.len() - 1]
        )
    }
}

/// The plan line for `hosts` known hosts.
pub fn plan_text(plan: &[usize], hosts: usize, t: &PanelTexts) -> String {
    fill(
        t.rolling_plan,
        &[
            ("hosts", &hosts.to_string()),
            ("sizes", &plan_sizes(plan)),
            ("n", &plan.len().to_string()),
        ],
    )
}

/// The control a violation of the section belongs to (its `rolling_config.<field>` path);
/// anything else (the type, the source files) is shown with the expression.
pub fn control_of(v: &Violation) -> &'static str {
    match v.path.strip_prefix("rolling_config.") {
        Some("mode") => "mode",
        Some("execution_mode") => "execution_mode",
        Some("batch_start_wait_fixed_ms") => "fixed_ms",
        Some("batch_start_wait_random_min_ms") => "random_min_ms",
        Some("batch_start_wait_random_max_ms") => "random_max_ms",
        _ => "expression",
    }
}

/// Messages of `list` for `control`, in `lang`.
fn messages(list: &[Violation], control: &str, lang: Lang) -> Vec<String> {
    list.iter()
        .filter(|v| control_of(v) == control)
        .map(|v| v.message(lang).to_owned())
        .collect()
}

/// The rolling settings. `payload` is a [`RollingPayload`] as JSON; `on_change` gets a
/// [`RollingMessage`] as JSON after every change (and once at the start).
#[component]
pub fn RollingView(
    #[prop(into)] payload: Signal<String>,
    #[prop(into)] lang: Signal<Lang>,
    on_change: Callback<String>,
) -> impl IntoView {
    let input = Memo::new(move |_| payload.with(|p| RollingPayload::read(p)));
    let draft = RwSignal::new(input.get_untracked().rolling);
    // A new draft from the app (a reset, a "Redo"): it replaces what is shown. The app's echo
    // of our own change is equal and changes nothing.
    Effect::new(move |_| {
        let from_app = input.with(|p| p.rolling.clone());
        if draft.with_untracked(|d| *d != from_app) {
            draft.set(from_app);
        }
    });
    let hosts = Memo::new(move |_| input.with(|p| p.hosts));
    let check = Memo::new(move |_| draft.with(|d| check_rolling(d, hosts.get())));
    Effect::new(move |_| {
        let m = RollingMessage {
            rolling: draft.get(),
            errors: check.with(|c| c.errors.len()),
        };
        on_change.run(serde_json::to_string(&m).unwrap_or_default());
    });
    // Controls the user has been in: their errors show (all of them once a launch was tried).
    let touched = RwSignal::new(Vec::<&'static str>::new());
    let touch = move |c: &'static str| {
        if !touched.with_untracked(|t| t.contains(&c)) {
            touched.update(|t| t.push(c));
        }
    };
    let t = move || panel_texts(lang.get());
    let errors_of = move |c: &'static str| {
        let shown = input.with(|p| p.submitted) || touched.with(|t| t.contains(&c));
        if !shown {
            return Vec::new();
        }
        check.with(|k| messages(&k.errors, c, lang.get()))
    };
    let warnings_of = move |c: &'static str| check.with(|k| messages(&k.warnings, c, lang.get()));
    let described = move |c: &'static str, hint: bool| {
        let mut ids: Vec<String> = Vec::new();
        if hint {
            ids.push(format!("hint-rolling_{c}"));
        }
        if !errors_of(c).is_empty() {
            ids.push(format!("err-rolling_{c}"));
        }
        if !warnings_of(c).is_empty() {
            ids.push(format!("warn-rolling_{c}"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let field_messages = move |c: &'static str| {
        view! {
            {when(move || !errors_of(c).is_empty(), move || view! {
                <div class="field-error" id=format!("err-rolling_{c}") data-error-for=format!("rolling_config.{c}")>
                    {rv(move || errors_of(c).into_iter().map(|e| view! { <p>{e}</p> }).collect_view())}
                </div>
            })}
            {when(move || !warnings_of(c).is_empty(), move || view! {
                <div class="field-warning" id=format!("warn-rolling_{c}")>
                    {rv(move || warnings_of(c).into_iter().map(|w| view! { <p>{w}</p> }).collect_view())}
                </div>
            })}
        }
    };
    // A text control bound to one field of the draft.
    let text_input = move |c: &'static str,
                           label: Text,
                           hint: bool,
                           get: fn(&RollingDraft) -> &String,
                           set: fn(&mut RollingDraft, String)| {
        let id = format!("f-rolling_{c}");
        let label_for = id.clone();
        view! {
            <div class="field">
                <label for=label_for>{move || label(t())}</label>
                <input
                    id=id
                    name=format!("rolling_config.{c}")
                    type="text"
                    inputmode=(c != "expression").then_some("numeric")
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || draft.with(|d| get(d).clone())
                    aria-invalid=move || (!errors_of(c).is_empty()).then_some("true")
                    aria-describedby=move || described(c, hint)
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        draft.update(|d| set(d, v));
                    }
                    on:blur=move |_| touch(c)
                />
                {hint.then(|| view! {
                    <p class="hint" id=format!("hint-rolling_{c}")>
                        {move || if c == "expression" { t().rolling_expression_hint } else { t().rolling_delay_hint }}
                    </p>
                })}
                {field_messages(c)}
            </div>
        }
    };
    // A radio group bound to one code field of the draft.
    let radios = move |c: &'static str,
                       legend: Text,
                       options: Vec<(&'static str, Text)>,
                       get: fn(&RollingDraft) -> &String,
                       set: fn(&mut RollingDraft, String)| {
        let buttons = options
            .into_iter()
            .enumerate()
            .map(|(i, (value, label))| {
                let id = if i == 0 {
                    format!("f-rolling_{c}")
                } else {
                    format!("f-rolling_{c}-{value}")
                };
                let label_for = id.clone();
                view! {
                    <label class="choice" for=label_for>
                        <input
                            type="radio"
                            id=id
                            name=format!("rolling_config.{c}")
                            value=value
                            prop:checked=move || draft.with(|d| get(d).trim() == value)
                            on:change=move |_| {
                                draft.update(|d| set(d, value.to_owned()));
                                touch(c);
                            }
                        />
                        <span>{move || label(t())}</span>
                    </label>
                }
            })
            .collect_view();
        view! {
            <fieldset class="choices">
                <legend>{move || legend(t())}</legend>
                {buttons}
                {field_messages(c)}
            </fieldset>
        }
    };
    let staggered = Memo::new(move |_| draft.with(RollingDraft::staggered));
    let plan_line = move || {
        let tx = t();
        let (hosts, groups) = input.with(|p| (p.hosts, p.groups));
        let mut lines = Vec::new();
        check.with(|k| match &k.plan {
            Some(plan) => lines.push(plan_text(plan, hosts, tx)),
            None if !k.errors.is_empty() => lines.push(tx.rolling_plan_invalid.to_owned()),
            None => lines.push(tx.rolling_plan_empty.to_owned()),
        });
        if groups > 0 {
            lines.push(fill(tx.rolling_plan_groups, &[("n", &groups.to_string())]));
        }
        lines.join(" ")
    };
    view! {
        <div class="rolling-settings">
            <p class="hint">{move || t().rolling_intro}</p>
            {text_input("expression", |t| t.rolling_expression, true, |d| &d.expression, |d, v| d.expression = v)}
            {radios(
                "execution_mode",
                |t| t.rolling_execution_mode,
                vec![("1", |t| t.rolling_serial), ("2", |t| t.rolling_staggered)],
                |d| &d.execution_mode,
                |d, v| d.execution_mode = v,
            )}
            {move || if staggered.get() {
                view! {
                    <div class="row">
                        {text_input("fixed_ms", |t| t.rolling_fixed_ms, true, |d| &d.fixed_ms, |d, v| d.fixed_ms = v)}
                        {text_input("random_min_ms", |t| t.rolling_random_min_ms, false, |d| &d.random_min_ms, |d, v| d.random_min_ms = v)}
                        {text_input("random_max_ms", |t| t.rolling_random_max_ms, false, |d| &d.random_max_ms, |d, v| d.random_max_ms = v)}
                    </div>
                }
                    .into_any()
            } else {
                radios(
                    "mode",
                    |t| t.rolling_mode,
                    vec![
                        ("1", |t| t.rolling_mode_pause),
                        ("2", |t| t.rolling_mode_ignore),
                        ("3", |t| t.rolling_mode_manual),
                    ],
                    |d| &d.mode,
                    |d, v| d.mode = v,
                )
                    .into_any()
            }}
            <h3 id="rolling-plan-title">{move || t().rolling_plan_title}</h3>
            <p id="rolling-plan" class="count" role="status" aria-labelledby="rolling-plan-title">
                {plan_line}
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_read_well_at_any_length() {
        assert_eq!(plan_sizes(&[20, 60, 60, 60]), "20, 60, 60, 60");
        let long = vec![1; 501];
        let s = plan_sizes(&long);
        assert!(s.starts_with("1, 1, "));
        assert!(s.ends_with(", …, 1"));
        assert_eq!(s.matches(',').count(), PLAN_SHOWN);
        let t = panel_texts(Lang::En);
        assert_eq!(
            plan_text(&[20, 60, 60, 60], 200, t),
            "200 hosts → 20, 60, 60, 60 (4 batches)"
        );
        assert_eq!(
            plan_text(&[1, 2], 3, panel_texts(Lang::ZhCn)),
            "3 台主机 → 1, 2（共 2 批）"
        );
    }

    #[test]
    fn each_violation_finds_its_control() {
        let d = RollingDraft {
            expression: "x".into(),
            execution_mode: "2".into(),
            random_min_ms: "y".into(),
            ..Default::default()
        };
        let k = check_rolling(&d, 3);
        let controls: Vec<_> = k.errors.iter().map(control_of).collect();
        assert!(controls.contains(&"random_min_ms"), "{controls:?}");
        assert!(controls.contains(&"fixed_ms"), "{controls:?}");
        let bad = check_rolling(
            &RollingDraft {
                expression: "x".into(),
                ..Default::default()
            },
            3,
        );
        assert_eq!(control_of(&bad.errors[0]), "expression");
    }
}
