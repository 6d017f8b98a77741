//! PII protection: deterministic tokens, reversible encryption, keysets and log masking.
//!
//! Everything here is byte-compatible with the Python `ecsctx` package, so services in both
//! languages share keysets, tokens and ciphertexts.
//!
//! - [`tokenize`] turns a value into `ptok:v1:…`, the same for the same (normalized) value,
//!   environment and field type: analysts correlate a customer across services by token.
//!   `ptok:v1:` + base64url-no-pad(HMAC-SHA-256(key = HMAC-SHA-256(primary key,
//!   `"{env}|{field_type}"`), msg = normalize(value, field_type))).
//! - [`protect`] encrypts a value as `penc:v1:{kid}:…` (AES-256-GCM, random nonce, AAD
//!   `"{env}|{field_type}"`); [`reveal`] decrypts it with the key its `kid` names, so values
//!   written before a key rotation still reveal. Both need `PII_ACCESS=full`.
//! - [`PiiMasker`] is the [`Masker`](crate::mask::Masker) the logger uses to keep raw PII out
//!   of every line.
//!
//! # Configuration
//! Either in code with [`configure`] and a [`Config`], or from the environment variables of
//! the Python package with [`configure_from_env`] (also done lazily on first use):
//!
//! | variable | meaning |
//! | --- | --- |
//! | `PII_PROVIDER` | `file` or `vault`; `file` when unset but `PII_TOKEN_KEYSET_PATH` is set |
//! | `PII_ACCESS` | `tokenize` (default: only the token keyset is loaded) or `full` |
//! | `PII_ENV` | environment mixed into keys and AAD (default `unknown`) |
//! | `PII_TOKEN_KEYSET_PATH`, `PII_REVEAL_KEYSET_PATH` | keyset files (`file`) |
//! | `PII_RELOAD_SECONDS` (2) | how often keyset files are checked for a change, and how soon a failed first load is tried again (`file`) |
//! | `PII_VAULT_ADDR`, `PII_VAULT_ROLE_ID_PATH`, `PII_VAULT_SECRET_ID_PATH` | Vault AppRole login (`vault` feature) |
//! | `PII_VAULT_TOKEN_KEYSET_PATH`, `PII_VAULT_REVEAL_KEYSET_PATH` | KV v2 paths, e.g. `secret/data/pii/token` |
//! | `PII_VAULT_CACERT_PATH` | PEM CA bundle for Vault's TLS |
//! | `PII_REFRESH_SECONDS` (300), `PII_VAULT_TIMEOUT` (10) | Vault refresh period and request timeout |
//!
//! # Examples
//! ```
//! use ecsctx::pii::{self, Config, Keyset};
//!
//! let token_keyset = Keyset::parse_token(br#"{"schema_version": 1, "primary_kid": "tk1",
//!     "keys": {"tk1": {"alg": "HMAC-SHA-256",
//!     "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}}}"#, "inline")?;
//! pii::configure(Config::keysets(token_keyset, None).with_env("prod"))?;
//!
//! assert_eq!(
//!     pii::tokenize(" John.Doe@Example.com ", "email")?,
//!     "ptok:v1:doa_-GE9Q8bX36KrTfo84reb8Lz4UiXDlxD3f8opx_Y",
//! );
//! // Tokenize-only access: no reveal keyset, so protect() is denied.
//! assert_eq!(pii::protect("x", "generic").unwrap_err().kind(), pii::ErrorKind::AccessDenied);
//! # Ok::<(), pii::Error>(())
//! ```

use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Duration;

mod cipher;
mod error;
mod keys;
mod keyset;
pub(crate) mod mask;
mod normalize;
mod provider;
mod redact;
pub(crate) mod scan;
mod token;

pub use error::{Error, ErrorKind};
pub use keyset::Keyset;
pub use mask::{
    Labels, Pack, PiiMasker, CARD_MASKED, CVV_MASKED, REDACTED, SAD_MASKED, SECRET_MASKED,
};
#[cfg(feature = "vault")]
pub use provider::vault::VaultConfig;
pub use redact::{redact_body, redact_url};

