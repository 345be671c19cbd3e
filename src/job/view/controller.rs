//! The job view's controller: the polling loop and the loading of logs, over the [`JobApi`]
//! seam, with the state the page's parts render ([`Ctx`]).

use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bkjob_api::{HostStatus, JobInstanceStatusData, RunStatus, StepIpResult};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::hosts::HostListState;
use super::log::LogState;
use super::rounds::{BatchRead, RoundView};
use crate::api::job::{CallError, JobApi};
use crate::job::hosts::HostModel;
use crate::job::ops::{OpGuard, OpOutcome};
use crate::job::poll::{PollOutcome, PollSchedule};
use crate::job::recent::RECENT_JOBS_KEY;
use crate::job::rounds::BatchProbe;
use crate::job::route::JobRoute;
use crate::job::store::load_recent;
use crate::web as browser;

/// Split a status answer into the job/steps part and the host model of its script step
/// (the first step of type 1, else the first step). Returns the step's instance ID.
pub fn split_status(
    mut data: JobInstanceStatusData,
) -> (JobInstanceStatusData, Option<i64>, HostModel) {
    let pos = data
        .step_instance_list
        .iter()
        .position(|s| s.type_ == 1)
        .or(if data.step_instance_list.is_empty() {
            None
        } else {
            Some(0)
        });
    match pos {
        Some(p) => {
            let step = &mut data.step_instance_list[p];
            let rows = step.step_ip_result_list.take().unwrap_or_default();
            let id = step.step_instance_id;
            (data, Some(id), HostModel::new(rows))
        }
        None => (data, None, HostModel::default()),
    }
}

/// The polling loop's shared state (Send + Sync so cleanup can reach it).
pub(super) struct Poller {
    pub(super) schedule: PollSchedule,
    pub(super) in_flight: bool,
    pub(super) timer: Option<TimeoutHandle>,
    /// Status requests started so far (their numbers tell a step operation's guard which
    /// answers are older than its outcome).
    pub(super) started: u64,
}

/// Everything the job view's handlers need (cheap to clone).
#[derive(Clone)]
pub(super) struct Ctx {
    pub(super) route: JobRoute,
    pub(super) api: Rc<dyn JobApi>,
    pub(super) alive: Arc<AtomicBool>,
    pub(super) poller: Arc<Mutex<Poller>>,
    pub(super) status: RwSignal<Option<Arc<JobInstanceStatusData>>>,
    pub(super) step_id: RwSignal<Option<i64>>,
    pub(super) model: RwSignal<Arc<HostModel>>,
    pub(super) error: RwSignal<Option<CallError>>,
    pub(super) retry_in: RwSignal<Option<Duration>>,
    pub(super) hosts: HostListState,
    pub(super) log: RwSignal<LogState>,
    pub(super) log_gen: Arc<Mutex<u64>>,
    pub(super) log_host_done: Arc<AtomicBool>,
    /// The step operations' guard ([`OpGuard`]).
    pub(super) ops: RwSignal<OpGuard>,
    /// An earlier round shown instead of the current one ([`super::rounds`]).
    pub(super) round: RwSignal<Option<RoundView>>,
    /// The batch sizes learnt from the server, for a rolling job launched elsewhere.
    pub(super) probe: RwSignal<BatchProbe>,
    pub(super) probe_busy: Arc<AtomicBool>,
    /// The launch settings give the batch plan: nothing to learn from the server.
    pub(super) plan_known: bool,
    /// The current batch's hosts of a rolling step ([`super::rounds::BatchRead`]).
    pub(super) batch_read: RwSignal<Option<BatchRead>>,
    pub(super) batch_busy: Arc<AtomicBool>,
}

impl Ctx {
    pub(super) fn alive(&self) -> bool {
        self.alive.load(Ordering::SeqCst)
    }

