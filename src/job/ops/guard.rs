//! The step operations' guard: one operation at a time, each sent once after its
//! confirmation, an unknown outcome never re-sent (plain Rust, tested natively; the launch's
//! counterpart is [`crate::launch::LaunchGuard`]).

use bkjob_api::StepOperation;

use crate::api::job::CallError;

/// How a sent operation ended, as far as the guard cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpOutcome {
    /// BK-JOB accepted it.
    Accepted,
    /// BK-JOB (or the gateway) refused it with an error envelope: nothing happened.
    Refused,
    /// No readable answer (network loss, timeout, an HTTP error page): it may have been
    /// applied. Never sent again by the view.
    Unknown,
}

impl OpOutcome {
    /// Classify an operation's answer: an error envelope (BK-JOB's codes, the gateway's) is a
    /// refusal; no answer, an unreadable one (an HTTP error page, a gateway timeout) or one
    /// too large to read leaves the outcome unknown.
    pub fn of<T>(answer: &Result<T, CallError>) -> OpOutcome {
        match answer {
            Ok(_) => OpOutcome::Accepted,
            Err(CallError::Api { .. }) => OpOutcome::Refused,
            Err(
                CallError::Http { .. } | CallError::Network { .. } | CallError::TooLarge { .. },
            ) => OpOutcome::Unknown,
        }
    }
}

/// Where the operations are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OpPhase {
    /// Buttons enabled (when no fresh status is awaited).
    #[default]
    Idle,
    /// The confirmation of this operation is open.
    Confirming(StepOperation),
    /// This operation was sent; every button is disabled.
    InFlight(StepOperation),
}

/// The operations' guard: one operation at a time, each sent once, after its confirmation.
///
/// `Idle → Confirming(op) → InFlight(op) → Idle` (cancel goes back to `Idle`). After an
/// answer (whatever it is) the buttons stay disabled until a status answer of a request
/// started *after* it arrives ([`OpGuard::status_read`]): the buttons are then decided from
/// the step's new status, never from the one the operation was chosen on. An unknown outcome
/// is never retried: the view re-reads the status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpGuard {
    phase: OpPhase,
    /// The last operation sent and how it ended.
    last: Option<(StepOperation, OpOutcome)>,
    /// Status answers of requests numbered up to this one are older than the last outcome.
    stale_until: Option<u64>,
    /// Operations sent so far.
    sent: u32,
}

impl OpGuard {
    /// A fresh guard.
    pub fn new() -> Self {
        Self::default()
    }

    /// Where it is.
    pub fn phase(&self) -> OpPhase {
        self.phase
    }

    /// The last operation sent and how it ended.
    pub fn last(&self) -> Option<(StepOperation, OpOutcome)> {
        self.last
    }

    /// Operations sent so far.
    pub fn sent(&self) -> u32 {
        self.sent
    }

    /// True when the operation buttons are disabled: one is in flight, or a fresh status is
    /// awaited after the last answer.
    pub fn busy(&self) -> bool {
        matches!(self.phase, OpPhase::InFlight(_)) || self.stale_until.is_some()
    }

    /// A button was pressed: open its confirmation. Refused (false) while busy or while
    /// another confirmation is open.
    pub fn ask(&mut self, op: StepOperation) -> bool {
        if self.busy() || self.phase != OpPhase::Idle {
            return false;
        }
        self.phase = OpPhase::Confirming(op);
        true
    }

    /// The confirmation was cancelled (Esc, Cancel).
    pub fn cancel(&mut self) {
        if matches!(self.phase, OpPhase::Confirming(_)) {
            self.phase = OpPhase::Idle;
        }
    }

    /// The confirmation was accepted: the operation to send now, once. `None` (send
    /// nothing) unless a confirmation is open: a second Enter or click sends nothing.
    pub fn confirm(&mut self) -> Option<StepOperation> {
        match self.phase {
            OpPhase::Confirming(op) if !self.busy() => {
                self.phase = OpPhase::InFlight(op);
                self.sent += 1;
                Some(op)
            }
            _ => None,
        }
    }

