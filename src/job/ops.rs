//! The step operations of the job view (`operate_step_instance`, contract
//! bk-job-api-more.md §3, §7.3–7.5), in plain Rust (unit-tested natively): which buttons the
//! step's status allows ([`StepFacts::offered`]), how many hosts each one touches
//! ([`StepFacts::targets`]) and what its confirmation says ([`question`]), the round and the
//! status line of a rolling step ([`status_note`]), and the guard that never sends an
//! operation twice ([`OpGuard`]).
//!
//! Choices where the contract leaves room:
//! - A step is *rolling* when the view can tell from the status answer (which has no
//!   rolling fields): a step that is not a manual confirmation (type 3) with status 7
//!   (waiting for the user) or 15 (between batches), or with hosts in status 5 (waiting)
//!   while the step is not running (they belong to batches not yet run). Status 7 on a
//!   script step only happens to a rolling step in mode 3, so "Continue next batch" (13)
//!   is offered exactly where BK-JOB accepts it.
//! - "Ignore errors" (3) is offered on a failed step (4) only: BK-JOB accepts it on 9 too,
//!   but its engine then does nothing.
//! - "Failed" hosts are those BK-JOB retries with code 2: every host whose status is not 9
//!   (success). Hosts waiting for a later rolling batch (5) are not counted: a retry of a
//!   rolling step re-runs the current batch only. "Retry failed hosts" is not offered when
//!   no host failed.

use bkjob_api::{HostStatus, Lang, RunStatus, StepOperation, StepType};

use super::hosts::HostModel;
use crate::api::job::CallError;
use crate::i18n::fill;
use crate::i18n::job::job_texts;

/// The operations the job view offers, in button order (the confirmation codes 6/9/10 need a
/// manual-confirmation step, which a quick script job never has).
pub const OFFERED: [StepOperation; 6] = [
    StepOperation::RetryFailIp,
    StepOperation::RetryAllIp,
    StepOperation::IgnoreError,
    StepOperation::RollingContinue,
    StepOperation::Skip,
    StepOperation::NextStep,
];

/// The button's `id` / `data-op` name of an operation.
pub fn op_name(op: StepOperation) -> &'static str {
    match op {
        StepOperation::RetryFailIp => "retry-failed",
        StepOperation::RetryAllIp => "retry-all",
        StepOperation::IgnoreError => "ignore-error",
        StepOperation::RollingContinue => "continue-batch",
        StepOperation::Skip => "skip",
        StepOperation::NextStep => "next-step",
        StepOperation::ConfirmContinue => "confirm-continue",
        StepOperation::ConfirmTerminate => "confirm-terminate",
        StepOperation::ConfirmRestart => "confirm-restart",
    }
}

/// The button's label.
pub fn op_label(op: StepOperation, lang: Lang) -> &'static str {
    let t = job_texts(lang);
    match op {
        StepOperation::RetryFailIp => t.op_retry_failed,
        StepOperation::RetryAllIp => t.op_retry_all,
        StepOperation::IgnoreError => t.op_ignore,
        StepOperation::RollingContinue => t.op_continue,
        StepOperation::Skip => t.op_skip,
        StepOperation::NextStep => t.op_next_step,
        StepOperation::ConfirmContinue
        | StepOperation::ConfirmTerminate
        | StepOperation::ConfirmRestart => t.op_confirm_step,
    }
}

/// The step's hosts counted for the operations (one pass over the groups, not the rows).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HostCounts {
    /// Every host of the step.
    pub total: usize,
    /// Status 9.
    pub success: usize,
    /// Status 5: waiting (a later rolling batch, or not started).
    pub waiting: usize,
    /// Status 7: running.
    pub running: usize,
}

impl HostCounts {
    /// Count a host model.
    pub fn of(model: &HostModel) -> Self {
        let mut c = HostCounts {
            total: model.rows.len(),
            ..HostCounts::default()
        };
        for g in &model.groups {
            match HostStatus::from_code(g.key.status) {
                Some(HostStatus::Success) => c.success += g.count(),
                Some(HostStatus::Waiting) => c.waiting += g.count(),
                Some(HostStatus::Running) => c.running += g.count(),
                _ => {}
            }
        }
        c
    }

