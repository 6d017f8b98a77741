//! The JSON writer: escaping, numbers, timestamps, values, pre-rendered layers and the
//! merge of an event over its context. No `serde_json::Value`, no `format!` per line.

pub(crate) mod entries;
pub(crate) mod escape;
pub(crate) mod layer;
pub(crate) mod num;
pub(crate) mod plan;
pub(crate) mod pretty;
pub(crate) mod time;
pub(crate) mod value;
