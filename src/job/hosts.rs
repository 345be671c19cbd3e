//! Host results of a step: grouping, filtering, the virtual list's window, copying IPs.
//! Plain Rust (no web-sys), unit-tested natively; sized for 50,000 hosts.
//!
//! The rows stay in the status answer's own `Vec<StepIpResult>`; groups and filters are lists
//! of `u32` indexes into it, so grouping is one pass (O(n)) per status answer and a filter
//! never copies a row.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use bkjob_api::{HostStatus, StepIpResult};

/// How many hosts `batch_get_job_instance_ip_log` accepts in one call.
pub const LOG_BATCH_MAX: usize = 500;

/// What a group gathers: one host status plus the script's custom tag ("" = none).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKey {
    /// [`HostStatus`] code.
    pub status: i32,
    /// Custom tag, "" when the script set none.
    pub tag: String,
}

impl GroupKey {
    /// The `data-group` value: the tag when there is one, else the host status code.
    pub fn attr(&self) -> String {
        if self.tag.is_empty() {
            self.status.to_string()
        } else {
            self.tag.clone()
        }
    }

    fn rank(&self) -> u8 {
        match HostStatus::from_code(self.status) {
            Some(s) if s.is_success() => 0,
            Some(s) if s.is_running() => 1,
            _ => 2,
        }
    }
}

/// One tab of the result page: a key and the indexes of its hosts (in answer order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostGroup {
    /// Status + tag.
    pub key: GroupKey,
    /// Indexes into the step's host list.
    pub rows: Arc<[u32]>,
}

impl HostGroup {
    /// Number of hosts.
    pub fn count(&self) -> usize {
        self.rows.len()
    }
}

/// Group hosts by (status, tag) in one pass. Order: successful groups first, then
/// waiting/running, then failures; within that by status code, then tag.
pub fn group_hosts(rows: &[StepIpResult]) -> Vec<HostGroup> {
    // Most jobs have a handful of groups: the first few are compared directly, and only other
    // keys are hashed (SipHash on every one of 50,000 hosts cost ~2 ms in wasm).
    let mut index: HashMap<(i32, &str), usize> = HashMap::new();
    let mut slots: Vec<((i32, &str), Vec<u32>)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let key = (r.status, r.tag.as_str());
        let slot = match slots.iter().take(8).position(|(k, _)| *k == key) {
            Some(s) => s,
            None => *index.entry(key).or_insert_with(|| {
                slots.push((key, Vec::new()));
                slots.len() - 1
            }),
        };
        slots[slot].1.push(i as u32);
    }
    let mut groups: Vec<HostGroup> = slots
        .into_iter()
        .map(|((status, tag), idx)| HostGroup {
            key: GroupKey {
                status,
                tag: tag.to_owned(),
            },
            rows: idx.into(),
        })
        .collect();
    groups.sort_by(|a, b| (a.key.rank(), &a.key).cmp(&(b.key.rank(), &b.key)));
    groups
}

/// The step's hosts as the view keeps them: the rows (shared, never copied) and the groups.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostModel {
    /// The status answer's host list.
    pub rows: Arc<Vec<StepIpResult>>,
    /// The groups, see [`group_hosts`].
    pub groups: Vec<HostGroup>,
}

impl HostModel {
    /// Group an answer's hosts (O(n)).
    pub fn new(rows: Vec<StepIpResult>) -> Self {
        let groups = group_hosts(&rows);
        HostModel {
            rows: Arc::new(rows),
            groups,
        }
    }

    /// The group with this key, if any.
    pub fn group(&self, key: &GroupKey) -> Option<&HostGroup> {
        self.groups.iter().find(|g| &g.key == key)
    }

    /// The progress summary of all hosts, counted per group (the groups split the hosts by
    /// status, so this is [`progress`] of the rows without another pass over them).
    pub fn progress(&self) -> Progress {
        let mut p = Progress {
            total: self.rows.len(),
            ..Progress::default()
        };
        for g in &self.groups {
            let status = HostStatus::from_code(g.key.status);
            if !status.is_some_and(|s| s.is_running()) {
                p.done += g.count();
                if status.is_some_and(|s| s.is_success()) {
                    p.success += g.count();
                } else {
                    p.failed += g.count();
                }
            }
        }
        p
    }
}

/// Done/total and success/failed counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// All hosts.
    pub total: usize,
    /// Hosts no longer waiting or running.
    pub done: usize,
    /// Hosts with status 9 or 3.
    pub success: usize,
    /// Finished, not successful.
    pub failed: usize,
}

