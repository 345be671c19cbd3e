//! `timeout`: BK-JOB's range check, the docs' old limit as a warning, and the timeout BK-JOB
//! really uses.
//!
//! Separate because it is the one setting with a default and a clamp: a server needs
//! [`effective_timeout`] and [`DEFAULT_TIMEOUT`] to run a job, not only to reject one.

use super::{Limits, Rule, Violation};

/// BK-JOB's default timeout (seconds) when `timeout` is absent.
pub const DEFAULT_TIMEOUT: i64 = 7200;

/// `timeout` must be in `1..=max_timeout`; above `warn_timeout_above` a warning (the docs'
/// old 86400 limit; BK-JOB accepts it now).
pub fn check_timeout(timeout: i64, limits: &Limits) -> Option<Violation> {
    if timeout < 1 {
        Some(Violation::bean(
            "timeout",
            Rule::TimeoutTooSmall,
            "作业超时时间必须大于等于1",
            "Job timeout must be greater or equal than 1",
        ))
    } else if timeout > limits.max_timeout {
        let max = limits.max_timeout;
        Some(Violation::bean(
            "timeout",
            Rule::TimeoutRange,
            format!("作业超时时间必须在1-{max}之间"),
            format!("Job timeout must be between 1 and {max}"),
        ))
    } else if timeout > limits.warn_timeout_above {
        let (doc, max) = (limits.warn_timeout_above, limits.max_timeout);
        Some(Violation::warning(
            "timeout",
            Rule::TimeoutAboveDocLimit,
            format!("超时时间超过 {doc} 秒（文档中的旧上限），仅当 BK-JOB 允许最大 {max} 秒时可用"),
            format!("Timeout above {doc} s (the documented old limit); works only where BK-JOB allows up to {max} s"),
        ))
    } else {
        None
    }
}

/// The timeout BK-JOB actually uses: absent → 7200; out of range → the maximum.
pub fn effective_timeout(timeout: Option<i64>, limits: &Limits) -> i64 {
    match timeout {
        None => DEFAULT_TIMEOUT,
        Some(t) if t <= 0 || t > limits.max_timeout => limits.max_timeout,
        Some(t) => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixtures::{good, l};
    use crate::rules::{first_error, validate_request, Severity};

    #[test]
    fn timeout_rules() {
        assert!(check_timeout(1, &l()).is_none());
        assert!(check_timeout(86_400, &l()).is_none());
        let v = check_timeout(0, &l()).unwrap();
        assert_eq!(
            (v.rule, v.zh.as_str()),
            (Rule::TimeoutTooSmall, "作业超时时间必须大于等于1")
        );
        let v = check_timeout(259_201, &l()).unwrap();
        assert_eq!(v.zh, "作业超时时间必须在1-259200之间");
        assert_eq!(v.en, "Job timeout must be between 1 and 259200");
        assert_eq!(v.rule.code(), "timeout.range");
        let w = check_timeout(259_200, &l()).unwrap();
        assert_eq!((w.severity, w.api_code), (Severity::Warning, 0));
        assert_eq!(effective_timeout(None, &l()), 7200);
        assert_eq!(effective_timeout(Some(0), &l()), 259_200);
        assert_eq!(effective_timeout(Some(60), &l()), 60);
        // A warning never hides the request's validity.
        let mut r = good();
        r.timeout = Some(100_000);
        let vs = validate_request(&r, &l());
        assert_eq!(vs.len(), 1);
        assert!(first_error(&vs).is_none());
    }
}
