//! Declared events: names, ECS categorization and required fields, checked by the
//! compiler.
//!
//! [`events!`](crate::events!) declares each event once; `event!` then takes the
//! declaration instead of a string:
//!
//! ```
//! use ecsctx::ecs::Outcome;
//! use ecsctx::event;
//!
//! /// Why a PSP call failed.
//! #[derive(Debug)]
//! pub enum PgFailure { Timeout, Declined }
//!
//! ecsctx::events! {
//!     /// A PSP replied to a payment request.
//!     pub PG_RESPONSE_RECEIVED = "pg.response_received" {
//!         kind: event, category: [network], type: [connection],
//!         terminal,                               // every call gives an `outcome`
//!         required: { payment.pg_code },          // and these fields
//!         reasons: PgFailure,                     // `reason` is one of these
//!     }
//!     /// A refund was sent to the acquirer.
//!     pub REFUND_SENT = "payment.refund_sent" { kind: event, category: [web] }
//! }
//!
//! let lines = ecsctx::testing::capture(|| {
//!     event!(warn, PG_RESPONSE_RECEIVED, outcome = Outcome::Failure,
//!            reason = PgFailure::Timeout, payment.pg_code = "knet");
//!     event!(info, REFUND_SENT, amount = 100);
//! });
//! let e = &lines[0]["event"];
//! assert_eq!(lines[0]["message"], "pg.response_received");
//! assert_eq!(e["action"], "pg.response_received");
//! assert_eq!(e["kind"], "event");
//! assert_eq!(e["category"], serde_json::json!(["network"]));
//! assert_eq!(e["type"], serde_json::json!(["connection"]));
//! assert_eq!(e["outcome"], "failure");
//! assert_eq!(e["reason"], "Timeout");
//! assert_eq!(lines[0]["payment"]["pg_code"], "knet");
//! assert_eq!(lines[1]["extra"]["amount"], 100);
//! assert_eq!(catalog().len(), 2);
//! ```
//!
//! What the compiler rejects (each with the fix in its message):
//! - in `events!`: an action that breaks the naming rules, a `kind`, `category` or `type`
//!   that ECS does not allow, a `required` path that is not a field (an unknown ECS
//!   sub-field);
//! - in `event!`: a terminal event without `outcome`, a missing required field, a
//!   `reason` of another type than the declared `reasons` (or on an event without
//!   them), `event.action`/`kind`/`category`/`type` given again, and every check plain
//!   events get (flat values on field sets, ECS datatypes).
//!
//! ```compile_fail
//! ecsctx::events! { pub REFUND_SENT = "payment.refund_sent" { terminal } }
//! ecsctx::event!(info, REFUND_SENT); // error: a terminal event needs `outcome = …`
//! ```
//!
//! **Naming rules.** By default (`strict`) an action is `<domain>.<subject>_<verb>`:
//! dot-separated lower snake case segments, at least two, the last one ending in a
//! past-tense verb (`…ed` or an irregular participle such as `sent`, `paid`, `built`),
//! with no whitespace and no negation (`not`, `no`, `never`, `non`, `cannot`, `unable`:
//! name what happened, `payment.capture_failed`). `snake` keeps only the lower-snake-case
//! and domain rules. A crate sets its rule set in its `Cargo.toml`:
//!
//! ```toml
//! [package.metadata.ecsctx]
//! event_naming = "snake"   # or "strict", the default
//! ```
//!
//! and one `events!` block can set its own with `#![naming = "snake"]` as its first line.
//!
//! **Rendering.** A declared event renders exactly as the same event written with dotted
//! fields: the message and `event.action` are the action, `event.kind`,
//! `event.category` and `event.type` are the declared values, `outcome` and `reason`
//! are `event.outcome` and `event.reason` (a reason is written with its `Debug` form,
//! `Timeout`).
//!
//! **The catalog.** Each `events!` block adds `pub fn catalog() -> &'static [EventInfo]`
//! to its module (so declare a module's events in one block), for documentation and
//! tooling.
//!
//! **Timed events.** [`timed`] measures a piece of work and logs its event when it ends.

