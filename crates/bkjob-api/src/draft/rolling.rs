//! The form's rolling section ([`RollingDraft`], typed text) and its check for the rolling
//! panel ([`check_rolling`]).
//!
//! Split in two for the first-visit download: [`RollingDraft::to_config`] (what the form
//! sends, no rule) is all the form module carries; the rules, the batch
//! plan and the UI-only warnings are in [`check_rolling`], which only the on-demand rolling
//! panel calls.

use serde::{Deserialize, Serialize};

use crate::error_code::ErrorCode;
use crate::lang::Lang;
use crate::rolling::{
    check_rolling_config, check_scatter, ui_warnings, ExecutionMode, Resolved, RollingConfig,
    RollingError, MAX_BATCHES, SCATTER_MAX_BATCHES,
};
use crate::rules::{Rule, Severity, Violation};

/// The rolling section as typed. Numbers are text so a half-typed value survives a reload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RollingDraft {
    /// `expression`, sent as typed (BK-JOB refuses a leading space: the panel says so).
    pub expression: String,
    /// `mode` code, "1" (default), "2" or "3".
    pub mode: String,
    /// `execution_mode` code, "1" (serial, default) or "2" (staggered).
    pub execution_mode: String,
    /// `batch_start_wait_fixed_ms` (staggered only).
    pub fixed_ms: String,
    /// `batch_start_wait_random_min_ms` (staggered only).
    pub random_min_ms: String,
    /// `batch_start_wait_random_max_ms` (staggered only).
    pub random_max_ms: String,
}

impl Default for RollingDraft {
    fn default() -> Self {
        RollingDraft {
            expression: String::new(),
            mode: "1".into(),
            execution_mode: "1".into(),
            fixed_ms: String::new(),
            random_min_ms: String::new(),
            random_max_ms: String::new(),
        }
    }
}

impl RollingDraft {
    /// True when the staggered execution mode is chosen.
    pub fn staggered(&self) -> bool {
        self.execution_mode.trim() == "2"
    }

    /// The `rolling_config` the form sends. A typed delay that is no integer is left out
    /// here (the first-visit module carries no rule): [`check_rolling`], which the rolling
    /// panel runs and which blocks the launch, reports it. Delays are sent only in staggered
    /// mode.
    pub fn to_config(&self) -> RollingConfig {
        // Through i64 like every other number of the form (one parser in the wasm).
        let int = |s: &str| s.trim().parse::<i64>().ok();
        let code = |s: &str| int(s).and_then(|v| i32::try_from(v).ok());
        let mut c = RollingConfig {
            expression: Some(self.expression.clone()),
            mode: code(&self.mode),
            execution_mode: code(&self.execution_mode),
            ..Default::default()
        };
        if self.staggered() {
            c.batch_start_wait_fixed_ms = int(&self.fixed_ms);
            c.batch_start_wait_random_min_ms = int(&self.random_min_ms);
            c.batch_start_wait_random_max_ms = int(&self.random_max_ms);
        }
        c
    }

    /// The typed delays that are not integers, as errors (staggered mode only).
    fn number_errors(&self) -> Vec<Violation> {
        if !self.staggered() {
            return Vec::new();
        }
        [
            ("batch_start_wait_fixed_ms", &self.fixed_ms),
            ("batch_start_wait_random_min_ms", &self.random_min_ms),
            ("batch_start_wait_random_max_ms", &self.random_max_ms),
        ]
        .into_iter()
        .filter(|(_, text)| {
            let t = text.trim();
            !t.is_empty() && t.parse::<i64>().is_err()
        })
        .map(|(field, _)| {
            Violation::error(
                format!("rolling_config.{field}"),
                Rule::RollingDelayInvalid,
                ErrorCode::BAD_REQUEST.0,
                "必须是整数（毫秒）",
                "Must be an integer (milliseconds)",
            )
        })
        .collect()
    }
}

/// What the rolling panel shows: errors and warnings per field (`path` =
/// `rolling_config.<field>`), and the batch plan of the hosts the form knows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RollingCheck {
    /// Errors, in BK-JOB's order after the form's own.
    pub errors: Vec<Violation>,
    /// Advice: BK-JOB's stricter web form, batch counts near a limit.
    pub warnings: Vec<Violation>,
    /// Batch sizes for the known hosts (`None` when the expression is invalid or no host is
    /// known).
    pub plan: Option<Vec<usize>>,
}

