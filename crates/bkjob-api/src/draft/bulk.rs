//! Pasted target lists: splitting on every separator people paste, dropping duplicates,
//! counting what is sent, repeated and invalid, and mapping a request index back to the
//! typed position.
//!
//! Separate because it knows nothing of BK-JOB's rules and is the form's per-keystroke hot
//! path (thousands of items, hence its own small hasher); the app also calls [`split_bulk`]
//! on its own.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::rules::Violation;

/// Result of [`split_bulk`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BulkList {
    /// Unique non-empty items in first-seen order.
    pub items: Vec<String>,
    /// How many repeated items were dropped.
    pub duplicates: usize,
}

/// Tokens of pasted text, empties dropped (no allocation).
///
/// Separators: ASCII `,` `;`, any Unicode whitespace (incl. newlines and U+3000), and the
/// full-width `，` `；` `、`.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| {
        if c.is_ascii() {
            // Fast path for the common case.
            matches!(c, ',' | ';' | ' ' | '\n' | '\r' | '\t' | '\x0b' | '\x0c')
        } else {
            c.is_whitespace() || matches!(c, '，' | '；' | '、')
        }
    })
    .filter(|s| !s.is_empty())
}

/// Split pasted text on commas, semicolons, any whitespace/newlines, and the full-width
/// `，` `；` `、` Chinese users paste; drop empties and exact duplicates (first kept).
pub fn split_bulk(text: &str) -> BulkList {
    let mut seen = FastSet::with_capacity_and_hasher(text.len() / 8 + 1, Default::default());
    let mut out = BulkList::default();
    for item in tokens(text) {
        if seen.insert(item) {
            out.items.push(item.to_owned());
        } else {
            out.duplicates += 1;
        }
    }
    out
}

/// A small non-cryptographic hasher (FxHash-style) so per-keystroke deduplication of
/// thousands of items stays cheap; input is the user's own text, so HashDoS does not apply.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(buf));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_i64(&mut self, i: i64) {
        self.write_u64(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        // The multiply only carries entropy upwards; the table indexes by low bits, so mix
        // the high bits back down (MurmurHash3's 64-bit finaliser).
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

type FastSet<K> = HashSet<K, std::hash::BuildHasherDefault<FxHasher>>;

/// Per-list counts shown next to the inputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListCount {
    /// Entries that will be sent (parsed, unique).
    pub items: usize,
    /// Repeated entries dropped (same text, or same parsed value like `0:1.1.1.1`/`1.1.1.1`).
    pub duplicates: usize,
    /// Entries that could not be parsed (each has an error).
    pub invalid: usize,
}

/// Counts for the four target lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetCounts {
    /// `host_id_list`.
    pub host_id_list: ListCount,
    /// `ip_list`.
    pub ip_list: ListCount,
    /// `dynamic_group_list`.
    pub dynamic_group_list: ListCount,
    /// `topo_node_list`.
    pub topo_node_list: ListCount,
}

impl TargetCounts {
    /// The hosts the form itself knows: the host IDs, or else the IPs (BK-JOB ignores the IP
    /// list when host IDs are given). Topology nodes and dynamic groups are resolved by
    /// BK-JOB only.
    pub fn static_hosts(&self) -> usize {
        if self.host_id_list.items > 0 {
            self.host_id_list.items
        } else {
            self.ip_list.items
        }
    }

    /// Topology nodes and dynamic groups, whose hosts only BK-JOB knows.
    pub fn host_groups(&self) -> usize {
        self.dynamic_group_list.items + self.topo_node_list.items
    }

    /// Entries sent over all four lists.
    pub fn total(&self) -> usize {
        self.host_id_list.items
            + self.ip_list.items
            + self.dynamic_group_list.items
            + self.topo_node_list.items
    }
}

/// Parsed bulk list: values to send and, for each, its index in `split_bulk().items`.
pub(super) struct Parsed<T> {
    pub(super) values: Vec<T>,
    pub(super) positions: Vec<usize>,
    pub(super) count: ListCount,
}

/// Split `text` as [`split_bulk`] does and parse each unique item with `parse` (given its
/// index in `split_bulk(text).items`); a value whose key was already seen counts as a
/// duplicate, a parse error is pushed to `errors` and counts as invalid.
pub(super) fn parse_list<'a, T, K, F>(
    text: &'a str,
    errors: &mut Vec<Violation>,
    mut parse: F,
) -> Parsed<T>
where
    K: std::hash::Hash + Eq,
    F: FnMut(usize, &'a str) -> Result<(K, T), Violation>,
{
    // Pre-size from a cheap estimate (items are rarely shorter than 8 bytes) so the sets do
    // not rehash while growing.
    let estimate = text.len() / 8 + 1;
    let mut raw_seen = FastSet::with_capacity_and_hasher(estimate, Default::default());
    let mut seen = FastSet::with_capacity_and_hasher(estimate, Default::default());
    let mut p = Parsed {
        values: Vec::with_capacity(estimate),
        positions: Vec::with_capacity(estimate),
        count: ListCount::default(),
    };
    // `i` counts unique raw items, i.e. the index into `split_bulk(text).items`.
    let mut i = 0;
    for item in tokens(text) {
        if !raw_seen.insert(item) {
            p.count.duplicates += 1;
            continue;
        }
        match parse(i, item) {
            Ok((key, value)) => {
                if seen.insert(key) {
                    p.values.push(value);
                    p.positions.push(i);
                } else {
                    p.count.duplicates += 1;
                }
            }
            Err(v) => {
                p.count.invalid += 1;
                errors.push(v);
            }
        }
        i += 1;
    }
    p.count.items = p.values.len();
    p
}

/// Rewrite `target_server.<list>[k]...` so `k` (request index) becomes the typed position.
pub(super) fn remap_path(path: &mut String, list: &str, positions: &[usize]) {
    let prefix = format!("target_server.{list}[");
    let Some(rest) = path.strip_prefix(&prefix) else {
        return;
    };
    let Some(close) = rest.find(']') else { return };
    let Some(&pos) = rest[..close]
        .parse::<usize>()
        .ok()
        .and_then(|k| positions.get(k))
    else {
        return;
    };
    *path = format!("{prefix}{pos}{}", &rest[close..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_bulk_separators_and_duplicates() {
        let b = split_bulk("1, 2;3\n4\t5，6、7；8  1\r\n2,,");
        assert_eq!(b.items, ["1", "2", "3", "4", "5", "6", "7", "8"]);
        assert_eq!(b.duplicates, 2);
        assert_eq!(split_bulk("   ").items.len(), 0);
    }
}
