//! The step operations of the job view (`operate_step_instance`, contract
//! bk-job-api-more.md §3, §7.3–7.5), in plain Rust (unit-tested natively): which buttons the
//! step's status allows ([`StepFacts::offered`]), how many hosts each one touches
//! ([`StepFacts::targets`]) and what its confirmation says ([`question`]), the round and the
//! status line of a rolling step ([`status_note`]); [`guard`]: the guard that never sends an
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
//!   (success). A retry of a rolling step re-runs the current batch only: its hosts are
//!   counted from `get_step_instance_status` without `batch` (the current batch,
//!   [`StepFacts::batch`]); until that answer is in, from the status answer (hosts waiting for
//!   a later batch left out, earlier batches' ignored failures counted: an upper bound).
//!   "Retry failed hosts" is not offered when no host failed.

use bkjob_api::{HostStatus, Lang, RunStatus, StepOperation, StepType};

pub mod guard;

pub use guard::{OpGuard, OpOutcome, OpPhase};

use super::hosts::HostModel;
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

    /// Count an answer's result groups (`get_step_instance_status`: every group's size,
    /// however many hosts it lists).
    pub fn of_groups(groups: &[bkjob_api::StepResultGroup]) -> Self {
        let mut c = HostCounts::default();
        for g in groups {
            let n = g.host_size.max(0) as usize;
            c.total += n;
            match HostStatus::from_code(g.result_type) {
                Some(HostStatus::Success) => c.success += n,
                Some(HostStatus::Waiting) => c.waiting += n,
                Some(HostStatus::Running) => c.running += n,
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
    /// The hosts of a rolling step's current batch, when read for this status.
    pub batch: Option<HostCounts>,
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
            batch: None,
        }
    }

    /// With the counts of the current batch (a rolling step).
    pub fn with_batch(self, batch: Option<HostCounts>) -> Self {
        StepFacts { batch, ..self }
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
        let n = match (op, self.batch.filter(|_| rolling)) {
            // BK-JOB re-runs every host that is not 9; a rolling step only its current batch.
            (StepOperation::RetryFailIp, Some(b)) => b.total - b.success,
            (StepOperation::RetryAllIp, Some(b)) => b.total,
            (op, _) => self.estimate(op),
        };
        Targets { n, total: h.total }
    }

    /// [`Self::targets`] from the status answer alone.
    fn estimate(&self, op: StepOperation) -> usize {
        let h = &self.hosts;
        let rolling = self.rolling();
        match op {
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
        }
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
    fn a_rolling_retry_counts_the_current_batch_once_it_is_read() {
        use bkjob_api::StepResultGroup;
        // Batch 1's failure (1 host) was ignored (op 3), batch 2 (3 hosts) failed on 2 and
        // paused the job; 2 hosts wait for batch 3.
        let f = facts(4, &[(9, 2), (104, 3), (5, 2)]);
        assert_eq!(
            f.targets(RetryFailIp).n,
            3,
            "the estimate counts batch 1's failure"
        );
        let group = |result_type, host_size| StepResultGroup {
            result_type,
            host_size,
            ..Default::default()
        };
        let batch = HostCounts::of_groups(&[group(9, 1), group(104, 2)]);
        assert_eq!((batch.total, batch.success, batch.failed()), (3, 1, 2));
        let exact = f.with_batch(Some(batch));
        assert_eq!(exact.targets(RetryFailIp), Targets { n: 2, total: 7 });
        assert_eq!(exact.targets(RetryAllIp), Targets { n: 3, total: 7 });
        assert_eq!(
            question(RetryAllIp, &exact, Lang::En),
            "Run the script again on the 3 hosts of the current batch (7 hosts in all)?"
        );
        // Not rolling: the batch counts are not used.
        let plain = facts(4, &[(9, 2), (104, 1)]).with_batch(Some(batch));
        assert_eq!(plain.targets(RetryAllIp).n, 3);
        assert_eq!(plain.targets(RetryFailIp).n, 1);
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
}
