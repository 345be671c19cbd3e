//! fastexec: a browser console for BlueKing JOB's `fast_execute_script` API.
//!
//! Plain-Rust logic lives in modules free of web-sys (unit-tested natively with
//! `cargo test -p fastexec`): [`launch`] (the double-launch guard), [`state`] (the launch
//! controller's decisions), [`outcome`] (classifying answers), [`limit`] (the answer size cap),
//! [`connection`] (endpoint, headers, masked preview, curl), [`storage`], [`form::field`] (the typed
//! form fields), [`form::editor::model`], [`lazy::Panel`], [`route`] and [`i18n`]. The
//! components ([`app`] the shell, [`pages`], [`form`], [`preview`], the panels) stay thin; all
//! contract logic (validation, Base64, API messages) comes from `bkjob-api`.
//!
//! Three wasm modules ship: the form (`src/main.rs`) and two on-demand modules the form loads
//! through [`lazy`] when one of their panels is shown: the job view (`src/bin/fastexec-job.rs`,
//! [`job`]'s view) and the tools (`src/bin/fastexec-tools.rs`: the recent-jobs list,
//! [`history`]'s job history, the request preview's body, the rolling settings, the
//! permission details and [`hostcheck`]'s host check).
//! The form module reads JSON with `tinyjson`, not serde's deserializers, to keep its
//! download small.

pub mod api;
pub mod app;
// Benchmark exports only in bench builds (`cargo xtask bench`), never in the shipped bundle.
#[cfg(feature = "bench")]
pub mod bench;
pub mod connection;
pub mod danger;
pub mod form;
pub mod history;
pub mod hostcheck;
pub mod i18n;
pub mod job;
pub mod launch;
pub mod lazy;
pub mod limit;
pub mod outcome;
pub mod pages;
pub mod pickers;
pub mod preview;
pub mod rolling;
pub mod route;
pub mod state;
pub mod storage;
pub mod view_helpers;
pub mod web;

/// Product name shown in the header, the same in both languages.
pub const PRODUCT_NAME: &str = "fastexec";

pub use app::App;
