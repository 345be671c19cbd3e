//! The strings of the on-demand module's small panels (the request preview and the details of
//! a permission answer), in Simplified Chinese and English.

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
};

/// The panel strings of `lang`.
pub fn panel_texts(lang: Lang) -> &'static PanelTexts {
    match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    }
}
