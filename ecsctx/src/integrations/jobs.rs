//! Background jobs (always available): carry the context through any queue and restore
//! it in the worker — the Rust equivalent of the reference package's Celery signals and
//! RQ decorator.
//!
//! In the producer (a request handler), [`JobContext::capture`] takes the current
//! context into a small `serde` value to put into the job's message: the trace
//! (`traceparent` form: trace id, our span id as the parent, flags), `tracestate`, and the
//! bound fields (`user`, `session_id`, `merchant_id`, `payment`, `labels`, `extra`, …).
//! For brokers that carry headers, [`JobContext::to_headers`] gives the W3C form
//! (`traceparent` + `tracestate`) and [`JobContext::from_headers`] reads it back.
//!
//! In the worker, [`JobContext::run`] / [`JobContext::instrument`] run the job as a
//! **child** of the producer: the same `trace.id`, a new `span.id` (its parent is the
//! producer's span), the producer's bound fields, and the job's fields:
//!
//! | field | value |
//! |---|---|
//! | `job.id` | the job's id (the reference's `celery_task.id` / `rq_job.id`) |
//! | `job.name` | the job's name (task or function name) |
//! | `job.queue` | the queue, when given ([`JobInfo::with_queue`]) |
//! | `job.attempt` | the attempt number, when given ([`JobInfo::with_attempt`]) |
//!
//! `job` is not an ECS field set, so by the placement rules these render under
//! `extra.job`; add `job` to the root fields (`Builder::with_root_fields(["job"])` or
//! `ECSCTX_ROOT_FIELDS=job`) to have them at the root. The job's scope ends with the job:
//! nothing it binds leaks into the next job on the same worker.
//!
//! The HTTP fields the request layer binds (`http.*`, `url.*`, `user_agent.*`) describe the
//! request, not the job, and are not captured; `client.ip` and everything else is.
//!
//! ```
//! use ecsctx::context::{self, Fields};
//! use ecsctx::integrations::jobs::{JobContext, JobInfo};
//! use ecsctx::trace::TraceContext;
//!
//! // Producer: inside a request.
//! let _t = context::bind_trace(TraceContext::new_root());
//! let _f = context::bind(Fields::new().with("session_id", "s-1"));
//! let message = serde_json::json!({ "id": "job-7", "ctx": JobContext::capture() }).to_string();
//!
//! // Worker: anywhere, later.
//! let msg: serde_json::Value = serde_json::from_str(&message).unwrap();
//! let jc: JobContext = serde_json::from_value(msg["ctx"].clone()).unwrap();
//! let lines = ecsctx::testing::capture(|| {
//!     jc.run(JobInfo::new("job-7", "send_receipt"), || log::info!("receipt_sent"))
//! });
//! let producer = ecsctx::trace::current().unwrap();
//! assert_eq!(lines[0]["trace"]["id"], producer.trace_id().to_string());
//! assert_ne!(lines[0]["span"]["id"], producer.span_id().to_string());
//! assert_eq!(lines[0]["session_id"], "s-1");
//! assert_eq!(lines[0]["extra"]["job"]["id"], "job-7");
//! ```

use std::future::Future;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::context::{Context, Fields, FutureExt, WithContext};
use crate::trace::TraceContext;

/// Top-level keys that describe the HTTP request, not the job: not captured.
const REQUEST_ONLY: [&str; 3] = ["http", "url", "user_agent"];

/// The context of a job's producer, to put into the job's message; see the
/// [module docs](self).
///
/// Serialized, it is a small JSON object:
/// `{"traceparent":"00-…-…-01","tracestate":"…","fields":{"session_id":"s-1",…}}`
/// (absent parts are left out).
///
/// # Examples
/// ```
/// use ecsctx::integrations::jobs::JobContext;
/// let empty = JobContext::capture(); // outside any scope
/// assert_eq!(serde_json::to_string(&empty).unwrap(), "{}");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JobContext {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    traceparent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tracestate: Option<String>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    fields: Map<String, Value>,
}

/// The job a worker runs: its id and name (and optionally queue and attempt), bound as
/// `job.*`.
///
/// # Examples
/// ```
/// use ecsctx::integrations::jobs::JobInfo;
/// let job = JobInfo::new("a1b2", "send_receipt").with_queue("emails").with_attempt(2);
/// # let _ = job;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobInfo {
    id: String,
    name: String,
    queue: Option<String>,
    attempt: Option<u32>,
}