use std::marker::PhantomData;
use std::time::{Instant, SystemTime};

use crate::ecs::Outcome;

/// What an `events!` declaration says about one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventInfo {
    /// The declared name (`PG_RESPONSE_RECEIVED`).
    pub name: &'static str,
    /// `event.action` and the message (`pg.response_received`).
    pub action: &'static str,
    /// The module that declares the event: the target (`log.logger`) of its
    /// [`timed`] lines.
    pub module: &'static str,
    /// The declaration's doc comment, on one line.
    pub doc: &'static str,
    /// `event.kind`.
    pub kind: Option<&'static str>,
    /// `event.category`.
    pub category: &'static [&'static str],
    /// `event.type`.
    pub event_type: &'static [&'static str],
    /// Whether every call must give an `outcome` (the event ends a piece of work).
    pub terminal: bool,
    /// The fields every call must give (dotted paths).
    pub required: &'static [&'static str],
    /// The type of the declared reasons, as written.
    pub reasons: Option<&'static str>,
}

/// An event declared with [`events!`](crate::events!): the unit struct it generates.
/// Implement it only through `events!` (its hidden members are the macro's).
///
/// # Examples
/// ```
/// use ecsctx::events::Declared;
///
/// ecsctx::events! { pub ORDER_PLACED = "shop.order_placed" { kind: event, category: [web] } }
/// assert_eq!(ORDER_PLACED::INFO.action, "shop.order_placed");
/// assert_eq!(ORDER_PLACED::INFO.category, &["web"]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a declared event",
    label = "not declared in `ecsctx::events!`",
    note = "declare it in an `ecsctx::events! {{ .. }}` block, or name the event with a string literal: `event!(info, \"payment_captured\")`"
)]
pub trait Declared: Copy + 'static {
    /// The declaration.
    const INFO: EventInfo;
    /// What the declaration writes (`event.action`, then `event.kind`, `event.category`
    /// and `event.type` when declared), first; unused slots after them.
    #[doc(hidden)]
    const META: [(&'static str, crate::event::Arg<'static>); 4];
    /// How many of [`Self::META`]'s slots are used.
    #[doc(hidden)]
    const META_LEN: usize;
}

/// Implemented by `events!` for the `reasons:` type of `E`: the types `reason = …` takes.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a declared reason of `{E}`",
    label = "not one of `{E}`'s reasons",
    note = "`reason = …` takes the type named by the event's `reasons:` in `events!`; log any other value as a field of its own"
)]
pub trait ReasonOf<E: Declared> {}

/// Starts timing the work that `event` reports; the event is logged when the guard ends,
/// with `event.start`, `event.end`, `event.duration` (nanoseconds) and the outcome:
/// [`Timed::success`], [`Timed::failure`], [`Timed::finish`], or `failure` when the
/// guard is dropped without one (an early return, `?`, a panic).
///
/// The line is `info` for a success or an unknown outcome and `warn` for a failure; its
/// target (`log.logger`, and what level directives match) is the module that declares
/// the event.
/// An event with `required` fields cannot be timed (a compile error): its fields would
/// have to be known when the work starts.
///
/// # Examples
/// ```
/// ecsctx::events! { pub REPORT_BUILT = "reports.report_built" { kind: event, category: [process], terminal } }
///
/// let lines = ecsctx::testing::capture(|| {
///     let t = ecsctx::events::timed(REPORT_BUILT);
///     std::thread::sleep(std::time::Duration::from_millis(2));
///     t.success();
/// });
/// let e = &lines[0]["event"];
/// assert_eq!(e["action"], "reports.report_built");
/// assert_eq!(e["outcome"], "success");
/// assert!(e["duration"].as_u64().unwrap() >= 2_000_000);
/// assert!(e["start"].as_str().unwrap() <= e["end"].as_str().unwrap());
/// ```
pub fn timed<E: Declared>(event: E) -> Timed<E> {
    const {
        assert!(
            E::INFO.required.is_empty(),
            "an event with `required` fields cannot be timed: log it with `event!` and its fields"
        )
    };
    let _ = event;
    Timed {
        start: SystemTime::now(),
        clock: Instant::now(),
        done: false,
        _event: PhantomData,
    }
}

