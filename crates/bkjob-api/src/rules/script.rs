//! The script and how it runs: `windows_interpreter`, `task_name`, the decoded sizes of
//! `script_content` and `script_param` (bean validation), and the handler's script checks
//! (a source is given, `script_version_id`, `script_language`).
//!
//! Separate because these rules are about what runs, not for whom or where: the payload's
//! storage limits (MEDIUMTEXT / TEXT, Base64-decoded) and lengths counted as Java does.

use crate::encoding::decoded_len_from_base64_len;
use crate::error_code::ErrorCode;
use crate::status::ScriptLanguage;
use crate::types::FastExecuteScriptRequest;

use super::{is_blank, java_len, non_empty, Limits, Rule, Violation};

// ---------------------------------------------------------------------------------------------
// Windows interpreter, task name

/// `windows_interpreter`: blank is fine; longer than the limit (UTF-16 units of the raw
/// value) fails first; otherwise the trimmed value must end with `.exe` (case-sensitive,
/// as the message states the literal suffix).
pub fn check_windows_interpreter(value: &str, limits: &Limits) -> Option<Violation> {
    let max = limits.max_windows_interpreter_chars;
    if java_len(value) > max {
        return Some(Violation::bean(
            "windows_interpreter",
            Rule::WindowsInterpreterTooLong,
            format!("Windows解释器路径长度不可超过{max}字符"),
            format!("Windows interpreter path length cannot exceed {max} chars"),
        ));
    }
    let t = value.trim();
    if !t.is_empty() && !t.ends_with(".exe") {
        return Some(Violation::bean(
            "windows_interpreter",
            Rule::WindowsInterpreterSuffix,
            "windows_interpreter 必须以指定后缀结尾: .exe",
            "windows_interpreter must end with suffix: .exe",
        ));
    }
    None
}

