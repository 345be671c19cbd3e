//! Connection settings and everything derived from them in plain Rust: the endpoint URL, the
//! headers, the body actually sent, the masked preview and the "copy as curl" text.
//!
//! Secrets (app secret, bk_token) live only in [`Connection`] in memory; [`StoredConnection`]
//! is the part that may be persisted and has no field for them.

use bkjob_api::to_json::WriteJson;
use bkjob_api::{EsbCommonArgs, FastExecuteScriptRequest, GatewayAuth, Lang};
use serde::{Deserialize, Serialize};
use tinyjson::Json;

/// What replaces a secret in the preview.
pub const MASK: &str = "******";

/// Environment variable names used by the curl text instead of the real secrets.
pub const ENV_APP_SECRET: &str = "BK_APP_SECRET";
/// See [`ENV_APP_SECRET`].
pub const ENV_TOKEN: &str = "BK_TOKEN";
/// See [`ENV_APP_SECRET`]; a sensitive parameter's Base64 is never put into the curl text.
pub const ENV_SCRIPT_PARAM: &str = "BK_SCRIPT_PARAM_BASE64";

/// How the app authenticates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// BlueKing API gateway: `X-Bkapi-Authorization` header, `/api/v3/…` (see [`crate::api::Api::url`]).
    #[default]
    Gateway,
    /// Legacy ESB: credentials in the JSON body, POST `/api/c/compapi/v2/jobv3/…/`.
    Esb,
    /// No credentials: a proxy adds them (the gateway's paths).
    None,
}

impl AuthMode {
    /// The `<select name="auth_mode">` value.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMode::Gateway => "gateway",
            AuthMode::Esb => "esb",
            AuthMode::None => "none",
        }
    }

    /// Parse a select value (unknown → gateway).
    pub fn parse(s: &str) -> AuthMode {
        match s {
            "esb" => AuthMode::Esb,
            "none" => AuthMode::None,
            _ => AuthMode::Gateway,
        }
    }

    /// All modes, in display order.
    pub const ALL: [AuthMode; 3] = [AuthMode::Gateway, AuthMode::Esb, AuthMode::None];
}

/// Which language BK-JOB should answer in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageLang {
    /// Same as the UI language.
    #[default]
    Auto,
    /// Always Chinese.
    Zh,
    /// Always English.
    En,
}

impl MessageLang {
    /// The select value.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageLang::Auto => "auto",
            MessageLang::Zh => "zh-cn",
            MessageLang::En => "en",
        }
    }

    /// Parse a select value (unknown → auto).
    pub fn parse(s: &str) -> MessageLang {
        match s {
            "zh-cn" => MessageLang::Zh,
            "en" => MessageLang::En,
            _ => MessageLang::Auto,
        }
    }

    /// The effective language given the UI language.
    pub fn resolve(self, ui: Lang) -> Lang {
        match self {
            MessageLang::Auto => ui,
            MessageLang::Zh => Lang::ZhCn,
            MessageLang::En => Lang::En,
        }
    }
}

/// The connection settings, secrets included (memory only).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Connection {
    /// API base URL; empty = same origin.
    pub api_base_url: String,
    /// Authentication mode.
    pub auth_mode: AuthMode,
    /// `bk_app_code`.
    pub bk_app_code: String,
    /// `bk_app_secret` (never stored).
    pub bk_app_secret: String,
    /// `bk_username`.
    pub bk_username: String,
    /// `bk_token` (never stored).
    pub bk_token: String,
    /// `Blueking-Language` choice.
    pub message_lang: MessageLang,
    /// The cap on the size of an answer, MiB; `None` = [`crate::limit::DEFAULT_MAX_ANSWER_MIB`].
    /// Set only in the stored settings (`max_answer_mib`), there is no control for it.
    pub max_answer_mib: Option<u32>,
}

/// The part of [`Connection`] that may be stored in localStorage: no secret fields exist here.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StoredConnection {
    /// API base URL.
    pub api_base_url: String,
    /// Authentication mode.
    pub auth_mode: AuthMode,
    /// App code.
    pub bk_app_code: String,
    /// User name.
    pub bk_username: String,
    /// Message language choice.
    pub message_lang: MessageLang,
    /// The answer size cap, MiB (absent = the default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_answer_mib: Option<u32>,
}

