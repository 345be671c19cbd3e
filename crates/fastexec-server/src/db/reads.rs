//! Reads: [`Db`]'s queries of jobs, steps, hosts and logs (a failed job's rows overlaid with
//! "abnormal"), and the helpers that run on a pooled reader connection.

use bkjob_api::RunStatus;
use rusqlite::{params, Connection, OptionalExtension};

use super::{Db, HostRow, JobRow, LogCut, RunningCounts, StepRow};

/// A stored status overlaid with "abnormal" for a failed job (unless already final).
pub(super) fn abnormal(status: i32, end_time: Option<i64>, at: i64) -> (i32, Option<i64>) {
    if RunStatus::from_code(status).is_some_and(|s| s.is_finished()) {
        (status, end_time)
    } else {
        (RunStatus::AbnormalState.code(), end_time.or(Some(at)))
    }
}

/// Drop a UTF-8 character left incomplete at the end by a byte cut.
fn cut_at_char(buf: &mut Vec<u8>) {
    let len = buf.len();
    for back in 1..=len.min(4) {
        let b = buf[len - back];
        if b & 0xC0 != 0x80 {
            let need = match b {
                0xF0.. => 4,
                0xE0.. => 3,
                0xC0.. => 2,
                _ => 1,
            };
            if need > back {
                buf.truncate(len - back);
            }
            return;
        }
    }
}

/// One host's log, at most `limit` bytes; `true` if there was more. A cut never splits a
/// UTF-8 character.
pub(super) fn read_log(
    c: &Connection,
    step_id: i64,
    host_id: i64,
    round: i32,
    limit: usize,
) -> rusqlite::Result<(String, bool)> {
    // substr() keeps SQLite from handing over more than the limit of one chunk.
    let mut st = c.prepare_cached(
        "SELECT substr(content, 1, ?3), length(content) FROM host_log \
         WHERE step_id = ?1 AND host_id = ?2 AND execute_count = ?4 ORDER BY id",
    )?;
    let mut buf = Vec::new();
    let mut cut = false;
    let mut rows = st.query(params![
        step_id,
        host_id,
        limit.min(i64::MAX as usize) as i64,
        round
    ])?;
    while let Some(r) = rows.next()? {
        let room = limit - buf.len();
        if room == 0 {
            cut = true;
            break;
        }
        let part: Vec<u8> = r.get(0)?;
        let full: i64 = r.get(1)?;
        if part.len() > room || full as usize > part.len() {
            buf.extend_from_slice(&part[..part.len().min(room)]);
            cut = true;
            break;
        }
        buf.extend_from_slice(&part);
    }
    if cut {
        cut_at_char(&mut buf);
    }
    Ok((String::from_utf8_lossy(&buf).into_owned(), cut))
}

/// Count unfinished jobs (status not final, contract §5.2: created, running, stopping, …).
pub(super) fn running_counts(
    c: &Connection,
    scope_type: &str,
    scope_id: &str,
    app_code: &str,
) -> rusqlite::Result<RunningCounts> {
    let unfinished: Vec<String> = RunStatus::ALL
        .iter()
        .filter(|s| !s.is_finished())
        .map(|s| s.code().to_string())
        .collect();
    let sql = format!(
        "SELECT COUNT(*), COALESCE(SUM(scope_type = ?1 AND scope_id = ?2), 0), \
         COALESCE(SUM(app_code = ?3), 0) FROM job_instance WHERE status IN ({})",
        unfinished.join(", ")
    );
    c.prepare_cached(&sql)?
        .query_row(params![scope_type, scope_id, app_code], |r| {
            let n = |i: usize| r.get::<_, i64>(i).map(|v| v.max(0) as u64);
            Ok(RunningCounts {
                system: n(0)?,
                scope: n(1)?,
                app: n(2)?,
            })
        })
}

/// The columns [`host_row`] reads, of `step_host` and `step_host_round` alike.
const HOST_COLUMNS: &str = "host_id, ip, cloud_id, agent_online, status, exit_code, error_code, \
                            start_time, end_time, batch, actual_count";

fn host_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HostRow> {
    Ok(HostRow {
        host_id: r.get(0)?,
        ip: r.get(1)?,
        cloud_id: r.get(2)?,
        agent_online: r.get(3)?,
        status: r.get(4)?,
        exit_code: r.get(5)?,
        error_code: r.get(6)?,
        start_time: r.get(7)?,
        end_time: r.get(8)?,
        batch: r.get(9)?,
        actual_count: r.get(10)?,
    })
}

impl Db {
    pub async fn job(&self, job_id: i64) -> anyhow::Result<Option<JobRow>> {
        let mut job = self
            .read(move |c| {
                c.query_row(
                    "SELECT id, name, status, scope_type, scope_id, operator, create_time, \
                     start_time, end_time, callback_url, start_task FROM job_instance WHERE id = ?1",
                    params![job_id],
                    |r| {
                        Ok(JobRow {
                            id: r.get(0)?,
                            name: r.get(1)?,
                            status: r.get(2)?,
                            scope_type: r.get(3)?,
                            scope_id: r.get(4)?,
                            operator: r.get(5)?,
                            create_time: r.get(6)?,
                            start_time: r.get(7)?,
                            end_time: r.get(8)?,
                            callback_url: r.get(9)?,
                            start_task: r.get(10)?,
                        })
                    },
                )
                .optional()
            })
            .await?;
        if let (Some(j), Some(f)) = (job.as_mut(), self.failed.get(job_id)) {
            (j.status, j.end_time) = abnormal(j.status, j.end_time, f.at);
        }
        Ok(job)
    }

