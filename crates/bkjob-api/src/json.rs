//! A tiny JSON reader and writer for the app's main WebAssembly module.
//!
//! Why it exists: serde_json's deserializer plus the serde-derive visitors cost ~15 KB of the
//! first-visit module, which only reads a few small documents (the stored form draft, the
//! connection settings, BK-JOB's response envelope). This module is the non-generic
//! alternative: one byte-based parser into a value tree and one writer, no float parsing, no
//! lookup tables, no `fmt`.
//!
//! It accepts and rejects what `serde_json::from_str::<serde_json::Value>` does (RFC 8259, the
//! same "truncated" classification) except where it is more lenient, as the serde readers it
//! replaces in the app were for the fields they skipped (a launch answer with an odd field the
//! app never reads must still show the job it created):
//! - numbers are kept as their literal text, so one too large for `f64` (`1e400`) is accepted
//!   where serde_json reports "number out of range";
//! - an unpaired UTF-16 surrogate in a `\u` escape (which broken UTF-16 producers send) reads
//!   as U+FFFD instead of failing the document;
//! - containers nested deeper than [`MAX_DEPTH`] are skipped (read as `null`) instead of
//!   failing the document, without recursion.
//!
//! The writers produce serde_json's compact and pretty output (keys in document order),
//! numbers verbatim.

/// A JSON value. Numbers keep their literal text (64-bit IDs above 2^53 stay exact); objects
/// keep key order and duplicate keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, exactly as written in the document.
    Number(String),
    /// A string, escapes decoded.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object: members in document order, duplicates included.
    Object(Vec<(String, Json)>),
}

/// Why [`parse`] failed, and the byte offset where it noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonError {
    /// Truncated text or bad syntax.
    pub kind: JsonErrorKind,
    /// Byte offset into the text (the text's length for [`JsonErrorKind::Eof`]).
    pub offset: usize,
}

/// The two failure classes, as serde_json's `Error::is_eof()` / `is_syntax()` split them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonErrorKind {
    /// The text ended in the middle of a value (a truncated body), including empty text.
    Eof,
    /// Anything else: a bad token, trailing characters, a control character in a string, a
    /// malformed number.
    Syntax,
}

/// How deep the reader recurses (serde_json's recursion limit: 127 levels pass); containers
/// nested deeper are skipped (see [`Parser::skip_deep`]), which keeps the stack bounded.
pub const MAX_DEPTH: u8 = 127;

