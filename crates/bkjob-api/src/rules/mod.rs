//! The validation rules of `fast_execute_script`, written once and shared by the web form
//! ([`crate::draft`]) and the stand-in server.
//!
//! [`validate_request`] returns *every* violation, in the order BK-JOB checks them, so the
//! first [`Severity::Error`] (see [`first_error`]) is exactly what BK-JOB would answer:
//!
//! 1. bean validation (`api_code` 1240003, message = the violation's own text):
//!    scope (`bk_scope_type`, `bk_scope_id`, or `bk_biz_id` when that is used), `timeout`,
//!    `callback_url`, `windows_interpreter`, `task_name`, `script_content` size,
//!    `script_param` size, then each `ip_list`, `topo_node_list`, `dynamic_group_list` entry,
//!    then `rolling_config` ([`crate::rolling::check_rolling_config`]);
//! 2. handler checks: script source (1241004), `script_version_id` (1241005),
//!    `script_language` (1241005), `target_server` null (1241004), all lists empty (1244001),
//!    account (1241004).
//!
//! Warnings (`api_code` 0) sit at the position of the field they concern; a server skips them.
//!
//! Not here: the rolling checks BK-JOB runs later ([`crate::rolling::check_scatter`],
//! [`crate::rolling::Resolved::plan`]), which need the resolved hosts or come after permission.
//! Not here because they need server state: the scope interceptor (1241005 for an unknown
//! non-blank scope type — use [`scope_type_known`]; 1243049), permission (9900403), and the
//! service checks; [`check_target_count`] is provided for after host resolution.
//!
//! Trimming (as BK-JOB): IPs and `windows_interpreter` (for the suffix check) are trimmed;
//! blank means empty after trimming for `bk_scope_id`, `account_alias`, `node_type`, the
//! dynamic-group `id` and `callback_url`. Nothing else is trimmed here.
//!
//! # Where each rule lives
//!
//! This file holds what every rule shares: [`Limits`], [`Severity`], [`Rule`], [`Violation`],
//! [`field_for_path`], [`first_error`], and [`validate_request`], the one place that fixes
//! BK-JOB's check order. The rules themselves sit in one file per thing they guard and are
//! re-exported here, so each is still reached as `rules::check_…`:
//!
//! - `scope`: `bk_scope_type`, `bk_scope_id`, `bk_biz_id`, [`scope_type_known`],
//!   [`is_biz_set_id`];
//! - `timeout`: [`check_timeout`], [`effective_timeout`], [`DEFAULT_TIMEOUT`];
//! - `callback`: the `callback_url` parser ([`check_callback_url`], [`CallbackUrlError`]);
//! - `script`: what runs: `windows_interpreter`, `task_name`, the `script_content` and
//!   `script_param` sizes, the script source, `script_version_id`, `script_language`;
//! - `targets`: where and as whom: each target list entry, [`is_ipv4`], the target count,
//!   `target_server`, the account;
//! - `companions`: the status, log and operate APIs' checks (not `fast_execute_script`'s);
//! - `lists`: the job history, account and script APIs' checks and paging.

mod callback;
mod companions;
mod lists;
mod scope;
mod script;
mod targets;
mod timeout;

pub use callback::{
    callback_url_refused, callback_url_violation, check_callback_url, CallbackUrlError,
};
pub use companions::{
    check_batch_log_hosts, check_ip_log_host, check_log_ids, check_operate_request,
    check_operate_step_request, check_status_job_instance_id, MAX_BATCH_LOG_HOSTS,
};
pub use lists::{
    check_account_category, check_job_list, check_job_list_length, check_script_field,
    check_script_language_filter, job_list_length, job_list_page, like_contains, list_page,
    version_page, Page, MAX_HISTORY_RANGE_MS, MAX_PAGE_LENGTH,
};
pub use scope::{check_biz_id, check_scope_id, check_scope_type, is_biz_set_id, scope_type_known};
pub use script::{
    check_script_content_size, check_script_language, check_script_param_size, check_script_source,
    check_script_version_id, check_task_name, check_windows_interpreter, normalize_script_param,
    script_param_limit,
};
pub use targets::{
    check_account, check_dynamic_group, check_ip_entry, check_target_count, check_target_server,
    check_topo_node, is_ipv4,
};
pub use timeout::{check_timeout, effective_timeout, DEFAULT_TIMEOUT};

use serde::{Deserialize, Serialize};

