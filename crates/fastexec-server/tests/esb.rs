//! The ESB face of every API (`/api/c/compapi/v2/jobv3/{api}/`), over real HTTP: GET and POST,
//! with and without the trailing slash, credentials from the `X-Bkapi-Authorization` header or
//! from the body/query; ESB's refusals (HTTP 200, 1306000) and its `request_id`. Also the
//! gateway's GET query strings, bound as BK-JOB's Spring binding does.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

/// Where the credentials travel.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Creds {
    /// `X-Bkapi-Authorization` (a non-exempt app with the user's bk_token).
    Header,
    /// Body fields (POST) or query fields (GET), as the legacy ESB SDKs send them.
    Fields,
}

/// Every way of calling one ESB API.
const WAYS: [(&str, Creds, bool); 8] = [
    ("POST", Creds::Fields, true),
    ("POST", Creds::Fields, false),
    ("POST", Creds::Header, true),
    ("POST", Creds::Header, false),
    ("GET", Creds::Fields, true),
    ("GET", Creds::Fields, false),
    ("GET", Creds::Header, true),
    ("GET", Creds::Header, false),
];

fn header_creds() -> String {
    json!({"bk_app_code": "strict-app", "bk_app_secret": "strict-secret", "bk_token": "admin-token"})
        .to_string()
}

fn field_creds() -> Value {
    json!({"bk_app_code": APP, "bk_app_secret": SECRET, "bk_username": "admin"})
}

/// A query string of `fields` (strings as they are, other scalars as their JSON text).
fn query(fields: &Value) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields.as_object().unwrap() {
        match v {
            Value::String(s) => q.append_pair(k, s),
            other => q.append_pair(k, &other.to_string()),
        };
    }
    q.finish()
}

/// Call ESB's `api` with `fields`, the credentials added as `creds` says, and `headers`.
async fn esb_call(
    api: &Api,
    method: &str,
    name: &str,
    slash: bool,
    creds: Creds,
    fields: &Value,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let mut fields = fields.clone();
    if creds == Creds::Fields {
        for (k, v) in field_creds().as_object().unwrap() {
            fields[k] = v.clone();
        }
    }
    let auth = header_creds();
    let mut h: Vec<(&str, &str)> = headers.to_vec();
    if creds == Creds::Header {
        h.push(("X-Bkapi-Authorization", &auth));
    }
    let path = format!(
        "api/c/compapi/v2/jobv3/{name}{}",
        if slash { "/" } else { "" }
    );
    let (s, _, text) = if method == "GET" {
        let p = format!("{path}?{}", query(&fields));
        api.raw("GET", &p, &h, vec![]).await
    } else {
        api.raw("POST", &path, &h, fields.to_string().into_bytes())
            .await
    };
    (s, parse(&text))
}

/// ESB's own request id: 32 hex digits.
fn assert_esb_request_id(v: &Value) {
    let id = v["request_id"].as_str().unwrap_or_default();
    assert!(
        id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "no ESB request_id: {v}"
    );
}

/// An answer from BK-JOB behind ESB: HTTP 200, ESB's request id next to BK-JOB's.
fn job_answer(way: (&str, Creds, bool), (s, v): (u16, Value)) -> Value {
    assert_eq!(s, 200, "{way:?}: {v}");
    assert_esb_request_id(&v);
    assert!(v["job_request_id"].is_string(), "{way:?}: {v}");
    assert!(v.get("message").is_some() && v.get("data").is_some(), "{v}");
    v
}

/// ESB's refusal: HTTP 200, result false, data null, `code`, `message`, its request id, and
/// nothing from BK-JOB.
fn esb_refusal((s, v): (u16, Value), code: i64, message: &str) {
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (&v["result"], &v["code"], &v["data"], &v["message"]),
        (&json!(false), &json!(code), &Value::Null, &json!(message)),
        "{v}"
    );
    assert_esb_request_id(&v);
    assert!(v.get("job_request_id").is_none(), "{v}");
}

const NO_USER: &str =
    "User authentication failed, please provide a valid user identity, such as bk_token, bk_username";