impl JobInfo {
    /// A job by id and name.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::integrations::jobs::{JobContext, JobInfo};
    ///
    /// let job = JobInfo::new("a1b2", "send_receipt");
    /// let ctx = JobContext::default().child_context(&job);
    /// let fields = ctx.fields_json();
    /// assert_eq!(fields["extra"]["job"]["id"], "a1b2");
    /// assert_eq!(fields["extra"]["job"]["name"], "send_receipt");
    /// assert!(fields["extra"]["job"].get("queue").is_none());
    /// ```
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        JobInfo {
            id: id.into(),
            name: name.into(),
            queue: None,
            attempt: None,
        }
    }

    /// With `job.queue`.
    ///
    /// # Examples
    /// ```
    /// let job = ecsctx::integrations::jobs::JobInfo::new("1", "n").with_queue("default");
    /// # let _ = job;
    /// ```
    pub fn with_queue(mut self, queue: impl Into<String>) -> Self {
        self.queue = Some(queue.into());
        self
    }

    /// With `job.attempt` (1 for the first run).
    ///
    /// # Examples
    /// ```
    /// let job = ecsctx::integrations::jobs::JobInfo::new("1", "n").with_attempt(1);
    /// # let _ = job;
    /// ```
    pub fn with_attempt(mut self, attempt: u32) -> Self {
        self.attempt = Some(attempt);
        self
    }
}

impl JobContext {
    /// The current context (trace and bound fields), to send with a job.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::{Context, Fields};
    /// use ecsctx::integrations::jobs::JobContext;
    /// let ctx = Context::empty().with_fields(Fields::new().with("merchant_id", "m-1"));
    /// let jc = ctx.run(JobContext::capture);
    /// assert_eq!(jc.fields()["merchant_id"], "m-1");
    /// ```
    pub fn capture() -> Self {
        Self::from_context(&Context::current())
    }

    /// The context `ctx` (trace and bound fields), to send with a job.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::Context;
    /// use ecsctx::integrations::jobs::JobContext;
    /// assert_eq!(JobContext::from_context(&Context::empty()), JobContext::default());
    /// ```
    pub fn from_context(ctx: &Context) -> Self {
        let trace = ctx.trace();
        let mut fields = match ctx.fields_json() {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        for key in REQUEST_ONLY {
            fields.remove(key);
        }
        // The trace travels as `traceparent`; our span becomes the job's parent.
        for (set, id) in [("trace", "id"), ("span", "id")] {
            if let Some(Value::Object(o)) = fields.get_mut(set) {
                o.remove(id);
                if o.is_empty() {
                    fields.remove(set);
                }
            }
        }
        JobContext {
            traceparent: trace.map(|t| t.traceparent().to_string()),
            tracestate: trace.and_then(|t| t.tracestate()).map(str::to_owned),
            fields,
        }
    }

    /// A job context from W3C headers (a broker's message headers): trace only, no
    /// fields. An invalid `traceparent` is ignored (the job then starts a new trace).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::integrations::jobs::JobContext;
    /// let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    /// let jc = JobContext::from_headers(Some(tp), Some("vendor=x"));
    /// assert_eq!(jc.to_headers(), vec![("traceparent", tp.to_owned()), ("tracestate", "vendor=x".to_owned())]);
    /// ```
    pub fn from_headers(traceparent: Option<&str>, tracestate: Option<&str>) -> Self {
        let tc = traceparent.and_then(|tp| tp.parse::<crate::trace::TraceParent>().ok());
        JobContext {
            traceparent: tc.map(|tp| tp.to_string()),
            tracestate: tc.and(tracestate).map(str::to_owned),
            fields: Map::new(),
        }
    }

    /// The W3C headers form: `traceparent` (and `tracestate`), for brokers that carry
    /// headers. Empty outside a traced scope.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::Context;
    /// use ecsctx::integrations::jobs::JobContext;
    /// use ecsctx::trace::TraceContext;
    /// let tc = TraceContext::new_root();
    /// let headers = Context::empty().with_trace(tc.clone()).run(|| JobContext::capture().to_headers());
    /// assert_eq!(headers[0].1, tc.traceparent().to_string());
    /// ```
    pub fn to_headers(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::with_capacity(2);
        if let Some(tp) = &self.traceparent {
            out.push(("traceparent", tp.clone()));
            if let Some(ts) = &self.tracestate {
                out.push(("tracestate", ts.clone()));
            }
        }
        out
    }

    /// The producer's `traceparent` (its trace id and span id), if it was traced.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(ecsctx::integrations::jobs::JobContext::default().traceparent(), None);
    /// ```
    pub fn traceparent(&self) -> Option<&str> {
        self.traceparent.as_deref()
    }

    /// The captured fields, as they appear in lines (placed: custom keys under `extra`).
    ///
    /// # Examples
    /// ```
    /// assert!(ecsctx::integrations::jobs::JobContext::default().fields().is_empty());
    /// ```
    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }

