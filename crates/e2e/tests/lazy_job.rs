//! The job view is a wasm module of its own (`fastexec-job.js` / `_bg.wasm`, with `job.css`),
//! and the form's other panels (the request preview, the rolling settings, the recent jobs,
//! the permission details) and the history another (`fastexec-tools`); the app imports each
//! only when one of its panels is shown. Real server, real Chromium: the form's first visit
//! must download neither, a job link the job module only, an opened preview the tools module
//! only; the bridge must carry language and credentials, and a module that cannot be fetched
//! must say so and recover on "Retry".

use std::path::Path;
use std::time::Duration;

use e2e::form::{connect_as, fill, fill_valid_request, wait_form};
use e2e::page::{click, set_ui_lang, wait_css};
use e2e::{api_call, demo, put_back, Browser, Server};
use thirtyfour::prelude::*;

/// Every URL the page has fetched so far (Resource Timing).
async fn fetched(d: &WebDriver) -> Vec<String> {
    let v = d
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name);",
            vec![],
        )
        .await
        .unwrap()
        .json()
        .clone();
    serde_json::from_value(v).unwrap()
}

fn has_job_module(urls: &[String]) -> bool {
    urls.iter().any(|u| u.contains("fastexec-job"))
}

fn has_tools_module(urls: &[String]) -> bool {
    urls.iter().any(|u| u.contains("fastexec-tools"))
}

fn has_module_css(urls: &[String]) -> bool {
    urls.iter().any(|u| u.contains("job.css"))
}

/// A browser on the app's form.
async fn open_form(server: &Server) -> Browser {
    let browser = Browser::start().await;
    browser.driver.goto(&server.url).await.unwrap();
    wait_form(&browser.driver).await;
    browser
}

/// Logs in as the demo admin and fills a valid shell request for host 101 running `script`.
async fn fill_valid_form(d: &WebDriver, script: &str) {
    connect_as(d, demo::ADMIN).await;
    fill_valid_request(d, script, "101").await;
}

/// How many status polls the page has sent so far (Resource Timing).
async fn status_polls(d: &WebDriver) -> usize {
    fetched(d)
        .await
        .iter()
        .filter(|u| u.contains("get_job_instance_status"))
        .count()
}

