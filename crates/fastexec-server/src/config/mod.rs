//! The server's configuration file (TOML).
//!
//! It stands in for the BlueKing platform around BK-JOB: the API gateway's app registry
//! (`[[apps]]`), the login service (`[[users]]` with their `bk_token`s), IAM (`grants`), CMDB
//! (`[[businesses]]`, `[[biz_sets]]`, `[[hosts]]`, the topology `[[topo]]` and
//! `[[dynamic_groups]]`) and JOB's own account and script
//! libraries (`[[accounts]]`, `[[scripts]]`, `[[public_scripts]]`, see [`library`]) and
//! dangerous-script rules (`[[dangerous_rules]]`).
//! See `/fastexec.toml` at the repo root for a documented example.
//!
//! This file holds the sections' types; [`check`] refuses an inconsistent file at load time,
//! [`Directory`] is the indexed view handlers read.

mod check;
mod directory;
mod library;

pub use directory::Directory;
pub use library::*;

use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

use crate::danger::DangerousRuleConfig;

/// Special `os_user` value: "whoever runs the server".
pub const SERVER_USER: &str = "$SERVER_USER";

/// All IAM actions this stand-in knows; `"*"` in a grant means all of them.
pub const ALL_ACTIONS: &[&str] = &[
    "access_business",
    "quick_execute_script",
    "execute_script",
    "use_account",
    "view_history",
    "view_script",
    // On no resource: held by any grant that lists it (or "*"), whatever its scope.
    "high-risk_detect_rule",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub limits: LimitsConfig,
    #[serde(default)]
    pub apps: Vec<AppConfig>,
    #[serde(default)]
    pub users: Vec<UserConfig>,
    #[serde(default)]
    pub businesses: Vec<BusinessConfig>,
    #[serde(default)]
    pub biz_sets: Vec<BizSetConfig>,
    #[serde(default)]
    pub hosts: Vec<HostConfig>,
    /// CMDB business topology: sets and modules (hosts live in modules).
    #[serde(default)]
    pub topo: Vec<TopoNodeConfig>,
    /// CMDB dynamic groups (saved host queries, here: fixed host lists).
    #[serde(default)]
    pub dynamic_groups: Vec<DynamicGroupConfig>,
    #[serde(default)]
    pub accounts: Vec<AccountConfig>,
    #[serde(default)]
    pub scripts: Vec<ScriptConfig>,
    /// JOB's public scripts (公共脚本): every business sees them; no `biz_id`.
    #[serde(default)]
    pub public_scripts: Vec<ScriptConfig>,
    /// JOB's dangerous-script rules (高危语句规则, code 1244019).
    #[serde(default)]
    pub dangerous_rules: Vec<DangerousRuleConfig>,
    /// Who may reach the API and where callbacks may go (see SECURITY.md).
    #[serde(default)]
    pub security: SecurityConfig,
    /// `true` only in the shipped demo configuration: its well-known secrets and tokens are
    /// printed at start. Any other configuration gets them masked.
    #[serde(default)]
    pub demo: bool,
    /// When finished jobs are deleted.
    #[serde(default)]
    pub retention: RetentionConfig,
    /// How scripts are started (`[exec]`): their `PATH`, `LANG` and interpreters.
    #[serde(default)]
    pub exec: ExecConfig,
    /// Gateway proxy mode (`[upstream]`): forward to a real BK-JOB instead of running scripts.
    #[serde(default)]
    pub upstream: Option<crate::proxy::config::UpstreamConfig>,
}

