//! Reading a parsed [`Json`] tree: member lookup (last duplicate wins, like serde_json),
//! moving strings out, exact 64-bit integers.

use crate::Json;

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
}
