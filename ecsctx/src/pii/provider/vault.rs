//! Vault provider: AppRole login, KV v2 read, token renewal and periodic refresh.
//!
//! HTTP goes through `ureq` (blocking, rustls with the ring provider): the provider needs a
//! handful of requests every few minutes from one background thread, so an async client
//! and runtime would be dead weight.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::{Loaded, Provider, ReportOnce};
use crate::pii::cipher::RevealKeys;
use crate::pii::error::Error;
use crate::pii::keyset::Keyset;
use crate::pii::token::TokenKeys;
use crate::pii::Access;

/// Where and how to read keysets from Vault (`vault` feature).
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use ecsctx::pii::{Config, VaultConfig};
///
/// let vault = VaultConfig::new(
///     "https://vault.internal:8200",
///     "/run/secrets/pii_role_id",
///     "/run/secrets/pii_secret_id",
///     "secret/data/pii/token-keyset",
/// )
/// .with_reveal_keyset_path("secret/data/pii/reveal-keyset")
/// .with_ca_cert_path("/etc/ssl/vault-ca.pem")
/// .with_refresh_interval(Duration::from_secs(300))
/// .with_timeout(Duration::from_secs(10));
/// let config = Config::vault(vault).with_env("prod");
/// # let _ = config;
/// ```
#[derive(Debug, Clone)]
pub struct VaultConfig {
    addr: String,
    role_id_path: PathBuf,
    secret_id_path: PathBuf,
    token_keyset_path: String,
    reveal_keyset_path: Option<String>,
    ca_cert_path: Option<PathBuf>,
    refresh: Duration,
    timeout: Duration,
}

impl VaultConfig {
    /// The Vault address, the AppRole credential files and the KV v2 path of the token
    /// keyset (as in `GET {addr}/v1/{path}`, e.g. `secret/data/pii/token-keyset`).
    ///
    /// # Examples
    /// See [`VaultConfig`].
    pub fn new(
        addr: impl Into<String>,
        role_id_path: impl Into<PathBuf>,
        secret_id_path: impl Into<PathBuf>,
        token_keyset_path: impl Into<String>,
    ) -> VaultConfig {
        VaultConfig {
            addr: addr.into().trim_end_matches('/').to_owned(),
            role_id_path: role_id_path.into(),
            secret_id_path: secret_id_path.into(),
            token_keyset_path: token_keyset_path.into(),
            reveal_keyset_path: None,
            ca_cert_path: None,
            refresh: Duration::from_secs(300),
            timeout: Duration::from_secs(10),
        }
    }

    /// The KV v2 path of the reveal keyset (read with `PII_ACCESS=full`).
    ///
    /// # Examples
    /// See [`VaultConfig`].
    pub fn with_reveal_keyset_path(mut self, path: impl Into<String>) -> VaultConfig {
        self.reveal_keyset_path = Some(path.into());
        self
    }

    /// A PEM file with the CA certificate(s) that Vault's TLS certificate chains to; only
    /// these are trusted when set.
    ///
    /// # Examples
    /// See [`VaultConfig`].
    pub fn with_ca_cert_path(mut self, path: impl Into<PathBuf>) -> VaultConfig {
        self.ca_cert_path = Some(path.into());
        self
    }

    /// How often the keysets are read again (default 300 s, `PII_REFRESH_SECONDS`).
    ///
    /// # Examples
    /// See [`VaultConfig`].
    pub fn with_refresh_interval(mut self, refresh: Duration) -> VaultConfig {
        self.refresh = refresh;
        self
    }

    /// The timeout of each request (default 10 s, `PII_VAULT_TIMEOUT`).
    ///
    /// # Examples
    /// See [`VaultConfig`].
    pub fn with_timeout(mut self, timeout: Duration) -> VaultConfig {
        self.timeout = timeout;
        self
    }
}

/// A Vault token and when to renew it.
struct Token {
    value: Zeroizing<String>,
    /// `None`: the token does not expire.
    renew_at: Option<Instant>,
    renewable: bool,
}

struct Client {
    config: VaultConfig,
    access: Access,
    env: Box<str>,
    agent: ureq::Agent,
    token: Mutex<Option<Token>>,
}

struct Shared {
    client: Client,
    current: RwLock<Arc<Loaded>>,
    report: ReportOnce,
}

pub(crate) struct VaultProvider {
    shared: Arc<Shared>,
    /// Dropping the sender stops the refresh thread.
    _stop: Sender<()>,
}

fn err(what: &str, problem: impl std::fmt::Display) -> Error {
    Error::keyset(&format!("Vault {what}"), problem)
}

fn read_secret_file(path: &std::path::Path, what: &str) -> Result<Zeroizing<String>, Error> {
    let s = std::fs::read_to_string(path)
        .map_err(|e| err(what, format_args!("cannot read {}: {e}", path.display())))?;
    let s = Zeroizing::new(s);
    Ok(Zeroizing::new(s.trim().to_owned()))
}