    /// Ask for the status now, unless a request is already running.
    pub(super) fn poll_now(&self) {
        if !self.alive() {
            return;
        }
        let poll_no = {
            let mut p = self.poller.lock().unwrap();
            if p.in_flight || p.schedule.is_stopped() {
                return;
            }
            if let Some(t) = p.timer.take() {
                t.clear();
            }
            p.in_flight = true;
            p.started += 1;
            p.started
        };
        let ctx = self.clone();
        spawn_local(async move {
            let answer = ctx.api.status(&ctx.route).await;
            if !ctx.alive() {
                return;
            }
            let mut outcome = ctx.apply_status(answer);
            if outcome != PollOutcome::Failed {
                let fresh = ctx
                    .ops
                    .try_update(|g| g.status_read(poll_no))
                    .unwrap_or(true);
                // An answer older than a step operation's outcome may show the job before
                // the operation revived it: ask again rather than stop.
                if !fresh && outcome == PollOutcome::Finished {
                    outcome = PollOutcome::Running;
                }
            }
            let delay = {
                let mut p = ctx.poller.lock().unwrap();
                p.in_flight = false;
                p.schedule.next_delay(outcome)
            };
            ctx.retry_in.set(if outcome == PollOutcome::Failed {
                delay
            } else {
                None
            });
            if let Some(d) = delay {
                let next = ctx.clone();
                let handle = set_timeout_with_handle(move || next.poll_now(), d).ok();
                ctx.poller.lock().unwrap().timer = handle;
            }
        });
    }

    /// A step operation got its answer (or none): polling resumes even if the job had
    /// finished (it may leave its terminal status), the buttons wait for a status answer of a
    /// request started from now on, and the status is read again at once.
    pub(super) fn after_operation(&self, outcome: OpOutcome) {
        let started = {
            let mut p = self.poller.lock().unwrap();
            p.schedule.resume();
            p.started
        };
        self.ops.update(|g| g.finish(outcome, started));
        self.poll_now();
    }

    pub(super) fn restart_cadence(&self) {
        self.poller.lock().unwrap().schedule.restart();
    }

    pub(super) fn apply_status(
        &self,
        answer: Result<JobInstanceStatusData, CallError>,
    ) -> PollOutcome {
        match answer {
            Ok(data) => {
                let finished = data.finished
                    || RunStatus::from_code(data.job_instance.status)
                        .is_some_and(RunStatus::is_finished);
                let (data, step, model) = split_status(data);
                let job_status = data.job_instance.status;
                self.error.set(None);
                self.step_id.set(step);
                self.model.set(Arc::new(model));
                self.status.set(Some(Arc::new(data)));
                let mut list = load_recent();
                if list.set_status(&self.route, job_status) {
                    browser::storage_set(RECENT_JOBS_KEY, &list.to_json());
                }
                self.learn_batches();
                self.read_current_batch();
                // A log fetched while its host was still running is refreshed.
                if !self.log_host_done.load(Ordering::SeqCst) {
                    if let Some(h) = self.hosts.selected.get_untracked() {
                        self.load_log(h, true);
                    }
                }
                if finished {
                    PollOutcome::Finished
                } else {
                    PollOutcome::Running
                }
            }
            Err(e) => {
                self.error.set(Some(e));
                PollOutcome::Failed
            }
        }
    }

    /// Fetch one host's log (a newer request wins over an older one).
    pub(super) fn load_log(&self, host: StepIpResult, quiet: bool) {
        let Some(step) = self.step_id.get_untracked() else {
            return;
        };
        // The log APIs answer the current round only (contract §8).
        if self.round.with_untracked(Option::is_some) {
            self.log.set(LogState::OtherRound);
            return;
        }
        // the host's current status decides whether the log can still grow
        let done = self.model.with_untracked(|m| {
            m.rows
                .iter()
                .find(|r| r.bk_host_id == host.bk_host_id && r.ip == host.ip)
                .map(|r| HostStatus::from_code(r.status).is_none_or(HostStatus::is_finished))
                .unwrap_or(true)
        });
        let gen = {
            let mut g = self.log_gen.lock().unwrap();
            *g += 1;
            *g
        };
        if !quiet {
            self.log.set(LogState::Loading);
        }
        let ctx = self.clone();
        spawn_local(async move {
            let answer = ctx.api.host_log(&ctx.route, step, &host).await;
            if !ctx.alive() || *ctx.log_gen.lock().unwrap() != gen {
                return;
            }
            ctx.log_host_done.store(done, Ordering::SeqCst);
            ctx.log.set(match answer {
                Ok(d) if d.log_type == 2 => LogState::File,
                Ok(d) => LogState::Text(Arc::from(d.log_content.unwrap_or_default())),
                Err(e) => LogState::Failed(e),
            });
        });
    }
}
