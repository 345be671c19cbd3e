//! Load-time checks of the configuration: unique ids, known actions, a consistent topology,
//! and dangerous-script rules that compile ([`crate::danger`] owns those).

use std::collections::HashMap;

use anyhow::bail;

use super::{Config, ALL_ACTIONS};
use crate::danger::DangerRules;

impl Config {
    pub(super) fn check(&self) -> anyhow::Result<()> {
        if let Some(up) = &self.upstream {
            up.check()?;
        }
        fn dup<K: std::hash::Hash + Eq + std::fmt::Debug>(
            what: &str,
            keys: impl Iterator<Item = K>,
        ) -> anyhow::Result<()> {
            let mut seen = std::collections::HashSet::new();
            for k in keys {
                if !seen.insert(k) {
                    bail!("duplicate {what}");
                }
            }
            Ok(())
        }
        dup("app code", self.apps.iter().map(|a| a.code.as_str()))?;
        dup("user name", self.users.iter().map(|u| u.name.as_str()))?;
        dup(
            "bk_token",
            self.users
                .iter()
                .flat_map(|u| u.tokens.iter().map(|t| t.as_str())),
        )?;
        dup("business id", self.businesses.iter().map(|b| b.id))?;
        dup("biz_set id", self.biz_sets.iter().map(|b| b.id))?;
        dup("host id", self.hosts.iter().map(|h| h.id))?;
        dup(
            "host (cloud id, ip)",
            self.hosts.iter().map(|h| (h.cloud_id, h.ip.as_str())),
        )?;
        dup("account id", self.accounts.iter().map(|a| a.id))?;
        self.check_library()?;
        for h in &self.hosts {
            if h.ip.parse::<std::net::Ipv4Addr>().is_err() {
                bail!("host {}: ip {:?} is not IPv4", h.id, h.ip);
            }
        }
        self.check_topology()?;
        for u in &self.users {
            for g in &u.grants {
                for a in &g.actions {
                    if a != "*" && !ALL_ACTIONS.contains(&a.as_str()) {
                        bail!("user {}: unknown action {a:?}", u.name);
                    }
                }
            }
        }
        if self.limits.max_concurrent_processes == 0 {
            bail!("limits.max_concurrent_processes must be at least 1");
        }
        // Refuse bad rules now rather than at the first launch.
        DangerRules::compile(&self.dangerous_rules)?;
        Ok(())
    }

    /// `[[accounts]]`, `[[scripts]]` and `[[public_scripts]]`: ids unique across business and
    /// public scripts (BK-JOB keeps them in one table), business scripts name their business
    /// and public ones none, one language and at most one online version per script, and
    /// account kinds BK-JOB knows.
    fn check_library(&self) -> anyhow::Result<()> {
        let all = || self.scripts.iter().chain(&self.public_scripts);
        let mut ids = std::collections::HashSet::new();
        let mut version_ids = std::collections::HashSet::new();
        for s in all() {
            if !ids.insert(s.id.as_str()) {
                bail!("duplicate script id {:?}", s.id);
            }
            for v in &s.versions {
                if !version_ids.insert(v.id) {
                    bail!("duplicate script version id {}", v.id);
                }
            }
            if s.versions.iter().any(|v| v.language != s.language()) {
                bail!(
                    "script {:?}: every version must have the same language",
                    s.id
                );
            }
            let online = s
                .versions
                .iter()
                .filter(|v| v.status == super::ScriptVersionStatus::Online)
                .count();
            if online > 1 {
                bail!("script {:?}: at most one version may be online", s.id);
            }
        }
        if let Some(s) = self.scripts.iter().find(|s| s.is_public()) {
            bail!("script {:?}: a business script needs biz_id", s.id);
        }
        if let Some(s) = self.public_scripts.iter().find(|s| !s.is_public()) {
            bail!("public script {:?}: public scripts have no biz_id", s.id);
        }
        for a in &self.accounts {
            let what = format!("account {}", a.id);
            match (a.category, a.type_) {
                (1, 1 | 2) | (2, 9..=11) => {}
                (1 | 2, t) => bail!("{what}: type {t} does not fit category {}", a.category),
                (c, _) => bail!("{what}: category {c} is not 1 (system) or 2 (DB)"),
            }
            if let Some(sys) = a.db_system_account_id {
                let ok = self
                    .accounts
                    .iter()
                    .any(|s| s.id == sys && s.is_system() && s.biz_id == a.biz_id);
                if a.is_system() || !ok {
                    bail!(
                        "{what}: db_system_account_id must name a system account of its business"
                    );
                }
            }
        }
        Ok(())
    }

    /// `[[topo]]` and `[[dynamic_groups]]`: known businesses, modules under a set of the same
    /// business, hosts that exist and belong to the node's business.
    fn check_topology(&self) -> anyhow::Result<()> {
        let biz_known = |id: i64| self.businesses.iter().any(|b| b.id == id);
        let host_biz: HashMap<i64, i64> = self.hosts.iter().map(|h| (h.id, h.biz_id)).collect();
        let check_hosts = |what: &str, biz_id: i64, ids: &[i64]| -> anyhow::Result<()> {
            for id in ids {
                match host_biz.get(id) {
                    None => bail!("{what}: host {id} is not in [[hosts]]"),
                    Some(&b) if b != biz_id => {
                        bail!("{what}: host {id} belongs to business {b}, not {biz_id}")
                    }
                    Some(_) => {}
                }
            }
            Ok(())
        };
        let mut seen = std::collections::HashSet::new();
        for n in &self.topo {
            let what = format!("topo {} {}", n.node_type, n.id);
            if !seen.insert((n.node_type.as_str(), n.id)) {
                bail!("duplicate {what}");
            }
            if !biz_known(n.biz_id) {
                bail!("{what}: business {} is not in [[businesses]]", n.biz_id);
            }
            match n.node_type.as_str() {
                "set" => {
                    if n.parent.is_some() {
                        bail!("{what}: a set hangs under its business (no parent)");
                    }
                    if !n.host_ids.is_empty() {
                        bail!("{what}: hosts belong to modules, list them under a module");
                    }
                }
                "module" => {
                    let Some(parent) = n.parent else {
                        bail!("{what}: a module needs `parent` (its set id)");
                    };
                    let set = self
                        .topo
                        .iter()
                        .find(|s| s.node_type == "set" && s.id == parent);
                    match set {
                        None => bail!("{what}: parent set {parent} is not in [[topo]]"),
                        Some(s) if s.biz_id != n.biz_id => {
                            bail!("{what}: parent set {parent} is in another business")
                        }
                        Some(_) => {}
                    }
                    check_hosts(&what, n.biz_id, &n.host_ids)?;
                }
                other => bail!("{what}: node_type {other:?} is not \"set\" or \"module\""),
            }
        }
        let mut seen = std::collections::HashSet::new();
        for g in &self.dynamic_groups {
            let what = format!("dynamic group {:?}", g.id);
            if g.id.trim().is_empty() {
                bail!("dynamic group with an empty id");
            }
            if !seen.insert(g.id.as_str()) {
                bail!("duplicate {what}");
            }
            if !biz_known(g.biz_id) {
                bail!("{what}: business {} is not in [[businesses]]", g.biz_id);
            }
            check_hosts(&what, g.biz_id, &g.host_ids)?;
        }
        Ok(())
    }
}
