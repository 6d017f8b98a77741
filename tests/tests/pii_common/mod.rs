//! Shared helpers of the PII tests.
#![allow(dead_code)]

use std::path::PathBuf;

use ecsctx::mask::Masker;
use ecsctx::pii::{Config, Keyset, Pii};
use serde_json::Value;

/// `../shared/pii/vectors.json` relative to the workspace root, or `None` (with a loud
/// message) when it is absent.
pub fn vectors() -> Option<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/pii/vectors.json");
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(serde_json::from_str(&s).expect("vectors.json is JSON")),
        Err(e) => {
            eprintln!(
                "\n!!!!!!!! SKIPPED: {} is absent ({e}); PII parity NOT checked !!!!!!!!\n",
                path.display()
            );
            None
        }
    }
}

pub const TOKEN_KEYSET: &str = r#"{"schema_version": 1, "primary_kid": "tk1", "keys": {
  "tk0": {"alg": "HMAC-SHA-256", "created_at": "2024-01-01T00:00:00Z", "key_b64": "gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp8="},
  "tk1": {"alg": "HMAC-SHA-256", "created_at": "2025-01-01T00:00:00Z", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}}"#;

pub const REVEAL_KEYSET: &str = r#"{"schema_version": 1, "primary_kid": "rk1", "keys": {
  "rk0": {"alg": "AES-256-GCM", "created_at": "2024-01-01T00:00:00Z", "key_b64": "oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr8="},
  "rk1": {"alg": "AES-256-GCM", "created_at": "2025-01-01T00:00:00Z", "key_b64": "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="}}}"#;

pub fn token_keyset() -> Keyset {
    Keyset::parse_token(TOKEN_KEYSET.as_bytes(), "test token keyset").unwrap()
}

pub fn reveal_keyset() -> Keyset {
    Keyset::parse_reveal(REVEAL_KEYSET.as_bytes(), "test reveal keyset").unwrap()
}

/// A full-access instance for `env`.
pub fn pii(env: &str) -> Pii {
    Pii::new(Config::keysets(token_keyset(), Some(reveal_keyset())).with_env(env)).unwrap()
}

/// Masks a JSON document the way the renderer does: every string value with its dotted
/// path (`[]` for array elements), every key with its parent path.
pub fn mask_doc(m: &dyn Masker, v: &Value) -> Value {
    fn walk(m: &dyn Masker, path: &str, v: &Value) -> Value {
        let mut out = String::new();
        match v {
            Value::String(s) => {
                if m.mask_str(path, s, &mut out) {
                    Value::String(out)
                } else {
                    v.clone()
                }
            }
            Value::Array(a) => {
                let p = if path.is_empty() {
                    "[]".to_owned()
                } else {
                    format!("{path}.[]")
                };
                Value::Array(a.iter().map(|x| walk(m, &p, x)).collect())
            }
            Value::Object(o) => {
                let mut r = serde_json::Map::new();
                for (k, x) in o {
                    let child = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    out.clear();
                    let key = if m.mask_key(path, k, &mut out) {
                        out.clone()
                    } else {
                        k.clone()
                    };
                    r.insert(key, walk(m, &child, x));
                }
                Value::Object(r)
            }
            _ => v.clone(),
        }
    }
    walk(m, "", v)
}

/// The reference README's dry run, as `extra` of a masked line or document: the personal
/// values tokenized as what they are, `amount` and `gateway_name` untouched.
pub fn assert_dry_run(extra: &Value, p: &Pii) {
    assert_eq!(
        extra["customer_name"],
        p.tokenize("John Doe", "generic").unwrap()
    );
    // Tokenized as what the value is, so an analyst finds it by tokenize(email, "email").
    assert_eq!(
        extra["email"],
        p.tokenize("john@example.com", "email").unwrap()
    );
    assert_eq!(extra["amount"], 100);
    assert_eq!(extra["gateway_name"], "knet");
}
