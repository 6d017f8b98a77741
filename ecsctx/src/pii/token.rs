//! Deterministic tokens: `ptok:v1:` + base64url(HMAC-SHA-256(derived key, normalized value)).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher, RandomState};
use std::sync::RwLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::digest::generic_array::GenericArray;
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use super::keyset::{Key, Keyset};
use super::normalize::normalize;
use crate::memo;

type HmacSha256 = Hmac<Sha256>;

/// The token prefix.
pub(crate) const TOKEN_PREFIX: &str = "ptok:v1:";

/// Length of a token: the prefix plus 43 base64url characters.
pub(crate) const TOKEN_LEN: usize = TOKEN_PREFIX.len() + 43;

/// Field types whose derived keys are computed when the keyset is loaded.
const PRECOMPUTED: [&str; 4] = ["email", "phone", "generic", "name"];

/// A token keyset with its per-(env, field type) derived keys, prepared for HMAC.
pub(crate) struct TokenKeys {
    env: Box<str>,
    keyset: Keyset,
    precomputed: [PreparedMac; 4],
    /// Derived keys of other field types, computed on first use, once per keyset load.
    others: RwLock<HashMap<Box<str>, PreparedMac>>,
    /// Names these keys in the per-thread memo (`MEMO`) (never reused, so a reload or another
    /// keyset never sees this one's tokens).
    id: u64,
    /// The keyed SipHash of the memo's 128-bit fingerprints. Random per load, so
    /// fingerprints cannot be precomputed or compared across processes.
    fingerprint: RandomState,
}

/// One memo entry: a token recently computed on this thread, by a keyed 128-bit
/// fingerprint of (field type, value), so a customer logged on several lines of a request
/// is hashed once. The memo holds no plaintext: only fingerprints and the tokens that go
/// in logs anyway.
#[derive(Clone, Default)]
struct Slot {
    keys: u64,
    fp: (u64, u64),
    /// The whole token, prefix included (its buffer is reused when the slot is).
    token: String,
}

/// Memo slots per thread (direct-mapped by fingerprint).
const MEMO_SLOTS: usize = 64;

thread_local! {
    static MEMO: memo::Table<Slot> = const { RefCell::new(Vec::new()) };
}

/// The SHA-256 initial state (FIPS 180-4).
const SHA256_IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// HMAC-SHA-256 with the key already absorbed: the SHA-256 states after the `ipad` and
/// `opad` blocks (RFC 2104), so a MAC costs two compressions for a short message instead
/// of four. The states are as secret as the key: they are zeroized on drop.
pub(crate) struct PreparedMac {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl Drop for PreparedMac {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

impl PreparedMac {
    pub(crate) fn new(key: &[u8; 32]) -> Self {
        let mut block = Zeroizing::new([0u8; 64]);
        let state = |pad: u8, block: &mut [u8; 64]| {
            block.fill(pad);
            for (b, k) in block.iter_mut().zip(key) {
                *b ^= k;
            }
            let mut st = SHA256_IV;
            sha2::compress256(&mut st, &[*GenericArray::from_slice(&block[..])]);
            st
        };
        let inner = state(0x36, &mut block);
        let outer = state(0x5c, &mut block);
        PreparedMac { inner, outer }
    }

    /// `HMAC-SHA-256(key, msg)`.
    #[inline]
    pub(crate) fn mac(&self, msg: &[u8]) -> [u8; 32] {
        let mut inner = finish(self.inner, msg);
        let out = finish(self.outer, &inner);
        inner.zeroize();
        out
    }
}

/// Completes SHA-256 from `state` (one 64-byte key block already absorbed) over `msg`.
fn finish(mut state: [u32; 8], msg: &[u8]) -> [u8; 32] {
    let mut chunks = msg.chunks_exact(64);
    for c in &mut chunks {
        sha2::compress256(&mut state, &[*GenericArray::from_slice(c)]);
    }
    let rem = chunks.remainder();
    let mut tail = Zeroizing::new([0u8; 128]);
    tail[..rem.len()].copy_from_slice(rem);
    tail[rem.len()] = 0x80;
    let n = if rem.len() + 9 <= 64 { 64 } else { 128 };
    let bits = (64 + msg.len() as u64) * 8;
    tail[n - 8..n].copy_from_slice(&bits.to_be_bytes());
    for block in tail[..n].chunks_exact(64) {
        sha2::compress256(&mut state, &[*GenericArray::from_slice(block)]);
    }
    let mut out = [0u8; 32];
    for (o, w) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    state.zeroize();
    out
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
        let precomputed = PRECOMPUTED.map(|ft| PreparedMac::new(&derive_key(p, env, ft)));
        TokenKeys {
            env: env.into(),
            keyset,
            precomputed,
            others: RwLock::new(HashMap::new()),
            id: crate::ids::next(),
            fingerprint: RandomState::new(),
        }
    }

    /// `field_type` is `None` when the type is detected from the value. UTF-8 never holds
    /// the bytes `0xfe`/`0xff`, so the two kinds of input cannot produce the same stream.
    /// The second half is the same keyed hash over the input plus one more byte: two
    /// outputs of one pseudo-random function on distinct inputs.
    fn fingerprint(&self, value: &str, field_type: Option<&str>) -> (u64, u64) {
        let mut h = self.fingerprint.build_hasher();
        match field_type {
            Some(ft) => {
                h.write(ft.as_bytes());
                h.write_u8(0xff);
            }
            None => h.write_u8(0xfe),
        }
        h.write(value.as_bytes());
        let first = h.finish();
        h.write_u8(0x01);
        (first, h.finish())
    }

