//! The app served by `fastexec-server` in gateway proxy mode, in headless Chromium: a second
//! server process forwards to a first (local) one over HTTPS with a throwaway CA, adding the
//! app secret itself and the user's identity from the `bk_token` cookie — as a team would run
//! it in front of a real BK-JOB gateway.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use e2e::form::{choose, fill, launch, outcome_kind, text_of, wait_form};
use e2e::{demo, Browser, Server, TempDir};
use testtls::{test_ca, Terminator};
use thirtyfour::prelude::*;

const SCRIPT: &str = "echo \"through the proxy: $1\"\n";
const LOGIN_URL: &str = "http://127.0.0.1:9/login/";

/// The upstream (a local server behind TLS) and the proxy in front of it.
struct Setup {
    upstream: Server,
    tls: Option<Terminator>,
    ca: testtls::TestCa,
    proxy: Server,
    _dir: TempDir,
}

impl Setup {
    async fn start() -> Setup {
        let upstream = Server::start(Path::new("fastexec.toml"));
        let backend = addr_of(&upstream.url);
        let ca = test_ca();
        let tls = Terminator::start(ca.server.clone(), 0, backend).await;
        let dir = TempDir::new("fastexec-e2e-proxy");
        std::fs::write(dir.0.join("ca.pem"), &ca.ca_pem).unwrap();
        std::fs::write(dir.0.join("secret"), format!("{}\n", demo::APP_SECRET)).unwrap();
        let config = format!(
            "[upstream]\n\
             gateway_url = \"https://127.0.0.1:{port}\"\n\
             app_code = \"{app}\"\n\
             app_secret_file = {secret:?}\n\
             ca_file = {ca:?}\n\
             login_url = \"{LOGIN_URL}\"\n\
             timeout_secs = 10\n",
            port = tls.addr.port(),
            app = demo::APP_CODE,
            secret = dir.0.join("secret"),
            ca = dir.0.join("ca.pem"),
        );
        let path = dir.0.join("proxy.toml");
        std::fs::write(&path, config).unwrap();
        let proxy = Server::start_in(&path, TempDir::new("fastexec-e2e-proxy-data"));
        Setup {
            upstream,
            tls: Some(tls),
            ca,
            proxy,
            _dir: dir,
        }
    }
}

fn addr_of(url: &str) -> SocketAddr {
    url.trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("the server prints http://ADDR/")
}

/// The form with a valid request, after the page knows it is behind the proxy.
async fn open_as(setup: &Setup, token: Option<&str>) -> Browser {
    let browser = Browser::start().await;
    let d = &browser.driver;
    d.goto(&setup.proxy.url).await.unwrap();
    if let Some(token) = token {
        d.add_cookie(Cookie::new("bk_token", token.to_string()))
            .await
            .unwrap();
        d.refresh().await.unwrap();
    }
    wait_form(d).await;
    fill(d, "bk_scope_type", "biz").await;
    fill(d, "bk_scope_id", demo::BIZ_ID).await;
    choose(d, "script_source", "content").await;
    choose(d, "script_language", "1").await;
    fill(d, "script_content", SCRIPT).await;
    fill(d, "script_param", "hello").await;
    fill(d, "account_alias", "root").await;
    fill(d, "host_id_list", "101").await;
    browser
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_the_proxy_a_signed_in_user_launches_follows_and_reads_logs() {
    let mut setup = Setup::start().await;
    let browser = open_as(&setup, Some("admin-token")).await;
    let d = &browser.driver;

    // The app knows the server adds the credentials: no secret fields to fill in.
    d.query(By::Css("#session-status:not([hidden])"))
        .wait(Duration::from_secs(20), Duration::from_millis(100))
        .first()
        .await
        .expect("the connection panel says the server adds the credentials");
    d.find(By::Css("#connection > summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let secret_field = d.find(By::Css("[name=bk_app_secret]")).await.unwrap();
    assert!(!secret_field.is_displayed().await.unwrap());
    let status = text_of(d, "#session-status").await;
    assert!(!status.trim().is_empty());

    launch(d).await;
    assert_eq!(outcome_kind(d).await, "success");
    d.find(By::Id("job-link"))
        .await
        .expect("a link to the job")
        .click()
        .await
        .unwrap();
    d.query(By::Css(r#"#job-view[data-finished="true"]"#))
        .wait(Duration::from_secs(60), Duration::from_millis(200))
        .first()
        .await
        .expect("the job view follows the job to its end through the proxy");
    d.query(By::Css("[data-host-id='101']"))
        .first()
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let log = d
        .query(By::Id("host-log"))
        .with_text(thirtyfour::stringmatch::StringMatch::new("through the proxy: hello").partial())
        .wait(Duration::from_secs(30), Duration::from_millis(200))
        .first()
        .await;
    assert!(log.is_ok(), "the host's log is read through the proxy");

    // The upstream goes away: the launch shows the proxy's own error, then works again.
    d.goto(&setup.proxy.url).await.unwrap();
    wait_form(d).await;
    let port = setup.tls.take().unwrap().stop();
    launch(d).await;
    assert_eq!(outcome_kind(d).await, "http-error");
    assert_eq!(
        text_of(d, "#outcome [data-field=code]").await.trim(),
        "1659502"
    );
    let backend = addr_of(&setup.upstream.url);
    setup.tls = Some(Terminator::start(setup.ca.server.clone(), port, backend).await);
    // A 502 leaves the launch's fate unknown: the user confirms before launching again.
    d.find(By::Id("ack-checked"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    launch(d).await;
    d.query(By::Css(r#"#outcome[data-kind="success"]"#))
        .wait(Duration::from_secs(30), Duration::from_millis(100))
        .first()
        .await
        .expect("the app recovers when the upstream is back");

    // The app secret never reaches the browser (that no log line holds it is the native
    // proxy test's check, which captures the server's log).
    let page = d.source().await.unwrap();
    assert!(!page.contains(demo::APP_SECRET));
    let storage: String = d
        .execute(
            "return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)",
            vec![],
        )
        .await
        .unwrap()
        .convert()
        .unwrap();
    assert!(!storage.contains(demo::APP_SECRET), "{storage}");
    browser.driver.clone().quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_the_proxy_a_guest_gets_the_permission_panel() {
    let setup = Setup::start().await;
    let browser = open_as(&setup, Some("guest-token")).await;
    let d = &browser.driver;
    d.query(By::Css("#session-status:not([hidden])"))
        .wait(Duration::from_secs(20), Duration::from_millis(100))
        .first()
        .await
        .expect("signed in");
    launch(d).await;
    assert_eq!(outcome_kind(d).await, "permission");
    d.query(By::Css(
        "#permission-panel [data-action=quick_execute_script]",
    ))
    .wait(Duration::from_secs(30), Duration::from_millis(100))
    .first()
    .await
    .expect("the missing action is listed");
    browser.driver.clone().quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_the_proxy_without_a_login_the_app_links_to_the_sign_in() {
    let setup = Setup::start().await;
    let browser = open_as(&setup, None).await;
    let d = &browser.driver;
    let link = d
        .query(By::Css("a.sign-in:not([hidden])"))
        .wait(Duration::from_secs(20), Duration::from_millis(100))
        .first()
        .await
        .expect("a sign-in link");
    let href = link.attr("href").await.unwrap().unwrap_or_default();
    assert!(href.starts_with(&format!("{LOGIN_URL}?c_url=")), "{href}");
    assert!(href.contains("127.0.0.1"), "the return address: {href}");
    browser.driver.clone().quit().await.unwrap();
}
