//! The pickers' labels (the on-demand module), in Simplified Chinese and English.

use bkjob_api::Lang;

use crate::pickers::script::{Refusal, DISABLED, DRAFT, OFFLINE, ONLINE};

/// The pickers' strings in one language.
#[derive(Debug)]
pub struct PickerTexts {
    pub close: &'static str,
    pub loading: &'static str,
    pub retry: &'static str,
    pub no_scope: &'static str,
    pub no_permission: &'static str,
    pub perm_needed: &'static str,
    pub unsupported: &'static str,
    pub unreachable: &'static str,
    pub failed: &'static str,
    /// `{field}` filled with `{value}`.
    pub filled: &'static str,
    pub prev: &'static str,
    pub next: &'static str,
    /// `{page}` of `{pages}`.
    pub page_of: &'static str,
    pub pages_label: &'static str,
    pub account_title: &'static str,
    pub account_search: &'static str,
    pub account_list: &'static str,
    pub account_hint: &'static str,
    pub fill_legend: &'static str,
    pub fill_alias: &'static str,
    pub fill_id: &'static str,
    /// `{n}` of `{total}`.
    pub account_count: &'static str,
    pub account_none: &'static str,
    /// `{q}` the search.
    pub account_no_match: &'static str,
    pub account_still: &'static str,
    pub script_title: &'static str,
    pub libraries: &'static str,
    pub tab_business: &'static str,
    pub tab_public: &'static str,
    pub script_search: &'static str,
    pub search: &'static str,
    /// `{first}`–`{last}` of `{total}`.
    pub script_count: &'static str,
    pub script_none: &'static str,
    pub scripts_label: &'static str,
    /// `{id}` the online version's ID.
    pub online_version: &'static str,
    pub no_online: &'static str,
    /// `{name}` the script.
    pub versions_of: &'static str,
    pub version_none: &'static str,
    pub status_draft: &'static str,
    pub status_online: &'static str,
    pub status_offline: &'static str,
    pub status_disabled: &'static str,
    pub why_draft: &'static str,
    pub why_disabled: &'static str,
    pub why_not_online: &'static str,
    pub why_unknown: &'static str,
    pub preview_label: &'static str,
    pub preview_empty: &'static str,
    pub use_version: &'static str,
    pub use_script: &'static str,
    pub copy_editor: &'static str,
    pub copy_note: &'static str,
    pub copied_editor: &'static str,
    pub script_still: &'static str,
}

static ZH: PickerTexts = PickerTexts {
    close: "关闭",
    loading: "正在加载…",
    retry: "重试",
    no_scope: "请先填写业务。",
    no_permission: "没有权限查看此列表。",
    perm_needed: "需要以下权限：",
    unsupported: "此服务器不提供该列表（较旧的版本，或代理未开放此接口）。",
    unreachable: "无法连接服务器，或等待超时。",
    failed: "列表加载失败：",
    filled: "已填入 {field}：{value}",
    prev: "上一页",
    next: "下一页",
    page_of: "第 {page} / {pages} 页",
    pages_label: "分页",
    account_title: "选择执行账号",
    account_search: "搜索账号（别名或系统用户）",
    account_list: "执行账号",
    account_hint: "↑↓ 选择，Enter 确认，Esc 清空搜索或关闭。",
    fill_legend: "选中后填入",
    fill_alias: "账号别名（account_alias）",
    fill_id: "账号 ID（account_id）",
    account_count: "{n} / {total} 个系统账号",
    account_none: "此业务下没有系统账号。",
    account_no_match: "没有匹配“{q}”的账号。",
    account_still: "仍可直接输入账号别名或 ID。",
    script_title: "从脚本库选择",
    libraries: "脚本库",
    tab_business: "业务脚本",
    tab_public: "公共脚本",
    script_search: "脚本名称（包含）",
    search: "搜索",
    script_count: "第 {first}–{last} 个，共 {total} 个脚本",
    script_none: "没有找到脚本。",
    scripts_label: "脚本",
    online_version: "上线版本 ID {id}",
    no_online: "无上线版本",
    versions_of: "“{name}”的版本",
    version_none: "此脚本没有版本。",
    status_draft: "未上线",
    status_online: "已上线",
    status_offline: "已下线",
    status_disabled: "已禁用",
    why_draft: "未上线的版本不能执行（BK-JOB 会拒绝：1244018）。",
    why_disabled: "已禁用的版本不能执行（BK-JOB 会拒绝：1244018）。",
    why_not_online: "按脚本 ID 执行时只运行上线版本；要执行此版本，请把脚本来源改为“脚本版本 ID”。",
    why_unknown: "未知的版本状态，不能执行。",
    preview_label: "脚本内容（只读）",
    preview_empty: "此版本没有内容。",
    use_version: "使用此版本（填入 script_version_id）",
    use_script: "使用此脚本（填入 script_id，执行其上线版本）",
    copy_editor: "复制到编辑器",
    copy_note: "复制后脚本来源将改为手动输入的内容。",
    copied_editor: "已复制到编辑器",
    script_still: "仍可直接输入脚本 ID 或脚本版本 ID。",
};

