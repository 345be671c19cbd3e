//! Dangerous-script rules (高危语句规则, code 1244019): the one matcher the browser and the
//! stand-in server share, so they never disagree on a script.
//!
//! It follows BK-JOB's `DangerousRuleScriptChecker` / `DefaultChecker.checkScriptLines`
//! (job-manage `manager/script/check/checker/`): the script is split on `\n`; blank lines and
//! comment lines of the script's language are skipped (`#` after trimming for shell, perl,
//! python and powershell, `REM` for bat, none for SQL); each enabled rule of the language is
//! searched for (`Matcher.find`) in each remaining line, one result per rule and line; results
//! are ordered by line, then by rule order. A trailing `\r` is dropped first, so `$` matches
//! at the end of a CRLF line as Java's `$` does before a final line terminator.
//!
//! Expressions are `regex-lite` syntax, the regex project's small engine, the same in the
//! server and the browser (BK-JOB's are Java's): look-around and backreferences do not
//! compile, classes are ASCII (`\w` = `[0-9A-Za-z_]`, `(?i)` folds ASCII), as Java's are by
//! default, and `\p{..}` classes are refused.

use core::ops::Range;

use regex_lite::Regex;

use crate::types::DangerousRule;

/// BK-JOB `DangerousRuleActionEnum`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DangerousAction {
    /// 1: the match is only recorded.
    Scan,
    /// 2: the launch is refused with 1244019.
    Intercept,
}

impl DangerousAction {
    /// BK-JOB's code: 1 scan, 2 intercept.
    pub fn code(self) -> i32 {
        match self {
            DangerousAction::Scan => 1,
            DangerousAction::Intercept => 2,
        }
    }

    /// The action of a code; `None` for anything but 1 and 2.
    pub fn from_code(code: i32) -> Option<DangerousAction> {
        match code {
            1 => Some(DangerousAction::Scan),
            2 => Some(DangerousAction::Intercept),
            _ => None,
        }
    }
}

/// One rule, as configured (server) or as `get_dangerous_rule_list` answers it (browser).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleDef {
    /// BK-JOB's rule id.
    pub id: i64,
    /// Regular expression searched for in each line.
    pub expression: String,
    /// `script_language` codes the rule applies to; empty = every language.
    pub languages: Vec<i32>,
    /// Scan or intercept.
    pub action: DangerousAction,
    /// What the rule is about (shown to the user).
    pub description: String,
    /// Disabled rules are kept but never match (BK-JOB status 0).
    pub enabled: bool,
}

impl RuleDef {
    /// A rule of a `get_dangerous_rule_list` answer; `None` for an action this crate does not
    /// know (BK-JOB has only 1 and 2).
    pub fn from_wire(r: &DangerousRule) -> Option<RuleDef> {
        Some(RuleDef {
            id: r.id,
            expression: r.expression.clone(),
            languages: r.script_language_list.clone(),
            action: DangerousAction::from_code(r.action)?,
            description: r.description.clone().unwrap_or_default(),
            enabled: r.status == 1,
        })
    }

    fn applies_to(&self, language: i32) -> bool {
        self.enabled && (self.languages.is_empty() || self.languages.contains(&language))
    }
}

/// A rule whose expression does not compile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    /// Index of the rule in the list given to [`DangerMatcher::compile`].
    pub index: usize,
    /// Its id.
    pub id: i64,
    /// The regex crate's explanation.
    pub message: String,
}

/// One rule matching one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DangerMatch {
    /// Index of the rule in the list given to [`DangerMatcher::compile`].
    pub rule: usize,
    /// The rule's id.
    pub rule_id: i64,
    /// The rule's action.
    pub action: DangerousAction,
    /// 1-based line number.
    pub line: usize,
    /// 1-based column (in characters) of the first matched character.
    pub column: usize,
    /// 1-based column just past the match (`end_column - column` = matched characters).
    pub end_column: usize,
    /// The match as byte offsets in the line (without its `\r`).
    pub bytes: Range<usize>,
}

/// Compiled rules.
#[derive(Clone, Debug, Default)]
pub struct DangerMatcher {
    rules: Vec<RuleDef>,
    /// Same order as `rules`; `None` for an expression that did not compile.
    regexes: Vec<Option<Regex>>,
}

impl DangerMatcher {
    /// Compile every rule, disabled ones too; the first that does not compile is the error.
    pub fn compile(rules: Vec<RuleDef>) -> Result<DangerMatcher, RuleError> {
        let (m, errors) = DangerMatcher::compile_lenient(rules);
        match errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(m),
        }
    }

    /// Compile what compiles; the others never match and are listed (the browser shows the
    /// rules it cannot check rather than refusing them all).
    pub fn compile_lenient(rules: Vec<RuleDef>) -> (DangerMatcher, Vec<RuleError>) {
        let mut errors = Vec::new();
        let regexes = rules
            .iter()
            .enumerate()
            .map(|(index, r)| match Regex::new(&r.expression) {
                Ok(re) => Some(re),
                Err(e) => {
                    errors.push(RuleError {
                        index,
                        id: r.id,
                        message: e.to_string(),
                    });
                    None
                }
            })
            .collect();
        (DangerMatcher { rules, regexes }, errors)
    }

    /// The rules, in the order given.
    pub fn rules(&self) -> &[RuleDef] {
        &self.rules
    }

    /// Every (rule, line) match of a script of `language`, by line, then rule order.
    pub fn matches(&self, language: i32, script: &str) -> Vec<DangerMatch> {
        let active: Vec<(usize, &Regex)> = self
            .regexes
            .iter()
            .enumerate()
            .filter(|(i, _)| self.rules[*i].applies_to(language))
            .filter_map(|(i, re)| re.as_ref().map(|re| (i, re)))
            .collect();
        let mut out = Vec::new();
        if active.is_empty() {
            return out;
        }
        for (n, line) in script.split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if skipped(language, line) {
                continue;
            }
            for &(i, re) in &active {
                if let Some(m) = re.find(line) {
                    let column = line[..m.start()].chars().count() + 1;
                    out.push(DangerMatch {
                        rule: i,
                        rule_id: self.rules[i].id,
                        action: self.rules[i].action,
                        line: n + 1,
                        column,
                        end_column: column + m.as_str().chars().count(),
                        bytes: m.range(),
                    });
                }
            }
        }
        out
    }

    /// Would an intercept rule refuse this script (BK-JOB's 1244019)?
    pub fn intercepts(&self, language: i32, script: &str) -> bool {
        self.matches(language, script)
            .iter()
            .any(|m| m.action == DangerousAction::Intercept)
    }
}

/// Blank lines and the language's comment lines are not checked (BK-JOB `isComment`,
/// `StringUtils.isBlank`; `String.trim` strips characters up to U+0020).
fn skipped(language: i32, line: &str) -> bool {
    if line.chars().all(java_whitespace) {
        return true;
    }
    let t = crate::lenient::java_trim(line);
    match language {
        1 | 3 | 4 | 5 => t.starts_with('#'),
        2 => t.starts_with("REM"),
        _ => false,
    }
}

/// Java's `Character.isWhitespace` (what `StringUtils.isBlank` tests): Unicode spaces but not
/// the no-break ones, line and paragraph separators, and the ASCII controls 9-13 and 28-31.
fn java_whitespace(c: char) -> bool {
    match c {
        '\t'..='\r' | '\u{1c}'..='\u{1f}' => true,
        '\u{85}' | '\u{a0}' | '\u{2007}' | '\u{202f}' => false,
        c => c.is_whitespace(),
    }
}

#[cfg(test)]
mod tests;