use cipher::RevealKeys;
use provider::{file::FileProvider, Fixed, Loaded, Provider};
use token::TokenKeys;

/// What the process may do with PII keys (`PII_ACCESS`).
///
/// # Examples
/// ```
/// use ecsctx::pii::Access;
///
/// assert_eq!("full".parse::<Access>().unwrap(), Access::Full);
/// assert!("admin".parse::<Access>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Access {
    /// Only the token keyset is loaded; [`protect`] and [`reveal`] are denied.
    #[default]
    Tokenize,
    /// Token and reveal keysets are loaded.
    Full,
}

impl std::str::FromStr for Access {
    type Err = Error;

    fn from_str(s: &str) -> Result<Access, Error> {
        match s.trim() {
            "tokenize" => Ok(Access::Tokenize),
            "full" => Ok(Access::Full),
            other => Err(Error::config(format!(
                "PII_ACCESS must be 'tokenize' or 'full', not '{other}'"
            ))),
        }
    }
}

enum Source {
    File {
        token: PathBuf,
        reveal: Option<PathBuf>,
    },
    Keysets {
        token: Keyset,
        reveal: Option<Keyset>,
    },
    #[cfg(feature = "vault")]
    Vault(VaultConfig),
}

/// How to get keysets, the access mode and the environment; pass it to [`configure`] or
/// [`Pii::new`].
///
/// # Examples
/// ```
/// use ecsctx::pii::{Access, Config};
///
/// let config = Config::file("/etc/pii/token-keyset.json")
///     .with_reveal_keyset_path("/etc/pii/reveal-keyset.json")
///     .with_access(Access::Full)
///     .with_env("prod");
/// # let _ = config;
/// ```
pub struct Config {
    source: Source,
    access: Access,
    env: String,
    reload_interval: Duration,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = match &self.source {
            Source::File { .. } => "file",
            Source::Keysets { .. } => "keysets",
            #[cfg(feature = "vault")]
            Source::Vault(_) => "vault",
        };
        f.debug_struct("Config")
            .field("source", &source)
            .field("access", &self.access)
            .field("env", &self.env)
            .finish_non_exhaustive()
    }
}

impl Config {
    fn with_source(source: Source) -> Config {
        Config {
            source,
            access: Access::Tokenize,
            env: "unknown".to_owned(),
            reload_interval: Duration::from_secs(2),
        }
    }

    /// Keyset files, loaded on first use and reloaded when their modification time
    /// changes (checked at most every [`with_reload_interval`](Config::with_reload_interval)).
    ///
    /// # Examples
    /// ```
    /// let config = ecsctx::pii::Config::file("/etc/pii/token-keyset.json");
    /// # let _ = config;
    /// ```
    pub fn file(token_keyset_path: impl Into<PathBuf>) -> Config {
        Config::with_source(Source::File {
            token: token_keyset_path.into(),
            reveal: None,
        })
    }

    /// Keysets already in memory (tests, keys from a secret manager of your own).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::pii::{Config, Keyset};
    /// let ks = Keyset::parse_token(br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1":
    ///     {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}}}"#, "inline").unwrap();
    /// let config = Config::keysets(ks, None);
    /// # let _ = config;
    /// ```
    pub fn keysets(token: Keyset, reveal: Option<Keyset>) -> Config {
        let access = if reveal.is_some() {
            Access::Full
        } else {
            Access::Tokenize
        };
        Config::with_source(Source::Keysets { token, reveal }).with_access(access)
    }

    /// Keysets in Vault (KV v2), read with an AppRole login.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::pii::{Config, VaultConfig};
    /// let config = Config::vault(VaultConfig::new(
    ///     "https://vault.internal:8200",
    ///     "/run/secrets/role_id",
    ///     "/run/secrets/secret_id",
    ///     "secret/data/pii/token-keyset",
    /// ));
    /// # let _ = config;
    /// ```
    #[cfg(feature = "vault")]
    pub fn vault(vault: VaultConfig) -> Config {
        Config::with_source(Source::Vault(vault))
    }

