//! One list's host check: the hosts (unique, in the user's order) with their agent state,
//! the run in flight (its chunks of at most [`CHUNK`] hosts, one `query_agent_info` each,
//! asked one after the other) and its failure. A new list is a new [`HostCheck`]
//! ([`HostCheck::next`]) that keeps what is known of the hosts it shares with the old one
//! (same scope), so typing one more ID asks only about that one. Answers of a run that is not
//! the current one (an older list, a restarted check) are ignored.

use bkjob_api::{AgentInfo, QueryAgentInfoData, QueryAgentInfoRequest, MAX_AGENT_QUERY_HOSTS};

use super::{positions, Message};
use crate::api::job::CallError;

/// Most hosts one call asks about (BK-JOB refuses more with 1240003).
pub const CHUNK: usize = MAX_AGENT_QUERY_HOSTS;

/// The automatic check waits this long after the last change of the list.
pub const DEBOUNCE_MS: u32 = 800;

/// A host's agent, as far as the check knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agent {
    /// Not checked yet.
    Pending,
    /// Status 1: running.
    Normal,
    /// Status 0: not running.
    Abnormal,
    /// Left out of the answer: not in the business, no agent, or no state from GSE.
    Unknown,
}

impl Agent {
    /// `data-state` of the host's row.
    pub fn name(self) -> &'static str {
        match self {
            Agent::Pending => "pending",
            Agent::Normal => "normal",
            Agent::Abnormal => "abnormal",
            Agent::Unknown => "unknown",
        }
    }
}

/// Hosts per state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub normal: usize,
    pub abnormal: usize,
    pub unknown: usize,
    pub pending: usize,
}

/// What the automatic check does now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auto {
    /// Nothing to ask (no unchecked host, no scope, or a check is running).
    Idle,
    /// More unchecked hosts than one call takes: only "Check hosts" asks (in chunks).
    Manual,
    /// The list changed less than [`DEBOUNCE_MS`] ago: ask again after this many ms.
    Wait(u32),
    /// Check the unchecked hosts now.
    Check,
}

/// A run just started: its ID and its calls, to be sent in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Started {
    pub run: u64,
    pub requests: Vec<QueryAgentInfoRequest>,
}

#[derive(Clone, Debug, PartialEq)]
struct Run {
    id: u64,
    /// Per chunk, the positions of its hosts in `ids`.
    chunks: Vec<Vec<usize>>,
    done: usize,
}

/// The check of one list in one scope.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HostCheck {
    scope: (String, String),
    ids: Vec<i64>,
    states: Vec<Agent>,
    run: Option<Run>,
    /// Run IDs handed out so far, carried to the next list so an old run never matches.
    runs: u64,
    error: Option<CallError>,
}

impl HostCheck {
    /// The check of `ids` ([`super::host_ids`] of the payload's list) after `self`: what
    /// `self` knows of the same hosts in the same scope is kept; `self`'s run and error are
    /// dropped (its answers are stale).
    pub fn next(&self, scope_type: &str, scope_id: &str, ids: Vec<i64>) -> HostCheck {
        let scope = (scope_type.to_owned(), scope_id.to_owned());
        let mut states = vec![Agent::Pending; ids.len()];
        if scope == self.scope && !self.ids.is_empty() {
            let known = positions(self.ids.iter().copied());
            for (id, s) in ids.iter().zip(states.iter_mut()) {
                if let Some(&k) = known.get(id) {
                    *s = self.states[k];
                }
            }
        }
        HostCheck {
            scope,
            ids,
            states,
            run: None,
            runs: self.runs,
            error: None,
        }
    }

    /// Whether the payload names the list and scope this check is about (then a new payload,
    /// e.g. a space typed, changes nothing).
    pub fn is_for(&self, scope_type: &str, scope_id: &str, ids: &[i64]) -> bool {
        self.scope.0 == scope_type && self.scope.1 == scope_id && self.ids == ids
    }

    /// The hosts, in the user's order.
    pub fn ids(&self) -> &[i64] {
        &self.ids
    }

