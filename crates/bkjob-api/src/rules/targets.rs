//! Where and as whom the script runs: each `target_server` list entry (IPv4 and BK-Net ID,
//! topology node, dynamic group), the resolved-host limit, the handler's `target_server`
//! check, and the execution account.
//!
//! Separate because the target lists are checked entry by entry (a path names the entry,
//! e.g. `target_server.ip_list[2].ip`) and [`check_target_count`] runs again once a server
//! has resolved topology and groups. The account is here as the other half of "on which
//! hosts, as which user".

use crate::error_code::ErrorCode;
use crate::types::{DynamicGroup, FastExecuteScriptRequest, IpEntry, TopoNode};

use super::{is_blank, Limits, Rule, Violation};

/// Strict dotted-quad IPv4: exactly four decimal parts 0..=255, ASCII digits only, no sign,
/// no leading zeros except `0` itself (`01.2.3.4` is rejected: ambiguous, octal in some
/// tools). The caller trims (BK-JOB trims IPs).
pub fn is_ipv4(s: &str) -> bool {
    let mut parts = 0;
    let mut value: u32 = 0;
    let mut digits = 0;
    let mut first_zero = false;
    for &b in s.as_bytes().iter().chain(std::iter::once(&b'.')) {
        match b {
            b'0'..=b'9' => {
                if digits == 0 {
                    first_zero = b == b'0';
                } else if first_zero {
                    return false; // leading zero
                }
                digits += 1;
                value = value * 10 + u32::from(b - b'0');
                if digits > 3 || value > 255 {
                    return false;
                }
            }
            b'.' => {
                if digits == 0 {
                    return false;
                }
                parts += 1;
                if parts > 4 {
                    return false;
                }
                digits = 0;
                value = 0;
            }
            _ => return false,
        }
    }
    parts == 4
}

/// One `ip_list` entry: trimmed IP must be IPv4; `bk_cloud_id` present and ≥ 0.
pub fn check_ip_entry(index: usize, entry: &IpEntry) -> Vec<Violation> {
    let mut out = Vec::new();
    if !entry.ip.as_deref().is_some_and(|ip| is_ipv4(ip.trim())) {
        out.push(Violation::bean(
            format!("target_server.ip_list[{index}].ip"),
            Rule::IpInvalid,
            "IP 非法",
            "Invalid IP",
        ));
    }
    if entry.bk_cloud_id.is_none_or(|c| c < 0) {
        out.push(Violation::bean(
            format!("target_server.ip_list[{index}].bk_cloud_id"),
            Rule::CloudIdInvalid,
            "管控区域 ID 非法",
            "Invalid BK-Net",
        ));
    }
    out
}

/// One `topo_node_list` entry: `id` present, `node_type` present and not blank.
pub fn check_topo_node(index: usize, node: &TopoNode) -> Vec<Violation> {
    let mut out = Vec::new();
    if node.id.is_none() {
        out.push(Violation::bean(
            format!("target_server.topo_node_list[{index}].id"),
            Rule::TopoNodeIdMissing,
            "拓扑节点 ID 不可为空",
            "Topo node ID can not be empty",
        ));
    }
    if node.node_type.as_deref().is_none_or(is_blank) {
        out.push(Violation::bean(
            format!("target_server.topo_node_list[{index}].node_type"),
            Rule::TopoNodeTypeMissing,
            "拓扑节点类型不可为空",
            "Topo node type can not be empty",
        ));
    }
    out
}

/// One `dynamic_group_list` entry: `id` present and not blank.
pub fn check_dynamic_group(index: usize, group: &DynamicGroup) -> Option<Violation> {
    group.id.as_deref().is_none_or(is_blank).then(|| {
        Violation::bean(
            format!("target_server.dynamic_group_list[{index}].id"),
            Rule::DynamicGroupIdMissing,
            "动态分组 ID 不可为空",
            "DynamicGroup ID cannot be empty",
        )
    })
}

