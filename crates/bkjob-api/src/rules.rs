//! The validation rules of `fast_execute_script`, written once and shared by the web form
//! ([`crate::draft`]) and the stand-in server.
//!
//! [`validate_request`] returns *every* violation, in the order BK-JOB checks them, so the
//! first [`Severity::Error`] (see [`first_error`]) is exactly what BK-JOB would answer:
//!
//! 1. bean validation (`api_code` 1240003, message = the violation's own text):
//!    scope (`bk_scope_type`, `bk_scope_id`, or `bk_biz_id` when that is used), `timeout`,
//!    `callback_url`, `windows_interpreter`, `task_name`, `script_content` size,
//!    `script_param` size, then each `ip_list`, `topo_node_list`, `dynamic_group_list` entry;
//! 2. handler checks: script source (1241004), `script_version_id` (1241005),
//!    `script_language` (1241005), `target_server` null (1241004), all lists empty (1244001),
//!    account (1241004).
//!
//! Warnings (`api_code` 0) sit at the position of the field they concern; a server skips them.
//!
//! Not here because they need server state: the scope interceptor (1241005 for an unknown
//! non-blank scope type — use [`scope_type_known`]; 1243049), permission (9900403), and the
//! service checks; [`check_target_count`] is provided for after host resolution.
//!
//! Trimming (as BK-JOB): IPs and `windows_interpreter` (for the suffix check) are trimmed;
//! blank means empty after trimming for `bk_scope_id`, `account_alias`, `node_type`, the
//! dynamic-group `id` and `callback_url`. Nothing else is trimmed here.

use serde::{Deserialize, Serialize};

use crate::encoding::decoded_len_from_base64_len;
use crate::error_code::ErrorCode;
use crate::lang::Lang;
use crate::status::ScriptLanguage;
use crate::types::{ApiResponse, DynamicGroup, FastExecuteScriptRequest, IpEntry, TopoNode};

/// BK-JOB's default timeout (seconds) when `timeout` is absent.
pub const DEFAULT_TIMEOUT: i64 = 7200;

/// Tunable limits; the defaults are BK-JOB's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Maximum `timeout` (seconds); BK-JOB 259200 (72 h), overridable per business.
    pub max_timeout: i64,
    /// Above this a warning is given: the docs' old limit 86400.
    pub warn_timeout_above: i64,
    /// Decoded `script_content` maximum in bytes (MySQL MEDIUMTEXT).
    pub max_script_content_bytes: usize,
    /// Decoded `script_param` maximum in bytes (MySQL TEXT).
    pub max_param_bytes: usize,
    /// Decoded sensitive `script_param` maximum (encryption inflates it).
    pub max_sensitive_param_bytes: usize,
    /// Maximum resolved target hosts (`job.execute.limit.script-task.max-target-server`).
    pub max_targets: usize,
    /// Maximum `task_name` length (UTF-16 units, as Java counts).
    pub max_task_name_chars: usize,
    /// Maximum `windows_interpreter` length (UTF-16 units, as Java counts).
    pub max_windows_interpreter_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_timeout: 259_200,
            warn_timeout_above: 86_400,
            max_script_content_bytes: 16_777_215,
            max_param_bytes: 65_535,
            max_sensitive_param_bytes: 48_128,
            max_targets: 50_000,
            max_task_name_chars: 512,
            max_windows_interpreter_chars: 260,
        }
    }
}

/// Error blocks the request; Warning is advice only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// BK-JOB would reject the request (or the form cannot build it).
    Error,
    /// Allowed, but probably not what the user meant.
    Warning,
}

/// Stable identifier of each rule (see [`Rule::code`]), for tests, UIs and logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[allow(missing_docs)] // each variant is documented by its code string
pub enum Rule {
    ScopeTypeInvalid,
    ScopeIdBlank,
    BizIdInvalid,
    TimeoutTooSmall,
    TimeoutRange,
    TimeoutAboveDocLimit,
    CallbackUrlInvalid,
    WindowsInterpreterTooLong,
    WindowsInterpreterSuffix,
    TaskNameTooLong,
    ScriptContentTooLong,
    ScriptParamTooLong,
    ScriptParamSensitiveTooLong,
    IpInvalid,
    CloudIdInvalid,
    TopoNodeIdMissing,
    TopoNodeTypeMissing,
    DynamicGroupIdMissing,
    ScriptSourceMissing,
    ScriptVersionIdInvalid,
    ScriptLanguageInvalid,
    TargetServerMissing,
    TargetEmpty,
    AccountMissing,
    TargetCountExceeded,
    // Form-only rules (typed text that cannot become the request).
    TimeoutNotInteger,
    ScriptVersionIdNotInteger,
    AccountIdNotInteger,
    HostIdNotPositive,
    CloudIdNotInteger,
    TopoNodeIdNotInteger,
    AccountAliasIgnored,
    IpListIgnored,
    WindowsInterpreterIgnored,
    // Companion APIs.
    JobInstanceIdInvalid,
    StepInstanceIdInvalid,
    LogHostMissing,
    OperateInvalid,
}

