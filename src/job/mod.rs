//! The job view: follow a launched job to its end, host by host, with logs.
//!
//! Plain-Rust logic (compiles natively, no web-sys, unit-tested with `cargo test -p fastexec`):
//! [`route`], [`poll`] (the polling cadence), [`batches`] (a rolling job's batch strip), [`hosts`] (grouping, filtering, virtual-list
//! window, copying IPs), [`logtext`] (log search segments), [`recent`] (recent jobs, redo),
//! [`format`] (times and durations), [`rounds`] (earlier rounds, batch sizes from the server), [`ops`] (the step operations: which are offered, their
//! confirmations, the never-twice guard); its zh/en labels are [`crate::i18n::job`]. Its calls to BK-JOB are [`crate::api::job`]'s; components (thin)
//! are in [`view`]; browser calls go through [`crate::web`].
//!
//! The job view ships in the job module (`src/bin/fastexec-job.rs`), the recent-jobs list in
//! the tools module (`src/bin/fastexec-tools.rs`); the form mounts them
//! through [`crate::lazy`]. Wiring (module side):
//! - route: `parse_job_route(&pathname)` → `view! { <JobView route conn lang on_redo/> }` with
//!   `conn: Signal<Connection>` (read at each call; a change polls again at once), `lang:
//!   Signal<Lang>`, optional `on_redo: Callback<Draft>` (without it the draft is written to
//!   `storage::KEY_DRAFT` and the page loads `/`);
//! - after a successful launch (form side): `remember_launch(&draft, &data)` (returns the
//!   job's route; it writes the list without serde's deserializers);
//! - the list: `view! { <RecentJobsList lang on_open/> }` (optional `Callback<JobRoute>`);
//! - stylesheet: `style/job.css` (loaded with the module).

pub mod batches;
pub mod format;
pub mod hosts;
pub mod logtext;
pub mod ops;
pub mod poll;
pub mod recent;
pub mod rounds;
pub mod route;
pub mod store;

pub use crate::api::job::{CallError, HttpJobApi, JobApi};
pub use poll::{PollOutcome, PollSchedule};
pub use recent::{redo_draft, RecentJob, RecentJobs};
pub use route::{parse_job_route, JobRoute};

pub mod view;

pub use store::{load_recent, remember_launch};
pub use view::{split_status, HostListState, HostResults, JobView, JobViewWith, RecentJobsList};
