//! BK-JOB error codes with their zh/en message templates (`{0}`, `{1}` placeholders) and
//! short "what to fix" hints for a web form.
//!
//! A newtype over `i64` rather than an enum, so codes this crate does not know (a real BK-JOB
//! may answer anything) still round-trip and display.

use serde::{Deserialize, Serialize};

use crate::lang::Lang;

/// A BK-JOB envelope `code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ErrorCode(pub i64);

impl ErrorCode {
    /// 0: success.
    pub const SUCCESS: ErrorCode = ErrorCode(0);
    /// 1240002 内部服务器异常.
    pub const INTERNAL_ERROR: ErrorCode = ErrorCode(1_240_002);
    /// 1240003 错误的请求 (bean validation; message replaced by the first violation).
    pub const BAD_REQUEST: ErrorCode = ErrorCode(1_240_003);
    /// 1241001 请求参数缺失.
    pub const MISSING_PARAM: ErrorCode = ErrorCode(1_241_001);
    /// 1241002 请求参数不合法.
    pub const ILLEGAL_PARAM: ErrorCode = ErrorCode(1_241_002);
    /// 1241003 不支持的操作.
    pub const UNSUPPORTED_OPERATION: ErrorCode = ErrorCode(1_241_003);
    /// 1241004 请求参数[{0}]缺失.
    pub const MISSING_PARAM_WITH_NAME: ErrorCode = ErrorCode(1_241_004);
    /// 1241005 请求参数[{0}]不合法.
    pub const ILLEGAL_PARAM_WITH_NAME: ErrorCode = ErrorCode(1_241_005);
    /// 1241007 请求参数[{0}]缺失或不合法.
    pub const MISSING_OR_ILLEGAL_PARAM_WITH_NAME: ErrorCode = ErrorCode(1_241_007);
    /// 1241012 请求参数不合法，原因：{0}.
    pub const ILLEGAL_PARAM_REASON: ErrorCode = ErrorCode(1_241_012);
    /// 1241015 job already started.
    pub const JOB_ALREADY_STARTED: ErrorCode = ErrorCode(1_241_015);
    /// 1243001 脚本不存在.
    pub const SCRIPT_NOT_EXIST: ErrorCode = ErrorCode(1_243_001);
    /// 1243004 脚本不属于该业务.
    pub const SCRIPT_NOT_IN_SCOPE: ErrorCode = ErrorCode(1_243_004);
    /// 1243049 业务/业务集不存在或已被归档.
    pub const SCOPE_NOT_EXIST: ErrorCode = ErrorCode(1_243_049);
    /// 1244001 主机为空.
    pub const HOST_EMPTY: ErrorCode = ErrorCode(1_244_001);
    /// 1244002 主机无效.
    pub const HOST_INVALID: ErrorCode = ErrorCode(1_244_002);
    /// 1244003 账号不存在.
    pub const ACCOUNT_NOT_EXIST: ErrorCode = ErrorCode(1_244_003);
    /// 1244006 作业实例不存在.
    pub const TASK_INSTANCE_NOT_EXIST: ErrorCode = ErrorCode(1_244_006);
    /// 1244007 作业步骤实例不存在.
    pub const STEP_INSTANCE_NOT_EXIST: ErrorCode = ErrorCode(1_244_007);
    /// 1244016 只有步骤的确认人可以操作.
    pub const CONFIRM_USER_ONLY: ErrorCode = ErrorCode(1_244_016);
    /// 1244018 脚本状态不支持执行.
    pub const SCRIPT_STATUS_NOT_EXECUTABLE: ErrorCode = ErrorCode(1_244_018);
    /// 1244019 高危脚本.
    pub const DANGEROUS_SCRIPT: ErrorCode = ErrorCode(1_244_019);
    /// 1244022 目标服务器数量超过限制.
    pub const TOO_MANY_TARGETS: ErrorCode = ErrorCode(1_244_022);
    /// 1244025 任务被丢弃.
    pub const TASK_ABANDONED: ErrorCode = ErrorCode(1_244_025);
    /// 1244026 非法的滚动策略.
    pub const ROLLING_EXPR_INVALID: ErrorCode = ErrorCode(1_244_026);
    /// 1244027 滚动批次不能大于{0}.
    pub const ROLLING_TOO_MANY_BATCHES: ErrorCode = ErrorCode(1_244_027);
    /// 1244028 目标执行对象为空.
    pub const STEP_TARGET_EMPTY: ErrorCode = ErrorCode(1_244_028);
    /// 1244030 执行对象不存在.
    pub const EXECUTE_OBJECT_NOT_EXIST: ErrorCode = ErrorCode(1_244_030);
    /// 1244032 scope running-job quota.
    pub const QUOTA_SCOPE: ErrorCode = ErrorCode(1_244_032);
    /// 1244033 app running-job quota.
    pub const QUOTA_APP: ErrorCode = ErrorCode(1_244_033);
    /// 1244034 system running-job quota.
    pub const QUOTA_SYSTEM: ErrorCode = ErrorCode(1_244_034);
    /// 1247002 缺少有效的用户信息 (gateway, HTTP 401).
    pub const MISSING_USER: ErrorCode = ErrorCode(1_247_002);
    /// 1247004 缺少有效的应用信息 (gateway, HTTP 401).
    pub const MISSING_APP: ErrorCode = ErrorCode(1_247_004);
    /// 1247403 无该应用访问权限.
    pub const APP_PERMISSION_DENIED: ErrorCode = ErrorCode(1_247_403);
    /// 9900403 用户权限不足 (with a `permission` object).
    pub const PERMISSION_DENIED: ErrorCode = ErrorCode(9_900_403);

