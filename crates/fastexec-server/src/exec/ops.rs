//! Step operations (`operate_step_instance`, contract bk-job-api-more.md §3) and terminating a
//! job that waits for a user: applied to what the database holds, with the job claimed so
//! that no task of it runs meanwhile.
//!
//! The precondition is checked here, against the status of the claimed job (a task stores its
//! last status before it gives the job back, so the store is current): only operation 12
//! (skip) applies to a job that is running, while its terminate is in progress.

use bkjob_api::rolling::RollingMode;
use bkjob_api::StepOperation;

use super::rolling::Plan;
use super::*;

/// An operation the executor applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOp {
    /// 2 / 8: a new round with the hosts that did not succeed, or every host, of the current
    /// batch (serial rolling) or of the step.
    Retry { all: bool },
    /// 3: the failed step is ignored (6); the next batch, or the job ends successful.
    IgnoreError,
    /// 11 (after a stop) / 12 (during a stop): the step is skipped (5), the job ends
    /// successful (it has no other step).
    Skip,
    /// 13: the next batch of a rolling step waiting for the user.
    Continue,
}

impl StepOp {
    /// What the executor does for a BK-JOB code; `None` for the confirmation codes (6/9/10),
    /// which need a manual-confirmation step a quick script job never has.
    pub fn from_operation(op: StepOperation) -> Option<StepOp> {
        Some(match op {
            StepOperation::RetryFailIp => StepOp::Retry { all: false },
            StepOperation::RetryAllIp => StepOp::Retry { all: true },
            StepOperation::IgnoreError => StepOp::IgnoreError,
            StepOperation::NextStep | StepOperation::Skip => StepOp::Skip,
            StepOperation::RollingContinue => StepOp::Continue,
            StepOperation::ConfirmContinue
            | StepOperation::ConfirmTerminate
            | StepOperation::ConfirmRestart => return None,
        })
    }
}

/// Why an operation was not applied.
#[derive(Debug)]
pub enum OpRefused {
    /// 1241003: the step's status does not allow it.
    Unsupported,
    Internal(anyhow::Error),
}

/// What an applied operation left to do.
enum Applied {
    /// A task runs (it owns the claim).
    Task,
    /// Stored; nothing runs.
    Stored,
    /// The job ended (successful) with its step in this status: the callback is due.
    Finished(JobRow, i64, RunStatus),
}

impl Executor {
    /// Apply `op` to the job's step if `allowed(step status, step type, rolling)` holds for
    /// it now (else [`OpRefused::Unsupported`]). Returns once the operation's synchronous
    /// part is stored (a retry's new round and running status); the rest runs in a task.
    pub async fn operate_step(
        self: &Arc<Self>,
        job_id: i64,
        op: StepOp,
        allowed: impl Fn(RunStatus, i32, bool) -> bool,
    ) -> Result<(), OpRefused> {
        let Some(ctl) = self.claim(job_id) else {
            return self.operate_running(job_id, op, allowed);
        };
        let r = self.operate_claimed(job_id, op, allowed, &ctl).await;
        if !matches!(r, Ok(Applied::Task)) {
            self.release(job_id, &ctl);
        }
        // After the release: a slow receiver holds up no other operation.
        if let Ok(Applied::Finished(job, step_id, step_status)) = &r {
            self.send_callback(job, RunStatus::Success, *step_id, *step_status)
                .await;
        }
        r.map(drop)
    }

