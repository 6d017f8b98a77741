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