/// Parse one JSON document (surrounding whitespace allowed, nothing else after it).
pub fn parse(text: &str) -> Result<Json, JsonError> {
    let mut p = Parser {
        text,
        pos: 0,
        depth: 0,
    };
    let value = p.value()?;
    match p.skip_ws() {
        None => Ok(value),
        c => Err(p.err(c)),
    }
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    depth: u8,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// The error for finding `c` (end of text when `None`) at the current position.
    #[cold]
    fn err(&self, c: Option<u8>) -> JsonError {
        match c {
            None => JsonError {
                kind: JsonErrorKind::Eof,
                offset: self.text.len(),
            },
            Some(_) => JsonError {
                kind: JsonErrorKind::Syntax,
                offset: self.pos,
            },
        }
    }

    /// The text from `start` to the current position (both always at ASCII bytes).
    fn slice(&self, start: usize) -> &'a str {
        self.text.get(start..self.pos).unwrap_or_default()
    }

    /// Skips whitespace and returns the next byte without consuming it.
    fn skip_ws(&mut self) -> Option<u8> {
        loop {
            let c = self.peek();
            if !matches!(c, Some(b' ' | b'\n' | b'\t' | b'\r')) {
                return c;
            }
            self.pos += 1;
        }
    }

    /// Consumes exactly `word`.
    fn expect(&mut self, word: &[u8]) -> Result<(), JsonError> {
        for &w in word {
            let c = self.peek();
            if c != Some(w) {
                return Err(self.err(c));
            }
            self.pos += 1;
        }
        Ok(())
    }

    fn value(&mut self) -> Result<Json, JsonError> {
        let c = self.skip_ws();
        Ok(match c {
            Some(b'n') => {
                self.expect(b"null")?;
                Json::Null
            }
            Some(b't') => {
                self.expect(b"true")?;
                Json::Bool(true)
            }
            Some(b'f') => {
                self.expect(b"false")?;
                Json::Bool(false)
            }
            Some(b'"') => {
                self.pos += 1;
                Json::String(self.string()?)
            }
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(open @ (b'[' | b'{')) => {
                if self.depth == MAX_DEPTH {
                    return self.skip_deep();
                }
                self.depth += 1;
                self.pos += 1;
                let v = self.container(open == b'{')?;
                self.depth -= 1;
                v
            }
            _ => return Err(self.err(c)),
        })
    }

    /// A container too deep to read, from its opening bracket through its matching closing
    /// one, read as `null`. Iterative (no recursion); strings are read so that brackets in them
    /// do not count, the rest is only bracket-matched.
    fn skip_deep(&mut self) -> Result<Json, JsonError> {
        let mut open = 0usize;
        loop {
            match self.peek() {
                None => return Err(self.err(None)),
                Some(b'"') => {
                    self.pos += 1;
                    self.string()?;
                    continue;
                }
                Some(b'[' | b'{') => open += 1,
                Some(b']' | b'}') => {
                    open -= 1;
                    if open == 0 {
                        self.pos += 1;
                        return Ok(Json::Null);
                    }
                }
                Some(_) => {}
            }
            self.pos += 1;
        }
    }

    /// The members of an array or object, after its opening bracket.
    fn container(&mut self, object: bool) -> Result<Json, JsonError> {
        let close = if object { b'}' } else { b']' };
        let mut items = Vec::new();
        let mut members = Vec::new();
        if self.skip_ws() == Some(close) {
            self.pos += 1;
        } else {
            loop {
                if object {
                    self.expect_after_ws(b'"')?;
                    let key = self.string()?;
                    self.expect_after_ws(b':')?;
                    members.push((key, self.value()?));
                } else {
                    items.push(self.value()?);
                }
                let c = self.skip_ws();
                if c == Some(close) {
                    self.pos += 1;
                    break;
                }
                if c != Some(b',') {
                    return Err(self.err(c));
                }
                // A trailing comma fails in the next member's first byte.
                self.pos += 1;
            }
        }
        Ok(if object {
            Json::Object(members)
        } else {
            Json::Array(items)
        })
    }

    fn expect_after_ws(&mut self, b: u8) -> Result<(), JsonError> {
        self.skip_ws();
        self.expect(&[b])
    }

    /// A string's contents after the opening quote, through the closing quote.
    fn string(&mut self) -> Result<String, JsonError> {
        let mut out = String::new();
        let mut start = self.pos;
        loop {
            let rest = self.text.as_bytes().get(self.pos..).unwrap_or_default();
            self.pos += rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(rest.len());
            out.push_str(self.slice(start));
            let c = self.peek();
            if c == Some(b'"') {
                self.pos += 1;
                return Ok(out);
            }
            if c != Some(b'\\') {
                // A control character or the end of the text.
                return Err(self.err(c));
            }
            self.pos += 1;
            self.escape(&mut out)?;
            start = self.pos;
        }
    }

    /// One escape after its backslash.
    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let c = self.peek();
        let ch = match c {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let n = self.hex4()?;
                let pair = if (0xD800..0xDC00).contains(&n) {
                    self.trailing_surrogate()?
                        .map(|low| 0x10000 + ((n - 0xD800) << 10) + (low - 0xDC00))
                } else {
                    Some(n)
                };
                // None for an unpaired surrogate: U+FFFD rather than a failed document.
                pair.and_then(char::from_u32).unwrap_or('\u{fffd}')
            }
            _ => return Err(self.err(c)),
        };
        if c != Some(b'u') {
            self.pos += 1;
        }
        out.push(ch);
        Ok(())
    }

    /// The trailing surrogate (`\uDC00`..`\uDFFF`) right after a leading one, consumed; `None`
    /// (nothing consumed) when something else follows, which is then read on its own.
    fn trailing_surrogate(&mut self) -> Result<Option<u32>, JsonError> {
        let rest = self.text.as_bytes().get(self.pos..).unwrap_or_default();
        if !rest.starts_with(b"\\u") {
            // `\` alone at the end: truncated either way.
            return match rest {
                [b'\\'] => Err(self.err(None)),
                _ => Ok(None),
            };
        }
        let start = self.pos;
        self.pos += 2;
        match self.hex4() {
            Ok(low @ 0xDC00..=0xDFFF) => Ok(Some(low)),
            Err(e) if e.kind == JsonErrorKind::Eof => Err(e),
            _ => {
                self.pos = start;
                Ok(None)
            }
        }
    }

    /// Four hex digits of a `\u` escape. Like serde_json, fewer than four bytes left in the
    /// whole text counts as truncated whatever they are.
    fn hex4(&mut self) -> Result<u32, JsonError> {
        if self.text.len() - self.pos < 4 {
            return Err(self.err(None));
        }
        let mut n = 0;
        for _ in 0..4 {
            let c = self.peek();
            let d = match c {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err(self.err(c)),
            };
            n = n * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(n)
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept as text.
    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        if self.peek() == Some(b'0') {
            self.pos += 1;
            let c = self.peek();
            if matches!(c, Some(b'0'..=b'9')) {
                return Err(self.err(c));
            }
        } else {
            self.digits()?;
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.digits()?;
        }
        Ok(Json::Number(self.slice(start).to_owned()))
    }

    /// One or more digits.
    fn digits(&mut self) -> Result<(), JsonError> {
        let c = self.peek();
        if !matches!(c, Some(b'0'..=b'9')) {
            return Err(self.err(c));
        }
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
fn syntax(offset: usize) -> JsonError {
    JsonError {
        kind: JsonErrorKind::Syntax,
        offset,
    }
}

impl Json {
    /// An object's member `key`; with duplicate keys the last one wins, like
    /// `serde_json::Value`. `None` for non-objects.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.as_object()?
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// Takes the (last) member `key` out of an object, so a large string can be moved out
    /// without copying. Earlier duplicates of `key` stay.
    pub fn remove(&mut self, key: &str) -> Option<Json> {
        let Json::Object(members) = self else {
            return None;
        };
        let i = members.iter().rposition(|(k, _)| k == key)?;
        Some(members.remove(i).1)
    }

    /// The string, moved out.
    pub fn into_string(self) -> Option<String> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The string's contents.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// An integer literal (no fraction, no exponent) that fits `i64` exactly; `-0` is 0.
    pub fn as_i64(&self) -> Option<i64> {
        let Json::Number(text) = self else {
            return None;
        };
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.as_str()),
        };
        if digits.is_empty() {
            return None;
        }
        let mut n: i64 = 0;
        for b in digits.bytes() {
            if !b.is_ascii_digit() {
                return None;
            }
            let d = i64::from(b - b'0');
            // Accumulating negative values reaches i64::MIN.
            n = n.checked_mul(10)?;
            n = if negative {
                n.checked_sub(d)?
            } else {
                n.checked_add(d)?
            };
        }
        Some(n)
    }

    /// The array's elements.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The object's members, in document order.
    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// Appends the value as `serde_json::to_string` writes it (numbers verbatim).
    pub fn write_compact(&self, out: &mut String) {
        self.write(out, None);
    }

    /// Appends the value as `serde_json::to_string_pretty` writes it (two-space indent,
    /// numbers verbatim).
    pub fn write_pretty(&self, out: &mut String) {
        self.write(out, Some(0));
    }

    /// `level` is the current indent level when pretty, `None` when compact.
    fn write(&self, out: &mut String, level: Option<usize>) {
        let inner = level.map(|l| l + 1);
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(true) => out.push_str("true"),
            Json::Bool(false) => out.push_str("false"),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => write_str_literal(s, out),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    separator(out, i, inner);
                    item.write(out, inner);
                }
                if !items.is_empty() {
                    newline(out, level);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (key, value)) in members.iter().enumerate() {
                    separator(out, i, inner);
                    write_str_literal(key, out);
                    out.push(':');
                    if level.is_some() {
                        out.push(' ');
                    }
                    value.write(out, inner);
                }
                if !members.is_empty() {
                    newline(out, level);
                }
                out.push('}');
            }
        }
    }
}

