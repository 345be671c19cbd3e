//! What `get_step_instance_status` adds to the job view: earlier rounds' host results, and
//! the batch sizes of a rolling job whose launch settings this browser does not know.
//!
//! BK-JOB's job status answer lists the current round only and has no batch numbers
//! (contract bk-job-api-more.md §7.4, §8); `get_step_instance_status` answers one round
//! (`execute_count`) and one batch (`batch`, 0 = all), its hosts grouped by result.

use bkjob_api::{RunStatus, StepInstanceStatusData, StepIpResult};

/// One `get_step_instance_status` query of the job view's step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepQuery {
    /// The round; `None` = the current one.
    pub execute_count: Option<i32>,
    /// The batch; `None` = the current batch of a rolling step, 0 = all.
    pub batch: Option<i32>,
    /// The most hosts listed per group; `None` = all.
    pub max_hosts_per_group: Option<i32>,
}

impl StepQuery {
    /// Every host of round `execute_count`, all batches.
    pub fn round(execute_count: i32) -> Self {
        StepQuery {
            execute_count: Some(execute_count),
            batch: Some(0),
            max_hosts_per_group: None,
        }
    }

    /// How the current batch of the current round stands (group sizes only).
    pub fn current_batch() -> Self {
        StepQuery {
            execute_count: None,
            batch: None,
            max_hosts_per_group: Some(1),
        }
    }

    /// How many hosts batch `n` of the current round has (one host listed per group: the
    /// group sizes are what counts).
    pub fn batch_size(n: i32) -> Self {
        StepQuery {
            execute_count: None,
            batch: Some(n),
            max_hosts_per_group: Some(1),
        }
    }
}

/// The hosts of an answer as rows of the host table (the status answer's shape), group by
/// group, ordered by host ID within a group as the status answer lists them.
pub fn rows_of(data: StepInstanceStatusData) -> Vec<StepIpResult> {
    let mut rows = Vec::new();
    for g in data.step_result_group_list {
        let tag = g.tag.unwrap_or_default();
        let mut hosts: Vec<StepIpResult> = g
            .host_result_list
            .unwrap_or_default()
            .into_iter()
            .map(|h| StepIpResult {
                bk_host_id: Some(h.bk_host_id),
                ip: h.ip,
                bk_cloud_id: h.bk_cloud_id,
                status: h.status,
                tag: h.tag.unwrap_or_else(|| tag.clone()),
                exit_code: h.exit_code,
                error_code: None,
                start_time: h.start_time,
                end_time: h.end_time,
                total_time: h.total_time,
            })
            .collect();
        hosts.sort_by_key(|h| h.bk_host_id);
        rows.extend(hosts);
    }
    rows
}

/// The hosts an answer counts (every group's size, however many it lists).
pub fn host_count(data: &StepInstanceStatusData) -> usize {
    data.step_result_group_list
        .iter()
        .map(|g| g.host_size.max(0) as usize)
        .sum()
}

/// The rounds a step in round `current` (its `execute_count`, from 0) can show, newest
/// first; a single round needs no choice.
pub fn rounds(current: i32) -> Vec<i32> {
    if current <= 0 {
        return Vec::new();
    }
    (0..=current).rev().collect()
}

/// The batch sizes of a rolling step learnt one batch at a time (`batch=n`), for a job whose
/// launch settings are unknown here. Only the batches up to the next one to run are asked
/// for, so a job at batch n costs about n small requests over its whole life; the batches
/// after that are shown together ("later batches").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchProbe {
    sizes: Vec<usize>,
    /// No more batches to learn (an empty or failed answer, or a step that is not rolling).
    done: bool,
}

impl BatchProbe {
    /// Whether the step looks like a rolling one mid-way, so asking is worth it: it waits
    /// between batches or for a confirmation, or some of its `total` hosts ran while `waiting`
    /// others still wait.
    pub fn worth_asking(step_status: i32, waiting: usize, total: usize) -> bool {
        if matches!(
            RunStatus::from_code(step_status),
            Some(RunStatus::RollingWaiting | RunStatus::WaitingUser)
        ) {
            return true;
        }
        waiting > 0 && waiting < total
    }

    /// The batch to ask for next, given how many of the `total` hosts left "waiting"; `None`
    /// once every batch up to the next one to run is known.
    pub fn next(&self, started: usize, total: usize) -> Option<i32> {
        let known: usize = self.sizes.iter().sum();
        (!self.done && known < total && known <= started).then_some(self.sizes.len() as i32 + 1)
    }

    /// Batch `n` has `size` hosts (answers out of order are ignored).
    pub fn record(&mut self, n: i32, size: usize, total: usize) {
        if n as usize != self.sizes.len() + 1 || self.done {
            return;
        }
        if size == 0 || (n == 1 && size >= total) {
            // No such batch, or one batch of every host: not a rolling step (or nothing to
            // show in a strip).
            self.done = true;
            return;
        }
        self.sizes.push(size);
    }

    /// Stop asking (an error: the strip is left out rather than guessed).
    pub fn give_up(&mut self) {
        self.done = true;
    }

