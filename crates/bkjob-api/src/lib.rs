//! BlueKing JOB (BK-JOB) v3 wire contract for `fast_execute_script` and its companions.
//!
//! One crate, two users: the web form ([`draft`]) turns typed strings into a request plus
//! per-field errors, and a stand-in server rejects requests with BK-JOB's codes, order and
//! zh/en messages. Both call the same rule functions in [`rules`], so each rule exists once.
//!
//! Everything compiles for `wasm32-unknown-unknown` (no clock, no I/O, no regex, no `url`).

#![warn(missing_docs)]

pub mod draft;
pub mod encoding;
pub mod error_code;
#[cfg(feature = "tinyjson")]
mod from_json;
pub mod lang;
mod lenient;
pub mod operation;
pub mod permission;
pub mod rolling;
pub mod rules;
pub mod status;
#[cfg(feature = "tinyjson")]
pub mod to_json;
pub mod types;

pub use draft::{
    check_rolling, default_task_name, split_bulk, validate_draft, BulkList, Draft, DraftOutcome,
    ListCount, RollingCheck, RollingDraft, ScriptSource, TargetCounts,
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
    ApiResponse, BatchGetJobInstanceIpLogRequest, BatchIpLogData, CallbackBody, CallbackStep,
    DynamicGroup, EsbCommonArgs, EsbRequest, FastExecuteScriptData, FastExecuteScriptRequest,
    GatewayAuth, GetJobInstanceIpLogRequest, GetJobInstanceStatusRequest,
    GetStepInstanceStatusRequest, IpEntry, IpLogData, JobInstance, JobInstanceStatusData,
    OperateJobInstanceData, OperateJobInstanceRequest, OperateStepInstanceData,
    OperateStepInstanceRequest, RollingConfig, ScriptTaskLog, StepHostResult, StepInstance,
    StepInstanceStatusData, StepIpResult, StepResultGroup, TargetServer, TopoNode,
};
