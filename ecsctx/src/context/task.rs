//! Futures that carry a context: installed on every poll, private to the task.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskCx, Poll};

use super::{swap_stack, Context, StackEntry};

pin_project_lite::pin_project! {
    /// A future that runs inside a [`Context`]; see [`FutureExt`].
    ///
    /// Bindings made while it runs (including guards held across `.await`) live in its
    /// own stack, which is swapped in for each poll and out again afterwards.
    pub struct WithContext<F> {
        #[pin]
        inner: F,
        stack: Vec<StackEntry>,
    }
}

impl<F> WithContext<F> {
    /// Wraps `inner` so that it runs inside `ctx`.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::context::{Context, Fields, WithContext};
    ///
    /// let ctx = Context::empty().with_fields(Fields::new().with("session_id", "s-1"));
    /// let fut = WithContext::new(async { Context::current().fields_json()["session_id"].clone() }, ctx);
    /// let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.block_on(fut), "s-1");
    /// ```
    pub fn new(inner: F, ctx: Context) -> Self {
        let stack = ctx
            .frame()
            .map(|f| vec![StackEntry::base(f.clone())])
            .unwrap_or_default();
        WithContext { inner, stack }
    }
}

struct SwapBack<'a>(&'a mut Vec<StackEntry>, bool);

impl Drop for SwapBack<'_> {
    fn drop(&mut self) {
        if self.1 {
            swap_stack(self.0);
        }
    }
}

impl<F: Future> Future for WithContext<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskCx<'_>) -> Poll<F::Output> {
        let this = self.project();
        let swapped = swap_stack(this.stack);
        let _back = SwapBack(this.stack, swapped);
        this.inner.poll(cx)
    }
}

/// Context propagation for every future.
///
/// # Examples
/// ```
/// use ecsctx::context::{bind, Context, Fields, FutureExt};
///
/// let _g = bind(Fields::new().with("session_id", "s-1"));
/// let fut = async { Context::current().fields_json()["session_id"].clone() }.in_current_context();
/// drop(_g);
/// // Runs later, elsewhere, still inside the captured context:
/// let sid = futures_lite_block_on(fut);
/// assert_eq!(sid, "s-1");
/// # fn futures_lite_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// #     rt.block_on(f)
/// # }
/// ```
pub trait FutureExt: Future + Sized {
    /// Runs this future inside `ctx`.
    fn with_context(self, ctx: Context) -> WithContext<Self> {
        WithContext::new(self, ctx)
    }

    /// Runs this future inside the context current now (at the call, not at the poll).
    fn in_current_context(self) -> WithContext<Self> {
        WithContext::new(self, Context::current())
    }
}

impl<F: Future> FutureExt for F {}
