//! Read helpers that run on a pooled reader connection.

use bkjob_api::RunStatus;
use rusqlite::{params, Connection};

use super::RunningCounts;

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
    limit: usize,
) -> rusqlite::Result<(String, bool)> {
    // substr() keeps SQLite from handing over more than the limit of one chunk.
    let mut st = c.prepare_cached(
        "SELECT substr(content, 1, ?3), length(content) FROM host_log \
         WHERE step_id = ?1 AND host_id = ?2 ORDER BY id",
    )?;
    let mut buf = Vec::new();
    let mut cut = false;
    let mut rows = st.query(params![
        step_id,
        host_id,
        limit.min(i64::MAX as usize) as i64
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
