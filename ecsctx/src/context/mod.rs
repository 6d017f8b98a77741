//! Request context: fields bound to a scope appear in every line logged inside it.
//!
//! A scope's fields are rendered to JSON values **once, when they are bound** (and masked
//! then), into an immutable, shared frame; its members are joined on its first line (or
//! copied into the structure of an earlier frame with the same keys), and every line
//! copies the pre-rendered bytes. Frames are cumulative: a nested scope's
//! frame holds its parent's fields merged with its own.
//!
//! * [`bind`] returns a [`ContextGuard`]: the fields apply until it is dropped (nesting
//!   works; dropping guards out of order never corrupts the stack).
//! * [`bind_unscoped`] merges fields into the current scope until that scope ends (the
//!   reference package's `bind_logging_context`; a request middleware's scope ends with
//!   the request).
//! * [`Context`] is a cheap snapshot (`Arc`) to carry into threads and tasks:
//!   [`Context::run`], [`spawn_thread`], and [`FutureExt::with_context`] for futures.
//!
//! # Async code
//! A future only carries context when it is wrapped: [`FutureExt::in_current_context`]
//! installs its context on every poll and keeps the bindings made inside it (guards held
//! across `.await` included) private to it, so tasks interleaving on one worker thread
//! never see each other's fields. A task spawned without the wrapper inherits nothing.
//!
//! ```
//! use ecsctx::context::{self, Fields};
//!
//! let _g = context::bind(Fields::new().with("session_id", "s-1").with("user_id", &42));
//! let ctx = context::Context::current();
//! let fields = ctx.fields_json();
//! assert_eq!(fields["session_id"], "s-1");
//! assert_eq!(fields["user"]["id"], 42); // `user_id` is the shorthand of `user.id`
//! ```

mod task;

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;

pub use task::{FutureExt, WithContext};

use crate::placement;
use crate::render::entries::{Entries, KeyShape};
use crate::render::layer::{merge3_with_origin, merge_into, resolve, Layer, Sources, Template};
use crate::render::value::{Cx, Scratch, Site};
use crate::render::Ring;
use crate::settings;
use crate::sink::Sink;
use crate::trace::w3c::TraceContext;

/// Fields to bind, rendered (placed and masked) as they are inserted.
///
/// Keys are dotted paths placed by the crate's rules (`amount` → `extra.amount`,
/// `http.request.method` stays at the root). The reference package's shorthands apply:
/// `span_id` → `span.id`, `user_id` → `user.id`, `ip` → `client.ip`, `orn`, `pg_code`,
/// `reference_number` → `payment.orn`, `payment.pg_code`, `payment.reference`.
///
/// # Examples
/// ```
/// use ecsctx::context::Fields;
/// let mut f = Fields::new();
/// f.insert("merchant_id", "m-7").insert("labels.region", "eu-west-1");
/// assert_eq!(f.len(), 2);
/// ```
#[derive(Default)]
pub struct Fields {
    /// Boxed: `with` moves `Fields` by value once per field. Taken from this thread's
    /// spare on the first insert, and given back without the leaves when dropped (once
    /// bound), so a bind allocates only what it keeps.
    s: Option<Box<Scratch>>,
    shared: Option<Arc<settings::Shared>>,
    trace: Option<TraceContext>,
}

thread_local! {
    static SPARE: std::cell::Cell<Option<Box<Scratch>>> = const { std::cell::Cell::new(None) };
}

/// Spare buffers larger than this are not kept.
const SPARE_MAX: usize = 16 * 1024;

impl Drop for Fields {
    fn drop(&mut self) {
        let Some(mut s) = self.s.take() else { return };
        s.entries = Entries::default();
        let small = [
            s.path.capacity(),
            s.fmt_buf.capacity(),
            s.mask_buf.capacity(),
            s.key_buf.capacity(),
            s.tmp.capacity(),
        ]
        .iter()
        .all(|&c| c <= SPARE_MAX);
        if small {
            let _ = SPARE.try_with(|c| c.set(Some(s)));
        }
    }
}

impl std::fmt::Debug for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fields").field("len", &self.len()).finish()
    }
}

