//! Report section 5, big jobs: a 50,000-host status answer through the job model (bench
//! build) and the real job view (production build).

use serde_json::{json, Value};
use thirtyfour::prelude::*;

use crate::page::{js, open_app};
use crate::serve::BenchServer;
use crate::stats::{median, not_measured, row, section, verdict};

/// Hosts in the synthetic status answer.
const JOB_HOSTS: usize = 50_000;
/// Page loads that each open the real job view over that answer once (the first job of a page
/// also loads the job module), then mounts of the view in the last page.
const JOB_VIEW_MOUNTS: usize = 5;
/// Goal of the once-per-answer work (parse, group, first render): a response a person does
/// not notice (RAIL's 100 ms).
const RESPONSE_GOAL: &str = "≤ 100 ms (no noticeable delay)";

const JOB_SETUP: &str = include_str!("js/job_setup.js");

/// Opens the app's real job view in the running app (`history.pushState` to
/// `/jobs/biz/2/1` + `popstate`, as the app's own links do) with `window.fetch` answering
/// `get_job_instance_status` with the synthetic body; resolves with the ms from the
/// navigation to the first host row and group tab in the DOM (a MutationObserver sees them).
/// It first goes back to `/` so each run mounts the view afresh.
const JOB_VIEW_RENDER: &str = include_str!("js/job_view_render.js");

/// In the mounted job view: `runs` group switches (a tab click) or filter inputs, each timed
/// from the event to the next task (every handler, effect and DOM update done), checking the
/// list changed. Resolves with [ms...] or a string saying what went wrong.
const JOB_VIEW_INTERACT: &str = include_str!("js/job_view_interact.js");

