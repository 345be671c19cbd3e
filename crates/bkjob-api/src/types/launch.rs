//! `fast_execute_script`: the request with its target lists, the answer's `data`, and the
//! body BK-JOB posts to `callback_url` when the job ends.

use serde::{Deserialize, Serialize};

use crate::rolling::RollingConfig;

/// Body of `POST /api/v3/fast_execute_script` (API gateway) — see contract §2.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FastExecuteScriptRequest {
    /// `biz` or `biz_set`.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_scope_type: Option<String>,
    /// Business / business-set ID, as a string.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_scope_id: Option<String>,
    /// Deprecated alternative to the scope fields.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_biz_id: Option<i64>,
    /// Script version to run (highest priority).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub script_version_id: Option<i64>,
    /// Script whose online version runs.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub script_id: Option<String>,
    /// Base64 of the UTF-8 script text.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub script_content: Option<String>,
    /// [`crate::status::ScriptLanguage`] code, required with `script_content`.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub script_language: Option<i32>,
    /// Base64 of the *whole* parameter string (never per argument).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub script_param: Option<String>,
    /// 1 = sensitive parameter (hidden in the UI); any other value = not sensitive.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_param_sensitive: Option<i32>,
    /// Seconds; BK-JOB default 7200 when absent.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub timeout: Option<i64>,
    /// Execution account ID (wins over the alias).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub account_id: Option<i64>,
    /// Execution account alias, e.g. `root`.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub account_alias: Option<String>,
    /// Custom job name; BK-JOB generates one when blank.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub task_name: Option<String>,
    /// Where to run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_server: Option<TargetServer>,
    /// Called once (POST JSON) when the job ends.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub callback_url: Option<String>,
    /// Custom interpreter path for Windows hosts (must end in `.exe`).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub windows_interpreter: Option<String>,
    /// `false` = create only; start later with `operate_job_instance` code 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_task: Option<bool>,
    /// Run the targets in batches ([`crate::rolling`]); present (even `{}`) = enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolling_config: Option<RollingConfig>,
}

/// The `target_server` object. If `host_id_list` is non-empty BK-JOB ignores `ip_list`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetServer {
    /// CMDB host IDs (preferred).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_vec_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub host_id_list: Option<Vec<i64>>,
    /// Hosts by BK-Net (cloud area) + IPv4 (discouraged by the docs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_list: Option<Vec<IpEntry>>,
    /// CMDB dynamic groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_group_list: Option<Vec<DynamicGroup>>,
    /// CMDB topology nodes (module, set, ...), expanded at launch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topo_node_list: Option<Vec<TopoNode>>,
}

impl TargetServer {
    /// True when all four lists are missing or empty (BK-JOB answers 1244001 "Host is empty").
    pub fn is_empty(&self) -> bool {
        self.host_id_list.as_ref().is_none_or(|v| v.is_empty())
            && self.ip_list.as_ref().is_none_or(|v| v.is_empty())
            && self
                .dynamic_group_list
                .as_ref()
                .is_none_or(|v| v.is_empty())
            && self.topo_node_list.as_ref().is_none_or(|v| v.is_empty())
    }
}

/// One `ip_list` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IpEntry {
    /// BK-Net (管控区域) ID; 0 is the default area.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub bk_cloud_id: Option<i64>,
    /// Dotted IPv4 address (BK-JOB trims it).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub ip: Option<String>,
}

/// One `dynamic_group_list` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DynamicGroup {
    /// CMDB dynamic group ID (a string such as `blo8gojho0skft7pr5q0`).
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
}

/// One `topo_node_list` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TopoNode {
    /// CMDB `bk_inst_id`.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
    /// CMDB `bk_obj_id`, e.g. `module`, `set`.
    #[serde(
        default,
        deserialize_with = "crate::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub node_type: Option<String>,
}

/// `data` of a successful `fast_execute_script`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FastExecuteScriptData {
    /// Job instance ID.
    pub job_instance_id: i64,
    /// Job instance name (a string, although the doc says long).
    pub job_instance_name: String,
    /// The single step's instance ID.
    pub step_instance_id: i64,
}

/// Body BK-JOB POSTs to `callback_url` once the job ends.
///
/// BK-JOB's code sends `step_instances`; its doc says `step_instance_list`. We read both and
/// write the code's name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackBody {
    /// Job instance ID.
    pub job_instance_id: i64,
    /// Final [`crate::status::RunStatus`] code.
    pub status: i32,
    /// Step results.
    #[serde(default, alias = "step_instance_list")]
    pub step_instances: Vec<CallbackStep>,
}

/// One step in a [`CallbackBody`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackStep {
    /// Step instance ID.
    pub step_instance_id: i64,
    /// [`crate::status::RunStatus`] code.
    pub status: i32,
}
