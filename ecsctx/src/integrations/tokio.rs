//! `tokio` (feature `tokio`): spawn tasks that carry the current context.
//!
//! `tokio::spawn` alone does not carry context: a task spawned with it inherits nothing
//! (no fields, no trace, and no test capture). [`spawn`] and [`spawn_blocking`] capture
//! the context current at the call and run the task inside it; bindings the task makes
//! stay private to it. For a future you drive yourself, use
//! [`FutureExt::in_current_context`](crate::context::FutureExt); for
//! `std::thread`, [`context::spawn_thread`](crate::context::spawn_thread).
//!
//! ```
//! use ecsctx::context::{self, Fields};
//!
//! # tokio::runtime::Builder::new_multi_thread().build().unwrap().block_on(async {
//! let (_, lines) = ecsctx::testing::capture_future(async {
//!     let _g = context::bind(Fields::new().with("session_id", "s-1"));
//!     ecsctx::integrations::tokio::spawn(async { log::info!("in_task") }).await.unwrap();
//!     ecsctx::integrations::tokio::spawn_blocking(|| log::info!("in_blocking")).await.unwrap();
//! })
//! .await;
//! assert_eq!(lines[0]["session_id"], "s-1");
//! assert_eq!(lines[1]["session_id"], "s-1");
//! # });
//! ```

use std::future::Future;

use crate::context::FutureExt;

/// Spawns `fut` on the current runtime inside the context current now.
///
/// # Panics
/// Outside a tokio runtime (as `tokio::spawn`).
///
/// # Examples
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let handle = ecsctx::integrations::tokio::spawn(async { 1 + 1 });
/// assert_eq!(handle.await.unwrap(), 2);
/// # });
/// ```
pub fn spawn<F>(fut: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(fut.in_current_context())
}

/// Runs blocking `f` on tokio's blocking pool inside the context current now.
///
/// # Panics
/// Outside a tokio runtime (as `tokio::task::spawn_blocking`).
///
/// # Examples
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let handle = ecsctx::integrations::tokio::spawn_blocking(|| 6 * 7);
/// assert_eq!(handle.await.unwrap(), 42);
/// # });
/// ```
pub fn spawn_blocking<F, R>(f: F) -> tokio::task::JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let ctx = crate::context::Context::current();
    tokio::task::spawn_blocking(move || ctx.run(f))
}

#[cfg(test)]
mod tests {
    use crate::context::{self, Context, Fields};

    fn sid() -> Option<String> {
        Context::current().fields_json()["session_id"].as_str().map(str::to_owned)
    }

    #[test]
    fn carries_context_and_plain_spawn_does_not() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        rt.block_on(async {
            let ctx = Context::empty().with_fields(Fields::new().with("session_id", "t-1"));
            let (a, b, c) = ctx
                .run(|| {
                    (
                        super::spawn(async { sid() }),
                        super::spawn_blocking(sid),
                        tokio::spawn(async { sid() }),
                    )
                });
            assert_eq!(a.await.unwrap().as_deref(), Some("t-1"));
            assert_eq!(b.await.unwrap().as_deref(), Some("t-1"));
            assert_eq!(c.await.unwrap(), None);
        });
    }

    #[test]
    fn task_bindings_stay_in_the_task() {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let h = Context::empty().run(|| {
                super::spawn(async {
                    context::bind_unscoped(Fields::new().with("session_id", "inner"));
                    tokio::task::yield_now().await;
                    sid()
                })
            });
            assert_eq!(h.await.unwrap().as_deref(), Some("inner"));
            assert_eq!(sid(), None);
        });
    }
}
