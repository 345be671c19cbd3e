//! Log text helpers: search segmentation (for `<mark>` rendering), capped matches, the
//! download file name. Plain Rust, unit-tested natively. Logs are text, never HTML: the view
//! renders every segment as a text node.

use std::ops::Range;

/// Highlight at most this many matches (a 5 MB log can hold far more); the rest of the log
/// after the last highlighted match is one plain segment.
pub const MAX_HIGHLIGHTS: usize = 1_000;

/// Per-host log cap of BK-JOB (the UI warns that more output may be discarded).
pub const LOG_CAP_BYTES: usize = 5 * 1024 * 1024;

/// A piece of the log: a byte range into the log text, highlighted or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Byte range (always on char boundaries).
    pub range: Range<usize>,
    /// True for a search match.
    pub hit: bool,
}

/// The log split for rendering.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Segments {
    /// Alternating plain / hit pieces covering the whole text, in order.
    pub parts: Vec<Segment>,
    /// All matches in the text (may exceed the highlighted ones).
    pub total_matches: usize,
    /// Matches highlighted (≤ the cap).
    pub highlighted: usize,
}

impl Segments {
    /// True when more matches exist than are highlighted.
    pub fn capped(&self) -> bool {
        self.total_matches > self.highlighted
    }
}

/// Byte offsets of the non-overlapping matches of `needle` in `hay`, ASCII case-insensitive.
/// Since only ASCII letters are folded, every match starts and ends on a char boundary.
fn find_all(hay: &str, needle: &str, mut on_match: impl FnMut(usize)) {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() || n.len() > h.len() {
        return;
    }
    let first = n[0].to_ascii_lowercase();
    let mut i = 0;
    let last_start = h.len() - n.len();
    while i <= last_start {
        if h[i].to_ascii_lowercase() == first && h[i..i + n.len()].eq_ignore_ascii_case(n) {
            on_match(i);
            i += n.len();
        } else {
            i += 1;
        }
    }
}

/// Split `text` by the matches of `query` (ASCII case-insensitive; blank query = one plain
/// segment). Only the first `max_hits` matches become hit segments; all are counted.
pub fn segment(text: &str, query: &str, max_hits: usize) -> Segments {
    let mut out = Segments::default();
    let needle = query;
    let mut cursor = 0;
    if !needle.trim().is_empty() {
        find_all(text, needle, |start| {
            out.total_matches += 1;
            if out.highlighted < max_hits {
                if start > cursor {
                    out.parts.push(Segment {
                        range: cursor..start,
                        hit: false,
                    });
                }
                out.parts.push(Segment {
                    range: start..start + needle.len(),
                    hit: true,
                });
                out.highlighted += 1;
                cursor = start + needle.len();
            }
        });
    }
    if cursor < text.len() || out.parts.is_empty() {
        out.parts.push(Segment {
            range: cursor..text.len(),
            hit: false,
        });
    }
    out
}

/// The file name of a host's downloaded log.
pub fn log_file_name(job_instance_id: i64, host_id: Option<i64>, ip: Option<&str>) -> String {
    match (host_id, ip) {
        (Some(id), _) => format!("job-{job_instance_id}-host-{id}.log"),
        (None, Some(ip)) => format!(
            "job-{job_instance_id}-ip-{}.log",
            ip.replace([':', '/'], "_")
        ),
        (None, None) => format!("job-{job_instance_id}.log"),
    }
}

/// The file name of a group's logs downloaded together.
pub fn group_log_file_name(job_instance_id: i64, group_attr: &str) -> String {
    let safe: String = group_attr
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    format!("job-{job_instance_id}-group-{safe}.log")
}

/// One host's section in a combined log file.
pub fn combined_section(
    out: &mut String,
    host_id: Option<i64>,
    cloud: Option<i64>,
    ip: Option<&str>,
    log: &str,
) {
    out.push_str("===== ");
    if let Some(id) = host_id {
        out.push_str(&format!("host {id} "));
    }
    if let Some(ip) = ip {
        out.push_str(&format!("{}:{ip} ", cloud.unwrap_or(0)));
    }
    out.push_str("=====\n");
    out.push_str(log);
    if !log.ends_with('\n') {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces<'a>(text: &'a str, s: &Segments) -> Vec<(&'a str, bool)> {
        s.parts
            .iter()
            .map(|p| (&text[p.range.clone()], p.hit))
            .collect()
    }

    #[test]
    fn blank_query_is_one_plain_segment() {
        let t = "line 1\nline 2\n";
        let s = segment(t, "", MAX_HIGHLIGHTS);
        assert_eq!(pieces(t, &s), vec![(t, false)]);
        assert_eq!(s.total_matches, 0);
        let s = segment("", "x", MAX_HIGHLIGHTS);
        assert_eq!(
            s.parts,
            vec![Segment {
                range: 0..0,
                hit: false
            }]
        );
    }

    #[test]
    fn matches_split_and_cover_the_text() {
        let t = "Error: a\nok\nerror: b";
        let s = segment(t, "error", MAX_HIGHLIGHTS);
        assert_eq!(
            pieces(t, &s),
            vec![
                ("Error", true),
                (": a\nok\n", false),
                ("error", true),
                (": b", false)
            ]
        );
        assert_eq!((s.total_matches, s.highlighted, s.capped()), (2, 2, false));
        // coverage: the pieces rebuild the text
        let rebuilt: String = s.parts.iter().map(|p| &t[p.range.clone()]).collect();
        assert_eq!(rebuilt, t);
    }

    #[test]
    fn non_ascii_and_overlaps() {
        let t = "你好，世界 你好";
        let s = segment(t, "你好", 10);
        assert_eq!(
            pieces(t, &s),
            vec![("你好", true), ("，世界 ", false), ("你好", true)]
        );
        let s = segment("aaaa", "aa", 10);
        assert_eq!(s.total_matches, 2, "non-overlapping");
        // an HTML-looking log stays text: segments are byte ranges, nothing is parsed
        let t = "<b>x</b>";
        assert_eq!(
            pieces(t, &segment(t, "x", 10)),
            vec![("<b>", false), ("x", true), ("</b>", false)]
        );
    }

    #[test]
    fn highlights_are_capped_on_a_five_megabyte_log() {
        let line = "match here and there\n";
        let t = line.repeat(LOG_CAP_BYTES / line.len());
        let s = segment(&t, "match", MAX_HIGHLIGHTS);
        assert_eq!(s.highlighted, MAX_HIGHLIGHTS);
        assert_eq!(s.total_matches, LOG_CAP_BYTES / line.len());
        assert!(s.capped());
        assert!(s.parts.len() <= 2 * MAX_HIGHLIGHTS + 1);
        assert_eq!(s.parts.last().unwrap().range.end, t.len());
        assert!(!s.parts.last().unwrap().hit);
    }

    #[test]
    fn file_names() {
        assert_eq!(
            log_file_name(42, Some(101), Some("1.2.3.4")),
            "job-42-host-101.log"
        );
        assert_eq!(
            log_file_name(42, None, Some("1.2.3.4")),
            "job-42-ip-1.2.3.4.log"
        );
        assert_eq!(group_log_file_name(42, "9"), "job-42-group-9.log");
        assert_eq!(group_log_file_name(42, "a b/c"), "job-42-group-a_b_c.log");
        let mut out = String::new();
        combined_section(&mut out, Some(1), Some(0), Some("1.1.1.1"), "x");
        assert_eq!(out, "===== host 1 0:1.1.1.1 =====\nx\n");
    }
}
