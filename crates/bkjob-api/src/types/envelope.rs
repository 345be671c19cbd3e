//! BK-JOB's response envelope.

use serde::{Deserialize, Serialize};

use crate::permission::Permission;

/// BK-JOB's response envelope (`EsbResp`). Null fields are omitted, as BK-JOB does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiResponse<T> {
    /// True iff `code == 0`.
    pub result: bool,
    /// 0 on success, otherwise an [`crate::error_code::ErrorCode`].
    pub code: i64,
    /// Localised error text; absent on success (v3 code never sends "success").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Payload on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
    /// Request ID (named `job_request_id`, not `request_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_request_id: Option<String>,
    /// Missing permissions, only with code 9900403.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<Permission>,
}

impl<T> ApiResponse<T> {
    /// A success envelope: `result:true, code:0`, no message.
    pub fn ok(data: T, job_request_id: Option<String>) -> Self {
        ApiResponse {
            result: true,
            code: 0,
            message: None,
            data: Some(data),
            job_request_id,
            permission: None,
        }
    }

    /// A failure envelope: `result:false`, the code and the (already localised) message.
    pub fn err(code: i64, message: impl Into<String>, job_request_id: Option<String>) -> Self {
        ApiResponse {
            result: false,
            code,
            message: Some(message.into()),
            data: None,
            job_request_id,
            permission: None,
        }
    }

    /// Attach a permission object (for 9900403 answers).
    pub fn with_permission(mut self, permission: Permission) -> Self {
        self.permission = Some(permission);
        self
    }
}