    /// The job's context: the worker's current context, with the producer's fields and
    /// the job's fields merged over it, in a child span of the producer's (same
    /// `trace.id`, new `span.id`; a new trace when the producer had none).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::integrations::jobs::{JobContext, JobInfo};
    /// let ctx = JobContext::default().child_context(&JobInfo::new("7", "reindex"));
    /// assert_eq!(ctx.fields_json()["extra"]["job"]["name"], "reindex");
    /// ```
    pub fn child_context(&self, job: &JobInfo) -> Context {
        let trace =
            TraceContext::from_headers(self.traceparent.as_deref(), self.tracestate.as_deref());
        let mut f = Fields::new();
        for (k, v) in &self.fields {
            f.insert(k, v);
        }
        f.insert("job.id", job.id.as_str());
        f.insert("job.name", job.name.as_str());
        if let Some(q) = &job.queue {
            f.insert("job.queue", q.as_str());
        }
        if let Some(a) = job.attempt {
            f.insert("job.attempt", &a);
        }
        Context::current().with_fields(f.with_trace(trace))
    }

    /// Runs the job `f` inside its context ([`child_context`](Self::child_context)).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::integrations::jobs::{JobContext, JobInfo};
    /// let lines = ecsctx::testing::capture(|| {
    ///     JobContext::default().run(JobInfo::new("7", "reindex"), || log::info!("done"));
    ///     log::info!("after");
    /// });
    /// assert_eq!(lines[0]["extra"]["job"]["id"], "7");
    /// assert!(lines[1].get("extra").is_none()); // the job's scope ended with it
    /// ```
    pub fn run<R>(&self, job: JobInfo, f: impl FnOnce() -> R) -> R {
        self.child_context(&job).run(f)
    }

    /// Wraps the async job `fut` so that it runs inside its context, on any thread.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::integrations::jobs::{JobContext, JobInfo};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (_, lines) = ecsctx::testing::capture_future(async {
    ///     JobContext::default()
    ///         .instrument(JobInfo::new("7", "reindex"), async { log::info!("done") })
    ///         .await
    /// })
    /// .await;
    /// assert_eq!(lines[0]["extra"]["job"]["name"], "reindex");
    /// # });
    /// ```
    pub fn instrument<F: Future>(&self, job: JobInfo, fut: F) -> WithContext<F> {
        fut.with_context(self.child_context(&job))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{self, Fields};

    #[test]
    fn round_trip_keeps_trace_and_fields() {
        let tc = TraceContext::from_headers(
            Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            Some("congo=t61"),
        );
        let ctx = Context::empty().with_trace(tc.clone()).with_fields(
            Fields::new()
                .with("session_id", "s-1")
                .with("user_id", &42)
                .with("labels.region", "eu")
                .with("amount", &100)
                .with("http.request.method", "POST")
                .with("span.name", "kept"),
        );
        let jc = JobContext::from_context(&ctx);
        let wire = serde_json::to_string(&jc).unwrap();
        let back: JobContext = serde_json::from_str(&wire).unwrap();
        assert_eq!(back, jc);
        assert!(jc.fields.get("http").is_none());
        assert!(jc.fields.get("trace").is_none());
        assert_eq!(jc.fields["span"], serde_json::json!({"name": "kept"}));

        let child = back.child_context(&JobInfo::new("j-1", "charge").with_attempt(2));
        let t = child.trace().unwrap();
        assert_eq!(t.trace_id(), tc.trace_id());
        assert_ne!(t.span_id(), tc.span_id());
        assert_eq!(t.parent_id(), Some(tc.span_id()));
        assert_eq!(t.tracestate(), Some("congo=t61"));
        let j = child.fields_json();
        assert_eq!(j["session_id"], "s-1");
        assert_eq!(j["user"]["id"], 42);
        assert_eq!(j["labels"]["region"], "eu");
        assert_eq!(j["extra"]["amount"], 100);
        assert_eq!(
            j["extra"]["job"],
            serde_json::json!({"id": "j-1", "name": "charge", "attempt": 2})
        );
        assert_eq!(j["span"]["id"], t.span_id().to_string());
    }

    #[test]
    fn no_leak_between_jobs() {
        let jc = JobContext::default();
        jc.run(JobInfo::new("1", "a"), || {
            context::bind_unscoped(Fields::new().with("merchant_id", "m"));
        });
        assert_eq!(Context::current(), Context::empty());
        jc.run(JobInfo::new("2", "a"), || {
            assert!(Context::current()
                .fields_json()
                .get("merchant_id")
                .is_none());
        });
    }

    #[test]
    fn headers_form() {
        let jc = JobContext::from_headers(Some("garbage"), Some("a=b"));
        assert!(jc.to_headers().is_empty());
        let child = jc.child_context(&JobInfo::new("1", "x"));
        assert!(child.trace().unwrap().parent_id().is_none());
    }
}
