//! The JSON writer: escaping, numbers, timestamps, values, pre-rendered trees and the
//! merge of an event over its context. No `serde_json::Value`, no `format!` per line.

pub(crate) mod doc;
pub(crate) mod entries;
pub(crate) mod escape;
pub(crate) mod num;
pub(crate) mod pretty;
pub(crate) mod time;
pub(crate) mod tree;
pub(crate) mod value;