impl Fields {
    /// No fields.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::{bind, Fields};
    /// let f = Fields::new();
    /// assert!(f.is_empty());
    /// let _g = bind(f.with("session_id", "s-1"));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a field; any `serde::Serialize` value (maps and structs nest under the key).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::{Context, Fields};
    ///
    /// let coupon: Option<&str> = None;
    /// let mut f = Fields::new();
    /// f.insert("session_id", "s-1")
    ///     .insert("cart", &serde_json::json!({"items": 3}));
    /// if let Some(c) = coupon {
    ///     f.insert("coupon", c);
    /// }
    /// let json = Context::empty().with_fields(f).fields_json();
    /// assert_eq!(json["session_id"], "s-1");
    /// assert_eq!(json["extra"]["cart"]["items"], 3); // objects nest under the key
    /// assert!(json["extra"].get("coupon").is_none());
    /// ```
    pub fn insert<V: Serialize + ?Sized>(&mut self, key: &str, value: &V) -> &mut Self {
        let Fields { s, shared, .. } = self;
        let s = s.get_or_insert_with(|| {
            let mut s = SPARE
                .try_with(std::cell::Cell::take)
                .ok()
                .flatten()
                .unwrap_or_default();
            // The leaves for a typical request scope, sized at once.
            s.path.reserve(64);
            s.entries.keys.reserve(192);
            s.entries.vals.reserve(256);
            s.entries.list.reserve(8);
            s
        });
        let shared = shared.get_or_insert_with(settings::shared);
        let key = placement::shorthand(key).unwrap_or(key);
        let mut masked = String::new();
        let key = match &shared.masker {
            Some(m) if m.mask_key("", key, &mut masked) => masked.as_str(),
            _ => key,
        };
        let depth = shared.policy.place(key, &mut s.path);
        let cx = Cx {
            masker: shared.masker.as_deref(),
            limits: shared.limits,
            site: Site {
                file: None,
                line: None,
                target: "ecsctx::context",
            },
        };
        s.add_value(&cx, depth, value);
        self
    }

    /// [`insert`](Self::insert), by value.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::{bind, Fields};
    ///
    /// let lines = ecsctx::testing::capture(|| {
    ///     let _g = bind(Fields::new().with("session_id", "s-1").with("user_id", &42));
    ///     log::info!("checkout_started");
    /// });
    /// assert_eq!(lines[0]["session_id"], "s-1");
    /// assert_eq!(lines[0]["user"]["id"], 42);
    /// ```
    pub fn with<V: Serialize + ?Sized>(mut self, key: &str, value: &V) -> Self {
        self.insert(key, value);
        self
    }

    /// Binds a trace context (`trace.id`, `span.id`) together with the fields, in the same
    /// scope.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::{bind, Context, Fields};
    /// use ecsctx::trace::TraceContext;
    /// let tc = TraceContext::new_root();
    /// let _g = bind(Fields::new().with("session_id", "s").with_trace(tc.clone()));
    /// assert_eq!(Context::current().trace(), Some(&tc));
    /// ```
    pub fn with_trace(mut self, trace: TraceContext) -> Self {
        self.trace = Some(trace);
        self
    }

    /// The number of leaf values.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::Fields;
    /// let f = Fields::new()
    ///     .with("session_id", "s-1")
    ///     .with("cart", &serde_json::json!({"items": 3, "total": 250}));
    /// assert_eq!(f.len(), 3); // `session_id`, `cart.items`, `cart.total`
    /// ```
    pub fn len(&self) -> usize {
        self.s.as_ref().map_or(0, |s| s.entries.list.len())
    }

    /// Whether no field was inserted.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::Fields;
    /// assert!(Fields::new().is_empty());
    /// assert!(!Fields::new().with("session_id", "s-1").is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The leaves as inserted (not resolved: a top-level bind whose layer is copied from a
    /// template never needs them sorted).
    fn into_parts(mut self) -> (Entries, Option<TraceContext>) {
        let leaves = self
            .s
            .as_mut()
            .map(|s| std::mem::take(&mut s.entries))
            .unwrap_or_default();
        (leaves, self.trace.take())
    }
}

/// Layer templates kept per thread (replaced round-robin).
const TEMPLATE_SLOTS: usize = 4;

thread_local! {
    static TEMPLATES: RefCell<Ring<Template, TEMPLATE_SLOTS>> = RefCell::new(Ring::default());
}

/// The fields bound in a scope and its parents.
#[derive(Debug, Default)]
struct Bound {
    /// As inserted by one top-level bind, or (`sorted`) already resolved.
    e: Entries,
    sorted: bool,
    /// `e` resolved, when a merge first needs it (a nested bind, a layer merged the long
    /// way); a layer copied from a template reads `e` as inserted.
    resolved: std::sync::OnceLock<Entries>,
}

impl Bound {
    fn inserted(e: Entries) -> Self {
        Bound {
            e,
            sorted: false,
            resolved: std::sync::OnceLock::new(),
        }
    }

    /// `e` must be resolved, each leaf's `seq` its position (as in a merge's output).
    fn sorted(e: Entries) -> Self {
        debug_assert!(e
            .list
            .iter()
            .enumerate()
            .all(|(i, x)| x.seq() as usize == i));
        Bound {
            e,
            sorted: true,
            resolved: std::sync::OnceLock::new(),
        }
    }

    fn is_empty(&self) -> bool {
        self.e.list.is_empty()
    }

    /// Sorted, last write wins; each leaf's `seq` is its position in `e`.
    fn resolved(&self) -> &Entries {
        if self.sorted {
            return &self.e;
        }
        self.resolved.get_or_init(|| {
            let mut r = self.e.clone();
            resolve(&mut r);
            r
        })
    }
}

