//! The list APIs' checks and paging (contract bk-job-api-more.md §2.3-§6):
//! `get_job_instance_list`'s window, type and page size, `get_account_list`'s category, the
//! script APIs' language filter and ids, the three paging rules, and MySQL's `LIKE` as the
//! name filters use it.
//!
//! Pure functions, so the server only wires them and their order is tested here.

use crate::error_code::ErrorCode;

use super::{is_blank, Rule, Violation};

/// Widest `get_job_instance_list` window: 30 days (`MAX_SEARCH_TASK_HISTORY_RANGE_MILLS`).
pub const MAX_HISTORY_RANGE_MS: i64 = 30 * 24 * 3600 * 1000;

/// Largest page of the capped lists (and the job list's `@Range` maximum).
pub const MAX_PAGE_LENGTH: i32 = 1000;

/// An effective page: first row and size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// First row (≥ 0).
    pub start: i32,
    /// Rows per page (≥ 1).
    pub length: i32,
}

/// `get_job_instance_list`'s page size before validation: absent 20, explicit `null` 10.
pub fn job_list_length(length: Option<Option<i32>>) -> i32 {
    match length {
        None => 20,
        Some(None) => 10,
        Some(Some(n)) => n,
    }
}

/// `get_job_instance_list`'s `@Range(1, 1000)` on `length` (bean validation, 1240003).
pub fn check_job_list_length(length: i32) -> Option<Violation> {
    (!(1..=MAX_PAGE_LENGTH).contains(&length)).then(|| {
        Violation::bean(
            "length",
            Rule::PageLengthRange,
            "单次返回最大记录数量length必须在 1-1000 之间",
            "The param 'length' must be in range: [1,1000]",
        )
    })
}

/// `get_job_instance_list`'s handler checks, in BK-JOB's order: `create_time_start` (null or
/// < 1 → 1241007), `create_time_end` (same), the window (end ≤ start → 1241007 naming both;
/// longer than 30 days → 1241002), then `type` (not 0/1/2 → 1241002).
pub fn check_job_list(
    create_time_start: Option<i64>,
    create_time_end: Option<i64>,
    type_: Option<i32>,
) -> Option<Violation> {
    let missing = |name: &str| {
        Violation::handler::<{ ErrorCode::MISSING_OR_ILLEGAL_PARAM_WITH_NAME.0 }>(
            name,
            Rule::HistoryWindowInvalid,
            &[name],
        )
    };
    let Some(start) = create_time_start.filter(|&t| t >= 1) else {
        return Some(missing("create_time_start"));
    };
    let Some(end) = create_time_end.filter(|&t| t >= 1) else {
        return Some(missing("create_time_end"));
    };
    let span = end.saturating_sub(start);
    if span <= 0 {
        return Some(missing("create_time_start|create_time_end"));
    }
    let illegal = |rule| Violation::handler::<{ ErrorCode::ILLEGAL_PARAM.0 }>("", rule, &[]);
    if span > MAX_HISTORY_RANGE_MS {
        return Some(illegal(Rule::HistoryWindowTooWide));
    }
    if type_.is_some_and(|t| !(0..=2).contains(&t)) {
        return Some(illegal(Rule::HistoryTypeInvalid));
    }
    None
}

/// `get_job_instance_list`'s page: a negative start is 0.
pub fn job_list_page(start: Option<i32>, length: i32) -> Page {
    Page {
        start: start.unwrap_or(0).max(0),
        length,
    }
}

/// `get_account_list`, `get_script_list`, `get_public_script_list`: start ≤ 0 → 0, length
/// absent or ≤ 0 → 20, larger than 1000 → 1000 (silently).
pub fn list_page(start: Option<i32>, length: Option<i32>) -> Page {
    Page {
        start: start.unwrap_or(0).max(0),
        length: length.filter(|&n| n > 0).unwrap_or(20).min(MAX_PAGE_LENGTH),
    }
}

