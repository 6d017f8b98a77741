//! Compile-time checks of `event!` and `bind!`: every case in
//! `trybuild/fail` must fail with the `.stderr` next to it, every case in
//! `trybuild/pass` must build and run.
//!
//! Regenerate the expected output with
//! `TRYBUILD=overwrite cargo test -p ecsctx-tests --test trybuild`
//! and review the diff.

#[rustversion::stable]
#[test]
fn event_and_bind() {
    let t = trybuild::TestCases::new();
    t.pass("../trybuild/pass/*.rs");
    t.compile_fail("../trybuild/fail/*.rs");
}