/// Count progress in one pass.
pub fn progress(rows: &[StepIpResult]) -> Progress {
    let mut p = Progress {
        total: rows.len(),
        ..Progress::default()
    };
    for r in rows {
        let running = HostStatus::from_code(r.status).is_some_and(|s| s.is_running());
        let success = HostStatus::from_code(r.status).is_some_and(|s| s.is_success());
        if !running {
            p.done += 1;
            if success {
                p.success += 1;
            } else {
                p.failed += 1;
            }
        }
    }
    p
}

/// Does a host match the filter text? Case-insensitive substring of the IP, the
/// `cloud_id:ip` form or the host ID. `buf` is scratch space reused across rows.
fn host_matches(r: &StepIpResult, needle: &str, buf: &mut String) -> bool {
    if let Some(ip) = &r.ip {
        if ip.contains(needle) {
            return true;
        }
        buf.clear();
        let _ = write!(buf, "{}:{ip}", r.bk_cloud_id.unwrap_or(0));
        if buf.contains(needle) {
            return true;
        }
    }
    if let Some(id) = r.bk_host_id {
        buf.clear();
        let _ = write!(buf, "{id}");
        if buf.contains(needle) {
            return true;
        }
    }
    false
}

/// The rows of a group that match `query` (IP / `cloud:ip` / host ID substring; blank =
/// all). A blank query returns the group's own index list (no allocation); otherwise a
/// new index list, never a copy of a row.
pub fn filter_group(rows: &[StepIpResult], group: &Arc<[u32]>, query: &str) -> Arc<[u32]> {
    let needle = query.trim().to_ascii_lowercase();
    if needle.is_empty() {
        return Arc::clone(group);
    }
    let mut buf = String::with_capacity(32);
    group
        .iter()
        .copied()
        .filter(|&i| {
            rows.get(i as usize)
                .is_some_and(|r| host_matches(r, &needle, &mut buf))
        })
        .collect()
}

/// The slice of a virtual list to render: rows `range`, placed `offset_px` from the top of a
/// spacer `total_px` high.
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    /// Row positions to render.
    pub range: Range<usize>,
    /// Top of the first rendered row, in px.
    pub offset_px: f64,
    /// Height of the whole list, in px.
    pub total_px: f64,
}

/// Which rows of a fixed-row-height list of `len` rows are visible in a viewport of
/// `viewport_px` scrolled to `scroll_top`, plus `overscan` rows on each side.
pub fn visible_window(
    len: usize,
    row_px: f64,
    scroll_top: f64,
    viewport_px: f64,
    overscan: usize,
) -> Window {
    let total_px = len as f64 * row_px;
    if len == 0 || row_px <= 0.0 {
        return Window {
            range: 0..0,
            offset_px: 0.0,
            total_px: total_px.max(0.0),
        };
    }
    let top = scroll_top.max(0.0).min((total_px - viewport_px).max(0.0));
    let first = ((top / row_px).floor() as usize).min(len - 1);
    let shown = (viewport_px.max(0.0) / row_px).ceil() as usize + 1;
    let start = first.saturating_sub(overscan);
    let end = (first + shown + overscan).min(len);
    Window {
        range: start..end,
        offset_px: start as f64 * row_px,
        total_px,
    }
}

/// The scroll position that brings row `pos` fully into view, or `None` when it already is.
pub fn scroll_to_show(pos: usize, row_px: f64, scroll_top: f64, viewport_px: f64) -> Option<f64> {
    let top = pos as f64 * row_px;
    let bottom = top + row_px;
    if top < scroll_top {
        Some(top)
    } else if bottom > scroll_top + viewport_px {
        Some((bottom - viewport_px).max(0.0))
    } else {
        None
    }
}

/// How to write a host when copying a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyFormat {
    /// `10.0.0.1`
    Ip,
    /// `0:10.0.0.1`
    CloudIp,
    /// `101`
    HostId,
}

impl CopyFormat {
    /// All formats, in menu order.
    pub const ALL: [CopyFormat; 3] = [CopyFormat::Ip, CopyFormat::CloudIp, CopyFormat::HostId];

    /// `data-format` value.
    pub fn attr(self) -> &'static str {
        match self {
            CopyFormat::Ip => "ip",
            CopyFormat::CloudIp => "cloud_ip",
            CopyFormat::HostId => "host_id",
        }
    }
}

