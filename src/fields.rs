//! Plain mapping between bkjob-api's [`Draft`] fields, the form's control names (= API field
//! names, the automation contract) and the texts shown beside them.

use bkjob_api::{split_bulk, Draft, Lang, ListCount, Violation};

use crate::i18n::{fill, t};

/// Every form control name (= API field), in the order the form shows them. The error summary
/// and "focus the first invalid field" follow this order.
pub const FIELD_ORDER: [&str; 19] = [
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
    "task_name",
    "callback_url",
];

/// Adapter: bkjob-api names some draft fields differently from the API (`scope_type`,
/// `scope_id`, `source`) and reports "no target at all" on `target_server`, which has no
/// control of its own; map them to the form control names.
pub fn form_name(draft_field: &str) -> &str {
    match draft_field {
        "scope_type" => "bk_scope_type",
        "scope_id" => "bk_scope_id",
        "source" => "script_source",
        "target_server" => "host_id_list",
        other => other,
    }
}

/// The form control a violation belongs to.
pub fn violation_field(v: &Violation) -> &str {
    form_name(v.field())
}

/// Position of a field in [`FIELD_ORDER`] (unknown fields last).
pub fn field_rank(name: &str) -> usize {
    FIELD_ORDER
        .iter()
        .position(|f| *f == name)
        .unwrap_or(FIELD_ORDER.len())
}

/// The typed bulk text of a target list field.
fn bulk_text<'a>(draft: &'a Draft, field: &str) -> Option<&'a str> {
    Some(match field {
        "host_id_list" => &draft.host_id_list,
        "ip_list" => &draft.ip_list,
        "dynamic_group_list" => &draft.dynamic_group_list,
        "topo_node_list" => &draft.topo_node_list,
        _ => return None,
    })
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
    let text = bulk_text(draft, violation_field(v))?;
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
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut hidden: Vec<usize> = Vec::new();
    let mut split: Vec<(&str, Vec<String>)> = Vec::new();
    for v in violations {
        let field = violation_field(v);
        let i = match out.iter().position(|(f, _)| f == field) {
            Some(i) => i,
            None => {
                // Inserted in form order, so no sort (and no sort code in the wasm) is needed.
                let rank = field_rank(field);
                let at = out
                    .iter()
                    .position(|(f, _)| field_rank(f) > rank)
                    .unwrap_or(out.len());
                out.insert(at, (field.to_owned(), Vec::new()));
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
            texts.push(fill(t(lang).more_messages, "n", &n.to_string()));
        }
    }
    FieldTexts(out)
}

/// Texts per form field, in form order ([`FIELD_ORDER`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldTexts(pub Vec<(String, Vec<String>)>);

impl FieldTexts {
    /// The texts of one field (empty when it has none).
    pub fn get(&self, field: &str) -> &[String] {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map_or(&[], |(_, t)| t.as_slice())
    }

    /// No field has a text.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The first field in form order that has an error.
pub fn first_invalid_field(errors: &[Violation]) -> Option<&str> {
    errors
        .iter()
        .map(violation_field)
        .min_by_key(|f| field_rank(f))
}

/// "Entries: 3 · duplicates dropped: 1" for a bulk list.
pub fn count_text(count: &ListCount, lang: Lang) -> String {
    let tx = t(lang);
    let mut s = fill(tx.count_entries, "n", &count.items.to_string());
    if count.duplicates > 0 {
        s.push_str(" · ");
        s.push_str(&fill(
            tx.count_duplicates,
            "n",
            &count.duplicates.to_string(),
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
        assert_eq!(form_name("scope_type"), "bk_scope_type");
        assert_eq!(form_name("scope_id"), "bk_scope_id");
        assert_eq!(form_name("timeout"), "timeout");
        assert_eq!(form_name("target_server"), "host_id_list");
    }

    #[test]
    fn errors_map_to_controls() {
        let d = Draft {
            scope_id: String::new(),
            timeout: "abc".into(),
            ..valid()
        };
        let out = validate_draft(&d, &Limits::default());
        let fields: Vec<&str> = out.errors.iter().map(violation_field).collect();
        assert!(fields.contains(&"timeout"), "{fields:?}");
        assert!(fields.contains(&"bk_scope_id"), "{fields:?}");
        assert_eq!(first_invalid_field(&out.errors), Some("bk_scope_id"));
    }

    #[test]
    fn empty_targets_point_at_host_ids() {
        let d = Draft {
            host_id_list: String::new(),
            ..valid()
        };
        let out = validate_draft(&d, &Limits::default());
        assert_eq!(first_invalid_field(&out.errors), Some("host_id_list"));
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
        let ip = map.get("ip_list");
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
        let ip = map.get("ip_list");
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
        let fields: Vec<&str> = texts.0.iter().map(|(f, _)| f.as_str()).collect();
        // BK-JOB checks task_name before the account; the form lists the account first.
        assert_eq!(fields, ["account_alias", "task_name"]);
        assert!(texts.get("script_content").is_empty());
        assert!(!texts.get("task_name").is_empty());
    }

    #[test]
    fn every_control_is_ranked() {
        for f in FIELD_ORDER {
            assert!(field_rank(f) < FIELD_ORDER.len());
        }
        assert_eq!(field_rank("nope"), FIELD_ORDER.len());
    }
}
