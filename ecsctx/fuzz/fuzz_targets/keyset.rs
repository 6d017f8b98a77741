//! Fuzz target `keyset`: the check in `checks.rs` (also run on the committed corpus by
//! `tests/tests/fuzz_corpus.rs` on stable).
#![no_main]

#[path = "../checks.rs"]
#[allow(dead_code)]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::keyset(data));
