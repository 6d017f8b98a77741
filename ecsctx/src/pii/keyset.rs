//! Keyset files: parsing and validation.

use std::fmt;

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use serde::Deserialize;
use zeroize::{Zeroize, Zeroizing};

use super::error::Error;

/// Which algorithm a keyset's keys are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alg {
    /// Token keysets: `HMAC-SHA-256`.
    Hmac,
    /// Reveal keysets: `AES-256-GCM`.
    AesGcm,
}

impl Alg {
    fn name(self) -> &'static str {
        match self {
            Alg::Hmac => "HMAC-SHA-256",
            Alg::AesGcm => "AES-256-GCM",
        }
    }
}

/// A 32-byte key, wiped from memory when dropped.
pub(crate) type Key = Zeroizing<[u8; 32]>;

/// A validated keyset: a primary key id and 32-byte keys by id.
///
/// Keysets are the JSON documents shared with the Python package:
/// `{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256",
/// "created_at": "…", "key_b64": "…"}}}`. `key_b64` is base64 (URL-safe or standard
/// alphabet, padding optional, whitespace ignored). Token keysets use `HMAC-SHA-256`,
/// reveal keysets `AES-256-GCM`. Keys are wiped from memory when the keyset is dropped and
/// never appear in `Debug` output or errors.
///
/// # Examples
/// ```
/// use ecsctx::pii::Keyset;
///
/// let json = br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {
///     "alg": "HMAC-SHA-256", "created_at": "2025-01-01T00:00:00Z",
///     "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}}}"#;
/// let keyset = Keyset::parse_token(json, "token-keyset.json").unwrap();
/// assert_eq!(keyset.primary_kid(), "tk1");
/// assert!(!format!("{keyset:?}").contains("AAEC"));
/// ```
pub struct Keyset {
    alg: Alg,
    primary: usize,
    keys: Vec<(Box<str>, Key)>,
}

#[derive(Deserialize)]
struct RawKeyset {
    #[serde(default)]
    schema_version: Option<serde_json::Value>,
    primary_kid: Option<String>,
    keys: Option<std::collections::BTreeMap<String, RawKey>>,
}

#[derive(Deserialize)]
struct RawKey {
    alg: Option<String>,
    key_b64: Option<String>,
}

impl Drop for RawKey {
    fn drop(&mut self) {
        if let Some(k) = self.key_b64.as_mut() {
            k.zeroize();
        }
    }
}

/// Standard alphabet, padding optional, non-zero trailing bits accepted (like Python).
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes URL-safe or standard base64, padding optional, ignoring ASCII whitespace.
///
/// The caller zeroizes the result when it holds key material.
pub(crate) fn decode_b64_lenient(input: &str) -> Option<Zeroizing<Vec<u8>>> {
    let mut clean = Zeroizing::new(String::with_capacity(input.len()));
    for c in input.chars() {
        match c {
            '-' => clean.push('+'),
            '_' => clean.push('/'),
            c if c.is_ascii_whitespace() => {}
            c => clean.push(c),
        }
    }
    let mut out = Zeroizing::new(vec![0u8; clean.len() * 3 / 4 + 3]);
    let n = LENIENT.decode_slice(clean.as_bytes(), &mut out[..]).ok()?;
    out.truncate(n);
    Some(out)
}

impl Keyset {
    /// Parses and validates a token keyset (`HMAC-SHA-256` keys).
    ///
    /// `source` names where the JSON came from (a path, a Vault path) for error messages.
    ///
    /// # Errors
    /// [`ErrorKind::Keyset`](super::ErrorKind::Keyset) when the JSON is invalid, the
    /// schema version is not 1, a key has another algorithm or is not 32 bytes, or the
    /// primary key id is missing from `keys`. The message names `source` and the problem.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::pii::Keyset;
    ///
    /// let err = Keyset::parse_token(br#"{"schema_version": 1, "primary_kid": "tk9",
    ///     "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}}}"#,
    ///     "/etc/pii/token.json").unwrap_err();
    /// assert_eq!(err.to_string(),
    ///     "keyset /etc/pii/token.json: primary_kid 'tk9' is not among the keys ['tk1']");
    /// ```
    pub fn parse_token(json: &[u8], source: &str) -> Result<Keyset, Error> {
        Keyset::parse(json, source, Alg::Hmac)
    }

    /// Parses and validates a reveal keyset (`AES-256-GCM` keys).
    ///
    /// # Errors
    /// As [`Keyset::parse_token`].
    ///
    /// # Examples
    /// ```
    /// use ecsctx::pii::Keyset;
    ///
    /// let json = br#"{"schema_version": 1, "primary_kid": "rk1", "keys": {"rk1": {
    ///     "alg": "AES-256-GCM", "key_b64": "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="}}}"#;
    /// assert_eq!(Keyset::parse_reveal(json, "reveal.json").unwrap().kids().count(), 1);
    /// // A token keyset is not a reveal keyset.
    /// let wrong = br#"{"schema_version": 1, "primary_kid": "rk1", "keys": {"rk1": {
    ///     "alg": "HMAC-SHA-256", "key_b64": "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="}}}"#;
    /// assert!(Keyset::parse_reveal(wrong, "reveal.json").is_err());
    /// ```
    pub fn parse_reveal(json: &[u8], source: &str) -> Result<Keyset, Error> {
        Keyset::parse(json, source, Alg::AesGcm)
    }