/// The job model through the bench build's exports (`ready`: its page is open), then the real
/// job view in the production app.
pub async fn big_jobs(d: &WebDriver, app: &BenchServer, ready: bool) -> Value {
    let title = "5. Big jobs (50,000-host status answer)";
    let how = "A synthetic `get_job_instance_status` answer with 50,000 hosts (98 % success, a \
               tenth of them tagged `slow`, 2 % non-zero exits, 0.1 % agent errors: 4 groups), \
               built in the page as JSON text. Through src/bench.rs (bench build) into the job view's own code: \
               **parse + group** = `job::api::read_answer` + `job::hosts::HostModel::new` \
               (timed in JS around the call, so the copy of the text into wasm counts); \
               **switch group** = `HostModel::group` + `filter_group` (blank) + \
               `visible_window` (mean of 10,000 calls per run: the clock ticks in 0.1 ms); \
               **apply filter** = `filter_group` with a typed query over the biggest group (~47,000 rows) + `visible_window`. **Rendered** (production build): the app's real \
               job page (`JobView`: its `HttpJobApi`, polling, `HostResults` virtual list), \
               opened inside the running app by `history.pushState` + `popstate` to \
               `/jobs/biz/2/1` while `window.fetch` answers `get_job_instance_status` with the \
               same text: first render = navigation → first host row and group tab in the DOM \
               (MutationObserver); switch = a group tab's click, filter = an `input` event on \
               `host_filter`, each → the next task (all handlers, effects and DOM \
               updates done; the paint follows). The first job opened in a page also downloads \
               and instantiates the job view's module (`fastexec-job.js` + \
               `fastexec-job_bg.wasm`, when the build has one): that is its own row, the first \
               job of each of 5 fresh page loads (cache disabled); the first-render row is 5 \
               more openings in the last page.";
    let frame = "one frame (16 ms)";
    let view_rows = |why: &str| {
        vec![
            not_measured(FIRST_OPEN, "reference", why),
            not_measured(
                "First render of the job view (50,000 hosts)",
                RESPONSE_GOAL,
                why,
            ),
            not_measured("Switch group, rendered", frame, why),
            not_measured("Apply filter, rendered", frame, why),
        ]
    };
    let (mut rows, mut notes) = if ready {
        job_model(d, frame).await
    } else {
        let why = "the bench build's wasm exports did not load";
        let rows = vec![
            not_measured("Parse + group", RESPONSE_GOAL, why),
            not_measured("Switch group (model)", frame, why),
            not_measured("Apply filter (model)", frame, why),
        ];
        (rows, vec![])
    };
    js(d, "delete window.__jobBody; return 0;", vec![]).await;

    // The real job view of the production app, mounted over the same answer: the first job of
    // a freshly loaded page (the cache stays disabled, so the job module comes over the
    // network each time), then, in the last page, the view mounted again and again.
    let mut first_open = Vec::new();
    let mut render = Vec::new();
    let mut render_error = None;
    // ms to the first host row, or what went wrong.
    let opened = |r: WebDriverResult<ScriptRet>| match r {
        Ok(r) => match r.json() {
            Value::Number(n) => Ok(n.as_f64().unwrap_or(f64::NAN)),
            other => Err(format!("{other}")),
        },
        Err(e) => Err(e.to_string()),
    };
    for _ in 0..JOB_VIEW_MOUNTS {
        if !open_app(d, app).await {
            render_error = Some("the production app did not start".into());
            continue;
        }
        js(d, JOB_SETUP, vec![json!(JOB_HOSTS)]).await;
        match opened(d.execute_async(JOB_VIEW_RENDER, vec![]).await) {
            Ok(ms) => first_open.push(ms),
            Err(e) => render_error = Some(e),
        }
    }
    for _ in 0..JOB_VIEW_MOUNTS {
        if first_open.is_empty() {
            break;
        }
        match opened(d.execute_async(JOB_VIEW_RENDER, vec![]).await) {
            Ok(ms) => render.push(ms),
            Err(e) => render_error = Some(e),
        }
    }
    if render.is_empty() {
        let why = format!(
            "the job view did not render ({})",
            render_error.as_deref().unwrap_or("?")
        );
        rows.extend(view_rows(&why));
    } else {
        rows.push(row(FIRST_OPEN, "ms", &first_open, "reference", None));
        let m = median(&render);
        rows.push(row(
            "First render of the job view (50,000 hosts)",
            "ms",
            &render,
            RESPONSE_GOAL,
            verdict(m < 100.0),
        ));
        for (what, name) in [
            ("switch", "Switch group, rendered (tab click)"),
            ("filter", "Apply filter, rendered (typed query)"),
        ] {
            let v = match d
                .execute_async(JOB_VIEW_INTERACT, vec![json!(what), json!(20)])
                .await
            {
                Ok(r) => r.json().clone(),
                Err(e) => json!(e.to_string()),
            };
            let ms: Vec<f64> = v["ms"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default();
            if ms.is_empty() {
                rows.push(not_measured(name, frame, &format!("{v}")));
            } else {
                notes.push(format!(
                    "{name}: the list changed after {} of {} events.",
                    v["changed"],
                    ms.len()
                ));
                rows.push(row(name, "ms", &ms, frame, verdict(median(&ms) < 16.0)));
            }
        }
    }
    js(
        d,
        "delete window.__jobBody; if (window.__realFetch) window.fetch = window.__realFetch; \
         history.pushState(null, '', '/'); dispatchEvent(new PopStateEvent('popstate')); return 0;",
        vec![],
    )
    .await;
    section(title, how, rows, notes)
}

/// The first opening of a job in a page: the job module's download and start, then the view.
const FIRST_OPEN: &str =
    "First job opened in the page (loads the job view's module, then renders 50,000 hosts)";

/// The model figures on the open bench page: (rows, notes).
async fn job_model(d: &WebDriver, frame: &str) -> (Vec<Value>, Vec<String>) {
    let body_len = js(d, JOB_SETUP, vec![json!(JOB_HOSTS)]).await;
    let mut parse = Vec::new();
    let mut groups = 0;
    for _ in 0..10 {
        let v = js(
            d,
            "const t0 = performance.now(); \
             const g = window.wasmBindings.bench_job_parse_group(window.__jobBody); \
             return [performance.now() - t0, g, window.wasmBindings.bench_job_hosts()];",
            vec![],
        )
        .await;
        if let Some(ms) = v[0].as_f64() {
            parse.push(ms);
            groups = v[1].as_u64().unwrap_or(0);
        }
    }
    let hosts = js(d, "return window.wasmBindings.bench_job_hosts();", vec![]).await;
    // `reps` calls per sample, averaged: performance.now() ticks in 0.1 ms steps here.
    let timed = |call: &'static str, reps: u32| async move {
        let script = format!(
            "let n; const t0 = performance.now(); for (let k = 0; k < {reps}; k++) n = {call}; \
             return [(performance.now() - t0) / {reps}, n];"
        );
        let v = js(d, &script, vec![]).await;
        (v[0].as_f64(), v[1].as_u64())
    };
    let mut switch = Vec::new();
    for i in 0..30 {
        let call = match i % 5 {
            0 => "window.wasmBindings.bench_job_switch(0, '')",
            1 => "window.wasmBindings.bench_job_switch(1, '')",
            2 => "window.wasmBindings.bench_job_switch(2, '')",
            3 => "window.wasmBindings.bench_job_switch(3, '')",
            _ => "window.wasmBindings.bench_job_switch(4, '')",
        };
        if let (Some(ms), _) = timed(call, 10_000).await {
            switch.push(ms);
        }
    }
    let mut filter = Vec::new();
    let mut matched = Vec::new();
    for i in 0..30 {
        let call = match i % 3 {
            0 => "window.wasmBindings.bench_job_filter('10.0.1')",
            1 => "window.wasmBindings.bench_job_filter('1:10.0.12')",
            _ => "window.wasmBindings.bench_job_filter('1000123')",
        };
        if let (Some(ms), n) = timed(call, 1).await {
            filter.push(ms);
            if i < 3 {
                matched.push(n.unwrap_or(0));
            }
        }
    }
    let notes = vec![format!(
        "Answer: {:.1} MB of JSON, {} hosts read, {groups} groups; the three model filter \
         queries matched {:?} rows.",
        body_len.as_f64().unwrap_or(0.0) / 1e6,
        hosts,
        matched
    )];
    let p = median(&parse);
    let rows = vec![
        row(
            "Parse + group (read_answer + HostModel::new)",
            "ms",
            &parse,
            RESPONSE_GOAL,
            verdict(p < 100.0),
        ),
        row(
            "Switch group (model)",
            "ms",
            &switch,
            frame,
            verdict(median(&switch) < 16.0),
        ),
        row(
            "Apply filter (model)",
            "ms",
            &filter,
            frame,
            verdict(median(&filter) < 16.0),
        ),
    ];

    (rows, notes)
}
