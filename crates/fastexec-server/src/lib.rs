//! `fastexec-server`: a local BlueKing JOB (BK-JOB) compatible API server that really runs
//! scripts on this machine, and serves the built single-page app.
//!
//! The wire types, validation rules and messages come from the `bkjob-api` crate; this crate
//! adds what stands around BK-JOB: the gateway's authentication ([`http::auth`]), IAM grants, CMDB
//! hosts and JOB's libraries from a config file ([`config`]), storage ([`db`]) and execution
//! ([`exec`]). With an `[upstream]` section it is instead a credential-adding proxy in front
//! of a real BK-JOB API gateway ([`proxy`]).

pub mod callback;
pub mod config;
pub mod danger;
pub mod db;
pub mod exec;
pub mod http;
pub mod proxy;
pub mod secret;

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::callback::{AddrPolicy, Callback};
use crate::config::{Config, Directory};
use crate::danger::DangerRules;
use crate::db::{Db, JobQuota};
use crate::exec::Executor;
pub use crate::http::app;
use crate::http::auth::AuthThrottle;
use crate::http::guard::Guard;

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
    /// Host / Origin / Content-Type checks against other web pages.
    pub guard: Guard,
    /// Failed authentications per client address.
    pub auth_throttle: AuthThrottle,
    /// Where callbacks may go.
    pub callback_policy: AddrPolicy,
    /// The Content-Security-Policy header value.
    pub csp: String,
}

impl AppState {
    /// Open the data directory (recovering jobs a previous process left running) and build the
    /// state for a server listening on `listen`.
    pub fn new(
        cfg: Config,
        data_dir: &Path,
        dist: Option<PathBuf>,
        listen: SocketAddr,
    ) -> anyhow::Result<AppState> {
        // Absolute from here on: scripts start in their host directory, and every path the
        // executor hands them (the script file) must still point where it should from there.
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("create data dir {}", data_dir.display()))?;
        let data_dir = &data_dir
            .canonicalize()
            .with_context(|| format!("resolve data dir {}", data_dir.display()))?;
        let (db, recovered) = Db::open_with(data_dir, db::DbOptions::from_config(&cfg))?;
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
        let sec = &cfg.security;
        let callback_policy = AddrPolicy {
            allow_private: sec.callback_allow_private,
            allow_loopback: sec.callback_allow_loopback,
        };
        let guard = Guard::new(listen, sec);
        let auth_throttle = AuthThrottle::new(sec.auth_failures_per_minute);
        let csp = http::web::content_security_policy(dist.as_deref(), &sec.connect_origins);
        let callback = Callback::new(
            Duration::from_secs(cfg.limits.callback_timeout_secs),
            callback_policy,
        );
        let exec = Arc::new(Executor::new(
            db.clone(),
            data_dir,
            cfg.limits.max_concurrent_processes,
            cfg.limits.log_cap_bytes,
            callback,
            &cfg.exec,
            Duration::from_millis(cfg.limits.rolling_pause_ms),
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
            guard,
            auth_throttle,
            callback_policy,
            csp,
        })
    }
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
    let listen = listener.local_addr()?;
    if let Some(up) = cfg.upstream.clone() {
        // Proxy mode: no data directory, database or executor at all.
        let state = Arc::new(proxy::ProxyState::new(&cfg, &up, opts.dist, listen)?);
        let app = http::router(http::Mode::Proxy(state));
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await?;
        return Ok(());
    }
    let state = Arc::new(AppState::new(cfg, &opts.data_dir, opts.dist, listen)?);
    serve_state(state, listener, shutdown).await
}

/// Serve a prepared state until `shutdown` resolves.
pub async fn serve_state(
    state: Arc<AppState>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let exec = state.exec.clone();
    // Connection info: the client address the authentication throttle counts failures by.
    let result = axum::serve(
        listener,
        http::router(http::Mode::Local(state)).into_make_service_with_connect_info::<SocketAddr>(),
    )
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

/// Credentials to print at start. The shipped demo's (`demo = true`) are public anyway and
/// printed whole, so a new user can sign in; any other configuration's secrets and tokens are
/// masked to their first two characters, so they never land in a terminal or a log.
pub fn credentials_lines(cfg: &Config) -> Vec<String> {
    if let Some(up) = &cfg.upstream {
        // The secret's source is named, never its value.
        let source = match (&up.app_secret_env, &up.app_secret_file) {
            (Some(var), _) => format!("environment variable {var}"),
            (_, Some(path)) => format!("file {}", path.display()),
            _ => String::new(),
        };
        return vec![
            format!("  proxy mode: BK-JOB APIs are forwarded to {}", up.base()),
            format!("  app: bk_app_code={} (secret from {source})", up.app_code),
            format!("  user identity: {:?}", up.identity),
        ];
    }
    let show = |s: &str| {
        if cfg.demo {
            s.to_string()
        } else {
            crate::secret::mask(s)
        }
    };
    let mut out = Vec::new();
    for a in &cfg.apps {
        out.push(format!(
            "  app: bk_app_code={} bk_app_secret={}",
            a.code,
            show(&a.secret)
        ));
    }
    for u in &cfg.users {
        let tokens = if u.tokens.is_empty() {
            String::new()
        } else {
            let t: Vec<String> = u.tokens.iter().map(|t| show(t)).collect();
            format!(" bk_token={}", t.join(","))
        };
        out.push(format!("  user: bk_username={}{tokens}", u.name));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_demo_prints_its_secrets() {
        let text = r#"
[[apps]]
code = "team-app"
secret = "s3cr3t-value"
[[users]]
name = "alice"
tokens = ["tok-alice-123"]
"#;
        let cfg = Config::from_toml(text).unwrap();
        let lines = credentials_lines(&cfg).join("\n");
        assert!(
            !lines.contains("s3cr3t-value") && !lines.contains("tok-alice-123"),
            "{lines}"
        );
        assert!(lines.contains("bk_app_secret=s3********"), "{lines}");
        assert!(lines.contains("bk_token=to********"), "{lines}");
        let demo = Config::from_toml(&format!("demo = true\n{text}")).unwrap();
        let lines = credentials_lines(&demo).join("\n");
        assert!(
            lines.contains("s3cr3t-value") && lines.contains("tok-alice-123"),
            "{lines}"
        );
    }
}
