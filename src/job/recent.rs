//! The "recent jobs" list kept in localStorage (plain (de)serialisation here; the web-sys
//! calls are in the view module). Newest first, at most [`RECENT_MAX`], never a secret and
//! never script text: each entry keeps the launch form for "redo" through [`stored_draft`],
//! which blanks the script text (scripts often embed credentials) and a sensitive parameter.
//! A library script's reference (`script_id` / `script_version_id`) and the other fields stay.
//! Credentials are not part of a draft at all. Lists written by older versions still carry
//! script text: [`scrub_stored`] removes it, and every write of the list does too.
//!
//! The script text of a job launched in this page session is kept in memory only
//! ([`LaunchedScripts`], in the app's state), so "redo" of such a job restores it;
//! [`restore_script`] decides what the form gets back.

use bkjob_api::to_json::WriteJson;
use bkjob_api::{Draft, FastExecuteScriptData, ScriptSource};
use serde::{Deserialize, Serialize};
use tinyjson::{self as json, Json};

use super::route::JobRoute;

/// localStorage key of the list.
pub const RECENT_JOBS_KEY: &str = "fastexec.recent_jobs.v1";
/// How many jobs are kept.
pub const RECENT_MAX: usize = 100;

/// One launched job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecentJob {
    /// `biz` / `biz_set`.
    pub scope_type: String,
    /// Business (set) ID.
    pub scope_id: String,
    /// Job instance ID.
    pub job_instance_id: i64,
    /// The step's instance ID from the launch answer (0 = unknown).
    pub step_instance_id: i64,
    /// Job name from the launch answer.
    pub name: String,
    /// Launch time, Unix ms.
    pub launched_at_ms: i64,
    /// Last job status seen by the job view ([`bkjob_api::RunStatus`] code), if any.
    pub last_status: Option<i32>,
    /// The launch form as typed, minus secrets and script text (for "redo").
    pub draft: Option<Draft>,
}

impl Default for RecentJob {
    fn default() -> Self {
        RecentJob {
            scope_type: "biz".into(),
            scope_id: String::new(),
            job_instance_id: 0,
            step_instance_id: 0,
            name: String::new(),
            launched_at_ms: 0,
            last_status: None,
            draft: None,
        }
    }
}

impl WriteJson for RecentJob {
    /// As serde's derive writes it: the launch form records launches without serde_json
    /// (see [`remember_in_stored`]).
    fn write_json(&self, out: &mut String) {
        let mut w = tinyjson::ObjectWriter::new(out);
        w.str("scope_type", &self.scope_type)
            .str("scope_id", &self.scope_id)
            .int("job_instance_id", self.job_instance_id)
            .int("step_instance_id", self.step_instance_id)
            .str("name", &self.name)
            .int("launched_at_ms", self.launched_at_ms);
        match self.last_status {
            Some(s) => w.int("last_status", s.into()),
            None => {
                w.key("last_status").push_str("null");
                &mut w
            }
        };
        match &self.draft {
            Some(d) => d.write_json(w.key("draft")),
            None => w.key("draft").push_str("null"),
        }
        w.end();
    }
}

impl RecentJob {
    /// One stored entry, read as strictly as serde's derive (`#[serde(default)]`) read it: a
    /// missing member keeps its default, a member of another type (the draft's members
    /// included, [`Draft::from_json_strict`]) drops the entry (`None`).
    fn from_json(entry: Json) -> Option<RecentJob> {
        let Json::Object(members) = entry else {
            return None;
        };
        let mut j = RecentJob::default();
        for (key, value) in members {
            match key.as_str() {
                "scope_type" => j.scope_type = value.into_string()?,
                "scope_id" => j.scope_id = value.into_string()?,
                "job_instance_id" => j.job_instance_id = value.as_i64()?,
                "step_instance_id" => j.step_instance_id = value.as_i64()?,
                "name" => j.name = value.into_string()?,
                "launched_at_ms" => j.launched_at_ms = value.as_i64()?,
                "last_status" if value.is_null() => j.last_status = None,
                "last_status" => j.last_status = Some(i32::try_from(value.as_i64()?).ok()?),
                "draft" if value.is_null() => j.draft = None,
                "draft" => j.draft = Some(Draft::from_json_strict(value)?),
                _ => {}
            }
        }
        Some(j)
    }

