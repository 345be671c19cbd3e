//! High-risk statements (BK-JOB 高危语句, code 1244019) found while the script is typed.
//!
//! [`view::DangerView`] (for the on-demand module) fetches BK-JOB's rules
//! (`get_dangerous_rule_list`), matches them with the server's own matcher
//! ([`bkjob_api::danger`], so the browser and the server never disagree), lists the matching
//! lines, marks them in the code editor and reports a [`Gate`]: an intercept rule matched
//! (the launch is refused with the server's message, [`refusal`]) or only scan rules did (the
//! launch asks first, [`question`]). The panel's payload is [`payload`].
//!
//! The form mounts it under the editor while there is a script (`src/form/script.rs`), hands
//! it the script once typing pauses, keeps its message in [`crate::state::Ui::danger`]: a
//! refusal is the script's error (the launch is blocked, as the server would refuse it), a
//! question is asked before the launch. The server still checks at launch (1244019).

pub mod view;

use bkjob_api::{ErrorCode, Lang, Rule, Violation};

/// What the panel reported about the script as it is now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Gate {
    /// Nothing matched, no rules, or not checked (the server still checks at launch).
    #[default]
    Clear,
    /// Scan rules matched: the launch asks first (zh, en question).
    Ask(String, String),
    /// An intercept rule matched: the launch is refused (zh, en: the server's message).
    Refuse(String, String),
}

impl Gate {
    /// The panel's message: `ask\t{zh}\t{en}`, `refuse\t{zh}\t{en}`, anything else is clear.
    /// The app reads it with [`refusal`] and [`question`] instead (no enum in the first
    /// visit): this checks the round trip in tests.
    #[cfg(test)]
    pub fn read(text: &str) -> Gate {
        let mut parts = text.splitn(3, '\t');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("ask"), Some(zh), Some(en)) => Gate::Ask(zh.into(), en.into()),
            (Some("refuse"), Some(zh), Some(en)) => Gate::Refuse(zh.into(), en.into()),
            _ => Gate::Clear,
        }
    }

    /// The panel's message (read by [`refusal`] and [`question`]).
    pub fn write(&self) -> String {
        match self {
            Gate::Clear => String::new(),
            Gate::Ask(zh, en) => format!("ask\t{zh}\t{en}"),
            Gate::Refuse(zh, en) => format!("refuse\t{zh}\t{en}"),
        }
    }
}

// The app keeps the panel's message as it came ([`crate::state::Ui::danger`]) and reads it
// only where it matters: no enum to clone and compare in the first visit.

/// The form's error while an intercept rule matches (on the script, as the server's 1244019
/// would be), from the panel's message.
pub fn refusal(message: &str) -> Option<Violation> {
    let (zh, en) = message.strip_prefix("refuse\t")?.split_once('\t')?;
    Some(Violation::error(
        "script_content",
        Rule::DangerousScript,
        ErrorCode::DANGEROUS_SCRIPT.0,
        zh,
        en,
    ))
}

/// The question to ask before launching, when only scan rules match.
pub fn question(message: &str, lang: Lang) -> Option<&str> {
    let (zh, en) = message.strip_prefix("ask\t")?.split_once('\t')?;
    Some(lang.pick(zh, en))
}

/// The panel's payload: `{script_language}\n{script}` (BK-JOB's rules are global: no scope).
pub fn payload(language: i32, script: &str) -> String {
    format!("{language}\n{script}")
}

/// Read [`payload`] (the on-demand module): language and script.
pub fn read_payload(text: &str) -> (i32, &str) {
    let (lang, script) = text.split_once('\n').unwrap_or(("1", ""));
    (lang.parse().unwrap_or(1), script)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gates_cross_the_bridge_as_text() {
        for g in [
            Gate::Clear,
            Gate::Ask("继续？".into(), "Continue?".into()),
            Gate::Refuse("高危".into(), "dangerous\tscript".into()),
        ] {
            assert_eq!(Gate::read(&g.write()), g);
        }
        assert_eq!(Gate::read("nonsense"), Gate::Clear);
    }

    #[test]
    fn only_a_refusal_blocks_the_form_and_only_a_scan_asks() {
        let refuse = Gate::Refuse("zh".into(), "en".into()).write();
        let v = refusal(&refuse).unwrap();
        assert_eq!(v.api_code, 1_244_019);
        assert_eq!(v.path, "script_content");
        assert_eq!((v.zh.as_str(), v.en.as_str()), ("zh", "en"));
        assert_eq!(question(&refuse, Lang::En), None);
        let ask = Gate::Ask("继续？".into(), "Continue?".into()).write();
        assert!(refusal(&ask).is_none());
        assert_eq!(question(&ask, Lang::En), Some("Continue?"));
        assert_eq!(question(&ask, Lang::ZhCn), Some("继续？"));
        assert!(refusal("").is_none() && question("", Lang::En).is_none());
    }

    #[test]
    fn the_payload_puts_the_script_last() {
        let p = payload(4, "a\tb\nc");
        assert_eq!(p, "4\na\tb\nc");
        assert_eq!(read_payload(&p), (4, "a\tb\nc"));
        assert_eq!(read_payload(""), (1, ""));
    }
}