/// One immutable scope: bound fields, trace, and the rendered layer lines copy.
#[derive(Default)]
pub(crate) struct Frame {
    /// Every field bound in this scope and its parents; shared by frames that only change
    /// the trace or the capture.
    bound: Arc<Bound>,
    trace: Option<TraceContext>,
    /// `trace.id` and `span.id` as leaves, rendered when a line merged the long way first
    /// needs them (shared with the parent frame of the same trace when it has them).
    trace_leaves: std::sync::OnceLock<Arc<Entries>>,
    /// Where this context's lines go instead of the logger's sink, as JSON (a test
    /// capture, `ecsctx::testing`); carried into threads and tasks with the context.
    pub(crate) sink: Option<Arc<dyn Sink>>,
    /// Bound fields over trace over the service metadata of the first logger that used
    /// this frame (identified by its id), rendered once.
    layer: std::sync::OnceLock<(u64, Layer)>,
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frame")
            .field("bound", &self.bound)
            .field("trace", &self.trace)
            .field("sink", &self.sink.as_ref().map(|_| "dyn Sink"))
            .finish_non_exhaustive()
    }
}

/// A layer's rendered members (`"a":1,"b":{…}`) as a JSON object.
pub(crate) fn members_json(members: &[u8]) -> serde_json::Value {
    let mut out = Vec::with_capacity(members.len() + 2);
    out.push(b'{');
    out.extend_from_slice(members);
    out.push(b'}');
    serde_json::from_slice(&out).unwrap_or_default()
}

impl Frame {
    fn new(
        bound: Arc<Bound>,
        trace: Option<TraceContext>,
        sink: Option<Arc<dyn Sink>>,
        parent: Option<&Frame>,
    ) -> Self {
        let trace_leaves = std::sync::OnceLock::new();
        if let (Some(t), Some(p)) = (&trace, parent) {
            if let (true, Some(leaves)) = (p.trace.as_ref() == Some(t), p.trace_leaves.get()) {
                let _ = trace_leaves.set(leaves.clone());
            }
        }
        Frame {
            bound,
            trace,
            trace_leaves,
            sink,
            layer: std::sync::OnceLock::new(),
        }
    }

    fn trace_leaves(&self) -> &Entries {
        static NONE: Entries = Entries::EMPTY;
        match &self.trace {
            Some(t) => self.trace_leaves.get_or_init(|| Arc::new(trace_entries(t))),
            None => &NONE,
        }
    }

    /// The bound fields (with trace) as JSON, as they appear in lines.
    pub(crate) fn fields_json(&self) -> serde_json::Value {
        static NO_SERVICE: Entries = Entries::EMPTY;
        members_json(self.build_layer(&NO_SERVICE).members())
    }

    /// The layer for the logger `id` with service metadata `base` (cached for the first
    /// logger that asks; `None` for another logger).
    #[inline]
    pub(crate) fn layer(&self, id: u64, base: &Entries) -> Option<&Layer> {
        let (cached, layer) = self.layer.get_or_init(|| (id, self.build_layer(base)));
        (*cached == id).then_some(layer)
    }

    /// Bound fields over trace over `base`, rendered: copied from this thread's template
    /// of a layer with the same keys when there is one (the next request usually binds
    /// the same keys), else merged and rendered (and remembered as a template).
    pub(crate) fn build_layer(&self, base: &Entries) -> Layer {
        let frame_sources = FrameSources {
            bound: &self.bound.e,
            trace: self.trace.as_ref().map(trace_vals),
            base,
        };
        // `try_with`: during thread teardown the templates may be gone; merge instead.
        let copied = TEMPLATES.try_with(|t| {
            let t = t.try_borrow().ok()?;
            let hit = t.iter().find(|t| t.fits(&frame_sources))?;
            Some(hit.instantiate(&frame_sources))
        });
        if let Ok(Some(layer)) = copied {
            return layer;
        }
        let resolved = self.bound.resolved();
        let mut out = Entries::default();
        let mut origin = Vec::new();
        merge3_with_origin(
            &mut out,
            [resolved, self.trace_leaves(), base],
            Some(&mut origin),
        );
        // Templates name bound leaves by their place as inserted, which is what a frame
        // with the same keys has (its leaves are never sorted on that path).
        for o in origin.iter_mut().filter(|o| o.0 == 0) {
            o.1 = resolved.list[o.1 as usize].seq();
        }
        let shapes = [&self.bound.e, self.trace_leaves(), base];
        let (layer, template) = Template::record(out, origin, shapes);
        if let Some(template) = template {
            let _ = TEMPLATES.try_with(|t| {
                if let Ok(mut t) = t.try_borrow_mut() {
                    *t.claim() = template;
                }
            });
        }
        layer
    }
}

