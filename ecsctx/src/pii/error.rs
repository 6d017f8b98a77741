//! The error type of the PII module.

use std::borrow::Cow;
use std::fmt;

/// What kind of failure a [`pii::Error`](Error) is.
///
/// # Examples
/// ```
/// use ecsctx::pii::{self, ErrorKind};
///
/// // Nothing was configured in this process (and no `PII_*` variables are set).
/// # std::env::remove_var("PII_PROVIDER");
/// # std::env::remove_var("PII_TOKEN_KEYSET_PATH");
/// let err = pii::tokenize("john@example.com", "email").unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::NotConfigured);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No PII configuration: neither [`configure`](super::configure) was called nor are the
    /// `PII_*` environment variables set.
    NotConfigured,
    /// The operation needs `PII_ACCESS=full` (protect, reveal) but the access mode is `tokenize`.
    AccessDenied,
    /// A ciphertext names a key id that the reveal keyset does not hold.
    UnknownKid,
    /// The input is not a valid `penc:` value (prefix, parts, base64, length).
    Malformed,
    /// Authenticated decryption failed: wrong key, wrong environment or field type, or the
    /// ciphertext was tampered with.
    Crypto,
    /// A keyset could not be loaded or is invalid (file, Vault, JSON, algorithm, key length).
    Keyset,
    /// The configuration is invalid (an unknown `PII_PROVIDER` or `PII_ACCESS`, a missing
    /// path, a provider whose cargo feature is off).
    Config,
}

/// The error returned by the functions of [`ecsctx::pii`](super).
///
/// The message names the problem (and the keyset source for keyset errors) but never
/// contains key material, plaintext or tokens.
///
/// # Examples
/// ```
/// use ecsctx::pii::{Keyset, ErrorKind};
///
/// let err = Keyset::parse_token(br#"{"schema_version": 1, "primary_kid": "k", "keys": {}}"#, "inline")
///     .unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Keyset);
/// assert!(err.to_string().contains("inline"));
/// ```
#[derive(Clone)]
pub struct Error {
    kind: ErrorKind,
    /// Borrowed for fixed messages: the masker meets "not configured" once per masked
    /// value when no keyset is loaded, and must not allocate for it.
    message: Cow<'static, str>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Error {
        Error {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn not_configured() -> Error {
        Error::new(
            ErrorKind::NotConfigured,
            "PII module not configured: set PII_PROVIDER and related environment variables, \
             or call ecsctx::pii::configure()",
        )
    }

    pub(crate) fn access_denied(op: &str) -> Error {
        Error::new(
            ErrorKind::AccessDenied,
            format!("{op}() requires PII_ACCESS=full; the current access mode is 'tokenize'"),
        )
    }

    pub(crate) fn malformed(what: &str) -> Error {
        Error::new(
            ErrorKind::Malformed,
            format!("not a valid encrypted value: {what}"),
        )
    }

    pub(crate) fn config(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::Config, message)
    }

    pub(crate) fn keyset(source: &str, problem: impl fmt::Display) -> Error {
        Error::new(ErrorKind::Keyset, format!("keyset {source}: {problem}"))
    }

    /// The kind of failure.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::pii::{Keyset, ErrorKind};
    ///
    /// let err = Keyset::parse_token(b"not json", "inline").unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Keyset);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("pii::Error")
            .field("kind", &self.kind)
            .field("message", &&*self.message)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
