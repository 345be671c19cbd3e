//! The launch's targets: static hosts (`host_id_list`, else `ip_list`) checked for existence
//! (1244030) and scope (1244002), topology nodes and dynamic groups expanded from the configured
//! CMDB, merged and de-duplicated by host id, then the empty (1244028) and count (1244022)
//! checks.

use std::collections::HashSet;

use bkjob_api::rules::check_target_count;
use bkjob_api::{ErrorCode, HostRef, Lang, Limits, PermissionInstance, TargetServer};

use super::super::error::{ApiError, Meta};
use super::super::scope::Scope;
use crate::config::{Directory, HostConfig};

/// The resolved targets of a launch.
#[derive(Debug)]
pub(super) struct Targets<'a> {
    /// Every host, de-duplicated by id: static ones first, then dynamic ones in request order.
    pub hosts: Vec<&'a HostConfig>,
    /// The static hosts: their own permission resources (`[biz, host]`).
    pub static_hosts: Vec<HostRef>,
    /// Permission paths of the topology nodes and dynamic groups.
    pub dynamic_paths: Vec<Vec<PermissionInstance>>,
}

/// Resolve and check the target of a launch named `name` (the empty-target message names it).
pub(super) fn resolve_targets<'a>(
    dir: &'a Directory,
    limits: &Limits,
    meta: &Meta,
    scope: &Scope,
    target: &TargetServer,
    name: &str,
) -> Result<Targets<'a>, ApiError> {
    let mut hosts = static_hosts(dir, limits, meta, scope, target)?;
    let mut seen: HashSet<i64> = hosts.iter().map(|h| h.id).collect();
    // Static hosts are their own permission resources ([biz, host]).
    let static_hosts: Vec<HostRef> = hosts
        .iter()
        .map(|h| HostRef {
            host_id: h.id,
            ip: h.ip.clone(),
        })
        .collect();

    // Topology nodes and dynamic groups, resolved through "CMDB" (the config) and merged with
    // the static hosts, de-duplicated by host id (first occurrence wins).
    let dynamic = resolve_dynamic_targets(dir, scope, target, meta.lang);
    for id in &dynamic.host_ids {
        if let Some(h) = dir.host(*id) {
            if seen.insert(h.id) {
                hosts.push(h);
            }
        }
    }
    if hosts.is_empty() {
        return Err(meta.err(ErrorCode::STEP_TARGET_EMPTY, &[name]));
    }
    if let Some(v) = check_target_count(hosts.len(), limits) {
        return Err(meta.violation(&v));
    }
    Ok(Targets {
        hosts,
        static_hosts,
        dynamic_paths: dynamic.paths,
    })
}

/// Static hosts: host_id_list wins over ip_list; IPs trimmed (contract §2). They must exist
/// (1244030) and belong to the scope (1244002). Entries are de-duplicated first; a list of
/// more than `early_target_limit` distinct entries is refused with the count error (1244022)
/// before any lookup, so a huge body costs no more than reading it.
fn static_hosts<'a>(
    dir: &'a Directory,
    limits: &Limits,
    meta: &Meta,
    scope: &Scope,
    target: &TargetServer,
) -> Result<Vec<&'a HostConfig>, ApiError> {
    let host_ids = target.host_id_list.as_deref().unwrap_or_default();
    let early_limit = early_target_limit(limits.max_targets);
    let entries: Box<dyn Iterator<Item = StaticRef<'_>>> = if !host_ids.is_empty() {
        Box::new(host_ids.iter().map(|&id| StaticRef::Id(id)))
    } else {
        Box::new(target.ip_list.iter().flatten().map(|e| {
            let ip = e.ip.as_deref().unwrap_or_default().trim();
            StaticRef::Ip(e.bk_cloud_id.unwrap_or_default(), ip)
        }))
    };
    let mut seen = HashSet::new();
    let mut static_refs = Vec::new();
    for r in entries {
        if seen.insert(r) {
            static_refs.push(r);
            // One more than the limit is enough to refuse.
            if static_refs.len() > early_limit {
                break;
            }
        }
    }
    drop(seen);
    if static_refs.len() > early_limit {
        if let Some(v) = check_target_count(static_refs.len(), limits) {
            return Err(meta.violation(&v));
        }
    }
    let mut found: Vec<&HostConfig> = Vec::with_capacity(static_refs.len());
    let mut missing = IdList::default();
    for r in &static_refs {
        let host = match *r {
            StaticRef::Id(id) => dir.host(id),
            StaticRef::Ip(cloud, ip) => dir.host_by_ip(cloud, ip),
        };
        match host {
            Some(h) => found.push(h),
            None => missing.add(|| match *r {
                StaticRef::Id(id) => format!("(host_id:{id})"),
                StaticRef::Ip(_, ip) => format!("(ip:{ip})"),
            }),
        }
    }
    if missing.count > 0 {
        return Err(meta.err(
            ErrorCode::EXECUTE_OBJECT_NOT_EXIST,
            &[&missing.count.to_string(), &missing.text()],
        ));
    }
    let mut foreign = IdList::default();
    for h in found.iter().filter(|h| !scope.biz_ids.contains(&h.biz_id)) {
        foreign.add(|| format!("{}:{}", h.cloud_id, h.ip));
    }
    if foreign.count > 0 {
        return Err(meta.err(
            ErrorCode::HOST_INVALID,
            &[&scope.id_str(), &foreign.count.to_string(), &foreign.text()],
        ));
    }
    Ok(found)
}