    pub async fn steps(&self, job_id: i64) -> anyhow::Result<Vec<StepRow>> {
        let mut steps = self
            .read(move |c| {
                let mut st = c.prepare(
                    "SELECT id, job_id, name, type, status, create_time, start_time, end_time, \
                     script_language, script_content, script_param, timeout, os_user, \
                     is_param_sensitive, execute_count, batch, rolling FROM step_instance \
                     WHERE job_id = ?1 ORDER BY id",
                )?;
                let rows = st.query_map(params![job_id], |r| {
                    Ok(StepRow {
                        id: r.get(0)?,
                        job_id: r.get(1)?,
                        name: r.get(2)?,
                        type_: r.get(3)?,
                        status: r.get(4)?,
                        create_time: r.get(5)?,
                        start_time: r.get(6)?,
                        end_time: r.get(7)?,
                        script_language: r.get(8)?,
                        script_content: r.get(9)?,
                        script_param: r.get(10)?,
                        timeout: r.get(11)?,
                        os_user: r.get(12)?,
                        is_param_sensitive: r.get(13)?,
                        execute_count: r.get(14)?,
                        batch: r.get(15)?,
                        rolling: r.get(16)?,
                    })
                })?;
                rows.collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        if let Some(f) = self.failed.get(job_id) {
            for s in &mut steps {
                (s.status, s.end_time) = abnormal(s.status, s.end_time, f.at);
            }
        }
        Ok(steps)
    }

    /// Hosts of a step in request order: the current round.
    pub async fn hosts(&self, step_id: i64) -> anyhow::Result<Vec<HostRow>> {
        let mut hosts = self
            .read(move |c| {
                let mut st = c.prepare(&format!(
                    "SELECT {HOST_COLUMNS} FROM step_host WHERE step_id = ?1 ORDER BY seq"
                ))?;
                let rows = st.query_map(params![step_id], host_row)?;
                rows.collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        if let Some(f) = self.failed.by_step(step_id) {
            // As the restart recovery does: unfinished hosts of an abnormal job are 0.
            for h in hosts.iter_mut().filter(|h| matches!(h.status, 5 | 7)) {
                h.status = 0;
                h.end_time.get_or_insert(f.at);
            }
        }
        Ok(hosts)
    }

    /// Hosts of an earlier round of a step, in request order (empty for a round that never
    /// was). The current round is [`Db::hosts`].
    pub async fn hosts_of_round(&self, step_id: i64, round: i32) -> anyhow::Result<Vec<HostRow>> {
        self.read(move |c| {
            let mut st = c.prepare(&format!(
                "SELECT {HOST_COLUMNS} FROM step_host_round \
                 WHERE step_id = ?1 AND execute_count = ?2 ORDER BY seq"
            ))?;
            let rows = st.query_map(params![step_id, round], host_row)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })
        .await
    }

    /// The job a step belongs to.
    pub async fn step_job(&self, step_id: i64) -> anyhow::Result<Option<i64>> {
        self.read(move |c| {
            c.query_row(
                "SELECT job_id FROM step_instance WHERE id = ?1",
                params![step_id],
                |r| r.get(0),
            )
            .optional()
        })
        .await
    }

    /// The account a job's step runs as: `(account_id, account_alias)`.
    pub async fn job_account(&self, job_id: i64) -> anyhow::Result<Option<(i64, String)>> {
        self.read(move |c| {
            c.query_row(
                "SELECT account_id, account_alias FROM step_instance WHERE job_id = ?1 \
                 ORDER BY id LIMIT 1",
                params![job_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
        })
        .await
    }

    /// The whole log of one host in round `round` (chunks concatenated; invalid UTF-8
    /// replaced). A host row's round is its `actual_count`.
    pub async fn log(&self, step_id: i64, host_id: i64, round: i32) -> anyhow::Result<String> {
        self.read(move |c| read_log(c, step_id, host_id, round, usize::MAX))
            .await
            .map(|(s, _)| s)
    }

    /// Logs of several hosts (each with its round), in order, together at most `cap` bytes: the host where the cap
    /// is reached is cut, later hosts are not read. Each host is read only up to what is left,
    /// so no more than `cap` bytes of logs are ever held.
    pub async fn logs_capped(
        &self,
        step_id: i64,
        host_ids: Vec<(i64, i32)>,
        cap: usize,
    ) -> anyhow::Result<Vec<(String, LogCut)>> {
        self.read(move |c| {
            let mut left = cap;
            let mut out = Vec::with_capacity(host_ids.len());
            for (h, round) in host_ids {
                if left == 0 {
                    out.push((String::new(), LogCut::Skipped));
                    continue;
                }
                let (log, cut) = read_log(c, step_id, h, round, left)?;
                left = left.saturating_sub(log.len());
                out.push((
                    log,
                    if cut {
                        LogCut::Truncated
                    } else {
                        LogCut::Whole
                    },
                ));
            }
            Ok(out)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::cut_at_char;

    #[test]
    fn a_cut_never_splits_a_character() {
        let cut = |s: &str, n: usize| {
            let mut b = s.as_bytes()[..n].to_vec();
            cut_at_char(&mut b);
            String::from_utf8(b).unwrap()
        };
        assert_eq!(cut("你好", 4), "你");
        assert_eq!(cut("你好", 5), "你");
        assert_eq!(cut("你好", 6), "你好");
        assert_eq!(cut("ab😀", 5), "ab");
        assert_eq!(cut("abc", 2), "ab");
        assert_eq!(cut("", 0), "");
    }
}
