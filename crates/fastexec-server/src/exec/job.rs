//! One task of a job: run the hosts it has to (the whole step, the batches of a rolling step
//! from a given one, or the hosts a retry runs again), then store where the job stands — a
//! final status (end time, callback) or waiting for a user (7) — and give the job back.

use std::collections::BTreeMap;

use super::drive::LazyPrep;
use super::rolling::{after_batch, clock_rand, run_at_offsets, AfterBatch, Plan};
use super::*;

/// Where a task leaves the job and its step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct End {
    pub job: RunStatus,
    pub step: RunStatus,
}

impl End {
    fn both(s: RunStatus) -> End {
        End { job: s, step: s }
    }
}

impl Executor {
    /// Write `opening` (the job is running), then run the task in the background from
    /// `first_batch` (0: every waiting host of the step).
    pub(super) fn run_task(
        self: &Arc<Self>,
        job: JobRow,
        step: StepRow,
        first_batch: i32,
        ctl: Arc<RunCtl>,
        opening: PhaseUpdate,
    ) {
        let job_id = job.id;
        {
            let mut phase = ctl.phase.lock().unwrap_or_else(|e| e.into_inner());
            self.db.set_phase(opening);
            *phase = Phase::Running;
        }
        let setup: Result<Setup, String> = (|| {
            let (program, pre_args) = self
                .env
                .interpreter(ScriptLanguage::from_code(step.script_language))?;
            let run_as = resolve_run_as(&step.os_user, &self.me)?;
            Ok(Setup {
                program,
                pre_args,
                run_as,
            })
        })();
        let this = self.clone();
        let cancel_rx = ctl.cancel.subscribe();
        tokio::spawn(async move {
            // The previous task's work directory must be gone before this one writes it.
            let removing = this
                .removing
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&job_id);
            if let Some(rx) = removing {
                let _ = rx.await;
            }
            let step_id = step.id;
            // A write of this job that failed (a full disk) makes it abnormal in the store:
            // stop its scripts rather than run them unrecorded.
            let driven = tokio::select! {
                r = catch_panic(this.run_job(job_id, &step, first_batch, &setup, ctl.clone(), cancel_rx)) => r,
                _ = this.db.job_failure(job_id) => Err("a write of this job failed".to_string()),
            };
            let end = match driven {
                Ok(e) => e,
                Err(why) => {
                    tracing::error!(job_id, "job driver failed: {why}");
                    this.db.flush().await;
                    let batch = this
                        .db
                        .steps(job_id)
                        .await
                        .ok()
                        .and_then(|s| s.first().map(|s| s.batch))
                        .unwrap_or(i32::MAX);
                    this.abandon_hosts(step_id, batch.max(first_batch)).await;
                    End::both(RunStatus::AbnormalState)
                }
            };
            // Normally nothing is left; after a panic, whatever still runs is killed.
            ctl.kill_everything();
            this.end_task(&job, step_id, &ctl, end).await;
        });
    }

    /// Store where the task leaves the job (under the phase lock, so no terminate lands
    /// after it), give the job back, and on a final status remove the work directory and send
    /// the callback.
    async fn end_task(&self, job: &JobRow, step_id: i64, ctl: &RunCtl, end: End) {
        let job_id = job.id;
        let terminal = end.job.is_finished();
        {
            let mut phase = ctl.phase.lock().unwrap_or_else(|e| e.into_inner());
            self.db.set_phase(PhaseUpdate {
                job_id,
                step_id,
                job_status: Some(end.job.code()),
                step_status: Some(end.step.code()),
                end_time: terminal.then(now_ms),
                ..Default::default()
            });
            *phase = Phase::Finishing;
        }
        self.db.flush().await;
        self.release(job_id, ctl);
        let (status, step_status) = (end.job.code(), end.step.code());
        if terminal {
            tracing::info!(job_id, status, step_status, "job finished");
        } else {
            tracing::info!(job_id, status, step_status, "job waits for a user");
        }
        // No process of the job is left, so nothing uses its work dir any more. Removed
        // after the status: `rmdir` can take milliseconds on some disks, and a server that
        // stops meanwhile removes it at its next start.
        let rx = self.janitor.remove(self.work_dir.join(job_id.to_string()));
        {
            let mut removing = self.removing.lock().unwrap_or_else(|e| e.into_inner());
            // Removals already done need no waiting: only pending ones are kept.
            removing.retain(|_, rx| {
                matches!(
                    rx.try_recv(),
                    Err(tokio::sync::oneshot::error::TryRecvError::Empty)
                )
            });
            removing.insert(job_id, rx);
        }
        if terminal {
            self.send_callback(job, end.job, step_id, end.step).await;
        }
    }

    /// The callback, each time the job reaches a final status (contract §6; again after a
    /// retry or ignore error ends it again).
    pub(super) async fn send_callback(
        &self,
        job: &JobRow,
        status: RunStatus,
        step_id: i64,
        step_status: RunStatus,
    ) {
        if let Some(url) = job.callback_url.as_deref().filter(|u| !u.trim().is_empty()) {
            self.callback
                .send(url, job.id, status.code(), step_id, step_status.code())
                .await;
        }
    }

    /// A status write while the task runs, unless a terminate came first (checked under the
    /// phase lock the terminate takes, so it never lands after "stopping").
    fn write_running(&self, ctl: &RunCtl, update: PhaseUpdate) -> bool {
        let _phase = ctl.phase.lock().unwrap_or_else(|e| e.into_inner());
        if ctl.cancelled() {
            return false;
        }
        self.db.set_phase(update);
        true
    }

    /// The hosts of the current round still waiting (5), of one batch or (0) of all.
    async fn waiting_hosts(&self, step_id: i64, batch: i32) -> anyhow::Result<Vec<HostRow>> {
        // Everything queued before (earlier batches' results) is in the store.
        self.db.flush().await;
        Ok(self
            .db
            .hosts(step_id)
            .await?
            .into_iter()
            .filter(|h| h.status == HostStatus::Waiting.code() && (batch == 0 || h.batch == batch))
            .collect())
    }

    async fn run_job(
        self: &Arc<Self>,
        job_id: i64,
        step: &StepRow,
        first_batch: i32,
        setup: &Result<Setup, String>,
        ctl: Arc<RunCtl>,
        cancel: watch::Receiver<bool>,
    ) -> End {
        let prep = LazyPrep {
            cell: std::sync::OnceLock::new(),
            ex: self,
            job_id,
            step,
            setup,
        };
        let plan = Plan::from_json(step.rolling.as_deref());
        let end = match plan {
            Some(p) if p.is_serial() => {
                self.run_serial(&prep, p, first_batch.max(1), &ctl, cancel)
                    .await
            }
            Some(p) => self.run_staggered(&prep, p, &ctl, cancel).await,
            None => match self.waiting_hosts(step.id, 0).await {
                Ok(hosts) => End::both(self.run_hosts(&prep, hosts, &ctl, cancel).await),
                Err(e) => panic!("cannot read the hosts: {e:#}"),
            },
        };
        self.after_stop(end, &ctl)
    }

    /// A stopped step that operation 12 asked to skip ends skipped (5), the job successful.
    fn after_stop(&self, end: End, ctl: &RunCtl) -> End {
        if end.step == RunStatus::StopSuccess && ctl.skip.load(Ordering::SeqCst) {
            End {
                job: RunStatus::Success,
                step: RunStatus::Skipped,
            }
        } else {
            end
        }
    }

    /// Serial batches from `batch` on (contract §7.3): after a successful batch, 15 and a
    /// short pause (modes 1/2) or 7 waiting for operation 13 (mode 3); a failed batch stops
    /// the job (4/4, modes 1/3) or is ignored (step 6, mode 2). After the last batch the job
    /// ends successful, the step keeps the last batch's result (3 or 6).
    async fn run_serial(
        self: &Arc<Self>,
        prep: &LazyPrep<'_>,
        plan: Plan,
        mut batch: i32,
        ctl: &Arc<RunCtl>,
        mut cancel: watch::Receiver<bool>,
    ) -> End {
        let (job_id, step_id) = (prep.job_id, prep.step.id);
        let stopped = End::both(RunStatus::StopSuccess);
        loop {
            let running = PhaseUpdate {
                job_id,
                step_id,
                step_status: Some(RunStatus::Running.code()),
                batch: Some(batch),
                ..Default::default()
            };
            if !self.write_running(ctl, running) {
                return stopped;
            }
            let hosts = match self.waiting_hosts(step_id, batch).await {
                Ok(h) => h,
                Err(e) => panic!("cannot read the hosts: {e:#}"),
            };
            let r = self.run_hosts(prep, hosts, ctl, cancel.clone()).await;
            if r == RunStatus::StopSuccess || ctl.cancelled() {
                return stopped;
            }
            let last = batch >= plan.total_batch;
            let between = match after_batch(plan.mode(), r != RunStatus::Success, last) {
                AfterBatch::End { job, step } => return End { job, step },
                AfterBatch::Next(status) => status,
            };
            let pause = PhaseUpdate {
                job_id,
                step_id,
                step_status: Some(between.code()),
                ..Default::default()
            };
            if !self.write_running(ctl, pause) {
                return stopped;
            }
            tokio::select! {
                _ = tokio::time::sleep(self.rolling_pause) => {}
                _ = cancel.wait_for(|c| *c) => return stopped,
            }
            batch += 1;
        }
    }

    /// Parallel-staggered batches (contract §7.3): each starts after its cumulative delay,
    /// whatever the others do; any failed batch fails the step.
    async fn run_staggered(
        self: &Arc<Self>,
        prep: &LazyPrep<'_>,
        plan: Plan,
        ctl: &Arc<RunCtl>,
        cancel: watch::Receiver<bool>,
    ) -> End {
        let (job_id, step_id) = (prep.job_id, prep.step.id);
        let hosts = match self.waiting_hosts(step_id, 0).await {
            Ok(h) => h,
            Err(e) => panic!("cannot read the hosts: {e:#}"),
        };
        let mut batches: BTreeMap<i32, Vec<HostRow>> = BTreeMap::new();
        for h in hosts {
            batches.entry(h.batch).or_default().push(h);
        }
        let offsets = plan.stagger_offsets(batches.len(), clock_rand());
        let scheduled = batches
            .into_iter()
            .zip(offsets)
            .map(|((b, hosts), at)| {
                let cancel = cancel.clone();
                let work = async move {
                    // The latest batch started is the step's current one.
                    self.write_running(
                        ctl,
                        PhaseUpdate {
                            job_id,
                            step_id,
                            batch: Some(b),
                            ..Default::default()
                        },
                    );
                    // After a terminate its hosts are marked terminated (403) here.
                    self.run_hosts(prep, hosts, ctl, cancel).await
                };
                (at, work)
            })
            .collect();
        let results = run_at_offsets(scheduled, cancel).await;
        if ctl.cancelled() || results.contains(&RunStatus::StopSuccess) {
            End::both(RunStatus::StopSuccess)
        } else if results.iter().all(|r| *r == RunStatus::Success) {
            End::both(RunStatus::Success)
        } else {
            End::both(RunStatus::Fail)
        }
    }
}