    /// Hosts that ran and did not succeed (neither 9 nor waiting nor running).
    pub fn failed(&self) -> usize {
        self.total - self.success - self.waiting - self.running
    }
}

/// What the view knows of the step an operation would act on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepFacts {
    /// Step status code ([`RunStatus`]).
    pub status: i32,
    /// Step type code ([`StepType`]).
    pub step_type: i32,
    /// Its hosts.
    pub hosts: HostCounts,
}

/// How many hosts an operation touches, of how many.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Targets {
    /// Hosts it runs again, or leaves behind (ignore, skip), or that still wait (continue).
    pub n: usize,
    /// All hosts of the step.
    pub total: usize,
}

impl StepFacts {
    /// The facts of a step from its status answer.
    pub fn new(status: i32, step_type: i32, model: &HostModel) -> Self {
        StepFacts {
            status,
            step_type,
            hosts: HostCounts::of(model),
        }
    }

    fn run_status(&self) -> Option<RunStatus> {
        RunStatus::from_code(self.status)
    }

    /// Is the step rolling, as far as the status answer tells (see the module's notes)?
    pub fn rolling(&self) -> bool {
        if StepType::from_code(self.step_type) == Some(StepType::ManualConfirm) {
            return false;
        }
        match self.run_status() {
            Some(RunStatus::WaitingUser | RunStatus::RollingWaiting) => true,
            Some(RunStatus::Running | RunStatus::Blank) | None => false,
            Some(_) => self.hosts.waiting > 0,
        }
    }

    /// The operations to offer now, in [`OFFERED`] order: those BK-JOB allows in this
    /// status that also have an effect.
    pub fn offered(&self) -> Vec<StepOperation> {
        let (Some(status), Some(step_type)) =
            (self.run_status(), StepType::from_code(self.step_type))
        else {
            return Vec::new();
        };
        let rolling = self.rolling();
        OFFERED
            .into_iter()
            .filter(|op| op.allowed(status, step_type, rolling))
            .filter(|op| match op {
                StepOperation::IgnoreError => status == RunStatus::Fail,
                StepOperation::RetryFailIp => self.targets(*op).n > 0,
                _ => true,
            })
            .collect()
    }

    /// The hosts `op` touches: failed ones (2, 3, 11, 12), every host that ran (8) or, not
    /// rolling, every host; the hosts still waiting (13).
    pub fn targets(&self, op: StepOperation) -> Targets {
        let h = &self.hosts;
        let rolling = self.rolling();
        let n = match op {
            // BK-JOB re-runs every host that is not 9; a rolling step only its current batch.
            StepOperation::RetryFailIp => {
                if rolling {
                    h.total - h.success - h.waiting
                } else {
                    h.total - h.success
                }
            }
            StepOperation::RetryAllIp => {
                if rolling {
                    h.total - h.waiting
                } else {
                    h.total
                }
            }
            StepOperation::IgnoreError => h.failed(),
            StepOperation::RollingContinue => h.waiting,
            _ => h.total - h.success,
        };
        Targets { n, total: h.total }
    }
}

/// The confirmation's question: what will run, on how many hosts.
pub fn question(op: StepOperation, facts: &StepFacts, lang: Lang) -> String {
    let t = job_texts(lang);
    let Targets { n, total } = facts.targets(op);
    let rolling = facts.rolling();
    let template = match op {
        StepOperation::RetryFailIp if rolling => t.q_retry_failed_batch,
        StepOperation::RetryFailIp => t.q_retry_failed,
        StepOperation::RetryAllIp if rolling => t.q_retry_all_batch,
        StepOperation::RetryAllIp => t.q_retry_all,
        StepOperation::IgnoreError if facts.hosts.waiting > 0 => t.q_ignore_next,
        StepOperation::IgnoreError => t.q_ignore_end,
        StepOperation::RollingContinue => t.q_continue,
        StepOperation::Skip => t.q_skip,
        _ => t.q_next_step,
    };
    fill(
        template,
        &[
            ("n", &n.to_string()),
            ("total", &total.to_string()),
            ("waiting", &facts.hosts.waiting.to_string()),
        ],
    )
}

/// The round of a step: `execute_count` starts at 0 and grows by one per retry (2 / 8).
pub fn round(execute_count: i32) -> i64 {
    i64::from(execute_count.max(0)) + 1
}

