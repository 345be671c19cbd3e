//! The app works under the server's Content-Security-Policy: a whole session (form, preview,
//! launch, the on-demand job module with its stylesheet, the job followed to its end, its log)
//! reports no `securitypolicyviolation`, and the listener that says so does catch one.

use std::path::Path;
use std::time::Duration;

use e2e::form::{connect_as, fill_valid_request, wait_form};
use e2e::{demo, Browser, Server};
use serde_json::json;
use thirtyfour::prelude::*;

/// Installed before any script of every page runs (CDP), so violations during the page's own
/// start are recorded too.
const LISTENER: &str = r#"
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
});
"#;

async fn violations(d: &WebDriver) -> Vec<String> {
    let v = d
        .execute("return window.__cspViolations || null;", vec![])
        .await
        .unwrap();
    serde_json::from_value(v.json().clone()).expect("the listener was installed")
}

async fn click(d: &WebDriver, css: &str) {
    d.query(By::Css(css))
        .wait(Duration::from_secs(30), Duration::from_millis(100))
        .first()
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

async fn wait_css(d: &WebDriver, css: &str) -> WebElement {
    d.query(By::Css(css))
        .wait(Duration::from_secs(60), Duration::from_millis(100))
        .first()
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_session_runs_under_the_csp_without_a_violation() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = Browser::start().await;
    let d = &browser.driver;
    d.cdp()
        .send_raw(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": LISTENER }),
        )
        .await
        .expect("CDP through chromedriver");
    d.goto(&server.url).await.unwrap();
    wait_form(d).await;

    // The page really is under the policy the server sends.
    let csp = d
        .execute(
            "return fetch('/').then(r => r.headers.get('content-security-policy'));",
            vec![],
        )
        .await
        .unwrap();
    let csp = csp.json().as_str().unwrap_or_default().to_string();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("'unsafe-eval'"), "{csp}");

    connect_as(d, demo::ADMIN).await;
    fill_valid_request(d, "echo csp-check\nseq 1 50\n", "101\n102").await;
    // The request preview (module panel), then the launch and the job view (module + job.css).
    click(d, "#preview-panel summary").await;
    wait_css(d, "#request-preview").await;
    click(d, "#launch").await;
    wait_css(d, "#outcome [data-field=job_instance_id]").await;
    click(d, "#job-link").await;
    wait_css(d, r#"#job-view[data-finished="true"]"#).await;
    // A reload of the job link starts the app from that route (and loads the module at once).
    d.refresh().await.unwrap();
    wait_css(d, "#product-name").await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    let seen = violations(d).await;
    assert!(seen.is_empty(), "CSP violations: {seen:#?}");

    // The listener catches what the policy blocks: an injected inline script.
    d.execute(
        "const s = document.createElement('script'); s.textContent = 'window.__ran = 1;'; \
         document.head.appendChild(s);",
        vec![],
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let seen = violations(d).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].starts_with("script-src"), "{seen:?}");
    let ran = d
        .execute("return window.__ran || 0;", vec![])
        .await
        .unwrap();
    assert_eq!(ran.json(), &json!(0), "the inline script must not run");
    browser.driver.clone().quit().await.unwrap();
}
