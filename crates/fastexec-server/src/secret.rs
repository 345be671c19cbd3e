//! Secrets: compared in constant time and never shown whole. Shared by the authentication
//! ([`crate::http::auth`]), the token lookup ([`crate::config`]) and the start-up banner.

/// Constant-time equality: the time taken does not tell how many leading bytes matched, so a
/// secret cannot be guessed byte by byte (the length may show; secrets are not short).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = (a.len() ^ b.len()) as u8 | u8::from(a.len() != b.len());
    for (x, y) in a.iter().zip(b.iter()) {
        diff |= x ^ y;
    }
    diff == 0
}

/// The first two characters and a fixed-length mask (the length is not shown either).
pub fn mask(secret: &str) -> String {
    let head: String = secret.chars().take(2).collect();
    format!("{head}********")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ct_eq_compares_whole_values() {
        assert!(ct_eq(b"s3cret", b"s3cret"));
        assert!(!ct_eq(b"s3cret", b"s3creT"));
        assert!(!ct_eq(b"s3cret", b"s3cret!"));
        assert!(!ct_eq(b"", b"x"));
        assert!(ct_eq(b"", b""));
    }

    #[test]
    fn mask_shows_two_characters_only() {
        assert_eq!(mask("s3cr3t-value"), "s3********");
        assert_eq!(mask("a"), "a********");
    }
}
