//! What the benchmarks share: the token keyset they tokenize with.

use ecsctx::pii::{Config, Keyset, Pii};

/// A one-key token keyset.
const TOKEN_KEYSET: &[u8] = br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}}"#;

/// A token-only [`Pii`] for the environment `prod`.
pub fn pii() -> Pii {
    let ks = Keyset::parse_token(TOKEN_KEYSET, "bench").unwrap();
    Pii::new(Config::keysets(ks, None).with_env("prod")).unwrap()
}
