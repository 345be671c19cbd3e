//! The readers of this crate's types from the app's tiny JSON tree ([`tinyjson::Json`]), behind
//! the `tinyjson` feature: the app's form module reads the stored draft and the launch answer
//! this way instead of through serde's derive (whose visitors cost its first-visit download
//! several KB), and the server, which deserializes with serde, never compiles them.
//!
//! They repeat serde's field names as strings, so the tests below read every serde-written
//! document with both and fail when a name differs on either side.

use tinyjson::Json;

use crate::draft::{Draft, RollingDraft, ScriptSource};
use crate::status::ScriptLanguage;
use crate::types::FastExecuteScriptData;

/// Moves string field `key` of `v` into `field` when it is a string.
fn take_string(v: &mut Json, key: &str, field: &mut String) {
    if let Some(text) = v.remove(key).and_then(Json::into_string) {
        *field = text;
    }
}

fn take_bool(v: &mut Json, key: &str, field: &mut bool) {
    if let Some(b) = v.get(key).and_then(Json::as_bool) {
        *field = b;
    }
}

impl Draft {
    /// A draft as stored (the JSON `serde_json::to_string(&draft)` writes), read from its
    /// parsed tree: the app's form module reads it this way instead of through serde's
    /// derive, whose visitors cost its download several KB. `None` when `v` is no object; a
    /// missing field, or one of another type, keeps its default (like `#[serde(default)]`,
    /// but one odd field does not lose the others). Strings are moved, not copied.
    pub fn from_json(mut v: Json) -> Option<Draft> {
        v.as_object()?;
        let mut d = Draft::default();
        take_string(&mut v, "scope_type", &mut d.scope_type);
        take_string(&mut v, "scope_id", &mut d.scope_id);
        if let Some(source) = v.get("source").and_then(Json::as_str) {
            d.source = match source {
                "ScriptId" => ScriptSource::ScriptId,
                "ScriptVersionId" => ScriptSource::ScriptVersionId,
                _ => ScriptSource::Content,
            };
        }
        take_string(&mut v, "script_content", &mut d.script_content);
        if let Some(code) = v.get("script_language").and_then(Json::as_i64) {
            if let Some(lang) = i32::try_from(code)
                .ok()
                .and_then(|c| ScriptLanguage::try_from(c).ok())
            {
                d.script_language = lang;
            }
        }
        take_string(&mut v, "script_id", &mut d.script_id);
        take_string(&mut v, "script_version_id", &mut d.script_version_id);
        take_string(&mut v, "script_param", &mut d.script_param);
        take_bool(&mut v, "is_param_sensitive", &mut d.is_param_sensitive);
        take_string(&mut v, "timeout", &mut d.timeout);
        take_string(&mut v, "account_alias", &mut d.account_alias);
        take_string(&mut v, "account_id", &mut d.account_id);
        take_string(&mut v, "host_id_list", &mut d.host_id_list);
        take_string(&mut v, "ip_list", &mut d.ip_list);
        take_string(&mut v, "dynamic_group_list", &mut d.dynamic_group_list);
        take_string(&mut v, "topo_node_list", &mut d.topo_node_list);
        take_string(&mut v, "task_name", &mut d.task_name);
        take_string(&mut v, "callback_url", &mut d.callback_url);
        take_string(&mut v, "windows_interpreter", &mut d.windows_interpreter);
        take_bool(&mut v, "start_task", &mut d.start_task);
        take_bool(&mut v, "rolling_enabled", &mut d.rolling_enabled);
        if let Some(r) = v.remove("rolling").and_then(RollingDraft::from_json) {
            d.rolling = r;
        }
        Some(d)
    }
}

/// The text members of a [`Draft`] ([`Draft::from_json_strict`] checks their type).
const DRAFT_TEXT: [&str; 16] = [
    "scope_type",
    "scope_id",
    "script_content",
    "script_id",
    "script_version_id",
    "script_param",
    "timeout",
    "account_alias",
    "account_id",
    "host_id_list",
    "ip_list",
    "dynamic_group_list",
    "topo_node_list",
    "task_name",
    "callback_url",
    "windows_interpreter",
];

/// The members of a [`RollingDraft`], all text.
const ROLLING_TEXT: [&str; 6] = [
    "expression",
    "mode",
    "execution_mode",
    "fixed_ms",
    "random_min_ms",
    "random_max_ms",
];