const NAMES: [&str; 5] = [
    "fast_execute_script",
    "get_job_instance_status",
    "get_job_instance_ip_log",
    "batch_get_job_instance_ip_log",
    "operate_job_instance",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_esb_route_launches_and_follows_a_job() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let scope = json!({"bk_scope_type": "biz", "bk_scope_id": "2"});

    // Launch through ESB, both credential sources, with and without the slash.
    let mut jobs = vec![];
    for way in WAYS.iter().filter(|w| w.0 == "POST") {
        let v = job_answer(
            *way,
            esb_call(
                &api,
                way.0,
                NAMES[0],
                way.2,
                way.1,
                &script_req("echo hi"),
                &[],
            )
            .await,
        );
        assert_eq!((&v["code"], &v["result"]), (&json!(0), &json!(true)), "{v}");
        // ESB adds an empty message to BK-JOB's success envelope.
        assert_eq!(v["message"], "", "{v}");
        jobs.push((
            v["data"]["job_instance_id"].as_i64().unwrap(),
            v["data"]["step_instance_id"].as_i64().unwrap(),
        ));
    }
    // The launch is served on GET too: the query reaches BK-JOB as strings, so a target
    // (an object) cannot be sent, and BK-JOB's own validation answers.
    for way in WAYS.iter().filter(|w| w.0 == "GET") {
        let mut q = script_req("echo hi");
        q.as_object_mut().unwrap().remove("target_server");
        let v = job_answer(
            *way,
            esb_call(&api, way.0, NAMES[0], way.2, way.1, &q, &[]).await,
        );
        assert_eq!(v["result"], false, "{v}");
        assert!(
            v["code"].as_i64().is_some_and(|c| c != 1306000),
            "BK-JOB did not answer: {v}"
        );
    }

    // Follow the first job through ESB status until it ends.
    let (job, step) = jobs[0];
    let status = |way: (&'static str, Creds, bool), ips: Value| {
        let mut f = scope.clone();
        f["job_instance_id"] = json!(job);
        f["return_ip_result"] = ips;
        let api = api.clone();
        async move {
            job_answer(
                way,
                esb_call(&api, way.0, NAMES[1], way.2, way.1, &f, &[]).await,
            )
        }
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let v = status(WAYS[4], json!("false")).await;
        assert_eq!(v["code"], 0, "{v}");
        if v["data"]["finished"] == true {
            break;
        }
        assert!(Instant::now() < deadline, "job did not finish: {v}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for way in WAYS {
        // As ESB forwards a GET: strings, read with Jackson's rules ("True" is true).
        let ips = if way.0 == "GET" {
            json!("True")
        } else {
            json!(true)
        };
        let v = status(way, ips).await;
        assert_eq!(v["code"], 0, "{way:?}: {v}");
        assert_eq!(v["data"]["job_instance"]["job_instance_id"], job);
        assert_eq!(v["data"]["job_instance"]["status"], 3, "{v}");
        assert_eq!(
            v["data"]["step_instance_list"][0]["step_ip_result_list"][0]["bk_host_id"], 101,
            "{way:?}: {v}"
        );
    }
    // Jackson does not read "1" as a boolean (Spring's query binding would): BK-JOB's 1240003.
    let v = status(WAYS[4], json!("1")).await;
    assert_eq!(v["code"], 1240003, "{v}");

    // Its log, one host and in a batch.
    let mut f = scope.clone();
    f["job_instance_id"] = json!(job);
    f["step_instance_id"] = json!(step);
    f["bk_host_id"] = json!(101);
    for way in WAYS {
        let v = job_answer(
            way,
            esb_call(&api, way.0, NAMES[2], way.2, way.1, &f, &[]).await,
        );
        assert_eq!(v["data"]["log_content"], "hi\n", "{way:?}: {v}");
    }
    let mut f = scope.clone();
    f["job_instance_id"] = json!(job);
    f["step_instance_id"] = json!(step);
    f["host_id_list"] = json!([101]);
    for way in WAYS {
        let v = job_answer(
            way,
            esb_call(&api, way.0, NAMES[3], way.2, way.1, &f, &[]).await,
        );
        if way.0 == "POST" {
            assert_eq!(
                v["data"]["script_task_logs"][0]["log_content"], "hi\n",
                "{way:?}: {v}"
            );
        } else {
            // A list cannot travel in ESB's GET: "[101]" is no list to BK-JOB.
            assert_eq!(v["code"], 1240003, "{way:?}: {v}");
        }
    }

    // Operate: the job has ended, so terminating it is "unsupported" (1241003); a GET's
    // "1" is read as the number it names.
    let mut f = scope.clone();
    f["job_instance_id"] = json!(job);
    f["operation_code"] = json!(1);
    for way in WAYS {
        let v = job_answer(
            way,
            esb_call(&api, way.0, NAMES[4], way.2, way.1, &f, &[]).await,
        );
        assert_eq!(v["code"], 1241003, "{way:?}: {v}");
    }
    // Every launched job ran.
    for (job, _) in &jobs[1..] {
        assert_eq!(api.wait_finished(*job).await["job_instance"]["status"], 3);
    }
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esb_refuses_in_its_own_protocol() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let fields = json!({"bk_scope_type": "biz", "bk_scope_id": "2", "job_instance_id": 1});
    for name in NAMES {
        for (method, _, slash) in WAYS.iter().filter(|w| w.1 == Creds::Fields) {
            // Wrong secret in the fields, a good header: the header wins.
            let mut f = fields.clone();
            f["bk_app_code"] = json!(APP);
            f["bk_app_secret"] = json!("wrong");
            f["bk_username"] = json!("admin");
            let (s, v) = esb_call(&api, method, name, *slash, Creds::Header, &f, &[]).await;
            assert_eq!(s, 200, "{v}");
            assert_esb_request_id(&v);
            assert!(
                v["job_request_id"].is_string(),
                "header credentials ignored: {v}"
            );
            let bad_header =
                json!({"bk_app_code": APP, "bk_app_secret": "wrong", "bk_username": "admin"})
                    .to_string();
            // A bad header with good fields: the header is the only source.
            let r = esb_call(
                &api,
                method,
                name,
                *slash,
                Creds::Fields,
                &fields,
                &[("X-Bkapi-Authorization", &bad_header)],
            )
            .await;
            esb_refusal(
                r,
                1306000,
                &format!("APP Secret verification failed, pelase confirm if the APP Secret and APP Code [bk_app_code={APP}] match"),
            );
            // A header without a user, good fields; a header that is not JSON.
            let no_user = json!({"bk_app_code": APP, "bk_app_secret": SECRET}).to_string();
            let r = esb_call(
                &api,
                method,
                name,
                *slash,
                Creds::Fields,
                &fields,
                &[("X-Bkapi-Authorization", &no_user)],
            )
            .await;
            esb_refusal(r, 1306000, NO_USER);
            let r = esb_call(
                &api,
                method,
                name,
                *slash,
                Creds::Fields,
                &fields,
                &[("X-Bkapi-Authorization", "not json")],
            )
            .await;
            esb_refusal(
                r,
                1306406,
                "Parameters error, request header X-Bkapi-Authorization is not a valid JSON format string",
            );
        }
    }
    // The other texts of ESB's validators, in ESB's order (a secret before the app code).
    let path = "api/c/compapi/v2/jobv3/get_job_instance_status/";
    for (creds, message) in [
        (json!({}), "Signature [bk_signature] and APP Secret [bk_app_secret] cannot be empty at the same time".to_string()),
        (json!({"bk_app_secret": "x"}), "APP Code [bk_app_code] cannot be empty".to_string()),
        (json!({"bk_app_code": "nope", "bk_app_secret": "x", "bk_username": "admin"}),
         "Invalid APP Code [bk_app_code=nope], please confirm if the APP Code has been registered".to_string()),
        (json!({"bk_app_code": APP, "bk_app_secret": SECRET, "bk_token": "bad-token"}),
         "User authentication failed, please check if the bk_token is valid".to_string()),
        // bk_username only counts for a login-exempt app.
        (json!({"bk_app_code": "strict-app", "bk_app_secret": "strict-secret", "bk_username": "admin"}),
         NO_USER.to_string()),
        // The aliases ESB also reads.
        (json!({"app_code": "strict-app", "app_secret": "strict-secret", "username": "admin"}),
         NO_USER.to_string()),
    ] {
        let mut body = fields.clone();
        for (k, v) in creds.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, _, text) = api
            .raw("POST", path, &[], body.to_string().into_bytes())
            .await;
        esb_refusal((s, parse(&text)), 1306000, &message);
    }
    // The aliases authenticate too.
    let mut body = fields.clone();
    body["app_code"] = json!(APP);
    body["app_secret"] = json!(SECRET);
    body["username"] = json!("admin");
    let (_, _, text) = api
        .raw("POST", path, &[], body.to_string().into_bytes())
        .await;
    assert_eq!(parse(&text)["code"], 1244006, "{text}");
    // A body that is not JSON; a method or an API ESB has no channel for.
    let (s, _, text) = api
        .raw("POST", path, &[], b"{\"bk_app_code\":".to_vec())
        .await;
    esb_refusal(
        (s, parse(&text)),
        1306000,
        "Request JSON string is wrong in format, which cannot be analyzed.",
    );
    for (method, p) in [
        ("PUT", path),
        ("DELETE", "api/c/compapi/v2/jobv3/fast_execute_script"),
        ("POST", "api/c/compapi/v2/jobv3/no_such_api/"),
    ] {
        let (s, _, text) = api.raw(method, p, &[], b"{}".to_vec()).await;
        assert_eq!(s, 404, "{method} {p}: {text}");
        assert_eq!(parse(&text)["message"], "The content does not exist");
    }
    srv.stop().await;
}