/// `"<span id>"` (16 hex digits, quoted) then `"<trace id>"` (32): the values of a
/// trace's leaves, `span.id` and `trace.id`.
fn trace_vals(t: &TraceContext) -> [u8; 52] {
    let mut v = [b'"'; 52];
    crate::render::escape::hex_into(&mut v[1..17], &t.span_id().to_bytes());
    crate::render::escape::hex_into(&mut v[19..51], &t.trace_id().to_bytes());
    v
}

/// Where `span.id`'s value ends in [`trace_vals`].
const SPAN_VAL_END: usize = 18;

fn trace_entries(t: &TraceContext) -> Entries {
    let mut e = Entries::default();
    e.keys.reserve(15);
    e.vals.reserve(52);
    e.list.reserve(2);
    e.segs.reserve(4);
    let v = trace_vals(t);
    e.vals.extend_from_slice(&v[..SPAN_VAL_END]);
    e.push("span.id", 0);
    e.vals.extend_from_slice(&v[SPAN_VAL_END..]);
    e.push("trace.id", SPAN_VAL_END);
    e.index();
    e
}

/// The keys of every trace's leaves ([`trace_entries`]).
static TRACE_SHAPE: std::sync::LazyLock<KeyShape> =
    std::sync::LazyLock::new(|| KeyShape::of(&trace_entries(&TraceContext::new_root())));

/// A frame's layer sources as a template reads them: the trace's values are rendered on
/// the spot instead of into a leaf list.
struct FrameSources<'a> {
    bound: &'a Entries,
    trace: Option<[u8; 52]>,
    base: &'a Entries,
}

impl Sources for FrameSources<'_> {
    fn has_shape(&self, s: usize, shape: &KeyShape) -> bool {
        match s {
            0 => shape.matches(self.bound),
            1 => match self.trace {
                Some(_) => *shape == *TRACE_SHAPE,
                None => shape.is_empty(),
            },
            _ => shape.matches(self.base),
        }
    }

    fn val(&self, s: usize, i: usize) -> &[u8] {
        match (s, &self.trace) {
            (0, _) => self.bound.val(&self.bound.list[i]),
            (1, Some(v)) if i == 0 => &v[..SPAN_VAL_END],
            (1, Some(v)) => &v[SPAN_VAL_END..],
            // A template that fits has no trace leaf when there is no trace.
            (1, None) => b"null",
            _ => self.base.val(&self.base.list[i]),
        }
    }
}

/// A snapshot of a context (cheap to clone), to carry it into other threads and tasks.
#[derive(Clone, Default, Debug)]
pub struct Context {
    frame: Option<Arc<Frame>>,
}

