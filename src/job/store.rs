//! The recent-jobs list in localStorage: recording a launch, reading the list (the decisions
//! are [`super::recent`]'s, plain and tested natively).

use bkjob_api::{Draft, FastExecuteScriptData};

use super::recent::{remember_in_stored, scrub_stored, RecentJob, RecentJobs, RECENT_JOBS_KEY};
use super::route::JobRoute;
use crate::web as browser;

/// Record a successful launch in the recent-jobs list (localStorage), newest first, without
/// secrets or script text. Returns the job's route (for navigating to its view).
pub fn remember_launch(draft: &Draft, data: &FastExecuteScriptData) -> JobRoute {
    let job = RecentJob::from_launch(draft, data, browser::now_ms());
    let stored = browser::storage_get(RECENT_JOBS_KEY);
    browser::storage_set(
        RECENT_JOBS_KEY,
        &remember_in_stored(stored.as_deref(), &job),
    );
    job.route()
}

/// The stored recent-jobs list. A list an older version stored with script text is written
/// back without it first ([`scrub_stored`]), so upgrading removes the text from the browser.
pub fn load_recent() -> RecentJobs {
    let mut stored = browser::storage_get(RECENT_JOBS_KEY);
    if let Some(clean) = stored.as_deref().and_then(scrub_stored) {
        browser::storage_set(RECENT_JOBS_KEY, &clean);
        stored = Some(clean);
    }
    RecentJobs::from_json(stored.as_deref())
}
