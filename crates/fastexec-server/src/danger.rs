//! Dangerous-script rules (BK-JOB 高危语句规则, contract §3.4, code 1244019).
//!
//! Like BK-JOB, the script text is checked line by line against every enabled rule of the
//! script's language. A match of an intercept rule refuses the launch; a match of a scan rule
//! is only recorded (BK-JOB keeps a record; here it is an info log, without the script text).
//!
//! This module owns the rules' configuration types (`[[dangerous_rules]]`); the config file
//! only holds them and calls [`DangerRules::compile`] to refuse bad rules at load time.

use anyhow::bail;
use regex::Regex;
use serde::Deserialize;

/// A dangerous-script rule (BK-JOB `DangerousRule`): a regular expression matched against each
/// line of a script of the listed languages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DangerousRuleConfig {
    /// Regular expression (Rust `regex` syntax), searched for in each line.
    pub expression: String,
    /// `script_language` codes (1..=6) the rule applies to; empty = every language.
    #[serde(default)]
    pub script_languages: Vec<i32>,
    /// `"scan"` (1, record only) or `"intercept"` (2, refuse with 1244019).
    pub action: DangerousAction,
    #[serde(default)]
    pub description: Option<String>,
    /// Disabled rules are kept but never applied (BK-JOB's rule status).
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
}

/// BK-JOB `DangerousRuleActionEnum`: 1 scan, 2 intercept. Written as a name or its code.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(try_from = "ActionValue")]
pub enum DangerousAction {
    Scan,
    Intercept,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ActionValue {
    Name(String),
    Code(i64),
}

impl TryFrom<ActionValue> for DangerousAction {
    type Error = String;
    fn try_from(v: ActionValue) -> Result<Self, String> {
        match v {
            ActionValue::Name(n) if n == "scan" => Ok(DangerousAction::Scan),
            ActionValue::Name(n) if n == "intercept" => Ok(DangerousAction::Intercept),
            ActionValue::Code(1) => Ok(DangerousAction::Scan),
            ActionValue::Code(2) => Ok(DangerousAction::Intercept),
            ActionValue::Name(n) => Err(format!("action {n:?} is not \"scan\" or \"intercept\"")),
            ActionValue::Code(c) => Err(format!("action {c} is not 1 (scan) or 2 (intercept)")),
        }
    }
}

fn enabled_by_default() -> bool {
    true
}

#[derive(Debug)]
struct Rule {
    /// 1-based position in `[[dangerous_rules]]`, to name the rule in logs.
    number: usize,
    regex: Regex,
    /// Empty = every language.
    languages: Vec<i32>,
    action: DangerousAction,
    description: String,
}

/// The enabled rules, compiled.
#[derive(Debug, Default)]
pub struct DangerRules {
    rules: Vec<Rule>,
}

/// One rule that matched, with where (one entry per rule, so a rule matching many lines of a
/// big script is still one log line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// 1-based position of the rule in `[[dangerous_rules]]`.
    pub rule: usize,
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
        let mut rules = Vec::new();
        for (i, r) in cfg.iter().enumerate() {
            let number = i + 1;
            let description = r.description.clone().unwrap_or_default();
            let name = if description.is_empty() {
                format!("dangerous_rules #{number}")
            } else {
                format!("dangerous_rules #{number} ({description:?})")
            };
            if r.expression.is_empty() {
                bail!("{name}: expression is empty (it would match every line)");
            }
            let regex = match Regex::new(&r.expression) {
                Ok(re) => re,
                Err(e) => bail!(
                    "{name}: expression {:?} is not a valid regular expression: {e}",
                    r.expression
                ),
            };
            if let Some(l) = r.script_languages.iter().find(|l| !(1..=6).contains(*l)) {
                bail!("{name}: script_languages has {l}, not a script_language code 1..6");
            }
            if r.enabled {
                rules.push(Rule {
                    number,
                    regex,
                    languages: r.script_languages.clone(),
                    action: r.action,
                    description,
                });
            }
        }
        Ok(DangerRules { rules })
    }

    /// The rules that match a line of a script of `language`, in rule order.
    pub fn check(&self, language: i32, content: &str) -> Vec<Hit> {
        let rules: Vec<&Rule> = self
            .rules
            .iter()
            .filter(|r| r.languages.is_empty() || r.languages.contains(&language))
            .collect();
        if rules.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<Option<Hit>> = vec![None; rules.len()];
        for (i, line) in content.split('\n').enumerate() {
            // CRLF scripts: Java's `$` also matches before a final `\r`.
            let line = line.strip_suffix('\r').unwrap_or(line);
            for (r, hit) in rules.iter().zip(hits.iter_mut()) {
                if r.regex.is_match(line) {
                    hit.get_or_insert_with(|| Hit {
                        rule: r.number,
                        description: r.description.clone(),
                        action: r.action,
                        first_line: i + 1,
                        lines: 0,
                    })
                    .lines += 1;
                }
            }
        }
        hits.into_iter().flatten().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(expr: &str, langs: &[i32], action: DangerousAction) -> DangerousRuleConfig {
        DangerousRuleConfig {
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
        assert!(DangerRules::compile(&[off])
            .unwrap()
            .check(1, "echo")
            .is_empty());
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
}
