//! Base64 as BK-JOB uses it for `script_content` and `script_param`.
//!
//! * Encoding: standard alphabet, padded, of the UTF-8 bytes. `script_param` is the Base64 of
//!   the **whole** parameter string (`"a b"` → `YSBi`), never of each argument separately.
//! * Decoding on the server side is lenient (Apache commons-codec): characters outside the
//!   alphabet are skipped, the URL-safe `-`/`_` are accepted, decoding stops at the first `=`,
//!   and leftover bits are dropped. There is no error code for bad Base64.
//! * BK-JOB's size limits are computed from the Base64 length without decoding.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64 (standard alphabet, padded) of the UTF-8 bytes of `text`. Written out rather than
/// the `base64` crate's engine: this runs in the browser's first visit, where the engine cost
/// about 2.5 KB of wasm; a test checks it against the crate on every length and byte.
pub fn encode_base64(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = vec![b'='; bytes.len().div_ceil(3) * 4];
    let sextet = |n: u32, shift: u32| ALPHABET[((n >> shift) & 63) as usize];
    // Whole groups: zipped chunks, so the loop has no capacity or bounds checks.
    let groups = bytes.chunks_exact(3);
    let rest = groups.remainder();
    for (c, o) in groups.zip(out.chunks_exact_mut(4)) {
        if let ([a, b, c], [w, x, y, z]) = (c, o) {
            let n = u32::from(*a) << 16 | u32::from(*b) << 8 | u32::from(*c);
            (*w, *x, *y, *z) = (sextet(n, 18), sextet(n, 12), sextet(n, 6), sextet(n, 0));
        }
    }
    // The last 1 or 2 bytes: 2 or 3 characters, the '=' already there.
    if let (Some(&a), Some(tail)) = (rest.first(), out.rchunks_exact_mut(4).next()) {
        let n = u32::from(a) << 16 | rest.get(1).map_or(0, |&b| u32::from(b) << 8);
        tail[0] = sextet(n, 18);
        tail[1] = sextet(n, 12);
        if rest.len() == 2 {
            tail[2] = sextet(n, 6);
        }
    }
    // Only ASCII from the alphabet and '=' was written.
    String::from_utf8(out).unwrap_or_default()
}

/// Decode like commons-codec's `Base64.decodeBase64`: never fails.
///
/// Fast path: strict decoding of well-formed input (the common case, 16 MiB in milliseconds);
/// otherwise a byte-by-byte lenient pass.
pub fn decode_base64_lenient(input: &str) -> Vec<u8> {
    if let Ok(v) = STANDARD.decode(input) {
        return v;
    }
    let mut out = Vec::with_capacity(input.len() / 4 * 3 + 3);
    let mut acc: u32 = 0;
    let mut n = 0u8;
    for &b in input.as_bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        n += 1;
        if n == 4 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            acc = 0;
            n = 0;
        }
    }
    // Leftovers: 2 chars carry one byte, 3 chars two bytes, 1 char nothing.
    match n {
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => {}
    }
    out
}

/// [`decode_base64_lenient`] then UTF-8 with replacement characters, as BK-JOB reads scripts.
pub fn decode_base64_to_string_lossy(input: &str) -> String {
    String::from_utf8_lossy(&decode_base64_lenient(input)).into_owned()
}

/// BK-JOB's decoded-size estimate: `len * 3 / 4` minus the trailing `=` padding (at most 2).
///
/// Exact for valid Base64, padded or not; used for the `script_content`/`script_param` limits.
pub fn decoded_len_from_base64_len(b64: &str) -> usize {
    let len = b64.len();
    let padding = b64.bytes().rev().take(2).take_while(|&b| b == b'=').count();
    // Written without `len * 3` so it cannot overflow.
    (len / 4 * 3 + (len % 4) * 3 / 4).saturating_sub(padding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_whole_param() {
        assert_eq!(encode_base64("hello"), "aGVsbG8=");
        assert_eq!(encode_base64("echo $1"), "ZWNobyAkMQ==");
        assert_eq!(encode_base64("a b"), "YSBi");
        assert_eq!(encode_base64(""), "");
        assert_eq!(encode_base64("中文"), "5Lit5paH");
    }

    #[test]
    fn encoding_agrees_with_the_base64_crate() {
        // Every length 0..=300 (all three remainders many times) over every byte value, as
        // UTF-8 text of chars up to U+07FF.
        let text: String = (0..300u32)
            .map(|i| char::from_u32(i * 7 % 0x800).unwrap_or('x'))
            .collect();
        for end in 0..=text.len() {
            if let Some(t) = text.get(..end) {
                assert_eq!(encode_base64(t), STANDARD.encode(t.as_bytes()), "{end}");
            }
        }
        assert_eq!(encode_base64("中文 ✓"), STANDARD.encode("中文 ✓"));
    }

    #[test]
    fn lenient_decode() {
        assert_eq!(decode_base64_lenient("aGVsbG8="), b"hello");
        assert_eq!(decode_base64_lenient("aGVs\nbG8="), b"hello");
        assert_eq!(decode_base64_lenient("aGVs bG8"), b"hello");
        assert_eq!(decode_base64_lenient("a*G!V#s"), b"hel");
        assert_eq!(decode_base64_lenient("YQ==YQ=="), b"a");
        assert_eq!(decode_base64_lenient("Y"), b"");
        assert_eq!(decode_base64_lenient("-_-_"), decode_base64_lenient("+/+/"));
        assert_eq!(decode_base64_lenient("%%%"), b"");
        assert_eq!(decode_base64_to_string_lossy("5Lit5paH"), "中文");
    }

    #[test]
    fn decoded_len() {
        assert_eq!(decoded_len_from_base64_len(""), 0);
        assert_eq!(decoded_len_from_base64_len("aGVsbG8="), 5);
        assert_eq!(decoded_len_from_base64_len("aGVsbG8"), 5);
        assert_eq!(decoded_len_from_base64_len("YQ=="), 1);
        assert_eq!(decoded_len_from_base64_len("YQ"), 1);
        assert_eq!(decoded_len_from_base64_len("YWJj"), 3);
        assert_eq!(decoded_len_from_base64_len("="), 0);
    }

    #[test]
    fn sixteen_mib_is_fast() {
        let s = "x".repeat(16 * 1024 * 1024);
        let t = std::time::Instant::now();
        let e = encode_base64(&s);
        assert_eq!(decoded_len_from_base64_len(&e), s.len());
        assert_eq!(decode_base64_lenient(&e).len(), s.len());
        // Generous bound, debug build on a slow machine.
        assert!(t.elapsed().as_secs() < 10);
    }
}
