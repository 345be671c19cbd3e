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

/// Height of one host row, px (the virtual list needs a fixed height). The styles write the
/// integers: formatting an `f64` would bring the float formatter (~10 KB) into the module.
pub const ROW_HEIGHT: u32 = 28;
/// [`ROW_HEIGHT`] for the scroll arithmetic.
pub const ROW_PX: f64 = ROW_HEIGHT as f64;
/// Height of the host list's viewport, px.
pub const VIEWPORT_HEIGHT: u32 = 420;
/// [`VIEWPORT_HEIGHT`] for the scroll arithmetic.
pub const VIEWPORT_PX: f64 = VIEWPORT_HEIGHT as f64;
/// Rows rendered above and below the visible ones.
pub const OVERSCAN: usize = 8;

pub use controller::split_status;
pub use hosts::{visible_rows, HostListState, HostResults};
pub use page::{JobView, JobViewWith};
pub use recent::RecentJobsList;