use crate::error_code::ErrorCode;
use crate::lang::Lang;
use crate::types::{ApiResponse, FastExecuteScriptRequest};

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
    // List APIs (job history, accounts, scripts).
    PageLengthRange,
    HistoryWindowInvalid,
    HistoryWindowTooWide,
    HistoryTypeInvalid,
    AccountCategoryInvalid,
    ScriptLanguageFilterInvalid,
    ScriptFieldBlank,
    // rolling_config (bean validation, the service's 1241012, and the form's parse).
    RollingTypeInvalid,
    RollingExecutionModeInvalid,
    RollingModeInvalid,
    RollingExpressionBlank,
    RollingFileSourceInvalid,
    RollingDelayInvalid,
    RollingScatterInvalid,
    RollingExpressionInvalid,
    // The dangerous-script rules (1244019), matched in the browser with `danger`.
    DangerousScript,
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
            PageLengthRange => "length.range",
            HistoryWindowInvalid => "create_time.invalid",
            HistoryWindowTooWide => "create_time.too_wide",
            HistoryTypeInvalid => "type.invalid",
            AccountCategoryInvalid => "category.invalid",
            ScriptLanguageFilterInvalid => "script_language.filter_invalid",
            ScriptFieldBlank => "script.field_blank",
            RollingTypeInvalid => "rolling_config.type.invalid",
            RollingExecutionModeInvalid => "rolling_config.execution_mode.invalid",
            RollingModeInvalid => "rolling_config.mode.invalid",
            RollingExpressionBlank => "rolling_config.expression.blank",
            RollingFileSourceInvalid => "rolling_config.file_source.invalid",
            RollingDelayInvalid => "rolling_config.delay.invalid",
            RollingScatterInvalid => "rolling_config.scatter.invalid",
            RollingExpressionInvalid => "rolling_config.expression.invalid",
            DangerousScript => "script_content.dangerous",
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

    /// A handler error whose texts are the envelope message of code `CODE` with `args`. The
    /// code is a const parameter so only its own texts are compiled in (see
    /// [`ErrorCode::templates`]).
    fn handler<const CODE: i64>(path: &str, rule: Rule, args: &[&str]) -> Self {
        let (zh, en) = const {
            match ErrorCode(CODE).templates() {
                Some(t) => t,
                None => panic!("a handler code must be in the catalogue"),
            }
        };
        Violation::error(
            path,
            rule,
            CODE,
            crate::error_code::fill(zh, args),
            crate::error_code::fill(en, args),
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

// Helpers for the rule files. Private to `rules`, which makes them visible to its submodules
// and nowhere else.

/// Empty after trimming (see "Trimming" in the module docs).
fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// Length in UTF-16 code units, as Java counts it (the `*_chars` limits).
fn java_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Present and not empty (untrimmed), as BK-JOB's handler tests the script fields.
fn non_empty(s: &Option<String>) -> bool {
    s.as_deref().is_some_and(|s| !s.is_empty())
}

/// Every violation of `req`, in BK-JOB's order (see the module docs). Never panics.
pub fn validate_request(req: &FastExecuteScriptRequest, limits: &Limits) -> Vec<Violation> {
    let mut out = check_fields(req, limits);
    // The cascaded `@Valid rolling_config`, last of the bean validation.
    if let Some(r) = &req.rolling_config {
        out.extend(crate::rolling::check_rolling_config(r));
    }
    out.extend(check_handler(req));
    out
}

/// [`validate_request`] without `rolling_config`: for the form's first-visit module, which
/// must not carry the rolling rules (they load on demand with the rolling section and are
/// checked there). Identical for a request without `rolling_config`.
pub fn validate_request_without_rolling(
    req: &FastExecuteScriptRequest,
    limits: &Limits,
) -> Vec<Violation> {
    let mut out = check_fields(req, limits);
    out.extend(check_handler(req));
    out
}

/// Bean validation of the request's own fields, in order.
fn check_fields(req: &FastExecuteScriptRequest, limits: &Limits) -> Vec<Violation> {
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
    out
}

/// The handler's checks, in order.
fn check_handler(req: &FastExecuteScriptRequest) -> Vec<Violation> {
    let mut out = Vec::new();
    out.extend(check_script_source(req));
    out.extend(check_script_version_id(req.script_version_id));
    out.extend(check_script_language(req));
    out.extend(check_target_server(req));
    out.extend(check_account(req.account_id, req.account_alias.as_deref()));
    out
}

/// Requests and limits the rule files' tests share.
#[cfg(test)]
mod fixtures {
    use super::*;
    use crate::types::TargetServer;

    pub(super) fn l() -> Limits {
        Limits::default()
    }

    /// A request that passes every rule.
    pub(super) fn good() -> FastExecuteScriptRequest {
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

    pub(super) fn rules_of(req: &FastExecuteScriptRequest) -> Vec<Rule> {
        validate_request(req, &l()).iter().map(|v| v.rule).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{good, l, rules_of};
    use super::*;
    use crate::types::{DynamicGroup, IpEntry, TargetServer, TopoNode};

    #[test]
    fn good_request_passes() {
        assert!(validate_request(&good(), &l()).is_empty());
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
}
