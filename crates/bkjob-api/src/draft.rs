//! The web form: what a person typed (all strings) → the exact request, or field errors.
//!
//! [`validate_draft`] parses the typed text (a non-integer in an integer field is its own
//! [`Violation`]), builds the [`FastExecuteScriptRequest`] the form would send, then runs
//! [`rules::validate_request`] on it, so no rule is written twice. Errors come parse errors
//! first (BK-JOB would fail to read such JSON before validating it), then BK-JOB's order.
//!
//! Bulk target lists: see [`split_bulk`]. In violation paths the index of a list entry is its
//! position in `split_bulk(text).items`, so a UI can show the offending item.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::encoding::encode_base64;
use crate::lang::Lang;
use crate::rules::{self, Limits, Rule, Severity, Violation};
use crate::status::ScriptLanguage;
use crate::types::{DynamicGroup, FastExecuteScriptRequest, IpEntry, TargetServer, TopoNode};

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

/// Result of [`split_bulk`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BulkList {
    /// Unique non-empty items in first-seen order.
    pub items: Vec<String>,
    /// How many repeated items were dropped.
    pub duplicates: usize,
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | ';' | '，' | '；' | '、')
}

/// Split pasted text on commas, semicolons, any whitespace/newlines, and the full-width
/// `，` `；` `、` Chinese users paste; drop empties and exact duplicates (first kept).
pub fn split_bulk(text: &str) -> BulkList {
    let mut seen = HashSet::new();
    let mut out = BulkList::default();
    for item in text.split(is_separator).filter(|s| !s.is_empty()) {
        if seen.insert(item) {
            out.items.push(item.to_owned());
        } else {
            out.duplicates += 1;
        }
    }
    out
}

/// Per-list counts shown next to the inputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListCount {
    /// Entries that will be sent (parsed, unique).
    pub items: usize,
    /// Repeated entries dropped (same text, or same parsed value like `0:1.1.1.1`/`1.1.1.1`).
    pub duplicates: usize,
    /// Entries that could not be parsed (each has an error).
    pub invalid: usize,
}

/// Counts for the four target lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetCounts {
    /// `host_id_list`.
    pub host_id_list: ListCount,
    /// `ip_list`.
    pub ip_list: ListCount,
    /// `dynamic_group_list`.
    pub dynamic_group_list: ListCount,
    /// `topo_node_list`.
    pub topo_node_list: ListCount,
}

impl TargetCounts {
    /// Entries sent over all four lists.
    pub fn total(&self) -> usize {
        self.host_id_list.items
            + self.ip_list.items
            + self.dynamic_group_list.items
            + self.topo_node_list.items
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

/// Parsed bulk list: values to send and, for each, its index in `split_bulk().items`.
struct Parsed<T> {
    values: Vec<T>,
    positions: Vec<usize>,
    count: ListCount,
}

fn parse_list<T, K, F>(text: &str, errors: &mut Vec<Violation>, mut parse: F) -> Parsed<T>
where
    K: std::hash::Hash + Eq,
    F: FnMut(usize, &str) -> Result<(K, T), Violation>,
{
    let bulk = split_bulk(text);
    let mut seen = HashSet::with_capacity(bulk.items.len());
    let mut p = Parsed {
        values: Vec::with_capacity(bulk.items.len()),
        positions: Vec::with_capacity(bulk.items.len()),
        count: ListCount {
            duplicates: bulk.duplicates,
            ..ListCount::default()
        },
    };
    for (i, item) in bulk.items.iter().enumerate() {
        match parse(i, item) {
            Ok((key, value)) => {
                if seen.insert(key) {
                    p.values.push(value);
                    p.positions.push(i);
                } else {
                    p.count.duplicates += 1;
                }
            }
            Err(v) => {
                p.count.invalid += 1;
                errors.push(v);
            }
        }
    }
    p.count.items = p.values.len();
    p
}

fn parse_error(path: String, rule: Rule, zh: &str, en: &str) -> Violation {
    Violation::error(path, rule, crate::ErrorCode::BAD_REQUEST.0, zh, en)
}

/// Rewrite `target_server.<list>[k]...` so `k` (request index) becomes the typed position.
fn remap_path(path: &mut String, list: &str, positions: &[usize]) {
    let prefix = format!("target_server.{list}[");
    let Some(rest) = path.strip_prefix(&prefix) else {
        return;
    };
    let Some(close) = rest.find(']') else { return };
    let Some(&pos) = rest[..close]
        .parse::<usize>()
        .ok()
        .and_then(|k| positions.get(k))
    else {
        return;
    };
    *path = format!("{prefix}{pos}{}", &rest[close..]);
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
        Ok(((cloud, ip.to_owned()), entry))
    });
    let groups = parse_list(&draft.dynamic_group_list, &mut errors, |_, s| {
        Ok((
            s.to_owned(),
            DynamicGroup {
                id: Some(s.to_owned()),
            },
        ))
    });
    let nodes = parse_list(&draft.topo_node_list, &mut errors, |i, s| {
        let (node_type, id) = s.split_once(':').unwrap_or(("module", s));
        match id.parse::<i64>() {
            Ok(id) => Ok((
                (node_type.to_owned(), id),
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
    let static_targets = if hosts.values.is_empty() {
        ips.values.len()
    } else {
        hosts.values.len()
    };
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

    // The shared rules, on the request the form would send.
    for mut v in rules::validate_request(&req, limits) {
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
    errors.extend(rules::check_target_count(static_targets, limits));

    DraftOutcome {
        request: errors.is_empty().then_some(req),
        errors,
        warnings,
        counts,
    }
}

/// BK-JOB's default job name: zh `快速执行脚本_yyyyMMddHHmmssSSS`, en
/// `Script Execution_yyyyMMddHHmmssSSS`. `now_ms_local` is milliseconds since the Unix epoch
/// *already shifted to local time* (the crate has no clock and no time zone database).
pub fn default_task_name(lang: Lang, now_ms_local: i64) -> String {
    let ms = now_ms_local.rem_euclid(1000);
    let secs = now_ms_local.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}_{y:04}{m:02}{d:02}{:02}{:02}{:02}{ms:03}",
        lang.pick("快速执行脚本", "Script Execution"),
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (era-based arithmetic).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}
