//! Keyset files: lazy load, hot reload on mtime change, last-good on a failed reload.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use zeroize::Zeroizing;

use super::{now_nanos, Loaded, Provider, ReportOnce};
use crate::pii::cipher::RevealKeys;
use crate::pii::error::Error;
use crate::pii::keyset::Keyset;
use crate::pii::token::TokenKeys;

/// What identifies one version of a file: modification time and length.
type Stamp = Option<(SystemTime, u64)>;

pub(crate) struct FileProvider {
    env: Box<str>,
    token_path: PathBuf,
    reveal_path: Option<PathBuf>,
    interval_nanos: u64,
    next_check: AtomicU64,
    current: RwLock<Option<Arc<Loaded>>>,
    state: Mutex<State>,
    report: ReportOnce,
    /// A failed first load (before any keyset: no last good one to keep).
    first: ReportOnce,
}

struct State {
    loaded_stamps: (Stamp, Stamp),
    first_error: Option<Error>,
}

fn stamp(path: &Path) -> Stamp {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

fn read(path: &Path) -> Result<Zeroizing<Vec<u8>>, Error> {
    std::fs::read(path).map(Zeroizing::new).map_err(|e| {
        Error::keyset(
            &path.display().to_string(),
            format_args!("cannot read: {e}"),
        )
    })
}

impl FileProvider {
    pub(crate) fn new(
        env: &str,
        token_path: PathBuf,
        reveal_path: Option<PathBuf>,
        interval: Duration,
    ) -> FileProvider {
        FileProvider {
            env: env.into(),
            token_path,
            reveal_path,
            interval_nanos: interval.as_nanos().min(u64::MAX as u128) as u64,
            next_check: AtomicU64::new(0),
            current: RwLock::new(None),
            state: Mutex::new(State {
                loaded_stamps: (None, None),
                first_error: None,
            }),
            report: ReportOnce::new(),
            first: ReportOnce::new(),
        }
    }

    fn load(&self) -> Result<Loaded, Error> {
        let token_src = self.token_path.display().to_string();
        let token = Keyset::parse_token(&read(&self.token_path)?, &token_src)?;
        let reveal = match &self.reveal_path {
            Some(p) => Some(RevealKeys::new(
                Keyset::parse_reveal(&read(p)?, &p.display().to_string())?,
                &self.env,
            )),
            None => None,
        };
        Ok(Loaded {
            token: TokenKeys::new(token, &self.env),
            reveal,
        })
    }

    /// Reloads when a file changed; runs with the state lock held.
    fn check(&self, st: &mut State) {
        let stamps = (
            stamp(&self.token_path),
            self.reveal_path.as_deref().and_then(stamp),
        );
        let have = self
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_some();
        if have && stamps == st.loaded_stamps {
            return;
        }
        match self.load() {
            Ok(loaded) => {
                *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(loaded));
                st.loaded_stamps = stamps;
                st.first_error = None;
                self.report.succeeded();
                if self.first.succeeded() {
                    eprintln!("ecsctx: PII keyset loaded after a failed first load; tokens resume");
                }
            }
            Err(e) if have => self.report.failed("PII keyset reload", &e),
            Err(e) => {
                self.first.once(|| {
                    eprintln!(
                        "ecsctx: PII keyset load failed: {e}; until it loads, values are masked \
                         with labels instead of tokens (counted in ecsctx::stats().pii_keyset_errors), \
                         and the file is read again every {:?} (PII_RELOAD_SECONDS)",
                        Duration::from_nanos(self.interval_nanos)
                    )
                });
                st.first_error = Some(e);
            }
        }
    }
}

impl Provider for FileProvider {
    fn current(&self) -> Result<Arc<Loaded>, Error> {
        let now = now_nanos();
        if now >= self.next_check.load(Ordering::Relaxed) {
            let first = self
                .current
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .is_none();
            // Before the first load every caller waits for it; afterwards one thread checks
            // and the others keep using the current keyset.
            let guard = if first {
                Some(self.state.lock().unwrap_or_else(|e| e.into_inner()))
            } else {
                self.state.try_lock().ok()
            };
            if let Some(mut st) = guard {
                if now >= self.next_check.load(Ordering::Relaxed) {
                    self.check(&mut st);
                    self.next_check.store(
                        now_nanos().saturating_add(self.interval_nanos),
                        Ordering::Relaxed,
                    );
                }
            }
        }
        if let Some(l) = &*self.current.read().unwrap_or_else(|e| e.into_inner()) {
            return Ok(l.clone());
        }
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        Err(st.first_error.clone().unwrap_or_else(|| {
            Error::keyset(&self.token_path.display().to_string(), "not loaded yet")
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T1: &str = r#"{"schema_version": 1, "primary_kid": "tk1", "keys": {"tk1": {"alg": "HMAC-SHA-256", "key_b64": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}}}"#;

    #[test]
    fn lazy_error_then_reload_and_last_good() {
        let dir = std::env::temp_dir().join(format!("ecsctx-pii-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("token.json");
        let _ = std::fs::remove_file(&path);
        let p = FileProvider::new("prod", path.clone(), None, Duration::ZERO);
        let err = p.current().err().unwrap();
        assert!(err.to_string().contains("token.json"), "{err}");

        std::fs::write(&path, T1).unwrap();
        let first = p.current().unwrap();
        assert_eq!(first.token.keyset().primary_kid(), "tk1");

        std::fs::write(&path, "{ broken").unwrap();
        let kept = p.current().unwrap();
        assert!(
            Arc::ptr_eq(&first, &kept),
            "a failed reload keeps the last good keyset"
        );
        assert!(p.report.is_reported());

        std::fs::write(&path, T1.replace("tk1", "tk2")).unwrap();
        assert_eq!(p.current().unwrap().token.keyset().primary_kid(), "tk2");
        assert!(!p.report.is_reported());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
