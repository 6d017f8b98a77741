//! The `log::Log` implementation: one ECS JSON line per record.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::SystemTime;

use log::kv::{self, VisitSource};
use log::{LevelFilter, Log, Metadata, Record};

use crate::config::{Format, Shared};
use crate::context::{current_frame, Frame};
use crate::filter::Filter;
use crate::render::entries::Entries;
use crate::render::layer::{resolve, Layer};
use crate::render::plan::Plans;
use crate::render::value::{Cx, Scratch, Site};
use crate::render::{escape, pretty, time};
use crate::sink::{self, Sink};

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
        resolve(&mut e);
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
    pub fn max_level(&self) -> LevelFilter {
        self.filter.max_level()
    }

    fn emit(&self, record: &Record<'_>) {
        // A panicking `Display`/`Serialize` of a logged value must not crash the request.
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.emit_inner(record)));
        if ok.is_err() {
            self.emit_panicked(record);
        }
    }

    #[cold]
    fn emit_panicked(&self, record: &Record<'_>) {
        let mut out = Vec::with_capacity(256);
        out.extend_from_slice(b"{\"@timestamp\":");
        time::write_timestamp(&mut out, SystemTime::now());
        out.extend_from_slice(b",\"log.level\":\"");
        out.extend_from_slice(record.level().as_str().to_ascii_lowercase().as_bytes());
        out.extend_from_slice(
            b"\",\"message\":\"[ecsctx: a logged value panicked while rendering]\"",
        );
        out.extend_from_slice(&self.header_tail);
        out.extend_from_slice(b",\"log\":{\"logger\":");
        escape::write_str(&mut out, record.target(), 256);
        out.extend_from_slice(b"}}\n");
        self.write(&out);
    }

    /// One write of a whole line; its outcome is counted in `stats()`.
    #[inline]
    fn write(&self, line: &[u8]) {
        let res = self.sink.write_line(line);
        if !self.sink.counts_itself() {
            sink::record(line.len(), res);
        }
    }

    fn emit_inner(&self, record: &Record<'_>) {
        let frame = current_frame();
        let done = LINE.with(|cell| match cell.try_borrow_mut() {
            Ok(mut ls) => {
                self.emit_with(record, frame.as_ref(), &mut ls);
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
            self.emit_with(record, frame.as_ref(), &mut ls);
        }
    }

    fn emit_with(&self, record: &Record<'_>, frame: Option<&Arc<Frame>>, ls: &mut LineScratch) {
        let LineScratch {
            s,
            out,
            pretty,
            plans,
        } = ls;
        out.clear();
        self.render(record, frame.map(|f| &**f), s, plans, out);
        match frame.and_then(|f| f.capture.as_ref()) {
            // Captured lines are always JSON, so tests can parse them.
            Some(cap) => cap.push(&out[..out.len() - 1]),
            None => match self.format {
                Format::Json => self.write(out),
                Format::Pretty => {
                    pretty::to_pretty(&out[..out.len() - 1], self.color, pretty);
                    self.write(pretty.as_bytes());
                }
            },
        }
        if out.capacity() > KEEP_CAPACITY {
            *out = Vec::with_capacity(1024);
            *s = Scratch::default();
        }
    }

    /// Writes the whole line: header, then event fields merged over context and service.
    fn render(
        &self,
        record: &Record<'_>,
        frame: Option<&Frame>,
        s: &mut Scratch,
        plans: &mut Plans,
        out: &mut Vec<u8>,
    ) {
        let limits = self.shared.limits;
        let masker = self.shared.masker.as_deref();
        out.extend_from_slice(b"{\"@timestamp\":");
        time::write_timestamp(out, SystemTime::now());
        out.extend_from_slice(match record.level() {
            log::Level::Error => b",\"log.level\":\"error\",\"message\":",
            log::Level::Warn => b",\"log.level\":\"warn\",\"message\":",
            log::Level::Info => b",\"log.level\":\"info\",\"message\":",
            log::Level::Debug => b",\"log.level\":\"debug\",\"message\":",
            log::Level::Trace => b",\"log.level\":\"trace\",\"message\":",
        });
        match record.args().as_str() {
            // An `event!` name is a checked static identifier: nothing to mask.
            Some(m) if masker.is_none() || EventMarker::is_set() => {
                escape::write_str(out, m, limits.max_str)
            }
            // Another crate's message, literal or formatted, may carry PII.
            _ => self.write_message(record, s, out),
        }
        out.extend_from_slice(&self.header_tail);

        s.entries.clear();
        let site = Site {
            file: record.file(),
            line: record.line(),
            target: record.target(),
        };
        let cx = Cx {
            masker,
            limits,
            site,
        };
        let start = s.entries.vals.len();
        escape::write_str(&mut s.entries.vals, record.target(), limits.max_str);
        s.entries.push("log.logger", start);
        if self.origin {
            if let Some(file) = record.file() {
                let start = s.entries.vals.len();
                escape::write_str(&mut s.entries.vals, file, limits.max_str);
                s.entries.push("log.origin.file.name", start);
            }
            if let Some(line) = record.line() {
                let start = s.entries.vals.len();
                crate::render::num::write_int(&mut s.entries.vals, line);
                s.entries.push("log.origin.file.line", start);
            }
        }
        let mut v = KvVisitor {
            s,
            cx: &cx,
            policy: &self.shared.policy,
        };
        // Our visitor never fails; a source that fails stops adding fields.
        let _ = record.key_values().visit(&mut v);

        let own;
        // A layer built for this line only is not worth a plan.
        let (layer, cache) = match frame {
            Some(f) => match f.layer(self.id, &self.base) {
                Some(l) => (l, true),
                None => {
                    own = f.build_layer(&self.base);
                    (&own, false)
                }
            },
            None => (&self.base_layer, true),
        };
        plans.write(&mut s.entries, layer, cache, out);
        out.extend_from_slice(b"}\n");
    }

    fn write_message(&self, record: &Record<'_>, s: &mut Scratch, out: &mut Vec<u8>) {
        escape::write_display_masked(
            out,
            record.args(),
            "message",
            self.shared.masker.as_deref(),
            &mut s.fmt_buf,
            &mut s.mask_buf,
            self.shared.limits.max_str,
        );
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

struct KvVisitor<'a, 'c> {
    s: &'a mut Scratch,
    cx: &'a Cx<'c>,
    policy: &'a crate::placement::Policy,
}

impl<'kvs> VisitSource<'kvs> for KvVisitor<'_, '_> {
    fn visit_pair(&mut self, key: kv::Key<'kvs>, value: kv::Value<'kvs>) -> Result<(), kv::Error> {
        let key = key.as_str();
        let depth = match self.cx.masker {
            Some(m) => {
                let mut masked = std::mem::take(&mut self.s.key_buf);
                masked.clear();
                let k = if m.mask_key("", key, &mut masked) {
                    &*masked
                } else {
                    key
                };
                let depth = self.policy.place(k, &mut self.s.path);
                self.s.key_buf = masked;
                depth
            }
            None => self.policy.place(key, &mut self.s.path),
        };
        // Never `Value::visit`: for serde-captured values it runs value_bag's probing
        // serializer, which panics on nested values (value-bag 1.14). `serialize` dispatches
        // primitives directly and serde values through their own impl.
        match value.to_borrowed_error() {
            // `log`'s `:err` capture: an error object, not a flat string.
            Some(err) => self.s.add_value(self.cx, depth, &ErrorFields(err)),
            None => self.s.add_value(self.cx, depth, &value),
        }
        Ok(())
    }
}

/// An error as ECS `error.*` fields: `message` and, with a `source()` chain, `stack_trace`.
struct ErrorFields<'a>(&'a (dyn std::error::Error + 'static));

impl serde::Serialize for ErrorFields<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("message", &format_args!("{}", self.0))?;
        if self.0.source().is_some() {
            m.serialize_entry("stack_trace", &Chain(self.0))?;
        }
        m.end()
    }
}

/// `outer\ncaused by: inner\ncaused by: root`
struct Chain<'a>(&'a (dyn std::error::Error + 'static));

impl serde::Serialize for Chain<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cur = self.0.source();
        while let Some(e) = cur {
            write!(f, "\ncaused by: {e}")?;
            cur = e.source();
        }
        Ok(())
    }
}

impl Log for EcsLogger {
    #[inline]
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        self.filter.enabled(metadata.target(), metadata.level())
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            self.emit(record);
        }
    }

    fn flush(&self) {
        let _ = self.sink.flush();
    }
}
