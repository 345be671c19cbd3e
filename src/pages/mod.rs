//! The app's two pages: the launch form and the job view.

pub mod job;
pub mod launch;

pub use job::JobPage;
pub use launch::LaunchPage;
