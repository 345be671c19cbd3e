//! What each queued write does in SQL, inside the writer's transaction ([`super::writer`]
//! owns the queue, the batching and the failure isolation).

use rusqlite::{params, Connection, Transaction};

use super::writer::{Op, Out};
use super::{
    now_ms, running_counts, HostUpdate, JobQuota, JobUpdate, NewHost, NewJob, PhaseUpdate,
    QuotaExceeded, HOST_UNFINISHED,
};

/// Job and step 9 (abnormal), unfinished hosts 0 (unknown error), in one transaction.
pub(super) fn mark_abnormal(conn: &mut Connection, job_id: i64, at: i64) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    tx.execute(
        &format!(
            "UPDATE step_host SET status = 0, end_time = ?2 WHERE status IN {HOST_UNFINISHED} \
             AND step_id IN (SELECT id FROM step_instance WHERE job_id = ?1) \
             AND batch <= (SELECT s.batch FROM step_instance s WHERE s.id = step_id)"
        ),
        params![job_id, at],
    )?;
    tx.execute(
        "UPDATE step_instance SET status = 9, end_time = ?2 WHERE job_id = ?1",
        params![job_id, at],
    )?;
    tx.execute(
        "UPDATE job_instance SET status = 9, end_time = ?2 WHERE id = ?1",
        params![job_id, at],
    )?;
    tx.commit()
}

