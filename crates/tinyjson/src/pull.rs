//! The pull reader: one document read value by value straight into the caller's types, with
//! no tree in between (a 9 MB answer of 50,000 hosts becomes its typed rows in one pass, keys
//! compared where they lie in the text). The caller asks for the type it expects
//! ([`Reader::i64`], [`Reader::string`], [`Reader::object`]...); a value of another type is a
//! [`JsonErrorKind::Type`] error, like a serde derive's "invalid type". The grammar, the errors
//! and the leniencies are [`crate::parse`]'s: it is the same parser underneath.
//!
//! Its callbacks are `dyn`, so each reader of a type is one small function and no part of the
//! parser is copied per type.

use std::borrow::Cow;

use crate::parse::Parser;
use crate::{Json, JsonError, JsonErrorKind};

/// A document being read; see the module comment.
pub struct Reader<'a> {
    p: Parser<'a>,
}

/// What a reader gives: a value, or where and why it stopped.
pub type Read<T> = Result<T, JsonError>;

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Reader {
            p: Parser {
                text,
                pos: 0,
                depth: 0,
            },
        }
    }

    /// A [`JsonErrorKind::Type`] error at the current position, e.g. for a required member
    /// found missing at the end of its object.
    #[cold]
    pub fn type_error(&self) -> JsonError {
        JsonError {
            kind: JsonErrorKind::Type,
            offset: self.p.pos,
        }
    }

    /// The error for a value of another type than expected at the current position (the end
    /// of the text is [`JsonErrorKind::Eof`], as ever).
    #[cold]
    fn mismatch(&self) -> JsonError {
        match self.p.peek() {
            None => self.p.err(None),
            Some(_) => self.type_error(),
        }
    }

    /// Skips whitespace and returns the next byte without consuming it (the hot loop's own
    /// copy of the parser's, inlined).
    #[inline]
    fn ws(&mut self) -> Option<u8> {
        let bytes = self.p.text.as_bytes();
        let mut pos = self.p.pos;
        let c = loop {
            match bytes.get(pos) {
                Some(b' ' | b'\n' | b'\t' | b'\r') => pos += 1,
                c => break c.copied(),
            }
        };
        self.p.pos = pos;
        c
    }

    /// The next byte that is no whitespace, else a type error unless it is `want`.
    fn at(&mut self, want: u8) -> Read<()> {
        if self.ws() == Some(want) {
            self.p.pos += 1;
            Ok(())
        } else {
            Err(self.mismatch())
        }
    }

    /// The document read: only whitespace may follow.
    pub fn end(&mut self) -> Read<()> {
        match self.p.skip_ws() {
            None => Ok(()),
            c => Err(self.p.err(c)),
        }
    }

    /// The next value as a tree (e.g. one kept as sent).
    pub fn value(&mut self) -> Read<Json> {
        self.p.value()
    }

    /// Skips the next value, whatever its type (checked like [`crate::parse`] checks it).
    pub fn skip(&mut self) -> Read<()> {
        self.p.value().map(drop)
    }

    /// True, with the `null` consumed, when the next value is `null`; else nothing is consumed.
    pub fn null(&mut self) -> Read<bool> {
        if self.ws() != Some(b'n') {
            return Ok(false);
        }
        self.p.expect(b"null")?;
        Ok(true)
    }

    /// A boolean.
    pub fn bool(&mut self) -> Read<bool> {
        let c = self.ws();
        let (word, b): (&[u8], _) = match c {
            Some(b't') => (b"true", true),
            Some(b'f') => (b"false", false),
            _ => return Err(self.mismatch()),
        };
        self.p.expect(word)?;
        Ok(b)
    }

    /// An integer that fits `i64` exactly; a fraction, an exponent, `-0` or a larger number
    /// is a type error (as for serde_json's `i64`).
    pub fn i64(&mut self) -> Read<i64> {
        let c = self.ws();
        let start = self.p.pos;
        let bytes = self.p.text.as_bytes();
        let negative = c == Some(b'-');
        let first = start + usize::from(negative);
        // The usual case in one pass: digits, no leading zero, nothing after them that
        // continues the number, exact in i64. The magnitude is a u64 checked against a
        // constant (a checked i64 multiply is a 128-bit library call in wasm).
        let mut end = first;
        let mut n: u64 = 0;
        let mut fits = true;
        while let Some(&b) = bytes.get(end) {
            if !b.is_ascii_digit() {
                break;
            }
            let d = u64::from(b - b'0');
            fits &= n < 1_844_674_407_370_955_161 || (n == 1_844_674_407_370_955_161 && d <= 5);
            n = n.wrapping_mul(10).wrapping_add(d);
            end += 1;
        }
        let plain = match end - first {
            0 => false,
            1 => true,
            _ => bytes[first] != b'0',
        } && !matches!(bytes.get(end), Some(b'.' | b'e' | b'E'));
        // i64::MIN's magnitude is one more than i64::MAX's; `-0` is a float to serde_json.
        let limit = i64::MAX as u64 + u64::from(negative);
        if plain && fits && n <= limit && !(negative && n == 0) {
            self.p.pos = end;
            return Ok(if negative {
                (n as i64).wrapping_neg()
            } else {
                n as i64
            });
        }
        // Anything else: the grammar tells a malformed number from one of another type.
        if !matches!(c, Some(b'-' | b'0'..=b'9')) {
            return Err(self.mismatch());
        }
        // (Through `value`, so the parser's number reader keeps its one caller: the form
        // module's copy of the parser stays as it was.)
        self.p.value()?;
        Err(JsonError {
            kind: JsonErrorKind::Type,
            offset: start,
        })
    }

    /// An integer that fits `i32`.
    pub fn i32(&mut self) -> Read<i32> {
        let start = self.p.pos;
        i32::try_from(self.i64()?).map_err(|_| JsonError {
            kind: JsonErrorKind::Type,
            offset: start,
        })
    }

    /// A string, escapes decoded.
    pub fn string(&mut self) -> Read<String> {
        self.at(b'"')?;
        self.p.string()
    }

    /// `null` as `None`, else an integer ([`Reader::i64`]).
    pub fn opt_i64(&mut self) -> Read<Option<i64>> {
        Ok(if self.null()? {
            None
        } else {
            Some(self.i64()?)
        })
    }

    /// `null` as `None`, else an integer ([`Reader::i32`]).
    pub fn opt_i32(&mut self) -> Read<Option<i32>> {
        Ok(if self.null()? {
            None
        } else {
            Some(self.i32()?)
        })
    }

    /// `null` as `None`, else a string.
    pub fn opt_string(&mut self) -> Read<Option<String>> {
        Ok(if self.null()? {
            None
        } else {
            Some(self.string()?)
        })
    }

    /// `null` as `None`, else what `read` reads.
    pub fn opt<T>(&mut self, read: impl FnOnce(&mut Self) -> Read<T>) -> Read<Option<T>> {
        Ok(if self.null()? {
            None
        } else {
            Some(read(self)?)
        })
    }

    /// An object: `member` gets each key (escapes decoded) in document order and must read its
    /// value (or [`Reader::skip`] it).
    pub fn object(&mut self, member: &mut dyn FnMut(&mut Self, &str) -> Read<()>) -> Read<()> {
        self.at(b'{')?;
        if self.ws() == Some(b'}') {
            self.p.pos += 1;
            return Ok(());
        }
        loop {
            self.punct(b'"')?;
            let key = self.key()?;
            self.punct(b':')?;
            member(self, &key)?;
            if self.next(b'}')? {
                return Ok(());
            }
        }
    }

    /// An array: `item` reads each element.
    pub fn array(&mut self, item: &mut dyn FnMut(&mut Self) -> Read<()>) -> Read<()> {
        self.at(b'[')?;
        if self.ws() == Some(b']') {
            self.p.pos += 1;
            return Ok(());
        }
        loop {
            item(self)?;
            if self.next(b']')? {
                return Ok(());
            }
        }
    }

    /// An array read into a list, each element by `read`.
    pub fn list<T>(&mut self, mut read: impl FnMut(&mut Self) -> Read<T>) -> Read<Vec<T>> {
        let mut items = Vec::new();
        self.array(&mut |r| {
            items.push(read(r)?);
            Ok(())
        })?;
        Ok(items)
    }

    /// Consumes `want` after whitespace: a syntax error if something else is there.
    #[inline]
    fn punct(&mut self, want: u8) -> Read<()> {
        let c = self.ws();
        if c != Some(want) {
            return Err(self.p.err(c));
        }
        self.p.pos += 1;
        Ok(())
    }

    /// After a member or element: true at the container's `close` (consumed), false after a
    /// comma (a trailing comma fails in the next member's first byte).
    fn next(&mut self, close: u8) -> Read<bool> {
        let c = self.ws();
        if c != Some(close) && c != Some(b',') {
            return Err(self.p.err(c));
        }
        self.p.pos += 1;
        Ok(c == Some(close))
    }

    /// A key after its opening quote: borrowed from the text unless it has escapes.
    fn key(&mut self) -> Read<Cow<'a, str>> {
        let text = self.p.text;
        let start = self.p.pos;
        let rest = text.as_bytes().get(start..).unwrap_or_default();
        match rest
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        {
            Some(n) if rest[n] == b'"' => {
                self.p.pos += n + 1;
                Ok(Cow::Borrowed(
                    text.get(start..start + n).unwrap_or_default(),
                ))
            }
            _ => self.p.string().map(Cow::Owned),
        }
    }
}
