//! Plain helpers of the script editor: reading a local file, the line-number gutter, the byte
//! counter text. No web-sys here, so they are unit-tested natively.

/// Why a local file was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileError {
    /// The bytes are not valid UTF-8 (first bad byte at this offset).
    NotUtf8 {
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// A UTF-16 byte order mark: the file is UTF-16, not UTF-8.
    Utf16,
}

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Decode a local script file: UTF-8 only, a UTF-8 BOM is stripped.
pub fn decode_script_file(bytes: &[u8]) -> Result<String, FileError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(FileError::Utf16);
    }
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => Err(FileError::NotUtf8 {
            offset: e.valid_up_to() + (bytes.len() - body.len()),
        }),
    }
}

/// Number of lines the editor shows for `text` (an empty text has one line).
pub fn line_count(text: &str) -> usize {
    text.bytes().filter(|&b| b == b'\n').count() + 1
}

/// The gutter text: `1\n2\n…\nn`.
pub fn gutter_text(lines: usize) -> String {
    let mut s = String::with_capacity(lines * 4);
    for i in 1..=lines.max(1) {
        if i > 1 {
            s.push('\n');
        }
        s.push_str(&i.to_string());
    }
    s
}

/// A byte size for people: `512 B`, `1.5 KiB (1536 B)`, `3.2 MiB (…)`, plus the exact count.
/// Integer arithmetic only (no float formatting code in the wasm).
pub fn human_bytes(n: usize) -> String {
    const KIB: usize = 1024;
    let one_decimal = |unit: usize| {
        let tenths = (n * 10 + unit / 2) / unit;
        format!("{}.{}", tenths / 10, tenths % 10)
    };
    if n < KIB {
        format!("{n} B")
    } else if n < KIB * KIB {
        format!("{} KiB ({n} B)", one_decimal(KIB))
    } else {
        format!("{} MiB ({n} B)", one_decimal(KIB * KIB))
    }
}

/// The indentation the Tab key inserts.
pub const INDENT: &str = "    ";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_file_is_read_and_bom_stripped() {
        assert_eq!(decode_script_file(b"echo hi\n").unwrap(), "echo hi\n");
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice("echo 你好".as_bytes());
        assert_eq!(decode_script_file(&with_bom).unwrap(), "echo 你好");
        assert_eq!(decode_script_file(b"").unwrap(), "");
    }

    #[test]
    fn non_utf8_is_refused() {
        // "你好" in GBK
        assert_eq!(
            decode_script_file(&[b'a', 0xC4, 0xE3, 0xBA, 0xC3]),
            Err(FileError::NotUtf8 { offset: 1 })
        );
        assert_eq!(
            decode_script_file(&[0xFF, 0xFE, b'a', 0]),
            Err(FileError::Utf16)
        );
    }

    #[test]
    fn lines_and_gutter() {
        assert_eq!(line_count(""), 1);
        assert_eq!(line_count("a\nb"), 2);
        assert_eq!(line_count("a\nb\n"), 3);
        assert_eq!(gutter_text(3), "1\n2\n3");
        assert_eq!(gutter_text(0), "1");
    }

    #[test]
    fn bytes_for_people() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1536), "1.5 KiB (1536 B)");
        assert_eq!(human_bytes(3 * 1024 * 1024), "3.0 MiB (3145728 B)");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1024 * 1024 - 1), "1024.0 KiB (1048575 B)");
        assert_eq!(human_bytes(16_777_215), "16.0 MiB (16777215 B)");
    }
}
