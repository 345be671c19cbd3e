//! The strings of the on-demand module's small panels (the request preview, the details of a
//! permission answer, the rolling settings), in Simplified Chinese and English.

use bkjob_api::Lang;

/// The panels' own strings.
#[derive(Debug)]
pub struct PanelTexts {
    pub preview_note: &'static str,
    pub preview_invalid: &'static str,
    pub curl_title: &'static str,
    pub curl_note: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    pub permission_intro: &'static str,
    pub permission_raw: &'static str,
    pub rolling_intro: &'static str,
    pub rolling_expression: &'static str,
    pub rolling_expression_hint: &'static str,
    pub rolling_execution_mode: &'static str,
    pub rolling_serial: &'static str,
    pub rolling_staggered: &'static str,
    pub rolling_mode: &'static str,
    pub rolling_mode_pause: &'static str,
    pub rolling_mode_ignore: &'static str,
    pub rolling_mode_manual: &'static str,
    pub rolling_fixed_ms: &'static str,
    pub rolling_random_min_ms: &'static str,
    pub rolling_random_max_ms: &'static str,
    pub rolling_delay_hint: &'static str,
    pub rolling_plan_title: &'static str,
    /// `{hosts}` hosts → `{sizes}` (`{n}` batches).
    pub rolling_plan: &'static str,
    pub rolling_plan_empty: &'static str,
    /// `{n}` topology nodes / dynamic groups not counted.
    pub rolling_plan_groups: &'static str,
    pub rolling_plan_invalid: &'static str,
}

const ZH: PanelTexts = PanelTexts {
    preview_note: "将要发送的 JSON 请求体（Base64 已编码；密钥、登录态和敏感参数显示为 ******）。",
    preview_invalid: "表单还有错误，修正后这里会显示完整请求。",
    curl_title: "复制为 curl",
    curl_note: "命令中不包含密钥：运行前请在 shell 中设置环境变量 BK_APP_SECRET、BK_TOKEN（敏感参数为 BK_SCRIPT_PARAM_BASE64）。",
    copy: "复制",
    copied: "已复制到剪贴板",
    copy_failed: "无法访问剪贴板，请在文本框中手动复制。",
    permission_intro: "需要以下权限，请在权限中心申请后重试：",
    permission_raw: "权限数据（JSON，可用于权限中心申请）",
    rolling_intro: "按批次依次在目标上执行，某批失败时可暂停；下方预览每批的主机数。",
    rolling_expression: "分批策略（expression）",
    rolling_expression_hint: "以空格分隔：N% 为目标总数的百分比（向上取整），N 为台数，+N 为上一批加 N，*N 为上一批乘 N；最后一项一直重复到主机用完。例：10 30% 100%",
    rolling_execution_mode: "批次执行方式（execution_mode）",
    rolling_serial: "串行：一批完成后再开始下一批",
    rolling_staggered: "并行错峰：各批按延迟依次启动，不等上一批",
    rolling_mode: "滚动机制（mode）",
    rolling_mode_pause: "执行失败则暂停",
    rolling_mode_ignore: "忽略失败，自动滚动下一批",
    rolling_mode_manual: "不自动，每批次都人工确认",
    rolling_fixed_ms: "批次间固定延迟（毫秒）",
    rolling_random_min_ms: "批次间随机延迟下限（毫秒）",
    rolling_random_max_ms: "批次间随机延迟上限（毫秒）",
    rolling_delay_hint: "0 到 3600000；每批的启动时间 = 上一批 + 固定延迟 + 下限与上限之间的随机延迟。",
    rolling_plan_title: "分批预览",
    rolling_plan: "{hosts} 台主机 → {sizes}（共 {n} 批）",
    rolling_plan_empty: "填写主机 ID 或 IP 后，这里显示每批的主机数。",
    rolling_plan_groups: "另有 {n} 个拓扑节点或动态分组：其主机在执行时才确定，未计入预览。",
    rolling_plan_invalid: "分批策略有误，暂无预览。",
};

const EN: PanelTexts = PanelTexts {
    preview_note: "The JSON body that will be sent (Base64 applied; the secret, tokens and a sensitive parameter shown as ******).",
    preview_invalid: "The form still has errors; the full request appears here once they are fixed.",
    curl_title: "Copy as curl",
    curl_note: "The command holds no secret: set the environment variables BK_APP_SECRET and BK_TOKEN (and BK_SCRIPT_PARAM_BASE64 for a sensitive parameter) in your shell first.",
    copy: "Copy",
    copied: "Copied to the clipboard",
    copy_failed: "No clipboard access: copy the text from the box by hand.",
    permission_intro: "These permissions are missing; apply for them in IAM, then retry:",
    permission_raw: "Permission data (JSON, for an IAM request)",
    rolling_intro: "Runs the targets batch after batch and can pause when a batch fails; the plan below shows each batch's size.",
    rolling_expression: "Batches (expression)",
    rolling_expression_hint: "Space-separated: N% of all targets (rounded up), N hosts, +N the previous batch plus N, *N the previous batch times N; the last piece repeats until no host is left. Example: 10 30% 100%",
    rolling_execution_mode: "Batch execution (execution_mode)",
    rolling_serial: "Serial: a batch starts when the previous one is done",
    rolling_staggered: "Parallel, staggered: batches start after delays, without waiting",
    rolling_mode: "When a batch is done (mode)",
    rolling_mode_pause: "Pause if a batch fails",
    rolling_mode_ignore: "Ignore failures, go on with the next batch",
    rolling_mode_manual: "Wait for a confirmation before every batch",
    rolling_fixed_ms: "Fixed delay between batches (ms)",
    rolling_random_min_ms: "Random delay between batches, at least (ms)",
    rolling_random_max_ms: "Random delay between batches, at most (ms)",
    rolling_delay_hint: "0 to 3600000; each batch starts after the previous one plus the fixed delay plus a random delay between the two bounds.",
    rolling_plan_title: "Batch plan",
    rolling_plan: "{hosts} hosts → {sizes} ({n} batches)",
    rolling_plan_empty: "Once host IDs or IPs are filled in, the size of each batch shows here.",
    rolling_plan_groups: "Plus {n} topology nodes or dynamic groups: their hosts are resolved at launch and not counted here.",
    rolling_plan_invalid: "The batches are invalid: no plan yet.",
};

/// The panel strings of `lang`.
pub fn panel_texts(lang: Lang) -> &'static PanelTexts {
    match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    }
}