impl PartialEq for Context {
    fn eq(&self, other: &Self) -> bool {
        match (&self.frame, &other.frame) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Context {
    /// The empty context.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::{bind, Context, Fields};
    ///
    /// let _g = bind(Fields::new().with("session_id", "s-1"));
    /// // Work that must not inherit what is bound here:
    /// let inherited = Context::empty().run(|| Context::current().fields_json());
    /// assert_eq!(inherited, serde_json::json!({}));
    /// assert_eq!(Context::empty().trace(), None);
    /// ```
    pub fn empty() -> Self {
        Self::default()
    }

    /// The context of the current scope on this thread (or task).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::{bind, Context, Fields};
    ///
    /// assert_eq!(Context::current(), Context::empty());
    /// let lines = ecsctx::testing::capture(|| {
    ///     let _g = bind(Fields::new().with("session_id", "s-1"));
    ///     let ctx = Context::current(); // a cheap snapshot, to carry elsewhere
    ///     std::thread::spawn(move || ctx.run(|| log::info!("from_worker")))
    ///         .join()
    ///         .unwrap();
    /// });
    /// assert_eq!(lines[0]["session_id"], "s-1");
    /// ```
    pub fn current() -> Self {
        Context {
            frame: current_frame(),
        }
    }

    /// A new context: this one with `fields` merged over it.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::{Context, Fields};
    ///
    /// let base = Context::empty().with_fields(Fields::new().with("labels.region", "eu-west-1"));
    /// let request = base.with_fields(Fields::new().with("session_id", "s-1"));
    /// let json = request.fields_json();
    /// assert_eq!(json["labels"]["region"], "eu-west-1");
    /// assert_eq!(json["session_id"], "s-1");
    /// assert!(base.fields_json().get("session_id").is_none()); // `base` is unchanged
    /// ```
    pub fn with_fields(&self, fields: Fields) -> Context {
        let (new, trace) = fields.into_parts();
        let (bound, trace, sink) = match &self.frame {
            Some(f) => {
                let bound = if f.bound.is_empty() {
                    Bound::inserted(new)
                } else {
                    let mut new = new;
                    resolve(&mut new);
                    let mut bound = Entries::default();
                    merge_into(&mut bound, &new, f.bound.resolved());
                    Bound::sorted(bound)
                };
                let bound = Arc::new(bound);
                (bound, trace.or_else(|| f.trace.clone()), f.sink.clone())
            }
            None => (Arc::new(Bound::inserted(new)), trace, None),
        };
        Context {
            frame: Some(Arc::new(Frame::new(
                bound,
                trace,
                sink,
                self.frame.as_deref(),
            ))),
        }
    }

    /// A new context: this one with its trace replaced (`trace.id`, `span.id`).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::Context;
    /// use ecsctx::trace::TraceContext;
    ///
    /// let tc = TraceContext::new_root();
    /// let ctx = Context::empty().with_trace(tc.clone());
    /// assert_eq!(ctx.trace(), Some(&tc));
    /// let json = ctx.fields_json();
    /// assert_eq!(json["trace"]["id"], tc.trace_id().to_string());
    /// assert_eq!(json["span"]["id"], tc.span_id().to_string());
    /// ```
    pub fn with_trace(&self, trace: TraceContext) -> Context {
        let (bound, sink) = match &self.frame {
            Some(f) => (f.bound.clone(), f.sink.clone()),
            None => (Arc::default(), None),
        };
        Context {
            frame: Some(Arc::new(Frame::new(bound, Some(trace), sink, None))),
        }
    }

    /// A new context: this one with its lines (and those of the work it is carried into)
    /// sent to `sink`, as JSON, instead of the logger's sink.
    pub(crate) fn with_sink(&self, sink: Arc<dyn Sink>) -> Context {
        let (bound, trace) = match &self.frame {
            Some(f) => (f.bound.clone(), f.trace.clone()),
            None => (Arc::default(), None),
        };
        Context {
            frame: Some(Arc::new(Frame::new(
                bound,
                trace,
                Some(sink),
                self.frame.as_deref(),
            ))),
        }
    }

    /// This context with the sink of `other` (a test capture) when it has none of its
    /// own: work that starts clean (a request of the tower layer) still reaches the
    /// capture it runs in.
    #[cfg_attr(not(feature = "tower"), allow(dead_code))]
    pub(crate) fn with_sink_of(&self, other: &Context) -> Context {
        let mine = self.frame.as_ref().and_then(|f| f.sink.as_ref());
        match other.frame.as_ref().and_then(|f| f.sink.clone()) {
            Some(sink) if mine.is_none() => self.with_sink(sink),
            _ => self.clone(),
        }
    }

    /// The trace of this context, if any.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::{Context, Fields};
    /// use ecsctx::trace::TraceContext;
    ///
    /// assert_eq!(Context::empty().trace(), None);
    /// let tc = TraceContext::new_root();
    /// let ctx = Context::empty()
    ///     .with_trace(tc.clone())
    ///     .with_fields(Fields::new().with("session_id", "s-1"));
    /// assert_eq!(ctx.trace(), Some(&tc)); // kept when fields are added
    /// ```
    pub fn trace(&self) -> Option<&TraceContext> {
        self.frame.as_ref().and_then(|f| f.trace.as_ref())
    }

    /// Makes this the current context until the guard is dropped.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::{Context, Fields};
    ///
    /// let ctx = Context::empty().with_fields(Fields::new().with("session_id", "s-1"));
    /// {
    ///     let _g = ctx.enter();
    ///     assert_eq!(Context::current().fields_json()["session_id"], "s-1");
    /// }
    /// assert_eq!(Context::current(), Context::empty());
    /// ```
    pub fn enter(&self) -> ContextGuard {
        push(self.frame.clone().unwrap_or_default())
    }

    /// Runs `f` inside this context.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::{Context, Fields};
    /// let ctx = Context::current().with_fields(Fields::new().with("session_id", "s-9"));
    /// let sid = ctx.run(|| Context::current().fields_json()["session_id"].clone());
    /// assert_eq!(sid, "s-9");
    /// assert!(Context::current().fields_json().get("session_id").is_none());
    /// ```
    pub fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        // A closure cannot leave its thread: no shared token is needed, only the depth.
        struct Pop(Option<usize>);
        impl Drop for Pop {
            fn drop(&mut self) {
                if let Some(depth) = self.0 {
                    STACK.with(|s| {
                        if let Ok(mut s) = s.try_borrow_mut() {
                            s.truncate(depth);
                        }
                    });
                }
            }
        }
        let frame = self.frame.clone().unwrap_or_default();
        let _pop = Pop(STACK.with(|s| {
            let mut s = s.try_borrow_mut().ok()?;
            let depth = s.len();
            s.push(StackEntry {
                token: None,
                frame,
                owner: Owner::ANY,
            });
            Some(depth)
        }));
        f()
    }

    /// The bound fields (with trace) as JSON, as they will appear in lines.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::{Context, Fields};
    ///
    /// let ctx = Context::empty().with_fields(Fields::new().with("user_id", &42).with("amount", &100));
    /// assert_eq!(
    ///     ctx.fields_json(),
    ///     serde_json::json!({"user": {"id": 42}, "extra": {"amount": 100}})
    /// );
    /// ```
    pub fn fields_json(&self) -> serde_json::Value {
        match &self.frame {
            Some(f) => f.fields_json(),
            None => serde_json::Value::Object(Default::default()),
        }
    }

    pub(crate) fn frame(&self) -> Option<&Arc<Frame>> {
        self.frame.as_ref()
    }
}

/// Binds `fields` to the current scope until the returned guard is dropped.
///
/// # Examples
/// ```
/// use ecsctx::context::{bind, Context, Fields};
/// {
///     let _outer = bind(Fields::new().with("session_id", "a"));
///     {
///         let _inner = bind(Fields::new().with("merchant_id", "m"));
///         let now = Context::current().fields_json();
///         assert_eq!((now["session_id"].as_str(), now["merchant_id"].as_str()), (Some("a"), Some("m")));
///     }
///     assert!(Context::current().fields_json().get("merchant_id").is_none());
/// }
/// ```
pub fn bind(fields: Fields) -> ContextGuard {
    Context::current().with_fields(fields).enter()
}

/// Binds a trace context (`trace.id`, `span.id`) until the returned guard is dropped.
///
/// # Examples
/// ```
/// use ecsctx::context::bind_trace;
/// use ecsctx::trace::TraceContext;
///
/// let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
/// let lines = ecsctx::testing::capture(|| {
///     let _g = bind_trace(TraceContext::from_headers(Some(tp), None));
///     log::info!("inside");
/// });
/// assert_eq!(lines[0]["trace"]["id"], "4bf92f3577b34da6a3ce929d0e0e4736");
/// assert_eq!(ecsctx::trace::current(), None); // the guard was dropped
/// ```
pub fn bind_trace(trace: TraceContext) -> ContextGuard {
    Context::current().with_trace(trace).enter()
}

/// Merges `fields` into the current scope, without a guard: they stay until the scope
/// ends (the enclosing guard is dropped, the wrapped future or `run` closure returns).
/// Outside any scope they stay on this thread until [`clear`].
///
/// # Examples
/// ```
/// use ecsctx::context::{bind_unscoped, Context, Fields};
/// Context::empty().run(|| {
///     bind_unscoped(Fields::new().with("user_id", &7));
///     assert_eq!(Context::current().fields_json()["user"]["id"], 7);
/// });
/// assert!(Context::current().fields_json().get("user").is_none());
/// ```
pub fn bind_unscoped(fields: Fields) {
    let new = Context::current().with_fields(fields);
    let frame = new.frame.unwrap_or_default();
    let done = STACK.with(|s| {
        let Ok(mut s) = s.try_borrow_mut() else {
            return true;
        };
        prune(&mut s);
        match visible(&s) {
            // Merged into the scope this code sees, when it is the top one.
            Some(top) if top + 1 == s.len() => s[top].frame = frame.clone(),
            // Outside any scope, or above another task's scope: a scope of its own.
            _ => s.push(StackEntry {
                token: None,
                frame: frame.clone(),
                owner: Owner::current(),
            }),
        }
        true
    });
    debug_assert!(done);
}

/// Removes every binding of this thread's current stack (for worker threads that reuse
/// themselves across jobs without scopes).
///
/// # Examples
/// ```
/// use ecsctx::context::{bind_unscoped, clear, Context, Fields};
///
/// // A worker thread that binds per job, without scopes:
/// bind_unscoped(Fields::new().with("session_id", "s-1"));
/// assert_eq!(Context::current().fields_json()["session_id"], "s-1");
/// clear(); // before the next job
/// assert_eq!(Context::current(), Context::empty());
/// ```
pub fn clear() {
    STACK.with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            s.clear();
        }
    });
}

