//! When to ask for the job's status again — plain Rust, no clock, unit-tested natively.
//!
//! BK-JOB's execution detail page polls 1 s four times, 2 s three times, then every 3 s until
//! the job is finished. A failed request does not advance that cadence: the delay doubles
//! from the current cadence step, up to a ceiling (30 s), and the first success resets it.

use std::time::Duration;

/// What the last status request gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PollOutcome {
    /// An answer; the job is still going.
    Running,
    /// An answer; the job is finished (terminal status). Polling stops.
    Finished,
    /// No usable answer (network loss, HTTP error, an API error such as 9900403).
    Failed,
}

/// The polling cadence and back-off. Construct with [`PollSchedule::bkjob`] (production) or
/// [`PollSchedule::new`] (tests inject short intervals).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PollSchedule {
    /// Leading intervals, each used `count` times, in order.
    phases: Vec<(Duration, u32)>,
    /// The interval once the phases are used up.
    steady: Duration,
    /// Ceiling of the back-off delay.
    max_backoff: Duration,
    /// Successful answers so far (position in the cadence).
    answers: u32,
    /// Consecutive failures.
    failures: u32,
    /// True after [`PollOutcome::Finished`].
    stopped: bool,
}

impl Default for PollSchedule {
    fn default() -> Self {
        PollSchedule::bkjob()
    }
}

impl PollSchedule {
    /// BK-JOB's cadence: 1 s ×4, 2 s ×3, then 3 s; back-off up to 30 s.
    pub fn bkjob() -> Self {
        PollSchedule::new(
            vec![(Duration::from_secs(1), 4), (Duration::from_secs(2), 3)],
            Duration::from_secs(3),
            Duration::from_secs(30),
        )
    }

    /// A custom cadence (tests use milliseconds).
    pub fn new(phases: Vec<(Duration, u32)>, steady: Duration, max_backoff: Duration) -> Self {
        PollSchedule {
            phases,
            steady,
            max_backoff,
            answers: 0,
            failures: 0,
            stopped: false,
        }
    }

    /// The cadence interval after `answers` successful answers.
    fn cadence(&self) -> Duration {
        let mut n = self.answers;
        for &(d, count) in &self.phases {
            if n < count {
                return d;
            }
            n -= count;
        }
        self.steady
    }

    /// The delay before the next request, given how the last one went; `None` = stop polling.
    ///
    /// Running → the next cadence interval; Failed → cadence × 2^failures, capped at the
    /// ceiling (the cadence does not advance); Finished → `None`, now and for every later call.
    pub fn next_delay(&mut self, outcome: PollOutcome) -> Option<Duration> {
        if self.stopped {
            return None;
        }
        match outcome {
            PollOutcome::Finished => {
                self.stopped = true;
                None
            }
            PollOutcome::Running => {
                self.failures = 0;
                let d = self.cadence();
                self.answers = self.answers.saturating_add(1);
                Some(d)
            }
            PollOutcome::Failed => {
                self.failures = self.failures.saturating_add(1);
                let base = self.cadence();
                let factor = 1u32 << self.failures.min(16);
                Some(base.saturating_mul(factor).min(self.max_backoff))
            }
        }
    }

    /// Consecutive failures so far (0 after any answer).
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// True once the job was seen finished.
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    /// Polling again after a step operation: the job may leave its terminal status
    /// (`finished` true → false), so a stopped schedule starts over at the fast start.
    pub fn resume(&mut self) {
        self.stopped = false;
        self.restart();
    }

    /// Back to the fast start of the cadence (e.g. after a terminate request or when the
    /// connection settings change); a stopped schedule stays stopped.
    pub fn restart(&mut self) {
        self.answers = 0;
        self.failures = 0;
    }
}

/// Whole seconds for "retrying in N s" (rounded up, at least 1).
pub fn whole_seconds(d: Duration) -> u64 {
    d.as_millis().div_ceil(1000).max(1) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use PollOutcome::*;

    fn secs(v: &[u64]) -> Vec<Option<Duration>> {
        v.iter().map(|s| Some(Duration::from_secs(*s))).collect()
    }

    #[test]
    fn bkjob_cadence_then_every_three_seconds() {
        let mut s = PollSchedule::bkjob();
        let got: Vec<_> = (0..10).map(|_| s.next_delay(Running)).collect();
        assert_eq!(got, secs(&[1, 1, 1, 1, 2, 2, 2, 3, 3, 3]));
    }

    #[test]
    fn finished_stops_for_good() {
        let mut s = PollSchedule::bkjob();
        assert_eq!(s.next_delay(Running), Some(Duration::from_secs(1)));
        assert_eq!(s.next_delay(Finished), None);
        assert!(s.is_stopped());
        assert_eq!(s.next_delay(Running), None);
        assert_eq!(s.next_delay(Failed), None);
        s.restart();
        assert_eq!(s.next_delay(Running), None);
    }

    #[test]
    fn failures_double_up_to_thirty_seconds_and_reset_on_success() {
        let mut s = PollSchedule::bkjob();
        for _ in 0..7 {
            s.next_delay(Running);
        }
        // steady 3 s: 6, 12, 24, 30, 30
        let got: Vec<_> = (0..5).map(|_| s.next_delay(Failed)).collect();
        assert_eq!(got, secs(&[6, 12, 24, 30, 30]));
        assert_eq!(s.failures(), 5);
        assert_eq!(s.next_delay(Running), Some(Duration::from_secs(3)));
        assert_eq!(s.failures(), 0);
        assert_eq!(s.next_delay(Failed), Some(Duration::from_secs(6)));
    }

    #[test]
    fn failure_at_start_does_not_advance_the_cadence() {
        let mut s = PollSchedule::bkjob();
        assert_eq!(s.next_delay(Failed), Some(Duration::from_secs(2)));
        assert_eq!(s.next_delay(Failed), Some(Duration::from_secs(4)));
        assert_eq!(s.next_delay(Running), Some(Duration::from_secs(1)));
        // many failures never overflow
        for _ in 0..100 {
            assert!(s.next_delay(Failed).unwrap() <= Duration::from_secs(30));
        }
    }

    #[test]
    fn resume_after_an_operation_polls_a_finished_job_again() {
        let mut s = PollSchedule::bkjob();
        for _ in 0..9 {
            s.next_delay(Running);
        }
        assert_eq!(s.next_delay(Finished), None);
        s.resume();
        assert!(!s.is_stopped());
        assert_eq!(s.next_delay(Running), Some(Duration::from_secs(1)));
        assert_eq!(s.next_delay(Finished), None);
    }

    #[test]
    fn restart_goes_back_to_the_fast_start() {
        let mut s = PollSchedule::bkjob();
        for _ in 0..9 {
            s.next_delay(Running);
        }
        s.restart();
        assert_eq!(s.next_delay(Running), Some(Duration::from_secs(1)));
    }

    #[test]
    fn custom_short_intervals() {
        let ms = Duration::from_millis;
        let mut s = PollSchedule::new(vec![(ms(5), 2)], ms(10), ms(40));
        assert_eq!(s.next_delay(Running), Some(ms(5)));
        assert_eq!(s.next_delay(Running), Some(ms(5)));
        assert_eq!(s.next_delay(Running), Some(ms(10)));
        assert_eq!(s.next_delay(Failed), Some(ms(20)));
        assert_eq!(s.next_delay(Failed), Some(ms(40)));
        assert_eq!(s.next_delay(Failed), Some(ms(40)));
    }

    #[test]
    fn seconds_for_the_notice() {
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_millis(6000)), 6);
        assert_eq!(whole_seconds(Duration::from_millis(6001)), 7);
    }
}