    /// The entry for a successful launch of `draft` (the draft is kept through
    /// [`stored_draft`]: no secret, no script text).
    pub fn from_launch(draft: &Draft, data: &FastExecuteScriptData, now_ms: i64) -> Self {
        RecentJob {
            scope_type: draft.scope_type.trim().to_owned(),
            scope_id: draft.scope_id.trim().to_owned(),
            job_instance_id: data.job_instance_id,
            step_instance_id: data.step_instance_id,
            name: data.job_instance_name.clone(),
            launched_at_ms: now_ms,
            last_status: None,
            draft: Some(stored_draft(draft)),
        }
    }

    /// The job's route.
    pub fn route(&self) -> JobRoute {
        JobRoute::new(&self.scope_type, &self.scope_id, self.job_instance_id)
    }

    fn same_job(&self, route: &JobRoute) -> bool {
        self.job_instance_id == route.job_instance_id
            && self.scope_type == route.scope_type
            && self.scope_id == route.scope_id
    }
}

/// What the recent list keeps of a launch's draft: everything but the script text and a
/// sensitive parameter (both blank). A library script's ID / version ID stays, so its redo
/// needs nothing typed again.
pub fn stored_draft(draft: &Draft) -> Draft {
    let mut d = draft.without_secrets();
    d.script_content.clear();
    d
}

/// The draft to put back into the launch form for "redo": the launch's draft minus secrets
/// and script text (a sensitive parameter is blank and must be typed again; the script comes
/// from [`restore_script`]). `None` when the entry has no draft (e.g. recorded by an older
/// version).
pub fn redo_draft(job: &RecentJob) -> Option<Draft> {
    job.draft.as_ref().map(stored_draft)
}

/// The list, newest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecentJobs {
    /// Entries, newest first.
    pub jobs: Vec<RecentJob>,
}

impl RecentJobs {
    /// Read the stored JSON; an absent or unreadable value is an empty list. Script text an
    /// older version stored is dropped (see [`scrub_stored`] for the stored copy). Read with
    /// the small JSON reader, as strictly as serde's derive read it (see
    /// [`RecentJob::from_json`]).
    pub fn from_json(json: Option<&str>) -> Self {
        let stored = match json
            .and_then(|j| json::parse(j).ok())
            .and_then(|mut v| v.remove("jobs"))
        {
            Some(Json::Array(items)) => items,
            _ => Vec::new(),
        };
        // Entry by entry: one entry another version wrote differently (a field of another
        // type) is dropped alone, it does not empty the list.
        let mut list = RecentJobs {
            jobs: stored
                .into_iter()
                .filter_map(RecentJob::from_json)
                .collect(),
        };
        list.jobs.retain(|j| j.job_instance_id > 0);
        list.jobs.truncate(RECENT_MAX);
        for j in &mut list.jobs {
            if let Some(d) = &mut j.draft {
                d.script_content.clear();
            }
        }
        list
    }

    /// The JSON to store (drafts are re-cleaned, so no secret and no script text can slip
    /// in), as serde's derive writes it.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"jobs\":[");
        for (i, j) in self.jobs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let mut clean = j.clone();
            clean.draft = j.draft.as_ref().map(stored_draft);
            clean.write_json(&mut out);
        }
        out.push_str("]}");
        out
    }

    /// The entry of a job, if it was launched from this browser.
    pub fn find(&self, route: &JobRoute) -> Option<&RecentJob> {
        self.jobs.iter().find(|j| j.same_job(route))
    }

    /// Record the last status seen; true when something changed.
    pub fn set_status(&mut self, route: &JobRoute, status: i32) -> bool {
        match self.jobs.iter_mut().find(|j| j.same_job(route)) {
            Some(j) if j.last_status != Some(status) => {
                j.last_status = Some(status);
                true
            }
            _ => false,
        }
    }
}

