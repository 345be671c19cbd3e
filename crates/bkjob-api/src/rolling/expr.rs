//! The rolling expression (`rolling_config.expression`) and how it cuts the targets into
//! batches, as BK-JOB's `RollingExpr` and `RollingBatchExecuteObjectsResolver` do it
//! (contract bk-job-api-more.md §7.2).
//!
//! Grammar: the text is split on single spaces (Java `split(" ")`, so trailing empty pieces
//! are dropped but a leading or double space gives an empty, invalid piece), each piece is
//! trimmed like Java's `String.trim` and must be exactly one of `N%` (1–100), `N`, `+N`, `*N`
//! (N ≥ 1). Batch k uses token min(k, count): the last token repeats until no host remains.

use crate::error_code::ErrorCode;
use crate::lang::Lang;

/// BK-JOB's `MAX_ALLOWED_ROLLING_BATCH_SIZE`. Its check runs before a batch is added and
/// compares `batches > 500`, so 501 batches still pass.
pub const MAX_BATCHES: usize = 500;

/// `job.execute.rolling.scatter.max-batch`: most batches of a parallel-staggered plan.
pub const SCATTER_MAX_BATCHES: usize = 200;

/// One piece of the expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    /// `N%`: ⌈all targets × N / 100⌉ hosts (of the whole step, not of the remainder).
    Percent(u32),
    /// `N`: N hosts.
    Quantity(u32),
    /// `+N`: the previous batch's size + N (N for a first batch).
    Plus(u32),
    /// `*N`: the previous batch's size × N (N for a first batch).
    Times(u32),
}

/// Why an expression or a plan is refused, each with BK-JOB's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RollingError {
    /// 1244026 非法的滚动策略: an unknown or empty piece, or a value out of its range.
    Invalid,
    /// 1240002: a number beyond Java's `int` (BK-JOB's `Integer.parseInt` throws).
    NumberTooLarge,
    /// 1244027: more than [`MAX_BATCHES`] + 1 batches.
    TooManyBatches,
    /// 1241012: a parallel-staggered plan with more than [`SCATTER_MAX_BATCHES`] batches.
    ScatterTooManyBatches,
}

impl RollingError {
    /// The envelope code BK-JOB answers.
    pub fn code(self) -> ErrorCode {
        match self {
            RollingError::Invalid => ErrorCode::ROLLING_EXPR_INVALID,
            RollingError::NumberTooLarge => ErrorCode::INTERNAL_ERROR,
            RollingError::TooManyBatches => ErrorCode::ROLLING_TOO_MANY_BATCHES,
            RollingError::ScatterTooManyBatches => ErrorCode::ILLEGAL_PARAM_REASON,
        }
    }

    /// The envelope message BK-JOB answers, in `lang`.
    pub fn message(self, lang: Lang) -> String {
        let arg = match self {
            RollingError::TooManyBatches => MAX_BATCHES.to_string(),
            RollingError::ScatterTooManyBatches => lang
                .pick(
                    "并行滚动批次总数超过系统上限（200），请调整分批策略增大单批数量以减少批次总数",
                    "the total number of parallel rolling batches exceeds the system limit (200), adjust the strategy to make batches larger and fewer",
                )
                .to_string(),
            _ => String::new(),
        };
        self.code().message(lang, &[&arg])
    }
}

/// A parsed expression: at least one token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RollingExpr {
    tokens: Vec<Token>,
}

/// Java's `String.trim`: strips every char ≤ U+0020 at both ends.
fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// `\d+` (ASCII digits, as Java's default `\d`) parsed as Java's `int`.
fn number(digits: &str) -> Result<u32, RollingError> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RollingError::Invalid);
    }
    // Leading zeros are fine for parseInt ("010" = 10).
    let v: u64 = digits.trim_start_matches('0').parse().or_else(|_| {
        if digits.bytes().all(|b| b == b'0') {
            Ok(0)
        } else {
            Err(RollingError::NumberTooLarge)
        }
    })?;
    if v > i32::MAX as u64 {
        return Err(RollingError::NumberTooLarge);
    }
    Ok(v as u32)
}

