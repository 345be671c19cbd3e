//! The job view's components, by part. Thin: every decision is made by the plain-Rust modules
//! of [`crate::job`].
//! - [`page`]: the page (`JobView`, `JobViewWith`): header, step summary, actions;
//! - [`controller`]: polling and log loading over the [`crate::job::JobApi`] seam;
//! - [`hosts`]: group tabs, filter, copy, the virtual host list;
//! - [`batches`]: a rolling job's batch strip; `rounds`: earlier rounds, batch sizes learnt
//!   from the server;
//! - `ops`: the step operations' buttons, confirmation and answer;
//! - [`log`]: the log panel; [`error`]: the error panel; [`recent`]: the recent-jobs list.

use bkjob_api::Lang;
use leptos::prelude::{Get, Signal};

use crate::i18n::job::{job_texts, JobTexts};

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

/// A label of the job view's table ([`job_texts`]) as a reactive child. Every label is the
/// same type (a function pointer picks the field), so they share one render function instead
/// of each closure bringing its own.
pub(crate) fn label(
    lang: Signal<Lang>,
    pick: fn(&'static JobTexts) -> &'static str,
) -> crate::view_helpers::Rv {
    crate::view_helpers::rv(move || pick(job_texts(lang.get())))
}

pub use controller::split_status;
pub use hosts::{visible_rows, HostListState, HostResults};
pub use page::{JobView, JobViewWith};
pub use recent::RecentJobsList;
