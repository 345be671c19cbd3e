//! The job view's components, by part. Thin: every decision is made by the plain-Rust modules
//! of [`crate::job`].
//! - [`page`]: the page (`JobView`, `JobViewWith`): header, step summary, actions;
//! - [`controller`]: polling and log loading over the [`crate::job::JobApi`] seam;
//! - [`hosts`]: group tabs, filter, copy, the virtual host list;
//! - [`batches`]: a rolling job's batch strip; `rounds`: earlier rounds, batch sizes learnt
//!   from the server;
//! - `ops`: the step operations' buttons, confirmation and answer;
//! - [`log`]: the log panel; [`error`]: the error panel; [`recent`]: the recent-jobs list.

pub mod batches;
pub mod controller;
pub mod error;
pub mod hosts;
pub mod log;
mod ops;
pub mod page;
pub mod recent;
mod rounds;

/// Height of one host row, px (the virtual list needs a fixed height).
pub const ROW_PX: f64 = 28.0;
/// Height of the host list's viewport, px.
pub const VIEWPORT_PX: f64 = 420.0;
/// Rows rendered above and below the visible ones.
pub const OVERSCAN: usize = 8;

pub use controller::split_status;
pub use hosts::{visible_rows, HostListState, HostResults};
pub use page::{JobView, JobViewWith};
pub use recent::RecentJobsList;
