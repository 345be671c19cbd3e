//! Every label of the job view and the recent-jobs list (the on-demand module), in Simplified
//! Chinese and English, keyed by bkjob-api's [`Lang`]. Status labels come from bkjob-api
//! (`RunStatus` / `HostStatus`).

use bkjob_api::Lang;

/// The job view's strings in one language.
#[derive(Debug)]
pub struct JobTexts {
    pub title: &'static str,
    pub batches_title: &'static str,
    /// `{n}` batch number, `{size}` its hosts.
    pub batch_label: &'static str,
    pub batch_done: &'static str,
    pub batch_running: &'static str,
    pub batch_failed: &'static str,
    pub batch_confirm: &'static str,
    pub batch_starting: &'static str,
    pub batch_stopped: &'static str,
    pub batch_pending: &'static str,
    /// `{n}` current batch, `{m}` batches.
    pub batch_position: &'static str,
    pub batches_all_done: &'static str,
    pub job_status: &'static str,
    pub step_status: &'static str,
    pub start_time: &'static str,
    pub end_time: &'static str,
    pub total_time: &'static str,
    pub progress: &'static str,
    pub success: &'static str,
    pub failed: &'static str,
    pub loading: &'static str,
    pub finished: &'static str,
    pub polling: &'static str,
    /// `{n}` = seconds.
    pub retrying: &'static str,
    pub retry_now: &'static str,
    pub groups: &'static str,
    pub no_hosts: &'static str,
    pub host_filter: &'static str,
    pub host_filter_placeholder: &'static str,
    /// `{n}` of `{total}` hosts.
    pub filter_count: &'static str,
    pub col_ip: &'static str,
    pub col_cloud: &'static str,
    pub col_host_id: &'static str,
    pub col_status: &'static str,
    pub col_exit_code: &'static str,
    pub col_time: &'static str,
    pub copy_ip: &'static str,
    pub copy_cloud_ip: &'static str,
    pub copy_host_id: &'static str,
    /// `{n}` lines.
    pub copied: &'static str,
    pub copy_fallback: &'static str,
    pub log_title: &'static str,
    pub log_pick_host: &'static str,
    pub log_loading: &'static str,
    pub log_empty: &'static str,
    pub log_search: &'static str,
    /// `{n}` matches.
    pub log_matches: &'static str,
    /// `{shown}` of `{n}`.
    pub log_matches_capped: &'static str,
    pub wrap: &'static str,
    pub download_log: &'static str,
    pub download_group: &'static str,
    /// `{done}` / `{total}`.
    pub downloading: &'static str,
    pub file_step_log: &'static str,
    pub terminate: &'static str,
    /// `{name}`, `{id}`, `{n}`.
    pub terminate_question: &'static str,
    pub terminate_confirm: &'static str,
    pub cancel: &'static str,
    pub terminate_sent: &'static str,
    pub redo: &'static str,
    pub redo_unavailable: &'static str,
    pub redo_sensitive: &'static str,
    pub error_permission: &'static str,
    pub error_unknown_job: &'static str,
    pub error_network: &'static str,
    pub error_http: &'static str,
    pub error_too_large: &'static str,
    pub too_large_detail: &'static str,
    pub error_api: &'static str,
    pub code: &'static str,
    pub request_id: &'static str,
    pub perm_actions: &'static str,
}

static ZH: JobTexts = JobTexts {
    title: "作业执行详情",
    batches_title: "滚动批次",
    batch_label: "第 {n} 批 · {size} 台",
    batch_done: "已执行",
    batch_running: "执行中",
    batch_failed: "失败，已暂停",
    batch_confirm: "等待确认",
    batch_starting: "即将开始",
    batch_stopped: "已终止",
    batch_pending: "未开始",
    batch_position: "当前第 {n} 批，共 {m} 批",
    batches_all_done: "全部 {m} 批已执行",
    job_status: "作业状态",
    step_status: "步骤状态",
    start_time: "开始时间",
    end_time: "结束时间",
    total_time: "总耗时",
    progress: "进度",
    success: "成功",
    failed: "失败",
    loading: "正在获取作业状态…",
    finished: "作业已结束",
    polling: "正在自动刷新",
    retrying: "连接中断，{n} 秒后重试",
    retry_now: "立即重试",
    groups: "主机分组",
    no_hosts: "暂无主机结果",
    host_filter: "筛选主机",
    host_filter_placeholder: "IP / 管控区域:IP / 主机 ID",
    filter_count: "{n} / {total} 台主机",
    col_ip: "IP",
    col_cloud: "管控区域",
    col_host_id: "主机 ID",
    col_status: "状态",
    col_exit_code: "返回码",
    col_time: "耗时(s)",
    copy_ip: "复制 IP",
    copy_cloud_ip: "复制 管控区域:IP",
    copy_host_id: "复制 主机 ID",
    copied: "已复制 {n} 行",
    copy_fallback: "无法访问剪贴板，请手动复制下方文本：",
    log_title: "执行日志",
    log_pick_host: "选择一台主机查看日志",
    log_loading: "正在加载日志…",
    log_empty: "（无日志）",
    log_search: "搜索日志",
    log_matches: "{n} 处匹配",
    log_matches_capped: "{n} 处匹配，仅高亮前 {shown} 处",
    wrap: "自动换行",
    download_log: "下载日志",
    download_group: "下载本组日志",
    downloading: "正在下载 {done} / {total}",
    file_step_log: "文件分发步骤的日志不在此显示",
    terminate: "强制终止",
    terminate_question: "确定强制终止作业“{name}”（ID {id}，{n} 台主机）吗？",
    terminate_confirm: "确认终止",
    cancel: "取消",
    terminate_sent: "已发送终止请求",
    redo: "去重做",
    redo_unavailable: "本浏览器没有这次执行的请求记录，无法重做",
    redo_sensitive: "敏感参数需要重新输入",
    error_permission: "权限不足",
    error_unknown_job: "作业实例不存在",
    error_network: "网络连接失败",
    error_http: "服务器返回了无法识别的应答",
    error_too_large: "应答过大",
    too_large_detail: "应答超过 {n}，未读取。",
    error_api: "请求失败",
    code: "错误码",
    request_id: "请求 ID",
    perm_actions: "需要申请的权限",
};