    /// Hosts per state.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for s in &self.states {
            *match s {
                Agent::Pending => &mut c.pending,
                Agent::Normal => &mut c.normal,
                Agent::Abnormal => &mut c.abnormal,
                Agent::Unknown => &mut c.unknown,
            } += 1;
        }
        c
    }

    /// Chunks answered and chunks in all, while a check runs.
    pub fn progress(&self) -> Option<(usize, usize)> {
        self.run.as_ref().map(|r| (r.done, r.chunks.len()))
    }

    /// Why the last check stopped.
    pub fn error(&self) -> Option<&CallError> {
        self.error.as_ref()
    }

    /// The first `limit` hosts in `state`, in the user's order.
    pub fn hosts_in(&self, state: Agent, limit: usize) -> Vec<i64> {
        self.ids
            .iter()
            .zip(&self.states)
            .filter(|(_, s)| **s == state)
            .take(limit)
            .map(|(id, _)| *id)
            .collect()
    }

    /// The first `limit` hosts that are not normal, with their state: the abnormal ones, then
    /// the unknown ones, each in the user's order.
    pub fn not_normal(&self, limit: usize) -> Vec<(i64, Agent)> {
        let mut out: Vec<(i64, Agent)> = Vec::new();
        for state in [Agent::Abnormal, Agent::Unknown] {
            let room = limit - out.len();
            out.extend(self.hosts_in(state, room).into_iter().map(|id| (id, state)));
        }
        out
    }

    /// "Copy abnormal": the abnormal hosts, one per line.
    pub fn abnormal_text(&self) -> String {
        lines(self.hosts_in(Agent::Abnormal, usize::MAX))
    }

    /// "Remove abnormal and unknown": the new `host_id_list` text, the normal hosts in the
    /// user's order, one per line; `None` until every host is checked (an unchecked host is
    /// not known to be down).
    pub fn normal_text(&self) -> Option<String> {
        (self.message() != Message::Unchecked)
            .then(|| lines(self.hosts_in(Agent::Normal, usize::MAX)))
    }

    /// The message for the app ([`Message::Unchecked`] or [`Message::Checked`]).
    pub fn message(&self) -> Message {
        let c = self.counts();
        if c.pending > 0 || self.run.is_some() {
            return Message::Unchecked;
        }
        Message::Checked {
            abnormal: c.abnormal,
            unknown: c.unknown,
        }
    }

    /// What the automatic check does, `since_change_ms` after the list last changed: it asks
    /// only about unchecked hosts, only when the scope is named, only when one call takes
    /// them all, and only [`DEBOUNCE_MS`] after the last change.
    pub fn auto(&self, since_change_ms: i64) -> Auto {
        let pending = self.counts().pending;
        if pending == 0 || self.run.is_some() || self.scope.0.is_empty() || self.scope.1.is_empty()
        {
            return Auto::Idle;
        }
        if pending > CHUNK {
            return Auto::Manual;
        }
        let wait = i64::from(DEBOUNCE_MS) - since_change_ms.max(0);
        if wait > 0 {
            return Auto::Wait(wait as u32);
        }
        Auto::Check
    }

    /// Start a run: every host when `all` ("Check hosts", statuses asked afresh), else the
    /// unchecked ones. `None` when there is nothing to ask or a run is going on.
    pub fn start(&mut self, all: bool) -> Option<Started> {
        if self.run.is_some() {
            return None;
        }
        if all {
            self.states.fill(Agent::Pending);
        }
        let positions: Vec<usize> = (0..self.ids.len())
            .filter(|&i| self.states[i] == Agent::Pending)
            .collect();
        if positions.is_empty() {
            return None;
        }
        self.runs += 1;
        self.error = None;
        let chunks: Vec<Vec<usize>> = positions.chunks(CHUNK).map(<[usize]>::to_vec).collect();
        let requests = chunks
            .iter()
            .map(|c| QueryAgentInfoRequest {
                bk_scope_type: Some(self.scope.0.clone()),
                bk_scope_id: Some(self.scope.1.clone()),
                host_id_list: Some(c.iter().map(|&i| self.ids[i]).collect()),
                ..Default::default()
            })
            .collect();
        self.run = Some(Run {
            id: self.runs,
            chunks,
            done: 0,
        });
        Some(Started {
            run: self.runs,
            requests,
        })
    }

    /// The answer to chunk `chunk` of run `run`: its hosts get their state (a host left out
    /// is unknown). False when the run is not the current one (the answer is ignored) or is
    /// over now; true while more chunks are to be asked.
    pub fn apply(&mut self, run: u64, chunk: usize, data: &QueryAgentInfoData) -> bool {
        let Some(r) = self.run.as_mut().filter(|r| r.id == run) else {
            return false;
        };
        let Some(asked) = r.chunks.get(chunk) else {
            return false;
        };
        let list = &data.agent_info_list;
        let answered = positions(list.iter().map(|a| a.bk_host_id));
        for &i in asked {
            self.states[i] = match answered.get(&self.ids[i]).map(|&k| list[k].status) {
                Some(AgentInfo::NORMAL) => Agent::Normal,
                Some(AgentInfo::ABNORMAL) => Agent::Abnormal,
                _ => Agent::Unknown,
            };
        }
        r.done += 1;
        if r.done < r.chunks.len() {
            return true;
        }
        self.run = None;
        false
    }

    /// Chunk of run `run` failed: the run stops, its unanswered hosts stay unchecked. False
    /// when the run is not the current one (the error is ignored).
    pub fn fail(&mut self, run: u64, error: CallError) -> bool {
        if self.run.as_ref().is_none_or(|r| r.id != run) {
            return false;
        }
        self.run = None;
        self.error = Some(error);
        true
    }
}

fn lines(ids: Vec<i64>) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests;