/// `[security]`: the defenses against other web pages and inward callbacks.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityConfig {
    /// Origins (`scheme://host[:port]`) besides the server's own that may call the API, e.g.
    /// `trunk serve`'s `http://127.0.0.1:8080` or a reverse proxy's public origin.
    pub allowed_origins: Vec<String>,
    /// Host names (without port) the server answers to besides its listen address and
    /// `localhost`, e.g. the name a reverse proxy forwards. Anything else is refused, which
    /// stops DNS rebinding.
    pub allowed_hosts: Vec<String>,
    /// Origins the app may `fetch` from besides its own (the CSP's `connect-src`), for API
    /// base URLs on another origin.
    pub connect_origins: Vec<String>,
    /// Callbacks may target private, link-local, unique-local and loopback addresses.
    pub callback_allow_private: bool,
    /// Callbacks may target loopback addresses only (the demo, so its tests can receive them).
    pub callback_allow_loopback: bool,
    /// Failed authentications allowed per client address per minute; 0 = the default (10).
    pub auth_failures_per_minute: u32,
}

/// `[exec]`: the environment and interpreters of every script. Checked when the server starts
/// (see `exec::Executor::new`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExecConfig {
    /// `PATH` of every script, also where default interpreters are looked for (absolute
    /// directories). Default `/usr/local/bin:/usr/bin:/bin`; never the server's own `PATH`.
    pub path: Option<String>,
    /// `LANG` of every script. Default `C.UTF-8`.
    pub lang: Option<String>,
    /// Interpreter per language by absolute path: keys `shell`, `python`, `perl`,
    /// `powershell`. A missing key means `bash`, `python3`, `perl`, `pwsh` found in `path`.
    pub interpreters: std::collections::BTreeMap<String, std::path::PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    /// Largest accepted `timeout` (BK-JOB `MAX_JOB_TIMEOUT_SECONDS`, contract §3.2).
    pub max_timeout: i64,
    /// Largest number of targets of a script step (contract §3.4, code 1244022).
    pub max_targets: usize,
    /// How many script processes may run at the same time (all jobs together).
    pub max_concurrent_processes: usize,
    /// Per-host log cap in bytes (the BK-JOB UI says output is capped at 5 MB, contract §7).
    pub log_cap_bytes: usize,
    /// Largest accepted request body in bytes.
    pub max_body_bytes: usize,
    /// Timeout when a callback receiver does not answer, in seconds.
    pub callback_timeout_secs: u64,
    /// Running-job quotas (contract §3.4): most unfinished jobs per scope (1244032), per
    /// calling app code (1244033) and in total (1244034). 0 = unlimited.
    pub running_jobs_per_scope: u64,
    pub running_jobs_per_app: u64,
    pub running_jobs_system: u64,
    /// Most bytes of log text in one `batch_get_job_instance_ip_log` answer; hosts past the cap
    /// get a cut log with a note.
    pub max_log_answer_bytes: usize,
    /// Largest database size in bytes (0 = no cap); beyond it writes fail as on a full disk:
    /// logs are cut, new launches answer 1240002.
    pub max_data_bytes: u64,
    /// Pause between two batches of a serial rolling step, in ms (the step shows 15,
    /// "rolling waiting", meanwhile). BK-JOB moves on at once; a short pause lets a user
    /// see the batches. 0 = none.
    pub rolling_pause_ms: u64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            max_timeout: 259_200,
            max_targets: 50_000,
            max_concurrent_processes: 64,
            log_cap_bytes: 5 * 1024 * 1024,
            max_body_bytes: 64 * 1024 * 1024,
            callback_timeout_secs: 10,
            running_jobs_per_scope: 0,
            running_jobs_per_app: 0,
            running_jobs_system: 0,
            max_log_answer_bytes: 16 * 1024 * 1024,
            max_data_bytes: 0,
            rolling_pause_ms: 300,
        }
    }
}

/// `[retention]`: finished jobs are deleted (rows and work directory) once older than the age
/// limit or outside the newest `max_jobs`, whichever comes first; unfinished jobs never.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionConfig {
    /// Age limit in days after a job ended (0 = none).
    pub max_age_days: u64,
    /// Age limit in seconds; when set (and > 0) it replaces `max_age_days`.
    pub max_age_secs: Option<u64>,
    /// Most jobs kept (0 = no count limit).
    pub max_jobs: u64,
    /// Seconds between two clean-ups (one also runs at start).
    pub interval_secs: u64,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig {
            max_age_days: 7,
            max_age_secs: None,
            max_jobs: 10_000,
            interval_secs: 300,
        }
    }
}

