//! Keyset files: rotation, hot reload while tokenizing and masking from several threads,
//! last-good on a broken rewrite, tokenize-only access.

mod pii_common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ecsctx::mask::Masker;
use ecsctx::pii::{Access, Config, ErrorKind, Pii, PiiMasker};
use pii_common::*;

fn tmpdir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("ecsctx-pii-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Writes through a temporary file and a rename, as deployment tools do.
fn write_atomic(path: &std::path::Path, text: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn with_primary(keyset: &str, kid: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(keyset).unwrap();
    let mut v = v;
    v["primary_kid"] = kid.into();
    v.to_string()
}

#[test]
fn hot_reload_while_tokenizing_from_threads() {
    let dir = tmpdir("reload");
    let (tpath, rpath) = (dir.join("token.json"), dir.join("reveal.json"));
    write_atomic(&tpath, &with_primary(TOKEN_KEYSET, "tk0"));
    write_atomic(&rpath, &with_primary(REVEAL_KEYSET, "rk0"));
    let p = Pii::new(
        Config::file(&tpath)
            .with_reveal_keyset_path(&rpath)
            .with_access(Access::Full)
            .with_env("prod")
            .with_reload_interval(Duration::from_millis(20)),
    )
    .unwrap();
    let old_token = p.tokenize("john.doe@example.com", "email").unwrap();
    let old_cipher = p.protect("John Doe", "name").unwrap();
    assert!(old_cipher.starts_with("penc:v1:rk0:"));
    let new_token = "ptok:v1:doa_-GE9Q8bX36KrTfo84reb8Lz4UiXDlxD3f8opx_Y"; // tk1, prod
    assert_ne!(old_token, new_token);

    let stop = Arc::new(AtomicBool::new(false));
    let masker = PiiMasker::new().with_pii(p.clone());
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let (p, m, stop, old) = (p.clone(), masker.clone(), stop.clone(), old_token.clone());
            std::thread::spawn(move || {
                let mut seen_new = 0u64;
                let mut out = String::new();
                while !stop.load(Ordering::Relaxed) {
                    let t = if i % 2 == 0 {
                        p.tokenize("John.Doe@Example.com ", "email").unwrap()
                    } else {
                        out.clear();
                        assert!(m.mask_str(
                            "extra.customer_email",
                            "john.doe@example.com",
                            &mut out
                        ));
                        out.clone()
                    };
                    // Every token is the old or the new one: never an error, never redacted.
                    assert!(t == old || t == new_token, "unexpected {t}");
                    if t == new_token {
                        seen_new += 1;
                    }
                }
                seen_new
            })
        })
        .collect();

    std::thread::sleep(Duration::from_millis(100));
    // Rotate: tk1 and rk1 become primary; the old keys stay in the keysets.
    write_atomic(&tpath, TOKEN_KEYSET);
    write_atomic(&rpath, REVEAL_KEYSET);
    let deadline = Instant::now() + Duration::from_secs(10);
    while p.tokenize("john.doe@example.com", "email").unwrap() != new_token {
        assert!(Instant::now() < deadline, "the rewrite was not picked up");
        std::thread::sleep(Duration::from_millis(10));
    }
    // A broken rewrite keeps the last good keyset.
    std::fs::write(
        &tpath,
        "{\"schema_version\": 1, \"primary_kid\": \"tk1\", \"keys\": {",
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(150));
    assert_eq!(
        p.tokenize("john.doe@example.com", "email").unwrap(),
        new_token
    );

    stop.store(true, Ordering::Relaxed);
    let seen: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert!(seen > 0, "the threads saw the new keyset");

    // Rotation: values protected before still reveal; new ones use the new primary.
    assert_eq!(p.reveal(&old_cipher, "name").unwrap(), "John Doe");
    assert!(p
        .protect("x", "generic")
        .unwrap()
        .starts_with("penc:v1:rk1:"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn first_load_failure_is_an_error_and_tokenize_only_skips_reveal() {
    let dir = tmpdir("first");
    let tpath = dir.join("token.json");
    let p = Pii::new(
        Config::file(&tpath)
            .with_reveal_keyset_path("/nonexistent/reveal.json")
            .with_reload_interval(Duration::ZERO),
    )
    .unwrap();
    let e = p.tokenize("x", "generic").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Keyset);
    assert!(e.to_string().contains("token.json"), "{e}");
    // The masker never writes plaintext meanwhile.
    let m = PiiMasker::new().with_pii(p.clone());
    assert_eq!(m.mask("extra.customer_name", "John Doe"), "[PII_REDACTED]");

    // Tokenize-only: the reveal path is never read, protect/reveal are denied.
    write_atomic(&tpath, TOKEN_KEYSET);
    assert!(p.tokenize("x", "generic").unwrap().starts_with("ptok:v1:"));
    assert_eq!(
        p.protect("x", "generic").unwrap_err().kind(),
        ErrorKind::AccessDenied
    );

    // A bad keyset names the file and the problem.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, TOKEN_KEYSET.replace("HMAC-SHA-256", "HMAC-MD5")).unwrap();
    let e = Pii::new(Config::file(&bad))
        .unwrap()
        .tokenize("x", "generic")
        .unwrap_err();
    assert!(
        e.to_string().contains("bad.json") && e.to_string().contains("HMAC-MD5"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn environment_configuration() {
    let dir = tmpdir("env");
    let tpath = dir.join("token.json");
    write_atomic(&tpath, TOKEN_KEYSET);
    std::env::set_var("PII_TOKEN_KEYSET_PATH", &tpath);
    std::env::set_var("PII_ENV", "dev");
    // Lazily configured from the environment on first use.
    assert!(ecsctx::pii::is_configured());
    assert_eq!(
        ecsctx::pii::tokenize("john.doe@example.com", "email").unwrap(),
        "ptok:v1:EK3Jut4-A2Og-kDBPAfjhxgRBP4mXDi9PiDhHb6soYA"
    );
    std::env::set_var("PII_ACCESS", "full");
    let e = ecsctx::pii::configure_from_env().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(e.to_string().contains("PII_REVEAL_KEYSET_PATH"), "{e}");
    std::env::set_var("PII_ACCESS", "admin");
    assert_eq!(
        ecsctx::pii::configure_from_env().unwrap_err().kind(),
        ErrorKind::Config
    );
    for k in ["PII_TOKEN_KEYSET_PATH", "PII_ENV", "PII_ACCESS"] {
        std::env::remove_var(k);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