static EN: PickerTexts = PickerTexts {
    close: "Close",
    loading: "Loading…",
    retry: "Retry",
    no_scope: "Fill in the business first.",
    no_permission: "You have no permission to see this list.",
    perm_needed: "Permissions needed:",
    unsupported: "This server does not offer this list (an older version, or a proxy without this API).",
    unreachable: "The server could not be reached, or did not answer in time.",
    failed: "The list could not be loaded:",
    filled: "Filled {field} with {value}",
    prev: "Previous",
    next: "Next",
    page_of: "Page {page} of {pages}",
    pages_label: "Pages",
    account_title: "Choose an execution account",
    account_search: "Search accounts (alias or OS user)",
    account_list: "Execution accounts",
    account_hint: "↑↓ to move, Enter to choose, Esc to clear the search or close.",
    fill_legend: "Fill in",
    fill_alias: "Account alias (account_alias)",
    fill_id: "Account ID (account_id)",
    account_count: "{n} of {total} system accounts",
    account_none: "No system account in this business.",
    account_no_match: "No account matches “{q}”.",
    account_still: "You can still type the account alias or ID.",
    script_title: "Choose from the script library",
    libraries: "Script library",
    tab_business: "Business scripts",
    tab_public: "Public scripts",
    script_search: "Script name contains",
    search: "Search",
    script_count: "{first}–{last} of {total} scripts",
    script_none: "No script found.",
    scripts_label: "Scripts",
    online_version: "online version ID {id}",
    no_online: "no online version",
    versions_of: "Versions of “{name}”",
    version_none: "This script has no version.",
    status_draft: "Draft",
    status_online: "Online",
    status_offline: "Offline",
    status_disabled: "Disabled",
    why_draft: "A draft version cannot run (BK-JOB refuses it: 1244018).",
    why_disabled: "A disabled version cannot run (BK-JOB refuses it: 1244018).",
    why_not_online: "By script ID only the online version runs; to run this version, switch the script source to script version ID.",
    why_unknown: "Unknown version status: it cannot run.",
    preview_label: "Script content (read-only)",
    preview_empty: "This version has no content.",
    use_version: "Use this version (fills script_version_id)",
    use_script: "Use this script (fills script_id; runs its online version)",
    copy_editor: "Copy into the editor",
    copy_note: "Copying switches the script source to typed content.",
    copied_editor: "Copied into the editor",
    script_still: "You can still type the script ID or version ID.",
};

/// The pickers' strings in `lang`.
pub fn picker_texts(lang: Lang) -> &'static PickerTexts {
    match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    }
}

impl PickerTexts {
    /// A version status's name (BK-JOB's 未上线 / 已上线 / 已下线 / 已禁用).
    pub fn status(&self, code: i32) -> String {
        match code {
            DRAFT => self.status_draft.into(),
            ONLINE => self.status_online.into(),
            OFFLINE => self.status_offline.into(),
            DISABLED => self.status_disabled.into(),
            n => n.to_string(),
        }
    }

    /// Why a version cannot be chosen.
    pub fn refusal(&self, r: Refusal) -> &'static str {
        match r {
            Refusal::Draft => self.why_draft,
            Refusal::Disabled => self.why_disabled,
            Refusal::NotOnline => self.why_not_online,
            Refusal::Unknown => self.why_unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_fill_every_label() {
        for lang in [Lang::ZhCn, Lang::En] {
            let t = picker_texts(lang);
            assert!(
                !format!("{t:?}").contains(": \"\""),
                "empty label in {lang:?}"
            );
            assert_eq!(t.status(9), "9");
            assert_ne!(t.status(DRAFT), t.status(DISABLED));
        }
        assert_ne!(picker_texts(Lang::ZhCn).close, picker_texts(Lang::En).close);
    }
}
