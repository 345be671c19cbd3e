//! The batch strip of a rolling job: where the job is in its batch plan (batch n of m, the
//! size of each, which ran, which runs or waits for a confirmation, which are still to come).
//!
//! BK-JOB's status answers carry no batch number (contract bk-job-api-more.md §7.4): hosts of
//! batches not yet run have host status 5 (waiting) and the step's status says whether a batch
//! runs (2), the next one is about to start (15), waits for a confirmation (7) or the current
//! one failed (4). With the plan (its sizes, in target order) the count of hosts that left
//! status 5 places the job in it. The plan comes from the rolling settings the job was
//! launched with ([`plan_of`]) for the jobs launched from this browser, else from the server
//! batch by batch ([`crate::job::rounds::BatchProbe`]).

use bkjob_api::{rolling_plan, Draft, RunStatus};

/// Where one batch is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchState {
    /// Ran to its end (its hosts' own statuses tell how).
    Done,
    /// Runs now.
    Running,
    /// Failed and stopped the job (mode 1 or 3): retry it or ignore the errors.
    Failed,
    /// Next, and waits for a confirmation (mode 3, step status 7).
    AwaitingConfirmation,
    /// Next, starts by itself (step status 15).
    Starting,
    /// Stopped there (terminated).
    Stopped,
    /// Still to come.
    Pending,
}

/// One batch of the strip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Batch {
    /// 1-based.
    pub number: usize,
    /// Its hosts.
    pub size: usize,
    /// Where it is.
    pub state: BatchState,
}

/// The strip: every batch of the plan, and the one the job is at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchStrip {
    /// The batches, in order.
    pub batches: Vec<Batch>,
    /// The batch the job is at (running, failed, or next to start), 1-based; `None` when all
    /// ran.
    pub current: Option<usize>,
    /// The last cell stands for every batch after the known ones (a plan learnt from the
    /// server one batch at a time, [`crate::job::rounds::BatchProbe`]).
    pub later: bool,
}

/// The batch sizes a job launched with `draft` has over `hosts` hosts; `None` without rolling
/// or when the plan does not fit the job (the settings were refused or the hosts differ).
pub fn plan_of(draft: &Draft, hosts: usize) -> Option<Vec<usize>> {
    if !draft.rolling_enabled || hosts == 0 {
        return None;
    }
    rolling_plan(&draft.rolling, hosts)
}

