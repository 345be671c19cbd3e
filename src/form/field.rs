//! The form's fields as a model: the typed [`Field`] enum (every form control; its `name()` is
//! the control's `name` = the API field name, the automation contract, spelled only here), the
//! mapping from bkjob-api's [`Draft`] fields and violations to controls, and the texts shown
//! beside them. Plain Rust, unit-tested natively.

use bkjob_api::{split_bulk, Draft, Lang, ListCount, TargetCounts, Violation};

use crate::i18n::{fill, t};

/// Every control of the launch form, declared in the order the form shows them: the error
/// summary and "focus the first invalid field" follow this order (`Ord`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    /// `bk_scope_type`
    ScopeType,
    /// `bk_scope_id`
    ScopeId,
    /// `script_source` (the radio group)
    ScriptSource,
    /// `script_language`
    ScriptLanguage,
    /// `script_content` (the editor)
    ScriptContent,
    /// `script_id`
    ScriptId,
    /// `script_version_id`
    ScriptVersionId,
    /// `script_param`
    ScriptParam,
    /// `is_param_sensitive`
    IsParamSensitive,
    /// `timeout`
    Timeout,
    /// `account_alias`
    AccountAlias,
    /// `account_id`
    AccountId,
    /// `windows_interpreter`
    WindowsInterpreter,
    /// `host_id_list`
    HostIdList,
    /// `ip_list`
    IpList,
    /// `dynamic_group_list`
    DynamicGroupList,
    /// `topo_node_list`
    TopoNodeList,
    /// `rolling_config` (the "run in batches" switch; its fields are the rolling panel's)
    RollingConfig,
    /// `task_name`
    TaskName,
    /// `callback_url`
    CallbackUrl,
}

impl Field {
    /// Every control, in form order.
    pub const ALL: [Field; 20] = [
        Field::ScopeType,
        Field::ScopeId,
        Field::ScriptSource,
        Field::ScriptLanguage,
        Field::ScriptContent,
        Field::ScriptId,
        Field::ScriptVersionId,
        Field::ScriptParam,
        Field::IsParamSensitive,
        Field::Timeout,
        Field::AccountAlias,
        Field::AccountId,
        Field::WindowsInterpreter,
        Field::HostIdList,
        Field::IpList,
        Field::DynamicGroupList,
        Field::TopoNodeList,
        Field::RollingConfig,
        Field::TaskName,
        Field::CallbackUrl,
    ];

    /// The control's `name` (= API field name; the automation contract).
    pub fn name(self) -> &'static str {
        match self {
            Field::ScopeType => "bk_scope_type",
            Field::ScopeId => "bk_scope_id",
            Field::ScriptSource => "script_source",
            Field::ScriptLanguage => "script_language",
            Field::ScriptContent => "script_content",
            Field::ScriptId => "script_id",
            Field::ScriptVersionId => "script_version_id",
            Field::ScriptParam => "script_param",
            Field::IsParamSensitive => "is_param_sensitive",
            Field::Timeout => "timeout",
            Field::AccountAlias => "account_alias",
            Field::AccountId => "account_id",
            Field::WindowsInterpreter => "windows_interpreter",
            Field::HostIdList => "host_id_list",
            Field::IpList => "ip_list",
            Field::DynamicGroupList => "dynamic_group_list",
            Field::TopoNodeList => "topo_node_list",
            Field::RollingConfig => "rolling_config",
            Field::TaskName => "task_name",
            Field::CallbackUrl => "callback_url",
        }
    }

    /// The element id of the control (`f-<name>`), which labels, the error summary's links and
    /// "focus the first invalid field" point at.
    pub fn control_id(self) -> String {
        format!("f-{}", self.name())
    }

    /// The control of a bkjob-api draft field. Adapter: bkjob-api names some draft fields
    /// differently from the API (`scope_type`, `scope_id`, `source`) and reports "no target at
    /// all" on `target_server`, which has no control of its own. `None` for a name that is no
    /// form control.
    pub fn from_draft(draft_field: &str) -> Option<Field> {
        Some(match draft_field {
            "scope_type" => Field::ScopeType,
            "scope_id" => Field::ScopeId,
            "source" => Field::ScriptSource,
            "target_server" => Field::HostIdList,
            other => return Field::ALL.into_iter().find(|f| f.name() == other),
        })
    }
}

