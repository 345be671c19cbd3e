//! The launch guard: a plain state machine that makes a double launch impossible.
//!
//! `Idle → InFlight → Done | Unknown`. While a request is in flight nothing else may be sent
//! (double click, Enter, Ctrl+Enter all hit [`LaunchGuard::begin`], which refuses). When the
//! outcome is unknown (timeout, lost network) the job MAY exist on the server, so a new launch is
//! refused until the user explicitly confirms with [`LaunchGuard::acknowledge_checked`].

/// How a finished launch ended, as far as the guard cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settled {
    /// The server answered (success or an error): we know whether a job was created.
    Known,
    /// No reliable answer (timeout, network failure): a job may or may not have been created.
    Unknown,
}

/// The guard's state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LaunchState {
    /// Nothing sent yet (or the user acknowledged an unknown outcome).
    #[default]
    Idle,
    /// A request is on the way; every other launch attempt is refused.
    InFlight,
    /// The last request got an answer; a new launch is allowed.
    Done,
    /// The last request's fate is unknown; a new launch needs an explicit acknowledgement.
    Unknown,
}

/// The plain-Rust launch guard (the component keeps one in a signal).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LaunchGuard {
    state: LaunchState,
    /// Counts launches actually started (useful to prove nothing was sent twice).
    started: u32,
}

impl LaunchGuard {
    /// A fresh guard in [`LaunchState::Idle`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The current state.
    pub fn state(&self) -> LaunchState {
        self.state
    }

    /// How many launches were started so far.
    pub fn started(&self) -> u32 {
        self.started
    }

    /// True when a new launch may start now.
    pub fn can_launch(&self) -> bool {
        matches!(self.state, LaunchState::Idle | LaunchState::Done)
    }

    /// True while a request is on the way.
    pub fn in_flight(&self) -> bool {
        self.state == LaunchState::InFlight
    }

    /// Try to start a launch: `true` (and the state becomes `InFlight`) only from `Idle` or
    /// `Done`. From `InFlight` or `Unknown` it returns `false` and changes nothing.
    pub fn begin(&mut self) -> bool {
        if self.can_launch() {
            self.state = LaunchState::InFlight;
            self.started += 1;
            true
        } else {
            false
        }
    }

    /// Record the end of the request in flight. Ignored when nothing is in flight.
    pub fn finish(&mut self, settled: Settled) {
        if self.state == LaunchState::InFlight {
            self.state = match settled {
                Settled::Known => LaunchState::Done,
                Settled::Unknown => LaunchState::Unknown,
            };
        }
    }

    /// The user has checked the job history after an unknown outcome and allows a new launch.
    /// Only meaningful in `Unknown`; returns whether the state changed.
    pub fn acknowledge_checked(&mut self) -> bool {
        if self.state == LaunchState::Unknown {
            self.state = LaunchState::Idle;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_idle_and_allows_one_launch() {
        let mut g = LaunchGuard::new();
        assert_eq!(g.state(), LaunchState::Idle);
        assert!(g.begin());
        assert_eq!(g.state(), LaunchState::InFlight);
        assert!(g.in_flight());
    }

    #[test]
    fn refuses_while_in_flight() {
        let mut g = LaunchGuard::new();
        assert!(g.begin());
        // double click, Enter, Ctrl+Enter: all go through begin()
        assert!(!g.begin());
        assert!(!g.begin());
        assert!(!g.begin());
        assert_eq!(g.started(), 1);
        assert_eq!(g.state(), LaunchState::InFlight);
    }

    #[test]
    fn known_outcome_allows_a_new_launch() {
        let mut g = LaunchGuard::new();
        assert!(g.begin());
        g.finish(Settled::Known);
        assert_eq!(g.state(), LaunchState::Done);
        assert!(g.begin());
        assert_eq!(g.started(), 2);
    }

    #[test]
    fn unknown_outcome_needs_an_acknowledgement() {
        let mut g = LaunchGuard::new();
        assert!(g.begin());
        g.finish(Settled::Unknown);
        assert_eq!(g.state(), LaunchState::Unknown);
        assert!(!g.can_launch());
        assert!(!g.begin());
        assert_eq!(g.started(), 1);
        assert!(g.acknowledge_checked());
        assert_eq!(g.state(), LaunchState::Idle);
        assert!(g.begin());
        assert_eq!(g.started(), 2);
    }

    #[test]
    fn stray_events_change_nothing() {
        let mut g = LaunchGuard::new();
        g.finish(Settled::Known);
        assert_eq!(g.state(), LaunchState::Idle);
        assert!(!g.acknowledge_checked());
        assert!(g.begin());
        assert!(!g.acknowledge_checked());
        assert_eq!(g.state(), LaunchState::InFlight);
        g.finish(Settled::Known);
        g.finish(Settled::Unknown); // a late second finish is ignored
        assert_eq!(g.state(), LaunchState::Done);
    }
}
