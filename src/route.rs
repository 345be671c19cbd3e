//! Client-side routes, read from `window.location.pathname` (no hash).

/// Where the app is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The launch form (any path that is not a job link).
    Launch,
    /// `/jobs/{scope_type}/{scope_id}/{job_instance_id}` (placeholder view for now).
    Job {
        /// `biz` / `biz_set`.
        scope_type: String,
        /// Business (set) ID.
        scope_id: String,
        /// Job instance ID, exact.
        job_instance_id: i64,
    },
}

/// The link of a job.
pub fn job_path(scope_type: &str, scope_id: &str, job_instance_id: i64) -> String {
    format!(
        "/jobs/{}/{}/{job_instance_id}",
        encode_segment(scope_type),
        encode_segment(scope_id)
    )
}

/// Percent-encode what is not safe in one path segment.
fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Parse a pathname; the app may be served under a prefix, so `/jobs/…` is searched as the
/// last four segments.
pub fn parse(pathname: &str) -> Route {
    let segs: Vec<&str> = pathname.split('/').filter(|s| !s.is_empty()).collect();
    if segs.len() >= 4 {
        let tail = &segs[segs.len() - 4..];
        if tail[0] == "jobs" {
            if let Ok(id) = tail[3].parse::<i64>() {
                return Route::Job {
                    scope_type: tail[1].to_owned(),
                    scope_id: tail[2].to_owned(),
                    job_instance_id: id,
                };
            }
        }
    }
    Route::Launch
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
            Route::Job {
                scope_type: "biz".into(),
                scope_id: "2".into(),
                job_instance_id: 9_007_199_254_740_993
            }
        );
        assert_eq!(job_path("biz", "a/b", 1), "/jobs/biz/a%2Fb/1");
    }

    #[test]
    fn other_paths_are_the_form() {
        assert_eq!(parse("/"), Route::Launch);
        assert_eq!(parse(""), Route::Launch);
        assert_eq!(parse("/jobs/biz/2/notanumber"), Route::Launch);
        assert_eq!(parse("/index.html"), Route::Launch);
    }
}
