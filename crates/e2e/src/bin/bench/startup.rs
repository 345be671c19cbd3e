//! Report section 2, startup: cold loads of the app and of the hand-written baseline page,
//! navigation → form interactive.

use std::time::Duration;

use serde_json::{json, Value};
use thirtyfour::prelude::*;

use crate::page::{js, wait_mark, BASELINE_FILE, MARK};
use crate::serve::BenchServer;
use crate::stats::{median, not_measured, row, section, verdict};

/// Cold loads of each page (alternating app / baseline).
const COLD_LOADS: usize = 12;

pub async fn startup(d: &WebDriver, server: &BenchServer) -> Value {
    let title = "2. Startup (cold load → form interactive)";
    let how = format!(
        "Navigation start → `performance.mark(\"{MARK}\")`, which the app sets once the form is \
         mounted and the stored draft restored, and which `bench/baseline.html` (the same fields \
         as plain HTML, one inline script that restores the draft, no framework) sets at the end \
         of its script. Both pages come from the same fastexec-server (release build) serving the \
         production build, in the \
         same Chromium session, loaded alternately, {COLD_LOADS} cold loads each: before every \
         load the browser cache is cleared (`Network.clearBrowserCache`) and disabled \
         (`Network.setCacheDisabled`) through chromedriver's CDP endpoint. The ratio is taken \
         per app/baseline pair."
    );
    let goal_app = "as close to the baseline as a wasm app can get; < 1 s on this machine";
    let cdp = d.cdp();
    let cdp_ok = cdp.send_raw("Network.enable", ()).await.is_ok()
        && cdp
            .send_raw("Network.setCacheDisabled", json!({"cacheDisabled": true}))
            .await
            .is_ok();
    let app_url = server.url.clone();
    let base_url = format!("{}{BASELINE_FILE}", server.url);
    let (mut app, mut base, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    let mut transferred = (Vec::new(), Vec::new());
    // When the form module's wasm finished downloading (app loads only): what serving the
    // build's precompressed copies instead of compressing per request moves.
    let mut wasm_done = Vec::new();
    let mut missing = None;
    // Misses in a row per page: after 2 the page is given up (30 s each otherwise).
    let mut misses = [0, 0];
    for i in 0..COLD_LOADS {
        let mut pair = [None, None];
        for (k, url) in [&app_url, &base_url].into_iter().enumerate() {
            if misses[k] >= 2 {
                continue;
            }
            let _ = cdp.send_raw("Network.clearBrowserCache", ()).await;
            let _ = d.goto("about:blank").await;
            if let Err(e) = d.goto(url).await {
                eprintln!("bench: load {url}: {e}");
                continue;
            }
            match wait_mark(d, Duration::from_secs(30)).await {
                Some(ms) => {
                    pair[k] = Some(ms);
                    misses[k] = 0;
                }
                None => {
                    missing.get_or_insert(if k == 0 { "app" } else { "baseline" });
                    misses[k] += 1;
                    continue;
                }
            }
            // Bytes that came over the network (0 would mean a cache hit).
            let bytes = js(
                d,
                "let n = 0; for (const e of performance.getEntriesByType('navigation')) \
                 n += e.transferSize; for (const e of performance.getEntriesByType('resource')) \
                 n += e.transferSize; return n;",
                vec![],
            )
            .await
            .as_f64()
            .unwrap_or(0.0);
            if k == 0 {
                let done = js(
                    d,
                    "const e = performance.getEntriesByType('resource')\
                     .find((e) => e.name.endsWith('_bg.wasm')); return e ? e.responseEnd : null;",
                    vec![],
                )
                .await
                .as_f64();
                wasm_done.extend(done);
                transferred.0.push(bytes);
            } else {
                transferred.1.push(bytes);
            }
        }
        app.extend(pair[0]);
        base.extend(pair[1]);
        if let [Some(a), Some(b)] = pair {
            if b > 0.0 {
                ratio.push(a / b);
            }
        }
        println!(
            "bench: cold load {}: app {:?} ms, baseline {:?} ms",
            i + 1,
            pair[0],
            pair[1]
        );
    }
    let mut notes = vec![];
    if !cdp_ok {
        notes
            .push("CDP Network commands failed: loads may have been served from the cache.".into());
    }
    if let Some(which) = missing {
        notes.push(format!(
            "The {which} page did not set the mark on some loads (30 s limit; given up after 2 in a row); those loads are left out."
        ));
    }
    notes.push(format!(
        "Bytes over the network per load (navigation + resources, as served: the build's \
         precompressed copies where the browser accepts them): app {:.0} KB, baseline {:.1} KB (median).",
        median(&transferred.0) / 1000.0,
        median(&transferred.1) / 1000.0
    ));
    let (app_name, ratio_name) = ("App: navigation → form interactive", "Ratio app ÷ baseline");
    let baseline = row(
        "Baseline page: navigation → form interactive",
        "ms",
        &base,
        "reference",
        None,
    );
    let rows = if app.is_empty() {
        let why = "the app never set the fastexec-interactive mark";
        vec![
            not_measured(app_name, goal_app, why),
            baseline,
            not_measured(ratio_name, "≤ 3×", why),
        ]
    } else {
        let r = median(&ratio);
        vec![
            row(
                app_name,
                "ms",
                &app,
                goal_app,
                verdict(median(&app) < 1000.0),
            ),
            row(
                "App: navigation → form module's wasm downloaded",
                "ms",
                &wasm_done,
                "reference",
                None,
            ),
            baseline,
            row(ratio_name, "×", &ratio, "≤ 3×", verdict(r <= 3.0)),
        ]
    };
    section(title, &how, rows, notes)
}
