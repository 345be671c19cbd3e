//! The history page's filters as one value ([`HistoryQuery`]): read from and written to the
//! page's URL query (so a search can be shared and survives a reload), turned into a
//! `get_job_instance_list` request (the time window checked as BK-JOB does: required, end
//! after start, at most 30 days), and the paging of an answer ([`Paging`]). Plain Rust, tested
//! natively.

use bkjob_api::rules::MAX_HISTORY_RANGE_MS;
use bkjob_api::{GetJobInstanceListRequest, RunStatus};

/// Rows per page.
pub const PAGE_SIZE: i32 = 20;

/// The history page's path.
pub const HISTORY_PATH: &str = "/jobs";

/// The last page a URL may ask for (its first row still fits `start`, an `i32`).
const MAX_PAGE: u32 = (i32::MAX / PAGE_SIZE) as u32;

/// A window ending now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuickRange {
    /// The last hour.
    Hour,
    /// The last 24 hours (the default).
    Day,
    /// The last 7 days.
    Week,
    /// The last 30 days (BK-JOB's widest window).
    Month,
}

impl QuickRange {
    /// Every quick range, shortest first.
    pub const ALL: [QuickRange; 4] = [
        QuickRange::Hour,
        QuickRange::Day,
        QuickRange::Week,
        QuickRange::Month,
    ];

    /// Its name in the URL (`range=`) and on its button.
    pub fn name(self) -> &'static str {
        match self {
            QuickRange::Hour => "1h",
            QuickRange::Day => "24h",
            QuickRange::Week => "7d",
            QuickRange::Month => "30d",
        }
    }

    /// Its length in ms.
    pub fn ms(self) -> i64 {
        const HOUR: i64 = 3_600_000;
        match self {
            QuickRange::Hour => HOUR,
            QuickRange::Day => 24 * HOUR,
            QuickRange::Week => 7 * 24 * HOUR,
            QuickRange::Month => MAX_HISTORY_RANGE_MS,
        }
    }

    /// The range a URL name stands for.
    pub fn from_name(name: &str) -> Option<QuickRange> {
        QuickRange::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// The creation-time window searched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    /// The last hour / day / week / 30 days, up to the moment of the search.
    Last(QuickRange),
    /// From `start` to `end`, Unix ms (both included, as BK-JOB filters).
    Between {
        /// Start, ms.
        start: i64,
        /// End, ms.
        end: i64,
    },
}

impl Default for Window {
    fn default() -> Self {
        Window::Last(QuickRange::Day)
    }
}

impl Window {
    /// Start and end at `now_ms`.
    pub fn bounds(self, now_ms: i64) -> (i64, i64) {
        match self {
            Window::Last(r) => (now_ms - r.ms(), now_ms),
            Window::Between { start, end } => (start, end),
        }
    }
}

/// Why no request is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryError {
    /// No business (scope) chosen.
    NoScope,
    /// A custom window without a start or an end.
    NoWindow,
    /// The end is not after the start (BK-JOB: 1241007).
    EmptyWindow,
    /// More than 30 days (BK-JOB: 1241002).
    WindowTooWide,
}

/// Every filter of the history page, and the page shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryQuery {
    /// `biz` or `biz_set`.
    pub scope_type: String,
    /// The business (set) ID.
    pub scope_id: String,
    /// The creation-time window.
    pub window: Window,
    /// A [`RunStatus`] code.
    pub status: Option<i32>,
    /// Name contains.
    pub name: String,
    /// Exact operator.
    pub operator: String,
    /// A target host's IPv4.
    pub ip: String,
    /// 1 web, 2 API, 3 cron.
    pub launch_mode: Option<i32>,
    /// 1-based.
    pub page: u32,
}

impl Default for HistoryQuery {
    fn default() -> Self {
        HistoryQuery {
            scope_type: "biz".to_owned(),
            scope_id: String::new(),
            window: Window::default(),
            status: None,
            name: String::new(),
            operator: String::new(),
            ip: String::new(),
            launch_mode: None,
            page: 1,
        }
    }
}

/// The launch modes a job may have (`launch_mode`).
pub const LAUNCH_MODES: [i32; 3] = [1, 2, 3];