/// One static target entry, as sent.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum StaticRef<'a> {
    Id(i64),
    Ip(i64, &'a str),
}

/// Distinct static entries beyond which a launch is refused (1244022) before lookups. Any
/// request with more than `max_targets` distinct entries fails in BK-JOB as well (1244030 /
/// 1244002 if some are wrong, else 1244022); up to twice the limit it still gets BK-JOB's
/// answer and order, which names the wrong entries; beyond that only the count is answered.
fn early_target_limit(max_targets: usize) -> usize {
    max_targets.saturating_mul(2)
}

/// Entries listed in an error message: all are counted, the first [`IdList::SHOWN`] are
/// shown, then `...` (a million unknown ids must not become a million strings).
#[derive(Default)]
struct IdList {
    count: usize,
    shown: Vec<String>,
}

impl IdList {
    const SHOWN: usize = 20;

    fn add(&mut self, text: impl FnOnce() -> String) {
        self.count += 1;
        if self.shown.len() < Self::SHOWN {
            self.shown.push(text());
        }
    }

    fn text(&self) -> String {
        let mut t = self.shown.join(",");
        if self.count > self.shown.len() {
            t.push_str(",...");
        }
        t
    }
}

/// Hosts and permission paths of the "dynamic" part of a target: topology nodes and dynamic
/// groups.
pub(super) struct DynamicTargets {
    /// Host ids in request order (topology nodes first, then dynamic groups), may repeat.
    pub host_ids: Vec<i64>,
    /// Permission paths: `[biz, set, module…]` per topology node, `[biz, dynamic_group]` per
    /// dynamic group.
    pub paths: Vec<Vec<PermissionInstance>>,
}

/// Resolve `topo_node_list` and `dynamic_group_list` as BK-JOB does through CMDB.
///
/// A node or group that CMDB does not know in the scope's businesses (unknown id, unknown
/// node type, another business) selects no hosts; the contract has no dedicated error code
/// for it, so the only visible effect is 1244028 when the whole target resolves to nothing.
/// Such a node has no CMDB path either, so it adds nothing to the permission object.
pub(super) fn resolve_dynamic_targets(
    dir: &Directory,
    scope: &Scope,
    target: &TargetServer,
    lang: Lang,
) -> DynamicTargets {
    let mut out = DynamicTargets {
        host_ids: Vec::new(),
        paths: Vec::new(),
    };
    let biz_instance = |biz_id: i64| {
        let name = dir
            .business(biz_id)
            .map(|b| b.name.clone())
            .unwrap_or_default();
        PermissionInstance::new("biz", biz_id.to_string(), name, lang)
    };
    // A node or group named twice selects its hosts once (and a request repeating one big
    // module a million times does not expand it a million times).
    let mut seen_nodes = HashSet::new();
    for node in target.topo_node_list.iter().flatten() {
        let (Some(id), Some(node_type)) = (node.id, node.node_type.as_deref().map(str::trim))
        else {
            continue;
        };
        if !seen_nodes.insert((node_type, id)) {
            continue;
        }
        if node_type == "biz" {
            // The business node selects the whole business.
            if scope.biz_ids.contains(&id) && dir.business(id).is_some() {
                out.host_ids.extend(
                    dir.cfg
                        .hosts
                        .iter()
                        .filter(|h| h.biz_id == id)
                        .map(|h| h.id),
                );
                out.paths.push(vec![biz_instance(id)]);
            }
            continue;
        }
        let Some(n) = dir
            .topo_node(node_type, id)
            .filter(|n| scope.biz_ids.contains(&n.biz_id))
        else {
            continue;
        };
        out.host_ids.extend(dir.topo_host_ids(n));
        let mut path = vec![biz_instance(n.biz_id)];
        path.extend(
            dir.topo_chain(n)
                .into_iter()
                .map(|c| PermissionInstance::new(&c.node_type, c.id.to_string(), &c.name, lang)),
        );
        out.paths.push(path);
    }
    let mut seen_groups = HashSet::new();
    for group in target.dynamic_group_list.iter().flatten() {
        let Some(g) = group
            .id
            .as_deref()
            .map(str::trim)
            .filter(|id| seen_groups.insert(*id))
            .and_then(|id| dir.dynamic_group(id))
            .filter(|g| scope.biz_ids.contains(&g.biz_id))
        else {
            continue;
        };
        out.host_ids.extend(g.host_ids.iter().copied());
        out.paths.push(vec![
            biz_instance(g.biz_id),
            PermissionInstance::new("dynamic_group", &g.id, &g.name, lang),
        ]);
    }
    out
}
