//! BlueKing JOB (BK-JOB) v3 wire contract for `fast_execute_script` and its companions.
//!
//! One crate, two users: the web form ([`draft`]) turns typed strings into a request plus
//! per-field errors, and a stand-in server rejects requests with BK-JOB's codes, order and
//! zh/en messages. Both call the same rule functions in [`rules`], so each rule exists once.
//!
//! Everything compiles for `wasm32-unknown-unknown` (no clock, no I/O, no `url`). The one regex
//! user, the dangerous-script matcher [`danger`], is behind the `danger` feature.

#![warn(missing_docs)]

#[cfg(feature = "danger")]
pub mod danger;
pub mod draft;
pub mod encoding;
pub mod error_code;
#[cfg(feature = "tinyjson")]
mod from_json;
pub mod lang;
mod lenient;
pub mod operation;
pub mod permission;
#[cfg(feature = "tinyjson")]
pub mod read_json;
pub mod rolling;
pub mod rules;
pub mod status;
#[cfg(feature = "tinyjson")]
pub mod to_json;
pub mod types;

pub use draft::{
    check_rolling, default_task_name, rolling_plan, split_bulk, validate_draft, BulkList, Draft,
    DraftOutcome, ListCount, RollingCheck, RollingDraft, ScriptSource, TargetCounts,
};
pub use encoding::{decode_base64_lenient, decoded_len_from_base64_len, encode_base64};
pub use error_code::ErrorCode;
pub use lang::{pick, Lang, Text};
pub use operation::StepOperation;
pub use permission::{
    HostRef, Permission, PermissionAction, PermissionInstance, RelatedResourceType,
};
pub use rules::{first_error, validate_request, Limits, Rule, Severity, Violation};
pub use status::{HostStatus, OperationCode, RunStatus, ScriptLanguage, StepType};
pub use types::{
    AccountItem, GetAccountListRequest, GetJobInstanceListRequest, GetScriptListRequest,
    GetScriptVersionDetailRequest, GetScriptVersionListRequest, JobInstanceListItem, PageData,
    ScriptItem, ScriptVersionItem,
};
pub use types::{
    AgentInfo, ApiResponse, BatchGetJobInstanceIpLogRequest, BatchIpLogData, CallbackBody,
    CallbackStep, DangerousRule, DynamicGroup, EsbCommonArgs, EsbRequest, FastExecuteScriptData,
    FastExecuteScriptRequest, GatewayAuth, GetDangerousRuleListRequest, GetJobInstanceIpLogRequest,
    GetJobInstanceStatusRequest, GetStepInstanceStatusRequest, IpEntry, IpLogData, JobInstance,
    JobInstanceStatusData, OperateJobInstanceData, OperateJobInstanceRequest,
    OperateStepInstanceData, OperateStepInstanceRequest, QueryAgentInfoData, QueryAgentInfoRequest,
    RollingConfig, ScriptTaskLog, StepHostResult, StepInstance, StepInstanceStatusData,
    StepIpResult, StepResultGroup, TargetServer, TopoNode, MAX_AGENT_QUERY_HOSTS,
};