/// Spawns a thread that runs `f` inside the current context.
///
/// `std::thread::spawn` alone does not carry context: use this, or capture
/// [`Context::current`] and call [`Context::run`] in the thread.
///
/// # Examples
/// ```
/// use ecsctx::context::{bind, spawn_thread, Fields};
///
/// let (n, lines) = ecsctx::testing::capture_with(|| {
///     let _g = bind(Fields::new().with("session_id", "s-1"));
///     spawn_thread(|| {
///         log::info!("report_built");
///         42
///     })
///     .join()
///     .unwrap()
/// });
/// assert_eq!(n, 42);
/// assert_eq!(lines[0]["session_id"], "s-1");
/// ```
pub fn spawn_thread<F, T>(f: F) -> std::thread::JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let ctx = Context::current();
    std::thread::spawn(move || ctx.run(f))
}

// === the per-thread stack ===

#[derive(Default, Debug)]
pub(crate) struct Token {
    dead: AtomicBool,
}

#[derive(Clone, Debug)]
pub(crate) struct StackEntry {
    /// `None` for scopes that cannot be dropped elsewhere (`run`, a task's base).
    token: Option<Arc<Token>>,
    frame: Arc<Frame>,
    /// Who may see the entry (see [`Owner`]).
    owner: Owner,
}

