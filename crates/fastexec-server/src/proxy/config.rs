//! `[upstream]`: the gateway proxy mode's section of the server's TOML file. Its presence turns
//! the server into a credential-adding proxy in front of a real BK-JOB API gateway (see
//! [`super`]). The app secret is never in this text: only the name of the environment variable
//! or file that holds it, read once at start ([`UpstreamConfig::load_secret`]).

use std::path::PathBuf;

use anyhow::{bail, Context};
use serde::Deserialize;

/// Where the user's BlueKing identity comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    /// The `bk_token` cookie the BlueKing login sets on the company domain (as SaaS apps do).
    #[default]
    BkToken,
    /// A header a trusted SSO proxy in front of this server sets (`identity_header`).
    Header,
    /// One fixed user (`username`), for a single-user install.
    Fixed,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpstreamConfig {
    /// The gateway's stage URL, e.g. `https://bkapi.example.com/api/bk-job/prod`; APIs go to
    /// `{gateway_url}/api/v3/{api}`.
    pub gateway_url: String,
    /// The app code registered at the gateway (`bk_app_code`).
    pub app_code: String,
    /// Name of the environment variable holding the app secret.
    #[serde(default)]
    pub app_secret_env: Option<String>,
    /// File holding the app secret (its first line; keep it `chmod 600`).
    #[serde(default)]
    pub app_secret_file: Option<PathBuf>,
    #[serde(default)]
    pub identity: IdentityKind,
    /// The trusted header naming the user, for `identity = "header"`.
    #[serde(default)]
    pub identity_header: Option<String>,
    /// The user, for `identity = "fixed"`.
    #[serde(default)]
    pub username: Option<String>,
    /// The BlueKing login page; the app links to it (with `?c_url=`) when no `bk_token` arrives.
    #[serde(default)]
    pub login_url: Option<String>,
    /// Seconds a forwarded call may take, answer included.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// PEM file of the CA(s) the gateway's certificate must chain to; default the system roots.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

fn default_timeout() -> u64 {
    30
}

impl UpstreamConfig {
    /// Load-time checks (the secret itself is read by [`Self::load_secret`]).
    pub fn check(&self) -> anyhow::Result<()> {
        let url = self.gateway_url.trim();
        let Some(rest) = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
        else {
            bail!("[upstream] gateway_url must start with https:// (or http://)");
        };
        if rest.is_empty() || rest.starts_with('/') || url.contains(['?', '#', ' ']) {
            bail!("[upstream] gateway_url must be scheme://host[:port][/path] without query");
        }
        if self.app_code.trim().is_empty() {
            bail!("[upstream] app_code is empty");
        }
        match (&self.app_secret_env, &self.app_secret_file) {
            (Some(_), None) | (None, Some(_)) => {}
            _ => bail!("[upstream] needs exactly one of app_secret_env and app_secret_file"),
        }
        match self.identity {
            IdentityKind::BkToken => {}
            IdentityKind::Header => {
                let name = self.identity_header.as_deref().unwrap_or("");
                if axum::http::HeaderName::from_bytes(name.as_bytes()).is_err() {
                    bail!("[upstream] identity = \"header\" needs a valid identity_header");
                }
            }
            IdentityKind::Fixed => {
                if self.username.as_deref().is_none_or(|u| u.trim().is_empty()) {
                    bail!("[upstream] identity = \"fixed\" needs username");
                }
            }
        }
        if self.timeout_secs == 0 {
            bail!("[upstream] timeout_secs must be at least 1");
        }
        Ok(())
    }

    /// The gateway URL without a trailing slash.
    pub fn base(&self) -> &str {
        self.gateway_url.trim().trim_end_matches('/')
    }

    /// The app secret from the named environment variable or file (first line, trimmed).
    /// Errors name the source, never the value.
    pub fn load_secret(&self) -> anyhow::Result<String> {
        let raw = if let Some(var) = &self.app_secret_env {
            std::env::var(var).with_context(|| {
                format!("[upstream] app_secret_env: environment variable {var} is not set")
            })?
        } else if let Some(path) = &self.app_secret_file {
            std::fs::read_to_string(path).with_context(|| {
                format!("[upstream] app_secret_file: cannot read {}", path.display())
            })?
        } else {
            bail!("[upstream] needs app_secret_env or app_secret_file");
        };
        let secret = raw.lines().next().unwrap_or("").trim().to_string();
        if secret.is_empty() {
            bail!("[upstream] the app secret is empty");
        }
        Ok(secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(extra: &str) -> anyhow::Result<UpstreamConfig> {
        let text = format!(
            "gateway_url = \"https://bkapi.example.com/api/bk-job/prod/\"\napp_code = \"a\"\n{extra}"
        );
        let cfg: UpstreamConfig = toml::from_str(&text)?;
        cfg.check()?;
        Ok(cfg)
    }

    #[test]
    fn checks() {
        let ok = parse("app_secret_env = \"S\"").unwrap();
        assert_eq!(ok.base(), "https://bkapi.example.com/api/bk-job/prod");
        assert_eq!((ok.identity, ok.timeout_secs), (IdentityKind::BkToken, 30));
        // Never inline: the field does not exist.
        assert!(parse("app_secret = \"x\"").is_err());
        assert!(parse("").is_err());
        assert!(parse("app_secret_env = \"S\"\napp_secret_file = \"/f\"").is_err());
        assert!(parse("app_secret_env = \"S\"\nidentity = \"header\"").is_err());
        assert!(parse("app_secret_env = \"S\"\nidentity = \"fixed\"").is_err());
        assert!(parse("app_secret_env = \"S\"\nidentity = \"fixed\"\nusername = \"bob\"").is_ok());
        assert!(parse(
            "app_secret_env = \"S\"\nidentity = \"header\"\nidentity_header = \"X-Forwarded-User\""
        )
        .is_ok());
        assert!(parse("app_secret_env = \"S\"\ntimeout_secs = 0").is_err());
    }

    #[test]
    fn the_example_file_loads_and_a_missing_secret_is_named() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../deploy/proxy.example.toml");
        let cfg = crate::config::Config::load(&path).unwrap();
        let mut up = cfg.upstream.expect("[upstream]");
        assert_eq!(up.base(), "https://bkapi.example.com/api/bk-job/prod");
        up.app_secret_env = Some("FASTEXEC_TEST_SURELY_UNSET_7F3A".into());
        let err = format!("{:#}", up.load_secret().unwrap_err());
        assert!(err.contains("FASTEXEC_TEST_SURELY_UNSET_7F3A"), "{err}");
    }

    #[test]
    fn secret_from_a_file_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("secret");
        std::fs::write(&f, "s3cr3t\n").unwrap();
        let cfg = parse(&format!("app_secret_file = {:?}", f.to_str().unwrap())).unwrap();
        assert_eq!(cfg.load_secret().unwrap(), "s3cr3t");
        std::fs::write(&f, "\n").unwrap();
        assert!(cfg.load_secret().is_err());
    }
}