    /// A job with a task: only a skip (12) during its terminate (status 10).
    fn operate_running(
        &self,
        job_id: i64,
        op: StepOp,
        allowed: impl Fn(RunStatus, i32, bool) -> bool,
    ) -> Result<(), OpRefused> {
        let ctl = self
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&job_id)
            .cloned();
        let Some(ctl) = ctl else {
            // Its task ended just now: the caller may try again.
            return Err(OpRefused::Unsupported);
        };
        let phase = ctl.phase.lock().unwrap_or_else(|e| e.into_inner());
        let status = if ctl.cancelled() {
            RunStatus::Stopping
        } else {
            RunStatus::Running
        };
        // A quick job's only step is a script step (type 1); whether it rolls does not
        // matter for the operations a running step allows.
        if op == StepOp::Skip && *phase == Phase::Running && allowed(status, 1, false) {
            ctl.skip.store(true, Ordering::SeqCst);
            return Ok(());
        }
        Err(OpRefused::Unsupported)
    }

    async fn operate_claimed(
        self: &Arc<Self>,
        job_id: i64,
        op: StepOp,
        allowed: impl Fn(RunStatus, i32, bool) -> bool,
        ctl: &Arc<RunCtl>,
    ) -> Result<Applied, OpRefused> {
        let internal = OpRefused::Internal;
        let (job, step) = self.load(job_id).await.map_err(internal)?;
        let plan = Plan::from_json(step.rolling.as_deref());
        let status = RunStatus::from_code(step.status).ok_or(OpRefused::Unsupported)?;
        if !allowed(status, step.type_, plan.is_some()) {
            return Err(OpRefused::Unsupported);
        }
        let serial = plan.filter(Plan::is_serial);
        let more_batches = serial.is_some_and(|p| step.batch < p.total_batch);
        match op {
            StepOp::Retry { all } => {
                // A job whose writes failed stays abnormal: its store cannot be trusted.
                if self.db.job_failed(job_id) {
                    return Err(OpRefused::Unsupported);
                }
                let hosts = self.db.hosts(step.id).await.map_err(internal)?;
                let batch = if serial.is_some() {
                    step.batch.max(1)
                } else {
                    0
                };
                let rerun: Vec<i64> = hosts
                    .iter()
                    .filter(|h| batch == 0 || h.batch == batch)
                    .filter(|h| all || h.status != HostStatus::Success.code())
                    .map(|h| h.host_id)
                    .collect();
                self.db
                    .new_round(job_id, step.id, rerun)
                    .await
                    .map_err(internal)?;
                // The step as the new round stored it (its execute_count).
                let (job, step) = self.load(job_id).await.map_err(internal)?;
                let opening = PhaseUpdate {
                    job_id,
                    step_id: step.id,
                    ..Default::default()
                };
                tracing::info!(job_id, all, round = step.execute_count, "retry");
                self.run_task(job, step, batch, ctl.clone(), opening);
                Ok(Applied::Task)
            }
            // BK-JOB's engine ignores code 3 on an abnormal step (9): the API answers success.
            StepOp::IgnoreError if status != RunStatus::Fail => Ok(Applied::Stored),
            StepOp::IgnoreError if more_batches => {
                let next = step.batch + 1;
                if serial.is_some_and(|p| p.mode() == RollingMode::Manual) {
                    // Mode 3: the next batch waits for its confirmation again.
                    self.db.set_phase(PhaseUpdate {
                        job_id,
                        step_id: step.id,
                        job_status: Some(RunStatus::WaitingUser.code()),
                        step_status: Some(RunStatus::WaitingUser.code()),
                        reopen: true,
                        ..Default::default()
                    });
                    self.db.flush().await;
                    return Ok(Applied::Stored);
                }
                let opening = PhaseUpdate {
                    job_id,
                    step_id: step.id,
                    job_status: Some(RunStatus::Running.code()),
                    step_status: Some(RunStatus::IgnoreError.code()),
                    reopen: true,
                    ..Default::default()
                };
                self.run_task(job, step, next, ctl.clone(), opening);
                Ok(Applied::Task)
            }
            StepOp::IgnoreError => Ok(self.finish_now(job, step.id, RunStatus::IgnoreError).await),
            StepOp::Skip => Ok(self.finish_now(job, step.id, RunStatus::Skipped).await),
            StepOp::Continue => {
                let next = step.batch + 1;
                let opening = PhaseUpdate {
                    job_id,
                    step_id: step.id,
                    job_status: Some(RunStatus::Running.code()),
                    step_status: Some(RunStatus::Running.code()),
                    ..Default::default()
                };
                self.run_task(job, step, next, ctl.clone(), opening);
                Ok(Applied::Task)
            }
        }
    }

    /// The job ends successful now with its step in `step_status` (ignored 6, skipped 5):
    /// a new end time, and the callback as every time it reaches a final status.
    async fn finish_now(&self, job: JobRow, step_id: i64, step_status: RunStatus) -> Applied {
        self.db.set_phase(PhaseUpdate {
            job_id: job.id,
            step_id,
            job_status: Some(RunStatus::Success.code()),
            step_status: Some(step_status.code()),
            end_time: Some(now_ms()),
            ..Default::default()
        });
        self.db.flush().await;
        Applied::Finished(job, step_id, step_status)
    }

    /// Terminate a job that runs nothing because it waits for a user (7): step and job
    /// stop successfully (11) at once. False if the job is not waiting.
    pub async fn terminate_waiting(&self, job_id: i64) -> anyhow::Result<bool> {
        let Some(ctl) = self.claim(job_id) else {
            return Ok(false);
        };
        let loaded = self.load(job_id).await;
        let waiting = matches!(&loaded, Ok((j, _)) if j.status == RunStatus::WaitingUser.code());
        if let (true, Ok((job, step))) = (waiting, &loaded) {
            let stop = RunStatus::StopSuccess;
            self.db.set_phase(PhaseUpdate {
                job_id,
                step_id: step.id,
                job_status: Some(stop.code()),
                step_status: Some(stop.code()),
                end_time: Some(now_ms()),
                ..Default::default()
            });
            self.db.flush().await;
            self.release(job_id, &ctl);
            tracing::info!(job_id, "terminated while waiting for a user");
            self.send_callback(job, stop, step.id, stop).await;
            return Ok(true);
        }
        self.release(job_id, &ctl);
        loaded.map(|_| false)
    }
}
