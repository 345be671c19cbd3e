//! Report section 6, rolling: the batch plan of a 50,000-host rolling job, as the form's
//! rolling panel computes it on every change.

use serde_json::{json, Value};
use thirtyfour::prelude::*;

use crate::page::js;
use crate::stats::{median, not_measured, row, section, verdict};

/// Hosts of the plan (BK-JOB's limit for one script step).
const HOSTS: u32 = 50_000;
/// Calls averaged inside wasm per sample: enough for the sample to span many ticks of the
/// browser's coarsened `performance.now()` (about 0.1 ms), so the mean is not quantised.
const ITERATIONS: u32 = 5_000;
/// Samples per expression.
const RUNS: usize = 9;
/// One frame at 60 Hz, ms.
const FRAME_MS: f64 = 1000.0 / 60.0;

/// The expressions timed: BK-JOB's own performance cases (100 batches each) and the most
/// batches a plan may have.
const CASES: [(&str, &str); 3] = [
    ("1%", "`1%`: 100 batches of 500"),
    ("+10", "`+10`: 100 growing batches"),
    ("100", "`100`: 500 batches of 100"),
];

pub async fn rolling(d: &WebDriver, ready: bool) -> Value {
    let title = "6. Rolling execution (batch plan of 50,000 hosts)";
    let how = "The bench build's `window.wasmBindings.bench_rolling_plan` (src/bench.rs) runs \
               `bkjob_api::check_rolling` — BK-JOB's rules for `rolling_config` and the batch \
               plan, what the form's rolling panel computes on every change — for 50,000 known \
               hosts, averaged over 5,000 calls inside wasm per sample.";
    let goal = "under one frame (16.7 ms)";
    if !ready {
        let why = "the bench build's wasm exports did not load";
        return section(
            title,
            how,
            CASES
                .iter()
                .map(|(_, name)| not_measured(name, goal, why))
                .collect(),
            vec![],
        );
    }
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for (expr, name) in CASES {
        let mut ms = Vec::new();
        for _ in 0..RUNS {
            let v = js(
                d,
                "return window.wasmBindings.bench_rolling_plan(arguments[0], arguments[1], arguments[2]);",
                vec![json!(expr), json!(HOSTS), json!(ITERATIONS)],
            )
            .await
            .as_f64()
            .unwrap_or(-1.0);
            if v >= 0.0 {
                ms.push(v);
            }
        }
        if ms.is_empty() {
            notes.push(format!("{expr}: the check reported an error; not timed."));
            rows.push(not_measured(name, goal, "the expression was refused"));
            continue;
        }
        let m = median(&ms);
        rows.push(row(name, "ms", &ms, goal, verdict(m < FRAME_MS)));
    }
    section(title, how, rows, notes)
}