impl Client {
    fn new(config: VaultConfig, access: Access, env: &str) -> Result<Client, Error> {
        use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};

        let mut tls = TlsConfig::builder();
        if let Some(ca) = &config.ca_cert_path {
            let pem = std::fs::read(ca)
                .map_err(|e| err("CA", format_args!("cannot read {}: {e}", ca.display())))?;
            let certs: Vec<Certificate<'static>> = ureq::tls::parse_pem(&pem)
                .filter_map(|item| match item {
                    Ok(PemItem::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect();
            if certs.is_empty() {
                return Err(err(
                    "CA",
                    format_args!("{} holds no PEM certificate", ca.display()),
                ));
            }
            tls = tls.root_certs(RootCerts::new_with_certs(&certs));
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(config.timeout))
            .http_status_as_error(false)
            .tls_config(tls.build())
            .build()
            .into();
        if access == Access::Full && config.reveal_keyset_path.is_none() {
            return Err(Error::config(
                "PII_ACCESS=full needs a reveal keyset (PII_VAULT_REVEAL_KEYSET_PATH)",
            ));
        }
        Ok(Client {
            config,
            access,
            env: env.into(),
            agent,
            token: Mutex::new(None),
        })
    }

    /// Sends a request and returns the status and body.
    fn call(
        &self,
        what: &str,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Result<(u16, Zeroizing<String>), Error> {
        let url = format!("{}/v1/{}", self.config.addr, path.trim_start_matches('/'));
        let result = match method {
            "GET" => {
                let mut req = self.agent.get(&url);
                if let Some(t) = token {
                    req = req.header("X-Vault-Token", t);
                }
                req.call()
            }
            _ => {
                let mut req = self
                    .agent
                    .post(&url)
                    .header("Content-Type", "application/json");
                if let Some(t) = token {
                    req = req.header("X-Vault-Token", t);
                }
                req.send(body.unwrap_or("{}"))
            }
        };
        let mut resp = result.map_err(|e| err(what, format_args!("{url}: {e}")))?;
        let status = resp.status().as_u16();
        let body = Zeroizing::new(
            resp.body_mut()
                .read_to_string()
                .map_err(|e| err(what, format_args!("{url}: reading the body: {e}")))?,
        );
        if !(200..300).contains(&status) {
            return Err(err(what, format_args!("{url}: HTTP {status}")));
        }
        Ok((status, body))
    }

    fn login(&self) -> Result<Token, Error> {
        let role_id = read_secret_file(&self.config.role_id_path, "login")?;
        let secret_id = read_secret_file(&self.config.secret_id_path, "login")?;
        let body = Zeroizing::new(
            serde_json::json!({"role_id": &*role_id, "secret_id": &*secret_id}).to_string(),
        );
        let (_, resp) = self.call("login", "POST", "auth/approle/login", None, Some(&body))?;
        parse_auth(&resp, "login")?
            .ok_or_else(|| err("login", "the response has no auth.client_token"))
    }

    fn renew(&self, token: &str) -> Result<Option<Token>, Error> {
        let (_, resp) = self.call(
            "token renewal",
            "POST",
            "auth/token/renew-self",
            Some(token),
            Some("{}"),
        )?;
        let renewed = parse_auth(&resp, "token renewal")?;
        Ok(renewed.map(|mut t| {
            // renew-self answers with the same token; keep ours when it is absent.
            if t.value.is_empty() {
                t.value = Zeroizing::new(token.to_owned());
            }
            t
        }))
    }

    /// The current token, logging in when there is none.
    fn token(&self) -> Result<Zeroizing<String>, Error> {
        let mut slot = self.token.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = &*slot {
            return Ok(t.value.clone());
        }
        let t = self.login()?;
        let v = t.value.clone();
        *slot = Some(t);
        Ok(v)
    }

    fn read_keyset(&self, token: &str, path: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
        let what = format!("read of {path}");
        let (_, body) = self.call(&what, "GET", path, Some(token), None)?;
        let v: serde_json::Value = serde_json::from_str(&body)
            .map_err(|e| err(&what, format_args!("the response is not JSON ({e})")))?;
        let keyset = &v["data"]["data"]["keyset"];
        match keyset {
            serde_json::Value::String(s) => Ok(Zeroizing::new(s.as_bytes().to_vec())),
            serde_json::Value::Object(_) => Ok(Zeroizing::new(keyset.to_string().into_bytes())),
            _ => Err(err(&what, "the response has no string at data.data.keyset")),
        }
    }

    /// Reads both keysets; logs in again once if the token was refused.
    fn load(&self) -> Result<Loaded, Error> {
        match self.load_with_current_token() {
            Ok(l) => Ok(l),
            Err(e) if e.to_string().contains("HTTP 403") || e.to_string().contains("HTTP 401") => {
                *self.token.lock().unwrap_or_else(|e| e.into_inner()) = None;
                self.load_with_current_token()
            }
            Err(e) => Err(e),
        }
    }

    fn load_with_current_token(&self) -> Result<Loaded, Error> {
        let token = self.token()?;
        let tpath = &self.config.token_keyset_path;
        let token_ks =
            Keyset::parse_token(&self.read_keyset(&token, tpath)?, &format!("vault:{tpath}"))?;
        let reveal = match (&self.config.reveal_keyset_path, self.access) {
            (Some(rpath), Access::Full) => Some(RevealKeys::new(
                Keyset::parse_reveal(&self.read_keyset(&token, rpath)?, &format!("vault:{rpath}"))?,
                &self.env,
            )),
            _ => None,
        };
        Ok(Loaded {
            token: TokenKeys::new(token_ks, &self.env),
            reveal,
        })
    }

    /// Renews the token when it is due; drops it (so the next load logs in) on failure.
    fn renew_if_due(&self, now: Instant) {
        let mut slot = self.token.lock().unwrap_or_else(|e| e.into_inner());
        let Some(t) = &*slot else { return };
        let Some(at) = t.renew_at else { return };
        if now < at {
            return;
        }
        let renewed = if t.renewable {
            self.renew(&t.value).ok().flatten()
        } else {
            None
        };
        *slot = match renewed {
            Some(t) => Some(t),
            None => self.login().ok(),
        };
    }

    fn renew_at(&self) -> Option<Instant> {
        self.token
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .and_then(|t| t.renew_at)
    }
}

/// Parses `{"auth": {"client_token", "lease_duration", "renewable"}}`.
fn parse_auth(body: &str, what: &str) -> Result<Option<Token>, Error> {
    let v: serde_json::Value = serde_json::from_str(body)
        .map_err(|e| err(what, format_args!("the response is not JSON ({e})")))?;
    let auth = &v["auth"];
    if !auth.is_object() {
        return Ok(None);
    }
    let value = Zeroizing::new(auth["client_token"].as_str().unwrap_or("").to_owned());
    let lease = auth["lease_duration"].as_u64().unwrap_or(0);
    Ok(Some(Token {
        value,
        // Renew at two thirds of the lease, well before it ends.
        renew_at: (lease > 0).then(|| Instant::now() + Duration::from_secs(lease) * 2 / 3),
        renewable: auth["renewable"].as_bool().unwrap_or(false),
    }))
}

impl VaultProvider {
    /// Logs in and reads the keysets now (an error here is a start-up error), then starts
    /// the refresh thread.
    pub(crate) fn start(
        config: VaultConfig,
        access: Access,
        env: &str,
    ) -> Result<VaultProvider, Error> {
        let refresh = config.refresh;
        let client = Client::new(config, access, env)?;
        let loaded = client.load()?;
        let shared = Arc::new(Shared {
            client,
            current: RwLock::new(Arc::new(loaded)),
            report: ReportOnce::new(),
        });
        let (stop, stop_rx) = mpsc::channel::<()>();
        let weak: Weak<Shared> = Arc::downgrade(&shared);
        std::thread::Builder::new()
            .name("ecsctx-pii-vault".into())
            .spawn(move || refresh_loop(weak, stop_rx, refresh))
            .map_err(|e| Error::config(format!("cannot start the Vault refresh thread: {e}")))?;
        Ok(VaultProvider {
            shared,
            _stop: stop,
        })
    }
}

fn refresh_loop(weak: Weak<Shared>, stop: mpsc::Receiver<()>, refresh: Duration) {
    let mut next_refresh = Instant::now() + refresh;
    loop {
        let renew_at = match weak.upgrade() {
            Some(s) => s.client.renew_at(),
            None => return,
        };
        let wake = renew_at.map_or(next_refresh, |r| r.min(next_refresh));
        let wait = wake.saturating_duration_since(Instant::now());
        match stop.recv_timeout(wait) {
            Err(RecvTimeoutError::Timeout) => {}
            _ => return,
        }
        let Some(shared) = weak.upgrade() else { return };
        let now = Instant::now();
        shared.client.renew_if_due(now);
        if now >= next_refresh {
            match shared.client.load() {
                Ok(l) => {
                    *shared.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(l);
                    shared.report.succeeded();
                }
                Err(e) => shared.report.failed("PII keyset refresh from Vault", &e),
            }
            next_refresh = Instant::now() + refresh;
        }
    }
}

impl Provider for VaultProvider {
    fn current(&self) -> Result<Arc<Loaded>, Error> {
        Ok(self
            .shared
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone())
    }
}
