//! The Vault provider against a fake Vault on 127.0.0.1 (plain HTTP and HTTPS with a
//! self-signed CA): AppRole login, KV v2 reads, renewal, refresh, and every failure.
#![cfg(feature = "vault")]

mod pii_common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ecsctx::pii::{Access, Config, ErrorKind, Pii, VaultConfig};
use pii_common::*;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Ok,
    /// Login answers 401.
    Unauthorized,
    /// Reads answer 500.
    ServerError,
    /// Every answer comes after 3 s.
    Slow,
    /// Reads answer a body that is not JSON.
    Malformed,
    /// Reads answer JSON without data.data.keyset.
    NoKeyset,
    /// Connections are closed without an answer.
    Down,
}

struct Fake {
    mode: Mutex<Mode>,
    token_keyset: Mutex<String>,
    lease: Mutex<u64>,
    log: Mutex<Vec<String>>,
    /// The current token was revoked: reads answer 403 until the next login.
    revoked: AtomicBool,
    stop: AtomicBool,
}

struct Server {
    fake: Arc<Fake>,
    addr: String,
    dir: PathBuf,
    ca: Option<PathBuf>,
}

impl Server {
    fn set(&self, mode: Mode) {
        *self.fake.mode.lock().unwrap() = mode;
    }
    fn log(&self) -> Vec<String> {
        self.fake.log.lock().unwrap().clone()
    }
    fn config(&self) -> VaultConfig {
        let mut v = VaultConfig::new(
            self.addr.clone(),
            self.dir.join("role_id"),
            self.dir.join("secret_id"),
            "secret/data/pii/token",
        )
        .with_reveal_keyset_path("secret/data/pii/reveal")
        .with_refresh_interval(Duration::from_millis(150))
        .with_timeout(Duration::from_millis(700));
        if let Some(ca) = &self.ca {
            v = v.with_ca_cert_path(ca);
        }
        v
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.fake.stop.store(true, Ordering::Relaxed);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn handle<S: Read + Write>(fake: &Fake, stream: S) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || line.is_empty() {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (
        parts.next().unwrap_or("").to_owned(),
        parts.next().unwrap_or("").to_owned(),
    );
    let (mut len, mut token) = (0usize, String::new());
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h == "\r\n" || h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':').unwrap_or(("", ""));
        match k.to_ascii_lowercase().as_str() {
            "content-length" => len = v.trim().parse().unwrap_or(0),
            "x-vault-token" => token = v.trim().to_owned(),
            _ => {}
        }
    }
    let mut body = vec![0; len];
    let _ = reader.read_exact(&mut body);
    let body = String::from_utf8_lossy(&body).into_owned();
    let mode = *fake.mode.lock().unwrap();
    fake.log
        .lock()
        .unwrap()
        .push(format!("{method} {path} token={token} body={body}"));
    if mode == Mode::Down {
        return;
    }
    if mode == Mode::Slow {
        std::thread::sleep(Duration::from_secs(3));
    }
    let lease = *fake.lease.lock().unwrap();
    let (status, resp) = match (method.as_str(), path.as_str()) {
        ("POST", "/v1/auth/approle/login") => {
            if mode == Mode::Unauthorized
                || !body.contains("\"role-1\"")
                || !body.contains("\"secret-1\"")
            {
                (
                    401,
                    r#"{"errors":["invalid role or secret ID"]}"#.to_owned(),
                )
            } else {
                fake.revoked.store(false, Ordering::Relaxed);
                (
                    200,
                    format!(
                        r#"{{"auth":{{"client_token":"s.tok","lease_duration":{lease},"renewable":true}}}}"#
                    ),
                )
            }
        }
        ("POST", "/v1/auth/token/renew-self") if token == "s.tok" => (
            200,
            format!(
                r#"{{"auth":{{"client_token":"s.tok","lease_duration":{lease},"renewable":true}}}}"#
            ),
        ),
        ("GET", _) if fake.revoked.load(Ordering::Relaxed) => {
            (403, r#"{"errors":["permission denied"]}"#.to_owned())
        }
        ("GET", p) if p.starts_with("/v1/secret/data/pii/") && token == "s.tok" => match mode {
            Mode::ServerError => (500, r#"{"errors":["internal error"]}"#.to_owned()),
            Mode::Malformed => (200, "<html>not json".to_owned()),
            Mode::NoKeyset => (200, r#"{"data":{"data":{}}}"#.to_owned()),
            _ => {
                let ks = if p.ends_with("/token") {
                    fake.token_keyset.lock().unwrap().clone()
                } else {
                    REVEAL_KEYSET.to_owned()
                };
                (200, serde_json::json!({"data": {"data": {"keyset": ks}, "metadata": {"version": 1}}}).to_string())
            }
        },
        _ => (403, r#"{"errors":["permission denied"]}"#.to_owned()),
    };
    let mut s = reader.into_inner();
    let _ = write!(
        s,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{resp}",
        resp.len()
    );
    let _ = s.flush();
}

fn start(tls: bool) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = std::env::temp_dir().join(format!("ecsctx-vault-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("role_id"), "role-1\n").unwrap();
    std::fs::write(dir.join("secret_id"), "secret-1\n").unwrap();
    let fake = Arc::new(Fake {
        mode: Mutex::new(Mode::Ok),
        token_keyset: Mutex::new(TOKEN_KEYSET.to_owned()),
        lease: Mutex::new(3600),
        log: Mutex::new(Vec::new()),
        revoked: AtomicBool::new(false),
        stop: AtomicBool::new(false),
    });
    let (tls_config, ca) = if tls {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, KeyUsagePurpose};
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap()
            .signed_by(&key, &ca_cert, &ca_key)
            .unwrap();
        let ca_path = dir.join("ca.pem");
        std::fs::write(&ca_path, ca_cert.pem()).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .unwrap();
        (Some(Arc::new(config)), Some(ca_path))
    } else {
        (None, None)
    };
    let f = fake.clone();
    std::thread::spawn(move || {
        // Bounded: the server stops with its test (stop flag) or after 60 s.
        let deadline = Instant::now() + Duration::from_secs(60);
        while !f.stop.load(Ordering::Relaxed) && Instant::now() < deadline {
            match listener.accept() {
                Ok((stream, _)) => {
                    stream.set_nonblocking(false).unwrap();
                    stream
                        .set_read_timeout(Some(Duration::from_secs(5)))
                        .unwrap();
                    let f = f.clone();
                    let tls = tls_config.clone();
                    std::thread::spawn(move || match tls {
                        Some(cfg) => {
                            let conn = rustls::ServerConnection::new(cfg).unwrap();
                            handle(&f, rustls::StreamOwned::new(conn, stream));
                        }
                        None => handle(&f, stream),
                    });
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    let scheme = if tls { "https" } else { "http" };
    Server {
        fake,
        addr: format!("{scheme}://127.0.0.1:{port}"),
        dir,
        ca,
    }
}

fn full(server: &Server) -> Result<Pii, ecsctx::pii::Error> {
    Pii::new(
        Config::vault(server.config())
            .with_access(Access::Full)
            .with_env("prod"),
    )
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

const JOHN_PROD: &str = "ptok:v1:doa_-GE9Q8bX36KrTfo84reb8Lz4UiXDlxD3f8opx_Y";

fn check_ok(server: &Server) {
    let p = full(server).unwrap();
    assert_eq!(
        p.tokenize("john.doe@example.com", "email").unwrap(),
        JOHN_PROD
    );
    let c = p.protect("John Doe", "name").unwrap();
    assert_eq!(p.reveal(&c, "name").unwrap(), "John Doe");
    let log = server.log();
    assert!(
        log[0].starts_with("POST /v1/auth/approle/login token= body="),
        "{log:?}"
    );
    assert!(log[0].contains("role-1") && log[0].contains("secret-1"));
    assert!(log
        .iter()
        .any(|l| l.starts_with("GET /v1/secret/data/pii/token token=s.tok")));
    assert!(log
        .iter()
        .any(|l| l.starts_with("GET /v1/secret/data/pii/reveal token=s.tok")));
}

#[test]
fn http_login_and_read() {
    check_ok(&start(false));
}

#[test]
fn https_with_custom_ca() {
    check_ok(&start(true));
}

#[test]
fn https_without_the_ca_is_refused() {
    let mut server = start(true);
    server.ca = None;
    let e = full(&server).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Keyset);
    assert!(
        e.to_string().to_lowercase().contains("certificate") || e.to_string().contains("issuer"),
        "{e}"
    );
}

#[test]
fn tokenize_only_reads_only_the_token_keyset() {
    let server = start(false);
    let p = Pii::new(Config::vault(server.config()).with_env("prod")).unwrap();
    assert_eq!(
        p.tokenize("john.doe@example.com", "email").unwrap(),
        JOHN_PROD
    );
    assert_eq!(
        p.protect("x", "generic").unwrap_err().kind(),
        ErrorKind::AccessDenied
    );
    assert!(!server.log().iter().any(|l| l.contains("/reveal")));
}

#[test]
fn startup_failures() {
    let server = start(false);
    for (mode, needle) in [
        (Mode::Unauthorized, "HTTP 401"),
        (Mode::ServerError, "HTTP 500"),
        (Mode::Malformed, "not JSON"),
        (Mode::NoKeyset, "data.data.keyset"),
        (Mode::Down, "secret/data/pii/token"),
    ] {
        server.set(mode);
        let e = full(&server).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Keyset, "{mode:?}: {e}");
        let msg = e.to_string();
        if mode != Mode::Down {
            assert!(msg.contains(needle), "{mode:?}: {msg}");
        }
        assert!(
            !msg.contains("secret-1") && !msg.contains("s.tok"),
            "no secrets in errors: {msg}"
        );
    }
    // Nothing listening at all.
    let mut gone = start(false);
    gone.addr = "http://127.0.0.1:9".to_owned();
    assert_eq!(full(&gone).unwrap_err().kind(), ErrorKind::Keyset);
}

#[test]
fn startup_timeout() {
    let server = start(false);
    server.set(Mode::Slow);
    let t = Instant::now();
    let e = full(&server).unwrap_err();
    assert!(
        t.elapsed() < Duration::from_millis(2500),
        "the 700 ms timeout applies: {:?}",
        t.elapsed()
    );
    assert!(
        e.to_string().to_lowercase().contains("timeout")
            || e.to_string().to_lowercase().contains("timed out"),
        "{e}"
    );
}

#[test]
fn refresh_rotation_down_and_back() {
    let server = start(false);
    let p = full(&server).unwrap();
    assert_eq!(
        p.tokenize("john.doe@example.com", "email").unwrap(),
        JOHN_PROD
    );
    let before = p.protect("old", "generic").unwrap();

    // Rotation in Vault: the new primary is picked up by the refresh.
    *server.fake.token_keyset.lock().unwrap() =
        TOKEN_KEYSET.replace("\"primary_kid\": \"tk1\"", "\"primary_kid\": \"tk0\"");
    wait_until("the rotated keyset", || {
        p.tokenize("john.doe@example.com", "email").unwrap() != JOHN_PROD
    });
    let rotated = p.tokenize("john.doe@example.com", "email").unwrap();

    // Vault goes down, errors, or answers garbage: the last good keyset stays in force.
    for mode in [Mode::Down, Mode::ServerError, Mode::Malformed, Mode::Slow] {
        server.set(mode);
        let n = server.log().len();
        wait_until("a failed refresh", || server.log().len() > n);
        assert_eq!(
            p.tokenize("john.doe@example.com", "email").unwrap(),
            rotated,
            "{mode:?}"
        );
        assert_eq!(p.reveal(&before, "generic").unwrap(), "old");
    }

    // Back up, with the original keyset.
    *server.fake.token_keyset.lock().unwrap() = TOKEN_KEYSET.to_owned();
    server.set(Mode::Ok);
    wait_until("recovery", || {
        p.tokenize("john.doe@example.com", "email").unwrap() == JOHN_PROD
    });
}

#[test]
fn token_is_renewed_before_its_lease_ends() {
    let server = start(false);
    *server.fake.lease.lock().unwrap() = 1;
    let p = Pii::new(
        Config::vault(
            server
                .config()
                .with_refresh_interval(Duration::from_secs(60)),
        )
        .with_env("prod"),
    )
    .unwrap();
    wait_until("a renewal", || {
        server
            .log()
            .iter()
            .any(|l| l.starts_with("POST /v1/auth/token/renew-self token=s.tok"))
    });
    assert_eq!(
        p.tokenize("john.doe@example.com", "email").unwrap(),
        JOHN_PROD
    );
}

#[test]
fn refused_token_logs_in_again() {
    let server = start(false);
    *server.fake.lease.lock().unwrap() = 0; // never renewed
    let p = full(&server).unwrap();
    let logins = || {
        server
            .log()
            .iter()
            .filter(|l| l.contains("approle/login"))
            .count()
    };
    assert_eq!(logins(), 1);
    // The token is revoked: the next read is 403, and the provider logs in again.
    server.fake.revoked.store(true, Ordering::Relaxed);
    wait_until("a second login", || logins() >= 2);
    wait_until("a read with the new token", || {
        !server.fake.revoked.load(Ordering::Relaxed)
            && server.log().last().is_some_and(|l| l.starts_with("GET"))
    });
    assert_eq!(
        p.tokenize("john.doe@example.com", "email").unwrap(),
        JOHN_PROD
    );
}

#[test]
fn from_env_variables() {
    let server = start(false);
    let vars = [
        ("PII_PROVIDER", "vault".to_owned()),
        ("PII_ACCESS", "full".to_owned()),
        ("PII_ENV", "prod".to_owned()),
        ("PII_VAULT_ADDR", server.addr.clone()),
        (
            "PII_VAULT_ROLE_ID_PATH",
            server.dir.join("role_id").display().to_string(),
        ),
        (
            "PII_VAULT_SECRET_ID_PATH",
            server.dir.join("secret_id").display().to_string(),
        ),
        (
            "PII_VAULT_TOKEN_KEYSET_PATH",
            "secret/data/pii/token".to_owned(),
        ),
        (
            "PII_VAULT_REVEAL_KEYSET_PATH",
            "secret/data/pii/reveal".to_owned(),
        ),
        ("PII_REFRESH_SECONDS", "300".to_owned()),
        ("PII_VAULT_TIMEOUT", "2".to_owned()),
    ];
    for (k, v) in &vars {
        std::env::set_var(k, v);
    }
    let r = Pii::from_env();
    for (k, _) in &vars {
        std::env::remove_var(k);
    }
    let p = r.unwrap().unwrap();
    assert_eq!(p.access(), Access::Full);
    assert_eq!(
        p.tokenize("john.doe@example.com", "email").unwrap(),
        JOHN_PROD
    );
}
