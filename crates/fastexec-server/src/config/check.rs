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
        dup("script id", self.scripts.iter().map(|s| s.id.as_str()))?;
        dup(
            "script version id",
            self.scripts
                .iter()
                .flat_map(|s| s.versions.iter().map(|v| v.id)),
        )?;
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
