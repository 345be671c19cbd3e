//! Enumerations with their codes and localized labels: script language, job/step status,
//! host status, step type, job operation.
//!
//! Codes arrive as plain integers on the wire (the types in [`crate::types`] keep `i32`), so
//! every enum has `from_code -> Option` and a `label_for_code` that also labels unknown codes.

use serde::{Deserialize, Serialize};

use crate::lang::Lang;

fn unknown_status(code: i32, lang: Lang) -> String {
    match lang {
        Lang::ZhCn => format!("未知状态({code})"),
        Lang::En => format!("Unknown status ({code})"),
    }
}

/// Script language (`script_language`). Serialises as its integer code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "i32", try_from = "i32")]
pub enum ScriptLanguage {
    /// 1
    #[default]
    Shell = 1,
    /// 2
    Bat = 2,
    /// 3
    Perl = 3,
    /// 4
    Python = 4,
    /// 5
    Powershell = 5,
    /// 6 — accepted by the code but not documented for this API.
    Sql = 6,
}

impl ScriptLanguage {
    /// The five user-facing languages of the API docs (SQL is excluded on purpose).
    pub const ALL: [ScriptLanguage; 5] = [
        ScriptLanguage::Shell,
        ScriptLanguage::Bat,
        ScriptLanguage::Perl,
        ScriptLanguage::Python,
        ScriptLanguage::Powershell,
    ];

    /// Parse a wire code (1..=6).
    pub fn from_code(code: i32) -> Option<ScriptLanguage> {
        Some(match code {
            1 => ScriptLanguage::Shell,
            2 => ScriptLanguage::Bat,
            3 => ScriptLanguage::Perl,
            4 => ScriptLanguage::Python,
            5 => ScriptLanguage::Powershell,
            6 => ScriptLanguage::Sql,
            _ => return None,
        })
    }

    /// The wire code.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// Display name (the same in both languages, as in BK-JOB's UI).
    pub fn label(self, _lang: Lang) -> &'static str {
        match self {
            ScriptLanguage::Shell => "Shell",
            ScriptLanguage::Bat => "Bat",
            ScriptLanguage::Perl => "Perl",
            ScriptLanguage::Python => "Python",
            ScriptLanguage::Powershell => "Powershell",
            ScriptLanguage::Sql => "SQL",
        }
    }

    /// File extension without the dot, as BK-JOB's upload dialog accepts.
    pub fn file_extension(self) -> &'static str {
        match self {
            ScriptLanguage::Shell => "sh",
            ScriptLanguage::Bat => "bat",
            ScriptLanguage::Perl => "pl",
            ScriptLanguage::Python => "py",
            ScriptLanguage::Powershell => "ps1",
            ScriptLanguage::Sql => "sql",
        }
    }

    /// Languages that run only on Windows and so may use `windows_interpreter`.
    pub fn is_windows_only(self) -> bool {
        matches!(self, ScriptLanguage::Bat | ScriptLanguage::Powershell)
    }
}

impl From<ScriptLanguage> for i32 {
    fn from(l: ScriptLanguage) -> i32 {
        l.code()
    }
}

impl TryFrom<i32> for ScriptLanguage {
    type Error = String;
    fn try_from(code: i32) -> Result<Self, String> {
        ScriptLanguage::from_code(code).ok_or_else(|| format!("unknown script language {code}"))
    }
}

/// Job / step status (`RunStatusEnum`). There is no 12 in the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RunStatus {
    /// 1 等待执行
    Blank = 1,
    /// 2 正在执行
    Running = 2,
    /// 3 执行成功
    Success = 3,
    /// 4 执行失败
    Fail = 4,
    /// 5 跳过
    Skipped = 5,
    /// 6 忽略错误
    IgnoreError = 6,
    /// 7 等待确认
    WaitingUser = 7,
    /// 8 手动结束
    Terminated = 8,
    /// 9 状态异常
    AbnormalState = 9,
    /// 10 强制终止中
    Stopping = 10,
    /// 11 强制终止成功
    StopSuccess = 11,
    /// 13 确认终止
    ConfirmTerminated = 13,
    /// 14 被丢弃
    Abandoned = 14,
    /// 15 滚动等待
    RollingWaiting = 15,
}

impl RunStatus {
    /// Every value, in code order.
    pub const ALL: [RunStatus; 14] = [
        RunStatus::Blank,
        RunStatus::Running,
        RunStatus::Success,
        RunStatus::Fail,
        RunStatus::Skipped,
        RunStatus::IgnoreError,
        RunStatus::WaitingUser,
        RunStatus::Terminated,
        RunStatus::AbnormalState,
        RunStatus::Stopping,
        RunStatus::StopSuccess,
        RunStatus::ConfirmTerminated,
        RunStatus::Abandoned,
        RunStatus::RollingWaiting,
    ];

