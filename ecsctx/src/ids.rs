//! Process-unique ids for things that caches name (loggers, layers, keysets, masker
//! rules): never 0, never reused, so a cached entry cannot match a newer thing.

use std::sync::atomic::{AtomicU64, Ordering};

/// A fresh id (≥ 1).
pub(crate) fn next() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
