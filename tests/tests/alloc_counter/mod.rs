//! A global allocator that counts this thread's allocations, for the zero-allocation
//! tests. Each test binary installs it with
//! `#[global_allocator] static A: alloc_counter::Counting = alloc_counter::Counting;`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

pub struct Counting;

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards every call to the system allocator unchanged; it only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        System.realloc(p, l, n)
    }
}

/// Allocations (and reallocations) made by this thread so far.
pub fn allocs() -> u64 {
    ALLOCS.with(Cell::get)
}

/// Runs `log_one` 10 times (its first calls grow the thread's buffers, which the counter
/// must see), then 100 times, in which it must allocate nothing.
#[allow(dead_code)] // (Not every test binary that counts uses it.)
pub fn assert_allocates_nothing_after_warm_up(what: &str, mut log_one: impl FnMut(u64)) {
    let cold = allocs();
    for n in 0..10 {
        log_one(n);
    }
    assert!(allocs() > cold, "the counting allocator saw nothing");
    let before = allocs();
    for n in 0..100 {
        log_one(n);
    }
    assert_eq!(allocs() - before, 0, "allocations {what}");
}