impl WriteJson for StoredConnection {
    /// As serde's derive writes it (the form module writes it without serde_json, for its
    /// size).
    fn write_json(&self, out: &mut String) {
        let lang = match self.message_lang {
            MessageLang::Auto => "auto",
            MessageLang::Zh => "zh",
            MessageLang::En => "en",
        };
        let mut w = tinyjson::ObjectWriter::new(out);
        w.str("api_base_url", &self.api_base_url)
            .str("auth_mode", self.auth_mode.as_str())
            .str("bk_app_code", &self.bk_app_code)
            .str("bk_username", &self.bk_username)
            .str("message_lang", lang)
            .opt_int("max_answer_mib", self.max_answer_mib.map(i64::from))
            .end();
    }
}

impl StoredConnection {
    /// Stored settings read from their parsed JSON (what serde wrote), without serde's derive
    /// (the form module's size); a missing or odd field keeps its default.
    pub fn from_json(mut v: Json) -> StoredConnection {
        let mut c = StoredConnection::default();
        let mut text = |key: &str| v.remove(key).and_then(Json::into_string);
        if let Some(s) = text("api_base_url") {
            c.api_base_url = s;
        }
        // serde's names (lowercase variants), which for these two equal the select values.
        if let Some(s) = text("auth_mode") {
            c.auth_mode = AuthMode::parse(&s);
        }
        if let Some(s) = text("bk_app_code") {
            c.bk_app_code = s;
        }
        if let Some(s) = text("bk_username") {
            c.bk_username = s;
        }
        if let Some(s) = text("message_lang") {
            c.message_lang = match s.as_str() {
                "zh" => MessageLang::Zh,
                "en" => MessageLang::En,
                _ => MessageLang::Auto,
            };
        }
        c.max_answer_mib = v
            .get("max_answer_mib")
            .and_then(Json::as_i64)
            .and_then(|n| u32::try_from(n).ok());
        c
    }
}

impl Connection {
    /// The storable part (drops the secret and the token).
    pub fn to_stored(&self) -> StoredConnection {
        StoredConnection {
            api_base_url: self.api_base_url.clone(),
            auth_mode: self.auth_mode,
            bk_app_code: self.bk_app_code.clone(),
            bk_username: self.bk_username.clone(),
            message_lang: self.message_lang,
            max_answer_mib: self.max_answer_mib,
        }
    }

    /// Rebuild from the stored part (secrets empty).
    pub fn from_stored(s: StoredConnection) -> Connection {
        Connection {
            api_base_url: s.api_base_url,
            auth_mode: s.auth_mode,
            bk_app_code: s.bk_app_code,
            bk_username: s.bk_username,
            message_lang: s.message_lang,
            max_answer_mib: s.max_answer_mib,
            ..Connection::default()
        }
    }

    /// The cap on the size of an answer the app reads, bytes ([`crate::limit::cap_bytes`]).
    pub fn max_answer_bytes(&self) -> u64 {
        crate::limit::cap_bytes(self.max_answer_mib)
    }

    /// The base URL without trailing slashes (empty = same origin).
    pub fn base(&self) -> &str {
        self.api_base_url.trim().trim_end_matches('/')
    }

    /// The URL the launch is POSTed to (relative when the base is empty).
    pub fn endpoint(&self) -> String {
        crate::api::call::launch_url(self)
    }

    /// The endpoint as an absolute URL (for curl), given the page's origin.
    pub fn absolute_endpoint(&self, origin: &str) -> String {
        let e = self.endpoint();
        if e.starts_with("http://") || e.starts_with("https://") {
            e
        } else if e.starts_with("//") {
            format!("https:{e}")
        } else if e.starts_with('/') {
            format!("{}{}", origin.trim_end_matches('/'), e)
        } else {
            format!("{}/{}", origin.trim_end_matches('/'), e)
        }
    }

    fn opt(s: &str) -> Option<String> {
        let t = s.trim();
        (!t.is_empty()).then(|| t.to_owned())
    }

    /// The gateway authorization object (real values).
    pub fn gateway_auth(&self) -> GatewayAuth {
        GatewayAuth {
            bk_app_code: Self::opt(&self.bk_app_code),
            bk_app_secret: Self::opt(&self.bk_app_secret),
            bk_username: Self::opt(&self.bk_username),
            bk_token: Self::opt(&self.bk_token),
            access_token: None,
        }
    }

    fn esb_common(&self) -> EsbCommonArgs {
        EsbCommonArgs {
            bk_app_code: Self::opt(&self.bk_app_code),
            bk_app_secret: Self::opt(&self.bk_app_secret),
            bk_token: Self::opt(&self.bk_token),
            bk_username: Self::opt(&self.bk_username),
        }
    }