impl Field {
    /// The draft text a text control edits; `None` for the choice controls (source, language,
    /// sensitive, rolling), which hold no text.
    pub fn text(self, d: &Draft) -> Option<&String> {
        Some(match self {
            Field::ScopeType => &d.scope_type,
            Field::ScopeId => &d.scope_id,
            Field::ScriptContent => &d.script_content,
            Field::ScriptId => &d.script_id,
            Field::ScriptVersionId => &d.script_version_id,
            Field::ScriptParam => &d.script_param,
            Field::Timeout => &d.timeout,
            Field::AccountAlias => &d.account_alias,
            Field::AccountId => &d.account_id,
            Field::WindowsInterpreter => &d.windows_interpreter,
            Field::HostIdList => &d.host_id_list,
            Field::IpList => &d.ip_list,
            Field::DynamicGroupList => &d.dynamic_group_list,
            Field::TopoNodeList => &d.topo_node_list,
            Field::TaskName => &d.task_name,
            Field::CallbackUrl => &d.callback_url,
            Field::ScriptSource
            | Field::ScriptLanguage
            | Field::IsParamSensitive
            | Field::RollingConfig => return None,
        })
    }

    /// Store what was typed into the draft text of this control (nothing for a choice control).
    pub fn set_text(self, d: &mut Draft, value: String) {
        let slot = match self {
            Field::ScopeType => &mut d.scope_type,
            Field::ScopeId => &mut d.scope_id,
            Field::ScriptContent => &mut d.script_content,
            Field::ScriptId => &mut d.script_id,
            Field::ScriptVersionId => &mut d.script_version_id,
            Field::ScriptParam => &mut d.script_param,
            Field::Timeout => &mut d.timeout,
            Field::AccountAlias => &mut d.account_alias,
            Field::AccountId => &mut d.account_id,
            Field::WindowsInterpreter => &mut d.windows_interpreter,
            Field::HostIdList => &mut d.host_id_list,
            Field::IpList => &mut d.ip_list,
            Field::DynamicGroupList => &mut d.dynamic_group_list,
            Field::TopoNodeList => &mut d.topo_node_list,
            Field::TaskName => &mut d.task_name,
            Field::CallbackUrl => &mut d.callback_url,
            Field::ScriptSource
            | Field::ScriptLanguage
            | Field::IsParamSensitive
            | Field::RollingConfig => return,
        };
        *slot = value;
    }

    /// The entry count of a target list control; `None` for every other control.
    pub fn list_count(self, c: &TargetCounts) -> Option<ListCount> {
        Some(match self {
            Field::HostIdList => c.host_id_list,
            Field::IpList => c.ip_list,
            Field::DynamicGroupList => c.dynamic_group_list,
            Field::TopoNodeList => c.topo_node_list,
            _ => return None,
        })
    }
}

/// The form control a violation belongs to.
pub fn violation_field(v: &Violation) -> Option<Field> {
    Field::from_draft(v.field())
}

/// The typed bulk text of a target list field.
fn bulk_text(draft: &Draft, field: Field) -> Option<&str> {
    match field {
        Field::HostIdList | Field::IpList | Field::DynamicGroupList | Field::TopoNodeList => {
            field.text(draft).map(String::as_str)
        }
        _ => None,
    }
}

/// The index of a bulk-list entry in a violation path (`target_server.ip_list[2].ip` → 2).
fn entry_index(path: &str) -> Option<usize> {
    let open = path.find('[')?;
    let close = path[open..].find(']')? + open;
    path[open + 1..close].parse().ok()
}

