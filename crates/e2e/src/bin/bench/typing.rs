//! Report section 4, typing: validation per keystroke, in the bench build's export and
//! through the real form (against the baseline page).

use serde_json::{json, Value};
use thirtyfour::prelude::*;

use crate::page::{js, open_app, BASELINE_FILE};
use crate::serve::BenchServer;
use crate::stats::{median, not_measured, row, section, verdict};

/// Validations timed, one per run.
const VALIDATE_RUNS: usize = 30;

const TYPE_IN_FORM: &str = concat!(
    include_str!("js/typing_setup.js"),
    include_str!("js/type_in_form.js")
);
const TYPE_IN_EDITOR: &str = concat!(
    include_str!("js/typing_setup.js"),
    include_str!("js/type_in_editor.js")
);

/// Runs [`TYPE_IN_EDITOR`] on the open app: the editor's load on first focus, then per
/// keystroke (app work, keystroke → next task).
async fn type_in_editor(d: &WebDriver) -> Option<(f64, Vec<f64>, Vec<f64>)> {
    let r = d
        .execute_async(
            TYPE_IN_EDITOR,
            vec![json!(1 << 20), json!(5000), json!(VALIDATE_RUNS)],
        )
        .await
        .map_err(|e| eprintln!("bench: typing in the editor failed: {e}"))
        .ok()?;
    let v = r.json();
    let list = |k: &str| -> Vec<f64> {
        v[k].as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    let (work, total) = (list("work"), list("total"));
    let load = v["load"].as_f64()?;
    (!work.is_empty() && work.len() == total.len()).then_some((load, work, total))
}

/// Runs [`TYPE_IN_FORM`] on the open page: per keystroke, (app work, keystroke → next task).
async fn type_in_form(d: &WebDriver) -> Option<(Vec<f64>, Vec<f64>)> {
    let r = d
        .execute_async(
            TYPE_IN_FORM,
            vec![json!(1 << 20), json!(5000), json!(VALIDATE_RUNS)],
        )
        .await
        .map_err(|e| eprintln!("bench: typing in the form failed: {e}"))
        .ok()?;
    let v = r.json();
    let list = |k: &str| -> Vec<f64> {
        v[k].as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    let (work, total) = (list("work"), list("total"));
    (!work.is_empty() && work.len() == total.len()).then_some((work, total))
}

pub async fn typing(d: &WebDriver, server: &BenchServer, ready: bool) -> Value {
    let title = "4. Typing (validation per keystroke)";
    let how = "**Validation** (bench build): `window.wasmBindings.bench_validate_draft(1 MiB, 5000, 1)` \
               (src/bench.rs) builds a Draft with a 1 MiB script (ASCII + CJK) and 5,000 \
               `cloud:ip` target lines once, then times one `bkjob_api::draft::validate_draft` \
               (what the form runs on every keystroke: parse every list, Base64 the script, all \
               rules) with `performance.now()` inside wasm; one validation per run. **Real \
               form** (production build): the same text typed into the mounted form's `script_content` and \
               `ip_list`; one `input` event on the script → the next task (every handler and \
               effect the keystroke triggers, before the browser may paint).";
    let goal = "well under one frame (16 ms); target 1 ms";
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    if ready {
        let mut samples = Vec::new();
        for _ in 0..VALIDATE_RUNS {
            if let Some(ms) = js(
                d,
                "return window.wasmBindings.bench_validate_draft(arguments[0], arguments[1], 1);",
                vec![json!(1 << 20), json!(5000)],
            )
            .await
            .as_f64()
            {
                samples.push(ms);
            }
        }
        let m = median(&samples);
        let v = if m <= 1.0 {
            "target met"
        } else if m < 16.0 {
            "under a frame, target missed"
        } else {
            "goal missed"
        };
        rows.push(row(
            "validate_draft, 1 MiB script + 5,000 targets",
            "ms",
            &samples,
            goal,
            Some(v),
        ));
    } else {
        rows.push(not_measured(
            "validate_draft, 1 MiB script + 5,000 targets",
            goal,
            "the bench build's wasm exports did not load",
        ));
    }
    // The same keystroke through the real form, and in the same run through the plain-HTML
    // baseline page with the same fields: setting a 1 MiB textarea's value makes the browser lay
    // the whole text out again, which no app code can avoid, so only the ratio and the app's own
    // work are judged.
    let _ = open_app(d, server).await;
    let app = type_in_form(d).await;
    let _ = open_app(d, server).await;
    let editor = type_in_editor(d).await;
    let base_url = format!("{}{BASELINE_FILE}", server.url);
    let base = if d.goto(&base_url).await.is_ok() {
        type_in_form(d).await
    } else {
        None
    };
    editor_rows(&mut rows, &mut notes, server, editor, base.as_ref());
    match (app, base) {
        (Some((work, total)), Some((_, base_total))) => {
            rows.push(row(
                "Real form: app work per keystroke (input handler + effects), 1 MiB script + 5,000 targets",
                "ms",
                &work,
                "one frame (16 ms)",
                verdict(median(&work) < 16.0),
            ));
            rows.push(row(
                "Real form: keystroke → next task (with the browser's textarea layout)",
                "ms",
                &total,
                "reference",
                None,
            ));
            rows.push(row(
                "Baseline page: the same keystroke → next task",
                "ms",
                &base_total,
                "reference",
                None,
            ));
            let ratios: Vec<f64> = total
                .iter()
                .zip(&base_total)
                .map(|(a, b)| a / b.max(0.001))
                .collect();
            rows.push(row(
                "Ratio app ÷ baseline (keystroke → next task)",
                "×",
                &ratios,
                "≤ 1.5×",
                verdict(median(&ratios) <= 1.5),
            ));
            notes.push(
                "App work = from the input event to the end of the microtasks it queues (the \
                 handler, signals, validation, re-rendered messages and counts, the draft stored \
                 in localStorage). Keystroke → next task also holds the browser's own layout of \
                 the 1 MiB textarea, which the baseline page pays too."
                    .to_string(),
            );
        }
        _ => rows.push(not_measured(
            "Real form: app work per keystroke",
            "one frame (16 ms)",
            "the script_content / ip_list controls were not found on the app or the baseline page",
        )),
    }
    section(title, how, rows, notes)
}

/// The code editor's rows: its keystroke against the plain textarea of the baseline page (the
/// same run), its size and its load on first focus.
fn editor_rows(
    rows: &mut Vec<Value>,
    notes: &mut Vec<String>,
    server: &BenchServer,
    editor: Option<(f64, Vec<f64>, Vec<f64>)>,
    base: Option<&(Vec<f64>, Vec<f64>)>,
) {
    let size = std::fs::metadata(server.dist().join("fastexec-editor.js.br"))
        .map(|m| m.len() as f64 / 1024.0)
        .ok();
    match size {
        Some(kb) => rows.push(row(
            "Code editor module (fastexec-editor.js, brotli q11; not in the first visit)",
            "KB",
            &[kb],
            "reference",
            None,
        )),
        None => rows.push(not_measured(
            "Code editor module size",
            "reference",
            "fastexec-editor.js.br is not in the build",
        )),
    }
    let Some((load, work, total)) = editor else {
        rows.push(not_measured(
            "Code editor: keystroke → next task",
            "≤ 0.5× the plain textarea",
            "the editor did not load on focus",
        ));
        return;
    };
    rows.push(row(
        "Code editor: load on first focus (import + mount, served from loopback)",
        "ms",
        &[load],
        "reference",
        None,
    ));
    rows.push(row(
        "Code editor: app work per keystroke (editor + form), 1 MiB script + 5,000 targets",
        "ms",
        &work,
        "one frame (16 ms)",
        verdict(median(&work) < 16.0),
    ));
    rows.push(row(
        "Code editor: keystroke → next task",
        "ms",
        &total,
        "reference",
        None,
    ));
    if let Some((_, base_total)) = base {
        let ratios: Vec<f64> = total
            .iter()
            .zip(base_total)
            .map(|(a, b)| a / b.max(0.001))
            .collect();
        rows.push(row(
            "Ratio code editor ÷ plain textarea (keystroke → next task)",
            "×",
            &ratios,
            "≤ 0.5×",
            verdict(median(&ratios) <= 0.5),
        ));
    }
    notes.push(
        "Code editor keystroke: one character inserted (or deleted) at the end of the 1 MiB \
         script the way CodeMirror applies a key (`view.dispatch` with `userEvent: input.type`): \
         the editor's update and drawing of the visible lines, the text written back to the \
         form's hidden textarea and its input event (the form's validation and draft). The \
         browser's own key event handling is not included; the textarea rows are the same \
         keystroke through the plain textarea."
            .to_string(),
    );
}
