//! The app's own UI strings, in Simplified Chinese and English, one table per wasm module so
//! each module carries only its own: [`form`] (the form module), [`job`] (the job view and
//! the recent-jobs list), [`panels`] (the request preview and permission details),
//! [`history`], [`hostcheck`] and [`pickers`], all but the first in the on-demand modules. One
//! [`fill`] for their `{key}` placeholders.
//!
//! Messages of the API itself (validation, error codes, IAM names) come from `bkjob-api`.

use bkjob_api::Lang;

pub mod form;
pub mod history;
pub mod hostcheck;
pub mod job;
pub mod panels;
pub mod pickers;

pub use form::{t, Texts};

/// Replace each `{key}` in `template` with its value.
pub fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (k, v) in pairs {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// The UI language tag used by `<select id="ui-lang">` and stored in localStorage.
pub fn lang_tag(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhCn => "zh-CN",
        Lang::En => "en",
    }
}

/// Parse a UI language tag (`zh-CN`, `en`) or a `navigator.language` value: anything starting
/// with `zh` is Chinese, everything else English.
pub fn lang_from_tag(tag: &str) -> Lang {
    if tag.trim().to_ascii_lowercase().starts_with("zh") {
        Lang::ZhCn
    } else {
        Lang::En
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip() {
        assert_eq!(lang_from_tag(lang_tag(Lang::ZhCn)), Lang::ZhCn);
        assert_eq!(lang_from_tag(lang_tag(Lang::En)), Lang::En);
        assert_eq!(lang_from_tag("zh-TW"), Lang::ZhCn);
        assert_eq!(lang_from_tag("en-US"), Lang::En);
        assert_eq!(lang_from_tag("fr"), Lang::En);
    }

    #[test]
    fn fill_replaces_every_key_once_given() {
        assert_eq!(
            fill("{a} of {b}, {a}", &[("a", "1"), ("b", "2")]),
            "1 of 2, 1"
        );
        assert_eq!(fill("{a} {c}", &[("a", "x")]), "x {c}");
    }
}
