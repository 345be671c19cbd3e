//! The script picker's decisions: its payload, the requests of each library and page, and
//! which version may be chosen for which source (BK-JOB's launch rules, as
//! `fastexec-server`'s launch validation enforces them). Plain Rust, tested natively.
//!
//! What may run (contract bk-job-api.md §2 and §3.4, bk-job-api-more.md §6.1):
//! - by `script_id`, BK-JOB runs the script's *online* version; so only that version can be
//!   chosen there (a script without one cannot be launched by its ID: 1243001);
//! - by `script_version_id`, online and offline versions run; a draft (未上线) or disabled
//!   (已禁用) version is refused with 1244018.
//!
//! Contents come back as plain text (BK-JOB stores them decoded; only its create/update APIs
//! take Base64), so the preview shows `content` as it is.

use bkjob_api::{
    GetScriptListRequest, GetScriptVersionDetailRequest, GetScriptVersionListRequest, ScriptSource,
    ScriptVersionItem,
};

use super::{split_scope, PickerMessage};
use crate::api::job::Library;

/// Scripts per page (BK-JOB's default for the script lists).
pub const SCRIPT_PAGE: i32 = 20;

/// Versions per page (BK-JOB's default for the version lists).
pub const VERSION_PAGE: i32 = 10;

/// Version status codes (`JobResourceStatusEnum`).
pub const DRAFT: i32 = 0;
/// Online (已上线): the version `script_id` runs.
pub const ONLINE: i32 = 1;
/// Offline (已下线): may still run by `script_version_id`.
pub const OFFLINE: i32 = 2;
/// Disabled (已禁用): never runs.
pub const DISABLED: i32 = 3;

/// What the app hands the script picker: the form's scope and its current script source, as
/// `"{scope_type}/{scope_id}\t{source}"` with the source's field name (`script_id` or
/// `script_version_id`; typed content picks by version).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptPayload {
    /// `biz` / `biz_set`.
    pub scope_type: String,
    /// The scope's ID.
    pub scope_id: String,
    /// What a choice fills: [`ScriptSource::ScriptId`] or [`ScriptSource::ScriptVersionId`].
    pub source: ScriptSource,
}

impl ScriptPayload {
    /// The payload's text.
    pub fn write(scope_type: &str, scope_id: &str, source: ScriptSource) -> String {
        format!("{scope_type}/{scope_id}\t{}", source.field())
    }

    /// Read [`ScriptPayload::write`]'s text; anything but `script_id` picks by version.
    pub fn read(text: &str) -> ScriptPayload {
        let (scope, source) = text.split_once('\t').unwrap_or((text, ""));
        let (scope_type, scope_id) = split_scope(scope);
        let source = match source.trim() {
            "script_id" => ScriptSource::ScriptId,
            _ => ScriptSource::ScriptVersionId,
        };
        ScriptPayload {
            scope_type,
            scope_id,
            source,
        }
    }

    /// `"{scope_type}/{scope_id}"` (the cache's scope).
    pub fn scope(&self) -> String {
        format!("{}/{}", self.scope_type, self.scope_id)
    }

    /// The scope fields of a request to `library`: none for the public one (it has no scope).
    fn scope_fields(&self, library: Library) -> (Option<String>, Option<String>) {
        match library {
            Library::Business => (Some(self.scope_type.clone()), Some(self.scope_id.clone())),
            Library::Public => (None, None),
        }
    }

    /// Page `page` (1-based) of `library`'s scripts whose name contains `name`.
    pub fn list_request(&self, library: Library, name: &str, page: u32) -> GetScriptListRequest {
        let (bk_scope_type, bk_scope_id) = self.scope_fields(library);
        let name = name.trim();
        GetScriptListRequest {
            bk_scope_type,
            bk_scope_id,
            name: (!name.is_empty()).then(|| name.to_owned()),
            start: Some(start_of(page, SCRIPT_PAGE)),
            length: Some(SCRIPT_PAGE),
            ..Default::default()
        }
    }

    /// Page `page` of a script's versions (without their contents: the preview reads one).
    pub fn versions_request(
        &self,
        library: Library,
        script_id: &str,
        page: u32,
    ) -> GetScriptVersionListRequest {
        let (bk_scope_type, bk_scope_id) = self.scope_fields(library);
        GetScriptVersionListRequest {
            bk_scope_type,
            bk_scope_id,
            script_id: Some(script_id.to_owned()),
            return_script_content: None,
            start: Some(start_of(page, VERSION_PAGE)),
            length: Some(VERSION_PAGE),
            ..Default::default()
        }
    }

    /// One version by its ID, with its content.
    pub fn detail_request(&self, library: Library, id: i64) -> GetScriptVersionDetailRequest {
        let (bk_scope_type, bk_scope_id) = self.scope_fields(library);
        GetScriptVersionDetailRequest {
            bk_scope_type,
            bk_scope_id,
            id: Some(id),
            ..Default::default()
        }
    }
}

/// The first row of page `page` (1-based) of `size` rows, kept within `i32`.
pub fn start_of(page: u32, size: i32) -> i32 {
    let rows = i64::from(page.max(1) - 1) * i64::from(size);
    i32::try_from(rows).unwrap_or(i32::MAX)
}

/// Why a version cannot be chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A draft (未上线) never runs (1244018).
    Draft,
    /// A disabled version never runs (1244018).
    Disabled,
    /// By `script_id` only the online version runs.
    NotOnline,
    /// A status BK-JOB does not define.
    Unknown,
}

