//! Where keysets come from: in-memory keysets, files (hot reload) and Vault.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use super::cipher::RevealKeys;
use super::error::Error;
use super::token::TokenKeys;

pub(crate) mod file;
#[cfg(feature = "vault")]
pub(crate) mod vault;

/// The keysets in force: the token keyset and, with `PII_ACCESS=full`, the reveal keyset.
pub(crate) struct Loaded {
    pub(crate) token: TokenKeys,
    pub(crate) reveal: Option<RevealKeys>,
}

/// A source of the current keysets. `current` is called for every token: it must not do
/// I/O except at most once every few seconds.
pub(crate) trait Provider: Send + Sync + 'static {
    fn current(&self) -> Result<Arc<Loaded>, Error>;

    /// The keysets, borrowed, when they can never change (no reference count to touch).
    fn fixed(&self) -> Option<&Loaded> {
        None
    }
}

/// Keysets given in code; never reloaded.
pub(crate) struct Fixed(pub(crate) Arc<Loaded>);

impl Provider for Fixed {
    fn current(&self) -> Result<Arc<Loaded>, Error> {
        Ok(self.0.clone())
    }

    fn fixed(&self) -> Option<&Loaded> {
        Some(&self.0)
    }
}

/// Nanoseconds since the first call in this process (a cheap monotonic clock for atomics).
pub(crate) fn now_nanos() -> u64 {
    static BASE: OnceLock<Instant> = OnceLock::new();
    BASE.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

/// Reports a keyset refresh failure on stderr once until the next success.
///
/// The logger itself may be the caller (the masker tokenizes while a line is rendered), so
/// this cannot go through `log`.
pub(crate) struct ReportOnce(AtomicBool);

impl ReportOnce {
    pub(crate) const fn new() -> ReportOnce {
        ReportOnce(AtomicBool::new(false))
    }

    /// Runs `report` unless a failure was reported since the last success.
    pub(crate) fn once(&self, report: impl FnOnce()) {
        if !self.0.swap(true, Ordering::Relaxed) {
            report();
        }
    }

    pub(crate) fn failed(&self, what: &str, err: &Error) {
        self.once(|| eprintln!("ecsctx: {what} failed, keeping the last good keyset: {err}"));
    }

    /// Clears the report; whether a failure had been reported.
    pub(crate) fn succeeded(&self) -> bool {
        self.0.swap(false, Ordering::Relaxed)
    }

    #[cfg(test)]
    pub(crate) fn is_reported(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
