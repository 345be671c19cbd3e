//! The app as a person sees it: fastexec-server serving the release build, in headless Chromium.

use std::path::Path;
use std::time::Duration;

use e2e::{Browser, Server};
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_app_mounts_and_shows_the_product_name() {
    let server = Server::start(Path::new("fastexec.toml"));
    let browser = Browser::start().await;
    let d = &browser.driver;
    d.goto(&server.url).await.unwrap();
    let name = d
        .query(By::Id("product-name"))
        .wait(Duration::from_secs(30), Duration::from_millis(100))
        .first()
        .await
        .expect("the app mounts");
    assert_eq!(name.text().await.unwrap(), "fastexec");
    // An unknown client-side route falls back to the app (a shared job link must load it).
    d.goto(&format!("{}jobs/biz/2/1", server.url))
        .await
        .unwrap();
    d.query(By::Id("product-name"))
        .wait(Duration::from_secs(30), Duration::from_millis(100))
        .first()
        .await
        .expect("SPA fallback serves the app on deep links");
    browser.driver.clone().quit().await.unwrap();
}
