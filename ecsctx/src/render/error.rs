//! The ECS `error` field set of a Rust error, one format for `event!` and `log` records:
//! `message` (the error's `Display`), `type` (its Rust type, where the caller knows it)
//! and, when there is more than the message to show, `stack_trace`: the error, one
//! `caused by: …` line per `source()`, then a captured backtrace.

use std::backtrace::{Backtrace, BacktraceStatus};
use std::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};

/// An error as ECS `error.*` fields.
pub(crate) struct ErrorFields<'a> {
    pub(crate) error: &'a (dyn std::error::Error + 'a),
    /// `std::any::type_name` of the error's type (`event!` knows it; a `log` record's
    /// `dyn Error` does not).
    pub(crate) type_name: Option<&'static str>,
    /// A backtrace captured with the error (`anyhow::Error`), written when captured.
    pub(crate) backtrace: Option<&'a Backtrace>,
}

impl Serialize for ErrorFields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let backtrace = self
            .backtrace
            .filter(|bt| bt.status() == BacktraceStatus::Captured);
        let trace = StackTrace {
            error: self.error,
            backtrace,
        };
        let has_trace = self.error.source().is_some() || backtrace.is_some();
        let (type_name, code) = ecs_type(self.type_name, self.error);
        let len = 1
            + usize::from(type_name.is_some())
            + usize::from(code.is_some())
            + usize::from(has_trace);
        let mut map = serializer.serialize_map(Some(len))?;
        map.serialize_entry("message", &Collect(self.error))?;
        if let Some(t) = type_name {
            map.serialize_entry("type", t)?;
        }
        if let Some(c) = &code {
            map.serialize_entry("code", c)?;
        }
        if has_trace {
            map.serialize_entry("stack_trace", &Collect(trace))?;
        }
        map.end()
    }
}

/// `error.type` and `error.code` for a Rust type name: `std::io::Error` with its
/// `ErrorKind` as the code (`NotFound`); nothing for a boxed `dyn Error`, whose name
/// (`alloc::boxed::Box<dyn core::error::Error + …>`) says nothing of the error.
fn ecs_type<'t>(
    type_name: Option<&'t str>,
    error: &dyn std::error::Error,
) -> (Option<&'t str>, Option<String>) {
    match type_name.map(|t| t.trim_start_matches('&')) {
        Some("std::io::error::Error") => (Some("std::io::Error"), io_kind(error)),
        Some(t) if t.contains("dyn ") => (None, None),
        t => (t, None),
    }
}

/// The `ErrorKind` of an `io::Error`, read from its `Debug` form (`Kind(NotFound)`,
/// `Os { code: 2, kind: NotFound, .. }`, `Custom { kind: Other, .. }`): the error is not
/// `'static` here, so it cannot be downcast.
fn io_kind(error: &dyn std::error::Error) -> Option<String> {
    let debug = format!("{error:?}");
    let rest = debug
        .split_once("kind: ")
        .or_else(|| debug.split_once("Kind("))
        .map(|(_, r)| r)?;
    let kind: String = rest
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    (!kind.is_empty()).then_some(kind)
}

struct Collect<T>(T);

impl<T: fmt::Display> Serialize for Collect<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// `outer\ncaused by: inner\ncaused by: root\n<backtrace>`.
struct StackTrace<'a> {
    error: &'a (dyn std::error::Error + 'a),
    backtrace: Option<&'a Backtrace>,
}

impl fmt::Display for StackTrace<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)?;
        let mut source = self.error.source();
        while let Some(cause) = source {
            write!(f, "\ncaused by: {cause}")?;
            source = cause.source();
        }
        if let Some(backtrace) = self.backtrace {
            write!(f, "\n{backtrace}")?;
        }
        Ok(())
    }
}
