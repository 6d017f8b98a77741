//! `tracing` events as structured ECS lines: a `tracing-subscriber` [`Layer`].
//!
//! axum, hyper, tower-http, sqlx, reqwest and most of the async ecosystem emit `tracing`
//! events, not `log` records. Without a subscriber, `tracing`'s `log` bridge folds their
//! fields into the message (`"finished processing request latency=0 ms status=200"`).
//! With [`TracingLayer`] in the subscriber, each event becomes one line of the installed
//! ecsctx logger, its fields placed, masked and typed like a `log` record's key-values:
//!
//! - the event's fields, and the fields of every span it is in (outermost first; a
//!   field of the event, or of an inner span, wins);
//! - `message` is the line's message (the event's name when it has none);
//! - an error field (`error = &err as &dyn Error`) is the ECS `error` field set
//!   (`message`, `stack_trace` with its causes);
//! - tower-http's request spans and response events are named in ECS (`method` →
//!   `http.request.method`, `uri` → `url.original`, `version` → `http.version` as `1.1`,
//!   `status` → `http.response.status_code`, `latency` → `event.duration` in
//!   nanoseconds);
//! - spans themselves write nothing (no `-> request` / `<- request` lines).
//!
//! Fields are masked by their names, as other key-values are: `email = %p.email` is the
//! token of the address, the same token as `event!(info, "x", email = p.email)`.
//!
//! With the `opentelemetry` feature, an event inside an OpenTelemetry span (a `tracing`
//! span that `tracing-opentelemetry`'s layer has entered) carries that span's `trace.id`
//! and `span.id`, in place of ecsctx's own trace context: the line then joins the trace
//! the OpenTelemetry exporter reports. Outside such a span, ecsctx's trace context applies
//! as without the feature.
//!
//! # Examples
//! ```
//! use tracing_subscriber::layer::SubscriberExt;
//!
//! let subscriber = tracing_subscriber::registry().with(ecsctx::integrations::tracing::TracingLayer::new());
//! let lines = ecsctx::testing::capture(|| {
//!     tracing::subscriber::with_default(subscriber, || {
//!         let span = tracing::info_span!("request", method = "POST", session_id = "s-1");
//!         let _e = span.enter();
//!         tracing::info!(status = 201, amount = 100, "finished processing request");
//!     })
//! });
//! assert_eq!(lines.len(), 1);
//! assert_eq!(lines[0]["message"], "finished processing request");
//! assert_eq!(lines[0]["session_id"], "s-1");
//! assert_eq!(lines[0]["extra"]["amount"], 100);
//! ```
//! (`tracing::subscriber::set_global_default` in a service.)

use std::fmt;

use tracing_core::field::{Field, Visit};
use tracing_core::span::{Attributes, Id, Record};
use tracing_core::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

use crate::event::{recycle, Arg, Kvs};
use crate::render::error::ErrorFields;

/// The `tracing-subscriber` layer that writes each `tracing` event as an ECS line through
/// the installed ecsctx logger (see the [module docs](self)).
#[derive(Debug, Default, Clone, Copy)]
pub struct TracingLayer {
    _private: (),
}

impl TracingLayer {
    /// The layer.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::integrations::tracing::TracingLayer;
    /// use tracing_subscriber::layer::SubscriberExt;
    ///
    /// let subscriber = tracing_subscriber::registry().with(TracingLayer::new());
    /// let lines = ecsctx::testing::capture(|| {
    ///     tracing::subscriber::with_default(subscriber, || tracing::warn!(retries = 3, "upstream slow"))
    /// });
    /// assert_eq!(lines[0]["message"], "upstream slow");
    /// assert_eq!(lines[0]["log.level"], "warn");
    /// assert_eq!(lines[0]["extra"]["retries"], 3);
    /// ```
    pub fn new() -> Self {
        TracingLayer::default()
    }
}

/// A field value, owned (spans keep theirs until they close).
#[derive(Debug, Clone)]
enum Val {
    Str(String),
    I64(i64),
    U64(u64),
    F64(f64),
    Bool(bool),
    Json(serde_json::Value),
}

impl Val {
    /// The value as an `event!` argument (scalars unboxed).
    fn as_arg(&self) -> Arg<'_> {
        match self {
            Val::Str(s) => Arg::Str(s),
            Val::I64(n) => Arg::I64(*n),
            Val::U64(n) => Arg::U64(*n),
            Val::F64(n) => Arg::F64(*n),
            Val::Bool(b) => Arg::Bool(*b),
            Val::Json(j) => Arg::Value(log::kv::Value::from_serde(j)),
        }
    }
}

