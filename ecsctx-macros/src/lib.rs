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
/// ```text
/// event!(info, "payment_processed", amount = 100, currency = "KWD");
/// event!(error, "gateway_call_failed", error = err);        // any std::error::Error
/// event!(error, "gateway_call_failed", error = { message: e.to_string(), type: "Timeout" });
/// event!(info, "login", event.action = "user-login", event.outcome = "success");
/// event!(info, "webhook_received", http.request.method = "POST", keyloop = { store_id, enterprise_id });
/// event!(target: "audit", warn, "limit_reached", user.id = uid, limit:% = limit);
/// ```
///
/// - Levels: `trace`, `debug`, `info`, `warn`, `error`; `target:` defaults to
///   `module_path!()`.
/// - The name is a string literal: no whitespace, no `{}`, 1 to 128
///   characters.
/// - Fields: `path = expr`, shorthand `ident`, dotted paths, object
///   literals `{ k: v, k2, k3: { … } }` (flattened into dotted keys at
///   compile time), and capture modifiers `:%`/`:display`,
///   `:?`/`:debug`, `:serde` (`key:% = value`). Without a modifier a value
///   is captured with `log::kv::ToValue`.
/// - ECS field sets (`error`, `http`, `user`, …) must be objects; their
///   sub-fields and literal values are checked against ECS 9.4.0.
///   `error = err` accepts any `std::error::Error`.
///
/// See the `ecsctx` documentation for runnable examples.
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
/// let out = bind!(request.id = id, in: || handle()); // run a closure inside the binding
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
/// See the `ecsctx` documentation for runnable examples.
#[proc_macro]
pub fn bind(input: TokenStream) -> TokenStream {
    expand::bind(input.into()).into()
}
