//! Procedural macros for [`ecsctx`](https://docs.rs/ecsctx): [`event!`] and
//! [`bind!`], with compile-time checks against the Elastic Common Schema.
//!
//! Use them through the `ecsctx` crate, which re-exports them and provides
//! the runtime they expand to (`ecsctx::__private`, `ecsctx::context`).
//! The ECS field table is generated from `ecs-9.4.0-fields.tsv` by
//! `gen/gen_schema.py`.
//!
//! Layout: `input.rs` parses, `ast.rs` flattens object literals into dotted
//! keys, `validate.rs` runs every check against `schema.rs`, `suggest.rs`
//! finds "did you mean" candidates and `expand.rs` emits the code.
#![warn(missing_docs)]

mod ast;
mod declare;
mod expand;
mod input;
mod schema;
mod schema_table;
mod suggest;
mod validate;

use proc_macro::TokenStream;

/// Logs one ECS event: `event!([target: "t",] level, "name", fields…)`.
///
/// Expands to an ordinary `log` record whose message is the event name and
/// whose key-values are the fields, so `log`'s level filtering and any other
/// `log` backend keep working. Nothing is evaluated when the level is
/// disabled.
///
/// # Examples
///
/// ```
/// use ecsctx::event;
///
/// let err = std::io::Error::other("timeout");
/// let (store_id, enterprise_id) = (7, "ent-1");
/// let lines = ecsctx::testing::capture(|| {
///     event!(info, "payment_processed", amount = 100, currency = "KWD");
///     event!(error, "gateway_call_failed", error = err); // any std::error::Error
///     event!(info, "login", event.action = "user-login", event.outcome = "success");
///     event!(info, "webhook_received", http.request.method = "POST", keyloop = { store_id, enterprise_id });
///     event!(target: "audit", warn, "limit_reached", user.id = "u-1", limit:% = 10);
/// });
/// assert_eq!(lines[0]["message"], "payment_processed");
/// assert_eq!(lines[0]["extra"]["amount"], 100); // custom keys go under `extra`
/// assert_eq!(lines[1]["error"]["message"], "timeout");
/// assert_eq!(lines[2]["event"]["outcome"], "success");
/// assert_eq!(lines[3]["http"]["request"]["method"], "POST");
/// assert_eq!(lines[3]["extra"]["keyloop"]["store_id"], 7);
/// assert_eq!(lines[4]["log"]["logger"], "audit");
/// ```
///
/// Mistakes are compile errors that say how to fix them:
///
/// ```compile_fail
/// ecsctx::event!(error, "gateway_call_failed", error = "boom");
/// // error: `error` is an ECS field set and must be an object; write
/// //        `error = { message: .. }` or pass a `std::error::Error`
/// ```
///
/// ```compile_fail
/// ecsctx::event!(info, "request_done", http.response.status_code = "200");
/// // error: `http.response.status_code` is an ECS `long`, but this is a string;
/// //        write the number without quotes: `200`
/// ```
///
/// - Levels: `trace`, `debug`, `info`, `warn`, `error`; `target:` defaults to
///   `module_path!()`.
/// - The name is a string literal: no whitespace, no `{}`, 1 to 128
///   characters; or a declared event (a SCREAMING_CASE path declared with
///   [`events!`]), whose declaration the call is checked against.
/// - Fields: `path = expr`, shorthand `ident`, dotted paths, object
///   literals `{ k: v, k2, k3: { … } }` (flattened into dotted keys at
///   compile time), and capture modifiers `:%`/`:display`,
///   `:?`/`:debug`, `:serde` (`key:% = value`). Without a modifier a value
///   is captured with `log::kv::ToValue`; at an ECS `keyword`/`text` field
///   a `Display` value is also taken as it is (written as its text), in
///   `event!` and in `bind!`.
/// - ECS field sets (`error`, `http`, `user`, …) must be objects; their
///   sub-fields and literal values are checked against ECS 9.4.0.
///   `error = err` accepts any `std::error::Error`.
///
/// Custom keys (not ECS names) are allowed and placed under `extra` by the
/// runtime; `ecs_event = { .. }` is accepted as a deprecated alias of
/// `event = { .. }`.
#[proc_macro]
pub fn event(input: TokenStream) -> TokenStream {
    expand::event(input.into()).into()
}