/// The stored list (`stored`, the JSON of [`RecentJobs`]) with `job` put first, as JSON to
/// store. The launch form records launches this way, without reading the list into typed
/// entries: serde's deserializers for the list and its drafts would cost the form's download
/// several KB. The other entries are kept as stored, minus the same job and entries without a
/// job ID, at most [`RECENT_MAX`] in all, each draft's script text and sensitive parameter
/// blanked again (as [`RecentJobs::to_json`] does). An unreadable list starts afresh.
pub fn remember_in_stored(stored: Option<&str>, job: &RecentJob) -> String {
    let mut out = String::from("{\"jobs\":[");
    let mut first = job.clone();
    first.draft = first.draft.as_ref().map(stored_draft);
    first.write_json(&mut out);
    let older = match stored
        .and_then(|s| json::parse(s).ok())
        .and_then(|mut v| v.remove("jobs"))
    {
        Some(Json::Array(items)) => items,
        _ => Vec::new(),
    };
    let route = job.route();
    let same_job = |e: &Json| {
        let text = |k: &str, default: &str| {
            e.get(k)
                .and_then(Json::as_str)
                .unwrap_or(default)
                .to_owned()
        };
        e.get("job_instance_id").and_then(Json::as_i64) == Some(route.job_instance_id)
            && text("scope_type", "biz") == route.scope_type
            && text("scope_id", "") == route.scope_id
    };
    let kept = older
        .into_iter()
        .filter(|e| {
            e.get("job_instance_id")
                .and_then(Json::as_i64)
                .is_some_and(|id| id > 0)
        })
        .filter(|e| !same_job(e))
        .take(RECENT_MAX - 1);
    for mut entry in kept {
        scrub_entry(&mut entry);
        out.push(',');
        entry.write_compact(&mut out);
    }
    out.push_str("]}");
    out
}

/// The migration of a list an older version stored with script text: the stored JSON with
/// every entry's script text (and a sensitive parameter) blanked, or `None` when there is
/// nothing to change. The job view calls it whenever it reads the list and stores the
/// result, so upgrading removes the text from the browser. Entries are otherwise kept as
/// stored; a value that is no JSON at all becomes an empty list.
pub fn scrub_stored(stored: &str) -> Option<String> {
    let Ok(mut list) = json::parse(stored) else {
        return Some("{\"jobs\":[]}".to_owned());
    };
    let mut changed = false;
    if let Json::Object(fields) = &mut list {
        for (key, jobs) in fields.iter_mut() {
            if let (true, Json::Array(items)) = (key == "jobs", jobs) {
                for entry in items.iter_mut() {
                    changed |= scrub_entry(entry);
                }
            }
        }
    }
    changed.then(|| {
        let mut out = String::new();
        list.write_compact(&mut out);
        out
    })
}

/// In a stored entry, the draft's `script_content` blanked, and its `script_param` too
/// unless it is marked as not sensitive (`false` exactly: a flag of another type counts as
/// sensitive). True when something was blanked.
fn scrub_entry(entry: &mut Json) -> bool {
    let Json::Object(fields) = entry else {
        return false;
    };
    let mut changed = false;
    for (key, draft) in fields.iter_mut() {
        if key != "draft" {
            continue;
        }
        let sensitive = draft.get("is_param_sensitive").and_then(Json::as_bool) != Some(false);
        if let Json::Object(draft_fields) = draft {
            for (k, v) in draft_fields.iter_mut() {
                let blank = k == "script_content" || (sensitive && k == "script_param");
                // Any value but "" goes (a number or a list could hold text too).
                if blank && v.as_str() != Some("") {
                    *v = Json::String(String::new());
                    changed = true;
                }
            }
        }
    }
    changed
}

