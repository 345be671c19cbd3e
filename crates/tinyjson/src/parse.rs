//! The reader: one JSON document into a [`Json`] tree, byte by byte, no recursion past
//! [`MAX_DEPTH`].

use crate::{Json, JsonError, JsonErrorKind, MAX_DEPTH};

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

pub(crate) struct Parser<'a> {
    pub(crate) text: &'a str,
    pub(crate) pos: usize,
    pub(crate) depth: u8,
}

impl<'a> Parser<'a> {
    pub(crate) fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// The error for finding `c` (end of text when `None`) at the current position.
    #[cold]
    pub(crate) fn err(&self, c: Option<u8>) -> JsonError {
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
    pub(crate) fn skip_ws(&mut self) -> Option<u8> {
        loop {
            let c = self.peek();
            if !matches!(c, Some(b' ' | b'\n' | b'\t' | b'\r')) {
                return c;
            }
            self.pos += 1;
        }
    }

    /// Consumes exactly `word`.
    pub(crate) fn expect(&mut self, word: &[u8]) -> Result<(), JsonError> {
        for &w in word {
            let c = self.peek();
            if c != Some(w) {
                return Err(self.err(c));
            }
            self.pos += 1;
        }
        Ok(())
    }

    pub(crate) fn value(&mut self) -> Result<Json, JsonError> {
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
    pub(crate) fn string(&mut self) -> Result<String, JsonError> {
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
