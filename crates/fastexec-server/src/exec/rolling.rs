//! A rolling step's plan as the executor keeps it (JSON in `step_instance.rolling`): how the
//! batches run one after the other or staggered, and the delays of staggered batches. The
//! grammar, the defaults and the batch sizes come from `bkjob_api::rolling`; the batch of each
//! host is stored with the host (`step_host.batch`).

use std::time::Duration;

use bkjob_api::rolling::{ExecutionMode, Resolved, RollingMode};
use serde::{Deserialize, Serialize};

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
    fn the_plan_survives_storage() {
        let p = plan(1, 2, 3);
        assert_eq!(Plan::from_json(Some(&p.to_json())), Some(p));
        assert_eq!(Plan::from_json(None), None);
        assert!(!p.is_serial() && plan(0, 0, 0).mode() == RollingMode::PauseIfFail);
    }
}
