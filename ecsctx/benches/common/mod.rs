//! What the benchmarks share: the token keyset they tokenize with, and the checkout
//! request's bound fields.

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