    pub(crate) fn parse(json: &[u8], source: &str, alg: Alg) -> Result<Keyset, Error> {
        let raw: RawKeyset = serde_json::from_slice(json).map_err(|e| {
            // serde_json's message names the line and column, never the content.
            Error::keyset(source, format_args!("invalid JSON ({e})"))
        })?;
        match &raw.schema_version {
            None => {}
            Some(v) if v.as_u64() == Some(1) => {}
            Some(v) => {
                return Err(Error::keyset(
                    source,
                    format_args!("unsupported schema_version {v} (expected 1)"),
                ))
            }
        }
        let primary_kid = raw
            .primary_kid
            .as_deref()
            .ok_or_else(|| Error::keyset(source, "missing \"primary_kid\""))?;
        let raw_keys = raw
            .keys
            .as_ref()
            .ok_or_else(|| Error::keyset(source, "missing \"keys\" object"))?;
        let mut keys = Vec::with_capacity(raw_keys.len());
        for (kid, rk) in raw_keys {
            match rk.alg.as_deref() {
                Some(a) if a == alg.name() => {}
                Some(a) => {
                    return Err(Error::keyset(
                        source,
                        format_args!("key '{kid}' has alg '{a}', expected '{}'", alg.name()),
                    ))
                }
                None => {
                    return Err(Error::keyset(
                        source,
                        format_args!("key '{kid}' has no \"alg\""),
                    ))
                }
            }
            let b64 = rk.key_b64.as_deref().ok_or_else(|| {
                Error::keyset(source, format_args!("key '{kid}' has no \"key_b64\""))
            })?;
            let bytes = decode_b64_lenient(b64).ok_or_else(|| {
                Error::keyset(
                    source,
                    format_args!("key '{kid}': key_b64 is not valid base64"),
                )
            })?;
            if bytes.len() != 32 {
                return Err(Error::keyset(
                    source,
                    format_args!("key '{kid}' is {} bytes, expected 32", bytes.len()),
                ));
            }
            let mut key = Zeroizing::new([0u8; 32]);
            key.copy_from_slice(&bytes);
            keys.push((kid.clone().into_boxed_str(), key));
        }
        let primary = keys
            .iter()
            .position(|(k, _)| &**k == primary_kid)
            .ok_or_else(|| {
                let kids: Vec<&str> = keys.iter().map(|(k, _)| &**k).collect();
                Error::keyset(
                    source,
                    format_args!("primary_kid '{primary_kid}' is not among the keys {kids:?}")
                        .to_string()
                        .replace('"', "'"),
                )
            })?;
        Ok(Keyset { alg, primary, keys })
    }

    /// The primary key id: the key used for new tokens and ciphertexts.
    ///
    /// # Examples
    /// ```
    /// # let json = br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}}}"#;
    /// let keyset = ecsctx::pii::Keyset::parse_token(json, "inline").unwrap();
    /// assert_eq!(keyset.primary_kid(), "tk1");
    /// ```
    pub fn primary_kid(&self) -> &str {
        &self.keys[self.primary].0
    }

    /// The key ids in the keyset, in sorted order.
    ///
    /// # Examples
    /// ```
    /// # let json = br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}}}"#;
    /// let keyset = ecsctx::pii::Keyset::parse_token(json, "inline").unwrap();
    /// assert_eq!(keyset.kids().collect::<Vec<_>>(), ["tk1"]);
    /// ```
    pub fn kids(&self) -> impl Iterator<Item = &str> + '_ {
        self.keys.iter().map(|(k, _)| &**k)
    }

    pub(crate) fn primary_key(&self) -> &[u8; 32] {
        &self.keys[self.primary].1
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = (&str, &[u8; 32])> + '_ {
        self.keys.iter().map(|(k, v)| (&**k, &**v))
    }
}

impl fmt::Debug for Keyset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyset")
            .field("alg", &self.alg.name())
            .field("primary_kid", &self.primary_kid())
            .field("kids", &self.kids().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ks(key_b64: &str) -> String {
        format!(
            r#"{{"schema_version": 1, "primary_kid": "k", "keys": {{"k": {{"alg": "HMAC-SHA-256", "key_b64": {}}}}}}}"#,
            serde_json::to_string(key_b64).unwrap()
        )
    }

    #[test]
    fn base64_variants() {
        for v in [
            "-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-__v8=",
            "-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-__v8",
            "+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+//v8=",
            "-_-_-_-_-_-_-_-_-_-_\n-_-_-_-_-_-_-_-_-_-__v8=",
        ] {
            let k = Keyset::parse_token(ks(v).as_bytes(), "t").unwrap();
            assert_eq!(k.primary_key()[0], 0xfb);
            assert_eq!(k.primary_key()[31], 0xff);
        }
    }

    #[test]
    fn errors_name_source_and_problem() {
        let short = Keyset::parse_token(ks("AAAA").as_bytes(), "/x/t.json").unwrap_err();
        assert_eq!(
            short.to_string(),
            "keyset /x/t.json: key 'k' is 3 bytes, expected 32"
        );
        let bad = Keyset::parse_token(ks("!!!!").as_bytes(), "t").unwrap_err();
        assert!(bad.to_string().contains("not valid base64"), "{bad}");
        let v2 = Keyset::parse_token(
            br#"{"schema_version": 2, "primary_kid": "k", "keys": {}}"#,
            "t",
        )
        .unwrap_err();
        assert!(v2.to_string().contains("schema_version 2"), "{v2}");
        let alg = Keyset::parse_reveal(ks("AAAA").as_bytes(), "r").unwrap_err();
        assert!(alg.to_string().contains("expected 'AES-256-GCM'"), "{alg}");
    }
}
