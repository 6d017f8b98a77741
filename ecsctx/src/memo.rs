//! Per-thread memos (tokens, key classifications): a table of slots per hash bucket (one
//! slot, or a set of two), where a new entry replaces an old one. Lookups and updates never fail:
//! a memo that is busy (re-entrant use) or gone (thread teardown) is simply skipped.

use std::cell::RefCell;
use std::thread::LocalKey;

/// A memo's table, created on first use.
pub(crate) type Table<S> = RefCell<Vec<S>>;

/// What `hit` finds in slot `i` of this thread's table (`None` when the table is empty,
/// busy or gone).
#[inline]
pub(crate) fn get<S, R>(
    table: &'static LocalKey<Table<S>>,
    i: usize,
    hit: impl FnOnce(&S) -> Option<R>,
) -> Option<R> {
    table
        .try_with(|t| hit(t.try_borrow().ok()?.get(i)?))
        .ok()
        .flatten()
}

/// What `hit` finds in the first of slots `i..i + n` (a set) that it accepts, with one
/// borrow of the table.
#[inline]
pub(crate) fn get_in_set<S, R>(
    table: &'static LocalKey<Table<S>>,
    i: usize,
    n: usize,
    hit: impl FnMut(&S) -> Option<R>,
) -> Option<R> {
    table
        .try_with(|t| t.try_borrow().ok()?.get(i..i + n)?.iter().find_map(hit))
        .ok()
        .flatten()
}

/// Lets `fill` overwrite slot `i` of this thread's table (made of `n` copies of `empty()`
/// on first use).
#[inline]
pub(crate) fn put<S: Clone>(
    table: &'static LocalKey<Table<S>>,
    n: usize,
    empty: impl FnOnce() -> S,
    i: usize,
    fill: impl FnOnce(&mut S),
) {
    let _ = table.try_with(|t| {
        if let Ok(mut t) = t.try_borrow_mut() {
            if t.is_empty() {
                t.resize(n, empty());
            }
            fill(&mut t[i]);
        }
    });
}

/// Lets `fill` update this thread's whole table (made of `n` copies of `empty()` on first
/// use): for memos whose entry may go in one of several slots.
#[inline]
pub(crate) fn update<S: Clone>(
    table: &'static LocalKey<Table<S>>,
    n: usize,
    empty: impl FnOnce() -> S,
    fill: impl FnOnce(&mut [S]),
) {
    let _ = table.try_with(|t| {
        if let Ok(mut t) = t.try_borrow_mut() {
            if t.is_empty() {
                t.resize(n, empty());
            }
            fill(&mut t);
        }
    });
}

/// A memo's hash of `bytes`, going on from `h`: eight bytes at a time. It picks the slot
/// of an entry (an entry is always compared whole); it is no fingerprint of a secret.
#[inline]
pub(crate) fn hash(mut h: u64, bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        h = mix(
            h,
            u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]),
        );
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        h = mix(h, le_word(tail));
    }
    h
}

/// Up to eight bytes packed little-endian (the first byte lowest), without a copy of a
/// variable length.
#[inline]
pub(crate) fn le_word(bytes: &[u8]) -> u64 {
    debug_assert!(bytes.len() <= 8);
    bytes.iter().rev().fold(0, |w, &c| (w << 8) | u64::from(c))
}

/// One step of [`hash`]: eight bytes (or any word) into `h`.
#[inline]
pub(crate) fn mix(h: u64, w: u64) -> u64 {
    (h.rotate_left(23) ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}
