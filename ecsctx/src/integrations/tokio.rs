//! `tokio` (feature `tokio`): spawn tasks that carry the current context.
//!
//! `tokio::spawn` alone does not carry context; these do.

use std::future::Future;

use crate::context::FutureExt;

/// Spawns `fut` on the current runtime inside the context current now.
///
/// # Panics
/// Outside a tokio runtime (as `tokio::spawn`).
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
pub fn spawn_blocking<F, R>(f: F) -> tokio::task::JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let ctx = crate::context::Context::current();
    tokio::task::spawn_blocking(move || ctx.run(f))
}