    /// Every non-success code of the contract.
    pub const ALL: [ErrorCode; 34] = [
        ErrorCode::INTERNAL_ERROR,
        ErrorCode::BAD_REQUEST,
        ErrorCode::MISSING_PARAM,
        ErrorCode::ILLEGAL_PARAM,
        ErrorCode::UNSUPPORTED_OPERATION,
        ErrorCode::MISSING_PARAM_WITH_NAME,
        ErrorCode::ILLEGAL_PARAM_WITH_NAME,
        ErrorCode::MISSING_OR_ILLEGAL_PARAM_WITH_NAME,
        ErrorCode::ILLEGAL_PARAM_REASON,
        ErrorCode::JOB_ALREADY_STARTED,
        ErrorCode::SCRIPT_NOT_EXIST,
        ErrorCode::SCRIPT_NOT_IN_SCOPE,
        ErrorCode::SCOPE_NOT_EXIST,
        ErrorCode::HOST_EMPTY,
        ErrorCode::HOST_INVALID,
        ErrorCode::ACCOUNT_NOT_EXIST,
        ErrorCode::TASK_INSTANCE_NOT_EXIST,
        ErrorCode::STEP_INSTANCE_NOT_EXIST,
        ErrorCode::CONFIRM_USER_ONLY,
        ErrorCode::SCRIPT_STATUS_NOT_EXECUTABLE,
        ErrorCode::DANGEROUS_SCRIPT,
        ErrorCode::TOO_MANY_TARGETS,
        ErrorCode::TASK_ABANDONED,
        ErrorCode::ROLLING_EXPR_INVALID,
        ErrorCode::ROLLING_TOO_MANY_BATCHES,
        ErrorCode::STEP_TARGET_EMPTY,
        ErrorCode::EXECUTE_OBJECT_NOT_EXIST,
        ErrorCode::QUOTA_SCOPE,
        ErrorCode::QUOTA_APP,
        ErrorCode::QUOTA_SYSTEM,
        ErrorCode::MISSING_USER,
        ErrorCode::MISSING_APP,
        ErrorCode::APP_PERMISSION_DENIED,
        ErrorCode::PERMISSION_DENIED,
    ];

    /// The numeric code.
    pub fn code(self) -> i64 {
        self.0
    }

    /// True for [`ErrorCode::SUCCESS`].
    pub fn is_success(self) -> bool {
        self.0 == 0
    }

