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

/// A recorded value: text is a range of its [`Recorded`]'s buffer, an error an index
/// into its errors (so a value is `Copy`, and clearing a record drops nothing per value).
#[derive(Debug, Clone, Copy)]
enum RVal {
    Str(usize, usize),
    I64(i64),
    U64(u64),
    F64(f64),
    Bool(bool),
    /// An error field as the ECS `error` field set (its message and causes): the index of
    /// its JSON in [`Recorded::errors`].
    Json(usize),
}

/// Fields under their ECS names, and a message, with text values as ranges of one
/// buffer. A span keeps its own in its extensions until it closes; an event's are
/// recorded into buffers its thread reuses, so recording an event allocates nothing once
/// they have grown. A later field of the same name replaces the earlier.
#[derive(Debug, Default)]
struct Recorded {
    /// Text values and the message, one after another.
    text: String,
    vals: Vec<(&'static str, RVal)>,
    /// Error fields as JSON (rare; [`RVal::Json`] indexes them).
    errors: Vec<serde_json::Value>,
    message: Option<(usize, usize)>,
}

impl Recorded {
    fn clear(&mut self) {
        self.text.clear();
        self.vals.clear();
        self.errors.clear();
        self.message = None;
    }

    /// Appends `s` to the buffer: its range.
    fn push_str(&mut self, s: &str) -> (usize, usize) {
        let start = self.text.len();
        self.text.push_str(s);
        (start, self.text.len())
    }

    #[inline]
    fn put(&mut self, name: &'static str, v: RVal) {
        match self.vals.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = v,
            None => self.vals.push((name, v)),
        }
    }

    /// [`Self::put`] for an error's JSON: one recorded again under the same name (a
    /// span's `record`) takes the place of the one before, so a long-lived span does not
    /// pile them up.
    fn put_error(&mut self, name: &'static str, j: serde_json::Value) {
        match self.vals.iter_mut().find(|(k, _)| *k == name) {
            Some((_, RVal::Json(i))) => self.errors[*i] = j,
            slot => {
                self.errors.push(j);
                let v = RVal::Json(self.errors.len() - 1);
                match slot {
                    Some(slot) => slot.1 = v,
                    None => self.vals.push((name, v)),
                }
            }
        }
    }

    /// Adds the text `start..end` of the buffer as the field `name`; a field of
    /// tower-http's (`tower`) under its ECS name and in its ECS form (`HTTP/1.1` → `1.1`,
    /// a `12 ms` latency → `event.duration` in nanoseconds).
    fn put_text(&mut self, tower: bool, name: &'static str, (start, end): (usize, usize)) {
        let text = &self.text[start..end];
        let (name, v) = match (tower, name) {
            (true, "version") => {
                let version = text.strip_prefix("HTTP/").unwrap_or(text);
                ("http.version", RVal::Str(end - version.len(), end))
            }
            (true, "latency") => match duration_nanos(text) {
                Some(ns) => ("event.duration", RVal::U64(ns)),
                None => (name, RVal::Str(start, end)),
            },
            (true, _) => (ecs_name(name), RVal::Str(start, end)),
            (false, _) => (name, RVal::Str(start, end)),
        };
        self.put(name, v);
    }

    /// Adds `other`'s fields after these (a span's, after its event's): a name already
    /// here is dropped when the line is assembled.
    fn append(&mut self, other: &Recorded) {
        for (k, v) in &other.vals {
            let v = match v {
                RVal::Str(a, b) => {
                    let (a, b) = self.push_str(&other.text[*a..*b]);
                    RVal::Str(a, b)
                }
                RVal::Json(i) => {
                    self.errors.push(other.errors[*i].clone());
                    RVal::Json(self.errors.len() - 1)
                }
                v => *v,
            };
            self.vals.push((k, v));
        }
    }

    #[inline]
    fn arg(&self, v: RVal) -> Arg<'_> {
        match v {
            RVal::Str(a, b) => Arg::Str(&self.text[a..b]),
            RVal::I64(n) => Arg::I64(n),
            RVal::U64(n) => Arg::U64(n),
            RVal::F64(n) => Arg::F64(n),
            RVal::Bool(b) => Arg::Bool(b),
            RVal::Json(i) => Arg::Value(log::kv::Value::from_serde(&self.errors[i])),
        }
    }
}

/// Records an event's or a span's fields into a [`Recorded`].
struct Recorder<'r> {
    rec: &'r mut Recorded,
    /// Whether the event or span is tower-http's ([`is_tower`]).
    tower: bool,
}