    #[cfg(test)]
    pub(crate) fn keyset(&self) -> &Keyset {
        &self.keyset
    }

    /// Appends the token of `value` to `out` (from this thread's memo when it was made
    /// recently).
    pub(crate) fn tokenize_into(&self, value: &str, field_type: &str, out: &mut String) {
        self.memoized(value, Some(field_type), || field_type, out);
    }

    /// Like [`Self::tokenize_into`], with the field type `detect`ed from the value (and the
    /// detection memoized with the token).
    pub(crate) fn tokenize_detected_into(
        &self,
        value: &str,
        detect: fn(&str) -> &'static str,
        out: &mut String,
    ) {
        self.memoized(value, None, || detect(value), out);
    }

    fn memoized<'f>(
        &self,
        value: &str,
        tag: Option<&str>,
        field_type: impl FnOnce() -> &'f str,
        out: &mut String,
    ) {
        let fp = self.fingerprint(value, tag);
        let slot = (fp.0 % MEMO_SLOTS as u64) as usize;
        let hit = memo::get(&MEMO, slot, |s| {
            (s.keys == self.id && s.fp == fp).then(|| out.push_str(&s.token))
        });
        if hit.is_some() {
            return;
        }
        let t = self.compute(value, field_type());
        let t = std::str::from_utf8(&t).expect("base64 is ASCII");
        out.push_str(TOKEN_PREFIX);
        out.push_str(t);
        memo::put(&MEMO, MEMO_SLOTS, Slot::default, slot, |s| {
            s.keys = self.id;
            s.fp = fp;
            s.token.clear();
            s.token.push_str(TOKEN_PREFIX);
            s.token.push_str(t);
        });
    }

    /// The token of `value` without the prefix, computed (no memo).
    fn compute(&self, value: &str, field_type: &str) -> [u8; 43] {
        let normalized = normalize(value, field_type);
        let digest = match PRECOMPUTED.iter().position(|&f| f == field_type) {
            Some(i) => self.precomputed[i].mac(normalized.as_bytes()),
            None => {
                let cached = self
                    .others
                    .read()
                    .unwrap_or_else(|e| e.into_inner())
                    .get(field_type)
                    .map(|k| k.mac(normalized.as_bytes()));
                match cached {
                    Some(d) => d,
                    None => {
                        let key = derive_key(self.keyset.primary_key(), &self.env, field_type);
                        let prepared = PreparedMac::new(&key);
                        let d = prepared.mac(normalized.as_bytes());
                        self.others
                            .write()
                            .unwrap_or_else(|e| e.into_inner())
                            .insert(field_type.into(), prepared);
                        d
                    }
                }
            }
        };
        let mut buf = [0u8; 43];
        let n = URL_SAFE_NO_PAD
            .encode_slice(digest, &mut buf)
            .expect("43 bytes hold 32 bytes of base64");
        debug_assert_eq!(n, 43);
        buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KS: &[u8] = br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}}"#;

    #[test]
    fn prepared_mac_equals_hmac_for_every_length() {
        let key: [u8; 32] = std::array::from_fn(|i| (i * 7 + 3) as u8);
        let prepared = PreparedMac::new(&key);
        let msg: Vec<u8> = (0..300u32).map(|i| (i * 31 % 251) as u8).collect();
        for len in 0..msg.len() {
            let mut reference = HmacSha256::new_from_slice(&key).unwrap();
            reference.update(&msg[..len]);
            let expected: [u8; 32] = reference.finalize().into_bytes().into();
            assert_eq!(prepared.mac(&msg[..len]), expected, "length {len}");
        }
    }

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

    /// The memo returns what computing returns, for many values that share slots, and
    /// never a token of another keyset (a reload) or another field type.
    #[test]
    fn memo_is_transparent() {
        let a = TokenKeys::new(Keyset::parse_token(KS, "t").unwrap(), "prod");
        let b = TokenKeys::new(Keyset::parse_token(KS, "t").unwrap(), "dev");
        let tok = |k: &TokenKeys, v: &str, ft: &str| {
            let mut s = String::new();
            k.tokenize_into(v, ft, &mut s);
            s
        };
        let values: Vec<String> = (0..500)
            .map(|i| format!("user{}@example.com", i % 150))
            .collect();
        for v in &values {
            for ft in ["email", "generic"] {
                let expected = format!(
                    "{TOKEN_PREFIX}{}",
                    std::str::from_utf8(&a.compute(v, ft)).unwrap()
                );
                assert_eq!(tok(&a, v, ft), expected);
                assert_eq!(tok(&a, v, ft), expected, "second call (memo)");
                let other = format!(
                    "{TOKEN_PREFIX}{}",
                    std::str::from_utf8(&b.compute(v, ft)).unwrap()
                );
                assert_ne!(other, expected);
                assert_eq!(tok(&b, v, ft), other);
            }
        }
        // Same normalized email, other raw text: same token, either order.
        assert_eq!(
            tok(&a, " John@X.com", "email"),
            tok(&a, "john@x.com", "email")
        );
        // A detected type shares no memo entry with an explicit one.
        let detected = |v: &str| {
            let mut s = String::new();
            a.tokenize_detected_into(v, |_| "generic", &mut s);
            s
        };
        for v in &values {
            let email = tok(&a, v, "email");
            assert_ne!(detected(v), email);
            assert_eq!(detected(v), tok(&a, v, "generic"));
        }
    }
}
