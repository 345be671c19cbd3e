//! The writers: serde_json's compact and pretty output for a [`Json`] tree, numbers verbatim.

use crate::Json;

impl Json {
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

/// Writes one JSON object member by member, compact, straight into a string (no value tree):
/// for types that write themselves as their serde derive would.
pub struct ObjectWriter<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> ObjectWriter<'a> {
    /// Start an object at the end of `out`.
    pub fn new(out: &'a mut String) -> Self {
        out.push('{');
        ObjectWriter { out, empty: true }
    }

    /// The key of the next member; the caller then writes its value into the string.
    pub fn key(&mut self, key: &str) -> &mut String {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        write_str_literal(key, self.out);
        self.out.push(':');
        self.out
    }

    /// A string member.
    pub fn str(&mut self, key: &str, v: &str) -> &mut Self {
        write_str_literal(v, self.key(key));
        self
    }

    /// An integer member.
    pub fn int(&mut self, key: &str, v: i64) -> &mut Self {
        let s = v.to_string();
        self.key(key).push_str(&s);
        self
    }

    /// A boolean member.
    pub fn bool(&mut self, key: &str, v: bool) -> &mut Self {
        self.key(key).push_str(if v { "true" } else { "false" });
        self
    }

    /// A string member when `Some` (serde's `skip_serializing_if = "Option::is_none"`).
    pub fn opt_str(&mut self, key: &str, v: &Option<String>) -> &mut Self {
        if let Some(v) = v {
            self.str(key, v);
        }
        self
    }

    /// An integer member when `Some`.
    pub fn opt_int(&mut self, key: &str, v: Option<i64>) -> &mut Self {
        if let Some(v) = v {
            self.int(key, v);
        }
        self
    }

    /// Close the object.
    pub fn end(&mut self) {
        self.out.push('}');
    }
}