/// The hosts at `indexes`, one per line in `format` (hosts lacking the field are skipped).
pub fn copy_text(rows: &[StepIpResult], indexes: &[u32], format: CopyFormat) -> String {
    let mut out = String::with_capacity(indexes.len() * 16);
    for &i in indexes {
        let Some(r) = rows.get(i as usize) else {
            continue;
        };
        let before = out.len();
        match format {
            CopyFormat::Ip => {
                if let Some(ip) = &r.ip {
                    out.push_str(ip);
                }
            }
            CopyFormat::CloudIp => {
                if let Some(ip) = &r.ip {
                    let _ = write!(out, "{}:{ip}", r.bk_cloud_id.unwrap_or(0));
                }
            }
            CopyFormat::HostId => {
                if let Some(id) = r.bk_host_id {
                    let _ = write!(out, "{id}");
                }
            }
        }
        if out.len() > before {
            out.push('\n');
        }
    }
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

/// Host IDs cut into batches of at most [`LOG_BATCH_MAX`] for `batch_get_job_instance_ip_log`.
pub fn log_batches(host_ids: &[i64]) -> impl Iterator<Item = &[i64]> {
    host_ids.chunks(LOG_BATCH_MAX)
}

/// Milliseconds as seconds with up to three decimals, as BK-JOB's 耗时(s) column ("1.234").
pub fn format_seconds(ms: Option<i64>) -> String {
    match ms {
        None => "--".to_owned(),
        Some(ms) => {
            // Integer arithmetic only: f64 formatting would pull ~13 KB of float code into the wasm.
            let abs = ms.unsigned_abs();
            let mut s = String::new();
            if ms < 0 {
                s.push('-');
            }
            s.push_str(&(abs / 1000).to_string());
            let frac = abs % 1000;
            if frac != 0 {
                let digits = (1000 + frac).to_string();
                s.push('.');
                s.push_str(digits[1..].trim_end_matches('0'));
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn host(id: i64, status: i32, tag: &str) -> StepIpResult {
        StepIpResult {
            bk_host_id: Some(id),
            ip: Some(format!("10.0.{}.{}", id / 256, id % 256)),
            bk_cloud_id: Some(if id % 2 == 0 { 0 } else { 1 }),
            status,
            tag: tag.to_owned(),
            exit_code: Some(if status == 9 { 0 } else { 1 }),
            ..Default::default()
        }
    }

    #[test]
    fn groups_by_status_and_tag_with_counts() {
        let rows = vec![
            host(1, 9, ""),
            host(2, 104, ""),
            host(3, 9, "blue"),
            host(4, 1, ""),
            host(5, 9, ""),
            host(6, 9, "blue"),
            host(7, 7, ""),
        ];
        let m = HostModel::new(rows);
        let summary: Vec<(String, usize)> =
            m.groups.iter().map(|g| (g.key.attr(), g.count())).collect();
        assert_eq!(
            summary,
            vec![
                ("9".into(), 2),
                ("blue".into(), 2),
                ("7".into(), 1),
                ("1".into(), 1),
                ("104".into(), 1)
            ]
        );
        let success = m
            .group(&GroupKey {
                status: 9,
                tag: String::new(),
            })
            .unwrap();
        assert_eq!(&*success.rows, &[0, 4]);
        let p = m.progress();
        assert_eq!(p, progress(&m.rows));
        assert_eq!(
            p,
            Progress {
                total: 7,
                done: 6,
                success: 4,
                failed: 2
            }
        );
    }

    #[test]
    fn many_groups_past_the_first_few_are_kept_apart() {
        // 20 tags, interleaved: the groups after the first eight go through the hash map.
        let rows: Vec<_> = (0..200)
            .map(|i| host(i, 9, &format!("t{:02}", i % 20)))
            .collect();
        let m = HostModel::new(rows);
        assert_eq!(m.groups.len(), 20);
        for (n, g) in m.groups.iter().enumerate() {
            assert_eq!(g.key.tag, format!("t{n:02}"));
            let want: Vec<u32> = (0..10).map(|k| (k * 20 + n) as u32).collect();
            assert_eq!(&*g.rows, &want[..]);
        }
        assert_eq!(m.progress(), progress(&m.rows));
    }

    #[test]
    fn fifty_thousand_hosts_group_in_one_pass() {
        let rows: Vec<_> = (0..50_000)
            .map(|i| host(i, if i % 10 == 0 { 104 } else { 9 }, ""))
            .collect();
        let m = HostModel::new(rows);
        assert_eq!(m.groups.len(), 2);
        assert_eq!(m.groups[0].count(), 45_000);
        assert_eq!(m.groups[1].count(), 5_000);
        let f = filter_group(&m.rows, &m.groups[1].rows, "4999");
        let ids: Vec<i64> = f
            .iter()
            .map(|&i| m.rows[i as usize].bk_host_id.unwrap())
            .collect();
        assert_eq!(ids, vec![49_990]);
    }

    #[test]
    fn filter_by_ip_cloud_ip_and_host_id_without_copying() {
        let rows = vec![host(101, 9, ""), host(102, 9, ""), host(1101, 9, "")];
        let all: Arc<[u32]> = vec![0, 1, 2].into();
        // blank query: the very same list
        assert!(Arc::ptr_eq(&filter_group(&rows, &all, "  "), &all));
        assert_eq!(&*filter_group(&rows, &all, "101"), &[0, 2]);
        assert_eq!(&*filter_group(&rows, &all, "10.0.0.102"), &[1]);
        assert_eq!(&*filter_group(&rows, &all, "1:10.0.0.101"), &[0]);
        assert_eq!(&*filter_group(&rows, &all, "0:10.0.0.102"), &[1]);
        assert!(filter_group(&rows, &all, "nothing").is_empty());
    }

    #[test]
    fn window_math() {
        // 50,000 rows of 28 px, 400 px viewport
        let w = visible_window(50_000, 28.0, 0.0, 400.0, 5);
        assert_eq!(w.range, 0..21);
        assert_eq!(w.offset_px, 0.0);
        assert_eq!(w.total_px, 1_400_000.0);
        let w = visible_window(50_000, 28.0, 28.0 * 1000.0 + 3.0, 400.0, 5);
        assert_eq!(w.range, 995..1021);
        assert_eq!(w.offset_px, 995.0 * 28.0);
        // scrolled past the end (stale scroll_top after a filter): clamp to the last page
        let w = visible_window(10, 28.0, 99_999.0, 400.0, 2);
        assert_eq!(w.range, 0..10);
        let w = visible_window(100, 28.0, 99_999.0, 280.0, 2);
        assert_eq!(w.range.end, 100);
        assert!(w.range.len() <= 14);
        assert_eq!(visible_window(0, 28.0, 0.0, 400.0, 5).range, 0..0);
        // a zero-height viewport (not laid out yet) still renders a row or two, never all
        assert!(visible_window(50_000, 28.0, 0.0, 0.0, 5).range.len() <= 7);
    }

    #[test]
    fn scrolling_a_row_into_view() {
        assert_eq!(scroll_to_show(0, 28.0, 0.0, 280.0), None);
        assert_eq!(scroll_to_show(10, 28.0, 0.0, 280.0), Some(28.0));
        assert_eq!(scroll_to_show(2, 28.0, 280.0, 280.0), Some(56.0));
        assert_eq!(scroll_to_show(12, 28.0, 280.0, 280.0), None);
    }

    #[test]
    fn copy_formats_one_per_line() {
        let mut rows = vec![host(101, 9, ""), host(102, 9, "")];
        rows.push(StepIpResult {
            bk_host_id: Some(7),
            ip: None,
            status: 9,
            ..Default::default()
        });
        let idx = [0, 1, 2];
        assert_eq!(
            copy_text(&rows, &idx, CopyFormat::Ip),
            "10.0.0.101\n10.0.0.102"
        );
        assert_eq!(
            copy_text(&rows, &idx, CopyFormat::CloudIp),
            "1:10.0.0.101\n0:10.0.0.102"
        );
        assert_eq!(copy_text(&rows, &idx, CopyFormat::HostId), "101\n102\n7");
        assert_eq!(copy_text(&rows, &[], CopyFormat::Ip), "");
    }

    #[test]
    fn log_batches_of_five_hundred() {
        let ids: Vec<i64> = (0..1201).collect();
        let sizes: Vec<usize> = log_batches(&ids).map(<[i64]>::len).collect();
        assert_eq!(sizes, vec![500, 500, 201]);
        assert_eq!(log_batches(&[]).count(), 0);
    }

    #[test]
    fn seconds_column() {
        assert_eq!(format_seconds(Some(1234)), "1.234");
        assert_eq!(format_seconds(Some(2000)), "2");
        assert_eq!(format_seconds(Some(1500)), "1.5");
        assert_eq!(format_seconds(Some(0)), "0");
        assert_eq!(format_seconds(None), "--");
        assert_eq!(format_seconds(Some(1050)), "1.05");
        assert_eq!(format_seconds(Some(7)), "0.007");
        assert_eq!(format_seconds(Some(-1500)), "-1.5");
    }
}