impl HistoryQuery {
    /// The filters a URL query (`location.search`, with or without `?`) names; the business
    /// is `default_scope` (the form's) unless the URL names one. Values that do not parse are
    /// left at their defaults.
    pub fn from_search(search: &str, default_scope: (&str, &str)) -> HistoryQuery {
        let mut q = HistoryQuery {
            scope_type: default_or(default_scope.0.trim(), "biz"),
            scope_id: default_scope.1.trim().to_owned(),
            ..HistoryQuery::default()
        };
        let (mut start, mut end, mut range) = (None, None, None);
        let mut url_scope = (None, None);
        for (k, v) in parse_pairs(search) {
            match k.as_str() {
                "scope_type" => url_scope.0 = Some(v),
                "scope_id" => url_scope.1 = Some(v),
                "range" => range = QuickRange::from_name(&v),
                "start" => start = v.parse::<i64>().ok().filter(|&ms| ms > 0),
                "end" => end = v.parse::<i64>().ok().filter(|&ms| ms > 0),
                "status" => {
                    q.status = v
                        .parse()
                        .ok()
                        .filter(|&s| RunStatus::from_code(s).is_some())
                }
                "launch_mode" => {
                    q.launch_mode = v.parse().ok().filter(|m| LAUNCH_MODES.contains(m))
                }
                "name" => q.name = v,
                "operator" => q.operator = v,
                "ip" => q.ip = v,
                "page" => {
                    q.page = v
                        .parse::<u64>()
                        .map_or(1, |p| p.clamp(1, u64::from(MAX_PAGE)) as u32)
                }
                _ => {}
            }
        }
        // The URL's business as a whole: a type alone does not mix with the form's ID.
        if let (Some(t), Some(id)) = url_scope {
            q.scope_type = default_or(t.trim(), "biz");
            q.scope_id = id.trim().to_owned();
        }
        q.window = match (start, end, range) {
            (Some(start), Some(end), _) => Window::Between { start, end },
            (_, _, Some(r)) => Window::Last(r),
            _ => Window::default(),
        };
        q
    }

    /// The URL query of these filters (no `?`), defaults left out; the business always named.
    pub fn to_search(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.scope_id.trim().is_empty() {
            pairs.push(("scope_type", self.scope_type.trim().to_owned()));
            pairs.push(("scope_id", self.scope_id.trim().to_owned()));
        }
        match self.window {
            Window::Last(QuickRange::Day) => {}
            Window::Last(r) => pairs.push(("range", r.name().to_owned())),
            Window::Between { start, end } => {
                pairs.push(("start", start.to_string()));
                pairs.push(("end", end.to_string()));
            }
        }
        if let Some(s) = self.status {
            pairs.push(("status", s.to_string()));
        }
        for (k, v) in [
            ("name", &self.name),
            ("operator", &self.operator),
            ("ip", &self.ip),
        ] {
            if !v.trim().is_empty() {
                pairs.push((k, v.trim().to_owned()));
            }
        }
        if let Some(m) = self.launch_mode {
            pairs.push(("launch_mode", m.to_string()));
        }
        if self.page > 1 {
            pairs.push(("page", self.page.to_string()));
        }
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode_component(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The page's link with these filters.
    pub fn path(&self) -> String {
        let search = self.to_search();
        if search.is_empty() {
            HISTORY_PATH.to_owned()
        } else {
            format!("{HISTORY_PATH}?{search}")
        }
    }

    /// The same filters on page 1 (after any change of a filter).
    pub fn first_page(mut self) -> HistoryQuery {
        self.page = 1;
        self
    }

    /// The same filters on `page`.
    pub fn on_page(mut self, page: u32) -> HistoryQuery {
        self.page = page.clamp(1, MAX_PAGE);
        self
    }

    /// The window at `now_ms`, checked as BK-JOB checks it.
    pub fn window_at(&self, now_ms: i64) -> Result<(i64, i64), QueryError> {
        let (start, end) = self.window.bounds(now_ms);
        if start < 1 || end < 1 {
            return Err(QueryError::NoWindow);
        }
        if end <= start {
            return Err(QueryError::EmptyWindow);
        }
        if end - start > MAX_HISTORY_RANGE_MS {
            return Err(QueryError::WindowTooWide);
        }
        Ok((start, end))
    }

    /// The request for this page at `now_ms`, or why none can be sent.
    pub fn request(&self, now_ms: i64) -> Result<GetJobInstanceListRequest, QueryError> {
        if self.scope_type.trim().is_empty() || self.scope_id.trim().is_empty() {
            return Err(QueryError::NoScope);
        }
        let (start, end) = self.window_at(now_ms)?;
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(GetJobInstanceListRequest {
            bk_scope_type: text(&self.scope_type),
            bk_scope_id: text(&self.scope_id),
            create_time_start: Some(start),
            create_time_end: Some(end),
            operator: text(&self.operator),
            name: text(&self.name),
            launch_mode: self.launch_mode,
            status: self.status,
            ip: text(&self.ip),
            start: Some(page_start(self.page)),
            length: Some(Some(PAGE_SIZE)),
            ..GetJobInstanceListRequest::default()
        })
    }
}

fn default_or(s: &str, default: &str) -> String {
    if s.is_empty() { default } else { s }.to_owned()
}

/// The first row of `page` (1-based).
pub fn page_start(page: u32) -> i32 {
    let page = page.clamp(1, MAX_PAGE) as i32;
    (page - 1) * PAGE_SIZE
}

/// Where an answer's page is among all matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    /// This page, 1-based.
    pub page: u32,
    /// Pages in all (at least 1).
    pub pages: u32,
    /// Matches in all.
    pub total: i64,
    /// First row shown, 1-based (0 when none).
    pub first: i64,
    /// Last row shown, 1-based (0 when none).
    pub last: i64,
}

impl Paging {
    /// The paging of an answer: `start` / `length` as it echoes them, `rows` on this page.
    pub fn of(start: i32, length: i32, total: i64, rows: usize) -> Paging {
        let length = i64::from(length.max(1));
        let start = i64::from(start.max(0));
        let total = total.max(0);
        let pages = (total + length - 1) / length;
        let rows = rows as i64;
        Paging {
            page: u32::try_from(start / length + 1).unwrap_or(u32::MAX),
            pages: u32::try_from(pages.max(1)).unwrap_or(u32::MAX),
            total,
            first: if rows > 0 { start + 1 } else { 0 },
            last: start + rows,
        }
    }