/// Batch counts above this share of a limit get a warning.
const NEAR_LIMIT_PERCENT: usize = 80;

/// Check `d` as BK-JOB would, with `known_hosts` hosts known to the form (host IDs or IPs;
/// topology nodes and dynamic groups are resolved only by BK-JOB, so the real count may be
/// higher: a plan over the known hosts that already breaks a limit is an error, since more
/// hosts never mean fewer batches).
pub fn check_rolling(d: &RollingDraft, known_hosts: usize) -> RollingCheck {
    let mut out = RollingCheck {
        errors: d.number_errors(),
        ..Default::default()
    };
    let config = d.to_config();
    out.errors.extend(check_rolling_config(&config));
    if !out.errors.is_empty() {
        return out;
    }
    out.errors.extend(check_scatter(&config));
    let expr = "rolling_config.expression";
    let resolved = match Resolved::from_config(&config) {
        Ok(r) => r,
        Err(e) => {
            out.errors.push(rolling_error(expr, e));
            return out;
        }
    };
    for w in ui_warnings(&d.expression) {
        out.warnings.push(Violation::warning(
            expr,
            Rule::RollingExpressionInvalid,
            w.message(Lang::ZhCn),
            w.message(Lang::En),
        ));
    }
    if known_hosts == 0 {
        return out;
    }
    match resolved.plan(known_hosts) {
        Ok(plan) => {
            let limit = if resolved.execution_mode == ExecutionMode::ParallelStaggered {
                SCATTER_MAX_BATCHES
            } else {
                MAX_BATCHES
            };
            if plan.len() * 100 > limit * NEAR_LIMIT_PERCENT {
                let n = plan.len().to_string();
                let l = limit.to_string();
                out.warnings.push(Violation::warning(
                    expr,
                    Rule::RollingExpressionInvalid,
                    format!("已有 {n} 批，接近上限 {l} 批；目标再多就会被拒绝"),
                    format!("{n} batches, near the limit of {l}: more targets will be refused"),
                ));
            }
            out.plan = Some(plan);
        }
        Err(e) => out.errors.push(rolling_error(expr, e)),
    }
    out
}

/// The batch plan of `d` over `hosts` hosts: what [`check_rolling`] gives as its `plan`,
/// without building its messages and warnings (the job view's batch strip needs the plan
/// only, and the messages bring every BK-JOB error text into its module). A test holds the
/// two equal.
pub fn rolling_plan(d: &RollingDraft, hosts: usize) -> Option<Vec<usize>> {
    let numbers_ok = !d.staggered()
        || [&d.fixed_ms, &d.random_min_ms, &d.random_max_ms]
            .into_iter()
            .all(|text| {
                let t = text.trim();
                t.is_empty() || t.parse::<i64>().is_ok()
            });
    if hosts == 0 || !numbers_ok {
        return None;
    }
    let config = d.to_config();
    if !check_rolling_config(&config).is_empty() {
        return None;
    }
    Resolved::from_config(&config).ok()?.plan(hosts).ok()
}

