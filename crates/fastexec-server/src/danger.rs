//! Dangerous-script rules (BK-JOB 高危语句规则, contract §3.4, code 1244019).
//!
//! The matching is `bkjob_api::danger`, the same code the browser runs, so the two never
//! disagree: each non-blank, non-comment line of the script is searched with every enabled
//! rule of the script's language. A match of an intercept rule refuses the launch; a match of
//! a scan rule is only recorded (BK-JOB keeps a record; here it is an info log, without the
//! script text).
//!
//! This module owns the rules' configuration types (`[[dangerous_rules]]`); the config file
//! only holds them and calls [`DangerRules::compile`] to refuse bad rules at load time.

use std::collections::HashSet;

use anyhow::bail;
pub use bkjob_api::danger::{DangerMatch, DangerousAction};
use bkjob_api::danger::{DangerMatcher, RuleDef};
use serde::{Deserialize, Deserializer};

/// A dangerous-script rule (BK-JOB `DangerousRule`): a regular expression matched against each
/// line of a script of the listed languages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DangerousRuleConfig {
    /// The rule's id in `get_dangerous_rule_list`; absent = its 1-based position in
    /// `[[dangerous_rules]]`, so ids stay put as long as rules are only appended.
    #[serde(default)]
    pub id: Option<i64>,
    /// Regular expression (`regex-lite` syntax, shared with the browser), searched for in each line.
    pub expression: String,
    /// `script_language` codes (1..=6) the rule applies to; empty = every language.
    #[serde(default)]
    pub script_languages: Vec<i32>,
    /// `"scan"` (1, record only) or `"intercept"` (2, refuse with 1244019).
    #[serde(deserialize_with = "action")]
    pub action: DangerousAction,
    #[serde(default)]
    pub description: Option<String>,
    /// Disabled rules are kept (and listed, status 0) but never applied.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
}

/// An action written as a name or as BK-JOB's code.
fn action<'de, D: Deserializer<'de>>(d: D) -> Result<DangerousAction, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum ActionValue {
        Name(String),
        Code(i64),
    }
    let err = |m: String| serde::de::Error::custom(m);
    match ActionValue::deserialize(d)? {
        ActionValue::Name(n) if n == "scan" => Ok(DangerousAction::Scan),
        ActionValue::Name(n) if n == "intercept" => Ok(DangerousAction::Intercept),
        ActionValue::Code(1) => Ok(DangerousAction::Scan),
        ActionValue::Code(2) => Ok(DangerousAction::Intercept),
        ActionValue::Name(n) => Err(err(format!(
            "action {n:?} is not \"scan\" or \"intercept\""
        ))),
        ActionValue::Code(c) => Err(err(format!("action {c} is not 1 (scan) or 2 (intercept)"))),
    }
}

fn enabled_by_default() -> bool {
    true
}

/// Every configured rule (disabled ones too, for the list API), compiled.
#[derive(Debug, Default)]
pub struct DangerRules {
    matcher: DangerMatcher,
    /// When the rules were loaded (Unix ms): their creation and last change as listed.
    loaded_at: i64,
}

/// One rule that matched, with where (one entry per rule, so a rule matching many lines of a
/// big script is still one log line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The rule's id.
    pub rule: i64,
    pub description: String,
    pub action: DangerousAction,
    /// 1-based number of the first matching line.
    pub first_line: usize,
    /// How many lines match.
    pub lines: usize,
}

impl DangerRules {
    /// Compile the configured rules; an invalid one is an error naming it (position and
    /// description), so a bad config is refused when it is loaded.
    pub fn compile(cfg: &[DangerousRuleConfig]) -> anyhow::Result<DangerRules> {
        let mut defs = Vec::with_capacity(cfg.len());
        let mut ids = HashSet::new();
        let name = |number: usize, description: &str| {
            if description.is_empty() {
                format!("dangerous_rules #{number}")
            } else {
                format!("dangerous_rules #{number} ({description:?})")
            }
        };
        for (i, r) in cfg.iter().enumerate() {
            let number = i + 1;
            let description = r.description.clone().unwrap_or_default();
            let name = name(number, &description);
            let id = r.id.unwrap_or(number as i64);
            if id < 1 {
                bail!("{name}: id {id} must be at least 1");
            }
            if !ids.insert(id) {
                bail!("{name}: id {id} is already another rule's (ids default to positions)");
            }
            if r.expression.is_empty() {
                bail!("{name}: expression is empty (it would match every line)");
            }
            if let Some(l) = r.script_languages.iter().find(|l| !(1..=6).contains(*l)) {
                bail!("{name}: script_languages has {l}, not a script_language code 1..6");
            }
            defs.push(RuleDef {
                id,
                expression: r.expression.clone(),
                languages: r.script_languages.clone(),
                action: r.action,
                description,
                enabled: r.enabled,
            });
        }
        match DangerMatcher::compile(defs) {
            Ok(matcher) => Ok(DangerRules {
                matcher,
                loaded_at: crate::db::now_ms(),
            }),
            Err(e) => {
                let r = &cfg[e.index];
                bail!(
                    "{}: expression {:?} is not a valid regular expression: {}",
                    name(e.index + 1, r.description.as_deref().unwrap_or_default()),
                    r.expression,
                    e.message
                )
            }
        }
    }

