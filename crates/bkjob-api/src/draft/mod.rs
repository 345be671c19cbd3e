//! The web form: what a person typed (all strings) → the exact request, or field errors.
//!
//! [`validate_draft`] parses the typed text (a non-integer in an integer field is its own
//! [`Violation`]), builds the [`FastExecuteScriptRequest`] the form would send, then runs
//! [`rules::validate_request_without_rolling`] on it, so no rule is written twice; the rolling
//! section's rules run in [`check_rolling`], in the on-demand rolling panel (the first-visit
//! module carries only [`RollingDraft::to_config`]). Errors come parse errors
//! first (BK-JOB would fail to read such JSON before validating it), then BK-JOB's order.
//!
//! Bulk target lists: see [`split_bulk`]. In violation paths the index of a list entry is its
//! position in `split_bulk(text).items`, so a UI can show the offending item.
//!
//! # Files
//!
//! This file holds the form ([`Draft`], [`ScriptSource`]) and [`validate_draft`]. Two
//! self-contained parts have their own files, re-exported here so every `draft::X` path is
//! unchanged:
//!
//! - `bulk`: splitting pasted target lists, dropping and counting duplicates ([`split_bulk`],
//!   [`ListCount`], [`TargetCounts`]), and mapping request indexes back to typed positions;
//! - `rolling`: the rolling section ([`RollingDraft`]) and its check for the on-demand
//!   rolling panel ([`check_rolling`]);
//! - `task_name`: BK-JOB's default job name ([`default_task_name`]).

mod bulk;
mod rolling;
mod task_name;

pub use bulk::{split_bulk, BulkList, ListCount, TargetCounts};
pub use rolling::{check_rolling, rolling_plan, RollingCheck, RollingDraft};
pub use task_name::default_task_name;

use serde::{Deserialize, Serialize};

use crate::encoding::encode_base64;
use crate::rules::{self, Limits, Rule, Severity, Violation};
use crate::status::ScriptLanguage;
use crate::types::{DynamicGroup, FastExecuteScriptRequest, IpEntry, TargetServer, TopoNode};

use bulk::{parse_list, remap_path};

/// Which script field the form sends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ScriptSource {
    /// Typed script text → `script_content` (Base64) + `script_language`.
    #[default]
    Content,
    /// `script_id` (its online version runs).
    ScriptId,
    /// `script_version_id`.
    ScriptVersionId,
}

impl ScriptSource {
    /// The [`Draft`] field holding this source.
    pub fn field(self) -> &'static str {
        match self {
            ScriptSource::Content => "script_content",
            ScriptSource::ScriptId => "script_id",
            ScriptSource::ScriptVersionId => "script_version_id",
        }
    }
}

/// The form as typed. Stored in localStorage by the app, so it is serde and every field
/// defaults (older stored drafts still load).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    /// `biz` (default) or `biz_set`.
    pub scope_type: String,
    /// Business / business-set ID.
    pub scope_id: String,
    /// Which script field is sent.
    pub source: ScriptSource,
    /// Plain script text (the form Base64-encodes it).
    pub script_content: String,
    /// Language of `script_content`, default Shell.
    pub script_language: ScriptLanguage,
    /// Script ID.
    pub script_id: String,
    /// Script version ID (integer text).
    pub script_version_id: String,
    /// Plain parameter string, encoded whole.
    pub script_param: String,
    /// Sensitive parameter.
    pub is_param_sensitive: bool,
    /// Seconds as text; empty = not sent (BK-JOB default 7200).
    pub timeout: String,
    /// Account alias.
    pub account_alias: String,
    /// Account ID (integer text); wins over the alias.
    pub account_id: String,
    /// Host IDs, bulk text.
    pub host_id_list: String,
    /// `ip` or `cloud_id:ip` items, bulk text.
    pub ip_list: String,
    /// Dynamic group IDs, bulk text.
    pub dynamic_group_list: String,
    /// `node_type:id` items (bare id = module), bulk text.
    pub topo_node_list: String,
    /// Job name; blank = BK-JOB generates one.
    pub task_name: String,
    /// Callback URL; blank = none.
    pub callback_url: String,
    /// Windows interpreter path.
    pub windows_interpreter: String,
    /// Start immediately (default true; only `false` is sent).
    pub start_task: bool,
    /// Send `rolling_config` (off by default).
    pub rolling_enabled: bool,
    /// The rolling section, kept while it is off.
    pub rolling: RollingDraft,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            scope_type: "biz".to_owned(),
            scope_id: String::new(),
            source: ScriptSource::Content,
            script_content: String::new(),
            script_language: ScriptLanguage::Shell,
            script_id: String::new(),
            script_version_id: String::new(),
            script_param: String::new(),
            is_param_sensitive: false,
            timeout: String::new(),
            account_alias: String::new(),
            account_id: String::new(),
            host_id_list: String::new(),
            ip_list: String::new(),
            dynamic_group_list: String::new(),
            topo_node_list: String::new(),
            task_name: String::new(),
            callback_url: String::new(),
            windows_interpreter: String::new(),
            start_task: true,
            rolling_enabled: false,
            rolling: RollingDraft::default(),
        }
    }
}

