use super::*;

fn rule(id: i64, expr: &str, langs: &[i32], action: DangerousAction) -> RuleDef {
    RuleDef {
        id,
        expression: expr.to_string(),
        languages: langs.to_vec(),
        action,
        description: format!("rule {id}"),
        enabled: true,
    }
}

fn matcher(rules: Vec<RuleDef>) -> DangerMatcher {
    DangerMatcher::compile(rules).unwrap()
}

/// (rule id, line, column, end column) of every match.
fn found(m: &DangerMatcher, language: i32, script: &str) -> Vec<(i64, usize, usize, usize)> {
    m.matches(language, script)
        .iter()
        .map(|h| (h.rule_id, h.line, h.column, h.end_column))
        .collect()
}

use DangerousAction::{Intercept, Scan};

#[test]
fn language_scope() {
    let m = matcher(vec![
        rule(1, r"rm\s+-rf\s+/(\s|$|\*)", &[1], Intercept),
        rule(2, "shutdown", &[], Scan),
        rule(3, "format", &[2, 5], Intercept),
    ]);
    assert_eq!(found(&m, 1, "rm -rf /"), vec![(1, 1, 1, 9)]);
    assert!(m.intercepts(1, "rm -rf /"));
    // The shell rule does not apply to python; the every-language rule does.
    assert!(found(&m, 4, "rm -rf /").is_empty());
    assert_eq!(found(&m, 4, "x = 'shutdown'"), vec![(2, 1, 6, 14)]);
    assert!(!m.intercepts(4, "shutdown"));
    assert_eq!(found(&m, 2, "format c:"), vec![(3, 1, 1, 7)]);
    assert!(found(&m, 1, "format c:").is_empty());
    // Unknown languages only meet the every-language rules.
    assert_eq!(found(&m, 99, "format; shutdown").len(), 1);
}

#[test]
fn disabled_rules_never_match() {
    let mut off = rule(7, "echo", &[], Intercept);
    off.enabled = false;
    let m = matcher(vec![off, rule(8, "echo", &[], Scan)]);
    let hits = m.matches(1, "echo hi");
    assert_eq!(hits.len(), 1);
    assert_eq!(
        (hits[0].rule, hits[0].rule_id, hits[0].action),
        (1, 8, Scan)
    );
    assert!(!m.intercepts(1, "echo hi"));
}

#[test]
fn multiple_matches_by_line_then_rule_order() {
    let m = matcher(vec![
        rule(10, "b+", &[], Scan),
        rule(20, "a", &[], Intercept),
    ]);
    // One match per rule and line (the first in the line), ordered by line, then rule.
    assert_eq!(
        found(&m, 1, "a bb a\nnothing\nbbb\naaa"),
        vec![(10, 1, 3, 5), (20, 1, 1, 2), (10, 3, 1, 4), (20, 4, 1, 2)]
    );
    let hits = m.matches(1, "x bb");
    assert_eq!(hits[0].bytes, 2..4);
}

#[test]
fn line_numbers_columns_and_crlf() {
    let m = matcher(vec![
        rule(1, r"rm\s+-rf\s+/(\s|$|\*)", &[1], Intercept),
        rule(2, r"^shutdown$", &[], Scan),
    ]);
    // CRLF: `$` matches before the `\r`, line numbers count `\n` only.
    let script = "echo ok\r\nrm -rf /\r\nshutdown\r\n\r\nshutdown";
    assert_eq!(
        found(&m, 1, script),
        vec![(1, 2, 1, 9), (2, 3, 1, 9), (2, 5, 1, 9)]
    );
    // A lone `\r` inside a line is kept.
    assert!(found(&m, 1, "shutdown\r now").is_empty());
    // Columns count characters, not bytes.
    let hits = m.matches(1, "echo 高危; rm -rf /*");
    assert_eq!((hits[0].column, hits[0].end_column), (10, 19));
    assert_eq!(hits[0].bytes, 13..22);
    // `^` anchors at the start of each line, not only of the script.
    assert_eq!(found(&m, 4, "x = 1\nshutdown\n"), vec![(2, 2, 1, 9)]);
}