/// The job view's title (a label of the job module), as shown.
async fn view_title(d: &WebDriver) -> String {
    wait_css(d, "#job-view .job-head h2 span")
        .await
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_does_not_load_the_job_module_and_a_job_link_does() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = open_form(&server).await;
    let d = &browser.driver;
    let urls = fetched(d).await;
    assert!(
        !has_job_module(&urls) && !has_tools_module(&urls) && !has_module_css(&urls),
        "the form's first visit fetched an on-demand module: {urls:?}"
    );

    // A job that does not exist, with an ID above 2^53: the link crosses the bridge exactly,
    // the view mounts, asks and shows the API's answer.
    d.goto(format!(
        "{}jobs/biz/{}/9007199254740993",
        server.url,
        demo::BIZ_ID
    ))
    .await
    .unwrap();
    wait_css(d, r#"#job-view[data-job-instance-id="9007199254740993"]"#).await;
    let urls = fetched(d).await;
    for file in ["fastexec-job.js", "fastexec-job_bg.wasm", "job.css"] {
        assert!(
            urls.iter().any(|u| u.ends_with(file)),
            "{file} not fetched: {urls:?}"
        );
    }
    // A job link costs the form and the job view, nothing else.
    assert!(
        !has_tools_module(&urls),
        "a job link fetched the tools module: {urls:?}"
    );
    assert!(
        d.find(By::Css(".remote-loading")).await.is_err(),
        "the loading notice is gone once mounted"
    );

    // The language reaches the other module.
    set_ui_lang(d, "en").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(view_title(d).await, "Job execution");
    set_ui_lang(d, "zh-CN").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(view_title(d).await, "作业执行详情");

    // So do the credentials typed in the app (memory only): the view asks again and gets the
    // server's answer for an unknown job instead of an authentication error.
    connect_as(d, demo::ADMIN).await;
    wait_css(d, r#".job-error[data-code="1244006"]"#).await;
}

/// The request preview is a panel of the module: opening it loads the module, which shows the
/// form's request (Base64 applied) with the secret masked, and follows later edits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_the_preview_loads_the_module_and_shows_the_request() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = open_form(&server).await;
    let d = &browser.driver;
    connect_as(d, demo::ADMIN).await;
    assert!(
        !has_tools_module(&fetched(d).await),
        "nothing loaded before the preview is opened"
    );
    // Any script brings the tools module too (its high-risk check): the preview is asked for
    // first here, then the script typed.
    click(d, "#preview-panel summary").await;
    wait_css(d, "#request-preview").await;
    assert!(has_tools_module(&fetched(d).await));
    fill_valid_request(d, "echo 你好", "101").await;
    d.query(By::XPath(
        r#"//pre[@id="request-preview"][contains(., "ZWNobyDkvaDlpb0=")]"#,
    ))
    .wait(Duration::from_secs(10), Duration::from_millis(100))
    .first()
    .await
    .expect("the preview follows the form");

    let preview = wait_css(d, "#request-preview").await.text().await.unwrap();
    let body: serde_json::Value = serde_json::from_str(&preview).expect("the preview is JSON");
    assert_eq!(body["script_content"], "ZWNobyDkvaDlpb0="); // "echo 你好"
    assert_eq!(
        body["target_server"]["host_id_list"],
        serde_json::json!([101])
    );
    let headers = wait_css(d, "#request-headers").await.text().await.unwrap();
    assert!(headers.contains("******"), "{headers}");
    assert!(
        !headers.contains(demo::APP_SECRET),
        "the secret is never shown: {headers}"
    );
    let urls = fetched(d).await;
    assert!(has_tools_module(&urls) && has_module_css(&urls), "{urls:?}");
    assert!(
        !has_job_module(&urls),
        "the preview needs no job view: {urls:?}"
    );

    // An edit in the form reaches the open preview.
    fill(d, "host_id_list", "101\n102").await;
    d.query(By::XPath(
        r#"//pre[@id="request-preview"][contains(., "102")]"#,
    ))
    .wait(Duration::from_secs(10), Duration::from_millis(100))
    .first()
    .await
    .expect("the preview follows the form");
}

/// Leaving the job page unmounts the view in the other module: its polling stops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaving_the_job_page_stops_the_polling() {
    let server = Server::start(Path::new("fastexec.toml"));
    let answer = api_call(
        &server,
        "POST",
        "fast_execute_script",
        demo::ADMIN,
        serde_json::json!({
            "bk_scope_type": "biz",
            "bk_scope_id": demo::BIZ_ID,
            "script_content": "c2xlZXAgMzAK", // "sleep 30\n"
            "script_language": 1,
            "account_alias": "root",
            "target_server": { "host_id_list": [101] },
        }),
    )
    .await;
    let id = answer["data"]["job_instance_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no job: {answer}"));
    let browser = Browser::start().await;
    let d = &browser.driver;
    d.goto(format!("{}jobs/biz/{}/{id}", server.url, demo::BIZ_ID))
        .await
        .unwrap();
    wait_css(d, &format!(r#"#job-view[data-job-instance-id="{id}"]"#)).await;
    connect_as(d, demo::ADMIN).await;
    wait_css(d, r#"#job-view[data-status="2"]"#).await;

    // Running: the view polls (every second at first).
    let before = status_polls(d).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let running = status_polls(d).await;
    assert!(running > before, "the view polls while the job runs");

    click(d, ".back-link a").await;
    wait_form(d).await;
    assert!(d.find(By::Id("job-view")).await.is_err());
    let left = status_polls(d).await;
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(
        status_polls(d).await,
        left,
        "no poll after leaving the job page"
    );
}

/// A launch from the form opens the job (the secret typed in the form reaches the other
/// module), and the job's "Redo" comes back across the bridge into the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launched_job_is_followed_and_redo_fills_the_form_again() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = open_form(&server).await;
    let d = &browser.driver;
    fill_valid_form(d, "echo lazy-redo\n").await;
    fill(d, "task_name", "e2e lazy redo").await;
    click(d, "#launch").await;
    // The first launch makes the recent-jobs list appear (a panel of the module).
    let id = wait_css(d, "#outcome [data-field=job_instance_id]")
        .await
        .text()
        .await
        .unwrap();
    wait_css(
        d,
        &format!(r#"#recent-jobs a[href$="/jobs/biz/{}/{id}"]"#, demo::BIZ_ID),
    )
    .await;
    click(d, "#job-link").await;

    // No credentials typed on the job page: the view reaches the end with the form's.
    d.query(By::Css(r#"#job-view[data-finished="true"]"#))
        .wait(Duration::from_secs(60), Duration::from_millis(200))
        .first()
        .await
        .expect("the view follows the launched job to its end");

    assert_eq!(
        wait_css(d, "#job-view")
            .await
            .attr("data-job-instance-id")
            .await
            .unwrap()
            .as_deref(),
        Some(id.as_str())
    );

    // Change the form, then come back to the job through the recent-jobs list: "Redo" must
    // put the launched request back.
    click(d, ".back-link a").await;
    wait_form(d).await;
    fill(d, "script_content", "echo changed\n").await;
    fill(d, "host_id_list", "102").await;
    click(
        d,
        &format!(r#"#recent-jobs a[href$="/jobs/biz/{}/{id}"]"#, demo::BIZ_ID),
    )
    .await;
    click(d, "#redo:not([disabled])").await;
    wait_form(d).await;
    let value = |name: &'static str| async move {
        d.execute(
            "return document.querySelector(`[name=\"${arguments[0]}\"]`).value;",
            vec![name.into()],
        )
        .await
        .unwrap()
        .json()
        .as_str()
        .unwrap_or_default()
        .to_owned()
    };
    assert_eq!(value("script_content").await, "echo lazy-redo\n");
    assert_eq!(value("host_id_list").await, "101");
    assert!(d.find(By::Id("job-view")).await.is_err());
}

/// Leaving the job page while the module is still downloading: the late module must not mount
/// a view nor start polling on the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaving_the_job_page_while_the_module_loads_mounts_nothing() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = open_form(&server).await;
    let d = &browser.driver;
    connect_as(d, demo::ADMIN).await;
    // Every request from now on takes 1.5 s more (Chromium's network emulation).
    let cdp = d.cdp();
    cdp.send_raw("Network.enable", ()).await.unwrap();
    cdp.send_raw(
        "Network.emulateNetworkConditions",
        serde_json::json!({
            "offline": false, "latency": 1500,
            "downloadThroughput": -1, "uploadThroughput": -1
        }),
    )
    .await
    .unwrap();
    // Client-side navigation to a job (as the job link does), then straight back.
    d.execute(
        r#"history.pushState(null, '', arguments[0]);
           window.dispatchEvent(new PopStateEvent('popstate'));"#,
        vec![format!("/jobs/biz/{}/424242", demo::BIZ_ID).into()],
    )
    .await
    .unwrap();
    wait_css(d, ".remote-loading").await;
    click(d, ".back-link a").await;
    wait_form(d).await;
    // Let the module arrive (script, then wasm and stylesheet: ~3 s with the latency), then
    // some.
    tokio::time::sleep(Duration::from_millis(8000)).await;
    let urls = fetched(d).await;
    assert!(
        urls.iter().any(|u| u.ends_with("fastexec-job_bg.wasm")),
        "the module did arrive (the test must leave while it loads): {urls:?}"
    );
    assert!(d.find(By::Id("job-view")).await.is_err(), "no view mounted");
    assert!(d.find(By::Css(".remote-failed")).await.is_err());
    assert_eq!(
        status_polls(d).await,
        0,
        "no status poll from a view nobody sees"
    );
    wait_form(d).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_module_that_cannot_be_fetched_is_reported_and_retried() {
    missing_file_is_reported_and_retried("fastexec-job_bg.wasm").await;
}

/// fastexec-server answers a missing file with the app's page (like most SPA hosting), so the
/// browser "loads" an empty stylesheet: that must count as a failure too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_module_stylesheet_that_cannot_be_fetched_is_reported_and_retried() {
    missing_file_is_reported_and_retried("job.css").await;
}

/// The rolling settings are the tools module's: while they cannot load, the launch is blocked
/// (nothing is sent with rules that were never checked), and "Retry" loads them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolling_settings_that_cannot_load_block_the_launch_until_retried() {
    let file = "fastexec-tools_bg.wasm";
    let (server, dist) = Server::start_without(file);
    let browser = open_form(&server).await;
    let d = &browser.driver;
    fill_valid_form(d, "echo never\n").await;
    d.execute(
        "document.querySelector('[name=rolling_config]').click();",
        vec![],
    )
    .await
    .unwrap();
    wait_css(d, r#"#rolling .remote-failed[role="alert"]"#).await;
    click(d, "#launch").await;
    let summary = wait_css(d, "#error-summary").await.text().await.unwrap();
    assert!(summary.contains("rolling_config"), "{summary}");
    assert!(d.find(By::Css("#outcome[data-kind]")).await.is_err());

    put_back(&dist, file);
    click(d, "#rolling .remote-failed button").await;
    wait_css(d, "#f-rolling_expression").await;
}

async fn missing_file_is_reported_and_retried(file: &str) {
    let (server, dist) = Server::start_without(file);
    let browser = Browser::start().await;
    let d = &browser.driver;

    d.goto(format!("{}jobs/biz/{}/424242", server.url, demo::BIZ_ID))
        .await
        .unwrap();
    let alert = wait_css(d, r#".remote-failed[role="alert"]"#).await;
    assert!(!alert.text().await.unwrap().trim().is_empty());
    assert!(d.find(By::Id("job-view")).await.is_err());

    // The file is back (e.g. the network returned): "Retry" mounts the view.
    put_back(&dist, file);
    click(d, ".remote-failed button").await;
    wait_css(d, r#"#job-view[data-job-instance-id="424242"]"#).await;
    assert!(d.find(By::Css(".remote-failed")).await.is_err());
}