/// The gateway's GET resources bind the query as BK-JOB's Spring does (`True`, `1`, `on` are
/// booleans; `+7` is a number), and every gateway path works with a trailing slash.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_get_binds_like_spring_and_takes_a_trailing_slash() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let (job, step) = api.launch(&script_req("echo hi")).await;
    api.wait_finished(job).await;
    let auth = auth_user("admin");
    let h = [("X-Bkapi-Authorization", auth.as_str())];
    let get = |path: String| {
        let api = api.clone();
        async move {
            let (s, _, text) = api.raw("GET", &path, &h, vec![]).await;
            (s, parse(&text))
        }
    };
    let st = "api/v3/get_job_instance_status";
    for (value, with_hosts) in [
        ("True", true),
        ("1", true),
        ("on", true),
        ("YES", true),
        ("false", false),
        ("0", false),
        ("Off", false),
        ("", false),
    ] {
        for slash in ["", "/"] {
            let (s, v) = get(format!(
                "{st}{slash}?bk_scope_type=biz&bk_scope_id=2&job_instance_id=%2B{job}&return_ip_result={value}"
            ))
            .await;
            assert_eq!((s, &v["code"]), (200, &json!(0)), "{value:?}: {v}");
            assert_eq!(
                v["data"]["step_instance_list"][0]
                    .get("step_ip_result_list")
                    .is_some(),
                with_hosts,
                "{value:?}: {v}"
            );
        }
    }
    for q in [
        format!("job_instance_id={job}&return_ip_result=maybe"),
        format!("job_instance_id={job}&return_ip_result=%20"),
        format!("job_instance_id={job}x"),
        // job_instance_id is a required @RequestParam on GET.
        String::new(),
    ] {
        let (s, v) = get(format!("{st}?bk_scope_type=biz&bk_scope_id=2&{q}")).await;
        assert_eq!((s, &v["code"]), (200, &json!(1240003)), "{q}: {v}");
    }
    let (_, v) = get(format!(
        "api/v3/get_job_instance_ip_log/?bk_scope_type=biz&bk_scope_id=2&job_instance_id={job}&step_instance_id={step}&bk_host_id=0x65"
    ))
    .await;
    assert_eq!(v["data"]["log_content"], "hi\n", "{v}");
    // POST resources with the slash; the gateway still reads the header only.
    let body = json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job,
                      "step_instance_id":step,"host_id_list":[101]});
    let v = api
        .post("api/v3/batch_get_job_instance_ip_log/", &body)
        .await;
    assert_eq!(
        v["data"]["script_task_logs"][0]["log_content"], "hi\n",
        "{v}"
    );
    let (s, v) = api
        .post_as(
            "admin",
            "api/v3/fast_execute_script/",
            &script_req("echo slash"),
        )
        .await;
    assert_eq!((s, &v["code"]), (200, &json!(0)), "{v}");
    assert!(
        v.get("request_id").is_none(),
        "the gateway adds no ESB request_id: {v}"
    );
    let mut b = script_req("true");
    b["bk_app_code"] = json!(APP);
    b["bk_app_secret"] = json!(SECRET);
    b["bk_username"] = json!("admin");
    let (s, _, text) = api
        .raw(
            "POST",
            "api/v3/fast_execute_script/",
            &[],
            b.to_string().into_bytes(),
        )
        .await;
    assert_eq!(
        (s, parse(&text)["code"].as_i64()),
        (400, Some(1640001)),
        "{text}"
    );
    srv.stop().await;
}
