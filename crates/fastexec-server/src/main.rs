//! `fastexec-server --config FILE --listen 127.0.0.1:PORT --dist DIR --data-dir DIR`

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use fastexec_server::config::Config;
use fastexec_server::{credentials_lines, listening_line, serve, ServeOptions};

/// Local BK-JOB-compatible API server that really runs scripts and serves the built app.
#[derive(Parser, Debug)]
#[command(name = "fastexec-server", version)]
struct Cli {
    /// Configuration file (TOML), e.g. fastexec.toml.
    #[arg(long, default_value = "fastexec.toml")]
    config: PathBuf,
    /// Address to listen on; port 0 picks a free port. Loopback by default.
    #[arg(long, default_value = "127.0.0.1:9090")]
    listen: SocketAddr,
    /// Directory of the built app (trunk's dist/). Optional: the API works without it.
    #[arg(long)]
    dist: Option<PathBuf>,
    /// Where jobs, logs and script working directories are kept.
    #[arg(long, default_value = ".fastexec-data")]
    data_dir: PathBuf,
    /// Another origin that may call the API (repeatable), added to `[security]
    /// allowed_origins`; e.g. `--allow-origin http://127.0.0.1:8080` for `trunk serve`.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allow_origins: Vec<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Everything the server creates (data dir, database, work dirs) is its own unless it says
    // otherwise; scripts cannot read what the umask hides.
    // SAFETY: plain syscall.
    unsafe {
        libc::umask(0o077);
    }
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let mut cfg = Config::load(&cli.config)?;
    cfg.security
        .allowed_origins
        .extend(cli.allow_origins.iter().cloned());
    if !cli.listen.ip().is_loopback() && cfg.upstream.is_none() {
        tracing::warn!(
            "listening on {} (not loopback): this server runs scripts on this machine",
            cli.listen
        );
    }
    warn_if_config_readable(&cli.config, &cfg);
    if let Some(up) = &cfg.upstream {
        // Fail before announcing an address when the secret cannot be read.
        up.load_secret()?;
    }
    let listener = tokio::net::TcpListener::bind(cli.listen).await?;
    let addr = listener.local_addr()?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", listening_line(addr))?;
        let what = if cfg.upstream.is_some() {
            "gateway proxy"
        } else if cfg.demo {
            "demo credentials"
        } else {
            "credentials (secrets masked)"
        };
        writeln!(out, "{what} (from {}):", cli.config.display())?;
        for line in credentials_lines(&cfg) {
            writeln!(out, "{line}")?;
        }
        out.flush()?;
    }
    let opts = ServeOptions {
        data_dir: cli.data_dir,
        dist: cli.dist,
    };
    serve(cfg, listener, opts, shutdown_signal()).await
}

/// Scripts mapped to other OS users can read any file that others may read: a config with
/// real secrets must not be one of them.
fn warn_if_config_readable(path: &std::path::Path, cfg: &Config) {
    use std::os::unix::fs::PermissionsExt;
    let other_users = cfg
        .accounts
        .iter()
        .any(|a| a.os_user != fastexec_server::config::SERVER_USER);
    let mode = std::fs::metadata(path)
        .map(|m| m.permissions().mode())
        .unwrap_or(0);
    if !cfg.demo && other_users && mode & 0o044 != 0 {
        tracing::warn!(
            "{} is readable by other users ({:o}) and accounts run scripts as other users, who \
             could read its secrets: chmod 600 it",
            path.display(),
            mode & 0o777
        );
    }
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
    tracing::info!("shutting down; running scripts are killed");
}