/// Before the `i`-th element of a container.
fn separator(out: &mut String, i: usize, level: Option<usize>) {
    if i > 0 {
        out.push(',');
    }
    newline(out, level);
}

/// A line break and indent when pretty.
fn newline(out: &mut String, level: Option<usize>) {
    if let Some(level) = level {
        out.push('\n');
        for _ in 0..level {
            out.push_str("  ");
        }
    }
}

/// Appends `s` as a JSON string literal escaped like serde_json: `"`, `\`, `\n`, `\r`, `\t`,
/// `\b`, `\f`, other control characters as `\u00xx`; everything else (`/`, non-ASCII) as is.
pub fn write_str_literal(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x08 => b'b',
            0x0c => b'f',
            0..=0x1f => b'u',
            _ => continue,
        };
        out.push_str(s.get(start..i).unwrap_or_default());
        start = i + 1;
        out.push('\\');
        out.push(char::from(esc));
        if esc == b'u' {
            let low = b & 0xf;
            out.push_str("00");
            out.push(char::from(b'0' + (b >> 4)));
            out.push(char::from(if low < 10 {
                b'0' + low
            } else {
                b'a' - 10 + low
            }));
        }
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::ser::{SerializeMap, SerializeSeq};
    use serde_json::Value;

    /// Test-only: lets serde_json's own serializer write our tree (keys in our order, numbers
    /// through `serde_json::Number`), the oracle for the writers.
    impl serde::Serialize for Json {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self {
                Json::Null => s.serialize_unit(),
                Json::Bool(b) => s.serialize_bool(*b),
                Json::Number(n) => n
                    .parse::<serde_json::Number>()
                    .expect("serde_json accepts our number")
                    .serialize(s),
                Json::String(v) => s.serialize_str(v),
                Json::Array(items) => {
                    let mut seq = s.serialize_seq(Some(items.len()))?;
                    for item in items {
                        seq.serialize_element(item)?;
                    }
                    seq.end()
                }
                Json::Object(members) => {
                    let mut map = s.serialize_map(Some(members.len()))?;
                    for (k, v) in members {
                        map.serialize_entry(k, v)?;
                    }
                    map.end()
                }
            }
        }
    }

    /// Our tree as a `serde_json::Value` (numbers parsed by serde_json, duplicates resolved
    /// the way serde_json's map insertion does).
    fn to_value(j: &Json) -> Value {
        match j {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => serde_json::from_str(n).expect("serde_json accepts our number"),
            Json::String(s) => Value::String(s.clone()),
            Json::Array(items) => Value::Array(items.iter().map(to_value).collect()),
            Json::Object(members) => {
                let mut map = serde_json::Map::new();
                for (k, v) in members {
                    map.insert(k.clone(), to_value(v));
                }
                Value::Object(map)
            }
        }
    }

    fn is_out_of_range(e: &serde_json::Error) -> bool {
        e.to_string().starts_with("number out of range")
    }

    /// Asserts that `parse` and serde_json agree on `text`: same structure, or the same
    /// Eof/Syntax class. Returns false (checking nothing) where serde_json reports a number
    /// out of `f64` range, the one documented deviation.
    fn check_same(text: &str) -> bool {
        let ours = parse(text);
        match serde_json::from_str::<Value>(text) {
            Ok(v) => {
                let j = ours.unwrap_or_else(|e| panic!("{text:?}: serde_json accepts, we: {e:?}"));
                assert_eq!(to_value(&j), v, "{text:?}");
            }
            Err(e) if is_out_of_range(&e) => return false,
            // The documented leniencies (unpaired surrogates, deep nesting): their own tests
            // check what we make of them.
            Err(e) if is_lenient_case(&e) => return false,
            Err(e) => {
                let err = ours.expect_err(text);
                let kind = if e.is_eof() {
                    JsonErrorKind::Eof
                } else {
                    JsonErrorKind::Syntax
                };
                assert_eq!(err.kind, kind, "{text:?}: serde_json says {e}");
                assert!(err.offset <= text.len(), "{text:?}");
                if kind == JsonErrorKind::Eof {
                    assert_eq!(err.offset, text.len(), "{text:?}");
                }
            }
        }
        true
    }

    fn is_lenient_case(e: &serde_json::Error) -> bool {
        let m = e.to_string();
        m.contains("surrogate") || m.contains("hex escape") || m.contains("recursion limit")
    }

    fn compact(j: &Json) -> String {
        let mut s = String::new();
        j.write_compact(&mut s);
        s
    }

    fn pretty(j: &Json) -> String {
        let mut s = String::new();
        j.write_pretty(&mut s);
        s
    }

    fn kind(text: &str) -> Option<JsonErrorKind> {
        parse(text).err().map(|e| e.kind)
    }

    const VALID: &[&str] = &[
        "null",
        "true",
        "false",
        "0",
        "-0",
        "7",
        "-12",
        "12345678901234567890",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "9223372036854775807",
        "1.5",
        "-0.0",
        "0.000001",
        "1e10",
        "1E+2",
        "2.5e-3",
        "-1.25E-300",
        "1e308",
        "123456789012345678901234567890.5e-10",
        r#""""#,
        r#""plain""#,
        r#""esc \" \\ \/ \b \f \n \r \t""#,
        r#""\u0000\u001f\u0041\u00e9\u4e2d\uFFFF""#,
        r#""\ud83d\ude00 pair \uD834\uDD1E""#,
        "\"中文 é 😀 \u{7f} /\"",
        "[]",
        "{}",
        "[[]]",
        "[{}]",
        r#"{"a":{}}"#,
        "[1,2,3]",
        r#"[null,true,false,"x",[],{},0,-1,2.5]"#,
        r#"{"b":1,"a":2,"c":{"z":[1,{"y":null}],"x":"s"}}"#,
        r#"{"dup":1,"dup":2,"other":3,"dup":"last"}"#,
        " \t\r\n[ \t\r\n1 \t\r\n, \t\r\n{ \t\r\n\"k\" \t\r\n: \t\r\n\"v\" \t\r\n} \t\r\n] \t\r\n",
        r#"{"result":true,"code":0,"message":"","data":{"job_instance_id":20000000001,"job_instance_name":"fastexec 中文","step_instance_id":18446744073709551615},"permission":null,"job_request_id":"a1b2c3"}"#,
        r#"{"result":false,"code":1240002,"message":"用户无权限","data":null,"permission":{"system_id":"bk_job","actions":[{"id":"quick_execute_script","related_resource_types":[{"system_id":"bk_cmdb","type":"host","instances":[[{"type":"biz","id":"2","name":"demo"}]]}]}]},"job_request_id":"x"}"#,
        r#"{"script_content":"ZWNobyAx","script_param":"","timeout":"100","is_param_sensitive":false,"target_server":{"ip_list":[{"bk_cloud_id":0,"ip":"10.0.0.1"}]},"nested":[[[[["deep"]]]]]}"#,
    ];

    #[test]
    fn valid_documents_parse_like_serde_json() {
        for text in VALID {
            assert!(check_same(text), "{text:?}");
            let j = parse(text).unwrap();
            // Our own output reads back to the same tree, numbers verbatim.
            assert_eq!(parse(&compact(&j)).unwrap(), j, "{text:?}");
            assert_eq!(parse(&pretty(&j)).unwrap(), j, "{text:?}");
        }
    }

    #[test]
    fn writers_match_serde_json_output() {
        let mut compared = 0;
        for text in VALID {
            let j = parse(text).unwrap();
            // Only where serde_json writes every number back as sent (not `-0`, floats...).
            let mut stable = true;
            visit_numbers(&j, &mut |n| {
                let value: Value = serde_json::from_str(n).unwrap();
                stable &= serde_json::to_string(&value).unwrap() == n;
            });
            if !stable {
                continue;
            }
            compared += 1;
            assert_eq!(compact(&j), serde_json::to_string(&j).unwrap(), "{text:?}");
            assert_eq!(
                pretty(&j),
                serde_json::to_string_pretty(&j).unwrap(),
                "{text:?}"
            );
        }
        assert!(compared >= 25, "{compared}");
    }

    fn visit_numbers(j: &Json, f: &mut dyn FnMut(&str)) {
        match j {
            Json::Number(n) => f(n),
            Json::Array(items) => items.iter().for_each(|v| visit_numbers(v, f)),
            Json::Object(members) => members.iter().for_each(|(_, v)| visit_numbers(v, f)),
            _ => {}
        }
    }

    #[test]
    fn writers_by_example() {
        let j = parse(r#" { "b" : [ 1 , { } , [ ] , { "x" : null } ] , "a" : "\/é" } "#).unwrap();
        assert_eq!(compact(&j), r#"{"b":[1,{},[],{"x":null}],"a":"/é"}"#);
        assert_eq!(
            pretty(&j),
            "{\n  \"b\": [\n    1,\n    {},\n    [],\n    {\n      \"x\": null\n    }\n  ],\n  \"a\": \"/é\"\n}"
        );
        // Numbers verbatim, even where serde_json would rewrite them.
        let j = parse("[1.0e+5,-0,1E2,0.10,12345678901234567890123]").unwrap();
        assert_eq!(compact(&j), "[1.0e+5,-0,1E2,0.10,12345678901234567890123]");
        assert_eq!(pretty(&Json::Array(vec![])), "[]");
        assert_eq!(pretty(&Json::Object(vec![])), "{}");
        assert_eq!(pretty(&Json::Null), "null");
        // Duplicates are written as they are.
        let j = parse(r#"{"a":1,"a":2}"#).unwrap();
        assert_eq!(compact(&j), r#"{"a":1,"a":2}"#);
        // Appends, never clears.
        let mut out = String::from("x=");
        Json::Bool(true).write_compact(&mut out);
        assert_eq!(out, "x=true");
    }

    #[test]
    fn string_literals_escape_like_serde_json() {
        let mut all = String::new();
        for c in (0u32..0x80).chain([0xe9, 0x2028, 0x4e2d, 0xfeff, 0x1f600]) {
            let c = char::from_u32(c).unwrap();
            let s = format!("a{c}b{c}{c}");
            let mut ours = String::new();
            write_str_literal(&s, &mut ours);
            assert_eq!(ours, serde_json::to_string(&s).unwrap(), "{c:?}");
            all.push(c);
        }
        let mut ours = String::new();
        write_str_literal(&all, &mut ours);
        assert_eq!(ours, serde_json::to_string(&all).unwrap());
        assert_eq!(parse(&ours).unwrap(), Json::String(all));
        let mut ours = String::new();
        write_str_literal("\u{8}\u{c}\u{1}\u{1f}\u{7f}/\"\\", &mut ours);
        assert_eq!(ours, "\"\\b\\f\\u0001\\u001f\u{7f}/\\\"\\\\\"");
    }

    const INVALID: &[(&str, JsonErrorKind)] = {
        use JsonErrorKind::{Eof, Syntax};
        &[
            ("", Eof),
            ("   \n", Eof),
            ("n", Eof),
            ("nul", Eof),
            ("nulx", Syntax),
            ("nil", Syntax),
            ("True", Syntax),
            ("tru", Eof),
            ("falsey", Syntax),
            ("null null", Syntax),
            ("1 2", Syntax),
            ("{} x", Syntax),
            ("[] ]", Syntax),
            ("\u{feff}1", Syntax),
            ("\u{a0}1", Syntax),
            ("\u{c}1", Syntax),
            ("undefined", Syntax),
            ("NaN", Syntax),
            ("Infinity", Syntax),
            ("-Infinity", Syntax),
            ("'a'", Syntax),
            ("-", Eof),
            ("+1", Syntax),
            ("- 1", Syntax),
            ("01", Syntax),
            ("-01", Syntax),
            ("00", Syntax),
            ("1.", Eof),
            ("1.x", Syntax),
            ("1.e3", Syntax),
            (".5", Syntax),
            ("1e", Eof),
            ("1e+", Eof),
            ("1e-", Eof),
            ("1ex", Syntax),
            ("1e+-2", Syntax),
            ("0x10", Syntax),
            ("1.5.2", Syntax),
            ("[1.]", Syntax),
            ("[1e]", Syntax),
            ("[-]", Syntax),
            ("[01]", Syntax),
            ("[1.", Eof),
            ("\"", Eof),
            ("\"abc", Eof),
            ("\"abc\\", Eof),
            ("\"\\x\"", Syntax),
            ("\"\\U0041\"", Syntax),
            ("\"\\u00g0\"", Syntax),
            ("\"\\u00\"", Eof),
            ("\"\\u12\"]", Syntax),
            ("\"\\u", Eof),
            ("\"a\u{1}b\"", Syntax),
            ("\"a\nb\"", Syntax),
            ("\"a\tb\"", Syntax),
            ("\"\u{1f}", Syntax),
            ("\"\\ud800", Eof),
            ("\"\\ud800\\", Eof),
            ("\"\\ud800\\udc0", Eof),
            ("[", Eof),
            ("[1", Eof),
            ("[1,", Eof),
            ("[1,]", Syntax),
            ("[,1]", Syntax),
            ("[1 2]", Syntax),
            ("[1;2]", Syntax),
            ("[1}", Syntax),
            ("]", Syntax),
            ("{", Eof),
            ("{\"a\"", Eof),
            ("{\"a\":", Eof),
            ("{\"a\":1", Eof),
            ("{\"a\":1,", Eof),
            ("{\"a\":1,}", Syntax),
            ("{,}", Syntax),
            ("{\"a\" 1}", Syntax),
            ("{\"a\"=1}", Syntax),
            ("{a:1}", Syntax),
            ("{1:1}", Syntax),
            ("{\"a\":1 \"b\":2}", Syntax),
            ("{\"a\":1,1:2}", Syntax),
            ("{\"a\":}", Syntax),
            ("{\"a\":1]", Syntax),
            ("{'a':1}", Syntax),
            ("{\"a", Eof),
            ("/* c */ 1", Syntax),
            ("1 // c", Syntax),
        ]
    };

    #[test]
    fn invalid_documents_rejected_like_serde_json() {
        for &(text, expected) in INVALID {
            check_same(text);
            assert_eq!(kind(text), Some(expected), "{text:?}");
        }
    }

    #[test]
    fn every_prefix_classified_like_serde_json() {
        let mut eof = 0;
        for text in VALID.iter().copied().chain([
            r#"{"a" : [1, -2.5e+3, true, null, "x\u00e9\ud83d\ude00\n"], "b": {"c": false}}"#,
        ]) {
            for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let prefix = &text[..i];
                assert!(check_same(prefix), "{prefix:?}");
                eof += usize::from(kind(prefix) == Some(JsonErrorKind::Eof));
            }
        }
        assert!(eof > 500, "{eof}");
    }

    #[test]
    fn single_byte_mutations_classified_like_serde_json() {
        let docs = [
            r#"{"a":[1,-2.5e+3,true,null,"x\u00e9\ud83d\ude00\n"],"b":{"c":false},"d":0}"#,
            r#"[{"k":"v"},[],"",0.5,{"x":[null]}]"#,
        ];
        let subs = "\"\\{}[],: 0-+.eEtnu\u{1}x";
        let mut checked = 0;
        for doc in docs {
            for i in 0..doc.len() {
                let mut deleted = doc.to_owned();
                deleted.remove(i);
                checked += usize::from(check_same(&deleted));
                for s in subs.chars() {
                    let mut replaced = doc.to_owned();
                    replaced.replace_range(i..i + 1, s.encode_utf8(&mut [0; 4]));
                    checked += usize::from(check_same(&replaced));
                    let mut inserted = doc.to_owned();
                    inserted.insert(i, s);
                    checked += usize::from(check_same(&inserted));
                }
            }
        }
        assert!(checked > 4000, "{checked}");
    }

    #[test]
    fn nesting_limit_matches_serde_json() {
        for n in [1, 126, 127, 128, 129, 200] {
            let arrays = format!("{}{}", "[".repeat(n), "]".repeat(n));
            let objects = format!("{}null{}", "{\"a\":".repeat(n), "}".repeat(n));
            let mixed = format!("{}1{}", "[{\"k\":".repeat(n / 2), "}]".repeat(n / 2));
            let open = "[".repeat(n);
            for text in [&arrays, &objects, &mixed, &open] {
                check_same(text);
            }
        }
        assert!(parse(&format!("{}{}", "[".repeat(127), "]".repeat(127))).is_ok());
        // Deeper: skipped as null (serde_json rejects it), truncation still an Eof.
        let deep = format!(
            r#"{{"a":{}"x]}}"{}, "b": 2}}"#,
            "[".repeat(127),
            "]".repeat(127)
        );
        let v = parse(&deep).unwrap();
        assert_eq!(v.get("b").and_then(Json::as_i64), Some(2));
        // The object is level 1: arrays on levels 2..=127 are read, the one below is skipped.
        let mut inner = v.get("a").unwrap();
        for _ in 0..125 {
            inner = &inner.as_array().unwrap()[0];
        }
        assert_eq!(inner.as_array(), Some(&[Json::Null][..]));
        assert_eq!(kind(&"[".repeat(127)), Some(JsonErrorKind::Eof));
        assert_eq!(kind(&"[".repeat(128)), Some(JsonErrorKind::Eof));
        assert_eq!(kind(&"[".repeat(100_000)), Some(JsonErrorKind::Eof));
        assert!(parse(&format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))).is_ok());
        // Siblings do not add up.
        let wide = format!(
            "[{}]",
            vec!["[".repeat(100) + &"]".repeat(100); 5].join(",")
        );
        assert!(check_same(&wide));
        assert!(parse(&wide).is_ok());
    }

    #[test]
    fn unpaired_surrogates_read_as_replacement_characters() {
        let cases = [
            ("\"\\ud800\"", "\u{fffd}"),
            ("\"\\ud800\\n\"", "\u{fffd}\n"),
            ("\"\\ud800x\"", "\u{fffd}x"),
            ("\"\\ud800\\u0041\"", "\u{fffd}A"),
            ("\"\\ud800\\ud800\"", "\u{fffd}\u{fffd}"),
            ("\"\\ud800\\ud83d\\ude00\"", "\u{fffd}\u{1f600}"),
            ("\"\\udc00\"", "\u{fffd}"),
            ("\"\\udfff\\ud800\"", "\u{fffd}\u{fffd}"),
            ("\"\\ud83d\\ude00\"", "\u{1f600}"),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text), Ok(Json::String(expected.into())), "{text}");
        }
        // Truncation around a surrogate is still an Eof, bad escapes after it still Syntax.
        for text in [
            "\"\\ud800",
            "\"\\ud800\\",
            "\"\\ud800\\u",
            "\"\\ud800\\udc0",
        ] {
            assert_eq!(kind(text), Some(JsonErrorKind::Eof), "{text}");
        }
        for text in ["\"\\ud800\\x\"", "\"\\ud800\\u12\"]"] {
            assert_eq!(kind(text), Some(JsonErrorKind::Syntax), "{text}");
        }
    }

    #[test]
    fn error_offsets() {
        assert_eq!(
            parse("[1,]").unwrap_err(),
            JsonError {
                kind: JsonErrorKind::Syntax,
                offset: 3
            }
        );
        assert_eq!(parse("  1 x").unwrap_err(), syntax(4));
        assert_eq!(parse("\"ab\u{1}\"").unwrap_err(), syntax(3));
        assert_eq!(
            parse("{\"a\":[1,2").unwrap_err(),
            JsonError {
                kind: JsonErrorKind::Eof,
                offset: 9
            }
        );
    }

    #[test]
    fn out_of_f64_range_numbers_are_kept_verbatim() {
        // The one deviation: serde_json rejects these ("number out of range").
        for text in ["1e400", "-1e309", &format!("1{}", "0".repeat(400))] {
            let e = serde_json::from_str::<Value>(text).unwrap_err();
            assert!(is_out_of_range(&e), "{text}: {e}");
            assert_eq!(parse(text).unwrap(), Json::Number(text.to_owned()));
        }
        // Tiny ones are fine for both.
        assert!(check_same("1e-400"));
        assert!(check_same("[0e99999999999, -0.0e+400]"));
    }

    #[test]
    fn structure_and_values() {
        let j = parse(
            r#"{"s":"x\ud83d\ude00","t":true,"n":null,"a":[1,"2"],"o":{"k":"v"},"big":18446744073709551615}"#,
        )
        .unwrap();
        assert_eq!(j.get("s").and_then(Json::as_str), Some("x😀"));
        assert_eq!(j.get("t").and_then(Json::as_bool), Some(true));
        assert!(j.get("n").unwrap().is_null());
        assert!(!j.get("t").unwrap().is_null());
        assert_eq!(
            j.get("a").and_then(Json::as_array),
            Some(&[Json::Number("1".into()), Json::String("2".into())][..])
        );
        assert_eq!(
            j.get("o").and_then(|o| o.get("k")),
            Some(&Json::String("v".into()))
        );
        assert_eq!(
            j.get("big"),
            Some(&Json::Number("18446744073709551615".into()))
        );
        assert_eq!(j.get("big").and_then(Json::as_i64), None);
        assert_eq!(j.get("missing"), None);
        assert_eq!(j.get("s").unwrap().get("s"), None);
        assert_eq!(j.as_object().unwrap().len(), 6);
        assert_eq!(j.as_object().unwrap()[4].0, "o");
        assert_eq!(j.as_str(), None);
        assert_eq!(j.as_array(), None);
        assert_eq!(Json::String("true".into()).as_bool(), None);
        assert_eq!(Json::Null.get("x"), None);
    }

    #[test]
    fn last_duplicate_wins_like_serde_json() {
        let text = r#"{"k":1,"x":"a","k":2,"k":{"deep":3}}"#;
        let j = parse(text).unwrap();
        let v: Value = serde_json::from_str(text).unwrap();
        assert_eq!(to_value(j.get("k").unwrap()), v["k"]);
        assert_eq!(
            j.get("k").unwrap().get("deep").and_then(Json::as_i64),
            Some(3)
        );
        assert_eq!(j.as_object().unwrap().len(), 4);

        let mut j = j;
        let last = j.remove("k").unwrap();
        assert_eq!(last.get("deep").and_then(Json::as_i64), Some(3));
        assert_eq!(j.get("k").and_then(Json::as_i64), Some(2));
        assert_eq!(
            j.remove("x").and_then(Json::into_string),
            Some("a".to_owned())
        );
        assert_eq!(j.remove("x"), None);
        assert_eq!(compact(&j), r#"{"k":1,"k":2}"#);
        assert_eq!(Json::Null.remove("k"), None);
        assert_eq!(Json::Bool(true).into_string(), None);
    }

    #[test]
    fn as_i64_edge_cases() {
        let cases: &[(&str, Option<i64>)] = &[
            ("0", Some(0)),
            ("-0", Some(0)),
            ("7", Some(7)),
            ("-7", Some(-7)),
            ("20000000001", Some(20_000_000_001)),
            ("9223372036854775807", Some(i64::MAX)),
            ("-9223372036854775808", Some(i64::MIN)),
            ("9223372036854775808", None),
            ("-9223372036854775809", None),
            ("12345678901234567890", None),
            ("99999999999999999999999", None),
            ("1.0", None),
            ("1e3", None),
            ("-1E0", None),
            ("0.5", None),
        ];
        for &(text, expected) in cases {
            let j = parse(text).unwrap();
            assert_eq!(j.as_i64(), expected, "{text}");
            if text != "-0" {
                let v: Value = serde_json::from_str(text).unwrap();
                assert_eq!(v.as_i64(), expected, "{text}");
            }
        }
        for bad in ["", "-", "+1", "1a", " 1", "--1"] {
            assert_eq!(Json::Number(bad.into()).as_i64(), None, "{bad:?}");
        }
        assert_eq!(Json::String("1".into()).as_i64(), None);
    }

    #[test]
    fn one_mib_string_round_trip() {
        let mut s = String::with_capacity(1 << 20);
        let mut i = 0u32;
        while s.len() < 1 << 20 {
            s.push_str("echo \"中文\" \\ 😀 line");
            s.push(char::from_u32(i % 32).unwrap());
            s.push('\n');
            i += 1;
        }
        let mut literal = String::new();
        write_str_literal(&s, &mut literal);
        assert_eq!(literal, serde_json::to_string(&s).unwrap());

        let doc = format!(r#"{{"script_content":{literal},"n":1}}"#);
        let started = std::time::Instant::now();
        let mut j = parse(&doc).unwrap();
        let elapsed = started.elapsed();
        // Generous for a debug build on a busy machine; release wasm takes a few ms.
        assert!(elapsed.as_secs() < 5, "{elapsed:?}");
        let taken = j
            .remove("script_content")
            .and_then(Json::into_string)
            .unwrap();
        assert_eq!(taken, s);

        // An escape-free 1 MiB string takes the copy-once path.
        let plain = "x".repeat(1 << 20);
        let j = parse(&format!("[\"{plain}\"]")).unwrap();
        assert_eq!(j.as_array().unwrap()[0].as_str(), Some(plain.as_str()));
        let mut out = String::new();
        j.write_compact(&mut out);
        assert_eq!(out.len(), plain.len() + 4);
    }
}
