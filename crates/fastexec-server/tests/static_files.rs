//! The built app as the server serves it: cache headers by file name, and the SPA fallback.

mod common;

use common::*;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_files_are_immutable_and_everything_else_revalidated() {
    let tmp = tempfile::TempDir::new().unwrap();
    let dist = tmp.path().join("dist");
    std::fs::create_dir_all(dist.join("snippets/fastexec-0123456789abcdef")).unwrap();
    std::fs::write(dist.join("index.html"), "<html>app</html>").unwrap();
    for f in [
        "fastexec-f722e83c39fa1c23_bg.wasm",
        "fastexec-job_bg.wasm",
        "fastexec-job.js",
        "snippets/fastexec-0123456789abcdef/inline0.js",
    ] {
        std::fs::write(dist.join(f), "x").unwrap();
    }
    let srv = TestServer::start_full(&test_config(""), tmp, Some(dist)).await;
    let api = srv.api();
    let immutable = "public, max-age=31536000, immutable";
    let (s, _, cc) = api.cache_headers("fastexec-f722e83c39fa1c23_bg.wasm").await;
    assert_eq!((s, cc.as_str()), (200, immutable));
    for path in [
        "",
        "jobs/biz/2/5",
        "fastexec-job.js",
        "fastexec-job_bg.wasm",
        "snippets/fastexec-0123456789abcdef/inline0.js",
    ] {
        let (s, _, cc) = api.cache_headers(path).await;
        assert_eq!((s, cc.as_str()), (200, "no-cache"), "{path}");
    }
    // A hashed name that is missing gets the page (SPA fallback): never cached for a year.
    let (s, ct, cc) = api.cache_headers("fastexec-00000000deadbeef.js").await;
    assert_eq!((s, cc.as_str()), (200, "no-cache"), "{ct}");
    assert!(ct.starts_with("text/html"), "{ct}");
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_the_app_with_spa_fallback() {
    let tmp = tempfile::TempDir::new().unwrap();
    let dist = tmp.path().join("dist");
    std::fs::create_dir_all(dist.join("assets")).unwrap();
    std::fs::write(dist.join("index.html"), "<html>app</html>").unwrap();
    std::fs::write(dist.join("assets/app.js"), "console.log(1)").unwrap();
    let big = "console.log('fastexec');\n".repeat(200);
    std::fs::write(dist.join("assets/big.js"), &big).unwrap();
    let srv = TestServer::start_full(&test_config(""), tmp, Some(dist)).await;
    let api = srv.api();
    for path in ["", "execute/quick-launch/5", "index.html"] {
        let (s, _, text) = api.raw("GET", path, &[], vec![]).await;
        assert_eq!((s, text.as_str()), (200, "<html>app</html>"), "{path}");
    }
    let (s, _, text) = api.raw("GET", "assets/app.js", &[], vec![]).await;
    assert_eq!((s, text.as_str()), (200, "console.log(1)"));
    // Without a precompressed copy a file is sent as it is, whatever the browser accepts: the
    // server never compresses a static file per request.
    let (s, _, plain) = api
        .raw(
            "GET",
            "assets/big.js",
            &[("Accept-Encoding", "gzip, br")],
            vec![],
        )
        .await;
    assert_eq!((s, plain.as_str()), (200, big.as_str()));
    let (s, ct, text) = api.raw("GET", "api/v3/unknown", &[], vec![]).await;
    assert_eq!(s, 404);
    assert!(ct.starts_with("application/json"));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["code"], 1640401, "{v}");
    assert_eq!(v["code_name"], "API_NOT_FOUND", "{v}");
    assert_eq!(
        v["message"],
        "API not found [method=\"GET\" path=\"/api/v3/unknown\"]"
    );
    srv.stop().await;

    // Without a built app the API still works and `/` says how to build it.
    let srv = TestServer::start(&test_config("")).await;
    let (s, _, text) = srv.api().raw("GET", "", &[], vec![]).await;
    assert_eq!(s, 404);
    assert!(
        text.contains("not built") && text.contains("trunk build"),
        "{text}"
    );
    srv.stop().await;
}

/// The release build's `.br` / `.gz` copies are sent by Accept-Encoding, with `Vary`; the
/// SPA fallback page too; API answers are still compressed on the fly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn precompressed_copies_are_sent_by_accept_encoding() {
    let tmp = tempfile::TempDir::new().unwrap();
    let dist = tmp.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    // Marker contents (not real compressed data): they show which file was sent.
    for (name, body) in [
        ("index.html", "page"),
        ("index.html.br", "page-br"),
        ("index.html.gz", "page-gz"),
        ("app-0123456789abcdef_bg.wasm", "wasm"),
        ("app-0123456789abcdef_bg.wasm.br", "wasm-br"),
        ("app-0123456789abcdef_bg.wasm.gz", "wasm-gz"),
    ] {
        std::fs::write(dist.join(name), body).unwrap();
    }
    let srv = TestServer::start_full(&test_config(""), tmp, Some(dist)).await;
    let api = srv.api();
    let wasm = "app-0123456789abcdef_bg.wasm";
    for (path, accept, body, encoding) in [
        (wasm, "gzip, deflate, br, zstd", "wasm-br", "br"),
        (wasm, "br;q=0.5, gzip", "wasm-gz", "gzip"),
        (wasm, "gzip", "wasm-gz", "gzip"),
        (wasm, "identity", "wasm", ""),
        (wasm, "", "wasm", ""),
        ("", "br", "page-br", "br"),
        ("jobs/biz/2/5", "gzip", "page-gz", "gzip"),
        ("jobs/biz/2/5", "", "page", ""),
    ] {
        let headers: &[(&str, &str)] = if accept.is_empty() {
            &[]
        } else {
            &[("Accept-Encoding", accept)]
        };
        let (s, h) = api.head_of("GET", path, headers).await;
        let (_, _, text) = api.raw("GET", path, headers, vec![]).await;
        let got = h.get("content-encoding").map(String::as_str).unwrap_or("");
        assert_eq!(
            (s, text.as_str(), got),
            (200, body, encoding),
            "{path} with {accept:?}"
        );
        assert_eq!(
            h.get("vary").map(String::as_str),
            Some("accept-encoding"),
            "{path} with {accept:?}"
        );
    }
    // An API answer is still compressed on the fly for a client that asks.
    let (s, h) = api
        .head_of("GET", "api/v3/unknown-api", &[("Accept-Encoding", "gzip")])
        .await;
    assert_eq!(s, 404);
    assert_eq!(h.get("content-encoding").map(String::as_str), Some("gzip"));
    srv.stop().await;
}
