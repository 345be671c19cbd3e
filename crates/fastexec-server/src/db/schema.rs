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
";
