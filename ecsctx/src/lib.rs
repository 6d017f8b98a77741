//! # ecsctx — ECS JSON logging for Rust
//!
//! A [`log`] backend that turns every record — yours and every other crate's — into one
//! [Elastic Common Schema](https://www.elastic.co/guide/en/ecs/current/index.html) JSON
//! line, with request context, W3C trace context and PII masking.
//!
//! ```
//! use ecsctx::context::{self, Fields};
//!
//! let lines = ecsctx::testing::capture(|| {
//!     let _ctx = context::bind(Fields::new().with("session_id", "s-1").with("user_id", &42));
//!     log::info!(amount = 100, currency = "KWD"; "payment_processed");
//! });
//! let line = &lines[0];
//! assert_eq!(line["message"], "payment_processed");
//! assert_eq!(line["log.level"], "info");
//! assert_eq!(line["extra"]["amount"], 100);
//! assert_eq!(line["session_id"], "s-1");
//! assert_eq!(line["user"]["id"], 42);
//! ```
//!
//! In an application, install the logger once: [`init()`] (environment) or [`Builder`].
//!
//! ## Modules
//! - [`context`]: scoped and unscoped bindings, propagation into threads and futures.
//! - [`trace`]: W3C `traceparent` in and out.
//! - [`sink`]: writers, the non-blocking writer, [`stats`].
//! - [`testing`]: capture lines in tests.
//! - [`mask`]: the masking seam applied to every string.
//! - [`placement`]: which keys stay at the root.
//! - [`events`](mod@events): declared events (`events!`), checked by the compiler, and [`timed`].
//!
//! ## Cargo features
//! | feature | adds |
//! |---|---|
//! | `tokio` | [`integrations::tokio`]: `spawn` that carries the context |
//! | `tower` | `integrations::tower`: a `Layer` giving each HTTP request its context, trace and client IP |
//! | `axum` | `integrations::axum`: the layer's axum support (`ConnectInfo`, body capture, `bind_user`) |
//! | `reqwest` | `integrations::reqwest`: a `reqwest-middleware` middleware that sends `traceparent` |
//! | `tracing` | `integrations::tracing`: a `tracing-subscriber` layer writing `tracing` events as structured lines |
//! | `opentelemetry` | with `tracing`: lines of events inside an OpenTelemetry span carry its `trace.id`/`span.id` |
//! | `chrono`, `time` | `chrono::DateTime<Tz>` / `time::OffsetDateTime` at ECS `date` fields |
//! | `anyhow` | `error = err` accepts `anyhow::Error` in `event!`/`bind!` |
//! | `vault` | the Vault provider for PII keysets (AppRole login, KV v2; `PII_PROVIDER=vault`) |
//! | `cli` | the `ecsctx` binary: `template`, `tokenize`, `protect`, `reveal` (over `clap`) |
//!
//! Always available: [`integrations::jobs`], to carry the context through job queues.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod config;
pub mod context;
pub mod ecs;
mod event;
pub mod events;
mod filter;
mod ids;
pub mod integrations;
mod logger;
pub mod mask;
mod memo;
pub mod pii;
pub mod placement;
mod render;
mod settings;
pub mod sink;
pub mod testing;
pub mod trace;
mod typed;

pub use config::{init, try_init, Builder, InitError};
pub use logger::{EcsLogger, Format};
pub use sink::{stats, Stats};

/// Writes out every line logged so far: flushes the installed logger's sink and, for a
/// [`NonBlocking`](sink::NonBlocking) writer, waits until its queue is written.
///
/// Call it before [`std::process::exit`] (which runs no destructors, so a
/// [`WorkerGuard`](sink::WorkerGuard) still alive never drains its queue) and at the end
/// of a graceful shutdown. Called from inside a sink (a writer that logs), it does
/// nothing.
///
/// # Examples
/// ```
/// log::info!("last words");
/// ecsctx::flush();
/// // std::process::exit(0);
/// ```
pub fn flush() {
    log::logger().flush();
}

pub use __private::FieldSet;
pub use ecsctx_macros::{bind, event, events};
pub use events::timed;

/// One JSON line as the development console shows it (`ECSCTX_FORMAT=pretty`), with its
/// newline: for lines piped from any ECS service (`ecsctx pretty`). `full`: every field
/// (`ECSCTX_PRETTY=full`); else the event's fields, then the request marker (the first 8
/// hex of `trace.id`). `color`: ANSI colours. A line that is not a JSON object is kept.
///
/// # Examples
/// ```
/// let line = r#"{"@timestamp":"2026-12-06T10:30:00.123Z","log.level":"info","message":"payment_processed","ecs.version":"1.12.0","extra":{"amount":100},"service":{"name":"checkout"}}"#;
/// assert_eq!(
///     ecsctx::pretty_line(line, false, false),
///     "10:30:00.123 INFO  payment_processed amount=100\n"
/// );
/// assert_eq!(ecsctx::pretty_line("not json", false, false), "not json\n");
/// ```
pub fn pretty_line(json: &str, full: bool, color: bool) -> String {
    let mut out = String::new();
    render::pretty::to_pretty(
        json.as_bytes(),
        render::pretty::Style { color, full },
        None,
        &mut out,
    );
    out
}
#[doc(hidden)]
pub mod __private;

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
