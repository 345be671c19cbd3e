//! The cap on the size of an HTTP answer the app reads (the launch answer and every read of
//! the job view), in plain Rust. A bigger answer is refused with a message instead of being
//! read into memory: a `Content-Length` above the cap is refused before any byte is read,
//! otherwise the bytes are counted while the body streams in and reading stops (the stream
//! is cancelled) as soon as the count passes the cap.
//!
//! The cap is [`DEFAULT_MAX_ANSWER_MIB`] unless the connection settings carry another one
//! (`max_answer_mib` in the stored settings, see [`crate::connection::Connection::max_answer_bytes`]).

/// The default cap, MiB.
pub const DEFAULT_MAX_ANSWER_MIB: u32 = 64;
/// The largest cap the settings may set, MiB (a wasm page's memory tops out at 4 GiB).
pub const MAX_ANSWER_MIB_LIMIT: u32 = 2048;

const MIB: u64 = 1 << 20;

/// The cap in bytes for a configured value in MiB: the default when unset, zero or above
/// [`MAX_ANSWER_MIB_LIMIT`].
pub fn cap_bytes(mib: Option<u32>) -> u64 {
    let mib = mib
        .filter(|m| (1..=MAX_ANSWER_MIB_LIMIT).contains(m))
        .unwrap_or(DEFAULT_MAX_ANSWER_MIB);
    u64::from(mib) * MIB
}

/// A cap as shown in the message ("64 MiB").
pub fn cap_text(cap: u64) -> String {
    if cap.is_multiple_of(MIB) {
        format!("{} MiB", cap / MIB)
    } else {
        format!("{cap} B")
    }
}

/// True when a `Content-Length` header announces more than `cap` bytes (digits too many for
/// a u64 too). An absent or unreadable header announces nothing (the bytes are counted
/// instead).
pub fn announced_too_large(content_length: Option<&str>, cap: u64) -> bool {
    let Some(v) = content_length.map(str::trim) else {
        return false;
    };
    match v.parse::<u64>() {
        Ok(n) => n > cap,
        Err(_) => !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()),
    }
}

/// Counts the bytes of a body as its chunks arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByteBudget {
    cap: u64,
    read: u64,
}

impl ByteBudget {
    /// Nothing read yet, at most `cap` bytes allowed.
    pub fn new(cap: u64) -> Self {
        ByteBudget { cap, read: 0 }
    }

    /// Count a chunk of `n` bytes; false when the body is now bigger than the cap (stop
    /// reading and cancel the stream).
    pub fn take(&mut self, n: usize) -> bool {
        self.read = self.read.saturating_add(n as u64);
        self.read <= self.cap
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_is_64_mib_unless_configured() {
        assert_eq!(cap_bytes(None), 64 * 1024 * 1024);
        assert_eq!(cap_bytes(Some(0)), 64 * 1024 * 1024);
        assert_eq!(cap_bytes(Some(1)), 1024 * 1024);
        assert_eq!(cap_bytes(Some(MAX_ANSWER_MIB_LIMIT)), 2048 * MIB);
        assert_eq!(cap_bytes(Some(MAX_ANSWER_MIB_LIMIT + 1)), 64 * MIB);
        assert_eq!(cap_text(cap_bytes(None)), "64 MiB");
        assert_eq!(cap_text(1000), "1000 B");
    }

    #[test]
    fn content_length_decides_first() {
        let cap = 64 * MIB;
        assert!(!announced_too_large(None, cap));
        assert!(
            !announced_too_large(Some("67108864"), cap),
            "exactly the cap is read"
        );
        assert!(announced_too_large(Some("67108865"), cap));
        assert!(announced_too_large(Some(" 73400320 "), cap));
        // A header that is no number announces nothing: the bytes are counted.
        assert!(!announced_too_large(Some("lots"), cap));
        assert!(!announced_too_large(Some("-1"), cap));
        assert!(!announced_too_large(Some(""), cap));
        assert!(announced_too_large(Some("99999999999999999999"), cap));
    }

    #[test]
    fn counting_stops_past_the_cap() {
        let mut b = ByteBudget::new(10);
        assert!(b.take(4));
        assert!(b.take(6), "exactly the cap is fine");
        assert!(b.take(0));
        assert!(!b.take(1));
        let mut b = ByteBudget::new(64 * MIB);
        let chunk = 65_536;
        let chunks = (0..).take_while(|_| b.take(chunk)).count();
        assert_eq!(chunks as u64, 64 * MIB / chunk as u64);
        let mut b = ByteBudget::new(u64::MAX);
        assert!(
            b.take(usize::MAX) && b.take(usize::MAX),
            "saturates, never wraps"
        );
    }
}
