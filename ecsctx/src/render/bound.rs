//! Bound fields, rendered: what a context frame carries for the lines logged in it.
//!
//! [`Fields`] renders each value as it is inserted (placed by the crate's rules and
//! masked), so a bind does that work once. A frame keeps the result in a
//! [`BoundFields`], which `context` stores without looking into it: the merge of a nested
//! bind over its parent's fields, the trace's rendered `trace.id`/`span.id`, and the
//! frame's *layer* (bound fields over trace over the logger's service metadata, the
//! members every line copies) are all made here. A layer is copied from a per-thread
//! *template* of an earlier frame with the same keys when there is one (the next request
//! usually binds the same keys), else merged and rendered; the caches table in
//! [`crate::render`] gives their measured gains.

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use serde::Serialize;

use crate::placement;
use crate::render::entries::{Entries, KeyShape};
use crate::render::layer::{merge3_with_origin, merge_into, resolve, Layer, Sources, Template};
use crate::render::value::{Cx, Scratch, Site};
use crate::render::Ring;
use crate::settings;
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
        let shared = shared.get_or_insert_with(settings::local);
        // One of this crate's ECS names (`user_id` → `user.id`), else the key as given
        // (masked, remembered per thread).
        let key = placement::shorthand(key).unwrap_or(key);
        let depth = s.place_key(shared.id, shared.masker.as_deref(), &shared.policy, key);
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
    /// template never needs them sorted), and the trace to bind with them.
    pub(crate) fn into_parts(mut self) -> (Inserted, Option<TraceContext>) {
        let leaves = self
            .s
            .as_mut()
            .map(|s| std::mem::take(&mut s.entries))
            .unwrap_or_default();
        (Inserted(leaves), self.trace.take())
    }
}

/// The leaves of a [`Fields`] as inserted, on their way into a frame.
pub(crate) struct Inserted(Entries);

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
    resolved: OnceLock<Entries>,
}

impl Bound {
    fn inserted(e: Entries) -> Self {
        Bound {
            e,
            sorted: false,
            resolved: OnceLock::new(),
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
            resolved: OnceLock::new(),
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

/// A frame's bound fields, rendered, with what its lines copy (cached on first use).
///
/// `context` keeps one in each frame and hands it the frame's trace; it never looks
/// inside.
#[derive(Default)]
pub(crate) struct BoundFields {
    /// Every field bound in this scope and its parents; shared by frames that only change
    /// the trace or the capture.
    bound: Arc<Bound>,
    /// `trace.id` and `span.id` as leaves, rendered when a line merged the long way first
    /// needs them (shared with the parent frame of the same trace when it has them).
    trace_leaves: OnceLock<Arc<Entries>>,
    /// Bound fields over trace over the service metadata of the first logger that used
    /// this frame (identified by its id), rendered once.
    layer: OnceLock<(u64, Layer)>,
}

impl std::fmt::Debug for BoundFields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BoundFields")
            .field("bound", &self.bound)
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

impl BoundFields {
    /// `parent`'s fields (none when `None`) with `new` merged over them (the later value
    /// of a key wins). `same_trace`: the new frame has the parent's trace, so the
    /// parent's rendered trace leaves are shared.
    pub(crate) fn merged(parent: Option<&BoundFields>, new: Inserted, same_trace: bool) -> Self {
        let new = new.0;
        let bound = match parent {
            Some(p) if !p.bound.is_empty() => {
                let mut new = new;
                resolve(&mut new);
                let mut bound = Entries::default();
                merge_into(&mut bound, &new, p.bound.resolved());
                Bound::sorted(bound)
            }
            _ => Bound::inserted(new),
        };
        Self::with_bound(Arc::new(bound), parent.filter(|_| same_trace))
    }

    /// The same fields (shared, not copied) for a frame that changes only its trace
    /// (`same_trace` false) or its sink (true).
    pub(crate) fn share(&self, same_trace: bool) -> Self {
        Self::with_bound(self.bound.clone(), Some(self).filter(|_| same_trace))
    }

    fn with_bound(bound: Arc<Bound>, same_trace_as: Option<&BoundFields>) -> Self {
        let trace_leaves = OnceLock::new();
        if let Some(leaves) = same_trace_as.and_then(|p| p.trace_leaves.get()) {
            let _ = trace_leaves.set(leaves.clone());
        }
        BoundFields {
            bound,
            trace_leaves,
            layer: OnceLock::new(),
        }
    }

    fn trace_leaves(&self, trace: Option<&TraceContext>) -> &Entries {
        static NONE: Entries = Entries::EMPTY;
        match trace {
            Some(t) => self.trace_leaves.get_or_init(|| Arc::new(trace_entries(t))),
            None => &NONE,
        }
    }

    /// The bound fields (with `trace`) as JSON, as they appear in lines.
    pub(crate) fn fields_json(&self, trace: Option<&TraceContext>) -> serde_json::Value {
        static NO_SERVICE: Entries = Entries::EMPTY;
        members_json(self.build_layer(trace, &NO_SERVICE).members())
    }

    /// The layer for the logger `id` with service metadata `base` (cached for the first
    /// logger that asks; `None` for another logger). `trace` is the frame's, the same on
    /// every call.
    #[inline]
    pub(crate) fn layer(
        &self,
        trace: Option<&TraceContext>,
        id: u64,
        base: &Entries,
    ) -> Option<&Layer> {
        let (cached, layer) = self
            .layer
            .get_or_init(|| (id, self.build_layer(trace, base)));
        (*cached == id).then_some(layer)
    }

    /// Bound fields over `trace` over `base`, rendered: copied from this thread's template
    /// of a layer with the same keys when there is one (the next request usually binds
    /// the same keys), else merged and rendered (and remembered as a template).
    pub(crate) fn build_layer(&self, trace: Option<&TraceContext>, base: &Entries) -> Layer {
        let frame_sources = FrameSources {
            bound: &self.bound.e,
            trace: trace.map(trace_vals),
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
            [resolved, self.trace_leaves(trace), base],
            Some(&mut origin),
        );
        // Templates name bound leaves by their place as inserted, which is what a frame
        // with the same keys has (its leaves are never sorted on that path).
        for o in origin.iter_mut().filter(|o| o.0 == 0) {
            o.1 = resolved.list[o.1 as usize].seq();
        }
        let shapes = [&self.bound.e, self.trace_leaves(trace), base];
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{bind, Context};

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
                let layer = frame.fields().build_layer(frame.trace(), &base);
                let mut merged = Entries::default();
                merge3_with_origin(
                    &mut merged,
                    [
                        frame.fields().bound.resolved(),
                        frame.fields().trace_leaves(frame.trace()),
                        &base,
                    ],
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
}