/// Binds context fields that every event logged inside the binding carries.
///
/// Four forms, with the same field syntax and checks as [`event!`]:
///
/// ```text
/// bind!(session_id = sid, merchant_id = m);          // until the end of the enclosing block
/// bind!(unscoped: user_id = 42);                     // merge into the current scope, no guard
/// let out = bind!(request_id = id, in: || handle()); // run a closure inside the binding
/// bind!(session_id = sid, in_future: serve()).await; // a future that runs inside it
/// ```
///
/// - `bind!(…);` is a statement: it expands to a hidden `let` guard, so the
///   binding lasts to the end of the enclosing block and cannot be dropped
///   early by mistake. Use it in ordinary (synchronous) code.
/// - `in:` runs the closure inside the binding and returns its value; use
///   it when the binding must end before the block does.
/// - `in_future:` wraps the future so the binding is active whenever it is
///   polled, on any thread; use it for async code, where a guard held
///   across `.await` would leak into other tasks.
/// - `unscoped:` merges the fields into the current scope with no guard;
///   use it in middleware that already runs inside a scope of its own.
///
/// The shorthand names `span_id`, `user_id`, `ip`, `orn`, `pg_code` and
/// `reference_number` stand for `span.id`, `user.id`, `client.ip`,
/// `payment.orn`, `payment.pg_code` and `payment.reference`; their values are
/// checked as those fields.
///
/// # Examples
///
/// ```
/// use ecsctx::{bind, event};
///
/// let lines = ecsctx::testing::capture(|| {
///     bind!(session_id = "s-1", merchant_id = "m-1");
///     {
///         bind!(user_id = 42, ip = "10.0.0.1");
///         event!(info, "inner"); // session, user and client
///     }
///     let n = bind!(labels.region = "eu-west-1", in: || {
///         event!(info, "in_closure");
///         1
///     });
///     event!(info, "outer"); // session only
///     n
/// });
/// assert_eq!(lines[0]["session_id"], "s-1");
/// assert_eq!(lines[0]["user"]["id"], 42);
/// assert_eq!(lines[0]["client"]["ip"], "10.0.0.1");
/// assert_eq!(lines[1]["labels"]["region"], "eu-west-1");
/// assert!(lines[2].get("user").is_none());
/// assert!(lines[2].get("labels").is_none());
/// ```
///
/// In async code, wrap the future:
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// use ecsctx::{bind, event};
///
/// async fn handle() {
///     tokio::task::yield_now().await;
///     event!(info, "handled");
/// }
/// let ((), lines) = ecsctx::testing::capture_future(async {
///     bind!(session_id = "s-1", in_future: handle()).await;
/// })
/// .await;
/// assert_eq!(lines[0]["session_id"], "s-1");
/// # });
/// ```
///
/// The same checks as `event!` apply:
///
/// ```compile_fail
/// ecsctx::bind!(ip = "localhost");
/// // error: `ip` (bound as `client.ip`) is an ECS `ip`, but "localhost" is not
/// //        an IP address; pass a `std::net::IpAddr` or an address such as "127.0.0.1"
/// ```
#[proc_macro]
pub fn bind(input: TokenStream) -> TokenStream {
    expand::bind(input.into()).into()
}

/// Declares events: names checked at compile time, with their ECS `kind`,
/// `category` and `type`, the fields every call must give, whether they end
/// a piece of work (`terminal`: an `outcome` is required) and the enum of
/// their failure reasons. Documented with examples on `ecsctx::events`.
///
/// ```text
/// events! {
///     #![naming = "strict"]          // optional: "strict" (default) or "snake"
///     /// doc
///     pub NAME = "domain.subject_verbed" {
///         kind: event, category: [web], type: [access],
///         terminal,
///         required: { payment.pg_code, session_id },
///         reasons: MyReasons,
///     }
/// }
/// ```
#[proc_macro]
pub fn events(input: TokenStream) -> TokenStream {
    declare::events(input.into()).into()
}
