//! `rolling_config` of `fast_execute_script`: run the targets in batches (contract
//! bk-job-api-more.md §7). One place for the app (form checks, batch plan preview) and the
//! server (validation, the batches it runs):
//!
//! - [`check_rolling_config`]: bean validation (1240003 with BK-JOB's texts), part of
//!   [`crate::rules::validate_request`];
//! - [`check_scatter`]: the parallel-staggered checks BK-JOB's service runs before script,
//!   account and host checks (1241012);
//! - [`RollingExpr`] and [`Resolved::plan`]: the grammar and the batches (1244026, 1244027, and
//!   1241012 for more than [`SCATTER_MAX_BATCHES`] staggered batches);
//! - [`ui_warnings`]: where BK-JOB's own web form is stricter than its API.

mod config;
mod expr;

pub use config::{FileSourceRollingConfig, RollingConfig};
pub use expr::{RollingError, RollingExpr, Token, MAX_BATCHES, SCATTER_MAX_BATCHES};

use crate::error_code::ErrorCode;
use crate::lang::Lang;
use crate::rules::{Rule, Violation};

/// Largest staggered delay, in ms (one hour).
pub const MAX_DELAY_MS: i64 = 3_600_000;

/// `rolling_config.mode` (`RollingModeEnum`), for serial execution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RollingMode {
    /// 1 执行失败则暂停: a failed batch stops the job (step and job 4).
    PauseIfFail = 1,
    /// 2 忽略失败，自动滚动下一批: a failed batch is ignored (step 6), the next one starts.
    IgnoreError = 2,
    /// 3 不自动，每批次都人工确认: every batch after the first waits for operation 13.
    Manual = 3,
}

impl RollingMode {
    /// Parse a wire code.
    pub fn from_code(code: i32) -> Option<RollingMode> {
        Some(match code {
            1 => RollingMode::PauseIfFail,
            2 => RollingMode::IgnoreError,
            3 => RollingMode::Manual,
            _ => return None,
        })
    }

    /// The wire code.
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// `rolling_config.execution_mode` (`RollingExecutionModeEnum`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExecutionMode {
    /// 1: one batch after the other.
    Serial = 1,
    /// 2 并行错峰: batches start after cumulative delays, whatever the others do.
    ParallelStaggered = 2,
}

impl ExecutionMode {
    /// Parse a wire code.
    pub fn from_code(code: i32) -> Option<ExecutionMode> {
        Some(match code {
            1 => ExecutionMode::Serial,
            2 => ExecutionMode::ParallelStaggered,
            _ => return None,
        })
    }