/// A grammar or plan error as the form shows it: BK-JOB's code and message, except for a
/// number too large, where BK-JOB's own answer ("internal server error") would not help.
fn rolling_error(path: &str, e: RollingError) -> Violation {
    let (zh, en) = match e {
        RollingError::NumberTooLarge => (
            "数字过大（最大 2147483647）".to_owned(),
            "Number too large (at most 2147483647)".to_owned(),
        ),
        _ => (e.message(Lang::ZhCn), e.message(Lang::En)),
    };
    Violation {
        path: path.into(),
        rule: Rule::RollingExpressionInvalid,
        severity: Severity::Error,
        api_code: e.code().0,
        zh,
        en,
        form_field: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(expr: &str) -> RollingDraft {
        RollingDraft {
            expression: expr.into(),
            ..Default::default()
        }
    }

    #[test]
    fn sends_what_was_typed() {
        let c = draft("10 30%").to_config();
        assert_eq!(c.expression.as_deref(), Some("10 30%"));
        assert_eq!((c.mode, c.execution_mode), (Some(1), Some(1)));
        assert_eq!(c.batch_start_wait_fixed_ms, None);
        let staggered = RollingDraft {
            execution_mode: "2".into(),
            fixed_ms: " 100 ".into(),
            random_min_ms: "x".into(),
            random_max_ms: "".into(),
            ..draft("1")
        };
        let c = staggered.to_config();
        assert_eq!(c.batch_start_wait_fixed_ms, Some(100));
        assert_eq!(c.batch_start_wait_random_min_ms, None);
        let errors = check_rolling(&staggered, 1).errors;
        assert_eq!(
            errors[0].path,
            "rolling_config.batch_start_wait_random_min_ms"
        );
        assert_eq!(errors[0].en, "Must be an integer (milliseconds)");
        // Serial mode does not send (or check) delays.
        let serial = RollingDraft {
            fixed_ms: "x".into(),
            ..draft("1")
        };
        assert!(serial.to_config().batch_start_wait_fixed_ms.is_none());
        assert!(check_rolling(&serial, 1).errors.is_empty());
    }

    #[test]
    fn plan_and_errors_for_the_panel() {
        let ok = check_rolling(&draft("20 30%"), 200);
        assert!(ok.errors.is_empty(), "{:?}", ok.errors);
        assert_eq!(ok.plan, Some(vec![20, 60, 60, 60]));
        let blank = check_rolling(&draft(" "), 10);
        assert_eq!(blank.errors[0].api_code, 1_240_003);
        assert_eq!(blank.plan, None);
        let bad = check_rolling(&draft("10 abc"), 10);
        assert_eq!(
            (bad.errors[0].api_code, bad.errors[0].en.as_str()),
            (1_244_026, "Invalid rolling strategy")
        );
        let big = check_rolling(&draft("99999999999"), 10);
        assert!(big.errors[0].en.contains("too large"));
        let many = check_rolling(&draft("1"), 600);
        assert_eq!(many.errors[0].api_code, 1_244_027);
        // No host known: no plan, no plan error.
        let none = check_rolling(&draft("1"), 0);
        assert!(none.errors.is_empty() && none.plan.is_none());
    }

    #[test]
    fn the_plan_alone_is_the_checks_plan() {
        let mut drafts = Vec::new();
        for expr in [
            "",
            " ",
            "1",
            "10",
            "20 30%",
            "10 30%",
            "1 +1",
            "2 *2",
            "50%",
            "100%",
            "0",
            "0%",
            "10 abc",
            "+5",
            "3 10% +2",
            "1 2 3 *2",
            "99999999999",
            "101%",
            "-1",
            "1.5",
        ] {
            for (mode, exec) in [
                ("1", "1"),
                ("2", "1"),
                ("3", "1"),
                ("1", "2"),
                ("x", "1"),
                ("1", "9"),
            ] {
                for (fixed, min, max) in [
                    ("", "", ""),
                    ("0", "0", "0"),
                    ("10", "9", "1"),
                    ("x", "", ""),
                    ("5000000", "0", "0"),
                ] {
                    drafts.push(RollingDraft {
                        expression: expr.into(),
                        mode: mode.into(),
                        execution_mode: exec.into(),
                        fixed_ms: fixed.into(),
                        random_min_ms: min.into(),
                        random_max_ms: max.into(),
                    });
                }
            }
        }
        let mut plans = 0;
        for d in &drafts {
            for hosts in [0, 1, 2, 5, 10, 170, 201, 450, 600, 5000] {
                let plan = rolling_plan(d, hosts);
                assert_eq!(plan, check_rolling(d, hosts).plan, "{d:?} {hosts}");
                plans += usize::from(plan.is_some());
            }
        }
        assert!(plans > 100, "{plans}");
    }

    #[test]
    fn warnings_near_limits_and_for_the_stricter_web_form() {
        let near = check_rolling(&draft("1"), 450);
        assert!(near.errors.is_empty());
        assert!(near
            .warnings
            .iter()
            .any(|w| w.en.contains("near the limit of 500")));
        let staggered = RollingDraft {
            execution_mode: "2".into(),
            fixed_ms: "0".into(),
            random_min_ms: "0".into(),
            random_max_ms: "0".into(),
            ..draft("1")
        };
        let s = check_rolling(&staggered, 170);
        assert!(s.warnings.iter().any(|w| w.en.contains("limit of 200")));
        assert_eq!(check_rolling(&staggered, 201).errors[0].api_code, 1_241_012);
        let ui = check_rolling(&draft("+5"), 10);
        assert!(ui.errors.is_empty());
        assert!(ui.warnings[0].en.contains("+N and *N"));
        let reversed = RollingDraft {
            random_min_ms: "9".into(),
            random_max_ms: "1".into(),
            ..staggered
        };
        assert_eq!(check_rolling(&reversed, 5).errors[0].api_code, 1_241_012);
    }
}