/// `task_name` at most `max_task_name_chars` UTF-16 units (BK-JOB v4's rule; v3 would fail
/// later with 1240002).
pub fn check_task_name(name: &str, limits: &Limits) -> Option<Violation> {
    let max = limits.max_task_name_chars;
    (java_len(name) > max).then(|| {
        Violation::bean(
            "task_name",
            Rule::TaskNameTooLong,
            format!("作业名称不能超过 {max} 个字符"),
            format!("Job name cannot exceed {max} characters"),
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Sizes

/// Decoded `script_content` size (estimated from the Base64 length) must fit MEDIUMTEXT.
pub fn check_script_content_size(b64: &str, limits: &Limits) -> Option<Violation> {
    let max = limits.max_script_content_bytes;
    (decoded_len_from_base64_len(b64) > max).then(|| {
        Violation::bean(
            "script_content",
            Rule::ScriptContentTooLong,
            format!("script_content 字段过长 limit:MEDIUMTEXT({max})"),
            format!("script_content Field content too long limit:MEDIUMTEXT({max})"),
        )
    })
}

/// Byte limit for the decoded `script_param`: sensitive params are encrypted, so smaller.
pub fn script_param_limit(sensitive: bool, limits: &Limits) -> usize {
    if sensitive {
        limits.max_sensitive_param_bytes
    } else {
        limits.max_param_bytes
    }
}

/// Decoded `script_param` size check; `sensitive` is `is_param_sensitive == Some(1)`.
/// (BK-JOB's English text really glues "script_param" to "Field".)
pub fn check_script_param_size(b64: &str, sensitive: bool, limits: &Limits) -> Option<Violation> {
    let max = script_param_limit(sensitive, limits);
    if decoded_len_from_base64_len(b64) <= max {
        return None;
    }
    Some(if sensitive {
        Violation::bean(
            "script_param",
            Rule::ScriptParamSensitiveTooLong,
            format!("script_param加密后超出存储限制，最大支持{max}字节"),
            format!("script_param encryption exceeds the storage limit, maximum support for {max} bytes"),
        )
    } else {
        Violation::bean(
            "script_param",
            Rule::ScriptParamTooLong,
            format!("script_param字段过长 limit:TEXT({max})"),
            format!("script_paramField content too long limit:TEXT({max})"),
        )
    })
}

/// What BK-JOB does with a decoded parameter: `\n` → space; blank → dropped (`None`).
pub fn normalize_script_param(decoded: &str) -> Option<String> {
    let s = decoded.replace('\n', " ");
    (!is_blank(&s)).then_some(s)
}

// ---------------------------------------------------------------------------------------------
// Handler checks

/// None of `script_version_id`, non-empty `script_id`, non-empty `script_content` → 1241004.
pub fn check_script_source(req: &FastExecuteScriptRequest) -> Option<Violation> {
    let present = req.script_version_id.is_some()
        || non_empty(&req.script_id)
        || non_empty(&req.script_content);
    (!present).then(|| {
        let name = "script_version_id|script_id|script_content";
        Violation::handler::<{ ErrorCode::MISSING_PARAM_WITH_NAME.0 }>(
            name,
            Rule::ScriptSourceMissing,
            &[name],
        )
    })
}

/// `script_version_id` present and < 1 → 1241005.
pub fn check_script_version_id(script_version_id: Option<i64>) -> Option<Violation> {
    script_version_id.is_some_and(|v| v < 1).then(|| {
        Violation::handler::<{ ErrorCode::ILLEGAL_PARAM_WITH_NAME.0 }>(
            "script_version_id",
            Rule::ScriptVersionIdInvalid,
            &["script_version_id"],
        )
    })
}

/// With non-empty `script_content`, `script_language` must be 1..=6 → else 1241005.
pub fn check_script_language(req: &FastExecuteScriptRequest) -> Option<Violation> {
    let bad = non_empty(&req.script_content)
        && req
            .script_language
            .and_then(ScriptLanguage::from_code)
            .is_none();
    bad.then(|| {
        Violation::handler::<{ ErrorCode::ILLEGAL_PARAM_WITH_NAME.0 }>(
            "script_language",
            Rule::ScriptLanguageInvalid,
            &["script_language"],
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixtures::{good, l};
    use crate::rules::validate_request;

    #[test]
    fn windows_interpreter_rules() {
        assert!(check_windows_interpreter(r"C:\Python3\python.exe", &l()).is_none());
        assert!(check_windows_interpreter(r"  C:\a.exe  ", &l()).is_none());
        assert!(check_windows_interpreter("", &l()).is_none());
        let v = check_windows_interpreter(r"C:\python", &l()).unwrap();
        assert_eq!(v.en, "windows_interpreter must end with suffix: .exe");
        assert_eq!(v.zh, "windows_interpreter 必须以指定后缀结尾: .exe");
        let long = format!(r"C:\{}.exe", "a".repeat(260));
        let v = check_windows_interpreter(&long, &l()).unwrap();
        assert_eq!(v.rule, Rule::WindowsInterpreterTooLong);
        assert_eq!(v.zh, "Windows解释器路径长度不可超过260字符");
    }

    #[test]
    fn task_name_rule() {
        assert!(check_task_name(&"名".repeat(512), &l()).is_none());
        let v = check_task_name(&"a".repeat(513), &l()).unwrap();
        assert_eq!(v.rule.code(), "task_name.too_long");
    }

    #[test]
    fn size_rules() {
        let small = Limits {
            max_script_content_bytes: 3,
            max_param_bytes: 5,
            max_sensitive_param_bytes: 4,
            ..l()
        };
        assert!(check_script_content_size("YWJj", &small).is_none());
        let v = check_script_content_size("YWJjZA==", &small).unwrap();
        assert_eq!(v.zh, "script_content 字段过长 limit:MEDIUMTEXT(3)");
        assert_eq!(
            v.en,
            "script_content Field content too long limit:MEDIUMTEXT(3)"
        );
        // "hello" is 5 bytes: fits the plain limit, not the sensitive one.
        assert!(check_script_param_size("aGVsbG8=", false, &small).is_none());
        let v = check_script_param_size("aGVsbG8=", true, &small).unwrap();
        assert_eq!(v.zh, "script_param加密后超出存储限制，最大支持4字节");
        let v = check_script_param_size("aGVsbG8h", false, &small).unwrap();
        assert_eq!(v.en, "script_paramField content too long limit:TEXT(5)");
        assert_eq!(script_param_limit(true, &l()), 48_128);
        assert_eq!(script_param_limit(false, &l()), 65_535);
        // Through validate_request, is_param_sensitive must be exactly 1.
        let mut r = good();
        r.script_param = Some("aGVsbG8=".into());
        r.is_param_sensitive = Some(2);
        assert!(validate_request(&r, &small)
            .iter()
            .all(|v| v.rule != Rule::ScriptParamSensitiveTooLong));
        r.is_param_sensitive = Some(1);
        assert!(validate_request(&r, &small)
            .iter()
            .any(|v| v.rule == Rule::ScriptParamSensitiveTooLong));
        assert_eq!(normalize_script_param("a\nb"), Some("a b".into()));
        assert_eq!(normalize_script_param(" \n "), None);
    }

    #[test]
    fn script_source_rules() {
        let mut r = good();
        r.script_content = Some(String::new());
        r.script_id = Some(String::new());
        let v = check_script_source(&r).unwrap();
        assert_eq!(v.api_code, 1_241_004);
        assert_eq!(
            v.zh,
            "请求参数[script_version_id|script_id|script_content]缺失"
        );
        assert_eq!(
            v.en,
            "Missing request parameter [script_version_id|script_id|script_content]"
        );
        r.script_id = Some("7".into());
        assert!(check_script_source(&r).is_none());
        r.script_id = None;
        r.script_version_id = Some(0);
        assert!(check_script_source(&r).is_none());
        let v = check_script_version_id(Some(0)).unwrap();
        assert_eq!(
            (v.api_code, v.zh.as_str()),
            (1_241_005, "请求参数[script_version_id]不合法")
        );
        assert!(check_script_version_id(Some(1)).is_none());
        assert!(check_script_version_id(None).is_none());
    }

    #[test]
    fn script_language_rule() {
        let mut r = good();
        assert!(check_script_language(&r).is_none());
        r.script_language = Some(6);
        assert!(check_script_language(&r).is_none());
        r.script_language = Some(7);
        let v = check_script_language(&r).unwrap();
        assert_eq!(v.en, "Invalid request parameter [script_language]");
        r.script_language = None;
        assert!(check_script_language(&r).is_some());
        // Checked even when a version ID is also given.
        r.script_version_id = Some(5);
        assert!(check_script_language(&r).is_some());
        r.script_content = None;
        assert!(check_script_language(&r).is_none());
    }
}