#[test]
fn comments_and_blank_lines_are_skipped_per_language() {
    let m = matcher(vec![
        rule(1, "danger", &[], Intercept),
        rule(2, r"^\s*$", &[], Scan),
    ]);
    // Blank lines never match, even a rule made for them.
    assert!(found(&m, 1, "\n  \t\n\r\n").is_empty());
    for lang in [1, 3, 4, 5] {
        assert!(!m.intercepts(lang, "  # danger\n"), "{lang}");
        assert!(
            m.intercepts(lang, "echo danger # not a comment line"),
            "{lang}"
        );
    }
    assert!(!m.intercepts(2, "REM danger"));
    assert!(!m.intercepts(2, "  REMdanger"));
    // BK-JOB's bat check is case-sensitive, and `#` is no bat comment.
    assert!(m.intercepts(2, "rem danger"));
    assert!(m.intercepts(2, "# danger"));
    // SQL has no comment syntax in BK-JOB's checker.
    assert!(m.intercepts(6, "# danger"));
    assert!(m.intercepts(6, "-- danger"));
}

#[test]
fn bad_expressions_are_reported() {
    let rules = vec![
        rule(1, "ok", &[], Scan),
        rule(2, "(unclosed", &[], Intercept),
        rule(3, "(?<=x)y", &[], Intercept),
    ];
    let e = DangerMatcher::compile(rules.clone()).unwrap_err();
    assert_eq!((e.index, e.id), (1, 2));
    assert!(e.message.contains("without closing"), "{}", e.message);
    let (m, errors) = DangerMatcher::compile_lenient(rules);
    assert_eq!(errors.iter().map(|e| e.id).collect::<Vec<_>>(), vec![2, 3]);
    // The good rule still works; the broken ones never match.
    assert_eq!(found(&m, 1, "ok (unclosed xy"), vec![(1, 1, 1, 3)]);
    assert_eq!(m.rules().len(), 3);
}

#[test]
fn bk_style_expressions_compile() {
    // What this crate's regex features must keep working: Perl classes, word boundaries,
    // case-insensitive flags, alternations and repetition.
    let m = matcher(vec![
        rule(1, r"(?i)\bformat\s+[a-z]:", &[2], Intercept),
        rule(2, r"\d{3,}\w*", &[], Scan),
        rule(3, r"(?i)^\s*(shutdown|reboot|init\s+0)\b", &[], Scan),
    ]);
    assert!(m.intercepts(2, "FORMAT C:"));
    assert!(m.intercepts(2, "  Format d: /q"));
    assert_eq!(found(&m, 1, "x 1234abc"), vec![(2, 1, 3, 10)]);
    assert_eq!(found(&m, 1, "  REBOOT now"), vec![(3, 1, 1, 9)]);
    assert!(found(&m, 1, "rebooted").is_empty());
}

#[test]
fn rules_from_the_wire() {
    let wire = DangerousRule {
        id: 5,
        expression: "x".into(),
        script_language_list: vec![1, 4],
        description: Some("d".into()),
        action: 2,
        status: 0,
        ..Default::default()
    };
    let r = RuleDef::from_wire(&wire).unwrap();
    assert_eq!(
        r,
        RuleDef {
            id: 5,
            expression: "x".into(),
            languages: vec![1, 4],
            action: Intercept,
            description: "d".into(),
            enabled: false,
        }
    );
    assert!(
        RuleDef::from_wire(&DangerousRule {
            status: 1,
            ..wire.clone()
        })
        .unwrap()
        .enabled
    );
    assert_eq!(
        RuleDef::from_wire(&DangerousRule { action: 3, ..wire }),
        None
    );
    assert_eq!(
        DangerousAction::from_code(1).map(DangerousAction::code),
        Some(1)
    );
}
