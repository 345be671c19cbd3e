//! The app's two pages: the launch form (with its recent-jobs section) and the job view.

pub mod job;
pub mod launch;
pub mod recent;

pub use job::{HistoryPage, JobPage};
pub use launch::LaunchPage;
