//! What the benchmarks share: the token keyset they tokenize with, and the checkout
//! request (its bound fields, its event through `event!`, the same through `tracing`).

// Each bench uses a part of this module.
#![allow(dead_code)]

use ecsctx::context::Fields;
use ecsctx::pii::{Config, Keyset, Pii};

/// A one-key token keyset.
const TOKEN_KEYSET: &[u8] = br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}}"#;

/// A token-only [`Pii`] for the environment `prod`.
pub fn pii() -> Pii {
    let ks = Keyset::parse_token(TOKEN_KEYSET, "bench").unwrap();
    Pii::new(Config::keysets(ks, None).with_env("prod")).unwrap()
}

/// The fields a checkout request binds (7, the shorthands `ip` and `user_id` among them).
pub fn request_fields() -> Fields {
    Fields::new()
        .with("ip", "203.0.113.9")
        .with("user_id", &42)
        .with("session_id", "sess-8f2c91")
        .with("merchant_id", "m-1001")
        .with("labels.region", "eu-west-1")
        .with("keyloop.store_id", &7)
        .with("keyloop.enterprise_id", &3)
}

/// The checkout event through `event!` (the ECS logger's direct path), logged by the
/// `checkout` target whichever bench calls it (`checkout` compares the line with its
/// floor document).
#[inline(always)]
pub fn checkout_event() {
    ecsctx::event!(
        target: "checkout",
        info,
        "payment_processed",
        amount = 100,
        currency = "KWD",
        attempt = 1,
        latency_ms = 12.5
    );
}

/// The checkout request's context as a `tracing` span (what a `tracing-subscriber` user
/// binds), entered by the caller.
pub fn tracing_request_span(tc: &ecsctx::trace::TraceContext) -> tracing::Span {
    tracing::info_span!(
        "request",
        trace_id = %tc.trace_id(),
        span_id = %tc.span_id(),
        client_ip = "203.0.113.9",
        user_id = 42,
        session_id = "sess-8f2c91",
        merchant_id = "m-1001",
        labels_region = "eu-west-1",
        keyloop_store_id = 7,
        keyloop_enterprise_id = 3,
    )
}

/// The checkout event through `tracing`.
#[inline(always)]
pub fn tracing_checkout_event() {
    tracing::info!(
        target: "checkout",
        amount = 100,
        currency = "KWD",
        attempt = 1,
        latency_ms = 12.5,
        "payment_processed"
    );
}
