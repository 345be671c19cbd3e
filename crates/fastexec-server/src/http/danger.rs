//! `get_dangerous_rule_list`: the configured dangerous-script rules, in BK-JOB's ESB shape
//! (job-manage `EsbDangerousRuleV3ResourceImpl.getDangerousRuleListUsingPost`).
//!
//! BK-JOB reads the body (a type error is 1240003), then checks `high-risk_detect_rule`, an
//! IAM action on no resource (9900403 naming it; by default only platform admins hold it),
//! then lists the rules in their order, filtered by the request (all filters AND-ed, see
//! `CurrentTenantDangerousRuleDAOImpl.buildConditionList`). The request names no scope, so no
//! scope interceptor runs. Disabled rules are listed too (status 0).

use axum::extract::State;
use bkjob_api::danger::RuleDef;
use bkjob_api::{DangerousRule, GetDangerousRuleListRequest, Permission};

use super::auth::Caller;
use super::error::Meta;
use super::extractor::BkJson;
use super::{ApiResult, St};

/// Languages of a rule configured for "every language" (BK-JOB stores a bit per language, so
/// its rules always list them).
const ALL_LANGUAGES: [i32; 6] = [1, 2, 3, 4, 5, 6];

/// POST (gateway) and the ESB route.
pub async fn get_dangerous_rule_list(
    State(state): St,
    caller: Caller,
    meta: Meta,
    BkJson(req): BkJson<GetDangerousRuleListRequest>,
) -> ApiResult<Vec<DangerousRule>> {
    const ACTION: &str = "high-risk_detect_rule";
    if !state.dir.allowed_system(&caller.username, ACTION) {
        return Err(meta.denied(
            &caller.username,
            Permission::system_action(ACTION, meta.lang),
        ));
    }
    let rules = &state.danger;
    let list = rules
        .rules()
        .iter()
        .filter(|r| keep(&req, r))
        .map(|r| DangerousRule {
            id: r.id,
            expression: r.expression.clone(),
            script_language_list: languages(r),
            description: Some(r.description.clone()),
            action: r.action.code(),
            status: i32::from(r.enabled),
            // The rules come from the configuration, which the platform admin writes.
            creator: Some("admin".into()),
            create_time: Some(rules.loaded_at()),
            last_modify_user: Some("admin".into()),
            last_modify_time: Some(rules.loaded_at()),
        })
        .collect();
    Ok(meta.ok(list))
}

fn languages(r: &RuleDef) -> Vec<i32> {
    if r.languages.is_empty() {
        ALL_LANGUAGES.to_vec()
    } else {
        let mut l = r.languages.clone();
        l.sort_unstable();
        l.dedup();
        l
    }
}

/// BK-JOB's filters: `LIKE '%…%'` on expression and description when not blank; rules sharing
/// a language bit with the list (codes outside 1..=8 add no bit, so `[]` or `[9]` match
/// nothing); the action as Java's `Integer.byteValue` makes it.
fn keep(req: &GetDangerousRuleListRequest, r: &RuleDef) -> bool {
    let not_blank = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
    if let Some(e) = not_blank(&req.expression) {
        if !like_contains(&r.expression, &e) {
            return false;
        }
    }
    if let Some(d) = not_blank(&req.description) {
        if !like_contains(&r.description, &d) {
            return false;
        }
    }
    if let Some(list) = &req.script_language_list {
        let bits = |l: &[i32]| {
            l.iter()
                .filter(|t| (1..=8).contains(*t))
                .fold(0u32, |m, t| m | 1 << (t - 1))
        };
        if bits(&languages(r)) & bits(list) == 0 {
            return false;
        }
    }
    if let Some(a) = req.action {
        if i32::from(a as i8) != r.action.code() {
            return false;
        }
    }
    true
}

/// MySQL's `text LIKE '%needle%'` under a case-insensitive collation: in `needle`, `%` is any
/// run of characters, `_` any one character, and `\` escapes the next one.
fn like_contains(text: &str, needle: &str) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum P {
        Any,
        One,
        Char(char),
    }
    let lower = |c: char| c.to_lowercase().next().unwrap_or(c);
    let mut pat = vec![P::Any];
    let mut chars = needle.chars();
    while let Some(c) = chars.next() {
        pat.push(match c {
            '%' => P::Any,
            '_' => P::One,
            '\\' => P::Char(lower(chars.next().unwrap_or('\\'))),
            c => P::Char(lower(c)),
        });
    }
    pat.push(P::Any);
    let text: Vec<char> = text.chars().map(lower).collect();
    // Wildcard matching with one backtrack point (the last `%`): linear in practice.
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pat.get(p) {
            Some(P::Any) => {
                star = Some((p, t));
                p += 1;
            }
            Some(P::One) => {
                t += 1;
                p += 1;
            }
            Some(P::Char(c)) if *c == text[t] => {
                t += 1;
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pat[p..].iter().all(|x| *x == P::Any)
}

#[cfg(test)]
mod tests {
    use super::like_contains;

    #[test]
    fn like_is_a_case_insensitive_contains_with_wildcards() {
        assert!(like_contains(r"rm\s+-rf", "rm"));
        assert!(like_contains("Shutdown now", "SHUT"));
        assert!(like_contains("rm -rf /", "r_ -"));
        assert!(like_contains("rm -rf /", "rm%/"));
        assert!(!like_contains("rm -rf /", "/%rm"));
        assert!(like_contains("100%", r"0\%"));
        assert!(!like_contains("1000", r"0\%"));
        assert!(like_contains(r"a\sb", r"\\s"));
        assert!(like_contains("anything", ""));
        assert!(!like_contains("", "x"));
    }
}