fn token(piece: &str) -> Result<Token, RollingError> {
    let p = java_trim(piece);
    // Tried in BK-JOB's order: percent, quantity, plus, times.
    let (t, n) = if let Some(d) = p.strip_suffix('%') {
        (Token::Percent as fn(u32) -> Token, d)
    } else if p.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        (Token::Quantity as fn(u32) -> Token, p)
    } else if let Some(d) = p.strip_prefix('+') {
        (Token::Plus as fn(u32) -> Token, d)
    } else if let Some(d) = p.strip_prefix('*') {
        (Token::Times as fn(u32) -> Token, d)
    } else {
        return Err(RollingError::Invalid);
    };
    let v = number(n)?;
    let tok = t(v);
    let ok = match tok {
        Token::Percent(v) => (1..=100).contains(&v),
        _ => v >= 1,
    };
    if ok {
        Ok(tok)
    } else {
        Err(RollingError::Invalid)
    }
}

impl RollingExpr {
    /// Parse as BK-JOB does. A blank text is [`RollingError::Invalid`] here; the request's
    /// bean validation refuses it earlier with its own message.
    pub fn parse(text: &str) -> Result<RollingExpr, RollingError> {
        let mut pieces: Vec<&str> = text.split(' ').collect();
        while pieces.len() > 1 && pieces.last() == Some(&"") {
            pieces.pop();
        }
        let tokens = pieces
            .into_iter()
            .map(token)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RollingExpr { tokens })
    }

    /// The tokens, in order.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// Batch sizes for `total` targets, in target order; their sum is `total` (no batch for
    /// no target). Stops as soon as the limit is crossed, so it is cheap for any `total`.
    pub fn plan(&self, total: usize) -> Result<Vec<usize>, RollingError> {
        let mut sizes: Vec<usize> = Vec::new();
        let mut remaining = total;
        while remaining > 0 {
            if sizes.len() > MAX_BATCHES {
                return Err(RollingError::TooManyBatches);
            }
            let tok = self.tokens[sizes.len().min(self.tokens.len() - 1)];
            let prev = sizes.last().copied();
            let size = match tok {
                Token::Percent(p) => (total * p as usize).div_ceil(100),
                Token::Quantity(n) => n as usize,
                Token::Plus(n) => prev.map_or(n as usize, |p| p.saturating_add(n as usize)),
                Token::Times(n) => prev.map_or(n as usize, |p| p.saturating_mul(n as usize)),
            };
            let take = size.min(remaining);
            sizes.push(take);
            remaining -= take;
        }
        Ok(sizes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn plan(e: &str, total: usize) -> Vec<usize> {
        RollingExpr::parse(e).unwrap().plan(total).unwrap()
    }

    #[test]
    fn bk_examples() {
        // Contract §7.2, on 100 hosts, and BK-JOB's resolver tests.
        assert_eq!(plan("20", 100), vec![20; 5]);
        assert_eq!(plan("30%", 100), vec![30, 30, 30, 10]);
        assert_eq!(plan("5 *2", 100), vec![5, 10, 20, 40, 25]);
        assert_eq!(plan("5 +10", 100), vec![5, 15, 25, 35, 20]);
        assert_eq!(plan("10 20 20 20 100%", 100), vec![10, 20, 20, 20, 30]);
        assert_eq!(plan("1 30%", 15), vec![1, 5, 5, 4]);
        assert_eq!(plan("1 30% 100%", 16), vec![1, 5, 10]);
        for e in ["+10", "1%", "500"] {
            assert_eq!(plan(e, 50_000).len(), 100, "{e}");
        }
    }

    #[test]
    fn every_token_kind_and_its_range() {
        use Token::*;
        let toks = |e: &str| RollingExpr::parse(e).map(|x| x.tokens().to_vec());
        assert_eq!(
            toks("1% 100% 7 +3 *2"),
            Ok(vec![
                Percent(1),
                Percent(100),
                Quantity(7),
                Plus(3),
                Times(2)
            ])
        );
        assert_eq!(toks("010"), Ok(vec![Quantity(10)]));
        assert_eq!(toks("10 20  "), Ok(vec![Quantity(10), Quantity(20)]));
        assert_eq!(toks("\t5"), Ok(vec![Quantity(5)]), "Java's trim");
        for bad in [
            "", " 10", "10  20", "0", "0%", "101%", "+0", "*0", "-1", "1.5", "%10", "a", "10 x",
            "1\t2", "++1", "1+", "１０", "+", "*", "%",
        ] {
            assert_eq!(toks(bad), Err(RollingError::Invalid), "{bad:?}");
        }
        for big in ["99999999999", "2147483648", "+2147483648", "2147483648%"] {
            assert_eq!(toks(big), Err(RollingError::NumberTooLarge), "{big:?}");
        }
        assert_eq!(toks("2147483647"), Ok(vec![Quantity(i32::MAX as u32)]));
    }

    #[test]
    fn batch_limit_has_bk_jobs_off_by_one() {
        let e = RollingExpr::parse("1").unwrap();
        assert_eq!(e.plan(501).unwrap().len(), 501);
        assert_eq!(e.plan(502), Err(RollingError::TooManyBatches));
        assert_eq!(e.plan(1000), Err(RollingError::TooManyBatches));
        assert_eq!(e.plan(0).unwrap(), Vec::<usize>::new());
    }

    #[test]
    fn errors_answer_bk_jobs_codes() {
        assert_eq!(RollingError::Invalid.code().0, 1_244_026);
        assert_eq!(RollingError::Invalid.message(Lang::ZhCn), "非法的滚动策略");
        assert_eq!(
            RollingError::TooManyBatches.message(Lang::En),
            "Rolling batch can not be greater than 500"
        );
        assert_eq!(
            RollingError::ScatterTooManyBatches.message(Lang::ZhCn),
            "请求参数不合法，原因：并行滚动批次总数超过系统上限（200），请调整分批策略增大单批数量以减少批次总数"
        );
        assert_eq!(RollingError::NumberTooLarge.code().0, 1_240_002);
    }

    /// The plan spelled out host by host: every host is handed to the batch the token of
    /// its position says, one at a time, with no arithmetic shortcut.
    fn brute_force(tokens: &[Token], total: usize) -> Option<Vec<usize>> {
        let mut batches: Vec<usize> = Vec::new();
        let mut host = 0;
        while host < total {
            if batches.len() > MAX_BATCHES {
                return None;
            }
            let t = tokens[batches.len().min(tokens.len() - 1)];
            let want = match (t, batches.last()) {
                (Token::Percent(p), _) => {
                    // Smallest n with n * 100 >= total * p.
                    let mut n = 0;
                    while n * 100 < total * p as usize {
                        n += 1;
                    }
                    n
                }
                (Token::Quantity(n), _) | (Token::Plus(n), None) | (Token::Times(n), None) => {
                    n as usize
                }
                (Token::Plus(n), Some(&p)) => p + n as usize,
                (Token::Times(n), Some(&p)) => (0..n).map(|_| p).sum(),
            };
            let mut got = 0;
            while got < want && host < total {
                got += 1;
                host += 1;
            }
            batches.push(got);
        }
        Some(batches)
    }

    fn arb_token() -> impl Strategy<Value = (String, Token)> {
        prop_oneof![
            (1u32..=100).prop_map(|n| (format!("{n}%"), Token::Percent(n))),
            (1u32..=60).prop_map(|n| (n.to_string(), Token::Quantity(n))),
            (1u32..=20).prop_map(|n| (format!("+{n}"), Token::Plus(n))),
            (1u32..=4).prop_map(|n| (format!("*{n}"), Token::Times(n))),
        ]
    }

    proptest! {
        #[test]
        fn plan_matches_brute_force(
            toks in proptest::collection::vec(arb_token(), 1..6),
            total in 0usize..1200,
        ) {
            let text = toks.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>().join(" ");
            let expected: Vec<Token> = toks.iter().map(|(_, t)| *t).collect();
            let e = RollingExpr::parse(&text).unwrap();
            prop_assert_eq!(e.tokens(), &expected[..]);
            match (e.plan(total), brute_force(&expected, total)) {
                (Ok(p), Some(b)) => {
                    prop_assert_eq!(p.iter().sum::<usize>(), total);
                    prop_assert!(p.iter().all(|&s| s > 0));
                    prop_assert_eq!(p, b);
                }
                (Err(RollingError::TooManyBatches), None) => {}
                (got, want) => prop_assert!(false, "{text} on {total}: {got:?} vs {want:?}"),
            }
        }

        #[test]
        fn parse_never_panics(s in "[ 0-9%+*a\\t.-]{0,12}") {
            let _ = RollingExpr::parse(&s).map(|e| e.plan(1000));
        }
    }
}