    /// The zh/en templates, `None` for codes not in the catalogue.
    ///
    /// Texts come from BK-JOB's `message_{zh_CN,en}.properties` as quoted in the contract;
    /// where only zh was quoted, the en is a faithful translation written here. A `const fn`,
    /// so a caller that knows its code picks its texts at compile time (`const { .. }`) and
    /// the form module does not carry the whole table.
    pub const fn templates(self) -> Option<(&'static str, &'static str)> {
        Some(match self.0 {
            0 => ("成功", "Success"),
            1_240_002 => ("内部服务器异常", "Internal Server Error"),
            1_240_003 => ("错误的请求", "Bad Request"),
            1_241_001 => ("请求参数缺失", "Missing request parameter"),
            1_241_002 => ("请求参数不合法", "Invalid request parameter"),
            1_241_003 => ("不支持的操作", "Unsupported operation"),
            1_241_004 => ("请求参数[{0}]缺失", "Missing request parameter [{0}]"),
            1_241_005 => ("请求参数[{0}]不合法", "Invalid request parameter [{0}]"),
            1_241_007 => (
                "请求参数[{0}]缺失或不合法",
                "Missing or invalid request parameter [{0}]",
            ),
            1_241_012 => ("请求参数不合法，原因：{0}", "Invalid request parameter, reason: {0}"),
            1_241_015 => (
                "不支持的操作，请勿重复启动作业，job_instance_id={0}",
                "Unsupported operation, do not start the job repeatedly, job_instance_id={0}",
            ),
            1_243_001 => ("脚本不存在", "Script not exist"),
            1_243_004 => ("脚本不属于该业务", "Script is not under this business"),
            1_243_049 => (
                "业务/业务集不存在或已被归档",
                "Business/Business Set not exist or archived",
            ),
            1_244_001 => ("主机为空", "Host is empty"),
            1_244_002 => (
                "主机无效，请检查源或目标主机是否存在于配置平台的业务[{0}]下；无效的{1}台主机：[{2}]",
                "Invalid hosts, please check whether the source or target hosts exist in business [{0}] of CMDB; {1} invalid hosts: [{2}]",
            ),
            1_244_003 => ("账号[{0}]不存在", "Account [{0}] does not exist"),
            1_244_006 => ("作业实例不存在", "Task instance does not exist"),
            1_244_007 => ("作业步骤实例不存在", "Step instance does not exist"),
            1_244_016 => (
                "只有步骤的确认人可以操作",
                "Only the confirmer of the step can operate",
            ),
            1_244_018 => (
                "脚本状态[{0}]，不支持执行",
                "Script status [{0}], cannot be executed",
            ),
            1_244_019 => ("高危脚本，禁止执行", "Dangerous script, cannot be executed"),
            1_244_022 => (
                "脚本任务目标服务器数量超过限制：{0}",
                "The number of target servers of the script task exceeds the limit: {0}",
            ),
            1_244_025 => ("任务被丢弃", "Task abandoned"),
            1_244_026 => ("非法的滚动策略", "Invalid rolling strategy"),
            1_244_027 => ("滚动批次不能大于{0}", "Rolling batch can not be greater than {0}"),
            1_244_028 => (
                "步骤 [{0}] 的目标执行对象为空",
                "The target execute objects of step [{0}] are empty",
            ),
            1_244_030 => (
                "作业引用的执行对象不存在。不存在的执行对象个数:{0},执行对象列表[{1}]",
                "The execute objects referenced by the job do not exist. Number of nonexistent execute objects:{0}, execute object list[{1}]",
            ),
            1_244_032 => (
                "当前执行的作业总量超过业务配额限制",
                "The total number of running jobs exceeds the business quota limit",
            ),
            1_244_033 => (
                "当前执行的作业总量超过应用配额限制",
                "The total number of running jobs exceeds the application quota limit",
            ),
            1_244_034 => (
                "当前执行的作业总量超过系统配额限制",
                "The total number of running jobs exceeds the system quota limit",
            ),
            1_247_002 => ("缺少有效的用户信息", "Missing user info"),
            1_247_004 => ("缺少有效的应用信息", "Missing app info"),
            1_247_403 => ("无该应用访问权限", "No permission to access this application"),
            9_900_403 => (
                "用户({0})权限不足，请前往权限中心确认并申请补充后重试",
                "User ({0}) permission not allowed, please confirm and apply permission in IAM and try again",
            ),
            _ => return None,
        })
    }

    /// BK-JOB's message in `lang` with `{0}`, `{1}`, ... replaced by `args` (a placeholder
    /// without an argument is left as is, so the mistake is visible). Unknown codes give
    /// "未知错误(123)" / "Unknown error (123)".
    pub fn message(self, lang: Lang, args: &[&str]) -> String {
        match self.templates() {
            Some((zh, en)) => fill(lang.pick(zh, en), args),
            None => match lang {
                Lang::ZhCn => format!("未知错误({})", self.0),
                Lang::En => format!("Unknown error ({})", self.0),
            },
        }
    }