/// For a violation on one entry of a bulk list (`target_server.ip_list[2].ip`), the entry as
/// typed, so the message can say which line is wrong.
pub fn offending_item(v: &Violation, draft: &Draft) -> Option<String> {
    let text = bulk_text(draft, violation_field(v)?)?;
    split_bulk(text)
        .items
        .into_iter()
        .nth(entry_index(&v.path)?)
}

/// The text shown for a violation: its message in `lang`, plus the offending entry if any.
pub fn violation_text(v: &Violation, draft: &Draft, lang: Lang) -> String {
    match offending_item(v, draft) {
        Some(item) => format!("{}: {item}", v.message(lang)),
        None => v.message(lang).to_owned(),
    }
}

/// At most this many messages are listed per field; the rest are summed up in one line.
pub const MAX_TEXTS_PER_FIELD: usize = 10;

/// Field → texts of its violations (errors or warnings), at most [`MAX_TEXTS_PER_FIELD`]
/// each plus a "N more" line. Each bulk list is split once, however many entries are wrong,
/// so a paste of thousands of bad lines stays cheap per keystroke.
pub fn texts_by_field(violations: &[Violation], draft: &Draft, lang: Lang) -> FieldTexts {
    // Vecs with linear lookups, not maps: there are at most ~20 fields, and the map code
    // would cost the wasm more than these loops cost a keystroke.
    let mut out: Vec<(Field, Vec<String>)> = Vec::new();
    let mut hidden: Vec<usize> = Vec::new();
    let mut split: Vec<(Field, Vec<String>)> = Vec::new();
    for v in violations {
        // Every violation of a draft belongs to a control (see the test `every_violation_has_a_control`).
        let Some(field) = violation_field(v) else {
            continue;
        };
        let i = match out.iter().position(|(f, _)| *f == field) {
            Some(i) => i,
            None => {
                // Inserted in form order, so no sort (and no sort code in the wasm) is needed.
                let at = out
                    .iter()
                    .position(|(f, _)| *f > field)
                    .unwrap_or(out.len());
                out.insert(at, (field, Vec::new()));
                hidden.insert(at, 0);
                at
            }
        };
        if out[i].1.len() >= MAX_TEXTS_PER_FIELD {
            hidden[i] += 1;
            continue;
        }
        let item = match (bulk_text(draft, field), entry_index(&v.path)) {
            (Some(text), Some(n)) => {
                let k = match split.iter().position(|(f, _)| *f == field) {
                    Some(k) => k,
                    None => {
                        split.push((field, split_bulk(text).items));
                        split.len() - 1
                    }
                };
                split[k].1.get(n).cloned()
            }
            _ => None,
        };
        let text = match item {
            Some(item) => format!("{}: {item}", v.message(lang)),
            None => v.message(lang).to_owned(),
        };
        if !out[i].1.contains(&text) {
            out[i].1.push(text);
        }
    }
    for ((_, texts), n) in out.iter_mut().zip(hidden) {
        if n > 0 {
            texts.push(fill(t(lang).more_messages, &[("n", &n.to_string())]));
        }
    }
    FieldTexts(out)
}

/// Texts per form field, in form order ([`Field::ALL`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldTexts(pub Vec<(Field, Vec<String>)>);

impl FieldTexts {
    /// The texts of one field (empty when it has none).
    pub fn get(&self, field: Field) -> &[String] {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(&[], |(_, t)| t.as_slice())
    }