    /// The answer of the operation in flight; `polls_started` is the number of status
    /// requests started so far (answers of those are stale). Ignored when nothing is in
    /// flight.
    pub fn finish(&mut self, outcome: OpOutcome, polls_started: u64) {
        if let OpPhase::InFlight(op) = self.phase {
            self.phase = OpPhase::Idle;
            self.last = Some((op, outcome));
            self.stale_until = Some(polls_started);
        }
    }

    /// A status answer of request number `poll_no` (1-based, in start order) arrived. Returns
    /// true when it is fresh (started after the last outcome), which enables the buttons
    /// again.
    pub fn status_read(&mut self, poll_no: u64) -> bool {
        match self.stale_until {
            Some(s) if poll_no <= s => false,
            _ => {
                self.stale_until = None;
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use StepOperation::*;

    #[test]
    fn never_sent_twice() {
        let mut g = OpGuard::new();
        assert!(!g.busy());
        assert_eq!(g.confirm(), None, "no confirmation open");
        assert!(g.ask(RetryFailIp));
        assert!(!g.ask(RetryAllIp), "one confirmation at a time");
        assert_eq!(g.confirm(), Some(RetryFailIp));
        // double click, Enter again, another button: nothing more is sent
        assert_eq!(g.confirm(), None);
        assert!(!g.ask(RetryAllIp));
        assert!(g.busy());
        assert_eq!(g.sent(), 1);
        g.finish(OpOutcome::Accepted, 5);
        assert_eq!(g.last(), Some((RetryFailIp, OpOutcome::Accepted)));
        // still disabled: the status the buttons came from is stale
        assert!(g.busy() && !g.ask(RetryFailIp));
        assert!(!g.status_read(5), "a request started before the answer");
        assert!(g.busy());
        assert!(g.status_read(6));
        assert!(!g.busy());
        assert!(g.ask(RetryAllIp));
        g.cancel();
        assert_eq!(g.phase(), OpPhase::Idle);
        assert_eq!(g.confirm(), None);
        assert_eq!(g.sent(), 1);
    }

    #[test]
    fn answers_are_classified() {
        let api = |code| CallError::Api {
            http_status: 200,
            code,
            message: String::new(),
            job_request_id: None,
            permission: None,
        };
        assert_eq!(OpOutcome::of(&Ok::<(), _>(())), OpOutcome::Accepted);
        for code in [1_241_003, 1_244_006, 1_244_007, 9_900_403, 1_640_001] {
            assert_eq!(OpOutcome::of::<()>(&Err(api(code))), OpOutcome::Refused);
        }
        let lost = CallError::Network {
            detail: "timeout".into(),
        };
        let page = CallError::Http {
            http_status: 504,
            excerpt: "<html>".into(),
        };
        assert_eq!(OpOutcome::of::<()>(&Err(lost)), OpOutcome::Unknown);
        assert_eq!(OpOutcome::of::<()>(&Err(page)), OpOutcome::Unknown);
    }

    #[test]
    fn an_unknown_outcome_is_not_sent_again() {
        let mut g = OpGuard::new();
        assert!(g.ask(RollingContinue));
        assert_eq!(g.confirm(), Some(RollingContinue));
        g.finish(OpOutcome::Unknown, 2);
        assert_eq!(g.last(), Some((RollingContinue, OpOutcome::Unknown)));
        assert_eq!(g.phase(), OpPhase::Idle);
        // nothing re-sends by itself: a confirm without a new ask sends nothing
        assert_eq!(g.confirm(), None);
        assert!(g.busy());
        assert!(g.status_read(3));
        assert_eq!(g.sent(), 1);
        // stray events change nothing
        g.finish(OpOutcome::Accepted, 9);
        assert_eq!(g.last(), Some((RollingContinue, OpOutcome::Unknown)));
        assert!(!g.busy());
        g.cancel();
        assert!(g.status_read(1), "no outcome waits for a status");
    }
}
