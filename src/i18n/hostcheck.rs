//! The host check's strings (the on-demand module), in Simplified Chinese and English.

use bkjob_api::Lang;

/// The host check's strings in one language.
#[derive(Debug)]
pub struct HostCheckTexts {
    pub title: &'static str,
    pub check: &'static str,
    pub auto_note: &'static str,
    pub empty: &'static str,
    pub no_scope: &'static str,
    /// `{n}` hosts not checked yet.
    pub pending: &'static str,
    /// `{n}` hosts, over one call: the button checks them.
    pub manual: &'static str,
    /// `{done}` of `{total}` chunks, `{n}` hosts still to check.
    pub progress: &'static str,
    /// `{normal}`, `{abnormal}`, `{unknown}` hosts.
    pub summary: &'static str,
    pub progress_label: &'static str,
    /// `{n}` hosts.
    pub all_normal: &'static str,
    pub normal: &'static str,
    pub abnormal: &'static str,
    pub unknown: &'static str,
    pub unchecked: &'static str,
    pub unknown_note: &'static str,
    /// `{n}` more not listed.
    pub more: &'static str,
    /// `{n}` normal hosts (the collapsed list).
    pub normal_list: &'static str,
    pub copy_abnormal: &'static str,
    pub copy_fallback: &'static str,
    pub remove: &'static str,
    pub problem_permission: &'static str,
    pub problem_no_api: &'static str,
    pub problem_network: &'static str,
    /// `{status}` HTTP status.
    pub problem_not_json: &'static str,
    pub problem_other: &'static str,
    pub form_usable: &'static str,
}

static ZH: HostCheckTexts = HostCheckTexts {
    title: "主机 Agent 检查",
    check: "检查主机",
    auto_note:
        "修改主机 ID 后自动检查（一次最多 5000 台）；更多主机请点“检查主机”，每 5000 台一批。",
    empty: "填写主机 ID 后可检查其 Agent 状态。",
    no_scope: "请先填写业务。",
    pending: "{n} 台主机尚未检查。",
    manual: "{n} 台主机尚未检查：超过 5000 台，请点“检查主机”分批检查。",
    progress: "正在检查：第 {done} / {total} 批已完成，{n} 台待检查。",
    summary: "Agent 正常 {normal} 台，异常 {abnormal} 台，未知 {unknown} 台。",
    progress_label: "检查进度",
    all_normal: "全部 {n} 台主机的 Agent 正常。",
    normal: "正常",
    abnormal: "异常",
    unknown: "未知",
    unchecked: "未检查",
    unknown_note: "未知：主机不在该业务下、不存在或没有 Agent 信息。",
    more: "另有 {n} 台未列出（可复制全部异常主机）。",
    normal_list: "Agent 正常的主机（{n} 台）",
    copy_abnormal: "复制异常主机 ID",
    copy_fallback: "异常主机 ID（每行一个）",
    remove: "移除异常和未知主机",
    problem_permission: "没有该业务的访问权限，无法检查主机：",
    problem_no_api: "该服务器不支持主机检查（query_agent_info）。",
    problem_network: "无法连接服务器，主机未检查。",
    problem_not_json: "服务器的回答无法读取（HTTP {status}），主机未检查。",
    problem_other: "主机检查失败：",
    form_usable: "表单仍可使用，执行时由服务器检查主机。",
};

static EN: HostCheckTexts = HostCheckTexts {
    title: "Host agent check",
    check: "Check hosts",
    auto_note: "Checked automatically when you stop typing (up to 5,000 hosts); for more, press Check hosts: they are checked 5,000 at a time.",
    empty: "Enter host IDs to check their agents.",
    no_scope: "Fill in the business first.",
    pending: "{n} host(s) not checked yet.",
    manual: "{n} hosts not checked yet: over 5,000, press Check hosts to check them 5,000 at a time.",
    progress: "Checking: {done} of {total} batch(es) done, {n} host(s) to go.",
    summary: "Agents: {normal} normal, {abnormal} abnormal, {unknown} unknown.",
    progress_label: "Check progress",
    all_normal: "The agents of all {n} host(s) are running.",
    normal: "Normal",
    abnormal: "Abnormal",
    unknown: "Unknown",
    unchecked: "Not checked",
    unknown_note: "Unknown: the host is not in this business, does not exist or has no agent information.",
    more: "{n} more not listed (Copy takes all abnormal hosts).",
    normal_list: "Hosts with a running agent ({n})",
    copy_abnormal: "Copy abnormal host IDs",
    copy_fallback: "Abnormal host IDs (one per line)",
    remove: "Remove abnormal and unknown hosts",
    problem_permission: "No access to this business, so the hosts cannot be checked:",
    problem_no_api: "This server does not offer the host check (query_agent_info).",
    problem_network: "The server could not be reached; the hosts are not checked.",
    problem_not_json: "The server's answer could not be read (HTTP {status}); the hosts are not checked.",
    problem_other: "The host check failed:",
    form_usable: "The form stays usable; the server checks the hosts at launch.",
};

/// The host check's strings in `lang`.
pub fn hostcheck_texts(lang: Lang) -> &'static HostCheckTexts {
    match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `{key}`s of a template, sorted.
    fn keys(s: &str) -> Vec<&str> {
        let mut k: Vec<&str> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(k, _)| k))
            .collect();
        k.sort_unstable();
        k
    }

    #[test]
    fn both_languages_fill_every_label_with_the_same_keys() {
        let (zh, en) = (hostcheck_texts(Lang::ZhCn), hostcheck_texts(Lang::En));
        for t in [zh, en] {
            assert!(!format!("{t:?}").contains(": \"\""), "empty label");
        }
        for (a, b) in [
            (zh.pending, en.pending),
            (zh.manual, en.manual),
            (zh.progress, en.progress),
            (zh.summary, en.summary),
            (zh.all_normal, en.all_normal),
            (zh.more, en.more),
            (zh.normal_list, en.normal_list),
            (zh.problem_not_json, en.problem_not_json),
        ] {
            assert!(!keys(a).is_empty(), "{a}");
            assert_eq!(keys(a), keys(b), "{a} / {b}");
        }
        assert_eq!(keys(en.progress), ["done", "n", "total"]);
    }
}
