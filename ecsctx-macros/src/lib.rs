//! Procedural macros for [`ecsctx`](https://docs.rs/ecsctx): `event!` and `bind!`.
//!
//! Use them through the `ecsctx` crate, which re-exports them.