pub(super) fn apply(tx: &Transaction<'_>, op: &Op) -> rusqlite::Result<Out> {
    match op {
        Op::Create {
            job,
            hosts,
            initial_status,
            quota,
            ..
        } => create_within_quota(tx, job, hosts, *initial_status, *quota).map(Out::Created),
        Op::Job(JobUpdate {
            job_id,
            step_id,
            status,
            start_time,
            end_time,
        }) => {
            for (table, id) in [("job_instance", job_id), ("step_instance", step_id)] {
                tx.prepare_cached(&format!(
                    "UPDATE {table} SET status = ?1, \
                     start_time = COALESCE(?2, start_time), \
                     end_time = COALESCE(?3, end_time) WHERE id = ?4"
                ))?
                .execute(params![status, start_time, end_time, id])?;
            }
            Ok(Out::Nothing)
        }
        Op::Host(HostUpdate {
            step_id,
            host_id,
            status,
            exit_code,
            start_time,
            end_time,
        }) => {
            tx.prepare_cached(
                "UPDATE step_host SET status = ?1, \
                 exit_code = COALESCE(?2, exit_code), \
                 start_time = COALESCE(?3, start_time), \
                 end_time = COALESCE(?4, end_time) \
                 WHERE step_id = ?5 AND host_id = ?6",
            )?
            .execute(params![
                status, exit_code, start_time, end_time, step_id, host_id
            ])?;
            Ok(Out::Nothing)
        }
        Op::Log {
            step_id,
            host_id,
            execute_count,
            content,
        } => {
            tx.prepare_cached(
                "INSERT INTO host_log (step_id, host_id, execute_count, content) \
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![step_id, host_id, execute_count, content])?;
            Ok(Out::Nothing)
        }
        Op::Phase(u) => apply_phase(tx, u).map(|_| Out::Nothing),
        Op::NewRound {
            job_id,
            step_id,
            rerun,
            ..
        } => new_round(tx, *job_id, *step_id, rerun).map(Out::Round),
        Op::Purge { spec, .. } => super::retention::purge(tx, spec).map(Out::Purged),
        Op::Flush(_) => Ok(Out::Nothing),
    }
}

/// See [`PhaseUpdate`].
fn apply_phase(tx: &Transaction<'_>, u: &PhaseUpdate) -> rusqlite::Result<()> {
    for (table, id, status) in [
        ("job_instance", u.job_id, u.job_status),
        ("step_instance", u.step_id, u.step_status),
    ] {
        tx.prepare_cached(&format!(
            "UPDATE {table} SET status = COALESCE(?1, status), \
             start_time = COALESCE(start_time, ?2), \
             end_time = CASE WHEN ?4 THEN NULL ELSE COALESCE(?3, end_time) END WHERE id = ?5"
        ))?
        .execute(params![status, u.start_time, u.end_time, u.reopen, id])?;
    }
    if let Some(b) = u.batch {
        tx.prepare_cached("UPDATE step_instance SET batch = ?1 WHERE id = ?2")?
            .execute(params![b, u.step_id])?;
    }
    Ok(())
}

/// See [`Op::NewRound`].
fn new_round(
    tx: &Transaction<'_>,
    job_id: i64,
    step_id: i64,
    rerun: &[i64],
) -> rusqlite::Result<i32> {
    let count: i32 = tx.query_row(
        "SELECT execute_count FROM step_instance WHERE id = ?1",
        params![step_id],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT OR REPLACE INTO step_host_round (step_id, execute_count, seq, host_id, ip, \
         cloud_id, agent_online, batch, status, exit_code, error_code, start_time, end_time, \
         actual_count) SELECT step_id, ?2, seq, host_id, ip, cloud_id, agent_online, batch, \
         status, exit_code, error_code, start_time, end_time, actual_count \
         FROM step_host WHERE step_id = ?1",
        params![step_id, count],
    )?;
    let next = count + 1;
    tx.execute(
        "UPDATE step_instance SET execute_count = ?2, status = 2, end_time = NULL WHERE id = ?1",
        params![step_id, next],
    )?;
    tx.execute(
        "UPDATE job_instance SET status = 2, end_time = NULL WHERE id = ?1",
        params![job_id],
    )?;
    let mut st = tx.prepare_cached(
        "UPDATE step_host SET status = 5, exit_code = NULL, error_code = 0, start_time = NULL, \
         end_time = NULL, actual_count = ?3 WHERE step_id = ?1 AND host_id = ?2",
    )?;
    for h in rerun {
        st.execute(params![step_id, h, next])?;
    }
    Ok(next)
}

/// Insert the job unless a running-job quota is already reached (in this transaction, which
/// sees every job created or finished before it).
fn create_within_quota(
    tx: &Transaction<'_>,
    job: &NewJob,
    hosts: &[NewHost],
    status: i32,
    quota: JobQuota,
) -> rusqlite::Result<Result<(i64, i64, i64), QuotaExceeded>> {
    if !quota.is_unlimited() {
        let counts = running_counts(tx, &job.scope_type, &job.scope_id, &job.app_code)?;
        if let Some(q) = quota.exceeded(&counts) {
            return Ok(Err(q));
        }
    }
    insert_job(tx, job, hosts, status).map(Ok)
}

pub(super) fn insert_job(
    tx: &Transaction<'_>,
    job: &NewJob,
    hosts: &[NewHost],
    status: i32,
) -> rusqlite::Result<(i64, i64, i64)> {
    let now = now_ms();
    tx.execute(
        "INSERT INTO job_instance (name, status, scope_type, scope_id, operator, app_code, \
         create_time, callback_url, start_task) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            job.name,
            status,
            job.scope_type,
            job.scope_id,
            job.operator,
            job.app_code,
            now,
            job.callback_url,
            job.start_task
        ],
    )?;
    let job_id = tx.last_insert_rowid();
    // A quick-execute job has exactly one step of type 1 (script), named like the job
    // (contract §5.1).
    tx.execute(
        "INSERT INTO step_instance (job_id, name, type, status, create_time, script_language, \
         script_content, script_param, is_param_sensitive, timeout, account_id, account_alias, \
         os_user, rolling) VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            job_id,
            job.name,
            status,
            now,
            job.script_language,
            job.script_content,
            job.script_param,
            job.is_param_sensitive,
            job.timeout,
            job.account_id,
            job.account_alias,
            job.os_user,
            job.rolling
        ],
    )?;
    let step_id = tx.last_insert_rowid();
    let mut st = tx.prepare_cached(
        "INSERT INTO step_host (step_id, seq, host_id, ip, cloud_id, agent_online, status, \
         batch) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 5, ?7)",
    )?;
    for (seq, h) in hosts.iter().enumerate() {
        st.execute(params![
            step_id,
            seq as i64,
            h.host_id,
            h.ip,
            h.cloud_id,
            h.agent_online,
            h.batch
        ])?;
    }
    let mut st =
        tx.prepare_cached("INSERT OR IGNORE INTO job_host_ip (job_id, ip) VALUES (?1, ?2)")?;
    for h in hosts {
        st.execute(params![job_id, h.ip])?;
    }
    Ok((job_id, step_id, now))
}
