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

use crate::event::{Arg, Kvs};
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

/// Fields in the order recorded (a later one with the same name replaces the earlier).
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
        let fields = ErrorFields {
            error: value,
            type_name: None,
            backtrace: None,
        };
        match serde_json::to_value(&fields) {
            Ok(j) => self.put(field.name(), Val::Json(j)),
            Err(_) => self.put(field.name(), Val::Str(value.to_string())),
        }
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

/// A field of tower-http's trace spans and events under its ECS name, its value in the
/// ECS form (`HTTP/1.1` → `1.1`, a `12 ms` latency → `event.duration` in nanoseconds);
/// any other field as it is.
fn ecs_field<'v>(target: &str, name: &'static str, v: &'v Val) -> (&'static str, Arg<'v>) {
    if !target.starts_with("tower_http::trace") {
        return (name, v.as_arg());
    }
    match (name, v) {
        ("method", _) => ("http.request.method", v.as_arg()),
        ("uri", _) => ("url.original", v.as_arg()),
        ("status", _) => ("http.response.status_code", v.as_arg()),
        ("version", Val::Str(s)) => ("http.version", Arg::Str(s.strip_prefix("HTTP/").unwrap_or(s))),
        ("latency", Val::Str(s)) => match duration_nanos(s) {
            Some(ns) => ("event.duration", Arg::U64(ns)),
            None => (name, v.as_arg()),
        },
        _ => (name, v.as_arg()),
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
        let mut own = Fields::default();
        event.record(&mut own);
        // The event's fields, then its spans' from the innermost out; a name already
        // taken is skipped (the event's field, or the inner span's, wins).
        let scope: Vec<_> = ctx
            .event_scope(event)
            .map(|s| s.collect())
            .unwrap_or_default();
        let exts: Vec<_> = scope
            .iter()
            .map(|s| (s.metadata().target(), s.extensions()))
            .collect();
        #[cfg(feature = "opentelemetry")]
        let otel = otel_ids();
        // The event's key-values: its own fields, then its spans' (innermost first).
        let mut pairs: Vec<(&'static str, Arg<'_>)> = Vec::new();
        #[cfg(feature = "opentelemetry")]
        if let Some((trace, span)) = &otel {
            pairs.push(("trace.id", Arg::Str(trace)));
            pairs.push(("span.id", Arg::Str(span)));
        }
        fn add<'v>(
            pairs: &mut Vec<(&'static str, Arg<'v>)>,
            target: &str,
            fields: &'v Fields,
        ) {
            for (k, v) in &fields.pairs {
                let (k, v) = ecs_field(target, k, v);
                if !pairs.iter().any(|(p, _)| *p == k) {
                    pairs.push((k, v));
                }
            }
        }
        add(&mut pairs, meta.target(), &own);
        for (target, ext) in &exts {
            if let Some(f) = ext.get::<Fields>() {
                add(&mut pairs, target, f);
            }
        }
        let message = own.message.as_deref().unwrap_or(meta.name());
        // Into ecsctx's logger directly: scalars unboxed, no `log` value to go through.
        if let Some(ecs) = crate::config::INSTALLED.get() {
            ecs.log_foreign(
                message,
                lvl,
                meta.target(),
                (meta.file(), meta.line()),
                &pairs,
            );
            return;
        }
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
