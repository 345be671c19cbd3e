//! The job view's route: `/jobs/{scope_type}/{scope_id}/{job_instance_id}`.
//!
//! Plain Rust (no web-sys): parsed from `location.pathname`, built for links.

/// One job, as addressed by the URL. A link can be shared and a reload keeps the view.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct JobRoute {
    /// `biz` or `biz_set`.
    pub scope_type: String,
    /// Business / business-set ID (as a string, as BK-JOB sends it).
    pub scope_id: String,
    /// Job instance ID (≥ 1).
    pub job_instance_id: i64,
}

impl JobRoute {
    /// A route; no validation (use [`parse_job_route`] for untrusted text).
    pub fn new(scope_type: impl Into<String>, scope_id: impl Into<String>, id: i64) -> Self {
        JobRoute {
            scope_type: scope_type.into(),
            scope_id: scope_id.into(),
            job_instance_id: id,
        }
    }

    /// The path of this job's view, e.g. `/jobs/biz/2/1001`.
    pub fn path(&self) -> String {
        format!(
            "/jobs/{}/{}/{}",
            self.scope_type, self.scope_id, self.job_instance_id
        )
    }
}

fn scope_type_ok(s: &str) -> bool {
    matches!(s, "biz" | "biz_set")
}

fn scope_id_ok(s: &str) -> bool {
    !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Parse `/jobs/{scope_type}/{scope_id}/{job_instance_id}` (a trailing slash, a query and a
/// fragment are allowed; anything else is `None`). `scope_type` is `biz` or `biz_set`,
/// `scope_id` digits, the job id an integer ≥ 1.
pub fn parse_job_route(path: &str) -> Option<JobRoute> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let rest = path.strip_prefix("/jobs/")?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let mut parts = rest.split('/');
    let scope_type = parts.next()?;
    let scope_id = parts.next()?;
    let id = parts.next()?;
    if parts.next().is_some() || !scope_type_ok(scope_type) || !scope_id_ok(scope_id) {
        return None;
    }
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let job_instance_id: i64 = id.parse().ok()?;
    (job_instance_id >= 1).then(|| JobRoute::new(scope_type, scope_id, job_instance_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_good_paths() {
        let r = parse_job_route("/jobs/biz/2/1001").unwrap();
        assert_eq!(r, JobRoute::new("biz", "2", 1001));
        assert_eq!(r.path(), "/jobs/biz/2/1001");
        assert_eq!(
            parse_job_route("/jobs/biz_set/9991001/7/"),
            Some(JobRoute::new("biz_set", "9991001", 7))
        );
        assert_eq!(
            parse_job_route("/jobs/biz/2/5?x=1#y").map(|r| r.job_instance_id),
            Some(5)
        );
        // above 2^53 stays exact
        assert_eq!(
            parse_job_route("/jobs/biz/2/9007199254740993").map(|r| r.job_instance_id),
            Some(9_007_199_254_740_993)
        );
    }

    #[test]
    fn rejects_bad_paths() {
        for p in [
            "/",
            "/jobs",
            "/jobs/biz/2",
            "/jobs/biz/2/",
            "/jobs/host/2/1",
            "/jobs/biz/x/1",
            "/jobs/biz/2/0",
            "/jobs/biz/2/-1",
            "/jobs/biz/2/1/extra",
            "/jobs/biz/2/+1",
            "/jobs/biz/2/99999999999999999999",
            "jobs/biz/2/1",
        ] {
            assert_eq!(parse_job_route(p), None, "{p}");
        }
    }
}