impl Recorder<'_> {
    /// The name `field` is recorded under (its ECS name for tower-http's).
    fn name(&self, field: &Field) -> &'static str {
        if self.tower {
            ecs_name(field.name())
        } else {
            field.name()
        }
    }

    fn put(&mut self, field: &Field, v: RVal) {
        let name = self.name(field);
        self.rec.put(name, v);
    }

    /// The text `range` of the buffer as `field`, or as the message.
    fn text(&mut self, field: &Field, range: (usize, usize)) {
        if field.name() == "message" {
            self.rec.message = Some(range);
        } else {
            self.rec.put_text(self.tower, field.name(), range);
        }
    }
}

impl Visit for Recorder<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        let range = self.rec.push_str(value);
        self.text(field, range);
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, RVal::I64(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, RVal::U64(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, RVal::F64(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, RVal::Bool(value));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        let fields = ErrorFields {
            error: value,
            type_name: None,
            backtrace: None,
        };
        let name = self.name(field);
        match serde_json::to_value(&fields) {
            Ok(j) => self.rec.put_error(name, j),
            Err(_) => {
                let (a, b) = self.rec.push_str(&value.to_string());
                self.rec.put(name, RVal::Str(a, b));
            }
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        // `%x` (Display) and `?x` (Debug) values, and the message's `format_args!`,
        // written into the buffer (no `String` per value).
        use std::fmt::Write as _;
        let start = self.rec.text.len();
        let _ = write!(self.rec.text, "{value:?}");
        let end = self.rec.text.len();
        self.text(field, (start, end));
    }
}

/// An event's buffers, reused by its thread: its fields and the line's key-values (empty
/// between events; see [`recycle`]).
#[derive(Default)]
struct Scratch {
    rec: Recorded,
    pairs: Vec<(&'static str, Arg<'static>)>,
}

thread_local! {
    /// The buffers of this thread's events (borrowed while in use: an event logged while
    /// another is being written finds them busy and gets fresh ones).
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Whether `target` is tower-http's trace middleware (whose fields [`ecs_name`] names).
fn is_tower(target: &str) -> bool {
    target.starts_with("tower_http::trace")
}

/// The ECS name of a field of tower-http's trace spans and events (any other as it is;
/// `version` and `latency` change form too: [`Recorded::put_text`]).
fn ecs_name(name: &'static str) -> &'static str {
    match name {
        "method" => "http.request.method",
        "uri" => "url.original",
        "status" => "http.response.status_code",
        _ => name,
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
        let mut fields = Recorded::default();
        attrs.record(&mut Recorder {
            rec: &mut fields,
            tower: is_tower(attrs.metadata().target()),
        });
        if let Some(span) = ctx.span(id) {
            // (`replace`, not `insert`: a second `TracingLayer` in the same subscriber
            // records the same fields, and `insert` would panic.)
            span.extensions_mut().replace(fields);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            let tower = is_tower(span.metadata().target());
            let mut ext = span.extensions_mut();
            match ext.get_mut::<Recorded>() {
                Some(rec) => values.record(&mut Recorder { rec, tower }),
                None => {
                    let mut fields = Recorded::default();
                    values.record(&mut Recorder {
                        rec: &mut fields,
                        tower,
                    });
                    ext.replace(fields);
                }
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let meta = event.metadata();
        let lvl = level(meta.level());
        let installed = crate::config::INSTALLED.get();
        let logger = log::logger();
        let log_meta = log::Metadata::builder()
            .level(lvl)
            .target(meta.target())
            .build();
        // (The installed ecsctx logger checked directly: it writes the line below.)
        let enabled = match installed {
            Some(ecs) => log::Log::enabled(*ecs, &log_meta),
            None => logger.enabled(&log_meta),
        };
        if !enabled {
            return;
        }
        // This thread's buffers, used in place (an event logged while another is being
        // written finds them borrowed and gets fresh ones).
        let written = SCRATCH.try_with(|r| match r.try_borrow_mut() {
            Ok(mut scratch) => {
                write_event(&mut scratch, event, &ctx, installed, logger, lvl);
                // (Buffers that grew past reason are not kept.)
                if scratch.rec.text.capacity() > 64 * 1024 || scratch.pairs.capacity() > 256 {
                    *scratch = Scratch::default();
                }
                true
            }
            Err(_) => false,
        });
        if written != Ok(true) {
            write_event(&mut Scratch::default(), event, &ctx, installed, logger, lvl);
        }
    }
}

/// Writes `event` (its level enabled) with `scratch`'s buffers (its record is cleared
/// when the next event starts).
fn write_event<S>(
    scratch: &mut Scratch,
    event: &Event<'_>,
    ctx: &Context<'_, S>,
    installed: Option<&&'static crate::logger::EcsLogger>,
    logger: &dyn log::Log,
    lvl: log::Level,
) where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    let meta = event.metadata();
    let rec = &mut scratch.rec;
    rec.clear();
    event.record(&mut Recorder {
        rec,
        tower: is_tower(meta.target()),
    });
    let own = rec.vals.len();
    // Then its spans' fields, from the innermost out (copied: the line is assembled
    // after the spans' extensions are released): the span and its parents one by one, as
    // `event_scope` walks them (a span a per-layer filter disables skipped), without its
    // second lookup of the first span.
    let mut next = ctx.event_span(event);
    while let Some(span) = next {
        // A span whose call site declares no fields has none recorded in practice
        // (`Span::record` records declared fields only; only the hidden `record_all` with
        // another call site's values could add some): its extensions are not locked.
        if !span.fields().is_empty() {
            if let Some(fields) = span.extensions().get::<Recorded>() {
                rec.append(fields);
            }
        }
        next = span.parent();
    }
    // With OpenTelemetry, the ids of the span it is in, written into the buffer.
    #[cfg(feature = "opentelemetry")]
    let otel = otel_ids(rec);
    // The line's key-values: the OpenTelemetry ids, the event's own fields, then its
    // spans' (innermost first); a name already taken is skipped (the event's field,
    // or the inner span's, wins).
    let mut pairs: Vec<(&'static str, Arg<'_>)> = std::mem::take(&mut scratch.pairs);
    let mut push = |k: &'static str, v, check: bool| {
        if !(check && pairs.iter().any(|(q, _)| *q == k)) {
            pairs.push((k, v));
        }
    };
    #[cfg(feature = "opentelemetry")]
    if let Some([(ta, tb), (sa, sb)]) = otel {
        push("trace.id", Arg::Str(&rec.text[ta..tb]), false);
        push("span.id", Arg::Str(&rec.text[sa..sb]), false);
    }
    for (i, (k, v)) in rec.vals.iter().enumerate() {
        // (The event's own names are unique among themselves.)
        let check = cfg!(feature = "opentelemetry") || i >= own;
        push(k, rec.arg(*v), check);
    }
    let message = match rec.message {
        Some((a, b)) => &rec.text[a..b],
        None => meta.name(),
    };
    // Into ecsctx's logger directly: scalars unboxed, no `log` value to go through.
    if let Some(ecs) = installed {
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
    // The list back, empty, for the thread's next event.
    scratch.pairs = recycle(pairs);
}

/// The trace and span id (lowercase hex) of the current OpenTelemetry span, when one is
/// active and valid (`tracing-opentelemetry` activates a span's context while the span is
/// entered), written into `rec`'s buffer: their ranges.
#[cfg(feature = "opentelemetry")]
fn otel_ids(rec: &mut Recorded) -> Option<[(usize, usize); 2]> {
    use opentelemetry::trace::TraceContextExt;
    use std::fmt::Write as _;
    opentelemetry::Context::map_current(|cx| {
        let span = cx.span();
        let sc = span.span_context();
        sc.is_valid().then(|| {
            let mut id = |d: &dyn fmt::Display| {
                let start = rec.text.len();
                let _ = write!(rec.text, "{d}");
                (start, rec.text.len())
            };
            [id(&sc.trace_id()), id(&sc.span_id())]
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error recorded again under its name replaces the one before (a span recording
    /// `error` on every retry keeps one), another name adds one, and an error recorded
    /// where text was takes its place.
    #[test]
    fn an_error_recorded_again_replaces_the_one_before() {
        let mut rec = Recorded::default();
        for n in 0..3 {
            rec.put_error("error", serde_json::json!({ "message": n }));
        }
        rec.put_error("cause", serde_json::json!({ "message": "c" }));
        let (a, b) = rec.push_str("flat");
        rec.put("note", RVal::Str(a, b));
        rec.put_error("note", serde_json::json!({ "message": "n" }));
        assert_eq!(rec.errors.len(), 3, "{:?}", rec.errors);
        let json = |name: &str| match rec.vals.iter().find(|(k, _)| *k == name) {
            Some((_, RVal::Json(i))) => rec.errors[*i]["message"].clone(),
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(json("error"), 2);
        assert_eq!(json("cause"), "c");
        assert_eq!(json("note"), "n");
        assert_eq!(rec.vals.len(), 3);
        rec.clear();
        assert!(rec.vals.is_empty() && rec.errors.is_empty());
    }

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