    /// Parse a wire code; `None` for unknown codes (including the stale 12).
    pub fn from_code(code: i32) -> Option<RunStatus> {
        RunStatus::ALL.iter().copied().find(|s| s.code() == code)
    }

    /// The wire code.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// BK-JOB's i18n label.
    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            RunStatus::Blank => ("等待执行", "Pending"),
            RunStatus::Running => ("正在执行", "Running"),
            RunStatus::Success => ("执行成功", "Success"),
            RunStatus::Fail => ("执行失败", "Failed"),
            RunStatus::Skipped => ("跳过", "Skipped"),
            RunStatus::IgnoreError => ("忽略错误", "Ignore Error"),
            RunStatus::WaitingUser => ("等待确认", "Waiting"),
            RunStatus::Terminated => ("手动结束", "Terminated"),
            RunStatus::AbnormalState => ("状态异常", "Abnormal"),
            RunStatus::Stopping => ("强制终止中", "Terminating"),
            RunStatus::StopSuccess => ("强制终止成功", "Terminate Success"),
            RunStatus::ConfirmTerminated => ("确认终止", "Termination Confirmed"),
            RunStatus::Abandoned => ("被丢弃", "Abandoned"),
            RunStatus::RollingWaiting => ("滚动等待", "Rolling Waiting"),
        };
        lang.pick(zh, en)
    }

    /// Label for any code, "未知状态(123)" / "Unknown status (123)" when unknown.
    pub fn label_for_code(code: i32, lang: Lang) -> String {
        match RunStatus::from_code(code) {
            Some(s) => s.label(lang).to_owned(),
            None => unknown_status(code, lang),
        }
    }

    /// Terminal statuses {3,4,5,6,8,9,11,13,14}: `finished` is true, the callback fires.
    pub fn is_finished(self) -> bool {
        matches!(self.code(), 3 | 4 | 5 | 6 | 8 | 9 | 11 | 13 | 14)
    }

    /// Only [`RunStatus::Success`] (3) counts as success; "ignore error" and "skipped" do not.
    pub fn is_success(self) -> bool {
        self == RunStatus::Success
    }
}

/// Host ("execute object") status (`ExecuteObjectTaskStatusEnum`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HostStatus {
    /// 0 未知错误
    UnknownError = 0,
    /// 1 Agent 异常
    AgentError = 1,
    /// 2 无效执行对象
    InvalidExecuteObject = 2,
    /// 3 上次已成功
    LastSuccess = 3,
    /// 5 等待执行
    Waiting = 5,
    /// 7 正在执行
    Running = 7,
    /// 9 执行成功
    Success = 9,
    /// 11 任务失败
    Failed = 11,
    /// 12 任务下发失败
    SubmitFailed = 12,
    /// 13 任务超时
    TaskTimeout = 13,
    /// 15 任务日志错误
    LogError = 15,
    /// 16 脚本日志超时
    GseScriptTimeout = 16,
    /// 17 文件日志超时
    GseFileTimeout = 17,
    /// 18 Agent 未安装
    AgentNotInstalled = 18,
    /// 101 脚本执行失败
    ScriptFailed = 101,
    /// 102 脚本执行超时
    ScriptTimeout = 102,
    /// 103 脚本执行被终止
    ScriptTerminate = 103,
    /// 104 脚本返回码非零
    ScriptNotZeroExitCode = 104,
    /// 202 文件传输失败
    CopyFileFailed = 202,
    /// 203 源文件不存在
    CopyFileSourceNotExist = 203,
    /// 301 文件任务未分类错误
    FileError = 301,
    /// 303 执行任务超时
    FileTaskTimeout = 303,
    /// 310 Agent 异常
    FileAgentError = 310,
    /// 311 用户名不存在
    UserError = 311,
    /// 312 用户密码不正确
    UserPasswordError = 312,
    /// 320 文件获取失败
    FileFetchFailed = 320,
    /// 321 文件超出限制
    FileOverLimit = 321,
    /// 329 文件传输错误
    FileTransferError = 329,
    /// 399 任务执行出错
    TaskError = 399,
    /// 403 任务强制终止成功
    TerminateSuccess = 403,
    /// 404 任务强制终止失败
    TerminateFailed = 404,
    /// 500 未知
    Unknown = 500,
}

