//! Client-side routes, read from `window.location.pathname` (no hash). Job links are parsed
//! and built by the job view's [`crate::job::route`], so the format exists once.

use crate::job::{parse_job_route, JobRoute};

/// Where the app is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The launch form (any path that is not a job link).
    Launch,
    /// `/jobs/{scope_type}/{scope_id}/{job_instance_id}`: the job view.
    Job(JobRoute),
    /// `/jobs` (its filters in the query): the job history.
    History,
}

/// The link of a job.
pub fn job_path(scope_type: &str, scope_id: &str, job_instance_id: i64) -> String {
    JobRoute::new(scope_type, scope_id, job_instance_id).path()
}

/// Parse a pathname.
pub fn parse(pathname: &str) -> Route {
    if matches!(pathname, "/jobs" | "/jobs/") {
        return Route::History;
    }
    parse_job_route(pathname).map_or(Route::Launch, Route::Job)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_links_round_trip() {
        let p = job_path("biz", "2", 9_007_199_254_740_993);
        assert_eq!(p, "/jobs/biz/2/9007199254740993");
        assert_eq!(
            parse(&p),
            Route::Job(JobRoute::new("biz", "2", 9_007_199_254_740_993))
        );
    }

    #[test]
    fn jobs_is_the_history() {
        assert_eq!(parse("/jobs"), Route::History);
        assert_eq!(parse("/jobs/"), Route::History);
        assert_eq!(parse("/jobs/biz"), Route::Launch);
        assert_eq!(parse("/jobsx"), Route::Launch);
    }

    #[test]
    fn other_paths_are_the_form() {
        assert_eq!(parse("/"), Route::Launch);
        assert_eq!(parse(""), Route::Launch);
        assert_eq!(parse("/jobs/biz/2/notanumber"), Route::Launch);
        assert_eq!(parse("/index.html"), Route::Launch);
    }
}
