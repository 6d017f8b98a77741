//! `ecsctx keyset new|rotate|check`: keyset files for the operators who hold them.
//!
//! A keyset is the library's JSON (`schema_version`, `primary_kid`, `keys` of `alg`,
//! `created_at`, `key_b64`). Keys are 32 random bytes from the operating system. `rotate`
//! adds a key, makes it the primary and keeps the old ones (tokens and ciphertexts made
//! with them still verify and reveal), writing the file in place atomically with its
//! permissions kept. `check` validates with the library's own parser and messages.

use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ecsctx::pii::Keyset;
use serde_json::{json, Map, Value};

/// The two kinds of keyset.
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum Alg {
    /// `HMAC-SHA-256`: a token keyset (`PII_TOKEN_KEYSET_PATH`).
    Hmac,
    /// `AES-256-GCM`: a reveal keyset (`PII_REVEAL_KEYSET_PATH`).
    Aes,
}

impl Alg {
    fn name(self) -> &'static str {
        match self {
            Alg::Hmac => "HMAC-SHA-256",
            Alg::Aes => "AES-256-GCM",
        }
    }
    fn prefix(self) -> &'static str {
        match self {
            Alg::Hmac => "tk",
            Alg::Aes => "rk",
        }
    }
    fn of(name: &str) -> Option<Alg> {
        match name {
            "HMAC-SHA-256" => Some(Alg::Hmac),
            "AES-256-GCM" => Some(Alg::Aes),
            _ => None,
        }
    }
}

/// A new keyset of one key, as pretty JSON.
pub(crate) fn new(alg: Alg, kid: Option<&str>) -> Result<String, String> {
    let kid = kid.map_or_else(|| fresh_kid(alg, &Map::new()), str::to_owned);
    let mut keys = Map::new();
    keys.insert(kid.clone(), key(alg)?);
    let ks = json!({"schema_version": 1, "primary_kid": kid, "keys": keys});
    let text = pretty(&ks);
    validate(alg, &text, "the new keyset")?;
    Ok(text)
}

/// Adds a key to the keyset at `path`, makes it the primary, writes the file in place;
/// the new key id.
pub(crate) fn rotate(path: &Path, kid: Option<&str>) -> Result<String, String> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    let alg = check_text(&text, &shown)?.0;
    let mut ks: Value = serde_json::from_str(&text).map_err(|e| format!("{shown}: {e}"))?;
    let keys = ks["keys"].as_object_mut().ok_or("keys is not an object")?;
    let kid = kid.map_or_else(|| fresh_kid(alg, keys), str::to_owned);
    if keys.contains_key(&kid) {
        return Err(format!("{shown}: key id '{kid}' is already in the keyset"));
    }
    keys.insert(kid.clone(), key(alg)?);
    ks["primary_kid"] = Value::String(kid.clone());
    let out = pretty(&ks);
    validate(alg, &out, &shown)?;
    // In place, atomically: a reader (the library's hot reload) sees the old file or the
    // new one, never half of one.
    let tmp = path.with_extension("rotate.tmp");
    std::fs::write(&tmp, &out).map_err(|e| format!("{}: {e}", tmp.display()))?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, path).map_err(|e| format!("{shown}: {e}"))?;
    Ok(kid)
}

/// Validates the keyset at `path` with the library's parser: its kind, key ids and primary.
pub(crate) fn check(path: &Path) -> Result<String, String> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    let (alg, ks) = check_text(&text, &shown)?;
    let kids: Vec<&str> = ks.kids().collect();
    Ok(format!(
        "{shown}: a valid {} keyset, primary '{}', {} key(s): {}",
        alg.name(),
        ks.primary_kid(),
        kids.len(),
        kids.join(", ")
    ))
}

/// The keyset's kind (from its primary key's `alg`) and the library's parse of it.
fn check_text(text: &str, source: &str) -> Result<(Alg, Keyset), String> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| format!("keyset {source}: invalid JSON ({e})"))?;
    let primary = v["primary_kid"].as_str().unwrap_or_default();
    let alg = v["keys"][primary]["alg"]
        .as_str()
        .and_then(Alg::of)
        .unwrap_or(Alg::Hmac);
    let ks = parse(alg, text, source)?;
    Ok((alg, ks))
}

fn parse(alg: Alg, text: &str, source: &str) -> Result<Keyset, String> {
    match alg {
        Alg::Hmac => Keyset::parse_token(text.as_bytes(), source),
        Alg::Aes => Keyset::parse_reveal(text.as_bytes(), source),
    }
    .map_err(|e| e.to_string())
}

fn validate(alg: Alg, text: &str, source: &str) -> Result<(), String> {
    parse(alg, text, source).map(|_| ())
}

/// One key entry: 32 random bytes, now.
fn key(alg: Alg) -> Result<Value, String> {
    let mut k = [0u8; 32];
    getrandom::fill(&mut k).map_err(|e| format!("no randomness from the OS: {e}"))?;
    let b64 = STANDARD.encode(k);
    k.fill(0);
    Ok(json!({"alg": alg.name(), "created_at": now_rfc3339(), "key_b64": b64}))
}

/// `tk-20261206-1`, `rk-20261206-2`: the kind, today, the first number not taken.
fn fresh_kid(alg: Alg, keys: &Map<String, Value>) -> String {
    let day: String = now_rfc3339()[..10].replace('-', "");
    (1..)
        .map(|n| format!("{}-{day}-{n}", alg.prefix()))
        .find(|k| !keys.contains_key(k))
        .expect("a free key id")
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("JSON values serialize");
    s.push('\n');
    s
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ` (the library's RFC 3339, to the second).
fn now_rfc3339() -> String {
    let t = ecsctx::ecs::rfc3339(std::time::SystemTime::now());
    format!("{}Z", &t[..19])
}