    /// The wire code.
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// `rolling_config.type`: 1 target hosts, 2 source files (file transfer only).
pub const TYPE_TARGETS: i32 = 1;
/// See [`TYPE_TARGETS`].
pub const TYPE_SOURCE_FILES: i32 = 2;

fn bean(field: &str, rule: Rule, zh: &str, en: &str) -> Violation {
    Violation::error(
        format!("rolling_config.{field}"),
        rule,
        ErrorCode::BAD_REQUEST.0,
        zh,
        en,
    )
}

fn reason(field: &str, zh: &str, en: &str) -> Violation {
    let c = ErrorCode::ILLEGAL_PARAM_REASON;
    Violation::error(
        format!("rolling_config.{field}"),
        Rule::RollingScatterInvalid,
        c.0,
        c.message(Lang::ZhCn, &[zh]),
        c.message(Lang::En, &[en]),
    )
}

/// Bean validation of a present `rolling_config` (1240003, BK-JOB's texts), in the order of
/// its group sequence: type, execution mode, mode, then what the type and the mode require.
/// Defaults (type 1, serial, mode 1) apply to absent fields.
pub fn check_rolling_config(c: &RollingConfig) -> Vec<Violation> {
    let mut out = Vec::new();
    let ty = c.r#type.unwrap_or(TYPE_TARGETS);
    if ty != TYPE_TARGETS && ty != TYPE_SOURCE_FILES {
        out.push(bean(
            "type",
            Rule::RollingTypeInvalid,
            "滚动类型取值不合法",
            "Illegal rolling type",
        ));
    }
    let exec = c.execution_mode.unwrap_or(1);
    if ExecutionMode::from_code(exec).is_none() {
        out.push(bean(
            "execution_mode",
            Rule::RollingExecutionModeInvalid,
            "滚动批次执行模式取值不合法",
            "Rolling execution mode value is illegal",
        ));
    }
    if RollingMode::from_code(c.mode.unwrap_or(1)).is_none() {
        out.push(bean(
            "mode",
            Rule::RollingModeInvalid,
            "滚动机制取值不合法",
            "Illegal rolling mode",
        ));
    }
    if ty == TYPE_TARGETS && c.expression.as_deref().is_none_or(|e| e.trim().is_empty()) {
        out.push(bean(
            "expression",
            Rule::RollingExpressionBlank,
            "目标执行对象滚动分批策略表达式不可为空",
            "Rolling expression cannot be blank",
        ));
    }
    if ty == TYPE_SOURCE_FILES {
        match &c.file_source {
            None => out.push(bean(
                "file_source",
                Rule::RollingFileSourceInvalid,
                "源文件滚动配置不可为空",
                "Source file rolling config cannot be empty",
            )),
            Some(f) => {
                let bad = |v: Option<i64>| v.is_some_and(|v| v <= 0);
                if bad(f.max_execute_object_num_in_batch)
                    || bad(f.max_file_num_of_single_execute_object)
                {
                    out.push(bean(
                        "file_source",
                        Rule::RollingFileSourceInvalid,
                        "源文件滚动配置的数量参数必须大于0",
                        "The numbers of the source file rolling config must be greater than 0",
                    ));
                }
            }
        }
    }
    if exec == ExecutionMode::ParallelStaggered.code() {
        let delays = [
            (
                "batch_start_wait_fixed_ms",
                c.batch_start_wait_fixed_ms,
                "并行错峰模式下批次间固定延迟(毫秒)不可为空",
                "The fixed delay between batches (ms) cannot be empty in parallel staggered mode",
            ),
            (
                "batch_start_wait_random_min_ms",
                c.batch_start_wait_random_min_ms,
                "并行错峰模式下批次间随机延迟下限(毫秒)不可为空",
                "The lower bound of the random delay between batches (ms) cannot be empty in parallel staggered mode",
            ),
            (
                "batch_start_wait_random_max_ms",
                c.batch_start_wait_random_max_ms,
                "并行错峰模式下批次间随机延迟上限(毫秒)不可为空",
                "The upper bound of the random delay between batches (ms) cannot be empty in parallel staggered mode",
            ),
        ];
        for (field, v, zh, en) in delays {
            match v {
                None => out.push(bean(field, Rule::RollingDelayInvalid, zh, en)),
                Some(v) if !(0..=MAX_DELAY_MS).contains(&v) => out.push(bean(
                    field,
                    Rule::RollingDelayInvalid,
                    "错峰延迟参数(毫秒)取值范围必须为[0, 3600000]",
                    "The staggered delay (ms) must be within [0, 3600000]",
                )),
                Some(_) => {}
            }
        }
    }
    out
}

/// The service checks BK-JOB runs before script, account and host checks (1241012): a random
/// delay upper bound below its lower bound, and source-file rolling with staggered batches.
/// Call after [`check_rolling_config`] passed.
pub fn check_scatter(c: &RollingConfig) -> Option<Violation> {
    if c.execution_mode != Some(ExecutionMode::ParallelStaggered.code()) {
        return None;
    }
    if c.r#type == Some(TYPE_SOURCE_FILES) {
        return Some(reason(
            "type",
            "源文件滚动不支持并行错峰执行模式",
            "source file rolling does not support the parallel staggered execution mode",
        ));
    }
    match (
        c.batch_start_wait_random_min_ms,
        c.batch_start_wait_random_max_ms,
    ) {
        (Some(min), Some(max)) if max < min => Some(reason(
            "batch_start_wait_random_max_ms",
            "批次间随机延迟上限不可小于随机延迟下限",
            "the upper bound of the random delay between batches cannot be less than its lower bound",
        )),
        _ => None,
    }
}

/// A valid `rolling_config` with its defaults applied, for running it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// Serial or staggered.
    pub execution_mode: ExecutionMode,
    /// What a serial plan does after each batch (ignored when staggered).
    pub mode: RollingMode,
    /// The parsed expression.
    pub expr: RollingExpr,
    /// Staggered: fixed delay between batch starts (ms).
    pub fixed_ms: i64,
    /// Staggered: random extra delay, lower bound (ms).
    pub random_min_ms: i64,
    /// Staggered: random extra delay, upper bound (ms).
    pub random_max_ms: i64,
}