    /// A page before this one.
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    /// A page after this one.
    pub fn has_next(&self) -> bool {
        self.page < self.pages
    }

    /// The page "previous" goes to: the last page with rows when this one is past the end
    /// (a shared link after jobs were deleted).
    pub fn prev_page(&self) -> u32 {
        if self.page > self.pages {
            self.pages
        } else {
            self.page.saturating_sub(1).max(1)
        }
    }
}

/// `key=value` pairs of a URL query, percent-decoded (`+` is a space).
fn parse_pairs(search: &str) -> Vec<(String, String)> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode_component(k), decode_component(v))
        })
        .collect()
}

/// Percent-encode a query value (UTF-8; only unreserved characters left as they are).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-decode a query value; `+` is a space, a bad escape stays as it is.
pub fn decode_component(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: Option<&u8>) -> Option<u8> {
    char::from(*b?).to_digit(16).map(|d| d as u8)
}

/// A `<input type="datetime-local">` value (`YYYY-MM-DDTHH:MM`, optional `:SS`) in the local
/// time `offset_min` minutes east of UTC, as Unix ms.
pub fn parse_local(value: &str, offset_min: i32) -> Option<i64> {
    let (date, time) = value.trim().split_once('T')?;
    let mut d = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.splitn(3, ':').map(|p| p.parse::<i64>().ok());
    let (h, min) = (t.next()??, t.next()??);
    let sec = t.next().map_or(Some(0), |s| s)?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || h > 23 || min > 59 || sec > 59 {
        return None;
    }
    if h < 0 || min < 0 || sec < 0 {
        return None;
    }
    let days = days_from_civil(y, m, day);
    let local = days * 86_400 + h * 3600 + min * 60 + sec;
    Some((local - i64::from(offset_min) * 60) * 1000)
}

