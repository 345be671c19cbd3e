//! Who the user is, per request, and the `X-Bkapi-Authorization` value built from it.

use axum::http::{header, HeaderMap, HeaderName, HeaderValue};

use super::config::{IdentityKind, UpstreamConfig};

/// The configured identity source.
#[derive(Debug, Clone)]
pub enum Identity {
    BkToken,
    Header(HeaderName),
    Fixed(String),
}

/// The user of one request.
pub enum User {
    /// A BlueKing login token (the name is only known to BlueKing).
    Token(String),
    /// A user name (trusted header or fixed).
    Name(String),
    /// Nothing arrived: the gateway answers its authentication error.
    Anonymous,
}

impl User {
    /// What a log line may say: a name, never the token.
    pub fn log_name(&self) -> &str {
        match self {
            User::Token(_) => "(bk_token)",
            User::Name(n) => n,
            User::Anonymous => "-",
        }
    }
}

impl Identity {
    pub fn from_config(cfg: &UpstreamConfig) -> Identity {
        match cfg.identity {
            IdentityKind::BkToken => Identity::BkToken,
            IdentityKind::Header => Identity::Header(
                HeaderName::from_bytes(cfg.identity_header.as_deref().unwrap_or("").as_bytes())
                    .expect("checked at load"),
            ),
            IdentityKind::Fixed => {
                Identity::Fixed(cfg.username.clone().unwrap_or_default().trim().to_string())
            }
        }
    }

    pub fn user(&self, headers: &HeaderMap) -> User {
        match self {
            Identity::BkToken => match cookie(headers, "bk_token") {
                Some(t) => User::Token(t),
                None => User::Anonymous,
            },
            Identity::Header(name) => match headers.get(name).and_then(|v| v.to_str().ok()) {
                Some(v) if !v.trim().is_empty() => User::Name(v.trim().to_string()),
                _ => User::Anonymous,
            },
            Identity::Fixed(name) => User::Name(name.clone()),
        }
    }
}

/// The value of cookie `name` (the first non-empty one) from every `Cookie` header.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| k.trim() == name && !v.trim().is_empty())
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
}

/// `X-Bkapi-Authorization` (§9.2): the app's code and secret plus the user's token or name.
/// `None` when a value cannot be a header (control characters in a token or name).
pub fn authorization(app_code: &str, secret: &str, user: &User) -> Option<HeaderValue> {
    let mut v = serde_json::json!({"bk_app_code": app_code, "bk_app_secret": secret});
    match user {
        User::Token(t) => v["bk_token"] = t.as_str().into(),
        User::Name(n) => v["bk_username"] = n.as_str().into(),
        User::Anonymous => {}
    }
    let mut value = HeaderValue::from_str(&v.to_string()).ok()?;
    // Keeps it out of HTTP/2 header compression tables and debug output of some tools.
    value.set_sensitive(true);
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    #[test]
    fn bk_token_from_any_cookie_header() {
        let h = headers(&[("cookie", "a=1; bk_token=\"tok\""), ("cookie", "b=2")]);
        assert_eq!(cookie(&h, "bk_token").as_deref(), Some("tok"));
        let h = headers(&[
            ("cookie", "x_bk_token=no; bk_token="),
            ("cookie", "bk_token=yes"),
        ]);
        assert_eq!(cookie(&h, "bk_token").as_deref(), Some("yes"));
        assert_eq!(cookie(&headers(&[]), "bk_token"), None);
    }

    #[test]
    fn users_by_source() {
        let h = headers(&[("x-forwarded-user", " alice "), ("cookie", "bk_token=t")]);
        let by_header = Identity::Header(HeaderName::from_static("x-forwarded-user"));
        assert!(matches!(by_header.user(&h), User::Name(n) if n == "alice"));
        assert!(matches!(Identity::BkToken.user(&h), User::Token(t) if t == "t"));
        assert!(matches!(by_header.user(&headers(&[])), User::Anonymous));
        assert_eq!(User::Token("secret-token".into()).log_name(), "(bk_token)");
    }

    #[test]
    fn authorization_json() {
        let v = authorization("app", "s\"x", &User::Name("bob".into())).unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(v.as_bytes()).unwrap();
        assert_eq!(
            parsed,
            serde_json::json!({"bk_app_code":"app","bk_app_secret":"s\"x","bk_username":"bob"})
        );
        let v = authorization("app", "s", &User::Anonymous).unwrap();
        assert!(!v.to_str().unwrap().contains("bk_token"));
    }
}
