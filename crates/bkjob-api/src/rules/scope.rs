//! Scope: which business (set) a request is for. `bk_scope_type` + `bk_scope_id`, or the
//! legacy `bk_biz_id`, plus the scope types BK-JOB's interceptor knows and the biz-set ID range.
//!
//! Separate because the scope is checked before anything else and by its own logic: when
//! `bk_biz_id` is present it replaces the other two fields (see [`super::validate_request`]),
//! and a server's scope interceptor uses [`scope_type_known`] before validation starts.

use super::{is_blank, Rule, Violation};

/// Scope types BK-JOB's interceptor knows. A non-blank type outside this set (with a
/// non-blank scope id) is answered 1241005 `请求参数[bk_scope_type]不合法` before validation.
pub fn scope_type_known(scope_type: &str) -> bool {
    matches!(scope_type, "biz" | "biz_set" | "tenant_set")
}

/// Legacy `bk_biz_id` values in 8000000..=9999999 denote business sets.
pub fn is_biz_set_id(bk_biz_id: i64) -> bool {
    (8_000_000..=9_999_999).contains(&bk_biz_id)
}

/// `bk_scope_type` must be `biz` or `biz_set` (checked when `bk_biz_id` is absent).
pub fn check_scope_type(scope_type: Option<&str>) -> Option<Violation> {
    match scope_type {
        Some("biz") | Some("biz_set") => None,
        _ => Some(Violation::bean(
            "bk_scope_type",
            Rule::ScopeTypeInvalid,
            "非法的资源范围类型",
            "Invalid bk_scope_type",
        )),
    }
}

/// `bk_scope_id` must not be blank (checked when `bk_biz_id` is absent).
pub fn check_scope_id(scope_id: Option<&str>) -> Option<Violation> {
    match scope_id {
        Some(s) if !is_blank(s) => None,
        _ => Some(Violation::bean(
            "bk_scope_id",
            Rule::ScopeIdBlank,
            "非法的资源范围 ID",
            "Invalid bk_scope_id",
        )),
    }
}

/// `bk_biz_id` must be ≥ 1 when it is used.
pub fn check_biz_id(bk_biz_id: i64) -> Option<Violation> {
    (bk_biz_id < 1).then(|| {
        Violation::bean(
            "bk_biz_id",
            Rule::BizIdInvalid,
            "非法的业务 ID",
            "Invalid bk_biz_id",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixtures::{good, l, rules_of};
    use crate::rules::validate_request;

    #[test]
    fn scope_rules() {
        assert!(check_scope_type(Some("biz")).is_none());
        assert!(check_scope_type(Some("biz_set")).is_none());
        let v = check_scope_type(Some("tenant_set")).unwrap();
        assert_eq!(
            (v.api_code, v.zh.as_str()),
            (1_240_003, "非法的资源范围类型")
        );
        assert!(check_scope_type(None).is_some());
        assert!(check_scope_type(Some("BIZ")).is_some());
        assert!(check_scope_id(Some("2")).is_none());
        assert_eq!(
            check_scope_id(Some("  ")).unwrap().en,
            "Invalid bk_scope_id"
        );
        assert!(check_scope_id(None).is_some());
        assert!(check_biz_id(1).is_none());
        assert_eq!(check_biz_id(0).unwrap().zh, "非法的业务 ID");
        assert!(scope_type_known("tenant_set") && scope_type_known("biz"));
        assert!(!scope_type_known("foo") && !scope_type_known(""));
        assert!(is_biz_set_id(9_999_999) && !is_biz_set_id(2));
        // bk_biz_id replaces the scope fields in validation.
        let mut r = good();
        r.bk_scope_type = None;
        r.bk_scope_id = None;
        r.bk_biz_id = Some(2);
        assert!(validate_request(&r, &l()).is_empty());
        r.bk_biz_id = Some(-1);
        assert_eq!(rules_of(&r), vec![Rule::BizIdInvalid]);
    }
}