impl Draft {
    /// A copy safe to persist: a sensitive `script_param` is blanked.
    pub fn without_secrets(&self) -> Draft {
        let mut d = self.clone();
        if d.is_param_sensitive {
            d.script_param.clear();
        }
        d
    }
}

/// What [`validate_draft`] returns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DraftOutcome {
    /// The request to send; `Some` iff there is no error.
    pub request: Option<FastExecuteScriptRequest>,
    /// Errors, in order (the first is what BK-JOB would report).
    pub errors: Vec<Violation>,
    /// Advice.
    pub warnings: Vec<Violation>,
    /// Target list counts.
    pub counts: TargetCounts,
}

fn parse_error(path: String, rule: Rule, zh: &str, en: &str) -> Violation {
    Violation::error(path, rule, crate::ErrorCode::BAD_REQUEST.0, zh, en)
}

fn non_blank(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Turn the typed form into the request, or errors. See the module docs; per keystroke safe
/// (linear; a HashSet for duplicates).
///
/// What is sent: scope type/id (trimmed); only the chosen script source (Content →
/// `script_content` Base64 + `script_language`, skipped when the text is blank; ScriptId →
/// `script_id`; ScriptVersionId → `script_version_id`); `script_param` Base64 of the whole
/// string when not blank, with `is_param_sensitive: 1` only if sensitive; `timeout` when
/// typed; `account_id` if typed, else `account_alias` (a Warning when both are typed);
/// `task_name`, `callback_url` when not blank (trimmed); `windows_interpreter` (trimmed) when
/// not blank and the source is not typed content or the language is Bat/Powershell;
/// `start_task: false` only when unchecked; `target_server` always (so an empty one yields
/// BK-JOB's 1244001 on path `target_server`).
pub fn validate_draft(draft: &Draft, limits: &Limits) -> DraftOutcome {
    let mut errors: Vec<Violation> = Vec::new();
    let mut warnings: Vec<Violation> = Vec::new();
    let mut req = FastExecuteScriptRequest {
        bk_scope_type: non_blank(&draft.scope_type),
        bk_scope_id: non_blank(&draft.scope_id),
        ..Default::default()
    };

    match draft.source {
        ScriptSource::Content => {
            if !draft.script_content.trim().is_empty() {
                req.script_content = Some(encode_base64(&draft.script_content));
                req.script_language = Some(draft.script_language.code());
            }
        }
        ScriptSource::ScriptId => req.script_id = non_blank(&draft.script_id),
        ScriptSource::ScriptVersionId => {
            if let Some(t) = non_blank(&draft.script_version_id) {
                match t.parse::<i64>() {
                    Ok(v) => req.script_version_id = Some(v),
                    Err(_) => errors.push(parse_error(
                        "script_version_id".into(),
                        Rule::ScriptVersionIdNotInteger,
                        "脚本版本 ID 必须是整数",
                        "Script version ID must be an integer",
                    )),
                }
            }
        }
    }

    if !draft.script_param.trim().is_empty() {
        req.script_param = Some(encode_base64(&draft.script_param));
        if draft.is_param_sensitive {
            req.is_param_sensitive = Some(1);
        }
    }

    if let Some(t) = non_blank(&draft.timeout) {
        match t.parse::<i64>() {
            Ok(v) => req.timeout = Some(v),
            Err(_) => errors.push(parse_error(
                "timeout".into(),
                Rule::TimeoutNotInteger,
                "作业超时时间必须是整数",
                "Job timeout must be an integer",
            )),
        }
    }

    let alias = non_blank(&draft.account_alias);
    match non_blank(&draft.account_id) {
        Some(t) => match t.parse::<i64>() {
            Ok(v) => {
                req.account_id = Some(v);
                if alias.is_some() {
                    warnings.push(Violation::warning(
                        "account_alias",
                        Rule::AccountAliasIgnored,
                        "已填写执行账号 ID，账号别名将被忽略",
                        "The account ID is set, so the account alias is ignored",
                    ));
                }
            }
            Err(_) => errors.push(parse_error(
                "account_id".into(),
                Rule::AccountIdNotInteger,
                "执行账号 ID 必须是整数",
                "Account ID must be an integer",
            )),
        },
        None => req.account_alias = alias,
    }

    // Target lists.
    let hosts = parse_list(&draft.host_id_list, &mut errors, |i, s| {
        match s.parse::<i64>() {
            Ok(v) if v > 0 => Ok((v, v)),
            _ => Err(parse_error(
                format!("target_server.host_id_list[{i}]"),
                Rule::HostIdNotPositive,
                "主机 ID 必须是正整数",
                "Host ID must be a positive integer",
            )),
        }
    });
    let ips = parse_list(&draft.ip_list, &mut errors, |i, s| {
        let (cloud, ip) = match s.split_once(':') {
            Some((c, ip)) => match c.parse::<i64>() {
                Ok(c) if c >= 0 => (c, ip),
                _ => {
                    return Err(parse_error(
                        format!("target_server.ip_list[{i}].bk_cloud_id"),
                        Rule::CloudIdNotInteger,
                        "管控区域 ID 必须是非负整数",
                        "BK-Net ID must be a non-negative integer",
                    ))
                }
            },
            None => (0, s),
        };
        let entry = IpEntry {
            bk_cloud_id: Some(cloud),
            ip: Some(ip.to_owned()),
        };
        Ok(((cloud, ip), entry))
    });
    let groups = parse_list(&draft.dynamic_group_list, &mut errors, |_, s| {
        Ok((
            s,
            DynamicGroup {
                id: Some(s.to_owned()),
            },
        ))
    });
    let nodes = parse_list(&draft.topo_node_list, &mut errors, |i, s| {
        let (node_type, id) = s.split_once(':').unwrap_or(("module", s));
        match id.parse::<i64>() {
            Ok(id) => Ok((
                (node_type, id),
                TopoNode {
                    id: Some(id),
                    node_type: Some(node_type.to_owned()),
                },
            )),
            Err(_) => Err(parse_error(
                format!("target_server.topo_node_list[{i}].id"),
                Rule::TopoNodeIdNotInteger,
                "拓扑节点 ID 必须是整数",
                "Topo node ID must be an integer",
            )),
        }
    });
    if !hosts.values.is_empty() && !ips.values.is_empty() {
        warnings.push(Violation::warning(
            "target_server.ip_list",
            Rule::IpListIgnored,
            "已填写主机 ID，BK-JOB 将忽略 IP 列表",
            "Host IDs are set, so BK-JOB ignores the IP list",
        ));
    }
    let counts = TargetCounts {
        host_id_list: hosts.count,
        ip_list: ips.count,
        dynamic_group_list: groups.count,
        topo_node_list: nodes.count,
    };
    req.target_server = Some(TargetServer {
        host_id_list: (!hosts.values.is_empty()).then_some(hosts.values),
        ip_list: (!ips.values.is_empty()).then_some(ips.values),
        dynamic_group_list: (!groups.values.is_empty()).then_some(groups.values),
        topo_node_list: (!nodes.values.is_empty()).then_some(nodes.values),
    });

    req.task_name = non_blank(&draft.task_name);
    req.callback_url = non_blank(&draft.callback_url);
    if let Some(w) = non_blank(&draft.windows_interpreter) {
        if draft.source != ScriptSource::Content || draft.script_language.is_windows_only() {
            req.windows_interpreter = Some(w);
        } else {
            warnings.push(Violation::warning(
                "windows_interpreter",
                Rule::WindowsInterpreterIgnored,
                "Windows 解释器仅用于 Bat/Powershell 脚本，将不会发送",
                "The Windows interpreter applies only to Bat/Powershell scripts and is not sent",
            ));
        }
    }
    if !draft.start_task {
        req.start_task = Some(false);
    }
    if draft.rolling_enabled {
        req.rolling_config = Some(draft.rolling.to_config());
    }

    // The shared rules, on the request the form would send.
    for mut v in rules::validate_request_without_rolling(&req, limits) {
        remap_path(&mut v.path, "host_id_list", &hosts.positions);
        remap_path(&mut v.path, "ip_list", &ips.positions);
        remap_path(&mut v.path, "dynamic_group_list", &groups.positions);
        remap_path(&mut v.path, "topo_node_list", &nodes.positions);
        if v.rule == Rule::ScriptSourceMissing {
            v.form_field = Some(draft.source.field().to_owned());
        }
        match v.severity {
            Severity::Error => errors.push(v),
            Severity::Warning => warnings.push(v),
        }
    }
    errors.extend(rules::check_target_count(counts.static_hosts(), limits));

    DraftOutcome {
        request: errors.is_empty().then_some(req),
        errors,
        warnings,
        counts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Draft {
        Draft {
            scope_id: "2".into(),
            script_content: "echo $1".into(),
            account_alias: "root".into(),
            host_id_list: "101".into(),
            ..Draft::default()
        }
    }

    fn check(d: &Draft) -> DraftOutcome {
        validate_draft(d, &Limits::default())
    }

    #[test]
    fn defaults() {
        let d = Draft::default();
        assert_eq!(d.scope_type, "biz");
        assert!(d.start_task);
        assert_eq!(d.script_language, ScriptLanguage::Shell);
        assert_eq!(d.source, ScriptSource::Content);
        // Older/partial stored drafts load with defaults.
        let d: Draft = serde_json::from_str(r#"{"scope_id":"3"}"#).unwrap();
        assert_eq!((d.scope_type.as_str(), d.start_task), ("biz", true));
        let back: Draft = serde_json::from_str(&serde_json::to_string(&base()).unwrap()).unwrap();
        assert_eq!(back, base());
    }

    #[test]
    fn without_secrets() {
        let mut d = base();
        d.script_param = "secret".into();
        assert_eq!(d.without_secrets().script_param, "secret");
        d.is_param_sensitive = true;
        assert_eq!(d.without_secrets().script_param, "");
    }

    #[test]
    fn minimal_content_request() {
        let o = check(&base());
        assert!(o.errors.is_empty(), "{:?}", o.errors);
        let json = serde_json::to_value(o.request.unwrap()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "bk_scope_type": "biz", "bk_scope_id": "2",
                "script_content": "ZWNobyAkMQ==", "script_language": 1,
                "account_alias": "root", "target_server": {"host_id_list": [101]}
            })
        );
    }

    #[test]
    fn only_chosen_source_is_sent() {
        let mut d = base();
        d.script_id = "55".into();
        d.script_version_id = "66".into();
        let r = check(&d).request.unwrap();
        assert!(r.script_id.is_none() && r.script_version_id.is_none());
        d.source = ScriptSource::ScriptId;
        let r = check(&d).request.unwrap();
        assert_eq!(r.script_id.as_deref(), Some("55"));
        assert!(r.script_content.is_none() && r.script_language.is_none());
        d.source = ScriptSource::ScriptVersionId;
        let r = check(&d).request.unwrap();
        assert_eq!(r.script_version_id, Some(66));
        assert!(r.script_id.is_none() && r.script_content.is_none());
    }

    #[test]
    fn missing_source_maps_to_chosen_field() {
        let mut d = base();
        d.script_content = "  \n".into();
        let o = check(&d);
        assert_eq!(o.errors[0].api_code, 1_241_004);
        assert_eq!(o.errors[0].field(), "script_content");
        d.source = ScriptSource::ScriptVersionId;
        let o = check(&d);
        assert_eq!(o.errors[0].field(), "script_version_id");
        d.script_version_id = "abc".into();
        let o = check(&d);
        assert_eq!(o.errors[0].rule, Rule::ScriptVersionIdNotInteger);
        assert_eq!(o.errors[0].field(), "script_version_id");
        d.script_version_id = "0".into();
        assert_eq!(check(&d).errors[0].rule, Rule::ScriptVersionIdInvalid);
    }

    #[test]
    fn param_and_sensitivity() {
        let mut d = base();
        d.is_param_sensitive = true;
        let r = check(&d).request.unwrap();
        assert!(r.script_param.is_none() && r.is_param_sensitive.is_none());
        d.script_param = "a b  c".into();
        let r = check(&d).request.unwrap();
        assert_eq!(r.script_param.as_deref(), Some("YSBiICBj"));
        assert_eq!(r.is_param_sensitive, Some(1));
        d.is_param_sensitive = false;
        assert_eq!(check(&d).request.unwrap().is_param_sensitive, None);
    }

    #[test]
    fn timeout_parsing() {
        let mut d = base();
        assert_eq!(check(&d).request.unwrap().timeout, None);
        d.timeout = " 300 ".into();
        assert_eq!(check(&d).request.unwrap().timeout, Some(300));
        d.timeout = "3.5".into();
        let o = check(&d);
        assert!(o.request.is_none());
        assert_eq!(
            (o.errors[0].rule, o.errors[0].field()),
            (Rule::TimeoutNotInteger, "timeout")
        );
        d.timeout = "0".into();
        assert_eq!(check(&d).errors[0].rule, Rule::TimeoutTooSmall);
        d.timeout = "90000".into();
        let o = check(&d);
        assert!(o.request.is_some());
        assert_eq!(o.warnings[0].rule, Rule::TimeoutAboveDocLimit);
    }

    #[test]
    fn account_id_wins() {
        let mut d = base();
        d.account_id = "1000".into();
        let o = check(&d);
        let r = o.request.unwrap();
        assert_eq!((r.account_id, r.account_alias), (Some(1000), None));
        assert_eq!(o.warnings[0].rule, Rule::AccountAliasIgnored);
        assert_eq!(o.warnings[0].field(), "account_alias");
        d.account_id = "x".into();
        assert_eq!(check(&d).errors[0].rule, Rule::AccountIdNotInteger);
        d.account_id.clear();
        d.account_alias = "  ".into();
        let o = check(&d);
        assert_eq!(o.errors[0].rule, Rule::AccountMissing);
        assert_eq!(o.errors[0].field(), "account_alias");
    }

    #[test]
    fn no_target_is_host_empty() {
        let mut d = base();
        d.host_id_list.clear();
        let o = check(&d);
        assert_eq!(o.errors.len(), 1);
        assert_eq!(
            (o.errors[0].api_code, o.errors[0].path.as_str()),
            (1_244_001, "target_server")
        );
        assert_eq!(o.errors[0].field(), "target_server");
    }

    #[test]
    fn target_lists() {
        let mut d = base();
        d.host_id_list = "1 2 x 2 -3 1".into();
        d.ip_list = "1.1.1.1, 0:1.1.1.1\n2:10.0.0.1 q:1.1.1.1 bad-ip".into();
        d.topo_node_list = "set:12 1000 module:1000 set:x".into();
        d.dynamic_group_list = "g1 g2 g1".into();
        let o = check(&d);
        let paths: Vec<(&str, &str)> = o
            .errors
            .iter()
            .map(|v| (v.path.as_str(), v.rule.code()))
            .collect();
        assert_eq!(
            paths,
            vec![
                (
                    "target_server.host_id_list[2]",
                    "host_id_list.not_positive_integer"
                ),
                (
                    "target_server.host_id_list[3]",
                    "host_id_list.not_positive_integer"
                ),
                (
                    "target_server.ip_list[3].bk_cloud_id",
                    "ip_list.bk_cloud_id.not_integer"
                ),
                (
                    "target_server.topo_node_list[3].id",
                    "topo_node_list.id.not_integer"
                ),
                // Request index 2 ("bad-ip") is typed item 4: remapped.
                ("target_server.ip_list[4].ip", "ip_list.ip.invalid"),
            ]
        );
        assert_eq!(o.errors[4].field(), "ip_list");
        assert_eq!(
            o.counts.host_id_list,
            ListCount {
                items: 2,
                duplicates: 2,
                invalid: 2
            }
        );
        assert_eq!(
            o.counts.ip_list,
            ListCount {
                items: 3,
                duplicates: 1,
                invalid: 1
            }
        );
        assert_eq!(
            o.counts.topo_node_list,
            ListCount {
                items: 2,
                duplicates: 1,
                invalid: 1
            }
        );
        assert_eq!(
            o.counts.dynamic_group_list,
            ListCount {
                items: 2,
                duplicates: 1,
                invalid: 0
            }
        );
        assert_eq!(o.counts.total(), 9);
        assert!(o.warnings.iter().any(|w| w.rule == Rule::IpListIgnored));

        d.host_id_list = "7".into();
        d.ip_list = "3:10.0.0.2".into();
        d.topo_node_list = "set:12 1000".into();
        d.dynamic_group_list = "g1".into();
        let t = check(&d).request.unwrap().target_server.unwrap();
        assert_eq!(t.host_id_list, Some(vec![7]));
        assert_eq!(
            t.ip_list.unwrap()[0],
            IpEntry {
                bk_cloud_id: Some(3),
                ip: Some("10.0.0.2".into())
            }
        );
        let nodes = t.topo_node_list.unwrap();
        assert_eq!(
            nodes[1],
            TopoNode {
                id: Some(1000),
                node_type: Some("module".into())
            }
        );
        assert_eq!(nodes[0].node_type.as_deref(), Some("set"));
        assert_eq!(t.dynamic_group_list.unwrap()[0].id.as_deref(), Some("g1"));
    }

    #[test]
    fn too_many_static_targets() {
        let mut d = base();
        d.host_id_list = "1 2 3".into();
        let limits = Limits {
            max_targets: 2,
            ..Limits::default()
        };
        let o = validate_draft(&d, &limits);
        assert_eq!(o.errors[0].api_code, 1_244_022);
    }

    #[test]
    fn windows_interpreter_sending() {
        let mut d = base();
        d.windows_interpreter = r" C:\py\python.exe ".into();
        let o = check(&d);
        assert!(o.request.unwrap().windows_interpreter.is_none());
        assert_eq!(o.warnings[0].rule, Rule::WindowsInterpreterIgnored);
        d.script_language = ScriptLanguage::Powershell;
        let r = check(&d).request.unwrap();
        assert_eq!(r.windows_interpreter.as_deref(), Some(r"C:\py\python.exe"));
        d.source = ScriptSource::ScriptId;
        d.script_id = "9".into();
        d.script_language = ScriptLanguage::Shell;
        d.windows_interpreter = "cmd".into();
        assert_eq!(check(&d).errors[0].rule, Rule::WindowsInterpreterSuffix);
    }

    #[test]
    fn optional_texts_and_start_task() {
        let mut d = base();
        d.task_name = "  ".into();
        d.callback_url = " ".into();
        let r = check(&d).request.unwrap();
        assert!(r.task_name.is_none() && r.callback_url.is_none() && r.start_task.is_none());
        d.task_name = " nightly ".into();
        d.callback_url = "http://cb.example.com/x".into();
        d.start_task = false;
        let r = check(&d).request.unwrap();
        assert_eq!(r.task_name.as_deref(), Some("nightly"));
        assert_eq!(r.start_task, Some(false));
        d.callback_url = "ftp://x".into();
        assert_eq!(check(&d).errors[0].field(), "callback_url");
        d.scope_id = " ".into();
        let o = check(&d);
        assert_eq!(
            (o.errors[0].rule, o.errors[0].field()),
            (Rule::ScopeIdBlank, "scope_id")
        );
    }

    #[test]
    fn per_keystroke_speed() {
        let mut d = base();
        d.script_content = "echo hello world\n".repeat(64 * 1024); // ~1 MiB
        d.ip_list = (0..5000)
            .map(|i| format!("0:10.0.{}.{}\n", i / 250, i % 250))
            .collect();
        let _ = check(&d); // warm up allocator and caches
        let t0 = std::time::Instant::now();
        let o = check(&d);
        let total = t0.elapsed();
        let t1 = std::time::Instant::now();
        let _ = encode_base64(&d.script_content);
        let b64 = t1.elapsed();
        // Visible with --nocapture; run in release to see real numbers.
        println!("validate_draft: {total:?} (Base64 alone {b64:?})");
        assert!(o.errors.is_empty());
        assert_eq!(o.counts.ip_list.items, 5000);
    }
}