/// How many launched scripts [`LaunchedScripts`] keeps (the newest).
pub const LAUNCHED_SCRIPTS_MAX: usize = 20;

/// The script text of jobs launched in this page session, by job link ([`JobRoute::path`]),
/// newest first, at most [`LAUNCHED_SCRIPTS_MAX`]. Memory only, never stored: it is gone after
/// a reload and unknown to other tabs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LaunchedScripts(Vec<(String, String)>);

impl LaunchedScripts {
    /// Keep the script text of the job at `path`.
    pub fn remember(&mut self, path: String, script: String) {
        self.0.retain(|(p, _)| *p != path);
        self.0.insert(0, (path, script));
        self.0.truncate(LAUNCHED_SCRIPTS_MAX);
    }

    /// The script text of the job at `path`, if it was launched in this page session.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, s)| s.as_str())
    }
}

/// Where the script of a redone job comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedoScript {
    /// A library script (`script_id` / `script_version_id`): nothing to paste.
    Library,
    /// Inline text launched in this page session: restored from memory.
    Restored,
    /// Inline text launched elsewhere (another tab, before a reload): BK-JOB's API gives no
    /// script text of a job instance, so it must be pasted again.
    MustPaste,
}

/// The draft "redo" puts into the form: `draft` (from the recent list, without script text)
/// with the script text launched in this page session (`kept`, from [`LaunchedScripts`])
/// when its source is inline text, and where the script came from.
pub fn restore_script(mut draft: Draft, kept: Option<&str>) -> (Draft, RedoScript) {
    let how = match (draft.source, kept) {
        (ScriptSource::ScriptId | ScriptSource::ScriptVersionId, _) => RedoScript::Library,
        (ScriptSource::Content, Some(text)) => {
            draft.script_content = text.to_owned();
            RedoScript::Restored
        }
        (ScriptSource::Content, None) => {
            draft.script_content.clear();
            RedoScript::MustPaste
        }
    };
    (draft, how)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_writes_like_serde() {
        let mut job = RecentJob {
            scope_id: "2".into(),
            job_instance_id: i64::MAX,
            step_instance_id: 7,
            name: "n \"q\" 中".into(),
            launched_at_ms: 1_700_000_000_000,
            ..RecentJob::default()
        };
        let text = |j: &RecentJob| j.to_json_text();
        assert_eq!(text(&job), serde_json::to_string(&job).unwrap());
        job.last_status = Some(3);
        job.draft = Some(Draft {
            rolling_enabled: true,
            ..Draft::default()
        });
        assert_eq!(text(&job), serde_json::to_string(&job).unwrap());
    }

    impl RecentJobs {
        /// The typed form of [`remember_in_stored`], which the app uses: put `job` first
        /// (replacing an older entry for the same job), keep at most [`RECENT_MAX`]. The
        /// tests hold the stored form to it.
        fn remember(&mut self, job: RecentJob) {
            let route = job.route();
            self.jobs.retain(|j| !j.same_job(&route));
            self.jobs.insert(0, job);
            self.jobs.truncate(RECENT_MAX);
        }
    }

    fn draft(secret: bool) -> Draft {
        Draft {
            scope_id: "2".into(),
            script_content: "echo hi".into(),
            script_param: "hunter2".into(),
            is_param_sensitive: secret,
            host_id_list: "101".into(),
            ..Draft::default()
        }
    }

    fn launched(id: i64) -> FastExecuteScriptData {
        FastExecuteScriptData {
            job_instance_id: id,
            job_instance_name: format!("job {id}"),
            step_instance_id: id * 10,
        }
    }

    #[test]
    fn newest_first_deduplicated_and_capped() {
        let mut list = RecentJobs::default();
        for id in 1..=150 {
            list.remember(RecentJob::from_launch(&draft(false), &launched(id), id));
        }
        assert_eq!(list.jobs.len(), RECENT_MAX);
        assert_eq!(list.jobs[0].job_instance_id, 150);
        assert_eq!(list.jobs[99].job_instance_id, 51);
        // the same job again moves to the front, not duplicated
        list.remember(RecentJob::from_launch(&draft(false), &launched(60), 999));
        assert_eq!(list.jobs.len(), RECENT_MAX);
        assert_eq!(list.jobs[0].job_instance_id, 60);
        assert_eq!(
            list.jobs.iter().filter(|j| j.job_instance_id == 60).count(),
            1
        );
        let back = RecentJobs::from_json(Some(&list.to_json()));
        assert_eq!(back, list);
    }

    #[test]
    fn a_sensitive_parameter_is_never_stored() {
        let mut list = RecentJobs::default();
        list.remember(RecentJob::from_launch(&draft(true), &launched(7), 1));
        let json = list.to_json();
        assert!(!json.contains("hunter2"), "{json}");
        // even if one slipped into memory, storing cleans it
        list.jobs[0].draft = Some(draft(true));
        assert!(!list.to_json().contains("hunter2"));
        let job = &RecentJobs::from_json(Some(&json)).jobs[0];
        let redo = redo_draft(job).unwrap();
        assert!(redo.is_param_sensitive);
        assert!(redo.script_param.is_empty(), "must be typed again");
        assert_eq!(redo.script_content, "", "never stored");
        assert_eq!(redo.host_id_list, "101");
        // a plain parameter comes back
        let mut list = RecentJobs::default();
        list.remember(RecentJob::from_launch(&draft(false), &launched(8), 1));
        assert_eq!(redo_draft(&list.jobs[0]).unwrap().script_param, "hunter2");
    }

    #[test]
    fn the_form_records_launches_like_the_typed_list() {
        let mut typed = RecentJobs::default();
        let mut stored: Option<String> = None;
        for id in (1..=150).chain([60, 140]) {
            let job = RecentJob::from_launch(&draft(id % 2 == 0), &launched(id), id);
            typed.remember(job.clone());
            stored = Some(remember_in_stored(stored.as_deref(), &job));
        }
        let back = RecentJobs::from_json(stored.as_deref());
        assert_eq!(back, typed);
        for j in &back.jobs {
            let d = j.draft.as_ref().unwrap();
            assert_eq!(d.script_param.is_empty(), d.is_param_sensitive, "{j:?}");
        }
        assert_eq!(typed.jobs.len(), RECENT_MAX);
        assert_eq!(typed.jobs[0].job_instance_id, 140);
        assert_eq!(typed.jobs[1].job_instance_id, 60);
    }

    #[test]
    fn recording_keeps_odd_entries_cleans_old_ones_and_survives_garbage() {
        let job = RecentJob::from_launch(&draft(false), &launched(9), 1);
        // A leaked sensitive parameter in an old entry is blanked; entries without an ID go.
        let old = r#"{"jobs":[{"job_instance_id":4,"scope_id":"2","future":[1,{"a":null}],
            "draft":{"is_param_sensitive":true,"script_param":"leaked"}},{"scope_id":"2"},
            {"job_instance_id":5,"scope_id":"2","draft":{"is_param_sensitive":"yes","script_param":"leaked2"}},
            {"job_instance_id":6,"scope_id":"2","last_status":"3"}]}"#;
        let text = remember_in_stored(Some(old), &job);
        assert!(!text.contains("leaked"), "{text}");
        assert!(text.contains(r#""future":[1,{"a":null}]"#), "{text}");
        // Entry 5's draft and entry 6's status have other types: each is dropped alone when
        // the list is read, the others stay.
        let list = RecentJobs::from_json(Some(&text));
        let ids: Vec<i64> = list.jobs.iter().map(|j| j.job_instance_id).collect();
        assert_eq!(ids, vec![9, 4]);
        for garbage in ["nope", "[]", r#"{"jobs":{}}"#, ""] {
            let list = RecentJobs::from_json(Some(&remember_in_stored(Some(garbage), &job)));
            assert_eq!(list.jobs, vec![job.clone()], "{garbage}");
        }
    }

    const SECRET_SCRIPT: &str = "curl -u ops:Pa55w0rd-xyz https://vault.example/\necho done\n";

    fn script_draft() -> Draft {
        Draft {
            script_content: SECRET_SCRIPT.into(),
            ..draft(false)
        }
    }

    /// No line of the script appears in `json` (nor the whole text, escaped or not).
    fn assert_no_script(json: &str) {
        for part in SECRET_SCRIPT.lines().chain(["Pa55w0rd"]) {
            assert!(!json.contains(part), "{part:?} leaked: {json}");
        }
        assert!(!json.contains(&serde_json::to_string(SECRET_SCRIPT).unwrap()));
    }

    #[test]
    fn the_stored_list_never_contains_script_text() {
        let mut typed = RecentJobs::default();
        let mut stored: Option<String> = None;
        for id in 1..=5 {
            let job = RecentJob::from_launch(&script_draft(), &launched(id), id);
            typed.remember(job.clone());
            stored = Some(remember_in_stored(stored.as_deref(), &job));
        }
        assert_no_script(stored.as_deref().unwrap());
        // Even with the text put back into memory, writing the list cleans it.
        for j in &mut typed.jobs {
            j.draft = Some(script_draft());
        }
        assert_no_script(&typed.to_json());
        let mut leaky = RecentJob::from_launch(&script_draft(), &launched(9), 9);
        leaky.draft = Some(script_draft());
        assert_no_script(&remember_in_stored(stored.as_deref(), &leaky));
        // Everything else of the form is kept for redo.
        let back = RecentJobs::from_json(stored.as_deref());
        let d = redo_draft(&back.jobs[0]).unwrap();
        assert_eq!(
            d,
            Draft {
                script_content: String::new(),
                ..script_draft()
            }
        );
    }

    #[test]
    fn a_library_script_keeps_its_reference() {
        for (source, id, version) in [
            (ScriptSource::ScriptId, "1000", ""),
            (ScriptSource::ScriptVersionId, "", "2001"),
        ] {
            let d = Draft {
                source,
                script_id: id.into(),
                script_version_id: version.into(),
                ..script_draft()
            };
            let stored = remember_in_stored(None, &RecentJob::from_launch(&d, &launched(3), 1));
            assert_no_script(&stored);
            let back = RecentJobs::from_json(Some(&stored));
            let redo = redo_draft(&back.jobs[0]).unwrap();
            let (form, how) = restore_script(redo, None);
            assert_eq!(how, RedoScript::Library);
            assert_eq!(
                (
                    form.source,
                    form.script_id.as_str(),
                    form.script_version_id.as_str()
                ),
                (source, id, version)
            );
            assert_eq!(form.host_id_list, "101");
        }
    }

    #[test]
    fn redo_restores_the_script_of_this_session_only() {
        let stored = stored_draft(&script_draft());
        // launched in this page session: the text kept in memory comes back
        let mut memory = LaunchedScripts::default();
        let route = JobRoute::new("biz", "2", 7);
        memory.remember(route.path(), SECRET_SCRIPT.into());
        let (form, how) = restore_script(stored.clone(), memory.get(&route.path()));
        assert_eq!(how, RedoScript::Restored);
        assert_eq!(form.script_content, SECRET_SCRIPT);
        assert_eq!(form.script_param, "hunter2");
        // launched elsewhere (another tab, before a reload): pasted again, field empty
        let other = JobRoute::new("biz", "2", 8).path();
        let (form, how) = restore_script(stored.clone(), memory.get(&other));
        assert_eq!(how, RedoScript::MustPaste);
        assert!(form.script_content.is_empty());
        assert_eq!(form.host_id_list, "101");
        // a same-named job in another business is another job
        assert_eq!(memory.get(&JobRoute::new("biz", "3", 7).path()), None);
    }

    #[test]
    fn launched_scripts_keep_the_newest() {
        let mut memory = LaunchedScripts::default();
        for id in 1..=30 {
            memory.remember(format!("/jobs/biz/2/{id}"), format!("echo {id}"));
        }
        assert_eq!(memory.get("/jobs/biz/2/30"), Some("echo 30"));
        assert_eq!(memory.get("/jobs/biz/2/11"), Some("echo 11"));
        assert_eq!(memory.get("/jobs/biz/2/10"), None);
        memory.remember("/jobs/biz/2/11".into(), "echo again".into());
        assert_eq!(memory.get("/jobs/biz/2/11"), Some("echo again"));
        assert_eq!(memory.0.len(), LAUNCHED_SCRIPTS_MAX);
    }

    #[test]
    fn an_old_list_with_script_text_is_scrubbed() {
        // As version 1 stored it: the whole draft, script text included, plus an entry this
        // version cannot read (its status is text) that still holds a script.
        let old = format!(
            r#"{{"jobs":[{{"job_instance_id":4,"scope_id":"2","name":"a","draft":{{"script_content":{s},"script_param":"p","is_param_sensitive":false,"host_id_list":"101"}}}},
            {{"job_instance_id":5,"scope_id":"2","last_status":"odd","draft":{{"script_content":{s}}}}},
            {{"job_instance_id":6,"scope_id":"2","draft":{{"source":"ScriptId","script_id":"1000","script_content":""}}}}],"future":1}}"#,
            s = serde_json::to_string(SECRET_SCRIPT).unwrap()
        );
        // reading never hands the text on
        for j in RecentJobs::from_json(Some(&old)).jobs {
            assert_eq!(j.draft.unwrap().script_content, "");
        }
        let clean = scrub_stored(&old).expect("something to scrub");
        assert_no_script(&clean);
        // the rest is kept as stored
        assert!(clean.contains(r#""future":1"#), "{clean}");
        assert!(clean.contains(r#""last_status":"odd""#), "{clean}");
        let list = RecentJobs::from_json(Some(&clean));
        let ids: Vec<i64> = list.jobs.iter().map(|j| j.job_instance_id).collect();
        assert_eq!(ids, vec![4, 6]);
        let d = list.jobs[0].draft.as_ref().unwrap();
        assert_eq!(
            (d.script_param.as_str(), d.host_id_list.as_str()),
            ("p", "101")
        );
        assert_eq!(list.jobs[1].draft.as_ref().unwrap().script_id, "1000");
        // scrubbed once: nothing more to do, so it is not written again
        assert_eq!(scrub_stored(&clean), None);
        let fresh = remember_in_stored(
            None,
            &RecentJob::from_launch(&script_draft(), &launched(1), 1),
        );
        assert_eq!(scrub_stored(&fresh), None);
        // a value that is no JSON is replaced by an empty list
        assert_eq!(
            scrub_stored("echo secret").as_deref(),
            Some(r#"{"jobs":[]}"#)
        );
        assert_eq!(scrub_stored("{}"), None);
    }

    #[test]
    fn unreadable_storage_is_an_empty_list() {
        assert!(RecentJobs::from_json(None).jobs.is_empty());
        assert!(RecentJobs::from_json(Some("nope")).jobs.is_empty());
        assert!(RecentJobs::from_json(Some("{}")).jobs.is_empty());
        let no_draft = RecentJob {
            job_instance_id: 3,
            scope_id: "2".into(),
            ..RecentJob::default()
        };
        assert_eq!(redo_draft(&no_draft), None);
    }

    #[test]
    fn find_and_status() {
        let mut list = RecentJobs::default();
        list.remember(RecentJob::from_launch(&draft(false), &launched(5), 1));
        let r = JobRoute::new("biz", "2", 5);
        assert!(list.find(&r).is_some());
        assert!(list.find(&JobRoute::new("biz", "3", 5)).is_none());
        assert!(list.set_status(&r, 2));
        assert!(!list.set_status(&r, 2));
        assert_eq!(list.find(&r).unwrap().last_status, Some(2));
    }
}
