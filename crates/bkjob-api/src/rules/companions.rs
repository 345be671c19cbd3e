//! The companion APIs' checks (contract §5): `get_job_instance_status`, the two log APIs
//! and `operate_job_instance`, with [`MAX_BATCH_LOG_HOSTS`].
//!
//! Separate because none of them concerns `fast_execute_script`: they guard other
//! endpoints, and [`super::validate_request`] never calls them.

use crate::error_code::ErrorCode;

use super::{is_blank, Rule, Violation};

/// Most hosts one `batch_get_job_instance_ip_log` call may ask for.
pub const MAX_BATCH_LOG_HOSTS: usize = 500;

/// `get_job_instance_status`: `job_instance_id` null or < 1 → 1241007.
pub fn check_status_job_instance_id(job_instance_id: Option<i64>) -> Option<Violation> {
    job_instance_id.is_none_or(|id| id < 1).then(|| {
        Violation::handler::<{ ErrorCode::MISSING_OR_ILLEGAL_PARAM_WITH_NAME.0 }>(
            "job_instance_id",
            Rule::JobInstanceIdInvalid,
            &["job_instance_id"],
        )
    })
}

/// Log APIs: `job_instance_id` and `step_instance_id` must be ≥ 1 (bean validation, 1240003),
/// job first.
pub fn check_log_ids(
    job_instance_id: Option<i64>,
    step_instance_id: Option<i64>,
) -> Vec<Violation> {
    let mut out = Vec::new();
    if job_instance_id.is_none_or(|id| id < 1) {
        out.push(Violation::bean(
            "job_instance_id",
            Rule::JobInstanceIdInvalid,
            "任务实例ID必须为正整数",
            "Job instance id must be a positive number",
        ));
    }
    if step_instance_id.is_none_or(|id| id < 1) {
        out.push(Violation::bean(
            "step_instance_id",
            Rule::StepInstanceIdInvalid,
            "步骤实例ID必须为正整数",
            "Step instance id must be a positive number",
        ));
    }
    out
}

/// `get_job_instance_ip_log`: `bk_host_id`, or `bk_cloud_id` + non-blank `ip` → else 1241007.
pub fn check_ip_log_host(
    bk_host_id: Option<i64>,
    bk_cloud_id: Option<i64>,
    ip: Option<&str>,
) -> Option<Violation> {
    let ok = bk_host_id.is_some() || (bk_cloud_id.is_some() && ip.is_some_and(|ip| !is_blank(ip)));
    (!ok).then(|| {
        let name = "host_id/(bk_cloud_id+ip)";
        Violation::handler::<{ ErrorCode::MISSING_OR_ILLEGAL_PARAM_WITH_NAME.0 }>(
            name,
            Rule::LogHostMissing,
            &[name],
        )
    })
}

/// `batch_get_job_instance_ip_log`: the list used (host IDs win over IPs) must be non-empty
/// and at most [`MAX_BATCH_LOG_HOSTS`] → else 1241007.
pub fn check_batch_log_hosts(host_id_count: usize, ip_count: usize) -> Option<Violation> {
    let n = if host_id_count > 0 {
        host_id_count
    } else {
        ip_count
    };
    (n == 0 || n > MAX_BATCH_LOG_HOSTS).then(|| {
        let name = "host_id_list/ip_list";
        Violation::handler::<{ ErrorCode::MISSING_OR_ILLEGAL_PARAM_WITH_NAME.0 }>(
            name,
            Rule::LogHostMissing,
            &[name],
        )
    })
}

/// `operate_job_instance`: `job_instance_id` > 0 and `operation_code` 1 or 2 → else 1241002.
pub fn check_operate_request(
    job_instance_id: Option<i64>,
    operation_code: Option<i32>,
) -> Option<Violation> {
    let ok = job_instance_id.is_some_and(|id| id > 0)
        && operation_code
            .and_then(crate::status::OperationCode::from_code)
            .is_some();
    (!ok).then(|| {
        Violation::handler::<{ ErrorCode::ILLEGAL_PARAM.0 }>(
            "operation_code",
            Rule::OperateInvalid,
            &[],
        )
    })
}

/// `operate_step_instance`: `job_instance_id` and `step_instance_id` > 0 and a
/// [`crate::operation::StepOperation`] code → else 1241002 (contract bk-job-api-more.md §3.3).
pub fn check_operate_step_request(
    job_instance_id: Option<i64>,
    step_instance_id: Option<i64>,
    operation_code: Option<i32>,
) -> Option<Violation> {
    let ok = job_instance_id.is_some_and(|id| id > 0)
        && step_instance_id.is_some_and(|id| id > 0)
        && operation_code
            .and_then(crate::operation::StepOperation::from_code)
            .is_some();
    (!ok).then(|| {
        Violation::handler::<{ ErrorCode::ILLEGAL_PARAM.0 }>(
            "operation_code",
            Rule::OperateInvalid,
            &[],
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn companion_rules() {
        assert!(check_status_job_instance_id(Some(1)).is_none());
        let v = check_status_job_instance_id(Some(0)).unwrap();
        assert_eq!(
            (v.api_code, v.zh.as_str()),
            (1_241_007, "请求参数[job_instance_id]缺失或不合法")
        );
        assert!(check_status_job_instance_id(None).is_some());
        assert!(check_log_ids(Some(1), Some(2)).is_empty());
        let v = check_log_ids(None, Some(0));
        assert_eq!(v[0].en, "Job instance id must be a positive number");
        assert_eq!(v[1].zh, "步骤实例ID必须为正整数");
        assert!(check_ip_log_host(Some(1), None, None).is_none());
        assert!(check_ip_log_host(None, Some(0), Some("1.1.1.1")).is_none());
        let v = check_ip_log_host(None, Some(0), Some(" ")).unwrap();
        assert_eq!(v.zh, "请求参数[host_id/(bk_cloud_id+ip)]缺失或不合法");
        assert!(check_batch_log_hosts(500, 0).is_none());
        assert!(check_batch_log_hosts(0, 3).is_none());
        assert!(check_batch_log_hosts(2, 900).is_none());
        let v = check_batch_log_hosts(0, 0).unwrap();
        assert_eq!(
            v.en,
            "Missing or invalid request parameter [host_id_list/ip_list]"
        );
        assert!(check_batch_log_hosts(501, 0).is_some());
        assert!(check_operate_request(Some(1), Some(2)).is_none());
        let v = check_operate_request(Some(1), Some(3)).unwrap();
        assert_eq!((v.api_code, v.zh.as_str()), (1_241_002, "请求参数不合法"));
        assert!(check_operate_request(None, Some(1)).is_some());
        assert!(check_operate_step_request(Some(1), Some(2), Some(13)).is_none());
        for (j, s, c) in [
            (None, Some(2), Some(2)),
            (Some(1), Some(0), Some(2)),
            (Some(1), None, Some(2)),
            (Some(1), Some(2), Some(4)),
            (Some(1), Some(2), None),
        ] {
            let v = check_operate_step_request(j, s, c).unwrap();
            assert_eq!(
                (v.api_code, v.en.as_str()),
                (1_241_002, "Invalid request parameter")
            );
        }
    }
}