impl HostStatus {
    /// Every value, in code order.
    pub const ALL: [HostStatus; 32] = [
        HostStatus::UnknownError,
        HostStatus::AgentError,
        HostStatus::InvalidExecuteObject,
        HostStatus::LastSuccess,
        HostStatus::Waiting,
        HostStatus::Running,
        HostStatus::Success,
        HostStatus::Failed,
        HostStatus::SubmitFailed,
        HostStatus::TaskTimeout,
        HostStatus::LogError,
        HostStatus::GseScriptTimeout,
        HostStatus::GseFileTimeout,
        HostStatus::AgentNotInstalled,
        HostStatus::ScriptFailed,
        HostStatus::ScriptTimeout,
        HostStatus::ScriptTerminate,
        HostStatus::ScriptNotZeroExitCode,
        HostStatus::CopyFileFailed,
        HostStatus::CopyFileSourceNotExist,
        HostStatus::FileError,
        HostStatus::FileTaskTimeout,
        HostStatus::FileAgentError,
        HostStatus::UserError,
        HostStatus::UserPasswordError,
        HostStatus::FileFetchFailed,
        HostStatus::FileOverLimit,
        HostStatus::FileTransferError,
        HostStatus::TaskError,
        HostStatus::TerminateSuccess,
        HostStatus::TerminateFailed,
        HostStatus::Unknown,
    ];

    /// Parse a wire code; `None` for unknown codes.
    pub fn from_code(code: i32) -> Option<HostStatus> {
        HostStatus::ALL.iter().copied().find(|s| s.code() == code)
    }

    /// The wire code.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// BK-JOB's i18n label (English written where the contract gives only Chinese).
    pub fn label(self, lang: Lang) -> &'static str {
        use HostStatus::*;
        let (zh, en) = match self {
            UnknownError => ("未知错误", "Unknown Error"),
            AgentError => ("Agent 异常", "Abnormal Agent"),
            InvalidExecuteObject => ("无效执行对象", "Invalid Execute Object"),
            LastSuccess => ("上次已成功", "Successful Last Time"),
            Waiting => ("等待执行", "Waiting"),
            Running => ("正在执行", "Running"),
            Success => ("执行成功", "Success"),
            Failed => ("任务失败", "Failed"),
            SubmitFailed => ("任务下发失败", "Task send failed"),
            TaskTimeout => ("任务超时", "Task Timeout"),
            LogError => ("任务日志错误", "Error in Log"),
            GseScriptTimeout => ("脚本日志超时", "Script Log Timeout"),
            GseFileTimeout => ("文件日志超时", "File Log Timeout"),
            AgentNotInstalled => ("Agent 未安装", "Agent not installed"),
            ScriptFailed => ("脚本执行失败", "Script Execution Failed"),
            ScriptTimeout => ("脚本执行超时", "Script Execution Timeout"),
            ScriptTerminate => ("脚本执行被终止", "Script Execution Terminated"),
            ScriptNotZeroExitCode => ("脚本返回码非零", "Non-zero Exit Code"),
            CopyFileFailed => ("文件传输失败", "File Transmission Failed"),
            CopyFileSourceNotExist => ("源文件不存在", "Source File Not Exists"),
            FileError => ("文件任务未分类错误", "Unclassified File Task Error"),
            FileTaskTimeout => ("执行任务超时", "Task Execution Timeout"),
            FileAgentError => ("Agent 异常", "Abnormal Agent"),
            UserError => ("用户名不存在", "User not exist"),
            UserPasswordError => ("用户密码不正确", "User password incorrect"),
            FileFetchFailed => ("文件获取失败", "File Fetch Failed"),
            FileOverLimit => ("文件超出限制", "File Exceeds Limit"),
            FileTransferError => ("文件传输错误", "File Transfer Error"),
            TaskError => ("任务执行出错", "Task Execution Error"),
            TerminateSuccess => ("任务强制终止成功", "Force Terminated"),
            TerminateFailed => ("任务强制终止失败", "Force Terminate Failed"),
            Unknown => ("未知", "Unknown"),
        };
        lang.pick(zh, en)
    }

    /// Label for any code, "未知状态(123)" / "Unknown status (123)" when unknown.
    pub fn label_for_code(code: i32, lang: Lang) -> String {
        match HostStatus::from_code(code) {
            Some(s) => s.label(lang).to_owned(),
            None => unknown_status(code, lang),
        }
    }

    /// Success for a host is 9 (success) or 3 (succeeded last time).
    pub fn is_success(self) -> bool {
        matches!(self, HostStatus::Success | HostStatus::LastSuccess)
    }

    /// Still waiting or running (5, 7).
    pub fn is_running(self) -> bool {
        matches!(self, HostStatus::Waiting | HostStatus::Running)
    }

    /// Every status except waiting/running is final for the current execution.
    pub fn is_finished(self) -> bool {
        !self.is_running()
    }

    /// Finished and not successful.
    pub fn is_failure(self) -> bool {
        self.is_finished() && !self.is_success()
    }
}