    /// The reveal keyset file (needed with [`Access::Full`]).
    ///
    /// # Examples
    /// ```
    /// let config = ecsctx::pii::Config::file("token.json").with_reveal_keyset_path("reveal.json");
    /// # let _ = config;
    /// ```
    pub fn with_reveal_keyset_path(mut self, path: impl Into<PathBuf>) -> Config {
        if let Source::File { reveal, .. } = &mut self.source {
            *reveal = Some(path.into());
        }
        self
    }

    /// The access mode (default [`Access::Tokenize`]).
    ///
    /// # Examples
    /// ```
    /// use ecsctx::pii::{Access, Config};
    /// let config = Config::file("token.json").with_access(Access::Tokenize);
    /// # let _ = config;
    /// ```
    pub fn with_access(mut self, access: Access) -> Config {
        self.access = access;
        self
    }

    /// The environment mixed into derived keys and AAD (default `unknown`).
    ///
    /// # Examples
    /// ```
    /// let config = ecsctx::pii::Config::file("token.json").with_env("prod");
    /// # let _ = config;
    /// ```
    pub fn with_env(mut self, env: impl Into<String>) -> Config {
        self.env = env.into();
        self
    }

    /// How often keyset files are checked for changes (default 2 s, `PII_RELOAD_SECONDS`).
    ///
    /// It is also how soon a first load that failed (a missing or half-written file) is
    /// tried again: until a load succeeds, masked values get labels instead of tokens.
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// let config = ecsctx::pii::Config::file("token.json").with_reload_interval(Duration::from_secs(5));
    /// # let _ = config;
    /// ```
    pub fn with_reload_interval(mut self, interval: Duration) -> Config {
        self.reload_interval = interval;
        self
    }

    /// Reads the configuration from the `PII_*` environment variables; `Ok(None)` when
    /// neither `PII_PROVIDER` nor `PII_TOKEN_KEYSET_PATH` is set.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] for an unknown provider or access mode, a missing path, or
    /// `PII_PROVIDER=vault` without the `vault` feature.
    ///
    /// # Examples
    /// ```
    /// std::env::set_var("PII_TOKEN_KEYSET_PATH", "/etc/pii/token-keyset.json");
    /// std::env::set_var("PII_ENV", "prod");
    /// let config = ecsctx::pii::Config::from_env().unwrap().unwrap();
    /// assert!(format!("{config:?}").contains("\"prod\""));
    /// # std::env::remove_var("PII_TOKEN_KEYSET_PATH");
    /// ```
    pub fn from_env() -> Result<Option<Config>, Error> {
        Config::from_lookup(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
    }

    pub(crate) fn from_lookup(
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Config>, Error> {
        let provider = match var("PII_PROVIDER") {
            Some(p) => p.trim().to_ascii_lowercase(),
            None if var("PII_TOKEN_KEYSET_PATH").is_some() => "file".to_owned(),
            None => return Ok(None),
        };
        let access = match var("PII_ACCESS") {
            Some(a) => a.parse()?,
            None => Access::Tokenize,
        };
        let env = var("PII_ENV").unwrap_or_else(|| "unknown".to_owned());
        let need = |k: &str| {
            var(k).ok_or_else(|| {
                Error::config(format!("PII_PROVIDER={provider} needs {k} to be set"))
            })
        };
        let mut config = match provider.as_str() {
            "file" => {
                let mut c = Config::file(need("PII_TOKEN_KEYSET_PATH")?);
                if access == Access::Full {
                    c = c.with_reveal_keyset_path(need("PII_REVEAL_KEYSET_PATH")?);
                }
                if let Some(s) = var("PII_RELOAD_SECONDS") {
                    c = c.with_reload_interval(seconds("PII_RELOAD_SECONDS", &s)?);
                }
                c
            }
            #[cfg(feature = "vault")]
            "vault" => {
                let mut v = VaultConfig::new(
                    need("PII_VAULT_ADDR")?,
                    need("PII_VAULT_ROLE_ID_PATH")?,
                    need("PII_VAULT_SECRET_ID_PATH")?,
                    need("PII_VAULT_TOKEN_KEYSET_PATH")?,
                );
                if access == Access::Full {
                    v = v.with_reveal_keyset_path(need("PII_VAULT_REVEAL_KEYSET_PATH")?);
                }
                if let Some(ca) = var("PII_VAULT_CACERT_PATH") {
                    v = v.with_ca_cert_path(ca);
                }
                if let Some(s) = var("PII_REFRESH_SECONDS") {
                    v = v.with_refresh_interval(seconds("PII_REFRESH_SECONDS", &s)?);
                }
                if let Some(s) = var("PII_VAULT_TIMEOUT") {
                    v = v.with_timeout(seconds("PII_VAULT_TIMEOUT", &s)?);
                }
                Config::vault(v)
            }
            #[cfg(not(feature = "vault"))]
            "vault" => {
                return Err(Error::config(
                    "PII_PROVIDER=vault needs the `vault` cargo feature of ecsctx",
                ))
            }
            other => {
                return Err(Error::config(format!(
                    "PII_PROVIDER must be 'file' or 'vault', not '{other}'"
                )))
            }
        };
        config.access = access;
        config.env = env;
        Ok(Some(config))
    }
}

fn seconds(name: &str, s: &str) -> Result<Duration, Error> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            Error::config(format!(
                "{name} must be a positive number of seconds, not '{s}'"
            ))
        })
}