/// Why a version of status `status` cannot be chosen for `source`, if it cannot.
pub fn refusal(source: ScriptSource, status: i32) -> Option<Refusal> {
    match (source, status) {
        (_, DISABLED) => Some(Refusal::Disabled),
        (ScriptSource::ScriptId, ONLINE) => None,
        (ScriptSource::ScriptId, _) => Some(Refusal::NotOnline),
        (_, ONLINE | OFFLINE) => None,
        (_, DRAFT) => Some(Refusal::Draft),
        _ => Some(Refusal::Unknown),
    }
}

/// The message choosing `v` sends for `source`, or why it cannot be chosen.
pub fn choice(source: ScriptSource, v: &ScriptVersionItem) -> Result<PickerMessage, Refusal> {
    if let Some(r) = refusal(source, v.status) {
        return Err(r);
    }
    Ok(match source {
        ScriptSource::ScriptId => PickerMessage::ScriptId(v.script_id.clone()),
        _ => PickerMessage::ScriptVersionId(v.id),
    })
}

/// "Copy into the editor" for `v` (its language and content; `None` without content).
pub fn copy_message(v: &ScriptVersionItem) -> Option<PickerMessage> {
    Some(PickerMessage::Copy {
        language: v.script_language,
        content: v.content.clone()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_names_scope_and_source() {
        let text = ScriptPayload::write("biz", "2", ScriptSource::ScriptId);
        assert_eq!(text, "biz/2\tscript_id");
        let p = ScriptPayload::read(&text);
        assert_eq!(
            (p.scope_type.as_str(), p.scope_id.as_str(), p.source),
            ("biz", "2", ScriptSource::ScriptId)
        );
        assert_eq!(p.scope(), "biz/2");
        for other in [
            ScriptPayload::write("biz_set", "9000001", ScriptSource::ScriptVersionId),
            ScriptPayload::write("biz", "2", ScriptSource::Content),
            "biz/2".to_owned(),
        ] {
            assert_eq!(
                ScriptPayload::read(&other).source,
                ScriptSource::ScriptVersionId,
                "{other}"
            );
        }
    }

    #[test]
    fn what_may_be_chosen_follows_the_launch_rules() {
        use ScriptSource::{ScriptId, ScriptVersionId};
        // by version ID: online and offline run; draft and disabled are refused (1244018)
        assert_eq!(refusal(ScriptVersionId, ONLINE), None);
        assert_eq!(refusal(ScriptVersionId, OFFLINE), None);
        assert_eq!(refusal(ScriptVersionId, DRAFT), Some(Refusal::Draft));
        assert_eq!(refusal(ScriptVersionId, DISABLED), Some(Refusal::Disabled));
        assert_eq!(refusal(ScriptVersionId, 7), Some(Refusal::Unknown));
        // by script ID: only the online version runs
        assert_eq!(refusal(ScriptId, ONLINE), None);
        assert_eq!(refusal(ScriptId, OFFLINE), Some(Refusal::NotOnline));
        assert_eq!(refusal(ScriptId, DRAFT), Some(Refusal::NotOnline));
        assert_eq!(refusal(ScriptId, DISABLED), Some(Refusal::Disabled));
        assert_eq!(refusal(ScriptId, 7), Some(Refusal::NotOnline));
    }

    #[test]
    fn a_choice_fills_the_sources_field() {
        let v = |status| ScriptVersionItem {
            id: 11,
            script_id: "disk-usage".into(),
            status,
            script_language: 1,
            content: Some("df -h\n".into()),
            ..Default::default()
        };
        assert_eq!(
            choice(ScriptSource::ScriptVersionId, &v(OFFLINE)),
            Ok(PickerMessage::ScriptVersionId(11))
        );
        assert_eq!(
            choice(ScriptSource::ScriptId, &v(ONLINE)),
            Ok(PickerMessage::ScriptId("disk-usage".into()))
        );
        assert_eq!(
            choice(ScriptSource::ScriptVersionId, &v(DISABLED)),
            Err(Refusal::Disabled)
        );
        assert_eq!(
            copy_message(&v(DISABLED)).unwrap().write(),
            "copy\t1\tdf -h\n"
        );
        let empty = ScriptVersionItem {
            content: None,
            ..v(ONLINE)
        };
        assert_eq!(copy_message(&empty), None);
    }

    #[test]
    fn requests_page_as_bk_job_does() {
        let p = ScriptPayload::read("biz/2\tscript_version_id");
        let r = p.list_request(Library::Business, "  disk ", 3);
        assert_eq!((r.start, r.length), (Some(40), Some(20)));
        assert_eq!(r.name.as_deref(), Some("disk"));
        assert_eq!(r.bk_scope_id.as_deref(), Some("2"));
        assert_eq!(p.list_request(Library::Business, " ", 1).name, None);
        // the public library has no scope
        let r = p.list_request(Library::Public, "", 1);
        assert_eq!(
            (r.bk_scope_type, r.bk_scope_id, r.start),
            (None, None, Some(0))
        );
        let v = p.versions_request(Library::Business, "demo-hello", 2);
        assert_eq!(
            (v.script_id.as_deref(), v.start, v.length),
            (Some("demo-hello"), Some(10), Some(10))
        );
        let d = p.detail_request(Library::Public, 101);
        assert_eq!((d.id, d.bk_scope_type), (Some(101), None));
        assert_eq!(
            p.detail_request(Library::Business, 5)
                .bk_scope_type
                .as_deref(),
            Some("biz")
        );
        assert_eq!(start_of(0, 20), 0);
        assert_eq!(start_of(u32::MAX, 20), i32::MAX);
    }
}
