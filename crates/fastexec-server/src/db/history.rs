//! The job history: the query behind `get_job_instance_list` (contract bk-job-api-more.md §4)
//! and a seeder that fills a database with many finished jobs (for the benchmark and tests).
//!
//! The page and its total come from one scope's jobs in a creation-time window, newest first,
//! read through the `job_instance_scope_time` index ([`super::schema`]): the window bounds the
//! scan, the index gives the order, so a page costs its rows plus one count of the window.

use std::path::Path;

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection};

use super::reads::abnormal;
use super::{schema, Db, NewHost, NewJob};

/// What `get_job_instance_list` asks for, already validated.
#[derive(Debug, Clone, Default)]
pub struct JobListFilter {
    pub scope_type: String,
    pub scope_id: String,
    /// The creation-time window, both ends included (Unix ms).
    pub create_time_start: i64,
    pub create_time_end: i64,
    /// When set, the only filter besides the scope (BK-JOB ignores the others, the window too).
    pub job_instance_id: Option<i64>,
    /// Jobs of a cron job: none here, so any value matches nothing.
    pub job_cron_id: Option<i64>,
    pub operator: Option<String>,
    /// SQL `LIKE %name%` (SQLite's LIKE is ASCII case-insensitive, as MySQL's default
    /// collation; `%` and `_` stay wildcards, as BK-JOB does not escape them).
    pub name: Option<String>,
    pub launch_mode: Option<i32>,
    pub type_: Option<i32>,
    pub status: Option<i32>,
    /// A target host's IP (exact).
    pub ip: Option<String>,
    pub start: i64,
    pub length: i64,
}

/// One job of the history page.
#[derive(Debug, Clone)]
pub struct JobListRow {
    pub id: i64,
    pub name: String,
    pub operator: String,
    pub status: i32,
    pub type_: i32,
    pub launch_mode: i32,
    pub scope_type: String,
    pub scope_id: String,
    pub create_time: i64,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
}

/// The WHERE clause of a filter and its parameters.
fn where_clause(f: &JobListFilter) -> (String, Vec<Value>) {
    let mut sql = String::from("scope_type = ? AND scope_id = ?");
    let mut args: Vec<Value> = vec![f.scope_type.clone().into(), f.scope_id.clone().into()];
    if let Some(id) = f.job_instance_id {
        sql.push_str(" AND id = ?");
        args.push(id.into());
        return (sql, args);
    }
    sql.push_str(" AND create_time >= ? AND create_time <= ?");
    args.extend([f.create_time_start.into(), f.create_time_end.into()]);
    if f.job_cron_id.is_some() {
        sql.push_str(" AND 0");
    }
    let mut eq = |col: &str, v: Value| {
        sql.push_str(&format!(" AND {col} = ?"));
        args.push(v);
    };
    if let Some(o) = &f.operator {
        eq("operator", o.clone().into());
    }
    if let Some(m) = f.launch_mode {
        eq("launch_mode", m.into());
    }
    if let Some(t) = f.type_ {
        eq("type", t.into());
    }
    if let Some(s) = f.status {
        eq("status", s.into());
    }
    if let Some(n) = &f.name {
        sql.push_str(" AND name LIKE '%' || ? || '%'");
        args.push(n.clone().into());
    }
    if let Some(ip) = &f.ip {
        sql.push_str(" AND id IN (SELECT job_id FROM job_host_ip WHERE ip = ?)");
        args.push(ip.clone().into());
    }
    (sql, args)
}

/// The total of matches and the page's rows, newest first (ties: the later job first).
pub fn query_job_list(
    c: &Connection,
    f: &JobListFilter,
) -> rusqlite::Result<(i64, Vec<JobListRow>)> {
    let (cond, args) = where_clause(f);
    let total: i64 = c
        .prepare_cached(&format!("SELECT COUNT(*) FROM job_instance WHERE {cond}"))?
        .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
    if total <= f.start {
        return Ok((total, Vec::new()));
    }
    let mut page_args = args;
    page_args.extend([f.length.into(), f.start.into()]);
    let mut st = c.prepare_cached(&format!(
        "SELECT id, name, operator, status, type, launch_mode, scope_type, scope_id, \
         create_time, start_time, end_time FROM job_instance WHERE {cond} \
         ORDER BY create_time DESC, id DESC LIMIT ? OFFSET ?"
    ))?;
    let rows = st.query_map(params_from_iter(page_args.iter()), |r| {
        Ok(JobListRow {
            id: r.get(0)?,
            name: r.get(1)?,
            operator: r.get(2)?,
            status: r.get(3)?,
            type_: r.get(4)?,
            launch_mode: r.get(5)?,
            scope_type: r.get(6)?,
            scope_id: r.get(7)?,
            create_time: r.get(8)?,
            start_time: r.get(9)?,
            end_time: r.get(10)?,
        })
    })?;
    Ok((total, rows.collect::<rusqlite::Result<Vec<_>>>()?))
}

