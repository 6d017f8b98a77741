//! The `log::Log` implementation: one ECS JSON line per record or `event!`.
//!
//! A line is made top-down in [`EcsLogger::emit`]: the header (`@timestamp`,
//! `log.level`, the message, masked when it is another crate's), then **collect**
//! ([`collect`]: the event's or record's leaves, each key placed by `placement` and its
//! value rendered and masked by `render::value`), then the **merge** of those leaves over
//! the context's layer (`render::plan`), then **deliver**: one `write` to the sink, or
//! to the context's sink (a test capture), counted in `stats()`. A panic anywhere in
//! there becomes a marker line; re-entrant logging gets fresh buffers.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::SystemTime;

use log::{LevelFilter, Log, Metadata, Record};

use crate::context::{current_frame, Frame};
use crate::event::{recycle, Arg, Callsite};
use crate::filter::Filter;
use crate::render::entries::Entries;
use crate::render::layer::{resolve, Layer};
use crate::render::plan::Plans;
use crate::render::value::{Cx, Scratch, Site};
use crate::render::{escape, pretty, time};
use crate::settings::Shared;
use crate::sink::{self, Sink};

mod collect;
use collect::{Event, ForeignKey, Kept, KvVisitor, ScalarKvs, Src};

/// The line format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// One ECS JSON object per line (the default).
    #[default]
    Json,
    /// A coloured human-readable line, for development consoles: the event's fields,
    /// then a request marker and the context fields that changed since the previous
    /// line (`ECSCTX_FORMAT=pretty`).
    Pretty,
    /// The console line with every field on every line (`ECSCTX_FORMAT=pretty` with
    /// `ECSCTX_PRETTY=full`).
    PrettyFull,
}

pub(crate) struct Settings {
    pub(crate) filter: Filter,
    pub(crate) sink: Box<dyn Sink>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) ecs_version: String,
    pub(crate) service_name: String,
    pub(crate) service_version: String,
    pub(crate) environment: Option<String>,
    pub(crate) project_name: Option<String>,
    pub(crate) origin: bool,
    pub(crate) format: Format,
    pub(crate) color: bool,
}

/// The ECS logger; build it with [`Builder`](crate::Builder).
///
/// It implements [`log::Log`], so it can be installed ([`Builder::init`](crate::Builder::init))
/// or called directly (in tests, or wrapped by another backend).
pub struct EcsLogger {
    filter: Filter,
    sink: Box<dyn Sink>,
    shared: Arc<Shared>,
    /// `,"ecs.version":"…"`
    header_tail: Box<[u8]>,
    /// Service metadata: the lowest-precedence leaves of every line.
    base: Entries,
    /// `base` rendered, for lines outside any context.
    base_layer: Layer,
    has_project: bool,
    /// Identifies this logger in frames' merged-with-service caches.
    id: u64,
    origin: bool,
    format: Format,
    color: bool,
}

impl std::fmt::Debug for EcsLogger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EcsLogger")
            .field("filter", &self.filter)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

struct LineScratch {
    s: Scratch,
    out: Vec<u8>,
    pretty: String,
    plans: Plans,
}

thread_local! {
    static LINE: RefCell<LineScratch> = RefCell::new(LineScratch {
        s: Scratch::default(),
        out: Vec::with_capacity(1024),
        pretty: String::new(),
        plans: Plans::default(),
    });
}

/// Buffers that grew past this are shrunk back after the line.
const KEEP_CAPACITY: usize = 64 * 1024;