    /// The plan as far as it is known, for `total` hosts: the known batches, then the rest of
    /// the hosts as one cell; `partial` says the last cell stands for the later batches.
    pub fn plan(&self, total: usize) -> Option<(Vec<usize>, bool)> {
        let known: usize = self.sizes.iter().sum();
        if self.sizes.is_empty() || known > total {
            return None;
        }
        let mut plan = self.sizes.clone();
        let partial = known < total;
        if partial {
            plan.push(total - known);
        }
        Some((plan, partial))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bkjob_api::{StepHostResult, StepResultGroup};

    fn host(id: i64, status: i32) -> StepHostResult {
        StepHostResult {
            bk_host_id: id,
            ip: Some(format!("10.0.0.{id}")),
            status,
            exit_code: Some(if status == 9 { 0 } else { 1 }),
            ..Default::default()
        }
    }

    #[test]
    fn an_answer_becomes_host_rows_group_by_group() {
        let data = StepInstanceStatusData {
            step_instance_id: 7,
            execute_count: 0,
            step_result_group_list: vec![
                StepResultGroup {
                    result_type: 9,
                    tag: Some(String::new()),
                    host_size: 2,
                    host_result_list: Some(vec![host(103, 9), host(101, 9)]),
                    ..Default::default()
                },
                StepResultGroup {
                    result_type: 104,
                    tag: None,
                    host_size: 1,
                    host_result_list: Some(vec![host(102, 104)]),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        assert_eq!(host_count(&data), 3);
        let rows = rows_of(data);
        let ids: Vec<_> = rows.iter().map(|r| (r.bk_host_id, r.status)).collect();
        assert_eq!(ids, [(Some(101), 9), (Some(103), 9), (Some(102), 104)]);
        assert_eq!(rows[2].exit_code, Some(1));
        assert_eq!(rows[0].ip.as_deref(), Some("10.0.0.101"));
    }

    #[test]
    fn a_group_that_lists_fewer_hosts_still_counts_them_all() {
        let data = StepInstanceStatusData {
            step_result_group_list: vec![StepResultGroup {
                result_type: 5,
                host_size: 40,
                host_result_list: Some(vec![host(1, 5)]),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(host_count(&data), 40);
    }

    #[test]
    fn rounds_are_offered_after_a_retry_newest_first() {
        assert!(rounds(0).is_empty());
        assert_eq!(rounds(2), [2, 1, 0]);
    }

    #[test]
    fn queries() {
        assert_eq!(StepQuery::round(1).batch, Some(0));
        assert_eq!(StepQuery::round(1).execute_count, Some(1));
        assert_eq!(StepQuery::batch_size(3).max_hosts_per_group, Some(1));
        assert_eq!(StepQuery::batch_size(3).execute_count, None);
    }

    #[test]
    fn only_a_step_mid_way_through_its_batches_is_asked_about() {
        // (step status, hosts waiting, hosts)
        assert!(BatchProbe::worth_asking(7, 2, 3));
        assert!(BatchProbe::worth_asking(15, 0, 3));
        assert!(BatchProbe::worth_asking(2, 1, 3));
        assert!(!BatchProbe::worth_asking(2, 3, 3));
        assert!(!BatchProbe::worth_asking(3, 0, 3));
        assert!(!BatchProbe::worth_asking(2, 0, 0));
    }

    #[test]
    fn batches_are_learnt_up_to_the_next_one_to_run() {
        // "1 +1" over 10 hosts: 1, 2, 3, 4; batch 1 ran, batch 2 is next.
        let mut p = BatchProbe::default();
        assert_eq!(p.next(1, 10), Some(1));
        p.record(1, 1, 10);
        assert_eq!(p.next(1, 10), Some(2));
        p.record(2, 2, 10);
        assert_eq!(p.next(1, 10), None);
        assert_eq!(p.plan(10), Some((vec![1, 2, 7], true)));
        // Batch 2 ran: batch 3 is asked for.
        assert_eq!(p.next(3, 10), Some(3));
        p.record(3, 3, 10);
        p.record(3, 3, 10); // a repeated answer changes nothing
        assert_eq!(p.plan(10), Some((vec![1, 2, 3, 4], true)));
        assert_eq!(p.next(6, 10), Some(4));
        p.record(4, 4, 10);
        assert_eq!(p.next(10, 10), None);
        assert_eq!(p.plan(10), Some((vec![1, 2, 3, 4], false)));
    }

    #[test]
    fn a_step_that_is_not_rolling_is_asked_once() {
        // All hosts in "batch 1", or none: no strip, no more questions.
        for size in [0, 10] {
            let mut p = BatchProbe::default();
            p.record(1, size, 10);
            assert_eq!(p.next(3, 10), None);
            assert_eq!(p.plan(10), None);
        }
        let mut p = BatchProbe::default();
        p.give_up();
        assert_eq!(p.next(0, 10), None);
    }

    #[test]
    fn answers_out_of_order_are_ignored() {
        let mut p = BatchProbe::default();
        p.record(2, 3, 10);
        assert_eq!(p.plan(10), None);
        assert_eq!(p.next(0, 10), Some(1));
    }

    #[test]
    fn sizes_beyond_the_hosts_give_no_plan() {
        let mut p = BatchProbe::default();
        p.record(1, 4, 10);
        p.record(2, 4, 10);
        assert_eq!(p.plan(6), None);
    }
}