    /// The headers to send (name, value), secrets included.
    pub fn headers(&self, ui_lang: Lang) -> Vec<(String, String)> {
        let mut h = vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("Accept".to_owned(), "application/json".to_owned()),
            (
                "Blueking-Language".to_owned(),
                self.message_lang.resolve(ui_lang).as_header().to_owned(),
            ),
        ];
        if self.auth_mode == AuthMode::Gateway {
            h.push((
                GatewayAuth::HEADER.to_owned(),
                self.gateway_auth().to_json_text(),
            ));
        }
        h
    }

    /// The JSON body to send (secrets included in ESB mode).
    pub fn body(&self, request: &FastExecuteScriptRequest) -> String {
        let fields = request.to_json_text();
        match self.auth_mode {
            AuthMode::Esb => self.esb_body(&fields),
            AuthMode::Gateway | AuthMode::None => fields,
        }
    }

    /// A legacy ESB body: the credentials and the business fields (`fields`, a JSON object)
    /// side by side in one object, as [`bkjob_api::EsbRequest`] writes them. Joined as text,
    /// so no request type needs a second (flattened) serializer.
    pub(crate) fn esb_body(&self, fields: &str) -> String {
        let common = self.esb_common().to_json_text();
        match (common.strip_suffix('}'), fields.strip_prefix('{')) {
            (Some("{"), _) => fields.to_owned(),
            (Some(_), Some("}")) => common,
            (Some(head), Some(tail)) => format!("{head},{tail}"),
            _ => common,
        }
    }

    /// A copy whose secrets are replaced by `with` (only where a secret is set).
    fn with_secrets_replaced(&self, secret: &str, token: &str) -> Connection {
        let mut c = self.clone();
        if !c.bk_app_secret.trim().is_empty() {
            c.bk_app_secret = secret.to_owned();
        }
        if !c.bk_token.trim().is_empty() {
            c.bk_token = token.to_owned();
        }
        c
    }
}

/// A copy of the request whose sensitive parameter is replaced by `with`.
fn mask_param(request: &FastExecuteScriptRequest, with: &str) -> FastExecuteScriptRequest {
    let mut r = request.clone();
    if r.is_param_sensitive == Some(1) && r.script_param.is_some() {
        r.script_param = Some(with.to_owned());
    }
    r
}

/// The request preview: the exact JSON body, pretty-printed (fields in the order sent), with
/// the secret, the token and a sensitive parameter shown as [`MASK`].
pub fn preview_body(conn: &Connection, request: &FastExecuteScriptRequest) -> String {
    let masked = conn.with_secrets_replaced(MASK, MASK);
    let body = masked.body(&mask_param(request, MASK));
    crate::api::json_writer::pretty_json(&body).unwrap_or(body)
}

/// The headers for the preview (the authorization header masked).
pub fn preview_headers(conn: &Connection, ui_lang: Lang) -> Vec<(String, String)> {
    conn.with_secrets_replaced(MASK, MASK).headers(ui_lang)
}

/// Quote a string for a POSIX shell (single quotes).
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

const SENTINEL_SECRET: &str = "FASTEXECSENTINELAPPSECRET";
const SENTINEL_TOKEN: &str = "FASTEXECSENTINELTOKEN";
const SENTINEL_PARAM: &str = "FASTEXECSENTINELSCRIPTPARAM";

