//! Tables and indexes.

/// `auto_vacuum` comes first: it only takes effect before the first table is created, so
/// databases created by older versions keep returning freed pages to their free list only.
pub(super) const SCHEMA: &str = "
PRAGMA auto_vacuum = INCREMENTAL;
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS job_instance (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    status INTEGER NOT NULL,
    scope_type TEXT NOT NULL,
    scope_id TEXT NOT NULL,
    operator TEXT NOT NULL,
    app_code TEXT NOT NULL,
    create_time INTEGER NOT NULL,
    start_time INTEGER,
    end_time INTEGER,
    callback_url TEXT,
    start_task INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS step_instance (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    type INTEGER NOT NULL,
    status INTEGER NOT NULL,
    create_time INTEGER NOT NULL,
    start_time INTEGER,
    end_time INTEGER,
    script_language INTEGER NOT NULL,
    script_content TEXT NOT NULL,
    script_param TEXT,
    is_param_sensitive INTEGER NOT NULL,
    timeout INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    account_alias TEXT NOT NULL,
    os_user TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS step_instance_job ON step_instance(job_id);
CREATE TABLE IF NOT EXISTS step_host (
    step_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    host_id INTEGER NOT NULL,
    ip TEXT NOT NULL,
    cloud_id INTEGER NOT NULL,
    agent_online INTEGER NOT NULL,
    status INTEGER NOT NULL,
    exit_code INTEGER,
    error_code INTEGER NOT NULL DEFAULT 0,
    start_time INTEGER,
    end_time INTEGER,
    PRIMARY KEY (step_id, host_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS host_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    step_id INTEGER NOT NULL,
    host_id INTEGER NOT NULL,
    content BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS host_log_host ON host_log(step_id, host_id, id);
CREATE INDEX IF NOT EXISTS job_instance_status ON job_instance(status);
CREATE TABLE IF NOT EXISTS step_host_round (
    step_id INTEGER NOT NULL,
    execute_count INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    host_id INTEGER NOT NULL,
    ip TEXT NOT NULL,
    cloud_id INTEGER NOT NULL,
    agent_online INTEGER NOT NULL,
    batch INTEGER NOT NULL,
    status INTEGER NOT NULL,
    exit_code INTEGER,
    error_code INTEGER NOT NULL,
    start_time INTEGER,
    end_time INTEGER,
    actual_count INTEGER NOT NULL,
    PRIMARY KEY (step_id, execute_count, host_id)
) WITHOUT ROWID;
";

/// Columns added after the first release: `(table, column, declaration)`. Databases created
/// before get them with `ALTER TABLE ... ADD COLUMN` and their defaults, which describe the
/// old rows exactly (round 0, no rolling, logs of round 0).
///
/// - `step_instance.execute_count`: the current round (BK-JOB's retry count, +1 per retry);
/// - `step_instance.batch`: the current rolling batch (1-based; 0 = not rolling);
/// - `step_instance.rolling`: the rolling plan as JSON (`exec::rolling::Plan`), NULL = none;
/// - `step_host.batch`: the rolling batch of the host (0 = not rolling);
/// - `step_host.actual_count`: the round whose run this row shows (a success carried over
///   by "retry failed" keeps the round it ran in: its log is that round's);
/// - `host_log.execute_count`: the round a chunk was written in;
/// - `job_instance.type`: BK-JOB's task type (1 quick script; 0 plan and 2 file never here);
/// - `job_instance.launch_mode`: how it was started (2 API: every launch here is an API call).
///
/// `step_host` holds the current round; earlier rounds are copied to `step_host_round` when a
/// retry starts.
pub(super) const ADDED_COLUMNS: [(&str, &str, &str); 8] = [
    (
        "step_instance",
        "execute_count",
        "INTEGER NOT NULL DEFAULT 0",
    ),
    ("step_instance", "batch", "INTEGER NOT NULL DEFAULT 0"),
    ("step_instance", "rolling", "TEXT"),
    ("step_host", "batch", "INTEGER NOT NULL DEFAULT 0"),
    ("step_host", "actual_count", "INTEGER NOT NULL DEFAULT 0"),
    ("host_log", "execute_count", "INTEGER NOT NULL DEFAULT 0"),
    ("job_instance", "type", "INTEGER NOT NULL DEFAULT 1"),
    ("job_instance", "launch_mode", "INTEGER NOT NULL DEFAULT 2"),
];

/// After [`ADDED_COLUMNS`]: the index the per-round log reads use, and those of the job
/// history (`get_job_instance_list`, [`super::history`]): a scope's jobs by creation time
/// (the window, the order and the page; the rowid at its end breaks ties), and `job_host_ip`,
/// each job's distinct target IPs (the `ip` filter, as BK-JOB's own job-host table): its IP
/// index gives the matching job ids directly, where going through `step_host` would look up
/// each host's step row (ten times slower over a large history). Written with the job
/// ([`super::apply`]), deleted with it ([`super::retention`]), filled from `step_host` once
/// for databases of older versions ([`migrate`]).
pub(super) const AFTER_MIGRATION: &str = "
CREATE INDEX IF NOT EXISTS host_log_round ON host_log(step_id, host_id, execute_count, id);
CREATE INDEX IF NOT EXISTS job_instance_scope_time ON job_instance(scope_type, scope_id, create_time);
CREATE TABLE IF NOT EXISTS job_host_ip (
    job_id INTEGER NOT NULL,
    ip TEXT NOT NULL,
    PRIMARY KEY (job_id, ip)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS job_host_ip_ip ON job_host_ip(ip);
";

/// Add the missing [`ADDED_COLUMNS`] (idempotent; one transaction).
pub(super) fn migrate(conn: &mut rusqlite::Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    for (table, column, decl) in ADDED_COLUMNS {
        let present: bool = tx
            .prepare(&format!(
                "SELECT 1 FROM pragma_table_info('{table}') WHERE name = ?1"
            ))?
            .exists([column])?;
        if !present {
            tx.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {decl}"))?;
        }
    }
    tx.execute_batch(AFTER_MIGRATION)?;
    // Every launch writes its IPs, and no job has no host: an empty table next to host rows
    // is a database of an older version.
    let empty: bool = !tx
        .prepare("SELECT 1 FROM job_host_ip LIMIT 1")?
        .exists([])?;
    if empty {
        tx.execute_batch(
            "INSERT OR IGNORE INTO job_host_ip (job_id, ip) SELECT s.job_id, h.ip \
             FROM step_host h JOIN step_instance s ON s.id = h.step_id",
        )?;
    }
    tx.commit()
}
