use super::*;
use crate::connection::settings::{curl_command, preview_body, preview_headers};
use crate::connection::MessageLang;
use bkjob_api::{FastExecuteScriptRequest, GatewayAuth, Lang};

fn proxy(username: Option<&str>, signed_in: bool, login_url: Option<&str>) -> Session {
    Session::Proxy {
        username: username.map(str::to_owned),
        signed_in,
        login_url: login_url.map(str::to_owned),
    }
}

#[test]
fn every_answer_shape() {
    let ok = |data: &str| format!(r#"{{"result":true,"code":0,"data":{data}}}"#);
    let cases: Vec<(u16, String, Session)> = vec![
        (200, ok(r#"{"mode":"local"}"#), Session::Local),
        (
            200,
            ok(
                r#"{"mode":"proxy","username":"alice","signed_in":true,"login_url":"https://paas.example.com/login/"}"#,
            ),
            proxy(Some("alice"), true, Some("https://paas.example.com/login/")),
        ),
        (
            200,
            ok(r#"{"mode":"proxy","username":null,"signed_in":true,"login_url":null}"#),
            proxy(None, true, None),
        ),
        (
            200,
            ok(
                r#"{"mode":"proxy","username":null,"signed_in":false,"login_url":"https://paas.example.com/login/"}"#,
            ),
            proxy(None, false, Some("https://paas.example.com/login/")),
        ),
        (
            200,
            ok(r#"{"mode":"proxy","username":null,"signed_in":false,"login_url":null}"#),
            proxy(None, false, None),
        ),
        // a blank name is no name; `signed_in` left out follows the name
        (
            200,
            ok(r#"{"mode":"proxy","username":"  "}"#),
            proxy(None, false, None),
        ),
        (
            200,
            ok(r#"{"mode":"proxy","username":"bob"}"#),
            proxy(Some("bob"), true, None),
        ),
        // only web addresses become a link
        (
            200,
            ok(r#"{"mode":"proxy","signed_in":false,"login_url":"javascript:alert(1)"}"#),
            proxy(None, false, None),
        ),
        (
            200,
            ok(r#"{"mode":"proxy","signed_in":false,"login_url":"/login/"}"#),
            proxy(None, false, Some("/login/")),
        ),
        // an old server, a static file server, a load balancer, garbage: local
        (
            404,
            r#"{"result":false,"code":1640401,"message":"not found"}"#.into(),
            Session::Local,
        ),
        (
            404,
            "<html><body>Not Found</body></html>".into(),
            Session::Local,
        ),
        (
            200,
            "<!DOCTYPE html><html><head><title>fastexec</title>".into(),
            Session::Local,
        ),
        (200, "garbage".into(), Session::Local),
        (200, String::new(), Session::Local),
        (
            200,
            r#"{"result":true,"code":0,"data":{"mode":"pro"#.into(),
            Session::Local,
        ),
        (200, "[1,2]".into(), Session::Local),
        (
            200,
            r#"{"result":false,"code":0,"data":{"mode":"proxy"}}"#.into(),
            Session::Local,
        ),
        (
            200,
            r#"{"result":"true","data":{"mode":"proxy"}}"#.into(),
            Session::Local,
        ),
        (
            200,
            r#"{"result":true,"data":"proxy"}"#.into(),
            Session::Local,
        ),
        (
            200,
            r#"{"result":true,"data":{"mode":"PROXY"}}"#.into(),
            Session::Local,
        ),
        (200, r#"{"result":true}"#.into(), Session::Local),
        (
            500,
            ok(r#"{"mode":"proxy","username":"alice","signed_in":true}"#),
            Session::Local,
        ),
        (
            302,
            ok(r#"{"mode":"proxy","username":"alice","signed_in":true}"#),
            Session::Local,
        ),
    ];
    for (status, body, want) in cases {
        assert_eq!(Session::from_answer(status, &body), want, "{status} {body}");
    }
}

#[test]
fn only_a_signed_out_proxy_must_sign_in() {
    assert!(!Session::Local.is_proxy() && !Session::Local.must_sign_in());
    assert!(proxy(None, true, None).is_proxy());
    assert!(!proxy(Some("a"), true, None).must_sign_in());
    assert!(proxy(None, false, None).must_sign_in());
}

#[test]
fn the_session_is_asked_only_of_the_page_s_own_server() {
    let origin = "http://127.0.0.1:8000";
    for base in [
        "",
        "  ",
        "/",
        "http://127.0.0.1:8000",
        "http://127.0.0.1:8000/",
        "HTTP://127.0.0.1:8000",
    ] {
        assert!(asks_session(base, origin), "{base:?}");
    }
    for base in [
        "https://bkapi.example.com/api/bk-job/prod",
        "http://127.0.0.1:8001",
        "http://127.0.0.1:8000/api/bk-job/prod",
        "/api/bk-job/prod",
    ] {
        assert!(!asks_session(base, origin), "{base:?}");
    }
    assert!(!asks_session("http://x", ""));
}

fn settings(mode: AuthMode) -> Connection {
    Connection {
        api_base_url: String::new(),
        auth_mode: mode,
        bk_app_code: "app".into(),
        bk_app_secret: "s3cr3t".into(),
        bk_username: "alice".into(),
        bk_token: "tok3n".into(),
        message_lang: MessageLang::En,
        max_answer_mib: Some(3),
    }
}

fn request() -> FastExecuteScriptRequest {
    FastExecuteScriptRequest {
        bk_scope_type: Some("biz".into()),
        bk_scope_id: Some("2".into()),
        script_content: Some("ZWNobyBoaQ==".into()),
        account_alias: Some("root".into()),
        ..Default::default()
    }
}

#[test]
fn local_mode_sends_the_settings_unchanged() {
    for mode in AuthMode::ALL {
        let c = settings(mode);
        assert_eq!(c.as_sent(&Session::Local), c);
    }
}

#[test]
fn proxy_mode_sends_no_credential_and_keeps_the_settings() {
    for mode in AuthMode::ALL {
        let c = settings(mode);
        for session in [proxy(Some("alice"), true, None), proxy(None, false, None)] {
            let sent = c.as_sent(&session);
            assert_eq!(sent.auth_mode, AuthMode::None);
            assert_eq!(sent.endpoint(), "/api/v3/fast_execute_script");
            assert_eq!(sent.message_lang, MessageLang::En);
            assert_eq!(sent.max_answer_mib, Some(3));
            let headers = sent.headers(Lang::En);
            assert!(headers.iter().all(|(n, _)| n != GatewayAuth::HEADER));
            assert!(headers.contains(&("Blueking-Language".into(), "en".into())));
            let body = sent.body(&request());
            let curl = curl_command(&sent, &request(), Lang::En, "http://127.0.0.1:8000");
            let preview = preview_body(&sent, &request());
            let shown: Vec<_> = preview_headers(&sent, Lang::En);
            for text in [body.as_str(), curl.as_str(), preview.as_str()] {
                for secret in [
                    "s3cr3t",
                    "tok3n",
                    "alice",
                    "\"app\"",
                    "BK_APP_SECRET",
                    "BK_TOKEN",
                    "Bkapi",
                ] {
                    assert!(!text.contains(secret), "{secret} in {text}");
                }
            }
            assert!(shown.iter().all(|(n, _)| n != GatewayAuth::HEADER));
            assert!(curl.starts_with(
                "curl -sS -X POST 'http://127.0.0.1:8000/api/v3/fast_execute_script'"
            ));
            // the settings keep what the user typed (and stores) for local use
            assert_eq!(c, settings(mode));
        }
    }
}

#[test]
fn the_sign_in_link_carries_the_page_to_come_back_to() {
    let page = "http://127.0.0.1:8000/jobs/biz/2/10?x=1&y=中#h";
    let encoded = "http%3A%2F%2F127.0.0.1%3A8000%2Fjobs%2Fbiz%2F2%2F10%3Fx%3D1%26y%3D%E4%B8%AD%23h";
    assert_eq!(
        sign_in_url("https://paas.example.com/login/", page),
        format!("https://paas.example.com/login/?c_url={encoded}")
    );
    assert_eq!(
        sign_in_url("https://paas.example.com/login/?app=job", page),
        format!("https://paas.example.com/login/?app=job&c_url={encoded}")
    );
    assert_eq!(
        sign_in_url("https://paas.example.com/login/?", "http://h/"),
        "https://paas.example.com/login/?c_url=http%3A%2F%2Fh%2F"
    );
    assert_eq!(
        sign_in_url("/login/#top", "http://h/"),
        "/login/?c_url=http%3A%2F%2Fh%2F#top"
    );
    // encodeURIComponent's unreserved marks stay as they are
    assert_eq!(encode_component("a-_.!~*'()b c/"), "a-_.!~*'()b%20c%2F");
}

#[test]
fn the_panel_says_who_is_signed_in() {
    use crate::i18n::t;
    let en = t(Lang::En);
    let zh = t(Lang::ZhCn);
    assert_eq!(status_text(&Session::Local, en), None);
    assert_eq!(
        status_text(&proxy(Some("alice"), true, None), en).as_deref(),
        Some("Signed in as alice: credentials are added by the server.")
    );
    assert_eq!(
        status_text(&proxy(Some("alice"), true, None), zh).as_deref(),
        Some("已登录为 alice，凭证由服务器添加。")
    );
    assert_eq!(
        status_text(&proxy(None, true, None), en).as_deref(),
        Some("Signed in: credentials are added by the server.")
    );
    let out = status_text(&proxy(None, false, Some("/login/")), zh).unwrap();
    assert_eq!(out, zh.session_signed_out);
    assert_eq!(
        status_text(&proxy(None, false, None), en).as_deref(),
        Some("Not signed in to BlueKing: the server cannot add credentials.")
    );
}

#[test]
fn the_session_keeps_the_sign_in_link_back_to_the_page() {
    let page = "http://127.0.0.1:8000/jobs/biz/2/10";
    assert_eq!(
        proxy(None, false, Some("https://paas.example.com/login/")).returning_to(page),
        proxy(
            None,
            false,
            Some("https://paas.example.com/login/?c_url=http%3A%2F%2F127.0.0.1%3A8000%2Fjobs%2Fbiz%2F2%2F10")
        )
    );
    assert_eq!(
        proxy(None, false, None).returning_to(page),
        proxy(None, false, None)
    );
    assert_eq!(Session::Local.returning_to(page), Session::Local);
}

#[test]
fn only_a_signed_out_session_links_to_the_sign_in() {
    let url = Some("https://paas.example.com/login/");
    assert_eq!(proxy(None, false, url).sign_in_link().as_deref(), url);
    assert_eq!(proxy(Some("a"), true, url).sign_in_link(), None);
    assert_eq!(proxy(None, false, None).sign_in_link(), None);
    assert_eq!(Session::Local.sign_in_link(), None);
}
