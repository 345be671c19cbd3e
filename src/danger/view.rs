//! The high-risk check (on-demand module, [`crate::lazy::Panel::Danger`]): the rules read
//! once per page from `get_dangerous_rule_list`, matched with [`bkjob_api::danger`] (the
//! server's own matcher) on every change of the script, the matching lines listed and marked
//! in the code editor, and the [`Gate`] sent to the app.

use std::sync::Arc;

use bkjob_api::danger::{DangerMatch, DangerMatcher, DangerousAction, RuleDef};
use bkjob_api::{ErrorCode, Lang};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::{read_payload, Gate};
use crate::api::job::{CallError, HttpJobApi};
use crate::connection::Connection;
use crate::i18n::fill;
use crate::i18n::panels::panel_texts;

/// Lines listed at most (a script full of matches would otherwise flood the form).
const MAX_LISTED: usize = 50;

/// Hands the marks to the code editor, and keeps them on the textarea so an editor that loads
/// later shows them too (`fastexecMarks`, read by src/form/editor/codemirror.mjs). Plain
/// js-sys calls: an `inline_js` snippet would be preloaded by every first visit.
fn set_editor_marks(json: &str) {
    let Some(ta) = web_sys::window().and_then(|w| w.document()).and_then(|d| {
        d.query_selector(r#"[name="script_content"]"#)
            .ok()
            .flatten()
    }) else {
        return;
    };
    let Ok(list) = js_sys::JSON::parse(json) else {
        return;
    };
    let _ = js_sys::Reflect::set(&ta, &"fastexecMarks".into(), &list);
    let editor = js_sys::Reflect::get(&ta, &"fastexecEditor".into()).unwrap_or_default();
    if let Ok(f) = js_sys::Reflect::get(&editor, &"setMarks".into()) {
        if let Some(f) = f.dyn_ref::<js_sys::Function>() {
            let _ = f.call1(&editor, &list);
        }
    }
}

#[derive(Clone)]
enum Rules {
    Loading,
    Ready(Arc<DangerMatcher>),
    Failed(CallError),
}

/// What the app is told about `matches` of `matcher`'s rules: a refusal with the server's
/// message when an intercept rule matched, a question when only scan rules did.
pub fn gate(matcher: &DangerMatcher, matches: &[DangerMatch]) -> Gate {
    let describe = |m: &DangerMatch| {
        let rule = &matcher.rules()[m.rule];
        (m.line, rule.description.clone())
    };
    if let Some(m) = matches
        .iter()
        .find(|m| m.action == DangerousAction::Intercept)
    {
        let (line, what) = describe(m);
        let msg = |lang| ErrorCode::DANGEROUS_SCRIPT.message(lang, &[]);
        return Gate::Refuse(
            format!("{}（第 {line} 行：{what}）", msg(Lang::ZhCn)),
            format!("{} (line {line}: {what})", msg(Lang::En)),
        );
    }
    if matches.is_empty() {
        return Gate::Clear;
    }
    let mut lines: Vec<usize> = matches.iter().map(|m| m.line).collect();
    lines.dedup();
    let shown: Vec<String> = lines.iter().take(10).map(usize::to_string).collect();
    let (_, what) = describe(&matches[0]);
    Gate::Ask(
        format!(
            "脚本包含 {} 处高危语句（第 {} 行；{what}）。仍要执行吗？",
            matches.len(),
            shown.join("、")
        ),
        format!(
            "The script contains {} high-risk statement(s) (line {}; {what}). Launch anyway?",
            matches.len(),
            shown.join(", ")
        ),
    )
}

/// The marks for the code editor: `[{line, intercept, text}]` as JSON.
fn marks_json(matcher: &DangerMatcher, matches: &[DangerMatch]) -> String {
    let list: Vec<serde_json::Value> = matches
        .iter()
        .map(|m| {
            serde_json::json!({
                "line": m.line,
                "intercept": m.action == DangerousAction::Intercept,
                "text": matcher.rules()[m.rule].description,
            })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

thread_local! {
    // The rules, read once per page.
    static CACHE: std::cell::RefCell<Option<Arc<DangerMatcher>>> = const { std::cell::RefCell::new(None) };
}

/// The panel under the script editor.
#[component]
pub fn DangerView(
    payload: ArcRwSignal<String>,
    conn: ArcRwSignal<Connection>,
    lang: ArcRwSignal<Lang>,
    on_change: Callback<String>,
) -> impl IntoView {
    let t = {
        let lang = lang.clone();
        move || panel_texts(lang.get())
    };
    let rules = RwSignal::new(match CACHE.with_borrow(Clone::clone) {
        Some(m) => Rules::Ready(m),
        None => Rules::Loading,
    });
    // Read again whenever the connection settings change until the rules are in: a reload
    // mounts this panel with the restored script before the secret is typed again, and that
    // first read fails. Only the latest read's answer is kept.
    let conn = Signal::from(conn);
    let api = HttpJobApi::new(conn, Signal::from(lang.clone()));
    let reads = StoredValue::new(0u32);
    Effect::new(move |_| {
        conn.track();
        if matches!(rules.get_untracked(), Rules::Ready(_)) {
            return;
        }
        let n = reads.get_value() + 1;
        reads.set_value(n);
        rules.set(Rules::Loading);
        spawn_local(async move {
            let answer = api.dangerous_rules().await;
            if reads.try_get_value() != Some(n) {
                return;
            }
            let next = match answer {
                Ok(list) => {
                    let defs = list.iter().filter_map(RuleDef::from_wire).collect();
                    // A rule this matcher cannot compile never matches; the server refuses to
                    // load such rules anyway.
                    let m = Arc::new(DangerMatcher::compile_lenient(defs).0);
                    CACHE.with_borrow_mut(|c| *c = Some(m.clone()));
                    Rules::Ready(m)
                }
                Err(e) => Rules::Failed(e),
            };
            let _ = rules.try_set(next);
        });
    });
    let matcher = move || match rules.get() {
        Rules::Ready(m) => Some(m),
        _ => None,
    };
    let matches = Memo::new(move |_| {
        let Some(m) = matcher() else {
            return Vec::new();
        };
        payload.with(|p| {
            let (language, script) = read_payload(p);
            m.matches(language, script)
        })
    });
    // The app and the editor follow every change.
    Effect::new(move |prev: Option<String>| {
        let found = matches.get();
        let m = matcher();
        let g = m
            .as_ref()
            .map(|m| gate(m, &found))
            .unwrap_or_default()
            .write();
        set_editor_marks(&m.map(|m| marks_json(&m, &found)).unwrap_or("[]".into()));
        if prev.as_ref() != Some(&g) {
            on_change.run(g.clone());
        }
        g
    });
    on_cleanup(|| set_editor_marks("[]"));

    move || {
        let t = t();
        match rules.get() {
            Rules::Loading => view! { <p class="hint danger-note" role="status">{t.danger_loading}</p> }.into_any(),
            // An older server without the API: no rules to show, it still checks at launch.
            Rules::Failed(e) if e.not_offered() => view! {
                <p class="hint danger-note" role="status" data-state="no-rules">{t.danger_no_rules}</p>
            }
            .into_any(),
            Rules::Failed(e) => {
                let detail = match &e {
                    CallError::Api { code, message, .. } => format!(" ({code}: {message})"),
                    _ => String::new(),
                };
                view! {
                    <p class="hint danger-note" role="status" data-state="failed" data-kind=e.kind()>
                        {t.danger_failed}{detail}
                    </p>
                }
                .into_any()
            }
            Rules::Ready(m) if m.rules().is_empty() => view! {
                <p class="hint danger-note" role="status" data-state="no-rules">{t.danger_no_rules}</p>
            }
            .into_any(),
            Rules::Ready(m) => {
                let found = matches.get();
                if found.is_empty() {
                    let n = m.rules().iter().filter(|r| r.enabled).count().to_string();
                    return view! {
                        <p class="hint danger-note" role="status" data-state="clear">{fill(t.danger_clear, &[("n", &n)])}</p>
                    }
                    .into_any();
                }
                let items = found
                    .iter()
                    .take(MAX_LISTED)
                    .map(|f| {
                        let rule = &m.rules()[f.rule];
                        let intercept = f.action == DangerousAction::Intercept;
                        view! {
                            <li
                                data-line=f.line.to_string()
                                data-action=if intercept { "intercept" } else { "scan" }
                                class=if intercept { "bad" } else { "warn" }
                            >
                                <strong>{fill(t.danger_line, &[("line", &f.line.to_string())])}</strong>
                                ": " {rule.description.clone()} " — "
                                {if intercept { t.danger_intercept } else { t.danger_scan }}
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="danger" id="danger" role="status" data-state="found">
                        <p><strong>{t.danger_title}</strong></p>
                        <ul id="danger-list">{items}</ul>
                    </div>
                }
                .into_any()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> DangerMatcher {
        DangerMatcher::compile(vec![
            RuleDef {
                id: 1,
                expression: r"rm\s+-rf\s+/(\s|$)".into(),
                languages: vec![1],
                action: DangerousAction::Intercept,
                description: "rm -rf /".into(),
                enabled: true,
            },
            RuleDef {
                id: 2,
                expression: r"^\s*reboot\b".into(),
                languages: vec![],
                action: DangerousAction::Scan,
                description: "reboot".into(),
                enabled: true,
            },
        ])
        .unwrap()
    }

    #[test]
    fn an_intercept_refuses_with_the_servers_message_and_a_scan_asks() {
        let m = matcher();
        let found = m.matches(1, "echo ok\nrm -rf /\nreboot\n");
        let Gate::Refuse(zh, en) = gate(&m, &found) else {
            panic!("refuse expected")
        };
        assert!(en.contains("line 2: rm -rf /"), "{en}");
        assert!(zh.contains("第 2 行"), "{zh}");
        assert!(en.starts_with(&ErrorCode::DANGEROUS_SCRIPT.message(Lang::En, &[])));
        let found = m.matches(1, "echo ok\nreboot\n");
        let Gate::Ask(_, en) = gate(&m, &found) else {
            panic!("ask expected")
        };
        assert!(en.contains("line 2; reboot"), "{en}");
        assert_eq!(gate(&m, &m.matches(1, "echo ok\n")), Gate::Clear);
        // Not a shell script: the shell-only rule does not apply.
        assert_eq!(gate(&m, &m.matches(4, "rm -rf /\n")), Gate::Clear);
    }

    #[test]
    fn marks_name_the_line_and_the_action() {
        let m = matcher();
        let json = marks_json(&m, &m.matches(1, "reboot\nrm -rf /\n"));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v[0]["line"], 1);
        assert_eq!(v[0]["intercept"], false);
        assert_eq!(v[1]["line"], 2);
        assert_eq!(v[1]["intercept"], true);
        assert_eq!(v[1]["text"], "rm -rf /");
    }
}