/// The version lists: length absent or ≤ 0 → 10, no cap.
pub fn version_page(start: Option<i32>, length: Option<i32>) -> Page {
    Page {
        start: start.unwrap_or(0).max(0),
        length: length.filter(|&n| n > 0).unwrap_or(10),
    }
}

impl Page {
    /// The rows of this page out of `rows`.
    pub fn slice<T>(self, rows: Vec<T>) -> Vec<T> {
        rows.into_iter()
            .skip(self.start as usize)
            .take(self.length as usize)
            .collect()
    }
}

/// `get_account_list`'s `category`: 1 or 2 (else 1240003, GET and POST).
pub fn check_account_category(category: Option<i32>) -> Option<Violation> {
    category.filter(|c| !matches!(c, 1 | 2)).map(|_| {
        Violation::bean(
            "category",
            Rule::AccountCategoryInvalid,
            "账号用途取值非法",
            "Account category value is illegal",
        )
    })
}

/// The script lists' `script_language`: 0 or absent is every language; otherwise 1-6, else
/// 1241005 naming `type` (as BK-JOB's message does).
pub fn check_script_language_filter(language: Option<i32>) -> Option<Violation> {
    language
        .filter(|&l| l > 0 && !(1..=6).contains(&l))
        .map(|_| {
            Violation::handler::<{ ErrorCode::ILLEGAL_PARAM_WITH_NAME.0 }>(
                "script_language",
                Rule::ScriptLanguageFilterInvalid,
                &["type"],
            )
        })
}

/// A required non-blank string field of the script APIs (`script_id`, `version`): else
/// 1241005 naming it.
pub fn check_script_field(name: &'static str, value: Option<&str>) -> Option<Violation> {
    value.is_none_or(is_blank).then(|| {
        Violation::handler::<{ ErrorCode::ILLEGAL_PARAM_WITH_NAME.0 }>(
            name,
            Rule::ScriptFieldBlank,
            &[name],
        )
    })
}

/// MySQL's `name LIKE CONCAT('%', pattern, '%')` without escaping, with the default
/// case-insensitive collation (ASCII letters only here): `%` is any run of characters, `_`
/// any one character.
pub fn like_contains(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().map(|c| c.to_ascii_lowercase()).collect();
    let t: Vec<char> = text.chars().map(|c| c.to_ascii_lowercase()).collect();
    // The implicit `%` on both sides: a match may start anywhere and end anywhere.
    (0..=t.len()).any(|from| like_prefix(&p, &t[from..]))
}

