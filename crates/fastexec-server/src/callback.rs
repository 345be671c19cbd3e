//! The job-finished callback (contract §6).
//!
//! Once, when a job reaches its final status: POST the JSON body
//! `{"job_instance_id","status","step_instances":[{"step_instance_id","status"}]}` with
//! `Content-Type: application/json`. Success is HTTP 200; on anything else BK-JOB retries once
//! with the SAME JSON string as body but `Content-Type: application/x-www-form-urlencoded`,
//! then gives up. Plain HTTP only here: https callbacks are logged as unsupported.

use std::time::Duration;

use bkjob_api::{CallbackBody, CallbackStep};
use bytes::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;

#[derive(Clone)]
pub struct Callback {
    client: Client<HttpConnector, Full<Bytes>>,
    timeout: Duration,
}

impl Callback {
    pub fn new(timeout: Duration) -> Callback {
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(timeout));
        Callback {
            client: Client::builder(TokioExecutor::new()).build(connector),
            timeout,
        }
    }

    /// Deliver the callback for a finished job. Never fails: problems are logged.
    pub async fn send(&self, url: &str, job_id: i64, status: i32, step_id: i64) {
        let body = CallbackBody {
            job_instance_id: job_id,
            status,
            step_instances: vec![CallbackStep {
                step_instance_id: step_id,
                status,
            }],
        };
        let json = match serde_json::to_string(&body) {
            Ok(j) => j,
            Err(e) => {
                tracing::error!(job_id, "cannot encode callback body: {e}");
                return;
            }
        };
        let uri: hyper::Uri = match url.trim().parse() {
            Ok(u) => u,
            Err(e) => {
                // BK-JOB skips invalid URLs silently at send time (contract §6).
                tracing::warn!(job_id, "callback skipped, invalid url: {e}");
                return;
            }
        };
        if uri.scheme_str() != Some("http") {
            tracing::warn!(
                job_id,
                url,
                "callback skipped: only http:// callbacks are supported"
            );
            return;
        }
        for content_type in ["application/json", "application/x-www-form-urlencoded"] {
            match self.post(&uri, content_type, json.clone()).await {
                Ok(200) => {
                    tracing::info!(job_id, url, content_type, "callback delivered");
                    return;
                }
                Ok(code) => {
                    tracing::warn!(job_id, url, content_type, code, "callback answered non-200")
                }
                Err(e) => tracing::warn!(job_id, url, content_type, "callback failed: {e}"),
            }
        }
        tracing::warn!(job_id, url, "callback given up after one retry");
    }

    async fn post(
        &self,
        uri: &hyper::Uri,
        content_type: &str,
        body: String,
    ) -> anyhow::Result<u16> {
        let req = hyper::Request::post(uri.clone())
            .header(hyper::header::CONTENT_TYPE, content_type)
            .body(Full::new(Bytes::from(body)))?;
        let resp = tokio::time::timeout(self.timeout, self.client.request(req)).await??;
        Ok(resp.status().as_u16())
    }
}
