//! `reqwest` (feature `reqwest`): outgoing requests carry the current trace.
//!
//! [`TracePropagation`] is a [`reqwest_middleware::Middleware`] that sets `traceparent`
//! (version `00`, the current `trace.id`, the current `span.id` as the parent, the
//! incoming flags) and passes `tracestate` on every request sent inside a traced scope,
//! so the next service's lines share our `trace.id` and name our `span.id` as their
//! parent. Outside a traced scope it sends nothing. For other clients, use [`inject`] or
//! [`build_traceparent`](crate::trace::build_traceparent).
//!
//! The context is read when the request is sent: send it from the request's own future
//! (or a task spawned with the context), not from a task spawned without it.
//!
//! ```
//! use ecsctx::integrations::reqwest::TracePropagation;
//!
//! let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
//!     .with(TracePropagation)
//!     .build();
//! # let _ = client;
//! ```

use http::{HeaderMap, HeaderValue};
use reqwest_middleware::{Middleware, Next, Result};

use crate::context::Context;

/// The middleware; see the [module docs](self).
///
/// # Examples
/// ```
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     .with(ecsctx::integrations::reqwest::TracePropagation)
///     .build();
/// # let _ = client;
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct TracePropagation;

#[async_trait::async_trait]
impl Middleware for TracePropagation {
    async fn handle(
        &self,
        mut req: reqwest::Request,
        extensions: &mut http::Extensions,
        next: Next<'_>,
    ) -> Result<reqwest::Response> {
        inject(req.headers_mut());
        next.run(req, extensions).await
    }
}

/// Sets `traceparent` (and `tracestate`, when one was received) for the current trace;
/// returns whether there was one. Headers already present are replaced.
///
/// # Examples
/// ```
/// use ecsctx::context::Context;
/// use ecsctx::trace::TraceContext;
///
/// let tc = TraceContext::new_root();
/// let mut headers = http::HeaderMap::new();
/// assert!(Context::current().with_trace(tc.clone()).run(|| ecsctx::integrations::reqwest::inject(&mut headers)));
/// assert_eq!(headers["traceparent"], format!("00-{}-{}-01", tc.trace_id(), tc.span_id()));
/// assert!(!ecsctx::integrations::reqwest::inject(&mut http::HeaderMap::new()));
/// ```
pub fn inject(headers: &mut HeaderMap) -> bool {
    let ctx = Context::current();
    let Some(tc) = ctx.trace() else {
        return false;
    };
    if let Ok(v) = HeaderValue::try_from(tc.traceparent().to_string()) {
        headers.insert("traceparent", v);
    }
    match tc.tracestate().map(HeaderValue::from_str) {
        Some(Ok(v)) => {
            headers.insert("tracestate", v);
        }
        _ => {
            headers.remove("tracestate");
        }
    }
    true
}
