//! BK-JOB v3 wire contract (work in progress).