/// An error field as the ECS `error` field set (its message and causes), as JSON.
fn error_val(value: &(dyn std::error::Error + 'static)) -> Val {
    let fields = ErrorFields {
        error: value,
        type_name: None,
        backtrace: None,
    };
    match serde_json::to_value(&fields) {
        Ok(j) => Val::Json(j),
        Err(_) => Val::Str(value.to_string()),
    }
}

/// A span's fields in the order recorded (a later one with the same name replaces the
/// earlier).
#[derive(Debug, Default, Clone)]
struct Fields {
    pairs: Vec<(&'static str, Val)>,
    message: Option<String>,
}

impl Fields {
    fn put(&mut self, name: &'static str, v: Val) {
        match self.pairs.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = v,
            None => self.pairs.push((name, v)),
        }
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = Some(value.to_owned());
        } else {
            self.put(field.name(), Val::Str(value.to_owned()));
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field.name(), Val::I64(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field.name(), Val::U64(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field.name(), Val::F64(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field.name(), Val::Bool(value));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.put(field.name(), error_val(value));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        // `%x` (Display) and `?x` (Debug) values, and the message's `format_args!`.
        let text = format!("{value:?}");
        if field.name() == "message" {
            self.message = Some(text);
        } else {
            self.put(field.name(), Val::Str(text));
        }
    }
}

/// A value of [`Recorded`]: text is a range of its buffer.
#[derive(Debug)]
enum RVal {
    Str(usize, usize),
    I64(i64),
    U64(u64),
    F64(f64),
    Bool(bool),
    Json(serde_json::Value),
}

/// One event's fields (its own, then its spans', under their ECS names) and message, in
/// buffers a thread reuses from event to event: recording an event allocates nothing once
/// they have grown.
#[derive(Debug, Default)]
struct Recorded {
    /// Text values and the message, one after another.
    text: String,
    vals: Vec<(&'static str, RVal)>,
    message: Option<(usize, usize)>,
    /// The line's key-values (empty between events; see [`recycle`]).
    pairs: Vec<(&'static str, Arg<'static>)>,
}

impl Recorded {
    fn clear(&mut self) {
        self.text.clear();
        self.vals.clear();
        self.message = None;
    }

    fn push_str(&mut self, s: &str) -> RVal {
        let start = self.text.len();
        self.text.push_str(s);
        RVal::Str(start, self.text.len())
    }

    /// Adds a field (named and valued in ECS when `tower`, see [`ecs_field`]); `replace`:
    /// an earlier field of the same name takes the new value (an event's own fields),
    /// else the new one goes after it (and is dropped when the line is assembled).
    fn add(&mut self, tower: bool, name: &'static str, arg: Arg<'_>, replace: bool) {
        let (name, arg) = ecs_field(tower, name, arg);
        let v = match arg {
            Arg::Str(s) => self.push_str(s),
            Arg::I64(n) => RVal::I64(n),
            Arg::U64(n) => RVal::U64(n),
            Arg::F64(n) => RVal::F64(n),
            Arg::Bool(b) => RVal::Bool(b),
            Arg::Value(v) => match serde_json::to_value(&v) {
                Ok(j) => RVal::Json(j),
                Err(_) => self.push_str(&v.to_string()),
            },
            other => self.push_str(&other.to_value().to_string()),
        };
        self.put(name, v, replace);
    }

    /// Adds a scalar of an event's own (its name in ECS when `tower`).
    #[inline]
    fn put_own(&mut self, tower: bool, name: &'static str, v: RVal) {
        let name = if tower { ecs_name(name) } else { name };
        self.put(name, v, true);
    }

    /// Adds a text of an event's own ([`ecs_field`]'s name and form when `tower`).
    #[inline]
    fn put_own_str(&mut self, tower: bool, name: &'static str, s: &str) {
        if tower {
            return self.add(true, name, Arg::Str(s), true);
        }
        let v = self.push_str(s);
        self.put(name, v, true);
    }

    #[inline]
    fn put(&mut self, name: &'static str, v: RVal, replace: bool) {
        if replace {
            if let Some(slot) = self.vals.iter_mut().find(|(k, _)| *k == name) {
                slot.1 = v;
                return;
            }
        }
        self.vals.push((name, v));
    }

    fn arg<'a>(&'a self, v: &'a RVal) -> Arg<'a> {
        match v {
            RVal::Str(a, b) => Arg::Str(&self.text[*a..*b]),
            RVal::I64(n) => Arg::I64(*n),
            RVal::U64(n) => Arg::U64(*n),
            RVal::F64(n) => Arg::F64(*n),
            RVal::Bool(b) => Arg::Bool(*b),
            RVal::Json(j) => Arg::Value(log::kv::Value::from_serde(j)),
        }
    }
}

/// Records an event's own fields into [`Recorded`].
struct Own<'r> {
    rec: &'r mut Recorded,
    /// Whether the event is tower-http's ([`is_tower`]).
    tower: bool,
}

impl Visit for Own<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            let RVal::Str(a, b) = self.rec.push_str(value) else {
                return;
            };
            self.rec.message = Some((a, b));
        } else {
            self.rec.put_own_str(self.tower, field.name(), value);
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.rec.put_own(self.tower, field.name(), RVal::I64(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.rec.put_own(self.tower, field.name(), RVal::U64(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.rec.put_own(self.tower, field.name(), RVal::F64(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.rec.put_own(self.tower, field.name(), RVal::Bool(value));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        let v = error_val(value);
        self.rec.add(self.tower, field.name(), v.as_arg(), true);
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        // `%x` (Display) and `?x` (Debug) values, and the message's `format_args!`,
        // written into the buffer (no `String` per value).
        use std::fmt::Write as _;
        let rec = &mut *self.rec;
        let start = rec.text.len();
        let _ = write!(rec.text, "{value:?}");
        let end = rec.text.len();
        if field.name() == "message" {
            rec.message = Some((start, end));
            return;
        }
        let (name, arg) = ecs_field(self.tower, field.name(), Arg::Str(&rec.text[start..end]));
        let v = match arg {
            // The text as written, or its end (`HTTP/1.1` → `1.1`).
            Arg::Str(s) if rec.text[start..end].ends_with(s) => RVal::Str(end - s.len(), end),
            Arg::U64(n) => RVal::U64(n),
            _ => RVal::Str(start, end),
        };
        rec.put(name, v, true);
    }
}

thread_local! {
    /// The buffers of this thread's events (taken while in use: an event logged while
    /// another is being written gets fresh ones).
    static RECORDED: std::cell::RefCell<Recorded> = std::cell::RefCell::new(Recorded::default());
}

/// Whether `target` is tower-http's trace middleware (whose fields [`ecs_field`] names).
fn is_tower(target: &str) -> bool {
    target.starts_with("tower_http::trace")
}

/// The ECS name of a field of tower-http's trace spans and events (any other as it is).
fn ecs_name(name: &'static str) -> &'static str {
    match name {
        "method" => "http.request.method",
        "uri" => "url.original",
        "status" => "http.response.status_code",
        _ => name,
    }
}

/// A field of tower-http's trace spans and events under its ECS name, its value in the
/// ECS form (`HTTP/1.1` → `1.1`, a `12 ms` latency → `event.duration` in nanoseconds);
/// any other field as it is.
fn ecs_field<'v>(tower: bool, name: &'static str, v: Arg<'v>) -> (&'static str, Arg<'v>) {
    if !tower {
        return (name, v);
    }
    match (name, v) {
        ("version", Arg::Str(s)) => ("http.version", Arg::Str(s.strip_prefix("HTTP/").unwrap_or(s))),
        ("latency", Arg::Str(s)) => match duration_nanos(s) {
            Some(ns) => ("event.duration", Arg::U64(ns)),
            None => (name, Arg::Str(s)),
        },
        (_, v) => (ecs_name(name), v),
    }
}

/// `12 ms`, `3 s`, `250 μs`, `7 ns` (tower-http's latency) in nanoseconds.
fn duration_nanos(s: &str) -> Option<u64> {
    let (n, unit) = s.trim().split_once(' ')?;
    let n: f64 = n.parse().ok()?;
    let scale = match unit {
        "s" => 1e9,
        "ms" => 1e6,
        "μs" | "µs" | "us" => 1e3,
        "ns" => 1.0,
        _ => return None,
    };
    let ns = n * scale;
    (ns.is_finite() && ns >= 0.0 && ns < u64::MAX as f64).then_some(ns as u64)
}

fn level(l: &Level) -> log::Level {
    match *l {
        Level::ERROR => log::Level::Error,
        Level::WARN => log::Level::Warn,
        Level::INFO => log::Level::Info,
        Level::DEBUG => log::Level::Debug,
        Level::TRACE => log::Level::Trace,
    }
}

impl<S> Layer<S> for TracingLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        // A span without fields keeps nothing (`on_record` adds them when it gets some).
        if attrs.fields().is_empty() {
            return;
        }
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            let mut ext = span.extensions_mut();
            match ext.get_mut::<Fields>() {
                Some(f) => values.record(f),
                None => {
                    let mut f = Fields::default();
                    values.record(&mut f);
                    ext.insert(f);
                }
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let meta = event.metadata();
        let lvl = level(meta.level());
        let logger = log::logger();
        let log_meta = log::Metadata::builder()
            .level(lvl)
            .target(meta.target())
            .build();
        if !logger.enabled(&log_meta) {
            return;
        }
        let mut rec = RECORDED
            .try_with(|r| r.try_borrow_mut().map(|mut r| std::mem::take(&mut *r)).ok())
            .ok()
            .flatten()
            .unwrap_or_default();
        rec.clear();
        event.record(&mut Own {
            rec: &mut rec,
            tower: is_tower(meta.target()),
        });
        let own = rec.vals.len();
        // Then its spans' fields, from the innermost out (copied: the line is assembled
        // after the spans' extensions are released).
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope {
                let ext = span.extensions();
                if let Some(f) = ext.get::<Fields>() {
                    let tower = is_tower(span.metadata().target());
                    for (k, v) in &f.pairs {
                        rec.add(tower, k, v.as_arg(), false);
                    }
                }
            }
        }
        #[cfg(feature = "opentelemetry")]
        let otel = otel_ids();
        // The line's key-values: the OpenTelemetry ids, the event's own fields, then its
        // spans' (innermost first); a name already taken is skipped (the event's field,
        // or the inner span's, wins).
        let mut pairs: Vec<(&'static str, Arg<'_>)> = std::mem::take(&mut rec.pairs);
        let mut push = |k: &'static str, v, check: bool| {
            if !(check && pairs.iter().any(|(q, _)| *q == k)) {
                pairs.push((k, v));
            }
        };
        #[cfg(feature = "opentelemetry")]
        if let Some((trace, span)) = &otel {
            push("trace.id", Arg::Str(trace), false);
            push("span.id", Arg::Str(span), false);
        }
        for (i, (k, v)) in rec.vals.iter().enumerate() {
            // (The event's own names are unique among themselves.)
            let check = cfg!(feature = "opentelemetry") || i >= own;
            push(k, rec.arg(v), check);
        }
        let message = match rec.message {
            Some((a, b)) => &rec.text[a..b],
            None => meta.name(),
        };
        // Into ecsctx's logger directly: scalars unboxed, no `log` value to go through.
        if let Some(ecs) = crate::config::INSTALLED.get() {
            ecs.log_foreign(
                message,
                lvl,
                meta.target(),
                (meta.file(), meta.line()),
                &pairs,
            );
        } else {
            let kvs = Kvs(&pairs);
            logger.log(
                &log::Record::builder()
                    .level(lvl)
                    .target(meta.target())
                    .module_path(meta.module_path())
                    .file(meta.file())
                    .line(meta.line())
                    .args(format_args!("{message}"))
                    .key_values(&kvs)
                    .build(),
            );
        }
        // The buffers back for the thread's next event (unless they grew past reason).
        let pairs = recycle(pairs);
        if rec.text.capacity() <= 64 * 1024 && pairs.capacity() <= 256 {
            rec.pairs = pairs;
            let _ = RECORDED.try_with(|r| {
                if let Ok(mut r) = r.try_borrow_mut() {
                    *r = rec;
                }
            });
        }
    }
}

/// The trace and span id (lowercase hex) of the current OpenTelemetry span, when one is
/// active and valid: `tracing-opentelemetry` activates a span's context while the span is
/// entered.
#[cfg(feature = "opentelemetry")]
fn otel_ids() -> Option<(String, String)> {
    use opentelemetry::trace::TraceContextExt;
    let cx = opentelemetry::Context::current();
    let span = cx.span();
    let sc = span.span_context();
    sc.is_valid()
        .then(|| (sc.trace_id().to_string(), sc.span_id().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tower_http_latencies_in_nanoseconds() {
        for (text, ns) in [
            ("12 ms", Some(12_000_000)),
            ("0 ms", Some(0)),
            ("3 s", Some(3_000_000_000)),
            ("250 μs", Some(250_000)),
            ("7 ns", Some(7)),
            ("1.5 ms", Some(1_500_000)),
            ("12ms", None),
            ("-1 ms", None),
            ("x ms", None),
        ] {
            assert_eq!(duration_nanos(text), ns, "{text}");
        }
    }
}