/// An app registered at the gateway (`bk_app_code` + `bk_app_secret`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    pub code: String,
    pub secret: String,
    /// ESB "login-exempt" whitelist: may name the user with `bk_username` (contract §1.2).
    /// Off unless set: an app that may name any user is a powerful credential.
    #[serde(default)]
    pub login_exempt: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    pub name: String,
    /// Login tickets (`bk_token`) that identify this user.
    #[serde(default)]
    pub tokens: Vec<String>,
    /// IAM grants.
    #[serde(default)]
    pub grants: Vec<GrantConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantConfig {
    /// `biz` (default) or `biz_set`.
    #[serde(default = "biz")]
    pub scope_type: String,
    /// Business / business-set id, or `"*"` for every scope.
    pub scope_id: String,
    /// Action ids, `"*"` for all.
    pub actions: Vec<String>,
}

fn biz() -> String {
    "biz".to_string()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessConfig {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BizSetConfig {
    pub id: i64,
    pub name: String,
    /// Member businesses; their hosts are the biz set's hosts.
    #[serde(default)]
    pub biz_ids: Vec<i64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostConfig {
    pub id: i64,
    pub ip: String,
    #[serde(default)]
    pub cloud_id: i64,
    pub biz_id: i64,
    /// Offline hosts never run anything (host status 1 "Agent 异常") and their agent is
    /// abnormal (status 0) in `query_agent_info`.
    #[serde(default = "yes")]
    pub agent_online: bool,
    /// The agent version `query_agent_info` reports; default: this server's version.
    #[serde(default)]
    pub agent_version: Option<String>,
}

/// A CMDB topology node of a business: a set (集群) or a module (模块).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopoNodeConfig {
    /// CMDB `bk_obj_id`: `set` or `module`.
    pub node_type: String,
    /// CMDB `bk_inst_id` (unique per node type).
    pub id: i64,
    pub name: String,
    pub biz_id: i64,
    /// For a module: the id of its set (required). Sets hang directly under the business.
    #[serde(default)]
    pub parent: Option<i64>,
    /// Hosts of a module (hosts of a set are its modules' hosts).
    #[serde(default)]
    pub host_ids: Vec<i64>,
}

/// A CMDB dynamic group of a business.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DynamicGroupConfig {
    /// CMDB dynamic group id, a string such as `blo8gojho0skft7pr5q0`.
    pub id: String,
    pub name: String,
    pub biz_id: i64,
    #[serde(default)]
    pub host_ids: Vec<i64>,
}

impl Config {
    pub fn from_toml(text: &str) -> anyhow::Result<Config> {
        let cfg: Config = toml::from_str(text).context("invalid configuration")?;
        cfg.check()?;
        Ok(cfg)
    }

    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        Config::from_toml(&text).with_context(|| format!("in config file {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The repository's default configuration loads, with the demo topology.
    #[test]
    fn default_config_has_demo_topology() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fastexec.toml");
        let dir = Directory::new(Config::load(&path).unwrap());
        let web = dir.topo_node("module", 1000).unwrap();
        assert_eq!((web.name.as_str(), web.biz_id), ("web", 2));
        assert_eq!(dir.topo_host_ids(web), vec![101, 102]);
        let set = dir.topo_node("set", 100).unwrap();
        assert_eq!(set.name, "demo-set");
        assert_eq!(dir.topo_host_ids(set), vec![101, 102, 103, 104]);
        let chain: Vec<i64> = dir.topo_chain(web).iter().map(|n| n.id).collect();
        assert_eq!(chain, vec![100, 1000]);
        let g = dir.dynamic_group("blo8gojho0skft7pr5q0").unwrap();
        assert_eq!(
            (g.name.as_str(), g.host_ids.clone()),
            ("all-online", vec![101, 102, 103])
        );
    }

    /// The default config intercepts `rm -rf /` in shell scripts and nothing else, and leaves
    /// the running-job quotas unlimited.
    #[test]
    fn default_config_dangerous_rule_and_quotas() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fastexec.toml");
        let cfg = Config::load(&path).unwrap();
        let l = &cfg.limits;
        assert_eq!(
            (
                l.running_jobs_per_scope,
                l.running_jobs_per_app,
                l.running_jobs_system
            ),
            (0, 0, 0)
        );
        let rules = crate::danger::DangerRules::compile(&cfg.dangerous_rules).unwrap();
        let blocked = |lang: i32, script: &str| {
            rules
                .check(lang, script)
                .iter()
                .any(|h| h.action == crate::danger::DangerousAction::Intercept)
        };
        for s in [
            "rm -rf /",
            "sudo rm -rf / --no-preserve-root",
            "rm  -rf\t/*",
            "x\nrm -rf /\r\n",
        ] {
            assert!(blocked(1, s), "{s:?}");
        }
        for s in [
            "rm -rf /tmp/x",
            "rm -rf ./build",
            "echo hello",
            "for i in 1 2; do sleep 0; done",
        ] {
            assert!(!blocked(1, s), "{s:?}");
        }
        assert!(!blocked(4, "rm -rf /"));
    }

    fn err(extra: &str) -> String {
        let base = "[[businesses]]\nid = 2\nname = \"b\"\n[[businesses]]\nid = 3\nname = \"c\"\n\
                    [[hosts]]\nid = 101\nip = \"127.0.0.2\"\nbiz_id = 2\n\
                    [[hosts]]\nid = 201\nip = \"127.0.0.3\"\nbiz_id = 3\n\
                    [[topo]]\nnode_type = \"set\"\nid = 1\nname = \"s\"\nbiz_id = 2\n";
        format!(
            "{:#}",
            Config::from_toml(&format!("{base}{extra}")).unwrap_err()
        )
    }

    #[test]
    fn topology_is_checked() {
        let m = |extra: &str| {
            format!("[[topo]]\nnode_type = \"module\"\nid = 10\nname = \"m\"\n{extra}")
        };
        assert!(err(&m("biz_id = 2\nhost_ids = [101]\n")).contains("parent"));
        assert!(err(&m("biz_id = 2\nparent = 9\n")).contains("parent set 9"));
        assert!(err(&m("biz_id = 3\nparent = 1\n")).contains("another business"));
        assert!(err(&m("biz_id = 2\nparent = 1\nhost_ids = [201]\n")).contains("business 3"));
        assert!(err(&m("biz_id = 2\nparent = 1\nhost_ids = [999]\n")).contains("host 999"));
        assert!(err(&m("biz_id = 7\nparent = 1\n")).contains("business 7"));
        assert!(
            err("[[topo]]\nnode_type = \"rack\"\nid = 5\nname = \"r\"\nbiz_id = 2\n")
                .contains("node_type")
        );
        assert!(
            err("[[topo]]\nnode_type = \"set\"\nid = 1\nname = \"again\"\nbiz_id = 2\n")
                .contains("duplicate")
        );
        assert!(err(
            "[[topo]]\nnode_type = \"set\"\nid = 2\nname = \"x\"\nbiz_id = 2\nhost_ids = [101]\n"
        )
        .contains("modules"));
        let g = |extra: &str| format!("[[dynamic_groups]]\nid = \"g\"\nname = \"g\"\n{extra}");
        assert!(err(&g("biz_id = 2\nhost_ids = [201]\n")).contains("business 3"));
        assert!(err(&format!("{0}{0}", g("biz_id = 2\n"))).contains("duplicate"));
        assert!(
            err("[[dynamic_groups]]\nid = \" \"\nname = \"g\"\nbiz_id = 2\n").contains("empty id")
        );
    }
}
