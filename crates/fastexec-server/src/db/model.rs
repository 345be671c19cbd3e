//! The stored things as the rest of the server sees them: a job to create, the rows read
//! back, the running-job quota and why a creation failed.

#[derive(Debug, Clone)]
pub struct NewJob {
    pub name: String,
    pub scope_type: String,
    pub scope_id: String,
    pub operator: String,
    pub app_code: String,
    pub callback_url: Option<String>,
    pub start_task: bool,
    pub script_language: i32,
    pub script_content: String,
    pub script_param: Option<String>,
    pub is_param_sensitive: bool,
    pub timeout: i64,
    pub account_id: i64,
    pub account_alias: String,
    pub os_user: String,
    /// The rolling plan as JSON (`exec::rolling::Plan`); `None` = not rolling.
    pub rolling: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewHost {
    pub host_id: i64,
    pub ip: String,
    pub cloud_id: i64,
    pub agent_online: bool,
    /// Rolling batch (1-based); 0 = not rolling.
    pub batch: i32,
}

#[derive(Debug, Clone)]
pub struct JobRow {
    pub id: i64,
    pub name: String,
    pub status: i32,
    pub scope_type: String,
    pub scope_id: String,
    pub operator: String,
    pub create_time: i64,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    pub callback_url: Option<String>,
    pub start_task: bool,
}

#[derive(Debug, Clone)]
pub struct StepRow {
    pub id: i64,
    pub job_id: i64,
    pub name: String,
    pub type_: i32,
    pub status: i32,
    pub create_time: i64,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    pub script_language: i32,
    pub script_content: String,
    pub script_param: Option<String>,
    pub timeout: i64,
    pub os_user: String,
    pub is_param_sensitive: bool,
    /// The current round (0, +1 per retry).
    pub execute_count: i32,
    /// The current rolling batch (1-based; 0 = not rolling or not started).
    pub batch: i32,
    /// The rolling plan as JSON; `None` = not rolling.
    pub rolling: Option<String>,
}

#[derive(Debug, Clone)]
pub struct HostRow {
    pub host_id: i64,
    pub ip: String,
    pub cloud_id: i64,
    pub agent_online: bool,
    pub status: i32,
    pub exit_code: Option<i32>,
    pub error_code: i32,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    /// Rolling batch (1-based); 0 = not rolling.
    pub batch: i32,
    /// The round this row's run (and log) belongs to.
    pub actual_count: i32,
}

/// Running-job quotas (contract §3.4); 0 = unlimited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobQuota {
    pub per_scope: u64,
    pub per_app: u64,
    pub system: u64,
}

/// Which running-job quota a launch would exceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaExceeded {
    Scope,
    App,
    System,
}

/// Unfinished jobs (not in a final status): of one scope, of one app code, in total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunningCounts {
    pub scope: u64,
    pub app: u64,
    pub system: u64,
}

impl JobQuota {
    pub fn is_unlimited(&self) -> bool {
        self.per_scope == 0 && self.per_app == 0 && self.system == 0
    }

    /// The first limit already reached, in BK-JOB's order scope → app → system.
    pub fn exceeded(&self, c: &RunningCounts) -> Option<QuotaExceeded> {
        let full = |limit: u64, n: u64| limit > 0 && n >= limit;
        if full(self.per_scope, c.scope) {
            Some(QuotaExceeded::Scope)
        } else if full(self.per_app, c.app) {
            Some(QuotaExceeded::App)
        } else if full(self.system, c.system) {
            Some(QuotaExceeded::System)
        } else {
            None
        }
    }
}

/// Why a job was not created.
#[derive(Debug)]
pub enum CreateError {
    Quota(QuotaExceeded),
    Db(anyhow::Error),
}

impl std::fmt::Display for CreateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CreateError::Quota(q) => write!(f, "running-job quota exceeded: {q:?}"),
            CreateError::Db(e) => write!(f, "{e:#}"),
        }
    }
}

/// A status write of a job and its (only) step; a `None` time keeps the stored one.
#[derive(Debug, Clone, Copy)]
pub struct JobUpdate {
    pub job_id: i64,
    pub step_id: i64,
    pub status: i32,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
}

/// A status write of one host of a step; a `None` exit code or time keeps the stored one.
#[derive(Debug, Clone, Copy)]
pub struct HostUpdate {
    pub step_id: i64,
    pub host_id: i64,
    pub status: i32,
    pub exit_code: Option<i32>,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
}

/// A status write of a job and its step where the two differ (rolling pauses, ignore error,
/// skip) or where more than the status changes. `None` keeps the stored value.
#[derive(Debug, Clone, Copy, Default)]
pub struct PhaseUpdate {
    pub job_id: i64,
    pub step_id: i64,
    pub job_status: Option<i32>,
    pub step_status: Option<i32>,
    /// Start time of job and step (set when unset only: the first start stays).
    pub start_time: Option<i64>,
    /// End time of job and step.
    pub end_time: Option<i64>,
    /// Clear the end times: the job leaves a final status (a retry, ignore error, continue).
    pub reopen: bool,
    /// The step's current rolling batch.
    pub batch: Option<i32>,
}
