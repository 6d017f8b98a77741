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
        let len = 1 + usize::from(self.type_name.is_some()) + usize::from(has_trace);
        let mut map = serializer.serialize_map(Some(len))?;
        map.serialize_entry("message", &Collect(self.error))?;
        if let Some(t) = self.type_name {
            map.serialize_entry("type", t.trim_start_matches('&'))?;
        }
        if has_trace {
            map.serialize_entry("stack_trace", &Collect(trace))?;
        }
        map.end()
    }
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
