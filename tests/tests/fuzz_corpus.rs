//! Replays the committed fuzz corpus (`ecsctx/fuzz/corpus/<target>/`) through the same
//! checks the `cargo fuzz` targets run, on stable: every input the fuzzers kept (and
//! every crash they found, once fixed) stays a regression test.

#[path = "../../ecsctx/fuzz/checks.rs"]
mod checks;

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ecsctx/fuzz/corpus")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let res = std::panic::catch_unwind(|| check(&data));
        assert!(res.is_ok(), "{target}: {} fails its check", path.display());
        n += 1;
    }
    assert!(n > 0, "{target}: empty corpus");
}

#[test]
fn traceparent_corpus() {
    replay("traceparent", checks::traceparent);
}

#[test]
fn keyset_corpus() {
    replay("keyset", checks::keyset);
}

#[test]
fn masker_corpus() {
    replay("masker", checks::masker);
}

#[test]
fn render_corpus() {
    replay("render", checks::render);
}
