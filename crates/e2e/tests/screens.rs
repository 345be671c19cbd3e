//! The console at the sizes operators use it (issue 14 layout): a 1366 px laptop, a 390 px
//! phone and 1366 px at 200 % zoom (a 683 px wide layout at 2 device pixels per CSS pixel).
//! Every page (the form, a picker open, the history, the job view) must fit the width without sideways
//! scrolling, in zh-CN and in English. The same run takes the screenshots in
//! `docs/screenshots/` (written there with `UPDATE_SCREENSHOTS=1`, else to a temp folder, so
//! a test run leaves the work tree as it was).

use std::path::{Path, PathBuf};
use std::time::Duration;

use e2e::form::{choose, connect_as, fill_valid_request, wait_form};
use e2e::page::{click, js, set_ui_lang, wait_css};
use e2e::{api_call, demo, project_root, wait_job_finished, Browser, Server, TempDir};
use serde_json::json;
use thirtyfour::prelude::*;

/// (name, CSS width, CSS height, device pixels per CSS pixel, screenshot kept).
const SIZES: [(&str, u32, u32, f64, bool); 3] = [
    ("1366", 1366, 768, 1.0, true),
    ("390", 390, 844, 1.0, true),
    ("zoom200", 683, 384, 2.0, false),
];

/// In-app navigation (the secret typed in stays in memory).
async fn nav(d: &WebDriver, path: &str) {
    d.execute(
        r#"history.pushState(null, '', arguments[0]);
           window.dispatchEvent(new PopStateEvent('popstate'));
           window.scrollTo(0, 0);"#,
        vec![path.into()],
    )
    .await
    .unwrap();
}

async fn set_size(d: &WebDriver, width: u32, height: u32, scale: f64) {
    d.cdp()
        .send_raw(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": scale, "mobile": false}),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// Fits the width, or names what sticks out.
async fn assert_fits(d: &WebDriver, what: &str) {
    let v = js(
        d,
        r#"const w = document.documentElement.clientWidth;
           if (document.documentElement.scrollWidth <= w) return null;
           const wide = [...document.querySelectorAll('body *')]
               .filter(e => e.getBoundingClientRect().right > w + 1)
               .slice(0, 5)
               .map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className);
           return [document.documentElement.scrollWidth, w, wide];"#,
    )
    .await;
    assert!(v.is_null(), "{what} is wider than the window: {v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_laptop_a_phone_and_200_percent_zoom() {
    let server = Server::start(Path::new("fastexec.toml"));
    let answer = api_call(
        &server,
        "POST",
        "fast_execute_script",
        demo::ADMIN,
        json!({
            "bk_scope_type": "biz",
            "bk_scope_id": demo::BIZ_ID,
            "script_content": bkjob_api::encode_base64("echo \"disk ok on $(hostname)\"\n"),
            "script_language": 1,
            "account_alias": "root",
            "task_name": "check disks",
            "target_server": { "host_id_list": [101, 102, 103] },
        }),
    )
    .await;
    let job = answer["data"]["job_instance_id"]
        .as_i64()
        .expect("launched");
    wait_job_finished(&server, job, Duration::from_secs(60)).await;

    let tmp = TempDir::new("fastexec-screens");
    let out: PathBuf = if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        project_root().join("docs/screenshots")
    } else {
        tmp.0.clone()
    };
    std::fs::create_dir_all(&out).unwrap();

    let browser = Browser::start().await;
    let d = &browser.driver;
    d.goto(&server.url).await.unwrap();
    wait_form(d).await;
    connect_as(d, demo::ADMIN).await;
    fill_valid_request(
        d,
        "#!/bin/bash\nset -euo pipefail\ndf -h /\n",
        "101\n102\n103",
    )
    .await;
    let job_path = format!("/jobs/biz/{}/{job}", demo::BIZ_ID);
    for lang in ["zh-CN", "en"] {
        set_ui_lang(d, lang).await;
        for (size, width, height, scale, keep) in SIZES {
            set_size(d, width, height, scale).await;
            let shot = |page: &str| out.join(format!("{page}-{lang}-{size}.png"));
            let pages = [
                ("form", "/", "#launch-form"),
                ("history", "/jobs", "#history-table tbody tr"),
                ("job", job_path.as_str(), "#job-view [data-host-id]"),
            ];
            for (page, path, ready) in pages {
                nav(d, path).await;
                wait_css(d, ready).await;
                // Settled (fonts, the module's panels, the last poll).
                tokio::time::sleep(Duration::from_millis(600)).await;
                assert_fits(d, &format!("{page} ({lang}, {size})")).await;
                if keep {
                    d.screenshot(&shot(page)).await.unwrap();
                }
            }
            // A picker open: the script library with a version previewed.
            nav(d, "/").await;
            choose(d, "script_source", "script_version_id").await;
            click(d, "#pick-script").await;
            click(d, r#"[data-script-id="demo-hello"] .picker-script-open"#).await;
            click(
                d,
                r#"#script-versions [data-version-id="2"] .picker-version-open"#,
            )
            .await;
            wait_css(d, "#script-preview-code").await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            assert_fits(d, &format!("picker ({lang}, {size})")).await;
            if keep {
                d.screenshot(&shot("picker")).await.unwrap();
            }
            choose(d, "script_source", "content").await;
        }
    }
}
