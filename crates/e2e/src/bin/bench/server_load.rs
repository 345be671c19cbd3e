//! Report section 7, the server: launch latency, throughput and "nothing lost" over loopback,
//! with reqwest.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use e2e::demo;
use serde_json::{json, Value};

use crate::serve::BenchServer;
use crate::stats::{median, round, row, section, verdict};

/// Sequential launches for the latency figure.
const LATENCY_LAUNCHES: usize = 20;
/// Launches of the throughput run, and how many are in flight at once.
const LOAD_LAUNCHES: usize = 500;
const LOAD_CONCURRENCY: usize = 50;

struct Api {
    client: reqwest::Client,
    base: String,
    auth: String,
}

impl Api {
    fn new(server: &BenchServer) -> Self {
        let auth = json!({
            "bk_app_code": demo::APP_CODE,
            "bk_app_secret": demo::APP_SECRET,
            "bk_username": demo::ADMIN,
        })
        .to_string();
        Api {
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("HTTP client"),
            base: format!("{}api/v3/", server.url),
            auth,
        }
    }

    /// Launches `echo` on hosts 101-103: the job instance ID, or what went wrong.
    async fn launch(&self) -> Result<i64, String> {
        let body = json!({
            "bk_scope_type": "biz",
            "bk_scope_id": demo::BIZ_ID,
            "script_content": bkjob_api::encode_base64("echo fastexec-bench\n"),
            "script_language": 1,
            "account_alias": "root",
            "target_server": { "host_id_list": [101, 102, 103] },
        });
        let resp = self
            .client
            .post(format!("{}fast_execute_script", self.base))
            .header("X-Bkapi-Authorization", &self.auth)
            .json(&body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let v: Value = resp.json().await.map_err(|e| e.to_string())?;
        v["data"]["job_instance_id"]
            .as_i64()
            .ok_or_else(|| format!("no job id: {v}"))
    }

    /// `Some(job status)` once finished, None while running; Err on a failed call.
    async fn finished(&self, id: i64) -> Result<Option<i64>, String> {
        let resp = self
            .client
            .get(format!("{}get_job_instance_status", self.base))
            .query(&[
                ("bk_scope_type", "biz".to_string()),
                ("bk_scope_id", demo::BIZ_ID.to_string()),
                ("job_instance_id", id.to_string()),
            ])
            .header("X-Bkapi-Authorization", &self.auth)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let v: Value = resp.json().await.map_err(|e| e.to_string())?;
        if v["data"]["finished"] == json!(true) {
            Ok(Some(
                v["data"]["job_instance"]["status"].as_i64().unwrap_or(0),
            ))
        } else if v["result"] == json!(true) {
            Ok(None)
        } else {
            Err(format!("status call failed: {v}"))
        }
    }
}

pub async fn server_load(server: &BenchServer) -> Value {
    let title = "7. Server (fastexec-server, release build, loopback)";
    let how = format!(
        "reqwest against the bench's fastexec-server (shipped fastexec.toml, demo app, user \
         admin, business 2): `fast_execute_script` of `echo` on hosts 101-103 (three real local \
         processes per job), then `get_job_instance_status` polled until `finished`. \
         **Latency:** {LATENCY_LAUNCHES} launches one after another, POST → finished seen \
         (polled every 5 ms). **Throughput:** {LOAD_LAUNCHES} launches by \
         {LOAD_CONCURRENCY} concurrent clients; launches/s = answered launches ÷ wall time of \
         the launch phase; then every job is polled to its end (bounded to 5 minutes) and \
         counted."
    );
    let api = Arc::new(Api::new(server));

    // Latency, one at a time.
    let mut latency = Vec::new();
    let mut latency_errors = 0;
    for _ in 0..LATENCY_LAUNCHES {
        let t0 = Instant::now();
        let Ok(id) = api.launch().await else {
            latency_errors += 1;
            continue;
        };
        let deadline = t0 + Duration::from_secs(60);
        loop {
            match api.finished(id).await {
                Ok(Some(_)) => {
                    latency.push(t0.elapsed().as_secs_f64() * 1e3);
                    break;
                }
                _ if Instant::now() > deadline => {
                    latency_errors += 1;
                    break;
                }
                _ => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        }
    }

    // Throughput: LOAD_CONCURRENCY workers take launches from a shared counter.
    let next = Arc::new(AtomicUsize::new(0));
    let t0 = Instant::now();
    let workers: Vec<_> = (0..LOAD_CONCURRENCY)
        .map(|_| {
            let (api, next) = (Arc::clone(&api), Arc::clone(&next));
            tokio::spawn(async move {
                let mut out = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < LOAD_LAUNCHES {
                    let s = Instant::now();
                    let r = api.launch().await;
                    out.push((r, s.elapsed().as_secs_f64() * 1e3));
                }
                out
            })
        })
        .collect();
    let mut launched = Vec::new();
    let mut request_ms = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    for w in workers {
        for (r, ms) in w.await.unwrap_or_default() {
            request_ms.push(ms);
            match r {
                Ok(id) => launched.push(id),
                Err(e) => errors.push(e),
            }
        }
    }
    let launch_secs = t0.elapsed().as_secs_f64();
    let distinct: HashSet<i64> = launched.iter().copied().collect();

    // Every job to its end: 10 pollers over the unfinished set, rounds 100 ms apart.
    let mut pending: Vec<i64> = distinct.iter().copied().collect();
    let mut succeeded = 0;
    let mut finished = 0;
    let deadline = Instant::now() + Duration::from_secs(300);
    while !pending.is_empty() && Instant::now() < deadline {
        let chunks: Vec<Vec<i64>> = pending
            .chunks(pending.len().div_ceil(10))
            .map(<[i64]>::to_vec)
            .collect();
        let polls: Vec<_> = chunks
            .into_iter()
            .map(|ids| {
                let api = Arc::clone(&api);
                tokio::spawn(async move {
                    let mut left = Vec::new();
                    let mut done = Vec::new();
                    for id in ids {
                        match api.finished(id).await {
                            Ok(Some(status)) => done.push(status),
                            _ => left.push(id),
                        }
                    }
                    (left, done)
                })
            })
            .collect();
        pending.clear();
        for p in polls {
            let (left, done) = p.await.unwrap_or_default();
            pending.extend(left);
            finished += done.len();
            succeeded += done.iter().filter(|&&s| s == 3).count();
        }
        if !pending.is_empty() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let all_secs = t0.elapsed().as_secs_f64();

    let complete = launched.len() == LOAD_LAUNCHES
        && distinct.len() == LOAD_LAUNCHES
        && finished == LOAD_LAUNCHES;
    let mut notes =
        vec![format!(
        "Nothing lost: {} of {LOAD_LAUNCHES} launches answered with a job ID, {} distinct IDs, \
         {finished} jobs reached `finished` ({succeeded} with status 3 success), {} launch errors, \
         {} still running at the 5-minute bound: **{}**.",
        launched.len(),
        distinct.len(),
        errors.len(),
        pending.len(),
        if complete { "all 500 accounted for" } else { "SOME LOST" }
    )];
    if let Some(e) = errors.first() {
        notes.push(format!("First launch error: {e}"));
    }
    if latency_errors > 0 {
        notes.push(format!(
            "{latency_errors} of the sequential launches failed or did not finish in 60 s."
        ));
    }
    notes.push(format!(
        "All {LOAD_LAUNCHES} jobs ({} processes) finished {all_secs:.1} s after the first launch \
         ({:.1} jobs/s end to end).",
        LOAD_LAUNCHES * 3,
        finished as f64 / all_secs
    ));
    let rate = launched.len() as f64 / launch_secs;
    section(
        title,
        &how,
        vec![
            row(
                "Launch → finished, one job at a time",
                "ms",
                &latency,
                "≤ 100 ms for echo on 3 local hosts",
                verdict(median(&latency) <= 100.0),
            ),
            json!({
                "name": format!("Launches per second ({LOAD_CONCURRENCY} concurrent)"),
                "unit": "launch/s",
                "median": round(rate),
                "runs": 1,
                "goal": "≥ 100/s on this machine",
                "verdict": verdict(rate >= 100.0),
            }),
            row(
                &format!("Launch request time under {LOAD_CONCURRENCY} concurrent"),
                "ms",
                &request_ms,
                "≤ 1 s",
                verdict(median(&request_ms) <= 1000.0),
            ),
            json!({
                "name": format!("{LOAD_LAUNCHES} launches at {LOAD_CONCURRENCY} concurrent: jobs finished (see note)"),
                "unit": format!("of {LOAD_LAUNCHES}"),
                "median": finished,
                "runs": 1,
                "goal": "all finished, all IDs distinct, none lost",
                "verdict": if complete { "goal met" } else { "goal missed" },
            }),
        ],
        notes,
    )
}
