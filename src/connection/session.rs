//! Who adds the credentials: the app itself (local mode, the settings' auth mode) or the
//! server in front of BK-JOB (proxy mode, issue 16). `fastexec-server` in proxy mode answers
//! `GET /api/fastexec/session` with the mode, the signed-in user and its login page; anything
//! else (an older server, a static file server's 404 or HTML page, garbage, no answer) means
//! local mode, so nothing changes where nothing was configured. Plain Rust, tested natively.
//!
//! The session is asked only of the page's own server ([`asks_session`]): a base URL pointing
//! elsewhere is a gateway or proxy the user set up, whose credentials the user types.

use tinyjson::Json;

use super::{AuthMode, Connection};
use crate::i18n::{fill, Texts};

/// The path asked, under the API base.
pub const SESSION_PATH: &str = "/api/fastexec/session";

/// What the server said about credentials.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Session {
    /// The app sends the credentials of its settings (also: an old server, or no answer).
    #[default]
    Local,
    /// The server adds the credentials from the user's BlueKing login; the app sends none.
    Proxy {
        /// The signed-in user, when the server knows the name.
        username: Option<String>,
        /// Whether the server has a login to add (a `bk_token` cookie, an SSO header...).
        signed_in: bool,
        /// Where to sign in (an `http(s)` URL or an absolute path), when configured; with the
        /// page to come back to once [`Session::returning_to`] added it.
        login_url: Option<String>,
    },
}

impl Session {
    /// Read the answer to `GET {base}/api/fastexec/session`: only a 2xx BK envelope with
    /// `result: true` and `data.mode` `"proxy"` is proxy mode; everything else is local.
    pub fn from_answer(status: u16, body: &str) -> Session {
        if !(200..300).contains(&status) {
            return Session::Local;
        }
        let Ok(mut envelope) = tinyjson::parse(body) else {
            return Session::Local;
        };
        if envelope.get("result").and_then(Json::as_bool) != Some(true) {
            return Session::Local;
        }
        let Some(mut data) = envelope.remove("data") else {
            return Session::Local;
        };
        if data.get("mode").and_then(Json::as_str) != Some("proxy") {
            return Session::Local;
        }
        let username = data
            .remove("username")
            .and_then(Json::into_string)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        // A server that names the user but leaves `signed_in` out has a login to add.
        let signed_in = data
            .get("signed_in")
            .and_then(Json::as_bool)
            .unwrap_or(username.is_some());
        let login_url = data
            .remove("login_url")
            .and_then(Json::into_string)
            .map(|s| s.trim().to_owned())
            .filter(|s| is_link_target(s));
        Session::Proxy {
            username,
            signed_in,
            login_url,
        }
    }

    /// The session with its login URL turned into the sign-in link back to `page_url`
    /// ([`sign_in_url`]). Done once, when the answer arrives: the link then brings the user
    /// back to the page the app was opened on.
    pub fn returning_to(mut self, page_url: &str) -> Session {
        if let Session::Proxy {
            login_url: Some(url),
            ..
        } = &mut self
        {
            *url = sign_in_url(url, page_url);
        }
        self
    }

    /// The sign-in link to show: the login URL of a signed-out proxy session.
    pub fn sign_in_link(&self) -> Option<String> {
        match self {
            Session::Proxy {
                signed_in: false,
                login_url,
                ..
            } => login_url.clone(),
            _ => None,
        }
    }

    /// The server adds the credentials.
    pub fn is_proxy(&self) -> bool {
        matches!(self, Session::Proxy { .. })
    }

    /// Proxy mode without a login: every call would be refused, so the app does not launch
    /// (the launch button says to sign in first).
    pub fn must_sign_in(&self) -> bool {
        matches!(
            self,
            Session::Proxy {
                signed_in: false,
                ..
            }
        )
    }
}

/// What the connection panel says of `session` (nothing in local mode).
pub fn status_text(session: &Session, t: &Texts) -> Option<String> {
    match session {
        Session::Local => None,
        Session::Proxy {
            signed_in: true,
            username: Some(user),
            ..
        } => Some(fill(t.session_as, &[("user", user)])),
        Session::Proxy {
            signed_in: true, ..
        } => Some(t.session_anon.to_owned()),
        Session::Proxy { .. } => Some(t.session_signed_out.to_owned()),
    }
}

/// Only web addresses become a link (never `javascript:` or `data:`).
fn is_link_target(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || url.starts_with('/')
}

/// Whether the app asks the server at `base` for the session: only when `base` is the page's
/// own server (empty, or the page's origin), where `fastexec-server` serves the app.
pub fn asks_session(base: &str, origin: &str) -> bool {
    let base = base.trim().trim_end_matches('/');
    base.is_empty() || (!origin.is_empty() && base.eq_ignore_ascii_case(origin))
}

impl Connection {
    /// What is sent under `session`: in proxy mode the same base and language with auth mode
    /// "none" and no credential at all (the server adds them; the job module never gets the
    /// typed secret); the settings themselves (and what is stored) stay as the user left them.
    pub fn as_sent(&self, session: &Session) -> Connection {
        if !session.is_proxy() {
            return self.clone();
        }
        Connection {
            api_base_url: self.api_base_url.clone(),
            auth_mode: AuthMode::None,
            message_lang: self.message_lang,
            max_answer_mib: self.max_answer_mib,
            ..Connection::default()
        }
    }
}

/// The sign-in link: `login_url` with `c_url`, the page to come back to, as BlueKing's login
/// expects it (`?c_url=` or `&c_url=` when the URL has a query; before any `#fragment`).
pub fn sign_in_url(login_url: &str, page_url: &str) -> String {
    let (head, fragment) = match login_url.find('#') {
        Some(i) => login_url.split_at(i),
        None => (login_url, ""),
    };
    let sep = if !head.contains('?') {
        "?"
    } else if head.ends_with('?') || head.ends_with('&') {
        ""
    } else {
        "&"
    };
    format!("{head}{sep}c_url={}{fragment}", encode_component(page_url))
}

/// `encodeURIComponent`: every byte but the unreserved marks percent-encoded (UTF-8).
fn encode_component(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

#[cfg(test)]
mod tests;
