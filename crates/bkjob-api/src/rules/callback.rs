//! `callback_url`: BK-JOB's URL checks (scheme, host, port, no user info, only characters
//! Java's `URI` accepts) and the single violation BK-JOB answers for all of them.
//!
//! Separate because it is a small URL parser of its own, with its own error type
//! ([`CallbackUrlError`]) and helpers, and the largest single rule; the crate has no `url`
//! dependency (it compiles to wasm and stays small).

use super::{is_blank, Rule, Violation};

/// Why a callback URL is rejected (the form may show it; BK-JOB has one message for all).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallbackUrlError {
    /// Whitespace or control characters.
    Whitespace,
    /// Not `http://` or `https://`.
    Scheme,
    /// Empty or malformed host.
    Host,
    /// Contains `user:pass@`.
    UserInfo,
    /// Port not a number in 1..=65535.
    Port,
    /// A character a Java `URI` refuses in path/query/fragment.
    IllegalChar,
}

/// BK-JOB's URL checks without the (default-off) whitelist: blank is allowed (no callback);
/// otherwise `http`/`https` (any case) + `://` + a non-empty host (DNS name, IPv4 or
/// `[IPv6]`), no `user@`, optional port 1..=65535, no whitespace, no characters Java's `URI`
/// rejects (`"<>\^`{|}` and bad `%` escapes). A tiny parser on purpose (no `url` crate).
pub fn check_callback_url(url: &str) -> Result<(), CallbackUrlError> {
    if is_blank(url) {
        return Ok(());
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(CallbackUrlError::Whitespace);
    }
    let (scheme, rest) = url.split_once("://").ok_or(CallbackUrlError::Scheme)?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(CallbackUrlError::Scheme);
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return Err(CallbackUrlError::UserInfo);
    }
    let (host_ok, port) = if let Some(inner) = authority.strip_prefix('[') {
        let close = inner.find(']').ok_or(CallbackUrlError::Host)?;
        let host = &inner[..close];
        let ok = host.contains(':')
            && host
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
        let after = &inner[close + 1..];
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or(CallbackUrlError::Host)?),
        };
        (ok, port)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        (is_hostname(host), port)
    };
    if !host_ok {
        return Err(CallbackUrlError::Host);
    }
    if let Some(p) = port {
        let valid = !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && matches!(p.parse::<u32>(), Ok(1..=65_535));
        if !valid {
            return Err(CallbackUrlError::Port);
        }
    }
    check_uri_tail(tail)
}

fn is_hostname(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').enumerate().all(|(i, label)| {
            // A trailing dot (empty last label) is legal; other empty labels are not.
            (label.is_empty() && i > 0 && host.ends_with('.') && host.len() > 1)
                || (!label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        })
        && !host.contains("..")
}

fn check_uri_tail(tail: &str) -> Result<(), CallbackUrlError> {
    let b = tail.as_bytes();
    let mut hashes = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}' | b'[' | b']' => {
                return Err(CallbackUrlError::IllegalChar)
            }
            b'#' => {
                hashes += 1;
                if hashes > 1 {
                    return Err(CallbackUrlError::IllegalChar);
                }
            }
            b'%' => {
                let ok =
                    b.len() > i + 2 && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit();
                if !ok {
                    return Err(CallbackUrlError::IllegalChar);
                }
                i += 2;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// `callback_url` as a violation (1240003, BK-JOB's single message).
pub fn callback_url_violation(url: &str) -> Option<Violation> {
    check_callback_url(url)
        .err()
        .map(|_| callback_url_refused())
}

/// BK-JOB's one callback violation, also for a well-formed URL a server refuses (an address
/// not in its allowed list).
pub fn callback_url_refused() -> Violation {
    Violation::bean(
        "callback_url",
        Rule::CallbackUrlInvalid,
        "回调地址不合法或不在允许列表中，请联系平台管理员添加",
        "Callback url is invalid or not in the allowed list, please contact the platform administrator to add it",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_url_accepts() {
        for u in [
            "",
            "   ",
            "http://a.example.com/cb",
            "HTTPS://example.com:8443/x?y=1#f",
            "http://10.0.0.1:80",
            "http://[::1]:8080/cb",
            "http://localhost",
            "http://example.com./x%20y",
            "https://例子.com/中文"
                .replace("例子.", "xn--fsqu00a.")
                .as_str(),
        ] {
            assert_eq!(check_callback_url(u), Ok(()), "{u}");
            assert!(callback_url_violation(u).is_none());
        }
    }

    #[test]
    fn callback_url_rejects() {
        use CallbackUrlError::*;
        for (u, e) in [
            ("ftp://x.com", Scheme),
            ("example.com/cb", Scheme),
            ("http:/x.com", Scheme),
            ("http://", Host),
            ("http:///path", Host),
            ("http://user:pw@x.com/", UserInfo),
            ("http://x.com:0/", Port),
            ("http://x.com:65536/", Port),
            ("http://x.com:/", Port),
            ("http://x.com:80a/", Port),
            ("http://x .com/", Whitespace),
            (" http://x.com", Whitespace),
            ("http://x_y.com/", Host),
            ("http://-x.com/", Host),
            ("http://a..b/", Host),
            ("http://[zz]/", Host),
            ("http://x.com/a|b", IllegalChar),
            ("http://x.com/%zz", IllegalChar),
            ("http://x.com/#a#b", IllegalChar),
        ] {
            assert_eq!(check_callback_url(u), Err(e), "{u}");
        }
        let v = callback_url_violation("ftp://x").unwrap();
        assert_eq!(v.zh, "回调地址不合法或不在允许列表中，请联系平台管理员添加");
    }
}
