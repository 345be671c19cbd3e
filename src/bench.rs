//! Benchmark entry points (`cargo xtask bench`): thin `#[wasm_bindgen]` exports into the app's
//! real code paths, so the browser benchmark times exactly what the form and the job view run.
//! Nothing here has logic of its own: Base64 and validation come from `bkjob-api`, answer
//! reading and host grouping/filtering from [`crate::job`]. (The rendered job view is measured
//! through the app's own route, no export needed.)
//!
//! Compiled only with the `bench` feature (`cargo xtask bench` builds it with `trunk build
//! --release --features bench` into `<target>/bench-dist`). Wasm exports are never dead code, so
//! in the shipped bundle they would put the job model (which ships in the lazily loaded job
//! module) and everything else they call into the first visit's wasm.
//!
//! Trunk puts these exports on `window.wasmBindings`; the page times them with
//! `performance.now()` (the exports that loop measure inside wasm, so a call's JS↔wasm copy of a
//! big string is not counted where the figure is per keystroke).

use std::cell::RefCell;
use std::sync::Arc;

use bkjob_api::{validate_draft, Draft, JobInstanceStatusData, Limits};
use wasm_bindgen::prelude::*;

use crate::api::job::read_answer;
use crate::job::hosts::{filter_group, visible_window, HostModel};

/// Base64 of `text` exactly as the form encodes `script_content` / `script_param`.
#[wasm_bindgen]
pub fn bench_encode_base64(text: &str) -> String {
    bkjob_api::encode_base64(text)
}

/// Milliseconds per full-form validation ([`validate_draft`], what every keystroke runs) of a
/// draft with a `script_bytes`-long script and `target_lines` lines of `cloud:ip` targets,
/// averaged over `iterations` runs (at least 1). The draft is built once, outside the timing.
#[wasm_bindgen]
pub fn bench_validate_draft(script_bytes: u32, target_lines: u32, iterations: u32) -> f64 {
    let line = "echo \"hello 世界\" && ls -l /tmp\n";
    let mut script = line.repeat(script_bytes as usize / line.len() + 1);
    let mut cut = (script_bytes as usize).min(script.len());
    while !script.is_char_boundary(cut) {
        cut -= 1;
    }
    script.truncate(cut);
    let draft = Draft {
        scope_id: "2".into(),
        script_content: script,
        account_alias: "root".into(),
        ip_list: (0..target_lines)
            .map(|i| format!("0:10.{}.{}.{}\n", i / 62_500, i / 250 % 250, i % 250))
            .collect(),
        ..Draft::default()
    };
    let limits = Limits::default();
    // One untimed run so lazy allocations and the first-touch cost are not in the figure.
    let warm = validate_draft(&draft, &limits);
    debug_assert!(warm.errors.is_empty());
    let n = iterations.max(1);
    let start = now_ms();
    for _ in 0..n {
        std::hint::black_box(validate_draft(std::hint::black_box(&draft), &limits));
    }
    (now_ms() - start) / f64::from(n)
}

/// Milliseconds per check of the rolling section as its panel runs it on every change
/// ([`bkjob_api::check_rolling`]: BK-JOB's rules and the batch plan) for `expression` over
/// `hosts` known hosts, averaged over `iterations` runs; negative when the expression has an
/// error (the figure would time the wrong path).
#[wasm_bindgen]
pub fn bench_rolling_plan(expression: &str, hosts: u32, iterations: u32) -> f64 {
    let d = bkjob_api::RollingDraft {
        expression: expression.to_owned(),
        ..Default::default()
    };
    let warm = bkjob_api::check_rolling(&d, hosts as usize);
    if !warm.errors.is_empty() || warm.plan.is_none() {
        return -1.0;
    }
    let n = iterations.max(1);
    let start = now_ms();
    for _ in 0..n {
        std::hint::black_box(bkjob_api::check_rolling(
            std::hint::black_box(&d),
            hosts as usize,
        ));
    }
    (now_ms() - start) / f64::from(n)
}

thread_local! {
    /// The job model the last [`bench_job_parse_group`] built, for the switch/filter timings.
    static JOB: RefCell<Option<HostModel>> = const { RefCell::new(None) };
}

/// Reads a `get_job_instance_status` answer (the whole JSON body) as the job view does and
/// groups its first step's hosts; keeps the model for [`bench_job_switch`] /
/// [`bench_job_filter`]. Returns the number of groups (0 when the answer cannot be read).
#[wasm_bindgen]
pub fn bench_job_parse_group(body: &str) -> u32 {
    let Ok(data) = read_answer::<JobInstanceStatusData>(200, body) else {
        return 0;
    };
    let rows = data
        .step_instance_list
        .into_iter()
        .next()
        .and_then(|s| s.step_ip_result_list)
        .unwrap_or_default();
    let model = HostModel::new(rows);
    let groups = model.groups.len() as u32;
    JOB.with(|j| *j.borrow_mut() = Some(model));
    groups
}

/// Number of hosts in the kept model.
#[wasm_bindgen]
pub fn bench_job_hosts() -> u32 {
    JOB.with(|j| j.borrow().as_ref().map_or(0, |m| m.rows.len() as u32))
}

/// Switching to group `index` (in the view's order) with filter `query` (blank = none): the
/// model work the view does before painting — find the group, filter its rows, compute the
/// virtual list's first window (40 px rows, 600 px viewport). Returns the rows shown.
#[wasm_bindgen]
pub fn bench_job_switch(index: u32, query: &str) -> u32 {
    JOB.with(|j| {
        let j = j.borrow();
        let Some(model) = j.as_ref() else { return 0 };
        let Some(group) = model.groups.get(index as usize) else {
            return 0;
        };
        let key = group.key.clone();
        let Some(group) = model.group(&key) else {
            return 0;
        };
        let rows: Arc<[u32]> = filter_group(&model.rows, &group.rows, query);
        let window = visible_window(rows.len(), 40.0, 0.0, 600.0, 10);
        std::hint::black_box(&window);
        rows.len() as u32
    })
}

/// Applying filter `query` to the biggest group: the rows that match.
#[wasm_bindgen]
pub fn bench_job_filter(query: &str) -> u32 {
    JOB.with(|j| {
        let j = j.borrow();
        let Some(model) = j.as_ref() else { return 0 };
        let Some(group) = model.groups.iter().max_by_key(|g| g.count()) else {
            return 0;
        };
        let rows = filter_group(&model.rows, &group.rows, query);
        let window = visible_window(rows.len(), 40.0, 0.0, 600.0, 10);
        std::hint::black_box(&window);
        rows.len() as u32
    })
}

/// `performance.now()` in the browser; 0 where there is none (native builds never call it).
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
