//! Capture the lines logged inside a closure or a future, as parsed JSON.
//!
//! Capturing follows the context: lines from threads and tasks that carry the context
//! ([`crate::context::spawn_thread`], [`crate::context::FutureExt`])
//! are captured too, and tests running in parallel never see each other's lines.
//!
//! If no logger is installed yet, an ECS logger is installed at `trace` level whose
//! uncaptured lines are discarded. If another `log` backend is installed, nothing can be
//! captured: the functions panic with a message that says so.
//!
//! ```
//! let lines = ecsctx::testing::capture(|| log::info!(order_id = 7; "late"));
//! assert_eq!(lines[0]["message"], "late");
//! assert_eq!(lines[0]["extra"]["order_id"], 7);
//! ```

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;

use crate::context::{Context, FutureExt};

/// Lines collected by one capture.
#[derive(Debug, Default)]
pub(crate) struct CaptureSink {
    lines: Mutex<Vec<Vec<u8>>>,
}

impl CaptureSink {
    pub(crate) fn push(&self, line: &[u8]) {
        self.lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line.to_vec());
    }

    fn take(&self) -> Vec<Value> {
        let lines = std::mem::take(&mut *self.lines.lock().unwrap_or_else(PoisonError::into_inner));
        lines
            .iter()
            .map(|l| {
                serde_json::from_slice(l).unwrap_or_else(|e| {
                    panic!(
                        "ecsctx produced a line that is not JSON ({e}): {}",
                        String::from_utf8_lossy(l)
                    )
                })
            })
            .collect()
    }
}

fn ensure_logger() {
    // Parallel tests race here on their first capture: one installs, the others wait.
    static INSTALLING: Mutex<()> = Mutex::new(());
    if crate::config::INSTALLED.get().is_some() {
        return;
    }
    let _one_at_a_time = INSTALLING.lock().unwrap_or_else(PoisonError::into_inner);
    if crate::config::INSTALLED.get().is_some() {
        return;
    }
    let res = crate::Builder::new()
        .with_filter("trace")
        .with_sink(crate::sink::WriterSink::new(std::io::sink()))
        .try_init();
    if res.is_err() && crate::config::INSTALLED.get().is_none() {
        panic!("ecsctx::testing: another `log` backend is installed; lines cannot be captured");
    }
}

/// Runs `f` and returns every line logged inside it (parsed).
///
/// # Panics
/// When another `log` backend is installed, or a line is not valid JSON.
pub fn capture<R>(f: impl FnOnce() -> R) -> Vec<Value> {
    capture_with(f).1
}

/// Runs `f` and returns its result and the lines logged inside it.
///
/// # Panics
/// As [`capture`].
pub fn capture_with<R>(f: impl FnOnce() -> R) -> (R, Vec<Value>) {
    ensure_logger();
    let sink = Arc::new(CaptureSink::default());
    let r = Context::current().with_capture(sink.clone()).run(f);
    (r, sink.take())
}

/// Runs `fut` and returns its output and the lines logged while it ran, including lines
/// of tasks it spawned with the context.
///
/// # Panics
/// As [`capture`].
///
/// # Examples
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (n, lines) = ecsctx::testing::capture_future(async {
///     log::warn!("x");
///     1
/// })
/// .await;
/// assert_eq!((n, lines.len()), (1, 1));
/// # });
/// ```
pub async fn capture_future<F: Future>(fut: F) -> (F::Output, Vec<Value>) {
    ensure_logger();
    let sink = Arc::new(CaptureSink::default());
    let ctx = Context::current().with_capture(sink.clone());
    let out = fut.with_context(ctx).await;
    (out, sink.take())
}
