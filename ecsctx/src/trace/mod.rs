//! W3C Trace Context: parse and build `traceparent`, keep `tracestate`, make span ids.
//!
//! Span ids are 16 lowercase hex characters (the W3C `parent-id` form), so the
//! `traceparent` built for an outbound call carries exactly the `span.id` that was logged.
//!
//! ```
//! use ecsctx::trace::{TraceContext, TraceParent};
//!
//! let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
//! let tc = TraceContext::from_headers(Some(incoming), None);
//! assert_eq!(tc.trace_id().to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
//! assert_eq!(tc.parent_id().unwrap().to_string(), "00f067aa0ba902b7");
//! // A new span of our own, as the parent of the next hop:
//! let out: TraceParent = tc.traceparent();
//! assert_eq!(out.parent_id, tc.span_id());
//! assert_eq!(out.to_string(), format!("00-4bf92f3577b34da6a3ce929d0e0e4736-{}-01", tc.span_id()));
//! ```
//!
//! The trace of the current scope is [`current`]; the header for an outbound call is
//! [`build_traceparent`].

// (Public for the crate: `context` takes its types from here, not through this module,
// which reads the current scope.)
pub(crate) mod w3c;
pub use w3c::*;

/// The `traceparent` for an outbound call from the current context (`None` outside a
/// traced scope): version `00`, the current trace id, the current span id as parent-id,
/// the incoming flags (or `01`).
///
/// # Examples
/// ```
/// use ecsctx::context::Context;
/// use ecsctx::trace::{build_traceparent, TraceContext};
///
/// assert_eq!(Context::current().trace(), None);
/// let tc = TraceContext::new_root();
/// let header = Context::current().with_trace(tc.clone()).run(build_traceparent).unwrap();
/// assert_eq!(header, format!("00-{}-{}-01", tc.trace_id(), tc.span_id()));
/// ```
pub fn build_traceparent() -> Option<String> {
    crate::context::Context::current()
        .trace()
        .map(|t| t.traceparent().to_string())
}

/// The trace context of the current scope, if any.
///
/// # Examples
/// ```
/// use ecsctx::context::bind_trace;
/// use ecsctx::trace::{self, TraceContext};
///
/// assert_eq!(trace::current(), None);
/// let tc = TraceContext::new_root();
/// {
///     let _g = bind_trace(tc.clone());
///     assert_eq!(trace::current(), Some(tc));
/// }
/// assert_eq!(trace::current(), None);
/// ```
pub fn current() -> Option<TraceContext> {
    crate::context::Context::current().trace().cloned()
}