impl StackEntry {
    pub(crate) fn base(frame: Arc<Frame>) -> Self {
        StackEntry {
            token: None,
            frame,
            owner: Owner::ANY,
        }
    }
}

/// The task a guard was bound in (with the `tokio` feature), so that only it sees the
/// binding.
///
/// A guard held across an `.await` in a tokio task that ecsctx does not wrap
/// (`tokio::spawn` rather than `integrations::tokio::spawn` or `.in_current_context()`)
/// leaves its scope on the worker thread's stack while the task waits; the other tasks
/// polled on that thread meanwhile skip it instead of logging under its fields. (The
/// binding stays on that thread: once the task moves to another worker its lines carry
/// no binding at all, never another task's; wrapping the task keeps it whole.) Outside a
/// tokio task, and without the feature, every entry is the thread's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Owner(#[cfg(feature = "tokio")] Option<tokio::task::Id>);

impl Owner {
    /// Seen by whatever runs on the thread.
    #[cfg(feature = "tokio")]
    const ANY: Owner = Owner(None);
    #[cfg(not(feature = "tokio"))]
    const ANY: Owner = Owner();

    /// The task running now (`ANY` outside a task).
    #[inline]
    fn current() -> Owner {
        #[cfg(feature = "tokio")]
        return Owner(tokio::task::try_id());
        #[cfg(not(feature = "tokio"))]
        Owner::ANY
    }
}

/// The topmost entry the code running now may see (usually the top one).
#[inline]
fn visible(s: &[StackEntry]) -> Option<usize> {
    let top = s.len().checked_sub(1)?;
    if s[top].owner == Owner::ANY {
        return Some(top);
    }
    let me = Owner::current();
    s.iter()
        .rposition(|e| e.owner == Owner::ANY || e.owner == me)
}

thread_local! {
    static STACK: RefCell<Vec<StackEntry>> = const { RefCell::new(Vec::new()) };
}

/// Drops entries from the top whose guards were dropped elsewhere (another thread).
fn prune(s: &mut Vec<StackEntry>) {
    while s.last().is_some_and(|e| {
        e.token
            .as_ref()
            .is_some_and(|t| t.dead.load(Ordering::Acquire))
    }) {
        s.pop();
    }
}

/// The current frame (one `Arc` clone).
#[inline]
pub(crate) fn current_frame() -> Option<Arc<Frame>> {
    STACK.with(|s| {
        let mut s = s.try_borrow_mut().ok()?;
        prune(&mut s);
        visible(&s).map(|i| s[i].frame.clone())
    })
}

fn push(frame: Arc<Frame>) -> ContextGuard {
    let token = Arc::new(Token::default());
    STACK.with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            s.push(StackEntry {
                token: Some(token.clone()),
                frame,
                owner: Owner::current(),
            });
        }
    });
    ContextGuard { token }
}

/// Swaps this thread's stack with `other` (the task adapter's private stack).
pub(crate) fn swap_stack(other: &mut Vec<StackEntry>) -> bool {
    STACK.with(|s| match s.try_borrow_mut() {
        Ok(mut s) => {
            std::mem::swap(&mut *s, other);
            true
        }
        Err(_) => false,
    })
}

/// Restores the previous context when dropped.
///
/// Guards may be dropped in any order: each removes exactly its own scope. A guard
/// dropped on another thread (it is `Send`, so a future holding it can move between
/// worker threads) marks its scope dead, and the owning stack discards it.
///
/// Holding a guard across an `.await` is right inside a future ecsctx wraps (its
/// bindings live in the future's own stack). In a bare `tokio::spawn` task, with the
/// `tokio` feature, the scope is seen only by the task that bound it, so no other task
/// ever logs under its fields; but the binding stays on the worker thread it was made
/// on, so the task's lines after it moves to another worker carry none of it. Spawn such
/// tasks with `integrations::tokio::spawn`, or wrap them with
/// [`FutureExt::in_current_context`], to keep their bindings whole.
#[must_use = "the context is removed when the guard is dropped; bind it to a variable"]
#[derive(Debug)]
pub struct ContextGuard {
    token: Arc<Token>,
}

