//! Running a set of hosts of a started job (a whole step, one rolling batch, or the hosts a
//! retry runs again) under the process limit; the caller decides what the result means for
//! the step and the job.

use super::*;

/// The script file and everything the hosts of one task share, made on first use: a task
/// whose hosts are all offline writes no script file.
pub(super) struct LazyPrep<'a> {
    pub(super) cell: std::sync::OnceLock<Result<Arc<Prepared>, String>>,
    pub(super) ex: &'a Executor,
    pub(super) job_id: i64,
    pub(super) step: &'a StepRow,
    pub(super) setup: &'a Result<Setup, String>,
}

impl LazyPrep<'_> {
    fn get(&self) -> &Result<Arc<Prepared>, String> {
        self.cell.get_or_init(|| {
            let (ex, step) = (self.ex, self.step);
            let s = self.setup.as_ref().map_err(Clone::clone)?;
            let lang = ScriptLanguage::from_code(step.script_language);
            let script = ex
                .prepare_job_dir(
                    self.job_id,
                    lang,
                    step.script_content.as_bytes(),
                    s.run_as.as_ref(),
                )
                .map_err(|e| format!("cannot write the script file: {e}"))?;
            let (args, args_note) = split_params(step.script_param.as_deref().unwrap_or(""));
            Ok(Arc::new(Prepared {
                job_id: self.job_id,
                step_id: step.id,
                round: step.execute_count,
                program: s.program.clone(),
                pre_args: s.pre_args.clone(),
                lang,
                script,
                args,
                args_note,
                sensitive: step.is_param_sensitive,
                timeout: Duration::from_secs(step.timeout.max(1) as u64),
                switch: s.run_as.is_some(),
                account: s.run_as.clone().unwrap_or_else(|| ex.own.clone()),
                log_cap: ex.log_cap,
            }))
        })
    }
}

impl Executor {
    /// Run `hosts` (each in status 5) and answer what they did together: 11 (stop success)
    /// after a terminate, 3 if every host succeeded, else 4.
    pub(super) async fn run_hosts(
        self: &Arc<Self>,
        prep: &LazyPrep<'_>,
        hosts: Vec<HostRow>,
        ctl: &Arc<RunCtl>,
        mut cancel: watch::Receiver<bool>,
    ) -> RunStatus {
        let step_id = prep.step.id;
        let round = prep.step.execute_count;
        let now = now_ms();
        let mut all_ok = true;
        // Offline agents: host status 1 at once, they never run (contract §5.5).
        for h in hosts.iter().filter(|h| !h.agent_online) {
            all_ok = false;
            self.db.set_host_status(HostUpdate {
                step_id,
                host_id: h.host_id,
                status: HostStatus::AgentError.code(),
                exit_code: None,
                start_time: Some(now),
                end_time: Some(now),
            });
        }
        let online: Vec<&HostRow> = hosts.iter().filter(|h| h.agent_online).collect();
        if online.is_empty() {
            return if all_ok {
                RunStatus::Success
            } else {
                RunStatus::Fail
            };
        }
        let prepared = match prep.get() {
            Ok(p) => p.clone(),
            Err(why) => {
                // The whole step cannot run here (no interpreter, forbidden user): every
                // online host fails with the reason in its log.
                let line = format!("[fastexec] {why}\n");
                for h in &online {
                    self.db
                        .append_log(step_id, h.host_id, round, line.clone().into_bytes());
                    self.db.set_host_status(HostUpdate {
                        step_id,
                        host_id: h.host_id,
                        status: HostStatus::ScriptFailed.code(),
                        exit_code: None,
                        start_time: Some(now),
                        end_time: Some(now),
                    });
                }
                return RunStatus::Fail;
            }
        };
        let mut set: JoinSet<HostStatus> = JoinSet::new();
        let mut cancelled = false;
        let mut next = 0;
        while next < online.len() {
            let permit = tokio::select! {
                p = self.sem.clone().acquire_owned() => match p {
                    Ok(p) => p,
                    Err(_) => break,
                },
                _ = cancel.wait_for(|c| *c) => { cancelled = true; break; }
            };
            let h = online[next].clone();
            next += 1;
            let prepared = prepared.clone();
            let this = self.clone();
            let ctl = ctl.clone();
            let cancel = cancel.clone();
            set.spawn(async move {
                let st = match catch_panic(run_host(&this, &prepared, &h, &ctl, cancel)).await {
                    Ok(st) => st,
                    Err(why) => {
                        tracing::error!(
                            job_id = prepared.job_id,
                            host_id = h.host_id,
                            "host run failed: {why}"
                        );
                        // Its script, if any, was killed with its session (SessionGuard).
                        this.db.append_log(
                            prepared.step_id,
                            h.host_id,
                            prepared.round,
                            b"[fastexec] internal error: the run was abandoned\n".to_vec(),
                        );
                        this.db.set_host_status(HostUpdate {
                            step_id: prepared.step_id,
                            host_id: h.host_id,
                            status: HostStatus::UnknownError.code(),
                            exit_code: None,
                            start_time: None,
                            end_time: Some(now_ms()),
                        });
                        HostStatus::UnknownError
                    }
                };
                drop(permit);
                st
            });
            while let Some(r) = set.try_join_next() {
                all_ok &= host_ok(r);
            }
        }
        // Hosts that never got a process slot before a terminate.
        if cancelled || *cancel.borrow() {
            cancelled = true;
            let now = now_ms();
            for h in &online[next..] {
                self.db.set_host_status(HostUpdate {
                    step_id,
                    host_id: h.host_id,
                    status: HostStatus::TerminateSuccess.code(),
                    exit_code: None,
                    start_time: None,
                    end_time: Some(now),
                });
            }
        }
        while let Some(r) = set.join_next().await {
            all_ok &= host_ok(r);
        }
        if cancelled || *cancel.borrow() {
            RunStatus::StopSuccess
        } else if all_ok {
            RunStatus::Success
        } else {
            RunStatus::Fail
        }
    }
}

fn host_ok(r: Result<HostStatus, tokio::task::JoinError>) -> bool {
    matches!(r, Ok(HostStatus::Success | HostStatus::LastSuccess))
}
