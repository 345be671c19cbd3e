//! What the app keeps in localStorage, as plain (de)serialisation (the web-sys calls live in
//! the component module). Never a secret: the draft goes through `Draft::without_secrets` and
//! the connection through [`StoredConnection`], which has no secret field.

use bkjob_api::to_json::WriteJson;
use bkjob_api::{Draft, Lang};

use crate::connection::{Connection, StoredConnection};
use crate::i18n::{lang_from_tag, lang_tag};

/// localStorage key of the draft.
pub const KEY_DRAFT: &str = "fastexec.draft.v1";
/// localStorage key of the storable connection settings.
pub const KEY_CONNECTION: &str = "fastexec.connection.v1";
/// localStorage key of the UI language (`zh-CN` / `en`).
pub const KEY_UI_LANG: &str = "fastexec.ui-lang";

/// The draft as stored (a sensitive parameter is dropped).
pub fn draft_to_json(draft: &Draft) -> String {
    draft.without_secrets().to_json_text()
}

/// A stored draft; `None` when absent or unreadable (then the defaults apply). Read with the
/// small JSON reader, not serde's derive (see [`Draft::from_json`]).
pub fn draft_from_json(json: &str) -> Option<Draft> {
    Draft::from_json(tinyjson::parse(json).ok()?)
}

/// The connection settings as stored (no secret, no token).
pub fn connection_to_json(conn: &Connection) -> String {
    conn.to_stored().to_json_text()
}

/// Stored connection settings (secrets empty); defaults when unreadable.
pub fn connection_from_json(json: &str) -> Connection {
    let stored = tinyjson::parse(json)
        .map(StoredConnection::from_json)
        .unwrap_or_default();
    Connection::from_stored(stored)
}

/// The stored UI language, else the browser's.
pub fn initial_lang(stored: Option<&str>, navigator_language: &str) -> Lang {
    match stored {
        Some(tag) if !tag.is_empty() => lang_from_tag(tag),
        _ => lang_from_tag(navigator_language),
    }
}

/// The value stored for a UI language.
pub fn lang_to_stored(lang: Lang) -> &'static str {
    lang_tag(lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::AuthMode;

    #[test]
    fn draft_round_trip_drops_a_sensitive_param() {
        let d = Draft {
            scope_id: "2".into(),
            script_content: "echo 你好\n".into(),
            script_param: "hunter2".into(),
            is_param_sensitive: true,
            ..Draft::default()
        };
        let json = draft_to_json(&d);
        assert!(!json.contains("hunter2"));
        let back = draft_from_json(&json).unwrap();
        assert_eq!(back.script_content, "echo 你好\n");
        assert!(back.is_param_sensitive);
        assert!(back.script_param.is_empty());
        // a plain parameter is kept
        let plain = Draft {
            is_param_sensitive: false,
            ..d
        };
        assert_eq!(
            draft_from_json(&draft_to_json(&plain))
                .unwrap()
                .script_param,
            "hunter2"
        );
    }

    #[test]
    fn unreadable_draft_is_ignored() {
        assert!(draft_from_json("not json").is_none());
        assert_eq!(draft_from_json("{}").unwrap(), Draft::default());
    }

    #[test]
    fn connection_never_stores_secrets() {
        let c = Connection {
            api_base_url: "http://x".into(),
            auth_mode: AuthMode::Esb,
            bk_app_code: "app".into(),
            bk_app_secret: "s3cr3t".into(),
            bk_username: "alice".into(),
            bk_token: "t0ken".into(),
            ..Connection::default()
        };
        let json = connection_to_json(&c);
        assert!(!json.contains("s3cr3t") && !json.contains("t0ken"));
        let back = connection_from_json(&json);
        assert_eq!(back.bk_app_code, "app");
        assert_eq!(back.auth_mode, AuthMode::Esb);
        assert!(back.bk_app_secret.is_empty() && back.bk_token.is_empty());
        assert_eq!(connection_from_json("garbage"), Connection::default());
    }

    #[test]
    fn language_choice() {
        assert_eq!(initial_lang(Some("en"), "zh-CN"), Lang::En);
        assert_eq!(initial_lang(None, "zh-CN"), Lang::ZhCn);
        assert_eq!(initial_lang(None, "en-US"), Lang::En);
        assert_eq!(initial_lang(Some(""), "zh"), Lang::ZhCn);
        assert_eq!(lang_to_stored(Lang::ZhCn), "zh-CN");
    }
}