static EN: JobTexts = JobTexts {
    title: "Job execution",
    batches_title: "Rolling batches",
    batch_label: "Batch {n} · {size} hosts",
    batch_done: "ran",
    batch_running: "running",
    batch_failed: "failed, paused",
    batch_confirm: "waiting for confirmation",
    batch_starting: "starting",
    batch_stopped: "terminated",
    batch_pending: "to come",
    batch_position: "Batch {n} of {m}",
    batches_all_done: "All {m} batches ran",
    job_status: "Job status",
    step_status: "Step status",
    start_time: "Start",
    end_time: "End",
    total_time: "Duration",
    progress: "Progress",
    success: "succeeded",
    failed: "failed",
    loading: "Fetching the job status…",
    finished: "The job has finished",
    polling: "Refreshing automatically",
    retrying: "Connection lost, retrying in {n} s",
    retry_now: "Retry now",
    groups: "Host groups",
    no_hosts: "No host results yet",
    host_filter: "Filter hosts",
    host_filter_placeholder: "IP / cloud:IP / host ID",
    filter_count: "{n} of {total} hosts",
    col_ip: "IP",
    col_cloud: "BK-Net",
    col_host_id: "Host ID",
    col_status: "Status",
    col_exit_code: "Exit code",
    col_time: "Time (s)",
    copy_ip: "Copy IPs",
    copy_cloud_ip: "Copy BK-Net:IP",
    copy_host_id: "Copy host IDs",
    copied: "Copied {n} lines",
    copy_fallback: "The clipboard is not available; copy the text below by hand:",
    log_title: "Execution log",
    log_pick_host: "Select a host to see its log",
    log_loading: "Loading the log…",
    log_empty: "(empty log)",
    log_search: "Search the log",
    log_matches: "{n} matches",
    log_matches_capped: "{n} matches, only the first {shown} highlighted",
    wrap: "Wrap lines",
    download_log: "Download log",
    download_group: "Download this group's logs",
    downloading: "Downloading {done} / {total}",
    file_step_log: "File transfer logs are not shown here",
    terminate: "Terminate",
    terminate_question: "Terminate job “{name}” (ID {id}, {n} hosts)?",
    terminate_confirm: "Yes, terminate",
    cancel: "Cancel",
    terminate_sent: "Termination requested",
    redo: "Redo",
    redo_unavailable: "This browser has no record of the launch request, so it cannot be redone",
    redo_sensitive: "The sensitive parameter must be typed again",
    error_permission: "Permission denied",
    error_unknown_job: "Job instance does not exist",
    error_network: "Network error",
    error_http: "The server gave an unreadable answer",
    error_too_large: "Answer too large",
    too_large_detail: "The answer is larger than {n} and was not read.",
    error_api: "Request failed",
    code: "Code",
    request_id: "Request ID",
    perm_actions: "Permissions to apply for",
};

/// The strings of `lang`.
pub fn job_texts(lang: Lang) -> &'static JobTexts {
    match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::fill;

    #[test]
    fn both_languages_fill_every_label() {
        for lang in [Lang::ZhCn, Lang::En] {
            let t = job_texts(lang);
            let dbg = format!("{t:?}");
            assert!(!dbg.contains(": \"\""), "empty label in {lang:?}");
        }
        assert_ne!(
            job_texts(Lang::ZhCn).terminate,
            job_texts(Lang::En).terminate
        );
    }

    #[test]
    fn templates() {
        assert_eq!(
            fill(job_texts(Lang::En).retrying, &[("n", "4")]),
            "Connection lost, retrying in 4 s"
        );
        assert_eq!(
            fill(
                job_texts(Lang::En).terminate_question,
                &[("name", "x"), ("id", "7"), ("n", "4")]
            ),
            "Terminate job “x” (ID 7, 4 hosts)?"
        );
    }
}
