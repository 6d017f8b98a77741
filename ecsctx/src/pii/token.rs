//! Deterministic tokens: `ptok:v1:` + base64url(HMAC-SHA-256(derived key, normalized value)).

use std::collections::HashMap;
use std::sync::RwLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::keyset::{Key, Keyset};
use super::normalize::normalize;

type HmacSha256 = Hmac<Sha256>;

/// The token prefix.
pub(crate) const TOKEN_PREFIX: &str = "ptok:v1:";

/// Length of a token: the prefix plus 43 base64url characters.
pub(crate) const TOKEN_LEN: usize = TOKEN_PREFIX.len() + 43;

/// Field types whose derived keys are computed when the keyset is loaded.
const PRECOMPUTED: [&str; 4] = ["email", "phone", "generic", "name"];

/// A token keyset with its per-(env, field type) derived keys.
pub(crate) struct TokenKeys {
    env: Box<str>,
    keyset: Keyset,
    precomputed: [Key; 4],
    /// Derived keys of other field types, computed on first use, once per keyset load.
    others: RwLock<HashMap<Box<str>, Key>>,
}

/// `HMAC-SHA-256(key = primary, msg = "{env}|{field_type}")`.
pub(crate) fn derive_key(primary: &[u8; 32], env: &str, field_type: &str) -> Key {
    let mut mac = HmacSha256::new_from_slice(primary).expect("HMAC takes any key length");
    mac.update(env.as_bytes());
    mac.update(b"|");
    mac.update(field_type.as_bytes());
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

impl TokenKeys {
    pub(crate) fn new(keyset: Keyset, env: &str) -> TokenKeys {
        let p = keyset.primary_key();
        let precomputed = PRECOMPUTED.map(|ft| derive_key(p, env, ft));
        TokenKeys {
            env: env.into(),
            keyset,
            precomputed,
            others: RwLock::new(HashMap::new()),
        }
    }

    #[cfg(test)]
    pub(crate) fn keyset(&self) -> &Keyset {
        &self.keyset
    }

    /// Appends the token of `value` to `out`.
    pub(crate) fn tokenize_into(&self, value: &str, field_type: &str, out: &mut String) {
        let normalized = normalize(value, field_type);
        let digest = match PRECOMPUTED.iter().position(|&f| f == field_type) {
            Some(i) => mac(&self.precomputed[i], normalized.as_bytes()),
            None => {
                let cached = self
                    .others
                    .read()
                    .unwrap_or_else(|e| e.into_inner())
                    .get(field_type)
                    .map(|k| mac(k, normalized.as_bytes()));
                match cached {
                    Some(d) => d,
                    None => {
                        let key = derive_key(self.keyset.primary_key(), &self.env, field_type);
                        let d = mac(&key, normalized.as_bytes());
                        self.others
                            .write()
                            .unwrap_or_else(|e| e.into_inner())
                            .insert(field_type.into(), key);
                        d
                    }
                }
            }
        };
        push_token(&digest, out);
    }
}

#[inline]
fn mac(key: &[u8; 32], msg: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

#[inline]
fn push_token(digest: &[u8; 32], out: &mut String) {
    let mut buf = [0u8; 43];
    let n = URL_SAFE_NO_PAD
        .encode_slice(digest, &mut buf)
        .expect("43 bytes hold 32 bytes of base64");
    out.push_str(TOKEN_PREFIX);
    out.push_str(std::str::from_utf8(&buf[..n]).expect("base64 is ASCII"));
}

/// Whether `s` starts with a token or ciphertext prefix (already protected).
#[inline]
pub(crate) fn is_protected(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 8 && (b.starts_with(b"ptok:v1:") || b.starts_with(b"penc:v1:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KS: &[u8] = br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}}"#;

    #[test]
    fn known_token() {
        let k = TokenKeys::new(Keyset::parse_token(KS, "t").unwrap(), "prod");
        let mut s = String::new();
        k.tokenize_into("john.doe@example.com", "email", &mut s);
        assert_eq!(s, "ptok:v1:doa_-GE9Q8bX36KrTfo84reb8Lz4UiXDlxD3f8opx_Y");
        assert_eq!(s.len(), TOKEN_LEN);
        s.clear();
        // A field type that is not precomputed takes the cached path twice.
        k.tokenize_into("ACCT-0001", "account_number", &mut s);
        assert_eq!(s, "ptok:v1:f0AvktPj53lNArbiMf8wqEV3pzQGBgFZH1Wi1Xzrm8U");
        s.clear();
        k.tokenize_into("ACCT-0001", "account_number", &mut s);
        assert_eq!(s, "ptok:v1:f0AvktPj53lNArbiMf8wqEV3pzQGBgFZH1Wi1Xzrm8U");
    }
}