impl Draft {
    /// A draft read as strictly as its serde derive reads it: `None` when a member it knows
    /// has another type (serde's derive refuses the whole draft then, where
    /// [`Draft::from_json`] keeps that member's default). The recent-jobs list reads its
    /// entries' drafts this way, so an entry another version wrote differently is dropped as
    /// it was when serde read it. (One difference, for what no version wrote: serde's derive
    /// also takes a struct written as an array of its members in order; this refuses it.)
    pub fn from_json_strict(v: Json) -> Option<Draft> {
        let typed = |key: &str, value: &Json| match key {
            "source" => matches!(
                value.as_str(),
                Some("Content" | "ScriptId" | "ScriptVersionId")
            ),
            "script_language" => value
                .as_i64()
                .and_then(|c| i32::try_from(c).ok())
                .and_then(ScriptLanguage::from_code)
                .is_some(),
            "is_param_sensitive" | "start_task" | "rolling_enabled" => value.as_bool().is_some(),
            "rolling" => value.as_object().is_some_and(|members| {
                members
                    .iter()
                    .all(|(k, v)| !ROLLING_TEXT.contains(&k.as_str()) || v.as_str().is_some())
            }),
            _ => !DRAFT_TEXT.contains(&key) || value.as_str().is_some(),
        };
        if !v.as_object()?.iter().all(|(k, v)| typed(k, v)) {
            return None;
        }
        Draft::from_json(v)
    }
}

impl RollingDraft {
    /// The rolling section read like [`Draft::from_json`] reads a draft (`None` for no
    /// object); also what the rolling panel sends back.
    pub fn from_json(mut v: Json) -> Option<RollingDraft> {
        v.as_object()?;
        let mut r = RollingDraft::default();
        take_string(&mut v, "expression", &mut r.expression);
        take_string(&mut v, "mode", &mut r.mode);
        take_string(&mut v, "execution_mode", &mut r.execution_mode);
        take_string(&mut v, "fixed_ms", &mut r.fixed_ms);
        take_string(&mut v, "random_min_ms", &mut r.random_min_ms);
        take_string(&mut v, "random_max_ms", &mut r.random_max_ms);
        Some(r)
    }
}

