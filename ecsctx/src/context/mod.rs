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

pub use task::{FutureExt, WithContext};

use crate::render::bound::BoundFields;
pub use crate::render::bound::Fields;
use crate::sink::Sink;
use crate::trace::w3c::TraceContext;

/// One immutable scope: its bound fields (rendered, see [`BoundFields`]), trace and
/// capture.
#[derive(Default)]
pub(crate) struct Frame {
    /// Every field bound in this scope and its parents, as rendering keeps them.
    fields: BoundFields,
    trace: Option<TraceContext>,
    /// Where this context's lines go instead of the logger's sink, as JSON (a test
    /// capture, `ecsctx::testing`); carried into threads and tasks with the context.
    pub(crate) sink: Option<Arc<dyn Sink>>,
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frame")
            .field("fields", &self.fields)
            .field("trace", &self.trace)
            .field("sink", &self.sink.as_ref().map(|_| "dyn Sink"))
            .finish()
    }
}

impl Frame {
    /// The bound fields, for the renderer.
    #[inline]
    pub(crate) fn fields(&self) -> &BoundFields {
        &self.fields
    }

    /// The trace bound in this scope, if any.
    #[inline]
    pub(crate) fn trace(&self) -> Option<&TraceContext> {
        self.trace.as_ref()
    }

    /// The bound fields (with trace) as JSON, as they appear in lines.
    pub(crate) fn fields_json(&self) -> serde_json::Value {
        self.fields.fields_json(self.trace.as_ref())
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
        let parent = self.frame.as_deref();
        let trace = trace.or_else(|| parent.and_then(|f| f.trace.clone()));
        let same_trace = parent.is_some_and(|f| f.trace == trace);
        Context {
            frame: Some(Arc::new(Frame {
                fields: BoundFields::merged(parent.map(|f| &f.fields), new, same_trace),
                trace,
                sink: parent.and_then(|f| f.sink.clone()),
            })),
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
        let parent = self.frame.as_deref();
        Context {
            frame: Some(Arc::new(Frame {
                fields: parent.map(|f| f.fields.share(false)).unwrap_or_default(),
                trace: Some(trace),
                sink: parent.and_then(|f| f.sink.clone()),
            })),
        }
    }

    /// A new context: this one with its lines (and those of the work it is carried into)
    /// sent to `sink`, as JSON, instead of the logger's sink.
    pub(crate) fn with_sink(&self, sink: Arc<dyn Sink>) -> Context {
        let parent = self.frame.as_deref();
        Context {
            frame: Some(Arc::new(Frame {
                fields: parent.map(|f| f.fields.share(true)).unwrap_or_default(),
                trace: parent.and_then(|f| f.trace.clone()),
                sink: Some(sink),
            })),
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
#[inline(always)]
fn prune(s: &mut Vec<StackEntry>) {
    if top_is_dead(s) {
        prune_dead(s);
    }
}

#[inline(always)]
fn top_is_dead(s: &[StackEntry]) -> bool {
    s.last().is_some_and(|e| {
        e.token
            .as_ref()
            .is_some_and(|t| t.dead.load(Ordering::Acquire))
    })
}

/// [`prune`]'s rare part, out of line.
#[cold]
#[inline(never)]
fn prune_dead(s: &mut Vec<StackEntry>) {
    while top_is_dead(s) {
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