impl Rule {
    /// Stable dotted code, e.g. `timeout.range`, `ip_list.ip.invalid`.
    pub fn code(self) -> &'static str {
        use Rule::*;
        match self {
            ScopeTypeInvalid => "bk_scope_type.invalid",
            ScopeIdBlank => "bk_scope_id.blank",
            BizIdInvalid => "bk_biz_id.invalid",
            TimeoutTooSmall => "timeout.min",
            TimeoutRange => "timeout.range",
            TimeoutAboveDocLimit => "timeout.above_doc_limit",
            CallbackUrlInvalid => "callback_url.invalid",
            WindowsInterpreterTooLong => "windows_interpreter.too_long",
            WindowsInterpreterSuffix => "windows_interpreter.suffix",
            TaskNameTooLong => "task_name.too_long",
            ScriptContentTooLong => "script_content.too_long",
            ScriptParamTooLong => "script_param.too_long",
            ScriptParamSensitiveTooLong => "script_param.sensitive_too_long",
            IpInvalid => "ip_list.ip.invalid",
            CloudIdInvalid => "ip_list.bk_cloud_id.invalid",
            TopoNodeIdMissing => "topo_node_list.id.missing",
            TopoNodeTypeMissing => "topo_node_list.node_type.missing",
            DynamicGroupIdMissing => "dynamic_group_list.id.missing",
            ScriptSourceMissing => "script.source.missing",
            ScriptVersionIdInvalid => "script_version_id.invalid",
            ScriptLanguageInvalid => "script_language.invalid",
            TargetServerMissing => "target_server.missing",
            TargetEmpty => "target_server.empty",
            AccountMissing => "account.missing",
            TargetCountExceeded => "target_server.too_many",
            TimeoutNotInteger => "timeout.not_integer",
            ScriptVersionIdNotInteger => "script_version_id.not_integer",
            AccountIdNotInteger => "account_id.not_integer",
            HostIdNotPositive => "host_id_list.not_positive_integer",
            CloudIdNotInteger => "ip_list.bk_cloud_id.not_integer",
            TopoNodeIdNotInteger => "topo_node_list.id.not_integer",
            AccountAliasIgnored => "account_alias.ignored",
            IpListIgnored => "ip_list.ignored",
            WindowsInterpreterIgnored => "windows_interpreter.ignored",
            JobInstanceIdInvalid => "job_instance_id.invalid",
            StepInstanceIdInvalid => "step_instance_id.invalid",
            LogHostMissing => "log.hosts.invalid",
            OperateInvalid => "operate.invalid",
        }
    }
}

/// One broken rule, located by a JSON-ish path into the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Where, e.g. `target_server.ip_list[2].ip`, `timeout`,
    /// `script_version_id|script_id|script_content`.
    pub path: String,
    /// Which rule.
    pub rule: Rule,
    /// Error or warning.
    pub severity: Severity,
    /// The envelope code BK-JOB answers (1240003, 1241004, ...); 0 for warnings.
    pub api_code: i64,
    /// Chinese text; for 1240003 BK-JOB's validation text, otherwise the envelope message.
    pub zh: String,
    /// English text, same conventions.
    pub en: String,
    /// Form field override set by [`crate::draft`] (e.g. which script-source field is meant);
    /// `None` means derive it from `path` (see [`Violation::field`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_field: Option<String>,
}

impl Violation {
    /// An error with the given texts.
    pub fn error(
        path: impl Into<String>,
        rule: Rule,
        api_code: i64,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Violation {
            path: path.into(),
            rule,
            severity: Severity::Error,
            api_code,
            zh: zh.into(),
            en: en.into(),
            form_field: None,
        }
    }

    /// A warning (api_code 0).
    pub fn warning(
        path: impl Into<String>,
        rule: Rule,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Violation {
            severity: Severity::Warning,
            ..Violation::error(path, rule, 0, zh, en)
        }
    }

    /// A bean-validation error (code 1240003).
    fn bean(
        path: impl Into<String>,
        rule: Rule,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Violation::error(path, rule, ErrorCode::BAD_REQUEST.0, zh, en)
    }

    /// A handler error whose texts are `code`'s envelope message with `arg`.
    fn handler(path: &str, rule: Rule, code: ErrorCode, args: &[&str]) -> Self {
        Violation::error(
            path,
            rule,
            code.0,
            code.message(Lang::ZhCn, args),
            code.message(Lang::En, args),
        )
    }

    /// The text in `lang` (for errors: exactly what BK-JOB puts in `message`).
    pub fn message(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }

    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The top-level web-form field ([`crate::draft::Draft`] field name) this violation
    /// belongs to: `target_server.ip_list[2].ip` → `ip_list`, `bk_scope_id` → `scope_id`,
    /// `account_id|account_alias` → `account_alias`; [`Violation::form_field`] wins if set.
    pub fn field(&self) -> &str {
        match &self.form_field {
            Some(f) => f,
            None => field_for_path(&self.path),
        }
    }

    /// The failure envelope BK-JOB would send for this violation.
    pub fn to_response<T>(&self, lang: Lang, job_request_id: Option<String>) -> ApiResponse<T> {
        ApiResponse::err(self.api_code, self.message(lang), job_request_id)
    }
}

/// Map a violation path to a [`crate::draft::Draft`] field name (see [`Violation::field`]).
pub fn field_for_path(path: &str) -> &str {
    let p = path.strip_prefix("target_server.").unwrap_or(path);
    let head = p.split(['.', '[']).next().unwrap_or(p);
    match head {
        "bk_scope_type" => "scope_type",
        "bk_scope_id" | "bk_biz_id" => "scope_id",
        "account_id|account_alias" => "account_alias",
        "script_version_id|script_id|script_content" => "script_content",
        other => other,
    }
}

/// The first error (what BK-JOB answers), skipping warnings.
pub fn first_error(violations: &[Violation]) -> Option<&Violation> {
    violations.iter().find(|v| v.is_error())
}

fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn java_len(s: &str) -> usize {
    s.encode_utf16().count()
}

// ---------------------------------------------------------------------------------------------
// Scope