impl Db {
    /// `get_job_instance_list`'s page: (total, rows); a failed job's rows show it abnormal.
    pub async fn job_list(&self, f: JobListFilter) -> anyhow::Result<(i64, Vec<JobListRow>)> {
        let (total, mut rows) = self.read(move |c| query_job_list(c, &f)).await?;
        if !self.failed.is_empty() {
            for j in &mut rows {
                if let Some(fail) = self.failed.get(j.id) {
                    (j.status, j.end_time) = abnormal(j.status, j.end_time, fail.at);
                }
            }
        }
        Ok((total, rows))
    }
}

/// Fill the database in `data_dir` with `jobs` finished jobs of business 2, created one every
/// `spacing_ms` back from `now` (newest first), each with one or two hosts of 127.0.0.2-.4,
/// operators `admin` / `alice` / `bob`, statuses 3 (success) and 4 (failed), names
/// `history-<n>`. One transaction through the server's own insert, so the rows are what a
/// launch writes. For the benchmark and the history tests; never called by the server.
pub fn seed_history(data_dir: &Path, jobs: usize, now: i64, spacing_ms: i64) -> anyhow::Result<()> {
    std::fs::create_dir_all(data_dir)?;
    let mut c = Connection::open(data_dir.join("fastexec.sqlite3"))?;
    c.execute_batch(schema::SCHEMA)?;
    schema::migrate(&mut c)?;
    let tx = c.transaction()?;
    for n in 0..jobs {
        let operator = ["admin", "alice", "bob"][n % 3];
        let job = NewJob {
            name: format!("history-{n}"),
            scope_type: "biz".into(),
            scope_id: "2".into(),
            operator: operator.into(),
            app_code: "fastexec-bench".into(),
            callback_url: None,
            start_task: true,
            script_language: 1,
            script_content: "echo history\n".into(),
            script_param: None,
            is_param_sensitive: false,
            timeout: 7200,
            account_id: 1000,
            account_alias: "root".into(),
            os_user: "$SERVER_USER".into(),
            rolling: None,
        };
        let hosts: Vec<NewHost> = (0..1 + n % 2)
            .map(|h| {
                let k = (n + h) % 3;
                NewHost {
                    host_id: 101 + k as i64,
                    ip: format!("127.0.0.{}", 2 + k),
                    cloud_id: 0,
                    agent_online: true,
                    batch: 0,
                }
            })
            .collect();
        let (job_id, step_id, _) = super::apply::insert_job(&tx, &job, &hosts, 1)?;
        let created = now - (jobs - 1 - n) as i64 * spacing_ms;
        let status = if n % 10 == 9 { 4 } else { 3 };
        tx.execute(
            "UPDATE job_instance SET create_time = ?2, start_time = ?2, end_time = ?2 + 1000, \
             status = ?3 WHERE id = ?1",
            params![job_id, created, status],
        )?;
        tx.execute(
            "UPDATE step_instance SET create_time = ?2, start_time = ?2, end_time = ?2 + 1000, \
             status = ?3 WHERE id = ?1",
            params![step_id, created, status],
        )?;
        tx.execute(
            "UPDATE step_host SET status = 9, exit_code = 0 WHERE step_id = ?1",
            params![step_id],
        )?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(now: i64) -> JobListFilter {
        JobListFilter {
            scope_type: "biz".into(),
            scope_id: "2".into(),
            create_time_start: now - 3_600_000,
            create_time_end: now,
            start: 0,
            length: 5,
            ..Default::default()
        }
    }

    /// A database of an older version (no `job_host_ip` rows) gets them at open, so its old
    /// jobs are found by IP; the migration runs once.
    #[tokio::test]
    async fn ip_rows_are_filled_for_older_databases() {
        let dir = tempfile::TempDir::new().unwrap();
        let now = 10_000_000;
        seed_history(dir.path(), 30, now, 60_000).unwrap();
        let c = Connection::open(dir.path().join("fastexec.sqlite3")).unwrap();
        let count = |c: &Connection| -> i64 {
            c.query_row("SELECT COUNT(*) FROM job_host_ip", [], |r| r.get(0))
                .unwrap()
        };
        let seeded = count(&c);
        assert_eq!(seeded, 45, "1 or 2 distinct IPs per job");
        c.execute("DELETE FROM job_host_ip", []).unwrap();
        let (db, _) = Db::open(dir.path()).unwrap();
        assert_eq!(count(&c), seeded);
        let f = JobListFilter {
            ip: Some("127.0.0.2".into()),
            ..filter(now)
        };
        let (total, rows) = db.job_list(f).await.unwrap();
        assert_eq!((total, rows.len()), (15, 5));
        assert!(rows.windows(2).all(|w| w[0].create_time > w[1].create_time));
        let (total, _) = db.job_list(filter(now)).await.unwrap();
        assert_eq!(total, 30);
        let f = JobListFilter {
            start: 30,
            ..filter(now)
        };
        let (total, rows) = db.job_list(f).await.unwrap();
        assert_eq!((total, rows.len()), (30, 0));
    }
}
