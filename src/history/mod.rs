//! The history page (`/jobs`): the scope's jobs from the server (`get_job_instance_list`),
//! newest first, filtered by time range, status, name, operator, host IP and launch mode,
//! paged; each row opens the job view. The filters live in the page's URL query.
//!
//! - [`query`]: the filters ↔ URL query ↔ request, the 30-day window rule, quick ranges and
//!   paging (plain Rust, tested natively);
//! - [`view`]: the thin components (on-demand module only: the app mounts them as
//!   [`crate::lazy::Panel::History`]); labels in [`crate::i18n::history`]; the call is
//!   [`crate::api::job::JobListApi`]; styles in `style/job.css`.

pub mod query;
pub mod view;

pub use query::{HistoryQuery, Paging, QueryError, QuickRange, Window};
pub use view::{HistoryView, HistoryViewWith};
