//! PII costs: `tokenize()` alone, the masker on single strings, and a checkout event with
//! and without PII through the real logger (masker installed), writing to `io::sink()`.
//!
//! `cargo bench -p ecsctx --bench pii`

#[path = "common/mod.rs"]
mod common;
use common::pii;

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use ecsctx::context::{self, Fields};
use ecsctx::mask::Masker;
use ecsctx::pii::PiiMasker;

fn tokenize(c: &mut Criterion) {
    let p = pii();
    ecsctx::pii::configure_with(p.clone());
    let mut g = c.benchmark_group("tokenize");
    g.bench_function("pii::tokenize(email)", |b| {
        b.iter(|| ecsctx::pii::tokenize(black_box("John.Doe@Example.com"), "email").unwrap())
    });
    let mut out = String::with_capacity(64);
    g.bench_function("Pii::tokenize_into(generic, no alloc)", |b| {
        b.iter(|| {
            out.clear();
            p.tokenize_into(black_box("John Doe"), "generic", &mut out)
                .unwrap();
        })
    });
    // A different value every time: what a customer's first appearance on a thread costs
    // (the memo misses).
    let values: Vec<String> = (0..4096)
        .map(|i| format!("customer{i}@example.com"))
        .collect();
    let mut i = 0;
    g.bench_function("Pii::tokenize_into(email, memo miss)", |b| {
        b.iter(|| {
            out.clear();
            i = (i + 1) % values.len();
            p.tokenize_into(black_box(&values[i]), "email", &mut out)
                .unwrap();
        })
    });
    g.finish();
}

fn masker(c: &mut Criterion) {
    let m = PiiMasker::new().with_pii(pii());
    let mut out = String::with_capacity(256);
    let mut g = c.benchmark_group("mask_str");
    for (name, path, value) in [
        ("clean (fast path)", "extra.currency", "KWD"),
        (
            "clean url",
            "url.path",
            "/v1/payments/checkout?session=abc-def",
        ),
        ("safe ECS key", "service.name", "checkout"),
        ("key-based name", "payload.customer_name", "John Doe"),
        (
            "email in text",
            "message",
            "receipt sent to john.doe@example.com today",
        ),
        ("card in text", "message", "paid with 4111 1111 1111 1111"),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                out.clear();
                black_box(m.mask_str(black_box(path), black_box(value), &mut out));
            })
        });
    }
    g.finish();
}

fn checkout(c: &mut Criterion) {
    ecsctx::Builder::new()
        .with_filter("info")
        .with_sink(ecsctx::sink::WriterSink::new(std::io::sink()))
        .with_masker(Some(Arc::new(PiiMasker::new().with_pii(pii()))))
        .try_init()
        .unwrap();
    let _g = context::bind(
        Fields::new()
            .with("http.request.method", "POST")
            .with("url.path", "/v1/payments")
            .with("session_id", "sess-8f2c")
            .with("merchant_id", "m-1001"),
    );
    let mut g = c.benchmark_group("checkout");
    g.bench_function("checkout event (masker installed)", |b| {
        b.iter(|| {
            log::info!(order_id = "ORD-1001", amount = 100, currency = "KWD", attempt = 1,
                       gateway_name = "knet"; "payment_processed")
        })
    });
    g.bench_function("checkout event + PII", |b| {
        b.iter(|| {
            log::info!(order_id = "ORD-1001", amount = 100, currency = "KWD", attempt = 1,
                       gateway_name = "knet", customer_email = "john.doe@example.com",
                       customer_name = "John Doe", phone = "+965 5555 1234"; "payment_processed")
        })
    });
    g.finish();
}

criterion_group!(benches, tokenize, masker, checkout);
criterion_main!(benches);