impl EcsLogger {
    pub(crate) fn new(s: Settings) -> Self {
        let mut header_tail = b",\"ecs.version\":".to_vec();
        escape::write_str(&mut header_tail, &s.ecs_version, 64);
        let mut e = Entries::default();
        let mut put = |k: &str, v: &str| {
            let start = e.vals.len();
            escape::write_str(&mut e.vals, v, 1024);
            e.push(k, start);
        };
        put("service.name", &s.service_name);
        put("service.version", &s.service_version);
        if let Some(env) = &s.environment {
            put("service.environment", env);
        }
        put(
            "project.name",
            s.project_name.as_deref().unwrap_or("unknown"),
        );
        let _ = resolve(&mut e);
        EcsLogger {
            filter: s.filter,
            sink: s.sink,
            shared: s.shared,
            header_tail: header_tail.into_boxed_slice(),
            base_layer: Layer::new(e.clone()),
            base: e,
            has_project: s.project_name.is_some(),
            id: crate::ids::next(),
            origin: s.origin,
            format: s.format,
            color: s.color,
        }
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    pub(crate) fn has_project_name(&self) -> bool {
        self.has_project
    }

    /// The most verbose level this logger's filter lets through.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::{sink::WriterSink, Builder};
    /// use log::LevelFilter;
    ///
    /// let logger = Builder::new()
    ///     .with_filter("info,sqlx=warn,shop::checkout=trace")
    ///     .with_sink(WriterSink::new(Vec::new()))
    ///     .build();
    /// assert_eq!(logger.max_level(), LevelFilter::Trace);
    ///
    /// let quiet = Builder::new()
    ///     .with_filter("warn")
    ///     .with_sink(WriterSink::new(Vec::new()))
    ///     .build();
    /// assert_eq!(quiet.max_level(), LevelFilter::Warn);
    /// ```
    pub fn max_level(&self) -> LevelFilter {
        self.filter.max_level()
    }

    fn emit(&self, src: Src<'_>) {
        // A panicking `Display`/`Serialize` of a logged value must not crash the request.
        let before = sink::in_sink();
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.emit_inner(&src)));
        // A sink that panicked has its line counted as a write error; anything else that
        // panicked (a value's `Display`) gets a marker line in place of its line.
        if ok.is_err() && !sink::left_by_panic(before) {
            self.emit_panicked(src.level(), src.target(), before);
        }
    }

    /// Logs one `event!` (the global logger's direct path, without a `log::Record`).
    #[allow(clippy::too_many_arguments)]
    #[inline]
    pub(crate) fn log_event(
        &self,
        site: &'static Callsite,
        args: std::fmt::Arguments<'_>,
        level: log::Level,
        target: &str,
        file: &'static str,
        line: u32,
        kvs: &[(&str, Arg<'_>)],
    ) {
        if self.filter.enabled(target, level) {
            self.emit(Src::Event(&Event {
                site,
                args,
                level,
                target,
                file,
                line,
                kvs,
            }));
        }
    }

    /// Logs another library's structured event (a `tracing` event through
    /// `integrations::tracing`) without a `log::Record`: its scalar fields are handed over
    /// unboxed, its message is masked like another crate's. The caller has checked that
    /// the level is enabled (`Log::enabled`), before it recorded the event.
    #[cfg(feature = "tracing")]
    pub(crate) fn log_foreign(
        &self,
        message: &str,
        level: log::Level,
        target: &str,
        (file, line): (Option<&str>, Option<u32>),
        kvs: &[(&'static str, Arg<'_>)],
    ) {
        self.emit(Src::Foreign(&collect::Foreign {
            message,
            level,
            target,
            file,
            line,
            kvs,
        }));
    }

    #[cold]
    /// The marker line for a line whose rendering panicked; `in_sink_before`: whether this
    /// thread was inside a sink when the line began (see `sink::left_by_panic`).
    fn emit_panicked(&self, level: log::Level, target: &str, in_sink_before: bool) {
        let mut out = Vec::with_capacity(256);
        out.extend_from_slice(b"{\"@timestamp\":");
        time::write_timestamp(&mut out, SystemTime::now());
        out.extend_from_slice(b",\"log.level\":\"");
        out.extend_from_slice(level.as_str().to_ascii_lowercase().as_bytes());
        out.extend_from_slice(
            b"\",\"message\":\"[ecsctx: a logged value panicked while rendering]\"",
        );
        out.extend_from_slice(&self.header_tail);
        out.extend_from_slice(b",\"log\":{\"logger\":");
        escape::write_str(&mut out, target, 256);
        out.extend_from_slice(b"}}\n");
        // To where the line would have gone (a capture in tests), like any other line;
        // a sink that panics on it too is contained here.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.deliver(current_frame().as_deref(), &out, &mut String::new())
        }));
        let _ = sink::left_by_panic(in_sink_before);
    }

    /// Hands a rendered JSON line (`\n`-terminated) to the context's sink (a test capture),
    /// or writes it in the configured format.
    #[inline]
    fn deliver(&self, frame: Option<&Frame>, out: &[u8], pretty: &mut String) {
        let done = match frame.and_then(|f| f.sink.as_ref()) {
            // A context's sink always gets JSON, so tests can parse it.
            Some(sink) => sink::enter(|| sink.write_line(out)).is_some(),
            None => match self.format {
                Format::Json => self.write(out),
                Format::Pretty | Format::PrettyFull => {
                    let style = pretty::Style {
                        color: self.color,
                        full: self.format == Format::PrettyFull,
                    };
                    let context = match (style.full, frame) {
                        // The layer this line was rendered over (service metadata in
                        // it is left out of the console anyway).
                        (false, Some(f)) => {
                            Some(match f.fields().layer(f.trace(), self.id, &self.base) {
                                Some(layer) => crate::render::bound::members_json(layer.members()),
                                None => f.fields_json(),
                            })
                        }
                        _ => None,
                    };
                    pretty::to_pretty(&out[..out.len() - 1], style, context.as_ref(), pretty);
                    self.write(pretty.as_bytes())
                }
            },
        };
        if !done {
            // Logged from inside a sink (a writer that logs): the sink is busy on this
            // thread, and waiting for it would never end.
            sink::fallback(out);
        }
    }

    /// One write of a whole line, its outcome counted in `stats()`; `false` (nothing
    /// written) when this thread is already inside the sink.
    #[inline]
    fn write(&self, line: &[u8]) -> bool {
        let Some(res) = sink::enter(|| self.sink.write_line(line)) else {
            return false;
        };
        if !self.sink.counts_itself() || res.is_err() {
            sink::record(line.len(), res);
        }
        true
    }

    fn emit_inner(&self, src: &Src<'_>) {
        // A clone, not a borrow of the thread's stack: code that runs while the line is
        // rendered (a `Display` impl, a sink) may bind or read the context.
        let frame = current_frame();
        let frame = frame.as_deref();
        let done = LINE.with(|cell| match cell.try_borrow_mut() {
            Ok(mut ls) => {
                self.emit_with(src, frame, &mut ls);
                true
            }
            Err(_) => false,
        });
        if !done {
            // Re-entrant logging (a writer or a Display impl that logs): fresh buffers.
            let mut ls = LineScratch {
                s: Scratch::default(),
                out: Vec::new(),
                pretty: String::new(),
                plans: Plans::default(),
            };
            self.emit_with(src, frame, &mut ls);
        }
    }

    fn emit_with(&self, src: &Src<'_>, frame: Option<&Frame>, ls: &mut LineScratch) {
        let LineScratch {
            s,
            out,
            pretty,
            plans,
        } = ls;
        out.clear();
        self.render(src, frame, s, plans, out);
        self.deliver(frame, out, pretty);
        if out.capacity() > KEEP_CAPACITY {
            *out = Vec::with_capacity(1024);
            *s = Scratch::default();
        }
    }

    /// Writes the whole line: header, then event fields merged over context and service.
    fn render(
        &self,
        src: &Src<'_>,
        frame: Option<&Frame>,
        s: &mut Scratch,
        plans: &mut Plans,
        out: &mut Vec<u8>,
    ) {
        let limits = self.shared.limits;
        let masker = self.shared.masker.as_deref();
        // A foreign event's key list: its shape, and whether its message is the last one
        // the masker kept as it is (then it is not scanned again).
        let foreign = match src {
            Src::Foreign(f) => ForeignKey::of(self, f).map(|k| {
                let (known, kept) = k.lookup(f.message);
                (k, known, kept)
            }),
            _ => None,
        };
        out.extend_from_slice(b"{\"@timestamp\":");
        time::write_timestamp(out, SystemTime::now());
        out.extend_from_slice(match src.level() {
            log::Level::Error => b",\"log.level\":\"error\",\"message\":",
            log::Level::Warn => b",\"log.level\":\"warn\",\"message\":",
            log::Level::Info => b",\"log.level\":\"info\",\"message\":",
            log::Level::Debug => b",\"log.level\":\"debug\",\"message\":",
            log::Level::Trace => b",\"log.level\":\"trace\",\"message\":",
        });
        match src {
            // An `event!` name is a checked static identifier: nothing to mask.
            Src::Event(ev) => match ev.args.as_str().or(ev.site.message) {
                Some(m) => escape::write_str_known(
                    out,
                    m,
                    limits.max_str,
                    ev.site.plain & Callsite::PLAIN_MESSAGE != 0,
                ),
                None => escape::write_display(out, &ev.args, limits.max_str),
            },
            Src::Record(record) => match record.args().as_str() {
                Some(m) if masker.is_none() || EventMarker::is_set() => {
                    escape::write_str(out, m, limits.max_str)
                }
                // Another crate's message, literal or formatted, may carry PII.
                Some(m) => {
                    escape::write_literal_masked(out, m, masker, &mut s.mask_buf, limits.max_str)
                }
                None => self.write_message(record.args(), s, out),
            },
            Src::Foreign(f) => {
                let kept = foreign.as_ref().map_or(Kept::Another, |(_, _, kept)| *kept);
                if matches!(kept, Kept::This | Kept::ThisPlain) {
                    let plain = kept == Kept::ThisPlain;
                    escape::write_str_known(out, f.message, limits.max_str, plain);
                } else if escape::write_str_masked(
                    out,
                    f.message,
                    "message",
                    masker,
                    &mut s.mask_buf,
                    limits.max_str,
                ) && masker.is_some()
                    && kept == Kept::Nothing
                {
                    if let Some((k, _, _)) = &foreign {
                        k.remember_message(f.message);
                    }
                }
            }
        }
        out.extend_from_slice(&self.header_tail);

        s.entries.clear();
        let cx = Cx {
            masker,
            limits,
            site: Site {
                file: src.file(),
                line: src.line(),
                target: src.target(),
            },
        };
        let own;
        // A layer built for this line only is not worth a plan.
        let (layer, cache) = match frame {
            Some(f) => match f.fields().layer(f.trace(), self.id, &self.base) {
                Some(l) => (l, true),
                None => {
                    own = f.fields().build_layer(f.trace(), &self.base);
                    (&own, false)
                }
            },
            None => (&self.base_layer, true),
        };
        let mut tag = 0;
        match src {
            Src::Event(ev) => match ev.site.shape.get() {
                Some(Some(shape))
                    if shape.logger == self.id
                        && shape.keys.list.len() == self.event_head() + ev.kvs.len()
                        && ev.kvs.iter().all(|(_, a)| a.is_scalar())
                        && shape.serves(ev.kvs) =>
                {
                    self.event_from_shape(src, ev.kvs, shape, &cx, s, plans, layer, cache, out);
                    out.extend_from_slice(b"}\n");
                    return;
                }
                known => {
                    self.add_head_fields(src, &cx, s);
                    self.add_args(&cx, s, ev.kvs);
                    if known.is_none() {
                        let shape = self.site_shape(self.event_head(), ev.kvs, &cx, s);
                        tag = shape.as_ref().map_or(0, |sh| sh.tag);
                        let _ = ev.site.shape.set(shape);
                    }
                }
            },
            Src::Foreign(f) => {
                let (key, known) = match foreign {
                    Some((k, known, _)) => (Some(k), known),
                    None => (None, None),
                };
                let lines = (&mut *plans, layer, cache, &mut *out);
                let general = |s: &mut Scratch| self.add_args(&cx, s, f.kvs);
                if self.by_key_list(src, f.kvs, key, known, &cx, s, lines, &mut tag, general) {
                    return;
                }
            }
            Src::Record(record) => {
                // Scalars (most records' values) go the way of a foreign event: by the
                // shape of their key list.
                let mut kvs = std::mem::take(&mut s.record_kvs);
                let mut v = ScalarKvs {
                    kvs: &mut kvs,
                    all: true,
                };
                let _ = record.key_values().visit(&mut v);
                let all = v.all;
                let key = if all {
                    ForeignKey::new(self, record.file().is_some(), record.line().is_some(), &kvs)
                } else {
                    None
                };
                let known = key.as_ref().and_then(|k| k.shape());
                let lines = (&mut *plans, layer, cache, &mut *out);
                let general = |s: &mut Scratch| {
                    if all {
                        self.add_args(&cx, s, &kvs);
                    } else {
                        let mut v = KvVisitor {
                            logger: self,
                            s,
                            cx: &cx,
                        };
                        // Our visitor never fails; a source that fails stops adding fields.
                        let _ = record.key_values().visit(&mut v);
                    }
                };
                let done =
                    self.by_key_list(src, &kvs, key, known, &cx, s, lines, &mut tag, general);
                s.record_kvs = recycle(kvs);
                if done {
                    return;
                }
            }
        }
        plans.write(&mut s.entries, layer, cache, tag, out);
        out.extend_from_slice(b"}\n");
    }
}

