//! The "recent jobs" list kept in localStorage (plain (de)serialisation here; the web-sys
//! calls are in the view module). Newest first, at most [`RECENT_MAX`], never a secret: the
//! launch draft is stored through [`Draft::without_secrets`], so a sensitive parameter is
//! blank and must be typed again on redo. Credentials are not part of a draft at all.

use bkjob_api::json::{self, Json};
use bkjob_api::{Draft, FastExecuteScriptData};
use serde::{Deserialize, Serialize};

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
    /// The launch form as typed, minus secrets (for "redo").
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

impl RecentJob {
    /// The entry for a successful launch of `draft` (the draft is stored without secrets).
    pub fn from_launch(draft: &Draft, data: &FastExecuteScriptData, now_ms: i64) -> Self {
        RecentJob {
            scope_type: draft.scope_type.trim().to_owned(),
            scope_id: draft.scope_id.trim().to_owned(),
            job_instance_id: data.job_instance_id,
            step_instance_id: data.step_instance_id,
            name: data.job_instance_name.clone(),
            launched_at_ms: now_ms,
            last_status: None,
            draft: Some(draft.without_secrets()),
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

/// The draft to put back into the launch form for "redo": the launch's draft minus secrets
/// (a sensitive parameter is blank and must be typed again). `None` when the entry has no
/// draft (e.g. recorded by an older version).
pub fn redo_draft(job: &RecentJob) -> Option<Draft> {
    job.draft.as_ref().map(Draft::without_secrets)
}

/// The list, newest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecentJobs {
    /// Entries, newest first.
    pub jobs: Vec<RecentJob>,
}

impl RecentJobs {
    /// Read the stored JSON; an absent or unreadable value is an empty list.
    pub fn from_json(json: Option<&str>) -> Self {
        // Entry by entry: one entry another version wrote differently (a field of another
        // type) is dropped alone, it does not empty the list.
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Stored {
            jobs: Vec<serde_json::Value>,
        }
        let stored: Stored = json
            .and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_default();
        let mut list = RecentJobs {
            jobs: stored
                .jobs
                .into_iter()
                .filter_map(|v| serde_json::from_value(v).ok())
                .collect(),
        };
        list.jobs.retain(|j| j.job_instance_id > 0);
        list.jobs.truncate(RECENT_MAX);
        list
    }

    /// The JSON to store (drafts are re-cleaned, so nothing secret can slip in).
    pub fn to_json(&self) -> String {
        let mut clean = self.clone();
        for j in &mut clean.jobs {
            if let Some(d) = &j.draft {
                j.draft = Some(d.without_secrets());
            }
        }
        serde_json::to_string(&clean).unwrap_or_else(|_| "{\"jobs\":[]}".into())
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
/// job ID, at most [`RECENT_MAX`] in all, each draft's sensitive parameter blanked again (as
/// [`RecentJobs::to_json`] does). An unreadable list starts afresh.
pub fn remember_in_stored(stored: Option<&str>, job: &RecentJob) -> String {
    let mut out = String::from("{\"jobs\":[");
    let mut first = job.clone();
    first.draft = first.draft.as_ref().map(Draft::without_secrets);
    out.push_str(&serde_json::to_string(&first).unwrap_or_default());
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
        blank_sensitive_param(&mut entry);
        out.push(',');
        entry.write_compact(&mut out);
    }
    out.push_str("]}");
    out
}

/// In a stored entry, the draft's `script_param` blanked unless it is marked as not
/// sensitive (`false` exactly: a flag of another type counts as sensitive).
fn blank_sensitive_param(entry: &mut Json) {
    let Json::Object(fields) = entry else { return };
    for (key, draft) in fields.iter_mut() {
        if key != "draft" || draft.get("is_param_sensitive").and_then(Json::as_bool) == Some(false)
        {
            continue;
        }
        if let Json::Object(draft_fields) = draft {
            for (k, v) in draft_fields.iter_mut() {
                if k == "script_param" {
                    *v = Json::String(String::new());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(redo.script_content, "echo hi");
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