/// A configured PII context: tokenize, protect and reveal with one set of keysets.
///
/// The free functions ([`tokenize`], …) use the process-wide instance set by [`configure`];
/// a `Pii` of your own is useful for tests and for a [`PiiMasker`] with other keys.
/// Cloning is cheap (an `Arc`).
///
/// # Examples
/// ```
/// use ecsctx::pii::{Config, Keyset, Pii};
///
/// let token = Keyset::parse_token(br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1":
///     {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}}}"#, "inline")?;
/// let reveal = Keyset::parse_reveal(br#"{"schema_version": 1, "primary_kid": "rk1", "keys": {"rk1":
///     {"alg": "AES-256-GCM", "key_b64": "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8"}}}"#, "inline")?;
/// let pii = Pii::new(Config::keysets(token, Some(reveal)).with_env("prod"))?;
/// let secret = pii.protect("+965 5555 1234", "phone")?;
/// assert!(secret.starts_with("penc:v1:rk1:"));
/// assert_eq!(pii.reveal(&secret, "phone")?, "+965 5555 1234");
/// # Ok::<(), ecsctx::pii::Error>(())
/// ```
#[derive(Clone)]
pub struct Pii {
    inner: Arc<Inner>,
}

struct Inner {
    access: Access,
    provider: Box<dyn Provider>,
}

impl std::fmt::Debug for Pii {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pii")
            .field("access", &self.inner.access)
            .finish_non_exhaustive()
    }
}

impl Pii {
    /// Builds a PII context. Files are read lazily on first use; Vault is read now.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] when `Access::Full` lacks a reveal keyset;
    /// [`ErrorKind::Keyset`] when Vault cannot be read at start-up.
    ///
    /// # Examples
    /// ```
    /// use ecsctx::pii::{Access, Config, Pii};
    /// let err = Pii::new(Config::file("token.json").with_access(Access::Full)).unwrap_err();
    /// assert_eq!(err.kind(), ecsctx::pii::ErrorKind::Config);
    /// ```
    pub fn new(config: Config) -> Result<Pii, Error> {
        let Config {
            source,
            access,
            env,
            reload_interval,
        } = config;
        let provider: Box<dyn Provider> = match source {
            Source::File { token, reveal } => {
                let reveal = match (access, reveal) {
                    (Access::Full, None) => {
                        return Err(Error::config(
                            "PII_ACCESS=full needs a reveal keyset (PII_REVEAL_KEYSET_PATH)",
                        ))
                    }
                    (Access::Full, r) => r,
                    (Access::Tokenize, _) => None,
                };
                Box::new(FileProvider::new(&env, token, reveal, reload_interval))
            }
            Source::Keysets { token, reveal } => {
                let reveal = match (access, reveal) {
                    (Access::Full, None) => {
                        return Err(Error::config("Access::Full needs a reveal keyset"))
                    }
                    (Access::Full, Some(r)) => Some(RevealKeys::new(r, &env)),
                    (Access::Tokenize, _) => None,
                };
                Box::new(Fixed(Arc::new(Loaded {
                    token: TokenKeys::new(token, &env),
                    reveal,
                })))
            }
            #[cfg(feature = "vault")]
            Source::Vault(v) => Box::new(provider::vault::VaultProvider::start(v, access, &env)?),
        };
        Ok(Pii {
            inner: Arc::new(Inner { access, provider }),
        })
    }