impl FastExecuteScriptData {
    /// `data` read from a parsed answer, as strictly as its serde derive reads it (all three
    /// fields, IDs as integers, exact to 64 bits); `None` when it does not fit. For the app's
    /// form module, which parses answers without serde (see the `tinyjson` crate).
    pub fn from_json(v: &Json) -> Option<FastExecuteScriptData> {
        Some(FastExecuteScriptData {
            job_instance_id: v.get("job_instance_id")?.as_i64()?,
            job_instance_name: v.get("job_instance_name")?.as_str()?.to_owned(),
            step_instance_id: v.get("step_instance_id")?.as_i64()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn read_stored(text: &str) -> Option<Draft> {
        Draft::from_json(tinyjson::parse(text).ok()?)
    }

    #[test]
    fn a_stored_draft_reads_back_field_for_field() {
        let d = full_draft();
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(read_stored(&json), Some(d.clone()));
        // Every source the serializer writes is read back.
        for source in [ScriptSource::Content, ScriptSource::ScriptId] {
            let d = Draft {
                source,
                ..d.clone()
            };
            assert_eq!(read_stored(&serde_json::to_string(&d).unwrap()), Some(d));
        }
    }

    #[test]
    fn an_odd_stored_field_keeps_its_default_and_the_others() {
        let d = read_stored(
            r#"{"scope_id":"2","timeout":60,"script_language":99,"start_task":"no","x":1}"#,
        )
        .unwrap();
        assert_eq!(d.scope_id, "2");
        assert_eq!(d.timeout, "");
        assert_eq!(d.script_language, ScriptLanguage::Shell);
        assert!(d.start_task);
        assert_eq!(read_stored("[1]"), None);
        assert_eq!(read_stored("{}"), Some(Draft::default()));
    }

    /// A draft with no field at its default, so a field that `from_json` misses shows.
    fn full_draft() -> Draft {
        Draft {
            scope_type: "biz_set".into(),
            scope_id: "9".into(),
            source: ScriptSource::ScriptVersionId,
            script_content: "echo \"你好\"\n\tdone\u{7}".into(),
            script_language: ScriptLanguage::Python,
            script_id: "s-1".into(),
            script_version_id: "77".into(),
            script_param: "a b".into(),
            is_param_sensitive: true,
            timeout: "60".into(),
            account_alias: "root".into(),
            account_id: "3".into(),
            host_id_list: "1\n2".into(),
            ip_list: "0:10.0.0.1".into(),
            dynamic_group_list: "g".into(),
            topo_node_list: "module:1".into(),
            task_name: "t".into(),
            callback_url: "http://x/cb".into(),
            windows_interpreter: "C:\\py.exe".into(),
            start_task: false,
            rolling_enabled: true,
            rolling: full_rolling(),
        }
    }

    fn full_rolling() -> RollingDraft {
        RollingDraft {
            expression: "1 +1".into(),
            mode: "3".into(),
            execution_mode: "2".into(),
            fixed_ms: "10".into(),
            random_min_ms: "1".into(),
            random_max_ms: "5".into(),
        }
    }

    #[test]
    fn rolling_reads_every_field_serde_writes() {
        let full = full_rolling();
        let (ours, default) = (
            serde_json::to_value(&full).unwrap(),
            serde_json::to_value(RollingDraft::default()).unwrap(),
        );
        for (key, value) in ours.as_object().unwrap() {
            assert_ne!(&default[key], value, "{key} is at its default");
        }
        assert_reads_like_serde(&full, |v| RollingDraft::from_json(v.clone()));
    }

    /// Documents serde writes for `full`, each read by serde and by `read`: the whole
    /// document, each member alone and the document without each member. A field renamed on
    /// one side (a `#[serde(rename)]`, a typo in a key string) reads differently.
    fn assert_reads_like_serde<T>(full: &T, read: impl Fn(&Json) -> Option<T>)
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let Value::Object(members) = serde_json::to_value(full).unwrap() else {
            panic!("not an object");
        };
        let mut docs = vec![Value::Object(members.clone())];
        for key in members.keys() {
            let mut alone = serde_json::Map::new();
            alone.insert(key.clone(), members[key].clone());
            docs.push(Value::Object(alone));
            let mut without = members.clone();
            without.remove(key);
            docs.push(Value::Object(without));
        }
        for doc in docs {
            let text = doc.to_string();
            let ours = read(&tinyjson::parse(&text).unwrap());
            assert_eq!(ours, serde_json::from_str::<T>(&text).ok(), "{text}");
        }
    }

    #[test]
    fn draft_reads_every_field_serde_writes() {
        let full = full_draft();
        // Every member differs from the default's, so each one is really checked.
        let (ours, default) = (
            serde_json::to_value(&full).unwrap(),
            serde_json::to_value(Draft::default()).unwrap(),
        );
        for (key, value) in ours.as_object().unwrap() {
            assert_ne!(
                &default[key], value,
                "{key} is at its default in full_draft()"
            );
        }
        assert_reads_like_serde(&full, |v| Draft::from_json(v.clone()));
        for source in [ScriptSource::Content, ScriptSource::ScriptId] {
            let d = Draft {
                source,
                ..full_draft()
            };
            assert_reads_like_serde(&d, |v| Draft::from_json(v.clone()));
        }
        for lang in ScriptLanguage::ALL {
            let d = Draft {
                script_language: lang,
                ..full_draft()
            };
            assert_reads_like_serde(&d, |v| Draft::from_json(v.clone()));
        }
    }

    #[test]
    fn a_strict_draft_refuses_what_serde_refuses() {
        let full = serde_json::to_value(full_draft()).unwrap();
        let strict = |v: &Value| Draft::from_json_strict(tinyjson::parse(&v.to_string()).unwrap());
        let serde = |v: &Value| serde_json::from_value::<Draft>(v.clone()).ok();
        assert_eq!(strict(&full), Some(full_draft()));
        let odd = [
            Value::Null,
            Value::from(1),
            Value::from(-1),
            Value::from(1.5),
            Value::from("x"),
            Value::from("ScriptId"),
            Value::from(true),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!({"expression": 5}),
            serde_json::json!({"mode": "3", "other": 1}),
        ];
        let members = full.as_object().unwrap();
        for key in members.keys().map(String::as_str).chain(["unknown"]) {
            for value in &odd {
                let mut doc = members.clone();
                doc.insert(key.to_owned(), value.clone());
                let doc = Value::Object(doc);
                if key == "rolling" && value.is_array() {
                    // serde's struct-as-array form, refused here (see from_json_strict)
                    assert_eq!(strict(&doc), None);
                    continue;
                }
                assert_eq!(strict(&doc), serde(&doc), "{doc}");
            }
        }
        for doc in [serde_json::json!({}), serde_json::json!([]), Value::Null] {
            assert_eq!(
                strict(&doc),
                serde(&doc).filter(|_| doc.is_object()),
                "{doc}"
            );
        }
        for lang in ScriptLanguage::ALL {
            let doc = serde_json::json!({ "script_language": lang.code() });
            assert_eq!(strict(&doc), serde(&doc), "{doc}");
        }
    }

    #[test]
    fn launch_data_reads_like_serde() {
        let full = FastExecuteScriptData {
            job_instance_id: 20_000_000_001,
            job_instance_name: "fastexec 中文".into(),
            step_instance_id: i64::MAX,
        };
        assert_reads_like_serde(&full, FastExecuteScriptData::from_json);
    }
}