/// After resolving topology / dynamic groups: more than `max_targets` hosts → 1244022.
pub fn check_target_count(n: usize, limits: &Limits) -> Option<Violation> {
    (n > limits.max_targets).then(|| {
        Violation::handler::<{ ErrorCode::TOO_MANY_TARGETS.0 }>(
            "target_server",
            Rule::TargetCountExceeded,
            &[&limits.max_targets.to_string()],
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Handler checks

/// `target_server` null → 1241004; all four lists empty → 1244001.
pub fn check_target_server(req: &FastExecuteScriptRequest) -> Option<Violation> {
    match &req.target_server {
        None => Some(
            Violation::handler::<{ ErrorCode::MISSING_PARAM_WITH_NAME.0 }>(
                "target_server",
                Rule::TargetServerMissing,
                &["target_server"],
            ),
        ),
        Some(t) if t.is_empty() => Some(Violation::handler::<{ ErrorCode::HOST_EMPTY.0 }>(
            "target_server",
            Rule::TargetEmpty,
            &[],
        )),
        Some(_) => None,
    }
}

/// `account_id` null or < 1 and `account_alias` blank → 1241004.
pub fn check_account(account_id: Option<i64>, account_alias: Option<&str>) -> Option<Violation> {
    let bad = account_id.is_none_or(|id| id < 1) && account_alias.is_none_or(is_blank);
    bad.then(|| {
        let name = "account_id|account_alias";
        Violation::handler::<{ ErrorCode::MISSING_PARAM_WITH_NAME.0 }>(
            name,
            Rule::AccountMissing,
            &[name],
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixtures::{good, l};
    use crate::types::TargetServer;

    #[test]
    fn ipv4() {
        for ok in ["0.0.0.0", "1.2.3.4", "255.255.255.255", "10.0.0.1"] {
            assert!(is_ipv4(ok), "{ok}");
        }
        for bad in [
            "",
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "01.2.3.4",
            "+1.2.3.4",
            "1..3.4",
            "a.b.c.d",
            " 1.2.3.4",
            "1.2.3.4 ",
            "::1",
            "1.2.3.-4",
            "1.2.3.4.",
            "１.2.3.4",
            "1000.1.1.1",
        ] {
            assert!(!is_ipv4(bad), "{bad}");
        }
    }

    #[test]
    fn ip_entry_rules() {
        let ok = IpEntry {
            bk_cloud_id: Some(0),
            ip: Some(" 1.1.1.1 ".into()),
        };
        assert!(check_ip_entry(0, &ok).is_empty());
        let v = check_ip_entry(
            2,
            &IpEntry {
                bk_cloud_id: Some(0),
                ip: Some("".into()),
            },
        );
        assert_eq!(v[0].path, "target_server.ip_list[2].ip");
        assert_eq!(
            (v[0].zh.as_str(), v[0].en.as_str()),
            ("IP 非法", "Invalid IP")
        );
        let v = check_ip_entry(
            1,
            &IpEntry {
                bk_cloud_id: Some(-1),
                ip: Some("1.1.1.1".into()),
            },
        );
        assert_eq!(v[0].path, "target_server.ip_list[1].bk_cloud_id");
        assert_eq!(v[0].en, "Invalid BK-Net");
        let v = check_ip_entry(0, &IpEntry::default());
        assert_eq!(
            v.iter().map(|v| v.rule).collect::<Vec<_>>(),
            vec![Rule::IpInvalid, Rule::CloudIdInvalid]
        );
    }

    #[test]
    fn topo_and_group_rules() {
        let ok = TopoNode {
            id: Some(1),
            node_type: Some("module".into()),
        };
        assert!(check_topo_node(0, &ok).is_empty());
        let v = check_topo_node(
            3,
            &TopoNode {
                id: None,
                node_type: Some(" ".into()),
            },
        );
        assert_eq!(v[0].path, "target_server.topo_node_list[3].id");
        assert_eq!(v[0].zh, "拓扑节点 ID 不可为空");
        assert_eq!(v[1].path, "target_server.topo_node_list[3].node_type");
        assert_eq!(v[1].en, "Topo node type can not be empty");
        assert!(check_dynamic_group(
            0,
            &DynamicGroup {
                id: Some("g1".into())
            }
        )
        .is_none());
        let v = check_dynamic_group(1, &DynamicGroup { id: None }).unwrap();
        assert_eq!(v.path, "target_server.dynamic_group_list[1].id");
        assert_eq!(v.en, "DynamicGroup ID cannot be empty");
    }

    #[test]
    fn target_count_rule() {
        assert!(check_target_count(50_000, &l()).is_none());
        let v = check_target_count(50_001, &l()).unwrap();
        assert_eq!(v.api_code, 1_244_022);
        assert_eq!(v.zh, "脚本任务目标服务器数量超过限制：50000");
    }

    #[test]
    fn target_server_rules() {
        let mut r = good();
        assert!(check_target_server(&r).is_none());
        r.target_server = Some(TargetServer {
            host_id_list: Some(vec![]),
            ..Default::default()
        });
        let v = check_target_server(&r).unwrap();
        assert_eq!(
            (v.api_code, v.zh.as_str(), v.en.as_str()),
            (1_244_001, "主机为空", "Host is empty")
        );
        r.target_server = None;
        let v = check_target_server(&r).unwrap();
        assert_eq!(
            (v.api_code, v.zh.as_str()),
            (1_241_004, "请求参数[target_server]缺失")
        );
    }

    #[test]
    fn account_rule() {
        assert!(check_account(Some(1), None).is_none());
        assert!(check_account(None, Some(" root ")).is_none());
        assert!(check_account(Some(0), Some("root")).is_none());
        let v = check_account(Some(0), Some("  ")).unwrap();
        assert_eq!(v.zh, "请求参数[account_id|account_alias]缺失");
        assert!(check_account(None, None).is_some());
    }
}