/// What the status line adds about a rolling step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusNote {
    /// Step 7 on a rolling step: the next batch waits for "Continue next batch"; `waiting`
    /// hosts have not run yet.
    WaitingForConfirmation { waiting: usize },
    /// Step 15: between batches, the next one starts by itself.
    BetweenBatches { waiting: usize },
    /// Hosts of later batches still wait (5) while a batch runs or after the step stopped.
    LaterBatches { waiting: usize },
}

/// The status line's note for a step, if it has one.
pub fn status_note(facts: &StepFacts) -> Option<StatusNote> {
    let waiting = facts.hosts.waiting;
    match facts.run_status() {
        Some(RunStatus::WaitingUser) if facts.rolling() => {
            Some(StatusNote::WaitingForConfirmation { waiting })
        }
        Some(RunStatus::RollingWaiting) => Some(StatusNote::BetweenBatches { waiting }),
        _ if waiting > 0 && waiting < facts.hosts.total => {
            Some(StatusNote::LaterBatches { waiting })
        }
        _ => None,
    }
}

/// The note's text.
pub fn note_text(note: StatusNote, lang: Lang) -> String {
    let t = job_texts(lang);
    let (template, n) = match note {
        StatusNote::WaitingForConfirmation { waiting } => (t.note_waiting_user, waiting),
        StatusNote::BetweenBatches { waiting } => (t.note_between_batches, waiting),
        StatusNote::LaterBatches { waiting } => (t.note_later_batches, waiting),
    };
    fill(template, &[("n", &n.to_string())])
}

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
    use bkjob_api::StepIpResult;
    use StepOperation::*;

    fn model(statuses: &[(i32, usize)]) -> HostModel {
        let mut rows = Vec::new();
        for &(status, n) in statuses {
            for _ in 0..n {
                rows.push(StepIpResult {
                    bk_host_id: Some(rows.len() as i64 + 1),
                    status,
                    ..Default::default()
                });
            }
        }
        HostModel::new(rows)
    }

    fn facts(status: i32, hosts: &[(i32, usize)]) -> StepFacts {
        StepFacts::new(status, 1, &model(hosts))
    }

    #[test]
    fn counts_by_group() {
        let c = HostCounts::of(&model(&[(9, 5), (104, 2), (5, 3), (7, 1), (403, 1)]));
        assert_eq!(
            c,
            HostCounts {
                total: 12,
                success: 5,
                waiting: 3,
                running: 1
            }
        );
        assert_eq!(c.failed(), 3);
    }

    /// Which buttons each step status offers (a plain script step, hosts 3 failed of 200).
    #[test]
    fn buttons_for_each_step_status() {
        let hosts = [(9, 197), (104, 3)];
        for s in RunStatus::ALL {
            let got = facts(s.code(), &hosts).offered();
            let want: Vec<StepOperation> = match s.code() {
                4 => vec![RetryFailIp, RetryAllIp, IgnoreError],
                9 => vec![RetryFailIp, RetryAllIp],
                11 => vec![RetryFailIp, RetryAllIp, NextStep],
                10 => vec![Skip],
                // a script step only waits for the user between rolling batches (mode 3)
                7 => vec![RollingContinue],
                _ => vec![],
            };
            assert_eq!(got, want, "status {}", s.code());
        }
        // a status the view does not know, or an unknown step type: nothing
        assert!(facts(12, &hosts).offered().is_empty());
        assert!(StepFacts::new(4, 9, &model(&hosts)).offered().is_empty());
    }

    #[test]
    fn rolling_steps_and_continue_only_where_it_succeeds() {
        // mode 3, after batch 1: step 7, later hosts waiting
        let waiting = facts(7, &[(9, 1), (5, 2)]);
        assert!(waiting.rolling());
        assert_eq!(waiting.offered(), vec![RollingContinue]);
        assert_eq!(waiting.targets(RollingContinue), Targets { n: 2, total: 3 });
        // between batches (modes 1/2): nothing to press
        let between = facts(15, &[(9, 1), (5, 2)]);
        assert!(between.rolling() && between.offered().is_empty());
        // a manual-confirmation step in 7 is not rolling: 13 would be refused (1241003)
        let confirm = StepFacts::new(7, 3, &model(&[]));
        assert!(!confirm.rolling() && confirm.offered().is_empty());
        // mode 1, batch 1 of 3 failed: retry (the batch) or ignore (and go on)
        let paused = facts(4, &[(104, 1), (5, 2)]);
        assert!(paused.rolling());
        assert_eq!(paused.offered(), vec![RetryFailIp, RetryAllIp, IgnoreError]);
        assert_eq!(paused.targets(RetryFailIp), Targets { n: 1, total: 3 });
        assert_eq!(paused.targets(RetryAllIp), Targets { n: 1, total: 3 });
        // running: hosts waiting for their batch do not make a step offer anything
        let running = facts(2, &[(7, 1), (5, 2)]);
        assert!(!running.rolling() && running.offered().is_empty());
        // a plain failed step is not rolling
        assert!(!facts(4, &[(9, 2), (104, 1)]).rolling());
    }

    #[test]
    fn retry_failed_needs_a_failed_host() {
        // stopped with every host successful: only retry all and next step
        assert_eq!(facts(11, &[(9, 4)]).offered(), vec![RetryAllIp, NextStep]);
        assert_eq!(facts(11, &[(9, 3), (403, 1)]).targets(RetryFailIp).n, 1);
    }

    #[test]
    fn confirmation_texts_count_hosts() {
        let f = facts(4, &[(9, 197), (104, 2), (1, 1)]);
        assert_eq!(
            question(RetryFailIp, &f, Lang::En),
            "Run the script again on 3 failed hosts of 200?"
        );
        assert_eq!(
            question(RetryFailIp, &f, Lang::ZhCn),
            "在 200 台中的 3 台失败主机上重新执行脚本？"
        );
        assert_eq!(
            question(RetryAllIp, &f, Lang::En),
            "Run the script again on all 200 hosts?"
        );
        assert_eq!(
            question(IgnoreError, &f, Lang::En),
            "Ignore the 3 failed hosts of 200 and end the step as “ignore error”? Nothing runs again."
        );
        let rolling = facts(4, &[(9, 1), (104, 1), (5, 2)]);
        assert_eq!(
            question(RetryFailIp, &rolling, Lang::En),
            "Run the script again on the 1 failed hosts of the current batch (4 hosts in all)?"
        );
        assert_eq!(
            question(IgnoreError, &rolling, Lang::ZhCn),
            "忽略 4 台中 1 台失败主机的错误，继续执行下一批？还有 2 台主机未执行。"
        );
        let waiting = facts(7, &[(9, 1), (5, 2)]);
        assert_eq!(
            question(RollingContinue, &waiting, Lang::En),
            "Start the next batch? 2 of 3 hosts have not run yet."
        );
        let stopping = facts(10, &[(9, 1), (7, 2)]);
        assert!(question(Skip, &stopping, Lang::En).contains("2 of 3"));
        for op in OFFERED {
            for lang in [Lang::ZhCn, Lang::En] {
                let q = question(op, &f, lang);
                assert!(!q.contains('{'), "{q}");
                assert!(!op_label(op, lang).is_empty());
            }
        }
    }

    #[test]
    fn rounds_and_status_notes() {
        assert_eq!(round(0), 1);
        assert_eq!(round(1), 2);
        assert_eq!(round(-3), 1);
        assert_eq!(
            status_note(&facts(7, &[(9, 1), (5, 2)])),
            Some(StatusNote::WaitingForConfirmation { waiting: 2 })
        );
        assert_eq!(
            status_note(&facts(15, &[(9, 1), (5, 2)])),
            Some(StatusNote::BetweenBatches { waiting: 2 })
        );
        assert_eq!(
            status_note(&facts(2, &[(7, 1), (5, 2)])),
            Some(StatusNote::LaterBatches { waiting: 2 })
        );
        // before anything ran, every host waits: nothing about batches to say
        assert_eq!(status_note(&facts(2, &[(5, 3)])), None);
        assert_eq!(status_note(&facts(3, &[(9, 3)])), None);
        assert_eq!(
            note_text(StatusNote::WaitingForConfirmation { waiting: 2 }, Lang::En),
            "Waiting for confirmation: 2 hosts have not run yet. “Continue next batch” starts the next batch."
        );
    }

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