    /// A short "what to fix" for a person using a web form, for the common codes.
    pub fn hint(self, lang: Lang) -> Option<&'static str> {
        let (zh, en) = match self.0 {
            1_240_003 => ("请检查标红的字段", "Check the highlighted field"),
            1_241_004 => ("请填写缺失的字段", "Fill in the missing field"),
            1_241_005 => ("请修正该字段的取值", "Correct the value of this field"),
            1_243_001 => (
                "请确认脚本 ID/版本 ID 存在且属于当前业务",
                "Check that the script (version) ID exists in this business",
            ),
            1_243_049 => ("请检查业务 ID 是否正确", "Check the business ID"),
            1_244_001 => ("请至少添加一台目标主机", "Add at least one target host"),
            1_244_002 | 1_244_030 => (
                "请移除不属于该业务或不存在的主机",
                "Remove hosts that do not exist or are not in this business",
            ),
            1_244_003 => (
                "请选择该业务下已存在的执行账号",
                "Choose an execution account that exists in this business",
            ),
            1_244_018 => ("请先上线该脚本版本", "Put the script version online first"),
            1_244_019 => ("请移除脚本中的高危语句", "Remove the dangerous statements"),
            1_244_022 => ("请减少目标主机数量", "Reduce the number of target hosts"),
            1_244_028 => (
                "所选拓扑节点或动态分组下没有主机",
                "The chosen topology nodes or dynamic groups contain no hosts",
            ),
            1_244_032..=1_244_034 | 1_244_025 => (
                "运行中的作业过多，请稍后重试",
                "Too many running jobs, retry later",
            ),
            1_247_002 | 1_247_004 => ("请重新登录", "Log in again"),
            9_900_403 | 1_247_403 => (
                "请在权限中心申请所需权限后重试",
                "Apply for the permission in IAM, then retry",
            ),
            1_240_002 => (
                "请稍后重试或联系管理员",
                "Retry later or contact the administrator",
            ),
            _ => return None,
        };
        Some(lang.pick(zh, en))
    }
}

impl From<i64> for ErrorCode {
    fn from(c: i64) -> Self {
        ErrorCode(c)
    }
}

impl From<ErrorCode> for i64 {
    fn from(c: ErrorCode) -> Self {
        c.0
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Replace `{n}` placeholders with `args[n]` (Java `MessageFormat` style, no escaping).
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && after.as_bytes().get(digits) == Some(&b'}') {
            let idx: Option<usize> = after[..digits].parse().ok();
            match idx.and_then(|i| args.get(i)) {
                Some(arg) => out.push_str(arg),
                None => out.push_str(&rest[open..open + digits + 2]),
            }
            rest = &after[digits + 1..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages() {
        assert_eq!(
            ErrorCode(1_241_004).message(Lang::ZhCn, &["target_server"]),
            "请求参数[target_server]缺失"
        );
        assert_eq!(
            ErrorCode::ILLEGAL_PARAM_WITH_NAME.message(Lang::En, &["script_language"]),
            "Invalid request parameter [script_language]"
        );
        assert_eq!(
            ErrorCode::PERMISSION_DENIED.message(Lang::ZhCn, &["alice"]),
            "用户(alice)权限不足，请前往权限中心确认并申请补充后重试"
        );
        assert_eq!(
            ErrorCode::PERMISSION_DENIED.message(Lang::En, &["alice"]),
            "User (alice) permission not allowed, please confirm and apply permission in IAM and try again"
        );
        assert_eq!(
            ErrorCode::TOO_MANY_TARGETS.message(Lang::ZhCn, &["50000"]),
            "脚本任务目标服务器数量超过限制：50000"
        );
        assert_eq!(ErrorCode(42).message(Lang::En, &[]), "Unknown error (42)");
        assert_eq!(ErrorCode(42).message(Lang::ZhCn, &[]), "未知错误(42)");
    }

    #[test]
    fn every_code_has_both_texts() {
        for c in ErrorCode::ALL {
            let (zh, en) = c.templates().expect("catalogued");
            assert!(!zh.is_empty() && !en.is_empty(), "{c}");
        }
        assert!(ErrorCode::HOST_EMPTY.hint(Lang::En).is_some());
        assert!(ErrorCode(1).hint(Lang::En).is_none());
    }

    #[test]
    fn fill_placeholders() {
        assert_eq!(fill("a{0}b{1}c", &["x", "y"]), "axbyc");
        assert_eq!(fill("a{1}", &["x"]), "a{1}");
        assert_eq!(fill("{x}{", &[]), "{x}{");
        assert_eq!(fill("中{0}文", &["字"]), "中字文");
    }
}