/// Scope types BK-JOB's interceptor knows. A non-blank type outside this set (with a
/// non-blank scope id) is answered 1241005 `请求参数[bk_scope_type]不合法` before validation.
pub fn scope_type_known(scope_type: &str) -> bool {
    matches!(scope_type, "biz" | "biz_set" | "tenant_set")
}

/// Legacy `bk_biz_id` values in 8000000..=9999999 denote business sets.
pub fn is_biz_set_id(bk_biz_id: i64) -> bool {
    (8_000_000..=9_999_999).contains(&bk_biz_id)
}

/// `bk_scope_type` must be `biz` or `biz_set` (checked when `bk_biz_id` is absent).
pub fn check_scope_type(scope_type: Option<&str>) -> Option<Violation> {
    match scope_type {
        Some("biz") | Some("biz_set") => None,
        _ => Some(Violation::bean(
            "bk_scope_type",
            Rule::ScopeTypeInvalid,
            "非法的资源范围类型",
            "Invalid bk_scope_type",
        )),
    }
}

/// `bk_scope_id` must not be blank (checked when `bk_biz_id` is absent).
pub fn check_scope_id(scope_id: Option<&str>) -> Option<Violation> {
    match scope_id {
        Some(s) if !is_blank(s) => None,
        _ => Some(Violation::bean(
            "bk_scope_id",
            Rule::ScopeIdBlank,
            "非法的资源范围 ID",
            "Invalid bk_scope_id",
        )),
    }
}

/// `bk_biz_id` must be ≥ 1 when it is used.
pub fn check_biz_id(bk_biz_id: i64) -> Option<Violation> {
    (bk_biz_id < 1).then(|| {
        Violation::bean(
            "bk_biz_id",
            Rule::BizIdInvalid,
            "非法的业务 ID",
            "Invalid bk_biz_id",
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Timeout

/// `timeout` must be in `1..=max_timeout`; above `warn_timeout_above` a warning (the docs'
/// old 86400 limit; BK-JOB accepts it now).
pub fn check_timeout(timeout: i64, limits: &Limits) -> Option<Violation> {
    if timeout < 1 {
        Some(Violation::bean(
            "timeout",
            Rule::TimeoutTooSmall,
            "作业超时时间必须大于等于1",
            "Job timeout must be greater or equal than 1",
        ))
    } else if timeout > limits.max_timeout {
        let max = limits.max_timeout;
        Some(Violation::bean(
            "timeout",
            Rule::TimeoutRange,
            format!("作业超时时间必须在1-{max}之间"),
            format!("Job timeout must be between 1 and {max}"),
        ))
    } else if timeout > limits.warn_timeout_above {
        let (doc, max) = (limits.warn_timeout_above, limits.max_timeout);
        Some(Violation::warning(
            "timeout",
            Rule::TimeoutAboveDocLimit,
            format!("超时时间超过 {doc} 秒（文档中的旧上限），仅当 BK-JOB 允许最大 {max} 秒时可用"),
            format!("Timeout above {doc} s (the documented old limit); works only where BK-JOB allows up to {max} s"),
        ))
    } else {
        None
    }
}

/// The timeout BK-JOB actually uses: absent → 7200; out of range → the maximum.
pub fn effective_timeout(timeout: Option<i64>, limits: &Limits) -> i64 {
    match timeout {
        None => DEFAULT_TIMEOUT,
        Some(t) if t <= 0 || t > limits.max_timeout => limits.max_timeout,
        Some(t) => t,
    }
}

// ---------------------------------------------------------------------------------------------
// Callback URL

/// Why a callback URL is rejected (the form may show it; BK-JOB has one message for all).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallbackUrlError {
    /// Whitespace or control characters.
    Whitespace,
    /// Not `http://` or `https://`.
    Scheme,
    /// Empty or malformed host.
    Host,
    /// Contains `user:pass@`.
    UserInfo,
    /// Port not a number in 1..=65535.
    Port,
    /// A character a Java `URI` refuses in path/query/fragment.
    IllegalChar,
}

/// BK-JOB's URL checks without the (default-off) whitelist: blank is allowed (no callback);
/// otherwise `http`/`https` (any case) + `://` + a non-empty host (DNS name, IPv4 or
/// `[IPv6]`), no `user@`, optional port 1..=65535, no whitespace, no characters Java's `URI`
/// rejects (`"<>\^`{|}` and bad `%` escapes). A tiny parser on purpose (no `url` crate).
pub fn check_callback_url(url: &str) -> Result<(), CallbackUrlError> {
    if is_blank(url) {
        return Ok(());
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(CallbackUrlError::Whitespace);
    }
    let (scheme, rest) = url.split_once("://").ok_or(CallbackUrlError::Scheme)?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(CallbackUrlError::Scheme);
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return Err(CallbackUrlError::UserInfo);
    }
    let (host_ok, port) = if let Some(inner) = authority.strip_prefix('[') {
        let close = inner.find(']').ok_or(CallbackUrlError::Host)?;
        let host = &inner[..close];
        let ok = host.contains(':')
            && host
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
        let after = &inner[close + 1..];
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or(CallbackUrlError::Host)?),
        };
        (ok, port)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        (is_hostname(host), port)
    };
    if !host_ok {
        return Err(CallbackUrlError::Host);
    }
    if let Some(p) = port {
        let valid = !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && matches!(p.parse::<u32>(), Ok(1..=65_535));
        if !valid {
            return Err(CallbackUrlError::Port);
        }
    }
    check_uri_tail(tail)
}

