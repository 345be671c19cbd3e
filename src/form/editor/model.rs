//! The script editor's decisions as plain functions: reading a local file (which language its
//! extension means, the message shown), what a key does (Tab indents, Esc releases it), the
//! line-number gutter, the byte counter text. No web-sys here, so they are unit-tested natively.

use bkjob_api::{Lang, ScriptLanguage};

use crate::i18n::{fill, t};

/// Why a local file was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileError {
    /// The browser could not read the file.
    ReadFailed,
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

/// The script language a file name's extension means (`deploy.PS1` → PowerShell), if any.
pub fn language_for_file(name: &str) -> Option<ScriptLanguage> {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    ScriptLanguage::ALL
        .into_iter()
        .find(|l| l.file_extension() == ext)
}

/// A local file opened in the editor: its text and the language its extension means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedFile {
    /// The script text (UTF-8, BOM stripped).
    pub text: String,
    /// The language to switch to; `None` keeps the current one.
    pub language: Option<ScriptLanguage>,
}

/// Open the file `name` from its bytes (`None`: the browser could not read it).
pub fn open_script_file(name: &str, bytes: Option<&[u8]>) -> Result<OpenedFile, FileError> {
    let text = decode_script_file(bytes.ok_or(FileError::ReadFailed)?)?;
    Ok(OpenedFile {
        text,
        language: language_for_file(name),
    })
}

/// The message shown under the editor after opening `name`: `(true, text)` when it was
/// loaded, `(false, text)` when it was refused.
pub fn file_message(name: &str, result: Result<(), &FileError>, lang: Lang) -> (bool, String) {
    let tx = t(lang);
    match result {
        Ok(()) => (true, fill(tx.file_loaded, &[("name", name)])),
        Err(FileError::ReadFailed) => (false, fill(tx.file_read_error, &[("name", name)])),
        Err(FileError::Utf16) => (false, fill(tx.file_utf16, &[("name", name)])),
        Err(FileError::NotUtf8 { offset }) => (
            false,
            fill(
                tx.file_not_utf8,
                &[("name", name), ("offset", &offset.to_string())],
            ),
        ),
    }
}

/// What a key pressed in the editor does. Tab indents, so keyboard users need a way out: Esc
/// releases Tab for one press (then Tab moves the focus on as usual); Shift+Tab always leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditorKey {
    /// Esc: the next Tab leaves the editor (announced to screen readers).
    Release,
    /// Tab after Esc: let the browser move the focus; Tab indents again afterwards.
    Leave,
    /// Tab: insert [`INDENT`] instead of moving the focus.
    Indent,
    /// Any other key (but Shift) after Esc: the release is forgotten.
    Forget,
    /// Nothing to do.
    Ignore,
}

/// Which [`EditorKey`] `key` (with its modifiers) is, given whether Tab is released now.
pub fn editor_key(key: &str, shift: bool, other_modifier: bool, released: bool) -> EditorKey {
    if key == "Escape" {
        EditorKey::Release
    } else if key == "Tab" && !shift && !other_modifier {
        if released {
            EditorKey::Leave
        } else {
            EditorKey::Indent
        }
    } else if key != "Shift" && released {
        EditorKey::Forget
    } else {
        EditorKey::Ignore
    }
}

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
    fn extension_picks_the_language() {
        assert_eq!(language_for_file("a.py"), Some(ScriptLanguage::Python));
        assert_eq!(
            language_for_file("deploy.PS1"),
            Some(ScriptLanguage::Powershell)
        );
        assert_eq!(language_for_file("x.tar.sh"), Some(ScriptLanguage::Shell));
        assert_eq!(language_for_file("run.bat"), Some(ScriptLanguage::Bat));
        assert_eq!(language_for_file("notes.txt"), None);
        assert_eq!(language_for_file("Makefile"), None);
    }

    #[test]
    fn opening_a_file() {
        let ok = open_script_file("a.pl", Some(b"print 1")).unwrap();
        assert_eq!(ok.text, "print 1");
        assert_eq!(ok.language, Some(ScriptLanguage::Perl));
        assert_eq!(open_script_file("a.sh", None), Err(FileError::ReadFailed));
        assert_eq!(
            open_script_file("a.sh", Some(&[0xFF, 0xFE])),
            Err(FileError::Utf16)
        );
    }

    #[test]
    fn file_messages() {
        assert_eq!(
            file_message("a.sh", Ok(()), Lang::En),
            (true, fill(t(Lang::En).file_loaded, &[("name", "a.sh")]))
        );
        let (ok, text) = file_message("a.sh", Err(&FileError::NotUtf8 { offset: 7 }), Lang::En);
        assert!(!ok);
        assert!(text.contains("a.sh") && text.contains('7'), "{text}");
        assert!(!text.contains('{'), "{text}");
        for e in [FileError::ReadFailed, FileError::Utf16] {
            let (ok, text) = file_message("b.py", Err(&e), Lang::ZhCn);
            assert!(
                !ok && text.contains("b.py") && !text.contains('{'),
                "{text}"
            );
        }
    }

    #[test]
    fn keys() {
        assert_eq!(editor_key("Tab", false, false, false), EditorKey::Indent);
        assert_eq!(
            editor_key("Escape", false, false, false),
            EditorKey::Release
        );
        assert_eq!(editor_key("Tab", false, false, true), EditorKey::Leave);
        // Shift+Tab and Ctrl+Tab are the browser's.
        assert_eq!(editor_key("Tab", true, false, false), EditorKey::Ignore);
        assert_eq!(editor_key("Tab", false, true, false), EditorKey::Ignore);
        assert_eq!(editor_key("Tab", true, false, true), EditorKey::Forget);
        // Shift alone (on the way to Shift+Tab) keeps the release.
        assert_eq!(editor_key("Shift", false, false, true), EditorKey::Ignore);
        assert_eq!(editor_key("a", false, false, true), EditorKey::Forget);
        assert_eq!(editor_key("a", false, false, false), EditorKey::Ignore);
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
