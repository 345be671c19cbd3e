//! A rolling step's plan as the executor keeps it (JSON in `step_instance.rolling`): how the
//! batches run one after the other or staggered, and the delays of staggered batches. The
//! grammar, the defaults and the batch sizes come from `bkjob_api::rolling`; the batch of each
//! host is stored with the host (`step_host.batch`).

use std::future::Future;
use std::time::Duration;

use bkjob_api::rolling::{ExecutionMode, Resolved, RollingMode};
use bkjob_api::RunStatus;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

/// What the executor needs of a `rolling_config` once the batches are assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// 1 serial, 2 parallel-staggered.
    pub execution_mode: i32,
    /// Serial: 1 pause if a batch fails, 2 ignore failures, 3 confirm every batch.
    pub mode: i32,
    /// Number of batches.
    pub total_batch: i32,
    pub fixed_ms: i64,
    pub random_min_ms: i64,
    pub random_max_ms: i64,
}

impl Plan {
    pub fn new(r: &Resolved, total_batch: usize) -> Plan {
        Plan {
            execution_mode: r.execution_mode.code(),
            mode: r.mode.code(),
            total_batch: total_batch.min(i32::MAX as usize) as i32,
            fixed_ms: r.fixed_ms,
            random_min_ms: r.random_min_ms,
            random_max_ms: r.random_max_ms,
        }
    }

    pub fn to_json(self) -> String {
        serde_json::to_string(&self).unwrap_or_default()
    }

    /// The stored plan of a step; `None` for a step that does not roll.
    pub fn from_json(text: Option<&str>) -> Option<Plan> {
        serde_json::from_str(text?).ok()
    }

    pub fn is_serial(&self) -> bool {
        self.execution_mode != ExecutionMode::ParallelStaggered.code()
    }

    pub fn mode(&self) -> RollingMode {
        RollingMode::from_code(self.mode).unwrap_or(RollingMode::PauseIfFail)
    }

    /// When each batch of a staggered plan starts, after the first: cumulative delays of
    /// `fixed + random(min, max)` per batch (`GseStepEventHandler.scheduleParallelScatterBatches`).
    /// `rand` gives a number in `0..n` for any `n > 0`.
    pub fn stagger_offsets(
        &self,
        batches: usize,
        mut rand: impl FnMut(u64) -> u64,
    ) -> Vec<Duration> {
        let (lo, hi) = (
            self.random_min_ms.max(0) as u64,
            self.random_max_ms.max(self.random_min_ms).max(0) as u64,
        );
        let mut at = 0u64;
        let mut out = Vec::with_capacity(batches);
        for i in 0..batches {
            if i > 0 {
                let extra = if hi > lo { lo + rand(hi - lo + 1) } else { lo };
                at = at.saturating_add(self.fixed_ms.max(0) as u64 + extra);
            }
            out.push(Duration::from_millis(at));
        }
        out
    }
}

/// What a serial rolling step does once a batch ended (contract §7.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterBatch {
    /// The run ends here with these job and step statuses (terminal, or 7 waiting for
    /// operation 13).
    End { job: RunStatus, step: RunStatus },
    /// The next batch starts after the pause; the step shows this status meanwhile.
    Next(RunStatus),
}

/// The decision after batch `batch` of `plan` ended, `failed` or not: a failure stops the job
/// in modes 1 and 3 (4/4) and is ignored in mode 2 (step 6); after a success the next batch
/// waits for a confirmation in mode 3 (7/7) or starts after a pause (15); after the last
/// batch the job is successful and the step keeps the last batch's result (3, or 6 when it
/// was ignored).
pub fn after_batch(mode: RollingMode, failed: bool, last: bool) -> AfterBatch {
    use RunStatus::*;
    let end = |job, step| AfterBatch::End { job, step };
    match (failed, mode) {
        (true, RollingMode::PauseIfFail | RollingMode::Manual) => end(Fail, Fail),
        (true, RollingMode::IgnoreError) if last => end(Success, IgnoreError),
        (true, RollingMode::IgnoreError) => AfterBatch::Next(IgnoreError),
        (false, _) if last => end(Success, Success),
        (false, RollingMode::Manual) => end(WaitingUser, WaitingUser),
        (false, _) => AfterBatch::Next(RollingWaiting),
    }
}

/// Staggered batches: each piece of `work` starts at its offset from now (tokio's clock), all
/// of them concurrently, whatever the others do. Terminating (`cancel`) ends the waits at
/// once: every batch then starts, and its hosts are marked terminated by the work itself.
pub async fn run_at_offsets<F: Future>(
    scheduled: Vec<(Duration, F)>,
    cancel: watch::Receiver<bool>,
) -> Vec<F::Output> {
    let runs = scheduled.into_iter().map(|(at, work)| {
        let mut cancel = cancel.clone();
        async move {
            tokio::select! {
                _ = tokio::time::sleep(at) => {}
                _ = cancel.wait_for(|c| *c) => {}
            }
            work.await
        }
    });
    futures_util::future::join_all(runs).await
}

/// The batch of each of `hosts` targets (1-based, in target order) for a plan of `sizes`.
pub fn assign_batches(sizes: &[usize], hosts: usize) -> Vec<i32> {
    let mut out = Vec::with_capacity(hosts);
    for (i, &n) in sizes.iter().enumerate() {
        out.extend(std::iter::repeat_n(i as i32 + 1, n));
    }
    out.truncate(hosts);
    // A plan always covers every host; this only guards a mismatch.
    while out.len() < hosts {
        out.push(sizes.len().max(1) as i32);
    }
    out
}