/// Does `p` match a prefix of `t`? Iterative wildcard matching with one backtrack point.
fn like_prefix(p: &[char], t: &[char]) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if pi == p.len() {
            return true;
        }
        match p[pi] {
            '%' => {
                star = Some((pi, ti));
                pi += 1;
            }
            c if ti < t.len() && (c == '_' || c == t[ti]) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) if st < t.len() => {
                    star = Some((sp, st + 1));
                    pi = sp + 1;
                    ti = st + 1;
                }
                _ => return false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 24 * 3600 * 1000;

    #[test]
    fn job_list_window_type_and_length() {
        let code = |v: Option<Violation>| v.map(|v| (v.api_code, v.en));
        assert_eq!(check_job_list(Some(1), Some(1 + 30 * DAY), Some(1)), None);
        assert_eq!(
            code(check_job_list(None, Some(5), None)),
            Some((
                1_241_007,
                "Missing or invalid request parameter [create_time_start]".into()
            ))
        );
        assert_eq!(
            code(check_job_list(Some(0), None, None)).unwrap().1,
            "Missing or invalid request parameter [create_time_start]"
        );
        assert_eq!(
            code(check_job_list(Some(5), Some(-1), None)).unwrap().1,
            "Missing or invalid request parameter [create_time_end]"
        );
        assert_eq!(
            code(check_job_list(Some(5), Some(5), None)).unwrap().1,
            "Missing or invalid request parameter [create_time_start|create_time_end]"
        );
        let wide = check_job_list(Some(1), Some(2 + 30 * DAY), Some(1)).unwrap();
        assert_eq!(
            (wide.api_code, wide.zh.as_str()),
            (1_241_002, "请求参数不合法")
        );
        // The window comes before the type.
        assert_eq!(wide.rule, Rule::HistoryWindowTooWide);
        let t = check_job_list(Some(1), Some(2), Some(3)).unwrap();
        assert_eq!((t.api_code, t.rule), (1_241_002, Rule::HistoryTypeInvalid));
        assert!(check_job_list(Some(1), Some(2), Some(0)).is_none());
        assert!(check_job_list(Some(1), Some(i64::MAX), None).is_some());

        assert_eq!(job_list_length(None), 20);
        assert_eq!(job_list_length(Some(None)), 10);
        assert_eq!(job_list_length(Some(Some(7))), 7);
        assert!(check_job_list_length(1).is_none() && check_job_list_length(1000).is_none());
        let v = check_job_list_length(0).unwrap();
        assert_eq!(
            (v.api_code, v.en.as_str()),
            (1_240_003, "The param 'length' must be in range: [1,1000]")
        );
        assert!(check_job_list_length(1001).is_some());
        assert_eq!(
            job_list_page(Some(-5), 20),
            Page {
                start: 0,
                length: 20
            }
        );
    }

    #[test]
    fn paging_rules() {
        assert_eq!(
            list_page(None, None),
            Page {
                start: 0,
                length: 20
            }
        );
        assert_eq!(
            list_page(Some(-1), Some(0)),
            Page {
                start: 0,
                length: 20
            }
        );
        assert_eq!(
            list_page(Some(3), Some(5000)),
            Page {
                start: 3,
                length: 1000
            }
        );
        assert_eq!(
            version_page(None, None),
            Page {
                start: 0,
                length: 10
            }
        );
        assert_eq!(
            version_page(Some(2), Some(-3)),
            Page {
                start: 2,
                length: 10
            }
        );
        assert_eq!(
            version_page(None, Some(5000)),
            Page {
                start: 0,
                length: 5000
            }
        );
        let p = Page {
            start: 1,
            length: 2,
        };
        assert_eq!(p.slice(vec![1, 2, 3, 4]), vec![2, 3]);
        assert_eq!(
            Page {
                start: 9,
                length: 2
            }
            .slice(vec![1]),
            Vec::<i32>::new()
        );
    }

    #[test]
    fn account_and_script_checks() {
        assert!(check_account_category(None).is_none());
        assert!(check_account_category(Some(2)).is_none());
        let v = check_account_category(Some(3)).unwrap();
        assert_eq!((v.api_code, v.zh.as_str()), (1_240_003, "账号用途取值非法"));
        assert!(check_script_language_filter(Some(0)).is_none());
        assert!(check_script_language_filter(Some(-1)).is_none());
        assert!(check_script_language_filter(Some(6)).is_none());
        let v = check_script_language_filter(Some(7)).unwrap();
        assert_eq!(
            (v.api_code, v.zh.as_str()),
            (1_241_005, "请求参数[type]不合法")
        );
        assert!(check_script_field("script_id", Some("a")).is_none());
        let v = check_script_field("version", Some(" ")).unwrap();
        assert_eq!(v.en, "Invalid request parameter [version]");
        assert!(check_script_field("script_id", None).is_some());
    }

    #[test]
    fn like_as_mysql_matches_it() {
        for (p, t, want) in [
            ("", "anything", true),
            ("", "", true),
            ("hello", "say Hello world", true),
            ("HEL", "hello", true),
            ("h_llo", "hallo", true),
            ("h_llo", "hllo", false),
            ("a%c", "xxabbbcxx", true),
            ("a%c", "xxabbb", false),
            ("%", "", true),
            ("50%", "50% off", true),
            ("_", "", false),
            ("清理", "日志清理", true),
            ("x", "abc", false),
        ] {
            assert_eq!(like_contains(p, t), want, "{p:?} in {t:?}");
        }
    }
}