/// Unix ms as a `datetime-local` value (`YYYY-MM-DDTHH:MM`) in the local time `offset_min`
/// minutes east of UTC.
pub fn format_local(ms: i64, offset_min: i32) -> String {
    // "YYYY-MM-DD HH:MM:SS" → "YYYY-MM-DDTHH:MM"
    let s = crate::job::format::format_time(Some(ms), offset_min);
    if s.len() < 16 {
        return String::new();
    }
    format!("{}T{}", &s[..10], &s[11..16])
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000_000;
    const DAY: i64 = 86_400_000;

    #[test]
    fn defaults_come_from_the_form_unless_the_url_names_a_business() {
        let q = HistoryQuery::from_search("", ("biz", "2"));
        assert_eq!((q.scope_type.as_str(), q.scope_id.as_str()), ("biz", "2"));
        assert_eq!(q.window, Window::Last(QuickRange::Day));
        assert_eq!(q.page, 1);
        let q = HistoryQuery::from_search("?scope_type=biz_set&scope_id=9000001", ("biz", "2"));
        assert_eq!(
            (q.scope_type.as_str(), q.scope_id.as_str()),
            ("biz_set", "9000001")
        );
        // half a business in the URL is not mixed with the form's
        let q = HistoryQuery::from_search("scope_type=biz_set", ("biz", "2"));
        assert_eq!((q.scope_type.as_str(), q.scope_id.as_str()), ("biz", "2"));
        // an empty form scope type is biz
        let q = HistoryQuery::from_search("", ("", ""));
        assert_eq!(q.scope_type, "biz");
        assert_eq!(q.request(NOW), Err(QueryError::NoScope));
    }

    #[test]
    fn the_url_round_trips() {
        let q = HistoryQuery {
            scope_type: "biz".into(),
            scope_id: "2".into(),
            window: Window::Between {
                start: NOW - DAY,
                end: NOW,
            },
            status: Some(4),
            name: "deploy 50% & more".into(),
            operator: "admin".into(),
            ip: "127.0.0.3".into(),
            launch_mode: Some(2),
            page: 3,
        };
        let s = q.to_search();
        assert_eq!(
            s,
            "scope_type=biz&scope_id=2&start=1699913600000&end=1700000000000&status=4\
             &name=deploy%2050%25%20%26%20more&operator=admin&ip=127.0.0.3&launch_mode=2&page=3"
        );
        assert_eq!(HistoryQuery::from_search(&format!("?{s}"), ("biz", "7")), q);
        let q = HistoryQuery {
            window: Window::Last(QuickRange::Week),
            ..HistoryQuery::from_search("", ("biz", "2"))
        };
        assert_eq!(q.path(), "/jobs?scope_type=biz&scope_id=2&range=7d");
        assert_eq!(HistoryQuery::from_search(&q.to_search(), ("", "")), q);
        assert_eq!(HistoryQuery::from_search("", ("", "")).path(), "/jobs");
        // unicode and '+' for spaces
        let q = HistoryQuery::from_search("name=%E9%83%A8%E7%BD%B2+a&ip=%zz", ("biz", "2"));
        assert_eq!((q.name.as_str(), q.ip.as_str()), ("部署 a", "%zz"));
    }

    #[test]
    fn bad_values_fall_back_to_defaults() {
        let q = HistoryQuery::from_search(
            "status=99&launch_mode=7&page=0&range=2y&start=abc&end=5",
            ("biz", "2"),
        );
        assert_eq!(q.status, None);
        assert_eq!(q.launch_mode, None);
        assert_eq!(q.page, 1);
        assert_eq!(q.window, Window::Last(QuickRange::Day));
        let q = HistoryQuery::from_search("page=99999999999&range=30d", ("biz", "2"));
        assert_eq!(q.page, MAX_PAGE);
        assert_eq!(q.window, Window::Last(QuickRange::Month));
        assert!(q.request(NOW).unwrap().start.unwrap() > 0);
        // start and end win over a range
        let q = HistoryQuery::from_search("range=1h&start=10&end=20", ("biz", "2"));
        assert_eq!(q.window, Window::Between { start: 10, end: 20 });
    }

    #[test]
    fn the_window_is_checked_as_bk_job_does() {
        let base = HistoryQuery::from_search("", ("biz", "2"));
        for r in QuickRange::ALL {
            let q = HistoryQuery {
                window: Window::Last(r),
                ..base.clone()
            };
            let req = q.request(NOW).unwrap();
            assert_eq!(req.create_time_end, Some(NOW));
            assert_eq!(req.create_time_start, Some(NOW - r.ms()));
            assert_eq!(QuickRange::from_name(r.name()), Some(r));
        }
        assert_eq!(QuickRange::Month.ms(), 30 * DAY);
        let between = |start, end| HistoryQuery {
            window: Window::Between { start, end },
            ..base.clone()
        };
        assert!(between(NOW - 30 * DAY, NOW).request(NOW).is_ok());
        assert_eq!(
            between(NOW - 30 * DAY - 1, NOW).request(NOW),
            Err(QueryError::WindowTooWide)
        );
        assert_eq!(between(NOW, NOW).request(NOW), Err(QueryError::EmptyWindow));
        assert_eq!(
            between(NOW, NOW - 1).request(NOW),
            Err(QueryError::EmptyWindow)
        );
        assert_eq!(between(0, NOW).request(NOW), Err(QueryError::NoWindow));
    }

    #[test]
    fn the_request_carries_every_filter_trimmed() {
        let q = HistoryQuery {
            status: Some(3),
            name: " nightly ".into(),
            operator: "".into(),
            ip: " 127.0.0.2".into(),
            launch_mode: Some(1),
            page: 2,
            ..HistoryQuery::from_search("", (" biz ", " 2 "))
        };
        let req = q.request(NOW).unwrap();
        assert_eq!(req.bk_scope_type.as_deref(), Some("biz"));
        assert_eq!(req.bk_scope_id.as_deref(), Some("2"));
        assert_eq!(req.status, Some(3));
        assert_eq!(req.name.as_deref(), Some("nightly"));
        assert_eq!(req.operator, None);
        assert_eq!(req.ip.as_deref(), Some("127.0.0.2"));
        assert_eq!(req.launch_mode, Some(1));
        assert_eq!(req.start, Some(PAGE_SIZE));
        assert_eq!(req.length, Some(Some(PAGE_SIZE)));
        assert_eq!(req.job_instance_id, None);
        // any change of a filter goes back to page 1
        assert_eq!(q.clone().first_page().page, 1);
        assert_eq!(q.on_page(0).page, 1);
    }

    #[test]
    fn paging() {
        let p = Paging::of(0, 20, 45, 20);
        assert_eq!(
            p,
            Paging {
                page: 1,
                pages: 3,
                total: 45,
                first: 1,
                last: 20
            }
        );
        assert!(!p.has_prev() && p.has_next());
        let p = Paging::of(40, 20, 45, 5);
        assert_eq!((p.page, p.first, p.last), (3, 41, 45));
        assert!(p.has_prev() && !p.has_next());
        assert_eq!(p.prev_page(), 2);
        // empty
        let p = Paging::of(0, 20, 0, 0);
        assert_eq!((p.page, p.pages, p.first, p.last), (1, 1, 0, 0));
        assert!(!p.has_prev() && !p.has_next());
        // past the end (a shared link): previous goes to the last page
        let p = Paging::of(200, 20, 45, 0);
        assert_eq!((p.page, p.pages, p.first), (11, 3, 0));
        assert!(p.has_prev() && !p.has_next());
        assert_eq!(p.prev_page(), 3);
        assert_eq!(page_start(1), 0);
        assert_eq!(page_start(3), 40);
    }

    #[test]
    fn local_times() {
        // 2023-11-14 22:13:20 UTC = NOW; in UTC+8 that is 2023-11-15 06:13
        assert_eq!(format_local(NOW, 480), "2023-11-15T06:13");
        assert_eq!(parse_local("2023-11-15T06:13", 480), Some(NOW - 20_000));
        assert_eq!(parse_local("2023-11-15T06:13:20", 480), Some(NOW));
        assert_eq!(parse_local("2023-11-14T22:13:20", 0), Some(NOW));
        assert_eq!(parse_local("2024-02-29T00:00", 0), Some(1_709_164_800_000));
        assert_eq!(parse_local("1970-01-01T00:00", 0), Some(0));
        for bad in [
            "",
            "2023-11-15",
            "2023-13-01T00:00",
            "2023-11-15T24:00",
            "x-y-zT1:2",
        ] {
            assert_eq!(parse_local(bad, 0), None, "{bad}");
        }
        assert_eq!(encode_component("a b/ü"), "a%20b%2F%C3%BC");
        assert_eq!(decode_component("a%20b%2F%C3%BC"), "a b/ü");
        assert_eq!(decode_component("100%"), "100%");
        assert_eq!(decode_component("%é%4"), "%é%4");
    }
}