/// A small random source: the clock's nanoseconds mixed (splitmix64). The staggered delays
/// only need to differ between batches, not to be unpredictable.
pub fn clock_rand() -> impl FnMut(u64) -> u64 {
    let mut state = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    move |n: u64| {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(fixed: i64, min: i64, max: i64) -> Plan {
        Plan {
            execution_mode: 2,
            mode: 1,
            total_batch: 4,
            fixed_ms: fixed,
            random_min_ms: min,
            random_max_ms: max,
        }
    }

    #[test]
    fn batches_follow_the_sizes_in_target_order() {
        assert_eq!(assign_batches(&[1, 2, 2], 5), vec![1, 2, 2, 3, 3]);
        assert_eq!(assign_batches(&[3], 3), vec![1, 1, 1]);
        assert_eq!(assign_batches(&[], 0), Vec::<i32>::new());
    }

    #[test]
    fn staggered_offsets_add_up() {
        let fixed = plan(100, 0, 0).stagger_offsets(3, |_| unreachable!());
        assert_eq!(fixed, [0, 100, 200].map(Duration::from_millis));
        // The random part stays within [min, max] per batch.
        let mut rand = clock_rand();
        let offs = plan(10, 5, 20).stagger_offsets(50, &mut rand);
        for w in offs.windows(2) {
            let step = (w[1] - w[0]).as_millis();
            assert!((15..=30).contains(&step), "{step}");
        }
        let max_only = plan(0, 7, 7).stagger_offsets(2, |_| unreachable!());
        assert_eq!(max_only[1], Duration::from_millis(7));
    }

    #[test]
    fn after_each_batch_by_mode_result_and_position() {
        use AfterBatch::*;
        use RollingMode::{Manual, PauseIfFail};
        use RunStatus::{Fail, IgnoreError, RollingWaiting, Success, WaitingUser};
        // Mode 2 is RollingMode::IgnoreError (the step status of the same name is RunStatus's).
        let ign = RollingMode::IgnoreError;
        let end = |job, step| End { job, step };
        // (mode, failed, last) -> what follows, every combination.
        let table = [
            (PauseIfFail, false, false, Next(RollingWaiting)),
            (PauseIfFail, false, true, end(Success, Success)),
            (PauseIfFail, true, false, end(Fail, Fail)),
            (PauseIfFail, true, true, end(Fail, Fail)),
            (ign, false, false, Next(RollingWaiting)),
            (ign, false, true, end(Success, Success)),
            (ign, true, false, Next(IgnoreError)),
            (ign, true, true, end(Success, IgnoreError)),
            (Manual, false, false, end(WaitingUser, WaitingUser)),
            (Manual, false, true, end(Success, Success)),
            (Manual, true, false, end(Fail, Fail)),
            (Manual, true, true, end(Fail, Fail)),
        ];
        for (mode, failed, last, want) in table {
            assert_eq!(
                after_batch(mode, failed, last),
                want,
                "{mode:?} {failed} {last}"
            );
        }
    }

    /// On tokio's paused clock: time only moves when every task waits, straight to the next
    /// timer, so the start times are exact and the test takes no real time.
    #[tokio::test(start_paused = true)]
    async fn staggered_batches_start_at_their_offsets_on_a_fake_clock() {
        let t0 = tokio::time::Instant::now();
        let (_tx, cancel) = watch::channel(false);
        let offsets = plan(100, 0, 50).stagger_offsets(4, |n| n - 1);
        assert_eq!(offsets, [0, 150, 300, 450].map(Duration::from_millis));
        let scheduled = offsets
            .iter()
            .enumerate()
            .map(|(i, &at)| {
                (at, async move {
                    let started = t0.elapsed();
                    // A batch that takes long does not delay the next one.
                    tokio::time::sleep(Duration::from_millis(1_000)).await;
                    (i, started)
                })
            })
            .collect();
        let done = run_at_offsets(scheduled, cancel).await;
        let starts: Vec<_> = done.iter().map(|&(_, s)| s).collect();
        assert_eq!(starts, offsets);
        assert_eq!(t0.elapsed(), Duration::from_millis(1_450));
    }

    #[tokio::test(start_paused = true)]
    async fn terminating_ends_the_waits_of_staggered_batches() {
        let t0 = tokio::time::Instant::now();
        let (tx, cancel) = watch::channel(false);
        let scheduled = [0, 60_000, 120_000]
            .map(Duration::from_millis)
            .into_iter()
            .map(|at| (at, async move { t0.elapsed() }))
            .collect();
        let stop = async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            tx.send(true).unwrap();
        };
        let (starts, ()) = tokio::join!(run_at_offsets(scheduled, cancel), stop);
        assert_eq!(starts, [0, 50, 50].map(Duration::from_millis));
    }

    #[test]
    fn the_plan_survives_storage() {
        let p = plan(1, 2, 3);
        assert_eq!(Plan::from_json(Some(&p.to_json())), Some(p));
        assert_eq!(Plan::from_json(None), None);
        assert!(!p.is_serial() && plan(0, 0, 0).mode() == RollingMode::PauseIfFail);
    }
}
