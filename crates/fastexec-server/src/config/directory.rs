//! The configuration indexed for serving: hosts by id and by address, and the lookups the
//! handlers make (apps, users, tokens, scopes, accounts, scripts, topology, grants).

use std::collections::HashMap;

use super::*;

/// Indexed, read-only view of the configuration used while serving.
#[derive(Debug)]
pub struct Directory {
    pub cfg: Config,
    pub hosts_by_id: HashMap<i64, usize>,
    pub hosts_by_ip: HashMap<(i64, String), usize>,
}

impl Directory {
    pub fn new(cfg: Config) -> Directory {
        let hosts_by_id = cfg
            .hosts
            .iter()
            .enumerate()
            .map(|(i, h)| (h.id, i))
            .collect();
        let hosts_by_ip = cfg
            .hosts
            .iter()
            .enumerate()
            .map(|(i, h)| ((h.cloud_id, h.ip.clone()), i))
            .collect();
        Directory {
            cfg,
            hosts_by_id,
            hosts_by_ip,
        }
    }

    pub fn app(&self, code: &str) -> Option<&AppConfig> {
        self.cfg.apps.iter().find(|a| a.code == code)
    }

    pub fn user(&self, name: &str) -> Option<&UserConfig> {
        self.cfg.users.iter().find(|u| u.name == name)
    }

    /// The user a login ticket belongs to. Every token is compared in constant time and the
    /// scan never stops early, so timing tells nothing about how close a guess was.
    pub fn user_by_token(&self, token: &str) -> Option<&UserConfig> {
        let mut found = None;
        for u in &self.cfg.users {
            for t in &u.tokens {
                if crate::secret::ct_eq(t.as_bytes(), token.as_bytes()) && found.is_none() {
                    found = Some(u);
                }
            }
        }
        found
    }

    pub fn host(&self, id: i64) -> Option<&HostConfig> {
        self.hosts_by_id.get(&id).map(|&i| &self.cfg.hosts[i])
    }

    pub fn host_by_ip(&self, cloud_id: i64, ip: &str) -> Option<&HostConfig> {
        self.hosts_by_ip
            .get(&(cloud_id, ip.to_string()))
            .map(|&i| &self.cfg.hosts[i])
    }

    pub fn business(&self, id: i64) -> Option<&BusinessConfig> {
        self.cfg.businesses.iter().find(|b| b.id == id)
    }

    pub fn biz_set(&self, id: i64) -> Option<&BizSetConfig> {
        self.cfg.biz_sets.iter().find(|b| b.id == id)
    }

    pub fn account(&self, id: i64) -> Option<&AccountConfig> {
        self.cfg.accounts.iter().find(|a| a.id == id)
    }

    pub fn script(&self, id: &str) -> Option<&ScriptConfig> {
        self.cfg.scripts.iter().find(|s| s.id == id)
    }

    /// A business or public script by id.
    pub fn any_script(&self, id: &str) -> Option<&ScriptConfig> {
        self.cfg
            .scripts
            .iter()
            .chain(&self.cfg.public_scripts)
            .find(|s| s.id == id)
    }

    /// A business or public script version and its script.
    pub fn any_script_version(&self, id: i64) -> Option<(&ScriptConfig, &ScriptVersionConfig)> {
        self.cfg
            .scripts
            .iter()
            .chain(&self.cfg.public_scripts)
            .find_map(|s| s.versions.iter().find(|v| v.id == id).map(|v| (s, v)))
    }

    /// A business script version and the script it belongs to (what a launch may run).
    pub fn script_version(&self, id: i64) -> Option<(&ScriptConfig, &ScriptVersionConfig)> {
        self.cfg
            .scripts
            .iter()
            .find_map(|s| s.versions.iter().find(|v| v.id == id).map(|v| (s, v)))
    }

    /// A topology node by CMDB type and instance id (`set` / `module`).
    pub fn topo_node(&self, node_type: &str, id: i64) -> Option<&TopoNodeConfig> {
        self.cfg
            .topo
            .iter()
            .find(|n| n.node_type == node_type && n.id == id)
    }

    /// The path from the business down to `node` (excluded: the business; included: the
    /// node): `[set]` for a set, `[set, module]` for a module.
    pub fn topo_chain<'a>(&'a self, node: &'a TopoNodeConfig) -> Vec<&'a TopoNodeConfig> {
        let mut chain = vec![node];
        if let Some(set) = node.parent.and_then(|p| self.topo_node("set", p)) {
            chain.insert(0, set);
        }
        chain
    }

    /// Host ids under a node, in config order: a module's own hosts; a set's modules' hosts.
    pub fn topo_host_ids(&self, node: &TopoNodeConfig) -> Vec<i64> {
        match node.node_type.as_str() {
            "set" => self
                .cfg
                .topo
                .iter()
                .filter(|m| m.node_type == "module" && m.parent == Some(node.id))
                .flat_map(|m| m.host_ids.iter().copied())
                .collect(),
            _ => node.host_ids.clone(),
        }
    }

    pub fn dynamic_group(&self, id: &str) -> Option<&DynamicGroupConfig> {
        self.cfg.dynamic_groups.iter().find(|g| g.id == id)
    }

    /// Does `user` hold an action on no resource (`high-risk_detect_rule`)? Any grant that
    /// lists it, or `"*"`, whatever the grant's scope.
    pub fn allowed_system(&self, user: &str, action: &str) -> bool {
        self.user(user).is_some_and(|u| {
            u.grants
                .iter()
                .any(|g| g.actions.iter().any(|a| a == "*" || a == action))
        })
    }

    /// Does `user` hold `action` in the scope?
    pub fn allowed(&self, user: &str, action: &str, scope_type: &str, scope_id: &str) -> bool {
        let Some(u) = self.user(user) else {
            return false;
        };
        u.grants.iter().any(|g| {
            (g.scope_id == "*" || (g.scope_type == scope_type && g.scope_id == scope_id))
                && g.actions.iter().any(|a| a == "*" || a == action)
        })
    }
}