/// The strip for a step in `step_status` whose current round has `total` hosts, `started` of
/// them no longer waiting (host status 5; counted from the host groups, not row by row), with
/// the plan `plan`; `None` when the plan does not fit (its sizes do not add up to the hosts).
pub fn batch_strip(
    plan: &[usize],
    step_status: i32,
    started: usize,
    total: usize,
) -> Option<BatchStrip> {
    if plan.is_empty() || plan.iter().sum::<usize>() != total {
        return None;
    }
    let step = RunStatus::from_code(step_status);
    // The batches whose hosts all left "waiting", and whether the last of them ran to its end.
    let mut done_before = 0;
    let mut reached = 0;
    for &size in plan {
        if reached + size > started {
            break;
        }
        reached += size;
        done_before += 1;
    }
    // A batch partly started (some hosts still waiting: the staggered start of a batch) is
    // the current one; otherwise the last started batch is current while the step runs or
    // failed on it, and the next one is current between batches.
    let partly = reached < started;
    let (current, current_state) = match step {
        _ if partly => (done_before + 1, BatchState::Running),
        Some(RunStatus::Running) if done_before > 0 => (done_before, BatchState::Running),
        Some(RunStatus::Fail | RunStatus::AbnormalState) if done_before > 0 => {
            (done_before, BatchState::Failed)
        }
        Some(RunStatus::Stopping | RunStatus::StopSuccess | RunStatus::Terminated) => {
            (done_before.max(1), BatchState::Stopped)
        }
        Some(RunStatus::WaitingUser) => (done_before + 1, BatchState::AwaitingConfirmation),
        Some(RunStatus::RollingWaiting) => (done_before + 1, BatchState::Starting),
        _ if done_before == plan.len() => (plan.len() + 1, BatchState::Done),
        _ => (done_before + 1, BatchState::Starting),
    };
    let batches = plan
        .iter()
        .enumerate()
        .map(|(i, &size)| {
            let number = i + 1;
            let state = match number.cmp(&current) {
                std::cmp::Ordering::Less => BatchState::Done,
                std::cmp::Ordering::Equal => current_state,
                std::cmp::Ordering::Greater => BatchState::Pending,
            };
            Batch {
                number,
                size,
                state,
            }
        })
        .collect();
    Some(BatchStrip {
        batches,
        current: (current <= plan.len()).then_some(current),
        later: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use BatchState::*;

    /// The strip for hosts in these statuses.
    fn strip(plan: &[usize], step_status: i32, hosts: &[i32]) -> Option<BatchStrip> {
        let started = hosts.iter().filter(|&&s| s != 5).count();
        batch_strip(plan, step_status, started, hosts.len())
    }

    fn states(s: &BatchStrip) -> Vec<BatchState> {
        s.batches.iter().map(|b| b.state).collect()
    }

    /// Statuses for `ran` hosts that left "waiting" (all 9) followed by waiting ones.
    fn hosts(ran: usize, total: usize) -> Vec<i32> {
        (0..total).map(|i| if i < ran { 9 } else { 5 }).collect()
    }

    #[test]
    fn mode_3_waits_before_each_later_batch() {
        // "1 +1" over three hosts: batches 1, 2.
        let plan = [1, 2];
        let s = strip(&plan, 2, &hosts(1, 3)).unwrap();
        assert_eq!((states(&s), s.current), (vec![Running, Pending], Some(1)));
        let s = strip(&plan, 7, &hosts(1, 3)).unwrap();
        assert_eq!(
            (states(&s), s.current),
            (vec![Done, AwaitingConfirmation], Some(2))
        );
        let s = strip(&plan, 2, &hosts(3, 3)).unwrap();
        assert_eq!((states(&s), s.current), (vec![Done, Running], Some(2)));
        let s = strip(&plan, 3, &hosts(3, 3)).unwrap();
        assert_eq!((states(&s), s.current), (vec![Done, Done], None));
    }

    #[test]
    fn modes_1_and_2_between_batches_and_on_failure() {
        let plan = [2, 2, 2];
        let s = strip(&plan, 15, &hosts(2, 6)).unwrap();
        assert_eq!(states(&s), vec![Done, Starting, Pending]);
        let mut h = hosts(4, 6);
        h[3] = 104;
        let s = strip(&plan, 4, &h).unwrap();
        assert_eq!(
            (states(&s), s.current),
            (vec![Done, Failed, Pending], Some(2))
        );
        // Ignored (mode 2, or op 3): the step shows 6 while the next batch is about to start.
        let s = strip(&plan, 6, &h).unwrap();
        assert_eq!(states(&s), vec![Done, Done, Starting]);
    }

    #[test]
    fn a_partly_started_batch_is_the_running_one() {
        let s = strip(&[3, 3], 2, &hosts(4, 6)).unwrap();
        assert_eq!((states(&s), s.current), (vec![Done, Running], Some(2)));
        // Nothing started yet.
        let s = strip(&[3, 3], 1, &hosts(0, 6)).unwrap();
        assert_eq!(states(&s), vec![Starting, Pending]);
    }

    #[test]
    fn a_terminated_job_stops_at_its_batch() {
        let s = strip(&[1, 2], 11, &hosts(1, 3)).unwrap();
        assert_eq!((states(&s), s.current), (vec![Stopped, Pending], Some(1)));
    }

    #[test]
    fn a_plan_that_does_not_fit_gives_no_strip() {
        assert_eq!(strip(&[1, 2], 2, &hosts(1, 4)), None);
        assert_eq!(strip(&[], 2, &[]), None);
    }

    #[test]
    fn the_plan_comes_from_the_launch_settings() {
        let mut d = Draft::default();
        assert_eq!(plan_of(&d, 3), None);
        d.rolling_enabled = true;
        d.rolling.expression = "1 +1".into();
        assert_eq!(plan_of(&d, 3), Some(vec![1, 2]));
        assert_eq!(plan_of(&d, 0), None);
        d.rolling.expression = "nope".into();
        assert_eq!(plan_of(&d, 3), None);
    }
}
