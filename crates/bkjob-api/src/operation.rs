//! `operate_step_instance`'s operation codes (`StepOperationEnum`) and when each is allowed
//! (contract bk-job-api-more.md §3.2): one table for the server that enforces it and the app
//! that offers only the buttons it allows.

use crate::status::{RunStatus, StepType};

/// An operation on a step instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StepOperation {
    /// 2 失败IP重做: re-run the hosts that did not succeed (`execute_count` + 1).
    RetryFailIp = 2,
    /// 3 忽略错误: mark the failed step ignored (6) and go on.
    IgnoreError = 3,
    /// 6 确认继续: a manual-confirmation step continues.
    ConfirmContinue = 6,
    /// 8 全部重试: re-run every host (`execute_count` + 1).
    RetryAllIp = 8,
    /// 9 终止确认流程: a manual-confirmation step terminates the job.
    ConfirmTerminate = 9,
    /// 10 重新发起确认: re-open a terminated confirmation.
    ConfirmRestart = 10,
    /// 11 进入下一步: after a forced stop, skip the step and go on.
    NextStep = 11,
    /// 12 跳过: skip the step while a forced stop is in progress.
    Skip = 12,
    /// 13 滚动继续: start the next batch of a rolling step waiting for the user (mode 3).
    RollingContinue = 13,
}

impl StepOperation {
    /// Every code BK-JOB accepts, in code order.
    pub const ALL: [StepOperation; 9] = [
        StepOperation::RetryFailIp,
        StepOperation::IgnoreError,
        StepOperation::ConfirmContinue,
        StepOperation::RetryAllIp,
        StepOperation::ConfirmTerminate,
        StepOperation::ConfirmRestart,
        StepOperation::NextStep,
        StepOperation::Skip,
        StepOperation::RollingContinue,
    ];

    /// Parse a wire code; 1, 4, 5, 7 and ≥ 14 are not operations (→ 1241002).
    pub fn from_code(code: i32) -> Option<StepOperation> {
        StepOperation::ALL.into_iter().find(|o| o.code() == code)
    }

    /// The wire code.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// True if it runs hosts again (and so adds a round).
    pub fn is_retry(self) -> bool {
        matches!(self, StepOperation::RetryFailIp | StepOperation::RetryAllIp)
    }

    /// BK-JOB's precondition on the step (else 1241003); who may confirm (6, 9) is checked
    /// apart. `rolling`: the step has a `rolling_config`.
    pub fn allowed(self, status: RunStatus, step_type: StepType, rolling: bool) -> bool {
        use RunStatus::*;
        match self {
            StepOperation::RetryFailIp | StepOperation::RetryAllIp => {
                matches!(status, Fail | AbnormalState | StopSuccess)
            }
            // The API accepts 9 too; the engine then does nothing (a BK-JOB quirk).
            StepOperation::IgnoreError => matches!(status, Fail | AbnormalState),
            StepOperation::ConfirmContinue | StepOperation::ConfirmTerminate => {
                step_type == StepType::ManualConfirm && status == WaitingUser
            }
            StepOperation::ConfirmRestart => {
                step_type == StepType::ManualConfirm && status == ConfirmTerminated
            }
            StepOperation::NextStep => status == StopSuccess,
            StepOperation::Skip => status == Stopping,
            StepOperation::RollingContinue => rolling && status == WaitingUser,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use StepOperation::*;

    #[test]
    fn codes_round_trip_and_gaps_are_refused() {
        for o in StepOperation::ALL {
            assert_eq!(StepOperation::from_code(o.code()), Some(o));
        }
        for c in [0, 1, 4, 5, 7, 14, 99, -2] {
            assert_eq!(StepOperation::from_code(c), None, "{c}");
        }
        assert!(RetryFailIp.is_retry() && RetryAllIp.is_retry() && !IgnoreError.is_retry());
    }

    /// Every code in every step status, for a script step with and without rolling: the
    /// table of §3.2 written out as the statuses each code accepts.
    #[test]
    fn every_code_in_every_status() {
        let accepts = |op: StepOperation, rolling: bool| -> Vec<i32> {
            RunStatus::ALL
                .into_iter()
                .filter(|&s| op.allowed(s, StepType::Script, rolling))
                .map(RunStatus::code)
                .collect()
        };
        for rolling in [false, true] {
            assert_eq!(accepts(RetryFailIp, rolling), vec![4, 9, 11]);
            assert_eq!(accepts(RetryAllIp, rolling), vec![4, 9, 11]);
            assert_eq!(accepts(IgnoreError, rolling), vec![4, 9]);
            assert_eq!(accepts(NextStep, rolling), vec![11]);
            assert_eq!(accepts(Skip, rolling), vec![10]);
            // Confirmation codes need a manual-confirmation step.
            for op in [ConfirmContinue, ConfirmTerminate, ConfirmRestart] {
                assert_eq!(accepts(op, rolling), Vec::<i32>::new());
            }
        }
        assert_eq!(accepts(RollingContinue, false), Vec::<i32>::new());
        assert_eq!(accepts(RollingContinue, true), vec![7]);
        let confirm = |op: StepOperation, s| op.allowed(s, StepType::ManualConfirm, false);
        assert!(confirm(ConfirmContinue, RunStatus::WaitingUser));
        assert!(confirm(ConfirmTerminate, RunStatus::WaitingUser));
        assert!(!confirm(ConfirmContinue, RunStatus::Running));
        assert!(confirm(ConfirmRestart, RunStatus::ConfirmTerminated));
        assert!(!confirm(ConfirmRestart, RunStatus::WaitingUser));
    }
}