impl Drop for ContextGuard {
    fn drop(&mut self) {
        let removed = STACK.with(|s| {
            let Ok(mut s) = s.try_borrow_mut() else {
                return false;
            };
            match s.iter().rposition(|e| {
                e.token
                    .as_ref()
                    .is_some_and(|t| Arc::ptr_eq(t, &self.token))
            }) {
                Some(i) => {
                    s.remove(i);
                    true
                }
                None => false,
            }
        });
        if !removed {
            self.token.dead.store(true, Ordering::Release);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A resolved bound list keeps the text of dropped duplicates, so `extra.a`,`extra.a`
    /// and `extra.aextra.a` share key text and key ends: the template must not match.
    #[test]
    fn templates_tell_apart_keys_with_the_same_text() {
        fn fields(f: Fields) -> serde_json::Value {
            let _g = bind(f);
            Context::current().fields_json()
        }
        // A fresh thread: its own templates.
        std::thread::spawn(|| {
            assert_eq!(
                fields(Fields::new().with("extra.a", &1).with("extra.a", &2)),
                serde_json::json!({"extra": {"a": 2}})
            );
            assert_eq!(
                fields(Fields::new().with("extra.aextra.a", &3)),
                serde_json::json!({"extra": {"aextra": {"a": 3}}})
            );
        })
        .join()
        .unwrap();
    }

    /// A frame's layer copied from a template (the trace rendered on the spot, the bound
    /// leaves read as inserted) equals the layer merged the long way, with and without a
    /// trace, with duplicates and conflicts, and when a bound key shadows the trace's.
    #[test]
    fn template_layers_equal_merged_layers() {
        std::thread::spawn(|| {
            let mut base = Entries::default();
            for (k, v) in [("service.name", "\"svc\""), ("project.name", "\"p\"")] {
                let start = base.vals.len();
                base.vals.extend_from_slice(v.as_bytes());
                base.push(k, start);
            }
            resolve(&mut base);
            let mut templates = Vec::new();
            // Four shapes (a thread keeps four templates), each twice.
            for round in 0..8u32 {
                let mut f = Fields::new();
                if round % 4 == 1 {
                    // A duplicate (the later one wins) and a leaf under an object (the
                    // object wins): leaves as inserted differ from leaves resolved.
                    f = f.with("session_id", "first").with("keyloop", "flat");
                }
                let mut f = f
                    .with("session_id", &format!("s-{}", "x".repeat(round as usize)))
                    .with("user_id", &round)
                    .with("keyloop.store_id", &7);
                if round % 4 == 2 {
                    f = f.with("span.id", "bound");
                }
                if round % 4 != 3 {
                    f = f.with_trace(TraceContext::new_root());
                }
                let ctx = Context::empty().with_fields(f);
                let frame = ctx.frame().unwrap();
                let layer = frame.build_layer(&base);
                let mut merged = Entries::default();
                merge3_with_origin(
                    &mut merged,
                    [frame.bound.resolved(), frame.trace_leaves(), &base],
                    None,
                );
                let long = Layer::new(merged);
                let text = |l: &Layer| String::from_utf8(l.members().to_vec()).unwrap();
                assert_eq!(text(&layer), text(&long), "round {round}");
                assert_eq!(layer.e.list.len(), long.e.list.len());
                for (x, y) in layer.e.list.iter().zip(&long.e.list) {
                    assert_eq!(layer.e.key_of(x), long.e.key_of(y));
                    assert_eq!(layer.e.val(x), long.e.val(y), "round {round}");
                }
                // Rounds 4.. repeat the shapes of rounds 0..4: copied from their templates.
                if round >= 4 {
                    let first: u64 = templates[round as usize - 4];
                    assert!(first != 0 && layer.template() == first, "round {round}");
                }
                templates.push(layer.template());
            }
        })
        .join()
        .unwrap();
    }

    fn sid() -> Option<String> {
        Context::current().fields_json()["session_id"]
            .as_str()
            .map(str::to_owned)
    }

    #[test]
    fn out_of_order_drop_restores_everything() {
        let a = bind(Fields::new().with("session_id", "a"));
        let b = bind(Fields::new().with("session_id", "b"));
        drop(a);
        assert_eq!(sid().as_deref(), Some("b"));
        drop(b);
        assert_eq!(sid(), None);
    }

    #[test]
    fn guard_dropped_on_other_thread_is_discarded() {
        let g = bind(Fields::new().with("session_id", "x"));
        std::thread::spawn(move || drop(g)).join().unwrap();
        assert_eq!(sid(), None);
    }

    #[test]
    fn shorthands_and_deep_merge() {
        let _a = bind(Fields::new().with("user_id", &1).with("ip", "10.0.0.1"));
        let _b = bind(
            Fields::new()
                .with("user.domain", "corp")
                .with("keyloop", &serde_json::json!({"a": 1})),
        );
        let j = Context::current().fields_json();
        assert_eq!(j["user"], serde_json::json!({"id": 1, "domain": "corp"}));
        assert_eq!(j["client"]["ip"], "10.0.0.1");
        assert_eq!(j["extra"]["keyloop"]["a"], 1);
    }

    #[test]
    fn spawn_thread_carries_context() {
        let _a = bind(Fields::new().with("session_id", "t"));
        let got = spawn_thread(sid).join().unwrap();
        assert_eq!(got.as_deref(), Some("t"));
        let plain = std::thread::spawn(sid).join().unwrap();
        assert_eq!(plain, None);
    }
}