impl Resolved {
    /// Defaults applied and the expression parsed. Codes and modes that
    /// [`check_rolling_config`] refuses fall back to their defaults here.
    pub fn from_config(c: &RollingConfig) -> Result<Resolved, RollingError> {
        Ok(Resolved {
            execution_mode: c
                .execution_mode
                .and_then(ExecutionMode::from_code)
                .unwrap_or(ExecutionMode::Serial),
            mode: c
                .mode
                .and_then(RollingMode::from_code)
                .unwrap_or(RollingMode::PauseIfFail),
            expr: RollingExpr::parse(c.expression.as_deref().unwrap_or(""))?,
            fixed_ms: c.batch_start_wait_fixed_ms.unwrap_or(0),
            random_min_ms: c.batch_start_wait_random_min_ms.unwrap_or(0),
            random_max_ms: c.batch_start_wait_random_max_ms.unwrap_or(0),
        })
    }

    /// Batch sizes for `total` targets, with the staggered mode's batch limit.
    pub fn plan(&self, total: usize) -> Result<Vec<usize>, RollingError> {
        let sizes = self.expr.plan(total)?;
        if self.execution_mode == ExecutionMode::ParallelStaggered
            && sizes.len() > SCATTER_MAX_BATCHES
        {
            return Err(RollingError::ScatterTooManyBatches);
        }
        Ok(sizes)
    }
}

/// Where BK-JOB's web form is stricter than its API (contract §7.2 "UI-only rules"): advice
/// for a form, never a refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UiWarning {
    /// `+N` / `*N` as the first piece or before the last.
    IncrementNotLast,
    /// `100%` before the last piece.
    FullPercentNotLast,
    /// A number written with leading zeros.
    LeadingZero,
}

impl UiWarning {
    /// The advice, in `lang`.
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            UiWarning::IncrementNotLast => lang.pick(
                "BK-JOB 页面只允许 +N、*N 作为最后一项且不在首位",
                "BK-JOB's own form allows +N and *N only as the last piece, and not first",
            ),
            UiWarning::FullPercentNotLast => lang.pick(
                "BK-JOB 页面只允许 100% 作为最后一项",
                "BK-JOB's own form allows 100% only as the last piece",
            ),
            UiWarning::LeadingZero => lang.pick(
                "BK-JOB 页面不接受以 0 开头的数字",
                "BK-JOB's own form refuses numbers with leading zeros",
            ),
        }
    }
}

