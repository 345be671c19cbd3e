//! A tiny JSON reader and writer for the app's main WebAssembly module.
//!
//! Why it exists: serde_json's deserializer plus the serde-derive visitors cost ~15 KB of the
//! first-visit module, which only reads a few small documents (the stored form draft, the
//! connection settings, BK-JOB's response envelope). This crate is the non-generic
//! alternative: one byte-based parser into a value tree and one writer, no float parsing, no
//! lookup tables, no `fmt`. It is its own crate, outside the wire contract (`bkjob-api`), so
//! the server never compiles it: only the app reads JSON this way (`bkjob-api`'s `tinyjson`
//! feature adds the readers of its types).
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
//! [`Reader`] reads a document without a tree, straight into typed fields (the on-demand
//! module's big answers), with the same grammar.
//!
//! The writers produce serde_json's compact and pretty output (keys in document order),
//! numbers verbatim.

#![warn(missing_docs)]

mod parse;
mod pull;
mod value;
mod write;

#[cfg(test)]
mod tests;

pub use parse::parse;
pub use pull::{Read, Reader};
pub use write::{write_str_literal, ObjectWriter};

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
    /// Only from the pull reader ([`Reader`]): a well-formed value of another type than the
    /// one asked for (serde's "invalid type"), e.g. a string where an integer is expected, a
    /// number that does not fit, or a required member missing.
    Type,
}

/// How deep the reader recurses (serde_json's recursion limit: 127 levels pass); containers
/// nested deeper are skipped (read as `null`, bracket-matched without recursion), which keeps
/// the stack bounded.
pub const MAX_DEPTH: u8 = 127;