/// The guard of [`timed`]: logs the event once, when it ends.
#[must_use = "the event is logged when this guard ends: keep it for the duration of the work"]
#[derive(Debug)]
pub struct Timed<E: Declared> {
    start: SystemTime,
    clock: Instant,
    done: bool,
    _event: PhantomData<E>,
}

impl<E: Declared> Timed<E> {
    /// Ends the work with `event.outcome = success`.
    ///
    /// # Examples
    /// See [`timed`].
    pub fn success(self) {
        self.finish(Outcome::Success)
    }

    /// Ends the work with `event.outcome = failure`.
    ///
    /// # Examples
    /// ```
    /// ecsctx::events! { pub SYNC_FINISHED = "catalog.sync_finished" }
    /// let lines = ecsctx::testing::capture(|| ecsctx::events::timed(SYNC_FINISHED).failure());
    /// assert_eq!(lines[0]["event"]["outcome"], "failure");
    /// assert_eq!(lines[0]["log.level"], "warn");
    /// ```
    pub fn failure(self) {
        self.finish(Outcome::Failure)
    }

    /// Ends the work with `outcome`.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::ecs::Outcome;
    /// ecsctx::events! { pub SYNC_FINISHED = "catalog.sync_finished" }
    /// let lines = ecsctx::testing::capture(|| ecsctx::events::timed(SYNC_FINISHED).finish(Outcome::Unknown));
    /// assert_eq!(lines[0]["event"]["outcome"], "unknown");
    /// ```
    pub fn finish(mut self, outcome: Outcome) {
        self.done = true;
        self.log(outcome);
    }

    fn log(&self, outcome: Outcome) {
        let level = match outcome {
            Outcome::Failure => log::Level::Warn,
            _ => log::Level::Info,
        };
        let info = &E::INFO;
        let target = info.module;
        if level > log::max_level()
            || !log::logger().enabled(&log::Metadata::builder().level(level).target(target).build())
        {
            return;
        }
        let nanos = u64::try_from(self.clock.elapsed().as_nanos()).unwrap_or(u64::MAX);
        let end = self.start + std::time::Duration::from_nanos(nanos);
        let start = crate::typed::date_value(&self.start);
        let end = crate::typed::date_value(&end);
        // The declaration's members as `event!` writes them, after the measured ones.
        let meta = E::META;
        let [m0, m1, m2, m3] = &meta;
        let kvs: [(&str, log::kv::Value<'_>); 8] = [
            ("event.outcome", log::kv::Value::from(outcome.as_str())),
            ("event.duration", log::kv::Value::from(nanos)),
            ("event.start", log::kv::Value::from_display(&start)),
            ("event.end", log::kv::Value::from_display(&end)),
            (m0.0, m0.1.to_value()),
            (m1.0, m1.1.to_value()),
            (m2.0, m2.1.to_value()),
            (m3.0, m3.1.to_value()),
        ];
        let kvs = &kvs[..4 + E::META_LEN.min(4)];
        let _event = crate::logger::EventMarker::enter();
        log::logger().log(
            &log::Record::builder()
                .level(level)
                .target(target)
                .args(format_args!("{}", info.action))
                .key_values(&kvs)
                .build(),
        );
    }
}

impl<E: Declared> Drop for Timed<E> {
    fn drop(&mut self) {
        if !self.done {
            self.done = true;
            self.log(Outcome::Failure);
        }
    }
}