fn is_hostname(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').enumerate().all(|(i, label)| {
            // A trailing dot (empty last label) is legal; other empty labels are not.
            (label.is_empty() && i > 0 && host.ends_with('.') && host.len() > 1)
                || (!label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        })
        && !host.contains("..")
}

fn check_uri_tail(tail: &str) -> Result<(), CallbackUrlError> {
    let b = tail.as_bytes();
    let mut hashes = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}' | b'[' | b']' => {
                return Err(CallbackUrlError::IllegalChar)
            }
            b'#' => {
                hashes += 1;
                if hashes > 1 {
                    return Err(CallbackUrlError::IllegalChar);
                }
            }
            b'%' => {
                let ok =
                    b.len() > i + 2 && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit();
                if !ok {
                    return Err(CallbackUrlError::IllegalChar);
                }
                i += 2;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// `callback_url` as a violation (1240003, BK-JOB's single message).
pub fn callback_url_violation(url: &str) -> Option<Violation> {
    check_callback_url(url)
        .err()
        .map(|_| callback_url_refused())
}

/// BK-JOB's one callback violation, also for a well-formed URL a server refuses (an address
/// not in its allowed list).
pub fn callback_url_refused() -> Violation {
    Violation::bean(
        "callback_url",
        Rule::CallbackUrlInvalid,
        "回调地址不合法或不在允许列表中，请联系平台管理员添加",
        "Callback url is invalid or not in the allowed list, please contact the platform administrator to add it",
    )
}

// ---------------------------------------------------------------------------------------------
// Windows interpreter, task name

/// `windows_interpreter`: blank is fine; longer than the limit (UTF-16 units of the raw
/// value) fails first; otherwise the trimmed value must end with `.exe` (case-sensitive,
/// as the message states the literal suffix).
pub fn check_windows_interpreter(value: &str, limits: &Limits) -> Option<Violation> {
    let max = limits.max_windows_interpreter_chars;
    if java_len(value) > max {
        return Some(Violation::bean(
            "windows_interpreter",
            Rule::WindowsInterpreterTooLong,
            format!("Windows解释器路径长度不可超过{max}字符"),
            format!("Windows interpreter path length cannot exceed {max} chars"),
        ));
    }
    let t = value.trim();
    if !t.is_empty() && !t.ends_with(".exe") {
        return Some(Violation::bean(
            "windows_interpreter",
            Rule::WindowsInterpreterSuffix,
            "windows_interpreter 必须以指定后缀结尾: .exe",
            "windows_interpreter must end with suffix: .exe",
        ));
    }
    None
}

/// `task_name` at most `max_task_name_chars` UTF-16 units (BK-JOB v4's rule; v3 would fail
/// later with 1240002).
pub fn check_task_name(name: &str, limits: &Limits) -> Option<Violation> {
    let max = limits.max_task_name_chars;
    (java_len(name) > max).then(|| {
        Violation::bean(
            "task_name",
            Rule::TaskNameTooLong,
            format!("作业名称不能超过 {max} 个字符"),
            format!("Job name cannot exceed {max} characters"),
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Sizes

/// Decoded `script_content` size (estimated from the Base64 length) must fit MEDIUMTEXT.
pub fn check_script_content_size(b64: &str, limits: &Limits) -> Option<Violation> {
    let max = limits.max_script_content_bytes;
    (decoded_len_from_base64_len(b64) > max).then(|| {
        Violation::bean(
            "script_content",
            Rule::ScriptContentTooLong,
            format!("script_content 字段过长 limit:MEDIUMTEXT({max})"),
            format!("script_content Field content too long limit:MEDIUMTEXT({max})"),
        )
    })
}

/// Byte limit for the decoded `script_param`: sensitive params are encrypted, so smaller.
pub fn script_param_limit(sensitive: bool, limits: &Limits) -> usize {
    if sensitive {
        limits.max_sensitive_param_bytes
    } else {
        limits.max_param_bytes
    }
}

/// Decoded `script_param` size check; `sensitive` is `is_param_sensitive == Some(1)`.
/// (BK-JOB's English text really glues "script_param" to "Field".)
pub fn check_script_param_size(b64: &str, sensitive: bool, limits: &Limits) -> Option<Violation> {
    let max = script_param_limit(sensitive, limits);
    if decoded_len_from_base64_len(b64) <= max {
        return None;
    }
    Some(if sensitive {
        Violation::bean(
            "script_param",
            Rule::ScriptParamSensitiveTooLong,
            format!("script_param加密后超出存储限制，最大支持{max}字节"),
            format!("script_param encryption exceeds the storage limit, maximum support for {max} bytes"),
        )
    } else {
        Violation::bean(
            "script_param",
            Rule::ScriptParamTooLong,
            format!("script_param字段过长 limit:TEXT({max})"),
            format!("script_paramField content too long limit:TEXT({max})"),
        )
    })
}

/// What BK-JOB does with a decoded parameter: `\n` → space; blank → dropped (`None`).
pub fn normalize_script_param(decoded: &str) -> Option<String> {
    let s = decoded.replace('\n', " ");
    (!is_blank(&s)).then_some(s)
}

// ---------------------------------------------------------------------------------------------
// Targets

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
        Violation::handler(
            "target_server",
            Rule::TargetCountExceeded,
            ErrorCode::TOO_MANY_TARGETS,
            &[&limits.max_targets.to_string()],
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Handler checks

fn non_empty(s: &Option<String>) -> bool {
    s.as_deref().is_some_and(|s| !s.is_empty())
}

/// None of `script_version_id`, non-empty `script_id`, non-empty `script_content` → 1241004.
pub fn check_script_source(req: &FastExecuteScriptRequest) -> Option<Violation> {
    let present = req.script_version_id.is_some()
        || non_empty(&req.script_id)
        || non_empty(&req.script_content);
    (!present).then(|| {
        let name = "script_version_id|script_id|script_content";
        Violation::handler(
            name,
            Rule::ScriptSourceMissing,
            ErrorCode::MISSING_PARAM_WITH_NAME,
            &[name],
        )
    })
}

/// `script_version_id` present and < 1 → 1241005.
pub fn check_script_version_id(script_version_id: Option<i64>) -> Option<Violation> {
    script_version_id.is_some_and(|v| v < 1).then(|| {
        Violation::handler(
            "script_version_id",
            Rule::ScriptVersionIdInvalid,
            ErrorCode::ILLEGAL_PARAM_WITH_NAME,
            &["script_version_id"],
        )
    })
}

/// With non-empty `script_content`, `script_language` must be 1..=6 → else 1241005.
pub fn check_script_language(req: &FastExecuteScriptRequest) -> Option<Violation> {
    let bad = non_empty(&req.script_content)
        && req
            .script_language
            .and_then(ScriptLanguage::from_code)
            .is_none();
    bad.then(|| {
        Violation::handler(
            "script_language",
            Rule::ScriptLanguageInvalid,
            ErrorCode::ILLEGAL_PARAM_WITH_NAME,
            &["script_language"],
        )
    })
}

/// `target_server` null → 1241004; all four lists empty → 1244001.
pub fn check_target_server(req: &FastExecuteScriptRequest) -> Option<Violation> {
    match &req.target_server {
        None => Some(Violation::handler(
            "target_server",
            Rule::TargetServerMissing,
            ErrorCode::MISSING_PARAM_WITH_NAME,
            &["target_server"],
        )),
        Some(t) if t.is_empty() => Some(Violation::handler(
            "target_server",
            Rule::TargetEmpty,
            ErrorCode::HOST_EMPTY,
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
        Violation::handler(
            name,
            Rule::AccountMissing,
            ErrorCode::MISSING_PARAM_WITH_NAME,
            &[name],
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Companion APIs (contract §5)

/// Most hosts one `batch_get_job_instance_ip_log` call may ask for.
pub const MAX_BATCH_LOG_HOSTS: usize = 500;

/// `get_job_instance_status`: `job_instance_id` null or < 1 → 1241007.
pub fn check_status_job_instance_id(job_instance_id: Option<i64>) -> Option<Violation> {
    job_instance_id.is_none_or(|id| id < 1).then(|| {
        Violation::handler(
            "job_instance_id",
            Rule::JobInstanceIdInvalid,
            ErrorCode::MISSING_OR_ILLEGAL_PARAM_WITH_NAME,
            &["job_instance_id"],
        )
    })
}

/// Log APIs: `job_instance_id` and `step_instance_id` must be ≥ 1 (bean validation, 1240003),
/// job first.
pub fn check_log_ids(
    job_instance_id: Option<i64>,
    step_instance_id: Option<i64>,
) -> Vec<Violation> {
    let mut out = Vec::new();
    if job_instance_id.is_none_or(|id| id < 1) {
        out.push(Violation::bean(
            "job_instance_id",
            Rule::JobInstanceIdInvalid,
            "任务实例ID必须为正整数",
            "Job instance id must be a positive number",
        ));
    }
    if step_instance_id.is_none_or(|id| id < 1) {
        out.push(Violation::bean(
            "step_instance_id",
            Rule::StepInstanceIdInvalid,
            "步骤实例ID必须为正整数",
            "Step instance id must be a positive number",
        ));
    }
    out
}

/// `get_job_instance_ip_log`: `bk_host_id`, or `bk_cloud_id` + non-blank `ip` → else 1241007.
pub fn check_ip_log_host(
    bk_host_id: Option<i64>,
    bk_cloud_id: Option<i64>,
    ip: Option<&str>,
) -> Option<Violation> {
    let ok = bk_host_id.is_some() || (bk_cloud_id.is_some() && ip.is_some_and(|ip| !is_blank(ip)));
    (!ok).then(|| {
        let name = "host_id/(bk_cloud_id+ip)";
        Violation::handler(
            name,
            Rule::LogHostMissing,
            ErrorCode::MISSING_OR_ILLEGAL_PARAM_WITH_NAME,
            &[name],
        )
    })
}

/// `batch_get_job_instance_ip_log`: the list used (host IDs win over IPs) must be non-empty
/// and at most [`MAX_BATCH_LOG_HOSTS`] → else 1241007.
pub fn check_batch_log_hosts(host_id_count: usize, ip_count: usize) -> Option<Violation> {
    let n = if host_id_count > 0 {
        host_id_count
    } else {
        ip_count
    };
    (n == 0 || n > MAX_BATCH_LOG_HOSTS).then(|| {
        let name = "host_id_list/ip_list";
        Violation::handler(
            name,
            Rule::LogHostMissing,
            ErrorCode::MISSING_OR_ILLEGAL_PARAM_WITH_NAME,
            &[name],
        )
    })
}

/// `operate_job_instance`: `job_instance_id` > 0 and `operation_code` 1 or 2 → else 1241002.
pub fn check_operate_request(
    job_instance_id: Option<i64>,
    operation_code: Option<i32>,
) -> Option<Violation> {
    let ok = job_instance_id.is_some_and(|id| id > 0)
        && operation_code
            .and_then(crate::status::OperationCode::from_code)
            .is_some();
    (!ok).then(|| {
        Violation::handler(
            "operation_code",
            Rule::OperateInvalid,
            ErrorCode::ILLEGAL_PARAM,
            &[],
        )
    })
}

/// Every violation of `req`, in BK-JOB's order (see the module docs). Never panics.
pub fn validate_request(req: &FastExecuteScriptRequest, limits: &Limits) -> Vec<Violation> {
    let mut out = Vec::new();
    // Bean validation. Which scope fields are validated depends on bk_biz_id, as BK-JOB's
    // validation groups do: bk_biz_id present → only it; absent → scope type and id.
    match req.bk_biz_id {
        Some(id) => out.extend(check_biz_id(id)),
        None => {
            out.extend(check_scope_type(req.bk_scope_type.as_deref()));
            out.extend(check_scope_id(req.bk_scope_id.as_deref()));
        }
    }
    if let Some(t) = req.timeout {
        out.extend(check_timeout(t, limits));
    }
    if let Some(u) = &req.callback_url {
        out.extend(callback_url_violation(u));
    }
    if let Some(w) = &req.windows_interpreter {
        out.extend(check_windows_interpreter(w, limits));
    }
    if let Some(n) = &req.task_name {
        out.extend(check_task_name(n, limits));
    }
    if let Some(c) = &req.script_content {
        out.extend(check_script_content_size(c, limits));
    }
    if let Some(p) = &req.script_param {
        out.extend(check_script_param_size(
            p,
            req.is_param_sensitive == Some(1),
            limits,
        ));
    }
    if let Some(t) = &req.target_server {
        for (i, e) in t.ip_list.iter().flatten().enumerate() {
            out.extend(check_ip_entry(i, e));
        }
        for (i, n) in t.topo_node_list.iter().flatten().enumerate() {
            out.extend(check_topo_node(i, n));
        }
        for (i, g) in t.dynamic_group_list.iter().flatten().enumerate() {
            out.extend(check_dynamic_group(i, g));
        }
    }
    // Handler checks.
    out.extend(check_script_source(req));
    out.extend(check_script_version_id(req.script_version_id));
    out.extend(check_script_language(req));
    out.extend(check_target_server(req));
    out.extend(check_account(req.account_id, req.account_alias.as_deref()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::TargetServer;

    fn l() -> Limits {
        Limits::default()
    }

    /// A request that passes every rule.
    fn good() -> FastExecuteScriptRequest {
        FastExecuteScriptRequest {
            bk_scope_type: Some("biz".into()),
            bk_scope_id: Some("2".into()),
            script_content: Some("ZWNobyAkMQ==".into()),
            script_language: Some(1),
            account_alias: Some("root".into()),
            target_server: Some(TargetServer {
                host_id_list: Some(vec![101]),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn rules_of(req: &FastExecuteScriptRequest) -> Vec<Rule> {
        validate_request(req, &l()).iter().map(|v| v.rule).collect()
    }

    #[test]
    fn good_request_passes() {
        assert!(validate_request(&good(), &l()).is_empty());
    }

    #[test]
    fn scope_rules() {
        assert!(check_scope_type(Some("biz")).is_none());
        assert!(check_scope_type(Some("biz_set")).is_none());
        let v = check_scope_type(Some("tenant_set")).unwrap();
        assert_eq!(
            (v.api_code, v.zh.as_str()),
            (1_240_003, "非法的资源范围类型")
        );
        assert!(check_scope_type(None).is_some());
        assert!(check_scope_type(Some("BIZ")).is_some());
        assert!(check_scope_id(Some("2")).is_none());
        assert_eq!(
            check_scope_id(Some("  ")).unwrap().en,
            "Invalid bk_scope_id"
        );
        assert!(check_scope_id(None).is_some());
        assert!(check_biz_id(1).is_none());
        assert_eq!(check_biz_id(0).unwrap().zh, "非法的业务 ID");
        assert!(scope_type_known("tenant_set") && scope_type_known("biz"));
        assert!(!scope_type_known("foo") && !scope_type_known(""));
        assert!(is_biz_set_id(9_999_999) && !is_biz_set_id(2));
        // bk_biz_id replaces the scope fields in validation.
        let mut r = good();
        r.bk_scope_type = None;
        r.bk_scope_id = None;
        r.bk_biz_id = Some(2);
        assert!(validate_request(&r, &l()).is_empty());
        r.bk_biz_id = Some(-1);
        assert_eq!(rules_of(&r), vec![Rule::BizIdInvalid]);
    }

    #[test]
    fn timeout_rules() {
        assert!(check_timeout(1, &l()).is_none());
        assert!(check_timeout(86_400, &l()).is_none());
        let v = check_timeout(0, &l()).unwrap();
        assert_eq!(
            (v.rule, v.zh.as_str()),
            (Rule::TimeoutTooSmall, "作业超时时间必须大于等于1")
        );
        let v = check_timeout(259_201, &l()).unwrap();
        assert_eq!(v.zh, "作业超时时间必须在1-259200之间");
        assert_eq!(v.en, "Job timeout must be between 1 and 259200");
        assert_eq!(v.rule.code(), "timeout.range");
        let w = check_timeout(259_200, &l()).unwrap();
        assert_eq!((w.severity, w.api_code), (Severity::Warning, 0));
        assert_eq!(effective_timeout(None, &l()), 7200);
        assert_eq!(effective_timeout(Some(0), &l()), 259_200);
        assert_eq!(effective_timeout(Some(60), &l()), 60);
        // A warning never hides the request's validity.
        let mut r = good();
        r.timeout = Some(100_000);
        let vs = validate_request(&r, &l());
        assert_eq!(vs.len(), 1);
        assert!(first_error(&vs).is_none());
    }

    #[test]
    fn callback_url_accepts() {
        for u in [
            "",
            "   ",
            "http://a.example.com/cb",
            "HTTPS://example.com:8443/x?y=1#f",
            "http://10.0.0.1:80",
            "http://[::1]:8080/cb",
            "http://localhost",
            "http://example.com./x%20y",
            "https://例子.com/中文"
                .replace("例子.", "xn--fsqu00a.")
                .as_str(),
        ] {
            assert_eq!(check_callback_url(u), Ok(()), "{u}");
            assert!(callback_url_violation(u).is_none());
        }
    }

    #[test]
    fn callback_url_rejects() {
        use CallbackUrlError::*;
        for (u, e) in [
            ("ftp://x.com", Scheme),
            ("example.com/cb", Scheme),
            ("http:/x.com", Scheme),
            ("http://", Host),
            ("http:///path", Host),
            ("http://user:pw@x.com/", UserInfo),
            ("http://x.com:0/", Port),
            ("http://x.com:65536/", Port),
            ("http://x.com:/", Port),
            ("http://x.com:80a/", Port),
            ("http://x .com/", Whitespace),
            (" http://x.com", Whitespace),
            ("http://x_y.com/", Host),
            ("http://-x.com/", Host),
            ("http://a..b/", Host),
            ("http://[zz]/", Host),
            ("http://x.com/a|b", IllegalChar),
            ("http://x.com/%zz", IllegalChar),
            ("http://x.com/#a#b", IllegalChar),
        ] {
            assert_eq!(check_callback_url(u), Err(e), "{u}");
        }
        let v = callback_url_violation("ftp://x").unwrap();
        assert_eq!(v.zh, "回调地址不合法或不在允许列表中，请联系平台管理员添加");
    }

    #[test]
    fn windows_interpreter_rules() {
        assert!(check_windows_interpreter(r"C:\Python3\python.exe", &l()).is_none());
        assert!(check_windows_interpreter(r"  C:\a.exe  ", &l()).is_none());
        assert!(check_windows_interpreter("", &l()).is_none());
        let v = check_windows_interpreter(r"C:\python", &l()).unwrap();
        assert_eq!(v.en, "windows_interpreter must end with suffix: .exe");
        assert_eq!(v.zh, "windows_interpreter 必须以指定后缀结尾: .exe");
        let long = format!(r"C:\{}.exe", "a".repeat(260));
        let v = check_windows_interpreter(&long, &l()).unwrap();
        assert_eq!(v.rule, Rule::WindowsInterpreterTooLong);
        assert_eq!(v.zh, "Windows解释器路径长度不可超过260字符");
    }

    #[test]
    fn task_name_rule() {
        assert!(check_task_name(&"名".repeat(512), &l()).is_none());
        let v = check_task_name(&"a".repeat(513), &l()).unwrap();
        assert_eq!(v.rule.code(), "task_name.too_long");
    }

    #[test]
    fn size_rules() {
        let small = Limits {
            max_script_content_bytes: 3,
            max_param_bytes: 5,
            max_sensitive_param_bytes: 4,
            ..l()
        };
        assert!(check_script_content_size("YWJj", &small).is_none());
        let v = check_script_content_size("YWJjZA==", &small).unwrap();
        assert_eq!(v.zh, "script_content 字段过长 limit:MEDIUMTEXT(3)");
        assert_eq!(
            v.en,
            "script_content Field content too long limit:MEDIUMTEXT(3)"
        );
        // "hello" is 5 bytes: fits the plain limit, not the sensitive one.
        assert!(check_script_param_size("aGVsbG8=", false, &small).is_none());
        let v = check_script_param_size("aGVsbG8=", true, &small).unwrap();
        assert_eq!(v.zh, "script_param加密后超出存储限制，最大支持4字节");
        let v = check_script_param_size("aGVsbG8h", false, &small).unwrap();
        assert_eq!(v.en, "script_paramField content too long limit:TEXT(5)");
        assert_eq!(script_param_limit(true, &l()), 48_128);
        assert_eq!(script_param_limit(false, &l()), 65_535);
        // Through validate_request, is_param_sensitive must be exactly 1.
        let mut r = good();
        r.script_param = Some("aGVsbG8=".into());
        r.is_param_sensitive = Some(2);
        assert!(validate_request(&r, &small)
            .iter()
            .all(|v| v.rule != Rule::ScriptParamSensitiveTooLong));
        r.is_param_sensitive = Some(1);
        assert!(validate_request(&r, &small)
            .iter()
            .any(|v| v.rule == Rule::ScriptParamSensitiveTooLong));
        assert_eq!(normalize_script_param("a\nb"), Some("a b".into()));
        assert_eq!(normalize_script_param(" \n "), None);
    }

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
    fn script_source_rules() {
        let mut r = good();
        r.script_content = Some(String::new());
        r.script_id = Some(String::new());
        let v = check_script_source(&r).unwrap();
        assert_eq!(v.api_code, 1_241_004);
        assert_eq!(
            v.zh,
            "请求参数[script_version_id|script_id|script_content]缺失"
        );
        assert_eq!(
            v.en,
            "Missing request parameter [script_version_id|script_id|script_content]"
        );
        r.script_id = Some("7".into());
        assert!(check_script_source(&r).is_none());
        r.script_id = None;
        r.script_version_id = Some(0);
        assert!(check_script_source(&r).is_none());
        let v = check_script_version_id(Some(0)).unwrap();
        assert_eq!(
            (v.api_code, v.zh.as_str()),
            (1_241_005, "请求参数[script_version_id]不合法")
        );
        assert!(check_script_version_id(Some(1)).is_none());
        assert!(check_script_version_id(None).is_none());
    }

    #[test]
    fn script_language_rule() {
        let mut r = good();
        assert!(check_script_language(&r).is_none());
        r.script_language = Some(6);
        assert!(check_script_language(&r).is_none());
        r.script_language = Some(7);
        let v = check_script_language(&r).unwrap();
        assert_eq!(v.en, "Invalid request parameter [script_language]");
        r.script_language = None;
        assert!(check_script_language(&r).is_some());
        // Checked even when a version ID is also given.
        r.script_version_id = Some(5);
        assert!(check_script_language(&r).is_some());
        r.script_content = None;
        assert!(check_script_language(&r).is_none());
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

    #[test]
    fn order_is_bk_jobs() {
        let r = FastExecuteScriptRequest {
            bk_scope_type: Some("nope".into()),
            bk_scope_id: Some(" ".into()),
            timeout: Some(0),
            callback_url: Some("ftp://x".into()),
            windows_interpreter: Some("cmd".into()),
            task_name: Some("n".repeat(600)),
            script_content: Some(String::new()),
            script_version_id: Some(-3),
            target_server: Some(TargetServer {
                ip_list: Some(vec![IpEntry {
                    bk_cloud_id: None,
                    ip: Some("x".into()),
                }]),
                topo_node_list: Some(vec![TopoNode::default()]),
                dynamic_group_list: Some(vec![DynamicGroup::default()]),
                ..Default::default()
            }),
            ..Default::default()
        };
        let got: Vec<&str> = validate_request(&r, &l())
            .iter()
            .map(|v| v.rule.code())
            .collect();
        assert_eq!(
            got,
            vec![
                "bk_scope_type.invalid",
                "bk_scope_id.blank",
                "timeout.min",
                "callback_url.invalid",
                "windows_interpreter.suffix",
                "task_name.too_long",
                "ip_list.ip.invalid",
                "ip_list.bk_cloud_id.invalid",
                "topo_node_list.id.missing",
                "topo_node_list.node_type.missing",
                "dynamic_group_list.id.missing",
                "script_version_id.invalid",
                "account.missing",
            ]
        );
        let vs = validate_request(&r, &l());
        let first = first_error(&vs).unwrap();
        let resp: ApiResponse<()> = first.to_response(Lang::ZhCn, Some("rid".into()));
        assert_eq!(resp.code, 1_240_003);
        assert_eq!(resp.message.as_deref(), Some("非法的资源范围类型"));
        // Handler order when bean validation passes.
        let h = FastExecuteScriptRequest {
            bk_scope_type: Some("biz".into()),
            bk_scope_id: Some("1".into()),
            ..Default::default()
        };
        assert_eq!(
            rules_of(&h),
            vec![
                Rule::ScriptSourceMissing,
                Rule::TargetServerMissing,
                Rule::AccountMissing
            ]
        );
    }

    #[test]
    fn field_mapping() {
        assert_eq!(field_for_path("target_server.ip_list[2].ip"), "ip_list");
        assert_eq!(
            field_for_path("target_server.host_id_list[3]"),
            "host_id_list"
        );
        assert_eq!(field_for_path("timeout"), "timeout");
        assert_eq!(field_for_path("bk_scope_type"), "scope_type");
        assert_eq!(field_for_path("bk_biz_id"), "scope_id");
        assert_eq!(field_for_path("target_server"), "target_server");
        assert_eq!(field_for_path("account_id|account_alias"), "account_alias");
        let mut v = check_script_source(&FastExecuteScriptRequest::default()).unwrap();
        assert_eq!(v.field(), "script_content");
        v.form_field = Some("script_id".into());
        assert_eq!(v.field(), "script_id");
        assert_eq!(v.message(Lang::En), v.en);
    }
    #[test]
    fn companion_rules() {
        assert!(check_status_job_instance_id(Some(1)).is_none());
        let v = check_status_job_instance_id(Some(0)).unwrap();
        assert_eq!(
            (v.api_code, v.zh.as_str()),
            (1_241_007, "请求参数[job_instance_id]缺失或不合法")
        );
        assert!(check_status_job_instance_id(None).is_some());
        assert!(check_log_ids(Some(1), Some(2)).is_empty());
        let v = check_log_ids(None, Some(0));
        assert_eq!(v[0].en, "Job instance id must be a positive number");
        assert_eq!(v[1].zh, "步骤实例ID必须为正整数");
        assert!(check_ip_log_host(Some(1), None, None).is_none());
        assert!(check_ip_log_host(None, Some(0), Some("1.1.1.1")).is_none());
        let v = check_ip_log_host(None, Some(0), Some(" ")).unwrap();
        assert_eq!(v.zh, "请求参数[host_id/(bk_cloud_id+ip)]缺失或不合法");
        assert!(check_batch_log_hosts(500, 0).is_none());
        assert!(check_batch_log_hosts(0, 3).is_none());
        assert!(check_batch_log_hosts(2, 900).is_none());
        let v = check_batch_log_hosts(0, 0).unwrap();
        assert_eq!(
            v.en,
            "Missing or invalid request parameter [host_id_list/ip_list]"
        );
        assert!(check_batch_log_hosts(501, 0).is_some());
        assert!(check_operate_request(Some(1), Some(2)).is_none());
        let v = check_operate_request(Some(1), Some(3)).unwrap();
        assert_eq!((v.api_code, v.zh.as_str()), (1_241_002, "请求参数不合法"));
        assert!(check_operate_request(None, Some(1)).is_some());
    }
}
