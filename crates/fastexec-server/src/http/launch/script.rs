//! The launch's script: which text would run (inline content or a library version) and the
//! dangerous-script rules on it (contract §2, §3.4).

use bkjob_api::{decode_base64_lenient, ErrorCode, FastExecuteScriptRequest};

use super::super::auth::Caller;
use super::super::error::{ApiError, Meta};
use super::super::scope::{non_blank, Scope};
use crate::config::Directory;
use crate::danger::{DangerRules, DangerousAction};

/// What the step runs.
#[derive(Debug)]
pub(super) struct Resolved {
    pub language: i32,
    pub content: String,
    /// `(script id, script name)` when a library script is referenced.
    pub library: Option<(String, String)>,
    /// That script is a public one (`execute_public_script` rather than `execute_script`).
    pub public: bool,
}

/// Referenced script: `script_version_id` > `script_id` > `script_content` (contract §2).
/// A library script must be a public one or belong to the scope's business (else 1243001, as
/// BK-JOB's `checkScriptExist`); only online and offline versions may run (else 1244018).
pub(super) fn resolve_script(
    dir: &Directory,
    meta: &Meta,
    scope: &Scope,
    req: &FastExecuteScriptRequest,
) -> Result<Resolved, ApiError> {
    if let Some(vid) = req.script_version_id {
        let Some((script, ver)) = dir
            .any_script_version(vid)
            .filter(|(s, _)| s.is_public() || s.biz_id == scope.id)
        else {
            return Err(meta.err(ErrorCode::SCRIPT_NOT_EXIST, &[]));
        };
        // Online and offline versions may run; draft and disabled may not (contract §3.4).
        if !ver.status.may_run() {
            return Err(meta.err(
                ErrorCode::SCRIPT_STATUS_NOT_EXECUTABLE,
                &[ver.status.label(meta.lang)],
            ));
        }
        return Ok(Resolved {
            language: ver.language,
            content: ver.content.clone(),
            library: Some((script.id.clone(), script.name.clone())),
            public: script.is_public(),
        });
    }
    if let Some(sid) = non_blank(&req.script_id) {
        // script_id runs the script's online version; none online → the script "does not
        // exist" for execution.
        let online = dir
            .any_script(sid)
            .filter(|s| s.is_public() || s.biz_id == scope.id)
            .and_then(|s| s.online().map(|v| (s, v)));
        let Some((script, ver)) = online else {
            return Err(meta.err(ErrorCode::SCRIPT_NOT_EXIST, &[]));
        };
        return Ok(Resolved {
            language: ver.language,
            content: ver.content.clone(),
            library: Some((script.id.clone(), script.name.clone())),
            public: script.is_public(),
        });
    }
    let bytes = decode_base64_lenient(req.script_content.as_deref().unwrap_or_default());
    Ok(Resolved {
        language: req.script_language.unwrap_or_default(),
        content: String::from_utf8_lossy(&bytes).into_owned(),
        library: None,
        public: false,
    })
}

/// Dangerous-script rules on the text that would run (contract §3.4): every match is logged
/// (without the script text); an intercept rule's match refuses with 1244019.
pub(super) fn check_danger(
    rules: &DangerRules,
    meta: &Meta,
    caller: &Caller,
    script: &Resolved,
) -> Result<(), ApiError> {
    let hits = rules.check(script.language, &script.content);
    for h in &hits {
        // BK-JOB records scan matches; the script text stays out of the log.
        tracing::info!(
            job_request_id = %meta.job_request_id,
            user = %caller.username,
            rule = h.rule,
            description = %h.description,
            action = ?h.action,
            first_line = h.first_line,
            lines = h.lines,
            language = script.language,
            "script matches a dangerous-script rule"
        );
    }
    if hits.iter().any(|h| h.action == DangerousAction::Intercept) {
        return Err(meta.err(ErrorCode::DANGEROUS_SCRIPT, &[]));
    }
    Ok(())
}
