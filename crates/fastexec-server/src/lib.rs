//! `fastexec-server`: a local BlueKing JOB (BK-JOB) compatible API server that really runs
//! scripts on this machine, and serves the built single-page app.
//!
//! The wire types, validation rules and messages come from the `bkjob-api` crate; this crate
//! adds what stands around BK-JOB: the gateway's authentication ([`auth`]), IAM grants, CMDB
//! hosts and JOB's libraries from a config file ([`config`]), storage ([`db`]) and execution
//! ([`exec`]).

pub mod api;
pub mod auth;
pub mod callback;
pub mod config;
pub mod danger;
pub mod db;
pub mod error;
pub mod exec;
pub mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::{Json, Router};
use tokio::net::TcpListener;

use crate::callback::Callback;
use crate::config::{Config, Directory};
use crate::danger::DangerRules;
use crate::db::{Db, JobQuota};
use crate::exec::Executor;

/// Shared state of all handlers.
pub struct AppState {
    pub dir: Directory,
    pub limits: bkjob_api::Limits,
    /// Enabled dangerous-script rules, compiled.
    pub danger: DangerRules,
    /// Running-job quotas.
    pub quota: JobQuota,
    pub db: Db,
    pub exec: Arc<Executor>,
    pub dist: Option<PathBuf>,
    pub max_body_bytes: usize,
}

impl AppState {
    /// Open the data directory (recovering jobs a previous process left running) and build the
    /// state.
    pub fn new(cfg: Config, data_dir: &Path, dist: Option<PathBuf>) -> anyhow::Result<AppState> {
        let (db, recovered) = Db::open(data_dir)?;
        if recovered > 0 {
            tracing::warn!(
                recovered,
                "jobs that were running when the server stopped are marked abnormal (9)"
            );
        }
        let limits = bkjob_api::Limits {
            max_timeout: cfg.limits.max_timeout,
            max_targets: cfg.limits.max_targets,
            ..Default::default()
        };
        let danger = DangerRules::compile(&cfg.dangerous_rules)?;
        let quota = JobQuota {
            per_scope: cfg.limits.running_jobs_per_scope,
            per_app: cfg.limits.running_jobs_per_app,
            system: cfg.limits.running_jobs_system,
        };
        let callback = Callback::new(Duration::from_secs(cfg.limits.callback_timeout_secs));
        let exec = Arc::new(Executor::new(
            db.clone(),
            data_dir,
            cfg.limits.max_concurrent_processes,
            cfg.limits.log_cap_bytes,
            callback,
            &cfg.exec,
        )?);
        let max_body_bytes = cfg.limits.max_body_bytes;
        Ok(AppState {
            dir: Directory::new(cfg),
            limits,
            danger,
            quota,
            db,
            exec,
            dist,
            max_body_bytes,
        })
    }
}

/// The router: the BK-JOB API, health, and the app (static files with SPA fallback).
pub fn app(state: Arc<AppState>) -> Router {
    let limit = state.max_body_bytes;
    let api = Router::new()
        .route(
            "/api/healthz",
            get(|| async { Json(serde_json::json!({"ok": true})) }),
        )
        .route(
            "/api/v3/fast_execute_script",
            post(api::fast_execute_script),
        )
        .route(
            "/api/v3/get_job_instance_status",
            get(api::get_job_instance_status_get).post(api::get_job_instance_status_post),
        )
        .route(
            "/api/v3/get_job_instance_ip_log",
            get(api::get_job_instance_ip_log_get).post(api::get_job_instance_ip_log_post),
        )
        .route(
            "/api/v3/batch_get_job_instance_ip_log",
            post(api::batch_get_job_instance_ip_log),
        )
        .route(
            "/api/v3/operate_job_instance",
            post(api::operate_job_instance),
        )
        .route(
            "/api/c/compapi/v2/jobv3/fast_execute_script/",
            post(api::esb_fast_execute_script),
        )
        .route("/api/{*rest}", axum::routing::any(web::api_not_found))
        .layer(DefaultBodyLimit::max(limit));
    api.merge(web::router(state.dist.clone()))
        .with_state(state)
        .layer(exec::panic_guard_layer())
        .layer(tower_http::trace::TraceLayer::new_for_http())
        // The wasm and a 50,000-host status answer shrink 3-5x; browsers decode transparently.
        .layer(tower_http::compression::CompressionLayer::new())
}

/// Options for [`serve`].
pub struct ServeOptions {
    pub data_dir: PathBuf,
    pub dist: Option<PathBuf>,
}

/// Serve on an already bound listener until `shutdown` resolves.
pub async fn serve(
    cfg: Config,
    listener: TcpListener,
    opts: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let state = Arc::new(AppState::new(cfg, &opts.data_dir, opts.dist)?);
    serve_state(state, listener, shutdown).await
}

/// Serve a prepared state until `shutdown` resolves.
pub async fn serve_state(
    state: Arc<AppState>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let exec = state.exec.clone();
    let result = axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await;
    // Scripts run in their own process groups and would outlive us: stop them.
    exec.kill_all();
    result?;
    Ok(())
}

/// The line tools parse to find the server: `fastexec-server listening on http://ADDR/`.
pub fn listening_line(addr: SocketAddr) -> String {
    format!("fastexec-server listening on http://{addr}/")
}

/// Demo credentials to print at start (app code/secret and each user's tokens).
pub fn credentials_lines(cfg: &Config) -> Vec<String> {
    let mut out = Vec::new();
    for a in &cfg.apps {
        out.push(format!(
            "  app: bk_app_code={} bk_app_secret={}",
            a.code, a.secret
        ));
    }
    for u in &cfg.users {
        let tokens = if u.tokens.is_empty() {
            String::new()
        } else {
            format!(" bk_token={}", u.tokens.join(","))
        };
        out.push(format!("  user: bk_username={}{tokens}", u.name));
    }
    out
}
