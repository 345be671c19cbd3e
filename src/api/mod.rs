//! Talking to BK-JOB: every HTTP call the app makes and how every answer is read.
//!
//! - [`call`]: the typed BK APIs ([`Api`]), the typed method ([`Method`]) and building each
//!   call ([`HttpCall`]) from the connection settings (plain Rust, tested natively);
//! - [`client`]: the one HTTP client (fetch, timeout, abort, the answer size cap);
//! - [`envelope`]: the one reader of BK-JOB's answer envelope, for the launch and the job view;
//! - [`launch`]: sending the launch (its answer becomes an [`crate::outcome::Outcome`]);
//! - [`session`]: asking the page's own server who adds the credentials;
//! - [`job`]: the job view's calls ([`job::JobApi`], [`job::HttpJobApi`], [`job::CallError`]);
//! - [`json_writer`]: a serde-fed JSON writer (permission objects of serde-read answers, previews).

pub mod call;
pub mod client;
pub mod envelope;
pub mod job;
pub mod json_writer;
pub mod launch;
pub mod session;

pub use call::{Api, HttpCall, Method};
