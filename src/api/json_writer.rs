//! A JSON writer fed by serde's deserializer: one JSON value read from text and written back
//! as it goes (pretty like `serde_json::to_string_pretty`, or compact), keys in the order sent,
//! with no `serde_json::Value` in between. Used for the `permission` object of an answer read
//! with serde (kept as sent, for an IAM request) and the request preview. Serde-based, so only
//! the on-demand modules use it (the form module carries no serde deserializer).

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A float as serde_json writes it.
pub(crate) fn float_text(v: f64) -> String {
    serde_json::to_string(&v).unwrap_or_default()
}

/// `text` (one JSON value) pretty-printed like `serde_json::to_string_pretty` (two-space
/// indent), keys in their order; `None` when it is not JSON.
pub(crate) fn pretty_json(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut de = serde_json::Deserializer::from_str(text);
    JsonWriter::pretty(&mut out).deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(out)
}

/// Writes the JSON value it reads into `out` as it goes, with no `serde_json::Value` in
/// between: pretty (`depth` = the indent level) or compact (`None`).
pub(crate) struct JsonWriter<'a> {
    out: &'a mut String,
    depth: Option<usize>,
}

impl<'a> JsonWriter<'a> {
    pub(crate) fn pretty(out: &'a mut String) -> Self {
        JsonWriter {
            out,
            depth: Some(0),
        }
    }

    fn inner(&mut self) -> JsonWriter<'_> {
        JsonWriter {
            out: self.out,
            depth: self.depth.map(|d| d + 1),
        }
    }

    /// A new line at this value's indent (pretty only).
    fn line_break(&mut self) {
        if let Some(depth) = self.depth {
            self.out.push('\n');
            for _ in 0..depth {
                self.out.push_str("  ");
            }
        }
    }

    /// `s` as a JSON string literal, escaped by serde_json.
    fn push_str_literal(&mut self, s: &str) {
        self.out
            .push_str(&serde_json::to_string(s).unwrap_or_default());
    }

    fn close(mut self, items: usize, bracket: char) {
        if items > 0 {
            self.line_break();
        }
        self.out.push(bracket);
    }
}

impl<'de> DeserializeSeed<'de> for JsonWriter<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonWriter<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.out.push_str(&v.to_string());
        Ok(())
    }
    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.out.push_str(&v.to_string());
        Ok(())
    }
    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.out.push_str(&float_text(v));
        Ok(())
    }
    fn visit_str<E>(mut self, v: &str) -> Result<(), E> {
        self.push_str_literal(v);
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.out.push_str("null");
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        self.out.push('[');
        let mut items = 0;
        loop {
            // The separator is written before we know whether an element follows.
            let mark = self.out.len();
            if items > 0 {
                self.out.push(',');
            }
            let mut item = self.inner();
            item.line_break();
            if seq.next_element_seed(item)?.is_none() {
                self.out.truncate(mark);
                break;
            }
            items += 1;
        }
        self.close(items, ']');
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        self.out.push('{');
        let mut items = 0;
        while let Some(key) = map.next_key::<String>()? {
            if items > 0 {
                self.out.push(',');
            }
            let mut value = self.inner();
            value.line_break();
            value.push_str_literal(&key);
            let colon = if value.depth.is_some() { ": " } else { ":" };
            value.out.push_str(colon);
            map.next_value_seed(value)?;
            items += 1;
        }
        self.close(items, '}');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_json_writes_like_serde_json() {
        // Keys already sorted, so serde_json's `Value` (a sorted map) has the same order.
        let text = r#"{"a":[1,-2,3.5,1e300,18446744073709551615,-9223372036854775808],
            "b":{},"c":[],"d":"q\"\\\n\u0001中\u4e2d","e":null,"f":[true,false,[[]],{"g":{}}]}"#;
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            pretty_json(text).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
        assert_eq!(pretty_json("7").as_deref(), Some("7"));
        assert_eq!(pretty_json("{} x"), None);
        assert_eq!(pretty_json(r#"{"a":"#), None);
    }
}
