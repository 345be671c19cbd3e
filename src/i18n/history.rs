//! The history page's labels (the on-demand module), in Simplified Chinese and English.
//! Status labels come from bkjob-api (`RunStatus`); error titles from [`super::job`].

use bkjob_api::Lang;

/// The history page's strings in one language.
#[derive(Debug)]
pub struct HistoryTexts {
    pub title: &'static str,
    pub filters: &'static str,
    pub scope_type: &'static str,
    pub scope_biz: &'static str,
    pub scope_biz_set: &'static str,
    pub scope_id: &'static str,
    pub time_range: &'static str,
    pub last_1h: &'static str,
    pub last_24h: &'static str,
    pub last_7d: &'static str,
    pub last_30d: &'static str,
    pub custom: &'static str,
    pub start: &'static str,
    pub end: &'static str,
    pub status: &'static str,
    pub any: &'static str,
    pub name: &'static str,
    pub operator: &'static str,
    pub ip: &'static str,
    pub launch_mode: &'static str,
    pub mode_web: &'static str,
    pub mode_api: &'static str,
    pub mode_cron: &'static str,
    pub search: &'static str,
    pub clear: &'static str,
    pub loading: &'static str,
    pub empty: &'static str,
    /// `{total}` jobs, `{from}` – `{to}` the window.
    pub summary: &'static str,
    /// `{first}`–`{last}` of `{total}`.
    pub rows: &'static str,
    pub prev: &'static str,
    pub next: &'static str,
    /// `{page}` of `{pages}`.
    pub page_of: &'static str,
    pub pages_label: &'static str,
    pub col_id: &'static str,
    pub col_name: &'static str,
    pub col_status: &'static str,
    pub col_operator: &'static str,
    pub col_mode: &'static str,
    pub col_created: &'static str,
    pub col_duration: &'static str,
    pub no_scope: &'static str,
    pub no_window: &'static str,
    pub empty_window: &'static str,
    pub window_too_wide: &'static str,
    pub launched_here: &'static str,
    pub launched_here_note: &'static str,
}

static ZH: HistoryTexts = HistoryTexts {
    title: "作业历史",
    filters: "筛选条件",
    scope_type: "资源范围类型",
    scope_biz: "业务",
    scope_biz_set: "业务集",
    scope_id: "业务 ID",
    time_range: "创建时间",
    last_1h: "近 1 小时",
    last_24h: "近 24 小时",
    last_7d: "近 7 天",
    last_30d: "近 30 天",
    custom: "自定义",
    start: "开始",
    end: "结束",
    status: "状态",
    any: "全部",
    name: "作业名称（包含）",
    operator: "执行人",
    ip: "主机 IP",
    launch_mode: "执行方式",
    mode_web: "页面执行",
    mode_api: "API 调用",
    mode_cron: "定时执行",
    search: "查询",
    clear: "清除筛选",
    loading: "正在查询作业历史…",
    empty: "该时间范围内没有符合条件的作业。",
    summary: "{from} 至 {to} 共 {total} 个作业",
    rows: "第 {first}–{last} 条，共 {total} 条",
    prev: "上一页",
    next: "下一页",
    page_of: "第 {page} / {pages} 页",
    pages_label: "分页",
    col_id: "作业 ID",
    col_name: "作业名称",
    col_status: "状态",
    col_operator: "执行人",
    col_mode: "执行方式",
    col_created: "创建时间",
    col_duration: "耗时",
    no_scope: "请填写业务 ID（默认取表单中的业务）。",
    no_window: "请填写自定义时间范围的开始和结束时间。",
    empty_window: "结束时间必须晚于开始时间。",
    window_too_wide: "时间范围不能超过 30 天（BK-JOB 的限制）。",
    launched_here: "本浏览器发起的作业",
    launched_here_note: "仅记录在本浏览器中，与上方的服务器历史无关。",
};

static EN: HistoryTexts = HistoryTexts {
    title: "Job history",
    filters: "Filters",
    scope_type: "Scope type",
    scope_biz: "Business",
    scope_biz_set: "Business set",
    scope_id: "Business ID",
    time_range: "Created",
    last_1h: "Last hour",
    last_24h: "Last 24 hours",
    last_7d: "Last 7 days",
    last_30d: "Last 30 days",
    custom: "Custom",
    start: "From",
    end: "To",
    status: "Status",
    any: "Any",
    name: "Name contains",
    operator: "Operator",
    ip: "Host IP",
    launch_mode: "Launched by",
    mode_web: "Web page",
    mode_api: "API",
    mode_cron: "Cron",
    search: "Search",
    clear: "Clear filters",
    loading: "Searching the job history…",
    empty: "No jobs match in this time range.",
    summary: "{total} jobs from {from} to {to}",
    rows: "{first}–{last} of {total}",
    prev: "Previous",
    next: "Next",
    page_of: "Page {page} of {pages}",
    pages_label: "Pages",
    col_id: "Job ID",
    col_name: "Name",
    col_status: "Status",
    col_operator: "Operator",
    col_mode: "Launched by",
    col_created: "Created",
    col_duration: "Duration",
    no_scope: "Enter a business ID (the form's business is the default).",
    no_window: "Enter both the start and the end of the custom range.",
    empty_window: "The end must be after the start.",
    window_too_wide: "The range cannot exceed 30 days (BK-JOB's limit).",
    launched_here: "Launched from this browser",
    launched_here_note: "Kept in this browser only, apart from the server's history above.",
};

/// The strings of `lang`.
pub fn history_texts(lang: Lang) -> &'static HistoryTexts {
    match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    }
}

impl HistoryTexts {
    /// The label of a launch mode (1 web, 2 API, 3 cron).
    pub fn mode(&self, mode: i32) -> String {
        match mode {
            1 => self.mode_web.to_owned(),
            2 => self.mode_api.to_owned(),
            3 => self.mode_cron.to_owned(),
            other => other.to_string(),
        }
    }

    /// The label of a quick range.
    pub fn range(&self, r: crate::history::QuickRange) -> &'static str {
        use crate::history::QuickRange;
        match r {
            QuickRange::Hour => self.last_1h,
            QuickRange::Day => self.last_24h,
            QuickRange::Week => self.last_7d,
            QuickRange::Month => self.last_30d,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_fill_every_label() {
        for lang in [Lang::ZhCn, Lang::En] {
            let dbg = format!("{:?}", history_texts(lang));
            assert!(!dbg.contains(": \"\""), "empty label in {lang:?}");
            assert_eq!(history_texts(lang).mode(9), "9");
        }
        assert_ne!(
            history_texts(Lang::ZhCn).title,
            history_texts(Lang::En).title
        );
    }
}