/// BK-JOB's UI-only rules broken by a valid expression `text`, each once, in this order.
pub fn ui_warnings(text: &str) -> Vec<UiWarning> {
    let Ok(e) = RollingExpr::parse(text) else {
        return Vec::new();
    };
    let toks = e.tokens();
    let last = toks.len() - 1;
    let mut out = Vec::new();
    let incr = |t: &Token| matches!(t, Token::Plus(_) | Token::Times(_));
    if toks
        .iter()
        .enumerate()
        .any(|(i, t)| incr(t) && (i == 0 || i != last))
    {
        out.push(UiWarning::IncrementNotLast);
    }
    if toks[..last].contains(&Token::Percent(100)) {
        out.push(UiWarning::FullPercentNotLast);
    }
    let leading_zero = text
        .split(' ')
        .map(|p| p.trim_matches(|c: char| c <= ' ' || "+*%".contains(c)))
        .any(|d| d.len() > 1 && d.starts_with('0'));
    if leading_zero {
        out.push(UiWarning::LeadingZero);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(expr: &str) -> RollingConfig {
        RollingConfig {
            expression: Some(expr.into()),
            ..Default::default()
        }
    }

    fn codes(c: &RollingConfig) -> Vec<(String, i64, String)> {
        check_rolling_config(c)
            .into_iter()
            .map(|v| (v.path, v.api_code, v.zh))
            .collect()
    }

    #[test]
    fn defaults_pass_and_empty_object_needs_an_expression() {
        assert!(check_rolling_config(&cfg("10%")).is_empty());
        let empty = codes(&RollingConfig::default());
        assert_eq!(
            empty,
            vec![(
                "rolling_config.expression".to_string(),
                1_240_003,
                "目标执行对象滚动分批策略表达式不可为空".to_string()
            )]
        );
        assert_eq!(check_rolling_config(&cfg("  ")).len(), 1);
    }

    #[test]
    fn bean_order_and_texts() {
        let c = RollingConfig {
            r#type: Some(3),
            execution_mode: Some(9),
            mode: Some(0),
            ..Default::default()
        };
        let got: Vec<String> = codes(&c).into_iter().map(|(_, _, zh)| zh).collect();
        assert_eq!(
            got,
            vec![
                "滚动类型取值不合法",
                "滚动批次执行模式取值不合法",
                "滚动机制取值不合法"
            ]
        );
        // Source files: the expression is not required, the file config is.
        let files = RollingConfig {
            r#type: Some(2),
            ..Default::default()
        };
        assert_eq!(codes(&files)[0].2, "源文件滚动配置不可为空");
        let files = RollingConfig {
            file_source: Some(FileSourceRollingConfig {
                max_execute_object_num_in_batch: Some(0),
                max_file_num_of_single_execute_object: None,
            }),
            ..files
        };
        assert_eq!(codes(&files)[0].0, "rolling_config.file_source");
        let ok_files = RollingConfig {
            file_source: Some(FileSourceRollingConfig::default()),
            ..files
        };
        assert!(check_rolling_config(&ok_files).is_empty());
    }

    #[test]
    fn staggered_delays() {
        let mut c = RollingConfig {
            execution_mode: Some(2),
            ..cfg("10")
        };
        let fields: Vec<String> = codes(&c).into_iter().map(|(p, _, _)| p).collect();
        assert_eq!(
            fields,
            vec![
                "rolling_config.batch_start_wait_fixed_ms",
                "rolling_config.batch_start_wait_random_min_ms",
                "rolling_config.batch_start_wait_random_max_ms",
            ]
        );
        c.batch_start_wait_fixed_ms = Some(0);
        c.batch_start_wait_random_min_ms = Some(MAX_DELAY_MS);
        c.batch_start_wait_random_max_ms = Some(MAX_DELAY_MS + 1);
        let got = codes(&c);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].2, "错峰延迟参数(毫秒)取值范围必须为[0, 3600000]");
        c.batch_start_wait_random_max_ms = Some(-1);
        assert_eq!(codes(&c).len(), 1);
        // In range but max < min: the service's 1241012.
        c.batch_start_wait_random_min_ms = Some(500);
        c.batch_start_wait_random_max_ms = Some(100);
        assert!(check_rolling_config(&c).is_empty());
        let v = check_scatter(&c).unwrap();
        assert_eq!(v.api_code, 1_241_012);
        assert_eq!(
            v.zh,
            "请求参数不合法，原因：批次间随机延迟上限不可小于随机延迟下限"
        );
        c.batch_start_wait_random_max_ms = Some(500);
        assert_eq!(check_scatter(&c), None);
        c.r#type = Some(2);
        assert!(check_scatter(&c)
            .unwrap()
            .zh
            .contains("源文件滚动不支持并行错峰"));
        // Serial plans are never scatter-checked.
        assert_eq!(check_scatter(&cfg("1")), None);
    }

    #[test]
    fn plans_with_every_limit() {
        let plan_for = |c: &RollingConfig, n| Resolved::from_config(c).and_then(|r| r.plan(n));
        assert_eq!(plan_for(&cfg("1 +1"), 3), Ok(vec![1, 2]));
        assert_eq!(plan_for(&cfg("1 +1"), 6), Ok(vec![1, 2, 3]));
        assert_eq!(plan_for(&cfg("x"), 3), Err(RollingError::Invalid));
        assert_eq!(plan_for(&cfg("1"), 600), Err(RollingError::TooManyBatches));
        let staggered = |n| RollingConfig {
            execution_mode: Some(2),
            ..cfg(n)
        };
        assert_eq!(plan_for(&staggered("1"), 200).map(|p| p.len()), Ok(200));
        assert_eq!(
            plan_for(&staggered("1"), 201),
            Err(RollingError::ScatterTooManyBatches)
        );
        let r = Resolved::from_config(&RollingConfig {
            mode: Some(3),
            ..cfg("2")
        })
        .unwrap();
        assert_eq!(r.mode, RollingMode::Manual);
        assert_eq!(r.execution_mode, ExecutionMode::Serial);
        for m in [
            RollingMode::PauseIfFail,
            RollingMode::IgnoreError,
            RollingMode::Manual,
        ] {
            assert_eq!(RollingMode::from_code(m.code()), Some(m));
        }
        for m in [ExecutionMode::Serial, ExecutionMode::ParallelStaggered] {
            assert_eq!(ExecutionMode::from_code(m.code()), Some(m));
        }
    }

    #[test]
    fn ui_only_rules_are_warnings() {
        use UiWarning::*;
        assert_eq!(ui_warnings("10 30% 100%"), vec![]);
        assert_eq!(ui_warnings("5 +10"), vec![]);
        assert_eq!(ui_warnings("+10"), vec![IncrementNotLast]);
        assert_eq!(ui_warnings("5 *2 10"), vec![IncrementNotLast]);
        assert_eq!(ui_warnings("100% 10"), vec![FullPercentNotLast]);
        assert_eq!(ui_warnings("010 +02"), vec![LeadingZero]);
        assert_eq!(ui_warnings("not valid"), vec![]);
        assert!(LeadingZero.message(Lang::En).contains("leading zeros"));
    }
}