    /// Reads the `PII_*` environment variables; `Ok(None)` when none select a provider.
    ///
    /// # Errors
    /// As [`Config::from_env`] and [`Pii::new`].
    ///
    /// # Examples
    /// ```
    /// # std::env::remove_var("PII_PROVIDER");
    /// # std::env::remove_var("PII_TOKEN_KEYSET_PATH");
    /// assert!(ecsctx::pii::Pii::from_env().unwrap().is_none());
    /// ```
    pub fn from_env() -> Result<Option<Pii>, Error> {
        Config::from_env()?.map(Pii::new).transpose()
    }

    /// The access mode.
    ///
    /// # Examples
    /// ```
    /// # use ecsctx::pii::{Access, Config, Keyset, Pii};
    /// # let ks = Keyset::parse_token(br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}}}"#, "x").unwrap();
    /// let pii = Pii::new(Config::keysets(ks, None)).unwrap();
    /// assert_eq!(pii.access(), Access::Tokenize);
    /// ```
    pub fn access(&self) -> Access {
        self.inner.access
    }

    /// See [`tokenize`].
    ///
    /// # Errors
    /// [`ErrorKind::Keyset`] when the keyset cannot be loaded.
    ///
    /// # Examples
    /// ```
    /// # use ecsctx::pii::{Config, Keyset, Pii};
    /// # let ks = Keyset::parse_token(br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}}}"#, "x").unwrap();
    /// let pii = Pii::new(Config::keysets(ks, None).with_env("prod")).unwrap();
    /// assert_eq!(pii.tokenize("John Doe", "name").unwrap(),
    ///            "ptok:v1:ZhePgwgTPbY7mpinJdXLG2DYLYVtHpsFXUh4rG6K9wY");
    /// ```
    pub fn tokenize(&self, value: &str, field_type: &str) -> Result<String, Error> {
        let mut out = String::with_capacity(token::TOKEN_LEN);
        self.tokenize_into(value, field_type, &mut out)?;
        Ok(out)
    }

    /// Appends the token of `value` to `out` (no allocation when `out` has room).
    ///
    /// # Errors
    /// As [`Pii::tokenize`]; `out` is left unchanged on error.
    ///
    /// # Examples
    /// ```
    /// # use ecsctx::pii::{Config, Keyset, Pii};
    /// # let ks = Keyset::parse_token(br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}}}"#, "x").unwrap();
    /// # let pii = Pii::new(Config::keysets(ks, None)).unwrap();
    /// let mut out = String::from("customer=");
    /// pii.tokenize_into("John Doe", "name", &mut out).unwrap();
    /// assert!(out.starts_with("customer=ptok:v1:"));
    /// ```
    pub fn tokenize_into(
        &self,
        value: &str,
        field_type: &str,
        out: &mut String,
    ) -> Result<(), Error> {
        self.with_token_keys(|k| k.tokenize_into(value, field_type, out))
    }

    /// Appends the token of `value` with its field type `detect`ed from the value.
    pub(crate) fn tokenize_detected_into(
        &self,
        value: &str,
        detect: fn(&str) -> &'static str,
        out: &mut String,
    ) -> Result<(), Error> {
        self.with_token_keys(|k| k.tokenize_detected_into(value, detect, out))
    }

    /// Runs `f` with the token keys in force: borrowed when they can never change, else
    /// the provider's current ones.
    fn with_token_keys<R>(&self, f: impl FnOnce(&token::TokenKeys) -> R) -> Result<R, Error> {
        if let Some(fixed) = self.inner.provider.fixed() {
            return Ok(f(&fixed.token));
        }
        Ok(f(&self.inner.provider.current()?.token))
    }