    /// No field has a text.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The first field in form order that has an error.
pub fn first_invalid_field(errors: &[Violation]) -> Option<Field> {
    errors.iter().filter_map(violation_field).min()
}

/// "Entries: 3 · duplicates dropped: 1" for a bulk list.
pub fn count_text(count: &ListCount, lang: Lang) -> String {
    let tx = t(lang);
    let mut s = fill(tx.count_entries, &[("n", &count.items.to_string())]);
    if count.duplicates > 0 {
        s.push_str(" · ");
        s.push_str(&fill(
            tx.count_duplicates,
            &[("n", &count.duplicates.to_string())],
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use bkjob_api::{validate_draft, Limits};

    fn valid() -> Draft {
        Draft {
            scope_id: "2".into(),
            script_content: "echo hi".into(),
            account_alias: "root".into(),
            host_id_list: "101".into(),
            ..Draft::default()
        }
    }

    #[test]
    fn names_follow_the_api() {
        let form_name = |f| Field::from_draft(f).map(Field::name);
        assert_eq!(form_name("scope_type"), Some("bk_scope_type"));
        assert_eq!(form_name("scope_id"), Some("bk_scope_id"));
        assert_eq!(form_name("timeout"), Some("timeout"));
        assert_eq!(form_name("target_server"), Some("host_id_list"));
        assert_eq!(form_name("source"), Some("script_source"));
        assert_eq!(form_name("nope"), None);
        assert_eq!(Field::ScopeId.control_id(), "f-bk_scope_id");
    }

    /// The automation contract: the control names and their order, exactly as before the
    /// enum (the former `FIELD_ORDER`).
    #[test]
    fn each_text_control_edits_its_own_draft_field() {
        let mut d = Draft::default();
        for f in Field::ALL {
            f.set_text(&mut d, f.name().to_owned());
        }
        for f in Field::ALL {
            let choice = matches!(
                f,
                Field::ScriptSource
                    | Field::ScriptLanguage
                    | Field::IsParamSensitive
                    | Field::RollingConfig
            );
            assert_eq!(f.text(&d).is_none(), choice, "{f:?}");
            if let Some(text) = f.text(&d) {
                assert_eq!(text, f.name());
            }
        }
        assert_eq!(d.scope_id, "bk_scope_id");
        assert_eq!(d.topo_node_list, "topo_node_list");
        assert_eq!(
            d,
            Draft {
                source: d.source,
                ..d.clone()
            }
        );
        let counts = TargetCounts {
            ip_list: ListCount {
                items: 3,
                ..ListCount::default()
            },
            ..TargetCounts::default()
        };
        assert_eq!(Field::IpList.list_count(&counts).map(|c| c.items), Some(3));
        assert_eq!(
            Field::HostIdList.list_count(&counts).map(|c| c.items),
            Some(0)
        );
        assert_eq!(Field::Timeout.list_count(&counts), None);
    }

    #[test]
    fn names_and_order_are_the_contract() {
        let names = Field::ALL.map(Field::name);
        assert_eq!(
            names,
            [
                "bk_scope_type",
                "bk_scope_id",
                "script_source",
                "script_language",
                "script_content",
                "script_id",
                "script_version_id",
                "script_param",
                "is_param_sensitive",
                "timeout",
                "account_alias",
                "account_id",
                "windows_interpreter",
                "host_id_list",
                "ip_list",
                "dynamic_group_list",
                "topo_node_list",
                "rolling_config",
                "task_name",
                "callback_url",
            ]
        );
        for (i, f) in Field::ALL.into_iter().enumerate() {
            assert_eq!(Field::from_draft(f.name()), Some(f));
            assert_eq!(f as usize, i, "declaration order = form order");
        }
    }

    /// Drafts that break every rule the form can break: each violation maps to a control, so
    /// `texts_by_field` never drops one.
    #[test]
    fn every_violation_has_a_control() {
        let drafts = [
            Draft::default(),
            Draft {
                scope_type: "nope".into(),
                scope_id: "x".into(),
                script_content: String::new(),
                script_param: "p".repeat(70_000),
                is_param_sensitive: true,
                timeout: "0".into(),
                account_alias: String::new(),
                account_id: "x".into(),
                windows_interpreter: "a.sh".into(),
                host_id_list: "x\n0".into(),
                ip_list: "999.0.0.1\nx:1.1.1.1".into(),
                dynamic_group_list: " ".into(),
                topo_node_list: "x:\n:1".into(),
                task_name: "x".repeat(600),
                callback_url: "ftp://x".into(),
                ..valid()
            },
            Draft {
                source: bkjob_api::ScriptSource::ScriptVersionId,
                script_version_id: "x".into(),
                timeout: "99999999".into(),
                ..valid()
            },
            Draft {
                source: bkjob_api::ScriptSource::ScriptId,
                script_language: bkjob_api::ScriptLanguage::Bat,
                host_id_list: String::new(),
                ..valid()
            },
        ];
        for d in drafts {
            let out = validate_draft(&d, &Limits::default());
            assert!(!out.errors.is_empty());
            for v in out.errors.iter().chain(&out.warnings) {
                assert!(violation_field(v).is_some(), "{} has no control", v.path);
            }
        }
    }

    #[test]
    fn errors_map_to_controls() {
        let d = Draft {
            scope_id: String::new(),
            timeout: "abc".into(),
            ..valid()
        };
        let out = validate_draft(&d, &Limits::default());
        let fields: Vec<&str> = out
            .errors
            .iter()
            .filter_map(violation_field)
            .map(Field::name)
            .collect();
        assert!(fields.contains(&"timeout"), "{fields:?}");
        assert!(fields.contains(&"bk_scope_id"), "{fields:?}");
        assert_eq!(
            first_invalid_field(&out.errors).map(Field::name),
            Some("bk_scope_id")
        );
    }

    #[test]
    fn empty_targets_point_at_host_ids() {
        let d = Draft {
            host_id_list: String::new(),
            ..valid()
        };
        let out = validate_draft(&d, &Limits::default());
        assert_eq!(
            first_invalid_field(&out.errors).map(Field::name),
            Some("host_id_list")
        );
    }

    #[test]
    fn bad_list_entry_is_named() {
        let d = Draft {
            host_id_list: String::new(),
            ip_list: "10.0.0.1\n10.0.0.1\n0:999.1.1.1".into(),
            ..valid()
        };
        let out = validate_draft(&d, &Limits::default());
        let map = texts_by_field(&out.errors, &d, Lang::En);
        let ip = map.get(Field::IpList);
        assert!(ip[0].ends_with(": 0:999.1.1.1"), "{ip:?}");
        assert_eq!(
            count_text(&out.counts.ip_list, Lang::En),
            "Entries: 2 · duplicates dropped: 1"
        );
        assert_eq!(count_text(&out.counts.host_id_list, Lang::ZhCn), "0 项");
        assert_eq!(
            offending_item(&out.errors[0], &d).as_deref(),
            Some("0:999.1.1.1")
        );
    }

    #[test]
    fn many_bad_entries_are_capped() {
        let bad: Vec<String> = (0..5000).map(|i| format!("999.0.0.{i}")).collect();
        let d = Draft {
            host_id_list: String::new(),
            ip_list: bad.join("\n"),
            ..valid()
        };
        let out = validate_draft(&d, &Limits::default());
        assert_eq!(out.errors.len(), 5000);
        let map = texts_by_field(&out.errors, &d, Lang::En);
        let ip = map.get(Field::IpList);
        assert_eq!(ip.len(), MAX_TEXTS_PER_FIELD + 1);
        assert!(ip[0].ends_with(": 999.0.0.0"), "{ip:?}");
        assert_eq!(ip[MAX_TEXTS_PER_FIELD], "… and 4990 more");
    }

    #[test]
    fn texts_come_in_form_order() {
        let d = Draft {
            task_name: "x".repeat(600),
            account_alias: String::new(),
            account_id: String::new(),
            ..valid()
        };
        let out = validate_draft(&d, &Limits::default());
        let texts = texts_by_field(&out.errors, &d, Lang::En);
        let fields: Vec<&str> = texts.0.iter().map(|(f, _)| f.name()).collect();
        // BK-JOB checks task_name before the account; the form lists the account first.
        assert_eq!(fields, ["account_alias", "task_name"]);
        assert!(texts.get(Field::ScriptContent).is_empty());
        assert!(!texts.get(Field::TaskName).is_empty());
    }

    #[test]
    fn every_control_is_ranked() {
        // Ranked by declaration: every control has a place, an unknown name is no control.
        for pair in Field::ALL.windows(2) {
            assert!(pair[0] < pair[1]);
        }
        assert_eq!(Field::from_draft("nope"), None);
    }
}
