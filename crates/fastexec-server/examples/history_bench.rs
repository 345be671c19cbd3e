//! Benchmark of the job history: one `get_job_instance_list` page over 100,000 jobs.
//!
//!   cargo run -p fastexec-server --profile server --example history_bench -- \
//!       [--jobs 100000] [--runs 30] [--out FILE] [--keep EMPTY_DIR]
//!
//! (`--keep`: seed into that folder instead of a temporary one and leave it there, to look at
//! the query plans with `sqlite3`.)
//! Seeds a fresh database (in a temporary folder) with `--jobs` finished jobs of business 2,
//! one a minute back from now (100,000 jobs span 69 days, so the 30-day window holds about
//! 43,000), through the server's own insert (`db::seed_history`), opens it as the server does
//! (`Db::open`: migrations, reader pool) and times `Db::job_list`, the query behind the API,
//! for pages with and without filters: the median of `--runs` calls each (after one warm-up).
//! Prints a table; `--out` writes the figures as a `results.json` section, which `cargo xtask
//! bench` adds to BENCHMARKS.md. The JSON and HTTP layers around the query are not timed.
//! Bounded: seeding 100,000 jobs takes a few seconds, the queries well under a second each.

use std::time::Instant;

use fastexec_server::db::{now_ms, seed_history, Db, JobListFilter};
use serde_json::{json, Value};

const DAY: i64 = 24 * 3600 * 1000;
/// The goal per page (issue 14).
const GOAL_MS: f64 = 50.0;

fn spread(samples: &mut [f64]) -> Value {
    samples.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| {
        let pos = p * (samples.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        samples[lo] + (samples[hi] - samples[lo]) * (pos - lo as f64)
    };
    let r = |x: f64| (x * 1e6).round() / 1e6;
    json!({"median": r(q(0.5)), "p10": r(q(0.1)), "p90": r(q(0.9)),
           "min": r(samples[0]), "max": r(samples[samples.len() - 1]), "runs": samples.len()})
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let mut jobs = 100_000usize;
    let mut runs = 30usize;
    let mut out = None;
    let mut keep: Option<std::path::PathBuf> = None;
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        match pair {
            [f, v] if f == "--jobs" => jobs = v.parse()?,
            [f, v] if f == "--runs" => runs = v.parse::<usize>()?.max(1),
            [f, v] if f == "--out" => out = Some(std::path::PathBuf::from(v)),
            [f, v] if f == "--keep" => keep = Some(std::path::PathBuf::from(v)),
            _ => anyhow::bail!(
                "usage: history_bench [--jobs N] [--runs N] [--out FILE] [--keep EMPTY_DIR]"
            ),
        }
    }
    let tmp = tempfile::TempDir::new()?;
    let dir = keep.as_deref().unwrap_or(tmp.path());
    let now = now_ms();
    let t = Instant::now();
    seed_history(dir, jobs, now, 60_000)?;
    let seed_s = t.elapsed().as_secs_f64();
    println!("seeded {jobs} jobs in {seed_s:.1} s");
    let (db, _) = Db::open(dir)?;

    let base = JobListFilter {
        scope_type: "biz".into(),
        scope_id: "2".into(),
        create_time_start: now - 30 * DAY,
        create_time_end: now,
        start: 0,
        length: 20,
        ..Default::default()
    };
    let cases: Vec<(&str, JobListFilter)> = vec![
        (
            "first page, no filter (20 of the 30-day window)",
            base.clone(),
        ),
        (
            "page 100 (start 1980), no filter",
            JobListFilter {
                start: 1980,
                ..base.clone()
            },
        ),
        (
            "1000 rows (largest page), no filter",
            JobListFilter {
                length: 1000,
                ..base.clone()
            },
        ),
        (
            "first page, operator + status",
            JobListFilter {
                operator: Some("alice".into()),
                status: Some(4),
                ..base.clone()
            },
        ),
        (
            "first page, name LIKE",
            JobListFilter {
                name: Some("history-99".into()),
                ..base.clone()
            },
        ),
        (
            "first page, host ip",
            JobListFilter {
                ip: Some("127.0.0.4".into()),
                ..base.clone()
            },
        ),
        (
            "one job by job_instance_id",
            JobListFilter {
                job_instance_id: Some(jobs as i64 / 2),
                ..base.clone()
            },
        ),
    ];
    let mut rows = Vec::new();
    for (name, f) in cases {
        let (total, page) = db.job_list(f.clone()).await?; // warm-up
        let mut samples = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            let r = db.job_list(f.clone()).await?;
            samples.push(t.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(r);
        }
        let mut row = spread(&mut samples);
        let median = row["median"].as_f64().unwrap_or(f64::NAN);
        println!(
            "{name:<50} total {total:>6}, rows {:>4}: median {median:.2} ms",
            page.len()
        );
        row["name"] = json!(format!("{name} — {total} matches"));
        row["unit"] = json!("ms");
        row["goal"] = json!(format!("< {GOAL_MS} ms"));
        row["verdict"] = json!(if median < GOAL_MS {
            "goal met"
        } else {
            "goal missed"
        });
        rows.push(row);
    }
    let section = json!({
        "title": "8. Job history (get_job_instance_list over 100,000 jobs)",
        "how": format!(
            "`cargo run -p fastexec-server --profile server --example history_bench`: a fresh \
             SQLite database seeded with {jobs} finished jobs (one a minute, 1-2 hosts each, \
             through the server's own insert; {seed_s:.1} s), then `Db::job_list`, the query \
             of `get_job_instance_list` (count of the matches + one page, newest first, on a \
             pooled reader connection) over the 30-day window, {runs} runs per figure after \
             a warm-up. JSON and HTTP are not included."
        ),
        "rows": rows,
        "notes": ["Indexes: job_instance(scope_type, scope_id, create_time) for the window, \
                   the order and the page; job_host_ip(ip) (each job's distinct IPs) for the ip filter."],
    });
    if let Some(path) = out {
        std::fs::write(&path, serde_json::to_string_pretty(&section)? + "\n")?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