    /// See [`protect`].
    ///
    /// # Errors
    /// [`ErrorKind::AccessDenied`] in tokenize mode; [`ErrorKind::Keyset`] when the
    /// keyset cannot be loaded.
    ///
    /// # Examples
    /// See [`Pii`].
    pub fn protect(&self, value: &str, field_type: &str) -> Result<String, Error> {
        self.reveal_keys("protect", |r| r.protect(value, field_type))
    }

    /// See [`reveal`].
    ///
    /// # Errors
    /// [`ErrorKind::AccessDenied`], [`ErrorKind::Malformed`], [`ErrorKind::UnknownKid`],
    /// [`ErrorKind::Crypto`], [`ErrorKind::Keyset`].
    ///
    /// # Examples
    /// See [`Pii`].
    pub fn reveal(&self, value: &str, field_type: &str) -> Result<String, Error> {
        self.reveal_keys("reveal", |r| r.reveal(value, field_type))
    }

    fn reveal_keys<R>(
        &self,
        op: &str,
        f: impl FnOnce(&RevealKeys) -> Result<R, Error>,
    ) -> Result<R, Error> {
        if self.inner.access != Access::Full {
            return Err(Error::access_denied(op));
        }
        let loaded = self.inner.provider.current()?;
        match &loaded.reveal {
            Some(r) => f(r),
            None => Err(Error::access_denied(op)),
        }
    }
}

// === process-wide instance ===

static GLOBAL: RwLock<Option<Pii>> = RwLock::new(None);
static FROM_ENV: OnceLock<Result<(), Error>> = OnceLock::new();

