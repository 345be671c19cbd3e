//! Helpers of the step-operation and rolling tests: operate a step, read one step's status,
//! receive callbacks on loopback.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{auth_user, Api};

pub const OP_STEP: &str = "api/v3/operate_step_instance";
pub const STEP_STATUS: &str = "api/v3/get_step_instance_status";

impl Api {
    /// `operate_step_instance` as `user`; the envelope.
    pub async fn op_step_as(&self, user: &str, job: i64, step: i64, code: i32) -> Value {
        let (s, v) = self
            .post_as(
                user,
                OP_STEP,
                &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job,
                        "step_instance_id":step,"operation_code":code}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        v
    }

    pub async fn op_step(&self, job: i64, step: i64, code: i32) -> Value {
        self.op_step_as("admin", job, step, code).await
    }

    /// `operate_job_instance` (1 terminate) as admin; the envelope.
    pub async fn op_job(&self, job: i64, code: i32) -> Value {
        self.post(
            "api/v3/operate_job_instance",
            &json!({"bk_scope_type":"biz","bk_scope_id":"2","job_instance_id":job,
                    "operation_code":code}),
        )
        .await
    }

    /// GET `get_step_instance_status` with `extra` query parameters (`&k=v...`); the envelope.
    pub async fn step_status(&self, job: i64, step: i64, extra: &str) -> Value {
        let auth = auth_user("admin");
        let path = format!(
            "{STEP_STATUS}?bk_scope_type=biz&bk_scope_id=2&job_instance_id={job}\
             &step_instance_id={step}{extra}"
        );
        let (s, _, text) = self
            .raw(
                "GET",
                &path,
                &[("X-Bkapi-Authorization", auth.as_str())],
                vec![],
            )
            .await;
        assert_eq!(s, 200, "{text}");
        super::parse(&text)
    }

    /// Poll the job's status (with hosts) until `pred` holds (deadline 10 s).
    pub async fn wait_for(&self, job: i64, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let d = self.status(job).await;
            if pred(&d) {
                return d;
            }
            assert!(
                Instant::now() < deadline,
                "job {job}: waiting for {what}: {d}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Poll until the job's status is `status` (and `finished` says so).
    pub async fn wait_job_status(&self, job: i64, status: i32) -> Value {
        self.wait_for(job, &format!("job status {status}"), |d| {
            d["job_instance"]["status"] == status
        })
        .await
    }
}

pub fn job_status(d: &Value) -> i64 {
    d["job_instance"]["status"].as_i64().unwrap()
}

pub fn step_of(d: &Value) -> &Value {
    &d["step_instance_list"][0]
}

/// Host id → host status of a status answer, in host order.
pub fn host_statuses(d: &Value) -> Vec<(i64, i64)> {
    step_of(d)["step_ip_result_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["bk_host_id"].as_i64().unwrap(),
                h["status"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// `(status, [host ids])` of each group of a `get_step_instance_status` answer.
pub fn groups(v: &Value) -> Vec<(i64, Vec<i64>)> {
    v["data"]["step_result_group_list"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|g| {
            let ids = g["host_result_list"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["bk_host_id"].as_i64().unwrap())
                .collect();
            (g["result_type"].as_i64().unwrap(), ids)
        })
        .collect()
}

/// A loopback callback receiver: every body it got, in order.
pub struct Callbacks {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Value>>>,
}

impl Callbacks {
    pub async fn start() -> Callbacks {
        use axum::routing::post;
        let seen: Arc<Mutex<Vec<Value>>> = Arc::default();
        let s2 = seen.clone();
        let recv = axum::Router::new().route(
            "/cb",
            post(move |body: String| {
                let seen = s2.clone();
                async move {
                    seen.lock()
                        .unwrap()
                        .push(serde_json::from_str(&body).unwrap_or(Value::String(body)));
                    axum::http::StatusCode::OK
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, recv).await });
        Callbacks { addr, seen }
    }

    pub fn url(&self) -> String {
        format!("http://{}/cb", self.addr)
    }

    /// Wait until `n` callbacks arrived (deadline 5 s); all of them.
    pub async fn wait(&self, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let got = self.seen.lock().unwrap().clone();
            if got.len() >= n {
                return got;
            }
            assert!(Instant::now() < deadline, "{n} callbacks expected: {got:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