/// Step type (`StepExecuteTypeEnum`); a quick script job has one step of type 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StepType {
    /// 1 script
    Script = 1,
    /// 2 file transfer
    File = 2,
    /// 3 manual confirmation
    ManualConfirm = 3,
    /// 4 SQL
    Sql = 4,
}

impl StepType {
    /// Parse a wire code.
    pub fn from_code(code: i32) -> Option<StepType> {
        Some(match code {
            1 => StepType::Script,
            2 => StepType::File,
            3 => StepType::ManualConfirm,
            4 => StepType::Sql,
            _ => return None,
        })
    }

    /// The wire code.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// Display label.
    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            StepType::Script => ("脚本执行", "Script"),
            StepType::File => ("文件分发", "File Transfer"),
            StepType::ManualConfirm => ("人工确认", "Manual Confirmation"),
            StepType::Sql => ("SQL 执行", "SQL"),
        };
        lang.pick(zh, en)
    }
}

/// `operation_code` of `operate_job_instance`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperationCode {
    /// 1: terminate (allowed when the job is running or waiting for a user).
    Terminate = 1,
    /// 2: start a job created with `start_task:false` (allowed when status is 1).
    Start = 2,
}

impl OperationCode {
    /// Parse a wire code.
    pub fn from_code(code: i32) -> Option<OperationCode> {
        match code {
            1 => Some(OperationCode::Terminate),
            2 => Some(OperationCode::Start),
            _ => None,
        }
    }

    /// The wire code.
    pub fn code(self) -> i32 {
        self as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        for l in ScriptLanguage::ALL {
            assert_eq!(ScriptLanguage::from_code(l.code()), Some(l));
            assert!(!l.file_extension().is_empty());
        }
        assert_eq!(ScriptLanguage::from_code(6), Some(ScriptLanguage::Sql));
        assert_eq!(ScriptLanguage::from_code(0), None);
        assert_eq!(ScriptLanguage::from_code(7), None);
        assert!(!ScriptLanguage::ALL.contains(&ScriptLanguage::Sql));
        assert_eq!(serde_json::to_string(&ScriptLanguage::Python).unwrap(), "4");
        assert_eq!(
            serde_json::from_str::<ScriptLanguage>("5").unwrap(),
            ScriptLanguage::Powershell
        );
        assert!(serde_json::from_str::<ScriptLanguage>("9").is_err());
        assert_eq!(ScriptLanguage::Powershell.file_extension(), "ps1");
    }

    #[test]
    fn run_status() {
        let finished: Vec<i32> = RunStatus::ALL
            .iter()
            .filter(|s| s.is_finished())
            .map(|s| s.code())
            .collect();
        assert_eq!(finished, vec![3, 4, 5, 6, 8, 9, 11, 13, 14]);
        assert_eq!(RunStatus::from_code(12), None);
        assert_eq!(RunStatus::from_code(11), Some(RunStatus::StopSuccess));
        assert!(RunStatus::Success.is_success());
        assert!(!RunStatus::Fail.is_success());
        assert_eq!(RunStatus::label_for_code(12, Lang::ZhCn), "未知状态(12)");
        assert_eq!(
            RunStatus::label_for_code(123, Lang::En),
            "Unknown status (123)"
        );
        assert_eq!(RunStatus::label_for_code(2, Lang::En), "Running");
    }

    #[test]
    fn host_status() {
        assert!(HostStatus::from_code(9).unwrap().is_success());
        assert!(HostStatus::from_code(3).unwrap().is_success());
        assert!(HostStatus::from_code(104).unwrap().is_failure());
        assert!(HostStatus::Running.is_running());
        assert!(!HostStatus::Waiting.is_finished());
        assert!(!HostStatus::Success.is_failure());
        assert_eq!(HostStatus::from_code(4), None);
        assert_eq!(HostStatus::label_for_code(4, Lang::ZhCn), "未知状态(4)");
        assert_eq!(
            HostStatus::label_for_code(104, Lang::En),
            "Non-zero Exit Code"
        );
        for s in HostStatus::ALL {
            assert_eq!(HostStatus::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn step_and_operation() {
        assert_eq!(StepType::from_code(1), Some(StepType::Script));
        assert_eq!(StepType::from_code(5), None);
        assert_eq!(OperationCode::from_code(2), Some(OperationCode::Start));
        assert_eq!(OperationCode::from_code(3), None);
    }
}