impl EcsLogger {
    /// The members of a line whose key list may have a shape (a foreign event's, a
    /// record's of scalars; `key` is `None` when it cannot have one): written from the
    /// shape when it serves these values (`true`: the line is complete, from the thread's
    /// plans over the context's layer); else the head and `general`'s values are added
    /// the general way, for the caller to merge, and the list's shape is remembered the
    /// first time (its plan's tag into `tag`).
    #[allow(clippy::too_many_arguments)]
    fn by_key_list(
        &self,
        src: &Src<'_>,
        kvs: &[(&str, Arg<'_>)],
        key: Option<ForeignKey<'_>>,
        known: Option<Option<std::rc::Rc<crate::event::SiteShape>>>,
        cx: &Cx<'_>,
        s: &mut Scratch,
        (plans, layer, cache, out): (&mut Plans, &Layer, bool, &mut Vec<u8>),
        tag: &mut u64,
        general: impl FnOnce(&mut Scratch),
    ) -> bool {
        match known {
            Some(Some(shape)) if shape.serves(kvs) => {
                self.event_from_shape(src, kvs, &shape, cx, s, plans, layer, cache, out);
                out.extend_from_slice(b"}\n");
                true
            }
            known => {
                self.add_head_fields(src, cx, s);
                general(s);
                if let (None, Some(k)) = (known, key) {
                    let shape = self.site_shape(k.head(), kvs, cx, s);
                    *tag = shape.as_ref().map_or(0, |sh| sh.tag);
                    k.remember(shape);
                }
                false
            }
        }
    }
}

thread_local! {
    static IN_EVENT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Set while an `event!` record is being logged on this thread (its message is a static,
/// compile-time-checked event name, so it is not masked).
#[doc(hidden)]
#[derive(Debug)]
pub struct EventMarker(bool);

impl EventMarker {
    /// Marks the record about to be logged as an `event!`.
    #[inline]
    pub fn enter() -> Self {
        EventMarker(IN_EVENT.with(|c| c.replace(true)))
    }

    #[inline]
    fn is_set() -> bool {
        IN_EVENT.with(std::cell::Cell::get)
    }
}

impl Drop for EventMarker {
    #[inline]
    fn drop(&mut self) {
        let prev = self.0;
        IN_EVENT.with(|c| c.set(prev));
    }
}

impl Log for EcsLogger {
    #[inline]
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        self.filter.enabled(metadata.target(), metadata.level())
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            self.emit(Src::Record(record));
        }
    }

    fn flush(&self) {
        // Never from inside the sink (a non-blocking writer would wait for itself).
        let _ = sink::enter_catching(|| self.sink.flush());
    }
}

#[cfg(test)]
mod tests {
    //! The direct `event!` path must write exactly the line the `log::Record` path writes.

    use std::io;
    use std::net::{IpAddr, Ipv4Addr};
    use std::sync::Mutex;

    use log::kv::Value;

    use super::*;
    use crate::context::{self, Fields};
    use crate::event::Kvs;
    use crate::trace::TraceContext;
    use crate::Builder;

    #[derive(Default)]
    struct Lines(Mutex<Vec<Vec<u8>>>);

    impl Sink for Lines {
        fn write_line(&self, line: &[u8]) -> io::Result<()> {
            self.0.lock().unwrap().push(line.to_vec());
            Ok(())
        }
    }

    /// A logger built from `b` that writes into the returned lines.
    fn logger_into(b: Builder) -> (EcsLogger, Arc<Lines>) {
        let lines = Arc::new(Lines::default());
        (b.with_sink(lines.clone()).build(), lines)
    }

    /// A record whose values are all scalars goes by its key list's shape (`ForeignKey`):
    /// its line, the first time and every time after, is the line the general path writes
    /// for the same values (forced here by one more value, a serde capture, that no shape
    /// serves), whatever the values are: at ECS fields, under keys the masker masks, a
    /// card number as a number, text where ECS wants a number.
    #[test]
    fn a_record_with_scalars_writes_the_line_of_the_general_path() {
        let (l, lines) = logger_into(Builder::new().with_filter("info"));
        let nested = serde_json::json!({"k": 1});
        let deep = serde_json::json!({"a": {"b": [1, {"c": null}]}});
        let last = |lines: &Lines| {
            let v = lines.0.lock().unwrap();
            let mut j: serde_json::Value = serde_json::from_slice(v.last().unwrap()).unwrap();
            j.as_object_mut().unwrap().remove("@timestamp");
            j
        };
        let sets: Vec<Vec<(&str, Value)>> = vec![
            vec![
                ("amount", Value::from(100)),
                ("currency", Value::from("KWD")),
                ("ok", Value::from(true)),
                ("latency_ms", Value::from(12.5)),
                ("big", Value::from(u64::MAX)),
                ("neg", Value::from(-3i64)),
                ("initial", Value::from('x')),
                ("wide", Value::from(i128::from(i64::MIN) - 1)),
                ("wide_pos", Value::from(u128::from(u64::MAX) + 1)),
                ("wide_fits", Value::from(-7i128)),
                ("unsigned_wide_fits", Value::from(u128::from(u64::MAX))),
            ],
            vec![
                ("http.response.status_code", Value::from(200)),
                ("user.email", Value::from("jane@example.com")),
                ("password", Value::from("hunter2!")),
                ("card", Value::from(4111111111111111u64)),
                ("note", Value::from("call +1 212 555 0134")),
            ],
            vec![("http.response.status_code", Value::from("two hundred"))],
            vec![("card_4111111111111111", Value::from(1))],
            // Serde captures: a number is a scalar; text, a list and a struct are not.
            vec![
                ("n", Value::from_serde(&5)),
                ("t", Value::from_serde(&"text")),
                ("list", Value::from_serde(&[1, 2])),
                ("opt", Value::from_serde(&Some(3))),
                ("opt_deep", Value::from_serde(&Some(Some(Some("x"))))),
                ("deep", Value::from_serde(&deep)),
                ("unit", Value::from_serde(&())),
            ],
        ];
        for kvs in &sets {
            let log = |kvs: &[(&str, Value)]| {
                l.log(
                    &Record::builder()
                        .level(log::Level::Info)
                        .target("t")
                        .file(Some("f.rs"))
                        .line(Some(7))
                        .args(format_args!("m"))
                        .key_values(&kvs)
                        .build(),
                )
            };
            let mut general: Vec<(&str, Value)> = kvs.clone();
            general.push(("zz_nested", Value::from_serde(&nested)));
            log(&general);
            let mut want = last(&lines);
            let extra = want["extra"].as_object_mut().unwrap();
            extra.remove("zz_nested");
            if extra.is_empty() {
                want.as_object_mut().unwrap().remove("extra");
            }
            for _ in 0..3 {
                log(kvs);
                assert_eq!(last(&lines), want, "{kvs:?}");
            }
        }
    }

    /// The per-thread memo of where record keys go (`collect::PLACED`) answers for one
    /// logger only, and a key the masker rewrites is masked on every line. (It is also
    /// never remembered, so a keyset reload re-tokenizes it; that is not observable here.)
    #[test]
    fn remembered_key_places_are_per_logger_and_masked_keys_stay_masked() {
        let (a, a_lines) = logger_into(Builder::new().with_filter("info"));
        let (b, b_lines) = logger_into(
            Builder::new()
                .with_filter("info")
                .with_root_fields(["amount"]),
        );
        let record = |l: &EcsLogger, key: &str| {
            let kvs = [(key, Value::from(7))];
            l.log(
                &Record::builder()
                    .level(log::Level::Info)
                    .target("t")
                    .args(format_args!("m"))
                    .key_values(&kvs)
                    .build(),
            );
        };
        for l in [&a, &b, &a, &b] {
            record(l, "amount");
        }
        let last = |lines: &Lines| {
            let v = lines.0.lock().unwrap();
            serde_json::from_slice::<serde_json::Value>(v.last().unwrap()).unwrap()
        };
        assert_eq!(last(&a_lines)["extra"]["amount"], 7);
        assert_eq!(last(&b_lines)["amount"], 7);
        // A key holding a card number is masked every time, not only the first.
        for _ in 0..2 {
            record(&a, "card_4111111111111111");
            let line = last(&a_lines).to_string();
            assert!(!line.contains("4111111111111111"), "{line}");
        }
    }

    /// `{"@timestamp":"2025-01-13T10:30:00.123Z"` is 40 bytes.
    fn after_time(line: &[u8]) -> String {
        String::from_utf8(line[40..].to_vec()).unwrap()
    }

    /// One event both ways; returns (direct, through a record). The record goes by its
    /// key list's shape when its values are scalars, as the direct path goes by its call
    /// site's: [`general`] is the reference neither can bend.
    fn both(
        logger: &EcsLogger,
        lines: &Lines,
        site: &'static Callsite,
        target: &str,
        kvs: &[(&str, Arg<'_>)],
    ) -> (String, String) {
        logger.log_event(
            site,
            format_args!("evt"),
            log::Level::Info,
            target,
            "src/x.rs",
            7,
            kvs,
        );
        let plans = LINE.with(|l| std::mem::take(&mut l.borrow_mut().plans));
        as_record(logger, target, kvs);
        LINE.with(|l| l.borrow_mut().plans = plans);
        let mut l = lines.0.lock().unwrap();
        let record = l.pop().expect("the record path wrote a line");
        let direct = l.pop().expect("the direct path wrote a line");
        (after_time(&direct), after_time(&record))
    }

    /// The event `kvs` as the `log::Record` the `event!` macro makes when another logger
    /// is installed.
    fn as_record(logger: &EcsLogger, target: &str, kvs: &[(&str, Arg<'_>)]) {
        let _event = EventMarker::enter();
        logger.log(
            &Record::builder()
                .args(format_args!("evt"))
                .level(log::Level::Info)
                .target(target)
                .file_static(Some("src/x.rs"))
                .line(Some(7))
                .key_values(&Kvs(kvs))
                .build(),
        );
    }

    /// The line of the record `kvs` through a logger built by `make` that has seen
    /// nothing yet (no call-site or key-list shape, no remembered key places): the
    /// general path.
    fn general(make: &dyn Fn() -> Builder, target: &str, kvs: &[(&str, Arg<'_>)]) -> String {
        let (fresh, lines) = logger_into(make());
        as_record(&fresh, target, kvs);
        let l = lines.0.lock().unwrap();
        after_time(l.last().expect("the record path wrote a line"))
    }

    fn plan_hits() -> u64 {
        LINE.with(|l| l.borrow().plans.hits)
    }

    struct Quoted;
    impl std::fmt::Display for Quoted {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("say \"hi\"\tjohn.doe@example.com")
        }
    }

    #[test]
    fn direct_events_equal_record_events() {
        let ip = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 9));
        let list = vec![1, 2, 3];
        let long = "x".repeat(300);
        let owned = String::from("owned");
        let map: std::collections::BTreeMap<&str, i32> = [("a", 1), ("b", 2)].into();
        // (arguments, whether the call site gets a shape)
        let cases: Vec<(Vec<(&str, Arg<'_>)>, bool)> = vec![
            (
                vec![
                    ("amount", Arg::I64(100)),
                    ("currency", Arg::Str("KWD")),
                    ("attempt", Arg::I64(1)),
                    ("latency_ms", Arg::F64(12.5)),
                ],
                true,
            ),
            (
                vec![
                    ("min", Arg::I64(i64::MIN)),
                    ("max", Arg::U64(u64::MAX)),
                    ("big", Arg::I128(i128::MIN)),
                    ("ubig", Arg::U128(u128::MAX)),
                    ("nan", Arg::F64(f64::NAN)),
                    ("inf", Arg::F64(f64::NEG_INFINITY)),
                    ("tiny", Arg::F64(0.1)),
                    ("huge", Arg::F64(1e300)),
                    ("yes", Arg::Bool(true)),
                    ("c", Arg::Char('"')),
                    ("e", Arg::Char('é')),
                ],
                true,
            ),
            (
                vec![
                    ("user.id", Arg::U64(42)),
                    ("client.address", Arg::Display(&ip)),
                    ("labels.region", Arg::Str("eu-west-1")),
                    ("labels.a.b", Arg::Str("flat")),
                    ("http.request.method", Arg::Str("POST")),
                    ("message", Arg::Str("not the header")),
                    ("extra.x", Arg::Debug(&list)),
                    ("a..b", Arg::I64(3)),
                    ("merchant_id", Arg::Str(&owned)),
                ],
                true,
            ),
            (
                vec![
                    ("note", Arg::Str("mail john.doe@example.com \u{1}\n")),
                    ("password", Arg::Str("hunter2")),
                    ("customer_name", Arg::Str("John Doe")),
                    ("payload.customer_email", Arg::Display(&"john@example.com")),
                    ("headers.authorization", Arg::Str("Bearer abcdefghijklmnop")),
                    ("gateway_name", Arg::Str("knet")),
                    ("phone", Arg::Char('5')),
                    ("card_number", Arg::Str("4111 1111 1111 1111")),
                    ("quoted", Arg::Display(&Quoted)),
                    ("long", Arg::Str(&long)),
                    ("amount", Arg::I64(1)),
                    ("amount", Arg::I64(2)),
                ],
                true,
            ),
            // Flat values on ECS field sets are repaired: no shape, the general path.
            (vec![("user", Arg::Display(&ip))], false),
            // Text at an ECS field that is not a string is checked value by value.
            (vec![("client.ip", Arg::Display(&ip))], false),
            (
                vec![
                    ("http.response.status_code", Arg::Str("200")),
                    ("n", Arg::I64(1)),
                ],
                false,
            ),
            (vec![("http.response.status_code", Arg::U64(200))], true),
            (vec![("error", Arg::Str("boom")), ("n", Arg::I64(1))], false),
            // Values that are not scalars: no shape.
            (
                vec![
                    ("m", Arg::Value(Value::from_serde(&map))),
                    ("n", Arg::I64(1)),
                ],
                false,
            ),
        ];
        let loggers: [&dyn Fn() -> Builder; 3] = [
            &|| Builder::new().with_filter("trace"),
            &|| {
                Builder::new()
                    .with_filter("trace")
                    .with_origin(true)
                    .with_max_value_len(64)
            },
            &|| Builder::new().with_filter("trace").with_masker(None),
        ];
        for make in loggers {
            let (logger, lines) = logger_into(make());
            for (kvs, shaped) in &cases {
                let site: &'static Callsite = Box::leak(Box::new(Callsite::new()));
                let check = |what: &str| {
                    let reference = general(make, "shop::checkout", kvs);
                    // First event (finds the shape), then with and without a plan.
                    for round in 0..3 {
                        let (direct, record) = both(&logger, &lines, site, "shop::checkout", kvs);
                        assert_eq!(direct, record, "{what}, round {round}");
                        assert_eq!(direct, reference, "{what}, round {round}: the general path");
                    }
                    assert_eq!(
                        matches!(site.shape.get(), Some(Some(_))),
                        *shaped,
                        "{what}: {kvs:?}"
                    );
                };
                check("no context");
                let _g = context::bind(
                    Fields::new()
                        .with("session_id", "s-1")
                        .with("user_id", &7)
                        .with("keyloop.store_id", &3)
                        .with_trace(TraceContext::new_root()),
                );
                check("bound");
                {
                    let _inner = context::bind(Fields::new().with("extra.amount", &5));
                    check("nested");
                }
                // The next request: same keys, new values (a new layer).
                drop(_g);
                let _g = context::bind(
                    Fields::new()
                        .with("session_id", "s-2")
                        .with("user_id", &8)
                        .with("keyloop.store_id", &4)
                        .with_trace(TraceContext::new_root()),
                );
                check("next request");
            }
        }
    }

    /// A float at a field ECS types as a number is written as text when it is not finite
    /// (`"NaN"`), and text has no place there: that value goes the general way (moved
    /// under `extra`) though its call site or key list has a shape, and the next finite
    /// value goes by the shape again.
    #[test]
    fn a_non_finite_float_at_a_typed_field_leaves_its_shape() {
        let make = || Builder::new().with_filter("trace");
        let (logger, lines) = logger_into(make());
        let site: &'static Callsite = Box::leak(Box::new(Callsite::new()));
        for v in [1.5, f64::NAN, f64::INFINITY, 2.5, f64::NEG_INFINITY] {
            let kvs = [("event.risk_score", Arg::F64(v)), ("amount", Arg::I64(1))];
            let (direct, record) = both(&logger, &lines, site, "t", &kvs);
            let reference = general(&make, "t", &kvs);
            assert_eq!(direct, reference, "{v}");
            assert_eq!(record, reference, "{v}");
            if !v.is_finite() {
                assert!(
                    direct.contains(r#""extra":{"amount":1,"event":{"risk_score":"#),
                    "{direct}"
                );
            }
            #[cfg(feature = "tracing")]
            {
                logger.log_foreign(
                    "evt",
                    log::Level::Info,
                    "t",
                    (Some("src/x.rs"), Some(7)),
                    &kvs,
                );
                let foreign = after_time(lines.0.lock().unwrap().last().unwrap());
                assert_eq!(foreign, reference, "{v}");
            }
        }
        assert!(matches!(site.shape.get(), Some(Some(_))));
    }

    #[test]
    fn keys_the_masker_rewrites_get_no_shape() {
        let (logger, lines) = logger_into(Builder::new().with_filter("trace"));
        let site: &'static Callsite = Box::leak(Box::new(Callsite::new()));
        let kvs = [("card4111111111111111", Arg::I64(1)), ("n", Arg::I64(2))];
        for _ in 0..2 {
            let (direct, record) = both(&logger, &lines, site, "t", &kvs);
            assert_eq!(direct, record);
            assert!(!direct.contains("4111111111111111"), "{direct}");
        }
        assert!(matches!(site.shape.get(), Some(None)));
    }

    #[test]
    fn a_known_shape_writes_from_its_plan() {
        let (logger, lines) = logger_into(Builder::new().with_filter("trace"));
        static SITE: Callsite = Callsite::new();
        let _g = context::bind(Fields::new().with("session_id", "s-1"));
        let kvs = [("amount", Arg::I64(100)), ("currency", Arg::Str("KWD"))];
        let event = |n: i64| {
            let kvs = [("amount", Arg::I64(n)), kvs[1].clone()];
            logger.log_event(
                &SITE,
                format_args!("evt"),
                log::Level::Info,
                "t",
                "f.rs",
                1,
                &kvs,
            );
        };
        event(1);
        assert!(matches!(SITE.shape.get(), Some(Some(_))));
        let before = plan_hits();
        event(2);
        event(3);
        assert_eq!(
            plan_hits() - before,
            2,
            "later events are written from the plan"
        );
        let l = lines.0.lock().unwrap();
        let last: serde_json::Value = serde_json::from_slice(l.last().unwrap()).unwrap();
        assert_eq!(last["extra"]["amount"], 3);
        assert_eq!(last["extra"]["currency"], "KWD");
        assert_eq!(last["session_id"], "s-1");
        assert_eq!(last["message"], "evt");
    }

    #[test]
    fn the_level_filter_applies_to_direct_events() {
        let (logger, lines) = logger_into(Builder::new().with_filter("info,noisy=error"));
        static SITE: Callsite = Callsite::new();
        for (level, target) in [
            (log::Level::Debug, "app"),
            (log::Level::Warn, "noisy"),
            (log::Level::Info, "app"),
        ] {
            logger.log_event(&SITE, format_args!("evt"), level, target, "f.rs", 1, &[]);
        }
        let l = lines.0.lock().unwrap();
        assert_eq!(l.len(), 1);
        assert!(after_time(&l[0]).contains("\"logger\":\"app\""));
    }
}
