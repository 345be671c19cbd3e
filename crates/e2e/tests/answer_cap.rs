//! An answer bigger than the cap (64 MiB by default, `max_answer_mib` in the stored connection
//! settings) is refused, not read: real Chromium, the app served by fastexec-server, and a tiny
//! loopback stand-in for BK-JOB (CORS allowed) that answers every call with a huge body,
//! announced by `Content-Length` or not. A launch answer that is refused leaves the job's
//! fate unknown, so the launch stays locked until the user confirms.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use e2e::form::{fill_valid_request, wait_form};
use e2e::{demo, Browser, Server};
use thirtyfour::prelude::*;

const MIB: usize = 1 << 20;

/// What the stand-in wrote of its last answer's body, and whether it stopped writing.
#[derive(Default)]
struct Sent {
    bytes: AtomicUsize,
    done: AtomicBool,
}

/// A loopback HTTP server that answers every API call (after CORS preflights) with `size`
/// bytes, with a `Content-Length` when `announce`, else delimited by closing the connection.
fn big_answers(size: usize, announce: bool) -> (String, Arc<Sent>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let sent = Arc::new(Sent::default());
    let s = sent.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let s = s.clone();
            std::thread::spawn(move || answer(stream, size, announce, &s));
        }
    });
    (url, sent)
}

fn answer(mut stream: TcpStream, size: usize, announce: bool, sent: &Sent) {
    // The request head, then its body (the launch's JSON), read and ignored.
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let body_len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut have = buf.len() - head_end;
    while have < body_len {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => have += n,
        }
    }
    let cors = "Access-Control-Allow-Origin: *\r\nAccess-Control-Allow-Methods: GET, POST\r\n\
                Access-Control-Allow-Headers: *\r\n";
    if head.starts_with("options ") {
        let _ = stream.write_all(
            format!(
                "HTTP/1.1 204 No Content\r\n{cors}Content-Length: 0\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        );
        return;
    }
    let length = if announce {
        format!("Content-Length: {size}\r\n")
    } else {
        String::new()
    };
    let head = format!(
        "HTTP/1.1 200 OK\r\n{cors}Content-Type: application/json\r\n{length}Connection: close\r\n\r\n"
    );
    sent.bytes.store(0, Ordering::SeqCst);
    sent.done.store(false, Ordering::SeqCst);
    if stream.write_all(head.as_bytes()).is_ok() {
        let block = vec![b' '; 64 * 1024];
        let mut left = size;
        while left > 0 {
            let n = left.min(block.len());
            if stream.write_all(&block[..n]).is_err() {
                break;
            }
            sent.bytes.fetch_add(n, Ordering::SeqCst);
            left -= n;
        }
    }
    sent.done.store(true, Ordering::SeqCst);
}

/// The app with these stored connection settings (no credentials: the stand-in wants none).
async fn app_with_settings(server: &Server, settings: serde_json::Value) -> Browser {
    let browser = Browser::start().await;
    let d = &browser.driver;
    d.goto(&server.url).await.unwrap();
    wait_form(d).await;
    d.execute(
        "localStorage.setItem('fastexec.connection.v1', arguments[0]);",
        vec![settings.to_string().into()],
    )
    .await
    .unwrap();
    d.refresh().await.unwrap();
    wait_form(d).await;
    browser
}

async fn wait_css(d: &WebDriver, css: &str) -> WebElement {
    d.query(By::Css(css))
        .wait(Duration::from_secs(60), Duration::from_millis(100))
        .first()
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
}

/// The stand-in stopped writing before the end: the browser dropped the answer.
async fn assert_cut_short(sent: &Sent, size: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !sent.done.load(Ordering::SeqCst) {
        assert!(
            Instant::now() < deadline,
            "the browser neither read nor dropped the answer"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let bytes = sent.bytes.load(Ordering::SeqCst);
    assert!(
        bytes < size,
        "all {bytes} bytes were sent: the body was read"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launch_answer_over_the_cap_is_refused_and_the_outcome_stays_unknown() {
    // No Content-Length: the app counts the bytes; the cap is set to 1 MiB in the settings.
    let (api, sent) = big_answers(32 * MIB, false);
    let (api2, sent2) = big_answers(70 * MIB, true);
    // The app's CSP lets it fetch only from origins the server names.
    let server = Server::start_demo_connecting_to(&[&api, &api2]);
    let browser = app_with_settings(
        &server,
        serde_json::json!({"api_base_url": api, "auth_mode": "none", "max_answer_mib": 1}),
    )
    .await;
    let d = &browser.driver;
    fill_valid_request(d, "echo big\n", "101").await;
    wait_css(d, "#launch").await.click().await.unwrap();
    let outcome = wait_css(d, "#outcome[data-kind=too-large]").await;
    let text = outcome.text().await.unwrap();
    assert!(
        text.contains("The answer is larger than 1 MiB and was not read"),
        "{text}"
    );
    assert_cut_short(&sent, 32 * MIB).await;
    // The job may have been created: no new launch without the explicit confirmation.
    let launch = d.find(By::Id("launch")).await.unwrap();
    assert!(!launch.is_enabled().await.unwrap());
    wait_css(d, "#ack-checked").await;
    browser.driver.clone().quit().await.unwrap();

    // The default cap, 64 MiB, against an announced 70 MiB: refused before reading.
    let (api, sent) = (api2, sent2);
    let browser = app_with_settings(
        &server,
        serde_json::json!({"api_base_url": api, "auth_mode": "none"}),
    )
    .await;
    let d = &browser.driver;
    fill_valid_request(d, "echo big\n", "101").await;
    wait_css(d, "#launch").await.click().await.unwrap();
    let text = wait_css(d, "#outcome[data-kind=too-large]")
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("larger than 64 MiB"), "{text}");
    assert_cut_short(&sent, 70 * MIB).await;
    assert!(!d
        .find(By::Id("launch"))
        .await
        .unwrap()
        .is_enabled()
        .await
        .unwrap());
    browser.driver.clone().quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_view_answer_over_the_cap_is_refused() {
    let (api, sent) = big_answers(32 * MIB, false);
    let server = Server::start_demo_connecting_to(&[&api]);
    let browser = app_with_settings(
        &server,
        serde_json::json!({"api_base_url": api, "auth_mode": "none", "max_answer_mib": 1}),
    )
    .await;
    let d = &browser.driver;
    d.goto(format!("{}jobs/biz/{}/77", server.url, demo::BIZ_ID))
        .await
        .unwrap();
    let error = wait_css(d, "#job-view .job-error[data-kind=too-large]")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        error.contains("The answer is larger than 1 MiB and was not read"),
        "{error}"
    );
    assert_cut_short(&sent, 32 * MIB).await;
    browser.driver.clone().quit().await.unwrap();
}
