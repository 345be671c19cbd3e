//! Message language, chosen the way BK-JOB chooses it.
//!
//! BK-JOB reads the `Blueking-Language` header: `en` (any case, also `en-US`, `en_US`) means
//! English, everything else (including a missing header) means Simplified Chinese.

use serde::{Deserialize, Serialize};

/// The two languages BK-JOB answers in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// Simplified Chinese (`zh-cn`), BK-JOB's default.
    #[default]
    ZhCn,
    /// English (`en`).
    En,
}

impl Lang {
    /// Parse a `Blueking-Language` (or `Accept-Language`-like) header value.
    ///
    /// `en`, `EN`, `en-US`, `en_GB` → [`Lang::En`]; anything else → [`Lang::ZhCn`], because
    /// BK-JOB falls back to zh_CN for every value it does not recognise.
    pub fn from_header(value: &str) -> Lang {
        let v = value.trim();
        let b = v.as_bytes();
        if b.len() >= 2
            && b[..2].eq_ignore_ascii_case(b"en")
            && (b.len() == 2 || b[2] == b'-' || b[2] == b'_' || b[2] == b',' || b[2] == b';')
        {
            Lang::En
        } else {
            Lang::ZhCn
        }
    }

    /// The header value to send so BK-JOB answers in this language.
    pub fn as_header(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-cn",
            Lang::En => "en",
        }
    }

    /// Choose between a Chinese and an English text.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        pick(self, zh, en)
    }
}

/// Choose between a Chinese and an English text (free-function form of [`Lang::pick`]).
pub fn pick<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::ZhCn => zh,
        Lang::En => en,
    }
}

/// A static bilingual text pair, used by the message catalogues of this crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Text {
    /// Simplified Chinese.
    pub zh: &'static str,
    /// English.
    pub en: &'static str,
}

impl Text {
    /// Build a pair (const so catalogues can be tables).
    pub const fn new(zh: &'static str, en: &'static str) -> Text {
        Text { zh, en }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => self.zh,
            Lang::En => self.en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_parsing() {
        assert_eq!(Lang::from_header("en"), Lang::En);
        assert_eq!(Lang::from_header(" EN "), Lang::En);
        assert_eq!(Lang::from_header("en-US"), Lang::En);
        assert_eq!(Lang::from_header("en_GB"), Lang::En);
        assert_eq!(Lang::from_header("zh-cn"), Lang::ZhCn);
        assert_eq!(Lang::from_header(""), Lang::ZhCn);
        assert_eq!(Lang::from_header("english"), Lang::ZhCn);
        assert_eq!(Lang::from_header("fr"), Lang::ZhCn);
        assert_eq!(Lang::En.as_header(), "en");
        assert_eq!(Lang::ZhCn.as_header(), "zh-cn");
        assert_eq!(Lang::from_header(Lang::En.as_header()), Lang::En);
    }

    #[test]
    fn pick_and_text() {
        assert_eq!(pick(Lang::En, "中", "en"), "en");
        assert_eq!(Lang::ZhCn.pick("中", "en"), "中");
        let t = Text::new("中", "en");
        assert_eq!(t.get(Lang::ZhCn), "中");
        assert_eq!(t.get(Lang::En), "en");
    }
}
