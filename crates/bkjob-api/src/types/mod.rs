//! Wire types of `fast_execute_script` v3 and its companion APIs.
//!
//! Conventions (why): every optional field is an `Option` and is *omitted* when `None`, never
//! sent as `null`, because BK-JOB omits null fields and treats a `null` like a missing field;
//! IDs are `i64` (Java `Long`) and never go through `f64`, so values above 2^53 stay exact;
//! unknown input fields are ignored, as Jackson does in BK-JOB. Request fields that BK-JOB
//! validates are `Option` even when "required", so a stand-in server can tell missing from
//! present and answer with BK-JOB's own code.
//!
//! One file per API family: `launch` (`fast_execute_script` and its callback), `auth` (ESB
//! arguments, the gateway header), `envelope` (the answer envelope), `job_status`, `logs`,
//! `operate` (job and step operations), `step_status`, `danger` (dangerous-script rules),
//! `agent` (agent status of hosts), `history` (the job list and the page of every list API),
//! `account` and `script` (the script library). Every type is re-exported here, so
//! `types::X` paths stay.

mod account;
mod agent;
mod auth;
mod danger;
mod envelope;
mod history;
mod job_status;
mod launch;
mod logs;
mod operate;
mod script;
mod step_status;

pub use crate::rolling::{FileSourceRollingConfig, RollingConfig};
pub use account::*;
pub use agent::*;
pub use auth::*;
pub use danger::*;
pub use envelope::*;
pub use history::*;
pub use job_status::*;
pub use launch::*;
pub use logs::*;
pub use operate::*;
pub use script::*;
pub use step_status::*;