/// Runs `f` with the process-wide instance, configuring it from the environment on the
/// first call when [`configure`] was not called.
pub(crate) fn with_global<R>(f: impl FnOnce(&Pii) -> Result<R, Error>) -> Result<R, Error> {
    {
        let g = GLOBAL.read().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = &*g {
            return f(p);
        }
    }
    let env = FROM_ENV.get_or_init(|| match Pii::from_env() {
        Ok(Some(p)) => {
            let mut g = GLOBAL.write().unwrap_or_else(|e| e.into_inner());
            if g.is_none() {
                *g = Some(p);
            }
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(e) => {
            eprintln!(
                "ecsctx: the PII configuration from the environment is invalid: {e}; values \
                 are masked with labels instead of tokens (counted in \
                 ecsctx::stats().pii_keyset_errors)"
            );
            Err(e)
        }
    });
    let g = GLOBAL.read().unwrap_or_else(|e| e.into_inner());
    match (&*g, env) {
        (Some(p), _) => f(p),
        (None, Err(e)) => Err(e.clone()),
        (None, Ok(())) => Err(Error::not_configured()),
    }
}

/// Installs the process-wide PII configuration used by [`tokenize`], [`protect`],
/// [`reveal`] and the default [`PiiMasker`]. A later call replaces it (key rotation by
/// configuration, tests).
///
/// # Errors
/// As [`Pii::new`].
///
/// # Examples
/// ```
/// use ecsctx::pii::{self, Config, Keyset};
/// let ks = Keyset::parse_token(br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1":
///     {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}}}"#, "inline")?;
/// pii::configure(Config::keysets(ks, None))?;
/// assert!(pii::is_configured());
/// # Ok::<(), pii::Error>(())
/// ```
pub fn configure(config: Config) -> Result<(), Error> {
    let pii = Pii::new(config)?;
    configure_with(pii);
    Ok(())
}

/// Installs an already built [`Pii`] as the process-wide instance.
///
/// # Examples
/// ```
/// # use ecsctx::pii::{self, Config, Keyset, Pii};
/// # let ks = Keyset::parse_token(br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}}}"#, "x").unwrap();
/// let pii = Pii::new(Config::keysets(ks, None)).unwrap();
/// pii::configure_with(pii.clone());
/// assert_eq!(pii::tokenize("a", "generic").unwrap(), pii.tokenize("a", "generic").unwrap());
/// ```
pub fn configure_with(pii: Pii) {
    *GLOBAL.write().unwrap_or_else(|e| e.into_inner()) = Some(pii);
}

/// Configures the process-wide instance from the `PII_*` environment variables. Returns
/// `Ok(false)` (and changes nothing) when no provider is selected.
///
/// # Errors
/// As [`Config::from_env`] and [`Pii::new`].
///
/// # Examples
/// ```
/// # std::env::remove_var("PII_PROVIDER");
/// # std::env::remove_var("PII_TOKEN_KEYSET_PATH");
/// assert_eq!(ecsctx::pii::configure_from_env().unwrap(), false);
/// ```
pub fn configure_from_env() -> Result<bool, Error> {
    match Pii::from_env()? {
        Some(p) => {
            configure_with(p);
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Whether a process-wide configuration is installed (trying the environment first when
/// [`configure`] was never called).
///
/// # Examples
/// ```
/// # std::env::remove_var("PII_PROVIDER");
/// # std::env::remove_var("PII_TOKEN_KEYSET_PATH");
/// assert!(!ecsctx::pii::is_configured());
/// ```
pub fn is_configured() -> bool {
    with_global(|_| Ok(())).is_ok()
}

/// Tokenizes `value` as `field_type` with the process-wide configuration.
///
/// The value is normalized first: `email` is trimmed and lowercased, `phone` keeps digits
/// and `+`, anything else is trimmed (Python `str` semantics). The token is
/// deterministic per (value, `PII_ENV`, field type, primary key).
///
/// # Errors
/// [`ErrorKind::NotConfigured`]; [`ErrorKind::Keyset`] when the keyset cannot be loaded.
///
/// # Examples
/// ```
/// use ecsctx::pii::{self, Config, Keyset};
/// # let ks = Keyset::parse_token(br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}}}"#, "x").unwrap();
/// pii::configure(Config::keysets(ks, None).with_env("prod")).unwrap();
/// assert_eq!(pii::tokenize("+965-5555-1234", "phone").unwrap(),
///            "ptok:v1:JtdWZTco2rifrYO2umlSlfXYfNPZWdQNQfAw5ezZ5fc");
/// ```
pub fn tokenize(value: &str, field_type: &str) -> Result<String, Error> {
    with_global(|p| p.tokenize(value, field_type))
}

/// Encrypts `value` with the primary reveal key: `penc:v1:{kid}:…` (needs `PII_ACCESS=full`).
///
/// # Errors
/// [`ErrorKind::NotConfigured`], [`ErrorKind::AccessDenied`], [`ErrorKind::Keyset`].
///
/// # Examples
/// ```
/// use ecsctx::pii::{self, Config, Keyset};
/// # let tk = Keyset::parse_token(br#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}}}"#, "x").unwrap();
/// # let rk = Keyset::parse_reveal(br#"{"schema_version": 1, "primary_kid": "rk1", "keys": {"rk1": {"alg": "AES-256-GCM", "key_b64": "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8"}}}"#, "x").unwrap();
/// pii::configure(Config::keysets(tk, Some(rk)).with_env("prod")).unwrap();
/// let c = pii::protect("John Doe", "name").unwrap();
/// assert_eq!(pii::reveal(&c, "name").unwrap(), "John Doe");
/// ```
pub fn protect(value: &str, field_type: &str) -> Result<String, Error> {
    with_global(|p| p.protect(value, field_type))
}

/// Decrypts a `penc:` value made by [`protect`] here or by the Python package, choosing
/// the key by the `kid` in the value. `field_type` must be the one used to protect it.
///
/// # Errors
/// [`ErrorKind::NotConfigured`], [`ErrorKind::AccessDenied`], [`ErrorKind::Malformed`],
/// [`ErrorKind::UnknownKid`], [`ErrorKind::Crypto`] (wrong field type or environment,
/// tampering), [`ErrorKind::Keyset`].
///
/// # Examples
/// See [`protect`].
pub fn reveal(value: &str, field_type: &str) -> Result<String, Error> {
    with_global(|p| p.reveal(value, field_type))
}

/// The masker used unless the builder says otherwise: the PII masker configured from the
/// environment (tokens when a keyset is configured, `[PII_REDACTED]` otherwise).
pub(crate) fn default_masker() -> Option<std::sync::Arc<dyn crate::mask::Masker>> {
    Some(std::sync::Arc::new(PiiMasker::from_env()))
}