    /// When the rules were loaded (Unix ms).
    pub fn loaded_at(&self) -> i64 {
        self.loaded_at
    }

    /// Every rule in config order, with its resolved id.
    pub fn rules(&self) -> &[RuleDef] {
        self.matcher.rules()
    }

    /// Every (rule, line) match, as the browser computes it.
    pub fn matches(&self, language: i32, content: &str) -> Vec<DangerMatch> {
        self.matcher.matches(language, content)
    }

    /// The rules that match a line of a script of `language`, in rule order.
    pub fn check(&self, language: i32, content: &str) -> Vec<Hit> {
        let mut hits: Vec<Hit> = Vec::new();
        for m in self.matches(language, content) {
            match hits.iter_mut().find(|h| h.rule == m.rule_id) {
                Some(h) => h.lines += 1,
                None => hits.push(Hit {
                    rule: m.rule_id,
                    description: self.rules()[m.rule].description.clone(),
                    action: m.action,
                    first_line: m.line,
                    lines: 1,
                }),
            }
        }
        let order = |h: &Hit| self.rules().iter().position(|r| r.id == h.rule);
        hits.sort_by_key(order);
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(expr: &str, langs: &[i32], action: DangerousAction) -> DangerousRuleConfig {
        DangerousRuleConfig {
            id: None,
            expression: expr.to_string(),
            script_languages: langs.to_vec(),
            action,
            description: None,
            enabled: true,
        }
    }

    #[test]
    fn line_by_line_with_language_filter() {
        let rules = DangerRules::compile(&[
            rule(r"rm\s+-rf\s+/(\s|$|\*)", &[1], DangerousAction::Intercept),
            rule(r"^shutdown\b", &[], DangerousAction::Scan),
        ])
        .unwrap();
        let hits = rules.check(1, "echo ok\r\nrm -rf /\r\nshutdown -h now\nshutdown\n");
        assert_eq!(
            hits.iter()
                .map(|h| (h.rule, h.first_line, h.lines))
                .collect::<Vec<_>>(),
            vec![(1, 2, 1), (2, 3, 2)]
        );
        // Hits are in rule order even when a later rule matches an earlier line.
        let hits = rules.check(1, "shutdown\nrm -rf /");
        assert_eq!(hits.iter().map(|h| h.rule).collect::<Vec<_>>(), vec![1, 2]);
        // `^` anchors at the start of each line, not only of the script.
        assert_eq!(rules.check(4, "x = 1\nshutdown\n").len(), 1);
        assert!(rules.check(4, "rm -rf /").is_empty());
        assert!(rules.check(1, "rm -rf /tmp/x\necho rm -rf /tmp").is_empty());
        assert_eq!(rules.check(1, "sudo rm  -rf /*").len(), 1);
    }

    #[test]
    fn disabled_rules_are_ignored_and_bad_ones_named() {
        let mut off = rule("echo", &[], DangerousAction::Intercept);
        off.enabled = false;
        let rules = DangerRules::compile(&[off]).unwrap();
        assert!(rules.check(1, "echo").is_empty());
        assert_eq!(rules.rules().len(), 1, "disabled rules are still listed");
        let mut bad = rule("(unclosed", &[], DangerousAction::Intercept);
        bad.description = Some("my rule".into());
        let e = DangerRules::compile(&[rule("ok", &[], DangerousAction::Scan), bad])
            .unwrap_err()
            .to_string();
        assert!(e.contains("dangerous_rules #2 (\"my rule\")"), "{e}");
        assert!(e.contains("(unclosed"), "{e}");
        let e = DangerRules::compile(&[rule("x", &[7], DangerousAction::Scan)])
            .unwrap_err()
            .to_string();
        assert!(e.contains("script_languages"), "{e}");
    }

    #[test]
    fn ids_default_to_positions_and_must_be_unique() {
        let mut second = rule("b", &[], DangerousAction::Scan);
        second.id = Some(10);
        let rules = DangerRules::compile(&[
            rule("a", &[], DangerousAction::Scan),
            second,
            rule("c", &[], DangerousAction::Scan),
        ])
        .unwrap();
        let ids: Vec<i64> = rules.rules().iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![1, 10, 3]);
        let mut clash = rule("b", &[], DangerousAction::Scan);
        clash.id = Some(1);
        let e = DangerRules::compile(&[rule("a", &[], DangerousAction::Scan), clash])
            .unwrap_err()
            .to_string();
        assert!(e.contains("dangerous_rules #2: id 1 is already"), "{e}");
        let mut zero = rule("a", &[], DangerousAction::Scan);
        zero.id = Some(0);
        assert!(DangerRules::compile(&[zero]).is_err());
    }
}