/// "Copy as curl": the same call as a shell command. Secrets (and a sensitive parameter) are
/// never included: they are read from the environment variables [`ENV_APP_SECRET`],
/// [`ENV_TOKEN`] and [`ENV_SCRIPT_PARAM`] when the command runs.
pub fn curl_command(
    conn: &Connection,
    request: &FastExecuteScriptRequest,
    ui_lang: Lang,
    origin: &str,
) -> String {
    let placeholders = conn.with_secrets_replaced(SENTINEL_SECRET, SENTINEL_TOKEN);
    let request = mask_param(request, SENTINEL_PARAM);
    let splice = |quoted: String| {
        quoted
            .replace(SENTINEL_SECRET, &format!("'\"${ENV_APP_SECRET}\"'"))
            .replace(SENTINEL_TOKEN, &format!("'\"${ENV_TOKEN}\"'"))
            .replace(SENTINEL_PARAM, &format!("'\"${ENV_SCRIPT_PARAM}\"'"))
    };
    let mut out = format!(
        "curl -sS -X POST {}",
        shell_quote(&conn.absolute_endpoint(origin))
    );
    for (name, value) in placeholders.headers(ui_lang) {
        out.push_str(" \\\n  -H ");
        out.push_str(&splice(shell_quote(&format!("{name}: {value}"))));
    }
    out.push_str(" \\\n  --data-raw ");
    out.push_str(&splice(shell_quote(&placeholders.body(&request))));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn request() -> FastExecuteScriptRequest {
        FastExecuteScriptRequest {
            bk_scope_type: Some("biz".into()),
            bk_scope_id: Some("2".into()),
            script_content: Some("ZWNobyBoaQ==".into()),
            script_language: Some(1),
            script_param: Some("c2VjcmV0".into()),
            is_param_sensitive: Some(1),
            account_alias: Some("root".into()),
            ..Default::default()
        }
    }

    fn conn(mode: AuthMode) -> Connection {
        Connection {
            api_base_url: "https://bkapi.example.com/api/bk-job/prod/".into(),
            auth_mode: mode,
            bk_app_code: "app".into(),
            bk_app_secret: "s3cr3t".into(),
            bk_username: "alice".into(),
            bk_token: "tok".into(),
            message_lang: MessageLang::Auto,
            max_answer_mib: None,
        }
    }

    #[test]
    fn endpoints_per_mode() {
        assert_eq!(
            conn(AuthMode::Gateway).endpoint(),
            "https://bkapi.example.com/api/bk-job/prod/api/v3/fast_execute_script"
        );
        assert_eq!(
            conn(AuthMode::Esb).endpoint(),
            "https://bkapi.example.com/api/bk-job/prod/api/c/compapi/v2/jobv3/fast_execute_script/"
        );
        let same_origin = Connection::default();
        assert_eq!(same_origin.endpoint(), "/api/v3/fast_execute_script");
        assert_eq!(
            same_origin.absolute_endpoint("http://127.0.0.1:8000"),
            "http://127.0.0.1:8000/api/v3/fast_execute_script"
        );
    }

    #[test]
    fn gateway_header_carries_credentials_and_body_does_not() {
        let c = conn(AuthMode::Gateway);
        let h = c.headers(Lang::En);
        let auth = h
            .iter()
            .find(|(n, _)| n == "X-Bkapi-Authorization")
            .unwrap();
        let parsed = GatewayAuth::parse(&auth.1).unwrap();
        assert_eq!(parsed.bk_app_secret.as_deref(), Some("s3cr3t"));
        assert_eq!(parsed.bk_username.as_deref(), Some("alice"));
        assert!(h.contains(&("Blueking-Language".into(), "en".into())));
        assert!(!c.body(&request()).contains("s3cr3t"));
    }

    #[test]
    fn esb_body_carries_credentials_and_no_auth_header() {
        let c = conn(AuthMode::Esb);
        let body: Value = serde_json::from_str(&c.body(&request())).unwrap();
        assert_eq!(body["bk_app_secret"], "s3cr3t");
        assert_eq!(body["bk_scope_id"], "2");
        assert!(c
            .headers(Lang::ZhCn)
            .iter()
            .all(|(n, _)| n != "X-Bkapi-Authorization"));
        assert!(c
            .headers(Lang::ZhCn)
            .contains(&("Blueking-Language".into(), "zh-cn".into())));
    }

    #[test]
    fn none_mode_sends_no_credentials() {
        let c = conn(AuthMode::None);
        assert!(!c.body(&request()).contains("s3cr3t"));
        assert!(c
            .headers(Lang::En)
            .iter()
            .all(|(_, v)| !v.contains("s3cr3t")));
    }

    #[test]
    fn preview_masks_secret_token_and_sensitive_param() {
        for mode in AuthMode::ALL {
            let c = conn(mode);
            let p = preview_body(&c, &request());
            assert!(!p.contains("s3cr3t") && !p.contains("tok\"") && !p.contains("c2VjcmV0"));
            assert!(p.contains("ZWNobyBoaQ=="), "Base64 of the script is shown");
            assert!(p.contains(MASK));
            for (_, v) in preview_headers(&c, Lang::En) {
                assert!(!v.contains("s3cr3t"));
            }
        }
        // not sensitive: the parameter is shown
        let mut r = request();
        r.is_param_sensitive = Some(0);
        assert!(preview_body(&conn(AuthMode::Gateway), &r).contains("c2VjcmV0"));
    }

    #[test]
    fn curl_uses_placeholders_never_secrets() {
        for mode in AuthMode::ALL {
            let cmd = curl_command(&conn(mode), &request(), Lang::En, "http://x");
            assert!(cmd.starts_with("curl -sS -X POST 'https://bkapi.example.com/"));
            assert!(!cmd.contains("s3cr3t"));
            assert!(!cmd.contains("c2VjcmV0"));
            assert!(cmd.contains("\"$BK_SCRIPT_PARAM_BASE64\""));
            assert!(cmd.contains("--data-raw '{"));
            if mode != AuthMode::None {
                assert!(cmd.contains("\"$BK_APP_SECRET\""));
                assert!(cmd.contains("\"$BK_TOKEN\""));
            }
        }
    }

    #[test]
    fn esb_body_is_what_esb_request_writes() {
        let c = conn(AuthMode::Esb);
        let flattened = serde_json::to_string(&bkjob_api::EsbRequest {
            common: c.esb_common(),
            body: request(),
        })
        .unwrap();
        assert_eq!(c.body(&request()), flattened);
        // No credentials at all, or no business fields: one of the two objects.
        let bare = Connection {
            auth_mode: AuthMode::Esb,
            ..Connection::default()
        };
        assert_eq!(
            bare.body(&request()),
            serde_json::to_string(&request()).unwrap()
        );
        assert_eq!(
            c.esb_body("{}"),
            serde_json::to_string(&c.esb_common()).unwrap()
        );
    }

    #[test]
    fn preview_is_the_body_pretty_printed_in_order() {
        let c = conn(AuthMode::Gateway);
        let mut r = request();
        r.is_param_sensitive = Some(0);
        assert_eq!(
            preview_body(&c, &r),
            serde_json::to_string_pretty(&r).unwrap()
        );
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn stored_connection_has_no_secret() {
        let s = serde_json::to_string(&conn(AuthMode::Esb).to_stored()).unwrap();
        assert!(!s.contains("s3cr3t") && !s.contains("tok\""));
        let read = |text: &str| StoredConnection::from_json(tinyjson::parse(text).unwrap());
        let back = read(&s);
        assert_eq!(back, conn(AuthMode::Esb).to_stored());
        let c = Connection::from_stored(back);
        assert_eq!(c.auth_mode, AuthMode::Esb);
        assert_eq!(c.bk_app_code, "app");
        assert!(c.bk_app_secret.is_empty());
        // old / partial JSON still loads
        assert_eq!(read(r#"{"auth_mode":"none"}"#).auth_mode, AuthMode::None);
    }

    #[test]
    fn every_stored_choice_reads_back() {
        for auth_mode in AuthMode::ALL {
            for message_lang in [MessageLang::Auto, MessageLang::Zh, MessageLang::En] {
                let stored = StoredConnection {
                    api_base_url: "https://bk.example/api/".into(),
                    auth_mode,
                    bk_app_code: "app".into(),
                    bk_username: "admin".into(),
                    message_lang,
                    max_answer_mib: None,
                };
                let text = serde_json::to_string(&stored).unwrap();
                assert_eq!(stored.to_json_text(), text);
                let capped = StoredConnection {
                    max_answer_mib: Some(3),
                    ..stored.clone()
                };
                assert_eq!(
                    capped.to_json_text(),
                    serde_json::to_string(&capped).unwrap()
                );
                assert!(!text.contains("max_answer_mib"), "{text}");
                let back = StoredConnection::from_json(tinyjson::parse(&text).unwrap());
                assert_eq!(back, stored, "{text}");
            }
        }
    }

    #[test]
    fn the_answer_cap_is_a_stored_setting() {
        let read = |text: &str| {
            Connection::from_stored(StoredConnection::from_json(tinyjson::parse(text).unwrap()))
        };
        assert_eq!(read("{}").max_answer_bytes(), 64 << 20);
        let c = read(r#"{"max_answer_mib":2}"#);
        assert_eq!(c.max_answer_bytes(), 2 << 20);
        // it survives the round trip through storage (and across to the job module)
        let text = serde_json::to_string(&c.to_stored()).unwrap();
        assert_eq!(read(&text).max_answer_mib, Some(2));
        for odd in [
            r#"{"max_answer_mib":-1}"#,
            r#"{"max_answer_mib":"9"}"#,
            r#"{"max_answer_mib":0}"#,
        ] {
            assert_eq!(read(odd).max_answer_bytes(), 64 << 20, "{odd}");
        }
    }
}
